//! Report text: paragraphs of plain characters plus `{{id}}` / `{{id.field}}`
//! references, `**bold**` and the `\{{` escape. Nothing else is special, so a
//! `#` or `]` stays a `#` or `]`: the result is data, never markup.

use serde::Serialize;

/// A stretch of text in one weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// A paragraph is a list of runs.
pub type Paragraph = Vec<Run>;

/// What went wrong in a text, and the raw snippet to point at in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct TextError {
    pub message: String,
    pub hints: Vec<String>,
    /// A piece of the text as written, used to find the spot in the YAML file.
    pub snippet: String,
}

/// Looks up `{{id}}` (field `None`) or `{{id.field}}`.
pub trait Resolver {
    fn resolve(&self, id: &str, field: Option<&str>) -> Result<String, TextError>;
}

/// The longest paragraph baogao typesets, in characters (about 25 pages).
/// Typesetting a paragraph costs more than linear time in its length, so a
/// runaway one (a pasted file, a missing blank line) is refused.
pub const MAX_PARAGRAPH_CHARS: usize = 20_000;

/// Splits `text` into paragraphs and resolves its references.
pub fn parse(text: &str, resolver: &dyn Resolver) -> Result<Vec<Paragraph>, TextError> {
    paragraphs(text).iter().map(|p| parse_paragraph(p, resolver)).collect()
}

/// Refuses a paragraph over [`MAX_PARAGRAPH_CHARS`].
fn check_length(paragraph: &str) -> Result<(), TextError> {
    let count = paragraph.chars().count();
    if count <= MAX_PARAGRAPH_CHARS {
        return Ok(());
    }
    Err(TextError {
        message: format!("a paragraph of {count} characters is longer than the {MAX_PARAGRAPH_CHARS} baogao typesets"),
        hints: vec!["split it into paragraphs with blank lines".into()],
        snippet: snippet(paragraph),
    })
}

/// Parses a text that must stay on one line (a table cell): its paragraphs are
/// joined by a space.
pub fn parse_inline(text: &str, resolver: &dyn Resolver) -> Result<Paragraph, TextError> {
    let mut runs = Vec::new();
    for (i, para) in parse(text, resolver)?.into_iter().enumerate() {
        if i > 0 {
            push(&mut runs, " ", false);
        }
        for run in para {
            push(&mut runs, &run.text, run.bold);
        }
    }
    Ok(runs)
}

/// Blank lines separate paragraphs; the lines of one paragraph are joined.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        join_line(&mut current, line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Joins a wrapped line. Between Han characters a line break is no space
/// (clreq); between Latin words it is one.
fn join_line(current: &mut String, line: &str) {
    let needs_space = match (current.chars().last(), line.chars().next()) {
        (Some(a), Some(b)) => !is_wide(a) && !is_wide(b),
        _ => false,
    };
    if needs_space {
        current.push(' ');
    }
    current.push_str(line);
}

/// Han, kana, Hangul, CJK punctuation and full-width forms: the East Asian
/// wide characters, which take two columns in a terminal (`typeset::diag`)
/// and between which a line break is no space.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn parse_paragraph(text: &str, resolver: &dyn Resolver) -> Result<Paragraph, TextError> {
    check_length(text)?;
    let mut runs = Vec::new();
    let mut bold = false;
    let mut bold_start = 0;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("\\{{") {
            push(&mut runs, "{{", bold);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{{") {
            let (value, after) = reference(after, resolver)?;
            push(&mut runs, &value, bold);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("**") {
            bold = !bold;
            bold_start = text.len() - rest.len();
            rest = after;
        } else {
            let next = rest.find(['{', '\\', '*']).unwrap_or(rest.len()).max(1);
            let next = ceil_char_boundary(rest, next);
            push(&mut runs, &rest[..next], bold);
            rest = &rest[next..];
        }
    }
    if bold {
        return Err(TextError {
            message: "`**` opens bold text that is never closed".into(),
            hints: vec!["close it with another `**` in the same paragraph".into()],
            snippet: snippet(&text[bold_start..]),
        });
    }
    Ok(runs)
}

/// Parses the inside of `{{…}}`; `rest` starts after the `{{`.
fn reference<'a>(rest: &'a str, resolver: &dyn Resolver) -> Result<(String, &'a str), TextError> {
    let Some(end) = rest.find("}}") else {
        return Err(TextError {
            message: "`{{` opens a metric reference that is never closed".into(),
            hints: vec![
                "close it with `}}`, as in `{{enterprise_visits}}`".into(),
                "to print `{{` itself, write `\\{{`".into(),
            ],
            snippet: snippet(&format!("{{{{{rest}")),
        });
    };
    let inner = &rest[..end];
    let (id, field) = match inner.trim().split_once('.') {
        Some((id, field)) => (id.trim(), Some(field.trim())),
        None => (inner.trim(), None),
    };
    let value = resolver.resolve(id, field).map_err(|mut e| {
        e.snippet = format!("{{{{{inner}}}}}");
        e
    })?;
    Ok((value, &rest[end + 2..]))
}

/// Appends text, merging with the last run when the weight is the same.
fn push(runs: &mut Vec<Run>, text: &str, bold: bool) {
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.bold == bold => last.text.push_str(text),
        _ => runs.push(Run { text: text.into(), bold }),
    }
}

/// The first few characters of `s`, enough to find it in the source.
fn snippet(s: &str) -> String {
    s.chars().take(12).collect()
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl Resolver for Fixed {
        fn resolve(&self, id: &str, field: Option<&str>) -> Result<String, TextError> {
            match (id, field) {
                ("visits", None) => Ok("336家次".into()),
                ("visits", Some("value")) => Ok("336".into()),
                _ => Err(TextError { message: "unknown".into(), hints: vec![], snippet: String::new() }),
            }
        }
    }

    fn plain(text: &str) -> Vec<Paragraph> {
        parse(text, &Fixed).unwrap()
    }

    #[test]
    fn markup_characters_are_text() {
        let text = "#read(\"/etc/passwd\") ] $x$ \\ @ref <label> * _ `";
        assert_eq!(plain(text), vec![vec![Run { text: text.into(), bold: false }]]);
    }

    #[test]
    fn references_bold_and_escape() {
        let p = plain("**营商环境全面优化。**走访{{visits}},即{{ visits.value }}。\\{{x}}");
        assert_eq!(p[0][0], Run { text: "营商环境全面优化。".into(), bold: true });
        assert_eq!(p[0][1].text, "走访336家次,即336。{{x}}");
    }

    #[test]
    fn paragraphs_and_cjk_line_joins() {
        let p = plain("第一行\n第二行\n\n\nword\nwrap");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0][0].text, "第一行第二行");
        assert_eq!(p[1][0].text, "word wrap");
    }

    #[test]
    fn errors_carry_a_findable_snippet() {
        let e = parse("走访{{vists}}家", &Fixed).unwrap_err();
        assert_eq!(e.snippet, "{{vists}}");
        let e = parse("走访{{visits", &Fixed).unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = parse("**粗体", &Fixed).unwrap_err();
        assert_eq!(e.snippet, "**粗体");
    }
}
