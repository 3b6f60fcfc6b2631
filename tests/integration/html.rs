//! The web page (`--format html`), read back by tools written by others:
//! headless Chromium with axe-core (tests/browser/check.mjs: WCAG 2.1 A and
//! AA, sideways scrolling at a phone's width, at 200 % and in print, the
//! text a reader gets), the Nu HTML Checker, and pdftotext for the PDF of
//! the same report, whose text the page must carry.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{baogao, browser_tools, copy_fixture, edit, prepend_keys, root, tool_ok};

/// The reports every check runs on: the samples (one with photos, tables
/// and lists in the text) and one with every part of the format and text
/// that markup would take for its own.
fn reports() -> Vec<PathBuf> {
    let content = root().join("content");
    let mut list: Vec<PathBuf> =
        ["shiqiao-2021", "shiqiao-2021-briefing", "shiqiao-2021-gongwen", "shiqiao-2021-briefing-photos"]
            .iter()
            .map(|n| content.join(n))
            .collect();
    list.push(root().join("tests/fixtures/every-block"));
    list
}

/// Builds `dir` into `out/NAME.pdf` and `out/NAME.html` (plus `extra`
/// arguments); returns the two paths.
fn build_both(dir: &Path, out: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let name = dir.file_name().unwrap().to_str().unwrap();
    let pdf = out.join(format!("{name}.pdf"));
    let mut args = vec!["build", dir.to_str().unwrap(), "--format", "pdf,html", "-o", pdf.to_str().unwrap()];
    args.extend(extra);
    let output = baogao(&args);
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    (pdf, out.join(format!("{name}.html")))
}

/// What check.mjs reports of one page.
#[derive(serde::Deserialize)]
struct Seen {
    file: String,
    violations: std::collections::BTreeMap<String, Vec<serde_json::Value>>,
    overflow: std::collections::BTreeMap<String, f64>,
    text: String,
    scripts: usize,
    lang: String,
    title: String,
    headings: Vec<String>,
    requests: Vec<String>,
}

/// Opens `pages` in headless Chromium (screenshots into `shots`, if given).
fn open_in_chromium(pages: &[PathBuf], shots: Option<&Path>) -> Vec<Seen> {
    let mut command = Command::new("node");
    command.arg(root().join("tests/browser/check.mjs"));
    if let Some(dir) = shots {
        command.arg("--shots").arg(dir);
    }
    let output = command.args(pages).output().expect("run node");
    assert!(output.status.success(), "check.mjs failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("check.mjs prints JSON")
}

/// The Nu HTML Checker's errors over `pages`, as `file: message` lines.
fn nu_errors(jar: &Path, pages: &[PathBuf]) -> Vec<String> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--format", "json", "--also-check-svg"])
        .args(pages)
        .output()
        .expect("run the Nu checker");
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).expect("vnu prints JSON");
    let messages = report["messages"].as_array().expect("messages").iter();
    let errors = messages.filter(|m| m["type"] == "error" || m["subType"] == "fatal");
    errors.map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"])).collect()
}

/// Text compared with its white space removed: a PDF's lines are broken
/// where the page ends them, and pdftotext and a browser space figures and
/// Han characters differently.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The PDF's lines as pdftotext reads them, without page furniture a web
/// page has no place for: page numbers (— 3 —) and the contents' leaders
/// and page numbers.
fn pdf_lines(pdf: &Path) -> Vec<String> {
    let text = tool_ok("pdftotext", &[pdf.to_str().unwrap(), "-"]).expect("pdftotext");
    let page_number = |l: &str| l.starts_with('—') && l.ends_with('—') && l.trim_matches('—').parse::<u32>().is_ok();
    text.lines().map(squeeze).filter(|l| !l.is_empty() && !page_number(l) && !l.contains("...")).collect()
}

