//! The document's parts: headings numbered 一、, 一是…。, （一）, 1., （1）
//! or set in Word's heading styles become sections and subsections (the
//! two highest levels the document uses; deeper ones stay paragraphs with
//! their numbered title in bold, as offices run them in), and short lead
//! sentences (营商环境全面优化。) start bold paragraphs.

use super::Block;
use crate::report::text::MAX_PARAGRAPH_CHARS;

#[derive(Debug, Default)]
pub struct Outline {
    /// Paragraphs before the first part.
    pub summary: Vec<Para>,
    pub sections: Vec<Part>,
    pub tables: Vec<Table>,
    pub images: Vec<Image>,
    /// Whether some bold lead sentences were found by their shape.
    pub leads_guessed: bool,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Part {
    pub title: String,
    pub body: Vec<Para>,
    pub subs: Vec<Part>,
}

#[derive(Debug)]
pub struct Table {
    pub title: String,
    pub rows: Vec<Vec<String>>,
    /// The part it stood in.
    pub after: String,
}

#[derive(Debug)]
pub struct Image {
    pub name: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
    pub after: String,
}

/// A numbered heading: its level (1 一、/一是, 2 （一）, 3 1., 4 （1）),
/// number, the text after the number, and whether it runs in (一是…。).
struct Numbered<'a> {
    level: u8,
    number: u32,
    rest: &'a str,
    run_in: bool,
}

pub fn outline(mut blocks: Vec<Block>, warnings: &mut Vec<String>) -> Outline {
    for block in &mut blocks {
        if let Block::Para { text, .. } = block {
            *text = full_width(text);
        }
    }
    let headings = accepted_headings(&blocks);
    let mut levels: Vec<u8> = headings.iter().flatten().copied().collect();
    levels.sort();
    levels.dedup();
    let depth = |level: u8| levels.iter().position(|&l| l == level).unwrap_or(0);
    let mut out = Outline::default();
    for (block, heading) in blocks.into_iter().zip(headings) {
        match block {
            Block::Para { text, line, .. } => match heading {
                Some(level) if depth(level) < 2 => out.heading(&text, line, depth(level) == 1),
                Some(_) => out.push(Para { text: bold_title(&text), line }),
                None => out.paragraph(text, line),
            },
            Block::Table { rows, line } => out.table(rows, line),
            Block::Image { name, bytes, caption, .. } => {
                let after = out.current_title();
                if let Some(caption) = &caption {
                    out.paragraph(caption.clone(), 0);
                }
                out.images.push(Image { name, bytes, caption, after });
            }
        }
    }
    if out.sections.is_empty() {
        warnings.push(
            "no numbered parts (一、 一是 （一） 1. or Word headings) were found: all the text is one section".into(),
        );
        let body = std::mem::take(&mut out.summary);
        out.sections.push(Part { title: "正文".into(), body, subs: Vec::new() });
    }
    out
}

impl Outline {
    /// A table goes to the appendix (the text of a report holds none yet),
    /// named by the short line before it if there is one (表1 项目一览); a
    /// table of one row is only a line of text.
    fn table(&mut self, rows: Vec<Vec<String>>, line: usize) {
        if rows.len() < 2 {
            let text = rows.concat().join(" ");
            if !text.trim().is_empty() {
                self.paragraph(text, line);
            }
            return;
        }
        let body = self.body();
        let caption = body.last().filter(|p| p.text.chars().count() <= 30 && !p.text.contains('。')).is_some();
        let title = match caption {
            true => body.pop().map(|p| p.text.replace("**", "")).unwrap_or_default(),
            false => format!("表{}", self.tables.len() + 1),
        };
        let after = self.current_title();
        self.tables.push(Table { title, rows, after });
    }

    fn current_title(&self) -> String {
        self.sections.last().map(|s| s.subs.last().map_or(&s.title, |sub| &sub.title).clone()).unwrap_or_default()
    }

    /// A section's (or subsection's) heading; a run-in heading's sentences
    /// after its title are its first paragraph.
    fn heading(&mut self, text: &str, line: usize, sub: bool) {
        let text = text.replace("**", "");
        let rest = numbered(&text).map_or(text.as_str(), |n| n.rest);
        let (title, body) = split_title(rest);
        let part = Part { title: title.to_string(), ..Part::default() };
        match self.sections.last_mut() {
            Some(section) if sub => section.subs.push(part),
            _ => self.sections.push(part),
        }
        if let Some(body) = body.filter(|b| !b.trim().is_empty()) {
            self.paragraph(body.trim().to_string(), line);
        }
    }

