//! The built-in templates (issue #5): the GB/T 9704 official document
//! measured on its pages, the briefing, charts, `baogao init`, and the
//! samples of content/.

use std::path::{Path, PathBuf};

use crate::support::*;

/// GB/T 9704-2012 in millimetres: the type area's left edge on odd and even
/// pages, its top, width and height, the character and line pitch.
const LEFT_ODD: f64 = 28.0;
const LEFT_EVEN: f64 = 210.0 - 28.0 - 156.0;
const TOP: f64 = 37.0;
const WIDTH: f64 = 156.0;
const HEIGHT: f64 = 225.0;
const CHAR: f64 = WIDTH / 28.0;
const LINE: f64 = HEIGHT / 22.0;

fn build_gongwen_grid() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture("gongwen-grid");
    let pdf = tmp.path().join("grid.pdf");
    build_ok(&dir, &pdf);
    (tmp, pdf)
}

/// The body lines of a page: every text line but the page number.
fn body_lines(pdf: &Path, page: u32) -> Vec<TextLine> {
    text_lines(pdf, page).unwrap().into_iter().filter(|l| !l.text.starts_with('—')).collect()
}

#[test]
fn a_full_gongwen_page_holds_22_lines_of_28_characters() {
    let (_tmp, pdf) = build_gongwen_grid();
    let Some(layout) = tool_ok("pdftotext", &["-layout", "-f", "2", "-l", "2", pdf.to_str().unwrap(), "-"]) else {
        return;
    };
    let lines: Vec<&str> = layout.lines().filter(|l| !l.trim().is_empty() && !l.contains('—')).collect();
    assert_eq!(lines.len(), 22, "lines of page 2: {lines:#?}");
    // A paragraph's first line starts two characters in and holds 26, its
    // last ends with 。 and may be short; every other line holds exactly 28.
    let mut full = 0;
    for line in &lines {
        let n = line.chars().filter(|c| !c.is_whitespace()).count();
        if line.ends_with('。') {
            assert!(n <= 28, "{line}");
        } else if line.starts_with(' ') {
            assert_eq!(n, 26, "a first line: {line}");
        } else {
            assert_eq!(n, 28, "a full line: {line}");
            full += 1;
        }
    }
    assert!(full >= 12, "{full} full lines");
}

#[test]
fn gongwen_margins_type_area_and_pitch_are_the_standards() {
    let (_tmp, pdf) = build_gongwen_grid();
    if page_count(&pdf).is_none() {
        return;
    }
    for page in [2, 3] {
        let left = if page % 2 == 1 { LEFT_ODD } else { LEFT_EVEN };
        let lines = body_lines(&pdf, page);
        assert_eq!(lines.len(), 22, "page {page}");
        // Lines are one em of 16 pt tall at the line pitch, from the top of
        // the type area; full lines span it exactly.
        for (i, line) in lines.iter().enumerate() {
            let expected = TOP + i as f64 * LINE;
            assert!(
                (line.top - expected).abs() < 0.1,
                "page {page} line {i}: top {:.2} mm, not {expected:.2}",
                line.top
            );
        }
        // Lines that neither begin nor end a paragraph span the type area.
        let inner = lines.iter().filter(|l| (l.left - left).abs() < 0.1 && !l.text.ends_with('。'));
        for line in inner {
            assert!((line.right - line.left - WIDTH).abs() < 0.2, "page {page}: {line:?} is not {WIDTH} mm wide");
        }
        for line in &lines {
            assert!(
                line.left > left - 0.1 && line.right < left + WIDTH + 0.1,
                "page {page}: {line:?} leaves the type area"
            );
        }
        // The ink stays inside the type area.
        let ink = ink_box(&pdf, page, (0.0, 0.0, 210.0, TOP + HEIGHT)).unwrap().expect("ink");
        assert!(ink.0 >= left - 0.05 && ink.2 <= left + WIDTH + 0.05 && ink.1 >= TOP, "page {page}: ink {ink:?}");
    }
}

