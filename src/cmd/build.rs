//! `baogao build`: report folders → PDFs. One report prints where its PDF
//! went; many are built in parallel, sharing the font index, with progress
//! and a summary, and one failure does not stop the others.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Job, Outcome, Session, font_store};
use crate::cli::{BuildArgs, InputArgs};
use crate::report::REPORT_FILE;
use crate::typeset::diag::{self, MessageFormat};
use crate::typeset::fonts::Fonts;
use crate::typeset::pdf::Flush;

/// A report built: where its PDF went.
struct Built {
    output: PathBuf,
    pages: usize,
    bytes: usize,
}

/// Builds every report named, then says what became of each.
pub fn run(args: &BuildArgs, format: MessageFormat) -> Outcome {
    let start = Instant::now();
    let reports = match expand(&args.reports) {
        Ok(reports) => reports,
        Err(message) => {
            return usage(&message, "name report folders, folders of them, or a pattern such as 'content/*'", format);
        }
    };
    let single_only =
        [("-o", args.output.is_some()), ("--emit-typst", args.emit_typst.is_some()), ("--timings", args.timings)];
    if let Some((flag, _)) = single_only.iter().find(|(_, given)| *given).filter(|_| reports.len() > 1) {
        let message = format!("{flag} is for one report, but several are to be built");
        return usage(&message, &format!("build that report alone to use {flag}"), format);
    }
    let fonts = font_store(&args.input);
    if let [report] = reports.as_slice() {
        return match build_one(report, args, fonts, format) {
            Ok(built) => {
                let (mb, secs) = (built.bytes as f64 / 1e6, start.elapsed().as_secs_f64());
                say!("wrote {} ({} pages, {mb:.1} MB) in {secs:.2} s", built.output.display(), built.pages);
                Outcome::Success
            }
            Err(outcome) => outcome,
        };
    }
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let results = build_many(&reports, jobs, &args.input, &fonts, format);
    summarise(&reports, &results, start)
}

fn usage(message: &str, hint: &str, format: MessageFormat) -> Outcome {
    diag::print_plain(&[diag::error(message.to_string(), &[hint])], format);
    Outcome::UsageError
}

/// Builds the one report named, with the single-report options (-o,
/// --emit-typst, --timings).
fn build_one(report: &Path, args: &BuildArgs, fonts: Arc<Fonts>, format: MessageFormat) -> Result<Built, Outcome> {
    let start = Instant::now();
    let mut session = Session::open(report, fonts, format)?;
    let job = session.load(&args.input)?;
    let loaded = start.elapsed();
    if let Some(dir) = &args.emit_typst {
        emit(&session, &job, dir, format)?;
    }
    let done = session.typeset(&job)?;
    let output = args.output.clone().unwrap_or_else(|| session.default_output());
    let before_write = Instant::now();
    session.write(&output, &done, Flush::BeforeReplacing)?;
    if args.timings {
        say!("{}", done.timings(loaded, before_write.elapsed()));
    }
    Ok(Built { output, pages: done.pages.pages().len(), bytes: done.pdf.len() })
}

/// Writes the Typst project and says how to compile it.
fn emit(session: &Session, job: &Job, dir: &Path, format: MessageFormat) -> Result<(), Outcome> {
    let main = job.emit_typst(&session.folder, dir).map_err(|e| {
        let message = format!("cannot write the Typst project into `{}`: {e}", dir.display());
        diag::print_plain(&[diag::error(message, &["check that the folder is writable"])], format);
        Outcome::OutputError
    })?;
    say!(
        "wrote the Typst project to {}; compile it with: typst compile --root {} --ignore-system-fonts --font-path <baogao>/fonts {}",
        dir.display(),
        dir.display(),
        dir.join(main).display()
    );
    Ok(())
}

/// Opens, loads, typesets and writes one report of many.
fn build_each(report: &Path, input: &InputArgs, fonts: Arc<Fonts>, format: MessageFormat) -> Result<Built, Outcome> {
    let mut session = Session::open(report, fonts, format)?;
    let job = session.load(input)?;
    let done = session.typeset(&job)?;
    let output = session.default_output();
    session.write(&output, &done, Flush::BeforeReplacing)?;
    Ok(Built { output, pages: done.pages.pages().len(), bytes: done.pdf.len() })
}

/// Builds `reports` on `jobs` threads; results in the reports' order.
fn build_many(
    reports: &[PathBuf],
    jobs: usize,
    input: &InputArgs,
    fonts: &Arc<Fonts>,
    format: MessageFormat,
) -> Vec<Result<Built, Outcome>> {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Built, Outcome>>>> = reports.iter().map(|_| Mutex::new(None)).collect();
    let terminal = std::io::stderr().is_terminal();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(reports.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(report) = reports.get(i) else { break };
                    let result = build_each(report, input, fonts.clone(), format);
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
fn progress(done: usize, total: usize, report: &Path, result: &Result<Built, Outcome>, terminal: bool) {
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
fn summarise(reports: &[PathBuf], results: &[Result<Built, Outcome>], start: Instant) -> Outcome {
    let failed: Vec<String> =
        reports.iter().zip(results).filter(|(_, r)| r.is_err()).map(|(p, _)| p.display().to_string()).collect();
    let secs = start.elapsed().as_secs_f64();
    say!("built {} of {} reports in {secs:.2} s", reports.len() - failed.len(), reports.len());
    if !failed.is_empty() {
        say!("failed: {}", failed.join(", "));
    }
    results.iter().filter_map(|r| r.as_ref().err().copied()).max().unwrap_or(Outcome::Success)
}

/// The report folders the arguments name: a report folder (or its
/// report.yaml), a folder whose subfolders are reports, or a glob pattern.
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for arg in args {
        let text = arg.to_string_lossy();
        if !arg.exists() && text.contains(['*', '?', '[']) {
            let matches: Vec<PathBuf> = glob::glob(&text)
                .map_err(|e| format!("`{text}` is not a pattern: {e}"))?
                .filter_map(Result::ok)
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
