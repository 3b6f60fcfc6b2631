//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::Format;
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
    /// Build report folders into PDFs, one PDF per report.
    Build(BuildArgs),
    /// Check a report folder as a build would, without writing a PDF.
    Check(CheckArgs),
    /// Rebuild a report whenever one of its files is saved.
    Watch(WatchArgs),
    /// Show the report's pages in the browser, current at every save.
    Preview(PreviewArgs),
    /// Print the JSON Schema of report.yaml or metrics.yaml, for editors.
    Schema(SchemaArgs),
    /// Write the sources attached to a PDF (PDF/A-3) into a folder.
    Extract(ExtractArgs),
    /// Create a new report folder that builds at once.
    Init(InitArgs),
    /// Make a report folder from a document: .txt, .html/.htm or .docx.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The document: plain text (UTF-8 or GB18030), a web page, or a Word file.
    pub file: PathBuf,
    /// The report folder to write (created if needed).
    pub dir: PathBuf,
    /// Write nothing: say what would be imported, each guess and each
    /// number left as text, with its line.
    #[arg(long)]
    pub check: bool,
    /// Last year's report folder: named as `previous_report`, and its
    /// metric ids taken where the labels match.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Replace a report already in DIR.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (or an existing folder without report.yaml).
    pub dir: PathBuf,
    /// The built-in template the new report uses: `report` (a work report),
    /// `gongwen` (an official document to GB/T 9704-2012), or `briefing` (简报).
    #[arg(long, default_value = "report", value_parser = clap::builder::PossibleValuesParser::new(crate::report::BUILTIN_TEMPLATES))]
    pub template: String,
    /// Also write the template's Typst files into the folder (NAME.typ and
    /// lib/) and use them, to edit the layout. In a folder that already has
    /// report.yaml, only the template's files are written.
    #[arg(long)]
    pub eject: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// A PDF built with its sources attached.
    pub pdf: PathBuf,
    /// The folder to write them into (created if needed; no file is overwritten).
    pub dir: PathBuf,
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
    /// Report folders (or their report.yaml), folders of report folders, or
    /// glob patterns such as 'content/*'.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Where to write the PDF, for a single report [default: <report-dir>/<folder-name>.pdf].
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// How many reports to build at once [default: one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Also write the Typst project baogao compiles (templates, data, report
    /// files) into DIR, for the typst CLI or for going on by hand.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,
    /// Print how long each stage took (load, compile, export, write) and
    /// how many times the report was laid out.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub formats: FormatArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The report folder (or its report.yaml).
    pub report: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The report folder (or its report.yaml).
    pub report: PathBuf,
    /// Where to write the PDF [default: <report-dir>/<folder-name>.pdf].
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Print how long each stage of every build took (load, compile, export,
    /// write) and how many times the report was laid out.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub formats: FormatArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The report folder (or its report.yaml).
    pub report: PathBuf,
    /// The port to listen on [default: a free one; also when N is taken].
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Listen on this address instead of loopback (127.0.0.1): anyone on
    /// that network can then read the report.
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,
    /// Open a clicked piece of text's source in this editor: `{file}` and
    /// `{line}` are replaced, e.g. `code -g {file}:{line}`.
    #[arg(long, value_name = "CMD")]
    pub editor: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Which outputs `build` and `watch` write.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// The formats to write, comma-separated: `pdf`, `svg` and `png` (one
    /// file per page, `NAME-01.svg` …, beside the PDF's path), `html` (one
    /// web page, `NAME.html`).
    #[arg(long = "format", value_name = "LIST", value_enum, value_delimiter = ',', default_value = "pdf")]
    pub list: Vec<Format>,
    /// Pixels per inch of PNG pages (9 to 2400).
    #[arg(long, value_name = "N", default_value_t = crate::export::DEFAULT_PPI,
          value_parser = clap::value_parser!(u32).range(9..=2400))]
    pub ppi: u32,
    /// Write the web page's `<article>` only, without page, head or styles,
    /// to paste into a web site's content system (implies `--format html`).
    #[arg(long)]
    pub html_fragment: bool,
}

impl FormatArgs {
    /// The formats asked for, each once, in a fixed order.
    pub fn formats(&self) -> Vec<Format> {
        let mut list = self.list.clone();
        if self.html_fragment {
            list.push(Format::Html);
        }
        list.sort();
        list.dedup();
        list
    }
}

/// The options of every command that typesets a report.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A folder of extra fonts (TTF, OTF, TTC); may be given more than once.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// Also use the fonts installed on this system (off by default, so builds
    /// do not depend on the machine).
    #[arg(long)]
    pub system_fonts: bool,
    /// PDF standards to meet: `a-2a,ua-1` (default), a-1b, a-1a, a-2b, a-2u,
    /// a-2a, a-3b, a-3u, a-3a, a-4, a-4f, a-4e, ua-1, combinations such as
    /// `a-3a,ua-1`, or `none` [default: report.yaml's `standard`, else a-2a,ua-1].
    #[arg(long, value_name = "LIST")]
    pub standard: Option<String>,
    /// Attach report.yaml, the metrics and the tables to the PDF (always done
    /// under PDF/A-3 and PDF/A-4f; refused where the standard forbids it).
    #[arg(long)]
    pub attach_sources: bool,
    /// Lay out for double-sided printing (also `duplex: true` in report.yaml).
    #[arg(long)]
    pub duplex: bool,
    /// The most table rows one report may typeset, all tables together
    /// (each 1000 rows take about 100 MB of memory while the PDF is made).
    #[arg(long, value_name = "N", default_value_t = crate::report::DEFAULT_MAX_TABLE_ROWS)]
    pub max_table_rows: usize,
    /// The most pixels per inch a photo keeps at its printed size; larger
    /// ones are resampled [default: report.yaml's `image_dpi`, else 300].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(72..=1200))]
    pub image_dpi: Option<u32>,
}

impl InputArgs {
    /// What these options ask of loading.
    pub fn load_options(&self) -> crate::report::Options {
        crate::report::Options { max_table_rows: self.max_table_rows, image_dpi: self.image_dpi }
    }
}

/// The options as given when none are, for builds made in-process.
impl Default for InputArgs {
    fn default() -> Self {
        Self {
            font_paths: Vec::new(),
            system_fonts: false,
            standard: None,
            attach_sources: false,
            duplex: false,
            max_table_rows: crate::report::DEFAULT_MAX_TABLE_ROWS,
            image_dpi: None,
        }
    }
}
