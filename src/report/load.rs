//! Loading a report folder: YAML → model → resolved [`Document`], collecting
//! every problem with its place instead of stopping at the first.

use std::collections::BTreeSet;
use std::sync::Arc;

use indexmap::IndexMap;

use super::chart::{self, Chart};
use super::document::{Appendix, Date, Document, Meta, Section, SectionJson};
use super::folder::{Folder, FolderError};
use super::metrics::{Callout, Metrics, Reads};
use super::model::{self, Metric, MetricMap, MetricsSource, Paper, TableSpec};
use super::problem::{Problem, SourceText};
use super::table;
use super::text::{self, Paragraph, TextError};
use super::yaml;
use super::{previous, sheet};

/// The file that holds a report's structure and text.
pub const REPORT_FILE: &str = "report.yaml";
/// Where metrics are looked for when `report.yaml` names none.
pub const METRICS_FILE: &str = "metrics.yaml";

/// The templates baogao carries: the default first.
pub const BUILTIN_TEMPLATES: [&str; 3] = ["report", "gongwen", "briefing"];

/// Which template lays the report out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// One of baogao's own, by name (`report`).
    Builtin(&'static str),
    /// A `.typ` file in the report folder, by its path there.
    Own(String),
}

/// How many table rows one report may typeset, unless raised with
/// `--max-table-rows`. Typst holds every laid-out row in memory until the
/// PDF is written: about 100 MB and 0.6 s for each 1 000 rows on this
/// project's machines (benches/scale.md), so 20 000 rows (some 500 pages of
/// appendix) take about 2 GB. A bigger table belongs in a spreadsheet.
pub const DEFAULT_MAX_TABLE_ROWS: usize = 20_000;

/// A resolved report and the files of the folder it was made from.
pub struct Loaded {
    pub document: Document,
    pub template: Template,
    /// `standard:` as written, if given.
    pub standard: Option<String>,
    /// `attach_sources:`.
    pub attach_sources: bool,
    /// Paths relative to the folder: report.yaml, the metrics file, tables.
    pub sources: Vec<String>,
}

/// The sections the last load of a folder resolved, for its next load (a
/// watch's). A section whose entry in report.yaml is as it was, and whose
/// metrics are, is taken from here as it was. A one-figure save of the
/// sample at ten times its length changes 10 of its 80 sections, and
/// resolving and serialising the other 70 again was half of loading it.
#[derive(Default)]
pub struct Kept {
    /// The model they were resolved from: report.yaml's memoized parse,
    /// the same `Arc` while the text is the same. Held here, so no other
    /// model can take its address.
    report: Option<Arc<model::Report>>,
    /// By index; `None` for a section that had problems or read all metrics.
    sections: Vec<Option<Arc<KeptSection>>>,
}

struct KeptSection {
    reads: Reads,
    json: Arc<SectionJson>,
}

/// Loads and resolves the report in `folder`, refusing tables with more
/// than `max_table_rows` rows in all. Takes what it can from `kept` and
/// leaves there what the next load can take, if this one succeeds.
pub fn load(folder: &Folder, max_table_rows: usize, kept: &mut Kept) -> Result<Loaded, Vec<Problem>> {
    let source = read_text(folder, REPORT_FILE).map_err(|p| vec![p])?;
    let report = parse_report(&source).map_err(|p| vec![p])?;
    let src = SourceText { file: REPORT_FILE, text: &source };
    let (metrics, metrics_file, mut problems) = load_metrics(folder, &report, &src)?;
    let mut sources = vec![REPORT_FILE.to_string()];
    sources.extend(metrics_file);
    let same_model = kept.report.as_ref().is_some_and(|r| Arc::ptr_eq(r, &report));
    let mut resolver = Resolve {
        folder,
        metrics: &metrics,
        src,
        problems: Vec::new(),
        sources,
        row_limit: table::RowLimit::new(max_table_rows),
        kept: if same_model { &kept.sections } else { &[] },
        keep: Vec::with_capacity(report.sections.len()),
    };
    let document = resolver.document(&report);
    let template = resolver.template(report.template.as_deref());
    problems.append(&mut resolver.problems);
    let keep = std::mem::take(&mut resolver.keep);
    match template {
        Some(template) if problems.is_empty() => {
            let loaded = Loaded {
                document,
                template,
                standard: report.standard.clone(),
                attach_sources: report.attach_sources,
                sources: resolver.sources,
            };
            *kept = Kept { report: Some(report), sections: keep };
            Ok(loaded)
        }
        _ => Err(problems),
    }
}

