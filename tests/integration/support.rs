//! Helpers for the integration tests: run the real `baogao` binary on a copy
//! of a fixture, and read PDFs back with independent tools (poppler, qpdf).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary copy of `tests/fixtures/<name>` (or of any folder).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    copy_dir(&root().join("tests/fixtures").join(name), name)
}

/// A fresh temporary copy of the folder `src`, named `name` inside a temp dir.
pub fn copy_dir(src: &Path, name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dest = tmp.path().join(name);
    copy_recursive(src, &dest);
    (tmp, dest)
}

/// Copies the folder `src` to `dest` (created).
pub fn copy_recursive(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("create dir");
    for entry in std::fs::read_dir(src).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = dest.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_recursive(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Puts `lines` (e.g. `duplex: true\n`) at the top of the report's report.yaml.
pub fn prepend_keys(dir: &Path, lines: &str) {
    let yaml = std::fs::read_to_string(dir.join("report.yaml")).expect("read report.yaml");
    std::fs::write(dir.join("report.yaml"), format!("{lines}{yaml}")).expect("write report.yaml");
}

/// Replaces the first `from` in the report's `file` by `to`, asserting it is there.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "fixture lacks `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Runs `baogao` with `args`.
pub fn baogao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baogao")).args(args).output().expect("run baogao")
}

/// Runs `baogao` with `args`, killing it and failing the test if it has not
/// finished within `seconds` (a guard against hangs, not a timing).
pub fn baogao_within(args: &[&str], seconds: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run baogao");
    // Drain both pipes while waiting, or a long message would fill one and
    // block the child.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("baogao {args:?} still running after {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr") }
}

/// Builds `dir` to `out`, asserting success; returns stdout.
pub fn build_ok(dir: &Path, out: &Path) -> String {
    let output = baogao(&["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(output.status.success(), "baogao build failed:\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(out.is_file(), "no PDF at {}", out.display());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs an external tool. When it is not installed, the test is skipped
/// locally (returns `None`) but fails under CI (`CI` set), where `.ci/run`
/// installs it.
pub fn tool(program: &str, args: &[&str]) -> Option<Output> {
    match Command::new(program).args(args).output() {
        Ok(output) => Some(output),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var_os("CI").is_some() {
                panic!("`{program}` is not installed, but CI must run this test (see .ci/run)");
            }
            eprintln!("skipping: `{program}` is not installed (apt-get install poppler-utils qpdf)");
            None
        }
        Err(e) => panic!("cannot run {program}: {e}"),
    }
}

/// stdout of a tool that must succeed.
pub fn tool_ok(program: &str, args: &[&str]) -> Option<String> {
    let output = tool(program, args)?;
    assert!(output.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Runs veraPDF (see tools/verapdf) on `files`, validating what each
/// claims; returns its report. Skipped locally, a failure under CI, when the
/// checker is not set up.
pub fn verapdf(files: &[PathBuf]) -> Option<String> {
    let checker = std::env::var_os("BAOGAO_VERAPDF").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/verapdf-odl/verapdf-check")
    });
    if !checker.is_file() {
        if std::env::var_os("CI").is_some() {
            panic!("veraPDF is not set up at {} (.ci/run runs tools/verapdf/setup.sh)", checker.display());
        }
        eprintln!("skipping: veraPDF not set up (bash tools/verapdf/setup.sh)");
        return None;
    }
    let output = Command::new(&checker).args(files).output().expect("run veraPDF");
    Some(String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr))
}

/// A PDF with its streams uncompressed (`qpdf --qdf`), for looking at its
/// objects as text.
pub fn pdf_objects(pdf: &Path) -> Option<String> {
    let out = tempfile::NamedTempFile::new().expect("temp file");
    tool_ok("qpdf", &["--qdf", "--object-streams=disable", pdf.to_str().unwrap(), out.path().to_str().unwrap()])?;
    Some(String::from_utf8_lossy(&std::fs::read(out.path()).expect("read qdf")).into_owned())
}

/// The text of a PDF in content-stream order (`pdftotext -raw`), which is
/// the order baogao lays things out in, white space removed.
pub fn pdf_raw_text(pdf: &Path) -> Option<String> {
    let text = tool_ok("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"])?;
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The text of a PDF in reading order (`pdftotext`, no layout), with all
/// white space removed so wrapped CJK lines compare as written.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    let text = tool_ok("pdftotext", &[pdf.to_str().unwrap(), "-"])?;
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The text laid out as on the page (`pdftotext -layout`), white space
/// removed: table rows read across, as a person reads them.
pub fn pdf_layout_text(pdf: &Path) -> Option<String> {
    let text = tool_ok("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])?;
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The text of the given page range (1-based, inclusive).
pub fn pdf_pages_text(pdf: &Path, first: u32, last: u32) -> Option<String> {
    let (f, l) = (first.to_string(), last.to_string());
    let text = tool_ok("pdftotext", &["-f", &f, "-l", &l, pdf.to_str().unwrap(), "-"])?;
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Asserts that `needles` appear in `haystack` in this order.
pub fn assert_in_order(haystack: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match haystack[from..].find(needle) {
            Some(i) => from += i + needle.len(),
            None => panic!("`{needle}` not found (in order) after byte {from}"),
        }
    }
}

/// Every regular file below `dir`, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The number of pages of a PDF (`pdfinfo`).
pub fn page_count(pdf: &Path) -> Option<u32> {
    let info = tool_ok("pdfinfo", &[pdf.to_str().unwrap()])?;
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok())
}

/// Millimetres in a PDF point.
pub const MM_PER_PT: f64 = 25.4 / 72.0;

/// A line of text as poppler finds it on the page: its left, top and right
/// edges in millimetres from the top-left corner (font boxes, not ink) and
/// its text.
#[derive(Debug, Clone)]
pub struct TextLine {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub text: String,
}

/// The text lines of page `page` (`pdftotext -bbox-layout`).
pub fn text_lines(pdf: &Path, page: u32) -> Option<Vec<TextLine>> {
    let p = page.to_string();
    let xml = tool_ok("pdftotext", &["-bbox-layout", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"])?;
    let attr = |tag: &str, name: &str| -> f64 {
        let value = tag.split(&format!("{name}=\"")).nth(1).and_then(|v| v.split('"').next()).expect("attribute");
        value.parse::<f64>().expect("a number") * MM_PER_PT
    };
    let mut lines = Vec::new();
    for chunk in xml.split("<line ").skip(1) {
        let (tag, rest) = chunk.split_once('>').expect("line tag");
        let body = rest.split("</line>").next().unwrap_or("");
        let text: String = body.split("<word").skip(1).filter_map(|w| w.split_once('>')?.1.split('<').next()).collect();
        lines.push(TextLine { left: attr(tag, "xMin"), top: attr(tag, "yMin"), right: attr(tag, "xMax"), text });
    }
    Some(lines)
}

/// The box of the ink (pixels darker than mid-grey, rendered at 300 dpi by
/// `pdftoppm`) inside `area` = (left, top, right, bottom) of page `page`,
/// all in millimetres from the top-left corner; `None` inside for no ink.
pub fn ink_box(pdf: &Path, page: u32, area: (f64, f64, f64, f64)) -> Option<Option<(f64, f64, f64, f64)>> {
    const DPI: f64 = 300.0;
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("page");
    let p = page.to_string();
    let args = ["-gray", "-r", "300", "-singlefile", "-f", &p, "-l", &p, pdf.to_str().unwrap(), root.to_str().unwrap()];
    tool_ok("pdftoppm", &args)?;
    let pgm = std::fs::read(root.with_extension("pgm")).expect("pdftoppm wrote a PGM");
    // P5 <width> <height> <max>, one whitespace byte, then one byte a pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    let (width, height): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at + 1..];
    let px = |mm: f64| (mm / 25.4 * DPI) as usize;
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in px(area.1)..px(area.3).min(height) {
        for x in px(area.0)..px(area.2).min(width) {
            if pixels[y * width + x] < 128 {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            }
        }
    }
    let mm = |p: usize| p as f64 * 25.4 / DPI;
    Some((x0 != usize::MAX).then(|| (mm(x0), mm(y0), mm(x1), mm(y1))))
}

/// A running `baogao watch`, its stdout as lines.
pub struct Watch {
    pub child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    pub fn start(dir: &std::path::Path, options: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(["watch", dir.to_str().unwrap()])
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, lines }
    }

    /// The next line saying how a build ended.
    pub fn next_build(&self) -> String {
        loop {
            let line = self.expect("");
            if ends_build(&line) {
                return line;
            }
        }
    }

    /// Whether no build ends within `wait`.
    pub fn quiet_for(&self, wait: Duration) -> bool {
        let end = std::time::Instant::now() + wait;
        while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if ends_build(&line) => return false,
                Ok(_) => continue,
                Err(_) => return true,
            }
        }
        true
    }

    /// The next line starting with `prefix`, within 20 s (a hang guard).
    pub fn expect(&self, prefix: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(20)) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => continue,
                Err(_) => panic!("no `{prefix}` line from baogao watch within 20 s"),
            }
        }
    }
}

