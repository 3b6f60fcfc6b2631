//! `baogao check`: everything a build checks, without writing anything.
//! With `--message-format json` it also prints, on standard output, the
//! catalogue entries the outputs carry (GB/T 33480, DA/T 46), for a
//! document system to file the document by.

use super::Result;
use super::session::{Asked, Session, font_store};
use crate::cli::CheckArgs;
use crate::export::Format;
use crate::report::records;
use crate::typeset::diag::{self, MessageFormat};

/// Loads, resolves, typesets and exports the PDF and the web page in
/// memory (the page's own template, if any, gets used); writes nothing.
pub fn run(args: &CheckArgs, format: MessageFormat) -> Result {
    let mut session = Session::open(&args.report, font_store(&args.input))?;
    let job = session.load(&args.input)?;
    let typeset = session.typeset(&job)?;
    diag::emit(&typeset.warnings, format);
    session.export(&job, Some(&typeset), &Asked { formats: vec![Format::Pdf, Format::Html], ..Asked::pdf() })?;
    let pages = typeset.pages.pages().len();
    let schemas = records::of(&job.loaded.document, job.loaded.template.layout());
    match format {
        MessageFormat::Json => {
            let summary = serde_json::json!({
                "report": session.dir.display().to_string(),
                "pages": pages,
                "warnings": typeset.warnings.len(),
                "metadata": schemas,
            });
            say!("{summary}");
        }
        MessageFormat::Human => {
            let warnings = match typeset.warnings.len() {
                0 => "no problems".to_string(),
                n => format!("it builds, with {n} warning{}", if n == 1 { "" } else { "s" }),
            };
            let listed: Vec<String> = schemas.iter().map(|s| format!("{} {}", s.entries.len(), s.standard)).collect();
            say!("{}: {warnings} ({pages} pages; metadata: {})", session.dir.display(), listed.join(", "));
        }
    }
    Ok(())
}
