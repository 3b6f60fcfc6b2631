//! baogao (报告): YAML report → print-ready, archival PDF.
//! `main` only parses arguments and dispatches; see `cmd/`.

use std::process::ExitCode;

use baogao::cli::{Cli, Command};
use baogao::cmd::{self, Outcome};
use clap::Parser;

fn main() -> ExitCode {
    in_huge_pages();
    roomy_heaps();
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

/// Layout and export allocate and free small blocks by the million on every
/// thread, and glibc grows a thread's heap page by page (an mprotect call
/// each time) and gives the pages back as soon as they are free. With 16 MB
/// of room per growth, cold builds are 6-7 % faster (sample 0.240 -> 0.223 s,
/// 10x report 0.470 -> 0.440 s, alternating medians of 11) for about 20 MB
/// more peak memory, still far below the typst CLI's (benches/results.md).
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

/// Starts baogao again (the same program, arguments and process) with
/// glibc's heaps in transparent huge pages, unless they are asked for or
/// refused already (`GLIBC_TUNABLES` names `glibc.malloc.hugetlb`). glibc
/// reads the setting only as a program starts, hence the new start; if it
/// fails, baogao goes on as it is. Where huge pages are off (`never` in
/// /sys/kernel/mm/transparent_hugepage/enabled) the setting does nothing.
///
/// typst's caches are a heap of some 100 MB that every rebuild walks, and
/// with 4 KB pages many of its reads miss the processor's address cache.
/// On this project's 2-core machine, a one-figure watch rebuild of the 10x
/// report took about 1.7 ms less on average over six comparisons with and
/// without (from 3.7 ms less to 0.6 ms more: the machine's drift moves a
/// median by as much), cold builds were no slower (the sample 87.7 -> 82.6
/// ms, the 10x report 229.8 -> 228.4 ms, medians of 12), and peak memory
/// grew by about 4 %. Set `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` to
/// compare.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn in_huge_pages() {
    use std::os::unix::process::CommandExt;
    const SETTING: &str = "glibc.malloc.hugetlb";
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if tunables.contains(SETTING) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
    let tunables = if tunables.is_empty() { format!("{SETTING}=1") } else { format!("{tunables}:{SETTING}=1") };
    // Only returns if the program could not be started.
    let _ = std::process::Command::new(exe).arg0(arg0).args(args).env("GLIBC_TUNABLES", tunables).exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn in_huge_pages() {}
