//! What tables and charts are made of, as written: `table:` and `chart:`
//! (in the appendix and in a body's blocks) and the metrics they select.
//! Plain serde types, like the rest of `model`.

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

// The selection and the cell take several shapes and are read by hand:
// serde's `untagged` would answer any mistake inside with "did not match
// any variant", losing the place and the reason.

/// `chart: {metrics: [...], kind: bar}`: this year's values as bars, with
/// last year's beside them where known.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// `all`, a list of metric ids, or `{group: 名称}`; the metrics share a unit.
    pub metrics: MetricSelection,
    /// `bar` (horizontal bars, the default), `column` (vertical bars), `line`
    /// (each metric over the years of its `history`) or `pie` (shares of a whole).
    #[serde(default)]
    pub kind: ChartKind,
    /// A caption above the chart.
    #[serde(default)]
    pub title: Option<String>,
}

/// The kinds of chart baogao draws.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    #[default]
    Bar,
    Column,
    Line,
    Pie,
}

/// A table: `metrics` (all, a list of ids, or {group}), or `columns` with
/// `rows`, or `csv` (a file in the report folder).
#[derive(Debug, Deserialize, JsonSchema)]
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
