//! A page cut into bands across its width, so that an edit redraws (and
//! the browser fetches and paints) only the few bands whose drawing it
//! changed, not the whole page: drawing a page is most of what stands
//! between a save and the new figure on the screen.
//!
//! A band is told by what it draws: the page's items that reach into it
//! (with a margin for smoothing and rounding), each where the page puts it.
//! Its picture is those items drawn on the page's own pixel grid, so it
//! fits the picture of the whole page row for row. The browser works out
//! the same rows (`preview.js`, `pictureHeight` and `edge`): both sides
//! round the same way.

use std::hash::{Hash, Hasher};

use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point, Size, Transform};
use typst::visualize::{CurveItem, Geometry};
use typst_layout::Page;

/// Bands a page is cut into.
pub const BANDS: usize = 16;

/// What a band takes in beyond its edges, in points: pixels smoothed at
/// its edge and the half pixel of rounding each way, at the narrowest
/// picture drawn (200 px for a page, a third of a pixel a point).
const MARGIN: f64 = 6.0;

/// What a page draws, as hashes: the whole page's, and each band's.
pub struct Hashes {
    pub page: u128,
    pub bands: Vec<u128>,
}

/// The page's hashes, in one walk over its items: each item drawn is
/// hashed once, with where the page puts it and the clips around it, and
/// counted in every band it reaches (as [`kept`] keeps it). Left out: the
/// introspection tags and links, which draw nothing but name places in
/// the document that move when an edit earlier in it adds or takes away
/// an element; and the source spans of text, shapes and images, which move
/// when an earlier piece of the same text grows or shrinks.
pub fn hashes(page: &Page) -> Hashes {
    let mut items = vec![Vec::new(); BANDS];
    let bands: Vec<(f64, f64)> = (0..BANDS).map(|k| band(page, k)).collect();
    walk(&page.frame, Transform::identity(), 0, &mut |ts, clip, item| {
        let Some(span) = extent(item).map(|e| vertical_span(e, ts)) else { return };
        let hash = typst::utils::hash128(&(ts, clip, Leaf(item)));
        for (k, band) in bands.iter().enumerate() {
            if overlaps(span, *band) {
                items[k].push(hash);
            }
        }
    });
    let bands: Vec<u128> = items.iter().map(|items| typst::utils::hash128(&(&page.fill, items))).collect();
    Hashes { page: typst::utils::hash128(&(page.frame.size(), &bands)), bands }
}

/// Calls `visit` with each item of `frame` that is not a group, the
/// transform that takes it to the page, and a hash of the clips around it.
fn walk(frame: &Frame, ts: Transform, clip: u128, visit: &mut impl FnMut(Transform, u128, &FrameItem)) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                let inner = at.pre_concat(group.transform);
                let clip = group.clip.as_ref().map_or(clip, |path| typst::utils::hash128(&(clip, inner, path)));
                walk(&group.frame, inner, clip, visit);
            }
            other => visit(at, clip, other),
        }
    }
}

/// An item as drawn, where it is put aside.
struct Leaf<'a>(&'a FrameItem);

impl Hash for Leaf<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.0 {
            FrameItem::Text(text) => {
                (&text.font, text.size, &text.fill, &text.stroke, &text.text).hash(state);
                for g in &text.glyphs {
                    (g.id, g.x_advance, g.x_offset, g.y_advance, g.y_offset).hash(state);
                }
            }
            FrameItem::Shape(shape, _) => shape.hash(state),
            FrameItem::Image(image, size, _) => (image, size).hash(state),
            FrameItem::Group(_) | FrameItem::Tag(_) | FrameItem::Link(..) => {}
        }
    }
}

/// Band `k`'s top and bottom on the page, in points, margin included.
fn band(page: &Page, k: usize) -> (f64, f64) {
    let height = page.frame.height().to_pt();
    (height * k as f64 / BANDS as f64 - MARGIN, height * (k + 1) as f64 / BANDS as f64 + MARGIN)
}

/// The items of `page` that reach into band `k`, margin included, where
/// the page puts them; none if nothing does.
fn kept(page: &Page, k: usize) -> Option<Frame> {
    prune(&page.frame, Transform::identity(), band(page, k))
}

/// `width` within the narrowest and widest pictures of a page drawn, in
/// pixels (`preview.js` keeps to the same).
pub fn clamp_width(width: u32) -> u32 {
    width.clamp(200, 4000)
}

