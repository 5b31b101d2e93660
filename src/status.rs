//! Revocation through the W3C Bitstring Status List (standards.md §4.2).
//!
//! Every credential carries one `BitstringStatusListEntry` pointing at a
//! signed `BitstringStatusListCredential` (`status/revocation.json`, then
//! `status/revocation-2.json`, … when a list fills). Revoking an award flips
//! one bit and re-signs only the list: the credential's own bytes never change.
//!
//! Index assignment is permanent and not guessable from an award's position
//! in the files: the index is derived from a hash of the award id, and a
//! collision probes onward (hash of id and attempt number). Awards claim
//! slots in order of issue date, then id, and a list takes at most half its
//! capacity, so awards added later (issued later) never move an earlier
//! award's slot. Only an award added with an *earlier* issue date than an
//! existing award that it collides with could take that award's slot; the
//! chance is tiny (at most half the slots are ever used) and documented.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::canon::Canonicalize;
use crate::model::Site;
use crate::verify::{Resolver, resolve_key};

/// Entries per list: 131,072 = 16 KiB, the minimum verifiers accept.
pub const LIST_SIZE: usize = 131_072;
/// Awards per list before the next list starts (load factor ½).
pub const LIST_LOAD: usize = LIST_SIZE / 2;

/// Where an award's status lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// 1-based list number.
    pub list: usize,
    pub index: usize,
}

/// Path of a list relative to the site root.
pub fn list_path(list: usize) -> String {
    if list == 1 {
        "status/revocation.json".to_string()
    } else {
        format!("status/revocation-{list}.json")
    }
}

/// Assigns every award of the site its slot. Awards recorded in
/// `rosette.lock` (`locked`) keep theirs, forever; new awards claim free
/// slots in order of issue date, then id, in the newest list that is less
/// than half full, else in a new list. Slots of locked awards that are no
/// longer in the site stay taken.
pub fn assign(site: &Site, locked: &BTreeMap<String, Slot>) -> BTreeMap<String, Slot> {
    let mut taken: BTreeMap<usize, Vec<bool>> = BTreeMap::new();
    let mut load: BTreeMap<usize, usize> = BTreeMap::new();
    for slot in locked.values() {
        let bits = taken
            .entry(slot.list)
            .or_insert_with(|| vec![false; LIST_SIZE]);
        if let Some(bit) = bits.get_mut(slot.index) {
            *bit = true;
        }
        *load.entry(slot.list).or_default() += 1;
    }
    let mut new: Vec<(time::OffsetDateTime, &str)> = site
        .awards()
        .filter(|(_, a)| !locked.contains_key(&a.id))
        .map(|(_, a)| (a.issued, a.id.as_str()))
        .collect();
    new.sort();
    let mut slots: BTreeMap<String, Slot> = site
        .awards()
        .filter_map(|(_, a)| locked.get(&a.id).map(|slot| (a.id.clone(), *slot)))
        .collect();
    let mut list = load.keys().max().copied().unwrap_or(1);
    for (_, id) in new {
        if load.get(&list).copied().unwrap_or(0) >= LIST_LOAD {
            list += 1;
        }
        let bits = taken.entry(list).or_insert_with(|| vec![false; LIST_SIZE]);
        let index = (0u32..)
            .map(|attempt| candidate(id, attempt))
            .find(|&i| !bits[i])
            .unwrap_or_default();
        bits[index] = true;
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

/// The bitstring: index 0 is the most significant bit of byte 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    pub fn new(entries: usize) -> Self {
        Bitstring {
            bytes: vec![0; entries.div_ceil(8)],
        }
    }

    pub fn set(&mut self, index: usize) {
        if let Some(byte) = self.bytes.get_mut(index / 8) {
            *byte |= 0x80 >> (index % 8);
        }
    }

    pub fn get(&self, index: usize) -> Option<bool> {
        self.bytes
            .get(index / 8)
            .map(|byte| byte & (0x80 >> (index % 8)) != 0)
    }

    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// `u` + base64url (no padding) of the GZIP-compressed bits. The gzip
    /// header has no timestamp, so the encoding is deterministic.
    pub fn encode(&self) -> String {
        let mut encoder = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        let _ = encoder.write_all(&self.bytes);
        let gz = encoder.finish().unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(gz))
    }

    pub fn decode(encoded: &str) -> Result<Bitstring, String> {
        let body = encoded
            .strip_prefix('u')
            .ok_or("encodedList is not multibase base64url (`u…`)")?;
        let gz = URL_SAFE_NO_PAD
            .decode(body.trim_end_matches('='))
            .map_err(|e| format!("encodedList is not base64url: {e}"))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .take(64 * 1024 * 1024)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("encodedList is not GZIP: {e}"))?;
        Ok(Bitstring { bytes })
    }
}

