//! The checks that need the whole repository at once, in one place (like
//! rust-lang/team's `validate.rs`): each is a named function over every
//! badge and award that passed its own checks, and all of them run, so one
//! report shows every problem.
//!
//! A record that failed its own checks is not part of the model, so it takes
//! no part here; a reference to it still counts as known (its file exists),
//! so fixing its own problem never reveals a new "unknown badge" one.

use std::collections::{BTreeMap, BTreeSet};

use super::super::load::SITE_FILE;
use super::Checker;
use crate::credential::recipient::identity_hash;
use crate::diagnostic::Diagnostic;
use crate::model::{Award, Badge, Completion, Site};

/// What the checks look at.
pub(super) struct Whole<'a> {
    /// `None` when site.toml itself has problems (already reported).
    pub site: Option<&'a Site>,
    /// Every badge that passed its own checks, sorted by slug.
    pub badges: &'a [Badge],
    /// The slug of every `badges/<slug>.toml`, valid or not.
    pub declared: &'a BTreeSet<String>,
}

type Check = fn(&Whole<'_>, &mut Checker<'_>);

macro_rules! checks {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), $name as Check)),*]
    };
}

/// Every check of the whole repository, by name.
pub(super) const CHECKS: &[(&str, Check)] = checks![
    pathways_name_known_badges,
    pathways_do_not_loop,
    awards_meet_completion_standards,
    handles_name_one_recipient,
    translations_are_for_listed_languages,
];

pub(super) fn run(whole: &Whole<'_>, c: &mut Checker<'_>) {
    for (_name, check) in CHECKS {
        check(whole, c);
    }
}

/// Every field of `badge` that names a required badge, with its span key.
fn references(badge: &Badge) -> impl Iterator<Item = (&str, String)> {
    let all = badge
        .requires
        .iter()
        .enumerate()
        .map(|(i, slug)| (slug.as_str(), format!("requires[{i}]")));
    let any = badge.requires_any.iter().flat_map(|any| {
        any.of
            .iter()
            .enumerate()
            .map(|(i, slug)| (slug.as_str(), format!("requires_any.of[{i}]")))
    });
    all.chain(any)
}

fn span_of(badge: &Badge, key: &str) -> std::ops::Range<usize> {
    badge.spans.get(key).cloned().unwrap_or(0..0)
}

/// `requires` and `requires_any.of` name badges of the repository.
fn pathways_name_known_badges(whole: &Whole<'_>, c: &mut Checker<'_>) {
    for badge in whole.badges {
        for (slug, key) in references(badge) {
            if whole.declared.contains(slug) {
                continue;
            }
            let mut diagnostic = Diagnostic::at(
                &badge.file,
                span_of(badge, &key),
                format!("unknown badge `{slug}` in `{}`", key_field(&key)),
            )
            .label(format!("no `badges/{slug}.toml`"));
            if let Some(close) = closest(slug, whole.declared) {
                diagnostic = diagnostic.help(format!("did you mean `{close}`?"));
            }
            c.error(diagnostic);
        }
    }
}

/// `requires[2]` → `requires`.
fn key_field(key: &str) -> &str {
    key.split('[').next().unwrap_or(key)
}

/// The declared slug nearest to `slug` (a typo), if one is near enough.
fn closest<'s>(slug: &str, declared: &'s BTreeSet<String>) -> Option<&'s str> {
    declared
        .iter()
        .map(|d| (edit_distance(slug, d), d.as_str()))
        .filter(|(distance, d)| *distance <= (slug.len().max(d.len()) / 3).max(1))
        .min()
        .map(|(_, d)| d)
}

