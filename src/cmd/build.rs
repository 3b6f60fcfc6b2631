//! `baogao build`: report folder → PDF.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Outcome, prepare, typeset};
use crate::cli::BuildArgs;
use crate::report::Folder;
use crate::typeset::diag::{self, MessageFormat};
use crate::typeset::pdf;

/// Builds one report and says where the PDF went and how long it took.
pub fn run(args: &BuildArgs, format: MessageFormat) -> Outcome {
    let start = Instant::now();
    let mut prepared = match prepare(&args.input, format) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let output = args.output.clone().unwrap_or_else(|| default_output(&prepared.dir, &prepared.folder));
    let done = match typeset(&mut prepared) {
        Ok(done) => done,
        Err(outcome) => return outcome,
    };
    if let Err(e) = pdf::write_atomically(&output, &done.pdf) {
        let message = format!("cannot write `{}`: {e}", output.display());
        let hints = ["check that the folder exists and is writable, or pass -o PATH"];
        diag::print(&prepared.world, &[diag::error(message, &hints)], format);
        return Outcome::OutputError;
    }
    println!(
        "wrote {} ({} pages, {:.1} MB) in {:.2} s",
        output.display(),
        done.pages.pages().len(),
        done.pdf.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Outcome::Success
}

/// `<report-dir>/<folder-name>.pdf`.
fn default_output(dir: &Path, folder: &Folder) -> PathBuf {
    let name = folder.root().file_name().map(|n| n.to_string_lossy().into_owned());
    dir.join(format!("{}.pdf", name.as_deref().unwrap_or("report")))
}