#[test]
fn gongwen_page_numbers_sit_7mm_below_the_type_area_outside_one_character_in() {
    let (_tmp, pdf) = build_gongwen_grid();
    let Some(pages) = page_count(&pdf) else { return };
    for page in 1..pages {
        let numbers: Vec<TextLine> =
            text_lines(&pdf, page).unwrap().into_iter().filter(|l| l.text.starts_with('—')).collect();
        if numbers.is_empty() {
            // Only a blank page before the 版记 has none.
            assert!(text_lines(&pdf, page).unwrap().is_empty(), "page {page} has text but no number");
            continue;
        }
        assert_eq!(numbers[0].text, format!("—{page}—"), "page {page}");
        let (x0, y0, x1, _) = ink_box(&pdf, page, (0.0, TOP + HEIGHT + 0.5, 210.0, 297.0)).unwrap().expect("ink");
        assert!((y0 - (TOP + HEIGHT + 7.0)).abs() < 0.5, "page {page}: number's top at {y0:.2} mm");
        if page % 2 == 1 {
            let edge = LEFT_ODD + WIDTH - CHAR;
            assert!((x1 - edge).abs() < 0.6, "page {page}: number ends at {x1:.2} mm, not {edge:.2}");
        } else {
            let edge = LEFT_EVEN + CHAR;
            assert!((x0 - edge).abs() < 0.6, "page {page}: number starts at {x0:.2} mm, not {edge:.2}");
        }
    }
}

#[test]
fn gongwen_header_attachments_and_banji() {
    let (_tmp, pdf) = build_gongwen_grid();
    let Some(pages) = page_count(&pdf) else { return };
    // 版头: the red mark's top 35 mm below the type area; the number; the title.
    let mark = ink_box(&pdf, 1, (0.0, TOP, 210.0, TOP + 40.0)).unwrap().expect("the mark");
    assert!((mark.1 - (TOP + 35.0)).abs() < 0.5, "mark's top at {:.2} mm", mark.1);
    let first = pdf_pages_text(&pdf, 1, 1).unwrap();
    assert_in_order(&first, &["测试街道办事处文件", "测街〔2022〕1号", "关于网格检查的报告", "区人民政府："]);
    // 附件说明 and signature after the body; the attachment from a new page.
    let all = pdf_text(&pdf).unwrap();
    assert_in_order(&all, &["附件：主要指标", "测试街道办事处", "2022年1月25日"]);
    let attachment = (1..=pages).find(|&p| pdf_pages_text(&pdf, p, p).unwrap().starts_with("附件")).expect("附件 page");
    assert!(pdf_pages_text(&pdf, attachment, attachment).unwrap().starts_with("附件主要指标"));
    // 版记 on the last page, an even one, with no page number.
    assert_eq!(pages % 2, 0, "{pages} pages");
    let last = pdf_pages_text(&pdf, pages, pages).unwrap();
    assert_eq!(last, "抄送：区委办公室，区人大常委会办公室。测试街道办事处党政办公室2022年1月26日印发");
    let banji = body_lines(&pdf, pages);
    assert!(banji.iter().all(|l| l.top > TOP + HEIGHT - 30.0), "版记 at the foot: {banji:?}");
}

/// Builds the sample `content/<name>` into a temporary folder.
fn build_sample(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let pdf = tmp.path().join(format!("{name}.pdf"));
    build_ok(&root().join("content").join(name), &pdf);
    (tmp, pdf)
}

