//! Image files of a report, checked before anything decodes them: the kind
//! from the bytes (not the name), the size in pixels from the header alone
//! (a header may claim 100 000 × 100 000), and an SVG refused when it would
//! make the renderer reach for another file or the network.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

/// The largest image file a report may hold. Phone photos are 3–8 MB.
pub const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;

/// The most pixels a raster image may have (a 100-megapixel camera's), so
/// that decoding one takes at most some 400 MB.
pub const MAX_PIXELS: u64 = 100_000_000;

/// The longest side a raster image may have, in pixels.
pub const MAX_SIDE: u32 = 20_000;

/// What an image file holds, read from its header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    pub kind: Kind,
    /// Upright: after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    /// It has an alpha channel (PNG, GIF, WebP) or is an SVG.
    pub alpha: bool,
    /// The EXIF orientation asks to turn or mirror the pixels.
    pub turned: bool,
}

/// The kinds of image a report may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
}

impl Kind {
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Svg => "image/svg+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Svg => "svg",
        }
    }

    fn format(self) -> Option<ImageFormat> {
        match self {
            Kind::Png => Some(ImageFormat::Png),
            Kind::Jpeg => Some(ImageFormat::Jpeg),
            Kind::Gif => Some(ImageFormat::Gif),
            Kind::Webp => Some(ImageFormat::WebP),
            Kind::Svg => None,
        }
    }

    /// The kind the bytes begin as, if an image at all.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Kind::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Kind::Webp)
        } else if looks_like_svg(bytes) {
            Some(Kind::Svg)
        } else {
            None
        }
    }
}

/// An SVG begins, after a BOM, blanks, an XML declaration and comments, with
/// `<svg`; its first kilobytes say so.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.trim_start_matches('\u{feff}').trim_start().starts_with('<') && text.contains("<svg")
}

/// Limits for every decoder: strict on the sides and on memory.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

/// A decoder for raster `bytes` of `kind`, with [`limits`].
pub fn decoder(kind: Kind, bytes: &[u8]) -> Result<impl ImageDecoder + '_, String> {
    let format = kind.format().ok_or("an SVG is not decoded to pixels")?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader.into_decoder().map_err(|e| format!("its header cannot be read ({e})"))
}

