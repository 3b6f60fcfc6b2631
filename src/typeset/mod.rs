//! Typesetting: our typst `World`, the bundled fonts and templates, the
//! compile loop, the diagnostics printer, and PDF export.

pub mod compile;
pub mod diag;
pub mod fonts;
pub mod pdf;
pub mod templates;
pub mod world;

pub use world::BaogaoWorld;
