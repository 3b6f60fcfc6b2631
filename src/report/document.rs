//! The resolved document: what the template receives as JSON. References are
//! replaced by their printed values and tables are loaded, so the template
//! only lays out.

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::chart::Chart;
use super::dates::{Created, Date};
use super::metrics::Callout;
use super::table::Table;
use super::text::Paragraph;

/// Serialised in parts by `typeset::data`, not as a whole.
#[derive(Debug)]
pub struct Document {
    pub meta: Meta,
    pub summary: Vec<Paragraph>,
    pub sections: Vec<Arc<SectionJson>>,
    pub appendix: Vec<Appendix>,
    /// Files of the report folder to attach to the PDF (filled in by the
    /// command, which knows the standard).
    pub attachments: Vec<Attachment>,
}

/// A source file attached to the PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    /// Path in the report folder, from its root: `/tables/x.csv`.
    pub path: String,
    pub mime: &'static str,
    /// Shown by PDF readers in the attachment list (PDF/A-3 requires one).
    pub description: String,
}

impl Attachment {
    /// The attachment of the report file `rel` (relative to the folder).
    pub fn of(rel: &str) -> Self {
        let mime = match rel.rsplit('.').next().unwrap_or("") {
            "yaml" | "yml" => "application/yaml",
            "csv" => "text/csv",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "svg" => "image/svg+xml",
            _ => "text/plain",
        };
        Self { path: format!("/{rel}"), mime, description: format!("报告源文件 / source of this PDF: {rel}") }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub date: Option<Date>,
    pub keywords: Vec<String>,
    /// ISO 639 language, e.g. `zh`.
    pub lang: String,
    /// ISO 3166 region, e.g. `CN`.
    pub region: Option<String>,
    /// A typst paper name, e.g. `a4`.
    pub paper: &'static str,
    /// When the PDF was made (its metadata dates); filled in by the command.
    pub created: Option<Created>,
    /// Double-sided printing (`duplex:` or `--duplex`).
    pub duplex: bool,
    /// The official-document (gongwen) and briefing fields; see the model.
    pub doc_number: Option<String>,
    pub issuer_mark: Option<String>,
    pub addressee: Option<String>,
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    pub printed_date: Option<Date>,
    pub issue: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub highlights: Vec<Callout>,
    pub body: Vec<Paragraph>,
    pub subsections: Vec<Section>,
    pub chart: Option<Chart>,
}

/// A resolved section as the JSON the template reads, made once, when it
/// is resolved: a watch takes the sections an edit leaves alone from the
/// last load as they were (see `report::Kept`), and they are the bulk of a
/// report.
#[derive(Debug)]
pub struct SectionJson(Box<RawValue>);

impl SectionJson {
    pub fn of(section: &Section) -> Self {
        Self(serde_json::value::to_raw_value(section).expect("the document model always serialises"))
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl Serialize for SectionJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[derive(Debug, Serialize)]
pub struct Appendix {
    pub title: String,
    pub note: Vec<Paragraph>,
    pub body: Vec<Paragraph>,
    pub table: Option<Table>,
    pub chart: Option<Chart>,
}
