//! `baogao import`: a report folder made from a document the office has
//! already (last year's summary as plain text, a web page, a Word file).
//!
//! The way through is one for every kind of file: a reader (`text.rs` for
//! plain text and, after `html.rs` has turned a page into lines, web
//! pages; `docx.rs` for Word) makes a [`Source`], the document's metadata
//! and its blocks in order; `outline.rs` finds the parts and the run-in
//! lead sentences; `figures.rs` turns every figure with its unit into a
//! metric referred to where it stood (`words.rs` reads the words around
//! it); `emit.rs` writes the YAML. Nothing
//! here writes a file: the command does, into the folder it was given.

mod docx;
mod emit;
mod figures;
mod html;
mod outline;
mod text;
mod words;

use std::path::Path;

pub use emit::Folder;
pub use figures::Unplaced;

/// The largest document imported: a year's summary is well under 1 MB of
/// text, and a web page of many megabytes is mostly something else.
pub const MAX_INPUT_BYTES: u64 = 10 * 1024 * 1024;

/// What a reader takes from a document.
#[derive(Debug, Default)]
pub struct Source {
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

/// The document's title block, as found; `guesses` says where each came
/// from when it was not stated as such.
#[derive(Debug, Default)]
pub struct Meta {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `(key, why)`: written as comments beside the key.
    pub guesses: Vec<(&'static str, String)>,
}

/// A block of the document, with the line of the file it starts on.
#[derive(Debug)]
pub enum Block {
    /// A paragraph: its text, `**` around bold runs; `heading` is the level
    /// a Word heading style gives (1–4), if any.
    Para {
        text: String,
        line: usize,
        heading: Option<u8>,
    },
    Table {
        rows: Vec<Vec<String>>,
        line: usize,
    },
    Image {
        name: String,
        bytes: Vec<u8>,
        caption: Option<String>,
        line: usize,
    },
}

/// A document's own `**`, which report text would take for bold, as
/// full-width asterisks (the readers mark bold runs with `**` themselves).
pub(crate) fn literal_stars(text: &str) -> String {
    text.replace("**", "＊＊")
}

/// Why a document could not be imported.
#[derive(Debug)]
pub struct ImportError {
    pub message: String,
    pub hint: String,
}

impl ImportError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self { message: message.into(), hint: hint.into() }
    }
}

/// Last year's metrics as `(id, label, unit)`, whose ids are taken where
/// label and unit match.
pub type Previous = Vec<(String, String, String)>;

/// What an import found: the folder's files, and what it could not place.
pub struct Imported {
    pub folder: Folder,
    pub unplaced: Vec<Unplaced>,
    /// Said of the document as a whole (no structure found, …).
    pub warnings: Vec<String>,
    pub figures: usize,
}

/// Reads `bytes` (the file `name`) as the kind its extension names.
pub fn read(name: &str, bytes: &[u8]) -> Result<Source, ImportError> {
    let ending = Path::new(name).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ending.as_str() {
        "txt" | "text" => text::read(&text::decode(bytes)?),
        "html" | "htm" => text::read_lines(html::lines(&text::decode(bytes)?)),
        "docx" => docx::read(bytes),
        _ => Err(ImportError::new(
            format!("`{name}` is not a file baogao imports"),
            "give a .txt, .html/.htm or .docx file (a .doc: save it as .docx first)",
        )),
    }
}

/// Last year's report: its path as report.yaml names it, and its metrics.
pub struct LastYear {
    pub path: String,
    pub metrics: Previous,
}

/// Makes the report folder's files from `source`; `file` is the name the
/// report's comments give it.
pub fn import(source: Source, file: &str, last_year: Option<&LastYear>) -> Imported {
    let mut warnings = Vec::new();
    let mut outline = outline::outline(source.blocks, &mut warnings);
    let previous = last_year.map_or(&[][..], |l| l.metrics.as_slice());
    let found = figures::extract(&mut outline, previous);
    let figures = found.metrics.len();
    let folder = emit::folder(&source.meta, &outline, &found, file, last_year.map(|l| l.path.as_str()));
    Imported { folder, unplaced: found.unplaced, warnings, figures }
}
