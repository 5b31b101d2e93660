//! `rosette.lock`: the record of what a site has published, committed to git
//! like `Cargo.lock`.
//!
//! Published URLs are permanent and revocation must hit the right
//! credential, but a static build has no memory. The lock gives it one: the
//! badge slugs and award ids that were published, and each award's slot in
//! the revocation status lists. `rosette build` adds new entries and writes
//! the file; `--locked` (for CI) refuses to build when it would change. An
//! award or badge in the lock but no longer in `badges/` is an error: revoke
//! it instead, or delete its line from the lock to drop it on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::cache::TextCache;
use super::limits;
use super::validate::rules;
use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::model::{LIST_SIZE, Site, Slot};

pub const LOCK_FILE: &str = "rosette.lock";

/// The parsed lock file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    pub version: u32,
    #[serde(default)]
    pub badges: BTreeSet<String>,
    #[serde(default)]
    pub awards: BTreeMap<String, Slot>,
}

/// Reads `rosette.lock` (a missing file is an empty ledger).
pub fn load(root: &Path, sources: &mut Sources, problems: &mut Diagnostics) -> Ledger {
    load_with(root, None, sources, problems)
}

/// [`load`], reading the lock again only when `cache` does not hold its
/// text already.
pub fn load_with(
    root: &Path,
    cache: Option<&TextCache<Ledger>>,
    sources: &mut Sources,
    problems: &mut Diagnostics,
) -> Ledger {
    let Some(text) = super::load::read_text(root, LOCK_FILE, limits::LOCK_FILE_BYTES, problems)
    else {
        return Ledger {
            version: 1,
            ..Ledger::default()
        };
    };
    let ledger = match cache {
        Some(cache) => cache.parse(LOCK_FILE, &text, problems, |found| parse(&text, found)),
        None => parse(&text, problems),
    };
    sources.insert(LOCK_FILE, text);
    ledger
}

/// The ledger the lock file `text` holds, after checking it; an empty one
/// if it cannot be trusted.
fn parse(text: &str, problems: &mut Diagnostics) -> Ledger {
    let parsed: Result<Ledger, _> = match parse_canonical(text) {
        Some(ledger) => Ok(ledger),
        None => toml::from_str(text),
    };
    let ledger = match parsed {
        Ok(ledger) => ledger,
        Err(error) => {
            let mut d =
                Diagnostic::in_file(LOCK_FILE, format!("invalid lock file: {}", error.message()));
            if let Some(span) = error.span() {
                d.span = Some(span);
            }
            problems
                .push(d.help("rosette.lock is written by `rosette build`; restore it from git"));
            return Ledger {
                version: 1,
                ..Ledger::default()
            };
        }
    };
    if ledger.version != 1 {
        problems.push(Diagnostic::in_file(
            LOCK_FILE,
            format!("unsupported lock file version {}", ledger.version),
        ));
    }
    let before = problems.len();
    check_entries(&ledger, problems);
    if problems.len() > before {
        // A lock that cannot be trusted must not decide any slot.
        return Ledger {
            version: 1,
            ..Ledger::default()
        };
    }
    ledger
}

/// Reads a lock exactly as [`Ledger::to_text`] writes it, ten times faster
/// than a TOML parser (which took a quarter of a no-change rebuild of
/// 20,000 awards). `None` for anything else, which the TOML parser then
/// reads (or reports): the result is accepted only if writing it gives back
/// the same text byte for byte, so this reads nothing the writer did not
/// write, and reads it as TOML would.
fn parse_canonical(text: &str) -> Option<Ledger> {
    let plain =
        |s: &str| !s.is_empty() && !s.contains(['"', '\\']) && !s.contains(char::is_control);
    let mut ledger = Ledger::empty();
    let at_version = text.find("version = 1\nbadges = [\n")?;
    let (badges, awards) = text[at_version..].split_once("]\n\n[awards]\n")?;
    for line in badges.lines().skip(2) {
        let slug = line.strip_prefix("  \"")?.strip_suffix("\",")?;
        plain(slug).then_some(())?;
        ledger.badges.insert(slug.to_string());
    }
    for line in awards.lines() {
        let (id, slot) = line.strip_prefix('"')?.split_once("\" = { list = ")?;
        let (list, index) = slot.strip_suffix(" }")?.split_once(", index = ")?;
        plain(id).then_some(())?;
        let slot = Slot {
            list: list.parse().ok()?,
            index: index.parse().ok()?,
        };
        ledger.awards.insert(id.to_string(), slot);
    }
    (ledger.to_text() == text).then_some(ledger)
}