/// report.yaml's model. Memoized on the text: in `watch`, most saves are of
/// metrics or tables, and parsing a long report again was a third of
/// loading it.
#[comemo::memoize]
fn parse_report(source: &str) -> Result<Arc<model::Report>, Problem> {
    yaml::parse(REPORT_FILE, source).map(Arc::new)
}

/// One problem per character in `chars` (ones no font has), placed where it
/// first stands in the report's sources.
pub fn locate_chars(folder: &Folder, sources: &[String], chars: &BTreeSet<char>) -> Vec<Problem> {
    let texts: Vec<(&String, String)> =
        sources.iter().filter_map(|f| Some((f, decode_text(&folder.read(f).ok()?)?))).collect();
    chars
        .iter()
        .map(|&c| {
            let places: Vec<(&String, usize)> =
                texts.iter().flat_map(|(f, t)| t.match_indices(c).map(move |(i, _)| (*f, i))).collect();
            let (file, range) = match places.first() {
                Some(&(f, i)) => (f.as_str(), Some(i..i + c.len_utf8())),
                None => (REPORT_FILE, None),
            };
            let more = match places.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more places)", n - 1),
            };
            Problem::new(file, range, format!("no font has the character `{c}` (U+{:04X}){more}", c as u32))
                .hint("add a font that has it with `--font-path DIR` (or `--system-fonts`), or write another character")
        })
        .collect()
}

/// The largest report file (YAML or CSV) baogao reads: about 5 million
/// Chinese characters, thousands of pages. Larger files are refused at once
/// rather than parsed for minutes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a file of the report, refusing one over [`MAX_FILE_BYTES`].
fn read_limited(folder: &Folder, file: &str) -> Result<Vec<u8>, Problem> {
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

/// The metrics from `metrics:` (a file or inline) or from `metrics.yaml`,
/// with the file they came from and the problems found in them.
fn load_metrics(
    folder: &Folder,
    report: &model::Report,
    src: &SourceText,
) -> Result<(Metrics, Option<String>, Vec<Problem>), Vec<Problem>> {
    let grouping = report.number_grouping;
    let file = match &report.metrics {
        Some(MetricsSource::Inline(map)) => {
            let mut map = map.0.clone();
            if let Some(path) = &report.previous_report {
                previous::fill(folder, path, &mut map, src).map_err(|p| vec![p])?;
            }
            let metrics = Metrics::new(map, grouping);
            let problems = metrics.check(src);
            return Ok((metrics, None, problems));
        }
        Some(MetricsSource::File(path)) => path.as_str(),
        None if folder.exists(METRICS_FILE) => METRICS_FILE,
        None => return Ok((Metrics::new(IndexMap::new(), grouping), None, Vec::new())),
    };
    let (map, text) = read_metrics_file(folder, file).map_err(|p| {
        if report.metrics.is_some() && p.range.is_none() {
            // Point at `metrics:` in report.yaml, where the path was written.
            vec![Problem { file: src.file.into(), range: src.find(file), ..p }]
        } else {
            vec![p]
        }
    })?;
    let mut map = map;
    if let Some(path) = &report.previous_report {
        previous::fill(folder, path, &mut map, src).map_err(|p| vec![p])?;
    }
    let metrics = Metrics::new(map, grouping);
    let problems = metrics.check(&SourceText { file, text: &text });
    Ok((metrics, Some(file.to_string()), problems))
}

/// The metrics of a YAML file or a spreadsheet, with the file's text (empty
/// for a binary spreadsheet) for placing later problems.
pub(super) fn read_metrics_file(folder: &Folder, file: &str) -> Result<(IndexMap<String, Metric>, String), Problem> {
    if sheet::is_sheet(file) {
        let bytes = read_limited(folder, file)?;
        let text = if file.to_ascii_lowercase().ends_with(".csv") {
            decode_text(&bytes).unwrap_or_default()
        } else {
            String::new()
        };
        return Ok((sheet::read(file, &bytes)?, text));
    }
    let text = read_text(folder, file)?;
    let map = parse_metrics(file, &text)?;
    Ok((map, text))
}

/// The metrics of a YAML file. A file of one `id: …` entry after another,
/// each begun at a line's first column (as baogao's samples and `init`
/// write them), is parsed entry by entry, each memoized on its text: in
/// `watch` a save usually changes one figure, and parsing the whole file
/// again was a third of loading a long report. Any other file, and any
/// file with an entry that does not parse on its own or an id given twice,
/// is parsed whole, which reports its problems where they stand.
fn parse_metrics(file: &str, text: &str) -> Result<IndexMap<String, Metric>, Problem> {
    let by_entry = entries(text).and_then(|entries| {
        let mut map = IndexMap::with_capacity(entries.len());
        for entry in entries {
            let (id, metric) = parse_entry(entry)?;
            if map.insert(id, metric).is_some() {
                return None;
            }
        }
        Some(map)
    });
    match by_entry {
        Some(map) => Ok(map),
        None => yaml::parse(file, text).map(|MetricMap(map)| map),
    }
}

/// The entries of a YAML mapping whose every line at the first column
/// (other than comments) begins an entry `id:` with a plain id; `None` for
/// any other text.
fn entries(text: &str) -> Option<Vec<&str>> {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace() && first != '#' {
            let key_end = line.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
            let rest = &line[key_end..];
            if key_end == 0 || !(rest.starts_with(": ") || rest.trim_end() == ":") {
                return None;
            }
            starts.push(at);
        } else if starts.is_empty() && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            return None;
        }
        at += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let entries: Vec<&str> = starts.iter().zip(ends).map(|(&a, b)| &text[a..b]).collect();
    (!entries.is_empty()).then_some(entries)
}

