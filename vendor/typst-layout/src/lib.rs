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
