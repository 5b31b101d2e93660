//! The last stage: where the bytes of a built site go.
//!
//! Every stage that produces files writes into a [`Sink`]: the output
//! folder ([`publish`], which writes only what changed and swaps the new
//! tree in atomically), [`Memory`] (`serve`, tests) or [`Discard`] (`check`,
//! benchmarks). [`json`] makes the bytes of every JSON file, [`manifest`]
//! records what a tree holds, [`cache`] keeps signatures between builds.
//! This module uses nothing else of the crate.
//!
//! # Units
//!
//! Most of a site is made of *units* (awards) whose files depend only on a
//! few inputs. Before making a unit's files, the build offers the sink the
//! unit's *fingerprint* (a digest of everything those files depend on) with
//! [`Sink::reuse`]; a sink that holds the previous build's files of that
//! unit with the same fingerprint keeps them, and the build skips making
//! them (no signing, no rendering). A sink that cannot (a fresh folder,
//! [`Discard`]) says no and the files are made as usual.

pub mod cache;
pub mod json;
pub mod manifest;
mod publish;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex, MutexGuard};

pub use manifest::Digest;

/// One value per thread of the pool (and one for other threads), so that
/// work done on every thread at once never waits for a shared lock; taken
/// apart when the work is done.
#[derive(Debug)]
pub(crate) struct PerThread<T> {
    slots: Vec<Mutex<T>>,
}

impl<T: Default> PerThread<T> {
    pub(crate) fn new() -> Self {
        PerThread {
            slots: (0..=rayon::current_num_threads())
                .map(|_| Mutex::default())
                .collect(),
        }
    }

    /// This thread's value.
    pub(crate) fn mine(&self) -> MutexGuard<'_, T> {
        let at = rayon::current_thread_index().map_or(0, |i| i + 1) % self.slots.len();
        self.slots[at]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn into_values(self) -> impl Iterator<Item = T> {
        self.slots
            .into_iter()
            .map(|slot| slot.into_inner().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Drops a large value on another thread: freeing the tens of thousands of
/// small allocations of a site's model or records takes longer than a small
/// rebuild's own work, and nothing needs to wait for it (a process that
/// exits does not).
pub fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}
pub use publish::{
    Opened, Published, WriteError, forget, open, publish, stamp_file, state_dir, write_stamp,
};

/// Where built files go. Paths are relative, `/`-separated, and made only of
/// validated slugs and ids; sinks still refuse anything that could escape.
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Offers to keep the files `paths` that `unit` made in the previous
    /// build, if it made them from inputs with this `fingerprint`. `true`:
    /// the sink kept them and the caller makes nothing; `false`: the caller
    /// must [`put`](Sink::put) every one of them. Either way the sink
    /// remembers the fingerprint for the next build.
    fn reuse(&self, unit: &str, fingerprint: &Digest, paths: &[&str]) -> io::Result<bool> {
        let _ = (unit, fingerprint, paths);
        Ok(false)
    }

    /// For tests of the fingerprints: `bytes`, made again, must be what the
    /// sink kept at `path` after [`reuse`](Sink::reuse) said yes.
    fn check_kept(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let _ = (path, bytes);
        Ok(())
    }
}

/// The error of [`Sink::check_kept`].
fn not_what_was_kept(path: &str) -> io::Error {
    io::Error::other(format!(
        "{path} was kept from the previous build, but making it again gives other bytes: \
         the fingerprint it was kept by misses something it depends on (a bug in Rosette)"
    ))
}

/// A site held in memory: its files and the fingerprints of the units that
/// made them (hash maps with foldhash: a rebuild looks up and inserts every
/// path of the site). Paths and unit names are shared, not copied, by the
/// snapshots that keep them.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub files: HashMap<Arc<str>, Arc<[u8]>, foldhash::fast::RandomState>,
    pub units: HashMap<Arc<str>, Digest, foldhash::fast::RandomState>,
}

