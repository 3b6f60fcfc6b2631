//! The resolved document: what the template receives as JSON. References are
//! replaced by their printed values and tables are loaded, so the template
//! only lays out.

use serde::Serialize;

use super::metrics::Callout;
use super::table::Table;
use super::text::Paragraph;

#[derive(Debug, Serialize)]
pub struct Document {
    pub meta: Meta,
    pub summary: Vec<Paragraph>,
    pub sections: Vec<Section>,
    pub appendix: Vec<Appendix>,
}

#[derive(Debug, Serialize)]
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
}

/// A calendar date, with its Chinese spelling (`2022年1月25日`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub title: String,
    pub highlights: Vec<Callout>,
    pub body: Vec<Paragraph>,
    pub subsections: Vec<Section>,
}

#[derive(Debug, Serialize)]
pub struct Appendix {
    pub title: String,
    pub note: Vec<Paragraph>,
    pub body: Vec<Paragraph>,
    pub table: Option<Table>,
}
