//! A problem in a report, located in one of its files. The printer lives in
//! `typeset::diag`, which shows it exactly like a typst error.

use std::ops::Range;

/// One error, pointing at a byte range of a file in the report folder.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Path relative to the report folder, e.g. `report.yaml`.
    pub file: String,
    /// Byte range in that file; `None` when no spot can be named.
    pub range: Option<Range<usize>>,
    pub message: String,
    pub hints: Vec<String>,
}

impl Problem {
    pub fn new(file: &str, range: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self { file: file.into(), range, message: message.into(), hints: Vec::new() }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

/// A source file's text, for pointing at spots in it.
pub struct SourceText<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

impl SourceText<'_> {
    /// The first place `needle` stands in the file.
    pub fn find(&self, needle: &str) -> Option<Range<usize>> {
        if needle.is_empty() {
            return None;
        }
        self.text.find(needle).map(|i| i..i + needle.len())
    }

    /// Where the mapping key `key:` first stands.
    pub fn find_key(&self, key: &str) -> Option<Range<usize>> {
        self.find_keys(key).next()
    }

    /// Every place the mapping key `key:` stands (at the start of a line, or
    /// after `{`, `,` or `- ` in flow and list forms).
    pub fn find_keys<'s>(&'s self, key: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
        let pattern = format!("{key}:");
        let text = self.text;
        text.match_indices(&pattern)
            .map(|(i, _)| i)
            .filter(move |&i| {
                let before = text[..i].trim_end_matches([' ', '\t', '"', '\'']);
                before.is_empty() || before.ends_with(['\n', '{', ',', '-'])
            })
            .map(move |i| i..i + key.len())
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// A problem at the first place `needle` stands, or at no spot.
    pub fn problem_at(&self, needle: &str, message: impl Into<String>) -> Problem {
        Problem::new(self.file, self.find(needle), message)
    }
}

/// The known name closest to `name`, if it is close enough to be a typo.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(2))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_only() {
        let known = ["enterprise_visits", "loans"];
        assert_eq!(closest("enterprise_visit", known), Some("enterprise_visits"));
        assert_eq!(closest("weather", known), None);
    }

    #[test]
    fn finds_keys_at_line_starts() {
        let src = SourceText { file: "m.yaml", text: "a_b: 1\nb:\n  label: x\nc: {label: y}\n" };
        assert_eq!(src.find_key("b"), Some(7..8));
        assert_eq!(src.find_key("label"), Some(12..17));
    }
}
