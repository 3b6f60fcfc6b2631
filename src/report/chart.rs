//! Charts of metrics: `chart: {metrics: [...], kind: bar}` resolved into
//! what a template draws (bars, a pie's slices, lines over the years), with
//! every figure in words as the text alternative for PDF/UA.

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
    /// `line`: the years along the axis, oldest first.
    pub years: Vec<i32>,
    /// `line`: one line a metric, a point a year (none where not known).
    pub series: Vec<Series>,
}

/// A metric over the years.
#[derive(Debug, Serialize)]
pub struct Series {
    pub label: String,
    pub points: Vec<Option<f64>>,
    pub texts: Vec<Option<String>>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// As the report prints it, without the unit.
    pub value_text: String,
    pub previous: Option<f64>,
    pub previous_text: Option<String>,
    /// `pie`: the bar's share of the whole (0–1) and as printed, `45.2%`.
    pub share: f64,
    pub share_text: String,
    /// `pie`: the slice's outline on a circle of radius 1 about (0, 0),
    /// clockwise from the top, y downwards: points to join.
    pub slice: Vec<[f64; 2]>,
}

/// The chart `spec` asks for; `year` is the one the figures are for (a
/// line chart needs it).
pub fn of_metrics(metrics: &Metrics, spec: &ChartSpec, year: Option<i32>) -> Result<Chart, TextError> {
    let (ids, _) = metrics.select(&spec.metrics)?;
    let mut bars = Vec::new();
    let mut unit: Option<&str> = None;
    for &id in &ids {
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
        let negative = m.value < 0.0 || m.previous.is_some_and(|p| p < 0.0);
        if negative && spec.kind != ChartKind::Line {
            let hint = if spec.kind == ChartKind::Pie {
                "a pie shows the shares of a whole, whose parts are all above zero: use a bar chart"
            } else {
                "bar charts draw figures of zero or more: use a line chart"
            };
            return Err(chart_error(id, format!("metric `{id}` is negative"), hint));
        }
        if spec.kind == ChartKind::Pie && m.value == 0.0 {
            return Err(chart_error(
                id,
                format!("metric `{id}` is zero"),
                "a pie's parts are all above zero: leave it out",
            ));
        }
        bars.push(Bar {
            label: m.label.clone(),
            value: m.value,
            value_text: metrics.number(m, m.value),
            previous: m.previous,
            previous_text: m.previous.map(|p| metrics.number(m, p)),
            share: 0.0,
            share_text: String::new(),
            slice: Vec::new(),
        });
    }
    let unit = unit.unwrap_or("").to_string();
    let max = bars.iter().flat_map(|b| [Some(b.value), b.previous]).flatten().fold(0.0, f64::max);
    let (years, series) = match spec.kind {
        ChartKind::Line => lines(metrics, &ids, year)?,
        _ => (Vec::new(), Vec::new()),
    };
    if spec.kind == ChartKind::Pie {
        slices(&mut bars);
    }
    let max = series.iter().flat_map(|s| s.points.iter().flatten().copied()).fold(max, f64::max);
    let mut chart =
        Chart { kind: spec.kind, title: spec.title.clone(), unit, bars, max, alt: String::new(), years, series };
    chart.alt = alt_text(&chart);
    Ok(chart)
}

