//! The stamp of a whole build: a digest of everything a build reads, kept
//! beside the output folder, so that building again with nothing changed
//! costs reading and hashing the inputs, not loading, validating and
//! rendering them (as make, ninja and cargo compare fingerprints).
//!
//! A build's output is a function of its inputs only (no clock, no
//! network, no environment but the key): the files of `site/`, `badges/`
//! and `themes/` (every file, hidden ones too, by name and bytes; symbolic
//! links by their target), `rosette.lock`, the `--base-url` and `--locked`
//! options, a key derived from the signing secret (never the secret) and the
//! Rosette binary itself (its version, size and modification time: a
//! rebuilt binary with another embedded theme is another input).
//!
//! The stamp is written only after a successful build that left
//! `rosette.lock` unchanged, and only when the inputs hashed before the build
//! are the inputs hashed after it (a file saved during the build is read
//! again next time). It is tied to the identity of the output folder
//! ([`output::stamp_file`]): a replaced output folder has no stamp. It
//! holds the summary and warnings of that build, which a stamped build
//! prints again. Deleting it costs one incremental build.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use walkdir::WalkDir;

use super::{BuildOptions, Summary};
use crate::credential::keys::Secret;
use crate::output::{self, Digest};
use crate::repo::lock::LOCK_FILE;

/// Bump when what a stamp covers changes meaning.
const FORMAT: u32 = 1;

/// Folders of the repository whose every file is an input.
const INPUT_DIRS: [&str; 3] = ["site", "badges", "themes"];

/// A repository holding a file larger than this is not stamped (its
/// builds stay incremental, they are only not skipped).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// What a stamp file holds.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Stamp {
    format: u32,
    inputs: String,
    badges: usize,
    awards: usize,
    pages: usize,
    signed: usize,
    files: usize,
    warnings: Vec<String>,
}

/// The digest of everything a build with `options` and `secret` reads but
/// `rosette.lock` (which the build may write: [`with_lock`]); `None` when
/// some input cannot be read as it is (the build then runs and reports it).
pub(super) fn inputs(options: &BuildOptions, secret: Option<&Secret>) -> Option<Digest> {
    let mut h = Sha256::new();
    h.update(b"rosette/build-stamp\0");
    h.update(FORMAT.to_le_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    let exe = std::env::current_exe().ok()?.metadata().ok()?;
    h.update(exe.len().to_le_bytes());
    let built = exe
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    h.update(built.as_nanos().to_le_bytes());
    field(
        &mut h,
        options.base_url.as_deref().unwrap_or("\0none").as_bytes(),
    );
    h.update([u8::from(options.locked)]);
    match secret {
        Some(secret) => {
            h.update([1]);
            h.update(secret.derive("build-stamp"));
        }
        None => h.update([0]),
    }
    for dir in INPUT_DIRS {
        field(&mut h, dir.as_bytes());
        let base = options.root.join(dir);
        if !base.exists() {
            continue;
        }
        for entry in WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.ok()?;
            let rel = entry.path().strip_prefix(&base).ok()?;
            field(&mut h, rel.as_os_str().as_encoded_bytes());
            let kind = entry.file_type();
            if kind.is_symlink() {
                h.update(b"l");
                let target = std::fs::read_link(entry.path()).ok()?;
                field(&mut h, target.as_os_str().as_encoded_bytes());
            } else if kind.is_dir() {
                h.update(b"d");
            } else {
                h.update(b"f");
                file(&mut h, entry.path())?;
            }
        }
    }
    Some(h.finalize().into())
}

/// The key of a stamp: the other inputs and `rosette.lock` as it is now.
pub(super) fn with_lock(inputs: &Digest, root: &Path) -> Option<Digest> {
    let lock = read(&root.join(LOCK_FILE))?;
    Some(key(inputs, lock.as_deref()))
}

/// The key of a stamp: the other inputs and the lock's bytes (`None`: no
/// lock file).
pub(super) fn key(inputs: &Digest, lock: Option<&[u8]>) -> Digest {
    let mut h = Sha256::new();
    h.update(inputs);
    contents(&mut h, lock);
    h.finalize().into()
}

/// Length-prefixed, so fields cannot run into each other.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// A file's bytes (a missing file is an input too).
fn file(h: &mut Sha256, path: &Path) -> Option<()> {
    contents(h, read(path)?.as_deref());
    Some(())
}

