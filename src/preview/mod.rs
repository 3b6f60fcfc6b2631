//! `baogao preview`'s state: the report's pages as the browser gets them,
//! the last error, the PDF; and the server that hands them out
//! (`server.rs`) and finds where a clicked piece of text comes from
//! (`source.rs`).
//!
//! After a rebuild, a page whose content is as before keeps its version,
//! so the browser fetches only the pages that changed, and of those only
//! the bands that changed (`bands.rs`). A page is shown as a PNG the width
//! it is shown at, with its text laid over it as transparent SVG text (to
//! select, find and click): Chromium paints a page drawn as SVG paths
//! (glyph outlines) many times slower than a picture of it, which decides
//! how soon an edit shows. Pictures are drawn when asked for, and the
//! browser asks for the pages in view first, so on a long report the first
//! page shows before the last is drawn.

mod bands;
pub mod server;
mod source;
mod tabs;

use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;
use typst_layout::{Page, PagedDocument};

use crate::export::pdf::Standards;
use crate::report::Folder;
use crate::report::document::Meta;
use crate::typeset::diag::{self, Message};

/// What every open tab is shown, and what the server needs to answer.
pub struct Preview {
    state: Mutex<State>,
    /// The state's version, sent to every tab's stream on a change; a tab
    /// that is behind gets the newest only (no backlog). Gone once the
    /// preview closes, which ends every tab's stream.
    events: Mutex<Option<tokio::sync::watch::Sender<u64>>>,
    /// What each tab has in view, for the pictures sent with a change.
    views: Mutex<tabs::Views>,
    /// Asked for by the page's requests that act (open an editor, say what
    /// a tab has in view), so that no other site can make them.
    pub token: String,
    pub folder: Folder,
    /// `--editor CMD`, with `{file}` and `{line}`.
    pub editor: Option<String>,
    /// The PDF's file name, for the download.
    pub pdf_name: String,
}

#[derive(Default)]
struct State {
    version: u64,
    pages: Vec<Arc<Slot>>,
    error: Option<Vec<Message>>,
    /// What the PDF is made of, and the PDF once asked for, by version.
    pdf_input: Option<Arc<PdfInput>>,
    pdf: Option<(u64, Arc<Vec<u8>>)>,
    /// The report's files (report.yaml, metrics, tables), for click to source.
    sources: Vec<String>,
}

/// The laid-out report with what its PDF needs: made into a PDF only when
/// the download is asked for, so that no rebuild waits for it.
pub struct PdfInput {
    pub pages: PagedDocument,
    pub meta: Meta,
    pub standards: Standards,
    /// The catalogue entries the PDF's XMP carries.
    pub schemas: Vec<crate::report::records::Schema>,
}

/// A page: its content, the version it (and each band) changed at, its
/// drawings once made.
struct Slot {
    page: Page,
    /// typst's hash of the page (cached in its frames: cheap), and what it
    /// and each band draw, which decide whether it changed when typst's
    /// differs.
    hash: u128,
    drawn: bands::Hashes,
    /// The version each band last changed at; the page's is the newest
    /// (a page that draws otherwise has a band that does).
    bands: Vec<u64>,
    /// The text layer.
    text: OnceLock<Arc<str>>,
    /// The last picture of each band asked for, then of the whole page.
    pictures: Vec<Mutex<Option<Picture>>>,
}

/// A picture's width in pixels, and its PNG.
type Picture = (u32, Arc<Vec<u8>>);

/// The state as the browser reads it.
#[derive(Serialize)]
struct Shown<'a> {
    version: u64,
    pages: Vec<PageShown>,
    error: Option<ErrorShown<'a>>,
    editor: bool,
}

#[derive(Serialize)]
struct PageShown {
    /// The version the page last changed at: the browser fetches it anew
    /// when this differs from what it has.
    v: u64,
    /// Size in points.
    w: f64,
    h: f64,
    /// The version each band last changed at.
    b: Vec<u64>,
}

