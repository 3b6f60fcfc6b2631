//! The document's catalogue entries, as archives and document systems file
//! it: the core 公文 metadata of GB/T 33480-2016 (for the `gongwen`
//! layout) and the 文书 metadata of DA/T 46-2009 (for every report). Only
//! what the report gives is listed; nothing is made up (全宗号 and 档号 are
//! the archive's, and come from `archive:` alone). The PDF's XMP, the
//! OFD's CustomDatas and `baogao check --message-format json` all list
//! these same entries.

use serde::Serialize;

use super::document::Document;

/// One entry: the standard's name for it, the property it is written as,
/// and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The standard's element name, e.g. 发文字号.
    pub name: &'static str,
    /// The XMP property's local name, e.g. `DocumentNumber`.
    pub property: &'static str,
    pub value: String,
}

/// The entries of one standard, and the XMP schema they are written in.
#[derive(Debug, Clone, Serialize)]
pub struct Schema {
    /// e.g. GB/T 33480-2016.
    pub standard: &'static str,
    /// The XMP namespace and prefix of its properties.
    pub namespace: &'static str,
    pub prefix: &'static str,
    pub entries: Vec<Entry>,
}

/// The XMP namespace of GB/T 33480-2016's entries. No body publishes one,
/// so it is baogao's own, a URN, and declared in every PDF/A file as the
/// standard asks of extension schemas.
pub const GONGWEN_NS: &str = "urn:baogao:xmp:gbt33480-2016#";
/// Likewise for DA/T 46-2009's.
pub const ARCHIVE_NS: &str = "urn:baogao:xmp:dat46-2009#";

/// The 15 kinds of 公文 (党政机关公文处理工作条例, article 8); a title
/// ends with its kind (…的通知).
const KINDS: [&str; 15] = [
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函",
    "纪要",
];

/// The 文种 a title ends with, if any (令 is the short form of 命令).
pub fn kind_of(title: &str) -> Option<&'static str> {
    let title = title.trim_end();
    if title.ends_with('令') && !title.ends_with("命令") {
        return Some("命令");
    }
    KINDS.iter().find(|kind| title.ends_with(*kind)).copied()
}

/// The catalogue entries of `document`, laid out as `layout` (`gongwen`
/// gets GB/T 33480's).
pub fn of(document: &Document, layout: &str) -> Vec<Schema> {
    let mut schemas = Vec::new();
    if layout == "gongwen" {
        schemas.push(Schema {
            standard: "GB/T 33480-2016",
            namespace: GONGWEN_NS,
            prefix: "gw",
            entries: gongwen(document),
        });
    }
    schemas.push(Schema { standard: "DA/T 46-2009", namespace: ARCHIVE_NS, prefix: "da", entries: archive(document) });
    schemas
}

fn gongwen(document: &Document) -> Vec<Entry> {
    let m = &document.meta;
    let attachments: Vec<String> = match document.appendix.as_slice() {
        [one] => vec![one.title.clone()],
        all => all.iter().enumerate().map(|(i, a)| format!("{}.{}", i + 1, a.title)).collect(),
    };
    let mut list = Entries::default();
    list.add("文种", "DocumentKind", kind_of(&m.title).map(str::to_string));
    list.add("份号", "CopyNumber", m.copy_number.clone());
    list.add("密级", "Classification", m.secrecy.map(str::to_string));
    list.add("保密期限", "ClassificationPeriod", m.secrecy.and(m.secrecy_period.clone()));
    list.add("紧急程度", "Urgency", m.urgency.map(str::to_string));
    list.add("发文机关", "Issuer", m.author.clone());
    list.add("发文字号", "DocumentNumber", m.doc_number.clone());
    list.add("签发人", "Signer", Some(m.signers.join("、")));
    list.add("标题", "Title", Some(m.title.clone()));
    list.add("主送机关", "MainRecipient", m.addressee.clone());
    list.add("成文日期", "DocumentDate", m.date.map(|d| d.iso()));
    list.add("附件说明", "Attachments", Some(attachments.join("；")));
    list.add("附注", "Note", m.note.clone());
    list.add("抄送机关", "CopyTo", m.cc.clone());
    list.add("印发机关", "PrintedBy", m.printed_by.clone());
    list.add("印发日期", "PrintedDate", m.printed_date.map(|d| d.iso()));
    list.0
}

fn archive(document: &Document) -> Vec<Entry> {
    let m = &document.meta;
    let mut list = Entries::default();
    list.add("题名", "Title", Some(m.title.clone()));
    list.add("责任者", "Author", m.author.clone());
    list.add("日期", "Date", m.date.map(|d| d.iso()));
    list.add("文号", "DocumentNumber", m.doc_number.clone());
    list.add("密级", "Classification", m.secrecy.map(str::to_string));
    list.add("保管期限", "RetentionPeriod", m.archive.retention.clone());
    list.add("全宗号", "FondsNumber", m.archive.fonds.clone());
    list.add("档号", "ArchivalCode", m.archive.code.clone());
    list.add("语种", "Language", Some(m.region.as_ref().map_or(m.lang.clone(), |r| format!("{}-{r}", m.lang))));
    list.0
}

/// Entries with a value; an empty or missing one is left out.
#[derive(Default)]
struct Entries(Vec<Entry>);

impl Entries {
    fn add(&mut self, name: &'static str, property: &'static str, value: Option<String>) {
        if let Some(value) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            self.0.push(Entry { name, property, value });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_the_titles_last_words() {
        assert_eq!(kind_of("关于2021年工作情况的报告"), Some("报告"));
        assert_eq!(kind_of("关于拨付经费的请示"), Some("请示"));
        assert_eq!(kind_of("关于商请支持的函"), Some("函"));
        assert_eq!(kind_of("中华人民共和国主席令"), Some("命令"));
        assert_eq!(kind_of("2021年工作总结"), None);
    }
}
