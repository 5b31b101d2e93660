//! The issuer home page: every badge, and the pathways among them.

use super::{Lang, Pages, pathway};
use crate::layout;
use crate::site::render::RenderError;
use crate::site::view::{BadgeCard, Body, PathwayCard};

pub(super) fn render(pages: &Pages<'_>, lang: &Lang<'_>) -> Result<Vec<u8>, RenderError> {
    let site = pages.site;
    let description = lang
        .view
        .issuer
        .description
        .as_deref()
        .unwrap_or(&lang.view.title);
    let cards = site
        .badges
        .iter()
        .map(|b| {
            let view = lang.badge_view(b);
            BadgeCard {
                slug: &b.slug,
                href: layout::badge_dir(&b.slug),
                name: &view.name,
                description: &view.description,
                image: layout::badge_image(&b.slug, b.image.extension),
                image_alt: &view.image_alt,
                awarded_text: super::badge::awarded_text(&lang.strings, b),
                tags: &b.tags,
            }
        })
        .collect();
    let pathways = site
        .badges
        .iter()
        .filter(|b| b.has_requirements())
        .map(|b| PathwayCard {
            slug: &b.slug,
            name: &lang.badge_view(b).name,
            href: layout::badge_dir(&b.slug),
            groups: pathway::direct(site, lang, b),
        })
        .collect();
    let meta = pages.meta(lang, "", lang.view.title.clone(), description);
    pages.render(
        lang,
        "",
        meta,
        Body::Index {
            badges: cards,
            pathways,
        },
    )
}
