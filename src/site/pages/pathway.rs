//! Pathways as pages show them: the tree of badges a badge requires (each
//! badge expanded once per tree, at most [`TREE_NODES`] badges and
//! [`TREE_DEPTH`] levels, so a page stays readable and its cost bounded;
//! each badge's own page shows the rest), and the direct requirements for
//! the home page.

use std::collections::BTreeSet;

use super::Lang;
use crate::layout;
use crate::model::{Badge, Site};
use crate::site::view::{PathwayNode, PathwayView, RequirementGroup};

/// Badges shown in one pathway tree.
pub(super) const TREE_NODES: usize = 64;
/// Levels of one pathway tree.
pub(super) const TREE_DEPTH: usize = 3;

/// How much of a tree to show.
struct Walk<'a> {
    /// Badges already expanded in this tree.
    seen: BTreeSet<&'a str>,
    /// Badges that may still be shown.
    budget: usize,
    /// Whether something was left out.
    truncated: bool,
    /// Whether nodes carry their criteria.
    criteria: bool,
}

/// The tree of what `badge` requires, or `None` when it requires nothing.
pub(super) fn tree<'a>(
    site: &'a Site,
    lang: &'a Lang<'_>,
    badge: &'a Badge,
) -> Option<PathwayView<'a>> {
    if !badge.has_requirements() {
        return None;
    }
    let mut walk = Walk {
        seen: BTreeSet::from([badge.slug.as_str()]),
        budget: TREE_NODES,
        truncated: false,
        criteria: true,
    };
    let groups = groups(site, lang, badge, &mut walk, TREE_DEPTH);
    Some(PathwayView {
        groups,
        truncated: walk.truncated,
    })
}

/// What `badge` requires directly, without criteria or deeper levels.
pub(super) fn direct<'a>(
    site: &'a Site,
    lang: &'a Lang<'_>,
    badge: &'a Badge,
) -> Vec<RequirementGroup<'a>> {
    let mut walk = Walk {
        seen: BTreeSet::new(),
        budget: usize::MAX,
        truncated: false,
        criteria: false,
    };
    groups(site, lang, badge, &mut walk, 1)
}

fn groups<'a>(
    site: &'a Site,
    lang: &'a Lang<'_>,
    badge: &'a Badge,
    walk: &mut Walk<'a>,
    levels: usize,
) -> Vec<RequirementGroup<'a>> {
    let mut out = Vec::new();
    let mut lists = Vec::new();
    if !badge.requires.is_empty() {
        lists.push(("all", badge.requires.len(), &badge.requires));
    }
    if let Some(any) = &badge.requires_any {
        lists.push(("any", any.count, &any.of));
    }
    for (kind, count, slugs) in lists {
        let mut badges = Vec::new();
        for required in slugs.iter().filter_map(|slug| site.badge(slug)) {
            if walk.budget == 0 {
                walk.truncated = true;
                break;
            }
            walk.budget -= 1;
            let view = lang.badge_view(required);
            let repeated = !walk.seen.insert(required.slug.as_str());
            let children = if !repeated && levels > 1 {
                groups(site, lang, required, walk, levels - 1)
            } else {
                if !repeated && walk.criteria && required.has_requirements() {
                    walk.truncated = true;
                }
                Vec::new()
            };
            badges.push(PathwayNode {
                slug: &required.slug,
                name: &view.name,
                href: layout::badge_dir(&required.slug),
                image: &view.image,
                image_alt: &view.image_alt,
                criteria_html: (walk.criteria && !repeated).then_some(view.criteria_html.as_str()),
                repeated,
                groups: children,
            });
        }
        out.push(RequirementGroup {
            kind,
            count,
            badges,
        });
    }
    out
}
