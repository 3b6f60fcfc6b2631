//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// baogao (报告): typesets a report written as YAML into a print-ready,
/// archival PDF.
#[derive(Debug, Parser)]
#[command(name = "baogao", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a report folder into one PDF.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The report folder (or its report.yaml).
    pub report: PathBuf,
    /// Where to write the PDF [default: <report-dir>/<folder-name>.pdf].
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Debug, Args)]
pub struct FontArgs {
    /// A folder of extra fonts (TTF, OTF, TTC); may be given more than once.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// Also use the fonts installed on this system (off by default, so builds
    /// do not depend on the machine).
    #[arg(long)]
    pub system_fonts: bool,
}
