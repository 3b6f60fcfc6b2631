//! Resolving the model into the [`Document`] the templates receive:
//! metric references replaced by their printed values, tables loaded,
//! charts drawn up, every problem gathered with its place.

use std::sync::Arc;

use super::chart::{self, Chart};
use super::dates::Date;
use super::document::{Appendix, Conditional, Document, Figure, Meta, Section, SectionJson};
use super::folder::Folder;
use super::geometry::{Size, TextArea};
use super::metrics::{Callout, Metrics, Reads};
use super::model::{self, Paper, Secrecy, TableSpec, Urgency};
use super::picture::{Picture, Pictures};
use super::problem::{Problem, SourceText};
use super::source::{REPORT_FILE, read_limited};
use super::table;
use super::text::{self, Paragraph, TextError};

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
    pub(super) report: Option<Arc<model::Report>>,
    /// By index; `None` for a section that had problems, read all metrics
    /// or placed images (whose files may have changed).
    pub(super) sections: Vec<Option<Arc<KeptSection>>>,
    /// The images the last load opened and made.
    pub(super) pictures: Pictures,
}

pub struct KeptSection {
    reads: Reads,
    pub(super) json: Arc<SectionJson>,
}

impl Kept {
    /// The sections kept from `report`, if they were resolved from it.
    pub(super) fn sections_of(&self, report: &Arc<model::Report>) -> &[Option<Arc<KeptSection>>] {
        let same_model = self.report.as_ref().is_some_and(|r| Arc::ptr_eq(r, report));
        if same_model { &self.sections } else { &[] }
    }
}

/// Resolves the model into a document, gathering problems as it goes.
pub struct Resolve<'a> {
    pub folder: &'a Folder,
    pub metrics: &'a Metrics,
    pub src: SourceText<'a>,
    pub problems: Vec<Problem>,
    /// Files read so far.
    pub sources: Vec<String>,
    /// Table rows the report may still typeset.
    pub row_limit: table::RowLimit,
    /// The last load's sections of the same model (see [`Kept`]).
    pub kept: &'a [Option<Arc<KeptSection>>],
    /// The sections to keep for the next load, so far.
    pub keep: Vec<Option<Arc<KeptSection>>>,
    /// Where the template puts text, for the size of images.
    pub area: TextArea,
    /// The most pixels per inch an image keeps at its printed size.
    pub dpi: u32,
    /// The images opened and made by this load, and by the last one.
    pub pictures: Pictures,
    pub last_pictures: &'a Pictures,
    /// The pictures the document places, so far.
    pub placed: Vec<Arc<Picture>>,
    pub conditional: Conditional,
    /// The year the figures are for (see [`year_of`]).
    pub year: Option<i32>,
    /// How many times a file (an image, a CSV table) was opened so far: a
    /// section that opens one is not kept, since the file may change.
    pub files_read: usize,
}

/// How deep parts nest: sections (一、), subsections (（一）), then 1. and （1）.
const DEPTH: usize = 4;

/// The box a logo is fitted in: as tall as a masthead's name.
const LOGO_BOX: Size = Size { width_mm: 40.0, height_mm: 18.0 };

