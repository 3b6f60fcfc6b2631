//! `baogao import FILE DIR`: a report folder from a document the office
//! has; `--check` says what it would make, and what it could not place.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use super::{Failure, Outcome, Result};
use crate::cli::ImportArgs;
use crate::export::write::{self, Flush};
use crate::import::{self, LastYear, MAX_INPUT_BYTES};
use crate::report::{Folder, REPORT_FILE, previous};

pub fn run(args: &ImportArgs) -> Result {
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = read_input(&args.file)?;
    let source = import::read(&name, &bytes).map_err(|e| refused(&args.file, &e.message, &e.hint))?;
    if args.dir.join(REPORT_FILE).exists() && !args.force && !args.check {
        let message = format!("`{}` already holds a report", args.dir.join(REPORT_FILE).display());
        return Err(refused_plain(message, "give a new folder, or add --force to replace that report"));
    }
    let last_year = args.previous.as_deref().map(|dir| last_year(dir, &args.dir)).transpose()?;
    let imported = import::import(source, &name, last_year.as_ref());
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    if args.check {
        for u in &imported.unplaced {
            say!("{}:{}: {} — {}", args.file.display(), u.line, u.figure, u.why);
        }
        say!(
            "{} figures would become metrics; {} numbers stay text (listed above)",
            imported.figures,
            imported.unplaced.len()
        );
        return Ok(());
    }
    for (path, bytes) in &imported.folder.files {
        let target = args.dir.join(path);
        std::fs::create_dir_all(write::folder_of(&target))
            .and_then(|_| write::atomically(&target, bytes, Flush::BeforeReplacing))
            .map_err(|e| {
                let message = format!("cannot write `{}`: {e}", target.display());
                Failure::plain(Outcome::OutputError, message, &["check that the folder is writable"])
            })?;
    }
    say!(
        "imported {} into {}: {} figures as metrics, {} numbers left as text (see `baogao import --check`)",
        args.file.display(),
        args.dir.display(),
        imported.figures,
        imported.unplaced.len()
    );
    say!("build it with: baogao build {}", args.dir.display());
    Ok(())
}

fn refused(file: &Path, message: &str, hint: &str) -> Failure {
    Failure::plain(Outcome::ReportError, format!("{}: {message}", file.display()), &[hint])
}

fn refused_plain(message: String, hint: &str) -> Failure {
    Failure::plain(Outcome::ReportError, message, &[hint])
}

/// The document's bytes, refusing a file larger than any report's text.
fn read_input(file: &Path) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        refused(file, &format!("cannot be read: {e}"), "give the path of a .txt, .html or .docx file")
    };
    let size = std::fs::metadata(file).map_err(cannot)?.len();
    if size > MAX_INPUT_BYTES {
        let message =
            format!("is {:.1} MB; baogao imports documents of at most {} MB", size as f64 / 1e6, MAX_INPUT_BYTES >> 20);
        return Err(refused(file, &message, "a year's summary is well under 1 MB: save the article alone"));
    }
    std::fs::read(file).map_err(cannot)
}

/// Last year's report folder, with its path as seen from `dir`.
fn last_year(last: &Path, dir: &Path) -> Result<LastYear> {
    let folder = Folder::open(last)
        .map_err(|e| refused(last, &format!("cannot be opened: {e}"), "name last year's report folder"))?;
    let metrics =
        previous::metrics_of(&folder).map_err(|p| refused(last, &p.message, "name last year's report folder"))?;
    let metrics = metrics.into_iter().map(|(id, m)| (id, m.label, m.unit.unwrap_or_default())).collect();
    Ok(LastYear { path: relative(last, dir), metrics })
}

/// `last` as a path from inside `dir` (`../shiqiao-2020`).
fn relative(last: &Path, dir: &Path) -> String {
    let parts = |p: &Path| -> Vec<OsString> {
        let mut out = Vec::new();
        for c in std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(n) => out.push(n.to_os_string()),
                _ => {}
            }
        }
        out
    };
    let (from, to) = (parts(dir), parts(last));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = std::iter::repeat_n(OsString::from(".."), from.len() - common).collect();
    path.extend(&to[common..]);
    path.to_string_lossy().replace('\\', "/")
}
