//! `baogao check`: everything a build checks, without writing a PDF.

use super::{Outcome, prepare, typeset};
use crate::cli::CheckArgs;
use crate::typeset::diag::MessageFormat;

/// Loads, resolves, typesets and exports in memory; writes nothing.
pub fn run(args: &CheckArgs, format: MessageFormat) -> Outcome {
    let result = prepare(&args.input, format).and_then(|mut p| typeset(&mut p).map(|done| (p, done)));
    match result {
        Ok((p, done)) => {
            println!("{}: no problems ({} pages)", p.dir.display(), done.pages.pages().len());
            Outcome::Success
        }
        Err(outcome) => outcome,
    }
}
