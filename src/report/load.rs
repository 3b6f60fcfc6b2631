//! Loading a report folder: YAML → model → resolved [`Document`], collecting
//! every problem with its place instead of stopping at the first. Reading
//! files is `source`'s, metrics files `metrics_file`'s, resolving the model
//! `resolve`'s; this puts them together.
//!
//! [`Document`]: super::document::Document

use std::sync::Arc;

use indexmap::IndexMap;

use super::document::Document;
use super::folder::Folder;
use super::geometry::TextArea;
use super::metrics::Metrics;
use super::metrics_file::read_metrics_file;
use super::model::{self, MetricsSource, Paper};
use super::picture::DEFAULT_DPI;
use super::problem::{Problem, SourceText};
use super::resolve::{Kept, Resolve};
use super::source::{METRICS_FILE, REPORT_FILE, read_text};
use super::template::Template;
use super::{previous, table, yaml};

/// How many table rows one report may typeset, unless raised with
/// `--max-table-rows`. Typst holds every laid-out row in memory until the
/// PDF is written: about 100 MB and 0.6 s for each 1 000 rows on this
/// project's machines (benches/scale.md), so 20 000 rows (some 500 pages of
/// appendix) take about 2 GB. A bigger table belongs in a spreadsheet.
pub const DEFAULT_MAX_TABLE_ROWS: usize = 20_000;

/// A resolved report and the files of the folder it was made from.
pub struct Loaded {
    pub document: Document,
    pub template: Template,
    /// `standard:` as written, if given.
    pub standard: Option<String>,
    /// `attach_sources:`.
    pub attach_sources: bool,
    /// Paths relative to the folder: report.yaml, the metrics file, tables.
    pub sources: Vec<String>,
    /// `html_template:`: the web page's own template, its path and text.
    pub html_template: Option<(String, String)>,
    /// What the report may want to fix but builds without.
    pub warnings: Vec<Problem>,
}

/// What a command may set about loading, over report.yaml.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Refuse tables with more than this many rows in all.
    pub max_table_rows: usize,
    /// `--image-dpi`: over `image_dpi:`.
    pub image_dpi: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_table_rows: DEFAULT_MAX_TABLE_ROWS, image_dpi: None }
    }
}

/// Loads and resolves the report in `folder`. Takes what it can from `kept`
/// and leaves there what the next load can take, if this one succeeds.
pub fn load(folder: &Folder, options: &Options, kept: &mut Kept) -> Result<Loaded, Vec<Problem>> {
    let source = read_text(folder, REPORT_FILE).map_err(|p| vec![p])?;
    let report = parse_report(&source).map_err(|p| vec![p])?;
    let src = SourceText { file: REPORT_FILE, text: &source };
    let (metrics, metrics_file, mut problems) = load_metrics(folder, &report, &src)?;
    let template = Template::named(report.template.as_deref(), folder, &src).map_err(|p| problems.push(p)).ok();
    let layout = template.as_ref().map_or("report", Template::layout);
    let mut sources = vec![REPORT_FILE.to_string()];
    sources.extend(metrics_file);
    let mut resolver = Resolve {
        folder,
        metrics: &metrics,
        src,
        problems: Vec::new(),
        sources,
        row_limit: table::RowLimit::new(options.max_table_rows),
        kept: kept.sections_of(&report),
        keep: Vec::with_capacity(report.sections.len()),
        area: TextArea::of(layout, report.paper.unwrap_or(Paper::A4)),
        dpi: options.image_dpi.or(report.image_dpi).unwrap_or(DEFAULT_DPI).clamp(72, 1200),
        pictures: Default::default(),
        last_pictures: &kept.pictures,
        placed: Vec::new(),
        conditional: Default::default(),
        year: super::resolve::year_of(&report),
        files_read: 0,
    };
    if let Some(dpi) = report.image_dpi.filter(|d| !(72..=1200).contains(d)) {
        let problem =
            resolver.src.problem_at(&format!("image_dpi: {dpi}"), format!("`image_dpi: {dpi}` is not 72 to 1200"));
        problems.push(problem.hint("photos print well at 300 (the default); write a number from 72 to 1200"));
    }
    let document = resolver.document(&report);
    problems.append(&mut resolver.problems);
    let warnings = warnings(&report, layout, &resolver.src);
    let html_template = html_template(folder, &report, &resolver.src).map_err(|p| problems.push(p)).ok().flatten();
    let (mut sources, keep, pictures) = (resolver.sources, resolver.keep, resolver.pictures);
    match template {
        Some(template) if problems.is_empty() => {
            if let Template::Own(path) = &template {
                sources.push(path.clone());
            }
            sources.extend(html_template.as_ref().map(|(path, _)| path.clone()));
            let loaded = Loaded {
                document,
                template,
                standard: report.standard.clone(),
                attach_sources: report.attach_sources,
                sources,
                html_template,
                warnings,
            };
            *kept = Kept { report: Some(report), sections: keep, pictures };
            Ok(loaded)
        }
        _ => Err(problems),
    }
}