impl Resolve<'_> {
    pub fn document(&mut self, r: &model::Report) -> Document {
        let meta = self.meta(r);
        let (summary, summary_blocks) = self.body(&r.summary);
        Document {
            meta,
            summary,
            summary_blocks,
            sections: r.sections.iter().enumerate().map(|(i, s)| self.kept_section(i, s)).collect(),
            appendix: r.appendix.iter().map(|a| self.appendix(a)).collect(),
            attachments: Vec::new(),
            pictures: std::mem::take(&mut self.placed),
            conditional: std::mem::take(&mut self.conditional),
        }
    }

    fn meta(&mut self, r: &model::Report) -> Meta {
        let (lang, region) = split_language(r.language.as_deref().unwrap_or("zh-CN"));
        Meta {
            title: xml_safe(&r.title),
            subtitle: r.subtitle.clone(),
            author: r.author.as_deref().map(xml_safe),
            date: r.date.as_deref().and_then(|d| self.date("date", d)),
            keywords: r.keywords.iter().map(|k| xml_safe(k)).collect(),
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
            copy_number: r.copy_number.clone(),
            secrecy: r.secrecy.map(Secrecy::text),
            secrecy_period: r.secrecy_period.clone(),
            urgency: r.urgency.map(Urgency::text),
            signers: r.signers.clone(),
            note: r.note.clone(),
            seal: r.seal,
            archive: r.archive.clone().unwrap_or_default(),
            logo: r.logo.as_deref().and_then(|path| self.logo(path)),
            contents_depth: self.contents_depth(r.contents_depth),
        }
    }

    /// The logo, fitted in [`LOGO_BOX`].
    fn logo(&mut self, path: &str) -> Option<Figure> {
        let spec =
            super::body::ImageSpec { image: path.into(), caption: None, alt: Some("标志".into()), width: None };
        self.figure(&spec, |h| {
            let aspect = f64::from(h.width) / f64::from(h.height);
            let height_mm = LOGO_BOX.height_mm.min(LOGO_BOX.width_mm / aspect);
            Some(Size { width_mm: height_mm * aspect, height_mm })
        })
    }

    fn contents_depth(&mut self, depth: Option<u8>) -> u8 {
        match depth {
            None => 2,
            Some(d @ 1..=4) => d,
            Some(d) => {
                let problem = self
                    .src
                    .problem_at(&format!("contents_depth: {d}"), format!("`contents_depth: {d}` is not 1 to 4"));
                self.problems
                    .push(problem.hint("the contents can list heading levels 1 (一、) to 4 (（1）); the default is 2"));
                2
            }
        }
    }

    fn date(&mut self, key: &str, text: &str) -> Option<Date> {
        let parsed = Date::parse(text);
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
        let (problems, files_read) = (self.problems.len(), self.files_read);
        let metrics = self.metrics;
        let (section, reads) = metrics.traced(|| self.section(s, 1));
        let json = Arc::new(SectionJson::of(&section));
        let keep = reads.filter(|_| self.problems.len() == problems && self.files_read == files_read);
        self.keep.push(keep.map(|reads| Arc::new(KeptSection { reads, json: json.clone() })));
        json
    }

    /// A part at `depth` (a section is 1), with its subsections.
    fn section(&mut self, s: &model::Section, depth: usize) -> Section {
        if depth == DEPTH
            && let Some(deeper) = s.subsections.first()
        {
            let message = format!("`{}` has subsections of its own, but parts go {DEPTH} levels deep", s.title);
            let problem = self.src.problem_at(&deeper.title, message);
            self.problems.push(problem.hint(
                "parts go 一、 （一） 1. （1）, four levels as GB/T 9704 numbers them: write these as paragraphs or a list",
            ));
        }
        if s.run_in && depth < 3 {
            let message =
                format!("`{}` is a part of level {depth}, but only levels 3 (1.) and 4 (（1）) run in", s.title);
            self.problems.push(self.src.problem_at(&s.title, message).hint("remove `run_in: true` here"));
        }
        let (body, blocks) = self.body(&s.body);
        Section {
            title: s.title.clone(),
            highlights: self.callouts(&s.highlights),
            body,
            blocks,
            subsections: s
                .subsections
                .iter()
                .take_while(|_| depth < DEPTH)
                .map(|sub| self.section(sub, depth + 1))
                .collect(),
            chart: self.chart(s.chart.as_ref()),
            run_in: s.run_in && depth >= 3,
        }
    }

    fn appendix(&mut self, a: &model::AppendixEntry) -> Appendix {
        if a.table.is_some() && !a.body.0.is_empty() {
            self.problems.push(
                self.src
                    .problem_at(&a.title, format!("appendix `{}` has both `table` and `body`", a.title))
                    .hint("an appendix entry holds one of them: split it into two entries"),
            );
        }
        let (body, blocks) = self.body(&a.body);
        Appendix {
            title: a.title.clone(),
            note: self.text(a.note.as_deref()),
            body,
            blocks,
            table: a.table.as_ref().and_then(|t| self.table(&a.title, t)),
            chart: self.chart(a.chart.as_ref()),
        }
    }

    pub(super) fn chart(&mut self, spec: Option<&model::ChartSpec>) -> Option<Chart> {
        chart::of_metrics(self.metrics, spec?, self.year).map_err(|e| self.problems.push(self.located(e))).ok()
    }

    pub(super) fn table(&mut self, title: &str, spec: &TableSpec) -> Option<table::Table> {
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
        self.files_read += 1;
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

    pub(super) fn text(&mut self, text: Option<&str>) -> Vec<Paragraph> {
        let Some(text) = text else { return Vec::new() };
        text::parse(text, self.metrics).map_err(|e| self.problems.push(self.located(e))).unwrap_or_default()
    }

    fn callouts(&mut self, ids: &[String]) -> Vec<Callout> {
        ids.iter()
            .filter_map(|id| self.metrics.callout(id).map_err(|e| self.problems.push(self.located(e))).ok())
            .collect()
    }

    /// A text error, placed where its snippet stands in report.yaml.
    pub(super) fn located(&self, e: TextError) -> Problem {
        Problem { hints: e.hints, ..self.src.problem_at(&e.snippet, e.message) }
    }
}

/// The year a report's figures are for: `year:`, else the first year
/// named in the title (2021年工作总结), else the date's.
pub fn year_of(r: &model::Report) -> Option<i32> {
    let in_title = r.title.char_indices().find_map(|(i, _)| {
        let digits = r.title.get(i..i + 4)?;
        let after = r.title[i + 4..].chars().next();
        let before = r.title[..i].chars().next_back();
        let plain = digits.chars().all(|c| c.is_ascii_digit()) && !before.is_some_and(|c| c.is_ascii_digit());
        (plain && after == Some('年')).then(|| digits.parse().ok()).flatten()
    });
    r.year.or(in_title).or_else(|| r.date.as_deref().and_then(|d| d.get(..4)?.parse().ok()))
}

/// `zh-Hans-CN` → (`zh`, `CN`).
fn split_language(tag: &str) -> (String, Option<String>) {
    let mut parts = tag.split(['-', '_']);
    let lang = parts.next().unwrap_or("zh").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
    (lang, region.map(|r| r.to_ascii_uppercase()))
}

/// Metadata (the PDF's XMP, the OFD's DocInfo) is XML, which cannot hold
/// control characters other than tab and line breaks: each becomes a space.
fn xml_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && !matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(split_language("zh-CN"), ("zh".into(), Some("CN".into())));
        assert_eq!(split_language("zh-Hans-CN"), ("zh".into(), Some("CN".into())));
        assert_eq!(split_language("en"), ("en".into(), None));
    }
}
