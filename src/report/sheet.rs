//! Metrics from a spreadsheet (`metrics: metrics.xlsx`, `.xls`, `.ods` or
//! `.csv`): one row per metric, columns named in English (`id`, `value`, …)
//! or Chinese (编号, 数值, …). A wrong cell is named by sheet, row and column.

use indexmap::IndexMap;

use super::model::Metric;
use super::problem::{Problem, closest};
use super::workbook::{self, Cell, Sheet, column_letter};

/// The columns, by English name and Chinese name.
const COLUMNS: [(&str, &str); 11] = [
    ("id", "编号"),
    ("label", "指标"),
    ("value", "数值"),
    ("unit", "单位"),
    ("previous", "上年"),
    ("change", "同比"),
    ("target", "目标"),
    ("rank", "排名"),
    ("group", "分组"),
    ("note", "备注"),
    ("decimals", "小数位"),
];

/// Reads the metrics of `file` (the bytes of it).
pub fn read(file: &str, bytes: &[u8]) -> Result<IndexMap<String, Metric>, Problem> {
    metrics(file, &workbook::read(file, bytes)?)
}

/// The metrics of a sheet whose first non-empty row names the columns.
fn metrics(file: &str, sheet: &Sheet) -> Result<IndexMap<String, Metric>, Problem> {
    let Some(header_at) = sheet.rows.iter().position(|(_, r)| r.iter().any(|c| *c != Cell::Empty)) else {
        return Err(Problem::new(file, None, format!("`{file}` has no rows"))
            .hint("the first row names the columns: 编号, 指标, 数值, …"));
    };
    let (header_offset, header) = &sheet.rows[header_at];
    let place =
        |row: usize, col: usize| format!("sheet `{}`, row {}, column {}", sheet.name, row + 1, column_letter(col));
    let at = |offset: &Option<usize>| offset.map(|o| o..o + 1);
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for (col, c) in header.iter().enumerate() {
        let name = match c {
            Cell::Text(t) => t.as_str(),
            Cell::Number(_) | Cell::Empty => "",
        };
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        let key = COLUMNS.iter().find(|(en, zh)| name.eq_ignore_ascii_case(en) || name == *zh).map(|(en, _)| *en);
        if key.is_none() {
            let known = COLUMNS.iter().flat_map(|(en, zh)| [*en, *zh]);
            let hint = match closest(name, known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "columns are 编号 指标 数值 单位 上年 同比 目标 排名 分组 备注 (or id, label, value, …)".into(),
            };
            return Err(Problem::new(
                file,
                at(header_offset),
                format!("{}: unknown column `{name}`", place(header_at, col)),
            )
            .hint(hint));
        }
        columns.push(key);
    }
    for required in ["id", "label", "value"] {
        if !columns.contains(&Some(required)) {
            let zh = COLUMNS.iter().find(|(en, _)| *en == required).map_or("", |(_, zh)| *zh);
            return Err(Problem::new(file, at(header_offset), format!("`{file}` has no column `{required}` ({zh})"))
                .hint("the first row names the columns; 编号, 指标 and 数值 are required"));
        }
    }
    let mut out = IndexMap::new();
    for (row_index, (offset, row)) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let mut fields: IndexMap<&str, &Cell> = IndexMap::new();
        for (col, key) in columns.iter().enumerate() {
            if let (Some(key), Some(cell)) = (key, row.get(col)) {
                fields.insert(key, cell);
            }
        }
        let col_of = |key: &str| columns.iter().position(|k| *k == Some(key)).unwrap_or(0);
        let bad = |key: &str, message: String, hint: &str| {
            Problem::new(file, at(offset), format!("{}: {message}", place(row_index, col_of(key))))
                .hint(hint.to_string())
        };
        let text = |key: &str| match fields.get(key) {
            Some(Cell::Text(t)) => Some(t.clone()),
            Some(Cell::Number(n)) => Some(super::number::format(*n, None, false)),
            _ => None,
        };
        let number = |key: &str| -> Result<Option<f64>, Problem> {
            match fields.get(key) {
                Some(Cell::Number(n)) => Ok(Some(*n)),
                Some(Cell::Text(t)) => t.replace(',', "").parse().map(Some).map_err(|_| {
                    bad(
                        key,
                        format!("`{t}` is not a number"),
                        "write a plain number, without units or Chinese numerals",
                    )
                }),
                _ => Ok(None),
            }
        };
        let id = text("id")
            .ok_or_else(|| bad("id", "the id is empty".into(), "give every metric an id, e.g. enterprise_visits"))?;
        let label = text("label")
            .ok_or_else(|| bad("label", "the label is empty".into(), "say what is counted, e.g. 走访慰问企业"))?;
        let value = number("value")?.ok_or_else(|| bad("value", "the value is empty".into(), "write the figure"))?;
        let decimals = match number("decimals")? {
            Some(d) if d.fract() == 0.0 && (0.0..=255.0).contains(&d) => Some(d as u8),
            Some(d) => {
                return Err(bad("decimals", format!("`{d}` is not a whole number of digits"), "write e.g. 1 or 2"));
            }
            None => None,
        };
        let metric = Metric {
            label,
            value,
            unit: text("unit"),
            previous: number("previous")?,
            change: number("change")?,
            target: number("target")?,
            rank: text("rank"),
            group: text("group"),
            decimals,
            note: text("note"),
            history: Default::default(),
            earlier: Vec::new(),
        };
        if out.insert(id.clone(), metric).is_some() {
            return Err(bad("id", format!("duplicate metric id `{id}`"), "every metric needs its own id"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        let csv = "编号,指标,数值,单位,上年\nvisits,走访企业,336,家次,280\nloans,贷款,\"1,234.5\",万元,\n";
        let m = read("m.csv", csv.as_bytes()).unwrap();
        assert_eq!(m["visits"].value, 336.0);
        assert_eq!(m["visits"].previous, Some(280.0));
        assert_eq!(m["loans"].value, 1234.5);
        let m = read("m.csv", b"id,label,value\na,A,1\n").unwrap();
        assert_eq!(m["a"].label, "A");
    }

    #[test]
    fn a_wrong_cell_is_named() {
        let err = read("m.csv", "编号,指标,数值\na,A,1\nb,B,三百\n".as_bytes()).unwrap_err();
        assert!(err.message.contains("row 3, column C: `三百` is not a number"), "{}", err.message);
        assert_eq!(err.range, Some(27..28), "the start of row 3");
        let err = read("m.csv", "编号,指标,数目\n".as_bytes()).unwrap_err();
        assert!(err.message.contains("unknown column `数目`"), "{}", err.message);
    }
}
