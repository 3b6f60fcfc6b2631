//! The steps the commands share: open a report folder once ([`Session`]),
//! then load it ([`Job`]), lay it out once ([`Typeset`]), export it to each
//! format asked for ([`Exports`]) and write the files, as often as needed
//! (build once, watch many times).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use typst::diag::SourceDiagnostic;
use typst_layout::PagedDocument;

use super::{Failure, Outcome, Result};
use crate::cli::{FormatArgs, InputArgs};
use crate::export::pdf::{self, Standards};
use crate::export::{Artifact, Context, ExportError, Format, Outputs, html, write};
use crate::report::dates::creation_time;
use crate::report::document::Attachment;
use crate::report::{self, Folder, Loaded, Problem, REPORT_FILE};
use crate::typeset::data::DataFiles;
use crate::typeset::diag::{self, IntoWarning, Message};
use crate::typeset::fonts::{self, FontOptions, Fonts};
use crate::typeset::{BaogaoWorld, compile, templates};

/// The fonts of every report a command builds, indexed once, while the
/// first report loads.
pub fn font_store(input: &InputArgs) -> Arc<Fonts> {
    Fonts::index_in_background(FontOptions { paths: input.font_paths.clone(), system: input.system_fonts })
}

/// A report folder opened for typesetting, with its World kept across
/// builds so typst's caches carry over.
pub struct Session {
    pub world: BaogaoWorld,
    /// The last document typeset, typst's first guess at the next one's
    /// layout (see `typeset::compile`).
    last: Option<PagedDocument>,
    /// The report folder as the user named it.
    pub dir: PathBuf,
    pub folder: Folder,
    /// What the last load resolved, for the next.
    kept: report::Kept,
}

/// A report loaded and checked, ready to typeset.
pub struct Job {
    pub loaded: Loaded,
    pub standards: Standards,
    /// The data files the template reads (`/_data/…`).
    data: DataFiles,
}

/// The report laid out, and how long that took.
pub struct Typeset {
    pub pages: PagedDocument,
    /// typst's warnings, for the command to print.
    pub warnings: Vec<Message>,
    pub compile: Duration,
    /// How many times typst laid the document out.
    pub layouts: usize,
}

/// The formats asked for, and how to make them.
pub struct Asked {
    pub formats: Vec<Format>,
    /// Pixels per inch of raster pages.
    pub ppi: u32,
    /// Only the web page's `<article>`.
    pub html_fragment: bool,
}

impl Asked {
    pub fn of(args: &FormatArgs) -> Self {
        Self { formats: args.formats(), ppi: args.ppi, html_fragment: args.html_fragment }
    }

    /// The PDF alone.
    pub fn pdf() -> Self {
        Self { formats: vec![Format::Pdf], ppi: crate::export::DEFAULT_PPI, html_fragment: false }
    }
}

/// The report in each format asked for.
pub struct Exports {
    pub artifacts: Vec<(Format, Artifact)>,
    pub time: Duration,
    /// How many pages the PDF export took from the last one's (a watch's).
    pub reused: usize,
}

impl Exports {
    /// All bytes, for messages.
    pub fn bytes(&self) -> usize {
        self.artifacts.iter().map(|(_, a)| a.bytes()).sum()
    }

    /// Where the first format's (first) file goes, for messages.
    pub fn first_file(&self, outputs: &Outputs) -> PathBuf {
        let (format, artifact) = &self.artifacts[0];
        outputs.first(*format, artifact)
    }
}

/// The stages' times in one line (`--timings`); no compile when only
/// formats that are not paged were asked for.
pub fn timings(load: Duration, typeset: Option<&Typeset>, exports: &Exports, write: Duration) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let compile = typeset.map_or(String::new(), |t| {
        let layouts = if t.layouts == 1 { "" } else { "s" };
        format!("compile {:.1} ms ({} layout{layouts}), ", ms(t.compile), t.layouts)
    });
    let reused = match (exports.reused, typeset) {
        (0, _) | (_, None) => String::new(),
        (n, Some(t)) => format!(" ({n} of {} pages as before)", t.pages.pages().len()),
    };
    format!("load {:.1} ms, {compile}export {:.1} ms{reused}, write {:.1} ms", ms(load), ms(exports.time), ms(write))
}

