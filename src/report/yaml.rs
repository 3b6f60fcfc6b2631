//! Reading YAML with errors a clerk can act on: serde_yaml's messages are
//! translated (`f64` → a number), placed at the right spot (a duplicate key
//! at its second occurrence), stripped of the location they repeat, and
//! given a hint (the closest known key for a misspelt one).

use serde::de::DeserializeOwned;

use super::problem::{Problem, SourceText, closest};

/// Parses `text` (the contents of `file`) into `T`.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, Problem> {
    let src = SourceText { file, text };
    check_limits(&src)?;
    serde_yaml::from_str(text).map_err(|e| explain(&src, &e))
}

/// Deeper than any report needs (a report nests about six levels).
const MAX_NESTING: usize = 32;

/// Refuses what would make serde_yaml take unbounded memory or time, before
/// it sees the file:
/// - aliases: serde_yaml bounds how often they are followed, but not the
///   bytes that copies (one long anchored string aliased a million times
///   fills memory), and reports have no need of them;
/// - deep nesting: libyaml takes time quadratic in the depth (100 000 levels
///   of `[` take 40 s).
///
/// A file this event parser cannot read for other reasons is left to
/// serde_yaml, which explains syntax errors better.
pub fn check_limits(src: &SourceText) -> Result<(), Problem> {
    let text = src.text;
    let at = |chars: usize| {
        let i = text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i);
        Some(point(text, i))
    };
    let too_deep = |range| {
        Problem::new(src.file, range, format!("the YAML nests more than {MAX_NESTING} levels deep here"))
            .hint("a report nests a few levels (sections, subsections, tables): check the brackets and indentation")
    };
    let mut depth = 0usize;
    for event in saphyr_parser::Parser::new_from_str(text) {
        match event {
            Ok((saphyr_parser::Event::Alias(_), span)) => {
                return Err(Problem::new(
                    src.file,
                    at(span.start.index()),
                    "YAML aliases (`*name`) are not allowed in a report",
                )
                .hint("write the value out in full; an alias can make a small file expand without limit"));
            }
            Ok((saphyr_parser::Event::SequenceStart(..) | saphyr_parser::Event::MappingStart(..), span)) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_deep(at(span.start.index())));
                }
            }
            Ok((saphyr_parser::Event::SequenceEnd | saphyr_parser::Event::MappingEnd, _)) => {
                depth = depth.saturating_sub(1)
            }
            Ok(_) => {}
            Err(e) if e.info().contains("recursion limit") => return Err(too_deep(at(e.marker().index()))),
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// A serde_yaml error as a located problem with a hint.
fn explain(src: &SourceText, e: &serde_yaml::Error) -> Problem {
    let message = plain_words(&strip_location(&e.to_string()));
    let at = e.location().map(|l| point(src.text, l.index()));
    let problem = Problem::new(src.file, at, message.clone());
    if let Some(key) = quoted_after(&message, "unknown field `") {
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        return match closest(key, expected.iter().copied()) {
            Some(near) => problem.hint(format!("did you mean `{near}`?")),
            None => problem.hint(format!("remove it, or use one of: {}", expected.join(", "))),
        };
    }
    if let Some(key) = quoted_after(&message, "duplicate field `") {
        let second = src.find_keys(key).nth(1);
        return Problem { range: second.or(problem.range.clone()), ..problem }
            .hint(format!("`{key}` may appear once here: remove or merge the other one"));
    }
    if let Some(id) = quoted_after(&message, "duplicate metric id `") {
        let second = src.find_keys(id).nth(1);
        return Problem { range: second.or(problem.range.clone()), ..problem }
            .hint("every metric needs its own id: rename one of them");
    }
    if let Some(key) = quoted_after(&message, "missing field `") {
        return problem.hint(format!("add `{key}: …` here"));
    }
    if let Some(value) = quoted_after(&message, "unknown variant `") {
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        return problem.hint(format!("`{value}` is not one of them: write {}", expected.join(", ")));
    }
    if message.contains("is not a copy number") {
        return problem.hint("write its digits, e.g. `copy_number: 000012` (printed as six digits)");
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return problem.hint(type_hint(&message));
    }
    if let Some(pos) = number_after(&message, "at position ") {
        return Problem { range: Some(point(src.text, pos)), ..problem }
            .hint("remove the control character (a NUL or similar byte) from the file");
    }
    problem.hint("check the indentation and the `key: value` form here, and that every quote opened is closed")
}

