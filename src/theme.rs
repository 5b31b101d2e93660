//! Themes: Tera templates and static files.
//!
//! The default theme lives as real files in `themes/default/` and is compiled
//! into the binary, so `rosette` works with no `themes/` folder (like mdBook).
//! A repository's `themes/<name>/templates/*.html` and `themes/<name>/static/**`
//! override or add single files on top of it.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

/// The default templates, by name.
const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "index.html",
    "badge.html",
    "award.html",
    "page.html",
    "verify.html",
    "404.html",
);

/// The default theme's static files, by output path.
const STATIC: &[(&str, &[u8])] = &[
    (
        "award.js",
        include_bytes!("../themes/default/static/award.js"),
    ),
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
];

/// A theme ready to render with.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// (name, source), sorted by name.
    pub templates: Vec<(String, String)>,
    /// (output path, bytes), sorted by path.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// The default theme with `themes/<name>/` of the repository laid over it.
pub fn load(root: &Path, name: &str, problems: &mut Diagnostics) -> Theme {
    let mut theme = Theme {
        templates: TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
        statics: STATIC
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect(),
    };
    theme.templates.sort();
    theme.statics.sort();
    let dir = root.join("themes").join(name);
    for (rel, path) in files(&dir.join("templates")) {
        match std::fs::read_to_string(&path) {
            Ok(text) => replace(&mut theme.templates, rel, text),
            Err(error) => problems.push(Diagnostic::in_file(
                &format!("themes/{name}/templates/{rel}"),
                format!("cannot read template: {error}"),
            )),
        }
    }
    for (rel, path) in files(&dir.join("static")) {
        match std::fs::read(&path) {
            Ok(bytes) => replace(&mut theme.statics, rel, bytes),
            Err(error) => problems.push(Diagnostic::in_file(
                &format!("themes/{name}/static/{rel}"),
                format!("cannot read file: {error}"),
            )),
        }
    }
    theme
}

fn replace<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    match list.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
        Ok(i) => list[i].1 = value,
        Err(i) => list.insert(i, (key, value)),
    }
}

/// Regular files below `dir` (no symlinks, no dot-files): (relative path, path).
fn files(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_is_complete_and_sorted_after_override() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("themes/mine/templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("index.html"), "mine").unwrap();
        std::fs::write(templates.join("extra.html"), "extra").unwrap();
        let mut problems = Diagnostics::default();
        let theme = load(dir.path(), "mine", &mut problems);
        assert!(problems.is_empty());
        let names: Vec<&str> = theme.templates.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"base.html") && names.contains(&"extra.html"));
        let index = theme
            .templates
            .iter()
            .find(|(n, _)| n == "index.html")
            .unwrap();
        assert_eq!(index.1, "mine");
    }
}