/// Every line of the PDF's text is in the page's text; the lines of the
/// paragraphs (15 characters or more, once in each) come in the same order.
/// Short lines (callouts, table cells) are only asked to be there:
/// pdftotext reads a grid of them row by row or column by column.
fn assert_carries(pdf: &Path, page_text: &str) {
    let html = squeeze(page_text);
    let lines = pdf_lines(pdf);
    let missing: Vec<&String> = lines.iter().filter(|l| !html.contains(l.as_str())).collect();
    assert!(missing.is_empty(), "{}: the web page lacks these lines of the PDF: {missing:#?}", pdf.display());
    let once = |l: &&String| l.chars().count() >= 15 && html.matches(l.as_str()).count() == 1;
    let paragraph_lines: Vec<&String> =
        lines.iter().filter(once).filter(|l| lines.iter().filter(|m| m == l).count() == 1).collect();
    assert!(paragraph_lines.len() >= 10, "{}: too few paragraph lines to compare", pdf.display());
    let places: Vec<usize> = paragraph_lines.iter().map(|l| html.find(l.as_str()).unwrap()).collect();
    for (pair, lines) in places.windows(2).zip(paragraph_lines.windows(2)) {
        assert!(pair[0] <= pair[1], "{}: `{}` comes after `{}` in the web page", pdf.display(), lines[0], lines[1]);
    }
}

#[test]
fn web_pages_are_accessible_valid_and_carry_every_line_of_the_pdf() {
    let Some(jar) = browser_tools() else { return };
    let out = tempfile::tempdir().unwrap();
    let built: Vec<(PathBuf, PathBuf)> = reports().iter().map(|dir| build_both(dir, out.path(), &[])).collect();
    let pages: Vec<PathBuf> = built.iter().map(|(_, html)| html.clone()).collect();

    // The article alone, in the smallest page around it, must be valid too.
    let fragment_dir = tempfile::tempdir().unwrap();
    let sample = &reports()[0];
    let (_, fragment) = build_both(sample, fragment_dir.path(), &["--html-fragment"]);
    let wrapped = out.path().join("fragment-wrapped.html");
    let article = std::fs::read_to_string(&fragment).unwrap();
    let shell =
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网站栏目</title></head><body><main>";
    std::fs::write(&wrapped, format!("{shell}{article}</main></body></html>")).unwrap();
    let mut all = pages.clone();
    all.push(wrapped);

    let errors = nu_errors(&jar, &all);
    assert!(errors.is_empty(), "the Nu HTML Checker found errors:\n{}", errors.join("\n"));

    let seen = open_in_chromium(&all, std::env::var_os("BAOGAO_SHOTS").map(PathBuf::from).as_deref());
    for page in &seen {
        for (width, violations) in &page.violations {
            assert!(violations.is_empty(), "{} at {width}: axe-core found {violations:#?}", page.file);
        }
        for (view, px) in &page.overflow {
            assert!(*px <= 0.0, "{} scrolls sideways by {px} px ({view})", page.file);
        }
        assert_eq!(page.lang, "zh-CN", "{}", page.file);
        assert_eq!(page.scripts, 0, "{}: a <script> element", page.file);
        assert!(page.requests.is_empty(), "{} loaded {:?}", page.file, page.requests);
    }
    for ((pdf, _), page) in built.iter().zip(&seen) {
        assert_carries(pdf, &page.text);
        assert!(!page.title.is_empty() && page.headings.iter().filter(|h| h.starts_with("H1 ")).count() == 1);
    }
    // The article pasted into a site's page reads as the full page does.
    let fragment_text = &seen.last().unwrap().text;
    assert_carries(&built[0].0, fragment_text);
}

