//! `baogao preview`: the real binary serving a copy of the sample, driven
//! in headless Chromium (tests/browser/preview.mjs: an edit shows in every
//! tab and replaces only the pages that hold it, an error shows in the
//! page and clears, a click names the metric's line) and by a plain HTTP
//! client (its own routes only, the Host check, a flood, many saves, Ctrl-C).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;

use crate::support::{baogao, browser_tools, copy_dir, grey_pixels, root};

/// A running preview of a copy of the sample.
struct Running {
    child: Child,
    /// `127.0.0.1:PORT`.
    address: String,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(extra: &[&str]) -> Self {
        let (tmp, dir) = copy_dir(&root().join("content/shiqiao-2021"), "shiqiao-2021");
        let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .arg("preview")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run baogao preview");
        let (tx, lines) = mpsc::channel();
        for pipe in
            [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())]
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(120);
        let address = loop {
            let line =
                lines.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the preview starts");
            if let Some(rest) = line.strip_prefix("preview at http://") {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        Running { child, address, dir, _tmp: tmp, lines }
    }

    /// A request as a browser or a script sends it; the status and body.
    fn request(&self, head: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(Vec::new(), |at| answer[at + 4..].to_vec());
        (status, body)
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.address))
    }

    fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/state").1).expect("the state is JSON")
    }

    /// Sends Ctrl-C and waits for the preview to end; its exit status.
    fn interrupt(&mut self) -> (std::process::ExitStatus, Vec<String>) {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let said: Vec<String> = self.lines.try_iter().collect();
                return (status, said);
            }
            assert!(Instant::now() < deadline, "the preview did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The line of `id:` in the sample's metrics.yaml.
fn metric_line(dir: &Path, id: &str) -> usize {
    let text = std::fs::read_to_string(dir.join("metrics.yaml")).unwrap();
    text.lines().position(|l| l.starts_with(&format!("{id}:"))).unwrap() + 1
}

#[test]
fn the_pages_follow_every_save_in_every_tab_errors_show_and_a_click_finds_the_source() {
    if browser_tools().is_none() {
        return;
    }
    let preview = Running::start(&[]);
    let shot = std::env::var_os("BAOGAO_SHOTS").map(|d| PathBuf::from(d).join("preview.png"));
    let mut command = Command::new("node");
    command.arg(root().join("tests/browser/preview.mjs")).arg(format!("http://{}/", preview.address)).arg(&preview.dir);
    if let Some(shot) = &shot {
        command.arg("--shot").arg(shot);
    }
    let output = command.output().expect("run node");
    assert!(output.status.success(), "preview.mjs: {}", String::from_utf8_lossy(&output.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&output.stdout).expect("preview.mjs prints JSON");
    assert!(seen["failure"].is_null(), "{}", seen["failure"]);
    assert_eq!(seen["pages"], 18);
    let edit = seen["editMs"].as_u64().unwrap();
    assert!(edit <= 2000, "the edit took {edit} ms to show");
    assert_eq!(seen["scrollMoved"], 0, "the reader's place moved");
    // Only the pages that hold the new figure were drawn again.
    let pages = seen["replaced"].as_array().unwrap();
    let holding: Vec<_> = pages.iter().filter(|p| p["holdsEdit"] == true).map(|p| &p["page"]).collect();
    let replaced: Vec<_> = pages.iter().filter(|p| p["replaced"] == true).map(|p| &p["page"]).collect();
    assert!(!holding.is_empty() && holding == replaced, "pages holding the edit {holding:?}, replaced {replaced:?}");
    // Of those pages, only the bands that changed were fetched, laid over
    // the first picture; and what shows is the page as drawn anew.
    for page in pages {
        let bands = page["bands"].as_u64().unwrap();
        let expected = if page["holdsEdit"] == true { 1..=8 } else { 0..=0 };
        assert!(page["pictureKept"] == true && expected.contains(&bands), "{page}");
    }
    let pictures = PathBuf::from(seen["pictures"].as_str().unwrap());
    let [shown, new, old] =
        ["shown.png", "new.png", "old.png"].map(|f| grey_pixels(&std::fs::read(pictures.join(f)).unwrap()));
    let (to_new, to_old) = row_distances(&shown, &new, &old);
    assert!(to_new * 4.0 < to_old, "the page shows the new drawing {to_new}, the old one {to_old} (mean differences)");
    let _ = std::fs::remove_dir_all(&pictures);
    let line = metric_line(&preview.dir, "enterprise_visits");
    let source = seen["source"].as_str().unwrap();
    assert!(source.contains(&format!("metrics.yaml 第 {line} 行")) && source.contains("enterprise_visits"), "{source}");
    let banner = seen["banner"].as_str().unwrap();
    assert!(banner.contains("report.yaml:") && banner.contains("unknown metric `enterprise_vists`"), "{banner}");
    assert!(banner.contains("did you mean `enterprise_visits`?"), "{banner}");
    assert_eq!(seen["pagesUnderBanner"], 18, "the last good pages went away under the error");
    assert_eq!(seen["bannerCleared"], true);
    assert_eq!(seen["afterClose"], true);
}

#[test]
fn it_serves_its_own_routes_to_its_own_address_only() {
    let preview = Running::start(&[]);
    let host = &preview.address;
    let (status, body) = preview.get("/");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("/preview.js"));
    let (status, png) = preview.get("/pages/3.png?w=600");
    assert!(status == 200 && png.starts_with(b"\x89PNG"), "{status}");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 600, "the picture is not as wide as asked");
    let (status, text) = preview.get("/pages/3.text.svg");
    assert!(status == 200 && String::from_utf8_lossy(&text).contains(">336<"), "{status}");
    assert_eq!(preview.get("/pages/99.png").0, 404);
    // The download is the PDF `baogao build` writes.
    let built = preview.dir.parent().unwrap().join("built.pdf");
    assert!(baogao(&["build", preview.dir.to_str().unwrap(), "-o", built.to_str().unwrap()]).status.success());
    let (status, pdf) = preview.get("/report.pdf");
    assert_eq!(status, 200);
    assert!(pdf == std::fs::read(&built).unwrap(), "the download differs from the built PDF");

    let ask = |head: String| preview.request(&head).0;
    // DNS rebinding: a page of another site reaching this port.
    assert_eq!(
        ask(format!(
            "GET / HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
            host.split(':').nth(1).unwrap()
        )),
        403
    );
    assert_eq!(ask("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".into()), 403, "no Host");
    for path in [
        "/../../etc/passwd",
        "/pages/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/report.yaml",
        "/metrics.yaml",
        "/pages/3.png/../../report.yaml",
    ] {
        let status = ask(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    for method in ["DELETE", "PUT", "BREW"] {
        let status =
            ask(format!("{method} / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        assert!((400..500).contains(&status), "{method}: {status}");
    }
    let long = "a".repeat(5000);
    let status = ask(format!("GET /{long} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
    assert!((400..500).contains(&status), "an overlong target: {status}");
    // Opening an editor needs the page's token, and there is no editor.
    assert_eq!(
        ask(format!(
            "POST /open?file=report.yaml HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )),
        403
    );
    // No CORS: no Access-Control header on any answer.
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .write_all(
            format!("GET /state HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(!answer.to_ascii_lowercase().contains("access-control"), "{answer}");
}

/// How far `shown` is from `new` and from `old` (grey pixels, the mean
/// difference) on the rows where those two differ. `shown` is a screenshot
/// of the page's box, which starts between pixels and so is cut a row or
/// two larger: it is compared at the offset where it is nearest `new`.
fn row_distances(shown: &(u32, u32, Vec<u8>), new: &(u32, u32, Vec<u8>), old: &(u32, u32, Vec<u8>)) -> (f64, f64) {
    let w = new.0.min(shown.0) as usize;
    let row = |img: &(u32, u32, Vec<u8>), y: usize| img.2[y * img.0 as usize..][..w].to_vec();
    let rows: Vec<usize> = (0..new.1.min(old.1) as usize).filter(|&y| row(new, y) != row(old, y)).collect();
    assert!(!rows.is_empty(), "the edit changed no row of the drawing");
    let distance = |other: &(u32, u32, Vec<u8>), offset: usize| {
        let within: Vec<usize> = rows.iter().copied().filter(|y| y + offset < shown.1 as usize).collect();
        let total: u64 = within
            .iter()
            .flat_map(|&y| row(shown, y + offset).into_iter().zip(row(other, y)))
            .map(|(a, b)| u64::from(a.abs_diff(b)))
            .sum();
        total as f64 / (within.len() * w).max(1) as f64
    };
    let offset = (0..=3).min_by(|&a, &b| distance(new, a).total_cmp(&distance(new, b))).unwrap();
    (distance(new, offset), distance(old, offset))
}

/// Pictures of page 3, `width` pixels wide: the whole page and its bands.
fn page_pictures(preview: &Running, query: &str) -> (u16, Vec<u8>) {
    preview.get(&format!("/pages/3.png?{query}"))
}

/// A tab's event stream: each message, as the JSON it carries.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(preview: &Running, tab: &str) -> Self {
        let mut stream = TcpStream::connect(&preview.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let head = format!("GET /events?tab={tab} HTTP/1.1\r\nHost: {}\r\n\r\n", preview.address);
        stream.write_all(head.as_bytes()).unwrap();
        Events(BufReader::new(stream))
    }

    /// The next message (SSE `data:` line; the chunk sizes between are skipped).
    fn next(&mut self) -> serde_json::Value {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "the event stream ended");
            if let Some(data) = line.strip_prefix("data:") {
                return serde_json::from_str(data.trim()).expect("a message is JSON");
            }
        }
    }
}

#[test]
fn a_page_is_its_bands_and_a_change_comes_with_the_new_bands_of_the_pages_in_view() {
    let preview = Running::start(&[]);
    // The bands, one under the other, are the whole picture, row for row.
    let whole = grey_pixels(&page_pictures(&preview, "w=600").1);
    let mut stacked = Vec::new();
    let mut rows = 0;
    for k in 0..16 {
        let (status, png) = page_pictures(&preview, &format!("w=600&band={k}"));
        assert_eq!(status, 200, "band {k}");
        let band = grey_pixels(&png);
        assert_eq!(band.0, 600);
        let edge = |k: u32| (f64::from(whole.1) * f64::from(k) / 16.0).round() as u32;
        assert_eq!(band.1, edge(k + 1) - edge(k), "band {k}'s height");
        rows += band.1;
        stacked.extend(band.2);
    }
    assert_eq!((rows, stacked.len()), (whole.1, whole.2.len()));
    // Each band is drawn with its own offset, which can round a smoothed
    // edge one grey level the other way; no more.
    let off = stacked.iter().zip(&whole.2).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
    assert!(off <= 1, "the bands differ from the whole picture by {off} grey levels");
    assert_eq!(page_pictures(&preview, "w=600&band=16").0, 404);
    assert_eq!(page_pictures(&preview, "w=600&band=x").0, 400);

    // A tab says it shows page 3 at 600 px; its stream then brings, with
    // the next change, the bands of page 3 that changed, and none of page
    // 10, which also holds the figure but is not in its view.
    let mut events = Events::open(&preview, "t-1");
    let first = events.next();
    assert_eq!(first["pictures"], serde_json::json!([]));
    let page = String::from_utf8_lossy(&preview.get("/").1).into_owned();
    let token = page.split("data-token=\"").nth(1).and_then(|t| t.split('"').next()).unwrap().to_string();
    let view = |tab: &str, token: &str| {
        let head = format!(
            "POST /view?tab={tab}&w=600&pages=3 HTTP/1.1\r\nHost: {}\r\nX-Baogao-Token: {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            preview.address
        );
        preview.request(&head).0
    };
    assert_eq!(view("t-1", "wrong"), 403);
    assert_eq!(view("a%20b", &token), 400);
    assert_eq!(view("t-1", &token), 204);
    let metrics = std::fs::read_to_string(preview.dir.join("metrics.yaml")).unwrap();
    std::fs::write(preview.dir.join("metrics.yaml"), metrics.replace("value: 336,", "value: 4321,")).unwrap();
    let message = loop {
        let message = events.next();
        if message["state"]["version"] != first["state"]["version"] {
            break message;
        }
    };
    let (before, after) = (&first["state"]["pages"][2]["b"], &message["state"]["pages"][2]["b"]);
    let changed: Vec<usize> = (0..16).filter(|&k| before[k] != after[k]).collect();
    assert!((1..=8).contains(&changed.len()), "bands changed: {changed:?}");
    let pictures = message["pictures"].as_array().unwrap();
    let sent: Vec<usize> = pictures.iter().map(|p| p["k"].as_u64().unwrap() as usize).collect();
    assert_eq!(sent, changed, "the bands sent are not those that changed");
    let new_whole = grey_pixels(&page_pictures(&preview, "w=600").1);
    let edge = |k: usize| (f64::from(whole.1) * k as f64 / 16.0).round() as usize * 600;
    let mut redrawn = 0;
    for picture in pictures {
        assert_eq!((&picture["n"], &picture["w"]), (&serde_json::json!(3), &serde_json::json!(600)));
        let k = picture["k"].as_u64().unwrap() as usize;
        assert_eq!(picture["v"], after[k]);
        let png = base64::engine::general_purpose::STANDARD.decode(picture["png"].as_str().unwrap()).unwrap();
        assert!(
            png == page_pictures(&preview, &format!("w=600&band={k}")).1,
            "band {k} sent differs from band {k} served"
        );
        let rows = edge(k)..edge(k + 1);
        let off = grey_pixels(&png).2.iter().zip(&new_whole.2[rows.clone()]).map(|(a, b)| a.abs_diff(*b)).max();
        assert!(off <= Some(1), "band {k} is not those rows of the new page ({off:?})");
        redrawn += usize::from(new_whole.2[rows.clone()] != whole.2[rows]);
    }
    assert!(redrawn > 0, "no band sent looks different");
    // A band whose version stayed draws as before, pixel for pixel.
    for k in (0..16).filter(|k| !changed.contains(k)) {
        assert!(
            new_whole.2[edge(k)..edge(k + 1)] == whole.2[edge(k)..edge(k + 1)],
            "band {k} kept its version but changed"
        );
    }
}

/// The preview's resident memory, in KB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn it_holds_up_under_a_flood_and_many_saves_and_stops_cleanly_on_ctrl_c() {
    let mut preview = Running::start(&[]);
    let pid = preview.child.id();
    let before = rss_kb(pid);
    // A thousand connections, half of them never finishing their request.
    let mut open = Vec::new();
    for i in 0..1000 {
        if let Ok(mut stream) = TcpStream::connect(&preview.address) {
            let _ = stream.write_all(if i % 2 == 0 {
                b"GET /state HTT".as_slice()
            } else {
                b"GET / HTTP/1.1\r\n\r\n".as_slice()
            });
            open.push(stream);
        }
    }
    let started = Instant::now();
    assert_eq!(preview.get("/state").0, 200, "it stopped serving under the flood");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(open);
    let after = rss_kb(pid);
    assert!(after < before + 200_000, "memory grew from {before} KB to {after} KB under the flood");

    // A hundred saves in ten seconds: the last one wins, with no backlog.
    let metrics = std::fs::read_to_string(preview.dir.join("metrics.yaml")).unwrap();
    for n in 0..100 {
        let value = 1000 + n;
        std::fs::write(preview.dir.join("metrics.yaml"), metrics.replace("value: 336,", &format!("value: {value},")))
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let page = String::from_utf8_lossy(&preview.get("/pages/3.text.svg").1).into_owned();
        if page.contains(">1099<") {
            break;
        }
        assert!(Instant::now() < deadline, "the last save did not win within 5 s of it");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(preview.state()["error"].is_null());

    let dir = preview.dir.clone();
    let (status, said) = preview.interrupt();
    assert!(status.success(), "the preview ended with {status}: {said:?}");
    assert!(said.iter().any(|l| l.contains("stopped the preview")), "{said:?}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn the_editor_opens_a_file_of_the_report_for_the_page_alone() {
    let marks = tempfile::tempdir().unwrap();
    let editor = format!("touch {}/opened-{{line}}", marks.path().display());
    let preview = Running::start(&["--editor", &editor]);
    let host = preview.address.clone();
    let page = String::from_utf8_lossy(&preview.get("/").1).into_owned();
    let token = page.split("data-token=\"").nth(1).and_then(|t| t.split('"').next()).expect("the page holds its token");
    let open = |file: &str, token: &str| {
        let head = format!(
            "POST /open?file={file}&line=6 HTTP/1.1\r\nHost: {host}\r\nX-Baogao-Token: {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        preview.request(&head).0
    };
    assert_eq!(open("metrics.yaml", "wrong"), 403);
    assert_eq!(open("../../etc/passwd", token), 403, "a file outside the report");
    assert_eq!(open("metrics.yaml", token), 204);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !marks.path().join("opened-6").exists() {
        assert!(Instant::now() < deadline, "the editor was not run");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_taken_port_gives_a_free_one_and_no_address_is_refused() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let preview = Running::start(&["--port", &port]);
    assert!(!preview.address.ends_with(&format!(":{port}")), "it claims the taken port");
    assert_eq!(preview.get("/").0, 200);
    drop(preview);
    let output = baogao(&["preview", root().join("content/shiqiao-2021").to_str().unwrap(), "--host", "0.0.0.0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("names no one address"));
}
