//! The figures of the text: every number with its unit (336家次, 10.5亿元,
//! 96.8%, 1.56万宗) becomes a metric, referred to as `{{id}}` where it
//! stood; a rank after it (全区排名第二) becomes its `rank`, a 同比增长 x% its
//! `change`. Years, dates, ordinals (第3期, 图1), ranges (1-3个), figures inside
//! names (5G, 12345热线, “15分钟政务服务圈”) stay text, and a number with
//! no unit is reported, not guessed at.

use std::collections::HashMap;

use super::outline::{Outline, Para};
use super::words::{change_at, is_part_of_name, label_after, label_of, rank_at, unit_at};
use crate::report::number;

/// A metric found in the text.
#[derive(Debug, Clone)]
pub struct Metric {
    pub id: String,
    pub label: String,
    pub value: f64,
    pub decimals: Option<u8>,
    pub unit: String,
    pub rank: Option<String>,
    /// In percent.
    pub change: Option<f64>,
    pub group: String,
    /// Why a field is a guess, for a comment.
    pub guess: Option<String>,
}

/// A number left as text, for `baogao import --check`.
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub line: usize,
    pub figure: String,
    pub why: &'static str,
}

pub struct Found {
    pub metrics: Vec<Metric>,
    pub unplaced: Vec<Unplaced>,
}

/// Rewrites the outline's text with references; returns the metrics.
pub fn extract(outline: &mut Outline, previous: &[(String, String, String)]) -> Found {
    let mut book = Book { metrics: Vec::new(), unplaced: Vec::new(), previous, seen: HashMap::new() };
    book.paras(&mut outline.summary, "概述");
    for section in &mut outline.sections {
        let group = section.title.clone();
        book.paras(&mut section.body, &group);
        for sub in &mut section.subs {
            book.paras(&mut sub.body, &group);
        }
    }
    Found { metrics: book.metrics, unplaced: book.unplaced }
}

struct Book<'a> {
    metrics: Vec<Metric>,
    unplaced: Vec<Unplaced>,
    previous: &'a [(String, String, String)],
    /// (label, value, unit) → index: the same figure said twice is one metric.
    seen: HashMap<(String, String, String), usize>,
}

