//! The pages of a site, one file per kind. [`Pages`] holds what every page
//! shares (compiled templates, the site's view, the badges' rendered
//! criteria); the build asks it for award pages one by one (they are most of
//! a site and are written as they are made) and for the rest at once.

mod award;
mod badge;
mod extra;
mod home;
mod not_found;
mod verify;

use std::collections::BTreeMap;

use super::render::{RenderError, Renderer, put};
use super::theme::Theme;
use super::view::{BadgeView, PageMeta, Signing, SiteView, badge_view, site_view};
use crate::layout;
use crate::model::{Award, Badge, Site, Slot};
use crate::output::Sink;

/// Everything needed to render a site's pages.
pub struct Pages<'a> {
    site: &'a Site,
    theme: &'a Theme,
    renderer: Renderer,
    view: SiteView,
    /// Badge slug → its view (criteria rendered once per badge).
    badges: BTreeMap<&'a str, BadgeView>,
    signing: Option<&'a Signing>,
    slots: &'a BTreeMap<String, Slot>,
}

impl<'a> Pages<'a> {
    /// Compiles the theme's templates; `signing` is `None` for a site built
    /// without keys.
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        signing: Option<&'a Signing>,
        slots: &'a BTreeMap<String, Slot>,
    ) -> Result<Self, RenderError> {
        Ok(Pages {
            site,
            theme,
            renderer: Renderer::new(theme)?,
            view: site_view(site),
            badges: site
                .badges
                .iter()
                .map(|b| (b.slug.as_str(), badge_view(b)))
                .collect(),
            signing,
            slots,
        })
    }

    /// The page of one award.
    pub fn award(&self, badge: &Badge, award: &Award) -> Result<Vec<u8>, RenderError> {
        award::render(self, badge, award)
    }

    /// Every page and file except the award pages: home, badge pages, extra
    /// pages, verification page, 404, the theme's and the site's static
    /// files, badge images, `.nojekyll`, `robots.txt`, `sitemap.xml`.
    pub fn write_rest(&self, sink: &dyn Sink) -> Result<(), RenderError> {
        put(sink, layout::HOME, &home::render(self)?)?;
        for badge in &self.site.badges {
            put(
                sink,
                &layout::badge_page(&badge.slug),
                &badge::render(self, badge)?,
            )?;
        }
        for page in &self.site.pages {
            put(sink, &layout::page(&page.slug), &extra::render(self, page)?)?;
        }
        put(sink, layout::VERIFY_PAGE, &verify::render(self)?)?;
        put(sink, layout::NOT_FOUND, &not_found::render(self)?)?;
        super::files::write(self.site, self.theme, &self.renderer, sink)
    }

    /// Metadata of the page at `dir` (a folder path, or a file for 404).
    fn meta(&self, dir: &str, title: String, description: &str, image: Option<String>) -> PageMeta {
        let urls = layout::Urls::new(&self.site.base_url);
        PageMeta {
            url: urls.of(dir),
            title,
            description: description.to_string(),
            image_url: image.map(|i| urls.of(&i)),
        }
    }

    fn badge_view(&self, badge: &Badge) -> &BadgeView {
        // Every badge of the site has a view (built in `new`).
        &self.badges[badge.slug.as_str()]
    }
}