/// Whether a line of `baogao watch` says how a build ended.
fn ends_build(line: &str) -> bool {
    line.starts_with("wrote") || line.starts_with("build failed")
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A PNG's pixels in grey (0-255), with its width and height.
pub fn grey_png(path: &Path) -> (u32, u32, Vec<u8>) {
    grey_pixels(&std::fs::read(path).unwrap())
}

/// The pixels of a PNG's bytes in grey (0-255), with its width and height.
pub fn grey_pixels(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let grey = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| match channels {
            1 | 2 => px[0],
            _ => {
                // Over white where transparent, as a viewer shows it.
                let alpha = if channels == 4 { f64::from(px[3]) / 255.0 } else { 1.0 };
                let y = 0.299 * f64::from(px[0]) + 0.587 * f64::from(px[1]) + 0.114 * f64::from(px[2]);
                (y * alpha + 255.0 * (1.0 - alpha)).round() as u8
            }
        })
        .collect();
    (info.width, info.height, grey)
}

/// The share of pixels whose grey differs by more than a quarter.
pub fn differing(a: &(u32, u32, Vec<u8>), b: &(u32, u32, Vec<u8>)) -> f64 {
    let (w, h) = (a.0.min(b.0) as usize, a.1.min(b.1) as usize);
    let (wa, wb) = (a.0 as usize, b.0 as usize);
    let count = (0..h)
        .flat_map(|y| (0..w).map(move |x| (y, x)))
        .filter(|&(y, x)| a.2[y * wa + x].abs_diff(b.2[y * wb + x]) > 64)
        .count();
    count as f64 / (w * h) as f64
}

