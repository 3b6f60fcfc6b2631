//! A broken report gives one clear, located message, exit code 1, no PDF,
//! no temporary file, and leaves an earlier PDF as it was.

use crate::support::*;

/// Breaks the minimal fixture with `edit`, builds over an earlier PDF, and
/// returns stderr after checking the earlier PDF survived byte for byte.
fn build_broken(edit: impl Fn(&str) -> String) -> String {
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("earlier.pdf");
    build_ok(&dir, &out);
    let earlier = std::fs::read(&out).unwrap();
    let yaml = std::fs::read_to_string(dir.join("report.yaml")).unwrap();
    std::fs::write(dir.join("report.yaml"), edit(&yaml)).unwrap();
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "expected exit 1:\n{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), earlier, "the earlier PDF changed");
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "stray files next to the output: {names:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn unknown_metric_is_located_with_a_suggestion() {
    let stderr = build_broken(|y| y.replace("走访企业{{visits}}", "走访企业{{vists}}"));
    assert!(stderr.contains("unknown metric `vists`"), "{stderr}");
    assert!(stderr.contains("report.yaml:7:"), "should point at line 7:\n{stderr}");
    assert!(stderr.contains("did you mean `visits`?"), "{stderr}");
}

#[test]
fn unknown_field_and_unclosed_markup_are_errors() {
    let stderr = build_broken(|y| y.replace("{{visits.change}}", "{{visits.foo}}"));
    assert!(stderr.contains("metric `visits` has no field `foo`"), "{stderr}");
    let stderr = build_broken(|y| y.replace("**营商环境全面优化。**", "**营商环境全面优化。"));
    assert!(stderr.contains("never closed"), "{stderr}");
}

#[test]
fn yaml_errors_name_line_and_column() {
    let stderr = build_broken(|y| y.replace("title: 测试报告", "title: [测试报告"));
    assert!(stderr.contains("report.yaml:"), "{stderr}");
    let stderr = build_broken(|y| y.replace("sections:", "sectoins:"));
    assert!(stderr.contains("sectoins"), "{stderr}");
}

#[test]
fn missing_csv_is_named() {
    let stderr = build_broken(|y| y.replace("tables/projects.csv", "tables/missing.csv"));
    assert!(stderr.contains("tables/missing.csv"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn disagreeing_previous_and_change_is_an_error() {
    let (tmp, dir) = copy_fixture("minimal");
    let metrics = std::fs::read_to_string(dir.join("metrics.yaml")).unwrap();
    std::fs::write(dir.join("metrics.yaml"), metrics.replace("previous: 280", "previous: 280, change: 5")).unwrap();
    let out = tmp.path().join("x.pdf");
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("metrics.yaml:1:"), "should point at the metric: {stderr}");
    assert!(stderr.contains("disagrees"), "{stderr}");
    assert!(!out.exists());
}