/// A `BitstringStatusListEntry`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status_purpose: &'static str,
    pub status_list_index: String,
    pub status_list_credential: String,
}

pub fn entry(base_url: &str, slot: Slot) -> Entry {
    let list = format!("{base_url}{}", list_path(slot.list));
    Entry {
        id: format!("{list}#{}", slot.index),
        kind: "BitstringStatusListEntry",
        status_purpose: "revocation",
        status_list_index: slot.index.to_string(),
        status_list_credential: list,
    }
}

/// The unsigned list credentials of a site: (list number, JSON, latest date).
pub fn lists(site: &Site, slots: &BTreeMap<String, Slot>, issuer: &str) -> Vec<(usize, Value)> {
    let count = slots.values().map(|s| s.list).max().unwrap_or(1);
    let mut bits = vec![Bitstring::new(LIST_SIZE); count];
    for (_, award) in site.awards() {
        if award.revoked.is_some()
            && let Some(slot) = slots.get(&award.id)
        {
            bits[slot.list - 1].set(slot.index);
        }
    }
    bits.iter()
        .enumerate()
        .map(|(i, bits)| {
            let url = format!("{}{}", site.base_url, list_path(i + 1));
            let list = serde_json::json!({
                "@context": [crate::ob3::VC_V2],
                "id": url,
                "type": ["VerifiableCredential", "BitstringStatusListCredential"],
                "issuer": issuer,
                "credentialSubject": {
                    "id": format!("{url}#list"),
                    "type": "BitstringStatusList",
                    "statusPurpose": "revocation",
                    "encodedList": bits.encode(),
                },
            });
            (i + 1, list)
        })
        .collect()
}

