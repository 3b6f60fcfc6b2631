//! `baogao build`: report folders → PDFs. One report prints where its PDF
//! went; many are built in parallel, sharing the font index, with progress
//! and a summary, and one failure does not stop the others.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::session::{self, Asked, Job, Session, font_store};
use super::{Failure, Outcome, Result};
use crate::cli::{BuildArgs, InputArgs};
use crate::export::write::Flush;
use crate::report::REPORT_FILE;
use crate::typeset::diag::{self, MessageFormat};
use crate::typeset::fonts::Fonts;

/// A report built: where its first output went.
struct Built {
    output: PathBuf,
    /// None when only formats that are not paged were written.
    pages: Option<usize>,
    bytes: usize,
}

/// Builds every report named, then says what became of each.
pub fn run(args: &BuildArgs, format: MessageFormat) -> Result {
    let start = Instant::now();
    let reports = expand(&args.reports)
        .map_err(|message| usage(message, "name report folders, folders of them, or a pattern such as 'content/*'"))?;
    let single_only =
        [("-o", args.output.is_some()), ("--emit-typst", args.emit_typst.is_some()), ("--timings", args.timings)];
    if let Some((flag, _)) = single_only.iter().find(|(_, given)| *given).filter(|_| reports.len() > 1) {
        let message = format!("{flag} is for one report, but several are to be built");
        return Err(usage(message, &format!("build that report alone to use {flag}")));
    }
    let fonts = font_store(&args.input);
    let asked = Asked::of(&args.formats);
    let mut plan = Plan {
        input: &args.input,
        asked: &asked,
        format,
        output: args.output.as_deref(),
        emit_typst: args.emit_typst.as_deref(),
        timings: args.timings,
    };
    if let [report] = reports.as_slice() {
        let built = build_report(report, &plan, fonts)?;
        let (mb, secs) = (built.bytes as f64 / 1e6, start.elapsed().as_secs_f64());
        let pages = built.pages.map_or(String::new(), |n| format!("{n} pages, "));
        say!("wrote {} ({pages}{mb:.1} MB) in {secs:.2} s", built.output.display());
        return Ok(());
    }
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    // The single-report options were refused above for several.
    (plan.output, plan.emit_typst, plan.timings) = (None, None, false);
    let results = build_many(&reports, jobs, &plan, &fonts);
    summarise(&reports, &results, start)
}

fn usage(message: impl Into<String>, hint: &str) -> Failure {
    Failure::plain(Outcome::UsageError, message, &[hint])
}

/// What a build of a report writes and prints: the formats, and for a
/// single report the single-report options (-o, --emit-typst, --timings).
struct Plan<'a> {
    input: &'a InputArgs,
    asked: &'a Asked,
    format: MessageFormat,
    output: Option<&'a Path>,
    emit_typst: Option<&'a Path>,
    timings: bool,
}

/// Opens, loads, typesets and writes one report; prints its warnings.
fn build_report(report: &Path, plan: &Plan, fonts: Arc<Fonts>) -> Result<Built> {
    let start = Instant::now();
    let mut session = Session::open(report, fonts)?;
    let job = session.load(plan.input)?;
    let loaded = start.elapsed();
    if let Some(dir) = plan.emit_typst {
        emit(&session, &job, dir)?;
    }
    let typeset = session.typeset_for(&job, &plan.asked.formats)?;
    if let Some(typeset) = &typeset {
        diag::emit(&typeset.warnings, plan.format);
    }
    let exports = session.export(&job, typeset.as_ref(), plan.asked)?;
    let outputs = session.outputs(plan.output);
    let before_write = Instant::now();
    session.write(&outputs, &exports, Flush::BeforeReplacing)?;
    if plan.timings {
        say!("{}", session::timings(loaded, typeset.as_ref(), &exports, before_write.elapsed()));
    }
    let pages = typeset.map(|t| t.pages.pages().len());
    Ok(Built { output: exports.first_file(&outputs), pages, bytes: exports.bytes() })
}

