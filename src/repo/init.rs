//! `rosette init DIR`: scaffold a badge repository that builds as it is.

use std::fs;
use std::path::Path;

use crate::error::Error;

/// The files of a new repository: (relative path, content).
const FILES: &[(&str, &str)] = &[
    ("site/site.toml", include_str!("scaffold/site.toml")),
    ("badges/example.toml", include_str!("scaffold/example.toml")),
    ("badges/example.svg", include_str!("scaffold/example.svg")),
    (".gitignore", include_str!("scaffold/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("scaffold/pages.yml"),
    ),
];

/// Creates a badge repository in `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<Vec<&'static str>, Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| Error::Io { path, error }
    };
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty: `rosette init` only creates a repository in a new or empty folder",
                dir.display()
            )));
        }
    }
    for (rel, content) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        fs::write(&path, content).map_err(io(&path))?;
    }
    Ok(FILES.iter().map(|(rel, _)| *rel).collect())
}
