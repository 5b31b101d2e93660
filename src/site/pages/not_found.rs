//! `404.html`. GitHub Pages serves it for a missing path at any depth, so
//! its links are absolute; it is in the site's default language.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::Body;

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let lang = &pages.langs[0];
    let title = pages.words(lang, "page_not_found");
    let meta = pages.meta(lang, layout::NOT_FOUND, title.clone(), &title, None);
    let mut frame = pages.frame(lang, layout::NOT_FOUND, &pages.site.base_url);
    frame.languages.clear();
    pages.renderer.page(&lang.view, frame, meta, Body::Empty {})
}
