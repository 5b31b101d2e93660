//! Writing a site into its output folder: atomically, and only what changed.
//!
//! # Two trees and a swap
//!
//! Beside the output folder `public/` Rosette keeps a state folder
//! `.public.rosette/` that holds a second, complete tree, `spare/` (the
//! previous site), a [`Record`] of the live tree (every file with its size
//! and SHA-256, and the fingerprints of the units, awards, that made them),
//! and a [`Sibling`] claim: the paths where the spare differs from the live
//! tree. Unchanged files are shared by both trees as hard links, so the
//! second tree costs directory entries, not bytes.
//!
//! A build compares every file it makes with the record of `public/`:
//!
//! - nothing differs: nothing is written, not even the record;
//! - something differs: `spare/` (which nobody serves) is brought to exactly
//!   the new site: changed files are written there (never into a file shared
//!   with `public/`: the old link is removed first); then the claim's paths
//!   and the files the new site no longer has are each linked from
//!   `public/` or removed, whichever the new site asks (every other path of
//!   the spare is the live tree's, which the new site kept); then `spare/`
//!   and `public/` are swapped with one atomic `renameat2(RENAME_EXCHANGE)`.
//!   The old site is the new spare, and its claim is what this build wrote
//!   and removed.
//!
//! So the work of a build is proportional to what changed in the last two
//! builds, and a build killed at any moment leaves `public/` exactly the
//! old site or exactly the new one: the claim is removed before the spare
//! is touched, and a spare without a claim is made anew (its files linked
//! from `public/`). Records and claims are named by the identity of their
//! tree's folder (device, inode, modification time), which survives the
//! swap, so nothing needs to be rewritten after it; a record or claim whose
//! tree was changed by anything but Rosette (a folder replaced, a file added
//! at the top) no longer matches and is ignored, and the state folder can be
//! deleted at any time: the next build is then a full one.
//!
//! Alternatives measured on this project's machines (20,000 awards, 60,000
//! files, tmpfs): a fresh tree per build (the previous design) costs 1.9 s of
//! writes plus 1.1 s to delete the old tree; a hard-link clone per build
//! (generation folders) 1.1 s of links plus 1.1 s of deletes, whatever
//! changed; the two trees above, a few milliseconds for one changed award.
//!
//! Where `RENAME_EXCHANGE` is not available (not Linux, or a file system
//! without it), the swap is three renames, with a window of microseconds
//! without `public/`.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::manifest::{self, Digest, Entry, Key, PathMap, Record, Sibling, TreeId};
use super::{Sink, check_relative};

/// Why the output folder could not be replaced.
#[derive(Debug)]
pub enum WriteError<E> {
    /// The build itself failed; the previous output is untouched.
    Build(E),
    /// A filesystem operation failed; the previous output is untouched.
    Io { path: PathBuf, error: io::Error },
    /// `out` exists and does not look like a Rosette output folder.
    Refused { path: PathBuf, reason: String },
    /// The output folder no longer holds what its record says (a file was
    /// removed by hand): the record was dropped; build again from scratch.
    Stale { path: PathBuf },
}

/// What a build changed in the output folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    /// Whether the output folder was replaced.
    pub changed: bool,
    /// Files of the new site whose bytes were written.
    pub written: usize,
    /// Files of the new site linked from the previous one.
    pub linked: usize,
    /// Files removed from the spare tree.
    pub removed: usize,
    /// Files of the previous site that the new one does not have.
    pub deleted: usize,
    /// Files in the new site.
    pub files: usize,
}

/// The folder beside `out` that holds its spare tree and records:
/// `<parent>/.<name>.rosette/`.
pub fn state_dir(out: &Path) -> Option<PathBuf> {
    let (parent, name) = split::<()>(out).ok()?;
    Some(parent.join(format!(".{name}.rosette")))
}

/// The file that holds the build stamp of the tree now at `out` (see
/// `build::stamp`), named by the tree's identity like its record: a tree
/// replaced by anything but Rosette has none.
pub fn stamp_file(out: &Path) -> Option<PathBuf> {
    let id = TreeId::of(out)?;
    Some(state_dir(out)?.join(format!("stamp-{}-{}-{}", id.dev, id.ino, id.mtime)))
}