impl Book<'_> {
    fn paras(&mut self, paras: &mut [Para], group: &str) {
        for para in paras {
            // `{{` the document writes is text, not a reference.
            para.text = self.rewrite(&para.text.replace("{{", "\\{{"), para.line, group);
        }
    }

    /// `text` with its figures as references.
    fn rewrite(&mut self, text: &str, line: usize, group: &str) -> String {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut out = String::with_capacity(text.len() + 64);
        let mut in_sentence: Vec<usize> = Vec::new();
        let (mut quoted, mut i) = (0i32, 0);
        while i < chars.len() {
            let (at, c) = chars[i];
            let rest = &text[at..];
            match c {
                '“' | '《' | '「' | '‘' => quoted += 1,
                '”' | '》' | '」' | '’' => quoted = (quoted - 1).max(0),
                '。' | '！' | '？' | '；' | ';' => in_sentence.clear(),
                _ => {}
            }
            // A reference right after `{` or `\` would read as `{{{` or
            // as the escape `\{{`: what stands there stays text.
            let free = !out.ends_with(['{', '\\']);
            if quoted == 0 && free {
                if let Some((len, rank)) = rank_at(rest)
                    && let Some(&m) = in_sentence.iter().rev().find(|&&m| self.metrics[m].rank.is_none())
                {
                    self.metrics[m].rank = Some(rank);
                    out.push_str(&format!("{{{{{}.rank}}}}", self.metrics[m].id));
                    i += len;
                    continue;
                }
                if let Some((len, year, change)) = change_at(rest)
                    && let Some(&m) = in_sentence.iter().rev().find(|&&m| self.metrics[m].change.is_none())
                {
                    self.metrics[m].change = Some(change);
                    out.push_str(&format!("同比{year}{{{{{}.growth}}}}", self.metrics[m].id));
                    i += len;
                    continue;
                }
            }
            if c.is_ascii_digit() && (i == 0 || !is_part_of_name(chars[i - 1].1)) {
                let (taken, placed) = self.figure(text, &chars, i, quoted > 0 || !free, &out, line, group);
                match placed {
                    Some(m) => {
                        in_sentence.push(m);
                        out.push_str(&format!("{{{{{}}}}}", self.metrics[m].id));
                    }
                    None => out.push_str(&text[at..chars.get(i + taken).map_or(text.len(), |c| c.0)]),
                }
                i += taken;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    /// The figure starting at char `i`: how many chars it takes, and the
    /// metric it is, if it is one.
    #[allow(clippy::too_many_arguments)]
    fn figure(
        &mut self,
        text: &str,
        chars: &[(usize, char)],
        i: usize,
        quoted: bool,
        before: &str,
        line: usize,
        group: &str,
    ) -> (usize, Option<usize>) {
        let mut end = i;
        while end < chars.len() && chars[end].1.is_ascii_digit() {
            end += 1;
        }
        let grouped = |k: usize| {
            chars.get(k).is_some_and(|c| c.1 == ',')
                && (1..=3).all(|d| chars.get(k + d).is_some_and(|c| c.1.is_ascii_digit()))
                && !chars.get(k + 4).is_some_and(|c| c.1.is_ascii_digit())
        };
        if grouped(end) {
            // 3,967.67: a metric prints its figure ungrouped unless the whole
            // report groups them, so this one is left as written.
            while grouped(end) {
                end += 4;
            }
            while end < chars.len() && (chars[end].1.is_ascii_digit() || chars[end].1 == '.') {
                end += 1;
            }
            let written = text[chars[i].0..chars.get(end).map_or(text.len(), |c| c.0)].to_string();
            self.unplaced.push(Unplaced {
                line,
                figure: written,
                why: "written with a thousands separator: left as text",
            });
            return (end - i, None);
        }
        if end + 1 < chars.len() && chars[end].1 == '.' && chars[end + 1].1.is_ascii_digit() {
            end += 1;
            while end < chars.len() && chars[end].1.is_ascii_digit() {
                end += 1;
            }
        }
        let byte = |k: usize| chars.get(k).map_or(text.len(), |c| c.0);
        let written = &text[byte(i)..byte(end)];
        let next = chars.get(end).map(|c| c.1);
        let after_next = chars.get(end + 1).map(|c| c.1);
        let prev = i.checked_sub(1).map(|k| chars[k].1);
        let text_only = quoted
            || next.is_some_and(|c| c.is_ascii_alphabetic() || "年月日时号期届批版点:：".contains(c))
            || prev.is_some_and(|c| "第图表".contains(c))
            || (next.is_some_and(|c| "-~—至到".contains(c)) && after_next.is_some_and(|c| c.is_ascii_digit()))
            || prev.is_some_and(|c| "-~—".contains(c));
        if text_only {
            return (end - i, None);
        }
        let rest = &text[byte(end)..];
        let Some(unit) = unit_at(rest) else {
            self.unplaced.push(Unplaced { line, figure: written.to_string(), why: "no unit after it: left as text" });
            return (end - i, None);
        };
        let taken = end - i + unit.chars().count();
        (taken, Some(self.metric(written, unit, before, &rest[unit.len()..], group)))
    }

    /// The metric of `written` `unit` whose label is the words `before` it.
    fn metric(&mut self, written: &str, unit: &str, before: &str, after: &str, group: &str) -> usize {
        let (label, guess) = match (label_of(before), label_after(after)) {
            (Some(label), Some(next)) if label.ends_with('等') || label.ends_with("辖内") => {
                (next, Some(format!("猜测：名称取自数字后的词语（前文为“{label}”）")))
            }
            (Some(label), _) => (label, None),
            (None, Some(next)) => (next, Some("猜测：名称取自数字后的词语".to_string())),
            (None, None) => (format!("数值{}", self.metrics.len() + 1), Some("猜测：前后文无可作名称的词".to_string())),
        };
        let key = (label.clone(), written.to_string(), unit.to_string());
        if let Some(&m) = self.seen.get(&key) {
            return m;
        }
        let value: f64 = written.parse().unwrap_or(0.0);
        let decimals = written.split_once('.').map(|(_, f)| f.len() as u8);
        let decimals = decimals.filter(|_| number::format(value, None, false) != written);
        let id = self.id_for(&label, unit);
        self.metrics.push(Metric {
            id,
            label,
            value,
            decimals,
            unit: unit.to_string(),
            rank: None,
            change: None,
            group: group.to_string(),
            guess,
        });
        self.seen.insert(key, self.metrics.len() - 1);
        self.metrics.len() - 1
    }

    /// Last year's id for the label in the same unit if there is one, else
    /// the label as an id; made unique with `_2`, `_3` ….
    fn id_for(&self, label: &str, unit: &str) -> String {
        let from_last_year = self.previous.iter().find(|(_, l, u)| l == label && u == unit).map(|(id, ..)| id.clone());
        let reused = from_last_year.is_some();
        let base =
            from_last_year.unwrap_or_else(|| label.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect());
        let base = if base.is_empty() { format!("数值{}", self.metrics.len() + 1) } else { base };
        // Last year's ids are taken too, unless this is that metric: the
        // same id in another unit would be an error in the build.
        let last_years = |id: &str| !reused && self.previous.iter().any(|(p, ..)| p == id);
        let taken = |id: &str| self.metrics.iter().any(|m| m.id == id) || last_years(id);
        if !taken(&base) {
            return base;
        }
        (2..).map(|n| format!("{base}_{n}")).find(|id| !taken(id)).expect("a free id")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(text: &str) -> (String, Vec<Metric>, Vec<Unplaced>) {
        let previous = Vec::new();
        let mut book = Book { metrics: Vec::new(), unplaced: Vec::new(), previous: &previous, seen: HashMap::new() };
        let out = book.rewrite(text, 3, "经济");
        (out, book.metrics, book.unplaced)
    }

    #[test]
    fn figures_with_units_become_metrics_named_by_the_words_before_them() {
        let (text, metrics, _) =
            rewrite("全年共走访慰问企业336家次，签约金额达10.5亿元，签约率96.8%，治理问题1.56万宗。");
        assert_eq!(
            text,
            "全年共走访慰问企业{{走访慰问企业}}，签约金额达{{签约金额}}，签约率{{签约率}}，治理问题{{治理问题}}。"
        );
        let shown: Vec<(&str, f64, &str)> =
            metrics.iter().map(|m| (m.label.as_str(), m.value, m.unit.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("走访慰问企业", 336.0, "家次"),
                ("签约金额", 10.5, "亿元"),
                ("签约率", 96.8, "%"),
                ("治理问题", 1.56, "万宗")
            ]
        );
    }

    #[test]
    fn ranks_and_changes_pair_with_their_figure() {
        let (text, metrics, _) =
            rewrite("注册企业3532家，全区排名第二；接警情2930起，同比下降25.3%；诈骗908起，同比2020年增长5%。");
        assert_eq!(
            text,
            "注册企业{{注册企业}}，{{注册企业.rank}}；接警情{{接警情}}，同比{{接警情.growth}}；诈骗{{诈骗}}，同比2020年{{诈骗.growth}}。"
        );
        assert_eq!(metrics[0].rank.as_deref(), Some("全区排名第二"));
        assert_eq!((metrics[1].change, metrics[2].change), (Some(-25.3), Some(5.0)));
    }

    #[test]
    fn years_dates_ordinals_ranges_and_names_stay_text() {
        let source = "2021年3月10日第3期，建成5G基站，拨打12345热线，“15分钟政务服务圈”，有1-3个党小组。";
        let (text, metrics, unplaced) = rewrite(source);
        assert_eq!(text, source);
        assert!(metrics.is_empty());
        assert_eq!(unplaced.len(), 1, "{unplaced:?}");
        assert_eq!(unplaced[0].figure, "12345");
    }

    #[test]
    fn about_and_more_stay_with_the_figure_and_trailing_zeros_are_kept() {
        let (text, metrics, _) = rewrite("走访对象1100多人次，资金10.50万元。");
        assert_eq!(text, "走访对象{{走访对象}}，资金{{资金}}。");
        assert_eq!(metrics[0].unit, "多人次");
        assert_eq!(metrics[1].decimals, Some(2));
    }
}
