//! baogao (报告) as a library: the report format and its loading
//! ([`report`]), typesetting with typst ([`typeset`]), and the commands
//! ([`cmd`]) that `main.rs` dispatches to. The fuzz targets use it too.

/// Prints a line to stdout, ignoring a closed pipe (`baogao build … | head`)
/// instead of panicking as `println!` would.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod cli;
pub mod cmd;
pub mod export;
pub mod fuzzing;
pub mod import;
pub mod preview;
pub mod report;
pub mod typeset;
