//! A cache of signatures between builds: 32-byte keys (a digest of exactly
//! what was signed, made by the signer) to 64-byte values (the signature).
//!
//! It lives outside the output and out of git (`.rosette-cache/` in the
//! repository) and may be deleted at any time: a missing, cut or damaged
//! cache only costs the time to sign again. Each entry carries a keyed
//! checksum (SHA-256 of a key derived from the signing secret, the entry's
//! key and value): an entry damaged on disk, or written by anyone without
//! the secret, fails it and is ignored, so the cache can never put a wrong
//! signature into a credential. Checks are verified when an entry is looked
//! up (and before an entry is written again), so reading the cache costs a
//! copy of the file, not a SHA-256 per entry.
//!
//! File format (`signatures`): a 32-byte header, then 112-byte entries
//! `key ‖ value ‖ check[..16]`. New entries are appended at the end of a
//! build, in one write; when fewer than half of the entries were used by a
//! build that signed the whole site, the file is rewritten with only those.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use sha2::{Digest as _, Sha256};

use super::manifest::Digest;

/// A signature.
pub type Value = [u8; 64];

const HEADER: &[u8; 32] = b"rosette signature cache v1\n\0\0\0\0\0";
const ENTRY: usize = 32 + 64 + 16;
/// The largest cache file read (about 9 million entries): anything larger
/// is not Rosette's and is ignored.
const MAX_BYTES: u64 = 1 << 30;

/// The signatures of earlier builds.
pub struct Cache {
    /// `None`: kept in memory only.
    path: Option<PathBuf>,
    integrity: [u8; 32],
    /// The file, read on first use: a build that signs nothing (nothing
    /// changed) does not read it.
    stored: OnceLock<Stored>,
    added: Mutex<Vec<(Digest, Value)>>,
    used: Mutex<HashSet<Digest>>,
    hits: AtomicUsize,
    /// Entries that failed their check when looked up.
    found_damaged: AtomicUsize,
}

/// An entry of the cache: a signature, and its check until it is verified.
#[derive(Debug, Clone, Copy)]
enum Stamped {
    Checked(Value),
    Unchecked(Value, [u8; 16]),
}

/// What the cache file held: each entry with its check, verified when the
/// entry is looked up (a build that signs one credential checks one entry,
/// not every entry of the file).
#[derive(Default)]
struct Stored {
    entries: RwLock<HashMap<Digest, Stamped, foldhash::fast::RandomState>>,
    /// Entries that failed their check (or 1 for a file that is not a cache).
    damaged: usize,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// The cache in the file `path`; `integrity` is a key derived from the
    /// signing secret (never stored). A file that cannot be read is an
    /// empty cache.
    pub fn open(path: &Path, integrity: [u8; 32]) -> Cache {
        let mut cache = Cache::in_memory(integrity);
        cache.path = Some(path.to_path_buf());
        cache
    }

    /// A cache that is never written to disk (for signatures by a key that
    /// exists only for one run).
    pub fn in_memory(integrity: [u8; 32]) -> Cache {
        Cache {
            path: None,
            integrity,
            stored: OnceLock::new(),
            added: Mutex::default(),
            used: Mutex::default(),
            hits: AtomicUsize::new(0),
            found_damaged: AtomicUsize::new(0),
        }
    }

    fn stored(&self) -> &Stored {
        self.stored.get_or_init(|| match &self.path {
            Some(path) => self.read(path),
            None => Stored::default(),
        })
    }