/// Every number and name read from the lock is bounded before it is used:
/// ids and slugs have their usual form; a slot is in one of the first
/// [`limits::STATUS_LISTS`] lists and inside it; no two awards share a slot;
/// and lists are used one after another, as `rosette build` fills them (a
/// list number with no award in an earlier list was edited by hand).
fn check_entries(ledger: &Ledger, problems: &mut Diagnostics) {
    let restore = "rosette.lock is written by Rosette; restore it from git";
    for slug in &ledger.badges {
        if rules::slug(slug).is_err() {
            problems.push(
                Diagnostic::in_file(LOCK_FILE, format!("invalid badge slug {slug:?}"))
                    .help(restore),
            );
        }
    }
    let mut seen = BTreeMap::new();
    let mut lists_used = BTreeSet::new();
    for (id, slot) in &ledger.awards {
        if rules::award_id(id).is_err() {
            problems.push(
                Diagnostic::in_file(LOCK_FILE, format!("invalid award id {id:?}")).help(restore),
            );
        } else if slot.list == 0 || slot.list > limits::STATUS_LISTS || slot.index >= LIST_SIZE {
            problems.push(
                Diagnostic::in_file(
                    LOCK_FILE,
                    format!("award `{id}` has an impossible status slot"),
                )
                .label(format!(
                    "expected `list` from 1 to {} and `index` from 0 to {}",
                    limits::STATUS_LISTS,
                    LIST_SIZE - 1
                ))
                .help(restore),
            );
        } else if let Some(other) = seen.insert(*slot, id) {
            problems.push(
                Diagnostic::in_file(
                    LOCK_FILE,
                    format!("awards `{other}` and `{id}` share a status slot"),
                )
                .help(restore),
            );
        } else {
            lists_used.insert(slot.list);
        }
    }
    if let Some(&highest) = lists_used.last()
        && let Some(gap) = (1..highest).find(|list| !lists_used.contains(list))
    {
        let id = ledger
            .awards
            .iter()
            .find(|(_, slot)| slot.list == highest)
            .map_or("", |(id, _)| id.as_str());
        problems.push(
            Diagnostic::in_file(
                LOCK_FILE,
                format!("award `{id}` is in status list {highest}, but no award is in list {gap}"),
            )
            .label("lists are filled one after another")
            .help(restore),
        );
    }
}

/// Everything the lock says was published must still be in the repository.
pub fn check(ledger: &Ledger, site: &Site, problems: &mut Diagnostics) {
    let awards: std::collections::HashSet<&str, foldhash::fast::RandomState> =
        site.awards().map(|(_, a)| a.id.as_str()).collect();
    for id in ledger
        .awards
        .keys()
        .filter(|id| !awards.contains(id.as_str()))
    {
        problems.push(
            Diagnostic::in_file(LOCK_FILE, format!("award `{id}` was published and is no longer in badges/"))
                .help(format!(
                    "published URLs are permanent: restore the award and `rosette revoke {id}` instead, \
                     or remove its line from rosette.lock to drop it on purpose"
                )),
        );
    }
    let badges: BTreeSet<&str> = site.badges.iter().map(|b| b.slug.as_str()).collect();
    for slug in ledger
        .badges
        .iter()
        .filter(|s| !badges.contains(s.as_str()))
    {
        problems.push(
            Diagnostic::in_file(
                LOCK_FILE,
                format!("badge `{slug}` was published and is no longer in badges/"),
            )
            .help(format!(
                "published URLs are permanent: restore `badges/{slug}.toml`, \
                     or remove it from rosette.lock to drop it on purpose"
            )),
        );
    }
}

