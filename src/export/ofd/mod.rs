//! OFD (GB/T 33190-2016), the fixed-layout format of Chinese document
//! systems and archives, from the same laid-out pages as the PDF: a ZIP
//! package of XML parts in the `http://www.ofdspec.org/2016` namespace.
//!
//! ```text
//! OFD.xml                       DocBody: DocInfo (with CustomDatas), DocRoot
//! Doc_0/Document.xml            CommonData (page area, 版心), Pages, Outlines
//! Doc_0/PublicRes.xml           Fonts
//! Doc_0/DocumentRes.xml         MultiMedias (pictures)
//! Doc_0/Pages/Page_N/Content.xml  TextObject, PathObject, ImageObject
//! Doc_0/Res/                    font_N.otf|ttf, image_N.png|jpg
//! ```
//!
//! Everything the document needs is inside (fonts embedded, no external
//! resources, no actions but the outline's jumps to its own pages), so
//! `--standard ofd-a` only changes `DocType` to GB/T 42133-2022's `OFD-A`.
//! Reproducible: parts in a fixed order, fixed ZIP times, IDs given out in
//! page order.

mod font;
mod images;
mod outline;
mod page;

use std::io::Write as _;

use typst_layout::PagedDocument;
use zip::write::SimpleFileOptions;

use super::xml::{escape, float, num};
use crate::report::dates::Created;
use crate::report::document::Meta;
use crate::report::geometry::type_area;
use crate::report::records::Schema;
use page::Shared;

const NS: &str = "http://www.ofdspec.org/2016";

/// What `DocType` claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// GB/T 33190-2016.
    Ofd,
    /// GB/T 42133-2022's archival profile.
    OfdA,
}

/// The OFD package of `pages`.
pub fn export(
    pages: &PagedDocument,
    meta: &Meta,
    layout: &str,
    schemas: &[Schema],
    profile: Profile,
) -> Result<Vec<u8>, String> {
    let mut shared = Shared { last_id: 0, fonts: Default::default(), images: Default::default() };
    let page_ids: Vec<u32> = pages.pages().iter().map(|_| shared.id()).collect();
    let contents: Vec<String> = pages.pages().iter().map(|p| page::content(&p.frame, &mut shared)).collect();
    let outlines = outline::of(pages, &page_ids);
    let fonts = shared.fonts.embed()?;

    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let doc_type = if profile == Profile::OfdA { "OFD-A" } else { "OFD" };
    parts.push(("OFD.xml".into(), ofd_xml(meta, schemas, doc_type).into_bytes()));
    let document = document_xml(pages, meta, layout, &page_ids, &outlines, shared.last_id);
    parts.push(("Doc_0/Document.xml".into(), document.into_bytes()));
    parts.push(("Doc_0/PublicRes.xml".into(), public_res(&fonts).into_bytes()));
    parts.push(("Doc_0/DocumentRes.xml".into(), document_res(&shared.images).into_bytes()));
    for (i, content) in contents.into_iter().enumerate() {
        parts.push((format!("Doc_0/Pages/Page_{i}/Content.xml"), content.into_bytes()));
    }
    for font in fonts {
        parts.push((format!("Doc_0/Res/{}", font.file), font.bytes));
    }
    for image in shared.images.all() {
        parts.push((format!("Doc_0/Res/{}", image.file), image.bytes.clone()));
    }
    zip(&parts, meta.created).map_err(|e| format!("the OFD package could not be written: {e}"))
}

