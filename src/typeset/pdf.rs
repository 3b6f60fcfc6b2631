//! PDF export and writing the file atomically.

use std::io::Write;
use std::path::Path;

use typst::diag::{SourceDiagnostic, SourceResult};
use typst::foundations::{Datetime, Smart};
use typst::syntax::Span;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::report::document::Meta;

/// The standards every baogao PDF claims (until the archival work lands:
/// PDF/A-2b).
const STANDARDS: &[PdfStandard] = &[PdfStandard::A_2b];

/// Exports `document` as PDF/A. The identifier derives from the title and the
/// timestamp from the report's date, so the same report gives the same bytes.
pub fn export(document: &PagedDocument, meta: &Meta) -> SourceResult<Vec<u8>> {
    let standards = PdfStandards::new(STANDARDS)
        .map_err(|e| ecow::eco_vec![SourceDiagnostic::error(Span::detached(), e.message().clone())])?;
    let timestamp = creation_date(meta).map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(format!("baogao:{}", meta.title)),
        creator: Smart::Custom(Some(format!("baogao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| errors.into_iter().map(with_font_hint).collect())
}

/// A glyph no font has is an error under PDF/A; say how to supply the font.
fn with_font_hint(error: SourceDiagnostic) -> SourceDiagnostic {
    if error.message.contains("could not be displayed") {
        error.with_hint(
            "no bundled font has this character: pass `--font-path DIR` with a font that has it \
             (or `--system-fonts`)",
        )
    } else {
        error
    }
}

/// The PDF's creation date (PDF/A requires one): the report's `date`, else
/// `SOURCE_DATE_EPOCH` (for reproducible builds), else now.
fn creation_date(meta: &Meta) -> Option<Datetime> {
    let from_report = meta.date.and_then(|d| Datetime::from_ymd_hms(d.year, d.month, d.day, 0, 0, 0));
    let seconds =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map(|d| d.as_secs() as i64).unwrap_or(0)
        });
    from_report.or_else(|| datetime_from_unix(seconds))
}

/// Seconds since 1970 in UTC → a date and time (days to civil date after
/// Howard Hinnant's `civil_from_days`).
fn datetime_from_unix(seconds: i64) -> Option<Datetime> {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Datetime::from_ymd_hms(year, month, day, (secs / 3600) as u8, (secs % 3600 / 60) as u8, (secs % 60) as u8)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so `path` holds either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".baogao-").suffix(".pdf.tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_to_civil_dates() {
        assert_eq!(datetime_from_unix(0), Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0));
        assert_eq!(datetime_from_unix(1_643_068_800), Datetime::from_ymd_hms(2022, 1, 25, 0, 0, 0));
        assert_eq!(datetime_from_unix(951_782_400 + 3_723), Datetime::from_ymd_hms(2000, 2, 29, 1, 2, 3));
    }
}
