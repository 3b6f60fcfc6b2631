//! One laid-out page as OFD's Content.xml: typst's frame walked once, each
//! text run a TextObject in its own font, each shape a PathObject, each
//! picture an ImageObject. OFD, like typst, measures from the top left
//! with y downwards, in millimetres.

use std::fmt::Write;

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{Curve, CurveItem, FixedStroke, Geometry, Image, LineCap, LineJoin, Paint, Shape};

use super::font::Fonts;
use super::images::Images;
use crate::export::xml::{color, escape, float, num};

/// What the pages share: ID numbers, fonts and pictures.
pub struct Shared {
    /// The last ID given out (IDs are unique in the document).
    pub last_id: u32,
    pub fonts: Fonts,
    pub images: Images,
}

impl Shared {
    pub fn id(&mut self) -> u32 {
        self.last_id += 1;
        self.last_id
    }
}

/// The page's Content.xml.
pub fn content(frame: &Frame, shared: &mut Shared) -> String {
    let mut out = String::new();
    let layer = shared.id();
    let size = frame.size();
    let _ = write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="{layer}">"#,
        num(size.x),
        num(size.y)
    );
    let mut walk = Walk { out, shared };
    walk.frame(frame, Transform::identity());
    walk.out + "</ofd:Layer></ofd:Content></ofd:Page>"
}

struct Walk<'a> {
    out: String,
    shared: &'a mut Shared,
}

