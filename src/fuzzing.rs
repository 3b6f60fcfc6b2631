//! Entry points for the fuzz targets (fuzz/) and their regression test
//! (tests/integration/fuzzed.rs), which replays every kept input. Each takes
//! arbitrary bytes and must return without panicking, whatever they are.

use std::sync::{Arc, OnceLock};

use crate::cli::InputArgs;
use crate::cmd::session::{Asked, Session};
use crate::export::Format;
use crate::report::metrics::Metrics;
use crate::report::model::{MetricMap, Report};
use crate::report::text::{self, Resolver, TextError};
use crate::report::{sheet, table, yaml};
use crate::typeset::fonts::{FontOptions, Fonts};

/// report.yaml and metrics.yaml through the YAML reader and the model.
pub fn load_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = yaml::parse::<Report>("report.yaml", &text);
    if let Ok(MetricMap(map)) = yaml::parse::<MetricMap>("metrics.yaml", &text) {
        let metrics = Metrics::new(map, true);
        let _ = metrics.check(&crate::report::problem::SourceText { file: "metrics.yaml", text: &text });
    }
}

/// A text field: paragraphs, `{{id.field}}`, `**bold**`, `\{{`.
pub fn text(data: &[u8]) {
    struct Any;
    impl Resolver for Any {
        fn resolve(&self, id: &str, field: Option<&str>) -> Result<String, TextError> {
            match field {
                Some("bad") => Err(TextError { message: "no".into(), hints: vec![], snippet: id.into() }),
                _ => Ok(format!("[{id}]")),
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let _ = text::parse(&text, &Any);
    let _ = text::parse_inline(&text, &Any);
}

/// Metrics from a spreadsheet of any format, and an appendix table from CSV.
pub fn sheet(data: &[u8]) {
    let empty = Metrics::new(Default::default(), false);
    for name in ["m.csv", "m.xlsx", "m.xls", "m.ods"] {
        let _ = sheet::read(name, data);
    }
    let _ = table::of_csv("t.csv", data, &empty, &mut table::RowLimit::new(crate::report::DEFAULT_MAX_TABLE_ROWS));
}

/// An image file: its header read (kind, size, orientation; an SVG's
/// references and DTD checked), then, if it is of a modest size, decoded,
/// turned upright, resampled to half its width and encoded again.
pub fn image(data: &[u8]) {
    let Ok(header) = crate::report::image::header(data) else { return };
    if u64::from(header.width) * u64::from(header.height) <= 4_000_000 {
        let _ = crate::report::picture::prepare(data, header, header.width / 2 + 1);
    }
}

/// A whole build (load, typeset, export to PDF and OFD in memory) of a report folder made
/// from the input: report.yaml, then metrics.yaml after a NUL byte, then a
/// table (tables/projects.csv) after another, then an image
/// (images/photo.png) after a third.
pub fn whole_build(data: &[u8]) {
    let mut parts = data.splitn(4, |&b| b == 0);
    let Ok(dir) = tempfile::tempdir() else { return };
    let files = ["report.yaml", "metrics.yaml", "tables/projects.csv", "images/photo.png"];
    let _ = std::fs::create_dir(dir.path().join("tables"));
    let _ = std::fs::create_dir(dir.path().join("images"));
    for file in files {
        if let Some(part) = parts.next() {
            let _ = std::fs::write(dir.path().join(file), part);
        }
    }
    let Ok(mut session) = Session::open(dir.path(), shared_fonts()) else { return };
    if let Ok(job) = session.load(&InputArgs::default())
        && let Ok(typeset) = session.typeset(&job)
    {
        let asked = Asked { formats: vec![Format::Pdf, Format::Ofd], ..Asked::pdf() };
        let _ = session.export(&job, Some(&typeset), &asked);
    }
}

/// A document through `baogao import` as text, web page and Word file:
/// whatever it holds, the folder made of it must load without a problem
/// (its YAML parses, every reference it wrote resolves).
pub fn import(data: &[u8]) {
    for name in ["doc.txt", "doc.html", "doc.docx"] {
        let Ok(source) = crate::import::read(name, data) else { continue };
        let imported = crate::import::import(source, name, None);
        let Ok(dir) = tempfile::tempdir() else { return };
        for (path, bytes) in &imported.folder.files {
            let target = dir.path().join(path);
            let _ = std::fs::create_dir_all(target.parent().expect("a file in the folder"));
            std::fs::write(&target, bytes).expect("a temporary folder is writable");
        }
        let folder = crate::report::Folder::open(dir.path()).expect("the folder opens");
        if let Err(problems) = crate::report::load(&folder, &Default::default(), &mut Default::default()) {
            let report = String::from_utf8_lossy(&imported.folder.files[0].1);
            let metrics = String::from_utf8_lossy(&imported.folder.files[1].1);
            panic!("the import of {name} does not load: {problems:?}\n{report}\n{metrics}");
        }
    }
}

/// One font index for all runs (indexing per input would dominate).
fn shared_fonts() -> Arc<Fonts> {
    static FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::index_in_background(FontOptions::default())).clone()
}
