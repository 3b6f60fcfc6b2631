//! Reports: the format's model, loading with located problems, and the
//! resolved document handed to the templates. Knows nothing of typst.

pub mod chart;
pub mod document;
pub mod folder;
mod load;
pub mod metrics;
pub mod model;
pub mod number;
pub mod previous;
pub mod problem;
pub mod sheet;
pub mod table;
pub mod text;
pub mod yaml;

pub use folder::Folder;
pub use load::{
    BUILTIN_TEMPLATES, DEFAULT_MAX_TABLE_ROWS, Kept, Loaded, METRICS_FILE, REPORT_FILE, Template, load, locate_chars,
};
pub use problem::Problem;
