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

/// Fills `previous` of each metric that has neither `previous` nor `change`
/// from last year's metrics with the same id. `previous_report` names a
/// report folder or a metrics file outside this report, so it is the one
/// path allowed to leave the folder; only metrics are read from it.
pub(super) fn fill(
    folder: &Folder,
    path: &str,
    metrics: &mut IndexMap<String, Metric>,
    src: &SourceText,
) -> Result<(), Problem> {
    let at = |message: String| Problem::new(src.file, src.find(path), message);
    let target = folder.root().join(path);
    let (dir, file) = if target.is_dir() {
        let last = Folder::open(&target).map_err(|e| at(format!("`previous_report: {path}` cannot be opened: {e}")))?;
        let file = metrics_file(&last)
            .map_err(|p| at(format!("last year's report.yaml: {}", p.message)))?
            .ok_or_else(|| at(format!("`{path}` holds no metrics")))?;
        (last, file)
    } else {
        let parent = target.parent().unwrap_or(folder.root());
        let last = Folder::open(parent).map_err(|e| at(format!("`previous_report: {path}` cannot be opened: {e}")))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (last, name)
    };
    let (last, _) = read_metrics_file(&dir, &file).map_err(|p| at(format!("last year's metrics: {}", p.message)))?;
    for (id, m) in metrics.iter_mut() {
        let Some(before) = last.get(id) else { continue };
        if m.previous.is_some() || m.change.is_some() {
            continue;
        }
        if before.unit != m.unit {
            return Err(at(format!(
                "metric `{id}` is in {} this year but in {} last year",
                m.unit.as_deref().unwrap_or("no unit"),
                before.unit.as_deref().unwrap_or("no unit")
            ))
            .hint("give `previous:` for it by hand, in this year's unit"));
        }
        m.previous = Some(before.value);
    }
    Ok(())
}

/// The metrics of last year's report folder `dir` (for `baogao import
/// --previous`, which takes their ids).
pub fn metrics_of(dir: &Folder) -> Result<IndexMap<String, Metric>, Problem> {
    let file = metrics_file(dir)?.ok_or_else(|| {
        Problem::new(REPORT_FILE, None, "last year's report holds no metrics")
            .hint("name a report folder with metrics.yaml")
    })?;
    read_metrics_file(dir, &file).map(|(metrics, _)| metrics)
}

/// Last year's metrics file: the one its report.yaml names, else metrics.yaml.
/// Its report.yaml is read with the limits of this year's (size, nesting,
/// no aliases): it lies outside this report's folder, and a hostile one
/// must not hold the build up. One that breaks them is an error; one that
/// is no report of this format is passed over for metrics.yaml.
fn metrics_file(last: &Folder) -> Result<Option<String>, Problem> {
    let named = match read_text(last, REPORT_FILE) {
        Ok(text) => {
            yaml::check_limits(&SourceText { file: REPORT_FILE, text: &text })?;
            let report = yaml::parse::<model::Report>(REPORT_FILE, &text).ok();
            report.and_then(|r| match r.metrics {
                Some(MetricsSource::File(f)) => Some(f),
                _ => None,
            })
        }
        Err(_) => None,
    };
    Ok(named.or_else(|| last.exists(METRICS_FILE).then(|| METRICS_FILE.to_string())))
}
