//! HTML: the report as one web page, for the office's web site. Unlike the
//! other formats it is not made from typst's pages but from the resolved
//! document, the same data the Typst templates read, through a minijinja
//! template (`templates/html/report.html.j2`, or a report's own).
//!
//! Text is data here too: every value is HTML-escaped as it is printed,
//! whatever the template's name, so `<script>` in a report is text.

use std::collections::HashMap;

use base64::Engine;
use minijinja::{Environment, Error, ErrorKind, Value, context};
use serde_json::Value as Json;

use crate::report::document::Document;
use crate::report::picture::Picture;
use crate::typeset::data;

/// The built-in HTML template, which `baogao init --eject` writes out.
pub const BUILTIN: &str = include_str!("../../templates/html/report.html.j2");

/// The name a report's own template goes by in messages.
pub const BUILTIN_NAME: &str = "report.html.j2";

/// What the page is made with.
pub struct Options<'a> {
    /// The Typst template's name (`report`, `gongwen`, `briefing`), whose
    /// layout of the title block and the end matter the page follows; a
    /// report's own Typst template gets `report`'s.
    pub layout: &'a str,
    /// Only the `<article>`, to paste into a site's content system.
    pub fragment: bool,
    /// A report's own template (`html_template:`): its path and text.
    pub template: Option<(&'a str, &'a str)>,
}

