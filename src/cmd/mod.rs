//! One file per command, each with one entry function, and the steps the
//! commands share: open the report, load it, typeset it.

pub mod build;
pub mod check;
pub mod extract;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::SourceDiagnostic;
use typst_layout::PagedDocument;

use crate::cli::InputArgs;
use crate::report::document::Attachment;
use crate::report::{self, Folder, Loaded, Problem, REPORT_FILE};
use crate::typeset::diag::{self, MessageFormat};
use crate::typeset::fonts::{self, FontOptions};
use crate::typeset::pdf::Standards;
use crate::typeset::{BaogaoWorld, pdf};

/// How a command ended, mapped to the process exit code (see README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done.
    Success,
    /// 1: the report has errors (printed).
    ReportError,
    /// 3: the output could not be written (printed).
    OutputError,
}

/// A report loaded into its World, ready to typeset.
pub struct Prepared {
    pub world: BaogaoWorld,
    pub loaded: Loaded,
    /// The report folder as the user named it.
    pub dir: PathBuf,
    pub folder: Folder,
    pub format: MessageFormat,
    pub standards: Standards,
}

/// The typeset report.
pub struct Typeset {
    pub pages: PagedDocument,
    pub pdf: Vec<u8>,
}

/// Opens the report folder, loads and checks the report (references,
/// files, fonts' coverage of every character); prints problems.
pub fn prepare(input: &InputArgs, format: MessageFormat) -> Result<Prepared, Outcome> {
    let dir = report_dir(&input.report);
    let font_options = FontOptions { paths: input.font_paths.clone(), system: input.system_fonts };
    let fonts = Arc::new(fonts::store(&font_options));
    let folder = Folder::open(&dir).map_err(|e| {
        let message = format!("cannot open the report folder `{}`: {e}", dir.display());
        diag::print_plain(&[diag::error(message, &["give the folder that holds report.yaml"])], format);
        Outcome::ReportError
    })?;
    let mut world = BaogaoWorld::new(folder.clone(), &dir, fonts);
    let fail = |world: &BaogaoWorld, problems: &[report::Problem]| {
        let diags: Vec<_> = problems.iter().map(diag::from_problem).collect();
        diag::print(world, &diags, format);
        Outcome::ReportError
    };
    let mut loaded = report::load(&folder).map_err(|problems| fail(&world, &problems))?;
    world.set_template(&loaded.template);
    let standards = standards(input, &loaded).map_err(|problem| fail(&world, &[problem]))?;
    if standards.wants_sources() || input.attach_sources || loaded.attach_sources {
        loaded.document.attachments = loaded.sources.iter().map(|s| Attachment::of(s)).collect();
    }
    loaded.document.meta.created = Some(pdf::creation_time(loaded.document.meta.date));
    loaded.document.meta.duplex |= input.duplex;
    let missing = fonts::uncovered(world.fonts().book(), document_chars(&loaded));
    if !missing.is_empty() {
        return Err(fail(&world, &report::locate_chars(&folder, &loaded.sources, &missing)));
    }
    Ok(Prepared { world, loaded, dir, folder, format, standards })
}

/// The standards asked for (`--standard`, else `standard:`, else the
/// default), and whether they allow the attachments asked for.
fn standards(input: &InputArgs, loaded: &Loaded) -> Result<Standards, Problem> {
    let (text, from_flag) = match (&input.standard, &loaded.standard) {
        (Some(flag), _) => (flag.as_str(), true),
        (None, Some(key)) => (key.as_str(), false),
        (None, None) => (pdf::DEFAULT_STANDARD, false),
    };
    let whence = if from_flag { format!("--standard {text}") } else { format!("standard: {text}") };
    let hint = format!("use {} or `none`, or a combination such as `a-3a,ua-1`", pdf::STANDARD_NAMES.join(", "));
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

/// Every character of the document's text.
fn document_chars(loaded: &Loaded) -> Vec<char> {
    let json = serde_json::to_string(&loaded.document).unwrap_or_default();
    // serde_json leaves non-ASCII characters as they are; what it adds
    // (quotes, brackets, escapes) is ASCII, which the fonts cover.
    json.chars().collect()
}

/// Compiles and exports the PDF in memory; prints warnings and errors.
pub fn typeset(p: &mut Prepared) -> Result<Typeset, Outcome> {
    let json = serde_json::to_vec(&p.loaded.document).expect("the document model always serialises");
    p.world.set_data(json);
    let result = typst::compile::<PagedDocument>(&p.world);
    let warnings: Vec<SourceDiagnostic> = result.warnings.into_iter().collect();
    let pages = result.output.map_err(|errors| {
        let all: Vec<_> = errors.into_iter().chain(warnings.iter().cloned()).collect();
        diag::print(&p.world, &all, p.format);
        Outcome::ReportError
    })?;
    if !warnings.is_empty() {
        diag::print(&p.world, &warnings, p.format);
    }
    let pdf = pdf::export(&pages, &p.loaded.document.meta, &p.standards).map_err(|errors| {
        diag::print(&p.world, &errors, p.format);
        Outcome::ReportError
    })?;
    Ok(Typeset { pages, pdf })
}

/// `content/x` or `content/x/report.yaml` → `content/x`.
fn report_dir(arg: &Path) -> PathBuf {
    if arg.file_name().is_some_and(|n| n == REPORT_FILE) {
        arg.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
    } else {
        arg.to_path_buf()
    }
}
