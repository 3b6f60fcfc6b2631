//! Typesetting: our typst `World` and the data files it serves, the bundled
//! fonts and templates, the compile loop, and the diagnostics printer.

pub mod compile;
pub mod data;
pub mod diag;
pub mod fonts;
pub mod templates;
pub mod world;

pub use world::BaogaoWorld;
