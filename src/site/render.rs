//! Compiled templates, and template errors as diagnostics that point into
//! the theme's files (`themes/<name>/templates/award.html:12:5`).

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

use super::theme::Theme;
use super::view::{Body, Frame, Page, PageMeta, Prepared, SiteView, next_id};
use super::whitespace;
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
    /// Names this renderer's templates and globals as they are now, for the
    /// rendering threads' own copies ([`Own`]).
    id: u64,
    /// Template name → file, for reports.
    paths: Vec<(String, String)>,
    sources: Vec<Source>,
}

/// A template as compiled: HTML templates lose their indentation
/// ([`whitespace`]); the map takes positions back to the file.
struct Source {
    name: String,
    path: String,
    compact: Option<whitespace::Compact>,
}

impl Renderer {
    /// Compiles every template of `theme`.
    pub fn new(theme: &Theme) -> Result<Self, RenderError> {
        let sources: Vec<Source> = theme
            .templates
            .iter()
            .map(|t| Source {
                name: t.name.clone(),
                path: t.path.clone(),
                compact: t
                    .name
                    .ends_with(".html")
                    .then(|| whitespace::compact(&t.source)),
            })
            .collect();
        let paths: Vec<(String, String)> = sources
            .iter()
            .map(|s| (s.name.clone(), s.path.clone()))
            .collect();
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_filter("fill", fill);
        tera.register_filter("bdi", bdi);
        tera.register_filter("link", link);
        let texts = theme.templates.iter().zip(&sources).map(|(t, s)| {
            let text = s
                .compact
                .as_ref()
                .map_or(t.source.as_str(), |c| c.text.as_str());
            (t.name.as_str(), text)
        });
        tera.add_raw_templates(texts)
            .map_err(|e| template_error(&paths, &sources, None, &e))?;
        Ok(Renderer {
            tera,
            id: next_id(),
            paths,
            sources,
        })
    }

    /// Renders a page of the default layout (`site` and `t` unless they
    /// are globals, `root`, `lang_root`, `lang`, `dir`, `languages`, `page`,
    /// `rosette_version`, then the body's fields).
    pub(crate) fn page(
        &self,
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
        // Values serialised once for many pages, inserted as they are.
        let mut prepared: Vec<(&str, &Prepared)> = Vec::with_capacity(3);
        prepared.extend(frame.site.map(|site| ("site", site)));
        prepared.extend(frame.t.map(|t| ("t", t)));
        if let Body::Award { badge, .. } = &body {
            prepared.push(("badge", *badge));
        }
        let context = Page {
            root: frame.root,
            lang_root: frame.lang_root,
            lang: frame.lang,
            dir: frame.dir,
            languages: frame.languages,
            page,
            rosette_version: env!("CARGO_PKG_VERSION"),
            body,
        };
        let mut context = self.context(template, &context)?;
        let rendered = OWN.with(|own| {
            // Re-entered (a template rendering a template) or in use:
            // the shared values serve as well, only slower.
            let Ok(mut own) = own.try_borrow_mut() else {
                return None;
            };
            let own = match &mut *own {
                Some(mine) if mine.renderer == self.id => mine,
                slot => slot.insert(Own::of(self)),
            };
            for &(name, shared) in &prepared {
                let value = own
                    .values
                    .entry(shared.id)
                    .or_insert_with(|| deep_copy(&shared.value));
                context.insert_value(name, value.clone());
            }
            Some(self.render_with(&own.tera, template, &context))
        });
        match rendered {
            Some(rendered) => rendered,
            None => {
                for (name, shared) in prepared {
                    context.insert_value(name, shared.value.clone());
                }
                self.render_context(template, &context)
            }
        }
    }

    /// Sets what every template sees: `site` and `t` (the UI strings). Set
    /// once, not serialised again for each of a site's pages (a site of one
    /// language; pages of several languages each give their own).
    pub(crate) fn globals(&mut self, site: &SiteView, t: &serde_json::Value) {
        let globals = self.tera.global_context();
        globals.insert("site", site);
        globals.insert("t", t);
        // The threads' copies are of the old globals.
        self.id = next_id();
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &impl Serialize) -> Result<Vec<u8>, RenderError> {
        let context = self.context(template, context)?;
        self.render_context(template, &context)
    }

    /// `value` as the context of `template`.
    fn context(
        &self,
        template: &str,
        value: &impl Serialize,
    ) -> Result<tera::Context, RenderError> {
        tera::Context::from_serialize(value).map_err(|e| self.error(template, &e))
    }

