//! `baogao extract`: writes the sources attached to a PDF (under PDF/A-3,
//! or with `--attach-sources`) back into a folder, which then builds again.
//! The PDF is treated as untrusted: names that would leave the folder are
//! refused, sizes are bounded, and no existing file is overwritten.

use std::path::{Component, Path, PathBuf};

use lopdf::{Dictionary, Document, Object};

use super::{Failure, Outcome};
use crate::cli::ExtractArgs;

/// The largest attachment written out (the largest report file is 16 MB).
const MAX_ATTACHMENT_BYTES: usize = 64 << 20;
/// Name trees nest this deep at most (a report has a handful of files).
const MAX_TREE_DEPTH: usize = 16;

/// Extracts every attachment of `args.pdf` into `args.dir`.
pub fn run(args: &ExtractArgs) -> super::Result {
    let names = extract(&args.pdf, &args.dir)?;
    if names.is_empty() {
        let message = format!("`{}` carries no attached files", args.pdf.display());
        return Err(Failure::plain(
            Outcome::ReportError,
            message,
            &["build it with `--standard a-3b` or `--attach-sources`"],
        ));
    }
    for name in &names {
        say!("wrote {}", args.dir.join(name).display());
    }
    Ok(())
}

/// Writes the attachments; returns their names. A PDF that cannot be read
/// or whose files cannot be placed is refused before anything is written
/// (exit 1); a failed write is the output's (exit 3).
fn extract(pdf: &Path, dir: &Path) -> super::Result<Vec<String>> {
    let refused = |message: String| {
        Failure::plain(Outcome::ReportError, message, &["check the paths; nothing that existed was overwritten"])
    };
    let doc = Document::load(pdf).map_err(|e| refused(format!("cannot read `{}` as PDF: {e}", pdf.display())))?;
    let files = attachments(&doc).map_err(refused)?;
    // Check every name and target before writing anything.
    let targets = files
        .iter()
        .map(|(name, _)| {
            let rel = safe_relative(name).ok_or_else(|| format!("attachment name `{name}` would leave the folder"))?;
            let target = dir.join(rel);
            if target.exists() {
                return Err(format!("`{}` exists already", target.display()));
            }
            Ok(target)
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(refused)?;
    let unwritable =
        |message: String| Failure::plain(Outcome::OutputError, message, &["check that the folder is writable"]);
    for ((_, bytes), target) in files.iter().zip(&targets) {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| unwritable(format!("cannot create `{}`: {e}", parent.display())))?;
        }
        std::fs::write(target, bytes).map_err(|e| unwritable(format!("cannot write `{}`: {e}", target.display())))?;
    }
    Ok(files.into_iter().map(|(name, _)| name).collect())
}

/// The embedded files of the document's name tree, as (name, bytes).
fn attachments(doc: &Document) -> Result<Vec<(String, Vec<u8>)>, String> {
    let bad = |e: lopdf::Error| format!("the PDF's attachments cannot be read: {e}");
    let catalog = doc.catalog().map_err(bad)?;
    let Ok(names) = catalog.get(b"Names").and_then(|o| dict(doc, o)) else { return Ok(Vec::new()) };
    let Ok(tree) = names.get(b"EmbeddedFiles").and_then(|o| dict(doc, o)) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    walk(doc, tree, 0, &mut out).map_err(bad)?;
    Ok(out)
}

/// Collects the leaves of a name tree (`Names` pairs, `Kids` below).
fn walk(doc: &Document, node: &Dictionary, depth: usize, out: &mut Vec<(String, Vec<u8>)>) -> lopdf::Result<()> {
    if depth > MAX_TREE_DEPTH {
        return Err(lopdf::Error::ReferenceLimit);
    }
    if let Ok(pairs) = node.get(b"Names").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_array()) {
        for pair in pairs.chunks(2) {
            if let [_, spec] = pair {
                out.push(file(doc, dict(doc, spec)?)?);
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(|o| o.as_array()) {
        for kid in kids {
            walk(doc, dict(doc, kid)?, depth + 1, out)?;
        }
    }
    Ok(())
}

/// A file specification's name and contents.
fn file(doc: &Document, spec: &Dictionary) -> lopdf::Result<(String, Vec<u8>)> {
    let name = spec.get(b"UF").or_else(|_| spec.get(b"F")).and_then(|o| o.as_str()).map(text_string)?;
    let embedded = dict(doc, spec.get(b"EF")?)?;
    let (_, stream) = doc.dereference(embedded.get(b"F")?)?;
    let bytes = stream.as_stream()?.decompressed_content_with_limit(MAX_ATTACHMENT_BYTES)?;
    Ok((name, bytes))
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> lopdf::Result<&'a Dictionary> {
    doc.dereference(object)?.1.as_dict()
}

/// A PDF text string: UTF-16BE with a byte order mark, else PDFDocEncoding
/// (ASCII for the names baogao writes).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// `tables/x.csv` as a path inside the folder; `None` for anything that
/// would leave it (`..`, absolute, empty).
fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = Path::new(name.trim_start_matches('/'));
    let normal = path.components().all(|c| matches!(c, Component::Normal(_)));
    (normal && path.components().next().is_some()).then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside() {
        assert_eq!(safe_relative("/tables/x.csv"), Some(PathBuf::from("tables/x.csv")));
        assert_eq!(safe_relative("report.yaml"), Some(PathBuf::from("report.yaml")));
        assert_eq!(safe_relative("../x"), None);
        assert_eq!(safe_relative("a/../../x"), None);
        assert_eq!(safe_relative(""), None);
    }

    #[test]
    fn text_strings() {
        assert_eq!(text_string(b"report.yaml"), "report.yaml");
        assert_eq!(text_string(&[0xFE, 0xFF, 0x62, 0xA5, 0x54, 0x4A]), "报告");
    }
}
