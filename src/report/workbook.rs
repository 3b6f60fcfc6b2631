//! A spreadsheet's first sheet as a grid of cells, whatever its format:
//! CSV (UTF-8 or GB18030), xlsx, xls or ods, within bounds that keep a
//! damaged or hostile workbook from taking much time or memory.

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, OdsError, Reader, Xls, XlsError, Xlsx, XlsxError, open_workbook_from_rs};

use super::problem::Problem;
use super::source::{Kind, csv_records};

/// A cell as read, whatever the format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

/// A sheet: its name (for messages) and rows, with each row's byte offset
/// in the file where there is one (CSV).
pub struct Sheet {
    pub name: String,
    pub rows: Vec<(Option<usize>, Vec<Cell>)>,
}

/// The first sheet of `file` (its bytes).
pub fn read(file: &str, bytes: &[u8]) -> Result<Sheet, Problem> {
    match Kind::of(file) {
        Kind::Csv => csv_sheet(file, bytes),
        _ => workbook_sheet(file, bytes),
    }
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

/// 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut col: usize) -> String {
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
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
