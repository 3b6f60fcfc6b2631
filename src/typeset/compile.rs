//! typst's compile loop, started from the last build's document.
//!
//! typst lays a document out again until what it looks up about itself
//! (page numbers in the table of contents and footers, markers of blank
//! pages) stops changing. `typst::compile` starts every compile knowing
//! nothing, so every build lays the report out at least twice. In a watch,
//! the last build's document is a far better first guess: after an edit to
//! a figure the pages rarely move, and the first layout is already the last.
//!
//! This is typst's own loop (`compile_impl` in typst 0.15.1's lib.rs) with
//! that one difference. A guess that does not hold costs only the layouts
//! typst would have made anyway, and whether the layout has settled is
//! typst's own check. A fresh build (no last document) is exactly
//! `typst::compile`; a test checks that a watch's rebuild gives the same
//! bytes as a fresh build of the same files.

use comemo::{Track, Tracked};
use ecow::{EcoVec, eco_vec};
use typst::World;
use typst::diag::{SourceDiagnostic, SourceResult, Warned};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{StyleChain, Target, TargetElem};
use typst::introspection::{EmptyIntrospector, Introspector, MAX_ITERS};
use typst::syntax::Span;
use typst::utils::Protected;
use typst_layout::PagedDocument;

/// Compiles the world's main file, taking `last` (the document the last
/// compile of this report produced) as the first guess of its layout. Also
/// gives how many times the document was laid out (`--timings` shows it).
pub fn compile(world: &dyn World, last: Option<&PagedDocument>) -> (Warned<SourceResult<PagedDocument>>, usize) {
    let mut sink = Sink::new();
    let mut layouts = 0;
    let output = compile_impl(world.track(), last, &mut sink, &mut layouts).map_err(deduplicate);
    (Warned { output, warnings: sink.warnings() }, layouts)
}

fn compile_impl(
    world: Tracked<dyn World + '_>,
    last: Option<&PagedDocument>,
    sink: &mut Sink,
    layouts: &mut usize,
) -> SourceResult<PagedDocument> {
    let library = world.library();
    let traced = Traced::default();
    let traced = traced.track();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);

    let main =
        world.source(world.main()).map_err(|e| eco_vec![SourceDiagnostic::error(Span::detached(), e.to_string())])?;
    let content =
        typst_eval::eval(world, library, traced, sink.track_mut(), Route::default().track(), &main)?.content();

    let empty = EmptyIntrospector;
    let first: &dyn Introspector = match last {
        Some(document) => document.introspector().as_ref(),
        None => &empty,
    };
    let mut history: Vec<PagedDocument> = Vec::with_capacity(MAX_ITERS - 1);
    loop {
        let guess = history.last().map_or(first, |d| d.introspector().as_ref() as &dyn Introspector);
        let constraint = comemo::Constraint::new();
        let mut subsink = Sink::new();
        let mut engine = Engine {
            library,
            world,
            introspector: Protected::new(guess.track_with(&constraint)),
            traced,
            sink: subsink.track_mut(),
            route: Route::default(),
        };
        let document = typst_layout::layout_document(&mut engine, &content, styles)?;
        *layouts += 1;

        if constraint.validate(document.introspector().as_ref() as &dyn Introspector) {
            sink.extend_from_sink(subsink);
            return finish(sink, document);
        }
        if history.len() == MAX_ITERS - 1 {
            // Never settled: say which look-ups kept changing, as typst does.
            let mut introspectors = [first; MAX_ITERS + 1];
            for (slot, doc) in introspectors[1..].iter_mut().zip(&history) {
                *slot = doc.introspector().as_ref();
            }
            introspectors[MAX_ITERS] = document.introspector().as_ref();
            let warnings = typst::introspection::analyze(world, introspectors, subsink.introspections());
            sink.extend_from_sink(subsink);
            for warning in warnings {
                sink.warn(warning);
            }
            return finish(sink, document);
        }
        history.push(document);
    }
}

/// Errors typst delays until the layout has settled become errors now.
fn finish(sink: &mut Sink, document: PagedDocument) -> SourceResult<PagedDocument> {
    let delayed = sink.delayed();
    if delayed.is_empty() { Ok(document) } else { Err(delayed) }
}

/// The same error at the same place once, as typst reports it.
fn deduplicate(mut diags: EcoVec<SourceDiagnostic>) -> EcoVec<SourceDiagnostic> {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|diag| seen.insert(typst::utils::hash128(&(&diag.span, &diag.message))));
    diags
}
