//! The report as written: plain serde types mirroring `report.yaml` and
//! `metrics.yaml` (see `../shared/spec/report-format.md`). Nothing here knows
//! about typst; resolving references happens in `resolve.rs`.

use indexmap::IndexMap;

use serde::Deserialize;

/// `report.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    /// `YYYY-MM-DD`; checked in `load.rs`.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub paper: Option<Paper>,
    #[serde(default)]
    pub metrics: Option<MetricsSource>,
    #[serde(default)]
    pub number_grouping: bool,
    #[serde(default)]
    pub summary: Option<String>,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub appendix: Vec<AppendixEntry>,
}

/// Page sizes a report may ask for.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    A4,
    A5,
    B5,
    A3,
    UsLetter,
}

/// `metrics:` names a file or holds the metrics inline.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MetricsSource {
    File(String),
    Inline(IndexMap<String, Metric>),
}

/// One metric of `metrics.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub label: String,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub previous: Option<f64>,
    /// Change in percent, when `previous` is unknown.
    #[serde(default)]
    pub change: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub rank: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A numbered part of the body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub highlights: Vec<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub subsections: Vec<Subsection>,
}

/// A part of a section, numbered （一）（二）….
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subsection {
    pub title: String,
    #[serde(default)]
    pub highlights: Vec<String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// One entry after the body: a table or text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendixEntry {
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub table: Option<TableSpec>,
    #[serde(default)]
    pub body: Option<String>,
}

/// The three kinds of appendix table.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TableSpec {
    Metrics { metrics: MetricSelection },
    Inline { columns: Vec<String>, rows: Vec<Vec<Cell>> },
    Csv { csv: String },
}

/// Which metrics a metrics table shows.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MetricSelection {
    /// `all`
    All(String),
    List(Vec<String>),
    Group {
        group: String,
    },
}

/// An inline table cell: text, or a bare number or boolean YAML gave us.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Empty(()),
}
