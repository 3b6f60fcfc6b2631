//! The shape of the code, kept as README's "For developers" describes it:
//! the files of src/ import each other one way (no circle), and none grows
//! past what a newcomer reads at one sitting.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::*;

/// The most lines a file of src/ may have.
const MAX_LINES: usize = 420;

/// Every .rs file below `dir`, by its module path (`crate::report::load`).
fn modules(dir: &Path, path: &[String], out: &mut BTreeMap<Vec<String>, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap().path();
        let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
        if entry.is_dir() {
            modules(&entry, &[path, &[name]].concat(), out);
        } else if entry.extension().is_some_and(|e| e == "rs") && name != "main" {
            let module = if name == "mod" || name == "lib" { path.to_vec() } else { [path, &[name]].concat() };
            out.insert(module, std::fs::read_to_string(&entry).unwrap());
        }
    }
}

/// The paths `text` names from `crate::`, `super::` or `self::`, with `use`
/// groups (`use super::{a, b::c}`) spread out, made absolute from `module`.
fn named_paths(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts = ["crate::", "super::", "self::"].iter().find(|p| rest.starts_with(**p));
        let boundary =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        match starts {
            Some(_) if boundary => {
                let end = path_end(rest);
                for path in spread(&rest[..end]) {
                    paths.push(absolute(module, &path));
                }
                i += end.max(1);
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    paths
}

/// Where a path (with any `{…}` group) ends.
fn path_end(text: &str) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':') => return i,
            _ => {}
        }
    }
    text.len()
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn spread(path: &str) -> Vec<Vec<String>> {
    let Some(open) = path.find('{') else {
        return vec![path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect()];
    };
    let prefix: Vec<String> = path[..open].split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
    let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .flat_map(|item| spread(item.split(" as ").next().unwrap()))
        .map(|tail| if tail == ["self"] { prefix.clone() } else { [prefix.clone(), tail].concat() })
        .collect()
}

/// `path` as named in `module`, from the crate's root. (A mod.rs file's
/// module is its folder's, so its `super` is the folder's parent.)
fn absolute(module: &[String], path: &[String]) -> Vec<String> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        _ => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
    }
    [base, rest.to_vec()].concat()
}

#[test]
fn the_files_of_src_import_each_other_one_way_and_stay_short() {
    let mut files = BTreeMap::new();
    modules(&root().join("src"), &[], &mut files);
    assert!(files.contains_key(&vec!["report".to_string(), "load".to_string()]), "{:?}", files.keys());

    for (module, text) in &files {
        let lines = text.lines().count();
        assert!(lines <= MAX_LINES, "src/{} has {lines} lines; split it by concern", module.join("/"));
    }

    // Each file's dependencies: the longest prefix of each path it names
    // that is a file's module.
    let mut depends: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for (module, text) in &files {
        let deps = depends.entry(module).or_default();
        for path in named_paths(module, text) {
            let owner = (0..=path.len()).rev().find_map(|n| files.get_key_value(&path[..n])).map(|(k, _)| k);
            if let Some(owner) = owner
                && owner != module
                && !owner.is_empty()
            {
                deps.insert(owner);
            }
        }
    }
    // A circle is a file that reaches itself.
    for start in depends.keys() {
        let mut stack: Vec<Vec<&Vec<String>>> = vec![vec![start]];
        let mut seen = BTreeSet::new();
        while let Some(trail) = stack.pop() {
            let last = *trail.last().unwrap();
            for next in depends.get(last).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = trail.iter().map(|m| m.join("::")).collect();
                    panic!("an import circle: {} -> {}", names.join(" -> "), start.join("::"));
                }
                if seen.insert(*next) {
                    stack.push([trail.clone(), vec![*next]].concat());
                }
            }
        }
    }
}

#[test]
fn paths_are_spread_and_made_absolute() {
    let module: Vec<String> = vec!["report".into(), "load".into()];
    let paths = named_paths(&module, "use super::{previous, table::{self, Table}};\nlet x = crate::cli::Args;");
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["report::previous", "report::table", "report::table::Table", "cli::Args"]);
}
