//! PDF export and writing the file atomically.

use std::io::Write;
use std::path::Path;

use typst::diag::{SourceDiagnostic, SourceResult};
use typst::foundations::{Datetime, Smart};
use typst::syntax::Span;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::report::document::{Created, Date, Meta};

/// The standards a PDF claims unless the report or `--standard` says
/// otherwise: archival (PDF/A-2a) and accessible (PDF/UA-1).
pub const DEFAULT_STANDARD: &str = "a-2a,ua-1";

/// The names `--standard` and `standard:` take, besides `none`.
pub const STANDARD_NAMES: &[&str] =
    &["a-1b", "a-1a", "a-2b", "a-2u", "a-2a", "a-3b", "a-3u", "a-3a", "a-4", "a-4f", "a-4e", "ua-1"];

/// A list of standards as written (`a-2a,ua-1`, `a-3b`, `none`), checked
/// against each other by typst.
#[derive(Debug, Clone)]
pub struct Standards {
    list: Vec<PdfStandard>,
}

impl Standards {
    /// Parses `text`; the error says what is wrong and what is allowed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "none" {
            return Ok(Self { list: Vec::new() });
        }
        let list = text
            .split(',')
            .map(|name| {
                let name = name.trim();
                if !STANDARD_NAMES.contains(&name) {
                    return Err(format!("`{name}` is not a standard baogao knows"));
                }
                serde_json::from_value(serde_json::Value::String(name.into())).map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        PdfStandards::new(&list).map_err(|e| format!("`{text}` cannot be combined: {}", e.message()))?;
        Ok(Self { list })
    }

    /// Whether files may be attached: PDF/A-3 and PDF/A-4f are made for
    /// it, plain PDF and PDF/UA allow it, PDF/A-1, -2, -4 and -4e do not.
    pub fn allows_attachments(&self) -> bool {
        self.list.iter().all(|s| {
            matches!(
                s,
                PdfStandard::A_3b | PdfStandard::A_3u | PdfStandard::A_3a | PdfStandard::A_4f | PdfStandard::Ua_1
            )
        })
    }

    /// Whether attaching the sources is part of the standard (PDF/A-3, -4f).
    pub fn wants_sources(&self) -> bool {
        self.list
            .iter()
            .any(|s| matches!(s, PdfStandard::A_3b | PdfStandard::A_3u | PdfStandard::A_3a | PdfStandard::A_4f))
    }
}

/// Exports `document` under `standards`. The identifier derives from the
/// title and the timestamp from the report's date, so the same report gives
/// the same bytes.
pub fn export(document: &PagedDocument, meta: &Meta, standards: &Standards) -> SourceResult<Vec<u8>> {
    let standards = PdfStandards::new(&standards.list)
        .map_err(|e| ecow::eco_vec![SourceDiagnostic::error(Span::detached(), e.message().clone())])?;
    let timestamp = meta
        .created
        .and_then(|c| Datetime::from_ymd_hms(c.year, c.month, c.day, c.hour, c.minute, c.second))
        .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(format!("baogao:{}", meta.title)),
        creator: Smart::Custom(Some(format!("baogao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| errors.into_iter().map(with_font_hint).collect())
}

/// A glyph no font has is an error under PDF/A; say how to supply the font.
fn with_font_hint(error: SourceDiagnostic) -> SourceDiagnostic {
    if error.message.contains("could not be displayed") {
        error.with_hint(
            "no bundled font has this character: pass `--font-path DIR` with a font that has it \
             (or `--system-fonts`)",
        )
    } else {
        error
    }
}

/// When the PDF was made, for its metadata (PDF/A requires a date):
/// `SOURCE_DATE_EPOCH` if set (reproducible builds), else the report's
/// `date` at midnight UTC, else now. Never the clock when either is given, so
/// rebuilding gives the same bytes.
pub fn creation_time(report_date: Option<Date>) -> Created {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
    let from_date = |d: Date| Created { year: d.year, month: d.month, day: d.day, hour: 0, minute: 0, second: 0 };
    match (epoch, report_date) {
        (Some(seconds), _) => created_from_unix(seconds),
        (None, Some(date)) => from_date(date),
        (None, None) => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            created_from_unix(now.map(|d| d.as_secs() as i64).unwrap_or(0))
        }
    }
}

/// Seconds since 1970 in UTC → a date and time (days to civil date after
/// Howard Hinnant's `civil_from_days`).
fn created_from_unix(seconds: i64) -> Created {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Created { year, month, day, hour: (secs / 3600) as u8, minute: (secs % 3600 / 60) as u8, second: (secs % 60) as u8 }
}

/// When a written PDF is flushed to the disk (`fsync`), which takes a few
/// milliseconds (4-5 ms for the sample's PDF on this project's machines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Before it replaces the earlier file, so that even after a power cut
    /// `path` holds the old PDF or the whole new one. For `build`, whose PDF
    /// is the product.
    BeforeReplacing,
    /// Right after it replaces the earlier file, so that a viewer sees it
    /// those milliseconds sooner. For `watch`, which rewrites the same
    /// preview on every save: a power cut within those milliseconds could
    /// leave the PDF empty on a file system that does not order a rename
    /// after the data it names (ext4 does), and the next save rebuilds it.
    AfterReplacing,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so `path` holds either the old file or the whole new one. The
/// temporary file's name carries our process id: a build that was killed
/// (SIGKILL, power loss) cannot clean up after itself, so each write first
/// removes such files whose process is gone, and never a live one's.
pub fn write_atomically(path: &Path, bytes: &[u8], flush: Flush) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder"));
    }
    remove_orphans(dir);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut tmp = tempfile::Builder::new().prefix(&prefix).suffix(TEMP_SUFFIX).tempfile_in(dir)?;
    reserve(tmp.as_file(), bytes.len())?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); the PDF gets the earlier file's
    // permissions, or the usual ones for a new document.
    if let Some(permissions) = permissions_for(path) {
        tmp.as_file().set_permissions(permissions)?;
    }
    if flush == Flush::BeforeReplacing {
        tmp.as_file().sync_all()?;
    }
    // Held open across the rename, the earlier PDF's space is freed when
    // this is dropped, after the new PDF is in place, not by the rename
    // (0.5 ms of each watch rebuild of the 10x report, `strace -T`). Unix
    // only: elsewhere an open file may stop the rename.
    let earlier = if cfg!(unix) { std::fs::File::open(path).ok() } else { None };
    let file = tmp.persist(path).map_err(|e| e.error)?;
    if flush == Flush::AfterReplacing {
        file.sync_all().map_err(|e| std::io::Error::new(e.kind(), NotFlushed(e)))?;
    }
    drop(earlier);
    Ok(())
}

