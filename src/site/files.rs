//! The files of a site that are not pages: the theme's and the site's
//! static files, badge images, and what static hosts and crawlers read
//! (`.nojekyll`, `robots.txt` and `sitemap.xml`, made from the theme's
//! templates of those names).

use serde::Serialize;

use super::render::{RenderError, Renderer, put};
use super::theme::Theme;
use crate::layout::{self, Urls};
use crate::model::Site;
use crate::output::Sink;

#[derive(Serialize)]
struct Sitemap {
    urls: Vec<String>,
}

#[derive(Serialize)]
struct Robots {
    sitemap_url: String,
}

pub(super) fn write(
    site: &Site,
    theme: &Theme,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    for (path, bytes) in &theme.statics {
        put(sink, path, bytes)?;
    }
    let read = |path: std::path::PathBuf| {
        std::fs::read(&path).map_err(|error| RenderError::Read { path, error })
    };
    for rel in &site.static_files {
        let bytes = read(site.root.join("site/static").join(rel))?;
        put(sink, &layout::static_file(rel), &bytes)?;
    }
    for badge in &site.badges {
        let bytes = read(badge.image.source.clone())?;
        put(
            sink,
            &layout::badge_image(&badge.slug, badge.image.extension),
            &bytes,
        )?;
    }
    // GitHub Pages' Jekyll step drops dot-folders (`.well-known/`) without it.
    put(sink, layout::NOJEKYLL, b"")?;
    let urls = Urls::new(&site.base_url);
    let robots = Robots {
        sitemap_url: urls.of(layout::SITEMAP),
    };
    put(
        sink,
        layout::ROBOTS,
        &renderer.render("robots.txt", &robots)?,
    )?;
    put(
        sink,
        layout::SITEMAP,
        &renderer.render("sitemap.xml", &sitemap(site))?,
    )
}

/// Lists the issuer home, badge pages, extra pages and the verification
/// page, in every language of the site. Award pages and portfolios are left
/// out: they name people, and being findable by search engines should be
/// their choice, not ours (each of those pages also says `noindex`).
fn sitemap(site: &Site) -> Sitemap {
    let urls = Urls::new(&site.base_url);
    let mut pages = vec![String::new()];
    pages.extend(site.badges.iter().map(|b| layout::badge_dir(&b.slug)));
    pages.extend(site.pages.iter().map(|p| layout::page_dir(&p.slug)));
    pages.push(layout::VERIFY_DIR.to_string());
    let list = site
        .languages
        .iter()
        .flat_map(|lang| {
            pages
                .iter()
                .map(|page| urls.of(&layout::in_language(lang, &site.language, page)))
        })
        .collect();
    Sitemap { urls: list }
}
