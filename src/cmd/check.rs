//! `baogao check`: everything a build checks, without writing a PDF.

use super::{Outcome, Session, font_store};
use crate::cli::CheckArgs;
use crate::typeset::diag::MessageFormat;

/// Loads, resolves, typesets and exports in memory; writes nothing.
pub fn run(args: &CheckArgs, format: MessageFormat) -> Outcome {
    let mut session = match Session::open(&args.report, font_store(&args.input), format) {
        Ok(session) => session,
        Err(outcome) => return outcome,
    };
    match session.load(&args.input).and_then(|job| session.typeset(&job)) {
        Ok(done) => {
            say!("{}: no problems ({} pages)", session.dir.display(), done.pages.pages().len());
            Outcome::Success
        }
        Err(outcome) => outcome,
    }
}