/// Writes the build stamp of the tree now at `out`, atomically, and
/// removes the stamps of other trees.
pub fn write_stamp(out: &Path, bytes: &[u8]) -> io::Result<()> {
    let path = stamp_file(out).ok_or_else(|| io::Error::other("no output folder"))?;
    let state = state_dir(out).ok_or_else(|| io::Error::other("no output folder"))?;
    fs::create_dir_all(&state)?;
    for entry in fs::read_dir(&state)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("stamp-") && entry.path() != path {
            let _ = fs::remove_file(entry.path());
        }
    }
    write_atomic(&path, bytes)
}

/// Forgets what Rosette knows about `out` (its records and spare tree), so
/// the next build writes everything.
pub fn forget(out: &Path) -> io::Result<()> {
    match state_dir(out) {
        Some(dir) => match fs::remove_dir_all(dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}

const SPARE: &str = "spare";
const MANIFEST: &str = "manifest.sha256";
const MANIFEST_FOR: &str = "manifest.for";

/// Runs `build` against a [`Staging`] sink for `out`, then makes `out` the
/// new site, writing only what changed. On any error `out` is left as it
/// was.
///
/// An existing non-empty `out` must contain `.nojekyll` (which every build
/// writes): Rosette never replaces a folder it did not make.
pub fn publish<E>(
    out: &Path,
    build: impl FnOnce(&Staging) -> Result<(), E>,
) -> Result<Published, WriteError<E>> {
    open(out)?.publish(build)
}

/// An output folder opened for one build: locked against other builds, its
/// live tree's record read (which a build may do while it plans: decoding
/// the record of a large site takes a while).
pub struct Opened {
    out: PathBuf,
    state: PathBuf,
    live_id: Option<TreeId>,
    live: Record,
    known: bool,
    sibling: Option<Sibling>,
    /// Held until the build is done.
    _lock: File,
}

/// Opens `out` for [`Opened::publish`]; refuses a folder Rosette did not
/// make.
pub fn open<E>(out: &Path) -> Result<Opened, WriteError<E>> {
    let (parent, name) = split(out)?;
    fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    if out.exists() {
        let is_ours = out.is_dir()
            && (out.join(".nojekyll").is_file()
                || fs::read_dir(out)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false));
        if !is_ours {
            return Err(WriteError::Refused {
                path: out.to_path_buf(),
                reason: "it exists and is not a Rosette output folder (no `.nojekyll`)".into(),
            });
        }
    }
    let state = parent.join(format!(".{name}.rosette"));
    fs::create_dir_all(&state).map_err(io_at(&state))?;
    // One build at a time per output folder (released when the process
    // ends, however it ends).
    let lock_path = state.join("lock");
    let lock = File::create(&lock_path).map_err(io_at(&lock_path))?;
    lock.lock().map_err(io_at(&lock_path))?;
    remove_stale(&parent, &name);

    let live_id = TreeId::of(out);
    let live = live_id.and_then(|id| read_record(&state, id));
    let known = live.as_ref().is_some_and(|record| !record.files.is_empty());
    // What the spare holds, as the build that made the live tree left it:
    // trusted only while the spare is the tree it names, and only with the
    // live tree's record (it is a difference from that tree).
    let spare_id = TreeId::of(&state.join(SPARE));
    let sibling = live_id
        .filter(|_| known)
        .and_then(|id| read_sibling(&state, id))
        .filter(|claim| Some(claim.tree) == spare_id);
    clean_state(&state, live_id);
    if let (Some(id), Some(record)) = (live_id, &live) {
        heal_manifest(&state, id, record);
    }
    Ok(Opened {
        out: out.to_path_buf(),
        state,
        live_id,
        live: live.unwrap_or_default(),
        known,
        sibling,
        _lock: lock,
    })
}

impl Opened {
    /// Runs `build` against a [`Staging`] sink, then makes the output
    /// folder the new site (see [`publish`]).
    pub fn publish<E>(
        self,
        build: impl FnOnce(&Staging) -> Result<(), E>,
    ) -> Result<Published, WriteError<E>> {
        let Opened {
            out,
            state,
            live_id,
            live,
            known,
            sibling,
            _lock,
        } = self;
        let out = out.as_path();
        let inner = Inner {
            new: manifest::path_map(live.files.len()),
            units: manifest::path_map(live.units.len()),
            sibling,
            ..Inner::default()
        };
        let staging = Staging {
            out: out.to_path_buf(),
            state: state.clone(),
            spare_path: state.join(SPARE),
            live,
            live_id,
            inner: Mutex::new(inner),
            kept: super::PerThread::new(),
        };
        let built = build(&staging);
        let Staging {
            live,
            inner,
            spare_path,
            kept,
            ..
        } = staging;
        let mut inner = inner.into_inner().unwrap_or_else(|p| p.into_inner());
        for shard in kept.into_values() {
            inner.new.extend(shard.files);
            inner.units.extend(shard.units);
        }
        if let Err(error) = built {
            inner.save_spare(&state, live_id, &spare_path);
            return Err(WriteError::Build(error));
        }
        // The new site has every file of the live tree when it has as many
        // besides those it added (at least as many; then one pass finds
        // which are gone).
        let gone = if inner.new.len() - inner.added.min(inner.new.len()) == live.files.len() {
            Vec::new()
        } else {
            gone(&live.files, &inner.new)
        };
        // Every file that differs from the live tree's, or is new, was written
        // into the spare: with none written and none gone, the site is the same.
        if known && inner.written.is_empty() && gone.is_empty() {
            let files = inner.new.len();
            if inner.units != live.units
                && let Some(id) = live_id
            {
                // Same files from other fingerprints: remember them, so the
                // next build can keep those units.
                let record = Record {
                    files: inner.new,
                    units: inner.units,
                };
                write_record(&state, id, &record).map_err(io_at(&state))?;
                super::drop_later((live, record));
            }
            return Ok(Published {
                files,
                ..Published::default()
            });
        }
        inner.gone = gone;
        let result = swap_in(out, &state, &spare_path, &live, live_id, known, &mut inner);
        if result.is_err() {
            inner.save_spare(&state, live_id, &spare_path);
        }
        super::drop_later((live, inner));
        result
    }
}

/// The paths of `live` that `new` does not have (on every core: tens of
/// thousands of lookups).
fn gone(live: &PathMap<Entry>, new: &PathMap<Entry>) -> Vec<Key> {
    use rayon::prelude::*;
    let paths: Vec<&Key> = live.keys().collect();
    paths
        .par_iter()
        .filter(|path| !new.contains_key(**path))
        .map(|path| (*path).clone())
        .collect()
}

/// Brings the spare tree to the new site and swaps it in.
///
/// The spare is the live tree but for the paths its claim names (or empty,
/// when it was made anew), and this build wrote every path where the new
/// site differs from the live tree, so only the claim's paths and the
/// files that are gone are looked at: each is linked from the live tree if
/// the new site has it, else removed.
fn swap_in<E>(
    out: &Path,
    state: &Path,
    spare_path: &Path,
    live: &Record,
    live_id: Option<TreeId>,
    known: bool,
    inner: &mut Inner,
) -> Result<Published, WriteError<E>> {
    inner
        .ready(state, live_id, spare_path)
        .map_err(io_at(spare_path))?;
    let mut published = Published {
        changed: true,
        written: inner.written.len(),
        files: inner.new.len(),
        deleted: inner.gone.len(),
        ..Published::default()
    };
    let written: HashSet<&str, foldhash::fast::RandomState> =
        inner.written.iter().map(|p| &**p).collect();
    let mut touch: Vec<&str> = match (&inner.sibling, inner.spare_made) {
        (Some(claim), false) => claim
            .paths
            .iter()
            .chain(&inner.gone)
            .map(|p| &**p)
            .collect(),
        // An empty spare: every file it lacks.
        _ => inner.new.keys().map(|p| &**p).collect(),
    };
    touch.retain(|path| !written.contains(path));
    touch.sort_unstable();
    touch.dedup();
    let (link, remove): (Vec<&str>, Vec<&str>) = touch
        .into_iter()
        .partition(|path| inner.new.contains_key(*path));
    // Files the new site does not have, then the folders they leave empty
    // (first: a file may come where one of those folders was).
    let mut folders = Vec::new();
    for path in remove {
        let target = spare_path.join(path);
        unlink(&target).map_err(io_at(&target))?;
        published.removed += 1;
        let mut dir = Path::new(path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            folders.push(d.to_path_buf());
            dir = d.parent();
        }
    }
    folders.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    folders.dedup();
    for dir in folders {
        // Fails, as it should, on a folder that still holds files.
        let _ = fs::remove_dir(spare_path.join(dir));
    }
    // Unchanged files (the live tree's bytes) where the spare differs.
    for path in link {
        debug_assert_eq!(live.files.get(path), inner.new.get(path));
        let target = spare_path.join(path);
        if !inner.spare_made {
            unlink(&target).map_err(io_at(&target))?;
        }
        let source = out.join(path);
        match self::link(&source, &target) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::Stale { path: source });
            }
            Err(error) => {
                return Err(WriteError::Io {
                    path: target,
                    error,
                });
            }
        }
        published.linked += 1;
    }
    // The spare is now exactly the new site: record it under its identity,
    // then swap.
    let id = TreeId::of(spare_path).ok_or_else(|| WriteError::Io {
        path: spare_path.to_path_buf(),
        error: io::Error::other("the spare tree disappeared"),
    })?;
    let record = Record {
        files: std::mem::take(&mut inner.new),
        units: std::mem::take(&mut inner.units),
    };
    // The manifest is written at the same time: it names the tree it lists
    // (`manifest.for`), so one written for a tree that was never swapped in
    // is rewritten by the next build. Should writing fail, the spare is
    // left without a record, which costs the next build time only.
    let (recorded, listed) = rayon::join(
        || write_record(state, id, &record),
        || write_manifest(state, id, &record.files),
    );
    recorded.map_err(io_at(state))?;
    listed.map_err(io_at(state))?;
    if live_id.is_some() {
        exchange(spare_path, out).map_err(io_at(out))?;
    } else {
        fs::rename(spare_path, out).map_err(io_at(out))?;
    }
    // The old site is the new spare, and differs from the new site where
    // this build wrote and where files are gone. One Rosette did not record
    // is garbage.
    if live_id.is_some() {
        match TreeId::of(spare_path).filter(|_| known) {
            Some(tree) => {
                let mut paths = std::mem::take(&mut inner.written);
                paths.append(&mut inner.gone);
                // Without the claim the next build makes a new spare: slower,
                // never wrong.
                let _ = write_sibling(state, id, &Sibling { tree, paths });
            }
            None => {
                let _ = fs::remove_dir_all(spare_path);
            }
        }
    }
    clean_state(state, Some(id));
    super::drop_later(record);
    Ok(published)
}

