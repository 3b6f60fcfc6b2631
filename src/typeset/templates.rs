//! The built-in templates, embedded so the binary works from any folder.

/// Virtual folder the templates are served under; a report's own files live
/// beside it at the root. A report's own template imports the components
/// from here: `#import "/_baogao/lib/components.typ": *`.
pub const DIR: &str = "_baogao";

/// Path (under [`DIR`]) and text of every embedded template file.
static FILES: &[(&str, &str)] = &[
    ("report.typ", include_str!("../../templates/report.typ")),
    ("gongwen.typ", include_str!("../../templates/gongwen.typ")),
    ("briefing.typ", include_str!("../../templates/briefing.typ")),
    ("lib/theme.typ", include_str!("../../templates/lib/theme.typ")),
    ("lib/components.typ", include_str!("../../templates/lib/components.typ")),
    ("lib/chart.typ", include_str!("../../templates/lib/chart.typ")),
];

/// Every embedded template file: path under [`DIR`] and text.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}

/// The text of an embedded template file.
pub fn get(path: &str) -> Option<&'static str> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, text)| *text)
}

/// The entry file of a template, as a path under the virtual root.
pub fn entry(name: &str) -> String {
    format!("/{DIR}/{name}.typ")
}
