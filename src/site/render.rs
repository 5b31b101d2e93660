//! Compiled templates, and template errors as diagnostics that point into
//! the theme's files (`themes/<name>/templates/award.html:12:5`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::i18n::{self, Language};
use super::theme::Theme;
use super::view::{Body, Frame, Page, PageMeta, SiteView};
use crate::diagnostic::Diagnostic;
use crate::output::Sink;

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to compile or render (a content problem).
    #[error("{}", .0.message)]
    Template(Box<Diagnostic>),
    /// A file the site copies could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    /// The sink refused a file.
    #[error("cannot write {path}: {error}")]
    Write { path: String, error: std::io::Error },
}

/// Writes one file into the sink.
pub(crate) fn put(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
    sink.put(path, bytes).map_err(|error| RenderError::Write {
        path: path.to_string(),
        error,
    })
}

/// Compiled templates.
pub struct Renderer {
    tera: tera::Tera,
    /// Template name → file, for reports.
    paths: Vec<(String, String)>,
}

impl Renderer {
    /// Compiles every template of `theme`, with the words of `languages`
    /// (the site's) for the `t` function and the `local_date` filter.
    pub fn new(theme: &Theme, languages: &[String]) -> Result<Self, RenderError> {
        let paths: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.path.clone()))
            .collect();
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        register_i18n(&mut tera, theme, languages);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|t| (t.name.as_str(), t.source.as_str())),
        )
        .map_err(|e| template_error(&paths, None, &e))?;
        Ok(Renderer { tera, paths })
    }

    /// Renders a page of the default layout (`site`, `root`, `lang_root`,
    /// `lang`, `dir`, `languages`, `page`, `rosette_version`, then the
    /// body's fields).
    pub(crate) fn page(
        &self,
        site: &SiteView,
        frame: Frame<'_>,
        page: PageMeta,
        body: Body<'_>,
    ) -> Result<Vec<u8>, RenderError> {
        let template = match body {
            Body::Index { .. } => "index.html",
            Body::Badge { .. } => "badge.html",
            Body::Award { .. } => "award.html",
            Body::Earner { .. } => "earner.html",
            Body::Markdown { .. } => "page.html",
            Body::Verify { .. } => "verify.html",
            Body::Empty {} => "404.html",
        };
        let context = Page {
            site,
            root: frame.root,
            lang_root: frame.lang_root,
            lang: frame.lang,
            dir: frame.dir,
            languages: frame.languages,
            page,
            rosette_version: env!("CARGO_PKG_VERSION"),
            body,
        };
        self.render(template, &context)
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<Vec<u8>, RenderError> {
        let fail = |e: tera::Error| template_error(&self.paths, Some(template), &e);
        let context = tera::Context::from_serialize(context).map_err(fail)?;
        self.tera
            .render(template, &context)
            .map(String::into_bytes)
            .map_err(fail)
    }
}

/// `t(key=..., name=value...)` and `local_date`, in the page's `lang`.
fn register_i18n(tera: &mut tera::Tera, theme: &Theme, languages: &[String]) {
    let mut words: BTreeMap<String, Language> = BTreeMap::new();
    for lang in languages.iter().map(String::as_str).chain(["en"]) {
        words.insert(lang.to_string(), theme.catalog.language(lang));
    }
    let words = Arc::new(words);
    let for_t = Arc::clone(&words);
    tera.register_function(
        "t",
        move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
            let key: String = kwargs.must_get("key")?;
            let found = pick(&for_t, state).and_then(|l| l.text(&key));
            let Some(words) = found else {
                return Err(tera::Error::message(format!(
                    "no words for `t(key=\"{key}\")` in the theme's catalogs (i18n/en.toml)"
                )));
            };
            let values: Vec<(String, String)> = kwargs
                .iter()
                .filter(|(k, _)| k.as_str() != Some("key"))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Ok(i18n::fill(words, &values))
        },
    );
    let for_dates = Arc::clone(&words);
    tera.register_filter(
        "local_date",
        move |value: String, _: tera::Kwargs, state: &tera::State| -> String {
            match pick(&for_dates, state) {
                Some(language) => language.date(&value),
                None => value,
            }
        },
    );
}

/// The words of the page's `lang` (English for a template rendered without one).
fn pick<'w>(words: &'w BTreeMap<String, Language>, state: &tera::State) -> Option<&'w Language> {
    let lang: Option<String> = state.get("lang").ok().flatten();
    lang.as_deref()
        .and_then(|l| words.get(l))
        .or_else(|| words.get("en"))
}

/// The file a template comes from, as reports name it.
fn path_of(paths: &[(String, String)], name: &str) -> String {
    paths
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| name.to_string(), |(_, p)| p.clone())
}

/// A Tera error as a diagnostic at the template file and span it names.
fn template_error(
    paths: &[(String, String)],
    template: Option<&str>,
    error: &tera::Error,
) -> RenderError {
    let diagnostic = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = if report.filename().is_empty() {
                template.unwrap_or_default()
            } else {
                report.filename()
            };
            Diagnostic::at(
                &path_of(paths, name),
                report.span().range.clone(),
                format!("template error: {}", report.message()),
            )
        }
        _ => {
            let text = error_text(error);
            match template {
                Some(name) => {
                    Diagnostic::in_file(&path_of(paths, name), format!("template error: {text}"))
                }
                None => Diagnostic::new(format!("template error: {text}")),
            }
        }
    };
    RenderError::Template(Box::new(diagnostic.help(
        "templates are Tera 2 templates; the README's Themes section says what each one receives",
    )))
}

fn error_text(error: &tera::Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
