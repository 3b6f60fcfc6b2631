use std::ops::Range;
use std::sync::Arc;

use bytemuck::TransparentWrapper;
use krilla::surface::{Location, Surface};
use krilla::text::GlyphId;
use typst_layout::PagedDocument;
use typst_library::diag::{SourceResult, bail};
use typst_library::layout::{Frame, FrameItem};
use typst_library::text::{FontInstance, Glyph, TextItem};
use typst_library::visualize::FillRule;
use typst_syntax::Span;
use typst_utils::defer;

use crate::convert::{FrameContext, GlobalContext, PageIndexConverter};
use crate::util::{AbsExt, TransformExt, display_font};
use crate::{paint, tags};

#[typst_macros::time(name = "handle text")]
pub(crate) fn handle_text(
    fc: &mut FrameContext,
    t: &TextItem,
    surface: &mut Surface,
    gc: &mut GlobalContext,
) -> SourceResult<()> {
    let mut handle = tags::text(gc, fc, surface, t);
    let surface = handle.surface();

    let font = convert_font(gc, t.font.clone())?;
    let fill = paint::convert_fill(
        gc,
        &t.fill,
        FillRule::NonZero,
        true,
        surface,
        fc.state(),
        None,
    )?;
    let stroke = if let Some(stroke) = t.stroke.as_ref() {
        Some(paint::convert_stroke(gc, stroke, true, surface, fc.state(), None)?)
    } else {
        None
    };
    let text = t.text.as_str();
    let size = t.size;
    let glyphs: &[PdfGlyph] = TransparentWrapper::wrap_slice(t.glyphs.as_slice());

    surface.push_transform(&fc.state().transform().to_krilla());
    let mut surface = defer(surface, |s| s.pop());
    surface.set_fill(Some(fill));
    surface.set_stroke(stroke);
    surface.draw_glyphs(
        krilla::geom::Point::from_xy(0.0, 0.0),
        glyphs,
        font.clone(),
        text,
        size.to_f32(),
        false,
    );

    Ok(())
}

/// baogao: numbers each font's glyphs in ascending order before the pages
/// are drawn (`krilla::Document::reserve_glyphs`). Otherwise a font's
/// glyphs are numbered in the order of their first use, so an edit that
/// only moves where a glyph is first used (a figure that changes from 403
/// to 404 on page 3, when a later page has a 4) renumbers the whole font,
/// and a watch rebuild must subset and compress it again. Walks the same
/// frames `convert_pages` draws, fonts in the order it meets them, so the
/// fonts keep their order in the PDF.
pub(crate) fn reserve_glyphs(
    gc: &mut GlobalContext,
    document: &mut krilla::Document,
    used: UsedGlyphs,
) -> SourceResult<()> {
    for (typst_font, glyphs) in used.fonts {
        let font = convert_font(gc, typst_font)?;
        let ids = (0..glyphs.len() * 64)
            .filter(|&id| glyphs[id / 64] & (1u64 << (id % 64)) != 0)
            .map(|id| GlyphId::new(id as u32));
        document.reserve_glyphs(font, ids);
    }
    // The subsets are now known: make them while the pages are drawn.
    document.prepare_fonts_in_background();
    Ok(())
}

/// The glyphs each font draws, as one bit per glyph id, fonts in the order
/// they are first met.
#[derive(Default)]
pub(crate) struct UsedGlyphs {
    fonts: Vec<(FontInstance, Vec<u64>)>,
}

impl UsedGlyphs {
    /// The glyphs of the pages `convert_pages` draws, walked in its order.
    pub(crate) fn of(document: &PagedDocument, pages: &PageIndexConverter) -> Self {
        let mut used = Self::default();
        for (i, page) in document.pages().iter().enumerate() {
            if pages.pdf_page_index(i).is_some() {
                used.collect(&page.frame);
            }
        }
        used
    }

    fn collect(&mut self, frame: &Frame) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => self.collect(&group.frame),
                FrameItem::Text(text) => {
                    let bits = self.bits(&text.font);
                    for glyph in &text.glyphs {
                        bits[usize::from(glyph.id) / 64] |= 1u64 << (glyph.id % 64);
                    }
                }
                _ => {}
            }
        }
    }

    fn bits(&mut self, font: &FontInstance) -> &mut Vec<u64> {
        let i = match self.fonts.iter().position(|(f, _)| f == font) {
            Some(i) => i,
            None => {
                self.fonts.push((font.clone(), vec![0; 1024]));
                self.fonts.len() - 1
            }
        };
        &mut self.fonts[i].1
    }
}

fn convert_font(
    gc: &mut GlobalContext,
    typst_font: FontInstance,
) -> SourceResult<krilla::text::Font> {
    if let Some(font) = gc.fonts_forward.get(&typst_font) {
        Ok(font.clone())
    } else {
        let font = build_font(typst_font.clone())?;

        gc.fonts_forward.insert(typst_font.clone(), font.clone());
        gc.fonts_backward.insert(font.clone(), typst_font.clone());

        Ok(font)
    }
}

#[comemo::memoize]
fn build_font(typst_font: FontInstance) -> SourceResult<krilla::text::Font> {
    let font_data: Arc<dyn AsRef<[u8]> + Send + Sync> =
        Arc::new(typst_font.data().clone());

    let variations = typst_font
        .variations()
        .0
        .iter()
        .map(|(tag, value)| (krilla::text::Tag::new(&tag.to_bytes()), value.0))
        .collect::<Vec<_>>();

    match krilla::text::Font::new_variable(
        font_data.into(),
        typst_font.index(),
        &variations,
    ) {
        Some(f) => Ok(f),
        None => {
            bail!(
                Span::detached(),
                "failed to process {}",
                display_font(Some(&typst_font)),
            )
        }
    }
}

#[derive(Debug, TransparentWrapper)]
#[repr(transparent)]
struct PdfGlyph(Glyph);

impl krilla::text::Glyph for PdfGlyph {
    #[inline(always)]
    fn glyph_id(&self) -> GlyphId {
        GlyphId::new(self.0.id as u32)
    }

    #[inline(always)]
    fn text_range(&self) -> Range<usize> {
        self.0.range.start as usize..self.0.range.end as usize
    }

    #[inline(always)]
    fn x_advance(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.x_advance.get() as f32 * size
    }

    #[inline(always)]
    fn x_offset(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.x_offset.get() as f32 * size
    }

    #[inline(always)]
    fn y_offset(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.y_offset.get() as f32 * size
    }

    #[inline(always)]
    fn y_advance(&self, size: f32) -> f32 {
        // Don't use `Em::at`, because it contains an expensive check whether the result is finite.
        self.0.y_advance.get() as f32 * size
    }

    fn location(&self) -> Option<Location> {
        Some(self.0.span.0.into_raw())
    }
}
