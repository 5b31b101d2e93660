//! A badge page: what it is, how to earn it, who earned it (only earners
//! with a public name), and its machine-readable files.

use super::Pages;
use crate::layout;
use crate::model::{Badge, day};
use crate::site::render::RenderError;
use crate::site::view::{Body, Earner, FileLink};

pub(super) fn render(pages: &Pages<'_>, badge: &Badge) -> Result<Vec<u8>, RenderError> {
    let dir = layout::badge_dir(&badge.slug);
    let earners = badge
        .awards
        .iter()
        .filter(|a| a.revoked.is_none())
        .filter_map(|a| {
            a.recipient.name.as_deref().map(|name| Earner {
                id: &a.id,
                href: layout::award_dir(&a.id),
                name,
                issued: day(a.issued),
            })
        })
        .collect();
    let files = match pages.signing {
        Some(_) => vec![
            FileLink {
                label: "Open Badges 3.0 achievement (JSON)",
                href: relative(&dir, &layout::achievement(&badge.slug)),
            },
            FileLink {
                label: "Open Badges 2.0 badge class (JSON)",
                href: relative(&dir, &layout::badge_class(&badge.slug)),
            },
        ],
        None => Vec::new(),
    };
    let image = layout::badge_image(&badge.slug, badge.image.extension);
    let meta = pages.meta(&dir, badge.name.clone(), &badge.description, Some(image));
    let body = Body::Badge {
        badge: pages.badge_view(badge),
        earners,
        award_count: badge.awards.len(),
        files: &files,
    };
    pages
        .renderer
        .page(&pages.view, &layout::root_of(&dir), meta, body)
}

/// `path` relative to the folder `dir` it lies in.
pub(super) fn relative(dir: &str, path: &str) -> String {
    path.strip_prefix(dir).unwrap_or(path).to_string()
}
