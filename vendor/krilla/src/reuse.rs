//! baogao: a page drawn exactly as in the last export on this thread takes
//! that export's content stream instead of being drawn again (see
//! BAOGAO.md, change 6).
//!
//! While reuse is on ([`reuse_pages`]), a page's [`Surface`] does not draw:
//! it keeps the calls it gets ([`Recorder`]) and hashes them (all but the
//! glyphs, which are compared instead), together with everything else the
//! drawing reads: the glyph numbering of the fonts (the export's `epoch`),
//! the text already mapped to each glyph (which decides where
//! `/ActualText` spans are needed), the current location and the page size.
//! When the page ends, a record under that key from the last export with
//! the same glyphs gives the content stream; what drawing it did to the
//! rest of the document (fonts, colour spaces and graphics states
//! registered, glyph texts mapped, validation errors) was journaled when it
//! was drawn and is done again, in order, so the document comes out as if
//! the page had been drawn. Without a record the calls are drawn then, as they would have been,
//! and journaled. Images are journaled as registrations of their own.
//! Anything the journal cannot replay (patterns, groups, new glyphs, Type3
//! fonts) marks the page as not reusable, and any
//! call the recorder does not know draws what it kept and goes on live.
//!
//! [`Surface`]: crate::surface::Surface

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::rc::Rc;

use pdf_writer::Ref;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::configure::ValidationError;
use crate::geom::{Path, Point, Transform};
use crate::graphics::color::ColorSpace;
use crate::graphics::graphics_state::ExtGState;
use crate::graphics::paint::{Fill, FillRule, Stroke};
use crate::interchange::tagging::ContentTag;
use crate::resource::ResourceDictionary;
use crate::stream::Stream;
use crate::surface::Location;
use crate::text::{Font, FontIdentifier, Glyph, KrillaGlyph};

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    /// The records the last finished export on this thread made or used.
    static LAST: RefCell<HashMap<u128, Rc<PageRecord>>> = RefCell::new(HashMap::new());
    /// How many pages the last finished export on this thread took from
    /// the one before.
    static REUSED: Cell<usize> = const { Cell::new(0) };
    /// The effects of the page being drawn for a record, if one is.
    static JOURNAL: RefCell<Option<Journal>> = const { RefCell::new(None) };
}

/// Turns the reuse of unchanged pages on or off for exports on this thread
/// (off by default). Worth it when the same document is exported again and
/// again after small edits, as in a watch; a single export only pays for
/// the recording.
pub fn reuse_pages(on: bool) {
    ENABLED.with(|e| e.set(on));
    if !on {
        LAST.with(|l| l.borrow_mut().clear());
    }
}

/// How many pages the last export finished on this thread took from the
/// export before it (0 when reuse is off).
pub fn reused_pages() -> usize {
    REUSED.with(Cell::get)
}

/// What one export keeps for reuse: the last export's records, and the
/// ones this export makes or uses (which become the next one's).
#[derive(Default)]
pub(crate) struct Reuse {
    enabled: bool,
    last: HashMap<u128, Rc<PageRecord>>,
    next: HashMap<u128, Rc<PageRecord>>,
    /// The serialize settings and the fonts' glyph numbering.
    epoch: u128,
    reused: usize,
}

