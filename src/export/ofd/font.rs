//! The fonts an OFD embeds: each bundled face the pages use, cut down to
//! the glyphs they use (subsetter, as the PDF's are), with a character map
//! put back in. OFD's text is Unicode, and a reader finds each character's
//! glyph through the font's `cmap`, which subsetter leaves out (a PDF has
//! its own); so one is written from the characters the pages show. A
//! character typst set with another glyph than the map's gets a
//! CGTransform in the page instead.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use subsetter::GlyphRemapper;
use typst::text::Font;

/// Every font the pages use so far.
#[derive(Default)]
pub struct Fonts(IndexMap<Font, Used>);

struct Used {
    id: u32,
    glyphs: GlyphRemapper,
    /// Character → glyph in the subset.
    cmap: BTreeMap<char, u16>,
}

/// A font ready for the package.
pub struct Embedded {
    pub id: u32,
    /// The PostScript name, e.g. FandolFang-Regular.
    pub name: String,
    pub family: String,
    pub bold: bool,
    pub italic: bool,
    /// `font_<id>.otf` or `.ttf`.
    pub file: String,
    pub bytes: Vec<u8>,
}

impl Fonts {
    /// The font's resource ID, given out on first use.
    pub fn id_of(&mut self, font: &Font, last_id: &mut u32) -> u32 {
        if let Some(used) = self.0.get(font) {
            return used.id;
        }
        *last_id += 1;
        self.0.insert(font.clone(), Used { id: *last_id, glyphs: GlyphRemapper::new(), cmap: BTreeMap::new() });
        *last_id
    }

    /// Takes note that `chars` were set with `glyphs`; returns the subset's
    /// glyph IDs if the map alone does not give them (a CGTransform is
    /// needed), else `None`.
    pub fn map(&mut self, font: &Font, chars: &[char], glyphs: &[u16]) -> Option<Vec<u16>> {
        let used = self.0.get_mut(font).expect("a font is given an ID before its glyphs are mapped");
        let new: Vec<u16> = glyphs.iter().map(|g| used.glyphs.remap(*g)).collect();
        if let ([c], [g]) = (chars, new.as_slice()) {
            let mapped = *used.cmap.entry(*c).or_insert(*g);
            return (mapped != *g).then_some(new);
        }
        Some(new)
    }

    /// Each font cut down to what was used, with its map.
    pub fn embed(&self) -> Result<Vec<Embedded>, String> {
        self.0.iter().map(|(font, used)| embed(font, used)).collect()
    }
}

fn embed(font: &Font, used: &Used) -> Result<Embedded, String> {
    let info = font.info();
    let name = font.post_script_name().unwrap_or_else(|| info.family.replace(' ', ""));
    let subset = subsetter::subset(font.data(), font.index(), &used.glyphs)
        .map_err(|e| format!("the font {name} could not be cut down for the OFD: {e:?}"))?;
    let face = ttf_parser::RawFace::parse(font.data(), font.index()).ok();
    let os2 = face.and_then(|f| f.table(ttf_parser::Tag::from_bytes(b"OS/2")));
    let mut extra = vec![(*b"cmap", cmap(&used.cmap))];
    if let Some(os2) = os2 {
        extra.push((*b"OS/2", os2.to_vec()));
    }
    let bytes = with_tables(&subset, &extra).ok_or_else(|| format!("the cut-down font {name} is malformed"))?;
    let outlines_cff = subset.get(..4) == Some(b"OTTO");
    Ok(Embedded {
        id: used.id,
        file: format!("font_{}.{}", used.id, if outlines_cff { "otf" } else { "ttf" }),
        family: info.family.clone(),
        bold: info.variant.weight.to_number() >= 600,
        italic: info.variant.style != typst::text::FontStyle::Normal,
        name,
        bytes,
    })
}

