//! Images made ready for print, as a print shop would: turned upright by
//! their EXIF orientation, resampled to at most the report's pixels per
//! inch at the size they are placed, photos as JPEG and drawings as PNG.
//! What is made is kept by the file's size and time and by the size asked
//! for, so a watch rebuild after a text edit decodes no photo again.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::SystemTime;

use ::image::codecs::jpeg::JpegEncoder;
use ::image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use ::image::imageops::FilterType;
use ::image::metadata::Orientation;
use ::image::{DynamicImage, ImageDecoder, ImageEncoder};

use super::folder::Folder;
use super::image::{self, Header, Kind, MAX_IMAGE_BYTES};
use super::problem::Problem;
use super::source::folder_problem;

/// What to do about an image that cannot be used.
const IMAGE_HINT: &str = "use a PNG, JPEG, GIF, WebP or SVG file as saved by a camera or an image program";

/// The default ceiling of pixels per inch at the printed size.
pub const DEFAULT_DPI: u32 = 300;

/// JPEG quality for resampled photos: no visible loss in print.
const JPEG_QUALITY: u8 = 85;

/// An image as the PDF embeds it.
#[derive(Debug)]
pub struct Picture {
    /// Where the template finds it: `/_images/<hash>.<ext>`, the same path
    /// for the same bytes.
    pub path: String,
    pub kind: Kind,
    pub bytes: Arc<[u8]>,
    pub width: u32,
    pub height: u32,
}

/// An image file as read: its header, and a hash of its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Opened {
    pub header: Header,
    hash: u64,
}

/// Files opened and pictures made, by what they were made from. A load
/// takes what it needs from the last load's and keeps only that.
#[derive(Default)]
pub struct Pictures {
    opened: HashMap<FileKey, Opened>,
    made: HashMap<(u64, u32), Arc<Picture>>,
    /// How many files this load read (not as the last load found them) and
    /// how many pictures it made anew.
    pub read: usize,
    pub fresh: usize,
}

/// A file by its path, size and time of change: a file that keeps all three
/// is taken to keep its bytes (as make and cargo take it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileKey {
    path: String,
    len: u64,
    modified: Option<SystemTime>,
}

impl Pictures {
    /// Opens `rel` of `folder`: reads it and its header, unless it is as the
    /// last load found it.
    /// A problem is placed in the file `rel` (the caller places it where
    /// the file is named).
    pub fn open(&mut self, last: &Pictures, folder: &Folder, rel: &str) -> Result<Opened, Problem> {
        let (len, modified) = folder.stat(rel).map_err(|e| folder_problem(rel, &e))?;
        if len > MAX_IMAGE_BYTES {
            let message = format!("`{rel}` is {} MB, more than the 50 MB an image may be", len / 1_000_000);
            return Err(unusable(rel, message));
        }
        let key = FileKey { path: rel.to_string(), len, modified };
        if let Some(&opened) = self.opened.get(&key).or_else(|| last.opened.get(&key)) {
            self.opened.insert(key, opened);
            return Ok(opened);
        }
        let bytes = folder.read(rel).map_err(|e| folder_problem(rel, &e))?;
        self.read += 1;
        let header = image::header(&bytes).map_err(|e| unusable(rel, format!("`{rel}` cannot be used: {e}")))?;
        let opened = Opened { header, hash: hash(&bytes) };
        self.opened.insert(key, opened);
        Ok(opened)
    }

    /// `rel`, opened as `opened`, as a picture at most `max_width` pixels
    /// wide: made anew only if the last load did not make it.
    pub fn make(
        &mut self,
        last: &Pictures,
        folder: &Folder,
        rel: &str,
        opened: Opened,
        max_width: u32,
    ) -> Result<Arc<Picture>, Problem> {
        // An SVG is drawn as it is, at any size.
        let width = if opened.header.kind == Kind::Svg { 0 } else { max_width.min(opened.header.width) };
        let key = (opened.hash, width);
        if let Some(made) = self.made.get(&key).or_else(|| last.made.get(&key)) {
            let made = made.clone();
            self.made.insert(key, made.clone());
            return Ok(made);
        }
        let bytes = folder.read(rel).map_err(|e| folder_problem(rel, &e))?;
        let prepared = prepare(&bytes, opened.header, width);
        let made = Arc::new(prepared.map_err(|e| unusable(rel, format!("`{rel}` cannot be used: {e}")))?);
        self.fresh += 1;
        self.made.insert(key, made.clone());
        Ok(made)
    }
}

/// The picture of `bytes` (with `header`) at most `width` pixels wide. The
/// file itself where it needs no change; else decoded, turned upright,
/// resampled and encoded again, which also drops its EXIF data (a phone
/// photo's place and time).
pub fn prepare(bytes: &[u8], header: Header, width: u32) -> Result<Picture, String> {
    let kind = header.kind;
    if kind == Kind::Svg {
        return Ok(picture(kind, bytes.into(), header.width, header.height));
    }
    // Decoded even where the file is kept as it is: a file cut short fails
    // here, at its place in report.yaml, not later inside typst.
    let mut decoder = image::decoder(kind, bytes)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(|e| format!("it cannot be decoded ({e})"))?;
    // Within a tenth of the ceiling, the file is kept as it is: resampling
    // 1600 pixels to 1531 would cost a decode, a resample and a second
    // JPEG generation for nothing a print shows.
    let close = u64::from(header.width) * 10 <= u64::from(width) * 11;
    if close && !header.turned && kind != Kind::Webp {
        // typst reads PNG, JPEG and GIF as they are; WebP is encoded again
        // below, as a format every PDF reader shows.
        return Ok(picture(kind, bytes.into(), header.width, header.height));
    }
    pixels.apply_orientation(orientation);
    if width < pixels.width() && !close {
        let height = (u64::from(pixels.height()) * u64::from(width)).div_ceil(u64::from(pixels.width()));
        // The triangle filter, widened by the scale as `image` does, averages
        // every source pixel a target pixel covers: no moiré, in less time
        // than Catmull-Rom's, and no difference at 300 ppi in print.
        pixels = pixels.resize_exact(width, height.max(1) as u32, FilterType::Triangle);
    }
    let (w, h) = (pixels.width(), pixels.height());
    let photo = kind == Kind::Jpeg || (kind == Kind::Webp && !header.alpha);
    let mut out = Vec::new();
    let encoded = if photo {
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&pixels.to_rgb8())
    } else {
        let pixels =
            if header.alpha { DynamicImage::from(pixels.to_rgba8()) } else { DynamicImage::from(pixels.to_rgb8()) };
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive).write_image(
            pixels.as_bytes(),
            w,
            h,
            pixels.color().into(),
        )
    };
    encoded.map_err(|e| format!("it cannot be encoded again ({e})"))?;
    Ok(picture(if photo { Kind::Jpeg } else { Kind::Png }, out.into(), w, h))
}

fn unusable(rel: &str, message: String) -> Problem {
    Problem::new(rel, None, message).hint(IMAGE_HINT)
}

fn picture(kind: Kind, bytes: Arc<[u8]>, width: u32, height: u32) -> Picture {
    let path = format!("/_images/{:016x}.{}", hash(&bytes), kind.extension());
    Picture { path, kind, bytes, width, height }
}

/// A hash of `bytes` that names them (SipHash: stable, and no attacker picks
/// a report's photos to collide).
fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = siphasher::sip::SipHasher13::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
