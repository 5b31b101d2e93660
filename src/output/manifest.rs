//! What a built site holds: every file with its size and SHA-256, and the
//! fingerprints of the units (awards) that made them.
//!
//! A [`Record`] is kept beside an output folder for each of its two trees
//! (see [`super::publish`]); it is what lets a build write only what
//! changed. Its file format is private to Rosette, versioned, and ends with a
//! SHA-256 of everything before it: a record that was cut short or changed
//! by anything but Rosette is ignored (the next build is then a full one),
//! never trusted.
//!
//! The published form for deploy scripts is [`write_text`]: one line per
//! file, `<sha256 hex>  <path>`, sorted by path, the format of `sha256sum`
//! (so `cd public && sha256sum --check --strict ../.public.rosette/manifest.sha256`
//! verifies a tree).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
pub type Digest = [u8; 32];

/// A map keyed by paths or unit names of the site (tens of thousands per
/// build): foldhash, as the keys are Rosette's own, not an attacker's.
/// A path (or unit id) of a built site, shared by the maps of the live and
/// the new site: keeping a file clones a pointer, not its path.
pub type Key = std::sync::Arc<str>;

pub type PathMap<V> = HashMap<Key, V, foldhash::fast::RandomState>;

/// An empty [`PathMap`] with room for `n` keys.
pub fn path_map<V>(n: usize) -> PathMap<V> {
    HashMap::with_capacity_and_hasher(n, foldhash::fast::RandomState::default())
}

/// One file of a built site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub size: u64,
    pub digest: Digest,
}

impl Entry {
    pub fn of(bytes: &[u8]) -> Entry {
        Entry {
            size: bytes.len() as u64,
            digest: Sha256::digest(bytes).into(),
        }
    }
}

/// Identifies a folder on disk: device, inode and modification time. A
/// folder keeps all three when renamed or swapped (measured on ext4 and
/// tmpfs), which is what lets a record follow its tree through the swap of
/// [`super::publish`]; a folder made anew, or one whose top level changed,
/// does not match its old record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TreeId {
    pub dev: u64,
    pub ino: u64,
    /// Nanoseconds since the epoch.
    pub mtime: u64,
}

impl TreeId {
    /// The identity of the folder at `path`, if there is one.
    pub fn of(path: &Path) -> Option<TreeId> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.is_dir() {
            return None;
        }
        Some(tree_id(&meta))
    }
}

#[cfg(unix)]
fn tree_id(meta: &std::fs::Metadata) -> TreeId {
    use std::os::unix::fs::MetadataExt;
    TreeId {
        dev: meta.dev(),
        ino: meta.ino(),
        mtime: (meta.mtime() as u64)
            .wrapping_mul(1_000_000_000)
            .wrapping_add(meta.mtime_nsec() as u64),
    }
}

#[cfg(not(unix))]
fn tree_id(meta: &std::fs::Metadata) -> TreeId {
    // Without inode numbers, a folder is known by its times.
    let nanos = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    };
    TreeId {
        dev: 0,
        ino: nanos(meta.created()),
        mtime: nanos(meta.modified()),
    }
}

/// What one tree holds and which unit fingerprints made it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub files: PathMap<Entry>,
    pub units: PathMap<Digest>,
}

const MAGIC: &[u8] = b"rosette output record\n";
/// Bump when the format or the meaning of a record changes.
const VERSION: u32 = 1;
/// Bounds that a record read from disk must respect (a corrupt length
/// cannot make Rosette allocate without limit).
const MAX_ENTRIES: usize = 50_000_000;