/// A `cmap` table with a format 4 subtable (BMP, platform 3 encoding 1)
/// and a format 12 one (all planes, platform 3 encoding 10).
fn cmap(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let bmp: Vec<(u16, u16)> =
        map.iter().filter_map(|(c, g)| u16::try_from(u32::from(*c)).ok().map(|c| (c, *g))).collect();
    let format4 = format4(&bmp);
    let format12 = format12(map);
    let mut out = Vec::new();
    put16(&mut out, 0); // version
    put16(&mut out, 2); // subtables
    let first = 4 + 2 * 8;
    for (encoding, offset) in [(1u16, first), (10, first + format4.len())] {
        put16(&mut out, 3);
        put16(&mut out, encoding);
        put32(&mut out, offset as u32);
    }
    out.extend(format4);
    out.extend(format12);
    out
}

/// One segment per character (`idDelta` maps it), then the closing 0xFFFF.
fn format4(chars: &[(u16, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16)> = chars.iter().copied().filter(|(c, _)| *c != 0xFFFF).collect();
    segments.push((0xFFFF, 0));
    let n = segments.len() as u16;
    let mut out = Vec::new();
    put16(&mut out, 4);
    put16(&mut out, 16 + 8 * n); // length
    put16(&mut out, 0); // language
    put16(&mut out, 2 * n);
    let entry_selector = 15 - n.leading_zeros() as u16;
    let search_range = 2 * (1u16 << entry_selector);
    put16(&mut out, search_range);
    put16(&mut out, entry_selector);
    put16(&mut out, 2 * n - search_range);
    segments.iter().for_each(|(c, _)| put16(&mut out, *c)); // end codes
    put16(&mut out, 0); // reserved pad
    segments.iter().for_each(|(c, _)| put16(&mut out, *c)); // start codes
    segments.iter().for_each(|(c, g)| put16(&mut out, if *c == 0xFFFF { 1 } else { g.wrapping_sub(*c) }));
    segments.iter().for_each(|_| put16(&mut out, 0)); // idRangeOffset
    out
}

fn format12(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut out = Vec::new();
    put16(&mut out, 12);
    put16(&mut out, 0);
    put32(&mut out, 16 + 12 * map.len() as u32);
    put32(&mut out, 0);
    put32(&mut out, map.len() as u32);
    for (c, g) in map {
        put32(&mut out, u32::from(*c));
        put32(&mut out, u32::from(*c));
        put32(&mut out, u32::from(*g));
    }
    out
}

/// The font file `sfnt` with `extra` tables added (or put in place of
/// tables of the same tag): a new table directory, each table on four
/// bytes, checksums and `head`'s checkSumAdjustment made anew.
fn with_tables(sfnt: &[u8], extra: &[([u8; 4], Vec<u8>)]) -> Option<Vec<u8>> {
    let count = usize::from(u16::from_be_bytes(sfnt.get(4..6)?.try_into().ok()?));
    let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    for i in 0..count {
        let record = sfnt.get(12 + 16 * i..28 + 16 * i)?;
        let tag: [u8; 4] = record[..4].try_into().ok()?;
        let offset = u32::from_be_bytes(record[8..12].try_into().ok()?) as usize;
        let length = u32::from_be_bytes(record[12..16].try_into().ok()?) as usize;
        tables.insert(tag, sfnt.get(offset..offset + length)?.to_vec());
    }
    for (tag, data) in extra {
        tables.insert(*tag, data.clone());
    }
    if let Some(head) = tables.get_mut(b"head") {
        head.get_mut(8..12)?.fill(0);
    }
    let n = tables.len() as u16;
    let entry_selector = 15 - n.leading_zeros() as u16;
    let search_range = 16 * (1u16 << entry_selector);
    let mut out = sfnt[..4].to_vec();
    put16(&mut out, n);
    put16(&mut out, search_range);
    put16(&mut out, entry_selector);
    put16(&mut out, n * 16 - search_range);
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        put32(&mut out, checksum(data));
        put32(&mut out, offset as u32);
        put32(&mut out, data.len() as u32);
        body.extend_from_slice(data);
        body.resize(body.len().next_multiple_of(4), 0);
        offset = 12 + 16 * tables.len() + body.len();
    }
    let head_at =
        12 + 16 * tables.len() + tables.range(..*b"head").map(|(_, d)| d.len().next_multiple_of(4)).sum::<usize>();
    out.extend(body);
    if tables.contains_key(b"head") {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out.get_mut(head_at + 8..head_at + 12)?.copy_from_slice(&adjustment.to_be_bytes());
    }
    Some(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}
