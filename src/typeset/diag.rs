//! The one printer of errors and warnings. Report problems (YAML, metrics,
//! tables) become typst diagnostics pointing into the report's files, so they
//! print exactly like template errors: rustc style for people
//! (`file:line:column`, the line, a caret, hints; 1-based like rustc and
//! editors), or one JSON object per diagnostic for CI and editors.

use std::io::{IsTerminal, Write};
use std::ops::Range;

use ecow::EcoString;
use serde::Serialize;
use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::syntax::{DiagSpan, FileId, Span, VirtualRoot};

use super::templates;
use super::world::{BaogaoWorld, file_id};
use crate::report::Problem;
use crate::report::text::is_wide;

/// How diagnostics are printed (`--message-format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// For people: the source line with a caret.
    #[default]
    Human,
    /// One JSON object per line: severity, message, file, line, column, hints.
    Json,
}

/// A diagnostic with its place worked out, ready to print: what commands
/// hand back to `main` (or a watch prints as it goes).
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    severity: &'static str,
    message: String,
    file: Option<String>,
    /// 1-based.
    line: Option<usize>,
    /// 1-based, in characters.
    column: Option<usize>,
    hints: Vec<String>,
    #[serde(skip)]
    source_line: Option<String>,
    /// Caret start and width within `source_line`, in characters.
    #[serde(skip)]
    caret: (usize, usize),
}

impl BaogaoWorld {
    /// Report files are named as the user would find them
    /// (`content/x/report.yaml`), templates by where they live in baogao's
    /// source (`<baogao>/templates/report.typ`).
    pub fn name(&self, id: FileId) -> String {
        let path = id.vpath().get_without_slash();
        match (id.root(), path.strip_prefix(templates::DIR)) {
            (VirtualRoot::Project, Some(rest)) => format!("<baogao>/templates{rest}"),
            (VirtualRoot::Project, None) => self.display_root().join(path).display().to_string(),
            _ => path.to_string(),
        }
    }
}

/// Locates diagnostics in the world's files (report files, templates).
pub fn locate_all(world: &BaogaoWorld, diagnostics: &[SourceDiagnostic]) -> Vec<Message> {
    diagnostics.iter().map(|d| locate(Some(world), d)).collect()
}

/// A message about no file in particular (a missing folder, an unwritable
/// output, a wrong option).
pub fn plain(message: impl Into<EcoString>, hints: &[&str]) -> Message {
    locate(None, &error(message, hints))
}

/// The one printer: messages to stderr, for people or as JSON lines.
pub fn emit(messages: &[Message], format: MessageFormat) {
    let stderr = std::io::stderr();
    let color = format == MessageFormat::Human && stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stderr.lock();
    for message in messages {
        let _ = match format {
            MessageFormat::Human => write_human(&mut out, message, color),
            MessageFormat::Json => writeln!(out, "{}", serde_json::to_string(message).unwrap_or_default()),
        };
    }
}

