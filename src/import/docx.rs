//! Word files (.docx, also what WPS saves): the paragraphs with their
//! heading styles and bold runs, tables, pictures with their captions, and
//! the title, author and date of the core properties.
//!
//! A .docx is a ZIP of XML parts. Each part is read within a size and a
//! compression ratio (a ZIP bomb stops there), and XML with a DTD is
//! refused: no entity is ever expanded but the five XML defines.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::{BytesStart, Event};

use super::{Block, ImportError, Meta, Source};

/// The most one part of the package may unpack to.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// The most all parts read may unpack to together.
const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Deflate packs text about 10:1 at best in real documents; far beyond
/// that, the part is built to explode.
const MAX_RATIO: u64 = 200;

pub fn read(bytes: &[u8]) -> Result<Source, ImportError> {
    let mut zip = Package::open(bytes)?;
    let styles = zip.part("word/styles.xml")?.map(|x| style_names(&x)).transpose()?.unwrap_or_default();
    let rels = zip.part("word/_rels/document.xml.rels")?.map(|x| relationships(&x)).transpose()?.unwrap_or_default();
    let document = zip.part("word/document.xml")?.ok_or_else(|| {
        ImportError::new("the .docx holds no word/document.xml", "open it in Word or WPS and save it again as .docx")
    })?;
    let mut meta = zip.part("docProps/core.xml")?.map(|x| core_properties(&x)).transpose()?.unwrap_or_default();
    let mut blocks = Vec::new();
    for piece in body(&document, &styles)? {
        match piece {
            Piece::Para { text, style } => match style.as_deref() {
                Some("title") if meta.title.is_none() || blocks.is_empty() => meta.title = Some(text),
                Some("subtitle") => meta.subtitle = Some(text),
                Some("caption") => attach_caption(&mut blocks, text),
                _ => {
                    let heading = style.as_deref().and_then(heading_level);
                    let line = blocks.len() + 1;
                    blocks.push(Block::Para { text, line, heading });
                }
            },
            Piece::Table(rows) => blocks.push(Block::Table { rows, line: blocks.len() + 1 }),
            Piece::Image(id) => {
                let Some(target) = rels.get(&id) else { continue };
                let path = format!("word/{}", target.trim_start_matches("../").trim_start_matches('/'));
                let Some(bytes) = zip.part_bytes(&path)? else { continue };
                let name = path.rsplit('/').next().unwrap_or("image").to_string();
                blocks.push(Block::Image { name, bytes, caption: None, line: blocks.len() + 1 });
            }
        }
    }
    if meta.title.is_some() {
        meta.guesses.push(("title", "取自 Word 文档".into()));
    }
    Ok(Source { meta, blocks })
}

/// A caption paragraph names the picture (or table) just before it; else
/// it stays a paragraph.
fn attach_caption(blocks: &mut Vec<Block>, text: String) {
    if let Some(Block::Image { caption: caption @ None, .. }) = blocks.last_mut() {
        *caption = Some(text);
    } else {
        let line = blocks.len() + 1;
        blocks.push(Block::Para { text, line, heading: None });
    }
}

/// `heading 2` → 2 (levels 1–4; deeper ones count as 4).
fn heading_level(style: &str) -> Option<u8> {
    let n: u8 = style.strip_prefix("heading ")?.trim().parse().ok()?;
    (n >= 1).then_some(n.min(4))
}