/// Levenshtein distance (slugs are at most 64 bytes).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// No badge requires itself through other badges. Each loop is reported
/// once, named in full, at the reference that leaves its first badge (by
/// slug), with the reference that closes it.
fn pathways_do_not_loop(whole: &Whole<'_>, c: &mut Checker<'_>) {
    let index: BTreeMap<&str, usize> = whole
        .badges
        .iter()
        .enumerate()
        .map(|(i, b)| (b.slug.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = whole
        .badges
        .iter()
        .map(|b| {
            b.required_slugs()
                .filter_map(|s| index.get(s).copied())
                .collect()
        })
        .collect();
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue; // a badge requiring itself is refused with the badge
        }
        let members: BTreeSet<usize> = component.iter().copied().collect();
        let Some(&start) = members.first() else {
            continue;
        };
        let cycle = cycle_through(start, &edges, &members);
        let names: Vec<String> = cycle
            .iter()
            .chain(std::iter::once(&start))
            .map(|&i| format!("`{}`", whole.badges[i].slug))
            .collect();
        let edge_key = |from: usize, to: usize| {
            let to = whole.badges[to].slug.as_str();
            references(&whole.badges[from])
                .find(|(slug, _)| *slug == to)
                .map(|(_, key)| key)
                .unwrap_or_default()
        };
        let first = &whole.badges[start];
        let next = cycle.get(1).copied().unwrap_or(start);
        let last = cycle.last().copied().unwrap_or(start);
        let closing = &whole.badges[last];
        c.error(
            Diagnostic::at(
                &first.file,
                span_of(first, &edge_key(start, next)),
                format!("pathway loop: {}", names.join(" → ")),
            )
            .label(format!(
                "`{}` requires `{}` here",
                first.slug, whole.badges[next].slug
            ))
            .related(
                &closing.file,
                span_of(closing, &edge_key(last, start)),
                format!("and `{}` requires `{}` here", closing.slug, first.slug),
            )
            .help("a badge cannot require itself through other badges: remove one of these requirements"),
        );
    }
}

/// The shortest path of badges from `start` back to it inside one strongly
/// connected component (breadth first, lowest index first, so the report
/// is the same on every run). Returns the badges in order, `start` first.
fn cycle_through(start: usize, edges: &[Vec<usize>], members: &BTreeSet<usize>) -> Vec<usize> {
    let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let mut next: Vec<usize> = edges[node]
            .iter()
            .copied()
            .filter(|n| members.contains(n))
            .collect();
        next.sort_unstable();
        for n in next {
            if n == start {
                let mut path = vec![node];
                while let Some(&p) = previous.get(path.last().unwrap_or(&start)) {
                    path.push(p);
                }
                path.reverse();
                if path.first() != Some(&start) {
                    path.insert(0, start);
                }
                return path;
            }
            if let std::collections::btree_map::Entry::Vacant(entry) = previous.entry(n) {
                entry.insert(node);
                queue.push_back(n);
            }
        }
    }
    vec![start]
}

/// Tarjan's strongly connected components, without recursion (a chain of
/// 10,000 badges must not overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    index[next] = counter;
                    low[next] = counter;
                    counter += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// Every award of a badge with `[badge.completion]` shows what it asks
/// for: a narrative, and each named evidence item. Revoked awards claim
/// nothing any more and are not held to it.
fn awards_meet_completion_standards(whole: &Whole<'_>, c: &mut Checker<'_>) {
    for badge in whole.badges {
        let Some(standard) = &badge.completion else {
            continue;
        };
        for award in badge.awards.iter().filter(|a| a.revoked.is_none()) {
            let missing = missing_for(standard, award);
            if missing.is_empty() {
                continue;
            }
            c.error(
                Diagnostic::at(
                    &award.file,
                    award.spans.get("id").cloned().unwrap_or(0..0),
                    format!(
                        "award `{}` does not meet the completion standard of badge `{}`",
                        award.id, badge.slug
                    ),
                )
                .label(format!("missing {}", missing.join(", ")))
                .related(
                    &badge.file,
                    span_of(badge, "completion"),
                    "the standard every award must show",
                )
                .help(
                    "add what is missing to the award (`narrative = \"...\"`, \
                     `evidence = [{ name = \"...\", url = \"...\" }]`), or revoke it",
                ),
            );
        }
    }
}

/// What `award` lacks of `standard`, as a person reads it.
fn missing_for(standard: &Completion, award: &Award) -> Vec<String> {
    let mut missing = Vec::new();
    if standard.reflection && award.narrative.is_none() {
        missing.push("a `narrative` (the learner's reflection)".to_string());
    }
    for item in &standard.evidence {
        let shown = award.evidence.iter().any(|e| {
            e.name
                .as_deref()
                .is_some_and(|name| Completion::item_matches(item, name))
        });
        if !shown {
            missing.push(format!("evidence named \"{item}\""));
        }
    }
    missing
}

