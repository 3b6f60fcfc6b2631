//! `baogao watch`: rebuilds a report whenever one of its files is saved.
//!
//! One [`Session`] (and so one typst World) lives for the whole watch, so
//! typst recompiles only what an edit touched; old cache entries are evicted
//! after each build. The folder is watched, not single files, so editors that
//! save by writing a new file and renaming it over the old one (vim, VS Code)
//! are seen; only changes to files the report uses start a build. A failed build prints its errors and leaves the last good PDF.
//! Ctrl-C only raises a flag, so a PDF being written is finished (and no
//! temporary file is left) before the watch ends.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Outcome, Session, font_store};
use crate::cli::{InputArgs, WatchArgs};
use crate::report::{METRICS_FILE, REPORT_FILE};
use crate::typeset::diag::{self, MessageFormat};

/// How long a burst of file events (one save is often several) is gathered
/// before rebuilding.
const SETTLE: Duration = Duration::from_millis(15);

/// Builds, then rebuilds on every relevant change until Ctrl-C.
pub fn run(args: &WatchArgs, format: MessageFormat) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // Fails only if a handler is set already; the watch then ends by signal.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let mut session = match Session::open(&args.report, font_store(&args.input), format) {
        Ok(session) => session,
        Err(outcome) => return outcome,
    };
    let output = args.output.clone().unwrap_or_else(|| session.default_output());
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    });
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(e) => return cannot_watch(&e, format),
    };
    if let Err(e) = watcher.watch(session.folder.root(), RecursiveMode::Recursive) {
        return cannot_watch(&e, format);
    }
    let mut used = build(&mut session, &args.input, &output, Vec::new());
    say!("watching {} (Ctrl-C to stop)", session.dir.display());
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(event)) if relevant(&event, session.folder.root(), &used) => {
                std::thread::sleep(SETTLE);
                while rx.try_recv().is_ok() {}
                used = build(&mut session, &args.input, &output, used);
            }
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    say!("stopped watching");
    Outcome::Success
}

/// One build; prints one line with its time, or the errors. Returns the
/// files the report uses (relative to its folder), to watch for the next
/// build; after a failed load, those of the last good one.
fn build(session: &mut Session, input: &InputArgs, output: &Path, used: Vec<String>) -> Vec<String> {
    let start = Instant::now();
    let mut used = used;
    let result = session.load(input).and_then(|job| {
        used = job.loaded.sources.clone();
        let done = session.typeset(&job)?;
        session.write(output, &done)?;
        Ok(done.pages.pages().len())
    });
    let secs = start.elapsed().as_secs_f64();
    match result {
        Ok(pages) => say!("wrote {} ({pages} pages) in {secs:.2} s", output.display()),
        Err(_) => say!("build failed after {secs:.2} s; {} is the last good one", output.display()),
    }
    // Keep the memoized results the next edit is likely to reuse.
    comemo::evict(10);
    used
}

/// A change worth rebuilding for: a file the report uses was created,
/// changed, renamed or removed. report.yaml and metrics.yaml always count
/// (they decide what else is used). Anything else in the folder, such as an
/// editor's temporary and swap files or our own PDFs, is not: an editor that
/// writes `metrics.yaml.new` and renames it over `metrics.yaml` rebuilds once,
/// on the rename.
fn relevant(event: &notify::Event, root: &Path, used: &[String]) -> bool {
    let changes = matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_));
    let watched = |path: &Path| {
        let Ok(rel) = path.strip_prefix(root) else { return false };
        let rel = rel.to_string_lossy();
        rel == REPORT_FILE || rel == METRICS_FILE || used.iter().any(|u| *u == rel)
    };
    changes && event.paths.iter().any(|p| watched(p))
}

fn cannot_watch(e: &notify::Error, format: MessageFormat) -> Outcome {
    let message = format!("cannot watch the report folder: {e}");
    diag::print_plain(
        &[diag::error(message, &["check the folder exists; on Linux, raise fs.inotify.max_user_watches"])],
        format,
    );
    Outcome::ReportError
}
