//! The pictures an OFD carries: PNG and JPEG as the report's pipeline made
//! them (the same bytes the PDF holds); anything OFD readers do not all
//! take (SVG drawings, GIF, WebP, a JPEG still to be turned by its EXIF)
//! drawn by typst-render at print resolution and kept as PNG.

use indexmap::IndexMap;
use typst::foundations::Smart;
use typst::layout::{Abs, Frame, FrameItem, Point, Sides, Size};
use typst::utils::Scalar;
use typst::visualize::{ExchangeFormat, Image, ImageKind, RasterFormat};
use typst_layout::Page;
use typst_render::RenderOptions;

/// Pixels per inch of a drawing turned into pixels.
const DRAWN_PPI: f64 = 300.0;

/// Every picture the pages place so far, by image (and, for one that is
/// drawn, its size).
#[derive(Default)]
pub struct Images(IndexMap<(Image, Option<[u64; 2]>), Stored>);

/// A picture ready for the package.
pub struct Stored {
    pub id: u32,
    /// `image_<id>.png` or `.jpg`.
    pub file: String,
    /// OFD's `Format`: PNG or JPEG.
    pub format: &'static str,
    pub bytes: Vec<u8>,
}

impl Images {
    /// The picture's resource ID, given out on first use; `None` if it
    /// could not be drawn (then the page has a gap, as in no output).
    pub fn id_of(&mut self, image: &Image, size: Size, last_id: &mut u32) -> Option<u32> {
        let kept = kept_format(image);
        let key = (image.clone(), kept.is_none().then(|| [size.x.to_raw().to_bits(), size.y.to_raw().to_bits()]));
        if let Some(stored) = self.0.get(&key) {
            return Some(stored.id);
        }
        let (format, bytes) = match kept {
            Some(format) => (format, raster_bytes(image)?),
            None => ("PNG", drawn(image, size)?),
        };
        *last_id += 1;
        let ext = if format == "JPEG" { "jpg" } else { "png" };
        let stored = Stored { id: *last_id, file: format!("image_{}.{ext}", *last_id), format, bytes };
        self.0.insert(key, stored);
        Some(*last_id)
    }

    pub fn all(&self) -> impl Iterator<Item = &Stored> {
        self.0.values()
    }
}

/// PNG or JPEG that needs no turning: kept as it is.
fn kept_format(image: &Image) -> Option<&'static str> {
    let ImageKind::Raster(raster) = image.kind() else { return None };
    if raster.exif_rotation().is_some_and(|r| r != 1) {
        return None;
    }
    match raster.format() {
        RasterFormat::Exchange(ExchangeFormat::Png) => Some("PNG"),
        RasterFormat::Exchange(ExchangeFormat::Jpg) => Some("JPEG"),
        _ => None,
    }
}

fn raster_bytes(image: &Image) -> Option<Vec<u8>> {
    let ImageKind::Raster(raster) = image.kind() else { return None };
    Some(raster.data().to_vec())
}

/// The image drawn alone on a transparent page of its printed size.
fn drawn(image: &Image, size: Size) -> Option<Vec<u8>> {
    let mut frame = Frame::soft(size);
    frame.push(Point::zero(), FrameItem::Image(image.clone(), size, typst::syntax::Span::detached()));
    let page = Page {
        frame,
        bleed: Sides::splat(Abs::zero()),
        fill: Smart::Custom(None),
        numbering: None,
        supplement: Default::default(),
        number: 1,
    };
    let options = RenderOptions { pixel_per_pt: Scalar::new(DRAWN_PPI / 72.0), render_bleed: false };
    typst_render::render(&page, &options).encode_png().ok()
}