/// The sink of a build into an output folder: it compares each file with
/// the live tree's record and writes only what differs, into the spare
/// tree.
pub struct Staging {
    out: PathBuf,
    state: PathBuf,
    spare_path: PathBuf,
    live: Record,
    live_id: Option<TreeId>,
    inner: Mutex<Inner>,
    /// What [`Sink::reuse`] kept and decided, one list per thread, added to
    /// `inner` when the build is done.
    kept: super::PerThread<Kept>,
}

/// Files and unit fingerprints of the new site found by [`Sink::reuse`].
#[derive(Default)]
struct Kept {
    files: Vec<(Key, Entry)>,
    units: Vec<(Key, Digest)>,
}

#[derive(Default)]
struct Inner {
    /// The new site so far.
    new: PathMap<Entry>,
    units: PathMap<Digest>,
    /// How the spare differs from the live tree, as the build that made the
    /// live tree left it (`None`: not known; the spare is made anew).
    sibling: Option<Sibling>,
    /// Whether the spare was opened for writing (its claim removed, or the
    /// spare made anew).
    opened: bool,
    /// Whether the spare was made empty by this build: its folders are then
    /// made before their first file is opened, else the file is opened first
    /// ([`create`] makes a folder that is missing).
    spare_made: bool,
    /// Whether the spare's content is no longer known exactly (a write
    /// failed half-way).
    broken: bool,
    /// Paths written into the spare: each differs from the live tree's.
    written: Vec<Key>,
    /// Paths of the live tree the new site does not have.
    gone: Vec<Key>,
    /// Files put that the live tree does not have (at least as many as the
    /// new site has: a path put twice counts twice).
    added: usize,
    /// Folders this build made in a spare it made anew (relative paths),
    /// so each later file there is written with one `open` and no `mkdir`.
    folders: HashSet<Key, foldhash::fast::RandomState>,
}

