//! baogao (报告): YAML report → print-ready, archival PDF.
//! `main` only parses arguments and dispatches; see `cmd/`.

/// Prints a line to stdout, ignoring a closed pipe (`baogao build … | head`)
/// instead of panicking as `println!` would.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod cli;
mod cmd;
mod report;
mod typeset;

use std::process::ExitCode;

use clap::Parser;

use cmd::Outcome;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let format = cli.message_format;
    let outcome = match &cli.command {
        cli::Command::Build(args) => cmd::build::run(args, format),
        cli::Command::Check(args) => cmd::check::run(args, format),
        cli::Command::Watch(args) => cmd::watch::run(args, format),
        cli::Command::Schema(args) => cmd::schema::run(args),
        cli::Command::Extract(args) => cmd::extract::run(args, format),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::ReportError => ExitCode::from(1),
        Outcome::UsageError => ExitCode::from(2),
        Outcome::OutputError => ExitCode::from(3),
    }
}