/// A handle is one learner's portfolio: every award that carries it has the
/// same recipient (the same email, email hash or DID).
fn handles_name_one_recipient(whole: &Whole<'_>, c: &mut Checker<'_>) {
    let mut first: BTreeMap<&str, &Award> = BTreeMap::new();
    // Report against the earliest award of a handle, whatever the badge
    // (sort keys looked up once, for the awards with a handle only).
    let mut awards: Vec<(&str, usize, &str, &Award)> = whole
        .badges
        .iter()
        .flat_map(|b| &b.awards)
        .filter(|a| a.recipient.handle.is_some())
        .map(|a| (a.file.as_str(), span_start(a), a.id.as_str(), a))
        .collect();
    awards.sort_unstable_by_key(|&(file, at, id, _)| (file, at, id));
    for (_, _, _, award) in awards {
        let Some(handle) = award.recipient.handle.as_deref() else {
            continue;
        };
        let Some(owner) = first.get(handle) else {
            first.insert(handle, award);
            continue;
        };
        if owner
            .recipient
            .identity
            .same_as(&award.recipient.identity, identity_hash)
        {
            continue;
        }
        let span = |a: &Award| a.spans.get("recipient.handle").cloned().unwrap_or(0..0);
        c.error(
            Diagnostic::at(
                &award.file,
                span(award),
                format!("handle `{handle}` names two different recipients"),
            )
            .label(format!(
                "award `{}` has another recipient than award `{}`",
                award.id, owner.id
            ))
            .related(&owner.file, span(owner), "first used here")
            .help(format!(
                "`earners/{handle}/` is one learner's portfolio: give this award another \
                 handle, or the same recipient (the same email, the same `email_hash` and \
                 `salt`, or the same DID)"
            )),
        );
    }
}

fn span_start(award: &Award) -> usize {
    award.spans.get("id").map_or(0, |s| s.start)
}

/// Translations exist only for the further languages site.toml lists.
fn translations_are_for_listed_languages(whole: &Whole<'_>, c: &mut Checker<'_>) {
    let Some(site) = whole.site else {
        return;
    };
    let listed = site
        .languages
        .iter()
        .map(|l| format!("`{l}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut report = |file: &str, span: std::ops::Range<usize>, lang: &str| {
        let diagnostic = if lang == site.language {
            Diagnostic::at(
                file,
                span,
                format!("a translation into the default language `{lang}`"),
            )
            .label("the default language's texts are the fields themselves")
            .help("move these texts into the fields they translate, or remove this table")
        } else {
            Diagnostic::at(
                file,
                span,
                format!("a translation into `{lang}`, which site.toml does not list"),
            )
            .label(format!("the site's languages are {listed}"))
            .help(format!(
                "add `{lang}` to `languages` in site/site.toml, or remove this table"
            ))
        };
        c.error(diagnostic);
    };
    let unlisted = |lang: &str| lang == site.language || !site.languages.iter().any(|l| l == lang);
    for lang in site.translations.keys().filter(|l| unlisted(l)) {
        let key = format!("translations.{lang}");
        report(
            SITE_FILE,
            site.spans.get(&key).cloned().unwrap_or(0..0),
            lang,
        );
    }
    for badge in whole.badges {
        for lang in badge.translations.keys().filter(|l| unlisted(l)) {
            report(
                &badge.file,
                span_of(badge, &format!("translations.{lang}")),
                lang,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_are_found_without_recursion() {
        // a chain of 100,000 badges, closed into one loop at the end
        let n = 100_000;
        let mut edges: Vec<Vec<usize>> = (0..n).map(|i| vec![i + 1]).collect();
        edges[n - 1] = vec![0];
        let components = strongly_connected(&edges);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), n);
        // and an open chain has no loop
        edges[n - 1].clear();
        assert!(strongly_connected(&edges).iter().all(|c| c.len() == 1));
    }

    #[test]
    fn the_shortest_loop_through_the_first_badge_is_named() {
        // 0 → 1 → 2 → 0, and 1 → 3 → 1
        let edges = vec![vec![1], vec![3, 2], vec![0], vec![1]];
        let members: BTreeSet<usize> = [0, 1, 2, 3].into();
        assert_eq!(cycle_through(0, &edges, &members), vec![0, 1, 2]);
        assert_eq!(cycle_through(3, &edges, &members), vec![3, 1]);
    }

    #[test]
    fn typos_get_a_suggestion() {
        let declared: BTreeSet<String> = ["rust-mentor", "rust-newcomer", "beta"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("rust-mentr", &declared), Some("rust-mentor"));
        assert_eq!(closest("python", &declared), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
