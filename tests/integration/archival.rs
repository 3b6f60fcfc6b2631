//! Archival PDFs: every PDF/A level and PDF/UA-1 pass veraPDF, the sources
//! ride along under PDF/A-3 and rebuild the same bytes, builds are
//! reproducible, metadata and tags are right.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// Every level typst 0.15 offers, and the combinations with PDF/UA-1.
const LEVELS: &[&str] = &[
    "a-1b",
    "a-1a",
    "a-2b",
    "a-2u",
    "a-2a",
    "a-3b",
    "a-3u",
    "a-3a",
    "a-4",
    "a-4f",
    "a-4e",
    "ua-1",
    "a-2a,ua-1",
    "a-3a,ua-1",
];

fn build_at(dir: &Path, out: &Path, standard: &str) {
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap(), "--standard", standard]);
    assert!(output.status.success(), "{standard}: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn every_level_passes_verapdf() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = [
        root().join("content/shiqiao-2021"),
        root().join("tests/fixtures/minimal"),
        root().join("tests/fixtures/injection"),
        // Every template: the official document and the briefing.
        root().join("content/shiqiao-2021-gongwen"),
        root().join("content/shiqiao-2021-briefing"),
        root().join("tests/fixtures/gongwen-grid"),
    ];
    let mut pdfs = Vec::new();
    for report in &reports {
        let name = report.file_name().unwrap().to_string_lossy().into_owned();
        for level in LEVELS {
            let out = tmp.path().join(format!("{name}-{}.pdf", level.replace(',', "+")));
            build_at(report, &out, level);
            pdfs.push(out);
        }
    }
    let Some(report) = verapdf(&pdfs) else { return };
    let failures: Vec<&str> = report.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(failures.is_empty(), "veraPDF failures: {failures:?}\n{report}");
    // One PASS line per file and flavour: the combinations claim two.
    let flavours = LEVELS.iter().map(|l| l.split(',').count()).sum::<usize>() * reports.len();
    assert_eq!(report.lines().filter(|l| l.starts_with("PASS")).count(), flavours, "{report}");
    assert!(report.contains(&format!("{} passed, 0 failed", pdfs.len())), "{report}");
}

#[test]
fn the_default_is_pdfa_2a_with_pdfua_1() {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("d.pdf");
    build_ok(&dir, &out);
    let Some(meta) = tool_ok("pdfinfo", &["-meta", out.to_str().unwrap()]) else { return };
    assert!(
        meta.contains("<pdfaid:part>2</pdfaid:part>") && meta.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "{meta}"
    );
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{meta}");
}

#[test]
fn the_report_names_its_standard_and_the_flag_overrides_it() {
    let (tmp, dir) = copy_fixture("minimal");
    prepend_keys(&dir, "standard: a-1b\n");
    let out = tmp.path().join("s.pdf");
    build_ok(&dir, &out);
    let Some(meta) = tool_ok("pdfinfo", &["-meta", out.to_str().unwrap()]) else { return };
    assert!(meta.contains("<pdfaid:part>1</pdfaid:part>") && !meta.contains("pdfuaid"), "{meta}");
    build_at(&dir, &out, "a-3u");
    let meta = tool_ok("pdfinfo", &["-meta", out.to_str().unwrap()]).unwrap();
    assert!(meta.contains("<pdfaid:part>3</pdfaid:part>") && meta.contains("<pdfaid:conformance>U"), "{meta}");
}