    fn read(&self, path: &Path) -> Stored {
        let bytes = File::open(path).and_then(|file| {
            use std::io::Read;
            let mut bytes = Vec::new();
            file.take(MAX_BYTES).read_to_end(&mut bytes)?;
            Ok(bytes)
        });
        let Ok(bytes) = bytes else {
            return Stored::default();
        };
        let Some(body) = bytes.strip_prefix(HEADER.as_slice()) else {
            return Stored {
                damaged: usize::from(!bytes.is_empty()),
                ..Stored::default()
            };
        };
        let mut damaged = 0;
        let mut entries = HashMap::with_capacity_and_hasher(body.len() / ENTRY, Default::default());
        for chunk in body.chunks(ENTRY) {
            let parsed = (chunk.len() == ENTRY)
                .then(|| {
                    let key: Digest = chunk[..32].try_into().ok()?;
                    let value: Value = chunk[32..96].try_into().ok()?;
                    let check: [u8; 16] = chunk[96..].try_into().ok()?;
                    Some((key, Stamped::Unchecked(value, check)))
                })
                .flatten();
            match parsed {
                Some((key, value)) => {
                    entries.insert(key, value);
                }
                None => damaged += 1,
            }
        }
        Stored {
            entries: RwLock::new(entries),
            damaged,
        }
    }

    fn check(&self, key: &Digest, value: &Value) -> [u8; 16] {
        let mut hasher = Sha256::new();
        hasher.update(b"rosette signature cache entry\0");
        hasher.update(self.integrity);
        hasher.update(key);
        hasher.update(value);
        let digest = hasher.finalize();
        let mut check = [0; 16];
        check.copy_from_slice(&digest[..16]);
        check
    }

