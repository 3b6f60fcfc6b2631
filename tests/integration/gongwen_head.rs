//! The 公文's whole 版头 (份号, 密级和保密期限, 紧急程度, 签发人), its 附注 and
//! a seal's place, measured against GB/T 9704-2012 by tools/gongwen_measure.py;
//! the catalogue entries of GB/T 33480 and DA/T 46 in the PDF's XMP, valid
//! PDF/A at every level (veraPDF), and listed by `check --message-format json`.

use std::path::Path;

use crate::errors::case;
use crate::support::*;

fn build(fixture: &str, out: &Path, extra: &[&str]) {
    let dir = root().join("tests/fixtures").join(fixture);
    let output = baogao(&[&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()], extra].concat());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn every_element_of_the_head_is_where_the_standard_puts_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (grid, head) = (tmp.path().join("grid.pdf"), tmp.path().join("head.pdf"));
    build("gongwen-grid", &grid, &[]);
    build("gongwen-head", &head, &[]);
    let script = root().join("tools/gongwen_measure.py");
    let Some(table) = tool_ok("python3", &[script.to_str().unwrap(), grid.to_str().unwrap(), head.to_str().unwrap()])
    else {
        return;
    };
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| measure")).collect();
    for name in ["份号", "密级和保密期限", "紧急程度", "签发人", "发文字号", "red rule", "sealed", "附注"]
    {
        assert!(rows.iter().any(|r| r.contains(name)), "no measure of {name}:\n{table}");
    }
    for row in &rows {
        let difference: f64 = row.rsplit('|').nth(1).unwrap().trim().parse().unwrap();
        assert!(difference.abs() <= 0.3, "more than 0.3 mm from GB/T 9704: {row}\n{table}");
    }
}

#[test]
fn the_head_prints_its_elements_in_the_standards_words() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("head.pdf");
    build("gongwen-head", &pdf, &[]);
    let Some(text) = pdf_text(&pdf) else { return };
    assert_in_order(
        &text,
        &[
            "000012",
            "秘密★1年",
            "特急",
            "番禺区人民政府市桥街道办事处文件",
            "签发人：王一民李二华",
            "番市街〔2022〕8号",
        ],
    );
    assert_in_order(&text, &["市桥街道办事处", "2022年3月8日", "（联系人：陈四海，电话：020-84000000）"]);
}

/// The XMP packet (`pdfinfo -meta`).
fn xmp(pdf: &Path) -> Option<String> {
    tool_ok("pdfinfo", &["-meta", pdf.to_str().unwrap()])
}

#[test]
fn the_catalogue_entries_are_in_the_xmp_at_every_pdfa_level() {
    let tmp = tempfile::tempdir().unwrap();
    let mut pdfs = Vec::new();
    for standard in ["a-1b", "a-1a", "a-2b", "a-2a,ua-1", "a-3b", "a-3u", "a-4", "a-4f"] {
        let pdf = tmp.path().join(format!("{}.pdf", standard.replace(',', "+")));
        build("gongwen-head", &pdf, &["--standard", standard]);
        let Some(meta) = xmp(&pdf) else { return };
        for entry in [
            "<gw:DocumentNumber>番市街〔2022〕8号</gw:DocumentNumber>",
            "<gw:CopyNumber>000012</gw:CopyNumber>",
            "<gw:Classification>秘密</gw:Classification>",
            "<gw:ClassificationPeriod>1年</gw:ClassificationPeriod>",
            "<gw:Urgency>特急</gw:Urgency>",
            "<gw:Signer>王一民、李二华、张三立</gw:Signer>",
            "<gw:DocumentKind>请示</gw:DocumentKind>",
            "<da:FondsNumber>J001</da:FondsNumber>",
            "<da:ArchivalCode>J001-WS·2022-Y-0008</da:ArchivalCode>",
            "<da:RetentionPeriod>永久</da:RetentionPeriod>",
        ] {
            assert!(meta.contains(entry), "{standard}: no {entry}");
        }
        if !standard.starts_with("a-4") {
            assert!(meta.contains("<pdfaSchema:namespaceURI>urn:baogao:xmp:gbt33480-2016#</pdfaSchema:namespaceURI>"));
        }
        pdfs.push(pdf);
    }
    let Some(report) = verapdf(&pdfs) else { return };
    assert!(report.contains(&format!("{} passed, 0 failed", pdfs.len())), "{report}");
    // The check has teeth: a declaration naming another namespace fails.
    let bytes = std::fs::read(&pdfs[2]).unwrap();
    let from = b"<pdfaSchema:namespaceURI>urn:baogao:xmp:gbt33480-2016#";
    let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
    let mut broken = bytes.clone();
    broken[at + from.len() - 2] = b'7';
    let tampered = tmp.path().join("tampered.pdf");
    std::fs::write(&tampered, broken).unwrap();
    let report = verapdf(&[tampered]).unwrap();
    assert!(report.contains("0 passed, 1 failed") && report.contains("6.6.2.3"), "{report}");
}

