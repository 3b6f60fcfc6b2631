//! The metrics of a report: one source for every number, printed the same
//! way in text, callouts and tables.

use std::cell::RefCell;

use indexmap::IndexMap;
use serde::Serialize;

use super::model::{Metric, MetricSelection};
use super::number;
use super::problem::{Problem, SourceText, closest};
use super::text::{Resolver, TextError};

/// All metrics, in the order they were written.
pub struct Metrics {
    map: IndexMap<String, Metric>,
    grouping: bool,
    /// What [`Metrics::traced`] is noting, while it runs.
    trace: RefCell<Option<Trace>>,
}

/// The metrics looked up: by id, or all of them (a `metrics: all` or
/// group selection reads every metric).
#[derive(Default)]
struct Trace {
    ids: Vec<String>,
    all: bool,
}

/// The metrics something read, by id, as they were then (`None`: no such
/// metric); see [`Metrics::traced`].
pub type Reads = Vec<(String, Option<Metric>)>;

/// A metric as a callout box shows it.
#[derive(Debug, Serialize)]
pub struct Callout {
    pub label: String,
    pub value: String,
    pub unit: String,
    /// `+17.5%`, when known.
    pub change: Option<String>,
    /// `up`, `down` or `flat`, with `change`.
    pub trend: Option<&'static str>,
    pub rank: Option<String>,
}

/// The fields `{{id.field}}` may name.
const FIELDS: [&str; 8] = ["value", "unit", "label", "previous", "change", "growth", "rank", "target"];

impl Metrics {
    pub fn new(map: IndexMap<String, Metric>, grouping: bool) -> Self {
        Self { map, grouping, trace: RefCell::new(None) }
    }

    /// `f`'s result, and the metrics it read; `None` for the latter if it
    /// read all of them. Everything that reads a metric goes through `get`
    /// or `iter`, so what `f` makes of the metrics is the same whenever
    /// [`Metrics::unchanged`] holds for its reads (the number grouping
    /// aside, which is the report's).
    pub fn traced<T>(&self, f: impl FnOnce() -> T) -> (T, Option<Reads>) {
        let outer = self.trace.replace(Some(Trace::default()));
        let result = f();
        let trace = self.trace.replace(outer).expect("set above, and put back by any inner call");
        if trace.all {
            return (result, None);
        }
        let mut ids = trace.ids;
        ids.sort_unstable();
        ids.dedup();
        let reads = ids.into_iter().map(|id| {
            let metric = self.map.get(&id).cloned();
            (id, metric)
        });
        (result, Some(reads.collect()))
    }

    /// Whether every metric of `reads` is as it was then.
    pub fn unchanged(&self, reads: &Reads) -> bool {
        reads.iter().all(|(id, was)| self.map.get(id) == was.as_ref())
    }

    fn note(&self, f: impl FnOnce(&mut Trace)) {
        if let Some(trace) = self.trace.borrow_mut().as_mut() {
            f(trace);
        }
    }