/// A [`Sink`] that builds a [`Snapshot`], keeping unchanged units from the
/// previous one (how `serve` rebuilds only what changed).
#[derive(Debug)]
pub struct Memory {
    next: Mutex<Snapshot>,
    previous: Option<Arc<Snapshot>>,
    /// What [`Sink::reuse`] kept, one list per thread (a lock shared by
    /// every award made threads wait on each other), put into the snapshot
    /// at the end: lists, so that each kept path is hashed once more, not
    /// twice (a map per thread hashed it again to merge).
    kept: PerThread<Kept>,
}

/// Kept files and units, in the order they were kept.
#[derive(Debug, Default)]
struct Kept {
    files: Vec<(Arc<str>, Arc<[u8]>)>,
    units: Vec<(Arc<str>, Digest)>,
}

impl Default for Memory {
    fn default() -> Self {
        Memory::after(None)
    }
}

impl Memory {
    /// A sink that may keep units of `previous`.
    pub fn after(previous: Option<Arc<Snapshot>>) -> Self {
        let mut next = Snapshot::default();
        if let Some(previous) = &previous {
            next.files.reserve(previous.files.len());
            next.units.reserve(previous.units.len());
        }
        Memory {
            next: Mutex::new(next),
            previous,
            kept: PerThread::new(),
        }
    }

    pub fn into_snapshot(self) -> Snapshot {
        let mut next = self
            .next
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let kept: Vec<Kept> = self.kept.into_values().collect();
        next.files.reserve(kept.iter().map(|k| k.files.len()).sum());
        next.units.reserve(kept.iter().map(|k| k.units.len()).sum());
        for shard in kept {
            next.files.extend(shard.files);
            next.units.extend(shard.units);
        }
        next
    }

    /// The files, as owned bytes (for tests).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.into_snapshot()
            .files
            .into_iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect()
    }

    fn next(&self) -> MutexGuard<'_, Snapshot> {
        self.next
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(path)?;
        // Unchanged bytes share the previous snapshot's allocation.
        let old = self
            .previous
            .as_ref()
            .and_then(|p| p.files.get_key_value(path));
        let (path, bytes) = match old {
            Some((path, old)) if **old == *bytes => (path.clone(), old.clone()),
            Some((path, _)) => (path.clone(), Arc::from(bytes)),
            None => (Arc::from(path), Arc::from(bytes)),
        };
        self.next().files.insert(path, bytes);
        Ok(())
    }

    fn reuse(&self, unit: &str, fingerprint: &Digest, paths: &[&str]) -> io::Result<bool> {
        let previous = self.previous.as_ref();
        let old = previous.and_then(|p| p.units.get_key_value(unit));
        let unit = old.map_or_else(|| Arc::from(unit), |(unit, _)| unit.clone());
        let same = old.is_some_and(|(_, print)| print == fingerprint);
        let mut own = self.kept.mine();
        own.units.push((unit, *fingerprint));
        let (Some(previous), true) = (previous, same) else {
            return Ok(false);
        };
        // All of the unit's files, or none.
        let before = own.files.len();
        for path in paths {
            match previous.files.get_key_value(*path) {
                Some((path, bytes)) => own.files.push((path.clone(), bytes.clone())),
                None => {
                    own.files.truncate(before);
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    fn check_kept(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        // A kept file is the previous snapshot's.
        match self.previous.as_ref().and_then(|p| p.files.get(path)) {
            Some(kept) if **kept == *bytes => Ok(()),
            _ => Err(not_what_was_kept(path)),
        }
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

    #[test]
    fn memory_keeps_a_unit_only_with_the_same_fingerprint() {
        let first = Memory::default();
        assert!(!first.reuse("a", &[1; 32], &["a/x"]).unwrap());
        first.put("a/x", b"one").unwrap();
        let first = Arc::new(first.into_snapshot());

        let same = Memory::after(Some(first.clone()));
        assert!(same.reuse("a", &[1; 32], &["a/x"]).unwrap());
        assert_eq!(same.into_files()["a/x"], b"one");

        let changed = Memory::after(Some(first.clone()));
        assert!(!changed.reuse("a", &[2; 32], &["a/x"]).unwrap());
        assert!(changed.into_files().is_empty(), "nothing kept");

        let more_files = Memory::after(Some(first));
        assert!(!more_files.reuse("a", &[1; 32], &["a/x", "a/y"]).unwrap());
    }
}
