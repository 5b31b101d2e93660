//! Where a secret key file may be: never where Rosette publishes files
//! from (`site/`, `badges/`, `themes/`), never in the output folder, never
//! tracked by git. `rosette build --key` refuses such a file and `rosette
//! keygen` refuses to write one there; a key file elsewhere inside the
//! repository must be ignored by git (`keygen` adds it to `.gitignore`).

use std::path::{Path, PathBuf};

use super::edit;
use super::git::{self, Status};
use crate::error::Error;

/// The folders whose files may end up in the built site.
pub const PUBLISHED: &[&str] = &["site", "badges", "themes"];

/// Where an acceptable key file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Outside the repository.
    Outside,
    /// Inside it at `rel`, with what git says about it (never tracked).
    Inside { rel: PathBuf, status: Status },
}

/// Refuses a key file at `path` for the repository at `root` whose output
/// folder is `out`, with the reason; `verb` is what the command would do
/// with it ("use", "write").
pub fn check(root: &Path, out: &Path, path: &Path, verb: &str) -> Result<Place, Error> {
    let refuse = |why: String| {
        Error::Usage(format!(
            "refusing to {verb} the key file {}: {why}; keep secret keys outside the repository \
             (e.g. `~/.config/rosette/site.key`) or in the ROSETTE_SIGNING_KEY variable",
            path.display()
        ))
    };
    if git::inside(out, path).is_some() {
        return Err(refuse(
            "it is inside the output folder, which is published".into(),
        ));
    }
    let Some(rel) = git::inside(root, path) else {
        return Ok(Place::Outside);
    };
    if let Some(folder) = PUBLISHED.iter().find(|f| rel.starts_with(f)) {
        return Err(refuse(format!(
            "it is inside {folder}/, whose files are published or read into the site"
        )));
    }
    let status = git::status(root, &rel);
    if status == Status::Tracked {
        return Err(refuse(
            "git tracks it, so it is in the repository's history: treat the key as leaked, \
             make a new one with `rosette keygen` and retire this one in site/site.toml"
                .into(),
        ));
    }
    Ok(Place::Inside { rel, status })
}

/// A warning for a key file inside the repository that git would add.
pub fn warning(place: &Place) -> Option<String> {
    match place {
        Place::Inside {
            rel,
            status: Status::Unignored,
        } => Some(format!(
            "the key file {} is inside the repository and git does not ignore it: add `/{}` to .gitignore",
            rel.display(),
            slash(rel)
        )),
        _ => None,
    }
}

/// Adds `/rel` to the repository's `.gitignore` (creating it), keeping
/// every byte already there. Returns false when git already ignores it.
pub fn ignore(root: &Path, place: &Place) -> Result<bool, Error> {
    let Place::Inside { rel, status } = place else {
        return Ok(false);
    };
    if *status == Status::Ignored {
        return Ok(false);
    }
    let path = root.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(Error::Io { path, error }),
    };
    let line = format!("/{}", slash(rel));
    if text.lines().any(|l| l.trim() == line) || (*status == Status::Unknown && matched(&text, rel))
    {
        return Ok(false);
    }
    let ending = edit::line_ending(&text);
    let mut out = text.clone();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(ending);
    }
    out.push_str(&edit::with_line_ending(
        &format!("# Secret signing key (rosette keygen): never commit it.\n{line}\n"),
        ending,
    ));
    edit::write_file(&path, out.as_bytes())?;
    Ok(true)
}

/// Without git to ask (no repository yet): whether a plain line of
/// `.gitignore` clearly matches the file, `*.ext` or its exact name. Other
/// patterns are not interpreted; the path is then added, which is harmless.
fn matched(gitignore: &str, rel: &Path) -> bool {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    gitignore.lines().map(str::trim).any(|pattern| {
        pattern == name
            || pattern.strip_prefix("*.").is_some_and(|ext| {
                !ext.contains(['*', '?', '[', '/']) && name.ends_with(&format!(".{ext}"))
            })
    })
}

fn slash(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_folders_and_the_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let out = root.join("public");
        for bad in [
            "site/static/signing.key",
            "badges/k.key",
            "themes/t/static/k",
            "public/k.key",
        ] {
            let error = check(root, &out, &root.join(bad), "use")
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("refusing to use the key file"),
                "{bad}: {error}"
            );
        }
        let elsewhere = check(root, &out, &dir.path().join("../elsewhere.key"), "use").unwrap();
        assert_eq!(elsewhere, Place::Outside);
        let inside = check(root, &out, &root.join("keys/site.key"), "use").unwrap();
        assert!(matches!(inside, Place::Inside { .. }));
        // An output folder outside the repository is refused as well.
        let outside_out = dir.path().join("../www");
        assert!(check(root, &outside_out, &outside_out.join("k.key"), "use").is_err());
    }

    #[test]
    fn ignoring_appends_one_line_and_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "/public/\r\n*.tmp\r\n").unwrap();
        let place = Place::Inside {
            rel: PathBuf::from("keys/site.key"),
            status: Status::Unknown,
        };
        assert!(ignore(dir.path(), &place).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "/public/\r\n*.tmp\r\n# Secret signing key (rosette keygen): never commit it.\r\n/keys/site.key\r\n"
        );
        assert!(!ignore(dir.path(), &place).unwrap(), "added once");
        // Without git, a `*.key` line is seen to cover the file.
        std::fs::write(dir.path().join(".gitignore"), "*.key\n").unwrap();
        assert!(!ignore(dir.path(), &place).unwrap());
        let other = Place::Inside {
            rel: PathBuf::from("site.secret"),
            status: Status::Unknown,
        };
        assert!(ignore(dir.path(), &other).unwrap());
    }
}
