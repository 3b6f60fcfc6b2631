use std::num::NonZeroUsize;

use comemo::{Track, Tracked, TrackedMut};
use typst_library::diag::SourceResult;
use typst_library::engine::{Engine, Route, Sink, Traced};
use typst_library::foundations::{
    Content, NativeElement, Resolve, Smart, StyleChain, Styles,
};
use typst_library::introspection::{
    Counter, CounterDisplayElem, CounterKey, Introspector, Locator, LocatorLink,
};
use typst_library::layout::{
    Abs, AlignElem, Alignment, Axes, Binding, ColumnsElem, Dir, Frame, HAlignment,
    Fragment, Length, OuterVAlignment, PageElem, Paper, Region, Regions, Rel, Sides,
    Size, VAlignment,
};
use typst_library::model::Numbering;
use typst_library::pdf::ArtifactKind;
use typst_library::routines::Pair;
use typst_library::text::{LocalName, TextElem};
use typst_library::visualize::Paint;
use typst_library::{Library, World};
use typst_utils::{LazyHash, Numeric, Protected};

use crate::flow::{FlowMode, layout_flow};

/// A mostly finished layout for one page. Needs only knowledge of its exact
/// page number to be finalized into a `Page`. (Because the margins can depend
/// on the page number.)
#[derive(Clone)]
pub struct LayoutedPage {
    pub inner: Frame,
    pub margin: Sides<Abs>,
    pub margin_two_sided: bool,
    pub bleed: Sides<Abs>,
    pub bleed_two_sided: bool,
    pub binding: Binding,
    pub header: Option<Frame>,
    pub footer: Option<Frame>,
    pub background: Option<Frame>,
    pub foreground: Option<Frame>,
    pub fill: Smart<Option<Paint>>,
    pub numbering: Option<Numbering>,
    pub supplement: Content,
}

/// Layout a single page suitable  for parity adjustment.
pub fn layout_blank_page(
    engine: &mut Engine,
    locator: Locator,
    initial: StyleChain,
) -> SourceResult<LayoutedPage> {
    let layouted = layout_page_run(engine, &[], locator, initial)?;
    Ok(layouted.into_iter().next().unwrap())
}

/// Layout a page run with uniform properties.
#[typst_macros::time(name = "page run")]
pub fn layout_page_run(
    engine: &mut Engine,
    children: &[Pair],
    locator: Locator,
    initial: StyleChain,
) -> SourceResult<Vec<LayoutedPage>> {
    layout_page_run_impl(
        engine.world,
        engine.library,
        engine.introspector.into_raw(),
        engine.traced,
        TrackedMut::reborrow_mut(&mut engine.sink),
        engine.route.track(),
        children,
        locator.track(),
        initial,
    )
}

