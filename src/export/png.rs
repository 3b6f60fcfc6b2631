//! PNG: one image per page, by typst's own `typst-render`.

use ecow::eco_vec;
use rayon::prelude::*;
use typst::diag::{SourceDiagnostic, SourceResult};
use typst::syntax::Span;
use typst::utils::Scalar;
use typst_layout::PagedDocument;
use typst_render::RenderOptions;

/// Each page as a PNG at `ppi` pixels per inch, on white where the page
/// has no fill of its own (as typst renders it). The pages are drawn and
/// encoded on all cores.
pub fn export(document: &PagedDocument, ppi: u32) -> SourceResult<Vec<Vec<u8>>> {
    let options = RenderOptions { pixel_per_pt: Scalar::new(f64::from(ppi) / 72.0), render_bleed: false };
    document
        .pages()
        .par_iter()
        .map(|page| {
            let pixmap = typst_render::render(page, &options);
            pixmap.encode_png().map_err(|e| {
                let message = format!("a page could not be encoded as PNG: {e}");
                eco_vec![SourceDiagnostic::error(Span::detached(), message)]
            })
        })
        .collect()
}
