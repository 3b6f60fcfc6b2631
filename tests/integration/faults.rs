//! Faults while writing: a full disk, a read-only folder, a folder where the
//! PDF should go, two builds at once, a build killed mid-way. Each gives a
//! clear error or a whole PDF; never a partial file, never a lost earlier PDF.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// A small tmpfs, unmounted on drop. Mounting needs root: without it the
/// test is skipped locally and fails under CI (which runs as root).
struct Tmpfs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Tmpfs {
    fn new(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let ok =
            Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&path).status();
        if !ok.is_ok_and(|s| s.success()) {
            assert!(std::env::var_os("CI").is_none(), "cannot mount a tmpfs for the fault tests");
            eprintln!("skipping: cannot mount a tmpfs (needs root)");
            return None;
        }
        Some(Self { _dir: dir, path })
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.path).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

const EARLIER: &[u8] = b"%PDF-1.7 an earlier build that must survive";

/// Builds the sample to `out`, expecting exit code 3 and `message`.
fn write_fails(out: &Path, message: &str) {
    let output = baogao(&["build", root().join("content/shiqiao-2021").to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(message) && stderr.contains("unchanged"), "{stderr}");
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    files_below(dir).into_iter().filter(|p| p.to_string_lossy().contains(".baogao-")).collect()
}

#[test]
fn a_full_disk_leaves_the_earlier_pdf() {
    let Some(fs) = Tmpfs::new("128k") else { return };
    let out = fs.path.join("report.pdf");
    std::fs::write(&out, EARLIER).unwrap();
    write_fails(&out, "No space left on device");
    assert_eq!(std::fs::read(&out).unwrap(), EARLIER);
    assert!(temp_files(&fs.path).is_empty(), "{:?}", temp_files(&fs.path));
}

#[test]
fn a_read_only_folder_leaves_the_earlier_pdf() {
    let Some(fs) = Tmpfs::new("4m") else { return };
    let out = fs.path.join("report.pdf");
    std::fs::write(&out, EARLIER).unwrap();
    fs.remount_read_only();
    write_fails(&out, "Read-only file system");
    assert_eq!(std::fs::read(&out).unwrap(), EARLIER);
}

#[test]
fn missing_folders_and_folders_in_the_way_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    write_fails(&tmp.path().join("no/such/folder/x.pdf"), "No such file or directory");
    let in_the_way = tmp.path().join("report.pdf");
    std::fs::create_dir(&in_the_way).unwrap();
    write_fails(&in_the_way, "it is a folder");
    assert!(in_the_way.is_dir());
}

#[test]
fn two_builds_writing_one_pdf_at_once_leave_a_whole_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("same.pdf");
    let sample = root().join("content/shiqiao-2021");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(["build", sample.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success() && b.status.success());
    if let Some(check) = tool("qpdf", &["--check", out.to_str().unwrap()]) {
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    }
    assert!(temp_files(tmp.path()).is_empty());
}

#[test]
fn a_killed_build_leaves_the_earlier_pdf_and_its_leftovers_are_swept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.pdf");
    std::fs::write(&out, EARLIER).unwrap();
    // What a build killed while writing leaves: a temporary file named with
    // a process id that no longer runs.
    let dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    let _ = { dead }.wait();
    let leftover = tmp.path().join(format!(".baogao-{pid}-abc123.pdf.tmp"));
    std::fs::write(&leftover, b"%PDF-1.7 half").unwrap();
    // A build killed before it writes changes nothing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["build", root().join("content/shiqiao-2021").to_str().unwrap(), "-o", out.to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    child.kill().unwrap();
    let _ = child.wait();
    let now = std::fs::read(&out).unwrap();
    assert!(now == EARLIER || now.starts_with(b"%PDF-1.7\n"), "a partial PDF at the output path");
    // The next build sweeps the dead process's leftover, and a live
    // process's temporary file is left alone.
    let live = tmp.path().join(format!(".baogao-{}-live00.pdf.tmp", std::process::id()));
    std::fs::write(&live, b"in use").unwrap();
    build_ok(&root().join("content/shiqiao-2021"), &out);
    assert!(!leftover.exists(), "the dead build's temporary file was not removed");
    assert!(live.exists(), "a live build's temporary file was removed");
}

#[cfg(unix)]
#[test]
fn a_new_pdf_is_readable_by_others_and_a_rebuilt_one_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, dir) = copy_fixture("minimal");
    let out = tmp.path().join("shared.pdf");
    build_ok(&dir, &out);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o644, "a new PDF should be readable by others");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    build_ok(&dir, &out);
    assert_eq!(mode(&out), 0o640, "a rebuilt PDF keeps the permissions it had");
}
