//! The typst `World` of a build: the report folder (sandboxed), the embedded
//! templates, the resolved document as an in-memory JSON file, and fonts.
//! Nothing else is reachable: no network, no packages, no other files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use super::fonts::Fonts;
use super::templates;
use crate::report::folder::FolderError;
use crate::report::{Folder, Template};

/// Where the template finds the report's data.
pub const DATA_PATH: &str = "/_data/report.json";

/// One World per process, reused across compiles so typst's caches hold.
pub struct BaogaoWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    files: FileStore<Loader>,
    main: FileId,
    /// The report folder as the user named it, for messages.
    display_root: PathBuf,
}

/// Serves file ids: data, templates, or files of the report folder.
struct Loader {
    folder: Folder,
    data: Bytes,
}

impl BaogaoWorld {
    /// A world for the report in `folder`, compiling the built-in `report`
    /// template until [`set_template`](Self::set_template) says otherwise.
    pub fn new(folder: Folder, display_root: &Path, fonts: Arc<Fonts>) -> Self {
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            files: FileStore::new(Loader { folder, data: Bytes::new(Vec::new()) }),
            main: file_id(&templates::entry("report")),
            display_root: display_root.to_path_buf(),
        }
    }

    /// Makes `template` the file typst compiles.
    pub fn set_template(&mut self, template: &Template) {
        self.main = match template {
            Template::Builtin(name) => file_id(&templates::entry(name)),
            Template::Own(path) => file_id(&format!("/{path}")),
        };
    }

    /// The fonts' index.
    pub fn fonts(&self) -> &FontStore {
        self.fonts.get()
    }

    /// The report folder as the user named it.
    pub fn display_root(&self) -> &Path {
        &self.display_root
    }

    /// Replaces the data the template reads, marking files stale so the next
    /// compile reloads what changed (and reuses what did not).
    pub fn set_data(&mut self, json: Vec<u8>) {
        self.files.loader_mut().data = Bytes::new(json);
        self.files.reset();
    }
}

/// The id of a path in the (only) project root.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/").expect("root is valid"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl FileLoader for Loader {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some("packages are not available in baogao".into())));
        }
        let path = id.vpath().get_without_slash();
        if id.vpath().get_with_slash() == DATA_PATH {
            return Ok(self.data.clone());
        }
        if let Some(rest) = path.strip_prefix(templates::DIR).and_then(|p| p.strip_prefix('/')) {
            return templates::get(rest)
                .map(|text| Bytes::new(text.as_bytes()))
                .ok_or_else(|| FileError::NotFound(path.into()));
        }
        self.folder.read(path).map(Bytes::new).map_err(|e| match e {
            FolderError::NotFound(p) => FileError::NotFound(p.into()),
            FolderError::IsDirectory(_) => FileError::IsDirectory,
            other => FileError::Other(Some(other.to_string().into())),
        })
    }
}

impl World for BaogaoWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts().book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts().font(index)
    }

    /// Templates take dates from the report, never from the clock, so that
    /// output is reproducible.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