/// One entry of a metrics file, if it parses on its own as one metric.
#[comemo::memoize]
fn parse_entry(entry: &str) -> Option<(String, Metric)> {
    let MetricMap(map) = yaml::parse(METRICS_FILE, entry).ok()?;
    let mut entries = map.into_iter();
    let first = entries.next()?;
    entries.next().is_none().then_some(first)
}

/// Resolves the model into a document, gathering problems as it goes.
struct Resolve<'a> {
    folder: &'a Folder,
    metrics: &'a Metrics,
    src: SourceText<'a>,
    problems: Vec<Problem>,
    /// Files read so far.
    sources: Vec<String>,
    /// Table rows the report may still typeset.
    row_limit: table::RowLimit,
    /// The last load's sections of the same model (see [`Kept`]).
    kept: &'a [Option<Arc<KeptSection>>],
    /// The sections to keep for the next load, so far.
    keep: Vec<Option<Arc<KeptSection>>>,
}

impl Resolve<'_> {
    fn document(&mut self, r: &model::Report) -> Document {
        let meta = self.meta(r);
        Document {
            meta,
            summary: self.text(r.summary.as_deref()),
            sections: r.sections.iter().enumerate().map(|(i, s)| self.kept_section(i, s)).collect(),
            appendix: r.appendix.iter().map(|a| self.appendix(a)).collect(),
            attachments: Vec::new(),
        }
    }

    /// The template `template:` names: built in, or a `.typ` file of the folder.
    fn template(&mut self, name: Option<&str>) -> Option<Template> {
        let name = name.unwrap_or("report");
        if let Some(builtin) = BUILTIN_TEMPLATES.iter().find(|t| **t == name) {
            return Some(Template::Builtin(builtin));
        }
        if name.ends_with(".typ") {
            if let Err(e) = self.folder.size(name) {
                let problem =
                    Problem { file: REPORT_FILE.into(), range: self.src.find(name), ..folder_problem(name, &e) };
                self.problems.push(problem);
                return None;
            }
            self.sources.push(name.to_string());
            return Some(Template::Own(name.to_string()));
        }
        self.problems.push(
            self.src.problem_at(name, format!("template `{name}` is not available in this version of baogao")).hint(
                "use `report` (the default), `gongwen`, `briefing`, or the path of a `.typ` file in the report folder",
            ),
        );
        None
    }

    fn meta(&mut self, r: &model::Report) -> Meta {
        let (lang, region) = split_language(r.language.as_deref().unwrap_or("zh-CN"));
        Meta {
            title: r.title.clone(),
            subtitle: r.subtitle.clone(),
            author: r.author.clone(),
            date: r.date.as_deref().and_then(|d| self.date("date", d)),
            keywords: r.keywords.clone(),
            lang,
            region,
            paper: paper_name(r.paper.unwrap_or(Paper::A4)),
            created: None,
            duplex: r.duplex,
            doc_number: r.doc_number.clone(),
            issuer_mark: r.issuer_mark.clone(),
            addressee: r.addressee.clone(),
            cc: r.cc.clone(),
            printed_by: r.printed_by.clone(),
            printed_date: r.printed_date.as_deref().and_then(|d| self.date("printed_date", d)),
            issue: r.issue.clone(),
        }
    }

    fn date(&mut self, key: &str, text: &str) -> Option<Date> {
        let parsed = parse_date(text);
        if parsed.is_none() {
            self.problems.push(
                self.src
                    .problem_at(text, format!("`{key}: {text}` is not a date"))
                    .hint(format!("write it as YYYY-MM-DD, e.g. `{key}: 2022-01-25`")),
            );
        }
        parsed
    }

    /// Section `i`, from the last load if its metrics are as they were then.
    fn kept_section(&mut self, i: usize, s: &model::Section) -> Arc<SectionJson> {
        if let Some(Some(kept)) = self.kept.get(i)
            && self.metrics.unchanged(&kept.reads)
        {
            self.keep.push(Some(kept.clone()));
            return kept.json.clone();
        }
        let problems = self.problems.len();
        let metrics = self.metrics;
        let (section, reads) = metrics.traced(|| self.section(s));
        let json = Arc::new(SectionJson::of(&section));
        let keep = reads.filter(|_| self.problems.len() == problems);
        self.keep.push(keep.map(|reads| Arc::new(KeptSection { reads, json: json.clone() })));
        json
    }

    fn section(&mut self, s: &model::Section) -> Section {
        Section {
            title: s.title.clone(),
            highlights: self.callouts(&s.highlights),
            body: self.text(s.body.as_deref()),
            subsections: s
                .subsections
                .iter()
                .map(|sub| Section {
                    title: sub.title.clone(),
                    highlights: self.callouts(&sub.highlights),
                    body: self.text(sub.body.as_deref()),
                    subsections: Vec::new(),
                    chart: self.chart(sub.chart.as_ref()),
                })
                .collect(),
            chart: self.chart(s.chart.as_ref()),
        }
    }

    fn appendix(&mut self, a: &model::AppendixEntry) -> Appendix {
        if a.table.is_some() && a.body.is_some() {
            self.problems.push(
                self.src
                    .problem_at(&a.title, format!("appendix `{}` has both `table` and `body`", a.title))
                    .hint("an appendix entry holds one of them: split it into two entries"),
            );
        }
        Appendix {
            title: a.title.clone(),
            note: self.text(a.note.as_deref()),
            body: self.text(a.body.as_deref()),
            table: a.table.as_ref().and_then(|t| self.table(&a.title, t)),
            chart: self.chart(a.chart.as_ref()),
        }
    }

    fn chart(&mut self, spec: Option<&model::ChartSpec>) -> Option<Chart> {
        chart::of_metrics(self.metrics, spec?).map_err(|e| self.problems.push(self.located(e))).ok()
    }

    fn table(&mut self, title: &str, spec: &TableSpec) -> Option<table::Table> {
        let result = match (&spec.metrics, &spec.columns, &spec.rows, &spec.csv) {
            (Some(selection), None, None, None) => table::of_metrics(self.metrics, selection)
                .map_err(|e| self.located(e))
                .and_then(|t| self.within_row_limit(title, t)),
            (None, Some(columns), Some(rows), None) => table::of_rows(columns, rows, self.metrics)
                .map_err(|e| self.located(e))
                .and_then(|t| self.within_row_limit(title, t)),
            (None, None, None, Some(csv)) => self.csv_table(csv),
            _ => Err(self
                .src
                .problem_at(title, format!("the table of appendix entry `{title}` is not one of the three kinds"))
                .hint("write `metrics: all` (or a list, or `{group: …}`), or `columns:` with `rows:`, or `csv: tables/x.csv`")),
        };
        result.map_err(|p| self.problems.push(p)).ok()
    }

    fn csv_table(&mut self, csv: &str) -> Result<table::Table, Problem> {
        self.sources.push(csv.to_string());
        let bytes = read_limited(self.folder, csv).map_err(|p| Problem {
            file: REPORT_FILE.into(),
            range: self.src.find(csv),
            ..p
        })?;
        table::of_csv(csv, &bytes, self.metrics, &mut self.row_limit)
    }

    /// The table, if the report's tables stay within the row limit with it.
    fn within_row_limit(&mut self, title: &str, t: table::Table) -> Result<table::Table, Problem> {
        self.row_limit.take(t.rows.len(), self.src.problem_at(title, String::new()))?;
        Ok(t)
    }

    fn text(&mut self, text: Option<&str>) -> Vec<Paragraph> {
        let Some(text) = text else { return Vec::new() };
        text::parse(text, self.metrics).map_err(|e| self.problems.push(self.located(e))).unwrap_or_default()
    }

    fn callouts(&mut self, ids: &[String]) -> Vec<Callout> {
        ids.iter()
            .filter_map(|id| self.metrics.callout(id).map_err(|e| self.problems.push(self.located(e))).ok())
            .collect()
    }

    /// A text error, placed where its snippet stands in report.yaml.
    fn located(&self, e: TextError) -> Problem {
        Problem { hints: e.hints, ..self.src.problem_at(&e.snippet, e.message) }
    }
}

