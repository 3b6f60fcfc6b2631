//! What each open tab is sent on a change: the state, and with it the new
//! pictures of the bands that changed on the pages the tab has in view,
//! drawn at its width as soon as the pages are laid out. The tab would
//! otherwise learn of the change, ask for each band and wait for it to be
//! drawn: on a busy machine those steps took longer than the drawing.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use serde::Serialize;

use super::{Slot, bands};

/// The most tabs whose view is kept (one entry each, gone with its stream).
const MAX_TABS: usize = 64;
/// The most pages a view names: a tall window shows a few.
const MAX_PAGES: usize = 8;

/// The pages (from 1) a tab has in view, and the width in pixels it shows
/// them at.
#[derive(Clone)]
pub struct View {
    pub pages: Vec<usize>,
    pub width: u32,
}

/// The tabs' views, by the name each tab gave itself.
#[derive(Default)]
pub struct Views(HashMap<String, View>);

impl Views {
    /// Keeps `tab`'s view; false if that would be one tab too many.
    pub fn set(&mut self, tab: &str, mut view: View) -> bool {
        if self.0.len() >= MAX_TABS && !self.0.contains_key(tab) {
            return false;
        }
        view.pages.truncate(MAX_PAGES);
        view.width = bands::clamp_width(view.width);
        self.0.insert(tab.to_string(), view);
        true
    }

    pub fn remove(&mut self, tab: &str) {
        self.0.remove(tab);
    }

    pub fn get(&self, tab: &str) -> Option<View> {
        self.0.get(tab).cloned()
    }
}

/// Whether `tab` can name a tab: a short run of letters, digits and dashes.
pub fn is_tab_name(tab: &str) -> bool {
    (1..=64).contains(&tab.len()) && tab.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The band versions of each page as last sent to one tab.
#[derive(Default)]
pub struct Sent(Vec<Vec<u64>>);

/// A picture sent before it is asked for: page `n`'s band `k` (or the
/// whole page) at version `v`, `w` pixels wide, as base64 PNG.
#[derive(Serialize)]
struct Pushed {
    n: usize,
    k: Option<usize>,
    v: u64,
    w: u32,
    png: String,
}

/// The pictures of what changed since `sent` on the pages `view` shows,
/// drawn (in parallel) at its width; `sent` becomes `pages`' versions.
pub(super) fn pictures(pages: &[Arc<Slot>], view: Option<&View>, sent: &mut Sent) -> String {
    let mut wanted = Vec::new();
    for &n in view.map_or(&[][..], |v| &v.pages) {
        let Some(i) = n.checked_sub(1) else { continue };
        let (Some(slot), Some(before)) = (pages.get(i), sent.0.get(i)) else { continue };
        let changed: Vec<usize> = (0..slot.bands.len()).filter(|&k| before.get(k) != Some(&slot.bands[k])).collect();
        // As preview.js does: past half the bands, the whole page in one.
        if changed.len() > bands::BANDS / 2 {
            wanted.push((slot.clone(), n, None, slot.version()));
        } else {
            wanted.extend(changed.into_iter().map(|k| (slot.clone(), n, Some(k), slot.bands[k])));
        }
    }
    sent.0 = pages.iter().map(|s| s.bands.clone()).collect();
    let Some(width) = view.map(|v| v.width) else { return "[]".into() };
    use rayon::prelude::*;
    let pushed: Vec<Pushed> = wanted
        .par_iter()
        .filter_map(|(slot, n, k, v)| {
            let png = slot.picture(*k, width)?;
            Some(Pushed { n: *n, k: *k, v: *v, w: width, png: base64::engine::general_purpose::STANDARD.encode(&*png) })
        })
        .collect();
    serde_json::to_string(&pushed).expect("pictures serialise")
}