impl Reuse {
    pub(crate) fn start(settings: &impl std::fmt::Debug) -> Self {
        let enabled = ENABLED.with(Cell::get);
        let last = if enabled {
            LAST.with(|l| std::mem::take(&mut *l.borrow_mut()))
        } else {
            HashMap::new()
        };
        let epoch = if enabled {
            hash_of(|h| format!("{settings:?}").hash(h))
        } else {
            0
        };
        Self {
            enabled,
            last,
            next: HashMap::new(),
            epoch,
            reused: 0,
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }

    /// A font's glyphs were numbered (`Document::reserve_glyphs`).
    pub(crate) fn reserved(&mut self, font: &Font, glyphs: &[u32]) {
        if self.enabled {
            let epoch = self.epoch;
            self.epoch = hash_of(|h| (epoch, font, glyphs).hash(h));
        }
    }

    pub(crate) fn epoch(&self) -> u128 {
        self.epoch
    }

    pub(crate) fn find(&self, key: u128) -> Option<Rc<PageRecord>> {
        self.next.get(&key).or_else(|| self.last.get(&key)).cloned()
    }

    pub(crate) fn keep(&mut self, key: u128, record: Rc<PageRecord>) {
        self.next.insert(key, record);
    }

    /// A page was taken from a record.
    pub(crate) fn reused(&mut self, key: u128, record: Rc<PageRecord>) {
        self.reused += 1;
        self.keep(key, record);
    }

    /// The export is finished: its records are the next one's.
    pub(crate) fn end_export(&mut self) {
        if self.enabled {
            let next = std::mem::take(&mut self.next);
            LAST.with(|l| *l.borrow_mut() = next);
        }
        REUSED.with(|r| r.set(self.reused));
    }
}

/// A page as drawn: its content stream and what drawing it did elsewhere.
pub(crate) struct PageRecord {
    /// The glyphs it drew (the recorder's buffer), which its key leaves out.
    pub(crate) glyphs: Vec<KrillaGlyph>,
    pub(crate) effects: Vec<Effect>,
    pub(crate) stream: Stream,
    pub(crate) num_mcids: i32,
    pub(crate) location: Option<Location>,
}

/// What drawing a page did to the document outside its content stream, in
/// the order it did it. A registration keeps the reference it got then, so
/// the reference it gets when replayed can take its place in the page's
/// resources.
pub(crate) enum Effect {
    Codepoints(Font, u16, String, Option<Location>),
    FontId(FontIdentifier, Ref),
    ColorSpace(ColorSpace, Option<Ref>),
    ExtGState(ExtGState, Ref),
    Image(crate::graphics::image::Image, Ref),
    Error(ValidationError),
    Limits(pdf_writer::Limits),
}

struct Journal {
    effects: Vec<Effect>,
    /// The registrations journaled so far: the page's first registration
    /// of a thing is replayed, a repeat is only a look-up.
    registered: std::collections::HashSet<u128>,
    poisoned: bool,
    /// Inside a registration that is journaled as a whole, whose own steps
    /// are not.
    depth: u32,
}

/// Starts journaling the page about to be drawn.
pub(crate) fn start_journal() {
    JOURNAL.with(|j| {
        *j.borrow_mut() = Some(Journal {
            effects: Vec::new(),
            registered: Default::default(),
            poisoned: false,
            depth: 0,
        })
    });
}

/// Ends the journal; `None` if the page cannot be replayed.
pub(crate) fn end_journal() -> Option<Vec<Effect>> {
    JOURNAL
        .with(|j| j.borrow_mut().take())
        .and_then(|j| (!j.poisoned).then_some(j.effects))
}

/// Whether a page's effects are being journaled.
pub(crate) fn journaling() -> bool {
    JOURNAL.with(|j| j.borrow().is_some())
}

/// Journals an effect (outside a journaled registration).
pub(crate) fn note(effect: impl FnOnce() -> Effect) {
    JOURNAL.with(|j| {
        if let Some(j) = j.borrow_mut().as_mut() {
            if j.depth == 0 {
                let effect = effect();
                let first = match &effect {
                    Effect::FontId(id, _) => j.registered.insert(hash_of(|h| (0u8, id).hash(h))),
                    Effect::ColorSpace(cs, _) => {
                        j.registered.insert(hash_of(|h| (1u8, cs).hash(h)))
                    }
                    Effect::ExtGState(state, _) => {
                        j.registered.insert(hash_of(|h| (2u8, state).hash(h)))
                    }
                    Effect::Image(image, _) => j.registered.insert(hash_of(|h| (3u8, image).hash(h))),
                    _ => true,
                };
                if first {
                    j.effects.push(effect);
                }
            }
        }
    })
}

/// Marks the page as not replayable: it did something the journal does not
/// record (outside a journaled registration, which covers its own steps).
pub(crate) fn poison() {
    JOURNAL.with(|j| {
        if let Some(j) = j.borrow_mut().as_mut() {
            if j.depth == 0 {
                j.poisoned = true;
            }
        }
    })
}

/// Runs a registration that is journaled as a whole by the caller.
pub(crate) fn whole<R>(f: impl FnOnce() -> R) -> R {
    let step = |d: i32| {
        JOURNAL.with(|j| {
            if let Some(j) = j.borrow_mut().as_mut() {
                j.depth = j.depth.wrapping_add_signed(d);
            }
        })
    };
    step(1);
    let r = f();
    step(-1);
    r
}

/// The calls to a page's surface, kept until the page ends.
pub(crate) enum Command {
    StartTagged(OwnedTag),
    EndTagged,
    PushTransform(Transform),
    PushClipPath(Path, FillRule),
    Pop,
    SetFill(Option<Fill>),
    SetStroke(Option<Stroke>),
    SetLocation(Location),
    ResetLocation,
    DrawPath(Path),
    DrawImage(crate::graphics::image::Image, crate::geom::Size),
    /// The glyphs and the text are ranges of the recorder's buffers.
    DrawGlyphs {
        start: Point,
        glyphs: Range<usize>,
        font: Font,
        text: Range<usize>,
        size: f32,
    },
}

/// A [`ContentTag`] that owns its strings.
pub(crate) enum OwnedTag {
    Artifact(crate::interchange::tagging::Artifact),
    Span {
        lang: Option<String>,
        alt: Option<String>,
        expanded: Option<String>,
        actual: Option<String>,
    },
    Other,
}

impl OwnedTag {
    pub(crate) fn new(tag: &ContentTag) -> Self {
        match tag {
            ContentTag::Artifact(a) => Self::Artifact(*a),
            ContentTag::Span(s) => Self::Span {
                lang: s.lang.map(Into::into),
                alt: s.alt_text.map(Into::into),
                expanded: s.expanded.map(Into::into),
                actual: s.actual_text.map(Into::into),
            },
            ContentTag::Other => Self::Other,
        }
    }