impl Record {
    /// The bytes of the record of the tree `tree`.
    pub fn encode(&self, tree: TreeId) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.files.len() * 80 + self.units.len() * 48);
        // Writing into a vector cannot fail.
        let _ = self.write(tree, &mut out);
        out
    }

    /// Writes [`Record::encode`]'s bytes to `to` as they are made (the
    /// record of a large site is tens of megabytes: it is not held whole).
    pub fn write(&self, tree: TreeId, to: &mut impl Write) -> io::Result<()> {
        struct Summed<'w, W: Write> {
            to: &'w mut W,
            sum: Sha256,
            buffer: Vec<u8>,
        }
        impl<W: Write> Summed<'_, W> {
            fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
                self.buffer.extend_from_slice(bytes);
                if self.buffer.len() >= 1 << 16 {
                    self.flush()?;
                }
                Ok(())
            }
            fn flush(&mut self) -> io::Result<()> {
                self.sum.update(&self.buffer);
                self.to.write_all(&self.buffer)?;
                self.buffer.clear();
                Ok(())
            }
        }
        let mut out = Summed {
            to,
            sum: Sha256::new(),
            buffer: Vec::with_capacity(1 << 16 | 1024),
        };
        out.put(MAGIC)?;
        out.put(&VERSION.to_le_bytes())?;
        out.put(&tree.dev.to_le_bytes())?;
        out.put(&tree.ino.to_le_bytes())?;
        out.put(&tree.mtime.to_le_bytes())?;
        out.put(&(self.files.len() as u64).to_le_bytes())?;
        for (path, entry) in &self.files {
            out.put(&(path.len() as u32).to_le_bytes())?;
            out.put(path.as_bytes())?;
            out.put(&entry.size.to_le_bytes())?;
            out.put(&entry.digest)?;
        }
        out.put(&(self.units.len() as u64).to_le_bytes())?;
        for (unit, digest) in &self.units {
            out.put(&(unit.len() as u32).to_le_bytes())?;
            out.put(unit.as_bytes())?;
            out.put(digest)?;
        }
        out.flush()?;
        let check: Digest = out.sum.finalize().into();
        out.to.write_all(&check)
    }

    /// Decodes a record; `None` when the bytes are not a complete, intact
    /// record of the current version.
    pub fn decode(bytes: &[u8]) -> Option<(TreeId, Record)> {
        let (tree, mut r) = Reader::framed(bytes, MAGIC)?;
        let count = r.count()?;
        let mut files = path_map(count);
        for _ in 0..count {
            let path = r.str()?;
            let size = r.u64()?;
            let digest = r.digest()?;
            files.insert(path, Entry { size, digest });
        }
        let count = r.count()?;
        let mut units = path_map(count);
        for _ in 0..count {
            let unit = r.str()?;
            units.insert(unit, r.digest()?);
        }
        r.0.is_empty().then_some((tree, Record { files, units }))
    }
}

/// What a build knows of the other tree when it swaps: the tree `tree`
/// (the previous site, now the spare) differs from the new live tree at
/// `paths` only (a file changed, added or removed there), and is the same
/// everywhere else. The next build brings the spare to its site by
/// touching those paths and the ones it changes itself, instead of
/// comparing every file of both trees. Same framing as a [`Record`]: a
/// claim that was cut or changed is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sibling {
    pub tree: TreeId,
    pub paths: Vec<Key>,
}

const SIBLING_MAGIC: &[u8] = b"rosette sibling tree\n";

impl Sibling {
    pub fn encode(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(64 + self.paths.iter().map(|p| 4 + p.len()).sum::<usize>());
        out.extend_from_slice(SIBLING_MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&self.tree.dev.to_le_bytes());
        out.extend_from_slice(&self.tree.ino.to_le_bytes());
        out.extend_from_slice(&self.tree.mtime.to_le_bytes());
        out.extend_from_slice(&(self.paths.len() as u64).to_le_bytes());
        for path in &self.paths {
            out.extend_from_slice(&(path.len() as u32).to_le_bytes());
            out.extend_from_slice(path.as_bytes());
        }
        let check: Digest = Sha256::digest(&out).into();
        out.extend_from_slice(&check);
        out
    }

