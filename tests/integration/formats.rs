//! `--format`: the same laid-out pages as SVG and PNG files beside the PDF,
//! read back with poppler (the PDF's pages and text), xmllint (the SVGs)
//! and the png crate (the PNGs' pixels against poppler's rendering of the
//! PDF).

use std::path::{Path, PathBuf};

use crate::support::*;

/// The page files `stem-NN.ext` in `dir`, in order.
fn pages(dir: &Path, stem: &str, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.strip_prefix(&format!("{stem}-"))
                .and_then(|n| n.strip_suffix(&format!(".{ext}")))
                .is_some_and(|n| n.len() >= 2 && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    found.sort();
    found
}

/// The text of an SVG's `<text>` elements, in order, as written (escaped),
/// without white space.
fn svg_text(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for piece in svg.split("<text ").skip(1) {
        let content = piece.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(c, _)| c);
        out.extend(content.unwrap_or_default().chars().filter(|c| !c.is_whitespace()));
    }
    out
}

/// Builds a copy of `fixture` to `-o <tmp>/<output>` with `options`,
/// asserting success; the temporary folder, the copy and baogao's stdout.
fn build_with(fixture: &str, output: &str, options: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let (tmp, dir) = copy_fixture(fixture);
    let out = tmp.path().join(output);
    let result = baogao(&[&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()], options].concat());
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    (tmp, dir, String::from_utf8_lossy(&result.stdout).into_owned())
}

#[test]
fn svg_and_png_pages_are_written_beside_the_pdf_one_per_page() {
    let (tmp, _, _) = build_with("minimal", "out.pdf", &["--format", "pdf,svg,png"]);
    let pdf = tmp.path().join("out.pdf");
    let Some(count) = page_count(&pdf) else { return };
    let (svgs, pngs) = (pages(tmp.path(), "out", "svg"), pages(tmp.path(), "out", "png"));
    assert_eq!((svgs.len(), pngs.len()), (count as usize, count as usize), "{svgs:?} {pngs:?}");
    assert!(svgs[0].ends_with("out-01.svg"), "{svgs:?}");

    // The SVGs are well-formed XML and carry the PDF's text, page by page.
    let names: Vec<&str> = svgs.iter().map(|p| p.to_str().unwrap()).collect();
    let Some(_) = tool_ok("xmllint", &[&["--noout"], names.as_slice()].concat()) else { return };
    // The same characters as many times on each page (their order may
    // differ: poppler reads a grid of callouts column by column).
    let sorted = |text: &str| {
        let mut chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        chars.sort();
        chars.into_iter().collect::<String>()
    };
    for (n, svg) in svgs.iter().enumerate() {
        let page = n as u32 + 1;
        let text = svg_text(svg).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        let pdf_text = pdf_pages_text(&pdf, page, page).unwrap();
        assert_eq!(sorted(&text), sorted(&pdf_text), "page {page}: the SVG's text is not the PDF's");
    }
    let all: String = svgs.iter().map(|p| svg_text(p)).collect();
    assert!(all.contains("336家次"), "the figure is not in the SVGs' text");

    // The PNGs: A4 at the default 144 pixels per inch, 2 pixels a point.
    let (width, height, _) = grey_png(&pngs[0]);
    assert_eq!((width, height), (1191, 1684));
}

#[test]
fn png_pages_look_like_the_pdf_as_poppler_draws_it() {
    let (tmp, _, _) = build_with("minimal", "m.pdf", &["--format", "pdf,png", "--ppi", "50"]);
    let pdf = tmp.path().join("m.pdf");
    let pngs = pages(tmp.path(), "m", "png");
    let poppler = tmp.path().join("poppler");
    let Some(_) = tool_ok("pdftoppm", &["-r", "50", "-gray", "-png", pdf.to_str().unwrap(), poppler.to_str().unwrap()])
    else {
        return;
    };
    let mut drawn: Vec<PathBuf> = files_below(tmp.path())
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("poppler-"))
        .collect();
    drawn.sort_by_key(|p| p.file_name().unwrap().len());
    assert_eq!(drawn.len(), pngs.len());
    let theirs: Vec<_> = drawn.iter().map(|p| grey_png(p)).collect();
    for (n, ours) in pngs.iter().enumerate() {
        let ours = grey_png(ours);
        let (w, h) = (ours.0, ours.1);
        // Rounding of the page size to pixels may differ by one.
        assert!(w.abs_diff(theirs[n].0) <= 1 && h.abs_diff(theirs[n].1) <= 1, "page {}: {w}x{h}", n + 1);
        let shares: Vec<f64> = theirs.iter().map(|t| differing(&ours, t)).collect();
        // The two renderers anti-alias every glyph's edges differently, so
        // some pixels always differ; a page drawn wrongly differs as much
        // as another page does.
        let best = (0..shares.len()).min_by(|&a, &b| shares[a].total_cmp(&shares[b])).unwrap();
        assert_eq!(best, n, "page {} looks most like poppler's page {}: {shares:?}", n + 1, best + 1);
        assert!(shares[n] < 0.012, "page {}: {:.2} % of pixels differ from poppler's", n + 1, shares[n] * 100.0);
    }
}

#[test]
fn one_format_alone_names_its_files_after_the_output_and_writes_no_pdf() {
    let (tmp, dir, stdout) = build_with("minimal", "x.svg", &["--format", "svg"]);
    assert!(stdout.contains("x-01.svg"), "{stdout}");
    assert!(!pages(tmp.path(), "x", "svg").is_empty());
    assert!(files_below(tmp.path()).iter().all(|p| p.extension().is_none_or(|e| e != "pdf")));
    assert!(files_below(&dir).iter().all(|p| p.extension().is_none_or(|e| e != "pdf" && e != "svg")));

    let output = baogao(&["build", dir.to_str().unwrap(), "--format", "docx"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pdf, svg, png"));
}

#[test]
fn text_that_looks_like_markup_stays_text_in_the_svg() {
    let (tmp, _, _) = build_with("injection", "i.pdf", &["--format", "svg"]);
    let svgs = pages(tmp.path(), "i", "svg");
    let names: Vec<&str> = svgs.iter().map(|p| p.to_str().unwrap()).collect();
    let Some(_) = tool_ok("xmllint", &[&["--noout"], names.as_slice()].concat()) else { return };
    let all: String = svgs.iter().map(|p| svg_text(p)).collect();
    assert!(all.contains("标签:&lt;label&gt;"), "the text's `<label>` is not escaped in the SVG");
    assert!(svgs.iter().all(|p| !std::fs::read_to_string(p).unwrap().contains("<label>")));
}

#[test]
fn a_watch_rewrites_the_svg_pages_with_the_new_figure() {
    let (_tmp, dir) = copy_fixture("minimal");
    let watch = Watch::start(&dir, &["--format", "pdf,svg"]);
    watch.expect("wrote");
    watch.expect("watching");
    let text = || pages(&dir, "minimal", "svg").iter().map(|p| svg_text(p)).collect::<String>();
    assert!(text().contains("336家次"));
    edit(&dir, "metrics.yaml", "value: 336", "value: 337");
    watch.expect("wrote");
    let now = text();
    assert!(now.contains("337家次") && !now.contains("336家次"), "the SVGs were not rewritten");
    assert!(dir.join("minimal.pdf").is_file());
}
