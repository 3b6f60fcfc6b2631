//! Appendix tables: of metrics, of inline rows, or of a CSV file.

use serde::Serialize;

use super::metrics::Metrics;
use super::model::{Cell, MetricSelection};
use super::number;
use super::problem::Problem;
use super::source::csv_records;
use super::text::{self, Paragraph, Resolver, TextError};

/// A table as the template draws it.
#[derive(Debug, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    /// Per column: right-align it (all its cells are numbers).
    pub numeric: Vec<bool>,
    pub rows: Vec<Row>,
}

/// A row of cells, or a group heading spanning the table.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Row {
    Group { title: String },
    Cells { cells: Vec<Paragraph> },
}

const METRIC_COLUMNS: [&str; 6] = ["指标", "数值", "上年", "同比", "排名", "备注"];
const METRIC_NUMERIC: [bool; 6] = [false, true, true, true, false, false];

/// A table of the selected metrics; with `all`, grouped by `group`.
pub fn of_metrics(metrics: &Metrics, selection: &MetricSelection) -> Result<Table, TextError> {
    let (ids, grouped) = metrics.select(selection)?;
    let mut rows = Vec::new();
    for group in group_order(metrics, &ids, grouped) {
        if let Some(title) = &group {
            rows.push(Row::Group { title: title.clone() });
        }
        for &id in &ids {
            let m = metrics.get(id).ok_or_else(|| metrics.unknown(id))?;
            if grouped && m.group != group {
                continue;
            }
            rows.push(Row::Cells { cells: metric_row(metrics, id)? });
        }
    }
    Ok(drop_empty_columns(Table { columns: strings(&METRIC_COLUMNS), numeric: METRIC_NUMERIC.to_vec(), rows }))
}

/// Leaves out the optional columns (上年, 同比, 排名, 备注) that no metric of
/// the table fills, so the others get the room.
fn drop_empty_columns(mut table: Table) -> Table {
    let filled: Vec<bool> = (0..table.columns.len())
        .map(|c| c < 2 || table.rows.iter().any(|r| matches!(r, Row::Cells { cells } if !cells[c].is_empty())))
        .collect();
    table.columns = keep(table.columns, &filled);
    table.numeric = keep(table.numeric, &filled);
    for row in &mut table.rows {
        if let Row::Cells { cells } = row {
            *cells = keep(std::mem::take(cells), &filled);
        }
    }
    table
}

/// The items whose flag is set.
fn keep<T>(items: Vec<T>, flags: &[bool]) -> Vec<T> {
    items.into_iter().zip(flags).filter(|(_, f)| **f).map(|(x, _)| x).collect()
}

/// The groups in first-seen order, ungrouped metrics last; `[None]` if the
/// table is not grouped.
fn group_order(metrics: &Metrics, ids: &[&str], grouped: bool) -> Vec<Option<String>> {
    if !grouped {
        return vec![None];
    }
    let mut order: Vec<Option<String>> = Vec::new();
    for id in ids {
        let group = metrics.get(id).and_then(|m| m.group.clone());
        if !order.contains(&group) {
            order.push(group);
        }
    }
    order.sort_by_key(Option::is_none);
    if order == [None] { order } else { order.into_iter().map(|g| g.or(Some("其他".into()))).collect() }
}

fn metric_row(metrics: &Metrics, id: &str) -> Result<Vec<Paragraph>, TextError> {
    let m = metrics.get(id).ok_or_else(|| metrics.unknown(id))?;
    let note = match &m.note {
        Some(note) => text::parse_inline(note, metrics)?,
        None => Vec::new(),
    };
    Ok(vec![
        plain(&m.label),
        plain(&metrics.with_unit(m, m.value)),
        plain(&m.previous.map(|p| metrics.with_unit(m, p)).unwrap_or_default()),
        plain(&metrics.change(m).map(number::format_change).unwrap_or_default()),
        plain(m.rank.as_deref().unwrap_or("")),
        note,
    ])
}

/// A table of rows written in report.yaml.
pub fn of_rows(columns: &[String], rows: &[Vec<Cell>], resolver: &dyn Resolver) -> Result<Table, TextError> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.len() != columns.len() {
            return Err(TextError {
                message: format!("row {} has {} cells, but the table has {} columns", i + 1, row.len(), columns.len()),
                hints: vec!["give every row one cell per column; write \"\" for an empty cell".into()],
                snippet: row.first().map(cell_text).unwrap_or_default(),
            });
        }
        let cells = row.iter().map(|c| text::parse_inline(&cell_text(c), resolver)).collect::<Result<_, _>>()?;
        out.push(cells);
    }
    Ok(finish(columns.to_vec(), out))
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Number(n) => number::format(*n, None, false),
        Cell::Bool(b) => if *b { "是" } else { "否" }.into(),
        Cell::Empty => String::new(),
    }
}

