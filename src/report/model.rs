//! The report as written: plain serde types mirroring `report.yaml` and
//! `metrics.yaml` (see `../shared/spec/report-format.md`). Nothing here knows
//! about typst; resolving references happens in `load.rs`.

use std::fmt;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;

use super::body::Body;
pub use super::specs::{Cell, ChartKind, ChartSpec, MetricSelection, TableSpec};

/// `report.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The title, e.g. 2021年工作总结; also the PDF's title.
    pub title: String,
    /// Shown under the title.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// The issuing body, e.g. 番禺区人民政府市桥街道办事处; also the PDF's author.
    #[serde(default)]
    pub author: Option<String>,
    /// YYYY-MM-DD: shown on the cover, and the PDF's creation date.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{1,2}-\d{1,2}$"))]
    pub date: Option<String>,
    /// BCP 47 language tag of the text (default zh-CN).
    #[serde(default)]
    pub language: Option<String>,
    /// Keywords for the PDF's metadata.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `report` (default), `gongwen` (GB/T 9704 official document), `briefing`
    /// (简报), or the path of a .typ file in the report folder.
    #[serde(default)]
    pub template: Option<String>,
    /// gongwen: the document number (发文字号), e.g. 番市街〔2022〕1号.
    #[serde(default)]
    pub doc_number: Option<String>,
    /// gongwen: the red issuing-authority mark (发文机关标志), e.g. 市桥街道办事处文件;
    /// briefing: the masthead's name, e.g. 市桥街道工作简报.
    #[serde(default)]
    pub issuer_mark: Option<String>,
    /// gongwen: the main addressee (主送机关), e.g. 番禺区人民政府.
    #[serde(default)]
    pub addressee: Option<String>,
    /// gongwen: copies to (抄送), as printed, e.g. 区委办公室，区人大常委会办公室.
    #[serde(default)]
    pub cc: Option<String>,
    /// gongwen: the office that prints the document (印发机关).
    #[serde(default)]
    pub printed_by: Option<String>,
    /// gongwen: the printing date (印发日期), YYYY-MM-DD.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{1,2}-\d{1,2}$"))]
    pub printed_date: Option<String>,
    /// briefing: the issue, e.g. 第12期.
    #[serde(default)]
    pub issue: Option<String>,
    /// gongwen: the copy number (份号), 1 to 6 digits, printed as 6 (000123).
    #[serde(default, deserialize_with = "digits")]
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{1,6}$"))]
    pub copy_number: Option<String>,
    /// gongwen: the security classification (密级).
    #[serde(default)]
    pub secrecy: Option<Secrecy>,
    /// gongwen: how long it stays classified (保密期限), e.g. 1年, printed 秘密★1年.
    #[serde(default)]
    pub secrecy_period: Option<String>,
    /// gongwen: the urgency (紧急程度).
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// gongwen: who signed it for issue (签发人), a name or a list of names;
    /// a 上行文 (`direction: up`, a 请示 or 报告) needs one.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "Vec<String>")]
    pub signers: Vec<String>,
    /// gongwen: to a higher authority (`up`: 上行文), a lower one (`down`) or
    /// an equal (`level`); default: `up` for a 请示 or 报告 (the title's last words).
    #[serde(default)]
    pub direction: Option<Direction>,
    /// gongwen: the note under the date (附注), e.g. 此件公开发布, printed in
    /// parentheses; a 请示's contact and telephone go here.
    #[serde(default)]
    pub note: Option<String>,
    /// gongwen: the document will be sealed (in the issuer's seal system):
    /// its name and date leave the seal's place (GB/T 9704 7.3.5.1).
    #[serde(default)]
    pub seal: bool,
    /// What the archive knows of the document (DA/T 46-2009): kept in the
    /// PDF's and OFD's metadata, never printed.
    #[serde(default)]
    pub archive: Option<Archive>,
    /// The web page's template (`--format html`): a minijinja file in the
    /// report folder, e.g. `report.html.j2` as `baogao init --eject` writes it.
    #[serde(default)]
    pub html_template: Option<String>,
    /// Page size (default a4).
    #[serde(default)]
    pub paper: Option<Paper>,
    /// PDF standards to meet, e.g. `a-2a,ua-1` (the default), `a-3b`, or `none`.
    #[serde(default)]
    pub standard: Option<String>,
    /// Attach report.yaml, metrics and tables to the PDF (always under PDF/A-3 and PDF/A-4f).
    #[serde(default)]
    pub attach_sources: bool,
    /// Double-sided printing: mirrored margins and page numbers, each part on a right-hand page.
    #[serde(default)]
    pub duplex: bool,
    /// A metrics file (.yaml, .csv, .xlsx, .xls, .ods), or the metrics themselves (default: metrics.yaml if present).
    #[serde(default)]
    pub metrics: Option<MetricsSource>,
    /// Last year's report folder (or its metrics file), e.g. `../shiqiao-2020`:
    /// fills each metric's `previous` by id.
    #[serde(default)]
    pub previous_report: Option<String>,
    /// Print numbers with thousands separators (39,676.7).
    #[serde(default)]
    pub number_grouping: bool,
    /// A logo (a file of the report folder): on the cover of `report`, the
    /// masthead of `briefing`; `gongwen` has none (GB/T 9704).
    #[serde(default)]
    pub logo: Option<String>,
    /// How many heading levels the contents list (1–4, default 2).
    #[serde(default)]
    #[schemars(range(min = 1, max = 4))]
    pub contents_depth: Option<u8>,
    /// Photos are resampled to at most this many pixels per inch at the size
    /// they are printed (default 300; `--image-dpi` overrides).
    #[serde(default)]
    #[schemars(range(min = 72, max = 1200))]
    pub image_dpi: Option<u32>,
    /// The year the figures are for, which line charts put the metrics'
    /// `value` at (default: the year in the title, e.g. 2021年工作总结, else
    /// the date's).
    #[serde(default)]
    pub year: Option<i32>,
    /// Lead paragraphs before the first section: text, or texts and blocks.
    #[serde(default)]
    pub summary: Body,
    /// The body, numbered 一、二、… by the template.
    pub sections: Vec<Section>,
    /// Tables and texts after the body (附表1, 附表2 …).
    #[serde(default)]
    pub appendix: Vec<AppendixEntry>,
}