/// GB/T 9704 7.2.5: a 上行文 names who signed it for issue (签发人).
fn warnings(report: &model::Report, layout: &str, src: &SourceText) -> Vec<Problem> {
    // To a higher authority: `direction: up`, or else a 请示 or 报告 by its title.
    let upward = match report.direction {
        Some(direction) => direction == model::Direction::Up,
        None => matches!(super::records::kind_of(&report.title), Some("请示" | "报告")),
    };
    if layout != "gongwen" || !upward || !report.signers.is_empty() {
        return Vec::new();
    }
    let at = src.find_key("direction").or_else(|| src.find_key("addressee")).or_else(|| src.find_key("title"));
    let problem = Problem::new(src.file, at, "this 上行文 has no 签发人 (GB/T 9704-2012 7.2.5)");
    let reason = if src.find_key("direction").is_some() {
        "it says `direction: up`"
    } else {
        "a 请示 or 报告 goes to a higher authority"
    };
    vec![problem.hint(format!(
        "{reason}: add `signers: [姓名]` (printed 签发人：姓名 right of the 发文字号), or `direction: level` if it is not"
    ))]
}

/// The web page's own template, read (its problems placed at the path in
/// report.yaml when the file cannot be read at all).
fn html_template(
    folder: &Folder,
    report: &model::Report,
    src: &SourceText,
) -> Result<Option<(String, String)>, Problem> {
    let Some(path) = &report.html_template else { return Ok(None) };
    let text = read_text(folder, path).map_err(|p| Problem { file: src.file.into(), range: src.find(path), ..p })?;
    Ok(Some((path.clone(), text)))
}

/// report.yaml's model. Memoized on the text: in `watch`, most saves are of
/// metrics or tables, and parsing a long report again was a third of
/// loading it.
#[comemo::memoize]
fn parse_report(source: &str) -> Result<Arc<model::Report>, Problem> {
    yaml::parse(REPORT_FILE, source).map(Arc::new)
}

