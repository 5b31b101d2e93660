//! The last stage: where the bytes of a built site go.
//!
//! Every stage that produces files writes into a [`Sink`]: a [`Folder`] on
//! disk (inside [`write_atomically`], which swaps the finished folder into
//! place), [`Memory`] (tests, `serve`) or [`Discard`] (`check`, benchmarks).
//! [`json`] makes the bytes of every JSON file. This module uses nothing
//! else of the crate.

mod atomic;
pub mod json;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

pub use atomic::{WriteError, write_atomically};

/// Where built files go. Paths are relative, `/`-separated, and made only of
/// validated slugs and ids; sinks still refuse anything that could escape.
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

/// A site held in memory, sorted by path.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Memory {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(path)?;
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Keeps nothing: for measuring the stages before writing.
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, path: &str, _bytes: &[u8]) -> io::Result<()> {
        check_relative(path)
    }
}

/// Writes files below a folder.
#[derive(Debug)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub(crate) fn new(root: PathBuf) -> Self {
        Folder { root }
    }
}

impl Sink for Folder {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(path)?;
        let target = self.root.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)
    }
}

fn check_relative(path: &str) -> io::Result<()> {
    let ok = !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {path:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_refuse_paths_that_escape() {
        let memory = Memory::default();
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\..\\b", "./a"] {
            assert!(memory.put(bad, b"x").is_err(), "{bad}");
        }
        assert!(memory.put("a/b.html", b"x").is_ok());
    }
}
