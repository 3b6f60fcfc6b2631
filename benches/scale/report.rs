//! The generated report of the scale benchmark (benches/scale/main.rs) and test
//! (tests/integration/scale.rs): size 1× is 5 sections, 50 metrics and a
//! 1 000-row CSV appendix; N× has N times each, so 100× is the 500 sections,
//! 5 000 metrics and 100 000-row CSV of issue #8.

use std::fmt::Write as _;
use std::path::Path;

/// Writes the report of size `factor`× into the new folder `dest`.
pub fn write_report(dest: &Path, factor: usize) {
    let (sections, metrics, rows) = (5 * factor, 50 * factor, 1000 * factor);
    std::fs::create_dir_all(dest.join("tables")).expect("create report folder");
    let mut yaml = String::new();
    for i in 0..metrics {
        let group = i * sections / metrics + 1;
        let _ = write!(
            yaml,
            "m{i}:\n  label: 第{i}项指标\n  value: {}\n  unit: 件\n  previous: {}\n  group: 第{group}部分\n",
            1000 + i * 7,
            900 + i * 5
        );
    }
    std::fs::write(dest.join("metrics.yaml"), yaml).expect("write metrics.yaml");

    let mut csv = String::from("序号,项目,地点,金额（万元）,进度\n");
    for i in 0..rows {
        let _ = writeln!(
            csv,
            "{},第{}号民生项目,市桥街道第{}社区,{}.5,{}%",
            i + 1,
            i + 1,
            i % 97 + 1,
            i * 37 % 1000,
            i % 100
        );
    }
    std::fs::write(dest.join("tables/rows.csv"), csv).expect("write rows.csv");

    let per = metrics / sections;
    let mut report =
        String::from("title: 规模测试报告\nauthor: 测试单位\ndate: 2022-01-25\nmetrics: metrics.yaml\nsections:\n");
    for s in 0..sections {
        let ids: Vec<String> = (s * per..(s + 1) * per).map(|k| format!("m{k}")).collect();
        let done: Vec<String> = ids[..5].iter().map(|i| format!("完成{{{{{i}.label}}}}{{{{{i}}}}}")).collect();
        let change: Vec<String> = ids[5..].iter().map(|i| format!("同比变化{{{{{i}.change}}}}")).collect();
        let _ = write!(
            report,
            "  - title: 第{}部分工作\n    highlights: [{}]\n    body: |\n      {}。\n\n      {}。\n",
            s + 1,
            ids[..3].join(", "),
            done.join("，"),
            change.join("，")
        );
    }
    report.push_str("appendix:\n  - title: 指标一览\n    table: {metrics: all}\n");
    report.push_str("  - title: 民生项目明细\n    table: {csv: tables/rows.csv}\n");
    std::fs::write(dest.join("report.yaml"), report).expect("write report.yaml");
}