    /// A paragraph of text, split where a lead sentence starts one.
    fn paragraph(&mut self, text: String, line: usize) {
        let pieces = if text.contains("**") { vec![text] } else { split_at_leads(&text) };
        self.leads_guessed |= pieces.iter().any(|p| p.starts_with("**"));
        for piece in pieces.into_iter().flat_map(|p| split_long(&p)) {
            self.push(Para { text: piece, line });
        }
    }

    fn push(&mut self, para: Para) {
        self.body().push(para);
    }

    /// The paragraphs text goes to now: the last part's, or the summary's.
    fn body(&mut self) -> &mut Vec<Para> {
        match self.sections.last_mut() {
            None => &mut self.summary,
            Some(section) => section.subs.last_mut().map_or(&mut section.body, |sub| &mut sub.body),
        }
    }
}

/// Chinese text with the ASCII punctuation web pages often carry (`,` `;`
/// `:` `(` `)` `?` `!`) in its full-width forms, as clreq sets it, where
/// a Han character stands beside the mark; `1,000` and `a, b` keep theirs.
fn full_width(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let wide = |k: Option<&char>| k.is_some_and(|c| crate::report::text::is_wide(*c));
    let mut out = String::with_capacity(text.len());
    let mut after_full = false;
    for (i, &c) in chars.iter().enumerate() {
        // A full-width mark holds its own space: the one typed after the
        // ASCII mark goes.
        if std::mem::take(&mut after_full) && c == ' ' {
            continue;
        }
        let beside_han = wide(i.checked_sub(1).and_then(|k| chars.get(k))) || wide(chars.get(i + 1));
        let full = match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '(' => '（',
            ')' => '）',
            '?' => '？',
            '!' => '！',
            _ => c,
        };
        after_full = beside_han && full != c;
        out.push(if beside_han { full } else { c });
    }
    out
}

/// The level of each block that is a heading: Word's heading style, or a
/// numbered start whose number follows on from the last at its level.
fn accepted_headings(blocks: &[Block]) -> Vec<Option<u8>> {
    let mut last = [0u32; 5];
    blocks
        .iter()
        .map(|block| {
            let Block::Para { text, heading, .. } = block else { return None };
            if let Some(level) = heading {
                return Some(*level);
            }
            let n = numbered(text.trim_start_matches("**"))?;
            let level = usize::from(n.level);
            let follows = n.number == 1 || n.number == last[level] + 1;
            // A heading that does not run in is a short line of its own.
            let shaped = n.run_in || n.rest.chars().count() <= 40 || n.level >= 3;
            if !follows || !shaped {
                return None;
            }
            last[level] = n.number;
            last[level + 1..].iter_mut().for_each(|l| *l = 0);
            Some(n.level)
        })
        .collect()
}

fn numbered(text: &str) -> Option<Numbered<'_>> {
    let han = |s: &str| {
        s.char_indices().take_while(|(_, c)| "一二三四五六七八九十".contains(*c)).last().map(|(i, c)| i + c.len_utf8())
    };
    let digits = |s: &str| s.char_indices().take_while(|(_, c)| c.is_ascii_digit()).last().map(|(i, _)| i + 1);
    fn make(level: u8, number: Option<u32>, rest: &str, run_in: bool) -> Option<Numbered<'_>> {
        number.map(|number| Numbered { level, number, rest, run_in })
    }
    if let Some(inner) = text.strip_prefix('（').or_else(|| text.strip_prefix('(')) {
        if let Some(end) = han(inner) {
            let rest = inner[end..].strip_prefix('）').or_else(|| inner[end..].strip_prefix(')'))?;
            return make(2, chinese_number(&inner[..end]), rest, false);
        }
        let end = digits(inner)?;
        let rest = inner[end..].strip_prefix('）').or_else(|| inner[end..].strip_prefix(')'))?;
        return make(4, inner[..end].parse().ok(), rest, false);
    }
    if let Some(end) = han(text) {
        let number = chinese_number(&text[..end]);
        if let Some(rest) = text[end..].strip_prefix('、') {
            return make(1, number, rest, false);
        }
        let rest = text[end..].strip_prefix('是')?;
        return make(1, number, rest, true).filter(|_| rest.contains('。'));
    }
    let end = digits(text)?;
    let rest = text[end..].strip_prefix(['.', '．', '、'])?;
    // 1.56万宗 is a figure, not a heading.
    (!rest.starts_with(|c: char| c.is_ascii_digit())).then_some(())?;
    make(3, text[..end].parse().ok(), rest, false)
}

/// 一 … 九十九.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', d] => Some(10 * digit(*t)? + digit(*d)?),
        _ => None,
    }
}

/// A heading's title, and what runs on after it (`经济发展迈上新台阶。营商…`).
fn split_title(rest: &str) -> (&str, Option<&str>) {
    match rest.find('。') {
        Some(end) => (rest[..end].trim(), Some(&rest[end + '。'.len_utf8()..])),
        None => (rest.trim(), None),
    }
}