#[test]
fn briefing_sample_fits_four_pages_and_leads_with_the_numbers() {
    let (_tmp, pdf) = build_sample("shiqiao-2021-briefing");
    let Some(pages) = page_count(&pdf) else { return };
    assert!((1..=4).contains(&pages), "{pages} pages");
    let text = pdf_raw_text(&pdf).unwrap();
    assert_in_order(
        &text,
        &[
            "市桥街道工作简报",
            "第1期",
            "市桥街道党政办公室",
            "2022年1月25日",
            "市桥街道2021年工作情况",
            "走访慰问企业336家次",
            "一、经济运行稳中有进",
            "报送：",
        ],
    );
    // Every section's highlights come before the first section.
    let first_part = text.find("一、经济运行").unwrap();
    for label in ["辖内接警情", "第一针接种率", "招聘会提供岗位"] {
        assert!(text.find(label).unwrap() < first_part, "{label} in the grid");
    }
}

#[test]
fn gongwen_sample_builds_with_its_header_and_banji() {
    let (_tmp, pdf) = build_sample("shiqiao-2021-gongwen");
    let Some(pages) = page_count(&pdf) else { return };
    assert_eq!(pages % 2, 0);
    let text = pdf_text(&pdf).unwrap();
    assert_in_order(
        &text,
        &[
            "番禺区人民政府市桥街道办事处文件",
            "番市街〔2022〕1号",
            "区人民政府：",
            "特此报告。",
            "附件：1.2021年主要指标一览",
        ],
    );
    assert!(pdf_pages_text(&pdf, pages, pages).unwrap().ends_with("2022年1月25日印发"));
}

#[test]
fn the_samples_share_one_set_of_numbers() {
    let main = std::fs::read(root().join("content/shiqiao-2021/metrics.yaml")).unwrap();
    for sample in ["shiqiao-2021-gongwen", "shiqiao-2021-briefing"] {
        let copy = std::fs::read(root().join("content").join(sample).join("metrics.yaml")).unwrap();
        assert!(copy == main, "content/{sample}/metrics.yaml differs from content/shiqiao-2021/metrics.yaml");
    }
}

/// The minimal fixture with `chart` in its first section (visits has a
/// previous value; loans is in 万元, visits in 家次).
fn chart_fixture(chart: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = copy_fixture("minimal");
    let anchor = "    subsections:\n      - title: 招商引资\n";
    edit(&dir, "report.yaml", anchor, &format!("{chart}{anchor}"));
    (tmp, dir)
}

#[test]
fn the_own_template_of_docs_templates_md_builds_with_the_components() {
    // The example in the documentation, taken from it, so it cannot go stale.
    let docs = std::fs::read_to_string(root().join("docs/templates.md")).unwrap();
    let example = docs.split("```typst\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a typst example");
    assert!(example.contains("/_baogao/lib/components.typ"));
    let (tmp, dir) = chart_fixture("    chart: {metrics: [visits]}\n");
    std::fs::write(dir.join("mine.typ"), example).unwrap();
    prepend_keys(&dir, "template: mine.typ\n");
    let pdf = tmp.path().join("mine.pdf");
    build_ok(&dir, &pdf);
    let Some(text) = pdf_raw_text(&pdf) else { return };
    // Title, numbered sections with their callouts, the chart, a table.
    assert_in_order(
        &text,
        &["测试报告", "一、经济发展", "走访慰问企业336家次", "本年", "（一）招商引资", "二、城乡建设", "全部指标"],
    );
    let Some(report) = verapdf(&[pdf]) else { return };
    assert!(!report.contains("FAIL"), "{report}");
}

#[test]
fn a_chart_draws_this_and_last_years_bars_with_words_for_screen_readers() {
    let (tmp, dir) = chart_fixture("    chart: {title: 走访情况, metrics: [visits]}\n");
    let pdf = tmp.path().join("chart.pdf");
    build_ok(&dir, &pdf);
    let Some(text) = pdf_raw_text(&pdf) else { return };
    assert_in_order(
        &text,
        &["第二段落", "走访情况", "本年", "上年", "单位：家次", "走访慰问企业", "336", "280", "一）招商引资"],
    );
    // The figure is tagged with its text alternative (PDF/UA).
    let objects = pdf_objects(&pdf).unwrap();
    let alt = "柱状图“走访情况”：走访慰问企业，本年336家次，上年280家次。";
    let hex: String =
        std::iter::once("feff".to_string()).chain(alt.encode_utf16().map(|u| format!("{u:04x}"))).collect();
    assert!(objects.contains("/Alt") && objects.to_lowercase().contains(&hex), "no /Alt with the chart's words");
    let Some(report) = verapdf(&[pdf]) else { return };
    assert!(!report.contains("FAIL"), "{report}");
}

