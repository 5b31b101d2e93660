//! Status slots: each award's permanent place in the revocation status
//! lists (W3C Bitstring Status List, standards.md §4.2).
//!
//! Index assignment is permanent and not guessable from an award's position
//! in the files: the index is derived from a hash of the award id, and a
//! collision probes onward (hash of id and attempt number). Awards recorded
//! in `rosette.lock` keep their slots forever; new awards claim free slots
//! in order of issue date, then id, and a list takes at most half its
//! capacity before the next one starts, so a new award never takes a
//! published award's slot.

use std::collections::BTreeMap;

/// A set of ids with a fast hasher (the ids are not secret).
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

use sha2::{Digest, Sha256};

use crate::model::{LIST_LOAD, LIST_SIZE, Site, Slot};

/// Assigns every award of the site its slot. Awards recorded in
/// `rosette.lock` (`locked`) keep theirs, forever; new awards claim free
/// slots in order of issue date, then id, in the newest list that is less
/// than half full, else in a new list. Slots of locked awards that are no
/// longer in the site stay taken.
pub fn assign(site: &Site, locked: &BTreeMap<String, Slot>) -> BTreeMap<String, Slot> {
    // One bit per slot, for the lists in use only (the lock's list numbers
    // are bounded when it is read).
    let mut taken: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    let mut load: BTreeMap<usize, usize> = BTreeMap::new();
    let fresh = || vec![0u64; LIST_SIZE / 64];
    for slot in locked.values() {
        let bits = taken.entry(slot.list).or_insert_with(fresh);
        if let Some(word) = bits.get_mut(slot.index / 64) {
            *word |= 1 << (slot.index % 64);
        }
        *load.entry(slot.list).or_default() += 1;
    }
    // The lock's ids in a hash set: one lookup per award of the site, where
    // the B-tree compared a dozen ids each (10 ms at 20,000 awards, on
    // every rebuild of `serve`).
    let locked_ids: HashSet<&str> = locked.keys().map(String::as_str).collect();
    let mut new: Vec<(time::OffsetDateTime, &str)> = site
        .awards()
        .filter(|(_, a)| !locked_ids.contains(a.id.as_str()))
        .map(|(_, a)| (a.issued, a.id.as_str()))
        .collect();
    new.sort();
    // Awards of the lock keep their slots. The lock holds only awards of
    // the site (`lock::check` reports the others before slots are
    // assigned), so that is a copy of it, not a map made anew; the ids are
    // looked up only when the counts say it holds others.
    let mut slots = locked.clone();
    if site.award_count() - new.len() != locked.len() {
        let site_ids: HashSet<&str> = site.awards().map(|(_, a)| a.id.as_str()).collect();
        slots.retain(|id, _| site_ids.contains(id.as_str()));
    }
    let mut list = load.keys().max().copied().unwrap_or(1);
    for (_, id) in new {
        if load.get(&list).copied().unwrap_or(0) >= LIST_LOAD {
            list += 1;
        }
        let bits = taken.entry(list).or_insert_with(fresh);
        let is_free = |i: usize| bits[i / 64] & (1 << (i % 64)) == 0;
        // At most half of a list is ever taken, so a free slot is found
        // after two attempts on average.
        let index = (0u32..)
            .map(|attempt| candidate(id, attempt))
            .find(|&i| is_free(i))
            .unwrap_or_default();
        bits[index / 64] |= 1 << (index % 64);
        *load.entry(list).or_default() += 1;
        slots.insert(id.to_string(), Slot { list, index });
    }
    slots
}

fn candidate(id: &str, attempt: u32) -> usize {
    let digest = Sha256::new()
        .chain_update(b"rosette/status-index/v1\0")
        .chain_update(id.as_bytes())
        .chain_update(attempt.to_be_bytes())
        .finalize();
    let n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    n as usize % LIST_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::Award;

    fn site(awards: impl Iterator<Item = (String, time::OffsetDateTime)>) -> Site {
        Site::for_tests(
            awards
                .map(|(id, issued)| Award::for_tests(&id, issued))
                .collect(),
        )
    }

    fn day(n: usize) -> time::OffsetDateTime {
        time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(n as i64)
    }

    /// Slots survive later awards; a full list spills into the next one;
    /// no two awards share a slot.
    #[test]
    fn slots_are_permanent_unique_and_spill_into_new_lists() {
        let none = BTreeMap::new();
        let first = assign(&site((0..1000).map(|i| (format!("a{i}"), day(i)))), &none);
        let total = LIST_LOAD + 10;
        let later = assign(&site((0..total).map(|i| (format!("a{i}"), day(i)))), &none);
        for (id, slot) in &first {
            assert_eq!(later[id], *slot, "{id} moved");
        }
        let mut seen = std::collections::HashSet::new();
        for slot in later.values() {
            assert!(seen.insert(*slot), "two awards share {slot:?}");
            assert!(slot.index < LIST_SIZE);
        }
        assert_eq!(later.values().filter(|s| s.list == 2).count(), 10);
        assert_eq!(later[&format!("a{}", total - 1)].list, 2);
        // Indexes follow the id's hash, not the award's position.
        let positions: Vec<usize> = (0..20).map(|i| first[&format!("a{i}")].index).collect();
        assert!(positions.windows(2).any(|w| w[0] > w[1]), "{positions:?}");
    }

    /// A backdated award added later must not take a published award's
    /// slot: recorded slots win, whatever the new award's date.
    #[test]
    fn locked_slots_never_move() {
        let ids: Vec<String> = (0..3000).map(|i| format!("award-{i}")).collect();
        let published = assign(
            &site(ids.iter().map(|id| (id.clone(), day(100)))),
            &BTreeMap::new(),
        );
        // New awards issued *earlier* than every published one, colliding with some.
        let all = ids
            .iter()
            .map(|id| (id.clone(), day(100)))
            .chain((0..3000).map(|i| (format!("old-{i}"), day(1))));
        let later = assign(&site(all), &published);
        for (id, slot) in &published {
            assert_eq!(later[id], *slot, "{id} moved");
        }
        let mut seen = std::collections::HashSet::new();
        assert!(
            later.values().all(|slot| seen.insert(*slot)),
            "two awards share a slot"
        );
        // Without the record, the same backdated awards would displace some.
        let unlocked = assign(
            &site(
                ids.iter()
                    .map(|id| (id.clone(), day(100)))
                    .chain((0..3000).map(|i| (format!("old-{i}"), day(1)))),
            ),
            &BTreeMap::new(),
        );
        assert!(published.iter().any(|(id, slot)| unlocked[id] != *slot));
    }

    #[test]
    fn candidates_are_spread_and_stable() {
        let a = candidate("k7q2m9x4", 0);
        assert_eq!(a, candidate("k7q2m9x4", 0));
        assert_ne!(a, candidate("k7q2m9x4", 1));
        assert_ne!(a, candidate("k7q2m9x5", 0));
        assert!(a < LIST_SIZE);
    }
}