    pub fn get(&self, key: &Digest) -> Option<Value> {
        let found = self.stored().entries.read().ok()?.get(key).copied()?;
        let found = match (found, self.valid(key, &found)) {
            (Stamped::Checked(value), _) => value,
            (Stamped::Unchecked(..), Some(value)) => {
                if let Ok(mut entries) = self.stored().entries.write() {
                    entries.insert(*key, Stamped::Checked(value));
                }
                value
            }
            (Stamped::Unchecked(..), None) => {
                // Damaged, or written without the secret: signed again.
                if let Ok(mut entries) = self.stored().entries.write() {
                    entries.remove(key);
                }
                self.found_damaged.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut used) = self.used.lock() {
            used.insert(*key);
        }
        Some(found)
    }

    pub fn insert(&self, key: Digest, value: Value) {
        if let Ok(mut entries) = self.stored().entries.write() {
            entries.insert(key, Stamped::Checked(value));
        }
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
        if let Ok(mut added) = self.added.lock() {
            added.push((key, value));
        }
    }

    /// Lookups that found their signature.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Entries added by this build.
    pub fn added(&self) -> usize {
        self.added.lock().map_or(0, |a| a.len())
    }

    /// Entries of the file that were ignored (damaged or not Rosette's).
    pub fn damaged(&self) -> usize {
        let stored = self.stored();
        let unchecked = stored.entries.read().map_or(0, |entries| {
            entries
                .iter()
                .filter(|(k, v)| self.valid(k, v).is_none())
                .count()
        });
        stored.damaged + self.found_damaged.load(Ordering::Relaxed) + unchecked
    }

    /// The signature of an entry whose check holds.
    fn valid(&self, key: &Digest, entry: &Stamped) -> Option<Value> {
        match *entry {
            Stamped::Checked(value) => Some(value),
            Stamped::Unchecked(value, check) => (self.check(key, &value) == check).then_some(value),
        }
    }

    /// Writes the entries added by this build. `whole_site`: this build
    /// looked up every signature the site needs, so entries it did not use
    /// belong to nothing published and may go.
    pub fn save(&self, whole_site: bool) -> io::Result<()> {
        let added = std::mem::take(&mut *self.added.lock().map_err(|_| io::Error::other("lock"))?);
        let Some(path) = &self.path else {
            return Ok(());
        };
        // Never read: this build signed nothing and looked nothing up.
        let Some(stored) = self.stored.get() else {
            return Ok(());
        };
        let total = stored.entries.read().map_or(0, |e| e.len());
        let used = self.used.lock().map_or(0, |u| u.len());
        let compact = stored.damaged > 0
            || self.found_damaged.load(Ordering::Relaxed) > 0
            || (whole_site && total > 2 * used + 1000);
        if added.is_empty() && !compact {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        if compact {
            let used = self.used.lock().map_err(|_| io::Error::other("lock"))?;
            let entries = stored
                .entries
                .read()
                .map_err(|_| io::Error::other("lock"))?;
            // Only entries whose check holds are written again (with a
            // fresh check): a damaged one must not be vouched for.
            let mut keep: Vec<(&Digest, Value)> = entries
                .iter()
                .filter(|(k, _)| !whole_site || used.contains(*k))
                .filter_map(|(k, entry)| Some((k, self.valid(k, entry)?)))
                .collect();
            keep.sort_unstable();
            let mut bytes = Vec::with_capacity(HEADER.len() + keep.len() * ENTRY);
            bytes.extend_from_slice(HEADER);
            for (key, value) in keep {
                self.append_entry(&mut bytes, key, &value);
            }
            let mut temp = path.as_os_str().to_owned();
            temp.push(".new");
            fs::write(&temp, &bytes)?;
            return fs::rename(&temp, path);
        }
        let mut file = File::options().append(true).create(true).open(path)?;
        let mut bytes = Vec::with_capacity(HEADER.len() + added.len() * ENTRY);
        if file.metadata()?.len() == 0 {
            bytes.extend_from_slice(HEADER);
        }
        for (key, value) in &added {
            self.append_entry(&mut bytes, key, value);
        }
        file.write_all(&bytes)
    }

    fn append_entry(&self, bytes: &mut Vec<u8>, key: &Digest, value: &Value) {
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(&self.check(key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_save_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/signatures");
        let cache = Cache::open(&path, [1; 32]);
        assert_eq!(cache.get(&[9; 32]), None);
        cache.insert([9; 32], [4; 64]);
        cache.insert([8; 32], [5; 64]);
        cache.save(false).unwrap();
        let again = Cache::open(&path, [1; 32]);
        assert_eq!(again.get(&[9; 32]), Some([4; 64]));
        assert_eq!(again.damaged(), 0);

        // Another secret cannot vouch for these entries.
        assert_eq!(Cache::open(&path, [2; 32]).get(&[9; 32]), None);

        // A flipped bit in a value: that entry is ignored, the other kept.
        let mut bytes = fs::read(&path).unwrap();
        let at = HEADER.len() + 32 + 10;
        bytes[at] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let damaged = Cache::open(&path, [1; 32]);
        assert_eq!(damaged.damaged(), 1);
        let (a, b) = (damaged.get(&[9; 32]), damaged.get(&[8; 32]));
        assert!(a.is_none() ^ b.is_none(), "exactly one entry survives");
        // Saving rewrites the file without the damaged entry.
        damaged.save(false).unwrap();
        assert_eq!(Cache::open(&path, [1; 32]).damaged(), 0);

        // A cut file and a file that is not a cache are empty caches.
        fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        assert_eq!(Cache::open(&path, [1; 32]).damaged(), 2);
        fs::write(&path, b"not a cache").unwrap();
        assert_eq!(Cache::open(&path, [1; 32]).get(&[9; 32]), None);
    }

    #[test]
    fn a_whole_site_build_drops_what_it_no_longer_uses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signatures");
        let cache = Cache::open(&path, [1; 32]);
        for i in 0..2000u32 {
            let mut key = [0; 32];
            key[..4].copy_from_slice(&i.to_le_bytes());
            cache.insert(key, [3; 64]);
        }
        cache.save(true).unwrap();
        let next = Cache::open(&path, [1; 32]);
        assert!(next.get(&[0; 32]).is_some());
        next.save(true).unwrap();
        let compacted = Cache::open(&path, [1; 32]);
        assert!(compacted.get(&[0; 32]).is_some());
        let mut other = [0; 32];
        other[0] = 1;
        assert!(compacted.get(&other).is_none(), "unused entries went");
    }
}
