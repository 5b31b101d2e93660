//! Atomic replacement of the output folder.
//!
//! [`write_atomically`] builds into a sibling temporary folder and swaps it
//! into place only when everything succeeded, so a failed or killed build
//! leaves the previous output intact and no temporary folder behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Folder;

/// Why the output folder could not be replaced.
#[derive(Debug)]
pub enum WriteError<E> {
    /// The build itself failed; the previous output is untouched.
    Build(E),
    /// A filesystem operation failed.
    Io { path: PathBuf, error: io::Error },
    /// `out` exists and does not look like a Rosette output folder.
    Refused { path: PathBuf, reason: String },
}

/// Runs `build` against a fresh temporary folder beside `out`, then swaps
/// it into place. On any error the temporary folder is removed and `out` is
/// left as it was.
///
/// The swap is two renames in the same parent folder (old out aside, new
/// in), so the window without an `out` folder is a few microseconds. An
/// existing non-empty `out` must contain `.nojekyll` (which every build
/// writes): Rosette never replaces a folder it did not make.
pub fn write_atomically<E>(
    out: &Path,
    build: impl FnOnce(&Folder) -> Result<(), E>,
) -> Result<(), WriteError<E>> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| WriteError::Io { path, error }
    };
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
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;
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
    remove_stale(&parent, &name);
    let pid = std::process::id();
    let temp = parent.join(format!(".{name}.rosette-new-{pid}"));
    let _ = fs::remove_dir_all(&temp);
    fs::create_dir(&temp).map_err(io_error(&temp))?;
    let folder = Folder::new(temp.clone());
    if let Err(error) = build(&folder) {
        let _ = fs::remove_dir_all(&temp);
        return Err(WriteError::Build(error));
    }
    let old = parent.join(format!(".{name}.rosette-old-{pid}"));
    if out.exists()
        && let Err(error) = fs::rename(out, &old)
    {
        let _ = fs::remove_dir_all(&temp);
        return Err(WriteError::Io {
            path: out.to_path_buf(),
            error,
        });
    }
    if let Err(error) = fs::rename(&temp, out) {
        let _ = fs::rename(&old, out);
        let _ = fs::remove_dir_all(&temp);
        return Err(WriteError::Io {
            path: out.to_path_buf(),
            error,
        });
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Removes temporary folders left by a build that was killed.
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
    use crate::output::Sink;

    #[test]
    fn failed_build_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomically(&out, |f| {
            f.put(".nojekyll", b"")
                .and_then(|()| f.put("index.html", b"one"))
        })
        .map_err(|_| ())
        .unwrap();
        let result = write_atomically(&out, |f| {
            f.put("index.html", b"two").map_err(|_| "io")?;
            Err::<(), _>("render failed")
        });
        assert!(matches!(result, Err(WriteError::Build("render failed"))));
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let result = write_atomically(dir.path(), |_| Ok::<(), ()>(()));
        assert!(matches!(result, Err(WriteError::Refused { .. })));
        assert!(dir.path().join("precious.txt").exists());
    }
}