/// 密级 (GB/T 9704-2012 7.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Secrecy {
    #[serde(rename = "绝密")]
    TopSecret,
    #[serde(rename = "机密")]
    Secret,
    #[serde(rename = "秘密")]
    Confidential,
}

impl Secrecy {
    pub fn text(self) -> &'static str {
        match self {
            Secrecy::TopSecret => "绝密",
            Secrecy::Secret => "机密",
            Secrecy::Confidential => "秘密",
        }
    }
}

/// 紧急程度 (GB/T 9704-2012 7.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Urgency {
    #[serde(rename = "特急")]
    Extra,
    #[serde(rename = "加急")]
    Urgent,
}

impl Urgency {
    pub fn text(self) -> &'static str {
        match self {
            Urgency::Extra => "特急",
            Urgency::Urgent => "加急",
        }
    }
}

/// 行文方向: to whom the document goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Level,
}

/// The archive's own data (DA/T 46-2009); baogao never makes these up.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    /// 全宗号, e.g. J001.
    #[serde(default)]
    pub fonds: Option<String>,
    /// 档号, e.g. J001-WS·2022-Y-0001.
    #[serde(default)]
    pub code: Option<String>,
    /// 保管期限, e.g. 永久, 定期30年, 定期10年.
    #[serde(default)]
    pub retention: Option<String>,
}

/// Page sizes a report may ask for.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is counted, e.g. 走访慰问企业.
    pub label: String,
    /// The figure, a plain number.
    pub value: f64,
    /// e.g. 家次, 万元, %.
    #[serde(default)]
    pub unit: Option<String>,
    /// Last year's value in the same unit; the change is computed from it.
    #[serde(default)]
    pub previous: Option<f64>,
    /// Change in percent, when `previous` is unknown.
    #[serde(default)]
    pub change: Option<f64>,
    /// Target value in the same unit.
    #[serde(default)]
    pub target: Option<f64>,
    /// e.g. 全区第二.
    #[serde(default)]
    pub rank: Option<String>,
    /// Groups the `metrics: all` table, e.g. 经济发展.
    #[serde(default)]
    pub group: Option<String>,
    /// Digits printed after the point.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// Values of earlier years in the same unit, e.g. `{2019: 120, 2020: 280}`,
    /// for line charts (last year's report fills in what it knows).
    #[serde(default)]
    pub history: BTreeMap<i32, f64>,
    /// The values of the years before last (the nearest first), from the
    /// chain of `previous_report:`s; never written, always filled in.
    #[serde(skip)]
    #[schemars(skip)]
    pub earlier: Vec<f64>,
    /// Shown in metric tables.
    #[serde(default)]
    pub note: Option<String>,
}

/// A numbered part of the body: a section (一、二、…) or, within one, a
/// subsection (（一）（二）…), and two levels more (1. and （1）); title,
/// callouts, text, its own parts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub highlights: Vec<String>,
    /// Text, or a list of texts and blocks (photos, tables, charts, lists).
    #[serde(default)]
    pub body: Body,
    /// The parts one level down, numbered （一）, then 1., then （1）; four levels in all.
    #[serde(default)]
    pub subsections: Vec<Section>,
    /// Levels 3 and 4: the numbered title in bold at the start of the text's
    /// first paragraph (1.强化人员摸排。密切关注……).
    #[serde(default)]
    pub run_in: bool,
    /// A bar chart of metrics, after the text.
    #[serde(default)]
    pub chart: Option<ChartSpec>,
}

/// One entry after the body: a table or text.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppendixEntry {
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub table: Option<TableSpec>,
    #[serde(default)]
    pub body: Body,
    /// A bar chart of metrics (with a table or text, or alone).
    #[serde(default)]
    pub chart: Option<ChartSpec>,
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

/// 份号: digits, written as a number (`copy_number: 12`) or as text
/// (`"000012"`, which keeps its zeros).
fn digits<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a copy number of 1 to 6 digits, e.g. `copy_number: 000012`")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.visit_str(&v.to_string())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if (1..=6).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Some(format!("{v:0>6}")))
            } else {
                Err(E::custom(format!("`{v}` is not a copy number: GB/T 9704 gives it 1 to 6 digits")))
            }
        }
    }
    d.deserialize_any(V)
}

/// A name, or a list of names.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a name or a list of names")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.into()])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(V)
}
