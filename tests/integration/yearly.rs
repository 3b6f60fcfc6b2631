//! Yearly work: metrics from spreadsheets, and changes from last year's
//! report.

use crate::support::*;

/// The sample built with its metrics from `file` (in tests/fixtures/spreadsheets).
fn sample_with_metrics(file: Option<&str>) -> Vec<u8> {
    let (tmp, dir) = copy_dir(&root().join("content/shiqiao-2021"), "shiqiao-2021");
    if let Some(file) = file {
        std::fs::remove_file(dir.join("metrics.yaml")).unwrap();
        std::fs::copy(root().join("tests/fixtures/spreadsheets").join(file), dir.join(file)).unwrap();
        prepend_keys(&dir, &format!("metrics: {file}\n"));
    }
    let out = tmp.path().join("out.pdf");
    build_ok(&dir, &out);
    std::fs::read(out).unwrap()
}

#[test]
fn every_spreadsheet_format_gives_the_same_pdf_as_yaml() {
    let yaml = sample_with_metrics(None);
    for file in ["metrics.csv", "metrics.xlsx", "metrics.xls", "metrics.ods"] {
        assert!(sample_with_metrics(Some(file)) == yaml, "{file} gives another PDF");
    }
}

/// The minimal fixture with its metrics in the file `name` (holding
/// `bytes`) instead of metrics.yaml, built; returns exit code and stderr.
fn build_with_metrics_file(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let (tmp, dir) = copy_fixture("minimal");
    std::fs::write(dir.join(name), bytes).unwrap();
    std::fs::remove_file(dir.join("metrics.yaml")).unwrap();
    prepend_keys(&dir, &format!("metrics: {name}\n"));
    let out = tmp.path().join("x.pdf");
    let output = baogao_within(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()], 30);
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_wrong_cell_is_named_by_sheet_row_and_column() {
    let csv = "编号,指标,数值\nvisits,走访,336\nloans,贷款,三百\nnew_firms,企业,1\n";
    let (code, stderr) = build_with_metrics_file("m.csv", csv.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("sheet `m.csv`, row 3, column C: `三百` is not a number"), "{stderr}");
    assert!(stderr.contains("m.csv:3:1"), "{stderr}");
}

#[test]
fn a_stray_value_far_away_is_an_error_not_a_huge_grid() {
    // One value in XFD1048576 would make a dense sheet of 17 billion cells.
    let far = std::fs::read(root().join("tests/fixtures/spreadsheets/far-cell.xlsx")).unwrap();
    let (code, stderr) = build_with_metrics_file("far.xlsx", &far);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("row 1048576, column XFD: a value lies outside"), "{stderr}");
    assert!(stderr.contains("Ctrl+End"), "{stderr}");
}

#[test]
fn last_years_report_gives_the_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let last = tmp.path().join("report-2020");
    std::fs::create_dir(&last).unwrap();
    std::fs::write(last.join("report.yaml"), "title: 2020\nsections: [{title: 一}]\n").unwrap();
    std::fs::write(
        last.join("metrics.yaml"),
        "visits: {label: 走访, value: 300, unit: 家次}\nloans: {label: 贷款, value: 380, unit: 万元}\n",
    )
    .unwrap();
    let this = tmp.path().join("report-2021");
    copy_recursive(&root().join("tests/fixtures/minimal"), &this);
    // visits has previous 280 written by hand: that stays. loans (352.6,
    // none given) gets 380 from last year; new_firms (not in 2020) gets none.
    prepend_keys(&this, "previous_report: ../report-2020\n");
    let out = tmp.path().join("y.pdf");
    build_ok(&this, &out);
    let Some(table) = pdf_layout_text(&out) else { return };
    assert_in_order(
        &table,
        &["走访慰问企业336家次280家次+20%", "发放贷款352.6万元380万元-7.2%全区第二", "新增注册企业2585家-3.5%"],
    );

    // A metrics file works as well; a unit that differs is an error.
    std::fs::write(last.join("metrics.yaml"), "loans: {label: 贷款, value: 4000000, unit: 元}\n").unwrap();
    let yaml = std::fs::read_to_string(this.join("report.yaml")).unwrap();
    std::fs::write(this.join("report.yaml"), yaml.replace("../report-2020", "../report-2020/metrics.yaml")).unwrap();
    let output = baogao(&["build", this.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("metric `loans` is in 万元 this year but in 元 last year"), "{stderr}");
}

