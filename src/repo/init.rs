//! `rosette init DIR`: scaffold a badge repository that builds as it is,
//! with workflows that work unchanged on their first run (see
//! [`super::scaffold`]).

use std::fs;
use std::path::Path;

use super::award::{Request, Who, fresh_ids};
use super::edit;
use super::scaffold::{self, Install};
use crate::error::Error;

/// What `init` wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// Relative paths, in the order written.
    pub files: Vec<String>,
    /// How the workflows install Rosette.
    pub install: Install,
}

/// Creates a badge repository in `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<Created, Error> {
    init_with(dir, Install::current())
}

/// [`init`] with the workflows' way of installing Rosette given.
pub fn init_with(dir: &Path, install: Install) -> Result<Created, Error> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(Error::io(dir))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty: `rosette init` only creates a repository in a new or empty folder",
                dir.display()
            )));
        }
    }
    // The example award is hashed as `rosette award` hashes: a fresh id,
    // a fresh salt, and no plaintext email in the repository.
    let id = fresh_ids(1, &Default::default())?.remove(0);
    let example = Request {
        badge: "example".into(),
        who: Who::Email {
            address: "learner@example.org".into(),
            plain: false,
        },
        name: Some("Ada Learner".into()),
        issued: edit::parse_datetime("2026-01-15"),
        expires: None,
        narrative: None,
        evidence: Vec::new(),
    }
    .into_award(id)?;
    let mut files: Vec<(String, String)> = vec![
        ("site/site.toml".into(), scaffold::SITE_TOML.into()),
        (
            "badges/example.toml".into(),
            scaffold::example_badge(&example.toml),
        ),
        ("badges/example.svg".into(), scaffold::EXAMPLE_SVG.into()),
        (".gitignore".into(), scaffold::GITIGNORE.into()),
        ("README.md".into(), scaffold::readme(&install)),
    ];
    files.extend(
        scaffold::workflows(&install)
            .into_iter()
            .map(|(path, text)| (path.to_string(), text)),
    );
    for (rel, content) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(Error::io(parent))?;
        }
        fs::write(&path, content).map_err(Error::io(&path))?;
    }
    Ok(Created {
        files: files.into_iter().map(|(rel, _)| rel).collect(),
        install,
    })
}