    pub(crate) fn get(&self) -> ContentTag<'_> {
        match self {
            Self::Artifact(a) => ContentTag::Artifact(*a),
            Self::Span {
                lang,
                alt,
                expanded,
                actual,
            } => ContentTag::Span(crate::interchange::tagging::SpanTag {
                lang: lang.as_deref(),
                alt_text: alt.as_deref(),
                expanded: expanded.as_deref(),
                actual_text: actual.as_deref(),
            }),
            Self::Other => ContentTag::Other,
        }
    }
}

/// Keeps a page's calls and hashes them as they come.
pub(crate) struct Recorder {
    pub(crate) commands: Vec<Command>,
    /// The glyphs and texts of all `DrawGlyphs`, one after the other: one
    /// buffer each rather than two allocations per run of text.
    pub(crate) glyphs: Vec<KrillaGlyph>,
    pub(crate) text: String,
    hasher: SipHasher13,
}

impl Recorder {
    /// `page`: what the page's drawing reads from its settings.
    pub(crate) fn new(page: u128) -> Self {
        let mut hasher = SipHasher13::new();
        page.hash(&mut hasher);
        Self {
            commands: Vec::with_capacity(1024),
            glyphs: Vec::with_capacity(4096),
            text: String::with_capacity(4096),
            hasher,
        }
    }

    /// Keeps a run of glyphs.
    pub(crate) fn push_glyphs(
        &mut self,
        start: Point,
        glyphs: &[impl Glyph],
        font: Font,
        text: &str,
        size: f32,
    ) {
        let h = &mut self.hasher;
        h.write_u8(10);
        h.write_u32(start.x.to_bits());
        h.write_u32(start.y.to_bits());
        font.hash(h);
        text.hash(h);
        h.write_u32(size.to_bits());
        h.write_usize(glyphs.len());
        // The glyphs themselves are not hashed: a record found under the
        // key is taken only if its glyphs are the same ([`same_glyphs`]),
        // which costs a comparison instead of hashing some 50 bytes a glyph.
        let first = self.glyphs.len();
        self.glyphs.extend(glyphs.iter().map(|g| KrillaGlyph {
            glyph_id: g.glyph_id(),
            text_range: g.text_range(),
            x_advance: g.x_advance(1.0),
            x_offset: g.x_offset(1.0),
            y_offset: g.y_offset(1.0),
            y_advance: g.y_advance(1.0),
            location: g.location(),
        }));
        let at = self.text.len();
        self.text.push_str(text);
        self.commands.push(Command::DrawGlyphs {
            start,
            glyphs: first..self.glyphs.len(),
            font,
            text: at..self.text.len(),
            size,
        });
    }

    pub(crate) fn push(&mut self, command: Command) {
        let h = &mut self.hasher;
        match &command {
            Command::StartTagged(tag) => {
                h.write_u8(0);
                match tag {
                    OwnedTag::Artifact(a) => {
                        h.write_u8(0);
                        std::mem::discriminant(&a.kind).hash(h);
                        if let Some(r) = a.bbox {
                            for v in [r.left(), r.top(), r.right(), r.bottom()] {
                                h.write_u32(v.to_bits());
                            }
                        }
                    }
                    OwnedTag::Span {
                        lang,
                        alt,
                        expanded,
                        actual,
                    } => {
                        h.write_u8(1);
                        (lang, alt, expanded, actual).hash(h);
                    }
                    OwnedTag::Other => h.write_u8(2),
                }
            }
            Command::EndTagged => h.write_u8(1),
            Command::PushTransform(t) => {
                h.write_u8(2);
                hash_transform(h, t);
            }
            Command::PushClipPath(p, rule) => {
                h.write_u8(3);
                hash_path(h, p);
                rule.hash(h);
            }
            Command::Pop => h.write_u8(4),
            Command::SetFill(fill) => {
                h.write_u8(5);
                fill.hash(h);
            }
            Command::SetStroke(stroke) => {
                h.write_u8(6);
                stroke.hash(h);
            }
            Command::SetLocation(l) => {
                h.write_u8(7);
                l.hash(h);
            }
            Command::ResetLocation => h.write_u8(8),
            Command::DrawPath(p) => {
                h.write_u8(9);
                hash_path(h, p);
            }
            Command::DrawImage(image, size) => {
                h.write_u8(11);
                image.hash(h);
                h.write_u32(size.width().to_bits());
                h.write_u32(size.height().to_bits());
            }
            Command::DrawGlyphs { .. } => unreachable!("kept by push_glyphs"),
        }
        self.commands.push(command);
    }