#[test]
fn a_hostile_last_years_report_meets_this_years_limits() {
    // Last year's folder is the one place a build reads outside its own:
    // its report.yaml and metrics get the same limits (no aliases, no deep
    // nesting, no huge file) as this year's, at once, not after minutes.
    let tmp = tempfile::tempdir().unwrap();
    let last = tmp.path().join("last");
    std::fs::create_dir(&last).unwrap();
    let this = tmp.path().join("this");
    copy_recursive(&root().join("tests/fixtures/minimal"), &this);
    prepend_keys(&this, "previous_report: ../last\n");
    let laughs: String =
        (1..9).map(|i| format!("l{i}: &l{i} [*l{}, *l{}, *l{}, *l{}]\n", i - 1, i - 1, i - 1, i - 1)).collect();
    let cases = [
        ("report.yaml", format!("title: x\nmetrics: m.yaml\nl0: &l0 [ha]\n{laughs}"), "aliases"),
        (
            "report.yaml",
            format!("title: x\nmetrics: m.yaml\nsections: {}{}\n", "[".repeat(200), "]".repeat(200)),
            "nests",
        ),
        ("metrics.yaml", "a: &a {label: x, value: 1}\nb: *a\n".to_string(), "aliases"),
        ("metrics.yaml", format!("a: {{label: \"{}\", value: 1}}\n", "x".repeat(17 << 20)), "at most 16 MB"),
    ];
    for (file, text, expected) in cases {
        let _ = std::fs::remove_file(last.join("report.yaml"));
        std::fs::write(last.join("metrics.yaml"), "visits: {label: 走访, value: 300, unit: 家次}\n").unwrap();
        std::fs::write(last.join(file), &text).unwrap();
        let out = tmp.path().join("y.pdf");
        let output = baogao_within(&["build", this.to_str().unwrap(), "-o", out.to_str().unwrap()], 20);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file} ({expected}): {stderr}");
        assert!(stderr.contains("last year") && stderr.contains(expected), "{file} ({expected}): {stderr}");
        assert!(stderr.contains("report.yaml:1:"), "not placed at `previous_report:`: {stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn a_line_chart_takes_its_years_from_the_chain_of_last_years_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let year = |y: u32, value: u32, previous: Option<&str>| {
        let dir = tmp.path().join(format!("r{y}"));
        std::fs::create_dir_all(&dir).unwrap();
        let last = previous.map_or(String::new(), |p| format!("previous_report: {p}\n"));
        let report = format!(
            "title: {y}年工作总结\n{last}sections:\n  - title: 企业\n    body: 走访{{{{visits}}}}。\n    \
             chart: {{kind: line, metrics: [visits], title: 走访企业}}\n"
        );
        std::fs::write(dir.join("report.yaml"), report).unwrap();
        std::fs::write(dir.join("metrics.yaml"), format!("visits: {{label: 走访企业, value: {value}, unit: 家次}}\n"))
            .unwrap();
        dir
    };
    // 2018 names 2021 as its last year: a loop, which ends the chain.
    year(2018, 90, Some("../r2021"));
    year(2019, 120, Some("../r2018"));
    year(2020, 280, Some("../r2019"));
    let this = year(2021, 336, Some("../r2020"));
    let pdf = tmp.path().join("out.pdf");
    build_ok(&this, &pdf);
    let Some(text) = pdf_text(&pdf) else { return };
    assert_in_order(&text, &["2018", "2019", "2020", "2021"]);
    let objects = pdf_objects(&pdf).unwrap();
    let alt = "折线图“走访企业”：走访企业，2018年90家次，2019年120家次，2020年280家次，2021年336家次。";
    let utf16: String = alt.encode_utf16().map(|u| format!("{u:04x}")).collect();
    assert!(objects.contains(alt) || objects.to_lowercase().contains(&utf16), "no /Alt `{alt}`");
}
