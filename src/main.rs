//! baogao (报告): YAML report → print-ready, archival PDF.
//! `main` only parses arguments and dispatches; see `cmd/`.

use std::process::ExitCode;

use baogao::cli::{Cli, Command};
use baogao::cmd::{self, Outcome};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.message_format;
    let outcome = match &cli.command {
        Command::Build(args) => cmd::build::run(args, format),
        Command::Check(args) => cmd::check::run(args, format),
        Command::Watch(args) => cmd::watch::run(args, format),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Extract(args) => cmd::extract::run(args, format),
        Command::Init(args) => cmd::init::run(args, format),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::ReportError => ExitCode::from(1),
        Outcome::UsageError => ExitCode::from(2),
        Outcome::OutputError => ExitCode::from(3),
    }
}
