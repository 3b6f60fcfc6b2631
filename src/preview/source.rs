//! Click to source: where a piece of the page's text comes from. A figure
//! (a callout's number, a table's value) is a metric: its line in the
//! metrics file. Words are found in report.yaml, then among the metrics'
//! labels, then in the report's CSV tables (by row).

use serde::Serialize;

use crate::report::metrics::Metrics;
use crate::report::metrics_file::read_metrics_file;
use crate::report::model::{MetricsSource, Report};
use crate::report::source::{Kind, METRICS_FILE, REPORT_FILE, read_text};
use crate::report::{Folder, yaml};

/// A place in one of the report's files.
#[derive(Debug, Serialize, PartialEq)]
pub struct Location {
    pub file: String,
    /// 1-based; for a CSV table, its row.
    pub line: usize,
    /// What is there: a metric's id, or the words found.
    pub what: String,
}

/// Where `text` comes from; `context`, the runs before it on the page
/// (a callout's label before its number), tells metrics of the same
/// figure apart.
pub fn locate(folder: &Folder, sources: &[String], text: &str, context: &[String]) -> Option<Location> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let report = read_text(folder, REPORT_FILE).ok()?;
    let parsed = yaml::parse::<Report>(REPORT_FILE, &report).ok();
    if looks_like_a_figure(text)
        && let Some(found) = metric(folder, parsed.as_ref(), &report, text, context)
    {
        return Some(found);
    }
    let words = longest_words(text)?;
    if let Some(line) = line_of(&report, &words) {
        return Some(Location { file: REPORT_FILE.into(), line, what: words });
    }
    let metrics_file = metrics_file(parsed.as_ref());
    if let Some(line) =
        metrics_file.as_deref().and_then(|f| read_text(folder, f).ok()).and_then(|t| line_of(&t, &words))
    {
        return Some(Location { file: metrics_file?, line, what: words });
    }
    sources.iter().filter(|s| Kind::of(s) == Kind::Csv).find_map(|csv| {
        let text = read_text(folder, csv).ok()?;
        Some(Location { file: csv.clone(), line: line_of(&text, &words)?, what: words.clone() })
    })
}

/// `336`, `10.5`, `+17.5%`, `3,532`: printed as a figure is.
fn looks_like_a_figure(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || ".,+-%".contains(c) || crate::report::text::is_wide(c))
        && text.chars().filter(|c| crate::report::text::is_wide(*c)).count() <= 4
}

/// The metrics file report.yaml names or the default; None for metrics
/// inline in report.yaml.
fn metrics_file(report: Option<&Report>) -> Option<String> {
    match report.and_then(|r| r.metrics.as_ref()) {
        Some(MetricsSource::File(f)) => Some(f.clone()),
        Some(MetricsSource::Inline(_)) => None,
        None => Some(METRICS_FILE.into()),
    }
}

/// The metric that prints `text` (its value, or value and unit), the one
/// whose label is in `context` where several do.
fn metric(
    folder: &Folder,
    report: Option<&Report>,
    report_text: &str,
    text: &str,
    context: &[String],
) -> Option<Location> {
    let grouping = report.is_some_and(|r| r.number_grouping);
    let (map, file, file_text) = match report.and_then(|r| r.metrics.as_ref()) {
        Some(MetricsSource::Inline(map)) => (map.0.clone(), REPORT_FILE.to_string(), report_text.to_string()),
        _ => {
            let file = metrics_file(report)?;
            let (map, text) = read_metrics_file(folder, &file).ok()?;
            (map, file, text)
        }
    };
    let metrics = Metrics::new(map.clone(), grouping);
    let prints = |m: &crate::report::model::Metric| {
        let value = metrics.number(m, m.value);
        value == text || metrics.with_unit(m, m.value) == text
    };
    let candidates: Vec<(&String, &crate::report::model::Metric)> = map.iter().filter(|(_, m)| prints(m)).collect();
    let (id, _) = candidates
        .iter()
        .find(|(_, m)| context.iter().any(|c| c.contains(m.label.as_str()) || m.label.contains(c.trim())))
        .or(candidates.first())?;
    let line = line_of_key(&file_text, id).unwrap_or(1);
    Some(Location { file, line, what: (*id).clone() })
}

/// The line where `key:` starts a line (a metric's id in YAML), or where
/// it is the first cell (a sheet saved as CSV).
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key).is_some_and(|rest| rest.starts_with(':') || rest.starts_with(','))
        })
        .map(|i| i + 1)
}

/// The line of `text` that holds `words`.
fn line_of(text: &str, words: &str) -> Option<usize> {
    let at = text.find(words)?;
    Some(text[..at].matches('\n').count() + 1)
}

/// The longest stretch of `text` without figures, which the sources hold
/// as written (figures are printed from metrics): at least two characters.
fn longest_words(text: &str) -> Option<String> {
    let best = text.split(|c: char| c.is_ascii_digit() || c == '%').map(str::trim).max_by_key(|s| s.chars().count())?;
    let best = best.trim_matches(|c: char| c == '.' || c == ',' || c.is_whitespace());
    (best.chars().count() >= 2).then(|| best.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_words_and_keys() {
        assert!(looks_like_a_figure("336") && looks_like_a_figure("10.5") && looks_like_a_figure("336家次"));
        assert!(!looks_like_a_figure("全年走访慰问企业336家次，帮助企业解决"));
        assert_eq!(longest_words("全年走访企业336家次，帮助企业解决融资").as_deref(), Some("家次，帮助企业解决融资"));
        assert_eq!(line_of_key("a: 1\nvisits: {label: x}\n", "visits"), Some(2));
        assert_eq!(line_of_key("visits_2: 1\nvisits: 2\n", "visits"), Some(2));
    }
}
