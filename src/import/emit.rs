//! The report folder's files as text: report.yaml and metrics.yaml tidy and
//! commented where a guess was made (`# 猜测：…`), tables as CSV, pictures
//! as they were. Every string is written in YAML's double-quoted form
//! (JSON's, which YAML reads), and text as literal blocks, so no character
//! of the document can change the YAML's structure.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::Meta;
use super::figures::{Found, Metric};
use super::outline::{Outline, Para, Part};
use crate::report::number;

/// The files of the new report folder, by path inside it.
pub struct Folder {
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// The folder made of what was found in the document called `file`.
pub fn folder(meta: &Meta, outline: &Outline, found: &Found, file: &str, previous_report: Option<&str>) -> Folder {
    let mut files = Vec::new();
    let mut appendix = Vec::new();
    for (k, table) in outline.tables.iter().enumerate() {
        let path = format!("tables/table-{}.csv", k + 1);
        files.push((PathBuf::from(&path), csv(&table.rows)));
        appendix.push((table.title.clone(), path, table.after.clone()));
    }
    let mut names: Vec<String> = Vec::new();
    let mut pictures = Vec::new();
    for image in &outline.images {
        let name = unique_name(&image.name, &names);
        files.push((PathBuf::from(format!("images/{name}")), image.bytes.clone()));
        let caption = image.caption.as_deref().map_or(String::new(), |c| format!("，说明“{}”留在正文中", clean(c)));
        pictures.push(format!("images/{name}（原在“{}”一节{caption}）", clean(&image.after)));
        names.push(name);
    }
    let report = report_yaml(meta, outline, file, previous_report, &appendix, &pictures);
    files.insert(0, (PathBuf::from("report.yaml"), report.into_bytes()));
    files.insert(1, (PathBuf::from("metrics.yaml"), metrics_yaml(&found.metrics, file).into_bytes()));
    Folder { files }
}

/// A string as YAML reads it whatever it holds.
fn quoted(text: &str) -> String {
    serde_json::to_string(&clean(text)).expect("a string serialises")
}

/// Text without what YAML would take for line breaks or control.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .filter(|c| !c.is_control() && *c != '\u{feff}')
        .collect()
}

fn report_yaml(
    meta: &Meta,
    outline: &Outline,
    file: &str,
    previous_report: Option<&str>,
    appendix: &[(String, String, String)],
    pictures: &[String],
) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "# 由 baogao import 从 {} 生成：这是起点，请通读并修改。", clean(file));
    y.push_str("# 数字都在 metrics.yaml 中，正文以 {{编号}} 引用；标有“猜测”之处请核对。\n");
    let guess =
        |key: &str| meta.guesses.iter().find(|(k, _)| *k == key).map_or(String::new(), |(_, g)| format!("  # {g}"));
    let title = meta.title.clone().unwrap_or_else(|| "报告".into());
    let _ = writeln!(y, "title: {}{}", quoted(&title), guess("title"));
    for (key, value) in [("subtitle", &meta.subtitle), ("author", &meta.author)] {
        if let Some(value) = value {
            let _ = writeln!(y, "{key}: {}{}", quoted(value), guess(key));
        }
    }
    if let Some(date) = &meta.date {
        let _ = writeln!(y, "date: {date}{}", guess("date"));
    }
    if let Some(path) = previous_report {
        let _ = writeln!(y, "previous_report: {}  # 去年的报告：同名指标的“上年”与“同比”由它算出", quoted(path));
    }
    if !outline.summary.is_empty() {
        block(&mut y, "summary", &outline.summary, "");
    }
    if outline.leads_guessed {
        y.push_str("# 猜测：各段开头加粗的短句（**…。**）是按句子的样子认出的引语。\n");
    }
    y.push_str("sections:\n");
    for section in &outline.sections {
        part(&mut y, section, "  ");
    }
    for picture in pictures {
        let _ = writeln!(y, "# 图片 {picture} 已从文档取出；正文尚不能放图片，请另行处理。");
    }
    if !appendix.is_empty() {
        y.push_str("appendix:\n");
        for (title, path, after) in appendix {
            let _ = writeln!(y, "  # 这张表原在“{}”一节中。", clean(after));
            let _ = writeln!(y, "  - title: {}\n    table: {{csv: {path}}}", quoted(title));
        }
    }
    y
}

fn part(y: &mut String, part: &Part, indent: &str) {
    let _ = writeln!(y, "{indent}- title: {}", quoted(&part.title));
    let inner = format!("{indent}  ");
    if !part.body.is_empty() {
        block(y, "body", &part.body, &inner);
    }
    if !part.subs.is_empty() {
        let _ = writeln!(y, "{inner}subsections:");
        for sub in &part.subs {
            self::part(y, sub, &format!("{inner}  "));
        }
    }
}

/// `key: |` and the paragraphs, a blank line between them.
fn block(y: &mut String, key: &str, paras: &[Para], indent: &str) {
    let _ = writeln!(y, "{indent}{key}: |");
    for (i, para) in paras.iter().enumerate() {
        if i > 0 {
            y.push('\n');
        }
        let _ = writeln!(y, "{indent}  {}", clean(&para.text).trim());
    }
}

fn metrics_yaml(metrics: &[Metric], file: &str) -> String {
    let mut y = String::new();
    let _ = writeln!(y, "# 由 baogao import 从 {} 生成：正文的每个带单位的数字一项，", clean(file));
    y.push_str("# 名称取自数字前的词语（可改），group 是它所在的部分。\n");
    for m in metrics {
        if let Some(guess) = &m.guess {
            let _ = writeln!(y, "# {guess}");
        }
        let id = if m.id.chars().all(|c| !c.is_ascii()) { m.id.clone() } else { quoted(&m.id) };
        let _ = write!(y, "{id}: {{label: {}, value: {}", quoted(&m.label), number::format(m.value, None, false));
        if !m.unit.is_empty() {
            let _ = write!(y, ", unit: {}", quoted(&m.unit));
        }
        if let Some(d) = m.decimals {
            let _ = write!(y, ", decimals: {d}");
        }
        if let Some(change) = m.change {
            let _ = write!(y, ", change: {}", number::format(change, None, false));
        }
        if let Some(rank) = &m.rank {
            let _ = write!(y, ", rank: {}", quoted(rank));
        }
        let _ = writeln!(y, ", group: {}}}", quoted(&m.group));
    }
    y
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let mut cells: Vec<String> = row.iter().map(|c| clean(c)).collect();
        cells.resize(width, String::new());
        writer.write_record(&cells).expect("writing CSV into memory");
    }
    writer.into_inner().expect("writing CSV into memory")
}

/// A file name of letters, digits, `.`, `-` and `_` only, not yet taken.
fn unique_name(name: &str, taken: &[String]) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let safe = safe.trim_start_matches('.').to_string();
    let safe = if safe.is_empty() { "image".to_string() } else { safe };
    if !taken.contains(&safe) {
        return safe;
    }
    (2..).map(|n| format!("{n}-{safe}")).find(|n| !taken.contains(n)).expect("a free name")
}