/// A table read from a CSV file (`file` names it in errors): first row is the
/// header. UTF-8 with or without BOM, or GB18030 (which includes GBK). A row
/// past the `limit` is an error at that row.
pub fn of_csv(file: &str, bytes: &[u8], resolver: &dyn Resolver, limit: &mut RowLimit) -> Result<Table, Problem> {
    let records = csv_records(file, bytes)?;
    let mut records = records.iter();
    let Some(header) = records.next() else {
        return Err(Problem::new(file, None, format!("`{file}` is empty")).hint("the first row must name the columns"));
    };
    let header: Vec<String> = header.iter().map(|s| s.trim().to_string()).collect();
    let mut rows = Vec::new();
    for record in records {
        let start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        let at = |message: String| Problem::new(file, Some(start..start + 1), message);
        limit.take(1, at(String::new()))?;
        if record.len() != header.len() {
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            return Err(at(format!(
                "row on line {line} has {} cells, but the header has {}",
                record.len(),
                header.len()
            ))
            .hint("every row needs one cell per column (empty cells are fine: `a,,c`)"));
        }
        let cells = record.iter().map(|c| text::parse_inline(c, resolver)).collect::<Result<_, _>>().map_err(
            |e: TextError| {
                let mut p = at(e.message);
                p.hints = e.hints;
                p
            },
        )?;
        rows.push(cells);
    }
    Ok(finish(header, rows))
}

/// How many table rows a report may still typeset (see
/// `load::DEFAULT_MAX_TABLE_ROWS` for why there is a limit).
#[derive(Debug, Clone, Copy)]
pub struct RowLimit {
    total: usize,
    left: usize,
}

impl RowLimit {
    pub fn new(total: usize) -> Self {
        Self { total, left: total }
    }

    /// Takes `n` rows, or explains at `place` (a problem whose message is
    /// replaced) that they go past the limit.
    pub fn take(&mut self, n: usize, place: Problem) -> Result<(), Problem> {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => {
                let message =
                    format!("this takes the report's tables past {} rows, the most baogao typesets", self.total);
                Err(Problem { message, ..place }
                    .hint("each 1000 rows need about 100 MB of memory while the PDF is made (and fill some 26 pages)")
                    .hint("split or shorten the table (one this long is better kept as a spreadsheet), or raise the limit with `--max-table-rows N`"))
            }
        }
    }
}

fn finish(columns: Vec<String>, rows: Vec<Vec<Paragraph>>) -> Table {
    let numeric = (0..columns.len())
        .map(|c| {
            let mut cells = rows.iter().map(|r| flat(&r[c])).filter(|t| !t.is_empty()).peekable();
            cells.peek().is_some() && cells.all(|t| looks_numeric(&t))
        })
        .collect();
    Table { columns, numeric, rows: rows.into_iter().map(|cells| Row::Cells { cells }).collect() }
}

fn flat(p: &Paragraph) -> String {
    p.iter().map(|r| r.text.as_str()).collect()
}

/// `1,234.5`, `-3`, `+17.5%` are numbers; `10.5亿元` is text.
fn looks_numeric(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['+', '-']).trim_end_matches('%').replace(',', "");
    !t.is_empty() && t.parse::<f64>().is_ok()
}

fn plain(text: &str) -> Paragraph {
    if text.is_empty() { Vec::new() } else { vec![text::Run { text: text.into(), bold: false }] }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoMetrics;
    impl Resolver for NoMetrics {
        fn resolve(&self, id: &str, _: Option<&str>) -> Result<String, TextError> {
            Err(TextError { message: format!("unknown metric `{id}`"), hints: vec![], snippet: id.into() })
        }
    }

    #[test]
    fn reads_gb18030_csv_and_aligns_numbers() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("项目,金额\n微改造,21\n加装电梯,84\n");
        let table = of_csv("t.csv", &bytes, &NoMetrics, &mut RowLimit::new(100)).unwrap();
        assert_eq!(table.columns, ["项目", "金额"]);
        assert_eq!(table.numeric, [false, true]);
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn names_the_short_row() {
        let err = of_csv("t.csv", "a,b\n1,2\n3\n".as_bytes(), &NoMetrics, &mut RowLimit::new(100)).unwrap_err();
        assert!(err.message.contains("line 3"), "{}", err.message);
        assert_eq!(err.range, Some(8..9));
    }

    #[test]
    fn metric_tables_leave_out_empty_columns() {
        let map = serde_yaml::from_str("a: {label: 甲, value: 1, rank: 第一}\nb: {label: 乙, value: 2}").unwrap();
        let metrics = Metrics::new(map, false);
        let table = of_metrics(&metrics, &MetricSelection::All("all".into())).unwrap();
        assert_eq!(table.columns, ["指标", "数值", "排名"]);
        assert_eq!(table.numeric, [false, true, false]);
        assert!(matches!(&table.rows[1], Row::Cells { cells } if cells.len() == 3));
    }

    #[test]
    fn refuses_binary() {
        assert!(of_csv("t.csv", &[0xFF, 0xFF, 0xFF, 0x30], &NoMetrics, &mut RowLimit::new(100)).is_err());
    }
}
