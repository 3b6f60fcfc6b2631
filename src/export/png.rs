//! PNG: one image per page, by typst's own `typst-render`; and the
//! preview's quicker pictures of a page.

use ecow::eco_vec;
use rayon::prelude::*;
use typst::diag::{SourceDiagnostic, SourceResult};
use typst::syntax::Span;
use typst::utils::Scalar;
use typst_layout::{Page, PagedDocument};
use typst_render::RenderOptions;

/// Each page as a PNG at `ppi` pixels per inch, on white where the page
/// has no fill of its own (as typst renders it). The pages are drawn and
/// encoded on all cores.
pub fn export(document: &PagedDocument, ppi: u32) -> SourceResult<Vec<Vec<u8>>> {
    let pixel_per_pt = f64::from(ppi) / 72.0;
    document
        .pages()
        .par_iter()
        .map(|page| {
            page_png(page, pixel_per_pt).map_err(|e| {
                let message = format!("a page could not be encoded as PNG: {e}");
                eco_vec![SourceDiagnostic::error(Span::detached(), message)]
            })
        })
        .collect()
}

/// One page as a PNG, `pixel_per_pt` pixels to the point.
pub fn page_png(page: &Page, pixel_per_pt: f64) -> Result<Vec<u8>, String> {
    typst_render::render(page, &options(pixel_per_pt)).encode_png().map_err(|e| e.to_string())
}

/// One page as a picture to look at, soon: on white, without alpha, and
/// compressed lightly (fdeflate), which takes a few milliseconds where
/// `page_png`'s encoding takes tens; the file is larger, which matters
/// little to a browser on the same machine. A picture with no colour (most
/// text) is stored as grey, a third of the bytes to compress, send and
/// decode. The preview's.
pub fn page_picture(page: &Page, pixel_per_pt: f64) -> Result<Vec<u8>, String> {
    let pixmap = typst_render::render(page, &options(pixel_per_pt));
    // Premultiplied RGBA over white: each channel plus what the alpha lets through.
    let mut rgb = Vec::with_capacity(pixmap.data().len() / 4 * 3);
    for px in pixmap.data().chunks_exact(4) {
        let through = 255 - px[3];
        rgb.extend([px[0].saturating_add(through), px[1].saturating_add(through), px[2].saturating_add(through)]);
    }
    let grey = rgb.chunks_exact(3).all(|px| px[0] == px[1] && px[1] == px[2]);
    let (color, data) = if grey {
        (png::ColorType::Grayscale, rgb.iter().step_by(3).copied().collect())
    } else {
        (png::ColorType::Rgb, rgb)
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&data).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

fn options(pixel_per_pt: f64) -> RenderOptions {
    RenderOptions { pixel_per_pt: Scalar::new(pixel_per_pt), render_bleed: false }
}