/// The internal implementation of `layout_page_run`.
#[comemo::memoize]
#[allow(clippy::too_many_arguments)]
fn layout_page_run_impl(
    world: Tracked<dyn World + '_>,
    library: &LazyHash<Library>,
    introspector: Tracked<dyn Introspector + '_>,
    traced: Tracked<Traced>,
    sink: TrackedMut<Sink>,
    route: Tracked<Route>,
    children: &[Pair],
    locator: Tracked<Locator>,
    initial: StyleChain,
) -> SourceResult<Vec<LayoutedPage>> {
    let introspector = Protected::from_raw(introspector);
    let run_locator = locator;
    let link = LocatorLink::new(locator);
    let mut locator = Locator::link(&link).split();
    let mut engine = Engine {
        library,
        world,
        introspector,
        traced,
        sink,
        route: Route::extend(route),
    };

    // Determine the page-wide styles.
    let styles = Styles::root(children, initial);
    let styles = StyleChain::new(&styles);

    // When one of the lengths is infinite the page fits its content along
    // that axis.
    let width = styles.resolve(PageElem::width).unwrap_or(Abs::inf());
    let height = styles.resolve(PageElem::height).unwrap_or(Abs::inf());
    let mut size = Size::new(width, height);
    if styles.get(PageElem::flipped) {
        std::mem::swap(&mut size.x, &mut size.y);
    }

    let mut min = width.min(height);
    if !min.is_finite() {
        min = Paper::A4.width();
    }

    // Determine the margins.
    let default = Rel::<Length>::from((2.5 / 21.0) * min);
    let margin = styles.get(PageElem::margin).unwrap_or_default();
    let margin_two_sided = margin.two_sided.unwrap_or(false);
    let margin = margin
        .sides
        .map(|side| side.and_then(Smart::custom).unwrap_or(default))
        .resolve(styles)
        .relative_to(size);

    let bleed = styles.get(PageElem::bleed);
    let bleed_two_sided = bleed.two_sided.unwrap_or(false);
    let bleed = bleed
        .sides
        .map(|side| side.unwrap_or(Rel::zero()))
        .resolve(styles)
        .relative_to(size);

    let fill = styles.get_cloned(PageElem::fill);
    let foreground = styles.get_ref(PageElem::foreground);
    let background = styles.get_ref(PageElem::background);
    let header_ascent = styles.resolve(PageElem::header_ascent).relative_to(margin.top);
    let footer_descent =
        styles.resolve(PageElem::footer_descent).relative_to(margin.bottom);
    let numbering = styles.get_ref(PageElem::numbering);
    let supplement = match styles.get_cloned(PageElem::supplement) {
        Smart::Auto => TextElem::packed(PageElem::local_name_in(styles)),
        Smart::Custom(content) => content.unwrap_or_default(),
    };
    let number_align = styles.get(PageElem::number_align);
    let binding = styles.get(PageElem::binding).unwrap_or_else(|| {
        match styles.resolve(TextElem::dir) {
            Dir::LTR => Binding::Left,
            _ => Binding::Right,
        }
    });

    // Construct the numbering (for header or footer).
    let numbering_marginal = numbering.as_ref().map(|numbering| {
        let both = match numbering {
            Numbering::Pattern(pattern) => pattern.pieces() >= 2,
            Numbering::Func(_) => true,
        };

        let mut counter = CounterDisplayElem::new(
            Counter::new(CounterKey::Page),
            Smart::Custom(numbering.clone()),
            both,
        )
        .pack();

        // We interpret the Y alignment as selecting header or footer
        // and then ignore it for aligning the actual number.
        if let Some(x) = number_align.x() {
            counter = counter.aligned(x.into());
        }

        counter
    });

    let header = styles.get_ref(PageElem::header);
    let footer = styles.get_ref(PageElem::footer);
    let (header, footer) = if matches!(number_align.y(), Some(OuterVAlignment::Top)) {
        (header.as_ref().unwrap_or(&numbering_marginal), footer.as_ref().unwrap_or(&None))
    } else {
        (header.as_ref().unwrap_or(&None), footer.as_ref().unwrap_or(&numbering_marginal))
    };

    // Layout the children.
    let area = size - margin.sum_by_axis();
    // baogao: through a memoized function of its own (see
    // `layout_page_flow`).
    let fragment = layout_page_flow(
        engine.world,
        engine.library,
        engine.introspector.into_raw(),
        engine.traced,
        TrackedMut::reborrow_mut(&mut engine.sink),
        engine.route.track(),
        children,
        run_locator,
        styles,
        Regions::repeat(area, area.map(Abs::is_finite)),
        styles.get(PageElem::columns),
        styles.get(ColumnsElem::gutter).resolve(styles),
    )?;

    // Layout marginals.
    let header = header.clone().map(|h| h.artifact(ArtifactKind::Header));
    let footer = footer.clone().map(|f| f.artifact(ArtifactKind::Footer));
    let background = background.clone().map(|b| b.artifact(ArtifactKind::Background));

    // baogao: the marginals of all the run's pages are laid out side by
    // side. Their locators are drawn first, one after the other in the order
    // the pages would draw them (a locator depends on those drawn before it
    // with the same key), so every location is as before.
    let mut marginals = Vec::new();
    for (page, inner) in fragment.iter().enumerate() {
        let header_size = Size::new(inner.width(), margin.top - header_ascent);
        let footer_size = Size::new(inner.width(), margin.bottom - footer_descent);
        let full_size = inner.size() + margin.sum_by_axis() + bleed.sum_by_axis();
        let mid = HAlignment::Center + VAlignment::Horizon;
        let slots = [
            (&header, header_size, Alignment::BOTTOM),
            (&footer, footer_size, Alignment::TOP),
            (&background, full_size, mid),
            (foreground, full_size, mid),
        ];
        for (slot, (content, area, align)) in slots.into_iter().enumerate() {
            let Some(content) = content else { continue };
            let aligned = content.clone().set(AlignElem::alignment, align);
            let region = Region::new(area, Axes::splat(true));
            marginals.push((page, slot, aligned, locator.next(&content.span()), region));
        }
    }
    type Marginal<'a> = (usize, usize, Content, Locator<'a>, Region);
    let layout_marginal = move |engine: &mut Engine, marginal: Marginal| {
        let (page, slot, content, locator, region) = marginal;
        (page, slot, crate::layout_frame(engine, &content, locator, styles, region))
    };
    let laid_out = crate::side_by_side(&mut engine, marginals, layout_marginal);
    let mut frames: Vec<[Option<Frame>; 4]> = vec![Default::default(); fragment.len()];
    for (page, slot, frame) in laid_out {
        frames[page][slot] = Some(frame?);
    }

    let mut layouted = Vec::with_capacity(fragment.len());
    for (inner, marginals) in fragment.into_iter().zip(frames) {
        let [header, footer, background, foreground] = marginals;
        layouted.push(LayoutedPage {
            inner,
            fill: fill.clone(),
            numbering: numbering.clone(),
            supplement: supplement.clone(),
            header,
            footer,
            background,
            foreground,
            margin,
            margin_two_sided,
            bleed,
            bleed_two_sided,
            binding,
        });
    }

    Ok(layouted)
}

/// baogao: the flow of a page run, memoized apart from the run's headers
/// and footers. These look the page number and the like up, so the run's
/// own memoized layout is of no use in typst's second layout of a
/// document, or after an edit that moved a page; the flow of the body
/// seldom looks anything up, and is then not laid out and distributed to
/// pages again. It draws its locators from a split of the run's locator,
/// as the run did, and the marginals theirs (by another key) from
/// another split of it, so every location is the same as before.
#[comemo::memoize]
#[allow(clippy::too_many_arguments)]
fn layout_page_flow(
    world: Tracked<dyn World + '_>,
    library: &LazyHash<Library>,
    introspector: Tracked<dyn Introspector + '_>,
    traced: Tracked<Traced>,
    sink: TrackedMut<Sink>,
    route: Tracked<Route>,
    children: &[Pair],
    locator: Tracked<Locator>,
    styles: StyleChain,
    regions: Regions,
    columns: NonZeroUsize,
    column_gutter: Rel<Abs>,
) -> SourceResult<Fragment> {
    let link = LocatorLink::new(locator);
    let mut locator = Locator::link(&link).split();
    let mut engine = Engine {
        library,
        world,
        introspector: Protected::from_raw(introspector),
        traced,
        sink,
        route: Route::extend(route),
    };
    layout_flow(
        &mut engine,
        children,
        &mut locator,
        styles,
        regions,
        columns,
        column_gutter,
        FlowMode::Root,
    )
}
