//! The resolved document as the JSON files a template reads, served by the
//! World from memory and written out by `--emit-typst`.

use std::sync::Arc;

use serde::Serialize;

use crate::report::document::{Appendix, Attachment, Block, Document, Meta, SectionJson};
use crate::report::text::Paragraph;

/// Where a template finds the report's data, all of it in one file.
pub const DATA_PATH: &str = "/_data/report.json";

/// The same data in parts, which the built-in templates read: everything
/// but the sections (whose number takes their place), and each section in
/// a file of its own. An edit then changes the files of the sections it
/// touches only, and typst takes what it made of the others (whose files
/// are the same bytes as before) from its cache without decoding them or
/// hashing their values.
pub const HEAD_PATH: &str = "/_data/head.json";

/// The file of section `i` (from 1).
pub fn section_path(i: usize) -> String {
    format!("/_data/sections/{i}.json")
}

/// The data files of a document: its parts, and the whole of it in one
/// file where that is read.
#[derive(Debug, Clone)]
pub struct DataFiles {
    /// Only where it is read: by an own template, or written out.
    whole: Option<Vec<u8>>,
    /// By path: the head, then the sections in order.
    parts: Vec<(String, Vec<u8>)>,
    /// The images placed, by path (`/_images/…`).
    pictures: Vec<(String, Arc<[u8]>)>,
}

/// The document with its sections as `S`: a number in [`HEAD_PATH`], the
/// sections' JSON in [`DATA_PATH`]. The fields are
/// [`Document`]'s, in its order.
#[derive(Serialize)]
struct Parts<'a, S> {
    meta: &'a Meta,
    summary: &'a [Paragraph],
    #[serde(skip_serializing_if = "Option::is_none")]
    summary_blocks: &'a Option<Vec<Block>>,
    sections: S,
    appendix: &'a [Appendix],
    attachments: &'a [Attachment],
}

impl<'a, S> Parts<'a, S> {
    fn of(document: &'a Document, sections: S) -> Self {
        // Named in full so that a field added to Document must be added here.
        // The pictures are files of their own, and `conditional` is the
        // command's, not the template's.
        let Document { meta, summary, summary_blocks, sections: _, appendix, attachments, pictures: _, conditional: _ } =
            document;
        Parts { meta, summary, summary_blocks, sections, appendix, attachments }
    }
}

/// `value` as JSON. serde_json leaves non-ASCII as it is, so every
/// character of the report's text is in the text as written.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("the document model always serialises")
}

/// The whole document as one JSON file ([`DATA_PATH`]'s), which an own
/// template and the HTML page read.
pub fn whole(document: &Document) -> Vec<u8> {
    let sections: Vec<&SectionJson> = document.sections.iter().map(|s| &**s).collect();
    json(&Parts::of(document, &sections)).into_bytes()
}

impl DataFiles {
    /// The files the template can read of `document`, whose sections are
    /// JSON already, for their files and, `with_whole`, the whole
    /// document's. The built-in templates read the parts alone; making the
    /// whole of a long report (256 KB at ten times the sample's length) at
    /// every rebuild, and comparing and copying it, cost a watch 0.5 ms.
    pub fn of(document: &Document, with_whole: bool) -> Self {
        let whole = with_whole.then(|| whole(document));
        let count = document.sections.len();
        let mut parts = vec![(HEAD_PATH.to_string(), json(&Parts::of(document, count)).into_bytes())];
        let files =
            document.sections.iter().enumerate().map(|(i, s)| (section_path(i + 1), s.get().as_bytes().to_vec()));
        parts.extend(files);
        let pictures = document.pictures.iter().map(|p| (p.path.clone(), p.bytes.clone())).collect();
        Self { whole, parts, pictures }
    }

    /// The images, by path: the same path for the same bytes.
    pub(super) fn pictures(&self) -> impl Iterator<Item = (&str, &Arc<[u8]>)> {
        self.pictures.iter().map(|(path, bytes)| (path.as_str(), bytes))
    }

    /// The files in parts (all but the whole document), which between them
    /// hold every character of it.
    pub(super) fn parts(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.parts.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
    }

    /// Every file, with its path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.whole.as_deref().map(|whole| (DATA_PATH, whole)).into_iter().chain(self.parts())
    }
}