/// The parts as a ZIP, deflated, stamped with the build's time (so the same
/// report gives the same bytes).
fn zip(parts: &[(String, Vec<u8>)], created: Option<Created>) -> zip::result::ZipResult<Vec<u8>> {
    let time = created
        .and_then(|c| {
            let year = u16::try_from(c.year).ok()?.clamp(1980, 2107);
            zip::DateTime::from_date_and_time(year, c.month, c.day, c.hour, c.minute, c.second).ok()
        })
        .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

fn ofd_xml(meta: &Meta, schemas: &[Schema], doc_type: &str) -> String {
    let mut info = format!("<ofd:DocID>{}</ofd:DocID>", doc_id(meta));
    info += &format!("<ofd:Title>{}</ofd:Title>", escape(&meta.title));
    if let Some(author) = &meta.author {
        info += &format!("<ofd:Author>{}</ofd:Author>", escape(author));
    }
    if let Some(c) = meta.created {
        info += &format!("<ofd:CreationDate>{:04}-{:02}-{:02}</ofd:CreationDate>", c.year, c.month, c.day);
    }
    if !meta.keywords.is_empty() {
        let words: String = meta.keywords.iter().map(|k| format!("<ofd:Keyword>{}</ofd:Keyword>", escape(k))).collect();
        info += &format!("<ofd:Keywords>{words}</ofd:Keywords>");
    }
    info += &format!(
        "<ofd:Creator>baogao</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>",
        env!("CARGO_PKG_VERSION")
    );
    let custom = custom_datas(schemas);
    if !custom.is_empty() {
        info += &format!("<ofd:CustomDatas>{custom}</ofd:CustomDatas>");
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="{doc_type}"><ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    )
}

/// The catalogue entries by their standard's names (an entry both
/// standards give alike, such as 密级, once).
fn custom_datas(schemas: &[Schema]) -> String {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut out = String::new();
    for entry in schemas.iter().flat_map(|s| &s.entries) {
        if seen.contains(&(entry.name, entry.value.as_str())) {
            continue;
        }
        seen.push((entry.name, &entry.value));
        out += &format!(r#"<ofd:CustomData Name="{}">{}</ofd:CustomData>"#, entry.name, escape(&entry.value));
    }
    out
}

/// 32 hex digits (a UUID's 128 bits, as OFD writers give) from the title
/// and the date, so that a rebuild keeps it.
fn doc_id(meta: &Meta) -> String {
    use std::hash::{Hash, Hasher};
    let halves = [0u64, 1].map(|seed| {
        let mut h = siphasher::sip::SipHasher13::new_with_keys(seed, 0x6261_6f67_616f);
        (&meta.title, &meta.doc_number, meta.date.map(|d| d.iso())).hash(&mut h);
        h.finish()
    });
    format!("{:016x}{:016x}", halves[0], halves[1])
}

fn document_xml(
    pages: &PagedDocument,
    meta: &Meta,
    layout: &str,
    page_ids: &[u32],
    outlines: &str,
    max_id: u32,
) -> String {
    let size = pages.pages().first().map(|p| p.frame.size()).unwrap_or_default();
    let (w, h) = (size.x.to_mm(), size.y.to_mm());
    let [x, y, tw, th] = type_area(layout, w, h, meta.duplex);
    let area = format!(
        "<ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox><ofd:ContentBox>{} {} {} {}</ofd:ContentBox></ofd:PageArea>",
        num(size.x),
        num(size.y),
        float(x),
        float(y),
        float(tw),
        float(th)
    );
    let list: String = page_ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!(r#"<ofd:Page ID="{id}" BaseLoc="Pages/Page_{i}/Content.xml"/>"#))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{max_id}</ofd:MaxUnitID>{area}<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData><ofd:Pages>{list}</ofd:Pages>{outlines}</ofd:Document>"#
    )
}

fn public_res(fonts: &[font::Embedded]) -> String {
    let mut list = String::new();
    for f in fonts {
        let mut attrs = format!(r#" ID="{}" FontName="{}" FamilyName="{}""#, f.id, escape(&f.name), escape(&f.family));
        if f.bold {
            attrs += r#" Bold="true""#;
        }
        if f.italic {
            attrs += r#" Italic="true""#;
        }
        list += &format!("<ofd:Font{attrs}><ofd:FontFile>{}</ofd:FontFile></ofd:Font>", f.file);
    }
    let fonts = if list.is_empty() { String::new() } else { format!("<ofd:Fonts>{list}</ofd:Fonts>") };
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">{fonts}</ofd:Res>"#)
}

fn document_res(images: &images::Images) -> String {
    let list: String = images
        .all()
        .map(|i| {
            format!(
                r#"<ofd:MultiMedia ID="{}" Type="Image" Format="{}"><ofd:MediaFile>{}</ofd:MediaFile></ofd:MultiMedia>"#,
                i.id, i.format, i.file
            )
        })
        .collect();
    let media = if list.is_empty() { String::new() } else { format!("<ofd:MultiMedias>{list}</ofd:MultiMedias>") };
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">{media}</ofd:Res>"#)
}
