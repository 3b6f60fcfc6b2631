//! `baogao watch`: rebuilds a report whenever one of its files is saved.
//!
//! One [`Session`] (and so one typst World, and the last document as the
//! first guess of the next layout) lives for the whole watch, so typst
//! recompiles only what an edit touched; old cache entries are evicted once
//! after each build that compiled, when the watch is idle. The folder is watched, not single files, so
//! editors that save by writing a new file and renaming it over the old one
//! (vim, VS Code) are seen; only a change to the content of a file the
//! report uses starts a build, and it starts as soon as the save ends (the
//! file closed, or renamed into place). A failed build prints its errors
//! and leaves the last good PDF. Ctrl-C only raises a flag, so a PDF being
//! written is finished (and no temporary file is left) before the watch
//! ends.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::session::{self, Asked, Session, font_store};
use super::{Failure, Outcome, Result};
use crate::cli::WatchArgs;
use crate::export::write::Flush;
use crate::export::{Format, Outputs};
use crate::report::{Folder, METRICS_FILE, REPORT_FILE};
use crate::typeset::diag::{self, MessageFormat};

/// How long to wait for the rest of a save whose end the system does not
/// report: a save is usually several events, and a file closed after writing
/// (or renamed into place) is complete at once, so this is only a fallback,
/// long enough for a writer that pauses between pieces on a busy machine.
const SETTLE: Duration = Duration::from_millis(100);

/// Builds, then rebuilds on every relevant change until Ctrl-C.
pub fn run(args: &WatchArgs, format: MessageFormat) -> Result {
    let stop = stop_on_ctrl_c();
    let mut session = Session::open(&args.report, font_store(&args.input))?;
    let outputs = session.outputs(args.output.as_deref());
    let target = Target { outputs, asked: Asked::of(&args.formats), format };
    // Most pages of a rebuild are drawn as in the last one: take those
    // drawings instead of drawing them again (exports run on this thread).
    typst_pdf::reuse_pages(true);
    let started = format!("watching {} (Ctrl-C to stop)", session.dir.display());
    watch_folder(&mut session, &stop, &started, |session, files| build(session, args, &target, files))?;
    say!("stopped watching");
    Ok(())
}

/// A flag Ctrl-C raises: the command finishes what it is writing, then
/// stops.
pub(super) fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // Fails only if a handler is set already; the command then ends by signal.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    stop
}

/// How long after a build typst's caches are aged ([`after_compile`]) if
/// no save comes first. The eviction frees much of the heap, which takes
/// a core for tens of milliseconds on a long report: right after the build
/// it held back the browser showing the preview's new pages.
const AGE_AFTER: Duration = Duration::from_millis(150);

/// How often the watch looks at the stop flag while no event comes.
const POLL: Duration = Duration::from_millis(100);

/// Calls `build` once, says `started`, then calls it again on every save
/// that changes a file the report uses, until `stop` is raised. `build`
/// sets the files it used (`Watched::used`) when the report loads, and says
/// whether it compiled; typst's caches are aged once after each build that
/// did, when the watch is idle or else before the next build.
pub(super) fn watch_folder(
    session: &mut Session,
    stop: &AtomicBool,
    started: &str,
    mut build: impl FnMut(&mut Session, &mut Watched) -> bool,
) -> Result {
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    });
    let mut watcher = watcher.map_err(|e| cannot_watch(&e))?;
    watcher.watch(session.folder.root(), RecursiveMode::Recursive).map_err(|e| cannot_watch(&e))?;
    let mut files = Watched { folder: session.folder.clone(), used: Vec::new(), built: Vec::new() };
    files.built = files.contents();
    // Every table cell through a cache entry of its own: a rebuild takes an
    // unchanged cell in one look-up (typst-layout, vendor/typst-layout/BAOGAO.md 6).
    typst_layout::memoize_cells(true);
    let mut age_at = build(session, &mut files).then(|| Instant::now() + AGE_AFTER);
    say!("{started}");
    while !stop.load(Ordering::SeqCst) {
        if age_at.is_some_and(|at| Instant::now() >= at) {
            age_at = None;
            after_compile();
        }
        let wait = age_at.map_or(POLL, |at| at.saturating_duration_since(Instant::now()).min(POLL));
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) if files.changed(&event) => {
                if !files.saved(&event) {
                    settle(&rx, &files);
                }
                while rx.try_recv().is_ok() {}
                // A save is several events, and one may come after the
                // build it started has begun (a rename's last); a file can
                // also be closed unchanged. Only a change of content builds.
                let now = files.contents();
                if now == files.built {
                    continue;
                }
                files.built = now;
                if age_at.take().is_some() {
                    after_compile();
                }
                age_at = build(session, &mut files).then(|| Instant::now() + AGE_AFTER);
            }
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// What a watch writes, and how it prints.
struct Target {
    outputs: Outputs,
    asked: Asked,
    format: MessageFormat,
}

