//! Web pages: the page's text as the lines a reader sees, the way a
//! browser breaks it into blocks, with the chrome that is markup (scripts,
//! navigation, forms, footers) left out and tables kept as tables; then
//! read as text is (`text::read_lines`).

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::text::Item;

/// Elements whose content is never the article's.
const SKIPPED: [&str; 12] =
    ["script", "style", "noscript", "template", "head", "nav", "footer", "aside", "form", "select", "button", "iframe"];

/// Elements that start and end a line.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "main",
    "header",
    "dt",
    "dd",
    "blockquote",
    "center",
    "tr",
    "td",
    "th",
    "caption",
    "figure",
];

/// The page's lines, each with the line of the page's source its text
/// starts on (where it can be found there).
pub fn lines(page: &str) -> Vec<Item> {
    let document = Html::parse_document(page);
    let mut walk = Walk { items: Vec::new(), line: String::new(), page };
    if let Some(title) = title(&document) {
        // The page's <title> stands in for a title the text does not give.
        walk.items.push(Item::Line(title, 1));
    }
    walk.node(document.tree.root());
    walk.flush();
    walk.items
}

/// `<meta name="ArticleTitle">`, which Chinese government sites' CMSs
/// write, else `<title>` without the site's name after `-`, `_` or `|`.
fn title(document: &Html) -> Option<String> {
    let selector = |s: &str| scraper::Selector::parse(s).expect("a valid selector");
    let meta = document.select(&selector(r#"meta[name="ArticleTitle"]"#)).next();
    if let Some(content) = meta.and_then(|m| m.value().attr("content")).filter(|c| !c.trim().is_empty()) {
        return Some(content.trim().to_string());
    }
    let title: String = document.select(&selector("title")).next()?.text().collect();
    let first = title.split(['-', '_', '|']).next()?.trim();
    (!first.is_empty()).then(|| first.to_string())
}

struct Walk<'a> {
    items: Vec<Item>,
    line: String,
    page: &'a str,
}

impl Walk<'_> {
    fn node(&mut self, node: NodeRef<Node>) {
        match node.value() {
            Node::Text(text) => self.text(text),
            Node::Element(element) => {
                let name = element.name();
                if SKIPPED.contains(&name) {
                    return;
                }
                if name == "br" {
                    return self.flush();
                }
                if name == "table" && !is_layout(node) {
                    self.flush();
                    let rows = table_rows(node);
                    let line = self.source_line(rows.first().and_then(|r| r.first()).map_or("", String::as_str));
                    return self.items.push(Item::Table(rows, line));
                }
                let block = BLOCKS.contains(&name);
                let bold = matches!(name, "strong" | "b");
                if block {
                    self.flush();
                }
                let before = self.line.len();
                self.children(node);
                if bold && self.line[before..].trim().chars().count() > 0 {
                    let inner = self.line[before..].trim().to_string();
                    self.line.truncate(before);
                    self.line.push_str(&format!("**{inner}**"));
                }
                if block {
                    self.flush();
                }
            }
            _ => self.children(node),
        }
    }

    fn children(&mut self, node: NodeRef<Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    /// Text as a browser shows it: runs of white space as one space
    /// (`&nbsp;` kept: it is an indent, trimmed with the line).
    fn text(&mut self, text: &str) {
        for c in super::literal_stars(text).chars() {
            if c.is_ascii_whitespace() {
                if !self.line.ends_with(' ') && !self.line.is_empty() {
                    self.line.push(' ');
                }
            } else {
                self.line.push(c);
            }
        }
    }

    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        if !line.trim().is_empty() {
            let number = self.source_line(&line);
            self.items.push(Item::Line(line, number));
        }
    }

    /// The line of the page's source where `text`'s first characters are.
    fn source_line(&self, text: &str) -> usize {
        let probe: String = text.trim_start_matches(['*', ' ', '\u{a0}']).chars().take(8).collect();
        match self.page.find(&probe).filter(|_| !probe.is_empty()) {
            Some(at) => self.page[..at].matches('\n').count() + 1,
            None => 0,
        }
    }
}

/// A table used to lay the page out rather than to hold data: it holds
/// paragraphs, other tables, or long text.
fn is_layout(table: NodeRef<Node>) -> bool {
    table.descendants().skip(1).any(|n| match n.value() {
        Node::Element(e) => matches!(e.name(), "table" | "p" | "div" | "h1" | "h2" | "h3"),
        Node::Text(t) => t.chars().count() > 200,
        _ => false,
    })
}

/// The rows of a data table, each cell's text with its white space
/// collapsed.
fn table_rows(table: NodeRef<Node>) -> Vec<Vec<String>> {
    let element = |n: &NodeRef<Node>, names: &[&str]| n.value().as_element().is_some_and(|e| names.contains(&e.name()));
    let rows = table.descendants().filter(|n| element(n, &["tr"]));
    rows.map(|row| {
        let cells = row.children().filter(|n| element(n, &["td", "th"]));
        cells
            .map(|cell| {
                let text: String =
                    cell.descendants().filter_map(|n| n.value().as_text().map(|t| t.to_string())).collect();
                text.split_whitespace().collect::<Vec<_>>().join(" ").trim_matches('\u{a0}').to_string()
            })
            .collect()
    })
    .filter(|cells: &Vec<String>| cells.iter().any(|c| !c.is_empty()))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(page: &str) -> Vec<String> {
        lines(page).into_iter().filter_map(|i| if let Item::Line(t, _) = i { Some(t) } else { None }).collect()
    }

    #[test]
    fn blocks_are_lines_and_markup_chrome_is_left_out() {
        let page = "<html><head><title>总结 - 某网站</title><script>var x = '不是正文';</script></head><body>\
                    <nav>首页 栏目</nav><p>&nbsp;&nbsp;第一段<strong>加粗。</strong>后文。</p><p>第二<br>第三</p>\
                    <table><tr><th>项目</th><th>数量</th></tr><tr><td>电梯</td><td>84</td></tr></table>\
                    <footer>版权所有</footer></body></html>";
        let items = lines(page);
        assert_eq!(texts(page), ["总结", "\u{a0}\u{a0}第一段**加粗。**后文。", "第二", "第三"]);
        let table = items.iter().find_map(|i| if let Item::Table(rows, _) = i { Some(rows.clone()) } else { None });
        assert_eq!(table.unwrap(), [["项目", "数量"], ["电梯", "84"]]);
    }
}
