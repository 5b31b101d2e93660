//! Stage 5: render HTML pages and site files into a [`Sink`].
//!
//! Templates only ever see the view structs of [`crate::view`]; every value
//! is escaped by Tera's autoescape.

use rayon::prelude::*;

use crate::markdown;
use crate::model::Site;
use crate::output::Sink;
use crate::theme::Theme;
use crate::view::{
    BadgeCard, Body, Earner, Extras, FileLink, Page, PageMeta, SiteView, award_view, badge_view,
    day, site_view,
};

/// Why rendering failed.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed to parse or render; `template` names it.
    Template {
        template: String,
        message: String,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template { template, message } => {
                write!(f, "template `{template}`: {message}")
            }
            RenderError::Io(error) => write!(f, "cannot write output: {error}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl From<std::io::Error> for RenderError {
    fn from(error: std::io::Error) -> Self {
        RenderError::Io(error)
    }
}

/// Compiled templates.
pub struct Renderer {
    tera: tera::Tera,
}

impl Renderer {
    pub fn new(theme: &Theme) -> Result<Self, RenderError> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str())),
        )
        .map_err(|e| RenderError::Template {
            template: "(theme)".into(),
            message: error_text(&e),
        })?;
        Ok(Renderer { tera })
    }

    fn page(
        &self,
        site: &SiteView,
        root: &str,
        page: PageMeta,
        body: Body<'_>,
    ) -> Result<Vec<u8>, RenderError> {
        let template = match body {
            Body::Index { .. } => "index.html",
            Body::Badge { .. } => "badge.html",
            Body::Award { .. } => "award.html",
            Body::Markdown { .. } => "page.html",
            Body::Verify { .. } => "verify.html",
            Body::Empty {} => "404.html",
        };
        let context = Page {
            site,
            root,
            page,
            rosette_version: env!("CARGO_PKG_VERSION"),
            body,
        };
        self.render(template, &context)
    }

    fn render(&self, template: &str, context: &Page<'_>) -> Result<Vec<u8>, RenderError> {
        let fail = |e: tera::Error| RenderError::Template {
            template: template.to_string(),
            message: error_text(&e),
        };
        let context = tera::Context::from_serialize(context).map_err(fail)?;
        self.tera
            .render(template, &context)
            .map(String::into_bytes)
            .map_err(fail)
    }
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

/// Renders every page and site file of `site` into `sink`.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    extras: &Extras,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let renderer = Renderer::new(theme)?;
    let site_view = site_view(site);
    let meta = |path: &str, title: String, description: &str, image: Option<String>| PageMeta {
        url: format!("{}{path}", site.base_url),
        title,
        description: description.to_string(),
        image_url: image.map(|i| format!("{}{i}", site.base_url)),
    };
    let page =
        |root: &str, page: PageMeta, body: Body<'_>| renderer.page(&site_view, root, page, body);

    let issuer_image = site.issuer.image.clone();
    let description = site.issuer.description.as_deref().unwrap_or(&site.title);
    let cards = site.badges.iter().map(|b| BadgeCard {
        slug: &b.slug,
        name: &b.name,
        description: &b.description,
        image: b.image.output_path(&b.slug),
        image_alt: &b.image_alt,
        award_count: b.awards.len(),
        tags: &b.tags,
    });
    let home = meta("", site.title.clone(), description, issuer_image);
    sink.put(
        "index.html",
        &page(
            "",
            home,
            Body::Index {
                badges: cards.collect(),
            },
        )?,
    )?;

    let no_files: Vec<FileLink> = Vec::new();
    for badge in &site.badges {
        let view = badge_view(badge);
        let image = Some(badge.image.output_path(&badge.slug));
        let earners = badge
            .awards
            .iter()
            .filter(|a| a.revoked.is_none())
            .filter_map(|a| {
                a.recipient.name.as_deref().map(|name| Earner {
                    id: &a.id,
                    name,
                    issued: day(a.issued),
                })
            })
            .collect();
        let files = extras.badge_files.get(&badge.slug).unwrap_or(&no_files);
        let path = format!("badges/{}/", badge.slug);
        let badge_meta = meta(&path, badge.name.clone(), &badge.description, image.clone());
        let body = Body::Badge {
            badge: &view,
            earners,
            award_count: badge.awards.len(),
            files,
        };
        sink.put(
            &format!("{path}index.html"),
            &page("../../", badge_meta, body)?,
        )?;
        // Award pages are most of a site: render them in parallel.
        badge.awards.par_iter().try_for_each(|award| {
            let path = format!("awards/{}/", award.id);
            let who = award.recipient.name.as_deref().unwrap_or("A recipient");
            let title = format!("{who} earned {}", badge.name);
            let meta = meta(&path, title, &badge.description, image.clone());
            let body = Body::Award {
                badge: &view,
                award: award_view(award),
                files: extras.award_files.get(&award.id).unwrap_or(&no_files),
                verification: extras.verification.get(&award.id),
            };
            sink.put(&format!("{path}index.html"), &page("../../", meta, body)?)
                .map_err(RenderError::from)
        })?;
    }

    for p in &site.pages {
        let path = format!("pages/{}/", p.slug);
        let meta = meta(&path, p.title.clone(), &p.title, None);
        let body = Body::Markdown {
            page_title: &p.title,
            content_html: markdown::to_html(&p.markdown),
        };
        sink.put(&format!("{path}index.html"), &page("../../", meta, body)?)?;
    }

    let verify = meta(
        "verify/",
        "Verify a credential".into(),
        "How to check that a credential of this site is genuine",
        None,
    );
    let body = Body::Verify {
        issuer: extras.issuer.as_ref(),
    };
    sink.put("verify/index.html", &page("../", verify, body)?)?;

    // GitHub Pages serves 404.html at any depth, so its links are absolute.
    let not_found = meta("404.html", "Page not found".into(), "Page not found", None);
    sink.put(
        "404.html",
        &page(&site.base_url, not_found, Body::Empty {})?,
    )?;

    write_site_files(site, theme, sink)
}

/// Static files, badge images, and the files static hosts and crawlers read.
fn write_site_files(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<(), RenderError> {
    for (path, bytes) in &theme.statics {
        sink.put(path, bytes)?;
    }
    for rel in &site.static_files {
        let bytes = std::fs::read(site.root.join("site/static").join(rel))?;
        sink.put(&format!("static/{rel}"), &bytes)?;
    }
    for badge in &site.badges {
        let bytes = std::fs::read(&badge.image.source)?;
        sink.put(&badge.image.output_path(&badge.slug), &bytes)?;
    }
    // GitHub Pages' Jekyll step drops dot-folders (`.well-known/`) without it.
    sink.put(".nojekyll", b"")?;
    sink.put(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
            site.base_url
        )
        .as_bytes(),
    )?;
    sink.put("sitemap.xml", sitemap(site).as_bytes())?;
    Ok(())
}

/// Lists the issuer home, badge pages and extra pages. Award pages are left
/// out: they name people, and being findable by search engines should be
/// their choice, not ours (each award page also says `noindex`).
fn sitemap(site: &Site) -> String {
    let mut urls = vec![site.base_url.clone()];
    urls.extend(
        site.badges
            .iter()
            .map(|b| format!("{}badges/{}/", site.base_url, b.slug)),
    );
    urls.extend(
        site.pages
            .iter()
            .map(|p| format!("{}pages/{}/", site.base_url, p.slug)),
    );
    urls.push(format!("{}verify/", site.base_url));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", xml_escape(&url)));
    }
    xml.push_str("</urlset>\n");
    xml
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