    pub fn decode(bytes: &[u8]) -> Option<Sibling> {
        let (tree, mut r) = Reader::framed(bytes, SIBLING_MAGIC)?;
        let n = usize::try_from(r.u64()?).ok()?;
        // Every path takes at least 4 bytes.
        if n > MAX_ENTRIES || n > r.0.len() / 4 {
            return None;
        }
        let paths = (0..n).map(|_| r.str()).collect::<Option<Vec<_>>>()?;
        r.0.is_empty().then_some(Sibling { tree, paths })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// The body of a record or claim after its header (`magic`, the
    /// version and the tree), if its final SHA-256 holds.
    fn framed(bytes: &'a [u8], magic: &[u8]) -> Option<(TreeId, Reader<'a>)> {
        let (body, check) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        if Sha256::digest(body).as_slice() != check {
            return None;
        }
        let mut r = Reader(body);
        if r.take(magic.len())? != magic || r.u32()? != VERSION {
            return None;
        }
        let tree = TreeId {
            dev: r.u64()?,
            ino: r.u64()?,
            mtime: r.u64()?,
        };
        Some((tree, r))
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        // Every entry takes at least 36 bytes: a count beyond what is left
        // is corruption, not a reason to reserve memory.
        (n <= MAX_ENTRIES && n <= self.0.len() / 36).then_some(n)
    }

    fn str(&mut self) -> Option<Key> {
        let n = self.u32()? as usize;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).ok().map(Key::from)
    }

    fn digest(&mut self) -> Option<Digest> {
        self.take(32)?.try_into().ok()
    }
}

/// Lowercase hexadecimal (the one implementation: digests here, salts,
/// identity hashes and key encodings in credential/).
pub fn hex(bytes: &[u8]) -> String {
    let mut text = Vec::with_capacity(2 * bytes.len());
    hex_into(&mut text, bytes);
    String::from_utf8(text).unwrap_or_default()
}

/// Appends the lowercase hexadecimal of `bytes` to `out`.
fn hex_into(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Into room made once (a push per digit was most of the time of
    // writing a large site's manifest).
    let start = out.len();
    out.resize(start + 2 * bytes.len(), 0);
    for (pair, byte) in out[start..].chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
}

/// Writes `files` as a `sha256sum` listing, sorted by path.
pub fn write_text(files: &PathMap<Entry>, to: &mut impl Write) -> io::Result<()> {
    use rayon::slice::ParallelSliceMut as _;
    let mut paths: Vec<(&str, &Entry)> = files.iter().map(|(p, e)| (&**p, e)).collect();
    paths.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    // In pieces: the listing of a large site is tens of megabytes.
    let mut text = Vec::with_capacity(1 << 16);
    for (path, entry) in paths {
        hex_into(&mut text, &entry.digest);
        text.extend_from_slice(b"  ");
        text.extend_from_slice(path.as_bytes());
        text.push(b'\n');
        if text.len() > 60_000 {
            to.write_all(&text)?;
            text.clear();
        }
    }
    to.write_all(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        let mut record = Record::default();
        record
            .files
            .insert("index.html".into(), Entry::of(b"<!DOCTYPE html>"));
        record
            .files
            .insert("awards/a/credential.json".into(), Entry::of(b"{}\n"));
        record.units.insert("a".into(), [7; 32]);
        record
    }

    #[test]
    fn records_round_trip_and_refuse_any_damage() {
        let tree = TreeId {
            dev: 3,
            ino: 99,
            mtime: 5,
        };
        let bytes = record().encode(tree);
        assert_eq!(Record::decode(&bytes), Some((tree, record())));
        for cut in [0, 1, 31, 32, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(Record::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        for at in [0, MAGIC.len(), bytes.len() / 2, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1;
            assert_eq!(Record::decode(&damaged), None, "flipped byte {at}");
        }
    }

    #[test]
    fn sibling_claims_round_trip_and_refuse_any_damage() {
        let claim = Sibling {
            tree: TreeId {
                dev: 1,
                ino: 2,
                mtime: 3,
            },
            paths: vec!["index.html".into(), "awards/a/index.html".into()],
        };
        let bytes = claim.encode();
        assert_eq!(Sibling::decode(&bytes), Some(claim));
        for cut in [0, 1, 32, bytes.len() - 1] {
            assert_eq!(Sibling::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut damaged = bytes.clone();
        damaged[SIBLING_MAGIC.len() + 10] ^= 1;
        assert_eq!(Sibling::decode(&damaged), None);
        // A record is not a claim.
        assert_eq!(Sibling::decode(&record().encode(TreeId::default())), None);
    }

    #[test]
    fn the_text_form_is_what_sha256sum_prints() {
        let mut text = Vec::new();
        write_text(&record().files, &mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  awards/a/credential.json\n\
             c77e5168dffda66b8dc13f1425b4d3630a6656a3e5acf707f4393277ba3c8b5e  index.html\n"
        );
    }
}
