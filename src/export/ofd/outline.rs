//! The outline (书签) from the headings, as the PDF's bookmarks: nested by
//! level, each a jump to its heading's page and place.

use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::{Introspector, PagedPosition};
use typst::model::{HeadingElem, OutlineNode};
use typst_layout::PagedDocument;

use crate::export::xml::{escape, num};

/// `<ofd:Outlines>`, or nothing if no heading is bookmarked.
pub fn of(pages: &PagedDocument, page_ids: &[u32]) -> String {
    let introspector = pages.introspector();
    let elems = introspector.query(&HeadingElem::ELEM.select());
    let flat: Vec<_> = elems
        .iter()
        .filter_map(|elem| {
            let heading = elem.to_packed::<HeadingElem>()?;
            let level = heading.resolve_level(StyleChain::default());
            let bookmarked = heading
                .bookmarked
                .get(StyleChain::default())
                .unwrap_or_else(|| heading.outlined.get(StyleChain::default()));
            Some((heading, level, bookmarked))
        })
        .collect();
    let tree = OutlineNode::build_tree(flat);
    if tree.is_empty() {
        return String::new();
    }
    let list: String = tree.iter().map(|node| element(node, pages, page_ids)).collect();
    format!("<ofd:Outlines>{list}</ofd:Outlines>")
}

fn element(
    node: &OutlineNode<&typst::foundations::Packed<HeadingElem>>,
    pages: &PagedDocument,
    page_ids: &[u32],
) -> String {
    let heading = node.entry;
    let position =
        heading.location().and_then(|loc| pages.introspector().position(loc)).unwrap_or(PagedPosition::ORIGIN);
    let text = heading.body.plain_text();
    let title = match &heading.numbers {
        Some(numbers) => format!("{numbers} {text}"),
        None => text.to_string(),
    };
    let page = page_ids.get(position.page.get() - 1).copied().unwrap_or(1);
    let children: String = node.children.iter().map(|child| element(child, pages, page_ids)).collect();
    format!(
        r#"<ofd:OutlineElem Title="{}"><ofd:Actions><ofd:Action Event="CLICK"><ofd:Goto><ofd:Dest Type="XYZ" PageID="{page}" Left="{}" Top="{}"/></ofd:Goto></ofd:Action></ofd:Actions>{children}</ofd:OutlineElem>"#,
        escape(title.trim()),
        num(position.point.x),
        num(position.point.y)
    )
}
