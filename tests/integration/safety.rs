//! Text is data (never evaluated as Typst), and nothing outside the report
//! folder is read.

use crate::support::*;

#[test]
fn markup_in_text_prints_as_written_and_reads_no_file() {
    let (tmp, dir) = copy_fixture("injection");
    let out = tmp.path().join("i.pdf");
    build_ok(&dir, &out);
    let Some(text) = pdf_text(&out) else { return };
    for literal in [
        "#read(\"/etc/passwd\")",
        "#settext(red)",
        "括号:]",
        "$x$",
        "反斜杠:\\",
        "@ref",
        "<label>",
        "*a*",
        "_b_",
        "`code`",
        "标题#strong[不是粗体]",
        "注入测试#title]",
        "正文{{n}}写出花括号,7个是引用。#include\"/etc/hostname\"#image(\"/etc/passwd\")",
    ] {
        assert!(text.contains(literal), "`{literal}` missing from the PDF text:\n{text}");
    }
    assert!(!text.contains("root:"), "a file outside the report was read");
}

/// Runs a build that must fail with exit code 1 and a message naming `what`.
fn refused(dir: &std::path::Path, what: &str) {
    let out = dir.join("out.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "expected exit 1, stderr:\n{stderr}");
    assert!(stderr.contains(what), "error should name `{what}`:\n{stderr}");
    assert!(stderr.contains("leaves the report folder"), "{stderr}");
    assert!(stderr.contains("report.yaml:"), "error should point into report.yaml:\n{stderr}");
    assert!(!out.exists(), "a PDF was written");
}

#[test]
fn parent_paths_are_refused() {
    let (tmp, dir) = copy_fixture("escape");
    std::fs::write(tmp.path().join("outside.csv"), "a,b\n1,2\n").unwrap();
    refused(&dir, "../outside.csv");
}

#[test]
fn absolute_paths_are_refused() {
    let (_tmp, dir) = copy_fixture("escape");
    edit(&dir, "report.yaml", "../outside.csv", "/etc/passwd");
    refused(&dir, "/etc/passwd");
}

#[cfg(unix)]
#[test]
fn links_that_lead_out_are_refused() {
    let (tmp, dir) = copy_fixture("escape");
    std::fs::write(tmp.path().join("secret.csv"), "a,b\n1,2\n").unwrap();
    // git keeps no empty folders, so the fixture has no tables/ of its own.
    std::fs::create_dir_all(dir.join("tables")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.csv"), dir.join("tables/link.csv")).unwrap();
    edit(&dir, "report.yaml", "../outside.csv", "tables/link.csv");
    refused(&dir, "tables/link.csv");
}