/// What to write instead, from what serde expected.
fn type_hint(message: &str) -> String {
    if message.contains("expected a number") {
        "write a plain number, without quotes, units or Chinese numerals: `value: 300`".into()
    } else if message.contains("expected a whole number") {
        "write a whole number, such as `decimals: 1`".into()
    } else if message.contains("expected a list") {
        "write a list: `[a, b]`, or one `- item` per line".into()
    } else if message.contains("expected a mapping") {
        "write `key: value` lines, indented under this key".into()
    } else if message.contains("expected text") {
        "write text; put quotes around it if it looks like a number or starts with a special character".into()
    } else {
        "check the value's form against the README".into()
    }
}

/// serde's type names in the words of the README.
fn plain_words(message: &str) -> String {
    let mut m = message
        .replace("expected f64", "expected a number")
        .replace("expected u8", "expected a whole number from 0 to 255")
        .replace("expected a sequence", "expected a list")
        .replace("expected a string", "expected text")
        .replace("expected a boolean", "expected true or false")
        .replace("a map", "a mapping");
    while let Some(i) = m.find("expected struct ") {
        let end = m[i + 16..].find(|c: char| !c.is_alphanumeric()).map_or(m.len(), |j| i + 16 + j);
        m.replace_range(i..end, "expected a mapping");
    }
    m
}

/// serde_yaml repeats the location in the message (" at line 3 column 5");
/// the printer shows it already.
fn strip_location(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + 9..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_len = digits(rest);
        let Some(after) = rest[line_len..].strip_prefix(" column ") else { break };
        let end = i + 9 + line_len + 8 + digits(after);
        out.replace_range(i..end, "");
    }
    out
}

/// The text between `prefix` and the next backquote.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let start = message.find(prefix)? + prefix.len();
    message[start..].find('`').map(|end| &message[start..start + end])
}

fn number_after(message: &str, prefix: &str) -> Option<usize> {
    let start = message.find(prefix)? + prefix.len();
    let digits: String = message[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A one-character range at byte `i` (clamped to the text).
fn point(text: &str, i: usize) -> std::ops::Range<usize> {
    let i = i.min(text.len());
    let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
    i..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        value: Option<f64>,
        sections: Option<Vec<String>>,
    }

    fn error(text: &str) -> Problem {
        parse::<T>("r.yaml", text).unwrap_err()
    }

    #[test]
    fn misspelt_keys_get_the_closest() {
        let p = error("title: a\nsectoins: []\n");
        assert!(p.message.starts_with("unknown field `sectoins`"), "{}", p.message);
        assert!(!p.message.contains("at line"));
        assert_eq!(p.hints, ["did you mean `sections`?"]);
        assert_eq!(p.range, Some(9..10));
    }

    #[test]
    fn types_in_plain_words() {
        let p = error("title: a\nvalue: 三百\n");
        assert!(p.message.contains("expected a number"), "{}", p.message);
        assert!(p.hints[0].contains("plain number"));
    }

    #[test]
    fn aliases_are_refused_where_they_stand() {
        let text = "title: &t 标题\nsections: [*t]\n";
        let p = error(text);
        assert!(p.message.contains("aliases"), "{}", p.message);
        assert_eq!(p.range.map(|r| &text[r]), Some("*"));
        // `*` inside text is no alias.
        assert!(parse::<T>("r.yaml", "title: \"**粗体** *a\"\n").is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_libyaml() {
        let text = format!("title: x\nsections: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let p = parse::<T>("r.yaml", &text).unwrap_err();
        assert!(p.message.contains("levels deep"), "{}", p.message);
        assert_eq!(p.range.map(|r| &text[r]), Some("["), "points into the brackets");
    }

    #[test]
    fn duplicates_point_at_the_second() {
        let text = "title: a\nvalue: 1\ntitle: b\n";
        let p = error(text);
        assert_eq!(p.range, Some(18..23), "{p:?}");
    }
}
