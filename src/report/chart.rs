//! Charts of metrics: `chart: {metrics: [...], kind: bar}` resolved into the
//! bars a template draws, with a text alternative for PDF/UA.

use serde::Serialize;

use super::metrics::Metrics;
use super::model::{ChartKind, ChartSpec};
use super::text::TextError;

/// A chart as the template draws it.
#[derive(Debug, Serialize)]
pub struct Chart {
    /// `bar`: one horizontal bar a metric.
    pub kind: ChartKind,
    pub title: Option<String>,
    /// The unit all bars share (may be empty).
    pub unit: String,
    pub bars: Vec<Bar>,
    /// The largest figure drawn: the scale's end.
    pub max: f64,
    /// What the chart shows, in words: read out in place of the drawing.
    pub alt: String,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// As the report prints it, without the unit.
    pub value_text: String,
    pub previous: Option<f64>,
    pub previous_text: Option<String>,
}

/// The chart `spec` asks for.
pub fn of_metrics(metrics: &Metrics, spec: &ChartSpec) -> Result<Chart, TextError> {
    let (ids, _) = metrics.select(&spec.metrics)?;
    let mut bars = Vec::new();
    let mut unit: Option<&str> = None;
    for id in ids {
        let m = metrics.get(id).ok_or_else(|| metrics.unknown(id))?;
        let this = m.unit.as_deref().unwrap_or("");
        if let Some(first) = unit.filter(|u| *u != this) {
            return Err(chart_error(
                id,
                format!("metric `{id}` is in {}, the chart's other bars in {}", shown(this), shown(first)),
                "a chart compares figures of one unit: chart the others separately",
            ));
        }
        unit = Some(this);
        if m.value < 0.0 || m.previous.is_some_and(|p| p < 0.0) {
            return Err(chart_error(
                id,
                format!("metric `{id}` is negative"),
                "bar charts draw figures of zero or more",
            ));
        }
        bars.push(Bar {
            label: m.label.clone(),
            value: m.value,
            value_text: metrics.number(m, m.value),
            previous: m.previous,
            previous_text: m.previous.map(|p| metrics.number(m, p)),
        });
    }
    let unit = unit.unwrap_or("").to_string();
    let max = bars.iter().flat_map(|b| [Some(b.value), b.previous]).flatten().fold(0.0, f64::max);
    let alt = alt_text(spec.title.as_deref(), &unit, &bars);
    Ok(Chart { kind: spec.kind, title: spec.title.clone(), unit, bars, max, alt })
}

/// `柱状图：走访慰问企业，本年336家次，上年280家次；……`
fn alt_text(title: Option<&str>, unit: &str, bars: &[Bar]) -> String {
    let items: Vec<String> = bars
        .iter()
        .map(|b| match &b.previous_text {
            Some(p) => format!("{}，本年{}{unit}，上年{p}{unit}", b.label, b.value_text),
            None => format!("{}，{}{unit}", b.label, b.value_text),
        })
        .collect();
    format!("柱状图{}：{}。", title.map(|t| format!("“{t}”")).unwrap_or_default(), items.join("；"))
}

fn shown(unit: &str) -> String {
    if unit.is_empty() { "no unit".into() } else { format!("`{unit}`") }
}

fn chart_error(id: &str, message: String, hint: &str) -> TextError {
    TextError { message, hints: vec![hint.into()], snippet: id.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::MetricSelection;

    fn metrics(yaml: &str) -> Metrics {
        Metrics::new(serde_yaml::from_str(yaml).unwrap(), false)
    }

    fn spec(ids: &[&str]) -> ChartSpec {
        let list = MetricSelection::List(ids.iter().map(|s| s.to_string()).collect());
        ChartSpec { metrics: list, kind: ChartKind::Bar, title: Some("走访".into()) }
    }

    #[test]
    fn bars_with_previous_and_words_for_them() {
        let m = metrics(
            "a: {label: 企业, value: 336, previous: 280, unit: 家次}\nb: {label: 商户, value: 120, unit: 家次}",
        );
        let chart = of_metrics(&m, &spec(&["a", "b"])).unwrap();
        assert_eq!(chart.max, 336.0);
        assert_eq!(chart.unit, "家次");
        assert_eq!(chart.alt, "柱状图“走访”：企业，本年336家次，上年280家次；商户，120家次。");
    }

    #[test]
    fn refuses_mixed_units() {
        let m = metrics("a: {label: 企业, value: 3, unit: 家}\nb: {label: 资金, value: 5, unit: 万元}");
        let err = of_metrics(&m, &spec(&["a", "b"])).unwrap_err();
        assert!(err.message.contains("`万元`") && err.message.contains("`家`"), "{}", err.message);
        assert_eq!(err.snippet, "b");
    }
}