/// The height in pixels of the page's picture `width` pixels wide.
fn picture_height(page: &Page, width: u32) -> u32 {
    (f64::from(width) * page.frame.height().to_pt() / page.frame.width().to_pt().max(1.0)).round().max(1.0) as u32
}

/// The rows of band `k` (or of the whole page, for `None`) in a picture of
/// the page `height` pixels high.
fn rows(k: Option<usize>, height: u32) -> std::ops::Range<u32> {
    let edge = |k: usize| (f64::from(height) * k as f64 / BANDS as f64).round() as u32;
    match k {
        Some(k) => edge(k)..edge(k + 1),
        None => 0..height,
    }
}

/// Band `k` of the page's picture `width` pixels wide (or the whole
/// picture, for `None`), as a PNG: a page as high as the band's rows,
/// holding only the items that reach into it, drawn at `width / page
/// width` pixels a point.
pub fn picture(page: &Page, k: Option<usize>, width: u32) -> Result<Vec<u8>, String> {
    let per_pt = f64::from(width) / page.frame.width().to_pt().max(1.0);
    let rows = rows(k, picture_height(page, width));
    let content = match k {
        Some(k) => kept(page, k).unwrap_or_else(|| empty(&page.frame)),
        None => page.frame.clone(),
    };
    let mut frame = Frame::hard(Size::new(page.frame.width(), Abs::pt(f64::from(rows.len() as u32) / per_pt)));
    frame.push(Point::with_y(Abs::pt(-f64::from(rows.start) / per_pt)), FrameItem::Group(GroupItem::new(content)));
    crate::export::png::page_picture(&Page { frame, ..page.clone() }, per_pt)
}

fn empty(like: &Frame) -> Frame {
    Frame::new(like.size(), like.kind())
}

/// `frame` with only the items that reach into `band` (top and bottom on
/// the page, in points), where `ts` takes the frame to the page; none if
/// nothing does. Tags and links draw nothing and are left out.
fn prune(frame: &Frame, ts: Transform, band: (f64, f64)) -> Option<Frame> {
    let mut kept = empty(frame);
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        let item = match item {
            FrameItem::Group(group) => {
                let Some(inner) = prune(&group.frame, at.pre_concat(group.transform), band) else { continue };
                FrameItem::Group(GroupItem { frame: inner, ..group.clone() })
            }
            FrameItem::Tag(_) | FrameItem::Link(..) => continue,
            other => {
                let Some(extent) = extent(other) else { continue };
                if !overlaps(vertical_span(extent, at), band) {
                    continue;
                }
                other.clone()
            }
        };
        kept.push(*pos, item);
    }
    kept.items().next().is_some().then_some(kept)
}

/// The top and bottom on the page of the rectangle `extent` (left, top,
/// right, bottom), taken there by `ts`.
fn vertical_span((x0, y0, x1, y1): (f64, f64, f64, f64), ts: Transform) -> (f64, f64) {
    let ys = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        .map(|(x, y)| Point::new(Abs::pt(x), Abs::pt(y)).transform(ts).y.to_pt());
    ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| (a.min(y), b.max(y)))
}

/// Whether a span from top to bottom reaches into `band`.
fn overlaps((top, bottom): (f64, f64), band: (f64, f64)) -> bool {
    bottom >= band.0 && top <= band.1
}

