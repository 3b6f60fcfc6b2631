//! The words around a figure: its unit, the rank or change after it, and
//! the words before (or after) it that name it.

/// Units, longest first (a space between them); 万/亿/千 may stand before
/// any.
const UNITS: &str = "个百分点 平方公里 平方米 人次 家次 场次 户次 批次 个次 车次 宗次 件次 公顷 公里 千米 小时 万元 亿元 % ％ 家 个 宗 人 名 场 次 台 座 项 套 条 户 元 亩 米 吨 辆 份 件 起 所 间 处 支 张 栋 幢 天 岁 册 本 篇 笔 株 棵 只 头 块 部 倍 艘 架 盏 根 箱";

/// Words around a label that are not its name (a space between them).
const LEAD_WORDS: &str = "全年 年内 今年 一年来 同时 其中 累计 共计 合计 总计 共 已 并 全街 成功 在 为 约";
const TAIL_WORDS: &str = "达到 均达 均为 增至 超过 达 为 约 共 计 近 超 逾 有 的 了 是";

/// Characters that make a number part of a name: 5G, G20, v2.
pub(super) fn is_part_of_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '_'
}

/// The unit at the start of `rest`: `多`/`余`, then 万/亿/千 and a unit,
/// or 万/亿 alone.
pub(super) fn unit_at(rest: &str) -> Option<&str> {
    let after_about = rest.strip_prefix(['多', '余']).map_or(0, |_| '多'.len_utf8());
    let tail = &rest[after_about..];
    let scaled = tail.strip_prefix(['万', '亿', '千']).map_or(0, |_| '万'.len_utf8());
    let base = UNITS.split(' ').find(|u| tail[scaled..].starts_with(u)).map_or(0, |u| u.len());
    let len = match (scaled, base) {
        (0, 0) => return None,
        (s, b) => after_about + s + b,
    };
    Some(&rest[..len])
}

/// A rank at `rest`: (排名)全区/全市/全省/全国(排名)第X; its length in
/// chars, and its text.
pub(super) fn rank_at(rest: &str) -> Option<(usize, String)> {
    let lead = if rest.starts_with("排名全") { "排名".len() } else { 0 };
    let area = &rest[lead..];
    if !["全区", "全市", "全省", "全国"].iter().any(|a| area.starts_with(a)) {
        return None;
    }
    let mut j = "全区".len();
    j += area[j..].strip_prefix("排名").map_or(0, |_| "排名".len());
    let after = area[j..].strip_prefix('第')?;
    let digits: usize = after.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).map(char::len_utf8).sum();
    if digits == 0 {
        return None;
    }
    let text = &rest[..lead + j + '第'.len_utf8() + digits];
    // 全市第二批, 全区第一名: an ordinal of something else, not a rank.
    if rest[text.len()..].chars().next().is_some_and(|c| crate::report::text::is_wide(c) && !is_punctuation(c)) {
        return None;
    }
    Some((text.chars().count(), text.to_string()))
}

/// CJK punctuation (wide, but no word).
fn is_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// 同比(2020年)增长/下降 x%: its length in chars, the year's words, and
/// the change in percent.
pub(super) fn change_at(rest: &str) -> Option<(usize, &str, f64)> {
    let after = rest.strip_prefix("同比")?;
    let year_len = match after.get(..4) {
        Some(year) if year.bytes().all(|b| b.is_ascii_digit()) && after[4..].starts_with('年') => 4 + '年'.len_utf8(),
        _ => 0,
    };
    let (year, after) = after.split_at(year_len);
    let (sign, after) = match (after.strip_prefix("增长"), after.strip_prefix("下降")) {
        (Some(a), _) => (1.0, a),
        (_, Some(a)) => (-1.0, a),
        _ => return None,
    };
    let digits: usize = after.chars().take_while(|c| c.is_ascii_digit() || *c == '.').count();
    let figure: f64 = after[..digits].parse().ok()?;
    after[digits..].strip_prefix('%')?;
    let text = &rest[..rest.len() - after.len() + digits + 1];
    Some((text.chars().count(), year, sign * figure))
}

/// The words before a figure in its clause, without the words around
/// names (全年, 累计, 达, 为 …); None if nothing is left.
pub(super) fn label_of(before: &str) -> Option<String> {
    let start = before
        .rmatch_indices(|c: char| "，,。；;：:、（()）！？“”《》\"".contains(c))
        .next()
        .map_or(0, |(at, s)| at + s.len());
    let start = start.max(before.rfind("}}").map_or(0, |at| at + 2)).max(before.rfind("**").map_or(0, |at| at + 2));
    let mut label = before[start..].trim();
    loop {
        let year = label.char_indices().take_while(|(_, c)| c.is_ascii_digit()).count();
        let trimmed = if year == 4 && label[4..].starts_with('年') {
            label[4 + '年'.len_utf8()..].trim_start_matches("以来")
        } else {
            let lead = LEAD_WORDS.split(' ').find(|w| label.starts_with(w));
            let tail = TAIL_WORDS.split(' ').find(|w| label.ends_with(w) && label.len() > w.len());
            match (lead, tail) {
                (Some(w), _) if label.len() > w.len() => &label[w.len()..],
                (_, Some(w)) => &label[..label.len() - w.len()],
                _ => break,
            }
        };
        label = trimmed;
    }
    (label.chars().count() >= 2).then(|| label.to_string())
}

/// The words after a figure in its clause (老旧小区微改造项目 of
/// “等21个老旧小区微改造项目”), at most ten characters, if two or more.
pub(super) fn label_after(after: &str) -> Option<String> {
    let end = after
        .find(|c: char| "，,。；;：:、（()）！？“”《》\"{".contains(c) || c.is_ascii_digit())
        .unwrap_or(after.len());
    let words: String = after[..end].chars().take(10).collect();
    (words.chars().count() >= 2).then_some(words)
}
