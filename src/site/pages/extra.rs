//! An extra page from `site/pages/<name>.md` (in every language: its text
//! has no translations, so it is the same in each).

use super::{Lang, Pages};
use crate::layout;
use crate::model::Page;
use crate::site::markdown;
use crate::site::render::RenderError;
use crate::site::view::Body;

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    page: &Page,
) -> Result<Vec<u8>, RenderError> {
    let dir = layout::page_dir(&page.slug);
    let meta = pages.meta(lang, &dir, page.title.clone(), &page.title);
    let body = Body::Markdown {
        page_title: &page.title,
        content_html: markdown::to_html(&page.markdown),
    };
    pages.render(lang, &dir, meta, body)
}
