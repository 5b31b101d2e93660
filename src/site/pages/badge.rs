//! A badge page: what it is, how to earn it (its pathway, its completion
//! standard), who endorses it, who earned it (only earners with a public
//! name, never revoked awards), and its machine-readable files.

use super::{Lang, Pages, pathway};
use crate::layout;
use crate::model::{Badge, day, timestamp};
use crate::site::render::RenderError;
use crate::site::strings::Strings;
use crate::site::view::{Body, Earner, FileLink};

/// Awards that count: revoked ones do not.
fn standing(badge: &Badge) -> usize {
    badge.awards.iter().filter(|a| a.revoked.is_none()).count()
}

/// "Awarded 3 times", revoked awards not counted.
pub(super) fn awarded_text(strings: &Strings, badge: &Badge) -> String {
    match standing(badge) {
        0 => strings.get("awarded_none").to_string(),
        n => strings.count("awarded", n as u64),
    }
}

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    badge: &Badge,
) -> Result<Vec<u8>, RenderError> {
    let dir = layout::badge_dir(&badge.slug);
    let root = layout::root_of(&format!("{}{dir}", lang.prefix));
    let strings = &lang.strings;
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
                href: from_page(&dir, &root, &lang.prefix, &layout::achievement(&badge.slug)),
            },
            FileLink {
                label: strings.get("badgeclass_json").to_string(),
                href: from_page(&dir, &root, &lang.prefix, &layout::badge_class(&badge.slug)),
            },
        ],
        None => Vec::new(),
    };
    let view = lang.badge_view(badge);
    let mut meta = pages.meta(lang, &dir, view.name.clone(), &view.description);
    meta.image = Some(pages.badge_image_meta(lang, badge));
    let body = Body::Badge {
        badge: view,
        earners,
        award_count: standing(badge),
        awarded_text: awarded_text(strings, badge),
        awarded_times: match standing(badge) {
            0 => strings.get("times_none").to_string(),
            n => strings.count("times", n as u64),
        },
        files: &files,
        pathway: pathway::tree(pages.site, lang, badge),
    };
    pages.render(lang, &dir, meta, body)
}

/// `path` relative to the folder `dir` it lies in.
pub(super) fn relative(dir: &str, path: &str) -> String {
    path.strip_prefix(dir).unwrap_or(path).to_string()
}

/// A file of the default language's folder `dir` (`path`), linked from the
/// page of `dir` in a language: beside it for the default language, through
/// the site root for the others (files are not repeated per language).
pub(super) fn from_page(dir: &str, root: &str, prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        relative(dir, path)
    } else {
        format!("{root}{path}")
    }
}
