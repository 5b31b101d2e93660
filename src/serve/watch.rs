//! Watching the sources of a badge repository for `serve`: `site/`,
//! `badges/` and `themes/` (recursively) and `rosette.lock`, debounced
//! with notify-debouncer-full. Only the folders Rosette reads are watched,
//! so `public/`, `.git/` or a `target/` beside them cost nothing; editor
//! temporary files and dot-files are ignored. `--poll` uses notify's
//! `PollWatcher` (network folders, WSL) instead of the operating system's
//! events.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use crate::error::Error;

/// The folders of the repository that serve watches.
const SOURCES: [&str; 3] = ["site", "badges", "themes"];
/// How often `--poll` looks.
const POLL_EVERY: Duration = Duration::from_millis(300);

/// A running watcher (it stops when dropped).
pub(super) struct Watcher {
    inner: Inner,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

/// Starts watching `root`; each debounced batch of relevant changes is sent
/// to `changes` as paths relative to `root`.
pub(super) fn start(
    root: &Path,
    poll: bool,
    debounce: Duration,
    changes: mpsc::Sender<Vec<String>>,
) -> Result<Watcher, Error> {
    // Events name absolute paths (notify makes the watched folders
    // absolute; some systems report them with symbolic links resolved), so
    // a relative `--root` must be made absolute to match them.
    let root = &std::path::absolute(root)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let mut bases = vec![root.clone()];
    if let Ok(real) = root.canonicalize()
        && real != *root
    {
        bases.push(real);
    }
    let handler = move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<String> = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .filter_map(|p| bases.iter().find_map(|base| relevant(base, p)))
            .collect();
        if !paths.is_empty() {
            paths.sort();
            paths.dedup();
            let _ = changes.send(paths);
        }
    };
    let failed = |e: notify::Error| Error::Usage(format!("cannot watch {}: {e}", root.display()));
    let inner = if poll {
        let config = notify::Config::default().with_poll_interval(POLL_EVERY);
        Inner::Poll(
            notify_debouncer_full::new_debouncer_opt(
                debounce,
                None,
                handler,
                RecommendedCache::new(),
                config,
            )
            .map_err(failed)?,
        )
    } else {
        Inner::Native(
            notify_debouncer_full::new_debouncer(debounce, None, handler).map_err(failed)?,
        )
    };
    let mut watcher = Watcher {
        inner,
        root: root.to_path_buf(),
        watched: Vec::new(),
    };
    // The root itself, not recursively: rosette.lock, and folders that
    // appear later (a new themes/).
    watcher.watch(root.to_path_buf(), RecursiveMode::NonRecursive)?;
    watcher.refresh()?;
    Ok(watcher)
}

impl Watcher {
    /// Watches the source folders that exist now and were not watched yet.
    pub(super) fn refresh(&mut self) -> Result<(), Error> {
        for name in SOURCES {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watch(dir, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }

    fn watch(&mut self, dir: PathBuf, mode: RecursiveMode) -> Result<(), Error> {
        let result = match &mut self.inner {
            Inner::Native(d) => d.watch(&dir, mode),
            Inner::Poll(d) => d.watch(&dir, mode),
        };
        result.map_err(|e| Error::Usage(format!("cannot watch {}: {e}", dir.display())))?;
        self.watched.push(dir);
        Ok(())
    }
}

/// `path` relative to `root`, when a change there matters to the site.
fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, name) = (*parts.first()?, *parts.last()?);
    let source = (SOURCES.contains(&first) && parts.len() > 1)
        || (parts.len() == 1 && (first == "rosette.lock" || SOURCES.contains(&first)));
    let hidden = parts.iter().any(|p| p.starts_with('.'));
    (source && !hidden && !is_editor_temporary(name)).then(|| parts.join("/"))
}

/// Files editors write beside the one being saved.
fn is_editor_temporary(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim checks whether it may create files
        || [".swp", ".swx", ".swo", ".tmp", ".crswap"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("___jb_") // JetBrains safe-write
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_and_editor_files_do_not() {
        let root = Path::new("/repo");
        let rel = |p: &str| relevant(root, &root.join(p));
        assert_eq!(rel("badges/a.toml").as_deref(), Some("badges/a.toml"));
        assert_eq!(
            rel("site/static/logo.svg").as_deref(),
            Some("site/static/logo.svg")
        );
        assert_eq!(
            rel("themes/mine/templates/award.html").as_deref(),
            Some("themes/mine/templates/award.html")
        );
        assert_eq!(rel("rosette.lock").as_deref(), Some("rosette.lock"));
        assert_eq!(rel("themes").as_deref(), Some("themes"));
        for ignored in [
            "public/index.html",
            ".git/index",
            "target/debug/x",
            "README.md",
            "badges/.a.toml.swp",
            "badges/a.toml~",
            "badges/#a.toml#",
            "badges/4913",
            "site/.DS_Store",
            ".rosette-cache/signatures",
            "badges/a.toml___jb_tmp___",
        ] {
            assert_eq!(rel(ignored), None, "{ignored}");
        }
        assert_eq!(relevant(root, Path::new("/elsewhere/badges/a.toml")), None);
    }
}
