//! The catalogue entries (GB/T 33480, DA/T 46; see `report::records`) in
//! the PDF's XMP. typst-pdf and krilla write the XMP packet themselves and
//! take no properties of other schemas, so they are added to the finished
//! file: the packet (krilla writes it uncompressed, as one object near the
//! end) gets one more `rdf:Description` and, where the PDF/A level asks
//! for it (PDF/A-1 to -3), its schema in `pdfaExtension:schemas`; the
//! object is written back with its new `/Length`, and the cross-reference
//! table's offsets after it move by the difference. The file keeps a single
//! revision, so no reader sees the old packet.

use super::xml::escape;
use crate::report::records::Schema;

const BAG: &str = "<pdfaExtension:schemas><rdf:Bag>";
const RDF_END: &str = "</rdf:RDF>";

/// `pdf` with `schemas` in its XMP; unchanged if it has no XMP packet or
/// nothing to add.
pub fn add(pdf: Vec<u8>, schemas: &[Schema]) -> Vec<u8> {
    if schemas.iter().all(|s| s.entries.is_empty()) {
        return pdf;
    }
    let Some(object) = Packet::find(&pdf) else { return pdf };
    let Ok(packet) = std::str::from_utf8(&pdf[object.data.clone()]) else { return pdf };
    let packet = with_schemas(packet, schemas);
    object.replace(&pdf, packet.as_bytes()).unwrap_or(pdf)
}

/// The packet's text with the entries (and, where there is a bag of
/// extension schemas, their declaration) added.
fn with_schemas(packet: &str, schemas: &[Schema]) -> String {
    let used: Vec<&Schema> = schemas.iter().filter(|s| !s.entries.is_empty()).collect();
    let mut out = packet.to_string();
    if let Some(at) = out.find(BAG) {
        let declared: String = used.iter().map(|s| declaration(s)).collect();
        out.insert_str(at + BAG.len(), &declared);
    }
    if let Some(at) = out.rfind(RDF_END) {
        let values: String = used.iter().map(|s| description(s)).collect();
        out.insert_str(at, &values);
    }
    out
}

/// `<rdf:Description>` with the schema's values.
fn description(schema: &Schema) -> String {
    let (prefix, ns) = (schema.prefix, schema.namespace);
    let mut out = format!(r#"<rdf:Description rdf:about="" xmlns:{prefix}="{ns}">"#);
    for e in &schema.entries {
        out += &format!("<{prefix}:{p}>{}</{prefix}:{p}>", escape(&e.value), p = e.property);
    }
    out + "</rdf:Description>"
}

/// The PDF/A extension schema that declares the schema's properties
/// (ISO 19005-1 6.7.8): all Text, all external (they describe the document).
fn declaration(schema: &Schema) -> String {
    let mut out = format!(
        r#"<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>{}</pdfaSchema:schema><pdfaSchema:namespaceURI>{}</pdfaSchema:namespaceURI><pdfaSchema:prefix>{}</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>"#,
        schema.standard, schema.namespace, schema.prefix
    );
    for e in &schema.entries {
        out += &format!(
            r#"<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>{} ({})</pdfaProperty:description></rdf:li>"#,
            e.property, e.name, schema.standard
        );
    }
    out + "</rdf:Seq></pdfaSchema:property></rdf:li>"
}

/// Where the XMP stream object stands in the file.
struct Packet {
    /// From `N 0 obj` to the end of `endobj`.
    object: std::ops::Range<usize>,
    /// The stream's data.
    data: std::ops::Range<usize>,
    /// The object's number.
    number: u32,
}

/// What krilla writes after the stream's `/Length N`.
const DICT_REST: &str = "/Type/Metadata/Subtype/XML>>\nstream\n";

impl Packet {
    fn find(pdf: &[u8]) -> Option<Packet> {
        let marker = DICT_REST.as_bytes();
        let at = rfind(pdf, marker)?;
        let head_start = rfind(&pdf[..at], b" 0 obj\n<</Length ")?;
        let digits_start = head_start + b" 0 obj\n<</Length ".len();
        let number_start = pdf[..head_start].iter().rposition(|b| !b.is_ascii_digit())? + 1;
        let number = std::str::from_utf8(&pdf[number_start..head_start]).ok()?.parse().ok()?;
        let length: usize = std::str::from_utf8(&pdf[digits_start..at]).ok()?.parse().ok()?;
        let data_start = at + marker.len();
        let end = b"\nendstream\nendobj\n";
        (pdf.get(data_start + length..data_start + length + end.len())? == end).then(|| Packet {
            object: number_start..data_start + length + end.len(),
            data: data_start..data_start + length,
            number,
        })
    }

    /// The file with this object's data replaced, its cross-references moved.
    fn replace(&self, pdf: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        let mut object = format!("{} 0 obj\n<</Length {}{DICT_REST}", self.number, data.len()).into_bytes();
        object.extend_from_slice(data);
        object.extend_from_slice(b"\nendstream\nendobj\n");
        let delta = object.len() as i64 - self.object.len() as i64;
        let mut out = Vec::with_capacity(pdf.len() + object.len());
        out.extend_from_slice(&pdf[..self.object.start]);
        out.extend_from_slice(&object);
        out.extend_from_slice(&pdf[self.object.end..]);
        move_references(&mut out, self.object.start, delta)?;
        Some(out)
    }
}

/// Moves by `delta` every offset past `after` in the classic
/// cross-reference table `startxref` names, and `startxref` itself.
fn move_references(pdf: &mut Vec<u8>, after: usize, delta: i64) -> Option<()> {
    let tail = rfind(pdf, b"startxref\n")?;
    let digits = tail + b"startxref\n".len();
    let digits_end = digits + pdf[digits..].iter().position(|b| !b.is_ascii_digit())?;
    let old: usize = std::str::from_utf8(&pdf[digits..digits_end]).ok()?.parse().ok()?;
    let table = usize::try_from(old as i64 + delta).ok()?;
    if pdf.get(table..table + 5)? != b"xref\n" {
        return None;
    }
    let mut at = table + 5;
    // Subsections: `first count\n`, then `count` entries of 20 bytes.
    while pdf.get(at).is_some_and(u8::is_ascii_digit) {
        let line_end = at + pdf[at..].iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&pdf[at..line_end]).ok()?;
        let count: usize = header.split(' ').nth(1)?.parse().ok()?;
        at = line_end + 1;
        for _ in 0..count {
            let entry = pdf.get(at..at + 20)?;
            if entry[17] == b'n' {
                let offset: usize = std::str::from_utf8(&entry[..10]).ok()?.parse().ok()?;
                if offset > after {
                    let moved = format!("{:010}", offset as i64 + delta);
                    pdf[at..at + 10].copy_from_slice(moved.as_bytes());
                }
            }
            at += 20;
        }
    }
    let new = (old as i64 + delta).to_string();
    pdf.splice(digits..digits_end, new.into_bytes());
    Some(())
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
