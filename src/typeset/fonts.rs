//! Fonts: the bundled CJK faces, embedded in the binary (zero-copy), plus
//! folders the user names and, only when asked, the system's fonts.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst_kit::fonts::FontStore;

/// One bundled face: a file of `fonts/` and the face's index in it.
struct Bundled {
    file: &'static str,
    data: &'static [u8],
    /// For a collection (TTC) the Simplified Chinese face; 0 for a single font.
    index: u32,
}

macro_rules! bundled {
    ($file:literal, $index:literal) => {
        Bundled {
            file: $file,
            data: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/", $file)),
            index: $index,
        }
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

/// The fonts of a build, indexed on other threads while the report loads.
/// Indexing parses every face's coverage (some 65 000 characters in each
/// Noto face): about 23 ms, a tenth of a cold build of the sample, which
/// otherwise came before everything else on one core.
pub struct Fonts {
    store: OnceLock<FontStore>,
    pending: Mutex<Option<JoinHandle<FontStore>>>,
}

impl Fonts {
    /// Starts indexing the fonts `options` name.
    pub fn index_in_background(options: FontOptions) -> Arc<Self> {
        let pending = std::thread::spawn(move || store(&options));
        Arc::new(Self { store: OnceLock::new(), pending: Mutex::new(Some(pending)) })
    }

    /// The fonts, once indexed (waits for the indexing if need be).
    pub fn get(&self) -> &FontStore {
        self.store.get_or_init(|| {
            let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner()).take();
            let pending = pending.expect("the fonts are indexed once, under the OnceLock");
            pending.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}

/// The fonts of a build: bundled first, then the user's.
fn store(options: &FontOptions) -> FontStore {
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
/// coverage typst's fallback looks at), leaving out white space and
/// invisible format characters, which need no glyph.
pub fn uncovered(book: &FontBook, chars: impl IntoIterator<Item = char>) -> BTreeSet<char> {
    let mut left = distinct(chars);
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
    left.into_iter().collect()
}

/// The distinct visible characters of `chars`, sorted. A bit per code
/// point: a long report is hundreds of thousands of characters but a few
/// thousand distinct ones, and a tree set spent most of its time finding
/// the ones it had.
fn distinct(chars: impl IntoIterator<Item = char>) -> Vec<char> {
    let mut seen = vec![0u64; (char::MAX as usize >> 6) + 1];
    let mut distinct: Vec<char> = chars
        .into_iter()
        .filter(|&c| {
            let (word, bit) = (c as usize >> 6, 1u64 << (c as u32 & 63));
            let new = seen[word] & bit == 0;
            seen[word] |= bit;
            new && !invisible(c)
        })
        .collect();
    distinct.sort_unstable();
    distinct
}

/// White space, controls, and Unicode's default-ignorable characters
/// (joiners, direction marks, variation selectors, soft hyphen, BOM), which
/// typst's fallback skips too.
fn invisible(c: char) -> bool {
    c.is_whitespace() || c.is_control() || typst::text::is_default_ignorable(c)
}

/// The bundled faces in their order, parsed side by side.
fn bundled() -> Vec<(Font, FontInfo)> {
    std::thread::scope(|scope| {
        let parsing: Vec<_> = BUNDLED
            .iter()
            .map(|b| {
                scope.spawn(|| {
                    let font = Font::new(Embedded::bytes(b), b.index)?;
                    let info = font.info().clone();
                    Some((font, info))
                })
            })
            .collect();
        parsing.into_iter().filter_map(|p| p.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// A bundled file's bytes as typst holds them.
///
/// typst's memoization identifies a font by the hash of its file's bytes,
/// computed the first time the font is used: 7–27 MB per face, read and
/// hashed at every start, which was a fifth of a cold build's time and
/// made the whole file resident. A bundled file cannot change while baogao runs
/// (it is part of the executable), so its name and length identify its
/// bytes within the process as surely as their hash. `Bytes` computes its
/// hash once and keeps it, so the hash is taken here, while the bytes still
/// read as that identity, and only then do they read as the font.
struct Embedded {
    data: &'static [u8],
    identity: Vec<u8>,
    /// Set once the hash is taken; from then on the bytes are `data`.
    hashed: OnceLock<()>,
}

impl Embedded {
    fn bytes(bundled: &Bundled) -> Bytes {
        let identity = format!("\0baogao embedded font\0{}\0{}\0", bundled.file, bundled.data.len());
        let embedded =
            Arc::new(Embedded { data: bundled.data, identity: identity.into_bytes(), hashed: OnceLock::new() });
        let bytes = Bytes::new(Shown(embedded.clone()));
        typst::utils::hash128(&bytes);
        embedded.hashed.get_or_init(|| ());
        bytes
    }
}

/// The handle through which `Bytes` reads an `Embedded`.
struct Shown(Arc<Embedded>);

impl AsRef<[u8]> for Shown {
    fn as_ref(&self) -> &[u8] {
        match self.0.hashed.get() {
            Some(()) => self.0.data,
            None => &self.0.identity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_rare_han_but_not_everything() {
        let book = FontBook::from_infos(bundled().into_iter().map(|(_, info)| info));
        assert!(uncovered(&book, "埒𬌗𠮷，。“”ABC abc\n\u{200D}".chars()).is_empty());
        assert_eq!(uncovered(&book, "‣".chars()).into_iter().collect::<Vec<_>>(), ['‣']);
        // Repeated characters are reported once, whatever comes between.
        assert_eq!(uncovered(&book, "‣中‣\u{10FFFF}a‣".chars()).into_iter().collect::<Vec<_>>(), ['‣', '\u{10FFFF}']);
    }

    #[test]
    fn uncovered_agrees_with_typsts_fallback() {
        use typst::text::FontVariant;
        let book = FontBook::from_infos(bundled().into_iter().map(|(_, info)| info));
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
    fn a_bundled_file_is_hashed_by_its_identity_and_reads_as_the_font() {
        let bytes = Embedded::bytes(&BUNDLED[0]);
        assert_eq!(bytes.as_slice(), BUNDLED[0].data);
        let identity = format!("\0baogao embedded font\0NotoSerifCJK-Regular.ttc\0{}\0", BUNDLED[0].data.len());
        assert_eq!(typst::utils::hash128(&bytes), typst::utils::hash128(&Bytes::new(identity.into_bytes())));
        // Files of the same size still differ in name.
        let hashes: BTreeSet<u128> = BUNDLED.iter().map(|b| typst::utils::hash128(&Embedded::bytes(b))).collect();
        assert_eq!(hashes.len(), BUNDLED.len());
    }

    #[test]
    fn bundled_faces_are_the_intended_families() {
        let families: Vec<String> = bundled().into_iter().map(|(_, info)| info.family).collect();
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