#[derive(Serialize)]
struct ErrorShown<'a> {
    /// The words the terminal prints.
    text: String,
    messages: &'a [Message],
}

impl Preview {
    pub fn new(folder: Folder, editor: Option<String>, pdf_name: String) -> Arc<Self> {
        let (events, _) = tokio::sync::watch::channel(0);
        let token = token();
        Arc::new(Self {
            state: Mutex::default(),
            events: Mutex::new(Some(events)),
            views: Mutex::default(),
            token,
            folder,
            editor,
            pdf_name,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A build laid the report out: its pages replace the last ones, each
    /// keeping its version (and drawings) where it draws the same, and a
    /// page that changed keeping the versions of the bands it draws as
    /// before.
    pub fn set_pages(&self, pdf: PdfInput, sources: Vec<String>) {
        let mut state = self.state();
        state.version += 1;
        let version = state.version;
        let old = std::mem::take(&mut state.pages);
        state.pages = pdf
            .pages
            .pages()
            .iter()
            .enumerate()
            .map(|(i, page)| {
                let last = old.get(i);
                let hash = typst::utils::hash128(page);
                if let Some(slot) = last.filter(|s| s.hash == hash) {
                    return slot.clone();
                }
                let drawn = bands::hashes(page);
                if let Some(slot) = last.filter(|s| s.drawn.page == drawn.page) {
                    return slot.clone();
                }
                Arc::new(Slot::new(page.clone(), hash, drawn, version, last.map(|s| &**s)))
            })
            .collect();
        state.error = None;
        state.sources = sources;
        state.pdf_input = Some(Arc::new(pdf));
        self.publish(&state);
    }

    /// A build failed: the error shows over the last good pages.
    pub fn set_error(&self, messages: Vec<Message>) {
        let mut state = self.state();
        state.version += 1;
        state.error = Some(messages);
        self.publish(&state);
    }

    fn publish(&self, state: &State) {
        if let Some(events) = &*self.events.lock().unwrap_or_else(|e| e.into_inner()) {
            events.send_replace(state.version);
        }
    }

    /// The state as the browser reads it, now.
    pub fn shown(&self) -> String {
        shown(&self.state(), self.editor.is_some())
    }

    /// What `tab` is sent now: `{"state": …, "pictures": […]}`, the
    /// pictures being those of what changed since `sent` on the pages
    /// in its view.
    pub fn message_for(&self, tab: Option<&str>, sent: &mut tabs::Sent) -> String {
        let (state, pages) = {
            let state = self.state();
            (shown(&state, self.editor.is_some()), state.pages.clone())
        };
        let view = tab.and_then(|t| self.views().get(t));
        let pictures = tabs::pictures(&pages, view.as_ref(), sent);
        format!(r#"{{"state":{state},"pictures":{pictures}}}"#)
    }

    fn views(&self) -> std::sync::MutexGuard<'_, tabs::Views> {
        self.views.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps what `tab` has in view; false if there are too many tabs.
    pub fn set_view(&self, tab: &str, view: tabs::View) -> bool {
        self.views().set(tab, view)
    }

    /// Forgets `tab`'s view: its stream ended.
    pub fn forget_tab(&self, tab: &str) {
        self.views().remove(tab);
    }

    /// A receiver of the state's version as it changes; none once closed.
    pub fn subscribe(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|e| e.subscribe())
    }

    /// Ends every tab's event stream: the server is stopping.
    pub fn close(&self) {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    fn slot(&self, n: usize) -> Option<Arc<Slot>> {
        self.state().pages.get(n.checked_sub(1)?).cloned()
    }

    /// Page `n`'s (from 1) text layer, made now if it was not yet.
    pub fn page_text(&self, n: usize) -> Option<Arc<str>> {
        let slot = self.slot(n)?;
        Some(slot.text.get_or_init(|| Arc::from(crate::export::svg::text_only(&slot.page))).clone())
    }

    /// Page `n` (or its band `band`) as a PNG of the page `width` pixels
    /// wide (within `bands::clamp_width`), drawn now unless it was last
    /// drawn at that width.
    pub fn page_picture(&self, n: usize, band: Option<usize>, width: u32) -> Option<Arc<Vec<u8>>> {
        self.slot(n)?.picture(band, width)
    }

    /// The PDF of the pages last set, made now if it was not yet: the same
    /// bytes as `baogao build` writes.
    pub fn pdf(&self) -> Option<Result<Arc<Vec<u8>>, String>> {
        let (version, input) = {
            let state = self.state();
            if let Some((v, pdf)) = &state.pdf
                && *v == state.version
            {
                return Some(Ok(pdf.clone()));
            }
            (state.version, state.pdf_input.clone()?)
        };
        let made = match crate::export::pdf::export(&input.pages, &input.meta, &input.standards, &input.schemas) {
            Ok(bytes) => Arc::new(bytes),
            Err(errors) => {
                return Some(Err(errors.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")));
            }
        };
        self.state().pdf = Some((version, made.clone()));
        Some(Ok(made))
    }

    /// Where `text` (a run clicked on, with the runs before it as
    /// `context`) comes from in the report's files.
    pub fn source_of(&self, text: &str, context: &[String]) -> Option<source::Location> {
        let sources = self.state().sources.clone();
        source::locate(&self.folder, &sources, text, context)
    }

    /// Whether `file` is one of the report's files (what an editor may open).
    pub fn is_source(&self, file: &str) -> bool {
        self.state().sources.iter().any(|s| s == file)
    }
}

impl Slot {
    /// The page at `version`, in place of `last` (the page that was there):
    /// its bands that draw as `last`'s did keep their versions.
    fn new(page: Page, hash: u128, drawn: bands::Hashes, version: u64, last: Option<&Slot>) -> Self {
        let bands = match last {
            Some(last) if last.page.frame.size() == page.frame.size() => {
                let (now, before) = (&drawn.bands, &last.drawn.bands);
                now.iter().zip(before).zip(&last.bands).map(|((a, b), &v)| if a == b { v } else { version }).collect()
            }
            _ => vec![version; bands::BANDS],
        };
        let pictures = (0..=bands::BANDS).map(|_| Mutex::new(None)).collect();
        Self { page, hash, drawn, bands, text: OnceLock::new(), pictures }
    }

    /// The version the page last changed at.
    fn version(&self) -> u64 {
        self.bands.iter().copied().max().unwrap_or_default()
    }

    /// Band `band` of the page (or the whole page) as a PNG of the page
    /// `width` pixels wide; another thread asking for the same waits for
    /// this one's drawing instead of drawing it again.
    fn picture(&self, band: Option<usize>, width: u32) -> Option<Arc<Vec<u8>>> {
        let width = bands::clamp_width(width);
        // The whole page's picture is kept after the bands'.
        let index = match band {
            Some(k) if k < bands::BANDS => k,
            Some(_) => return None,
            None => bands::BANDS,
        };
        let mut picture = self.pictures[index].lock().unwrap_or_else(|e| e.into_inner());
        if let Some((drawn, png)) = &*picture
            && *drawn == width
        {
            return Some(png.clone());
        }
        let png = Arc::new(bands::picture(&self.page, band, width).ok()?);
        *picture = Some((width, png.clone()));
        Some(png)
    }
}

fn shown(state: &State, editor: bool) -> String {
    let pages = state
        .pages
        .iter()
        .map(|slot| PageShown {
            v: slot.version(),
            w: slot.page.frame.width().to_pt(),
            h: slot.page.frame.height().to_pt(),
            b: slot.bands.clone(),
        })
        .collect();
    let error = state.error.as_deref().map(|messages| ErrorShown { text: diag::human_text(messages), messages });
    serde_json::to_string(&Shown { version: state.version, pages, error, editor }).expect("the state serialises")
}

/// 128 random bits as hex, from the system's randomness.
fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS's randomness; two of them give
    // 128 bits.
    let bits = |n: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.finish()
    };
    format!("{:016x}{:016x}", bits(1), bits(2))
}
