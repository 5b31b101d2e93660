//! A learner's portfolio, `earners/<handle>/`: every award that carries
//! their handle (valid and revoked ones marked as such; expiry is judged by
//! the page's script, as on award pages, since the build never reads the
//! clock), and their progress on the pathways those awards are part of.
//! Nothing is inferred from emails: an award without the handle is not
//! listed, even for the same person.

use std::collections::BTreeSet;

use super::{Lang, Pages};
use crate::layout;
use crate::model::{Award, Badge, day, timestamp};
use crate::site::render::RenderError;
use crate::site::view::{
    Body, EarnerAward, EarnerView, ProgressBadge, ProgressGroup, ProgressView,
};

pub(super) fn render(
    pages: &Pages<'_>,
    lang: &Lang<'_>,
    handle: &str,
    awards: &[(&Badge, &Award)],
) -> Result<Vec<u8>, RenderError> {
    let dir = layout::earner_dir(handle);
    let name = awards
        .iter()
        .rev()
        .find_map(|(_, a)| a.recipient.name.as_deref());
    let listed = awards
        .iter()
        .rev()
        .map(|(badge, award)| {
            let view = lang.badge_view(badge);
            EarnerAward {
                id: &award.id,
                href: layout::award_dir(&award.id),
                badge_slug: &badge.slug,
                badge_name: &view.name,
                badge_href: layout::badge_dir(&badge.slug),
                image: &view.image,
                image_alt: &view.image_alt,
                issued: day(award.issued),
                issued_text: lang.strings.date(award.issued),
                expires: award.expires.map(day),
                expires_text: award.expires.map(|at| lang.strings.date(at)),
                expires_at: award.expires.map(timestamp),
                status: if award.revoked.is_some() {
                    "revoked"
                } else {
                    "valid"
                },
                revoked_on: award.revoked.as_ref().map(|r| day(r.on)),
                revoked_on_text: award.revoked.as_ref().map(|r| lang.strings.date(r.on)),
            }
        })
        .collect();
    // What they hold: badges of an award that is not revoked.
    let held: BTreeSet<&str> = awards
        .iter()
        .filter(|(_, a)| a.revoked.is_none())
        .map(|(b, _)| b.slug.as_str())
        .collect();
    let pathways = progress(pages, lang, &held, awards);
    let title = lang
        .strings
        .fill("portfolio_of", &[("name", name.unwrap_or(handle))]);
    let mut meta = pages.meta(lang, &dir, title.clone(), &title);
    // Portfolios name people, as award pages do.
    meta.noindex = true;
    let body = Body::Earner {
        earner: EarnerView {
            handle,
            name,
            awards: listed,
            pathways,
        },
    };
    pages.render(lang, &dir, meta, body)
}

/// The pathways a learner is on: every badge with requirements that they
/// hold, or whose requirements include a badge they have an award of.
fn progress<'a>(
    pages: &Pages<'a>,
    lang: &'a Lang<'_>,
    held: &BTreeSet<&str>,
    awards: &[(&Badge, &Award)],
) -> Vec<ProgressView<'a>> {
    // The pathway badges among their awards, and those their awards lead to.
    let mut candidates: BTreeSet<&str> = BTreeSet::new();
    for (badge, _) in awards {
        if badge.has_requirements() {
            candidates.insert(&badge.slug);
        }
        for next in pages
            .required_by
            .get(badge.slug.as_str())
            .into_iter()
            .flatten()
        {
            candidates.insert(&next.slug);
        }
    }
    candidates
        .into_iter()
        .filter_map(|slug| pages.site.badge(slug))
        .map(|badge| {
            let entry = |slug: &'a String| ProgressBadge {
                slug,
                name: pages
                    .site
                    .badge(slug)
                    .map_or(slug.as_str(), |b| lang.badge_view(b).name.as_str()),
                href: layout::badge_dir(slug),
                held: held.contains(slug.as_str()),
            };
            let mut groups = Vec::new();
            if !badge.requires.is_empty() {
                let badges: Vec<ProgressBadge> = badge.requires.iter().map(entry).collect();
                let count = badges.len();
                let got = badges.iter().filter(|b| b.held).count();
                groups.push(ProgressGroup {
                    kind: "all",
                    count,
                    held: got,
                    badges,
                });
            }
            if let Some(any) = &badge.requires_any {
                let badges: Vec<ProgressBadge> = any.of.iter().map(entry).collect();
                let got = badges.iter().filter(|b| b.held).count();
                groups.push(ProgressGroup {
                    kind: "any",
                    count: any.count,
                    held: got,
                    badges,
                });
            }
            let needed: usize = groups.iter().map(|g| g.count).sum();
            let got: usize = groups.iter().map(|g| g.held.min(g.count)).sum();
            ProgressView {
                slug: &badge.slug,
                name: &lang.badge_view(badge).name,
                href: layout::badge_dir(&badge.slug),
                earned: held.contains(badge.slug.as_str()),
                met: got == needed,
                held: got,
                needed,
                groups,
            }
        })
        .collect()
}
