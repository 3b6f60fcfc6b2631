//! Reports: the format's model, loading with located problems, and the
//! resolved document handed to the templates. Knows nothing of typst.
//!
//! The files depend on each other one way: reading files (`folder`,
//! `source`, `yaml`, `image`) → parsing them (`specs` → `body` → `model`,
//! `schemas`, `metrics_file`, `sheet`, `previous`, `text`) → resolving
//! (`metrics`, `table`, `chart`, `geometry`, `picture`, `resolve` with
//! `blocks`) → `load`, which puts them together.

mod blocks;
pub mod body;
pub mod chars;
pub mod chart;
pub mod dates;
pub mod document;
pub mod folder;
pub mod geometry;
pub mod image;
mod load;
pub mod metrics;
pub mod metrics_file;
pub mod model;
pub mod number;
pub mod picture;
pub mod previous;
pub mod problem;
pub mod records;
mod resolve;
mod schemas;
pub mod sheet;
pub mod source;
pub mod specs;
pub mod table;
pub mod template;
pub mod text;
pub mod workbook;
pub mod yaml;

pub use chars::locate_chars;
pub use folder::Folder;
pub use load::{DEFAULT_MAX_TABLE_ROWS, Loaded, Options, load};
pub use problem::Problem;
pub use resolve::Kept;
pub use source::{METRICS_FILE, REPORT_FILE};
pub use template::{BUILTIN_TEMPLATES, Template};
