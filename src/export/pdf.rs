//! PDF: typst-pdf's export under the standards the report claims.

use typst::diag::{SourceDiagnostic, SourceResult};
use typst::foundations::{Datetime, Smart};
use typst::syntax::Span;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::report::document::Meta;
use crate::report::records::Schema;

/// The standards a PDF claims unless the report or `--standard` says
/// otherwise: archival (PDF/A-2a) and accessible (PDF/UA-1).
pub const DEFAULT_STANDARD: &str = "a-2a,ua-1";

/// The standards `--standard` and `standard:` name, besides `none`, by
/// the names they take there.
const STANDARDS: [(&str, PdfStandard); 12] = [
    ("a-1b", PdfStandard::A_1b),
    ("a-1a", PdfStandard::A_1a),
    ("a-2b", PdfStandard::A_2b),
    ("a-2u", PdfStandard::A_2u),
    ("a-2a", PdfStandard::A_2a),
    ("a-3b", PdfStandard::A_3b),
    ("a-3u", PdfStandard::A_3u),
    ("a-3a", PdfStandard::A_3a),
    ("a-4", PdfStandard::A_4),
    ("a-4f", PdfStandard::A_4f),
    ("a-4e", PdfStandard::A_4e),
    ("ua-1", PdfStandard::Ua_1),
];

/// The OFD's archival profile, which `--standard` names beside the PDF's.
const OFD_A: &str = "ofd-a";

/// The names of [`STANDARDS`] and `ofd-a`, for messages.
pub fn standard_names() -> impl Iterator<Item = &'static str> {
    STANDARDS.iter().map(|(name, _)| *name).chain([OFD_A])
}

/// A list of standards as written (`a-2a,ua-1`, `a-3b`, `none`), checked
/// against each other by typst.
#[derive(Debug, Clone)]
pub struct Standards {
    list: Vec<PdfStandard>,
    /// `ofd-a`: the OFD claims GB/T 42133-2022's archival profile.
    ofd_a: bool,
}

impl Standards {
    /// Parses `text`; the error says what is wrong and what is allowed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text == "none" {
            return Ok(Self { list: Vec::new(), ofd_a: false });
        }
        let names: Vec<&str> = text.split(',').map(str::trim).collect();
        let ofd_a = names.contains(&OFD_A);
        let pdf: Vec<&str> = names.iter().copied().filter(|n| *n != OFD_A).collect();
        // `ofd-a` alone says nothing of the PDF, which keeps the default.
        if pdf.is_empty() {
            return Ok(Self { ofd_a, ..Self::parse(DEFAULT_STANDARD)? });
        }
        let list = pdf
            .into_iter()
            .map(|name| {
                let name = name.trim();
                let found = STANDARDS.iter().find(|(n, _)| *n == name);
                found.map(|(_, standard)| *standard).ok_or_else(|| format!("`{name}` is not a standard baogao knows"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        PdfStandards::new(&list).map_err(|e| format!("`{text}` cannot be combined: {}", e.message()))?;
        Ok(Self { list, ofd_a })
    }

    /// Whether the OFD claims OFD-A (GB/T 42133-2022).
    pub fn ofd_a(&self) -> bool {
        self.ofd_a
    }

    /// Whether files may be attached: PDF/A-3 and PDF/A-4f are made for
    /// it, plain PDF and PDF/UA allow it, PDF/A-1, -2, -4 and -4e do not.
    pub fn allows_attachments(&self) -> bool {
        self.list.iter().all(|s| {
            matches!(
                s,
                PdfStandard::A_3b | PdfStandard::A_3u | PdfStandard::A_3a | PdfStandard::A_4f | PdfStandard::Ua_1
            )
        })
    }

    /// Whether every image needs words (alternative text): PDF/UA-1 and the
    /// accessible ("a") levels of PDF/A.
    pub fn needs_alt(&self) -> bool {
        self.list
            .iter()
            .any(|s| matches!(s, PdfStandard::Ua_1 | PdfStandard::A_1a | PdfStandard::A_2a | PdfStandard::A_3a))
    }

    /// Whether images may not be transparent (PDF/A-1).
    pub fn forbids_transparency(&self) -> bool {
        self.list.iter().any(|s| matches!(s, PdfStandard::A_1b | PdfStandard::A_1a))
    }

    /// Whether attaching the sources is part of the standard (PDF/A-3, -4f).
    pub fn wants_sources(&self) -> bool {
        self.list
            .iter()
            .any(|s| matches!(s, PdfStandard::A_3b | PdfStandard::A_3u | PdfStandard::A_3a | PdfStandard::A_4f))
    }
}

/// Exports `document` under `standards`, with the catalogue entries
/// `schemas` in its XMP. The identifier derives from the title and the
/// timestamp from the report's date, so the same report gives the same bytes.
pub fn export(
    document: &PagedDocument,
    meta: &Meta,
    standards: &Standards,
    schemas: &[Schema],
) -> SourceResult<Vec<u8>> {
    let standards = PdfStandards::new(&standards.list)
        .map_err(|e| ecow::eco_vec![SourceDiagnostic::error(Span::detached(), e.message().clone())])?;
    let timestamp = meta
        .created
        .and_then(|c| Datetime::from_ymd_hms(c.year, c.month, c.day, c.hour, c.minute, c.second))
        .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(format!("baogao:{}", meta.title)),
        creator: Smart::Custom(Some(format!("baogao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(document, &options)
        .map_err(|errors| errors.into_iter().map(with_font_hint).collect::<ecow::EcoVec<_>>())?;
    Ok(super::xmp::add(pdf, schemas))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_by_name() {
        assert_eq!(Standards::parse(" a-3a , ua-1 ").unwrap().list, [PdfStandard::A_3a, PdfStandard::Ua_1]);
        assert!(Standards::parse("none").unwrap().list.is_empty());
        assert!(Standards::parse("a-5").unwrap_err().contains("`a-5` is not a standard"));
        assert!(Standards::parse("a-1b,a-2b").unwrap_err().contains("cannot be combined"));
        // Every PDF standard, and the OFD's archival profile.
        assert_eq!(standard_names().count(), STANDARDS.len() + 1);
    }

    #[test]
    fn ofd_a_stands_beside_the_pdfs_standards() {
        let both = Standards::parse("a-3b,ofd-a").unwrap();
        assert_eq!(both.list, [PdfStandard::A_3b]);
        assert!(both.ofd_a());
        // Alone it leaves the PDF its default.
        let alone = Standards::parse("ofd-a").unwrap();
        assert_eq!(alone.list, Standards::parse(DEFAULT_STANDARD).unwrap().list);
        assert!(alone.ofd_a() && !Standards::parse(DEFAULT_STANDARD).unwrap().ofd_a());
    }
}