/// A deeper heading set as offices run it in: its first sentence in bold.
fn bold_title(text: &str) -> String {
    let text = text.replace("**", "");
    match text.char_indices().find(|(_, c)| matches!(c, '。' | '：')) {
        Some((at, c)) => {
            let end = at + c.len_utf8();
            format!("**{}**{}", &text[..end], &text[end..])
        }
        None => format!("**{text}**"),
    }
}

/// The sentences of `text`, each with its full stop.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '。' | '！' | '？') {
            out.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A short sentence of words alone (营商环境全面优化。): a lead.
fn is_lead(sentence: &str) -> bool {
    let words = sentence.trim_end_matches(['。', '！']);
    let n = words.chars().count();
    sentence.ends_with('。')
        && (4..=16).contains(&n)
        && !words.chars().any(|c| c.is_ascii_digit() || "，,；;：:、“”\"（()）《》".contains(c))
}

/// `text` as paragraphs, a new one at each lead sentence followed by more
/// text, the lead in bold.
fn split_at_leads(text: &str) -> Vec<String> {
    let all = sentences(text);
    let mut out: Vec<String> = Vec::new();
    for (i, s) in all.iter().enumerate() {
        if is_lead(s) && i + 1 < all.len() {
            out.push(format!("**{s}**"));
        } else if let Some(last) = out.last_mut() {
            last.push_str(s);
        } else {
            out.push(s.to_string());
        }
    }
    out
}

/// A paragraph longer than baogao typesets, cut at sentences.
fn split_long(text: &str) -> Vec<String> {
    if text.chars().count() <= MAX_PARAGRAPH_CHARS {
        return vec![text.to_string()];
    }
    let mut out = vec![String::new()];
    for s in sentences(text) {
        if out.last().is_some_and(|l| l.chars().count() + s.chars().count() > MAX_PARAGRAPH_CHARS / 2) {
            out.push(String::new());
        }
        out.last_mut().expect("one at least").push_str(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block::Para { text: text.into(), line: 1, heading: None }
    }

    #[test]
    fn ascii_punctuation_beside_han_is_full_width() {
        assert_eq!(full_width("企业336家次,成功(含线上):好!"), "企业336家次，成功（含线上）：好！");
        assert_eq!(full_width("提升3,967.67万元, see (a, b)"), "提升3,967.67万元，see (a, b)");
    }

    #[test]
    fn every_numbering_style_is_a_level() {
        for (text, level, rest) in [
            ("一、经济发展", 1, "经济发展"),
            ("二是城乡功能。其后。", 1, "城乡功能。其后。"),
            ("（三）招商引资", 2, "招商引资"),
            ("(四)招商", 2, "招商"),
            ("12.强化摸排。", 3, "强化摸排。"),
            ("（1）源头防控", 4, "源头防控"),
        ] {
            let n = numbered(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((n.level, n.rest), (level, rest), "{text}");
        }
        assert!(numbered("1.56万宗").is_none() && numbered("2021年，").is_none() && numbered("一是").is_none());
    }

    #[test]
    fn run_in_parts_and_lead_sentences() {
        let blocks = vec![
            para("2021年，总的情况。"),
            para("一是经济发展迈上新台阶。营商环境全面优化。全年走访企业336家次。招商引资取得阶段性成果。签约11个。"),
            para("二是城乡功能实现新提升。城乡建设稳步推进，成效明显。"),
        ];
        let out = outline(blocks, &mut Vec::new());
        assert_eq!(out.summary[0].text, "2021年，总的情况。");
        assert_eq!(out.sections[0].title, "经济发展迈上新台阶");
        let body: Vec<&str> = out.sections[0].body.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(body, ["**营商环境全面优化。**全年走访企业336家次。", "**招商引资取得阶段性成果。**签约11个。"]);
        assert_eq!(out.sections[1].body[0].text, "城乡建设稳步推进，成效明显。");
    }

    #[test]
    fn the_two_highest_levels_are_parts_and_deeper_ones_run_in() {
        let blocks = vec![para("（一）强化防控"), para("1.强化人员摸排。密切关注。"), para("（二）平安建设")];
        let out = outline(blocks, &mut Vec::new());
        assert_eq!(out.sections.len(), 2, "（一） is the top level here");
        assert_eq!(out.sections[0].subs[0].title, "强化人员摸排");
        let blocks = vec![para("一、甲"), para("（一）乙"), para("1.丙。正文。"), para("（1）丁")];
        let out = outline(blocks, &mut Vec::new());
        let sub = &out.sections[0].subs[0];
        assert_eq!(sub.body[0].text, "**1.丙。**正文。");
        assert_eq!(sub.body[1].text, "**（1）丁**");
    }
}
