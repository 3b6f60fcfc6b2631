//! Metrics from a spreadsheet (`metrics: metrics.xlsx`, `.xls`, `.ods` or
//! `.csv`): one row per metric, columns named in English (`id`, `value`, …)
//! or Chinese (编号, 数值, …). A wrong cell is named by sheet, row and column.

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, OdsError, Reader, Xls, XlsError, Xlsx, XlsxError, open_workbook_from_rs};
use indexmap::IndexMap;

use super::model::Metric;
use super::problem::{Problem, closest};
use super::source::{Kind, csv_records};

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
    let sheet = match Kind::of(file) {
        Kind::Csv => csv_sheet(file, bytes)?,
        _ => workbook_sheet(file, bytes)?,
    };
    metrics(file, &sheet)
}

fn csv_sheet(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    let rows = csv_records(file, bytes)?
        .iter()
        .map(|record| {
            let at = record.position().map(|p| p.byte() as usize);
            let cells =
                record.iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.trim().into()) });
            (at, cells.collect())
        })
        .collect();
    Ok(Sheet { name: file.into(), rows })
}

/// The first bytes of an OLE compound file (.xls, encrypted .xlsx).
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Rows and columns a metrics sheet may use: far more than any report
/// needs, and small enough that a sheet never takes much memory. A stray
/// value in Excel's last cell (XFD1048576) must be an error, not a 400 GB
/// grid.
const MAX_ROWS: u32 = 100_000;
const MAX_COLUMNS: u32 = 64;

/// The first sheet of an xlsx, xls or ods workbook. calamine is run
/// contained: on a damaged file it can panic (the fuzzer found an index out
/// of bounds in its OLE reader), which becomes an error like any other.
fn workbook_sheet(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    contained(|| read_workbook(file, bytes)).unwrap_or_else(|| {
        Err(Problem::new(file, None, format!("`{file}` cannot be read as a spreadsheet: the file is damaged"))
            .hint("open it in Excel or LibreOffice and save it again"))
    })
}

thread_local! {
    /// Set while a panic is being contained, so the hook stays silent.
    static CONTAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing it. The panic
/// hook is wrapped once: it stays silent on threads that contain a panic and
/// otherwise does what it did before.
fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINING.get() {
                previous(info);
            }
        }));
    });
    CONTAINING.set(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINING.set(false);
    result.ok()
}

fn read_workbook(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    let unreadable = |e: String| {
        Problem::new(file, None, format!("`{file}` cannot be read as a spreadsheet: {e}"))
            .hint("save it from Excel or LibreOffice as .xlsx, .xls or .ods")
    };
    // Each format by its own reader, chosen by the file's ending: calamine's
    // sniffing would open a forged .ods as an .xls and bypass the check below.
    let ending = file.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let cursor = || Cursor::new(bytes.to_vec());
    let (name, range) = match ending.as_str() {
        "xlsx" => return xlsx_sheet(file, bytes, &unreadable),
        "xls" => {
            check_xls_extent(file, bytes)?;
            let book: Xls<_> = open_workbook_from_rs(cursor()).map_err(|e: XlsError| unreadable(e.to_string()))?;
            first_range(book, &unreadable)?
        }
        _ => {
            let book: Ods<_> = open_workbook_from_rs(cursor()).map_err(|e: OdsError| unreadable(e.to_string()))?;
            first_range(book, &unreadable)?
        }
    };
    let mut sheet = Sheet { name, rows: Vec::new() };
    for (row, col, data) in range.used_cells() {
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        place(&mut sheet, file, start_row + row as u32, start_col + col as u32, cell(data))?;
    }
    Ok(sheet)
}

/// The name and cells of a workbook's first sheet.
fn first_range<R: Reader<Cursor<Vec<u8>>>>(
    mut book: R,
    unreadable: &dyn Fn(String) -> Problem,
) -> Result<(String, calamine::Range<Data>), Problem>
where
    R::Error: std::fmt::Display,
{
    let name = book.sheet_names().first().cloned().ok_or_else(|| unreadable("it has no sheet".into()))?;
    let range = book.worksheet_range(&name).map_err(|e| unreadable(e.to_string()))?;
    Ok((name, range))
}

