//! baogao's PDF against the stock typst CLI's compile of the same Typst
//! project (`--emit-typst`): the same pages, the same text, the same
//! rendered pages. baogao runs typst-layout, typst-pdf and krilla with
//! patches (vendor/); a patch that changes what a page shows cannot pass.
//!
//! The typst CLI takes 10-15 minutes to install, more than CI can spend on
//! every run, so this runs only when `BAOGAO_TYPST` names a typst 0.15.1
//! binary (benches/compare.py installs one into benches/.typst):
//!
//!     BAOGAO_TYPST=benches/.typst/bin/typst cargo test stock_typst

use std::path::{Path, PathBuf};

use crate::support::*;

/// The typst CLI to compare with, if one is named.
fn stock_typst() -> Option<PathBuf> {
    let Some(typst) = std::env::var_os("BAOGAO_TYPST") else {
        eprintln!("skipping: set BAOGAO_TYPST to a typst 0.15.1 binary to compare with the stock typst CLI");
        return None;
    };
    let typst = PathBuf::from(typst);
    Some(if typst.is_absolute() { typst } else { root().join(typst) })
}

/// The pages of `pdf` drawn by poppler at 50 dpi, in order.
fn rendered(pdf: &Path, dir: &Path, name: &str) -> Vec<(u32, u32, Vec<u8>)> {
    let stem = dir.join(name);
    tool_ok("pdftoppm", &["-r", "50", "-gray", "-png", pdf.to_str().unwrap(), stem.to_str().unwrap()]).unwrap();
    let mut pages: Vec<PathBuf> = files_below(dir)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{name}-")))
        .collect();
    pages.sort_by_key(|p| (p.file_name().unwrap().len(), p.clone()));
    pages.iter().map(|p| grey_png(p)).collect()
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Builds `dir` with baogao and its emitted project with the typst CLI,
/// and compares the two PDFs.
fn same_as_stock(typst: &Path, dir: &Path, name: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let (ours, theirs, project) =
        (tmp.path().join("ours.pdf"), tmp.path().join("theirs.pdf"), tmp.path().join("project"));
    let output = baogao(&[
        "build",
        dir.to_str().unwrap(),
        "-o",
        ours.to_str().unwrap(),
        "--emit-typst",
        project.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let main = stdout.split_whitespace().find(|w| w.ends_with(".typ")).expect("the main file in the message");
    let fonts = root().join("fonts");
    let compiled = std::process::Command::new(typst)
        .args(["compile", "--root", project.to_str().unwrap(), "--ignore-system-fonts", "--font-path"])
        .args([fonts.to_str().unwrap(), "--pdf-standard", "a-2a,ua-1", main, theirs.to_str().unwrap()])
        .output()
        .expect("run the typst CLI");
    assert!(compiled.status.success(), "{name}: typst compile failed: {}", String::from_utf8_lossy(&compiled.stderr));

    let (Some(a), Some(b)) = (page_count(&ours), page_count(&theirs)) else { return };
    assert_eq!(a, b, "{name}: {a} pages against the typst CLI's {b}");
    let (text_a, text_b) = (pdf_text(&ours).unwrap(), pdf_text(&theirs).unwrap());
    assert_eq!(normalised(&text_a), normalised(&text_b), "{name}: the text differs from the typst CLI's");
    let pages = tmp.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    let (ours, theirs) = (rendered(&ours, &pages, "ours"), rendered(&theirs, &pages, "theirs"));
    for (n, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!((a.0, a.1), (b.0, b.1), "{name} page {}: another size", n + 1);
        let share = differing(a, b);
        // Drawn by one renderer from the same glyphs in the same places:
        // at most a stray pixel of anti-aliasing.
        assert!(share < 0.0005, "{name} page {}: {:.3} % of pixels differ", n + 1, share * 100.0);
    }
}

#[test]
fn the_samples_and_fixtures_look_as_the_stock_typst_cli_makes_them() {
    let Some(typst) = stock_typst() else { return };
    for sample in ["shiqiao-2021", "shiqiao-2021-gongwen", "shiqiao-2021-briefing"] {
        same_as_stock(&typst, &root().join("content").join(sample), sample);
    }
    for fixture in ["minimal", "gongwen-grid", "injection"] {
        same_as_stock(&typst, &root().join("tests/fixtures").join(fixture), fixture);
    }
}