impl Job {
    /// Writes the Typst project this job compiles into `dir`: the templates
    /// under `_baogao/`, the data under `_data/`, the pictures as resampled
    /// under `_images/`, and the report's files that typst reads (an own
    /// template, attached sources). `typst compile --root
    /// DIR --ignore-system-fonts --font-path FONTS DIR/<main>` then gives the
    /// same document. Returns the main file's path within `dir`.
    pub fn emit_typst(&self, folder: &Folder, dir: &Path) -> std::io::Result<String> {
        let write = |rel: &str, bytes: &[u8]| -> std::io::Result<()> {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)
        };
        for (path, text) in templates::all() {
            write(&format!("{}/{path}", templates::DIR), text.as_bytes())?;
        }
        // The whole document too, whatever the template reads: a user
        // going on by hand may well start from it.
        for (path, bytes) in DataFiles::of(&self.loaded.document, true).iter() {
            write(path.trim_start_matches('/'), bytes)?;
        }
        for picture in &self.loaded.document.pictures {
            write(picture.path.trim_start_matches('/'), &picture.bytes)?;
        }
        for source in &self.loaded.sources {
            let bytes = folder.read(source).map_err(|e| std::io::Error::other(e.to_string()))?;
            write(source, &bytes)?;
        }
        Ok(match &self.loaded.template {
            report::Template::Builtin(name) => templates::entry(name).trim_start_matches('/').to_string(),
            report::Template::Own(path) => path.clone(),
        })
    }
}

impl Session {
    /// Opens the report folder named by `report` (a folder or its report.yaml).
    pub fn open(report: &Path, fonts: Arc<Fonts>) -> Result<Self> {
        let dir = report_dir(report);
        let folder = Folder::open(&dir).map_err(|e| {
            let message = format!("cannot open the report folder `{}`: {e}", dir.display());
            Failure::plain(Outcome::ReportError, message, &["give the folder that holds report.yaml"])
        })?;
        let world = BaogaoWorld::new(folder.clone(), &dir, fonts);
        Ok(Self { world, last: None, dir, folder, kept: report::Kept::default() })
    }

    /// Loads and checks the report (references, files, fonts' coverage of
    /// every character, standards).
    pub fn load(&mut self, input: &InputArgs) -> Result<Job> {
        let mut loaded = report::load(&self.folder, &input.load_options(), &mut self.kept)
            .map_err(|problems| Failure::problems(&self.world, &problems))?;
        self.world.set_template(&loaded.template);
        let standards = standards(input, &loaded).map_err(|p| Failure::problems(&self.world, &[p]))?;
        let conditional = &loaded.document.conditional;
        let refused: Vec<Problem> = [
            (standards.needs_alt(), &conditional.without_alt),
            (standards.forbids_transparency(), &conditional.transparent),
        ]
        .into_iter()
        .filter(|(applies, _)| *applies)
        .flat_map(|(_, problems)| problems.iter().cloned())
        .collect();
        if !refused.is_empty() {
            return Err(Failure::problems(&self.world, &refused));
        }
        if standards.wants_sources() || input.attach_sources || loaded.attach_sources {
            loaded.document.attachments = loaded.sources.iter().map(|s| Attachment::of(s)).collect();
        }
        loaded.document.meta.created = Some(creation_time(loaded.document.meta.date));
        loaded.document.meta.duplex |= input.duplex;
        let own_template = matches!(loaded.template, report::Template::Own(_));
        let data = DataFiles::of(&loaded.document, own_template);
        // Every character the template can print is in the data: serde_json
        // leaves non-ASCII as it is, and what it adds is ASCII, which the
        // fonts cover. The world holds data checked so (the last build's, in
        // a watch), so only the files that differ from it need looking at.
        let changed = self.world.changed_text(&data).flat_map(str::chars);
        let missing = fonts::uncovered(self.world.fonts().book(), changed);
        if !missing.is_empty() {
            let problems = report::locate_chars(&self.folder, &loaded.sources, &missing);
            return Err(Failure::problems(&self.world, &problems));
        }
        Ok(Job { loaded, standards, data })
    }

    /// Lays the report out.
    pub fn typeset(&mut self, job: &Job) -> Result<Typeset> {
        self.world.set_data(&job.data);
        let start = Instant::now();
        let (result, layouts) = compile::compile(&self.world, self.last.as_ref());
        let warnings: Vec<SourceDiagnostic> = result.warnings.into_iter().collect();
        let pages = result.output.map_err(|errors| {
            let all: Vec<_> = errors.into_iter().chain(warnings.iter().cloned()).collect();
            Failure::report(&self.world, &all)
        })?;
        self.last = Some(pages.clone());
        let mut warnings = diag::locate_all(&self.world, &warnings);
        let report_warnings = job.loaded.warnings.iter().map(|p| diag::from_problem(p).into_warning());
        warnings.splice(0..0, diag::locate_all(&self.world, &report_warnings.collect::<Vec<_>>()));
        Ok(Typeset { pages, warnings, compile: start.elapsed(), layouts })
    }

