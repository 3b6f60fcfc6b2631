//! One file per command, each with one entry function that returns what
//! went wrong to `main`, which prints it with the one printer
//! (`typeset::diag::emit`) and exits with its code; and the steps the
//! commands share ([`session`]).

pub mod build;
pub mod check;
pub mod extract;
pub mod import;
pub mod init;
pub mod preview;
pub mod schema;
pub mod session;
pub mod watch;

use typst::diag::SourceDiagnostic;

use crate::report::Problem;
use crate::typeset::BaogaoWorld;
use crate::typeset::diag::{self, Message};

/// How a command failed, mapped to the process exit code (see README's
/// table; success is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// 1: the report has errors, or the command refuses what it was given
    /// (a PDF without attachments, a file it would overwrite).
    ReportError,
    /// 2: the command line is wrong.
    UsageError,
    /// 3: an output could not be written.
    OutputError,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::ReportError => 1,
            Outcome::UsageError => 2,
            Outcome::OutputError => 3,
        }
    }
}

/// A command's failure: the messages to print, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub outcome: Outcome,
    pub messages: Vec<Message>,
}

/// What every command returns.
pub type Result<T = ()> = std::result::Result<T, Failure>;

impl Failure {
    /// One message about no file in particular.
    pub fn plain(outcome: Outcome, message: impl Into<String>, hints: &[&str]) -> Self {
        Self { outcome, messages: vec![diag::plain(message.into(), hints)] }
    }

    /// Errors of the report, located in its files.
    pub fn report(world: &BaogaoWorld, diagnostics: &[SourceDiagnostic]) -> Self {
        Self { outcome: Outcome::ReportError, messages: diag::locate_all(world, diagnostics) }
    }

    /// Problems found while loading the report.
    pub fn problems(world: &BaogaoWorld, problems: &[Problem]) -> Self {
        let diagnostics: Vec<_> = problems.iter().map(diag::from_problem).collect();
        Self::report(world, &diagnostics)
    }

    /// A failure already printed (one report of many, a watch's build):
    /// only its exit code is left.
    pub fn printed(outcome: Outcome) -> Self {
        Self { outcome, messages: Vec::new() }
    }
}