    /// The key of the page: its calls and what else the drawing reads.
    pub(crate) fn key(&self, state: impl Hash) -> u128 {
        let mut h = self.hasher.clone();
        state.hash(&mut h);
        h.finish128().as_u128()
    }
}

fn hash_transform(h: &mut impl Hasher, t: &Transform) {
    let t = t.to_tsp();
    for v in [t.sx, t.kx, t.ky, t.sy, t.tx, t.ty] {
        h.write_u32(v.to_bits());
    }
}

fn hash_path(h: &mut impl Hasher, p: &Path) {
    h.write_usize(p.0.points().len());
    for pt in p.0.points() {
        h.write_u32(pt.x.to_bits());
        h.write_u32(pt.y.to_bits());
    }
    for verb in p.0.verbs() {
        h.write_u8(*verb as u8);
    }
}

/// Whether two pages' glyph buffers are the same, bit for bit (`-0.0` and
/// `0.0` are written differently in a content stream).
pub(crate) fn same_glyphs(a: &[KrillaGlyph], b: &[KrillaGlyph]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.glyph_id == b.glyph_id
                && a.text_range == b.text_range
                && a.x_advance.to_bits() == b.x_advance.to_bits()
                && a.x_offset.to_bits() == b.x_offset.to_bits()
                && a.y_offset.to_bits() == b.y_offset.to_bits()
                && a.y_advance.to_bits() == b.y_advance.to_bits()
                && a.location == b.location
        })
}

/// The hash of what `f` writes.
pub(crate) fn hash_of(f: impl FnOnce(&mut SipHasher13)) -> u128 {
    let mut h = SipHasher13::new();
    f(&mut h);
    h.finish128().as_u128()
}

/// A glyph text entry, for the order-free hash of a font's entries.
pub(crate) fn entry_hash(cid: u16, text: &str) -> u128 {
    hash_of(|h| (cid, text).hash(h))
}

/// Puts the references the replayed effects got in place of the recorded
/// ones ([`covers`] made sure each has one).
fn remap(resources: &mut ResourceDictionary, map: &HashMap<Ref, Ref>) {
    for list in resources.ref_lists_mut() {
        for r in list.iter_mut() {
            *r = map[r];
        }
    }
}

/// Does again what drawing the recorded page did outside its content
/// stream, and gives its content stream; `None` (having done nothing) if a
/// resource of the page would lack its reference.
pub(crate) fn apply(
    record: &PageRecord,
    sc: &mut crate::serialize::SerializeContext,
    chunk_container: &mut crate::chunk_container::ChunkContainer,
) -> Option<Stream> {
    use crate::resource::Resource;
    use crate::serialize::MaybeDeviceColorSpace;

    if !covers(&record.stream.resource_dictionary, &record.effects) {
        return None;
    }
    let mut refs = HashMap::new();
    for effect in &record.effects {
        match effect {
            Effect::Codepoints(font, cid, text, location) => sc
                .register_font_container(font.clone())
                .borrow_mut()
                .set_cid_codepoints(*cid, text.clone(), *location),
            Effect::FontId(id, old) => {
                refs.insert(*old, sc.register_font_identifier(id.clone()).get_ref());
            }
            Effect::ColorSpace(cs, old) => {
                let new = sc.register_colorspace(chunk_container, cs.clone());
                if let (Some(old), MaybeDeviceColorSpace::ColorSpace(new)) = (old, new) {
                    refs.insert(*old, new.get_ref());
                }
            }
            Effect::ExtGState(state, old) => {
                let new = sc.register_resourceable(chunk_container, state.clone());
                refs.insert(*old, new.get_ref());
            }
            Effect::Image(image, old) => {
                refs.insert(*old, sc.register_image(chunk_container, image.clone()));
            }
            Effect::Error(error) => sc.register_validation_error(error.clone()),
            Effect::Limits(limits) => sc.register_limits(limits),
        }
    }
    sc.location = record.location;
    let mut stream = record.stream.clone();
    remap(&mut stream.resource_dictionary, &refs);
    Some(stream)
}

/// Whether every resource of the page was registered by one of its effects
/// (so that [`remap`] will find each one's replacement).
fn covers(resources: &ResourceDictionary, effects: &[Effect]) -> bool {
    let registered: std::collections::HashSet<Ref> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::FontId(_, r) | Effect::ExtGState(_, r) | Effect::Image(_, r) => Some(*r),
            Effect::ColorSpace(_, r) => *r,
            _ => None,
        })
        .collect();
    resources.refs().all(|r| registered.contains(&r))
}