    /// Lays the report out if one of `formats` is paged.
    pub fn typeset_for(&mut self, job: &Job, formats: &[Format]) -> Result<Option<Typeset>> {
        if formats.iter().any(|f| f.is_paged()) { self.typeset(job).map(Some) } else { Ok(None) }
    }

    /// Exports the report to each of `formats`, in memory: the paged ones
    /// from its laid-out pages (`typeset`, there when one is asked for).
    pub fn export(&self, job: &Job, typeset: Option<&Typeset>, asked: &Asked) -> Result<Exports> {
        let start = Instant::now();
        let loaded = &job.loaded;
        let layout = loaded.template.layout();
        let template = loaded.html_template.as_ref().map(|(path, text)| (path.as_str(), text.as_str()));
        let html = html::Options { layout, fragment: asked.html_fragment, template };
        let cx = Context { document: &loaded.document, standards: &job.standards, ppi: asked.ppi, html };
        let pages = typeset.map(|t| &t.pages);
        let mut artifacts = Vec::with_capacity(asked.formats.len());
        let mut reused = 0;
        for &format in &asked.formats {
            let artifact = format.export(pages, &cx).map_err(|e| self.export_failure(job, e))?;
            if format == Format::Pdf {
                reused = typst_pdf::reused_pages();
            }
            artifacts.push((format, artifact));
        }
        Ok(Exports { artifacts, time: start.elapsed(), reused })
    }

    fn export_failure(&self, job: &Job, error: ExportError) -> Failure {
        match error {
            ExportError::Typst(diagnostics) => Failure::report(&self.world, &diagnostics),
            ExportError::Template(e) => {
                let own = job.loaded.html_template.as_ref().filter(|(path, _)| *path == e.name);
                let Some((path, text)) = own else {
                    let message = format!("the built-in web page template failed: {}", e.message);
                    return Failure::plain(Outcome::ReportError, message, &["please report this as a bug of baogao"]);
                };
                let range = e.line.and_then(|n| line_range(text, n));
                let problem = Problem::new(path, range, format!("the web page template cannot be used: {}", e.message))
                    .hint(format!(
                        "fix `{path}`; baogao's own is `{}`, written by `baogao init DIR --eject`",
                        html::BUILTIN_NAME
                    ));
                Failure::problems(&self.world, &[problem])
            }
        }
    }

    /// Writes every export atomically, flushed to the disk at `flush`.
    pub fn write(&self, outputs: &Outputs, exports: &Exports, flush: write::Flush) -> Result {
        for (format, artifact) in &exports.artifacts {
            outputs.write(*format, artifact, flush).map_err(|(path, e)| cannot_write(&path, &e))?;
        }
        Ok(())
    }

    /// `<report-dir>/<folder-name>.pdf`, or `-o PATH`, and the other
    /// formats beside it.
    pub fn outputs(&self, given: Option<&Path>) -> Outputs {
        let name = self.folder.root().file_name().map(|n| n.to_string_lossy().into_owned());
        let pdf = self.dir.join(format!("{}.pdf", name.as_deref().unwrap_or("report")));
        Outputs::new(given.map_or(pdf, Path::to_path_buf))
    }
}

/// The byte range of line `n` (from 1) of `text`, without its line break.
fn line_range(text: &str, n: usize) -> Option<std::ops::Range<usize>> {
    let start: usize = text.split_inclusive('\n').take(n.checked_sub(1)?).map(str::len).sum();
    let line = text.get(start..)?.lines().next()?;
    Some(start..start + line.len())
}

/// The message for a file that could not be written, with what to do.
fn cannot_write(path: &Path, e: &std::io::Error) -> Failure {
    // tempfile names its (removed) temporary file in the message; the user
    // only needs the reason.
    let reason = e.to_string();
    let reason = reason.split(" at path ").next().unwrap_or(&reason);
    let kept = if write::NotFlushed::is(e) { "" } else { "; any earlier file there is unchanged" };
    let message = format!("cannot write `{}`: {reason}{kept}", path.display());
    let hint = match e.kind() {
        std::io::ErrorKind::StorageFull => "the disk is full: free some space, or write elsewhere with -o PATH",
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
            "the folder cannot be written to: write elsewhere with -o PATH"
        }
        std::io::ErrorKind::IsADirectory => "that path is a folder: name the PDF file, e.g. -o out/report.pdf",
        std::io::ErrorKind::NotFound => "the folder does not exist: create it, or pass -o PATH",
        _ => "check that the folder exists and is writable, or pass -o PATH",
    };
    Failure::plain(Outcome::OutputError, message, &[hint])
}