/// One build; prints one line with its time, or the errors. A build that
/// loads updates the files watched; after a failed load they stay those of
/// the last good one.
fn build(session: &mut Session, args: &WatchArgs, target: &Target, files: &mut Watched) -> bool {
    let start = Instant::now();
    let mut compiled = false;
    let result = session.load(&args.input).and_then(|job| {
        let loaded = start.elapsed();
        files.used = job.loaded.sources.clone();
        compiled = true;
        let typeset = session.typeset_for(&job, &target.asked.formats)?;
        if let Some(typeset) = &typeset {
            diag::emit(&typeset.warnings, target.format);
        }
        let exports = session.export(&job, typeset.as_ref(), &target.asked)?;
        let before_write = Instant::now();
        session.write(&target.outputs, &exports, Flush::AfterReplacing)?;
        if args.timings {
            say!("{}", session::timings(loaded, typeset.as_ref(), &exports, before_write.elapsed()));
        }
        let pages = typeset.map_or(String::new(), |t| format!(" ({} pages)", t.pages.pages().len()));
        Ok((exports.first_file(&target.outputs), pages))
    });
    let secs = start.elapsed().as_secs_f64();
    match result {
        Ok((output, pages)) => say!("wrote {}{pages} in {secs:.2} s", output.display()),
        Err(failure) => {
            diag::emit(&failure.messages, target.format);
            match target.asked.formats[0] {
                format @ (Format::Pdf | Format::Html) => {
                    let last = target.outputs.file(format);
                    say!("build failed after {secs:.2} s; {} is the last good one", last.display());
                }
                _ => say!("build failed after {secs:.2} s; the last good pages are kept"),
            }
        }
    }
    // A build that stopped at loading (a YAML error) compiled nothing and
    // ages nothing, so typing through an error loses no results.
    compiled
}

/// After a build that compiled: typst's caches keep what this compile
/// used, and the heap is settled for the next. Those results hold
/// everything an edit leaves alone. typst-cli keeps those of the last ten
/// compiles, which makes an undo quick but every lookup slower (more
/// results to choose from): the 10x report's one-figure rebuild took about
/// 3 ms more, and an undo costs what any edit does.
fn after_compile() {
    comemo::evict(1);
    settle_heap();
}

/// The eviction has just freed much of the heap, and glibc sorts freed
/// blocks into its bins only when a later allocation finds no block of its
/// size: that would be the next build's first read of a file. One such
/// allocation now does the sorting while nothing waits.
fn settle_heap() {
    std::hint::black_box(Vec::<u8>::with_capacity(256 << 10));
}

/// Waits for the save that began with a change to end: until a file the
/// report uses is saved, or no event has come for [`SETTLE`], and never
/// longer than a second (another program writing in the folder all the
/// time must not hold the build back).
fn settle(rx: &mpsc::Receiver<notify::Result<notify::Event>>, files: &Watched) {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let wait = SETTLE.min(deadline.saturating_duration_since(Instant::now()));
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) if files.saved(&event) => return,
            Ok(_) if wait > Duration::ZERO => {}
            _ => return,
        }
    }
}

/// The files a build depends on: report.yaml and metrics.yaml always (they
/// decide what else is used), and the files the last good build read.
/// Anything else in the folder, such as an editor's temporary and swap files
/// or our own PDFs, is not watched: an editor that writes `metrics.yaml.new`
/// and renames it over `metrics.yaml` rebuilds once, on the rename.
pub(super) struct Watched {
    folder: Folder,
    /// Relative to the folder, as the report names them.
    pub used: Vec<String>,
    /// The [`contents`](Self::contents) the last build started from.
    built: Contents,
}

/// Files by name, with their bytes (`None`: missing or unreadable).
type Contents = Vec<(String, Option<Vec<u8>>)>;

impl Watched {
    /// The files the report uses, as they are now. Kept whole and compared
    /// byte for byte, not hashed: hashing the 10x report's 230 KB was about
    /// 0.2 ms of each rebuild (`perf`), and a comparison is a `memcmp`.
    fn contents(&self) -> Contents {
        let files = [REPORT_FILE, METRICS_FILE].into_iter().chain(self.used.iter().map(String::as_str));
        files.map(|f| (f.to_string(), self.folder.read(f).ok())).collect()
    }

    fn uses(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(self.folder.root()) else { return false };
        let rel = rel.to_string_lossy();
        rel == REPORT_FILE || rel == METRICS_FILE || self.used.iter().any(|u| *u == rel)
    }

    /// A change worth rebuilding for: a used file was created, written,
    /// renamed or removed.
    fn changed(&self, event: &notify::Event) -> bool {
        let kind = matches!(
            event.kind,
            EventKind::Create(_)
                | EventKind::Modify(_)
                | EventKind::Remove(_)
                | EventKind::Access(AccessKind::Close(AccessMode::Write))
        );
        kind && event.paths.iter().any(|p| self.uses(p))
    }

    /// A change that ends a save, so the build need not wait: a used file
    /// closed after writing, or renamed into place. A write, a new file or
    /// a removal may still be followed by more (the rest of the text; the
    /// file that replaces the removed one).
    fn saved(&self, event: &notify::Event) -> bool {
        let target = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => event.paths.first(),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)) => event.paths.first(),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => event.paths.get(1),
            _ => None,
        };
        target.is_some_and(|p| self.uses(p))
    }
}

fn cannot_watch(e: &notify::Error) -> Failure {
    let message = format!("cannot watch the report folder: {e}");
    let hints = ["check the folder exists; on Linux, raise fs.inotify.max_user_watches"];
    Failure::plain(Outcome::ReportError, message, &hints)
}
