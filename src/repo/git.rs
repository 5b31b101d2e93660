//! Asking git about paths of the badge repository: whether git ignores a
//! path (`git check-ignore`) or tracks it (`git ls-files --error-unmatch`).
//!
//! Used where a file must never reach git: a secret key file, the
//! mail-merge file with plaintext emails. When git is not installed or the
//! folder is not a git repository yet, git cannot tell: callers decide
//! what that means (refusing, or adding the path to `.gitignore`).

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// What git says about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// git ignores it (`.gitignore`, `.git/info/exclude`, global excludes).
    Ignored,
    /// git tracks it (it is in the index).
    Tracked,
    /// Neither ignored nor tracked: `git add .` would add it.
    Unignored,
    /// No git here (not a repository, or git is not installed).
    Unknown,
}

/// git's view of `path` in the repository at `root`.
pub fn status(root: &Path, path: &Path) -> Status {
    let quiet = |args: &[&std::ffi::OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()
            .and_then(|s| s.code())
    };
    let path = path.as_os_str();
    match quiet(&[
        "ls-files".as_ref(),
        "--error-unmatch".as_ref(),
        "--".as_ref(),
        path,
    ]) {
        Some(0) => return Status::Tracked,
        Some(1) => {}
        _ => return Status::Unknown,
    }
    // --no-index: a tracked file would be "not ignored"; we already know it
    // is not tracked, so ask about the patterns alone.
    match quiet(&[
        "check-ignore".as_ref(),
        "-q".as_ref(),
        "--no-index".as_ref(),
        "--".as_ref(),
        path,
    ]) {
        Some(0) => Status::Ignored,
        Some(1) => Status::Unignored,
        _ => Status::Unknown,
    }
}

/// `path` made absolute and without `.` and `..` (lexically; the file need
/// not exist), so `public/../badges/x` is seen for what it is.
pub fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    clean
}

/// Where `path` is in the repository at `root`, relative to it, if inside.
/// Symbolic links of existing parents are resolved, so a link cannot hide
/// that a path is inside.
pub fn inside(root: &Path, path: &Path) -> Option<PathBuf> {
    let root = resolve(&absolute(root));
    let path = resolve(&absolute(path));
    path.strip_prefix(&root).ok().map(Path::to_path_buf)
}

/// Resolves the longest existing ancestor of `path` with `canonicalize`
/// and appends the rest.
fn resolve(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .expect("git must be installed for these tests")
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn tells_ignored_tracked_and_unignored_paths_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert_eq!(status(root, Path::new("a.key")), Status::Unknown);
        git(root, &["init", "-q"]);
        std::fs::write(root.join(".gitignore"), "*.key\n").unwrap();
        std::fs::write(root.join("kept.txt"), "x").unwrap();
        git(root, &["add", "kept.txt"]);
        assert_eq!(status(root, Path::new("a.key")), Status::Ignored);
        assert_eq!(status(root, Path::new("sub/b.key")), Status::Ignored);
        assert_eq!(status(root, Path::new("kept.txt")), Status::Tracked);
        assert_eq!(status(root, Path::new("other.csv")), Status::Unignored);
        // A tracked file stays tracked even when a pattern matches it.
        std::fs::write(root.join("c.key"), "x").unwrap();
        git(root, &["add", "-f", "c.key"]);
        assert_eq!(status(root, Path::new("c.key")), Status::Tracked);
    }

    #[test]
    fn inside_sees_through_dots_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("site/static")).unwrap();
        assert_eq!(
            inside(&root, &root.join("public/../site/static/x.key")),
            Some(PathBuf::from("site/static/x.key"))
        );
        assert_eq!(inside(&root, &dir.path().join("elsewhere.key")), None);
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(root.join("site"), &link).unwrap();
            assert_eq!(
                inside(&root, &link.join("static/new.key")),
                Some(PathBuf::from("site/static/new.key"))
            );
        }
    }
}