#[test]
fn every_report_gets_the_archives_entries_and_only_what_it_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = tmp.path().join("minimal.pdf");
    build("minimal", &pdf, &[]);
    let Some(meta) = xmp(&pdf) else { return };
    assert!(
        meta.contains("<da:Title>测试报告</da:Title>") && meta.contains("<da:Author>测试单位</da:Author>"),
        "{meta}"
    );
    assert!(meta.contains("<da:Date>2022-01-25</da:Date>"), "{meta}");
    // Not a 公文: no GB/T 33480 entries; nothing the report does not give.
    for absent in ["xmlns:gw=", "<da:FondsNumber>", "<da:ArchivalCode>", "<da:DocumentNumber>", "<da:RetentionPeriod>"]
    {
        assert!(!meta.contains(absent), "{absent} in {meta}");
    }
    let Some(report) = verapdf(&[pdf]) else { return };
    assert!(report.contains("1 passed, 0 failed"), "{report}");
}

#[test]
fn check_lists_the_catalogue_entries_as_json() {
    let dir = root().join("tests/fixtures/gongwen-head");
    let output = baogao(&["check", dir.to_str().unwrap(), "--message-format", "json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["pages"], 4);
    let schemas = summary["metadata"].as_array().unwrap();
    assert_eq!(schemas[0]["standard"], "GB/T 33480-2016");
    assert_eq!(schemas[1]["standard"], "DA/T 46-2009");
    let value = |s: usize, name: &str| {
        schemas[s]["entries"].as_array().unwrap().iter().find(|e| e["name"] == name).map(|e| e["value"].clone())
    };
    assert_eq!(value(0, "发文字号"), Some("番市街〔2022〕8号".into()));
    assert_eq!(value(0, "印发机关"), Some("番禺区人民政府市桥街道办事处党政办公室".into()));
    assert_eq!(value(1, "档号"), Some("J001-WS·2022-Y-0008".into()));
    // Never made up: the report gives no 公文标识.
    assert_eq!(value(0, "公文标识"), None);
}

#[test]
fn an_upward_document_without_a_signer_is_warned_of_at_its_place() {
    let (_tmp, dir) = copy_dir(&root().join("tests/fixtures/gongwen-head"), "head");
    edit(&dir, "report.yaml", "signers: [王一民, 李二华, 张三立]\n", "");
    let output = baogao(&["check", dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "a warning, not an error: {stderr}");
    assert!(stderr.contains("warning: this 上行文 has no 签发人 (GB/T 9704-2012 7.2.5)"), "{stderr}");
    assert!(stderr.contains(&format!("--> {}/report.yaml:14:1", dir.display())), "{stderr}");
    assert!(stderr.contains("add `signers: [姓名]`"), "{stderr}");
    // Said to be to an equal: no warning.
    edit(&dir, "report.yaml", "seal: true\n", "seal: true\ndirection: level\n");
    let output = baogao(&["check", dir.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("签发人"), "{}", String::from_utf8_lossy(&output.stderr));
}

case!(
    a_copy_number_of_seven_digits,
    |d| prepend_keys(d, "copy_number: 1234567\n"),
    "`1234567` is not a copy number",
    "report.yaml:1:14",
    "copy_number: 000012"
);
case!(
    a_classification_the_standard_lacks,
    |d| prepend_keys(d, "secrecy: 保密\n"),
    "unknown variant `保密`",
    "report.yaml:1:10",
    "write 绝密, 机密, 秘密"
);
case!(
    an_archive_key_misspelt,
    |d| prepend_keys(d, "archive: {fond: J001}\n"),
    "unknown field `fond`",
    "report.yaml:1:11",
    "did you mean `fonds`?"
);
