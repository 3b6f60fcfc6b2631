//! Typst's layout engine.

mod document;
mod flow;
mod grid;
mod image;
mod inline;
mod introspect;
mod lists;
mod math;
mod modifiers;
mod pad;
mod pages;
mod repeat;
mod rules;
mod shapes;
mod stack;
mod transforms;

pub use self::document::{Page, PagedDocument};
pub use self::flow::{layout_fragment, layout_frame};
pub use self::introspect::PagedIntrospector;
pub use self::pages::{layout_document, layout_document_for_bundle};
pub use self::rules::register;

/// baogao: whether a table's or grid's cell is laid out through a cache
/// entry of its own, tags and body together (off unless asked for).
static MEMOIZE_CELLS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// baogao: lays every cell out through a cache entry of its own from now
/// on, for a watch, whose rebuilds then take an unchanged cell in one
/// lookup instead of several; a fresh build pays for recording the extra
/// entries and gains nothing, so it leaves this off.
pub fn memoize_cells(on: bool) {
    MEMOIZE_CELLS.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn memoizes_cells() -> bool {
    MEMOIZE_CELLS.load(std::sync::atomic::Ordering::Relaxed)
}

/// baogao: applies `f` to every item, side by side on rayon's threads
/// through typst's own `Engine::parallelize` (a sink per item, merged back
/// in order), or on this thread when there is only one. The results come
/// in the items' order.
pub(crate) fn side_by_side<T, U, F>(
    engine: &mut typst_library::engine::Engine,
    items: Vec<T>,
    f: F,
) -> Vec<U>
where
    T: Send,
    U: Send,
    F: Fn(&mut typst_library::engine::Engine, T) -> U + Send + Sync,
{
    if items.len() < 2 {
        items.into_iter().map(|item| f(engine, item)).collect()
    } else {
        engine.parallelize(items, f).collect()
    }
}