#[test]
fn a_chart_of_mixed_units_is_an_error_at_its_place() {
    let (tmp, dir) = chart_fixture("    chart: {metrics: [visits, loans]}\n");
    let out = tmp.path().join("x.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("metric `loans` is in `万元`, the chart's other bars in `家次`"), "{stderr}");
    assert!(stderr.contains("report.yaml:"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn init_makes_a_report_that_builds_and_eject_gives_the_same_pdf() {
    for template in ["report", "gongwen", "briefing"] {
        let tmp = tempfile::tempdir().unwrap();
        let (plain, ejected) = (tmp.path().join("plain"), tmp.path().join("ejected"));
        let output = baogao(&["init", plain.to_str().unwrap(), "--template", template]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let output = baogao(&["init", ejected.to_str().unwrap(), "--template", template, "--eject"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(ejected.join(format!("{template}.typ")).is_file() && ejected.join("lib/components.typ").is_file());
        let yaml = std::fs::read_to_string(ejected.join("report.yaml")).unwrap();
        assert!(yaml.contains(&format!("template: {template}.typ\n")), "{yaml}");
        let (a, b) = (tmp.path().join("a.pdf"), tmp.path().join("b.pdf"));
        build_ok(&plain, &a);
        build_ok(&ejected, &b);
        assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "{template}: ejected template differs");
        if template == "report" {
            // The starter shows a picture and a table in the text.
            assert!(plain.join("images/photo.svg").is_file());
            let Some(text) = pdf_text(&a) else { continue };
            assert!(text.contains("图1") && text.contains("表1") && text.contains("服务企业情况"), "{text}");
        }
    }
}

#[test]
fn init_never_overwrites() {
    let (tmp, dir) = copy_fixture("minimal");
    let before = std::fs::read(dir.join("report.yaml")).unwrap();
    // A refusal of what the command was given is exit 1; 3 is for an
    // output that could not be written.
    let output = baogao(&["init", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already holds a report"));
    // --eject into an existing report writes only the template files...
    let output = baogao(&["init", dir.to_str().unwrap(), "--template", "gongwen", "--eject"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("set `template: gongwen.typ`"));
    assert_eq!(std::fs::read(dir.join("report.yaml")).unwrap(), before);
    // ...once: a second time would overwrite them.
    let output = baogao(&["init", dir.to_str().unwrap(), "--template", "gongwen", "--eject"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("never overwrites"));
    drop(tmp);
}

/// An own template (`name.typ` holding `source`) in a copy of the minimal
/// report, built without standards; the temp dir, the PDF's path and the run.
fn build_own(name: &str, source: &str) -> (tempfile::TempDir, PathBuf, std::process::Output) {
    let (tmp, dir) = copy_fixture("minimal");
    std::fs::write(dir.join(name), source).unwrap();
    prepend_keys(&dir, &format!("template: {name}\n"));
    let pdf = tmp.path().join("own.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", pdf.to_str().unwrap(), "--standard", "none"]);
    (tmp, pdf, output)
}

#[test]
fn a_layout_that_never_settles_is_given_up_with_typsts_warning() {
    // Each layout finds the markers of the last and adds one more, so the
    // layout never settles: typst gives up after five and says which
    // look-up kept changing. baogao runs its own copy of that loop
    // (src/typeset/compile.rs) and must end it the same way.
    let source = "#context for _ in range(query(<m>).len() + 1) [#metadata(none) <m>]\nText.\n";
    let (_tmp, pdf, output) = build_own("grow.typ", source);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("converge"), "no warning that the layout did not converge: {stderr}");
    assert!(pdf.exists());
}

#[test]
fn an_error_typst_delays_until_the_layout_settles_still_fails_the_build() {
    // A reference to a label nowhere in the document is only known to be an
    // error once the layout has settled; the compile loop must report it.
    let (_tmp, pdf, output) = build_own("refs.typ", "See @nowhere.\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nowhere"), "{stderr}");
    assert!(!pdf.exists());
}

#[test]
fn the_emitted_typst_project_holds_the_document_whole_and_in_parts() {
    let (_tmp, dir) = copy_dir(&root().join("content/shiqiao-2021"), "sample");
    let project = dir.parent().unwrap().join("project");
    let pdf = dir.parent().unwrap().join("sample.pdf");
    let output = baogao(&[
        "build",
        dir.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
        "--emit-typst",
        project.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(project.join("_baogao/report.typ").is_file() && project.join("_baogao/lib/components.typ").is_file());
    let read = |rel: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(project.join("_data").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        serde_json::from_str(&text).unwrap()
    };
    // The whole document, as docs/templates.md describes it to own
    // templates; the built-in ones read the same in parts.
    let whole = read("report.json");
    let mut head = read("head.json");
    let sections = whole["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 8, "the sample has eight parts");
    assert_eq!(head["sections"], sections.len());
    for (i, section) in sections.iter().enumerate() {
        assert_eq!(&read(&format!("sections/{}.json", i + 1)), section, "section {}", i + 1);
    }
    assert!(!project.join("_data/sections/9.json").exists());
    head["sections"] = whole["sections"].clone();
    assert_eq!(head, whole, "head.json is the document but for its sections");
}

#[test]
fn parts_set_as_blocks_make_the_pages_one_flow_of_them_makes() {
    // The built-in templates set each section and each appendix entry as a
    // block of its own (`part-block`, given the space above the part's
    // heading), so that `watch` reuses the layout of the unchanged ones.
    // As one flow, without the blocks, the words must stand at the same
    // places. The briefing's sample has no appendix: it gets one, which
    // follows the sections on the same page.
    let appendix = "appendix:\n  - title: 主要指标一览\n    note: 按工作领域分组。\n    table: {metrics: all}\n";
    for (sample, template, duplex, more) in [
        ("shiqiao-2021", "report", false, ""),
        ("shiqiao-2021", "report", true, ""),
        ("shiqiao-2021-gongwen", "gongwen", false, ""),
        ("shiqiao-2021-briefing", "briefing", false, appendix),
    ] {
        let (_tmp, dir) = copy_dir(&root().join("content").join(sample), "blocks");
        if duplex {
            prepend_keys(&dir, "duplex: true\n");
        }
        let yaml = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
        std::fs::write(dir.join("report.yaml"), yaml + more).unwrap();
        let blocks = dir.parent().unwrap().join("blocks.pdf");
        build_ok(&dir, &blocks);
        let output = baogao(&["init", dir.to_str().unwrap(), "--template", template, "--eject"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let own = format!("{template}.typ");
        let yaml = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
        match yaml.contains(&format!("template: {template}\n")) {
            true => edit(&dir, "report.yaml", &format!("template: {template}\n"), &format!("template: {own}\n")),
            false => prepend_keys(&dir, &format!("template: {own}\n")),
        }
        let blocks_of = "#let part-block(above, body) = if above == none { body } else {";
        edit(&dir, "lib/components.typ", blocks_of, &blocks_of.replace("above == none", "true"));
        let flow = dir.parent().unwrap().join("flow.pdf");
        build_ok(&dir, &flow);
        let words = |pdf: &Path| tool_ok("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
        let (Some(a), Some(b)) = (words(&blocks), words(&flow)) else { return };
        assert!(a.matches("<word ").count() > 150, "{sample}: too few words to compare");
        let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        assert!(first.is_none() && a.lines().count() == b.lines().count(), "{sample} (duplex: {duplex}): {first:?}");
    }
}