    /// Ids as written, their characters, and `previous` against `change`.
    pub fn check(&self, src: &SourceText) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (id, m) in &self.map {
            let at = |message: String| Problem::new(src.file, src.find_key(id), message);
            if id.is_empty() || !id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                problems.push(
                    at(format!("metric id `{id}` may hold only letters, digits, `_` and `-`"))
                        .hint("rename it, e.g. `enterprise_visits` or `走访企业`"),
                );
            }
            if let (Some(prev), Some(given)) = (m.previous, m.change)
                && let Some(computed) = number::change_between(prev, m.value)
                && (computed - given).abs() > 0.05 + 1e-9
            {
                problems.push(at(format!(
                    "metric `{id}`: `change: {given}` disagrees with `previous: {prev}` and `value: {}`, which give {computed}",
                    m.value
                ))
                .hint("remove `change` (it is computed from `previous`) or correct one of the figures"));
            }
            if !m.value.is_finite() {
                problems.push(at(format!("metric `{id}`: value must be a finite number")));
            }
        }
        problems
    }

    pub fn get(&self, id: &str) -> Option<&Metric> {
        self.note(|t| t.ids.push(id.to_string()));
        self.map.get(id)
    }

    /// Every metric id with its metric, in written order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Metric)> {
        self.note(|t| t.all = true);
        self.map.iter()
    }

    /// The callout box of `id`, or an error naming the closest id.
    pub fn callout(&self, id: &str) -> Result<Callout, TextError> {
        let m = self.get(id).ok_or_else(|| self.unknown(id))?;
        let change = self.change(m);
        Ok(Callout {
            label: m.label.clone(),
            value: self.number(m, m.value),
            unit: m.unit.clone().unwrap_or_default(),
            change: change.map(number::format_change),
            trend: change.map(|c| match c.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => "up",
                Some(std::cmp::Ordering::Less) => "down",
                _ => "flat",
            }),
            rank: m.rank.clone(),
        })
    }

    /// `change` as given, or computed from `previous`.
    pub fn change(&self, m: &Metric) -> Option<f64> {
        m.change.or_else(|| number::change_between(m.previous?, m.value))
    }

    /// A figure of `m` (value, previous, target) printed by the report's rules.
    pub fn number(&self, m: &Metric, value: f64) -> String {
        number::format(value, m.decimals, self.grouping)
    }

    /// A figure with the metric's unit: `336家次`.
    pub fn with_unit(&self, m: &Metric, value: f64) -> String {
        format!("{}{}", self.number(m, value), m.unit.as_deref().unwrap_or(""))
    }

    /// The ids `selection` names, in written order, and whether it was
    /// `all` (a table of all metrics is grouped by `group`).
    pub fn select<'a>(&'a self, selection: &'a MetricSelection) -> Result<(Vec<&'a str>, bool), TextError> {
        Ok(match selection {
            MetricSelection::All(word) if word == "all" => (self.iter().map(|(id, _)| id.as_str()).collect(), true),
            MetricSelection::All(word) => {
                return Err(TextError {
                    message: format!("`metrics: {word}` is not a selection"),
                    hints: vec!["write `metrics: all`, a list of ids, or `metrics: {group: 名称}`".into()],
                    snippet: word.clone(),
                });
            }
            MetricSelection::List(ids) => (ids.iter().map(String::as_str).collect(), false),
            MetricSelection::Group(group) => {
                let ids: Vec<&str> = self
                    .iter()
                    .filter(|(_, m)| m.group.as_deref() == Some(group.as_str()))
                    .map(|(id, _)| id.as_str())
                    .collect();
                if ids.is_empty() {
                    return Err(TextError {
                        message: format!("no metric has `group: {group}`"),
                        hints: vec!["check the group's name against metrics.yaml".into()],
                        snippet: group.clone(),
                    });
                }
                (ids, false)
            }
        })
    }

    /// The error for an id no metric has, naming the closest one.
    pub fn unknown(&self, id: &str) -> TextError {
        // The closest id is chosen among all of them.
        self.note(|t| t.all = true);
        let mut hints = Vec::new();
        if let Some(near) = closest(id, self.map.keys().map(String::as_str)) {
            hints.push(format!("did you mean `{near}`?"));
        } else {
            hints.push("define it in metrics.yaml (or under `metrics:` in report.yaml)".into());
        }
        TextError { message: format!("unknown metric `{id}`"), hints, snippet: id.into() }
    }
}

impl Resolver for Metrics {
    fn resolve(&self, id: &str, field: Option<&str>) -> Result<String, TextError> {
        let m = self.get(id).ok_or_else(|| self.unknown(id))?;
        let missing = |what: &str| TextError {
            message: format!("metric `{id}` has no `{what}`"),
            hints: vec![format!("add `{what}:` to metric `{id}`, or print another field")],
            snippet: String::new(),
        };
        Ok(match field {
            None => self.with_unit(m, m.value),
            Some("value") => self.number(m, m.value),
            Some("unit") => m.unit.clone().ok_or_else(|| missing("unit"))?,
            Some("label") => m.label.clone(),
            Some("previous") => self.with_unit(m, m.previous.ok_or_else(|| missing("previous"))?),
            Some("change") => number::format_change(self.change(m).ok_or_else(|| missing("previous` or `change"))?),
            Some("growth") => number::format_growth(self.change(m).ok_or_else(|| missing("previous` or `change"))?),
            Some("rank") => m.rank.clone().ok_or_else(|| missing("rank"))?,
            Some("target") => self.with_unit(m, m.target.ok_or_else(|| missing("target"))?),
            Some(other) => {
                let mut hint = format!("a reference names one of: {}", FIELDS.join(", "));
                if let Some(near) = closest(other, FIELDS) {
                    hint = format!("did you mean `{id}.{near}`?");
                }
                return Err(TextError {
                    message: format!("metric `{id}` has no field `{other}`"),
                    hints: vec![hint],
                    snippet: String::new(),
                });
            }
        })
    }
}