/// The package, read part by part within the limits.
struct Package<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    read: u64,
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ImportError> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| {
            ImportError::new(
                "the .docx is not a ZIP package, as a .docx is",
                "open it in Word or WPS and save it as .docx",
            )
        })?;
        Ok(Self { zip, read: 0 })
    }

    fn part_bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Ok(mut file) = self.zip.by_name(name) else { return Ok(None) };
        let (size, packed) = (file.size(), file.compressed_size().max(1));
        let bomb = || {
            ImportError::new(
                format!("`{name}` in the .docx unpacks to far more than a document holds"),
                "the file is damaged or built to exhaust memory; save the document again",
            )
        };
        if size > MAX_PART_BYTES || size / packed > MAX_RATIO || self.read + size > MAX_TOTAL_BYTES {
            return Err(bomb());
        }
        // The sizes in the header may lie: read no more than they claim.
        let mut bytes = Vec::with_capacity(size as usize);
        file.by_ref().take(size + 1).read_to_end(&mut bytes).map_err(|e| {
            ImportError::new(format!("`{name}` in the .docx cannot be unpacked: {e}"), "save the document again")
        })?;
        if bytes.len() as u64 > size {
            return Err(bomb());
        }
        self.read += size;
        Ok(Some(bytes))
    }

    fn part(&mut self, name: &str) -> Result<Option<String>, ImportError> {
        let Some(bytes) = self.part_bytes(name)? else { return Ok(None) };
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| ImportError::new(format!("`{name}` in the .docx is not UTF-8 XML"), "save the document again"))
    }
}

/// What the body holds, in order.
enum Piece {
    Para {
        text: String,
        style: Option<String>,
    },
    Table(Vec<Vec<String>>),
    /// A picture, by its relationship id.
    Image(String),
}

fn xml_error(part: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::new(
        format!("the .docx's {part} is not well-formed XML: {e}"),
        "open it in Word or WPS and save it again",
    )
}

/// Reads `xml`, calling `f` with each element start, end and piece of
/// text (an empty element is a start and an end); refuses a DTD and any entity but the
/// five of XML.
fn events(xml: &str, part: &str, mut f: impl FnMut(Xml)) -> Result<(), ImportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| xml_error(part, e))? {
            Event::Start(e) => f(Xml::Start(&e)),
            Event::Empty(e) => {
                f(Xml::Start(&e));
                f(Xml::End(e.local_name().as_ref()));
            }
            Event::End(e) => f(Xml::End(e.local_name().as_ref())),
            Event::Text(t) => f(Xml::Text(&t.decode().map_err(|e| xml_error(part, e))?)),
            Event::CData(t) => f(Xml::Text(&t.decode().map_err(|e| xml_error(part, e))?)),
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| xml_error(part, e))?;
                let text = match r.resolve_char_ref().map_err(|e| xml_error(part, e))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_xml_entity(&name)
                        .ok_or_else(|| xml_error(part, format!("the entity `&{name};` is not XML's own")))?
                        .to_string(),
                };
                f(Xml::Text(&text));
            }
            Event::DocType(_) => {
                return Err(ImportError::new(
                    format!("the .docx's {part} declares a DTD, which Word never writes"),
                    "entities are never expanded: save the document again from Word or WPS",
                ));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

enum Xml<'e> {
    Start(&'e BytesStart<'e>),
    End(&'e [u8]),
    Text(&'e str),
}

/// An attribute's value by its local name (`w:val` → `val`).
fn attr(e: &BytesStart, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.unescape_value().ok())
        .map(|v| v.into_owned())
}

/// The body's paragraphs (with their style's name, lower case), tables
/// and pictures.
fn body(xml: &str, styles: &HashMap<String, String>) -> Result<Vec<Piece>, ImportError> {
    let mut pieces = Vec::new();
    let (mut text, mut style, mut bold, mut in_text) = (String::new(), None, false, false);
    let (mut run, mut table, mut row, mut cell, mut depth) = (String::new(), Vec::new(), Vec::new(), String::new(), 0);
    events(xml, "document", |event| match event {
        Xml::Start(e) => match e.local_name().as_ref() {
            b"tbl" => depth += 1,
            b"pStyle" => style = attr(e, b"val").map(|id| styles.get(&id).cloned().unwrap_or(id.to_lowercase())),
            b"b" => bold = attr(e, b"val").is_none_or(|v| v != "0" && v != "false"),
            b"t" => in_text = true,
            b"tab" => run.push(' '),
            b"blip" => {
                if let Some(id) = attr(e, b"embed") {
                    pieces.push(Piece::Image(id));
                }
            }
            _ => {}
        },
        Xml::Text(t) if in_text => run.push_str(&super::literal_stars(t)),
        Xml::Text(_) => {}
        Xml::End(name) => match name {
            b"t" => in_text = false,
            b"r" => {
                let piece = std::mem::take(&mut run);
                if bold && !piece.trim().is_empty() {
                    text.push_str(&format!("**{piece}**"))
                } else {
                    text.push_str(&piece)
                }
                bold = false;
            }
            b"p" if depth > 0 => {
                if !cell.is_empty() && !text.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&std::mem::take(&mut text).replace("**", ""));
            }
            b"p" => {
                let text = std::mem::take(&mut text).replace("****", "");
                if !text.trim().is_empty() {
                    pieces.push(Piece::Para { text, style: style.take() });
                }
                style = None;
            }
            b"tc" => row.push(std::mem::take(&mut cell).trim().to_string()),
            b"tr" => table.push(std::mem::take(&mut row)),
            b"tbl" => {
                depth -= 1;
                if depth == 0 {
                    pieces.push(Piece::Table(std::mem::take(&mut table)));
                }
            }
            _ => {}
        },
    })?;
    Ok(pieces)
}

