//! Where images go: the text area of each built-in template, and the size
//! a photo is printed at in it. The size is settled here, not in typst, so
//! that a photo can be resampled for it before typst sees it; the templates
//! place a figure at exactly `width_mm`.

use super::image::Header;
use super::model::Paper;

/// The area the text of a page fills, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextArea {
    pub width_mm: f64,
    pub height_mm: f64,
}

/// A printed size, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub width_mm: f64,
    pub height_mm: f64,
}

/// `width:` of an image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Width {
    /// The text width (the default).
    Full,
    /// Millimetres.
    Mm(f64),
}

/// One photo may be at most this share of the text area's height, so that
/// its caption and some text fit on its page.
const SINGLE_HEIGHT: f64 = 0.6;
/// A row of photos, at most this share.
const ROW_HEIGHT: f64 = 0.4;
/// The space between the photos of a row.
pub const GUTTER_MM: f64 = 4.0;

const PT: f64 = 25.4 / 72.0;

impl TextArea {
    /// The text area of built-in template `name` (an own template gets the
    /// `report` template's) on `paper`. Each figure repeats its template's
    /// page margins: `report.typ` (a whole number of 小四 characters a
    /// line, top 30 mm, bottom 28 mm), `briefing.typ` (24 mm each side, 22
    /// and 24 mm), `gongwen.typ` (GB/T 9704's 156 × 225 mm on A4).
    pub fn of(name: &str, paper: Paper) -> TextArea {
        let (width, height) = paper_mm(paper);
        let [_, _, width_mm, height_mm] = type_area(name, width, height, false);
        TextArea { width_mm, height_mm }
    }
}

/// The type area (版心) of a right-hand page `width` × `height` mm of
/// layout `name`, as `[left, top, width, height]` in mm; a left-hand page
/// mirrors it.
pub fn type_area(name: &str, width: f64, height: f64, duplex: bool) -> [f64; 4] {
    match name {
        "gongwen" => [28.0, 37.0, 156.0, 225.0],
        "briefing" => [24.0, 22.0, width - 48.0, height - 46.0],
        _ => {
            let body = 12.0 * PT;
            let text = ((width - 56.0) / body).floor() * body;
            let gutter = if duplex { 4.0 } else { 0.0 };
            [(width - text) / 2.0 + gutter, 30.0, text, height - 58.0]
        }
    }
}

fn paper_mm(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::A4 => (210.0, 297.0),
        Paper::A5 => (148.0, 210.0),
        Paper::B5 => (176.0, 250.0),
        Paper::A3 => (297.0, 420.0),
        Paper::UsLetter => (215.9, 279.4),
    }
}

impl Width {
    /// `80%` of the text width or `60mm`, or what is wrong with it.
    pub fn parse(text: &str, area: TextArea) -> Result<Width, (String, String)> {
        let t = text.trim();
        let (number, per_cent) = if let Some(n) = t.strip_suffix('%') {
            (n, true)
        } else if let Some(n) = t.strip_suffix("mm") {
            (n, false)
        } else {
            return Err((
                format!("`width: {t}` has no unit"),
                "write a share of the text width (`80%`) or millimetres (`60mm`)".into(),
            ));
        };
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| (format!("`width: {t}` is not a number"), "write e.g. `80%` or `60mm`".to_string()))?;
        let mm = if per_cent { value / 100.0 * area.width_mm } else { value };
        // NaN is no width either.
        if mm.is_nan() || mm <= 0.0 || mm > area.width_mm + 1e-6 {
            let most = format!("{:.0}mm", area.width_mm);
            return Err((
                format!("`width: {t}` is not between 0 and the text width (100%, {most})"),
                format!("write a width above 0 and at most `100%` (`{most}`)"),
            ));
        }
        Ok(Width::Mm(mm))
    }
}

/// The size of one photo of `header` at `width`, shrunk to the height a
/// photo may take.
pub fn single(area: TextArea, header: &Header, width: Width) -> Option<Size> {
    let width_mm = match width {
        Width::Full => area.width_mm,
        Width::Mm(mm) => mm,
    };
    let aspect = f64::from(header.height) / f64::from(header.width);
    let height_mm = (width_mm * aspect).min(area.height_mm * SINGLE_HEIGHT);
    Some(Size { width_mm: height_mm / aspect, height_mm })
}

/// The sizes of a row of photos, one of `columns` a row: all as tall as one
/// another, filling the row (a short last row as much of it as its photos'
/// share), no taller than a row may be.
pub fn row(area: TextArea, headers: &[Header], columns: usize) -> Vec<Size> {
    let n = headers.len().max(1) as f64;
    let share = n / columns.max(headers.len()) as f64;
    let room = area.width_mm * share - GUTTER_MM * (n - 1.0);
    let widths_per_height: f64 = headers.iter().map(|h| f64::from(h.width) / f64::from(h.height)).sum();
    let height_mm = (room / widths_per_height).min(area.height_mm * ROW_HEIGHT);
    headers.iter().map(|h| Size { width_mm: height_mm * f64::from(h.width) / f64::from(h.height), height_mm }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::image::Kind;

    fn photo(width: u32, height: u32) -> Header {
        Header { kind: Kind::Jpeg, width, height, alpha: false, turned: false }
    }

    #[test]
    fn text_areas_and_widths() {
        let a4 = TextArea::of("report", Paper::A4);
        assert!((a4.width_mm - 152.4).abs() < 0.01, "{a4:?}");
        assert!(matches!(Width::parse("50%", a4), Ok(Width::Mm(mm)) if (mm - 76.2).abs() < 1e-9));
        assert!(Width::parse("120%", a4).is_err() && Width::parse("-3mm", a4).is_err());
        assert!(Width::parse("80", a4).unwrap_err().0.contains("no unit"));
    }

    #[test]
    fn a_tall_photo_is_shrunk_and_a_row_fills_its_width() {
        let a4 = TextArea::of("gongwen", Paper::A4);
        let tall = single(a4, &photo(3000, 4000), Width::Full).unwrap();
        assert!((tall.height_mm - 135.0).abs() < 1e-9 && tall.width_mm < 156.0);
        let sizes = row(a4, &[photo(4000, 3000), photo(3000, 3000)], 2);
        let filled: f64 = sizes.iter().map(|s| s.width_mm).sum::<f64>() + GUTTER_MM;
        assert!((filled - 156.0).abs() < 1e-9 && sizes[0].height_mm == sizes[1].height_mm);
    }
}
