//! Writing an output file atomically: a temporary file beside the target,
//! its space reserved first, renamed into place, so the target holds the
//! earlier file or the whole new one and a failure leaves the earlier one
//! untouched. Every exporter's files are written through here.

use std::io::Write;
use std::path::Path;

/// When a written file is flushed to the disk (`fsync`), which takes a few
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
pub fn atomically(path: &Path, bytes: &[u8], flush: Flush) -> std::io::Result<()> {
    let dir = folder_of(path);
    if path.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder"));
    }
    remove_orphans(dir);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let extension = path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let suffix = format!(".{extension}{TEMP_SUFFIX}");
    let mut tmp = tempfile::Builder::new().prefix(&prefix).suffix(&suffix).tempfile_in(dir)?;
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

/// The folder a file path names its file in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
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
        write!(f, "the new file is in place, but flushing it to the disk failed: {}", self.0)
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

/// Temporary files are named `.baogao-<pid>-<random>.<extension>.tmp`
/// (`.baogao-4242-Xq3f.pdf.tmp`).
const TEMP_PREFIX: &str = ".baogao-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files in `dir` left by processes that no longer run.
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

/// The process id in a temporary file's name.
fn orphan_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` runs (Linux: /proc; elsewhere assume it does, so
/// nothing is removed that might be in use).
#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_the_process() {
        assert_eq!(orphan_pid(".baogao-1234-abcdef.pdf.tmp"), Some(1234));
        assert_eq!(orphan_pid(".baogao-1234-abcdef.svg.tmp"), Some(1234));
        assert_eq!(orphan_pid("report.pdf"), None);
        assert_eq!(orphan_pid(".baogao-x.pdf.tmp"), None);
    }
}
