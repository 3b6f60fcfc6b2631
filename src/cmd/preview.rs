//! `baogao preview`: the report's pages live in the browser. It builds as
//! `watch` does, but into memory: the pages go to every open tab (only
//! those that changed), an error shows over the last good pages, and a
//! click on the text says where it comes from. The server listens on
//! loopback unless told otherwise.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::session::{Session, font_store};
use super::watch::{Watched, stop_on_ctrl_c, watch_folder};
use super::{Failure, Outcome, Result};
use crate::cli::{InputArgs, PreviewArgs};
use crate::export::Format;
use crate::preview::{PdfInput, Preview, server};
use crate::typeset::diag::{self, MessageFormat};

pub fn run(args: &PreviewArgs, format: MessageFormat) -> Result {
    let stop = stop_on_ctrl_c();
    let mut session = Session::open(&args.report, font_store(&args.input))?;
    let pdf = session.outputs(None).file(Format::Pdf);
    let pdf_name = pdf.file_name().map_or("report.pdf".into(), |n| n.to_string_lossy().into_owned());
    let preview = Preview::new(session.folder.clone(), args.editor.clone(), pdf_name);
    let (listener, address) = bind(args)?;
    let url = format!("http://{address}/");
    let server = spawn_server(preview.clone(), listener, hosts(address), stop.clone())?;
    let started = format!("preview at {url} (Ctrl-C to stop)");
    // The page opens at once and fills in as the first build ends.
    if let Some(Err(e)) = args.open.then(|| open_browser(&url)) {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
    let watched = watch_folder(&mut session, &stop, &started, |session, files| {
        build(session, &args.input, &preview, files, format)
    });
    stop.store(true, Ordering::SeqCst);
    let _ = server.join();
    watched?;
    say!("stopped the preview");
    Ok(())
}

/// Binds the address asked for (`--host`, loopback by default; `--port`,
/// or a free one when it is taken or not given).
fn bind(args: &PreviewArgs) -> Result<(TcpListener, SocketAddr)> {
    let host: IpAddr = match &args.host {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(text) => text.parse().map_err(|_| {
            let message = format!("`--host {text}` is not an IP address");
            Failure::plain(Outcome::UsageError, message, &["give one such as 127.0.0.1 or 192.168.1.20"])
        })?,
    };
    if host.is_unspecified() {
        let message = format!("`--host {host}` names no one address: the preview would not know its own name");
        return Err(Failure::plain(
            Outcome::UsageError,
            message,
            &["give the address of the network it is for, such as 192.168.1.20"],
        ));
    }
    if !host.is_loopback() {
        eprintln!("warning: listening on {host}: anyone on that network can read the report");
    }
    let listener = args
        .port
        .and_then(|port| {
            let bound = TcpListener::bind((host, port));
            if bound.is_err() {
                eprintln!("port {port} is taken; using a free one");
            }
            bound.ok()
        })
        .map_or_else(|| TcpListener::bind((host, 0)), Ok)
        .map_err(|e| {
            Failure::plain(Outcome::OutputError, format!("cannot listen on {host}: {e}"), &["give another --host"])
        })?;
    let address = listener.local_addr().map_err(|e| Failure::plain(Outcome::OutputError, e.to_string(), &[]))?;
    Ok((listener, address))
}

/// The `Host` values the server answers to: its address, and for
/// loopback the names of loopback.
fn hosts(address: SocketAddr) -> Vec<String> {
    let port = address.port();
    let mut hosts = vec![address.to_string()];
    if address.ip().is_loopback() {
        hosts.extend([format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]);
    }
    hosts
}

/// The server on a thread of its own, with a small runtime; it stops when
/// `stop` is raised, ending every tab's event stream.
fn spawn_server(
    preview: Arc<Preview>,
    listener: TcpListener,
    hosts: Vec<String>,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<()>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .map_err(|e| Failure::plain(Outcome::OutputError, format!("cannot start the server: {e}"), &[]))?;
    let closing = preview.clone();
    let stopped = async move {
        while !stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        closing.close();
    };
    Ok(std::thread::spawn(move || {
        if let Err(e) = runtime.block_on(server::serve(preview, listener, hosts, stopped)) {
            eprintln!("error: the preview's server stopped: {e}");
        }
        runtime.shutdown_timeout(Duration::from_secs(1));
    }))
}

/// One build into the preview: the pages (the PDF is made when the
/// download is asked for); or the error.
fn build(
    session: &mut Session,
    input: &InputArgs,
    preview: &Preview,
    files: &mut Watched,
    format: MessageFormat,
) -> bool {
    let start = Instant::now();
    let mut compiled = false;
    let result = session.load(input).and_then(|job| {
        files.used = job.loaded.sources.clone();
        compiled = true;
        let typeset = session.typeset(&job)?;
        diag::emit(&typeset.warnings, format);
        let count = typeset.pages.pages().len();
        let pdf = PdfInput {
            pages: typeset.pages,
            meta: job.loaded.document.meta.clone(),
            standards: job.standards.clone(),
            schemas: crate::report::records::of(&job.loaded.document, job.loaded.template.layout()),
        };
        preview.set_pages(pdf, job.loaded.sources.clone());
        Ok(count)
    });
    let secs = start.elapsed().as_secs_f64();
    match result {
        Ok(pages) => say!("updated the preview ({pages} pages) in {secs:.2} s"),
        Err(failure) => {
            diag::emit(&failure.messages, format);
            preview.set_error(failure.messages);
            say!("build failed after {secs:.2} s; the preview shows the error over the last good pages");
        }
    }
    // As in `watch`: a build that stopped at loading ages no results.
    compiled
}

/// Opens `url` in the default browser.
fn open_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(url).spawn().map(|_| ())
}
