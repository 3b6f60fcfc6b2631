//! Fonts: the bundled CJK faces, embedded in the binary (zero-copy), plus
//! folders the user names and, only when asked, the system's fonts.

use std::collections::BTreeSet;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
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

/// The fonts of a build, bundled first, then the user's; shared by every
/// report a command builds.
pub struct Fonts {
    store: FontStore,
    /// One per bundled face, set once the face has been handed to typst.
    handed: Vec<OnceLock<()>>,
}

impl Fonts {
    /// Indexes the bundled faces and those `options` add.
    pub fn new(options: &FontOptions) -> Self {
        let mut store = FontStore::new();
        store.extend(bundled());
        for path in &options.paths {
            store.extend(typst_kit::fonts::scan(path));
        }
        if options.system {
            store.extend(typst_kit::fonts::system());
        }
        Self { store, handed: BUNDLED.iter().map(|_| OnceLock::new()).collect() }
    }

    /// The index typst selects faces from.
    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// The face at `index` in the book, for typst.
    ///
    /// typst's memoization hashes every face it is handed, and a face's hash
    /// covers its whole file: 7–27 MB each, a quarter of a build's time. A
    /// bundled face is hashed here, once (when two of typst's threads ask
    /// for it together, one waits instead of hashing it again), and then its
    /// pages are given back to the system: the hash touched all of them, but
    /// typesetting reads only the tables and glyphs it needs, which the system
    /// reads again from the executable. This keeps the memory a build uses
    /// to what it typesets, not the size of the fonts.
    pub fn font(&self, index: usize) -> Option<Font> {
        let font = self.store.font(index)?;
        if let (Some(handed), Some(bundled)) = (self.handed.get(index), BUNDLED.get(index)) {
            handed.get_or_init(|| {
                font.hash(&mut std::hash::DefaultHasher::new());
                release(bundled.data);
            });
        }
        Some(font)
    }
}

/// Gives the pages of `data`, part of the executable, back to the system.
#[cfg(unix)]
fn release(data: &'static [u8]) {
    // SAFETY: `sysconf` only reads a constant of the system.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
    let start = (data.as_ptr() as usize).next_multiple_of(page);
    let end = (data.as_ptr() as usize + data.len()) / page * page;
    if end > start {
        // SAFETY: the whole pages in [start, end) lie inside `data`, which
        // `include_bytes!` placed in the executable's read-only data: a
        // private mapping of the file that nothing ever writes. Dropping its
        // pages only makes the next read fetch the same bytes from the file
        // again (Linux refuses to overwrite a running executable, ETXTBSY).
        // The call cannot fail in a way that matters; at worst the pages stay.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}

#[cfg(not(unix))]
fn release(_data: &'static [u8]) {}

/// The characters among `chars` that no font in `book` can display (the
/// coverage typst's fallback looks at), leaving out white space and
/// invisible format characters, which need no glyph.
pub fn uncovered(book: &FontBook, chars: impl IntoIterator<Item = char>) -> BTreeSet<char> {
    let mut left: BTreeSet<char> = chars.into_iter().filter(|&c| !invisible(c)).collect();
    // One pass over each face's (sorted) coverage beside the sorted
    // characters: asking the book per character walks a CJK face's
    // thousands of coverage runs for every one of thousands of characters.
    for info in (0..).map_while(|i| book.info(i)) {
        let mut covered = info.coverage.iter().peekable();
        left.retain(|&c| {
            while covered.next_if(|&u| u < c as u32).is_some() {}
            covered.peek() != Some(&(c as u32))
        });
    }
    left
}

/// White space, controls, and Unicode's default-ignorable characters
/// (joiners, direction marks, variation selectors, soft hyphen, BOM), which
/// typst's fallback skips too.
fn invisible(c: char) -> bool {
    c.is_whitespace() || c.is_control() || typst::text::is_default_ignorable(c)
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
    fn uncovered_agrees_with_typsts_fallback() {
        use typst::text::FontVariant;
        let book = FontBook::from_infos(bundled().map(|(_, info)| info));
        // Latin, symbols, CJK punctuation and Han, Hangul, extension B,
        // private use: covered and uncovered characters of every kind.
        let chars: Vec<char> = (0x20..0x3400)
            .chain(0x4E00..0x5200)
            .chain(0xAC00..0xAD00)
            .chain(0xE000..0xE100)
            .chain(0x20000..0x20400)
            .filter_map(char::from_u32)
            .filter(|&c| !invisible(c))
            .collect();
        let by_typst: BTreeSet<char> = chars
            .iter()
            .copied()
            .filter(|c| book.select_fallback(None, FontVariant::default(), &c.to_string()).is_none())
            .collect();
        assert!(by_typst.len() > 100 && by_typst.len() < chars.len() - 1000, "{} of {}", by_typst.len(), chars.len());
        assert_eq!(uncovered(&book, chars.iter().copied()), by_typst);
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
