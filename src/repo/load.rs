//! Read the badge repository from disk.
//!
//! Walks `site/` and `badges/` in sorted order, reads every file the formats
//! define, and parses the TOML ones. Nothing is interpreted yet: that is
//! validation's job. Problems (unreadable files, bad TOML, stray files) are
//! collected, never fatal on their own.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::cache::TextCache;
use super::input::{self, BadgeFileInput, SiteFile};
use super::limits;
use crate::diagnostic::{Diagnostic, Diagnostics, Sources};

/// The relative path of the site settings file.
pub const SITE_FILE: &str = "site/site.toml";

/// Everything read from a repository.
#[derive(Debug, Default)]
pub struct Loaded {
    pub root: PathBuf,
    pub sources: Sources,
    pub site: Option<SiteFile>,
    /// `badges/<slug>.toml`, sorted by path (shared with a [`TextCache`]).
    pub badge_files: Vec<(String, Arc<BadgeFileInput>)>,
    /// `badges/<slug>/<name>.toml`, sorted by path.
    pub award_files: Vec<(String, Arc<BadgeFileInput>)>,
    /// `site/pages/<slug>.md`: (relative path, text), sorted.
    pub pages: Vec<(String, String)>,
    /// Files below `site/static/`, relative to it, sorted.
    pub static_files: Vec<String>,
    /// Image files directly in `badges/` (relative paths), sorted.
    pub badge_images: Vec<String>,
    /// `badges/<slug>/endorsements/*.json` (endorsements and copies of
    /// endorsers' DID documents, `*.did.json`): (relative path, text), sorted.
    pub endorsement_files: Vec<(String, String)>,
}

/// Reads the repository at `root`, recording every problem in `problems`.
pub fn load(root: &Path, problems: &mut Diagnostics) -> Loaded {
    load_with(root, None, problems)
}

/// [`load`], parsing only the badge and award files that `cache` does not
/// hold with the same text (it then holds the files of this load only).
pub fn load_with(
    root: &Path,
    cache: Option<&TextCache<Arc<BadgeFileInput>>>,
    problems: &mut Diagnostics,
) -> Loaded {
    let mut loaded = Loaded {
        root: root.to_path_buf(),
        ..Loaded::default()
    };
    match read_text(root, SITE_FILE, limits::TOML_FILE_BYTES, problems) {
        Some(text) => {
            loaded.site = input::parse_site(SITE_FILE, &text, problems);
            loaded.sources.insert(SITE_FILE, text);
        }
        None if !root.join(SITE_FILE).exists() => problems.push(
            Diagnostic::new(format!("no `{SITE_FILE}` in {}", root.display()))
                .help("run `rosette init` to create a badge repository, or pass `--root DIR`"),
        ),
        None => {}
    }
    let pages = files_under(root, "site/pages", problems);
    if pages.len() > limits::PAGES {
        problems.push(too_many("site/pages", pages.len(), limits::PAGES, "pages"));
        return loaded;
    }
    for rel in pages {
        if rel.ends_with(".md") && depth(&rel) == 3 {
            if let Some(text) = read_text(root, &rel, limits::PAGE_BYTES, problems) {
                loaded.pages.push((rel, text));
            }
        } else {
            problems.push(stray(&rel, "extra pages are `site/pages/<name>.md` files"));
        }
    }
    loaded.static_files = files_under(root, "site/static", problems)
        .into_iter()
        .map(|rel| rel["site/static/".len()..].to_string())
        .collect();
    let badge_files = files_under(root, "badges", problems);
    let tomls = badge_files.iter().filter(|f| f.ends_with(".toml")).count();
    if tomls > limits::BADGES {
        problems.push(too_many("badges", tomls, limits::BADGES, "TOML files"));
        return loaded;
    }
    let endorsements = badge_files.iter().filter(|f| in_endorsements(f)).count();
    if endorsements > limits::BADGES {
        problems.push(too_many(
            "badges",
            endorsements,
            limits::BADGES,
            "endorsement files",
        ));
        return loaded;
    }
    // Badge and award files are most of a repository: read and parsed in
    // parallel, then taken in path order (problems are sorted when reported).
    let mut tomls = Vec::new();
    for rel in badge_files {
        match (depth(&rel), rel.ends_with(".toml")) {
            (2 | 3, true) => tomls.push(rel),
            (_, true) => problems.push(stray(
                &rel,
                "award files are `badges/<slug>/<name>.toml`; deeper folders are not read",
            )),
            (2, false) => loaded.badge_images.push(rel),
            (4, false) if in_endorsements(&rel) => {
                if !rel.ends_with(".json") {
                    problems.push(stray(
                        &rel,
                        "an endorsements folder holds endorsements (`<name>.json`) and copies of \
                         endorsers' DID documents (`<name>.did.json`)",
                    ));
                } else if let Some(text) =
                    read_text(root, &rel, limits::ENDORSEMENT_BYTES, problems)
                {
                    loaded.sources.insert(&rel, text.clone());
                    loaded.endorsement_files.push((rel, text));
                }
            }
            (_, false) if rel.split('/').nth(2) == Some("endorsements") => problems.push(stray(
                &rel,
                "endorsements are `badges/<slug>/endorsements/<name>.json`; deeper folders are not read",
            )),
            _ => {} // images and other assets referenced with `image = "..."`
        }
    }
    if let Some(cache) = cache {
        cache.keep_only(&tomls);
    }
    let parsed: Vec<_> = tomls
        .into_par_iter()
        .map(|rel| {
            let mut found = Diagnostics::default();
            let read = read_text(root, &rel, limits::TOML_FILE_BYTES, &mut found);
            let parsed = read.map(|text| {
                let parsed = match cache {
                    Some(cache) => cache.parse(&rel, &text, &mut found, |found| {
                        Arc::new(input::parse_badge_file(&rel, &text, found))
                    }),
                    None => Arc::new(input::parse_badge_file(&rel, &text, &mut found)),
                };
                (text, parsed)
            });
            (rel, parsed, found)
        })
        .collect();
    for (rel, parsed, found) in parsed {
        problems.extend(found);
        let Some((text, parsed)) = parsed else {
            continue;
        };
        loaded.sources.insert(&rel, text);
        if depth(&rel) == 2 {
            loaded.badge_files.push((rel, parsed));
        } else {
            loaded.award_files.push((rel, parsed));
        }
    }
    loaded
}

