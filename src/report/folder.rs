//! The report folder: the only place on disk baogao reads from. Every path a
//! report names is relative to it and must stay inside it, also through
//! symbolic links.

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A report folder, with its canonical path as the sandbox boundary.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum FolderError {
    /// The path leaves the folder (`../`, absolute, or a link that leads out).
    Outside(String),
    NotFound(String),
    IsDirectory(String),
    Io(String, io::Error),
}

impl Folder {
    /// Opens `dir`, which must exist.
    pub fn open(dir: &Path) -> io::Result<Self> {
        Ok(Self { root: dir.canonicalize()? })
    }

    /// The folder's canonical path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads `rel`, refusing anything outside the folder.
    pub fn read(&self, rel: &str) -> Result<Vec<u8>, FolderError> {
        let path = self.resolve(rel)?;
        if path.is_dir() {
            return Err(FolderError::IsDirectory(rel.into()));
        }
        std::fs::read(&path).map_err(|e| FolderError::Io(rel.into(), e))
    }

    /// The size in bytes of the file `rel`, refusing anything outside.
    pub fn size(&self, rel: &str) -> Result<u64, FolderError> {
        let path = self.resolve(rel)?;
        if path.is_dir() {
            return Err(FolderError::IsDirectory(rel.into()));
        }
        path.metadata().map(|m| m.len()).map_err(|e| FolderError::Io(rel.into(), e))
    }

    /// The size in bytes and the time of last change of the file `rel`.
    pub fn stat(&self, rel: &str) -> Result<(u64, Option<std::time::SystemTime>), FolderError> {
        let path = self.resolve(rel)?;
        let meta = path.metadata().map_err(|e| FolderError::Io(rel.into(), e))?;
        if meta.is_dir() {
            return Err(FolderError::IsDirectory(rel.into()));
        }
        Ok((meta.len(), meta.modified().ok()))
    }

    /// Whether `rel` names a file inside the folder.
    pub fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).is_ok_and(|p| p.is_file())
    }

    /// The real path of `rel`, after following links, if it stays inside.
    fn resolve(&self, rel: &str) -> Result<PathBuf, FolderError> {
        let path = Path::new(rel);
        let escapes =
            path.components().any(|c| matches!(c, Component::ParentDir | Component::RootDir | Component::Prefix(_)));
        if escapes {
            return Err(FolderError::Outside(rel.into()));
        }
        let real = match self.root.join(path).canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(FolderError::NotFound(rel.into()));
            }
            Err(e) => return Err(FolderError::Io(rel.into(), e)),
        };
        if !real.starts_with(&self.root) {
            return Err(FolderError::Outside(rel.into()));
        }
        Ok(real)
    }
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Outside(p) => write!(f, "`{p}` leaves the report folder; baogao reads only files inside it"),
            Self::NotFound(p) => write!(f, "`{p}` does not exist in the report folder"),
            Self::IsDirectory(p) => write!(f, "`{p}` is a folder, not a file"),
            Self::Io(p, e) => write!(f, "`{p}` cannot be read: {e}"),
        }
    }
}

impl FolderError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Outside(_) => "copy the file into the report folder and name it by a path relative to the folder",
            Self::NotFound(_) => "paths are relative to the report folder; check the spelling",
            Self::IsDirectory(_) => "name a file inside that folder",
            Self::Io(..) => "check the file's permissions",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        assert_eq!(folder.read("a.csv").unwrap(), b"x");
        assert!(matches!(folder.read("../a.csv"), Err(FolderError::Outside(_))));
        assert!(matches!(folder.read("/etc/passwd"), Err(FolderError::Outside(_))));
        assert!(matches!(folder.read("b.csv"), Err(FolderError::NotFound(_))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link")).unwrap();
            assert!(matches!(folder.read("link"), Err(FolderError::Outside(_))));
        }
    }
}