/// An .xlsx sheet read cell by cell: calamine's dense range would allocate a
/// grid up to the farthest cell before we could look at it.
fn xlsx_sheet(file: &str, bytes: &[u8], unreadable: &dyn Fn(String) -> Problem) -> Result<Sheet, Problem> {
    // An .xlsx is a zip file; one in an OLE container is encrypted (or not an
    // .xlsx at all), and calamine's OLE reader does not bound what it reads.
    if bytes.starts_with(OLE_MAGIC) {
        return Err(unreadable("it is password-protected, or not an .xlsx file".into()));
    }
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|e: XlsxError| unreadable(e.to_string()))?;
    let name = book.sheet_names().first().cloned().ok_or_else(|| unreadable("it has no sheet".into()))?;
    let mut reader = book.worksheet_cells_reader(&name).map_err(|e| unreadable(e.to_string()))?;
    let mut sheet = Sheet { name, rows: Vec::new() };
    while let Some(c) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
        let (row, col) = c.get_position();
        let value = match c.get_value() {
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::String(s) => text_cell(s),
            DataRef::SharedString(s) => text_cell(s),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::Empty => Cell::Empty,
            other => Cell::Text(format!("{other:?}")),
        };
        place(&mut sheet, file, row, col, value)?;
    }
    Ok(sheet)
}

/// Refuses an .xls whose sheets claim cells beyond the bounds. calamine
/// builds every sheet of an .xls densely while opening the workbook (and
/// reserves room for the size the DIMENSIONS record claims), so a stray or
/// forged far-away cell would exhaust memory before baogao could look. This
/// scans the cell records of the workbook stream first.
fn check_xls_extent(file: &str, bytes: &[u8]) -> Result<(), Problem> {
    // calamine's own OLE reader follows sector chains without a bound (a
    // cyclic chain fills memory), so the container must first pass the cfb
    // crate, which validates it.
    let damaged = |what: &str| {
        Problem::new(file, None, format!("`{file}` cannot be read as a spreadsheet: {what}"))
            .hint("open it in Excel or LibreOffice and save it again")
    };
    let mut container =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| damaged("the .xls container is damaged"))?;
    let mut stream = ["Workbook", "Book"]
        .iter()
        .find_map(|name| container.open_stream(name).ok())
        .ok_or_else(|| damaged("it holds no workbook"))?;
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut data).map_err(|_| damaged("the workbook stream is damaged"))?;
    let far = |row: u32, col: u32| {
        Problem::new(
            file,
            None,
            format!("`{file}` has a cell at row {}, column {}, outside the first {MAX_ROWS} rows and {MAX_COLUMNS} columns baogao reads", row + 1, column_letter(col as usize)),
        )
        .hint("delete the stray cells in Excel or LibreOffice (Ctrl+End shows the last used cell) and save again")
    };
    let u16_at = |r: &[u8], i: usize| r.get(i..i + 2).map_or(0, |b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    let mut at = 0;
    while at + 4 <= data.len() {
        let kind = u16_at(&data, at);
        let len = u16_at(&data, at + 2) as usize;
        let record = &data[at + 4..(at + 4 + len).min(data.len())];
        at += 4 + len;
        let (row, col) = match kind {
            0x0200 => dimensions_extent(record),
            // MULRK, MULBLANK: a row, a first column, …, a last column.
            0x00BD | 0x00BE if record.len() >= 6 => (u16_at(record, 0), u16_at(record, record.len() - 2)),
            // Cells: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA, BLANK.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201 if record.len() >= 4 => {
                (u16_at(record, 0), u16_at(record, 2))
            }
            _ => continue,
        };
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(far(row, col));
        }
    }
    Ok(())
}

/// The extent calamine reserves room for from a DIMENSIONS record, as its
/// last row and column: its arithmetic is mirrored, since `last - first + 1`
/// wraps around in u32 when a forged record has first > last.
fn dimensions_extent(record: &[u8]) -> (u32, u32) {
    let u16_at = |i: usize| record.get(i..i + 2).map_or(0, |b| u32::from(u16::from_le_bytes([b[0], b[1]])));
    let u32_at = |i: usize| record.get(i..i + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let (rf, rl, mut cf, cl) = match record.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return (0, 0), // calamine refuses other lengths
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return (0, 0);
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
    (rows.saturating_sub(1), cols.saturating_sub(1))
}

/// Puts a cell into the sheet's rows, refusing one beyond the bounds.
fn place(sheet: &mut Sheet, file: &str, row: u32, col: u32, value: Cell) -> Result<(), Problem> {
    if value == Cell::Empty {
        return Ok(());
    }
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        let at = format!("sheet `{}`, row {}, column {}", sheet.name, row + 1, column_letter(col as usize));
        return Err(Problem::new(
            file,
            None,
            format!("{at}: a value lies outside the first {MAX_ROWS} rows and {MAX_COLUMNS} columns baogao reads"),
        )
        .hint("delete the stray value (Ctrl+End in Excel shows the last used cell)"));
    }
    let (row, col) = (row as usize, col as usize);
    if sheet.rows.len() <= row {
        sheet.rows.resize(row + 1, (None, Vec::new()));
    }
    let cells = &mut sheet.rows[row].1;
    if cells.len() <= col {
        cells.resize(col + 1, Cell::Empty);
    }
    cells[col] = value;
    Ok(())
}

fn text_cell(s: &str) -> Cell {
    if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.trim().into()) }
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_cell(s),
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
