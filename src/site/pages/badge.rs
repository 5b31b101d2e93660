//! A badge page: what it is, how to earn it (its pathway, its completion
//! standard), who endorses it, who earned it (only earners with a public
//! name), and its machine-readable files.

use super::{Lang, Pages, pathway};
use crate::layout;
use crate::model::{Badge, day};
use crate::site::render::RenderError;
use crate::site::view::{Body, Earner, FileLink};

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    badge: &Badge,
) -> Result<Vec<u8>, RenderError> {
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
    let root = layout::root_of(&format!("{}{dir}", lang.prefix));
    let files = match pages.signing {
        Some(_) => vec![
            FileLink {
                label: "Open Badges 3.0 achievement (JSON)",
                href: from_page(&dir, &root, &lang.prefix, &layout::achievement(&badge.slug)),
            },
            FileLink {
                label: "Open Badges 2.0 badge class (JSON)",
                href: from_page(&dir, &root, &lang.prefix, &layout::badge_class(&badge.slug)),
            },
        ],
        None => Vec::new(),
    };
    let view = lang.badge_view(badge);
    let image = layout::badge_image(&badge.slug, badge.image.extension);
    let meta = pages.meta(
        lang,
        &dir,
        view.name.clone(),
        &view.description,
        Some(image),
    );
    let body = Body::Badge {
        badge: view,
        earners,
        award_count: badge.awards.len(),
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
