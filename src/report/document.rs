//! The resolved document: what the template receives as JSON. References are
//! replaced by their printed values and tables are loaded, so the template
//! only lays out.

use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::chart::Chart;
use super::dates::{Created, Date};
use super::metrics::Callout;
use super::picture::Picture;
use super::problem::Problem;
use super::table::Table;
use super::text::Paragraph;

/// Serialised in parts by `typeset::data`, not as a whole.
#[derive(Debug)]
pub struct Document {
    pub meta: Meta,
    /// The summary's text paragraphs (its blocks left out), as before blocks.
    pub summary: Vec<Paragraph>,
    /// The summary in full, text and blocks in order, if it has blocks.
    pub summary_blocks: Option<Vec<Block>>,
    pub sections: Vec<Arc<SectionJson>>,
    pub appendix: Vec<Appendix>,
    /// Files of the report folder to attach to the PDF (filled in by the
    /// command, which knows the standard).
    pub attachments: Vec<Attachment>,
    /// The images the document places (by their `path`), served to typst
    /// and inlined in the web page.
    pub pictures: Vec<Arc<Picture>>,
    /// Problems that hold under some standards only: an image without words
    /// for PDF/UA, transparency under PDF/A-1.
    pub conditional: Conditional,
}

/// Problems the command raises if the standard it builds for forbids them.
#[derive(Debug, Default)]
pub struct Conditional {
    /// Images with neither `alt` nor `caption` (PDF/UA needs words for each).
    pub without_alt: Vec<Problem>,
    /// Images with an alpha channel (PDF/A-1 allows no transparency).
    pub transparent: Vec<Problem>,
}

/// One item of a body as the template places it.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    Text {
        paragraphs: Vec<Paragraph>,
    },
    Image(Figure),
    /// Rows of figures, each row's photos as tall as one another.
    Images {
        rows: Vec<Vec<Figure>>,
    },
    /// Numbered 表N where it has a title.
    Table {
        title: Option<Paragraph>,
        note: Vec<Paragraph>,
        table: Table,
    },
    Chart {
        chart: Chart,
    },
    List {
        numbered: bool,
        items: Vec<ListItem>,
    },
}

/// A placed image: its file, printed size, caption (numbered 图N where
/// given) and words for those who cannot see it.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// The picture's path in [`Document::pictures`].
    pub src: String,
    pub width_mm: f64,
    pub height_mm: f64,
    pub caption: Option<Paragraph>,
    /// `alt`, else the caption's text; empty if neither was given.
    pub alt: String,
}

/// A list item and the items one level down under it.
#[derive(Debug, Serialize)]
pub struct ListItem {
    pub text: Paragraph,
    pub items: Vec<Paragraph>,
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
    /// The 版头's elements and the 附注 (GB/T 9704 7.2, 7.3.6), as given:
    /// 份号 in six digits, 密级 and 保密期限, 紧急程度, 签发人.
    pub copy_number: Option<String>,
    pub secrecy: Option<&'static str>,
    pub secrecy_period: Option<String>,
    pub urgency: Option<&'static str>,
    pub signers: Vec<String>,
    pub note: Option<String>,
    pub seal: bool,
    /// The archive's data (DA/T 46), for the metadata only.
    #[serde(skip)]
    pub archive: crate::report::model::Archive,
    /// The logo, if `logo:` is given.
    pub logo: Option<Figure>,
    /// How many heading levels the contents list (1–4).
    pub contents_depth: u8,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub highlights: Vec<Callout>,
    /// The text paragraphs of the body (its blocks left out), as before blocks.
    pub body: Vec<Paragraph>,
    /// The body in full, text and blocks in order, if it has blocks other
    /// than text (else `body` is all of it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<Block>>,
    pub subsections: Vec<Section>,
    pub chart: Option<Chart>,
    /// Levels 3 and 4: the title starts the first paragraph.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub run_in: bool,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<Block>>,
    pub table: Option<Table>,
    pub chart: Option<Chart>,
}
