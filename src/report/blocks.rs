//! Resolving a body: its text into paragraphs, and its blocks (photos,
//! tables, charts, lists) into what the template places, each problem at
//! its place in report.yaml.

use super::body::{Block as BlockSpec, Body, ImageSpec, Item, ListItem as ListSpec};
use super::document::{Block, Figure, ListItem};
use super::geometry::{self, Size, Width};
use super::image::{Header, Kind};
use super::picture::Opened;
use super::problem::Problem;
use super::resolve::Resolve;
use super::source::REPORT_FILE;
use super::text::{self, Paragraph};

impl Resolve<'_> {
    /// The text paragraphs of `body` (what a template written before blocks
    /// reads as `body`), and its blocks, if it has any but text: a text
    /// alone would be in the data twice, and a long report's sections are
    /// most of what a watch rebuild serialises and typst decodes.
    pub(super) fn body(&mut self, body: &Body) -> (Vec<Paragraph>, Option<Vec<Block>>) {
        let blocks: Vec<Block> = body.0.iter().filter_map(|item| self.item(item)).collect();
        let text = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { paragraphs } => Some(paragraphs.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect();
        let only_text = blocks.iter().all(|b| matches!(b, Block::Text { .. }));
        (text, (!only_text).then_some(blocks))
    }

    fn item(&mut self, item: &Item) -> Option<Block> {
        match item {
            Item::Text(t) => Some(Block::Text { paragraphs: self.text(Some(t)) }),
            Item::Block(BlockSpec::Image(spec)) => {
                let (area, width) = (self.area, self.width(spec)?);
                self.figure(spec, |header: &Header| geometry::single(area, header, width)).map(Block::Image)
            }
            Item::Block(BlockSpec::Images { images, columns }) => self.images(images, *columns),
            Item::Block(BlockSpec::Table { table, title, note }) => {
                let name = title.as_deref().unwrap_or("");
                let table = self.table(name, table)?;
                Some(Block::Table {
                    title: title.as_deref().and_then(|t| self.inline(t)),
                    note: self.text(note.as_deref()),
                    table,
                })
            }
            Item::Block(BlockSpec::Chart(spec)) => self.chart(Some(spec)).map(|chart| Block::Chart { chart }),
            Item::Block(BlockSpec::List { items, numbered }) => Some(self.list(items, *numbered)),
        }
    }

    /// Photos in rows of `columns` (default all, up to three a row).
    fn images(&mut self, specs: &[ImageSpec], columns: Option<u8>) -> Option<Block> {
        let columns = usize::from(columns.unwrap_or(3).clamp(1, 6));
        if let Some(spec) = specs.iter().find(|s| s.width.is_some()) {
            let problem = self.src.problem_at(spec.width.as_deref().unwrap_or(""), "a photo of `images` has a `width`");
            self.problems.push(problem.hint("the photos of a row share its width: remove `width`, or set `columns`"));
            return None;
        }
        let mut rows = Vec::new();
        for chunk in specs.chunks(columns) {
            let headers: Vec<_> = chunk.iter().map(|s| self.open(&s.image)).collect::<Option<_>>()?;
            let sizes = geometry::row(self.area, &headers, columns);
            let row = chunk.iter().zip(sizes).map(|(spec, size)| self.figure(spec, |_| Some(size)));
            rows.push(row.collect::<Option<Vec<_>>>()?);
        }
        Some(Block::Images { rows })
    }

    /// The figure of `spec`, placed at `size` (given the image's header).
    pub(super) fn figure(&mut self, spec: &ImageSpec, size: impl FnOnce(&Header) -> Option<Size>) -> Option<Figure> {
        let opened = self.open_file(&spec.image)?;
        let size = size(&opened.header)?;
        let max_width = (size.width_mm / 25.4 * f64::from(self.dpi)).ceil() as u32;
        let picture = self
            .pictures
            .make(self.last_pictures, self.folder, &spec.image, opened, max_width.max(1))
            .map_err(|m| self.image_problem(&spec.image, m))
            .ok()?;
        let caption = spec.caption.as_deref().and_then(|c| self.inline(c));
        let alt = match (&spec.alt, &caption) {
            (Some(alt), _) => alt.trim().to_string(),
            (None, Some(caption)) => caption.iter().map(|r| r.text.as_str()).collect(),
            (None, None) => String::new(),
        };
        if alt.is_empty() {
            let problem = self
                .src
                .problem_at(&spec.image, format!("`{}` has no words for readers who cannot see it", spec.image));
            self.conditional
                .without_alt
                .push(problem.hint("add `alt: …` saying what the picture shows (PDF/UA needs it)"));
        }
        if opened.header.alpha && opened.header.kind != Kind::Jpeg {
            let problem = self
                .src
                .problem_at(&spec.image, format!("`{}` has transparency, which PDF/A-1 does not allow", spec.image));
            self.conditional.transparent.push(problem.hint(
                "save the image without an alpha channel (flattened on white), or build to PDF/A-2 or later (the default)",
            ));
        }
        let figure =
            Figure { src: picture.path.clone(), width_mm: size.width_mm, height_mm: size.height_mm, caption, alt };
        if !self.placed.iter().any(|p| p.path == picture.path) {
            self.placed.push(picture);
        }
        Some(figure)
    }

    /// The header of image `rel`, or its problem recorded.
    fn open(&mut self, rel: &str) -> Option<Header> {
        self.open_file(rel).map(|o| o.header)
    }

    fn open_file(&mut self, rel: &str) -> Option<Opened> {
        self.files_read += 1;
        if !self.sources.iter().any(|s| s == rel) {
            self.sources.push(rel.to_string());
        }
        let opened = self.pictures.open(self.last_pictures, self.folder, rel);
        opened.map_err(|m| self.image_problem(rel, m)).ok()
    }

    /// A problem of the image file `rel`, placed where report.yaml names it.
    fn image_problem(&mut self, rel: &str, problem: Problem) {
        self.problems.push(Problem { file: REPORT_FILE.into(), range: self.src.find(rel), ..problem });
    }

    /// `width:` of `spec`, checked.
    fn width(&mut self, spec: &ImageSpec) -> Option<Width> {
        let Some(text) = &spec.width else { return Some(Width::Full) };
        Width::parse(text, self.area)
            .map_err(|(message, hint)| self.problems.push(self.src.problem_at(text, message).hint(hint)))
            .ok()
    }

    fn list(&mut self, items: &[ListSpec], numbered: bool) -> Block {
        let mut out: Vec<ListItem> = Vec::new();
        for item in items {
            match item {
                ListSpec::Text(t) => {
                    let text = self.inline(t).unwrap_or_default();
                    out.push(ListItem { text, items: Vec::new() });
                }
                ListSpec::Nested(texts) => {
                    let nested: Vec<Paragraph> = texts.iter().filter_map(|t| self.inline(t)).collect();
                    match out.last_mut() {
                        Some(last) => last.items.extend(nested),
                        None => out.push(ListItem { text: Vec::new(), items: nested }),
                    }
                }
            }
        }
        Block::List { numbered, items: out }
    }

    /// Text that stays one paragraph (a caption, a list item).
    fn inline(&mut self, text: &str) -> Option<Paragraph> {
        text::parse_inline(text, self.metrics).map_err(|e| self.problems.push(self.located(e))).ok()
    }
}
