//! Fonts: the bundled CJK faces, embedded in the binary (zero-copy), plus
//! folders the user names and, only when asked, the system's fonts.

use std::collections::BTreeSet;
use std::path::PathBuf;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo, FontVariant};
use typst_kit::fonts::FontStore;

/// One bundled face: a file of `fonts/` and the face's index in it.
struct Bundled {
    data: &'static [u8],
    /// For a collection (TTC) the Simplified Chinese face; 0 for a single font.
    index: u32,
}

macro_rules! bundled {
    ($file:literal, $index:literal) => {
        Bundled { data: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/", $file)), index: $index }
    };
}

/// Only the SC faces of the Noto collections are indexed (face 2 in each
/// TTC; a test checks the names): the JP/KR/TC/HK faces share their glyphs
/// and would only slow the start and confuse family lookup.
static BUNDLED: [Bundled; 6] = [
    bundled!("NotoSerifCJK-Regular.ttc", 2),
    bundled!("NotoSerifCJK-Bold.ttc", 2),
    bundled!("NotoSansCJK-Regular.ttc", 2),
    bundled!("NotoSansCJK-Bold.ttc", 2),
    bundled!("LXGWWenKai-Regular.ttf", 0),
    bundled!("FandolFang-Regular.otf", 0),
];

/// Where fonts come from besides the bundled ones.
#[derive(Debug, Default, Clone)]
pub struct FontOptions {
    /// Folders searched for more fonts (`--font-path`).
    pub paths: Vec<PathBuf>,
    /// Also use the system's fonts (`--system-fonts`).
    pub system: bool,
}

/// The fonts of a build: bundled first, then the user's.
pub fn store(options: &FontOptions) -> FontStore {
    let mut store = FontStore::new();
    store.extend(bundled());
    for path in &options.paths {
        store.extend(typst_kit::fonts::scan(path));
    }
    if options.system {
        store.extend(typst_kit::fonts::system());
    }
    store
}

/// The characters among `chars` that no font in `book` can display (the
/// same test typst's fallback makes), leaving out white space and
/// invisible format characters, which need no glyph.
pub fn uncovered(book: &FontBook, chars: impl IntoIterator<Item = char>) -> BTreeSet<char> {
    let distinct: BTreeSet<char> = chars.into_iter().filter(|&c| !invisible(c)).collect();
    distinct
        .into_iter()
        .filter(|c| book.select_fallback(None, FontVariant::default(), &c.to_string()).is_none())
        .collect()
}

/// White space, controls, and format characters (joiners, direction marks,
/// variation selectors, BOM).
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE0000..=0xE0FFF)
}

fn bundled() -> impl Iterator<Item = (Font, FontInfo)> {
    BUNDLED.iter().filter_map(|b| {
        let font = Font::new(Bytes::new(b.data), b.index)?;
        let info = font.info().clone();
        Some((font, info))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_rare_han_but_not_everything() {
        let book = FontBook::from_infos(bundled().map(|(_, info)| info));
        assert!(uncovered(&book, "埒𬌗𠮷，。“”ABC abc\n\u{200D}".chars()).is_empty());
        assert_eq!(uncovered(&book, "‣".chars()).into_iter().collect::<Vec<_>>(), ['‣']);
    }

    #[test]
    fn bundled_faces_are_the_intended_families() {
        let families: Vec<String> = bundled().map(|(_, info)| info.family).collect();
        assert_eq!(
            families,
            [
                "Noto Serif CJK SC",
                "Noto Serif CJK SC",
                "Noto Sans CJK SC",
                "Noto Sans CJK SC",
                "LXGW WenKai",
                "FandolFang R"
            ]
        );
    }
}
