//! Outputs: one exporter per format, each one file here, and the one way
//! their files are written ([`write`]). A report is laid out once; each
//! paged format asked for (`--format pdf,svg,png`) then turns the laid-out
//! pages into bytes, and HTML, which is not paged, is made from the
//! resolved document without them. A new format is a new file and an arm
//! of each `match` on [`Format`].

pub mod html;
pub mod ofd;
pub mod pdf;
pub mod png;
pub mod svg;
pub mod write;
pub mod xml;
pub mod xmp;

use std::path::{Path, PathBuf};

use typst::diag::SourceResult;
use typst_layout::PagedDocument;

use crate::report::document::Document;
use crate::report::records;

/// The formats baogao writes (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Format {
    /// The PDF (PDF/A and PDF/UA as the report claims).
    Pdf,
    /// One SVG per page (`NAME-01.svg`, …).
    Svg,
    /// One PNG per page (`NAME-01.png`, …), at `--ppi`.
    Png,
    /// One web page (`NAME.html`), made from the report, not its pages.
    Html,
    /// One OFD package (`NAME.ofd`, GB/T 33190), from the same pages as the PDF.
    Ofd,
}

/// What an exporter needs besides the pages.
pub struct Context<'a> {
    pub document: &'a Document,
    pub standards: &'a pdf::Standards,
    /// Pixels per inch of raster pages.
    pub ppi: u32,
    pub html: html::Options<'a>,
}

/// Why an export failed: typst's errors, or those of a web page's template.
pub enum ExportError {
    Typst(ecow::EcoVec<typst::diag::SourceDiagnostic>),
    Template(html::TemplateError),
}

/// Raster pages' resolution unless `--ppi` says otherwise: typst's own
/// default, twice the PDF's 72 points per inch.
pub const DEFAULT_PPI: u32 = 144;

/// An export's bytes: one file, or one per page.
pub enum Artifact {
    File(Vec<u8>),
    Pages(Vec<Vec<u8>>),
}

impl Artifact {
    /// All bytes, for messages.
    pub fn bytes(&self) -> usize {
        match self {
            Artifact::File(bytes) => bytes.len(),
            Artifact::Pages(pages) => pages.iter().map(Vec::len).sum(),
        }
    }
}

impl Format {
    /// Every format, in `--format`'s order.
    pub const ALL: [Format; 5] = [Format::Pdf, Format::Svg, Format::Png, Format::Html, Format::Ofd];

    /// The file name extension, which is also the name `--format` takes.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Html => "html",
            Format::Ofd => "ofd",
        }
    }

    /// Made from typst's laid-out pages (HTML is made from the document).
    pub fn is_paged(self) -> bool {
        self != Format::Html
    }

    /// Turns the report into this format's bytes: the laid-out `pages`,
    /// which a paged format needs, or the document itself.
    pub fn export(self, pages: Option<&PagedDocument>, cx: &Context) -> Result<Artifact, ExportError> {
        let typst = |result: SourceResult<Artifact>| result.map_err(ExportError::Typst);
        let pages = || pages.expect("the pages of a paged format are laid out before it is exported");
        match self {
            Format::Pdf => {
                let schemas = records::of(cx.document, cx.html.layout);
                typst(pdf::export(pages(), &cx.document.meta, cx.standards, &schemas).map(Artifact::File))
            }
            Format::Svg => Ok(Artifact::Pages(svg::export(pages()))),
            Format::Png => typst(png::export(pages(), cx.ppi).map(Artifact::Pages)),
            Format::Html => html::export(cx.document, &cx.html).map(Artifact::File).map_err(ExportError::Template),
            Format::Ofd => {
                let schemas = records::of(cx.document, cx.html.layout);
                let profile = if cx.standards.ofd_a() { ofd::Profile::OfdA } else { ofd::Profile::Ofd };
                ofd::export(pages(), &cx.document.meta, cx.html.layout, &schemas, profile).map(Artifact::File).map_err(
                    |e| {
                        ExportError::Typst(ecow::eco_vec![typst::diag::SourceDiagnostic::error(
                            typst::syntax::Span::detached(),
                            e
                        )])
                    },
                )
            }
        }
    }
}

/// Where a report's outputs go: the PDF to `-o PATH` (or
/// `<report-dir>/<folder-name>.pdf`); every other format beside it, under
/// the same name with its own extension, pages numbered (`NAME-01.svg`).
/// `-o out/x.svg` with `--format svg` names the SVGs `out/x-01.svg`, ….
#[derive(Debug, Clone)]
pub struct Outputs {
    /// `-o PATH` as given, or the default PDF's path.
    given: PathBuf,
    /// `given` without the extension of a format, to which each format
    /// adds its own.
    stem: PathBuf,
}