/// The standards asked for (`--standard`, else `standard:`, else the
/// default), and whether they allow the attachments asked for.
fn standards(input: &InputArgs, loaded: &Loaded) -> std::result::Result<Standards, Problem> {
    let (text, from_flag) = match (&input.standard, &loaded.standard) {
        (Some(flag), _) => (flag.as_str(), true),
        (None, Some(key)) => (key.as_str(), false),
        (None, None) => (pdf::DEFAULT_STANDARD, false),
    };
    let whence = if from_flag { format!("--standard {text}") } else { format!("standard: {text}") };
    let names: Vec<&str> = pdf::standard_names().collect();
    let hint = format!("use {} or `none`, or a combination such as `a-3a,ua-1`", names.join(", "));
    let standards =
        Standards::parse(text).map_err(|e| Problem::new(REPORT_FILE, None, format!("`{whence}`: {e}")).hint(hint))?;
    let attach = input.attach_sources || loaded.attach_sources;
    if attach && !standards.allows_attachments() {
        let message = format!("`{whence}` does not allow attached files, but the sources were to be attached");
        return Err(Problem::new(REPORT_FILE, None, message)
            .hint("attach under PDF/A-3 (`a-3b`, `a-3a`) or PDF/A-4f, or do not ask for `attach_sources`"));
    }
    Ok(standards)
}

/// `content/x` or `content/x/report.yaml` → `content/x`.
fn report_dir(arg: &Path) -> PathBuf {
    if arg.file_name().is_some_and(|n| n == REPORT_FILE) {
        arg.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
    } else {
        arg.to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use ecow::EcoVec;
    use typst::layout::{Em, Frame, FrameItem};
    use typst::model::Document;
    use typst_layout::Page;

    use super::*;

    /// Widens the first glyph of the first run of text in `frame` (looking
    /// into groups) by a quarter em; whether there was one.
    fn widen_first_glyph(frame: &mut Frame) -> bool {
        let mut done = false;
        frame.retain(|item| {
            match item {
                _ if done => {}
                FrameItem::Text(text) if !text.glyphs.is_empty() => {
                    text.glyphs[0].x_advance += Em::new(0.25);
                    done = true;
                }
                FrameItem::Group(group) => done = widen_first_glyph(&mut group.frame),
                _ => {}
            }
            true
        });
        done
    }

    /// A watch's export takes a page from the last one by a key of its
    /// text, fonts and places but not its glyphs' advances, which are
    /// compared instead: a page whose key is the same but whose glyphs are
    /// not (a line justified anew with the same words) must be drawn again.
    #[test]
    fn a_page_is_taken_from_the_last_export_only_if_its_glyphs_are_the_same() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let fonts = Fonts::index_in_background(FontOptions::default());
        let mut session = Session::open(&folder, fonts).expect("opens");
        let job = session.load(&InputArgs::default()).expect("loads");
        let built = session.typeset(&job).expect("typesets");
        let export = |document: &PagedDocument| {
            let bytes = pdf::export(document, &job.loaded.document.meta, &job.standards, &[]).expect("exports");
            (bytes, typst_pdf::reused_pages())
        };

        // Reuse is per thread, so this test's exports see only each other.
        typst_pdf::reuse_pages(true);
        let (first, _) = export(&built.pages);
        let (again, taken) = export(&built.pages);
        assert!(again == first, "the same document gave other bytes");
        assert!(taken >= 1, "no page was taken from the last export");

        let mut pages: EcoVec<Page> = built.pages.pages().into();
        let last = pages.make_mut().last_mut().expect("a page");
        assert!(widen_first_glyph(&mut last.frame), "the last page has no text");
        let widened = PagedDocument::new(pages, built.pages.info().clone());
        let (watched, taken_now) = export(&widened);
        typst_pdf::reuse_pages(false);
        let (fresh, _) = export(&widened);
        assert!(fresh != first, "widening a glyph changed nothing");
        assert!(watched == fresh, "the watch's export differs from a fresh one");
        assert_eq!(taken_now, taken - 1, "a page other than the widened one was drawn again");
    }
}
