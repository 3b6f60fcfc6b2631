//! The preview's HTTP server (axum on tokio): its own routes only, no
//! file system behind them, requests for another host refused (DNS
//! rebinding), no CORS headers; server-sent events carry each new state
//! to every open tab.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::Preview;
use super::tabs::{Sent, View, is_tab_name};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/preview.js");
const STYLE: &str = include_str!("assets/preview.css");

/// The longest request target served: the page's own are short.
const MAX_URI: usize = 2048;

/// What the handlers share.
struct App {
    preview: Arc<Preview>,
    /// `Host` header values this server answers to.
    hosts: Vec<String>,
}

/// Serves `preview` on `listener` until `stop` resolves.
pub async fn serve(
    preview: Arc<Preview>,
    listener: TcpListener,
    hosts: Vec<String>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = Arc::new(App { preview, hosts });
    let router = Router::new()
        .route("/", get(index))
        .route("/preview.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT) }))
        .route("/preview.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }))
        .route("/state", get(state))
        .route("/events", get(events))
        .route("/pages/{file}", get(page))
        .route("/report.pdf", get(pdf))
        .route("/source", get(source))
        .route("/open", post(open).route_layer(middleware::from_fn_with_state(app.clone(), page_only)))
        .route("/view", post(view).route_layer(middleware::from_fn_with_state(app.clone(), page_only)))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app);
    axum::serve(listener, router).with_graceful_shutdown(stop).await
}

/// Refuses what is not for us (another `Host`: a DNS rebinding page; an
/// overlong target), and marks every answer as not to be framed, sniffed
/// or cached.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if request.uri().to_string().len() > MAX_URI {
        return (StatusCode::URI_TOO_LONG, "request target too long").into_response();
    }
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !app.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return (StatusCode::FORBIDDEN, "this preview answers only to its own address").into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn index(State(app): State<Arc<App>>) -> impl IntoResponse {
    let page = INDEX.replace("{{token}}", &app.preview.token).replace("{{name}}", &html_escape(&app.preview.pdf_name));
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
}

async fn state(State(app): State<Arc<App>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], app.preview.shown())
}

