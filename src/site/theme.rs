//! Themes: Tera templates and static files.
//!
//! The default theme lives as real files in `themes/default/` and is compiled
//! into the binary, so `rosette` works with no `themes/` folder (like mdBook).
//! A repository's `themes/<name>/templates/*.html` and `themes/<name>/static/**`
//! override or add single files on top of it.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, Sources};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default templates, by name.
const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "index.html",
    "badge.html",
    "award.html",
    "earner.html",
    "page.html",
    "verify.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
);

macro_rules! statics {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../themes/default/static/", $name)))),*]
    };
}

/// The default theme's static files, by output path. `vendor/` holds
/// third-party scripts from npm packages (`vendor/LICENSES.md`: package,
/// version, licence, SHA-256).
const STATIC: &[(&str, &[u8])] = statics!(
    "award.js",
    "favicon.svg",
    "style.css",
    "vendor/LICENSES.md",
    "vendor/jsonld.min.js",
    "vendor/qrcode.js",
    "verify.js",
);

/// The JSON-LD context documents the verification page's script uses,
/// served by the site (the same bundled files as `credential::contexts`;
/// `contexts/SOURCES.md`).
const CONTEXTS: &[(&str, &[u8])] = &[
    (
        "credentials-v2.jsonld",
        include_bytes!("../../contexts/credentials-v2.jsonld"),
    ),
    (
        "ob-v3p0-context-3.0.3.json",
        include_bytes!("../../contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "ob-v3p0-extensions.json",
        include_bytes!("../../contexts/ob-v3p0-extensions.json"),
    ),
];

/// The largest template and static file a theme may hold, and how many files.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;
const MAX_STATIC_BYTES: u64 = 100 << 20;
const MAX_FILES: usize = 10_000;

/// How the built-in templates are named in reports (they are not files of
/// the repository).
pub const BUILT_IN: &str = "(built-in theme)";

/// A template and where it comes from.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub source: String,
    /// `themes/<name>/templates/<file>`, or `(built-in theme) templates/<file>`.
    pub path: String,
}

/// A theme ready to render with.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Sorted by name.
    pub templates: Vec<Template>,
    /// (output path, bytes), sorted by path.
    pub statics: Vec<(String, Vec<u8>)>,
    /// The theme's `strings/<language>.toml` files: (language, path as
    /// reports name it, text), laid over the default catalog.
    pub strings: Vec<(String, String, String)>,
}

impl Theme {
    /// The file a template comes from, as reports name it.
    pub fn path_of(&self, name: &str) -> String {
        self.templates.iter().find(|t| t.name == name).map_or_else(
            || format!("{BUILT_IN} templates/{name}"),
            |t| t.path.clone(),
        )
    }

    /// Every template's and strings file's text, for reports that quote them.
    pub fn sources(&self) -> Sources {
        let mut sources = Sources::default();
        for t in &self.templates {
            sources.insert(&t.path, t.source.clone());
        }
        for (_, path, text) in &self.strings {
            sources.insert(path, text.clone());
        }
        sources
    }
}

/// The default theme with `themes/<name>/` of the repository laid over it.
pub fn load(root: &Path, name: &str, problems: &mut Diagnostics) -> Theme {
    let mut theme = Theme {
        templates: TEMPLATES
            .iter()
            .map(|(n, t)| Template {
                name: n.to_string(),
                source: t.to_string(),
                path: format!("{BUILT_IN} templates/{n}"),
            })
            .collect(),
        statics: STATIC
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .chain(
                CONTEXTS
                    .iter()
                    .map(|(p, b)| (format!("{}{p}", crate::layout::CONTEXTS_DIR), b.to_vec())),
            )
            .collect(),
        strings: Vec::new(),
    };
    theme.templates.sort_by(|a, b| a.name.cmp(&b.name));
    theme.statics.sort();
    let dir = root.join("themes").join(name);
    for (rel, path) in files(root, &dir.join("templates"), problems) {
        let shown = format!("themes/{name}/templates/{rel}");
        match read(&path, MAX_TEMPLATE_BYTES).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| std::io::Error::other("it is not valid UTF-8"))
        }) {
            Ok(text) => {
                let template = Template {
                    name: rel.clone(),
                    source: text,
                    path: shown,
                };
                match theme.templates.binary_search_by(|t| t.name.cmp(&rel)) {
                    Ok(i) => theme.templates[i] = template,
                    Err(i) => theme.templates.insert(i, template),
                }
            }
            Err(error) => problems.push(Diagnostic::in_file(
                &shown,
                format!("cannot read template: {error}"),
            )),
        }
    }
    for (rel, path) in files(root, &dir.join("strings"), problems) {
        let shown = format!("themes/{name}/strings/{rel}");
        let Some(language) = rel.strip_suffix(".toml").filter(|l| !l.contains('/')) else {
            problems.push(
                Diagnostic::in_file(&shown, "a strings file is named `<language>.toml`")
                    .help("for example `themes/<name>/strings/en.toml`"),
            );
            continue;
        };
        match read(&path, MAX_TEMPLATE_BYTES).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| std::io::Error::other("it is not valid UTF-8"))
        }) {
            Ok(text) => theme.strings.push((language.to_string(), shown, text)),
            Err(error) => problems.push(Diagnostic::in_file(
                &shown,
                format!("cannot read strings file: {error}"),
            )),
        }
    }
    for (rel, path) in files(root, &dir.join("static"), problems) {
        match read(&path, MAX_STATIC_BYTES) {
            Ok(bytes) => match theme.statics.binary_search_by(|(k, _)| k.cmp(&rel)) {
                Ok(i) => theme.statics[i].1 = bytes,
                Err(i) => theme.statics.insert(i, (rel, bytes)),
            },
            Err(error) => problems.push(Diagnostic::in_file(
                &format!("themes/{name}/static/{rel}"),
                format!("cannot read file: {error}"),
            )),
        }
    }
    theme
}

fn read(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("it is larger than {} MiB", limit >> 20),
        ));
    }
    Ok(bytes)
}

/// Regular files below `dir` (no dot-files): (relative path, path). Symbolic
/// links are reported, not followed.
fn files(root: &Path, dir: &Path, problems: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') && entry.depth() > 0 {
            continue;
        }
        let shown = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let Some(rel) = entry
            .path()
            .strip_prefix(dir)
            .ok()
            .and_then(Path::to_str)
            .map(|s| s.replace('\\', "/"))
        else {
            problems.push(Diagnostic::in_file(&shown, "file name is not valid UTF-8"));
            continue;
        };
        if entry.path_is_symlink() {
            problems.push(
                Diagnostic::in_file(&shown, "symbolic links are not allowed here")
                    .help("copy the file into the theme instead"),
            );
        } else if entry.file_type().is_file() {
            if out.len() == MAX_FILES {
                problems.push(Diagnostic::in_file(
                    &shown,
                    format!("a theme folder holds at most {MAX_FILES} files"),
                ));
                break;
            }
            out.push((rel, entry.into_path()));
        }
    }
    out
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
        let names: Vec<&str> = theme.templates.iter().map(|t| t.name.as_str()).collect();
        assert!(names.contains(&"base.html") && names.contains(&"extra.html"));
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        let index = theme
            .templates
            .iter()
            .find(|t| t.name == "index.html")
            .unwrap();
        assert_eq!(index.source, "mine");
        assert_eq!(
            theme.path_of("index.html"),
            "themes/mine/templates/index.html"
        );
        assert_eq!(
            theme.path_of("base.html"),
            "(built-in theme) templates/base.html"
        );
    }
}