/// Writes the Typst project and says how to compile it.
fn emit(session: &Session, job: &Job, dir: &Path) -> Result {
    let main = job.emit_typst(&session.folder, dir).map_err(|e| {
        let message = format!("cannot write the Typst project into `{}`: {e}", dir.display());
        Failure::plain(Outcome::OutputError, message, &["check that the folder is writable"])
    })?;
    say!(
        "wrote the Typst project to {}; compile it with: typst compile --root {} --ignore-system-fonts --font-path <baogao>/fonts {}",
        dir.display(),
        dir.display(),
        dir.join(main).display()
    );
    Ok(())
}

/// How one report of many ended: its failure is printed already.
type Ended = std::result::Result<Built, Outcome>;

/// Builds one report of many; prints its warnings and errors as it ends,
/// so that they stand with its report.
fn build_each(report: &Path, plan: &Plan, fonts: Arc<Fonts>) -> Ended {
    build_report(report, plan, fonts).map_err(|failure| {
        diag::emit(&failure.messages, plan.format);
        failure.outcome
    })
}

/// Builds `reports` on `jobs` threads; results in the reports' order.
fn build_many(reports: &[PathBuf], jobs: usize, plan: &Plan, fonts: &Arc<Fonts>) -> Vec<Ended> {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Ended>>> = reports.iter().map(|_| Mutex::new(None)).collect();
    let terminal = std::io::stderr().is_terminal();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(reports.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(report) = reports.get(i) else { break };
                    let result = build_each(report, plan, fonts.clone());
                    let done = finished.fetch_add(1, Ordering::SeqCst) + 1;
                    progress(done, reports.len(), report, &result, terminal);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                }
            });
        }
    });
    if terminal {
        eprintln!();
    }
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or(Err(Outcome::ReportError)))
        .collect()
}

/// One line per finished report; on a terminal, one line rewritten in place.
fn progress(done: usize, total: usize, report: &Path, result: &Ended, terminal: bool) {
    let state = if result.is_ok() { "ok" } else { "FAILED" };
    if terminal {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{done}/{total}] {state} {}", report.display());
        let _ = err.flush();
    } else {
        match result {
            Ok(built) => say!("[{done}/{total}] ok {} -> {}", report.display(), built.output.display()),
            Err(_) => say!("[{done}/{total}] FAILED {}", report.display()),
        }
    }
}

/// The summary line, and the exit code: the worst outcome of any report.
fn summarise(reports: &[PathBuf], results: &[Ended], start: Instant) -> Result {
    let failed: Vec<String> =
        reports.iter().zip(results).filter(|(_, r)| r.is_err()).map(|(p, _)| p.display().to_string()).collect();
    let secs = start.elapsed().as_secs_f64();
    say!("built {} of {} reports in {secs:.2} s", reports.len() - failed.len(), reports.len());
    if !failed.is_empty() {
        say!("failed: {}", failed.join(", "));
    }
    match results.iter().filter_map(|r| r.as_ref().err().copied()).max() {
        Some(worst) => Err(Failure::printed(worst)),
        None => Ok(()),
    }
}

/// The report folders the arguments name: a report folder (or its
/// report.yaml), a folder whose subfolders are reports, or a glob pattern.
fn expand(args: &[PathBuf]) -> std::result::Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for arg in args {
        let text = arg.to_string_lossy();
        if !arg.exists() && text.contains(['*', '?', '[']) {
            let matches: Vec<PathBuf> = glob::glob(&text)
                .map_err(|e| format!("`{text}` is not a pattern: {e}"))?
                .filter_map(|path| path.ok())
                .collect();
            let reports: Vec<PathBuf> = matches.into_iter().filter(|p| is_report(p)).collect();
            if reports.is_empty() {
                return Err(format!("`{text}` matches no report folder"));
            }
            out.extend(reports);
        } else if is_report(arg) || !arg.is_dir() {
            out.push(arg.clone()); // a missing path is reported when opened
        } else {
            let mut children: Vec<PathBuf> = std::fs::read_dir(arg)
                .map_err(|e| format!("cannot read `{}`: {e}", arg.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_report(p))
                .collect();
            if children.is_empty() {
                return Err(format!("`{}` holds no report.yaml, nor folders that do", arg.display()));
            }
            children.sort();
            out.extend(children);
        }
    }
    Ok(out)
}

/// A report folder, or a report.yaml.
fn is_report(path: &Path) -> bool {
    path.join(REPORT_FILE).is_file() || (path.is_file() && path.file_name().is_some_and(|n| n == REPORT_FILE))
}