impl Walk<'_> {
    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => self.frame(&group.frame, ts.pre_concat(group.transform)),
                FrameItem::Text(text) => self.text(text, ts),
                FrameItem::Shape(shape, _) => self.shape(shape, ts),
                FrameItem::Image(image, size, _) => self.image(image, *size, ts),
                // Links and tags have no ink; OFD-A keeps no actions.
                FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
    }

    /// A run of glyphs: its text as TextCode, one position per character.
    fn text(&mut self, text: &TextItem, ts: Transform) {
        let Some(fill) = solid(&text.fill) else { return };
        let size = text.size;
        let font = self.shared.fonts.id_of(&text.font, &mut self.shared.last_id);
        let Run { codes, xs, ys, transforms, advance: pen } = self.run(text);
        let count = xs.len();
        if count == 0 {
            return;
        }
        let metrics = text.font.metrics();
        let (top, bottom) = (metrics.ascender.at(size).max(size), -metrics.descender.at(size));
        let local = Rect { x0: Abs::zero(), y0: -top, x1: pen.max(size), y1: bottom.max(size * 0.25) };
        let placed = place(local, ts);
        let id = self.shared.id();
        let delta = |v: &[Abs]| v.windows(2).map(|w| num(w[1] - w[0])).collect::<Vec<_>>().join(" ");
        let mut attrs = format!(r#" X="{}" Y="{}""#, num(xs[0] + placed.dx), num(ys[0] + placed.dy));
        if count > 1 {
            let _ = write!(attrs, r#" DeltaX="{}""#, delta(&xs));
            if ys.iter().any(|y| *y != ys[0]) {
                let _ = write!(attrs, r#" DeltaY="{}""#, delta(&ys));
            }
        }
        let _ = write!(
            self.out,
            r#"<ofd:TextObject ID="{id}" Boundary="{}"{} Font="{font}" Size="{}"{}><ofd:FillColor Value="{}"/>{transforms}<ofd:TextCode{attrs}>{}</ofd:TextCode></ofd:TextObject>"#,
            placed.boundary,
            placed.ctm,
            num(size),
            alpha_attr(fill.3),
            color(fill),
            escape(&codes),
        );
    }

    /// The run's characters and their pen positions, cluster by cluster;
    /// where a cluster is not each character's one glyph in the font's map
    /// (a ligature, a contextual form), a CGTransform names its glyphs.
    fn run(&mut self, text: &TextItem) -> Run {
        let size = text.size;
        let mut run = Run::default();
        let glyphs = &text.glyphs;
        let mut i = 0;
        while i < glyphs.len() {
            let range = glyphs[i].range();
            let j = i + glyphs[i..].iter().take_while(|g| g.range() == range).count();
            // A glyph typst adds with no text of its own is a hyphen.
            let chars: Vec<char> = match text.text[range].chars().collect::<Vec<_>>() {
                none if none.is_empty() => vec!['-'],
                chars => chars,
            };
            let ids: Vec<u16> = glyphs[i..j].iter().map(|g| g.id).collect();
            if let Some(new_ids) = self.shared.fonts.map(&text.font, &chars, &ids) {
                let list: Vec<String> = new_ids.iter().map(u16::to_string).collect();
                let _ = write!(
                    run.transforms,
                    r#"<ofd:CGTransform CodePosition="{}" CodeCount="{}" GlyphCount="{}"><ofd:Glyphs>{}</ofd:Glyphs></ofd:CGTransform>"#,
                    run.xs.len(),
                    chars.len(),
                    new_ids.len(),
                    list.join(" ")
                );
            }
            let x = run.advance + glyphs[i].x_offset.at(size);
            let y = -glyphs[i].y_offset.at(size);
            for c in chars {
                run.codes.push(c);
                run.xs.push(x);
                run.ys.push(y);
            }
            run.advance += glyphs[i..j].iter().map(|g| g.x_advance.at(size)).sum::<Abs>();
            i = j;
        }
        run
    }

    fn shape(&mut self, shape: &Shape, ts: Transform) {
        let fill = shape.fill.as_ref().and_then(solid);
        let stroke = shape.stroke.as_ref().and_then(|s| solid(&s.paint).map(|c| (s, c)));
        if fill.is_none() && stroke.is_none() {
            return;
        }
        let (data, local) = path(&shape.geometry);
        let pad = stroke.map_or(Abs::zero(), |(s, _)| s.thickness / 2.0);
        let placed = place(local.grown(pad), ts);
        let id = self.shared.id();
        let mut attrs = format!(r#" Stroke="{}" Fill="{}""#, stroke.is_some(), fill.is_some());
        let mut colors = String::new();
        if let Some((s, c)) = stroke {
            attrs += &stroke_attrs(s);
            let _ = write!(colors, r#"<ofd:StrokeColor Value="{}"{}/>"#, color(c), alpha_attr(c.3));
        }
        if let Some(c) = fill {
            let _ = write!(colors, r#"<ofd:FillColor Value="{}"{}/>"#, color(c), alpha_attr(c.3));
            if shape.fill_rule == typst::visualize::FillRule::EvenOdd {
                attrs += r#" Rule="Even-Odd""#;
            }
        }
        let data = data.moved(placed.dx, placed.dy);
        let _ = write!(
            self.out,
            r#"<ofd:PathObject ID="{id}" Boundary="{}"{}{attrs}>{colors}<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"#,
            placed.boundary, placed.ctm,
        );
    }

    fn image(&mut self, image: &Image, size: Size, ts: Transform) {
        let Some(resource) = self.shared.images.id_of(image, size, &mut self.shared.last_id) else { return };
        let local = Rect { x0: Abs::zero(), y0: Abs::zero(), x1: size.x, y1: size.y };
        let (b, inner) = bounds(local, ts);
        // An image fills the unit square of its own space; the CTM takes
        // that square onto the image's box.
        let (w, h) = (size.x.to_mm(), size.y.to_mm());
        let ctm = format!(
            "{} {} {} {} {} {}",
            float(inner.sx.get() * w),
            float(inner.ky.get() * w),
            float(inner.kx.get() * h),
            float(inner.sy.get() * h),
            num(inner.tx),
            num(inner.ty)
        );
        let id = self.shared.id();
        let _ = write!(
            self.out,
            r#"<ofd:ImageObject ID="{id}" Boundary="{}" CTM="{ctm}" ResourceID="{resource}"/>"#,
            b.boundary()
        );
    }
}

/// A run's characters, each one's position from the run's origin, the
/// CGTransforms it needs and its advance.
#[derive(Default)]
struct Run {
    codes: String,
    xs: Vec<Abs>,
    ys: Vec<Abs>,
    transforms: String,
    advance: Abs,
}

/// A box in some frame's coordinates.
#[derive(Clone, Copy)]
struct Rect {
    x0: Abs,
    y0: Abs,
    x1: Abs,
    y1: Abs,
}

impl Rect {
    fn boundary(&self) -> String {
        format!("{} {} {} {}", num(self.x0), num(self.y0), num(self.x1 - self.x0), num(self.y1 - self.y0))
    }

    fn grown(self, by: Abs) -> Rect {
        Rect { x0: self.x0 - by, y0: self.y0 - by, x1: self.x1 + by, y1: self.y1 + by }
    }
}

/// The page box around `local` under `ts`, and the transform that maps
/// `local`'s coordinates into that box.
fn bounds(local: Rect, ts: Transform) -> (Rect, Transform) {
    let corners = [(local.x0, local.y0), (local.x1, local.y0), (local.x0, local.y1), (local.x1, local.y1)]
        .map(|(x, y)| Point::new(x, y).transform(ts));
    let x0 = corners.iter().map(|p| p.x).fold(Abs::inf(), Abs::min);
    let y0 = corners.iter().map(|p| p.y).fold(Abs::inf(), Abs::min);
    let x1 = corners.iter().map(|p| p.x).fold(-Abs::inf(), Abs::max);
    let y1 = corners.iter().map(|p| p.y).fold(-Abs::inf(), Abs::max);
    let inner = Transform::translate(-x0, -y0).pre_concat(ts);
    (Rect { x0, y0, x1, y1 }, inner)
}

/// Where an object goes: its Boundary, a CTM unless it is only moved,
/// and what to add to its own coordinates when it is only moved.
struct Placed {
    boundary: String,
    ctm: String,
    dx: Abs,
    dy: Abs,
}

/// OFD places an object's coordinates relative to its Boundary's corner.
/// A plain move needs no CTM: coordinates shift by the corner's offset
/// from the item's origin. Anything else (a scaled or turned group) takes
/// a CTM from the item's coordinates into the box.
fn place(local: Rect, ts: Transform) -> Placed {
    let (b, inner) = bounds(local, ts);
    let boundary = b.boundary();
    let moved_only = inner.sx.get() == 1.0 && inner.sy.get() == 1.0 && inner.kx.get() == 0.0 && inner.ky.get() == 0.0;
    if moved_only {
        return Placed { boundary, ctm: String::new(), dx: inner.tx, dy: inner.ty };
    }
    let ctm = format!(
        r#" CTM="{} {} {} {} {} {}""#,
        float(inner.sx.get()),
        float(inner.ky.get()),
        float(inner.kx.get()),
        float(inner.sy.get()),
        num(inner.tx),
        num(inner.ty)
    );
    Placed { boundary, ctm, dx: Abs::zero(), dy: Abs::zero() }
}

/// RGBA of a solid paint; gradients and tilings are drawn in their first
/// colour (the built-in templates use neither).
fn solid(paint: &Paint) -> Option<(u8, u8, u8, u8)> {
    let c = match paint {
        Paint::Solid(c) => c.clone(),
        Paint::Gradient(g) => g.stops_ref().first()?.0.clone(),
        Paint::Tiling(_) => return None,
    };
    let [r, g, b, a] = c.to_vec4_u8();
    (a > 0).then_some((r, g, b, a))
}

fn alpha_attr(alpha: u8) -> String {
    if alpha == 255 { String::new() } else { format!(r#" Alpha="{alpha}""#) }
}

fn stroke_attrs(s: &FixedStroke) -> String {
    let mut out = format!(r#" LineWidth="{}""#, num(s.thickness));
    match s.cap {
        LineCap::Butt => {}
        LineCap::Round => out += r#" Cap="Round""#,
        LineCap::Square => out += r#" Cap="Square""#,
    }
    match s.join {
        LineJoin::Miter => {}
        LineJoin::Round => out += r#" Join="Round""#,
        LineJoin::Bevel => out += r#" Join="Bevel""#,
    }
    if let Some(dash) = &s.dash {
        let list: Vec<String> = dash.array.iter().map(|d| num(*d)).collect();
        if !list.is_empty() {
            let _ = write!(out, r#" DashPattern="{}" DashOffset="{}""#, list.join(" "), num(dash.phase));
        }
    }
    let _ = write!(out, r#" MiterLimit="{}""#, float(s.miter_limit.get()));
    out
}

/// The geometry as path operations (OFD's M, L, B, C) and its extent.
fn path(geometry: &Geometry) -> (Segments, Rect) {
    let mut ops = Vec::new();
    match geometry {
        Geometry::Line(to) => {
            ops.push(('M', vec![Point::zero()]));
            ops.push(('L', vec![*to]));
        }
        Geometry::Rect(size) => {
            ops.push(('M', vec![Point::zero()]));
            ops.push(('L', vec![Point::new(size.x, Abs::zero())]));
            ops.push(('L', vec![Point::new(size.x, size.y)]));
            ops.push(('L', vec![Point::new(Abs::zero(), size.y)]));
            ops.push(('C', vec![]));
        }
        Geometry::Curve(curve) => ops.extend(curve_ops(curve)),
    }
    let points = ops.iter().flat_map(|(_, p)| p.iter());
    let mut rect = Rect { x0: Abs::inf(), y0: Abs::inf(), x1: -Abs::inf(), y1: -Abs::inf() };
    for p in points {
        rect = Rect { x0: rect.x0.min(p.x), y0: rect.y0.min(p.y), x1: rect.x1.max(p.x), y1: rect.y1.max(p.y) };
    }
    if !typst::utils::Numeric::is_finite(rect.x0) {
        rect = Rect { x0: Abs::zero(), y0: Abs::zero(), x1: Abs::zero(), y1: Abs::zero() };
    }
    (Segments(ops), rect)
}

fn curve_ops(curve: &Curve) -> Vec<(char, Vec<Point>)> {
    curve
        .0
        .iter()
        .map(|item| match item {
            CurveItem::Move(p) => ('M', vec![*p]),
            CurveItem::Line(p) => ('L', vec![*p]),
            CurveItem::Cubic(a, b, c) => ('B', vec![*a, *b, *c]),
            CurveItem::Close => ('C', vec![]),
        })
        .collect()
}

struct Segments(Vec<(char, Vec<Point>)>);

impl Segments {
    /// AbbreviatedData: the operations with every point moved by (`dx`, `dy`).
    fn moved(&self, dx: Abs, dy: Abs) -> String {
        let mut out = String::new();
        for (op, points) in &self.0 {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(*op);
            for p in points {
                let _ = write!(out, " {} {}", num(p.x + dx), num(p.y + dy));
            }
        }
        out
    }
}