/// Style id → its name in lower case (`heading 1`, `title`, `caption`).
fn style_names(xml: &str) -> Result<HashMap<String, String>, ImportError> {
    let mut names = HashMap::new();
    let mut id = None;
    events(xml, "styles", |event| {
        if let Xml::Start(e) = event {
            match e.local_name().as_ref() {
                b"style" => id = attr(e, b"styleId"),
                b"name" => {
                    if let (Some(id), Some(name)) = (id.take(), attr(e, b"val")) {
                        names.insert(id, name.to_lowercase());
                    }
                }
                _ => {}
            }
        }
    })?;
    Ok(names)
}

/// Relationship id → target (`rId5` → `media/image1.png`).
fn relationships(xml: &str) -> Result<HashMap<String, String>, ImportError> {
    let mut rels = HashMap::new();
    events(xml, "relationships", |event| {
        if let Xml::Start(e) = event
            && e.local_name().as_ref() == b"Relationship"
            && let (Some(id), Some(target)) = (attr(e, b"Id"), attr(e, b"Target"))
        {
            rels.insert(id, target);
        }
    })?;
    Ok(rels)
}

/// Authors that name a program or an account, not an office.
const MACHINE_AUTHORS: [&str; 8] =
    ["python-docx", "administrator", "admin", "user", "microsoft office user", "windows 用户", "微软用户", "lenovo"];

/// Title, creator and creation date of docProps/core.xml.
fn core_properties(xml: &str) -> Result<Meta, ImportError> {
    let mut meta = Meta::default();
    let mut field: Option<Vec<u8>> = None;
    events(xml, "core properties", |event| match event {
        Xml::Start(e) => field = Some(e.local_name().as_ref().to_vec()),
        Xml::Text(t) if !t.trim().is_empty() => match field.as_deref() {
            Some(b"title") => meta.title = Some(t.trim().to_string()),
            Some(b"creator") if !MACHINE_AUTHORS.contains(&t.trim().to_lowercase().as_str()) => {
                meta.author = Some(t.trim().to_string())
            }
            Some(b"created") => meta.date = super::text::date_in(t),
            _ => {}
        },
        Xml::Text(_) => {}
        Xml::End(_) => field = None,
    })?;
    if meta.author.is_some() {
        meta.guesses.push(("author", "猜测：取自 Word 文档的作者".into()));
    }
    if meta.date.is_some() {
        meta.guesses.push(("date", "猜测：取自 Word 文档的创建日期，请改为成文日期".into()));
    }
    Ok(meta)
}