/// `zh-Hans-CN` → (`zh`, `CN`).
fn split_language(tag: &str) -> (String, Option<String>) {
    let mut parts = tag.split(['-', '_']);
    let lang = parts.next().unwrap_or("zh").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
    (lang, region.map(|r| r.to_ascii_uppercase()))
}

fn paper_name(paper: Paper) -> &'static str {
    match paper {
        Paper::A4 => "a4",
        Paper::A5 => "a5",
        Paper::B5 => "iso-b5",
        Paper::A3 => "a3",
        Paper::UsLetter => "us-letter",
    }
}

/// `2022-01-25` → a date, checking the day exists.
fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let valid = (1..=12).contains(&month) && day >= 1 && day <= *days.get(usize::from(month) - 1)?;
    valid.then_some(Date { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2022-01-25").is_some());
        assert!(parse_date("2022-02-30").is_none());
        assert!(parse_date("25/01/2022").is_none());
    }

    fn whole(text: &str) -> Result<IndexMap<String, Metric>, Problem> {
        yaml::parse(METRICS_FILE, text).map(|MetricMap(map)| map)
    }

    #[test]
    fn metrics_parsed_entry_by_entry_are_those_of_the_whole_file() {
        let sample =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/content/shiqiao-2021/metrics.yaml")).unwrap();
        let block = "# 经济\nvisits:\n  label: 走访\n  value: 336\n\n  # 单位\n  unit: 家次\n\n人口-2021: {label: 人口, value: 1.5e3}\r\nx_1: {label: \"a: b\", value: -0}\n";
        for text in [sample.as_str(), block] {
            let parts = entries(text).expect("split into entries");
            assert!(parts.len() > 2);
            assert!(text.ends_with(&parts.concat()) && parts.iter().all(|e| parse_entry(e).is_some()));
            let (by_entry, all) = (parse_metrics(METRICS_FILE, text).unwrap(), whole(text).unwrap());
            assert_eq!(format!("{by_entry:?}"), format!("{all:?}"));
        }
    }

    #[test]
    fn a_metrics_file_not_made_of_plain_entries_is_parsed_whole() {
        // Not split: a document marker, a quoted key, a flow mapping
        // closed at the first column, a list.
        for text in [
            "---\na: {label: x, value: 1}\n",
            "\"a\": {label: x, value: 1}\n",
            "a: {label: x,\n value: 1\n}\n",
            "- a\n",
            "# only a comment\n",
        ] {
            assert!(entries(text).is_none(), "{text:?}");
        }
        // Split, but parsed whole, which reports the problem where it
        // stands: an id given twice, an alias of another entry's anchor,
        // an entry that is no metric.
        for text in [
            "a: {label: x, value: 1}\nb: {label: y, value: 2}\na: {label: z, value: 3}\n",
            "a: &v {label: x, value: 1}\nb: *v\n",
            "a: {label: x, value: 1}\nb: {label: y, value: 二}\n",
        ] {
            assert!(entries(text).is_some(), "{text:?}");
            let (by_entry, all) = (parse_metrics(METRICS_FILE, text).unwrap_err(), whole(text).unwrap_err());
            assert_eq!((by_entry.message, by_entry.range), (all.message, all.range), "{text:?}");
        }
    }

    /// The sections of a load, and which of them it took from the last one.
    fn load_again(folder: &Folder, kept: &mut Kept) -> (Vec<Arc<SectionJson>>, Vec<bool>) {
        let before: Vec<_> = kept.sections.iter().map(|k| k.as_ref().map(|k| k.json.clone())).collect();
        let sections = load(folder, 100, kept).unwrap().document.sections;
        let taken = sections.iter().enumerate();
        let taken = taken.map(|(i, s)| before.get(i).cloned().flatten().is_some_and(|b| Arc::ptr_eq(&b, s))).collect();
        (sections, taken)
    }

    #[test]
    fn a_load_takes_from_the_last_the_sections_whose_metrics_are_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        let metrics = |v: u32, w: u32| {
            format!("v: {{label: 走访, value: {v}, unit: 家次}}\nw: {{label: 其他, value: {w}, group: g}}\n")
        };
        write(
            "report.yaml",
            "title: t\nsections:\n  - title: 甲\n    body: 走访{{v}}。\n  - title: 乙\n    body: 其他{{w.value}}。\n  \
             - title: 丙\n    body: 无。\n  - title: 丁\n    subsections:\n      - title: 子\n        highlights: [w]\n  \
             - title: 戊\n    chart: {metrics: {group: g}}\n",
        );
        write("metrics.yaml", &metrics(336, 2));
        let folder = Folder::open(dir.path()).unwrap();
        let mut kept = Kept::default();
        let fresh = |kept: &Kept| {
            assert!(kept.report.is_some());
            let sections = load(&folder, 100, &mut Kept::default()).unwrap().document.sections;
            sections.iter().map(|s| s.get().to_string()).collect::<Vec<_>>()
        };
        let texts = |sections: &[Arc<SectionJson>]| sections.iter().map(|s| s.get().to_string()).collect::<Vec<_>>();

        let (_, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false; 5], "nothing to take from at first");
        // 甲 reads v; 乙 and 丁's subsection read w; 戊's chart reads all
        // metrics (a group); 丙 none.
        write("metrics.yaml", &metrics(337, 2));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false, true, true, true, false]);
        assert!(sections[0].get().contains("337家次"));
        assert_eq!(texts(&sections), fresh(&kept));
        write("metrics.yaml", &metrics(337, 3));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [true, false, true, false, false]);
        assert_eq!(texts(&sections), fresh(&kept));

        // A load that fails keeps what the last one left.
        write("metrics.yaml", "v: {label: 走访, value: 九}\n");
        assert!(load(&folder, 100, &mut kept).is_err());
        write("metrics.yaml", &metrics(337, 3));
        let (_, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [true, true, true, true, false]);
        // An edit of report.yaml starts afresh.
        write("report.yaml", &std::fs::read_to_string(dir.path().join("report.yaml")).unwrap().replace("无", "有"));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false; 5]);
        assert!(sections[2].get().contains("有"));
    }

    #[test]
    fn languages() {
        assert_eq!(split_language("zh-CN"), ("zh".into(), Some("CN".into())));
        assert_eq!(split_language("zh-Hans-CN"), ("zh".into(), Some("CN".into())));
        assert_eq!(split_language("en"), ("en".into(), None));
    }
}