impl Inner {
    /// Opens the spare tree for writing: its claim, if it has one, is
    /// removed (a build killed from now on leaves a spare nobody trusts);
    /// else the spare is made anew, empty.
    fn ready(
        &mut self,
        state: &Path,
        live_id: Option<TreeId>,
        spare_path: &Path,
    ) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        if self.sibling.is_some() {
            if let Some(id) = live_id {
                remove_file(&sibling_path(state, id))?;
            }
        } else {
            match fs::remove_dir_all(spare_path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            fs::create_dir(spare_path)?;
            self.spare_made = true;
        }
        self.opened = true;
        Ok(())
    }

    /// After a failed build: claims what the spare holds (it differs from
    /// the live tree where it did before and where this build wrote or
    /// removed), so the next build can use it, unless a write failed
    /// half-way or the spare was made anew.
    fn save_spare(&mut self, state: &Path, live_id: Option<TreeId>, spare_path: &Path) {
        if !self.opened || self.broken {
            return;
        }
        let (Some(live), Some(tree), Some(claim)) =
            (live_id, TreeId::of(spare_path), self.sibling.take())
        else {
            return;
        };
        let mut paths = claim.paths;
        paths.extend(self.written.iter().cloned());
        paths.extend(self.gone.iter().cloned());
        paths.sort_unstable();
        paths.dedup();
        let _ = write_sibling(state, live, &Sibling { tree, paths });
    }
}