#[test]
fn impossible_standards_are_explained() {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("x.pdf");
    let d = dir.to_str().unwrap();
    let o = out.to_str().unwrap();
    let unknown = baogao(&["build", d, "-o", o, "--standard", "a-5"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr.contains("`a-5` is not a standard baogao knows") && stderr.contains("a-2a, a-3b"), "{stderr}");
    let attach = baogao(&["build", d, "-o", o, "--standard", "a-2b", "--attach-sources"]);
    let stderr = String::from_utf8_lossy(&attach.stderr);
    assert_eq!(attach.status.code(), Some(1));
    assert!(stderr.contains("does not allow attached files") && stderr.contains("a-3b"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn pdfa_3_carries_its_sources_and_they_rebuild_the_same_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first.pdf");
    build_at(&root().join("content/shiqiao-2021"), &first, "a-3b");
    let Some(list) = tool_ok("pdfdetach", &["-list", first.to_str().unwrap()]) else { return };
    for name in ["report.yaml", "metrics.yaml", "tables/vaccination.csv", "tables/health-vouchers.csv"] {
        assert!(list.contains(name), "{name} not attached:\n{list}");
    }
    let objects = pdf_objects(&first).unwrap();
    assert!(objects.contains("/AFRelationship /Source"), "attachments are not marked as sources");
    assert!(
        objects.contains("/Subtype /application#2fyaml") || objects.contains("/Subtype /application#2Fyaml"),
        "no MIME type"
    );

    let extracted = tmp.path().join("extracted");
    let output = baogao(&["extract", first.to_str().unwrap(), extracted.to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for name in ["report.yaml", "metrics.yaml", "tables/vaccination.csv", "tables/health-vouchers.csv"] {
        let original = std::fs::read(root().join("content/shiqiao-2021").join(name)).unwrap();
        assert_eq!(std::fs::read(extracted.join(name)).unwrap(), original, "{name} differs");
    }
    let second = tmp.path().join("second.pdf");
    build_at(&extracted, &second, "a-3b");
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap(), "the rebuilt PDF differs");

    // Extracting again would overwrite: refused, nothing changed.
    let again = baogao(&["extract", first.to_str().unwrap(), extracted.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn extract_says_when_there_is_nothing_to_extract() {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("plain.pdf");
    build_ok(&dir, &out);
    let output = baogao(&["extract", out.to_str().unwrap(), tmp.path().join("x").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("carries no attached files"));
}

/// Builds a copy of the minimal fixture at `parent/report`, run from `cwd`
/// with a relative path, writing `out_name` there.
fn build_elsewhere(parent: &Path, cwd: &Path, out_name: &str, epoch: Option<&str>) -> Vec<u8> {
    let dir = parent.join("report");
    copy_recursive(&root().join("tests/fixtures/minimal"), &dir);
    let rel = relative(&dir, cwd);
    let mut command = Command::new(env!("CARGO_BIN_EXE_baogao"));
    command.current_dir(cwd).args(["build", rel.to_str().unwrap(), "-o", out_name]);
    match epoch {
        Some(e) => command.env("SOURCE_DATE_EPOCH", e),
        None => command.env_remove("SOURCE_DATE_EPOCH"),
    };
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::read(cwd.join(out_name)).unwrap()
}

/// The absolute path `dir` written relative to the absolute path `base`.
fn relative(dir: &Path, base: &Path) -> PathBuf {
    let ups = base.components().count() - 1;
    let mut rel: PathBuf = std::iter::repeat_n("..", ups).collect();
    rel.push(dir.strip_prefix("/").unwrap());
    rel
}

#[test]
fn builds_are_byte_identical_across_folders_and_working_directories() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    std::fs::create_dir(b.path().join("deeper")).unwrap();
    let one = build_elsewhere(a.path(), a.path(), "one.pdf", None);
    let two = build_elsewhere(b.path(), &b.path().join("deeper"), "another-name.pdf", None);
    assert!(one == two, "two builds of the same report differ");
    // No path, user or host name leaks into the file.
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let objects = pdf_objects(&a.path().join("one.pdf")).unwrap_or_default();
    for leak in [a.path().to_str().unwrap(), host.trim(), "/tmp"] {
        assert!(leak.is_empty() || !objects.contains(leak), "`{leak}` leaks into the PDF");
    }
    // SOURCE_DATE_EPOCH sets the dates, reproducibly.
    let three = build_elsewhere(&a.path().join("e1"), a.path(), "e1.pdf", Some("1700000000"));
    let four = build_elsewhere(&b.path().join("e2"), b.path(), "e2.pdf", Some("1700000000"));
    assert!(three == four && three != one, "SOURCE_DATE_EPOCH builds differ or are ignored");
    let Some(info) = tool_ok("pdfinfo", &["-isodates", a.path().join("e1.pdf").to_str().unwrap()]) else { return };
    assert!(info.contains("2023-11-14T22:13:20"), "{info}");
    let info = tool_ok("pdfinfo", &["-isodates", a.path().join("one.pdf").to_str().unwrap()]).unwrap();
    assert!(info.contains("2022-01-25T00:00:00"), "the report's date is the default:\n{info}");
}

#[test]
fn metadata_bookmarks_and_tags() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("s.pdf");
    build_ok(&root().join("content/shiqiao-2021"), &pdf);
    let Some(meta) = tool_ok("pdfinfo", &["-meta", pdf.to_str().unwrap()]) else { return };
    for expected in
        ["2021年工作总结", "番禺区人民政府市桥街道办事处", "<rdf:li>zh-CN</rdf:li>", "工作总结, 市桥街道", "2022-01-25"]
    {
        assert!(meta.contains(expected), "XMP lacks {expected}:\n{meta}");
    }
    // The fixture has every kind of heading and table.
    let (_t, dir) = copy_fixture("minimal");
    let fixture = tmp.path().join("m.pdf");
    build_ok(&dir, &fixture);
    let objects = pdf_objects(&fixture).unwrap();
    assert!(objects.contains("/DisplayDocTitle true"), "the viewer would not show the title");
    for tag in ["/S /H1", "/S /H2", "/S /TH", "/S /TD", "/S /Table"] {
        assert!(objects.contains(tag), "no {tag} in the structure tree");
    }
    let outline = tool_ok("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()]).unwrap();
    assert!(outline.contains("一、经济发展迈上新台阶") && outline.contains("附表4"), "{outline}");
}

#[test]
fn text_comes_out_in_reading_order() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("s.pdf");
    build_ok(&root().join("content/shiqiao-2021"), &pdf);
    let Some(text) = pdf_raw_text(&pdf) else { return };
    assert_in_order(
        &text,
        &[
            "一、经济发展迈上新台阶",
            // Callouts box by box: label, number, rank.
            "走访慰问企业336家次“信易贷”注册企业3532家全区第二推介会签约金额10.5亿元新增注册企业2585家",
            "营商环境全面优化。",
            "五、社会治理迈出新步伐",
            "辖内接警情2930起同比↓25.3%",
            // Tables row by row.
            "附表1",
            "指标数值同比排名经济发展走访慰问企业336家次",
            "辖内接警情2930起-25.3%",
        ],
    );
}

#[test]
fn duplex_mirrors_and_starts_parts_on_right_hand_pages() {
    let (tmp, dir) = copy_fixture("minimal");
    prepend_keys(&dir, "duplex: true\n");
    let pdf = tmp.path().join("duplex.pdf");
    build_ok(&dir, &pdf);
    let Some(pages) = page_count(&pdf) else { return };
    let raw = |p: u32| {
        let (f, l) = (p.to_string(), p.to_string());
        let text = tool_ok("pdftotext", &["-raw", "-f", &f, "-l", &l, pdf.to_str().unwrap(), "-"]).unwrap();
        text.chars().filter(|c| !c.is_whitespace()).collect::<String>()
    };
    let text: Vec<String> = (1..=pages).map(raw).collect();
    // Contents, body, each part and the appendix begin on odd (right-hand) pages.
    let contents = text.iter().position(|t| t.starts_with("目录")).expect("contents") + 1;
    assert!(contents % 2 == 1, "contents on page {contents}");
    for start in ["一、经济发展", "二、城乡建设", "附表1全部指标"] {
        let page = (contents..text.len()).find(|&i| text[i].contains(start)).expect(start) + 1;
        assert!(page % 2 == 1, "{start} starts on page {page}");
    }
    // Blank pages carry nothing, not even a header or a page number.
    let blanks: Vec<usize> = text.iter().enumerate().filter(|(_, t)| t.is_empty()).map(|(i, _)| i + 1).collect();
    assert!(!blanks.is_empty() && blanks.iter().all(|p| p % 2 == 0), "blank pages: {blanks:?}");
    // Page numbers on the outside edge; margins mirrored.
    let width = 210.0;
    let mut checked = 0;
    for page in 1..=pages {
        let lines = text_lines(&pdf, page).unwrap();
        let Some(number) = lines.iter().find(|l| l.text.starts_with('—')) else { continue };
        let odd = page % 2 == 1;
        assert_eq!(number.left > width / 2.0, odd, "page {page}: number at x = {} mm", number.left);
        checked += 1;
    }
    assert!(checked >= 4, "too few numbered pages");
    let left_edge = |page| text_lines(&pdf, page).unwrap().iter().map(|l| l.left).fold(f64::MAX, f64::min);
    let (odd, even) = (pages - 2, pages - 1);
    let (odd, even) = if odd % 2 == 1 { (odd, even) } else { (even, odd) };
    assert!(left_edge(odd) > left_edge(even) + 15.0 * MM_PER_PT, "margins are not mirrored");
    // Still archival.
    if let Some(report) = verapdf(std::slice::from_ref(&pdf)) {
        assert!(report.contains("1 passed, 0 failed"), "{report}");
    }
}