#[test]
fn text_that_looks_like_markup_prints_as_itself() {
    let Some(_) = browser_tools() else { return };
    let out = tempfile::tempdir().unwrap();
    let (_, html) = build_both(&root().join("tests/fixtures/every-block"), out.path(), &[]);
    let seen = open_in_chromium(std::slice::from_ref(&html), None);
    let page = &seen[0];
    for literal in [
        r#"<script>alert("标题")</script>"#,
        "<script>alert(1)</script>",
        "&amp;",
        "]]>",
        "<td>不是单元格</td>",
        "<二期> & 配套",
    ] {
        assert!(page.text.contains(literal), "`{literal}` is not in the page's text");
    }
    assert!(page.title.starts_with(r#"全要素测试报告 <script>alert("标题")</script>"#), "{}", page.title);
    // Four levels of the document as headings: the title, the parts, the
    // subparts and the appendix.
    for heading in [
        "H1 全要素测试报告",
        "H2 一、经济发展 <i>斜体</i>",
        "H3 （二）放管服改革",
        "H2 附表2项目清单",
        "H2 附录1附录文字",
    ] {
        assert!(page.headings.iter().any(|h| h.starts_with(heading)), "no heading `{heading}` in {:?}", page.headings);
    }
    assert_eq!(page.scripts, 0);
}

#[test]
fn the_same_report_gives_the_same_page_and_html_alone_lays_nothing_out() {
    let out = tempfile::tempdir().unwrap();
    let dir = root().join("content/shiqiao-2021");
    let page = out.path().join("a.html");
    let build = |epoch: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(["build", dir.to_str().unwrap(), "--format", "html", "--timings", "-o", page.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        (std::fs::read(&page).unwrap(), String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let (first, said) = build("1600000000");
    let (second, _) = build("1700000000");
    assert!(first == second, "two builds of the same report gave different pages");
    // HTML is made from the document: typst never ran, no PDF was written.
    assert!(!said.contains("compile") && said.contains("wrote"), "{said}");
    assert!(!out.path().join("a.pdf").exists());
    let text = String::from_utf8(first).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("<html lang=\"zh-CN\">"));
    assert!(!text.contains("http://") && !text.contains("https://"), "the page refers to the network");
}

#[test]
fn the_fragment_is_the_full_pages_article() {
    let out = tempfile::tempdir().unwrap();
    let dir = root().join("content/shiqiao-2021-gongwen");
    let full = out.path().join("full.html");
    let part = out.path().join("part.html");
    for (path, extra) in [(&full, None), (&part, Some("--html-fragment"))] {
        let mut args = vec!["build", dir.to_str().unwrap(), "--format", "html", "-o", path.to_str().unwrap()];
        args.extend(extra);
        assert!(baogao(&args).status.success());
    }
    let (full, part) = (std::fs::read_to_string(full).unwrap(), std::fs::read_to_string(part).unwrap());
    assert!(part.starts_with("<article") && part.trim_end().ends_with("</article>"), "{}", &part[..80]);
    for tag in ["<html", "<head>", "<style", "<body", "<main"] {
        assert!(!part.contains(tag), "the fragment holds {tag}");
    }
    assert!(full.contains(&part), "the fragment is not the full page's article");
}

#[test]
fn an_own_page_template_is_used_and_its_mistakes_are_located() {
    let (_tmp, dir) = copy_fixture("minimal");
    std::fs::write(dir.join("page.html.j2"), "<p>{{ report.meta.title }} · {{ report.sections|length }}</p>\n")
        .unwrap();
    prepend_keys(&dir, "html_template: page.html.j2\n");
    let page = dir.join("minimal.html");
    let html = |extra: &[&str]| {
        let mut args = vec!["build", dir.to_str().unwrap(), "--format", "html"];
        args.extend(extra);
        baogao(&args)
    };
    assert!(html(&[]).status.success());
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "<p>测试报告 · 2</p>\n");

    // A mistake on line 2: located there, no page written, the last one kept.
    std::fs::write(dir.join("page.html.j2"), "<p>\n{% if %}</p>\n").unwrap();
    let output = html(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("page.html.j2:2:"), "{stderr}");
    assert!(stderr.contains("web page template"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "<p>测试报告 · 2</p>\n");
    // `check` uses the page's template too.
    let output = baogao(&["check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));

    // A template outside the folder is refused, at its key in report.yaml.
    edit(&dir, "report.yaml", "html_template: page.html.j2", "html_template: ../page.html.j2");
    let output = html(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("report.yaml:1:"), "{stderr}");
}

#[test]
fn an_ejected_page_template_gives_the_same_page() {
    let tmp = tempfile::tempdir().unwrap();
    let page = |dir: &Path| {
        let out = tmp.path().join("page.html");
        let output = baogao(&["build", dir.to_str().unwrap(), "--format", "html", "-o", out.to_str().unwrap()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        std::fs::read(out).unwrap()
    };
    for template in ["report", "gongwen", "briefing"] {
        let (plain, ejected) = (tmp.path().join(format!("plain-{template}")), tmp.path().join(template));
        assert!(baogao(&["init", plain.to_str().unwrap(), "--template", template]).status.success());
        assert!(baogao(&["init", ejected.to_str().unwrap(), "--template", template, "--eject"]).status.success());
        let yaml = std::fs::read_to_string(ejected.join("report.yaml")).unwrap();
        assert!(yaml.contains("html_template: report.html.j2\n"), "{yaml}");
        // The ejected Typst template keeps the page's layout too.
        assert!(page(&plain) == page(&ejected), "{template}: the ejected templates make another page");
    }
}