/// Reads the status of a credential: `true` when its bit is set. The list
/// credential's own proof must verify, by a key of the same issuer.
pub fn is_revoked(
    canon: &dyn Canonicalize,
    entry: &Value,
    issuer: &str,
    resolver: &Resolver,
) -> Result<bool, String> {
    let field = |name: &str| entry.get(name).and_then(Value::as_str);
    if field("type") != Some("BitstringStatusListEntry") {
        return Err(format!(
            "unsupported credentialStatus type {:?}",
            field("type").unwrap_or("(none)")
        ));
    }
    if field("statusPurpose") != Some("revocation") {
        return Ok(false);
    }
    let index: usize = field("statusListIndex")
        .and_then(|i| i.parse().ok())
        .ok_or("credentialStatus has no valid statusListIndex")?;
    let url =
        field("statusListCredential").ok_or("credentialStatus has no statusListCredential")?;
    let list = resolver.fetch_json(url)?;
    let list_issuer = match list.get("issuer") {
        Some(Value::String(id)) => id.as_str(),
        Some(Value::Object(p)) => p.get("id").and_then(Value::as_str).unwrap_or_default(),
        _ => "",
    };
    if list_issuer != issuer {
        return Err(format!(
            "the status list {url} is issued by `{list_issuer}`, not by the credential's issuer"
        ));
    }
    let vm = list
        .get("proof")
        .and_then(|p| p.as_array().and_then(|a| a.first()).or(Some(p)))
        .and_then(|p| p.get("verificationMethod"))
        .and_then(Value::as_str)
        .ok_or(format!("the status list {url} is not signed"))?;
    let key = resolve_key(vm, issuer, resolver)?;
    crate::integrity::verify(canon, &list, &key)
        .map_err(|e| format!("the status list {url} does not verify: {e}"))?;
    let subject = list
        .get("credentialSubject")
        .ok_or("the status list has no credentialSubject")?;
    if subject.get("statusPurpose").and_then(Value::as_str) != Some("revocation") {
        return Err(format!("the status list {url} is not a revocation list"));
    }
    let bits = Bitstring::decode(
        subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or("the status list has no encodedList")?,
    )?;
    if bits.len() < LIST_SIZE {
        return Err(format!(
            "the status list {url} has fewer than {LIST_SIZE} entries"
        ));
    }
    bits.get(index)
        .ok_or(format!("statusListIndex {index} is outside the list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Bitstring Status List example: 16 KiB of zeros.
    #[test]
    fn decodes_the_spec_example() {
        let bits = Bitstring::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        )
        .unwrap();
        assert_eq!(bits.len(), LIST_SIZE);
        assert!((0..LIST_SIZE).all(|i| bits.get(i) == Some(false)));
    }

    #[test]
    fn bit_zero_is_the_most_significant_bit_of_byte_zero() {
        let mut bits = Bitstring::new(16);
        bits.set(0);
        bits.set(9);
        assert_eq!(bits.bytes, vec![0b1000_0000, 0b0100_0000]);
        assert_eq!(bits.get(9), Some(true));
        assert_eq!(bits.get(8), Some(false));
        assert_eq!(bits.get(16), None);
    }

    #[test]
    fn encoding_round_trips_and_is_deterministic() {
        let mut bits = Bitstring::new(LIST_SIZE);
        for i in [0, 7, 4711, LIST_SIZE - 1] {
            bits.set(i);
        }
        let encoded = bits.encode();
        assert!(encoded.starts_with("uH4sI"));
        assert_eq!(encoded, bits.encode());
        assert_eq!(Bitstring::decode(&encoded).unwrap(), bits);
        assert!(Bitstring::decode("xyz").is_err());
        assert!(Bitstring::decode("uAAAA").is_err());
    }

    fn site(awards: impl Iterator<Item = (String, time::OffsetDateTime)>) -> Site {
        use crate::model::*;
        let awards = awards
            .map(|(id, issued)| Award {
                id,
                recipient: Recipient {
                    identity: Identity::Did("did:key:z6Mk".into()),
                    name: None,
                },
                issued,
                expires: None,
                narrative: None,
                evidence: Vec::new(),
                revoked: None,
                file: "badges/b.toml".into(),
            })
            .collect();
        Site {
            base_url: "https://example.org/".into(),
            title: "t".into(),
            language: "en".into(),
            theme: "default".into(),
            recipients: RecipientPolicy::Any,
            issuer: Issuer {
                name: "i".into(),
                url: "https://example.org/".into(),
                email: "a@example.org".into(),
                description: None,
                image: None,
            },
            keys: Vec::new(),
            pages: Vec::new(),
            badges: vec![Badge {
                slug: "b".into(),
                name: "b".into(),
                description: "d".into(),
                criteria: "c".into(),
                image: BadgeImage {
                    source: "b.svg".into(),
                    extension: "svg",
                },
                image_alt: "a".into(),
                achievement_type: None,
                tags: Vec::new(),
                valid_for: None,
                alignments: Vec::new(),
                awards,
                file: "badges/b.toml".into(),
            }],
            static_files: Vec::new(),
            root: ".".into(),
            status_slots: BTreeMap::new(),
            lock_update: None,
        }
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
        assert_eq!(list_path(2), "status/revocation-2.json");
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