/// The messages as the terminal shows them, without colour (the preview's
/// error banner prints the same words).
pub fn human_text(messages: &[Message]) -> String {
    let mut out = Vec::new();
    for message in messages {
        let _ = write_human(&mut out, message, false);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Works out file, line, column and the source line of a diagnostic.
fn locate(world: Option<&BaogaoWorld>, d: &SourceDiagnostic) -> Message {
    let mut located = Message {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        message: d.message.to_string(),
        file: None,
        line: None,
        column: None,
        hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
        source_line: None,
        caret: (0, 1),
    };
    let Some(world) = world else { return located };
    let (Some(id), Some(range)) = (d.span.id(), world.range(d.span)) else { return located };
    located.file = Some(world.name(id));
    if range == (0..0) {
        return located; // the file as a whole (see `from_problem`)
    }
    if let Ok(source) = world.source(id) {
        place(&mut located, source.text(), range);
    }
    located
}

/// Fills in line, column and caret from `range` in `text`.
fn place(located: &mut Message, text: &str, range: Range<usize>) {
    let start = floor_boundary(text, range.start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = floor_boundary(text, range.end.clamp(start, line_end.max(start)));
    located.line = Some(text[..start].matches('\n').count() + 1);
    located.column = Some(text[line_start..start].chars().count() + 1);
    // Show a window of a long line around the spot, not all of it.
    let shown_start = back_chars(text, start, CONTEXT_CHARS).max(line_start);
    let shown_end = ahead_chars(text, end, CONTEXT_CHARS).min(line_end);
    let end = end.min(shown_end);
    let lead = if shown_start > line_start { "…" } else { "" };
    let tail = if shown_end < line_end { "…" } else { "" };
    let line_text = format!("{lead}{}{tail}", text[shown_start..shown_end].trim_end_matches('\r'));
    located.caret =
        (display_width(lead) + display_width(&text[shown_start..start]), display_width(&text[start..end]).max(1));
    // Tabs as a space and other controls as their visible symbols (␀),
    // so the caret stays in place and the terminal is not disturbed.
    let visible = |c: char| match c {
        '\t' => ' ',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or(' '),
        c => c,
    };
    located.source_line = Some(line_text.chars().map(visible).collect());
}

/// Characters shown on either side of a diagnostic's spot.
const CONTEXT_CHARS: usize = 60;

/// The byte index `n` characters before `i` (or 0).
fn back_chars(text: &str, i: usize, n: usize) -> usize {
    text[..i].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(j, _)| j)
}

/// The byte index `n` characters after `i` (or the end).
fn ahead_chars(text: &str, i: usize, n: usize) -> usize {
    text[i..].char_indices().nth(n).map_or(text.len(), |(j, _)| i + j)
}

fn write_human(out: &mut impl Write, d: &Message, color: bool) -> std::io::Result<()> {
    let (bold, red, yellow, blue, reset) =
        if color { ("\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;34m", "\x1b[0m") } else { ("", "", "", "", "") };
    let tint = if d.severity == "error" { red } else { yellow };
    writeln!(out, "{tint}{}{reset}{bold}: {}{reset}", d.severity, d.message)?;
    let gutter = d.line.map_or(0, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    if let (Some(file), Some(line), Some(column)) = (&d.file, d.line, d.column) {
        writeln!(out, "{pad}{blue}-->{reset} {file}:{line}:{column}")?;
        if let Some(source) = &d.source_line {
            writeln!(out, "{pad} {blue}|{reset}")?;
            writeln!(out, "{blue}{line} |{reset} {source}")?;
            let (at, width) = d.caret;
            writeln!(out, "{pad} {blue}|{reset} {}{tint}{}{reset}", " ".repeat(at), "^".repeat(width))?;
        }
    } else if let Some(file) = &d.file {
        writeln!(out, "{pad}{blue}-->{reset} {file}")?;
    }
    for hint in &d.hints {
        writeln!(out, "{pad} {blue}={reset} {bold}hint{reset}: {hint}")?;
    }
    writeln!(out)
}

/// Columns a string takes in a terminal: East Asian wide characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A report problem as a diagnostic pointing into its file.
pub fn from_problem(problem: &Problem) -> SourceDiagnostic {
    let id = file_id(&format!("/{}", problem.file));
    let span = match &problem.range {
        Some(range) => DiagSpan::from_range(id, range.clone()),
        // No spot to show: an empty range at the start stands for the whole
        // file, which is named without a line.
        None => DiagSpan::from_range(id, 0..0),
    };
    SourceDiagnostic::error(span, problem.message.as_str()).with_hints(problem.hints.iter().map(EcoString::from))
}

/// A diagnostic as a warning: the build goes on.
pub trait IntoWarning {
    fn into_warning(self) -> SourceDiagnostic;
}

impl IntoWarning for SourceDiagnostic {
    fn into_warning(mut self) -> SourceDiagnostic {
        self.severity = Severity::Warning;
        self
    }
}

/// An error about no file in particular.
fn error(message: impl Into<EcoString>, hints: &[&str]) -> SourceDiagnostic {
    SourceDiagnostic::error(Span::detached(), message).with_hints(hints.iter().map(|h| EcoString::from(*h)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, range: Range<usize>) -> Message {
        let mut d = Message {
            severity: "error",
            message: String::new(),
            file: None,
            line: None,
            column: None,
            hints: vec![],
            source_line: None,
            caret: (0, 1),
        };
        place(&mut d, text, range);
        d
    }

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "title: x\nbody: 走访{{vists}}\n";
        let start = text.find("{{").unwrap();
        let d = at(text, start..start + 9);
        assert_eq!((d.line, d.column), (Some(2), Some(9)));
        assert_eq!(d.source_line.as_deref(), Some("body: 走访{{vists}}"));
        // "body: " is 6 columns, 走访 four more; the caret spans 9.
        assert_eq!(d.caret, (10, 9));
    }

    #[test]
    fn long_lines_show_a_window_around_the_spot() {
        let text = format!("body: {}{{{{x}}}}{}\n", "甲".repeat(500), "乙".repeat(500));
        let start = text.find("{{").unwrap();
        let d = at(&text, start..start + 5);
        assert_eq!(d.column, Some(507));
        let shown = d.source_line.unwrap();
        assert_eq!(shown, format!("…{}{{{{x}}}}{}…", "甲".repeat(60), "乙".repeat(60)));
        assert_eq!(d.caret, (1 + 120, 5));
    }

    #[test]
    fn a_range_past_the_end_is_clamped() {
        let d = at("abc", 10..12);
        assert_eq!((d.line, d.column), (Some(1), Some(4)));
    }
}
