//! `baogao check`: everything a build checks, without writing anything.

use super::Result;
use super::session::{Asked, Session, font_store};
use crate::cli::CheckArgs;
use crate::export::Format;
use crate::typeset::diag::{self, MessageFormat};

/// Loads, resolves, typesets and exports the PDF and the web page in
/// memory (the page's own template, if any, gets used); writes nothing.
pub fn run(args: &CheckArgs, format: MessageFormat) -> Result {
    let mut session = Session::open(&args.report, font_store(&args.input))?;
    let job = session.load(&args.input)?;
    let typeset = session.typeset(&job)?;
    diag::emit(&typeset.warnings, format);
    session.export(&job, Some(&typeset), &Asked { formats: vec![Format::Pdf, Format::Html], ..Asked::pdf() })?;
    say!("{}: no problems ({} pages)", session.dir.display(), typeset.pages.pages().len());
    Ok(())
}