impl Outputs {
    pub fn new(given: PathBuf) -> Self {
        let known = given.extension().is_some_and(|e| Format::ALL.iter().any(|f| e == f.extension()));
        let stem = if known { given.with_extension("") } else { given.clone() };
        Self { given, stem }
    }

    /// The path of a format written as one file: `-o PATH` itself for the
    /// format its extension names, and for the PDF when it names none.
    pub fn file(&self, format: Format) -> PathBuf {
        let named = self.given.extension().is_some_and(|e| e == format.extension());
        // `stem == given`: `-o` names no format's extension, and so the PDF.
        if named || (format == Format::Pdf && self.stem == self.given) {
            return self.given.clone();
        }
        with_suffix(&self.stem, &format!(".{}", format.extension()))
    }

    /// The path of page `n` (from 1) of `count`, numbered to the same width
    /// (at least two digits), so that the files sort in page order.
    pub fn page(&self, format: Format, n: usize, count: usize) -> PathBuf {
        let width = count.to_string().len().max(2);
        with_suffix(&self.stem, &format!("-{n:0width$}.{}", format.extension()))
    }

    /// The path an artifact's first file went to, for messages.
    pub fn first(&self, format: Format, artifact: &Artifact) -> PathBuf {
        match artifact {
            Artifact::File(_) => self.file(format),
            Artifact::Pages(pages) => self.page(format, 1, pages.len()),
        }
    }

    /// Writes `artifact` atomically, each file on its own; page files of an
    /// earlier, longer build of the same name are removed after the new
    /// pages are in place, so the folder holds this build's pages only.
    pub fn write(
        &self,
        format: Format,
        artifact: &Artifact,
        flush: write::Flush,
    ) -> Result<(), (PathBuf, std::io::Error)> {
        match artifact {
            Artifact::File(bytes) => {
                let path = self.file(format);
                write::atomically(&path, bytes, flush).map_err(|e| (path, e))
            }
            Artifact::Pages(pages) => {
                for (i, bytes) in pages.iter().enumerate() {
                    let path = self.page(format, i + 1, pages.len());
                    write::atomically(&path, bytes, flush).map_err(|e| (path, e))?;
                }
                self.remove_pages_after(format, pages.len());
                Ok(())
            }
        }
    }

    /// Removes `NAME-NN.ext` for every NN past `count`, whatever its width.
    fn remove_pages_after(&self, format: Format, count: usize) {
        let Some(name) = self.stem.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
        let Ok(entries) = std::fs::read_dir(write::folder_of(&self.stem)) else { return };
        let suffix = format!(".{}", format.extension());
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let number =
                file.strip_prefix(&name).and_then(|r| r.strip_prefix('-')).and_then(|r| r.strip_suffix(&suffix));
            let page =
                number.filter(|n| n.len() >= 2 && n.bytes().all(|b| b.is_ascii_digit())).and_then(|n| n.parse().ok());
            if page.is_some_and(|n: usize| n > count) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// `out/x` + `-01.svg` → `out/x-01.svg`.
fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_named_after_the_pdf() {
        let default = Outputs::new(PathBuf::from("r/r.pdf"));
        assert_eq!(default.file(Format::Pdf), Path::new("r/r.pdf"));
        assert_eq!(default.page(Format::Svg, 3, 18), Path::new("r/r-03.svg"));
        assert_eq!(default.page(Format::Png, 7, 120), Path::new("r/r-007.png"));
        // -o without a format's extension: the PDF as named, as before.
        let bare = Outputs::new(PathBuf::from("out/report"));
        assert_eq!(bare.file(Format::Pdf), Path::new("out/report"));
        assert_eq!(bare.page(Format::Svg, 1, 2), Path::new("out/report-01.svg"));
        let svg = Outputs::new(PathBuf::from("out/x.svg"));
        assert_eq!(svg.page(Format::Svg, 1, 2), Path::new("out/x-01.svg"));
        assert_eq!(svg.file(Format::Pdf), Path::new("out/x.pdf"));
    }

    #[test]
    fn pages_of_a_longer_build_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = Outputs::new(dir.path().join("r.pdf"));
        let pages = |n: usize| Artifact::Pages((0..n).map(|i| vec![b'0' + i as u8]).collect());
        outputs.write(Format::Svg, &pages(3), write::Flush::BeforeReplacing).unwrap();
        std::fs::write(dir.path().join("r-notes.svg"), "kept").unwrap();
        outputs.write(Format::Svg, &pages(2), write::Flush::BeforeReplacing).unwrap();
        let mut names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["r-01.svg", "r-02.svg", "r-notes.svg"]);
    }
}
