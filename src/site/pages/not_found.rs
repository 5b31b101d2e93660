//! `404.html`. GitHub Pages serves it for a missing path at any depth, so
//! its links are absolute.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::Body;

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let title = pages.strings.get("not_found").to_string();
    let meta = pages.meta(layout::NOT_FOUND, title.clone(), &title);
    pages.page(&pages.site.base_url, meta, Body::Empty {})
}
