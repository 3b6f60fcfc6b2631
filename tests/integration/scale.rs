//! Scale (issue #8): the report of benches/scale/report.rs at 1× and 100×.
//! Time and memory are measured by `cargo bench --bench scale`, not here;
//! these tests check what a user sees: a huge report stops at the table-row
//! limit with a message saying where and what to do, the limit moves with
//! `--max-table-rows`, and 500 sections with 5 000 metrics build.

use crate::support::*;

#[path = "../../benches/scale/report.rs"]
mod scale_report;

fn generated(factor: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join(format!("scale-{factor}x"));
    scale_report::write_report(&dir, factor);
    (tmp, dir)
}

#[test]
fn the_100x_report_stops_at_the_row_limit_naming_the_row() {
    let (_tmp, dir) = generated(100);
    let out = dir.join("out.pdf");
    let output = baogao_within(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()], 120);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // The metrics table takes 5 000 rows and 500 group headers; the CSV's
    // row 14 501 (line 14 502, after the header) is the 20 001st.
    assert!(stderr.contains("tables/rows.csv:14502:1"), "{stderr}");
    assert!(stderr.contains("past 20000 rows"), "{stderr}");
    assert!(stderr.contains("--max-table-rows N"), "{stderr}");
    assert!(!out.exists(), "no PDF after an error");
}

#[test]
fn the_row_limit_moves_with_the_flag() {
    let (_tmp, dir) = generated(1);
    let out = dir.join("out.pdf");
    let (report, pdf) = (dir.to_str().unwrap(), out.to_str().unwrap());
    // 55 rows of metrics and group headers, then 1 000 CSV rows.
    let output = baogao(&["build", report, "-o", pdf, "--max-table-rows", "1054"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("tables/rows.csv:1001:1") && stderr.contains("past 1054 rows"), "{stderr}");
    let output = baogao(&["build", report, "-o", pdf, "--max-table-rows", "1055"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let Some(text) = pdf_text(&out) else { return };
    assert!(text.contains("第1000号民生项目"), "the last CSV row is in the PDF");
}

#[test]
fn a_table_from_metrics_counts_towards_the_limit() {
    let (_tmp, dir) = generated(1);
    let output = baogao(&["check", dir.to_str().unwrap(), "--max-table-rows", "50"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // Placed at the appendix entry's title in report.yaml.
    assert!(
        stderr.contains("report.yaml:") && stderr.contains("指标一览") && stderr.contains("past 50 rows"),
        "{stderr}"
    );
}

#[test]
fn five_hundred_sections_and_five_thousand_metrics_build() {
    let (_tmp, dir) = generated(100);
    // Without the 100 000-row CSV: sections, callouts, references, and the
    // 5 500-row metrics table.
    edit(&dir, "report.yaml", "  - title: 民生项目明细\n    table: {csv: tables/rows.csv}\n", "");
    let out = dir.join("out.pdf");
    build_ok(&dir, &out);
    let Some(text) = pdf_text(&out) else { return };
    assert!(text.contains("五百、第500部分工作"), "the 500th section is numbered");
    assert!(text.contains("第4999项指标"), "the last metric is in the appendix table");
}
