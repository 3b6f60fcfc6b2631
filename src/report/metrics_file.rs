//! Reading a metrics file: YAML (parsed entry by entry where it can be,
//! which a watch makes quick) or a spreadsheet.

use indexmap::IndexMap;

use super::folder::Folder;
use super::model::{Metric, MetricMap};
use super::problem::Problem;
use super::source::{Kind, METRICS_FILE, decode_text, read_limited, read_text};
use super::{sheet, yaml};

/// The metrics of a YAML file or a spreadsheet, with the file's text (empty
/// for a binary spreadsheet) for placing later problems.
pub fn read_metrics_file(folder: &Folder, file: &str) -> Result<(IndexMap<String, Metric>, String), Problem> {
    let kind = Kind::of(file);
    if kind.is_sheet() {
        let bytes = read_limited(folder, file)?;
        let text = if kind == Kind::Csv { decode_text(&bytes).unwrap_or_default() } else { String::new() };
        return Ok((sheet::read(file, &bytes)?, text));
    }
    let text = read_text(folder, file)?;
    let map = parse_metrics(file, &text)?;
    Ok((map, text))
}

/// The metrics of a YAML file. A file of one `id: …` entry after another,
/// each begun at a line's first column (as baogao's samples and `init`
/// write them), is parsed entry by entry, each memoized on its text: in
/// `watch` a save usually changes one figure, and parsing the whole file
/// again was a third of loading a long report. Any other file, and any
/// file with an entry that does not parse on its own or an id given twice,
/// is parsed whole, which reports its problems where they stand.
fn parse_metrics(file: &str, text: &str) -> Result<IndexMap<String, Metric>, Problem> {
    let by_entry = entries(text).and_then(|entries| {
        let mut map = IndexMap::with_capacity(entries.len());
        for entry in entries {
            let (id, metric) = parse_entry(entry)?;
            if map.insert(id, metric).is_some() {
                return None;
            }
        }
        Some(map)
    });
    match by_entry {
        Some(map) => Ok(map),
        None => yaml::parse(file, text).map(|MetricMap(map)| map),
    }
}

/// The entries of a YAML mapping whose every line at the first column
/// (other than comments) begins an entry `id:` with a plain id; `None` for
/// any other text.
fn entries(text: &str) -> Option<Vec<&str>> {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace() && first != '#' {
            let key_end = line.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))?;
            let rest = &line[key_end..];
            if key_end == 0 || !(rest.starts_with(": ") || rest.trim_end() == ":") {
                return None;
            }
            starts.push(at);
        } else if starts.is_empty() && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            return None;
        }
        at += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let entries: Vec<&str> = starts.iter().zip(ends).map(|(&a, b)| &text[a..b]).collect();
    (!entries.is_empty()).then_some(entries)
}

/// One entry of a metrics file, if it parses on its own as one metric.
#[comemo::memoize]
fn parse_entry(entry: &str) -> Option<(String, Metric)> {
    let MetricMap(map) = yaml::parse(METRICS_FILE, entry).ok()?;
    let mut entries = map.into_iter();
    let first = entries.next()?;
    entries.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<IndexMap<String, Metric>, Problem> {
        yaml::parse(METRICS_FILE, text).map(|MetricMap(map)| map)
    }

    #[test]
    fn metrics_parsed_entry_by_entry_are_those_of_the_whole_file() {
        let sample =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/content/shiqiao-2021/metrics.yaml")).unwrap();
        let block = "# 经济\nvisits:\n  label: 走访\n  value: 336\n\n  # 单位\n  unit: 家次\n\n人口-2021: {label: 人口, value: 1.5e3}\r\nx_1: {label: \"a: b\", value: -0}\n";
        for text in [sample.as_str(), block] {
            let parts = entries(text).expect("split into entries");
            assert!(parts.len() > 2);
            assert!(text.ends_with(&parts.concat()) && parts.iter().all(|e| parse_entry(e).is_some()));
            let (by_entry, all) = (parse_metrics(METRICS_FILE, text).unwrap(), whole(text).unwrap());
            assert_eq!(format!("{by_entry:?}"), format!("{all:?}"));
        }
    }

    #[test]
    fn a_metrics_file_not_made_of_plain_entries_is_parsed_whole() {
        // Not split: a document marker, a quoted key, a flow mapping
        // closed at the first column, a list.
        for text in [
            "---\na: {label: x, value: 1}\n",
            "\"a\": {label: x, value: 1}\n",
            "a: {label: x,\n value: 1\n}\n",
            "- a\n",
            "# only a comment\n",
        ] {
            assert!(entries(text).is_none(), "{text:?}");
        }
        // Split, but parsed whole, which reports the problem where it
        // stands: an id given twice, an alias of another entry's anchor,
        // an entry that is no metric.
        for text in [
            "a: {label: x, value: 1}\nb: {label: y, value: 2}\na: {label: z, value: 3}\n",
            "a: &v {label: x, value: 1}\nb: *v\n",
            "a: {label: x, value: 1}\nb: {label: y, value: 二}\n",
        ] {
            assert!(entries(text).is_some(), "{text:?}");
            let (by_entry, all) = (parse_metrics(METRICS_FILE, text).unwrap_err(), whole(text).unwrap_err());
            assert_eq!((by_entry.message, by_entry.range), (all.message, all.range), "{text:?}");
        }
    }
}