/// The browser test tools (`npm ci --prefix tests/browser`), Chromium and
/// Java: where the Nu checker's jar is, or None (skipped locally; a failure
/// under CI, whose .ci/run installs them).
pub fn browser_tools() -> Option<PathBuf> {
    let jar = root().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let chromium = std::env::var_os("CHROMIUM").map_or(PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [("tests/browser/node_modules", jar.is_file()), ("chromium", chromium.is_file())]
        .into_iter()
        .chain([("java", java), ("node", node)])
        .filter(|(_, there)| !there)
        .map(|(name, _)| name)
        .collect();
    if missing.is_empty() {
        return Some(jar);
    }
    if std::env::var_os("CI").is_some() {
        panic!("missing for the web page tests: {} (see .ci/run)", missing.join(", "));
    }
    eprintln!("skipping: missing {} (npm ci --prefix tests/browser; apt-get install chromium)", missing.join(", "));
    None
}

/// The pages a `--timings` line of a watch says were taken from the last
/// build.
pub fn reused(timings: &str) -> usize {
    let Some((_, rest)) = timings.split_once(" ms (") else { return 0 };
    let Some((_, rest)) = rest.split_once(" ms (") else { return 0 };
    rest.split(' ').next().unwrap().parse().unwrap_or(0)
}
