//! A badge page: what it is, how to earn it, who earned it (only earners
//! with a public name, never revoked awards), and its machine-readable
//! files.

use super::Pages;
use crate::layout;
use crate::model::{Badge, day, timestamp};
use crate::site::render::RenderError;
use crate::site::view::{Body, Earner, FileLink};

/// Awards that count: revoked ones do not.
fn standing(badge: &Badge) -> usize {
    badge.awards.iter().filter(|a| a.revoked.is_none()).count()
}

/// "Awarded 3 times", revoked awards not counted.
pub(super) fn awarded_text(pages: &Pages<'_>, badge: &Badge) -> String {
    match standing(badge) {
        0 => pages.strings.get("awarded_none").to_string(),
        n => pages.strings.count("awarded", n as u64),
    }
}

pub(super) fn render(pages: &Pages<'_>, badge: &Badge) -> Result<Vec<u8>, RenderError> {
    let dir = layout::badge_dir(&badge.slug);
    let strings = &pages.strings;
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
                issued_text: strings.date(a.issued),
                expires_at: a.expires.map(timestamp),
                expires_text: a.expires.map(|at| strings.date(at)),
            })
        })
        .collect();
    let files = match pages.signing {
        Some(_) => vec![
            FileLink {
                label: strings.get("achievement_json").to_string(),
                href: relative(&dir, &layout::achievement(&badge.slug)),
            },
            FileLink {
                label: strings.get("badgeclass_json").to_string(),
                href: relative(&dir, &layout::badge_class(&badge.slug)),
            },
        ],
        None => Vec::new(),
    };
    let mut meta = pages.meta(&dir, badge.name.clone(), &badge.description);
    meta.image = Some(pages.badge_image_meta(badge));
    let body = Body::Badge {
        badge: pages.badge_view(badge),
        earners,
        award_count: standing(badge),
        awarded_text: awarded_text(pages, badge),
        awarded_times: match standing(badge) {
            0 => strings.get("times_none").to_string(),
            n => strings.count("times", n as u64),
        },
        files: &files,
    };
    pages.page(&layout::root_of(&dir), meta, body)
}

/// `path` relative to the folder `dir` it lies in.
pub(super) fn relative(dir: &str, path: &str) -> String {
    path.strip_prefix(dir).unwrap_or(path).to_string()
}
