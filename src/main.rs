//! baogao (报告): YAML report → print-ready, archival PDF (and SVG or PNG
//! pages). `main` only parses arguments, dispatches, and prints what went
//! wrong; see `cmd/`.

use std::process::ExitCode;

use baogao::cli::{Cli, Command};
use baogao::cmd;
use baogao::typeset::diag;
use clap::Parser;

fn main() -> ExitCode {
    roomy_heaps();
    let cli = Cli::parse();
    let format = cli.message_format;
    let result = match &cli.command {
        Command::Build(args) => cmd::build::run(args, format),
        Command::Check(args) => cmd::check::run(args, format),
        Command::Watch(args) => cmd::watch::run(args, format),
        Command::Preview(args) => cmd::preview::run(args, format),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Extract(args) => cmd::extract::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Import(args) => cmd::import::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            diag::emit(&failure.messages, format);
            ExitCode::from(failure.outcome.exit_code())
        }
    }
}

/// Layout and export allocate and free small blocks by the million on every
/// thread, and glibc grows a thread's heap page by page (an mprotect call
/// each time) and gives the pages back as soon as they are free. With 16 MB
/// of room per growth, cold builds are faster for some 20 MB more peak
/// memory (benches/results.md has the figures).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn roomy_heaps() {
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is
    // called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn roomy_heaps() {}
