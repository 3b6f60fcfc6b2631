//! The typst `World` of a build: the report folder (sandboxed), the embedded
//! templates, the resolved document as in-memory JSON files (`data.rs`), and
//! fonts.
//! Nothing else is reachable: no network, no packages, no other files.

use std::collections::HashMap;
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

use super::data::DataFiles;
use super::fonts::Fonts;
use super::templates;
use crate::report::folder::FolderError;
use crate::report::{Folder, Template};

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
    data: HashMap<String, Bytes>,
}

impl BaogaoWorld {
    /// A world for the report in `folder`, compiling the built-in `report`
    /// template until [`set_template`](Self::set_template) says otherwise.
    pub fn new(folder: Folder, display_root: &Path, fonts: Arc<Fonts>) -> Self {
        Self {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            files: FileStore::new(Loader { folder, data: HashMap::new() }),
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

    /// The text of the parts of `files` that differ from the data this
    /// world holds (all of them before the first [`set_data`](Self::set_data)).
    pub fn changed_text<'a>(&self, files: &'a DataFiles) -> impl Iterator<Item = &'a str> {
        let held = &self.files.loader().data;
        files
            .parts()
            .filter(|(path, bytes)| held.get(*path).is_none_or(|b| b.as_slice() != *bytes))
            .map(|(_, bytes)| std::str::from_utf8(bytes).expect("serde_json writes UTF-8"))
    }

    /// Replaces the data the template reads, marking files stale so the next
    /// compile reloads what changed (and reuses what did not). A data file
    /// with the same bytes as before keeps its `Bytes`, whose hash typst
    /// then need not compute again.
    pub fn set_data(&mut self, files: &DataFiles) {
        let loader = self.files.loader_mut();
        let mut old = std::mem::take(&mut loader.data);
        loader.data = files
            .iter()
            .map(|(path, bytes)| {
                let kept = old.remove(path).filter(|b| b.as_slice() == bytes);
                (path.to_string(), kept.unwrap_or_else(|| Bytes::new(bytes.to_vec())))
            })
            .collect();
        // A picture's path names its bytes, so one held already is kept
        // without comparing them (and with the hash typst took of it).
        let pictures = files.pictures().map(|(path, bytes)| {
            let kept = old.remove(path);
            (path.to_string(), kept.unwrap_or_else(|| Bytes::new(SharedBytes(bytes.clone()))))
        });
        loader.data.extend(pictures.collect::<Vec<_>>());
        self.files.reset();
    }
}

/// A picture's bytes, shared with the document rather than copied.
struct SharedBytes(Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
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
        if let Some(bytes) = self.data.get(id.vpath().get_with_slash()) {
            return Ok(bytes.clone());
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
