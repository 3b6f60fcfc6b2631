//! The sample report and the format's features, read back from the PDF.

use crate::support::*;

use std::path::PathBuf;
use std::sync::OnceLock;

/// The sample report, built once for all the tests that read it (into
/// cargo's per-target temporary folder, never into `content/`).
fn sample_pdf() -> ((), PathBuf) {
    static PDF: OnceLock<PathBuf> = OnceLock::new();
    let pdf = PDF.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sample.pdf");
        build_ok(&root().join("content/shiqiao-2021"), &out);
        out
    });
    ((), pdf.clone())
}

#[test]
fn sample_text_comes_back_in_reading_order() {
    let (_tmp, pdf) = sample_pdf();
    let Some(text) = pdf_text(&pdf) else { return };
    assert_in_order(
        &text,
        &[
            "番禺区人民政府市桥街道办事处",
            "2021年工作总结",
            "2022年1月25日",
            "目录",
            "一、经济发展迈上新台阶",
            "营商环境全面优化。",
            "全年走访慰问企业336家次",
            "授信382万元，放贷352.6万元",
            "二、城乡功能实现新提升",
            "加装电梯84台",
            "三、生态文明建设持续推进",
            "四、民生事业取得新进步",
            "五、社会治理迈出新步伐",
            "同比-25.3%",
            "累计提升3967.67万元，增幅11.13%",
            "六、公共卫生工作持续推进",
            "接种率110.81%",
            "七、党建工作再上新水平",
            "八、人大、政协、工青妇工作全面加强",
            "附表1",
            "主要指标一览",
        ],
    );
}

#[test]
fn sample_has_contents_bookmarks_and_numbered_pages() {
    let (_tmp, pdf) = sample_pdf();
    let Some(toc) = pdf_pages_text(&pdf, 2, 2) else {
        return;
    };
    for part in
        ["目录", "一、经济发展迈上新台阶", "五、社会治理迈出新步伐", "八、人大、政协、工青妇工作全面加强", "附表1"]
    {
        assert!(toc.contains(part), "contents page lacks {part}: {toc}");
    }
    // The contents give page numbers: body page 1 is PDF page 3.
    assert!(toc.contains("一、经济发展迈上新台阶") && toc.contains("1"));
    let info = tool_ok("pdfinfo", &[pdf.to_str().unwrap()]).unwrap();
    let pages: u32 = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 10, "only {pages} pages");
    // Page numbers start at 1 on the first body page (PDF page 3).
    let page3 = pdf_pages_text(&pdf, 3, 3).unwrap();
    assert!(page3.contains("—1—"), "page 3 should be numbered 1: {page3}");
    // Bookmarks: qpdf lists the outline items.
    let json = tool_ok("qpdf", &["--json", "--json-key=outlines", pdf.to_str().unwrap()]).unwrap();
    for title in ["一、经济发展迈上新台阶", "八、人大、政协、工青妇工作全面加强", "附表1"]
    {
        assert!(json.contains(title), "no bookmark for {title}");
    }
}

#[test]
fn sample_is_pdfa_2a_and_pdfua_with_metadata_and_embedded_subset_fonts() {
    let (_tmp, pdf) = sample_pdf();
    let path = pdf.to_str().unwrap();
    let Some(meta) = tool_ok("pdfinfo", &["-meta", path]) else {
        return;
    };
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "XMP lacks PDF/A part 2:\n{meta}");
    assert!(meta.contains("<pdfaid:conformance>A</pdfaid:conformance>"), "XMP lacks conformance A");
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "XMP lacks PDF/UA-1");
    let info = tool_ok("pdfinfo", &[path]).unwrap();
    assert!(info.contains("Title:           2021年工作总结"), "{info}");
    assert!(info.contains("Author:          番禺区人民政府市桥街道办事处"), "{info}");
    assert!(info.contains("Keywords:        工作总结"), "{info}");
    assert!(info.contains("CreationDate:") && info.contains("2022"), "{info}");
    let fonts = tool_ok("pdffonts", &[path]).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding…] emb sub uni object ID
        let n = cols.len();
        assert_eq!((cols[n - 5], cols[n - 4]), ("yes", "yes"), "font not embedded and subset: {row}");
    }
    assert!(fonts.contains("NotoSerifCJKsc-Regular") && fonts.contains("NotoSansCJKsc-Bold"), "{fonts}");
    let qdf = tempfile::NamedTempFile::new().unwrap();
    tool_ok("qpdf", &["--qdf", "--object-streams=disable", path, qdf.path().to_str().unwrap()]).unwrap();
    let raw = std::fs::read(qdf.path()).unwrap();
    assert!(find(&raw, b"/Lang (zh-CN)"), "catalog lacks /Lang (zh-CN)");
}

#[test]
fn sample_passes_qpdf_check() {
    let (_tmp, pdf) = sample_pdf();
    let Some(out) = tool("qpdf", &["--check", pdf.to_str().unwrap()]) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "qpdf --check failed: {stdout}");
    assert!(stdout.contains("No syntax or stream encoding errors found"), "{stdout}");
}

#[test]
fn fixture_resolves_references_tables_and_csv_encodings() {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("m.pdf");
    let stdout = build_ok(&dir, &out);
    assert!(stdout.contains("m.pdf") && stdout.contains(" s"), "build should say where and how long: {stdout}");
    let Some(text) = pdf_text(&out) else { return };
    assert_in_order(
        &text,
        &[
            "测试报告",
            "走访企业336家次,较上年+20%", // change computed from previous 280
            "一、经济发展",
            "营商环境全面优化。",
            "第二段落:新增注册企业2585家,排名全区第二",
            "（一）招商引资",
            "二、城乡建设",
        ],
    );
    // Tables read across their rows, as on the page.
    let table = pdf_layout_text(&out).unwrap();
    assert_in_order(
        &table,
        &[
            "附表1全部指标",
            "经济发展",
            "走访慰问企业336家次280家次+20%",
            "城乡建设",
            "新增注册企业2585家-3.5%",
            "附表2项目清单",
            "老旧小区微改造1200.521个",
            "附表3内联表",
            "微改造2585家",
        ],
    );
}

#[test]
fn default_output_is_named_after_the_folder() {
    let (_tmp, dir) = copy_fixture("minimal");
    let output = baogao(&["build", dir.join("report.yaml").to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.join("minimal.pdf").is_file());
    let leftovers: Vec<_> = files_below(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(".tmp")))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn gb18030_csv_of_the_sample_is_decoded() {
    let (_tmp, pdf) = sample_pdf();
    let Some(text) = pdf_text(&pdf) else { return };
    assert!(text.contains("优生优育筛查券发放情况"));
    let table = pdf_layout_text(&pdf).unwrap();
    assert_in_order(&table, &["券种发放张数用途", "孕前优生检查券429孕前健康检查", "排畸彩超券1758"]);
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
