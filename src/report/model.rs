//! The report as written: plain serde types mirroring `report.yaml` and
//! `metrics.yaml` (see `../shared/spec/report-format.md`). Nothing here knows
//! about typst; resolving references happens in `load.rs`.

use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

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
#[derive(Debug)]
pub enum MetricsSource {
    File(String),
    Inline(MetricMap),
}

/// Metrics by id, in written order; an id given twice is an error (a plain
/// map would keep the last silently).
#[derive(Debug, Clone, Default)]
pub struct MetricMap(pub IndexMap<String, Metric>);

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

/// An appendix table: one of `metrics`, `columns` with `rows`, or `csv`
/// (which one is checked in `load.rs`, with a message naming the entry).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    #[serde(default)]
    pub metrics: Option<MetricSelection>,
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    #[serde(default)]
    pub rows: Option<Vec<Vec<Cell>>>,
    #[serde(default)]
    pub csv: Option<String>,
}

/// Which metrics a metrics table shows.
#[derive(Debug)]
pub enum MetricSelection {
    /// `all` (or any other word, refused when the table is made).
    All(String),
    List(Vec<String>),
    Group(String),
}

/// An inline table cell: text, or a bare number or boolean YAML gave us.
#[derive(Debug)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Empty,
}

// Hand-written deserializers for the forms that take several shapes: serde's
// `untagged` would answer any mistake inside with "did not match any
// variant", losing the place and the reason.

impl<'de> Deserialize<'de> for MetricsSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetricsSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a file name (`metrics: metrics.yaml`) or metrics written here, one per id")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MetricsSource::File(v.into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                MetricMap::deserialize(de::value::MapAccessDeserializer::new(map)).map(MetricsSource::Inline)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for MetricMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetricMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("metrics, one per id (`id: {label: …, value: …}`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = IndexMap::new();
                while let Some(id) = map.next_key::<String>()? {
                    let metric: Metric = map.next_value()?;
                    if out.insert(id.clone(), metric).is_some() {
                        return Err(de::Error::custom(format!("duplicate metric id `{id}`")));
                    }
                }
                Ok(MetricMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for MetricSelection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetricSelection;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`all`, a list of metric ids, or `{group: 名称}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MetricSelection::All(v.into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(MetricSelection::List)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Group {
                    group: String,
                }
                let g = Group::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(MetricSelection::Group(g.group))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table cell: text or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cell::Text(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Cell::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Cell::Number(v as f64))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Cell::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Cell::Empty)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Cell::Empty)
            }
        }
        d.deserialize_any(V)
    }
}
