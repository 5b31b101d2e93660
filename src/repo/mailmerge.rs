//! The private mail-merge file of `award` and `import` (`--mail-merge
//! OUT.csv`): one row per new award with the earner's email, name, badge,
//! award page URL and credential URL, for a mail-merge tool to tell each
//! earner where their badge is. It is the only place where Rosette writes a
//! plaintext email when awards are hashed, so it is refused inside the
//! repository unless git ignores its path, created readable only by its
//! owner, and never overwritten: rows are appended to an existing file
//! that has the same header.

use std::io::Write as _;
use std::path::Path;

use super::award::NewAward;
use super::git;
use crate::error::Error;
use crate::layout::Urls;

pub const HEADER: [&str; 6] = [
    "email",
    "name",
    "badge",
    "badge_name",
    "award_url",
    "credential_url",
];

/// Refuses, before anything is written, a path that git could commit
/// (inside the repository at `root` and not ignored by git, or git cannot
/// tell) and an existing file that is not a mail-merge file.
pub fn check_path(root: &Path, path: &Path) -> Result<(), Error> {
    check_existing(path)?;
    let Some(rel) = git::inside(root, path) else {
        return Ok(());
    };
    match git::status(root, &rel) {
        git::Status::Ignored => Ok(()),
        status => {
            let why = match status {
                git::Status::Tracked => "git tracks that file",
                git::Status::Unknown => {
                    "git cannot tell whether it ignores it (no git repository here yet?)"
                }
                _ => "git does not ignore it",
            };
            Err(Error::Usage(format!(
                "refusing to write the mail-merge file {} inside the repository: {why}, and it holds \
                 plaintext emails; write it outside the repository, or add `/{}` to .gitignore",
                path.display(),
                rel.to_string_lossy().replace('\\', "/")
            )))
        }
    }
}

/// An existing file must start with [`HEADER`].
fn check_existing(path: &Path) -> Result<(), Error> {
    if !path.exists() {
        return Ok(());
    }
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches('\u{feff}');
    if first == HEADER.join(",") {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} exists and is not a Rosette mail-merge file (its first line is not `{}`): \
         refusing to add to it",
        path.display(),
        HEADER.join(",")
    )))
}

/// Appends one row per award to `path` (creating it with a header).
pub fn write(
    path: &Path,
    base_url: &str,
    badge_names: &dyn Fn(&str) -> String,
    awards: &[NewAward],
) -> Result<(), Error> {
    check_existing(path)?;
    let exists = path.exists();
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path).map_err(Error::io(path))?;
    let mut out = csv::Writer::from_writer(file);
    let io = |e: csv::Error| Error::Io {
        path: path.to_path_buf(),
        error: std::io::Error::other(e.to_string()),
    };
    if !exists {
        out.write_record(HEADER).map_err(io)?;
    }
    let urls = Urls::new(base_url);
    for award in awards {
        out.write_record([
            award.email.as_deref().unwrap_or_default(),
            award.name.as_deref().unwrap_or_default(),
            award.badge.as_str(),
            badge_names(&award.badge).as_str(),
            urls.award_page(&award.id).as_str(),
            urls.credential(&award.id).as_str(),
        ])
        .map_err(io)?;
    }
    let mut file = out.into_inner().map_err(|e| Error::Io {
        path: path.to_path_buf(),
        error: std::io::Error::other(e.to_string()),
    })?;
    file.flush().map_err(Error::io(path))
}
