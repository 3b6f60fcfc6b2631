//! Metrics from a spreadsheet (`metrics: metrics.xlsx`, `.xls`, `.ods` or
//! `.csv`): one row per metric, columns named in English (`id`, `value`, …)
//! or Chinese (编号, 数值, …). A wrong cell is named by sheet, row and column.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use indexmap::IndexMap;

use super::load::decode_text;
use super::model::Metric;
use super::problem::{Problem, closest};

/// The file endings read as spreadsheets.
pub const ENDINGS: [&str; 4] = ["csv", "xlsx", "xls", "ods"];

/// Whether `file` names a spreadsheet.
pub fn is_sheet(file: &str) -> bool {
    let ending = file.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    file.contains('.') && ENDINGS.contains(&ending.as_str())
}

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

/// A cell as read, whatever the format.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

/// A sheet: its name (for messages) and rows, with each row's byte offset
/// in the file where there is one (CSV).
struct Sheet {
    name: String,
    rows: Vec<(Option<usize>, Vec<Cell>)>,
}

/// Reads the metrics of `file` (the bytes of it).
pub fn read(file: &str, bytes: &[u8]) -> Result<IndexMap<String, Metric>, Problem> {
    let sheet = if file.to_ascii_lowercase().ends_with(".csv") {
        csv_sheet(file, bytes)?
    } else {
        workbook_sheet(file, bytes)?
    };
    metrics(file, &sheet)
}

fn csv_sheet(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    let text = decode_text(bytes).ok_or_else(|| {
        Problem::new(file, None, format!("`{file}` is neither UTF-8 nor GB18030 text")).hint("save it as \"CSV UTF-8\"")
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Problem::new(file, None, format!("`{file}` is not valid CSV: {e}")))?;
        let at = record.position().map(|p| p.byte() as usize);
        let cells = record.iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.trim().into()) });
        rows.push((at, cells.collect()));
    }
    Ok(Sheet { name: file.into(), rows })
}

/// The first sheet of an xlsx, xls or ods workbook.
fn workbook_sheet(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    let unreadable = |e: String| {
        Problem::new(file, None, format!("`{file}` cannot be read as a spreadsheet: {e}"))
            .hint("save it from Excel or LibreOffice as .xlsx, .xls or .ods")
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| unreadable(e.to_string()))?;
    let name = book.sheet_names().first().cloned().ok_or_else(|| unreadable("it has no sheet".into()))?;
    let range = book.worksheet_range(&name).map_err(|e| unreadable(e.to_string()))?;
    // Keep rows and columns numbered as the spreadsheet numbers them.
    let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = vec![(None, Vec::new()); first_row];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; first_col];
        cells.extend(row.iter().map(cell));
        rows.push((None, cells));
    }
    Ok(Sheet { name, rows })
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.trim().into()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::Empty => Cell::Empty,
        other => Cell::Text(other.to_string()),
    }
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
        };
        if out.insert(id.clone(), metric).is_some() {
            return Err(bad("id", format!("duplicate metric id `{id}`"), "every metric needs its own id"));
        }
    }
    Ok(out)
}

/// 0 → A, 25 → Z, 26 → AA.
fn column_letter(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.iter().rev().collect()
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

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
