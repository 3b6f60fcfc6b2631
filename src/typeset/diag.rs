//! The one printer of errors and warnings. Report problems (YAML, metrics,
//! tables) are turned into typst diagnostics pointing into the report's files,
//! so they print exactly like template errors: `file:line:col`, the line, a
//! caret and hints.

use std::io::IsTerminal;

use ecow::EcoString;
use typst::diag::SourceDiagnostic;
use typst::syntax::{DiagSpan, FileId, Span, VirtualRoot};
use typst_kit::diagnostics::termcolor::{ColorChoice, StandardStream};
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld, emit};

use super::templates;
use super::world::{BaogaoWorld, file_id};
use crate::report::Problem;

impl DiagnosticWorld for BaogaoWorld {
    /// Report files are named as the user would find them (`content/x/report.yaml`),
    /// templates by where they live in baogao's source (`templates/report.typ`).
    fn name(&self, id: FileId) -> String {
        let path = id.vpath().get_without_slash();
        match (id.root(), path.strip_prefix(templates::DIR)) {
            (VirtualRoot::Project, Some(rest)) => format!("<baogao>/templates{rest}"),
            (VirtualRoot::Project, None) => self.display_root().join(path).display().to_string(),
            _ => path.to_string(),
        }
    }
}

/// Prints diagnostics to stderr, in colour on a terminal.
pub fn print(world: &BaogaoWorld, diagnostics: &[SourceDiagnostic]) {
    let color = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let mut out = StandardStream::stderr(color);
    if emit(&mut out, world, diagnostics, DiagnosticFormat::Human).is_err() {
        // The source could not be shown; the message alone still helps.
        for d in diagnostics {
            eprintln!("error: {}", d.message);
        }
    }
}

/// A report problem as a diagnostic pointing into its file.
pub fn from_problem(problem: &Problem) -> SourceDiagnostic {
    let span = match &problem.range {
        Some(range) => DiagSpan::from_range(file_id(&format!("/{}", problem.file)), range.clone()),
        None => Span::detached().into(),
    };
    let message = match problem.range {
        Some(_) => problem.message.clone(),
        None if problem.message.contains(&problem.file) => problem.message.clone(),
        None => format!("{}: {}", problem.file, problem.message),
    };
    SourceDiagnostic::error(span, message).with_hints(problem.hints.iter().map(EcoString::from))
}

/// An error about no file in particular (a missing folder, an unwritable output).
pub fn error(message: impl Into<EcoString>, hints: &[&str]) -> SourceDiagnostic {
    SourceDiagnostic::error(Span::detached(), message)
        .with_hints(hints.iter().map(|h| EcoString::from(*h)))
}
