//! The bundled fonts: GB 2312 in the body and heading faces, rare
//! characters through the fallback chain, no system fonts.

use crate::support::*;

/// The 6 763 Han characters of GB 2312 (rows 16–87).
fn gb2312_han() -> String {
    let mut bytes = Vec::new();
    for row in 0xB0u8..=0xF7 {
        for col in 0xA1u8..=0xFE {
            if row == 0xD7 && col > 0xF9 {
                continue; // row 55 ends at 0xD7F9
            }
            bytes.extend([row, col]);
        }
    }
    let (text, _, errors) = encoding_rs::GB18030.decode(&bytes);
    assert!(!errors);
    text.into_owned()
}

/// Fonts `pdffonts` lists for pages `first..=last`.
fn fonts_on(pdf: &std::path::Path, first: u32, last: u32) -> Option<Vec<String>> {
    let (f, l) = (first.to_string(), last.to_string());
    let out = tool_ok("pdffonts", &["-f", &f, "-l", &l, pdf.to_str().unwrap()])?;
    Some(
        out.lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .map(|n| n.split('+').next_back().unwrap_or(n).trim_end_matches("-Identity-H").to_string())
            .collect(),
    )
}

#[test]
fn gb2312_renders_in_body_and_heading_faces() {
    let han = gb2312_han();
    assert_eq!(han.chars().count(), 6763);
    let chars: Vec<char> = han.chars().collect();
    let titles: String =
        chars.chunks(150).map(|c| format!("  - title: \"{}\"\n", c.iter().collect::<String>())).collect();
    let yaml = format!("title: 字库测试\nsummary: \"{han}\"\nsections:\n{titles}");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gb2312");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("report.yaml"), yaml).unwrap();
    let out = tmp.path().join("gb.pdf");
    build_ok(&dir, &out);
    // Body page 2 holds only summary text (and the header and footer, also
    // in the body face): every character there is in the body face, since a
    // missing glyph would pull in a fallback face.
    let Some(_) = pdf_text(&out) else { return };
    let page = (1..60).find(|&p| pdf_pages_text(&out, p, p).unwrap().ends_with("—2—")).expect("no page numbered 2");
    let body = fonts_on(&out, page, page).unwrap();
    assert_eq!(body, ["NotoSerifCJKsc-Regular"], "body page uses other faces");
    let all = fonts_on(&out, 1, 999).unwrap();
    for font in &all {
        assert!(
            ["NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold", "NotoSansCJKsc-Bold", "NotoSansCJKsc-Regular"]
                .contains(&font.as_str()),
            "unexpected face {font}: a fallback was needed"
        );
    }
    let text = pdf_text(&out).unwrap();
    assert!(text.contains(&han[..300]), "GB 2312 text does not read back");
}

#[test]
fn rare_characters_render() {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("rare.pdf");
    build_ok(&dir, &out);
    let Some(text) = pdf_text(&out) else { return };
    assert!(text.contains("稀有字:埒、𬌗、𠮷。"), "{text}");
}

/// Where Debian's fonts-dejavu-core puts DejaVu (installed by .ci/run).
const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu";

#[test]
fn font_path_supplies_characters_the_bundle_lacks() {
    // U+2023 TRIANGULAR BULLET: in DejaVu, in no bundled face.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("symbol");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("report.yaml"), "title: 字体\nsections:\n  - title: 符号\n    body: 项目符号‣在此。\n")
        .unwrap();
    let out = tmp.path().join("s.pdf");
    let (d, o) = (dir.to_str().unwrap(), out.to_str().unwrap());

    let without = baogao(&["build", d, "-o", o]);
    let stderr = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("‣") && stderr.contains("--font-path"), "{stderr}");
    assert!(!out.exists());

    if !std::path::Path::new(DEJAVU).is_dir() {
        assert!(std::env::var_os("CI").is_none(), "{DEJAVU} missing: .ci/run installs fonts-dejavu-core");
        return;
    }
    let with = baogao(&["build", d, "-o", o, "--font-path", DEJAVU]);
    assert!(with.status.success(), "{}", String::from_utf8_lossy(&with.stderr));
    let Some(fonts) = tool_ok("pdffonts", &[o]) else { return };
    assert!(fonts.contains("DejaVu"), "{fonts}");

    // DejaVu is installed system-wide here, yet the first build failed:
    // system fonts are used only when asked.
    std::fs::remove_file(&out).unwrap();
    let system = baogao(&["build", d, "-o", o, "--system-fonts"]);
    assert!(system.status.success(), "{}", String::from_utf8_lossy(&system.stderr));
}

/// The font programs a PDF embeds (`qpdf --json`), by font name without
/// the subset tag.
fn font_programs(pdf: &std::path::Path) -> Option<std::collections::BTreeMap<String, String>> {
    let json = tool_ok("qpdf", &["--json=2", "--json-stream-data=inline", pdf.to_str().unwrap()])?;
    let json: serde_json::Value = serde_json::from_str(&json).expect("qpdf writes JSON");
    let objects = json["qpdf"][1].as_object().expect("qpdf's objects");
    let mut programs = std::collections::BTreeMap::new();
    for object in objects.values() {
        let value = &object["value"];
        if value["/Type"] != "/FontDescriptor" {
            continue;
        }
        let name = value["/FontName"].as_str().expect("a font name");
        let name = name.split('+').next_back().unwrap().to_string();
        let file = ["/FontFile", "/FontFile2", "/FontFile3"]
            .iter()
            .find_map(|key| value[key].as_str())
            .unwrap_or_else(|| panic!("{name} is not embedded"));
        let data = objects[&format!("obj:{file}")]["stream"]["data"].as_str().expect("stream data");
        programs.insert(name, data.to_string());
    }
    Some(programs)
}

// The fonts' glyphs are numbered in a fixed order, not in the order the
// pages first use them, so an edit that keeps the set of characters (here
// two words of the summary, the first text in the body face, swap places)
// leaves every embedded font program as it was; `baogao watch` then reuses
// the last build's subsets instead of making and compressing them again.
#[test]
fn an_edit_that_keeps_the_characters_keeps_the_embedded_fonts() {
    let (_tmp, dir) = copy_fixture("minimal");
    let (before, after) = (dir.join("before.pdf"), dir.join("after.pdf"));
    build_ok(&dir, &before);
    edit(&dir, "report.yaml", "这是摘要段落", "这是段落摘要");
    build_ok(&dir, &after);

    let Some(text) = pdf_text(&after) else { return };
    assert!(text.contains("这是段落摘要"), "{text}");
    let (Some(old), Some(new)) = (font_programs(&before), font_programs(&after)) else { return };
    assert!(old.len() >= 3, "{:?}", old.keys());
    assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
    for (name, program) in &old {
        assert!(new[name] == *program, "the program of {name} changed");
    }
}