/// Reads the header of `bytes`: what kind of image, how large. Nothing is
/// decoded, so a file that claims a vast size is refused at once.
pub fn header(bytes: &[u8]) -> Result<Header, String> {
    let kind = Kind::sniff(bytes).ok_or("it is not a PNG, JPEG, GIF, WebP or SVG image")?;
    if kind == Kind::Svg {
        let (width, height) = svg::check(bytes)?;
        return Ok(Header { kind, width, height, alpha: true, turned: false });
    }
    let claimed = raster_size(kind, bytes)?;
    if claimed.0 > MAX_SIDE || claimed.1 > MAX_SIDE || u64::from(claimed.0) * u64::from(claimed.1) > MAX_PIXELS {
        return Err(format!(
            "its header says {} × {} pixels, more than the {MAX_PIXELS} pixels (and {MAX_SIDE} a side) baogao reads",
            claimed.0, claimed.1
        ));
    }
    let mut decoder = decoder(kind, bytes)?;
    let (w, h) = decoder.dimensions();
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let turned = orientation != image::metadata::Orientation::NoTransforms;
    let sideways = matches!(
        orientation,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    let (width, height) = if sideways { (h, w) } else { (w, h) };
    if width == 0 || height == 0 {
        return Err("it has no pixels".into());
    }
    Ok(Header { kind, width, height, alpha: decoder.color_type().has_alpha(), turned })
}

/// The size a raster header claims, read by `imagesize` from the first bytes
/// alone, before a decoder (which may allocate for what is claimed) is made.
fn raster_size(kind: Kind, bytes: &[u8]) -> Result<(u32, u32), String> {
    let size = imagesize::blob_size(bytes).map_err(|_| format!("it is cut short or not a real {}", kind.mime()))?;
    let side = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok((side(size.width), side(size.height)))
}

/// SVG checks: no DTD (entities), no reference to anything but the file's own
/// parts and `data:` URLs, and a size to place it by.
pub mod svg {
    use quick_xml::events::{BytesStart, Event};

    /// The SVG's size in its own units (from `viewBox`, else `width` and
    /// `height`), or why it is refused.
    pub fn check(bytes: &[u8]) -> Result<(u32, u32), String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "the SVG is not UTF-8 text")?;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut size = None;
        let mut in_style = false;
        loop {
            match reader.read_event() {
                Ok(Event::DocType(_)) => {
                    return Err("the SVG has a DOCTYPE, whose entities can expand without limit: remove it".into());
                }
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    check_element(&e)?;
                    if size.is_none() && e.local_name().as_ref() == b"svg" {
                        size = Some(svg_size(&e)?);
                    }
                    in_style = e.local_name().as_ref() == b"style";
                }
                Ok(Event::Text(t)) if in_style => check_css(&String::from_utf8_lossy(&t))?,
                Ok(Event::CData(t)) if in_style => check_css(&String::from_utf8_lossy(&t))?,
                Ok(Event::End(_)) => in_style = false,
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(format!("the SVG is not well-formed XML ({e})")),
            }
        }
        size.ok_or_else(|| "the file has no <svg> element".into())
    }

    /// Refuses an element that refers outside the file: `href` to anything
    /// but `#id` or `data:`, and `url(…)` in any attribute but `url(#id)`.
    fn check_element(e: &BytesStart) -> Result<(), String> {
        for attr in e.attributes().flatten() {
            let value = String::from_utf8_lossy(&attr.value);
            let value = value.trim();
            if attr.key.local_name().as_ref() == b"href" && !value.starts_with('#') && !value.starts_with("data:") {
                return Err(format!("the SVG refers to `{value}`; baogao reads no other file and no URL"));
            }
            check_css(value)?;
        }
        Ok(())
    }

    /// Refuses `url(…)` to anything but `#id`, and `@import`.
    fn check_css(css: &str) -> Result<(), String> {
        if css.contains("@import") {
            return Err("the SVG's style imports another file; baogao reads no other file".into());
        }
        for (i, _) in css.match_indices("url(") {
            let target = css[i + 4..].trim_start_matches([' ', '"', '\'']);
            if !target.starts_with('#') && !target.starts_with("data:") {
                let end = target.find(')').unwrap_or(target.len()).min(80);
                return Err(format!("the SVG refers to `{}`; baogao reads no other file and no URL", &target[..end]));
            }
        }
        Ok(())
    }

    /// `viewBox="0 0 w h"`, else `width` and `height` (their numbers).
    fn svg_size(e: &BytesStart) -> Result<(u32, u32), String> {
        let attr = |name: &[u8]| {
            e.attributes()
                .flatten()
                .find(|a| a.key.as_ref() == name)
                .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        };
        let number = |s: &str| {
            let digits: String = s.trim().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            digits.parse::<f64>().ok().filter(|n| *n > 0.0)
        };
        let from_box = attr(b"viewBox").and_then(|b| {
            let parts: Vec<f64> =
                b.split([' ', ',']).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
            (parts.len() == 4 && parts[2] > 0.0 && parts[3] > 0.0).then(|| (parts[2], parts[3]))
        });
        let from_sides = || Some((number(&attr(b"width")?)?, number(&attr(b"height")?)?));
        let (w, h) = from_box.or_else(from_sides).ok_or("the SVG gives no size: give it a viewBox")?;
        let scale = 1000.0 / w.max(h);
        Ok(((w * scale).round().max(1.0) as u32, (h * scale).round().max(1.0) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_bytes() {
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"\xEF\xBB\xBF<?xml version='1.0'?><svg/>"), Some(Kind::Svg));
        assert_eq!(Kind::sniff(b"name,value\n"), None);
    }

    #[test]
    fn svg_references_are_refused() {
        let svg = |body: &str| format!("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 20 10'>{body}</svg>");
        assert_eq!(svg::check(svg("<rect width='5' height='5'/>").as_bytes()), Ok((1000, 500)));
        for bad in [
            "<image href='file:///etc/passwd'/>",
            "<image xlink:href='https://example.com/a.png'/>",
            "<use href='other.svg#a'/>",
            "<rect style='fill:url(http://x/y)'/>",
            "<style>@import 'x.css';</style>",
        ] {
            assert!(svg::check(svg(bad).as_bytes()).is_err(), "{bad}");
        }
        assert!(svg::check(svg("<use href='#a'/><rect fill='url(#g)'/>").as_bytes()).is_ok());
        let entities = "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><svg>&b;</svg>";
        assert!(svg::check(entities.as_bytes()).unwrap_err().contains("DOCTYPE"));
    }
}