/// Gives `file` its `len` bytes of disk space before they are written
/// (Linux's `fallocate`). ext4 allocates the space of written data only
/// when it flushes it, and a rename that replaces a file first allocates
/// the space of the new one's data (so that a crash does not leave an empty
/// file): that took 1.2 ms of each watch rebuild's rename of the 10x
/// report's 1 MB PDF (`strace -T`), while the new PDF was not yet in place.
/// Space given ahead makes the rename quick, and a full disk is found
/// before anything is written. Where the file system cannot (or it is not
/// Linux), the write goes on without.
fn reserve(file: &std::fs::File, len: usize) -> std::io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::fd::AsRawFd;
        let len = libc::off_t::try_from(len).unwrap_or(libc::off_t::MAX);
        // SAFETY: fallocate only reads its arguments; the descriptor is
        // open for writing for as long as `file` lives.
        if unsafe { libc::fallocate(file.as_raw_fd(), 0, 0, len) } != 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::StorageFull {
                return Err(error);
            }
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = (file, len);
    Ok(())
}

/// A write with [`Flush::AfterReplacing`] that replaced the PDF and then
/// failed to flush it: unlike any other failure, the earlier PDF is gone.
#[derive(Debug)]
pub struct NotFlushed(std::io::Error);

impl std::fmt::Display for NotFlushed {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the new PDF is in place, but flushing it to the disk failed: {}", self.0)
    }
}

impl std::error::Error for NotFlushed {}

impl NotFlushed {
    /// Whether `error` is one.
    pub fn is(error: &std::io::Error) -> bool {
        error.get_ref().is_some_and(|inner| inner.is::<NotFlushed>())
    }
}

/// The permissions of the file at `path`, or read-write for the owner and
/// readable by everyone (0644) for a new file. Elsewhere than Unix a
/// temporary file is not private, and nothing needs changing.
fn permissions_for(path: &Path) -> Option<std::fs::Permissions> {
    if let Ok(meta) = std::fs::metadata(path) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    return Some(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    #[cfg(not(unix))]
    None
}

/// Temporary PDFs are named `.baogao-<pid>-<random>.pdf.tmp`.
const TEMP_PREFIX: &str = ".baogao-";
const TEMP_SUFFIX: &str = ".pdf.tmp";

/// Removes temporary PDFs in `dir` left by processes that no longer run.
fn remove_orphans(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = orphan_pid(&name) else { continue };
        if !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary PDF's name.
fn orphan_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` runs (Linux: /proc; elsewhere assume it does, so
/// nothing is removed that might be in use).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_the_process() {
        assert_eq!(orphan_pid(".baogao-1234-abcdef.pdf.tmp"), Some(1234));
        assert_eq!(orphan_pid("report.pdf"), None);
        assert_eq!(orphan_pid(".baogao-x.pdf.tmp"), None);
    }

    #[test]
    fn unix_seconds_to_civil_dates() {
        let at = |year, month, day, hour, minute, second| Created { year, month, day, hour, minute, second };
        assert_eq!(created_from_unix(0), at(1970, 1, 1, 0, 0, 0));
        assert_eq!(created_from_unix(1_643_068_800), at(2022, 1, 25, 0, 0, 0));
        assert_eq!(created_from_unix(951_782_400 + 3_723), at(2000, 2, 29, 1, 2, 3));
    }
}