/// A template that could not be rendered: its name, line and the reason.
#[derive(Debug)]
pub struct TemplateError {
    pub name: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The page's bytes.
pub fn export(document: &Document, options: &Options) -> Result<Vec<u8>, TemplateError> {
    let (name, source) = options.template.unwrap_or((BUILTIN_NAME, BUILTIN));
    let mut env = environment();
    let pictures: HashMap<String, String> = document.pictures.iter().map(|p| (p.path.clone(), data_url(p))).collect();
    env.add_function("picture", move |src: &str| pictures.get(src).cloned().unwrap_or_default());
    let mut report: serde_json::Value =
        serde_json::from_slice(&data::whole(document)).expect("the document's JSON reads back");
    let rich = number_figures(&mut report) || !document.pictures.is_empty() || uses_new_blocks(&report);
    let page = env
        .render_named_str(
            name,
            source,
            context! { report, rich, layout => options.layout, fragment => options.fragment },
        )
        .map_err(|e| template_error(name, &e))?;
    Ok(tidy(&page).into_bytes())
}

/// An environment that escapes every value for HTML and knows baogao's
/// numbering and dates.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A tag on a line of its own leaves no blank line or indent in the
    // text; inline text must not gain spaces, which a browser would show
    // between Han characters.
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_function("part_number", |n: u32| format!("{}、", chinese(n)));
    env.add_function("subpart_number", |n: u32| format!("（{}）", chinese(n)));
    env.add_function("date_text", date_text);
    env.add_function("date_iso", date_iso);
    env.add_function("bar", bar);
    env.add_function("level_number", |level: u32, n: u32| match level {
        1 => format!("{}、", chinese(n)),
        2 => format!("（{}）", chinese(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    });
    env
}

/// A picture as a `data:` URL. The page stays one file that asks for
/// nothing; the photos are resampled for print already, so a third more
/// for base64 is a few hundred kilobytes a photo.
fn data_url(p: &Picture) -> String {
    format!("data:{};base64,{}", p.kind.mime(), base64::engine::general_purpose::STANDARD.encode(&p.bytes))
}

/// Numbers captioned figures (图N) and titled tables (表N) through the
/// report, in the order the PDF's counters meet them: the summary, each
/// section's blocks before its parts', then the appendix. Whether anything
/// was numbered.
fn number_figures(report: &mut Json) -> bool {
    let mut numbers = Numbers::default();
    numbers.blocks(report.get_mut("summary_blocks"));
    for s in report["sections"].as_array_mut().into_iter().flatten() {
        numbers.part(s);
    }
    for a in report["appendix"].as_array_mut().into_iter().flatten() {
        numbers.blocks(a.get_mut("blocks"));
    }
    numbers.figures + numbers.tables > 0
}

/// The figures and tables numbered so far.
#[derive(Default)]
struct Numbers {
    figures: u32,
    tables: u32,
}

impl Numbers {
    fn part(&mut self, section: &mut Json) {
        self.blocks(section.get_mut("blocks"));
        for sub in section["subsections"].as_array_mut().into_iter().flatten() {
            self.part(sub);
        }
    }

    fn blocks(&mut self, blocks: Option<&mut Json>) {
        for b in blocks.and_then(Json::as_array_mut).into_iter().flatten() {
            match b["kind"].as_str() {
                Some("image") => self.figure(b),
                Some("images") => {
                    let rows = b["rows"].as_array_mut().into_iter().flatten();
                    rows.flat_map(|r| r.as_array_mut().into_iter().flatten()).for_each(|f| self.figure(f));
                }
                Some("table") if !b["title"].is_null() => {
                    self.tables += 1;
                    b["number"] = self.tables.into();
                }
                _ => {}
            }
        }
    }

    fn figure(&mut self, f: &mut Json) {
        if !f["caption"].is_null() {
            self.figures += 1;
            f["number"] = self.figures.into();
        }
    }
}

/// Whether the report has a block other than text, or a chart other than
/// bars, anywhere.
fn uses_new_blocks(value: &Json) -> bool {
    match value {
        Json::Object(map) => {
            let kind = map.get("kind").and_then(Json::as_str);
            matches!(kind, Some("image" | "images" | "table" | "list" | "column" | "line" | "pie"))
                || map.values().any(uses_new_blocks)
        }
        Json::Array(items) => items.iter().any(uses_new_blocks),
        _ => false,
    }
}

/// `2022年1月25日` of a date `{year, month, day}`, as the PDF prints it.
fn date_text(date: Value) -> Result<String, Error> {
    let [year, month, day] = ymd(&date)?;
    Ok(format!("{year}年{month}月{day}日"))
}

/// `2022-01-25`, for `<time datetime>`.
fn date_iso(date: Value) -> Result<String, Error> {
    let [year, month, day] = ymd(&date)?;
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

fn ymd(date: &Value) -> Result<[i64; 3], Error> {
    let field = |name: &str| -> Result<i64, Error> {
        i64::try_from(date.get_attr(name)?).map_err(|_| Error::new(ErrorKind::InvalidOperation, "not a date"))
    };
    Ok([field("year")?, field("month")?, field("day")?])
}

/// A bar's length in a chart: `value`'s share of `max` (the scale's end)
/// of `room`, one decimal.
fn bar(value: f64, max: f64, room: f64) -> String {
    let share = if max > 0.0 { (value / max).clamp(0.0, 1.0) } else { 0.0 };
    format!("{:.1}", share * room)
}

/// `n` in Chinese numerals as typst's `numbering("一", n)` writes them:
/// 一 … 十, 十一, 二十一, 一百零一.
pub fn chinese(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = String::new();
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let place = digits.len() - 1 - i;
        if d == 0 {
            zero = true;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // 十一, not 一十一, when ten is the highest place.
        if !(d == 1 && place == 1 && i == 0) {
            out.push(DIGITS[d]);
        }
        out.push_str(UNITS[place]);
    }
    out
}

/// The page without the blank lines the template's tags leave, so the
/// file reads well and stays the same bytes for the same report.
fn tidy(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for line in page.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn template_error(name: &str, e: &Error) -> TemplateError {
    let mut message = e.detail().map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message.push_str(&format!(" ({inner})"));
        source = inner.source();
    }
    TemplateError { name: e.name().unwrap_or(name).to_string(), line: e.line(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals_as_typst_writes_them() {
        let cases = [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (100, "一百")];
        for (n, text) in cases.into_iter().chain([(101, "一百零一"), (110, "一百一十"), (1005, "一千零五")])
        {
            assert_eq!(chinese(n), text, "{n}");
        }
    }

    #[test]
    fn bars_are_shares_of_the_scale() {
        assert_eq!(bar(336.0, 336.0, 300.0), "300.0");
        assert_eq!(bar(1.0, 3.0, 100.0), "33.3");
        assert_eq!(bar(5.0, 0.0, 100.0), "0.0");
    }
}
