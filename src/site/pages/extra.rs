//! An extra page from `site/pages/<name>.md`.

use super::Pages;
use crate::layout;
use crate::model::Page;
use crate::site::markdown;
use crate::site::render::RenderError;
use crate::site::view::Body;

pub(super) fn render(pages: &Pages<'_>, page: &Page) -> Result<Vec<u8>, RenderError> {
    let dir = layout::page_dir(&page.slug);
    let meta = pages.meta(&dir, page.title.clone(), &page.title);
    let body = Body::Markdown {
        page_title: &page.title,
        content_html: markdown::to_html(&page.markdown),
    };
    pages.page(&layout::root_of(&dir), meta, body)
}
