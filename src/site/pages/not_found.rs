//! `404.html`. GitHub Pages serves it for a missing path at any depth, so
//! its links are absolute; it is in the site's default language.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::Body;

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let lang = &pages.langs[0];
    let title = lang.strings.get("not_found").to_string();
    let mut meta = pages.meta(lang, layout::NOT_FOUND, title.clone(), &title);
    // One address for every missing page: no alternates.
    meta.alternates.clear();
    meta.default_url = None;
    let frame = pages.frame(lang, &pages.site.base_url);
    pages.renderer.page(frame, meta, Body::Empty {})
}