/// The years of a line chart (every year any of the metrics knows, up to
/// `year`) and each metric's line.
fn lines(metrics: &Metrics, ids: &[&str], year: Option<i32>) -> Result<(Vec<i32>, Vec<Series>), TextError> {
    let year = year.ok_or_else(|| {
        chart_error(
            ids.first().copied().unwrap_or(""),
            "a line chart needs the year the figures are for".into(),
            "add `year: 2021` to report.yaml (or name the year in the title, as in 2021年工作总结)",
        )
    })?;
    let known: Vec<std::collections::BTreeMap<i32, f64>> = ids
        .iter()
        .filter_map(|id| metrics.get(id))
        .map(|m| {
            let mut by_year = std::collections::BTreeMap::new();
            let back = m.previous.into_iter().chain(m.earlier.iter().copied());
            for (k, v) in back.enumerate() {
                by_year.insert(year - 1 - k as i32, v);
            }
            by_year.extend(m.history.iter().map(|(y, v)| (*y, *v)));
            by_year.insert(year, m.value);
            by_year
        })
        .collect();
    let years: Vec<i32> =
        known.iter().flat_map(|k| k.keys().copied()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    if years.len() < 2 {
        return Err(chart_error(
            ids.first().copied().unwrap_or(""),
            "a line chart needs figures of two years or more, but only this year's are known".into(),
            "give the metrics `previous:` or `history: {2019: 120, 2020: 280}`, or `previous_report:`",
        ));
    }
    let series = ids
        .iter()
        .zip(&known)
        .filter_map(|(id, by_year)| {
            let m = metrics.get(id)?;
            let points: Vec<Option<f64>> = years.iter().map(|y| by_year.get(y).copied()).collect();
            let texts = points.iter().map(|p| p.map(|v| metrics.number(m, v))).collect();
            Some(Series { label: m.label.clone(), points, texts })
        })
        .collect();
    Ok((years, series))
}

/// Each bar's share of the whole, and its slice of the pie.
fn slices(bars: &mut [Bar]) {
    let total: f64 = bars.iter().map(|b| b.value).sum();
    let mut start = 0.0;
    for b in bars.iter_mut() {
        b.share = b.value / total;
        b.share_text = format!("{}%", crate::report::number::format(b.share * 100.0, Some(1), false));
        let end = start + b.share;
        // A point every 2 degrees at most keeps the edge smooth in print.
        let steps = ((end - start) * 180.0).ceil().max(1.0) as usize;
        let at = |t: f64| {
            let angle = t * std::f64::consts::TAU;
            [round(angle.sin()), round(-angle.cos())]
        };
        b.slice = std::iter::once([0.0, 0.0])
            .chain((0..=steps).map(|i| at(start + (end - start) * i as f64 / steps as f64)))
            .collect();
        start = end;
    }
}

/// Four decimals: the JSON stays short and the same on every machine.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

/// The chart in words: `柱状图“走访”：走访慰问企业，本年336家次，上年280家次；……`,
/// a pie's shares, a line's every year.
fn alt_text(c: &Chart) -> String {
    let unit = &c.unit;
    let items: Vec<String> = match c.kind {
        ChartKind::Line => c
            .series
            .iter()
            .map(|s| {
                let points =
                    c.years.iter().zip(&s.texts).filter_map(|(y, t)| Some(format!("{y}年{}{unit}", t.as_ref()?)));
                format!("{}，{}", s.label, points.collect::<Vec<_>>().join("，"))
            })
            .collect(),
        ChartKind::Pie => {
            c.bars.iter().map(|b| format!("{}，{}{unit}，占{}", b.label, b.value_text, b.share_text)).collect()
        }
        _ => c
            .bars
            .iter()
            .map(|b| match &b.previous_text {
                Some(p) => format!("{}，本年{}{unit}，上年{p}{unit}", b.label, b.value_text),
                None => format!("{}，{}{unit}", b.label, b.value_text),
            })
            .collect(),
    };
    // The (horizontal) bar chart has always been read out as 柱状图, and
    // its PDFs keep their bytes.
    let kind = match c.kind {
        ChartKind::Bar => "柱状图",
        ChartKind::Column => "柱形图",
        ChartKind::Line => "折线图",
        ChartKind::Pie => "饼图",
    };
    format!("{kind}{}：{}。", c.title.as_deref().map(|t| format!("“{t}”")).unwrap_or_default(), items.join("；"))
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

    fn with_kind(kind: ChartKind, ids: &[&str]) -> ChartSpec {
        ChartSpec { kind, ..spec(ids) }
    }

    #[test]
    fn bars_with_previous_and_words_for_them() {
        let m = metrics(
            "a: {label: 企业, value: 336, previous: 280, unit: 家次}\nb: {label: 商户, value: 120, unit: 家次}",
        );
        let chart = of_metrics(&m, &spec(&["a", "b"]), None).unwrap();
        assert_eq!(chart.max, 336.0);
        assert_eq!(chart.unit, "家次");
        assert_eq!(chart.alt, "柱状图“走访”：企业，本年336家次，上年280家次；商户，120家次。");
    }

    #[test]
    fn refuses_mixed_units() {
        let m = metrics("a: {label: 企业, value: 3, unit: 家}\nb: {label: 资金, value: 5, unit: 万元}");
        let err = of_metrics(&m, &spec(&["a", "b"]), None).unwrap_err();
        assert!(err.message.contains("`万元`") && err.message.contains("`家`"), "{}", err.message);
        assert_eq!(err.snippet, "b");
    }

    #[test]
    fn a_line_over_the_years_and_a_pie_of_shares() {
        let m = metrics("a: {label: 企业, value: 336, previous: 280, history: {2018: 100}, unit: 家次}");
        let line = of_metrics(&m, &with_kind(ChartKind::Line, &["a"]), Some(2021)).unwrap();
        assert_eq!(line.years, [2018, 2020, 2021]);
        assert_eq!(line.series[0].points, [Some(100.0), Some(280.0), Some(336.0)]);
        assert_eq!(line.alt, "折线图“走访”：企业，2018年100家次，2020年280家次，2021年336家次。");
        assert!(of_metrics(&m, &with_kind(ChartKind::Line, &["a"]), None).is_err());

        let m = metrics("a: {label: 甲, value: 3, unit: 亿元}\nb: {label: 乙, value: 1, unit: 亿元}");
        let pie = of_metrics(&m, &with_kind(ChartKind::Pie, &["a", "b"]), None).unwrap();
        assert_eq!(pie.bars[0].share_text, "75.0%");
        assert_eq!(pie.bars[1].slice.last(), Some(&[0.0, -1.0]));
        let m = metrics("a: {label: 甲, value: 3, unit: 亿元}\nb: {label: 乙, value: -1, unit: 亿元}");
        let err = of_metrics(&m, &with_kind(ChartKind::Pie, &["a", "b"]), None).unwrap_err();
        assert!(err.message.contains("negative") && err.snippet == "b");
    }
}