impl Staging {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `bytes` at `path` of the spare tree.
    fn write_spare(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let folder = path.rsplit_once('/').map(|(dir, _)| dir);
        let (made, make_folder) = {
            let mut inner = self.inner();
            inner.ready(&self.state, self.live_id, &self.spare_path)?;
            let known = folder.is_none_or(|f| inner.folders.contains(f));
            (inner.spare_made, inner.spare_made && !known)
        };
        let target = self.spare_path.join(path);
        let written = (|| {
            if !made {
                // Never write into the old file: it may be shared with the
                // live tree.
                unlink(&target)?;
            }
            if make_folder && let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            create(&target, bytes)
        })();
        let mut inner = self.inner();
        match written {
            Ok(()) => {
                inner.written.push(path.into());
                if let Some(folder) = folder.filter(|_| make_folder) {
                    inner.folders.insert(folder.into());
                }
                Ok(())
            }
            Err(error) => {
                inner.broken = true;
                Err(error)
            }
        }
    }

    /// The output folder this stages for.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Whether the previous build's record of the output folder was found
    /// (a build without it writes every file).
    pub fn has_previous(&self) -> bool {
        self.live_id.is_some() && !self.live.files.is_empty()
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(path)?;
        let entry = Entry::of(bytes);
        let live = self.live.files.get(path);
        if live != Some(&entry) {
            self.write_spare(path, bytes)?;
        }
        let mut inner = self.inner();
        inner.added += usize::from(live.is_none());
        inner.new.insert(path.into(), entry);
        Ok(())
    }

    fn reuse(&self, unit: &str, fingerprint: &Digest, paths: &[&str]) -> io::Result<bool> {
        let live_unit = self.live.units.get_key_value(unit);
        let kept: Option<Vec<(Key, Entry)>> = (live_unit.map(|(_, print)| print)
            == Some(fingerprint))
        .then(|| {
            paths
                .iter()
                .map(|p| {
                    let (path, entry) = self.live.files.get_key_value(*p)?;
                    Some((Key::clone(path), *entry))
                })
                .collect()
        })
        .flatten();
        let unit = match live_unit {
            Some((id, _)) => Key::clone(id),
            None => unit.into(),
        };
        // Into this thread's own list (one lock shared by every award was
        // most of the time of keeping one: threads waited on each other).
        let mut own = self.kept.mine();
        own.units.push((unit, *fingerprint));
        let Some(kept) = kept else {
            return Ok(false);
        };
        own.files.extend(kept);
        Ok(true)
    }

    fn check_kept(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        // A kept file is the live tree's.
        if self.live.files.get(path) == Some(&Entry::of(bytes)) {
            Ok(())
        } else {
            Err(super::not_what_was_kept(path))
        }
    }
}

fn split<E>(out: &Path) -> Result<(PathBuf, String), WriteError<E>> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| WriteError::Refused {
            path: out.to_path_buf(),
            reason: "not a folder name".into(),
        })?
        .to_string();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

fn io_at<E>(path: &Path) -> impl FnOnce(io::Error) -> WriteError<E> + use<E> {
    let path = path.to_path_buf();
    move |error| WriteError::Io { path, error }
}

fn record_path(state: &Path, id: TreeId) -> PathBuf {
    state.join(format!("record-{}-{}-{}", id.dev, id.ino, id.mtime))
}

fn read_record(state: &Path, id: TreeId) -> Option<Record> {
    let bytes = fs::read(record_path(state, id)).ok()?;
    let (found, record) = Record::decode(&bytes)?;
    (found == id).then_some(record)
}

fn write_record(state: &Path, id: TreeId, record: &Record) -> io::Result<()> {
    replace_file(&record_path(state, id), Durability::Unsynced, |file| {
        record.write(id, file)
    })
}

