//! One file per command, each with one entry function.

pub mod build;

/// How a command ended, mapped to the process exit code (see README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done.
    Success,
    /// 1: the report has errors (printed).
    ReportError,
    /// 3: the output could not be written (printed).
    OutputError,
}