/// Where an item can put ink, around its position (left, top, right,
/// bottom, in points): more than it does, never less.
fn extent(item: &FrameItem) -> Option<(f64, f64, f64, f64)> {
    match item {
        FrameItem::Text(text) => {
            let size = text.size.to_pt();
            let face = text.font.ttf();
            let per_unit = size / text.font.units_per_em();
            let bbox = face.global_bounding_box();
            // Offsets and vertical advances move glyphs off the baseline.
            let moved: f64 = text.glyphs.iter().map(|g| g.y_advance.get().abs()).sum::<f64>() * size
                + text.glyphs.iter().map(|g| g.y_offset.get().abs()).fold(0.0, f64::max) * size;
            let stroke = text.stroke.as_ref().map_or(0.0, |s| s.thickness.to_pt());
            let spread = moved + stroke;
            Some((
                -size - spread,
                -f64::from(bbox.y_max) * per_unit - spread,
                text.width().to_pt() + size + spread,
                -f64::from(bbox.y_min) * per_unit + spread,
            ))
        }
        FrameItem::Shape(shape, _) => {
            let (x0, y0, x1, y1) = match &shape.geometry {
                Geometry::Line(to) => {
                    (to.x.to_pt().min(0.0), to.y.to_pt().min(0.0), to.x.to_pt().max(0.0), to.y.to_pt().max(0.0))
                }
                Geometry::Rect(size) => (0.0, 0.0, size.x.to_pt(), size.y.to_pt()),
                Geometry::Curve(curve) => curve_box(curve.0.iter())?,
            };
            // A miter can reach `miter_limit` half-widths out.
            let out = shape.stroke.as_ref().map_or(0.0, |s| s.thickness.to_pt() * s.miter_limit.get().max(1.0)) + 1.0;
            Some((x0 - out, y0 - out, x1 + out, y1 + out))
        }
        FrameItem::Image(_, size, _) => Some((0.0, 0.0, size.x.to_pt(), size.y.to_pt())),
        FrameItem::Group(_) | FrameItem::Tag(_) | FrameItem::Link(..) => None,
    }
}

/// The box around a curve's points, control points included (the curve
/// stays inside it).
fn curve_box<'a>(items: impl Iterator<Item = &'a CurveItem>) -> Option<(f64, f64, f64, f64)> {
    let points = items.flat_map(|item| match *item {
        CurveItem::Move(p) | CurveItem::Line(p) => vec![p],
        CurveItem::Cubic(a, b, c) => vec![a, b, c],
        CurveItem::Close => vec![],
    });
    points.fold(None, |acc, p| {
        let (x, y) = (p.x.to_pt(), p.y.to_pt());
        Some(match acc {
            None => (x, y, x, y),
            Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::foundations::Smart;
    use typst::layout::Sides;
    use typst::syntax::Span;
    use typst::visualize::{Color, Curve};

    /// A bar 2 pt high at `y`, across `width`.
    fn bar(y: f64, width: f64) -> (Point, FrameItem) {
        let shape = Geometry::Rect(Size::new(Abs::pt(width), Abs::pt(2.0))).filled(Color::BLACK);
        (Point::with_y(Abs::pt(y)), FrameItem::Shape(shape, Span::detached()))
    }

    /// A page 100 × 160 pt (bands 10 pt high) with bars at `ys`, one
    /// inside a moved and clipped group.
    fn page(ys: &[f64]) -> Page {
        let mut frame = Frame::hard(Size::new(Abs::pt(100.0), Abs::pt(160.0)));
        for &y in ys {
            let (at, item) = bar(y, 80.0);
            frame.push(at, item);
        }
        let mut inner = Frame::hard(Size::new(Abs::pt(50.0), Abs::pt(20.0)));
        let (at, item) = bar(5.0, 50.0);
        inner.push(at, item);
        inner.clip(Curve::rect(Size::new(Abs::pt(30.0), Abs::pt(20.0))));
        frame.push(Point::new(Abs::pt(10.0), Abs::pt(90.0)), FrameItem::Group(GroupItem::new(inner)));
        Page {
            frame,
            bleed: Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: Default::default(),
            number: 1,
        }
    }

    #[test]
    fn a_band_hashes_as_what_its_picture_draws() {
        let whole = page(&[3.0, 50.0, 77.0, 150.0]);
        let hashes = hashes(&whole);
        for k in 0..BANDS {
            let frame = kept(&whole, k).unwrap_or_else(|| empty(&whole.frame));
            let alone = Page { frame, ..whole.clone() };
            assert_eq!(super::hashes(&alone).bands[k], hashes.bands[k], "band {k}");
        }
    }

    #[test]
    fn moving_a_bar_changes_the_bands_it_leaves_and_reaches_only() {
        let (before, after) = (hashes(&page(&[3.0, 50.0])), hashes(&page(&[3.0, 120.0])));
        let changed: Vec<usize> = (0..BANDS).filter(|&k| before.bands[k] != after.bands[k]).collect();
        // The bar spans 49..53 pt with its 1 pt of smoothing, then
        // 119..123; a band reaches 6 pt past its 10 pt.
        assert_eq!(changed, [4, 5, 11, 12]);
        assert_ne!(before.page, after.page);
        assert_eq!(hashes(&page(&[3.0, 50.0])).page, before.page);
    }
}