fn sibling_path(state: &Path, id: TreeId) -> PathBuf {
    state.join(format!("sibling-{}-{}-{}", id.dev, id.ino, id.mtime))
}

fn read_sibling(state: &Path, id: TreeId) -> Option<Sibling> {
    Sibling::decode(&fs::read(sibling_path(state, id)).ok()?)
}

fn write_sibling(state: &Path, id: TreeId, claim: &Sibling) -> io::Result<()> {
    write_atomic(&sibling_path(state, id), &claim.encode())
}

/// Removes the records and claims of trees other than `live`.
fn clean_state(state: &Path, live: Option<TreeId>) {
    let keep: Vec<PathBuf> = live
        .iter()
        .flat_map(|id| [record_path(state, *id), sibling_path(state, *id)])
        .collect();
    let Ok(entries) = fs::read_dir(state) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if (name.starts_with("record-") || name.starts_with("sibling-"))
            && !keep.contains(&entry.path())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The `sha256sum` manifest of the live tree, for deploy scripts; written
/// after each swap, and again if a build was killed before it could be.
fn write_manifest(state: &Path, id: TreeId, files: &PathMap<Entry>) -> io::Result<()> {
    replace_file(&state.join(MANIFEST), Durability::Synced, |file| {
        manifest::write_text(files, file)
    })?;
    write_atomic(&state.join(MANIFEST_FOR), id_text(id).as_bytes())
}

fn heal_manifest(state: &Path, id: TreeId, record: &Record) {
    let current = fs::read_to_string(state.join(MANIFEST_FOR)).unwrap_or_default();
    if current != id_text(id) {
        let _ = write_manifest(state, id, &record.files);
    }
}

fn id_text(id: TreeId) -> String {
    format!("{} {} {}\n", id.dev, id.ino, id.mtime)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(path, Durability::Unsynced, |file| file.write_all(bytes))
}

/// Whether [`replace_file`] waits for the bytes to reach the disk before
/// the rename: the manifest does (deploy scripts upload what it lists, and
/// it is written once per build); records and stamps are rebuilt or ignored
/// when they do not match the tree, so they do not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    Unsynced,
    Synced,
}

/// Replaces `path` at once: `write` fills `<path>.new`, which is then
/// renamed over `path`, so a reader, or a build killed meanwhile, finds the
/// old file or the new one, never a part.
fn replace_file(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".new");
    let temp = PathBuf::from(temp);
    let mut file = io::BufWriter::new(File::create(&temp)?);
    write(&mut file)?;
    let file = file.into_inner().map_err(|e| e.into_error())?;
    if durability == Durability::Synced {
        file.sync_data()?;
    }
    fs::rename(&temp, path)
}

/// Removes the file at `path` of the spare tree, if there is one there: a
/// folder in its place, or a file in place of one of its folders, is left
/// for [`create`] and [`link`] to clear.
fn unlink(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::NotADirectory
                    | io::ErrorKind::IsADirectory
            ) =>
        {
            Ok(())
        }
        Err(_) if path.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

fn remove_file(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Creates a new file (and its folders, the first time one is missing).
/// One `open` per file when its folder exists: no `mkdir` per file.
fn create(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let open = || File::options().write(true).create_new(true).open(path);
    let mut file = match open() {
        Ok(file) => file,
        Err(e) => {
            make_room(path, e)?;
            open()?
        }
    };
    file.write_all(bytes)
}

/// Hard-links `source` at `target`, making `target`'s folders if needed.
fn link(source: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(source, target) {
        Ok(()) => Ok(()),
        Err(e) if !source.is_file() => Err(io::Error::new(io::ErrorKind::NotFound, e)),
        Err(e) => {
            make_room(target, e)?;
            fs::hard_link(source, target)
        }
    }
}

/// Clears the way for a new file at `path` of the spare tree after
/// `error`: makes missing folders, removes a file left by a write that
/// failed half-way, and removes what the old site had where the new one
/// has a file below a folder or a folder of that name (a file `a` that
/// became a folder `a/`, or the other way round; the old entries are not in
/// the new site, so they are going anyway).
fn make_room(path: &Path, error: io::Error) -> io::Result<()> {
    match error.kind() {
        io::ErrorKind::NotFound => match path.parent() {
            Some(parent) => fs::create_dir_all(parent),
            None => Err(error),
        },
        io::ErrorKind::NotADirectory => {
            // A file where the new site has a folder: the nearest one.
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d.is_file() {
                    fs::remove_file(d)?;
                    break;
                }
                dir = d.parent();
            }
            match path.parent() {
                Some(parent) => fs::create_dir_all(parent),
                None => Err(error),
            }
        }
        io::ErrorKind::AlreadyExists if path.is_dir() => fs::remove_dir_all(path),
        io::ErrorKind::AlreadyExists => fs::remove_file(path),
        io::ErrorKind::IsADirectory => fs::remove_dir_all(path),
        _ => Err(error),
    }
}

