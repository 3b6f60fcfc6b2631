//! Year over year: `previous_report: ../shiqiao-2020` fills each metric's
//! `previous` from last year's metric with the same id, so changes compute
//! themselves.

use indexmap::IndexMap;

use super::folder::Folder;
use super::metrics_file::read_metrics_file;
use super::model::{self, Metric, MetricsSource};
use super::problem::{Problem, SourceText};
use super::source::{METRICS_FILE, REPORT_FILE, read_text};
use super::yaml;

/// How many years back a chain of `previous_report:`s is followed.
const MAX_CHAIN: usize = 30;

/// Fills `previous` of each metric that has neither `previous` nor `change`
/// from last year's metrics with the same id, and `earlier` from the years
/// before (last year's report names its own last year, and so on, as far
/// back as the chain goes). `previous_report` names a report folder or a
/// metrics file outside this report, so it is the one path allowed to
/// leave the folder; only metrics are read from it.
pub(super) fn fill(
    folder: &Folder,
    path: &str,
    metrics: &mut IndexMap<String, Metric>,
    src: &SourceText,
) -> Result<(), Problem> {
    let at = |message: String| Problem::new(src.file, src.find(path), message);
    let last = chain(folder, path, &mut vec![folder.root().to_path_buf()]).map_err(at)?;
    match merge(&last, metrics) {
        Ok(()) => Ok(()),
        Err((id, this, before)) => Err(at(format!(
            "metric `{id}` is in {} this year but in {} last year",
            this.as_deref().unwrap_or("no unit"),
            before.as_deref().unwrap_or("no unit")
        ))
        .hint("give `previous:` for it by hand, in this year's unit")),
    }
}

/// Takes into `metrics` what last year's (`last`, filled in from its own
/// last year) says of each: `previous`, unless given, `earlier` and the
/// `history` it does not give itself. A metric in another unit than last
/// year's is an error (id and the two units), unless its `previous` or
/// `change` is given.
fn merge(
    last: &IndexMap<String, Metric>,
    metrics: &mut IndexMap<String, Metric>,
) -> Result<(), (String, Option<String>, Option<String>)> {
    for (id, m) in metrics.iter_mut() {
        let Some(before) = last.get(id) else { continue };
        if before.unit != m.unit {
            if m.previous.is_some() || m.change.is_some() {
                continue;
            }
            return Err((id.clone(), m.unit.clone(), before.unit.clone()));
        }
        for (year, value) in &before.history {
            m.history.entry(*year).or_insert(*value);
        }
        if m.previous.is_none() && m.change.is_none() {
            m.previous = Some(before.value);
        }
        m.earlier = before.previous.into_iter().chain(before.earlier.iter().copied()).collect();
    }
    Ok(())
}

/// The metrics of the report (or metrics file) at `path` from `folder`,
/// filled in from its own last year in turn. `seen` holds the folders of
/// the chain so far: one named twice ends it, as does [`MAX_CHAIN`].
fn chain(folder: &Folder, path: &str, seen: &mut Vec<std::path::PathBuf>) -> Result<IndexMap<String, Metric>, String> {
    let target = folder.root().join(path);
    let (dir, file, before) = if target.is_dir() {
        let last = Folder::open(&target).map_err(|e| format!("`previous_report: {path}` cannot be opened: {e}"))?;
        let (file, before) = last_year(&last).map_err(|p| format!("last year's report.yaml: {}", p.message))?;
        let file = file.ok_or_else(|| format!("`{path}` holds no metrics"))?;
        (last, file, before)
    } else {
        let parent = target.parent().unwrap_or(folder.root());
        let last = Folder::open(parent).map_err(|e| format!("`previous_report: {path}` cannot be opened: {e}"))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (last, name, None)
    };
    // A metrics file ends the chain; a report folder met before would
    // start it over.
    if before.is_some() || target.is_dir() {
        if seen.iter().any(|s| s == dir.root()) {
            return Err(format!("`previous_report: {path}` leads back to a report of the chain"));
        }
        seen.push(dir.root().to_path_buf());
    }
    let (mut last, _) = read_metrics_file(&dir, &file).map_err(|p| format!("last year's metrics: {}", p.message))?;
    if let Some(before) = before.filter(|_| seen.len() < MAX_CHAIN) {
        // A report further back that cannot be read, or disagrees on a
        // unit, ends the chain there: it would give history only.
        if let Ok(earlier) = chain(&dir, &before, seen) {
            let _ = merge(&earlier, &mut last);
        }
    }
    Ok(last)
}

/// The metrics of last year's report folder `dir` (for `baogao import
/// --previous`, which takes their ids).
pub fn metrics_of(dir: &Folder) -> Result<IndexMap<String, Metric>, Problem> {
    let file = last_year(dir)?.0.ok_or_else(|| {
        Problem::new(REPORT_FILE, None, "last year's report holds no metrics")
            .hint("name a report folder with metrics.yaml")
    })?;
    read_metrics_file(dir, &file).map(|(metrics, _)| metrics)
}

/// Last year's metrics file (the one its report.yaml names, else
/// metrics.yaml) and its own `previous_report`. Its report.yaml is read
/// with the limits of this year's (size, nesting, no aliases): it lies
/// outside this report's folder, and a hostile one must not hold the build
/// up. One that breaks them is an error; one that is no report of this
/// format is passed over for metrics.yaml.
fn last_year(last: &Folder) -> Result<(Option<String>, Option<String>), Problem> {
    let report = match read_text(last, REPORT_FILE) {
        Ok(text) => {
            yaml::check_limits(&SourceText { file: REPORT_FILE, text: &text })?;
            yaml::parse::<model::Report>(REPORT_FILE, &text).ok()
        }
        Err(_) => None,
    };
    let named = report.as_ref().and_then(|r| match &r.metrics {
        Some(MetricsSource::File(f)) => Some(f.clone()),
        _ => None,
    });
    let file = named.or_else(|| last.exists(METRICS_FILE).then(|| METRICS_FILE.to_string()));
    Ok((file, report.and_then(|r| r.previous_report)))
}