/// `/events?tab=…`: the state now, then each new one, with the pictures
/// of what changed in the tab's view (`tabs.rs`); ends when the preview
/// closes.
async fn events(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(receiver) = app.preview.subscribe() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    };
    let tab = Tab { preview: app.preview.clone(), name: query.get("tab").filter(|t| is_tab_name(t)).cloned() };
    let start = (receiver, true, Sent::default(), tab);
    let stream = futures_util::stream::unfold(start, |(mut receiver, first, mut sent, tab)| async move {
        if !first {
            receiver.changed().await.ok()?;
            receiver.borrow_and_update();
        }
        let (preview, name) = (tab.preview.clone(), tab.name.clone());
        let (data, sent) = tokio::task::spawn_blocking(move || {
            let data = preview.message_for(name.as_deref(), &mut sent);
            (data, sent)
        })
        .await
        .ok()?;
        Some((Ok::<_, std::convert::Infallible>(Event::default().data(data)), (receiver, false, sent, tab)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

/// A tab's stream: when it ends (the tab closed), its view is forgotten.
struct Tab {
    preview: Arc<Preview>,
    name: Option<String>,
}

impl Drop for Tab {
    fn drop(&mut self) {
        if let Some(name) = &self.name {
            self.preview.forget_tab(name);
        }
    }
}

/// `POST /view?tab=…&w=1068&pages=3,4`: what a tab has in view.
async fn view(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let tab = query.get("tab").filter(|t| is_tab_name(t));
    let width = query.get("w").and_then(|w| w.parse().ok());
    let pages: Option<Vec<usize>> = query.get("pages").map(|p| p.split(',').filter_map(|n| n.parse().ok()).collect());
    let (Some(tab), Some(width), Some(pages)) = (tab, width, pages) else {
        return (StatusCode::BAD_REQUEST, "give tab, w and pages").into_response();
    };
    if app.preview.set_view(tab, View { pages, width }) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (StatusCode::TOO_MANY_REQUESTS, "too many tabs").into_response()
    }
}

/// Lets through only requests from the preview's own page, which carry
/// the token no other site knows (the POST routes: they act).
async fn page_only(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let token = request.headers().get("x-baogao-token").and_then(|t| t.to_str().ok());
    if token != Some(app.preview.token.as_str()) {
        return (StatusCode::FORBIDDEN, "not from the preview's page").into_response();
    }
    next.run(request).await
}

/// `/pages/3.png?w=1068`: page 3 as a picture that many pixels wide;
/// `/pages/3.png?w=1068&band=5`: its band 5 (from 0) of that picture;
/// `/pages/3.text.svg`: its text layer. Drawn on a blocking thread.
async fn page(
    State(app): State<Arc<App>>,
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let preview = app.preview.clone();
    let (kind, drawn) = if let Some(n) = file.strip_suffix(".png").and_then(|n| n.parse::<usize>().ok()) {
        let width = query.get("w").and_then(|w| w.parse().ok()).unwrap_or(1200);
        let band = match query.get("band").map(|b| b.parse::<usize>()) {
            None => None,
            Some(Ok(band)) => Some(band),
            Some(Err(_)) => return (StatusCode::BAD_REQUEST, "band is a number").into_response(),
        };
        let drawn =
            tokio::task::spawn_blocking(move || preview.page_picture(n, band, width).map(|p| p.as_ref().clone()));
        ("image/png", drawn.await.ok().flatten())
    } else if let Some(n) = file.strip_suffix(".text.svg").and_then(|n| n.parse::<usize>().ok()) {
        let drawn = tokio::task::spawn_blocking(move || preview.page_text(n).map(|t| t.as_bytes().to_vec()));
        ("image/svg+xml", drawn.await.ok().flatten())
    } else {
        ("", None)
    };
    match drawn {
        Some(bytes) => ([(header::CONTENT_TYPE, kind)], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "no such page").into_response(),
    }
}

/// The PDF, as `baogao build` writes it.
async fn pdf(State(app): State<Arc<App>>) -> Response {
    let preview = app.preview.clone();
    let bytes = match tokio::task::spawn_blocking(move || preview.pdf()).await.ok().flatten() {
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
        None => return (StatusCode::SERVICE_UNAVAILABLE, "the report has not built yet").into_response(),
    };
    let disposition = format!("attachment; filename=\"{}\"", app.preview.pdf_name.replace(['"', '\\'], "_"));
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, bytes.as_ref().clone()).into_response()
}

/// `/source?text=…&context=…`: where the clicked text comes from, as JSON.
async fn source(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let text = query.get("text").cloned().unwrap_or_default();
    let context: Vec<String> =
        query.get("context").map(|c| c.split('\n').map(str::to_string).collect()).unwrap_or_default();
    let preview = app.preview.clone();
    let found = tokio::task::spawn_blocking(move || preview.source_of(&text, &context)).await.ok().flatten();
    let json = serde_json::to_string(&found).expect("a location serialises");
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// `POST /open?file=…&line=…`: opens one of the report's files in
/// `--editor`.
async fn open(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let (Some(editor), Some(file)) = (&app.preview.editor, query.get("file")) else {
        return (StatusCode::NOT_FOUND, "no editor").into_response();
    };
    if !app.preview.is_source(file) {
        return (StatusCode::FORBIDDEN, "not a file of the report").into_response();
    }
    let line: usize = query.get("line").and_then(|l| l.parse().ok()).unwrap_or(1);
    let path = app.preview.folder.root().join(file);
    let words: Vec<String> = editor
        .split_whitespace()
        .map(|w| w.replace("{file}", &path.to_string_lossy()).replace("{line}", &line.to_string()))
        .collect();
    let Some((program, args)) = words.split_first() else { return StatusCode::NOT_FOUND.into_response() };
    match std::process::Command::new(program).args(args).spawn() {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot run `{program}`: {e}")).into_response(),
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
