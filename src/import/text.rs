//! Plain text, and the lines a web page reads as: the article found among
//! the page's chrome (navigation, 当前位置, 字体大小, 打印, 分享, 阅读次数,
//! footers), its title, date and issuing body, and one paragraph a line.

use super::{Block, ImportError, Meta, Source};
use crate::report::source::decode_text;

/// A line of a document as read, or a table that stood among its lines.
pub enum Item {
    Line(String, usize),
    Table(Vec<Vec<String>>, usize),
}

/// UTF-8 or GB18030 text that is not binary and not empty.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.contains(&0) {
        return Err(ImportError::new(
            "the file is binary, not text",
            "give the document as .txt (UTF-8 or GB18030), .html or .docx",
        ));
    }
    let text = decode_text(bytes).ok_or_else(|| {
        ImportError::new("the file is neither UTF-8 nor GB18030 text", "save it as UTF-8 (in Notepad: Save As → UTF-8)")
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::new("the file is empty", "give the document's text"));
    }
    Ok(text)
}

/// Plain text: a paragraph a line, as text copied from a web page comes.
pub fn read(text: &str) -> Result<Source, ImportError> {
    let items = text.lines().enumerate().map(|(i, l)| Item::Line(super::literal_stars(l), i + 1)).collect();
    read_lines(items)
}

/// Lines that are the page's chrome wherever they stand.
const CHROME: [&str; 14] = [
    "选择语言",
    "字体大小",
    "字号",
    "打印",
    "分享",
    "关闭",
    "阅读次数",
    "浏览次数",
    "【",
    "返回顶部",
    "手机版",
    "智能问答",
    "扫一扫",
    "当前位置",
];

/// Lines at which the article has ended.
const END: [&str; 9] = ["扫一扫", "分享到", "上一篇", "下一篇", "相关链接", "相关文章", "责任编辑", "【打印", "【关闭"];

/// The article among `items`: title and date from the lines around the
/// 发布时间 line, the issuing body from the breadcrumbs, then every line up
/// to the footer as a paragraph.
pub fn read_lines(items: Vec<Item>) -> Result<Source, ImportError> {
    let line_text = |item: &Item| match item {
        Item::Line(text, _) => clean(text),
        Item::Table(..) => String::new(),
    };
    let texts: Vec<String> = items.iter().map(line_text).collect();
    let mut meta = Meta::default();
    let stamp = texts.iter().position(|t| t.contains("发布时间") || t.contains("发布日期"));
    let title_at = match stamp {
        Some(s) => (0..s).rev().find(|&i| !texts[i].is_empty() && !is_chrome(&texts[i])),
        None => texts.iter().position(|t| !t.is_empty() && !is_chrome(t)).filter(|&i| is_title(&texts[i])),
    };
    if let Some(i) = title_at {
        meta.title = Some(texts[i].clone());
    }
    if let Some(date) = stamp.and_then(|s| date_in(&texts[s])) {
        meta.date = Some(date);
        meta.guesses.push(("date", "取自“发布时间”".into()));
    }
    if let Some(author) = texts.iter().find_map(|t| issuer_in_breadcrumbs(t)) {
        meta.author = Some(author);
        meta.guesses.push(("author", "猜测：取自页面的“当前位置”".into()));
    }
    let start = stamp.or(title_at).map_or(0, |i| i + 1);
    let mut blocks = Vec::new();
    for (item, text) in items.into_iter().zip(&texts).skip(start) {
        match item {
            Item::Table(rows, line) => blocks.push(Block::Table { rows, line }),
            Item::Line(_, line) => {
                if END.iter().any(|e| text.starts_with(e)) || text == "附件:" || text == "附件：" {
                    break;
                }
                if !text.is_empty() && !is_chrome(text) {
                    blocks.push(Block::Para { text: text.clone(), line, heading: None });
                }
            }
        }
    }
    take_signature(&mut meta, &mut blocks);
    Ok(Source { meta, blocks })
}

