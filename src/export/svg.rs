//! SVG: one file per page, drawn by typst's own `typst-svg`, with the
//! page's text laid over it.
//!
//! typst-svg draws text as glyph outlines, so that a page looks the same in
//! any browser without the fonts; but then a browser can neither find,
//! select nor copy a word of it, nor can a screen reader read it. Each run
//! of text is therefore also written as a transparent `<text>` element at
//! the run's place and width (as a PDF's text is laid under a scan), in the
//! page's reading order, in one group at the end of the page.

use std::fmt::Write as _;

use rayon::prelude::*;
use typst::layout::{Abs, Frame, FrameItem, Transform};
use typst::text::TextItem;
use typst_layout::{Page, PagedDocument};
use typst_svg::SvgOptions;

/// Each page as an SVG document, drawn on all cores.
pub fn export(document: &PagedDocument) -> Vec<Vec<u8>> {
    document.pages().par_iter().map(|page| svg(page).into_bytes()).collect()
}

/// One page as an SVG document, with its text laid over it.
pub fn svg(page: &Page) -> String {
    with_text(typst_svg::svg(page, &SvgOptions::default()), page)
}

/// The page's text alone, invisible, as an SVG document the page's size:
/// laid over a picture of the page (the preview's), it makes the text
/// selectable, findable and clickable.
pub fn text_only(page: &Page) -> String {
    let (w, h) = (page.frame.width().to_pt(), page.frame.height().to_pt());
    let open = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.3} {h:.3}" width="{w:.3}pt" height="{h:.3}pt">"#
    );
    format!("{open}{}</svg>", text_layer(page))
}

/// The page's runs of text as transparent `<text>` elements, in one group.
fn text_layer(page: &Page) -> String {
    let mut layer = String::from(r#"<g class="text-layer" fill="transparent" stroke="none" aria-hidden="false">"#);
    runs(&page.frame, Transform::identity(), &mut layer);
    layer.push_str("</g>");
    layer
}

/// `svg` with the page's text laid over it, before its closing tag.
fn with_text(mut svg: String, page: &Page) -> String {
    let layer = text_layer(page);
    match svg.rfind("</svg>") {
        Some(end) => svg.insert_str(end, &layer),
        None => svg.push_str(&layer),
    }
    svg
}

/// Writes each run of text in `frame` (and its groups), placed by `ts`.
fn runs(frame: &Frame, ts: Transform, out: &mut String) {
    for (pos, item) in frame.items() {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => runs(&group.frame, ts.pre_concat(group.transform), out),
            FrameItem::Text(text) => run(text, ts, out),
            _ => {}
        }
    }
}

/// One run as a `<text>` element: its baseline at the origin of `ts`,
/// stretched to the glyphs' width so that a selection covers them.
fn run(text: &TextItem, ts: Transform, out: &mut String) {
    let content = escaped(&text.text);
    let width = text.width();
    if content.trim().is_empty() || width <= Abs::zero() {
        return;
    }
    // Almost every run is only moved; a scaled or turned one (a rotated
    // label) takes its whole transform.
    let moved_only = [ts.sx.get(), ts.sy.get(), ts.kx.get(), ts.ky.get()] == [1.0, 1.0, 0.0, 0.0];
    let (x, y, matrix) = if moved_only {
        (ts.tx.to_pt(), ts.ty.to_pt(), String::new())
    } else {
        let (sx, ky, kx, sy) = (ts.sx.get(), ts.ky.get(), ts.kx.get(), ts.sy.get());
        let (tx, ty) = (ts.tx.to_pt(), ts.ty.to_pt());
        (0.0, 0.0, format!(r#" transform="matrix({sx} {ky} {kx} {sy} {tx:.3} {ty:.3})""#))
    };
    let _ = write!(
        out,
        r#"<text x="{x:.3}" y="{y:.3}" font-size="{:.3}" textLength="{:.3}" lengthAdjust="spacingAndGlyphs"{matrix}>{content}</text>"#,
        text.size.to_pt(),
        width.to_pt(),
    );
}

/// `text` as XML character data: markup characters escaped, and characters
/// XML does not allow (most controls) left out.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_as_character_data() {
        assert_eq!(escaped("a<b>&c]]>\u{1}\td"), "a&lt;b&gt;&amp;c]]&gt; d");
        assert_eq!(escaped("走访336家次"), "走访336家次");
    }
}