fn too_many(dir: &str, found: usize, limit: usize, what: &str) -> Diagnostic {
    Diagnostic::in_file(dir, format!("too many {what}: {found} (at most {limit})"))
        .help("Rosette reads at most this many; split the site into several repositories")
}

fn stray(rel: &str, help: &str) -> Diagnostic {
    Diagnostic::in_file(rel, "file is not part of any known format").help(help)
}

/// Whether `rel` is a file of `badges/<slug>/endorsements/`.
fn in_endorsements(rel: &str) -> bool {
    depth(rel) == 4 && rel.split('/').nth(2) == Some("endorsements")
}

/// Number of path components of a relative path.
fn depth(rel: &str) -> usize {
    rel.split('/').count()
}

/// Sorted relative paths (with `/`) of the regular files below `root/dir`.
/// Symbolic links are reported, not followed: a repository must not be able
/// to pull files from elsewhere on the machine into the published site.
fn files_under(root: &Path, dir: &str, problems: &mut Diagnostics) -> Vec<String> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&base).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(Diagnostic::in_file(
                    dir,
                    format!("cannot read folder: {error}"),
                ));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            problems.push(Diagnostic::new(format!(
                "file name is not valid UTF-8: {}",
                entry.path().display()
            )));
            continue;
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') && entry.depth() > 0 {
            continue; // editor swap files, .DS_Store, .gitkeep
        }
        if entry.path_is_symlink() {
            problems.push(
                Diagnostic::in_file(&rel, "symbolic links are not allowed here")
                    .help("copy the file into the repository instead"),
            );
        } else if entry.file_type().is_file() {
            files.push(rel);
        }
    }
    files
}

/// Reads a UTF-8 text file given by its repository-relative path, of at
/// most `limit` bytes. A missing file is `None` without a problem.
pub fn read_text(root: &Path, rel: &str, limit: u64, problems: &mut Diagnostics) -> Option<String> {
    let path = root.join(rel);
    match read_bounded(&path, limit) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                problems.push(
                    Diagnostic::in_file(rel, format!("file is not valid UTF-8 (byte {at})"))
                        .help("save the file as UTF-8"),
                );
                None
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) if error.kind() == std::io::ErrorKind::FileTooLarge => {
            problems.push(
                Diagnostic::in_file(rel, format!("file is too large ({error})"))
                    .help("split it into several files"),
            );
            None
        }
        Err(error) => {
            problems.push(Diagnostic::in_file(
                rel,
                format!("cannot read file: {error}"),
            ));
            None
        }
    }
}

/// Reads a whole file of at most `limit` bytes; a larger one is an error of
/// kind `FileTooLarge` (checked before reading, then bounded while reading).
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = fs::File::open(path)?;
    let too_large = |size: u64| {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("{} bytes; at most {limit}", size),
        )
    };
    let size = file.metadata()?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Finds the repository root: the nearest folder at or above `start` that
/// holds `site/site.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(SITE_FILE).is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "badges/b/awards.toml";

    fn parsed(cache: &TextCache<Arc<BadgeFileInput>>, text: &str) -> (String, Vec<String>) {
        let mut problems = Diagnostics::default();
        let input = cache.parse(FILE, text, &mut problems, |found| {
            Arc::new(input::parse_badge_file(FILE, text, found))
        });
        let problems = problems.iter().map(|d| format!("{d:?}")).collect();
        (format!("{input:?}"), problems)
    }

    fn fresh(text: &str) -> (String, Vec<String>) {
        parsed(&TextCache::default(), text)
    }

    #[test]
    fn a_cached_parse_gives_exactly_what_parsing_gives_problems_included() {
        let cache = TextCache::default();
        let text = "[[award]]\nid = \"a1\"\nrecipient = { did = \"did:example:1\" }\n\
                    issued = 2025-01-01\ncolour = \"blue\"\n";
        let first = parsed(&cache, text);
        assert_eq!(first.1.len(), 1, "the unknown key is reported: {first:?}");
        // The second time comes from the cache, and its problem is reported again.
        assert_eq!(cache.len(), 1);
        assert_eq!(parsed(&cache, text), first);
        assert_eq!(first, fresh(text));
    }

    #[test]
    fn a_changed_text_is_parsed_again_and_forgotten_files_are_dropped() {
        let cache = TextCache::default();
        let before = "[[award]]\nid = \"a1\"\nrecipient = { did = \"did:example:1\" }\nissued = 2025-01-01\n";
        let after = before.replace("a1", "a2");
        let _ = parsed(&cache, before);
        let (input, problems) = parsed(&cache, &after);
        assert!(
            input.contains("\"a2\"") && !input.contains("\"a1\""),
            "{input}"
        );
        assert!(problems.is_empty());
        assert_eq!((input, problems), fresh(&after));
        // A broken save is parsed (and reported) too, not served from the cache.
        let (_, problems) = parsed(&cache, "[[award]\n");
        assert_eq!(problems.len(), 1, "{problems:?}");

        cache.keep_only(&["badges/other.toml".to_string()]);
        assert_eq!(cache.len(), 0);
    }
}
