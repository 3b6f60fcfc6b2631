//! Placing characters no font has where they stand in the report's files,
//! so that the message names a file, line and column.

use std::collections::BTreeSet;

use super::folder::Folder;
use super::problem::Problem;
use super::source::{REPORT_FILE, decode_text};

/// One problem per character in `chars` (ones no font has), placed where it
/// first stands in the report's sources.
pub fn locate_chars(folder: &Folder, sources: &[String], chars: &BTreeSet<char>) -> Vec<Problem> {
    let texts: Vec<(&String, String)> =
        sources.iter().filter_map(|f| Some((f, decode_text(&folder.read(f).ok()?)?))).collect();
    chars
        .iter()
        .map(|&c| {
            let places: Vec<(&String, usize)> =
                texts.iter().flat_map(|(f, t)| t.match_indices(c).map(move |(i, _)| (*f, i))).collect();
            let (file, range) = match places.first() {
                Some(&(f, i)) => (f.as_str(), Some(i..i + c.len_utf8())),
                None => (REPORT_FILE, None),
            };
            let more = match places.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more places)", n - 1),
            };
            Problem::new(file, range, format!("no font has the character `{c}` (U+{:04X}){more}", c as u32))
                .hint("add a font that has it with `--font-path DIR` (or `--system-fonts`), or write another character")
        })
        .collect()
}
