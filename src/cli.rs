//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::typeset::diag::MessageFormat;

/// baogao (报告): typesets a report written as YAML into a print-ready,
/// archival PDF.
#[derive(Debug, Parser)]
#[command(name = "baogao", version, about)]
pub struct Cli {
    /// How errors and warnings are printed: `human`, or `json` (one object
    /// per line) for CI and editors.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a report folder into one PDF.
    Build(BuildArgs),
    /// Check a report folder as a build would, without writing a PDF.
    Check(CheckArgs),
    /// Print the JSON Schema of report.yaml or metrics.yaml, for editors.
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file's schema.
    #[arg(value_enum, default_value_t = SchemaFile::Report)]
    pub file: SchemaFile,
}

/// The files that have a schema.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaFile {
    /// report.yaml
    Report,
    /// metrics.yaml
    Metrics,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the PDF [default: <report-dir>/<folder-name>.pdf].
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

/// What every command that reads a report takes.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The report folder (or its report.yaml).
    pub report: PathBuf,
    /// A folder of extra fonts (TTF, OTF, TTC); may be given more than once.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// Also use the fonts installed on this system (off by default, so builds
    /// do not depend on the machine).
    #[arg(long)]
    pub system_fonts: bool,
}