/// Swaps two folders atomically.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a path"))
        };
        let (ca, cb) = (c(a)?, c(b)?);
        // SAFETY: both arguments are valid NUL-terminated strings that
        // outlive the call; renameat2 reads them and keeps no pointer.
        let status = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if status == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        let unsupported = matches!(
            error.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
        );
        if !unsupported {
            return Err(error);
        }
    }
    // Three renames: `b` is missing for a moment.
    let aside = a.with_extension("swap");
    let _ = fs::remove_dir_all(&aside);
    fs::rename(b, &aside)?;
    if let Err(error) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(error);
    }
    fs::rename(&aside, a)
}

/// Removes temporary folders left by builds of Rosette versions that
/// wrote a fresh tree each time.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let new_prefix = format!(".{name}.rosette-new-");
    let old_prefix = format!(".{name}.rosette-old-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if file_name.starts_with(&new_prefix) || file_name.starts_with(&old_prefix) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    fn site(files: &[(&str, &str)]) -> impl FnOnce(&Staging) -> Result<(), io::Error> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_string()))
            .collect();
        move |s| {
            s.put(".nojekyll", b"")?;
            for (path, bytes) in files {
                s.put(&path, bytes.as_bytes())?;
            }
            Ok(())
        }
    }

    #[test]
    fn only_what_changed_is_written_and_the_result_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = publish(&out, site(&[("a/x", "1"), ("a/y", "2"), ("b/z", "3")])).unwrap();
        assert_eq!((first.changed, first.written), (true, 4));
        // Nothing changed: nothing written, the same folder.
        let id = TreeId::of(&out);
        let same = publish(&out, site(&[("a/x", "1"), ("a/y", "2"), ("b/z", "3")])).unwrap();
        assert_eq!((same.changed, same.written), (false, 0));
        assert_eq!(TreeId::of(&out), id);
        // One file changes, one goes, one comes.
        let next = publish(&out, site(&[("a/x", "1"), ("a/y", "two"), ("c/w", "4")])).unwrap();
        assert_eq!((next.changed, next.written, next.removed), (true, 2, 0));
        let expected: BTreeMap<String, Vec<u8>> = [
            (".nojekyll", ""),
            ("a/x", "1"),
            ("a/y", "two"),
            ("c/w", "4"),
        ]
        .iter()
        .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
        .collect();
        assert_eq!(tree(&out), expected);
        assert!(!out.join("b").exists(), "emptied folders go too");
        // The spare catches up two builds at once and swaps back.
        let again = publish(&out, site(&[("a/x", "one"), ("a/y", "two"), ("c/w", "4")])).unwrap();
        assert!(again.changed);
        let mut expected = expected;
        expected.insert("a/x".into(), b"one".to_vec());
        assert_eq!(tree(&out), expected);
        let spare = state_dir(&out).unwrap().join(SPARE);
        assert!(!spare.join("b").exists());
        assert_eq!(
            tree(&spare)["a/y"],
            b"two",
            "the spare is the previous site"
        );
    }

    #[test]
    fn many_builds_in_a_row_leave_exactly_each_site_and_the_previous_one_as_spare() {
        // Files come, change, go, and turn into folders and back; every
        // fourth build fails half-way. After each good build `public/` is
        // exactly its site and the spare exactly the site before.
        const PATHS: [&str; 9] = [
            "index.html",
            "a",
            "a/x",
            "a/y",
            "a/y/deep",
            "b/z",
            "b/w",
            "c/d/e",
            "c",
        ];
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = state_dir(&out).unwrap().join(SPARE);
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            seed >> 16
        };
        let mut previous: Option<BTreeMap<String, Vec<u8>>> = None;
        for step in 0..60 {
            let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            files.insert(".nojekyll".into(), Vec::new());
            for path in PATHS {
                let taken = files.keys().any(|p| {
                    p.starts_with(&format!("{path}/")) || path.starts_with(&format!("{p}/"))
                });
                if !taken && next() % 3 != 0 {
                    files.insert(path.into(), format!("{}", next() % 3).into_bytes());
                }
            }
            let fails = step % 4 == 3;
            let result = publish(&out, |s| {
                for (n, (path, bytes)) in files.iter().enumerate() {
                    if fails {
                        // Bytes no site has, into the spare, then a failure.
                        s.put(path, b"half-made").map_err(|e| e.to_string())?;
                        if n >= files.len() / 2 {
                            return Err("render failed".to_string());
                        }
                        continue;
                    }
                    s.put(path, bytes).map_err(|e| e.to_string())?;
                }
                if fails {
                    return Err("render failed".to_string());
                }
                Ok(())
            });
            match (fails, result) {
                (true, Err(WriteError::Build(_))) => {
                    assert_eq!(
                        Some(tree(&out)),
                        previous,
                        "step {step}: a failed build changes nothing"
                    );
                }
                (false, Ok(_)) => {
                    assert_eq!(tree(&out), files, "step {step}: the site");
                    if let (Some(before), true) = (&previous, spare.exists()) {
                        assert_eq!(&tree(&spare), before, "step {step}: the spare");
                    }
                    previous = Some(files);
                }
                (_, other) => panic!("step {step}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_spare_changed_by_hand_is_made_anew() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, site(&[("a/x", "1"), ("b", "2")])).unwrap();
        publish(&out, site(&[("a/x", "1"), ("b", "3")])).unwrap();
        let spare = state_dir(&out).unwrap().join(SPARE);
        // Anything at the spare's top changes its identity: its claim no
        // longer holds.
        fs::write(spare.join("stray"), "x").unwrap();
        publish(&out, site(&[("a/x", "4"), ("b", "3")])).unwrap();
        let expected: BTreeMap<String, Vec<u8>> = [(".nojekyll", ""), ("a/x", "4"), ("b", "3")]
            .iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect();
        assert_eq!(tree(&out), expected);
    }

    #[test]
    fn a_failed_build_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, site(&[("index.html", "one")])).unwrap();
        let result = publish(&out, |s| {
            s.put("index.html", b"two").map_err(|_| "io")?;
            Err::<(), _>("render failed")
        });
        assert!(matches!(result, Err(WriteError::Build("render failed"))));
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "public/ and its state folder: {names:?}");
        // The spare written by the failed build is still usable.
        publish(&out, site(&[("index.html", "two")])).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let result = publish(dir.path(), |_| Ok::<(), ()>(()));
        assert!(matches!(result, Err(WriteError::Refused { .. })));
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn a_lost_or_damaged_state_only_costs_a_full_write() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let files = [("a/x", "1"), ("a/y", "2")];
        publish(&out, site(&files)).unwrap();
        publish(&out, site(&[("a/x", "1"), ("a/y", "3")])).unwrap();
        let state = state_dir(&out).unwrap();
        for entry in fs::read_dir(&state).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with("record-") {
                let mut bytes = fs::read(entry.path()).unwrap();
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0xff;
                fs::write(entry.path(), bytes).unwrap();
            }
        }
        let rebuilt = publish(&out, site(&files)).unwrap();
        assert_eq!(rebuilt.written, 3, "everything written again");
        assert_eq!(tree(&out)["a/y"], b"2");
        fs::remove_dir_all(&state).unwrap();
        let rebuilt = publish(&out, site(&[("a/x", "1")])).unwrap();
        assert_eq!(rebuilt.written, 2);
        assert!(!out.join("a/y").exists());
    }

    #[test]
    fn a_file_removed_by_hand_is_reported_not_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, site(&[("a/x", "1"), ("a/y", "2")])).unwrap();
        // The spare is empty now; the next build links a/x from public/.
        fs::remove_file(out.join("a/x")).unwrap();
        let result = publish(&out, site(&[("a/x", "1"), ("a/y", "3")]));
        assert!(
            matches!(result, Err(WriteError::Stale { .. })),
            "{result:?}"
        );
        assert_eq!(tree(&out)["a/y"], b"2", "public/ untouched");
    }

    #[test]
    fn the_manifest_lists_every_file_of_the_live_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, site(&[("a/x", "1")])).unwrap();
        publish(&out, site(&[("a/x", "2"), ("b", "3")])).unwrap();
        let text = fs::read_to_string(state_dir(&out).unwrap().join(MANIFEST)).unwrap();
        let expected: String = tree(&out)
            .iter()
            .map(|(path, bytes)| format!("{}  {path}\n", manifest::hex(&Entry::of(bytes).digest)))
            .collect();
        assert_eq!(text, expected);
    }
}