/// The metrics from `metrics:` (a file or inline) or from `metrics.yaml`,
/// with the file they came from and the problems found in them.
fn load_metrics(
    folder: &Folder,
    report: &model::Report,
    src: &SourceText,
) -> Result<(Metrics, Option<String>, Vec<Problem>), Vec<Problem>> {
    let grouping = report.number_grouping;
    let file = match &report.metrics {
        Some(MetricsSource::Inline(map)) => {
            let mut map = map.0.clone();
            if let Some(path) = &report.previous_report {
                previous::fill(folder, path, &mut map, src).map_err(|p| vec![p])?;
            }
            let metrics = Metrics::new(map, grouping);
            let problems = metrics.check(src);
            return Ok((metrics, None, problems));
        }
        Some(MetricsSource::File(path)) => path.as_str(),
        None if folder.exists(METRICS_FILE) => METRICS_FILE,
        None => return Ok((Metrics::new(IndexMap::new(), grouping), None, Vec::new())),
    };
    let (map, text) = read_metrics_file(folder, file).map_err(|p| {
        if report.metrics.is_some() && p.range.is_none() {
            // Point at `metrics:` in report.yaml, where the path was written.
            vec![Problem { file: src.file.into(), range: src.find(file), ..p }]
        } else {
            vec![p]
        }
    })?;
    let mut map = map;
    if let Some(path) = &report.previous_report {
        previous::fill(folder, path, &mut map, src).map_err(|p| vec![p])?;
    }
    let metrics = Metrics::new(map, grouping);
    let problems = metrics.check(&SourceText { file, text: &text });
    Ok((metrics, Some(file.to_string()), problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::SectionJson;

    /// The sections of a load, and which of them it took from the last one.
    fn load_again(folder: &Folder, kept: &mut Kept) -> (Vec<Arc<SectionJson>>, Vec<bool>) {
        let before: Vec<_> = kept.sections.iter().map(|k| k.as_ref().map(|k| k.json.clone())).collect();
        let sections = load(folder, &Options { max_table_rows: 100, image_dpi: None }, kept).unwrap().document.sections;
        let taken = sections.iter().enumerate();
        let taken = taken.map(|(i, s)| before.get(i).cloned().flatten().is_some_and(|b| Arc::ptr_eq(&b, s))).collect();
        (sections, taken)
    }

    #[test]
    fn a_load_takes_from_the_last_the_sections_whose_metrics_are_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        let metrics = |v: u32, w: u32| {
            format!("v: {{label: 走访, value: {v}, unit: 家次}}\nw: {{label: 其他, value: {w}, group: g}}\n")
        };
        write(
            "report.yaml",
            "title: t\nsections:\n  - title: 甲\n    body: 走访{{v}}。\n  - title: 乙\n    body: 其他{{w.value}}。\n  \
             - title: 丙\n    body: 无。\n  - title: 丁\n    subsections:\n      - title: 子\n        highlights: [w]\n  \
             - title: 戊\n    chart: {metrics: {group: g}}\n",
        );
        write("metrics.yaml", &metrics(336, 2));
        let folder = Folder::open(dir.path()).unwrap();
        let mut kept = Kept::default();
        let fresh = |kept: &Kept| {
            assert!(kept.report.is_some());
            let sections = load(&folder, &Options::default(), &mut Kept::default()).unwrap().document.sections;
            sections.iter().map(|s| s.get().to_string()).collect::<Vec<_>>()
        };
        let texts = |sections: &[Arc<SectionJson>]| sections.iter().map(|s| s.get().to_string()).collect::<Vec<_>>();

        let (_, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false; 5], "nothing to take from at first");
        // 甲 reads v; 乙 and 丁's subsection read w; 戊's chart reads all
        // metrics (a group); 丙 none.
        write("metrics.yaml", &metrics(337, 2));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false, true, true, true, false]);
        assert!(sections[0].get().contains("337家次"));
        assert_eq!(texts(&sections), fresh(&kept));
        write("metrics.yaml", &metrics(337, 3));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [true, false, true, false, false]);
        assert_eq!(texts(&sections), fresh(&kept));

        // A load that fails keeps what the last one left.
        write("metrics.yaml", "v: {label: 走访, value: 九}\n");
        assert!(load(&folder, &Options::default(), &mut kept).is_err());
        write("metrics.yaml", &metrics(337, 3));
        let (_, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [true, true, true, true, false]);
        // An edit of report.yaml starts afresh.
        write("report.yaml", &std::fs::read_to_string(dir.path().join("report.yaml")).unwrap().replace("无", "有"));
        let (sections, taken) = load_again(&folder, &mut kept);
        assert_eq!(taken, [false; 5]);
        assert!(sections[2].get().contains("有"));
    }

    #[test]
    fn a_load_reads_and_resamples_only_the_images_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let photo = |name: &str, shade: u8| {
            let pixels = image::RgbImage::from_pixel(1200, 900, image::Rgb([shade, 90, 90]));
            pixels.save(dir.path().join(name)).unwrap();
        };
        photo("a.jpg", 10);
        photo("b.jpg", 200);
        std::fs::write(
            dir.path().join("report.yaml"),
            "title: t\nsections:\n  - title: 甲\n    body:\n      - 文字。\n      - {image: a.jpg, alt: 甲, width: 30%}\n      \
             - {image: b.jpg, alt: 乙, width: 30%}\n",
        )
        .unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        let mut kept = Kept::default();
        let first = load(&folder, &Options::default(), &mut kept).unwrap();
        assert_eq!((kept.pictures.read, kept.pictures.fresh), (2, 2));
        assert!(first.document.pictures.iter().all(|p| p.width < 1200), "resampled for 30 % of the text width");
        // An edit of the text alone: no image is read or made again.
        let text = std::fs::read_to_string(dir.path().join("report.yaml")).unwrap();
        std::fs::write(dir.path().join("report.yaml"), text.replace("文字", "别的文字")).unwrap();
        let again = load(&folder, &Options::default(), &mut kept).unwrap();
        assert_eq!((kept.pictures.read, kept.pictures.fresh), (0, 0));
        assert!(Arc::ptr_eq(&first.document.pictures[0], &again.document.pictures[0]));
        // One photo replaced: that one only.
        std::thread::sleep(std::time::Duration::from_millis(20));
        photo("b.jpg", 120);
        load(&folder, &Options::default(), &mut kept).unwrap();
        assert_eq!((kept.pictures.read, kept.pictures.fresh), (1, 1));
    }

    #[test]
    fn every_picture_a_section_places_is_served_also_when_the_section_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        image::RgbImage::from_pixel(1200, 900, image::Rgb([10, 90, 90])).save(dir.path().join("a.jpg")).unwrap();
        // The same photo at two sizes: two pictures, the second section's
        // opened after the first's.
        std::fs::write(
            dir.path().join("report.yaml"),
            "title: t\nsections:\n  - title: 甲\n    body:\n      - {image: a.jpg, alt: 甲, width: 50%}\n  \
             - title: 乙\n    body:\n      - 走访{{v}}。\n      - {image: a.jpg, alt: 乙, width: 20%}\n",
        )
        .unwrap();
        let metrics = |v: u32| format!("v: {{label: 走访, value: {v}}}\nw: {{label: 其他, value: 1}}\n");
        std::fs::write(dir.path().join("metrics.yaml"), metrics(3)).unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        let mut kept = Kept::default();
        let served = |loaded: &Loaded| {
            let paths: Vec<&str> = loaded.document.pictures.iter().map(|p| p.path.as_str()).collect();
            loaded.document.sections.iter().all(|s| {
                s.get().split("\"src\":\"").skip(1).all(|rest| paths.contains(&rest.split('"').next().unwrap()))
            })
        };
        let first = load(&folder, &Options::default(), &mut kept).unwrap();
        assert!(served(&first) && first.document.pictures.len() == 2);
        // A metric neither section reads: both could be taken as they were.
        std::fs::write(dir.path().join("metrics.yaml"), metrics(3).replace("value: 1", "value: 2")).unwrap();
        let again = load(&folder, &Options::default(), &mut kept).unwrap();
        assert!(served(&again), "a section taken from the last load places a picture the document lacks");
    }
}
