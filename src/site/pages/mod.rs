//! The pages of a site, one file per kind. [`Pages`] holds what every page
//! shares (compiled templates, the site's view, the UI strings, the badges'
//! rendered criteria and social previews); the build asks it for award
//! pages one by one (they are most of a site and are written as they are
//! made) and for the rest at once.

mod award;
mod badge;
mod extra;
mod home;
mod not_found;
mod verify;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::preview;
use super::render::{RenderError, Renderer, put};
use super::strings::Strings;
use super::theme::Theme;
use super::view::{BadgeView, ImageMeta, PageMeta, Signing, badge_view, site_view};
use crate::layout;
use crate::model::{Award, Badge, Site, Slot};
use crate::output::Sink;

/// Everything needed to render a site's pages.
pub struct Pages<'a> {
    site: &'a Site,
    theme: &'a Theme,
    renderer: Renderer,
    strings: Strings,
    /// Badge slug → its view (criteria rendered once per badge).
    badges: BTreeMap<&'a str, BadgeView>,
    /// Badge slug → its social preview PNG, for images that render.
    previews: BTreeMap<&'a str, Vec<u8>>,
    signing: Option<&'a Signing>,
    slots: &'a BTreeMap<String, Slot>,
}

impl<'a> Pages<'a> {
    /// Compiles the theme's templates, reads its strings and renders the
    /// badges' social previews (kept in `preview_cache` between builds, when
    /// given: [`preview::render_cached`]); `signing` is `None` for a site
    /// built without keys.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        signing: Option<&'a Signing>,
        slots: &'a BTreeMap<String, Slot>,
        preview_cache: Option<&Path>,
    ) -> Result<Self, RenderError> {
        let strings =
            Strings::load(&theme.strings_for(&site.language)).map_err(RenderError::Template)?;
        let previews = site
            .badges
            .par_iter()
            .filter_map(|b| {
                let bytes = std::fs::read(&b.image.source).ok()?;
                let png = preview::render_cached(&bytes, b.image.extension, preview_cache).ok()?;
                Some((b.slug.as_str(), png))
            })
            .collect();
        let view = site_view(site);
        let mut renderer = Renderer::new(theme)?;
        renderer.globals(&view, &strings.as_value());
        Ok(Pages {
            site,
            theme,
            renderer,
            badges: site
                .badges
                .iter()
                .map(|b| (b.slug.as_str(), badge_view(b, &strings)))
                .collect(),
            strings,
            previews,
            signing,
            slots,
        })
    }

    /// The page of one award.
    pub fn award(&self, badge: &Badge, award: &Award) -> Result<Vec<u8>, RenderError> {
        award::render(self, badge, award)
    }

    /// Every page and file except the award pages: home, badge pages and
    /// their social previews, extra pages, verification page, 404, the
    /// theme's and the site's static files, badge images, `strings.js`,
    /// `.nojekyll`, `robots.txt`, `sitemap.xml`.
    pub fn write_rest(&self, sink: &dyn Sink) -> Result<(), RenderError> {
        put(sink, layout::HOME, &home::render(self)?)?;
        for badge in &self.site.badges {
            put(
                sink,
                &layout::badge_page(&badge.slug),
                &badge::render(self, badge)?,
            )?;
            if let Some(png) = self.previews.get(badge.slug.as_str()) {
                put(sink, &layout::badge_preview(&badge.slug), png)?;
            }
        }
        for page in &self.site.pages {
            put(sink, &layout::page(&page.slug), &extra::render(self, page)?)?;
        }
        put(sink, layout::VERIFY_PAGE, &verify::render(self)?)?;
        put(sink, layout::NOT_FOUND, &not_found::render(self)?)?;
        put(sink, layout::STRINGS_SCRIPT, &self.strings.script())?;
        super::files::write(self.site, self.theme, &self.renderer, sink)
    }

    /// Metadata of the page at `dir` (a folder path, or a file for 404).
    fn meta(&self, dir: &str, title: String, description: &str) -> PageMeta {
        let urls = layout::Urls::new(&self.site.base_url);
        PageMeta {
            url: urls.of(dir),
            title,
            description: description.to_string(),
            image: self.site.issuer.image.as_ref().map(|image| ImageMeta {
                url: urls.of(image),
                width: None,
                height: None,
                alt: self
                    .strings
                    .fill("logo_alt", &[("issuer", &self.site.issuer.name)]),
            }),
            noindex: false,
        }
    }

    /// The Open Graph image of a badge's pages: its social preview, or the
    /// badge image when the preview could not be rendered.
    fn badge_image_meta(&self, badge: &Badge) -> ImageMeta {
        let urls = layout::Urls::new(&self.site.base_url);
        match self.previews.get(badge.slug.as_str()) {
            Some(_) => ImageMeta {
                url: urls.badge_preview(&badge.slug),
                width: Some(preview::WIDTH),
                height: Some(preview::HEIGHT),
                alt: badge.image_alt.clone(),
            },
            None => ImageMeta {
                url: urls.badge_image(&badge.slug, badge.image.extension),
                width: None,
                height: None,
                alt: badge.image_alt.clone(),
            },
        }
    }

    fn badge_view(&self, badge: &Badge) -> &BadgeView {
        // Every badge of the site has a view (built in `new`).
        &self.badges[badge.slug.as_str()]
    }

    /// Renders a page of the default layout.
    fn page(
        &self,
        root: &str,
        meta: PageMeta,
        body: super::view::Body<'_>,
    ) -> Result<Vec<u8>, RenderError> {
        self.renderer.page(root, meta, body)
    }
}
