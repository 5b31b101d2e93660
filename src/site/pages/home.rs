//! The issuer home page: every badge.

use super::Pages;
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{BadgeCard, Body};

pub(super) fn render(pages: &Pages<'_>) -> Result<Vec<u8>, RenderError> {
    let site = pages.site;
    let description = site.issuer.description.as_deref().unwrap_or(&site.title);
    let cards = site
        .badges
        .iter()
        .map(|b| BadgeCard {
            slug: &b.slug,
            href: layout::badge_dir(&b.slug),
            name: &b.name,
            description: &b.description,
            image: layout::badge_image(&b.slug, b.image.extension),
            image_alt: &b.image_alt,
            awarded_text: super::badge::awarded_text(pages, b),
            tags: &b.tags,
        })
        .collect();
    let meta = pages.meta("", site.title.clone(), description);
    pages.page(
        &layout::root_of(layout::HOME),
        meta,
        Body::Index { badges: cards },
    )
}
