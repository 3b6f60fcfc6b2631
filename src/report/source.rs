//! Reading the report's files: their names and kinds, the size limit,
//! decoding text (UTF-8, or GB18030 as Chinese spreadsheets save CSV), and
//! CSV records, for the metrics sheet and the tables alike.

use super::folder::{Folder, FolderError};
use super::problem::Problem;

/// The file that holds a report's structure and text.
pub const REPORT_FILE: &str = "report.yaml";
/// Where metrics are looked for when `report.yaml` names none.
pub const METRICS_FILE: &str = "metrics.yaml";

/// The largest report file (YAML or CSV) baogao reads: about 5 million
/// Chinese characters, thousands of pages. Larger files are refused at once
/// rather than parsed for minutes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a report's file holds, by its name's ending (in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Yaml,
    Csv,
    /// A workbook: xlsx, xls or ods.
    Workbook,
    /// A Typst template.
    Typst,
    Other,
}

impl Kind {
    pub fn of(file: &str) -> Self {
        let Some((_, ending)) = file.rsplit_once('.') else { return Kind::Other };
        match ending.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Kind::Yaml,
            "csv" => Kind::Csv,
            "xlsx" | "xls" | "ods" => Kind::Workbook,
            "typ" => Kind::Typst,
            _ => Kind::Other,
        }
    }

    /// Read as a sheet of metrics: CSV or a workbook.
    pub fn is_sheet(self) -> bool {
        matches!(self, Kind::Csv | Kind::Workbook)
    }
}

/// Reads a file of the report, refusing one over [`MAX_FILE_BYTES`].
pub fn read_limited(folder: &Folder, file: &str) -> Result<Vec<u8>, Problem> {
    let size = folder.size(file).map_err(|e| folder_problem(file, &e))?;
    if size > MAX_FILE_BYTES {
        return Err(Problem::new(
            file,
            None,
            format!("`{file}` is {:.1} MB; report files may be at most {} MB", size as f64 / 1e6, MAX_FILE_BYTES >> 20),
        )
        .hint("split the report, or move bulk data into a smaller table"));
    }
    folder.read(file).map_err(|e| folder_problem(file, &e))
}

/// Reads a text file of the report: UTF-8, not empty.
pub fn read_text(folder: &Folder, file: &str) -> Result<String, Problem> {
    let bytes = read_limited(folder, file)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
        let valid = &bytes[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let gb = if decode_text(bytes).is_some() { " (it reads as GB18030/GBK)" } else { "" };
        Problem::new(file, None, format!("`{file}` is not UTF-8 text{gb}: the first bad byte is on line {line}"))
            .hint("save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8)")
    })?;
    if text.trim().is_empty() {
        return Err(Problem::new(file, None, format!("`{file}` is empty")).hint("see the README for a minimal report"));
    }
    Ok(text)
}

/// A source file's text: UTF-8 (BOM stripped), or GB18030 as spreadsheets
/// save CSV in China.
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// A problem about a file the report names (or is made of).
pub fn folder_problem(file: &str, e: &FolderError) -> Problem {
    Problem::new(file, None, e.to_string()).hint(e.hint())
}

/// The records of the CSV file `file` (its bytes), rows of any length, each
/// knowing its place in the text, which is UTF-8 or GB18030.
pub fn csv_records(file: &str, bytes: &[u8]) -> Result<Vec<csv::StringRecord>, Problem> {
    let text = decode_text(bytes).ok_or_else(|| {
        Problem::new(file, None, format!("`{file}` is neither UTF-8 nor GB18030 text"))
            .hint("save the spreadsheet as \"CSV UTF-8\"")
    })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.records().map(|record| record.map_err(|e| csv_problem(file, &e))).collect()
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let range = e.position().map(|p| p.byte() as usize..p.byte() as usize + 1);
    Problem::new(file, range, format!("`{file}` is not valid CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_ending() {
        assert_eq!(Kind::of("m.XLSX"), Kind::Workbook);
        assert_eq!(Kind::of("tables/a.csv"), Kind::Csv);
        assert_eq!(Kind::of("metrics.yml"), Kind::Yaml);
        assert_eq!(Kind::of("mine.typ"), Kind::Typst);
        assert_eq!(Kind::of("csv"), Kind::Other);
        assert!(Kind::of("a.ods").is_sheet() && !Kind::of("a.yaml").is_sheet());
    }
}