/// A file's bytes, `None` inside when there is no file; `None` when it
/// cannot be read or is too large (then nothing is stamped).
fn read(path: &Path) -> Option<Option<Vec<u8>>> {
    match crate::repo::load::read_bounded(path, MAX_FILE_BYTES) {
        Ok(bytes) => Some(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        Err(_) => None,
    }
}

fn contents(h: &mut Sha256, bytes: Option<&[u8]>) {
    match bytes {
        Some(bytes) => field(h, bytes),
        None => h.update(b"\0missing"),
    }
}

/// The summary of the build that made `out` from exactly `inputs`, if
/// that is how `out` was made.
pub(super) fn find(out: &Path, inputs: &Digest) -> Option<Summary> {
    let path = output::stamp_file(out)?;
    let bytes = crate::repo::load::read_bounded(&path, 1 << 20).ok()?;
    let stamp: Stamp = serde_json::from_slice(&bytes).ok()?;
    (stamp.format == FORMAT && stamp.inputs == output::manifest::hex(inputs)).then_some(Summary {
        badges: stamp.badges,
        awards: stamp.awards,
        pages: stamp.pages,
        signed: stamp.signed,
        warnings: stamp.warnings,
        files: stamp.files,
        written: 0,
        deleted: 0,
        signatures_made: 0,
        kept: stamp.awards,
    })
}

/// Records that `out` is what `summary`'s build made from `inputs`.
pub(super) fn save(out: &Path, inputs: &Digest, summary: &Summary) {
    let stamp = Stamp {
        format: FORMAT,
        inputs: output::manifest::hex(inputs),
        badges: summary.badges,
        awards: summary.awards,
        pages: summary.pages,
        signed: summary.signed,
        files: summary.files,
        warnings: summary.warnings.clone(),
    };
    if let Ok(bytes) = serde_json::to_vec(&stamp) {
        // A stamp that cannot be written only costs the next build time.
        let _ = output::write_stamp(out, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: root.join("public"),
            base_url: None,
            key_file: None,
            locked: false,
        }
    }

    #[test]
    fn every_input_changes_the_digest_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("site/site.toml", "a"),
            ("badges/b.toml", "b"),
            ("badges/b/x.toml", "c"),
            ("themes/t/page.html", "d"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        let opts = options(root);
        let base = inputs(&opts, None).unwrap();
        assert_eq!(inputs(&opts, None), Some(base), "deterministic");
        // Not inputs: the output, caches, other files at the top.
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::write(root.join("README.md"), "x").unwrap();
        assert_eq!(inputs(&opts, None), Some(base));

        let mut seen = vec![base];
        let mut differs = |digest: Digest, what: &str| {
            assert!(!seen.contains(&digest), "{what} must change the digest");
            seen.push(digest);
        };
        std::fs::write(root.join("badges/b/x.toml"), "C").unwrap();
        differs(inputs(&opts, None).unwrap(), "an award file's bytes");
        std::fs::write(root.join("badges/b/.x.toml.swp"), "").unwrap();
        differs(inputs(&opts, None).unwrap(), "a new hidden file");
        std::fs::rename(
            root.join("themes/t/page.html"),
            root.join("themes/t/pag.html"),
        )
        .unwrap();
        differs(inputs(&opts, None).unwrap(), "a renamed theme file");
        let now = inputs(&opts, None).unwrap();
        std::fs::write(root.join(LOCK_FILE), "version = 1\n").unwrap();
        assert_eq!(inputs(&opts, None), Some(now), "the lock is apart");
        let with = with_lock(&now, root).unwrap();
        std::fs::write(root.join(LOCK_FILE), "version = 2\n").unwrap();
        assert_ne!(with_lock(&now, root), Some(with), "the lock");
        let mut other = options(root);
        other.base_url = Some("https://elsewhere.example/".into());
        differs(inputs(&other, None).unwrap(), "--base-url");
        other = options(root);
        other.locked = true;
        differs(inputs(&other, None).unwrap(), "--locked");
        let secret = crate::credential::keys::generate().unwrap();
        differs(inputs(&opts, Some(&secret)).unwrap(), "the key");
        let another = crate::credential::keys::generate().unwrap();
        differs(inputs(&opts, Some(&another)).unwrap(), "another key");
    }

    #[test]
    fn a_stamp_is_found_only_for_its_inputs_and_its_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        let summary = Summary {
            badges: 2,
            awards: 3,
            pages: 1,
            signed: 3,
            warnings: vec!["w".into()],
            files: 20,
            written: 20,
            deleted: 0,
            signatures_made: 3,
            kept: 0,
        };
        let digest = [5; 32];
        save(&out, &digest, &summary);
        let found = find(&out, &digest).unwrap();
        assert_eq!((found.badges, found.awards, found.files), (2, 3, 20));
        assert_eq!(
            (found.written, found.signatures_made, found.kept),
            (0, 0, 3)
        );
        assert_eq!(found.warnings, ["w"]);
        assert!(find(&out, &[6; 32]).is_none(), "other inputs");
        // A replaced output folder is not the stamped one.
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(".nojekyll"), "").unwrap();
        assert!(find(&out, &digest).is_none());
    }
}