/// A line without its indent (spaces, full-width spaces, `&nbsp;`) and
/// control characters.
fn clean(line: &str) -> String {
    let text: String = line.chars().filter(|c| !c.is_control()).collect();
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}').to_string()
}

fn is_chrome(text: &str) -> bool {
    CHROME.iter().any(|c| text.starts_with(c)) || text.starts_with('•') || text.chars().count() <= 1
}

/// A line that can be a title: short, not a sentence.
fn is_title(text: &str) -> bool {
    text.chars().count() <= 60 && !text.ends_with('。')
}

/// `2022-01-25` from `…2022-01-25 11:58…` or `2022年1月25日`.
pub fn date_in(text: &str) -> Option<String> {
    let digits: Vec<(usize, &str)> = number_runs(text);
    digits.windows(3).find_map(|w| {
        let [(_, y), (_, m), (_, d)] = [w[0], w[1], w[2]];
        let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let consecutive = w[1].0 - (w[0].0 + w[0].1.len()) <= 3 && w[2].0 - (w[1].0 + w[1].1.len()) <= 3;
        ((1900..2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) && consecutive)
            .then(|| format!("{y:04}-{m:02}-{d:02}"))
    })
}

/// The runs of ASCII digits in `text`, with their byte offsets.
fn number_runs(text: &str) -> Vec<(usize, &str)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The issuing body named in `首页 > … > 某某街道办事处 > 栏目`: the last
/// crumb that names an office.
fn issuer_in_breadcrumbs(text: &str) -> Option<String> {
    if !text.contains("位置") || !text.contains('>') {
        return None;
    }
    text.split(['>', '›', '»']).map(str::trim).rfind(|c| is_office(c)).map(str::to_string)
}

/// A name that ends as offices' names do.
fn is_office(name: &str) -> bool {
    const ENDS: [&str; 10] = ["办事处", "人民政府", "委员会", "办公室", "局", "厅", "中心", "街道", "镇政府", "党委"];
    (4..=30).contains(&name.chars().count()) && ENDS.iter().any(|e| name.ends_with(e))
}

/// A signature at the article's end (the office, then the date) goes to
/// the title block.
fn take_signature(meta: &mut Meta, blocks: &mut Vec<Block>) {
    let [.., Block::Para { text: name, .. }, Block::Para { text: date, .. }] = blocks.as_slice() else { return };
    let Some(found) = date_in(date).filter(|_| date.chars().count() <= 16 && is_office(name)) else { return };
    if meta.author.is_none() {
        meta.author = Some(name.clone());
    }
    meta.date.get_or_insert(found);
    blocks.truncate(blocks.len() - 2);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_sites_print_them() {
        assert_eq!(date_in("来源:本网 发布时间:2022-01-25 11:58:41").as_deref(), Some("2022-01-25"));
        assert_eq!(date_in("2022年1月5日").as_deref(), Some("2022-01-05"));
        assert_eq!(date_in("第3期 12345热线"), None);
    }

    #[test]
    fn the_article_between_the_chrome() {
        let page = "选择语言\n您当前所在位置: 首页 > 机构 > 某某街道办事处 > 政府工作报告\n\n2021年工作总结\n\n\
                    来源:本网 发布时间:2022-01-25 11:58:41 阅读次数:-\n字体大小:\n\n  第一段。\n\n  第二段。\n\n附件:\n\n扫一扫\n";
        let source = read(page).unwrap();
        assert_eq!(source.meta.title.as_deref(), Some("2021年工作总结"));
        assert_eq!(source.meta.author.as_deref(), Some("某某街道办事处"));
        assert_eq!(source.meta.date.as_deref(), Some("2022-01-25"));
        let paras: Vec<&str> =
            source.blocks.iter().map(|b| if let Block::Para { text, .. } = b { text.as_str() } else { "" }).collect();
        assert_eq!(paras, ["第一段。", "第二段。"]);
    }
}