/// Replaces `rosette.lock` with `ledger`, atomically.
pub fn write(root: &Path, ledger: &Ledger) -> Result<(), crate::error::Error> {
    super::edit::write_file(&root.join(LOCK_FILE), ledger.to_text().as_bytes())
}

impl Ledger {
    /// An empty lock.
    pub fn empty() -> Ledger {
        Ledger {
            version: 1,
            ..Ledger::default()
        }
    }

    /// The ledger after publishing `site` with these slots.
    pub fn updated(&self, site: &Site, slots: &BTreeMap<String, Slot>) -> Ledger {
        let mut next = self.clone();
        next.version = 1;
        next.badges
            .extend(site.badges.iter().map(|b| b.slug.clone()));
        // Slots of recorded awards never change: only new ones are added.
        for (id, slot) in slots {
            if !next.awards.contains_key(id) {
                next.awards.insert(id.clone(), *slot);
            }
        }
        next
    }

    /// The file's text: stable order, one entry per line (small diffs).
    pub fn to_text(&self) -> String {
        let mut text = String::from(
            "# Written by Rosette (`rosette lock`, `award`, `import`, `build`): what this site\n\
             # publishes. Commit this file. Published badges and awards must stay in badges/\n\
             # (revoke, don't delete), and each award keeps its revocation status slot\n\
             # forever. Do not edit by hand: run `rosette lock` after adding awards by hand.\n\
             version = 1\n",
        );
        text.push_str("badges = [\n");
        for slug in &self.badges {
            text.push_str(&format!("  \"{slug}\",\n"));
        }
        text.push_str("]\n\n[awards]\n");
        for (id, slot) in &self.awards {
            text.push_str(&format!(
                "\"{id}\" = {{ list = {}, index = {} }}\n",
                slot.list, slot.index
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_lock_is_read_again_only_when_its_text_changed() {
        let cache = TextCache::default();
        let read = |text: &str| {
            let mut problems = Diagnostics::default();
            let ledger = cache.parse(LOCK_FILE, text, &mut problems, |found| parse(text, found));
            (ledger, problems.len())
        };
        let fresh = |text: &str| {
            let mut problems = Diagnostics::default();
            let ledger = parse(text, &mut problems);
            (ledger, problems.len())
        };
        let good = "version = 1\nbadges = [\"b\"]\n";
        assert_eq!(read(good), fresh(good));
        assert_eq!(read(good).0.badges.len(), 1);
        // A lock of an unknown version is reported each time, from the cache too.
        let newer = "version = 2\n";
        assert_eq!(read(newer).1, 1);
        assert_eq!(read(newer), fresh(newer));
        assert_eq!(read(good), fresh(good));
    }

    #[test]
    fn text_round_trips() {
        let mut ledger = Ledger {
            version: 1,
            ..Ledger::default()
        };
        ledger.badges.insert("rust-mentor".into());
        ledger.awards.insert(
            "0123".into(),
            Slot {
                list: 1,
                index: 57004,
            },
        );
        ledger
            .awards
            .insert("k7q2m9x4".into(), Slot { list: 2, index: 0 });
        let parsed: Ledger = toml::from_str(&ledger.to_text()).unwrap();
        assert_eq!(parsed, ledger);
    }

    #[test]
    fn the_written_form_is_read_fast_and_anything_else_by_the_toml_parser() {
        let mut ledger = Ledger::empty();
        ledger.badges.extend(["a-1".to_string(), "b".to_string()]);
        ledger
            .awards
            .insert("x1".into(), Slot { list: 1, index: 9 });
        ledger
            .awards
            .insert("y2".into(), Slot { list: 2, index: 0 });
        let text = ledger.to_text();
        assert_eq!(parse_canonical(&text), Some(ledger.clone()));
        assert_eq!(
            parse_canonical(&Ledger::empty().to_text()),
            Some(Ledger::empty())
        );
        // Same meaning, other bytes: left to the TOML parser, which agrees.
        for other in [
            text.replace("list = 1, index = 9", "list = 1,  index = 9"),
            text.replace("\"x1\" =", "x1 ="),
            text.replace("version = 1\n", "version = 1 # one\n"),
            format!("{text}\n"),
        ] {
            assert_eq!(parse_canonical(&other), None, "{other}");
            assert_eq!(toml::from_str::<Ledger>(&other).unwrap(), ledger);
        }
        // Out of order, duplicated, overflowing or cut: never read fast.
        let swapped = text.replace("\"x1\" = { list = 1, index = 9 }\n", "")
            + "\"x1\" = { list = 1, index = 9 }\n";
        assert_eq!(parse_canonical(&swapped), None);
        let twice = format!("{text}\"y2\" = {{ list = 2, index = 0 }}\n");
        assert_eq!(parse_canonical(&twice), None);
        assert!(toml::from_str::<Ledger>(&twice).is_err());
        let huge = text.replace("index = 9", "index = 99999999999999999999999");
        assert_eq!(parse_canonical(&huge), None);
        assert_eq!(parse_canonical(&text[..text.len() - 3]), None);
    }

    #[test]
    fn bad_lock_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut sources = Sources::default();
        let mut problems = Diagnostics::default();
        std::fs::write(dir.path().join(LOCK_FILE), "version = 1\n[awards]\na = { list = 1, index = 5 }\nb = { list = 1, index = 5 }\nc = { list = 0, index = 1 }\n").unwrap();
        load(dir.path(), &mut sources, &mut problems);
        let messages: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
        assert!(
            messages.iter().any(|m| m.contains("`a` and `b` share")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`c` has an impossible")),
            "{messages:?}"
        );
        std::fs::write(dir.path().join(LOCK_FILE), "version = 1\nbogus = 1\n").unwrap();
        let mut problems = Diagnostics::default();
        load(dir.path(), &mut sources, &mut problems);
        assert!(
            problems
                .iter()
                .next()
                .unwrap()
                .message
                .contains("unknown field")
        );
    }

    fn problems_of(text: &str) -> (Ledger, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), text).unwrap();
        let mut sources = Sources::default();
        let mut problems = Diagnostics::default();
        let ledger = load(dir.path(), &mut sources, &mut problems);
        (ledger, problems.iter().map(|d| d.message.clone()).collect())
    }

    /// A hostile lock must not decide how much the build allocates or how
    /// many status lists it signs.
    #[test]
    fn numbers_in_the_lock_are_bounded() {
        let (ledger, messages) =
            problems_of("version = 1\n[awards]\na = { list = 10000000, index = 5 }\n");
        assert!(
            messages[0].contains("`a` has an impossible status slot"),
            "{messages:?}"
        );
        assert!(
            ledger.awards.is_empty(),
            "an untrusted lock decides nothing"
        );
        let (_, messages) = problems_of(
            "version = 1\n[awards]\na = { list = 1, index = 5 }\nb = { list = 5, index = 5 }\n",
        );
        assert_eq!(
            messages,
            ["award `b` is in status list 5, but no award is in list 2"]
        );
        let (_, messages) = problems_of("version = 1\n[awards]\nb = { list = 100, index = 5 }\n");
        assert_eq!(messages, ["award `b` has an impossible status slot"]);
        let (_, messages) = problems_of(
            "version = 1\nbadges = [\"../x\"]\n[awards]\n\"a\\\"b\" = { list = 1, index = 1 }\n",
        );
        assert_eq!(messages.len(), 2, "{messages:?}");
        let (ledger, messages) = problems_of(
            "version = 1\n[awards]\na = { list = 1, index = 5 }\nb = { list = 2, index = 131071 }\n",
        );
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(ledger.awards.len(), 2);
    }
}