    fn render_context(
        &self,
        template: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>, RenderError> {
        self.render_with(&self.tera, template, context)
    }

    /// Renders with `tera`: these templates, or a thread's copy of them.
    fn render_with(
        &self,
        tera: &tera::Tera,
        template: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>, RenderError> {
        tera.render(template, context)
            .map(String::into_bytes)
            .map_err(|e| self.error(template, &e))
    }

    fn error(&self, template: &str, error: &tera::Error) -> RenderError {
        template_error(&self.paths, &self.sources, Some(template), error)
    }
}

thread_local! {
    /// This thread's copy of the renderer it last rendered a page with.
    static OWN: RefCell<Option<Own>> = const { RefCell::new(None) };
}

/// A rendering thread's own copy of a renderer's templates, globals (`site`
/// and `t`) and the prepared values it rendered with (badges; `site` and
/// `t` of each language on a site of several). Tera keeps maps, lists and long
/// strings behind reference counts and clones one for every value a
/// template looks up; with the values shared, two threads counting on the
/// same counters waited for each other's cache line (3 % of a full build,
/// measured). A copy is made once per thread and renderer; it holds no
/// more than the site's prepared views.
struct Own {
    renderer: u64,
    tera: tera::Tera,
    /// By [`Prepared`] number.
    values: HashMap<u64, tera::Value>,
}

impl Own {
    fn of(renderer: &Renderer) -> Own {
        let mut tera = renderer.tera.clone();
        let globals = tera.global_context();
        for key in ["site", "t"] {
            if let Some(value) = globals.get(key).map(deep_copy) {
                globals.insert_value(key, value);
            }
        }
        Own {
            renderer: renderer.id,
            tera,
            values: HashMap::new(),
        }
    }
}

/// `value` with nothing shared with the original.
fn deep_copy(value: &tera::Value) -> tera::Value {
    tera::Value::from_serializable(value)
}

/// HTML-escapes `text` (the same escaping as Tera's autoescape).
fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + 16);
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A filter value as HTML: as it is when marked safe, else escaped.
fn as_html(value: &tera::Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    if value.is_safe() { text } else { escape(&text) }
}

/// `{{ t.key | fill(name=value, …) }}`: the catalog text, escaped, with
/// each `{name}` replaced by its value (escaped unless marked safe, such as
/// the output of `bdi` and `link`), in one pass. Safe output.
fn fill(
    text: tera::StringInput,
    kwargs: tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let template = text.rendered(state)?;
    let out = super::strings::fill(&template, |name| {
        kwargs
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| as_html(v))
    });
    Ok(tera::Value::safe_string(&out))
}

/// `{{ name | bdi }}`: a name isolated for bidirectional text (an Arabic
/// name beside Latin text keeps its place). Safe output.
fn bdi(
    text: tera::StringInput,
    _: tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let inner = text.rendered(state)?;
    Ok(tera::Value::safe_string(&format!("<bdi>{inner}</bdi>")))
}

/// `{{ text | link(href=url) }}`: `<a href="url">text</a>`, both escaped.
/// Safe output.
fn link(
    text: tera::StringInput,
    kwargs: tera::Kwargs,
    state: &tera::State,
) -> tera::TeraResult<tera::Value> {
    let href: tera::StringInput = kwargs.must_get("href")?;
    let inner = text.rendered(state)?;
    let href = escape(href.as_str());
    Ok(tera::Value::safe_string(&format!(
        "<a href=\"{href}\">{inner}</a>"
    )))
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
    sources: &[Source],
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
            // Tera's span is in the compiled (compact) text.
            let range = report.span().range.clone();
            let range = match sources
                .iter()
                .find(|s| s.name == name)
                .and_then(|s| s.compact.as_ref())
            {
                Some(compact) => compact.original(range.start)..compact.original(range.end),
                None => range,
            };
            Diagnostic::at(
                &path_of(paths, name),
                range,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::theme::Template;
    use crate::site::view::{IssuerView, PageMeta};

    fn renderer(template: &str) -> Renderer {
        let theme = Theme {
            templates: vec![Template {
                name: "404.html".into(),
                source: template.into(),
                path: "themes/t/templates/404.html".into(),
            }],
            ..Theme::default()
        };
        Renderer::new(&theme).unwrap()
    }

    fn site(title: &str) -> SiteView {
        SiteView {
            title: title.into(),
            base_url: "https://example.org/".into(),
            language: "en".into(),
            issuer: IssuerView {
                name: "Issuer".into(),
                url: "https://example.org/".into(),
                email: "a@example.org".into(),
                description: None,
                image: None,
            },
            pages: Vec::new(),
            verify_href: "verify/",
            favicon: "favicon.svg".into(),
        }
    }

    fn page(renderer: &Renderer) -> String {
        let frame = Frame {
            site: None,
            t: None,
            root: "",
            lang_root: String::new(),
            lang: "en",
            dir: "ltr",
            languages: &[],
        };
        let meta = PageMeta {
            url: "https://example.org/404.html".into(),
            title: "Not found".into(),
            description: String::new(),
            image: None,
            noindex: false,
            alternates: Vec::new(),
            default_url: None,
        };
        String::from_utf8(renderer.page(frame, meta, Body::Empty {}).unwrap()).unwrap()
    }

    #[test]
    fn a_thread_renders_each_renderer_with_its_own_templates_and_latest_globals() {
        let mut one = renderer("one {{ site.title }} {{ t.hi }}");
        let mut two = renderer("two {{ site.title }} {{ t.hi }}");
        one.globals(&site("A"), &serde_json::json!({"hi": "hello"}));
        two.globals(&site("B"), &serde_json::json!({"hi": "salut"}));
        // Alternately on one thread: each copy is of its own renderer.
        assert_eq!(page(&one), "one A hello");
        assert_eq!(page(&two), "two B salut");
        assert_eq!(page(&one), "one A hello");
        // New globals replace the thread's copy of the old ones.
        one.globals(&site("C"), &serde_json::json!({"hi": "hej"}));
        assert_eq!(page(&one), "one C hej");
        // Another thread makes its own copy, of the same values.
        let other = std::thread::scope(|s| s.spawn(|| page(&one)).join().unwrap());
        assert_eq!(other, "one C hej");
    }
}
