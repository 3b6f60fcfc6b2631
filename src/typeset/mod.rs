//! Typesetting: our typst `World`, the bundled fonts and templates, the
//! diagnostics printer, and PDF export.

pub mod diag;
pub mod fonts;
pub mod pdf;
pub mod templates;
pub mod world;

pub use world::BaogaoWorld;
