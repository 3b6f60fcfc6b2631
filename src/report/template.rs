//! Which template lays a report out: one of baogao's own, or a `.typ` file
//! of the report folder.

use super::folder::Folder;
use super::problem::{Problem, SourceText};
use super::source::{Kind, REPORT_FILE, folder_problem};

/// The templates baogao carries: the default first.
pub const BUILTIN_TEMPLATES: [&str; 3] = ["report", "gongwen", "briefing"];

/// Which template lays the report out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// One of baogao's own, by name (`report`).
    Builtin(&'static str),
    /// A `.typ` file in the report folder, by its path there.
    Own(String),
}

impl Template {
    /// The template `template:` names (in `src`, report.yaml), if it exists.
    pub fn named(name: Option<&str>, folder: &Folder, src: &SourceText) -> Result<Self, Problem> {
        let name = name.unwrap_or("report");
        if let Some(builtin) = BUILTIN_TEMPLATES.iter().find(|t| **t == name) {
            return Ok(Template::Builtin(builtin));
        }
        if Kind::of(name) == Kind::Typst {
            folder.size(name).map_err(|e| Problem {
                file: REPORT_FILE.into(),
                range: src.find(name),
                ..folder_problem(name, &e)
            })?;
            return Ok(Template::Own(name.to_string()));
        }
        Err(src.problem_at(name, format!("template `{name}` is not available in this version of baogao")).hint(
            "use `report` (the default), `gongwen`, `briefing`, or the path of a `.typ` file in the report folder",
        ))
    }

    /// The built-in layout this template follows: its own name, or for an
    /// own template whose file is named after one (an ejected
    /// `gongwen.typ`) that one's, else `report`.
    pub fn layout(&self) -> &'static str {
        let name = match self {
            Template::Builtin(name) => name,
            Template::Own(path) => path.rsplit('/').next().and_then(|f| f.strip_suffix(".typ")).unwrap_or(""),
        };
        BUILTIN_TEMPLATES.iter().find(|t| **t == name).copied().unwrap_or("report")
    }
}
