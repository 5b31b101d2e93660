//! Revocation through the W3C Bitstring Status List (standards.md §4.2).
//!
//! Every credential carries one `BitstringStatusListEntry` pointing at a
//! signed `BitstringStatusListCredential` (`status/revocation.json`, then
//! `status/revocation-2.json`, … when a list fills). Revoking an award flips
//! one bit and re-signs only the list: the credential's own bytes never
//! change. Which award has which bit is decided by `repo::slots`.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::Value;

use super::contexts;
use crate::layout::Urls;
use crate::model::{LIST_SIZE, Site, Slot};

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

    /// Decodes an `encodedList` of at most 64 MiB of bits.
    pub fn decode(encoded: &str) -> Result<Bitstring, String> {
        Self::decode_bounded(encoded, 64 * 1024 * 1024)
    }

    /// Decodes an `encodedList`, refusing one that expands beyond
    /// `max_bytes` (a "zip bomb" costs nothing to publish).
    pub fn decode_bounded(encoded: &str, max_bytes: u64) -> Result<Bitstring, String> {
        let body = encoded
            .strip_prefix('u')
            .ok_or("encodedList is not multibase base64url (`u…`)")?;
        let gz = URL_SAFE_NO_PAD
            .decode(body.trim_end_matches('='))
            .map_err(|e| format!("encodedList is not base64url: {e}"))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .take(max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("encodedList is not GZIP: {e}"))?;
        if bytes.len() as u64 > max_bytes {
            return Err(format!(
                "encodedList expands to more than {max_bytes} bytes"
            ));
        }
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

pub fn entry(urls: Urls<'_>, slot: Slot) -> Entry {
    let list = urls.status_list(slot.list);
    Entry {
        id: format!("{list}#{}", slot.index),
        kind: "BitstringStatusListEntry",
        status_purpose: "revocation",
        status_list_index: slot.index.to_string(),
        status_list_credential: list,
    }
}

/// The unsigned list credentials of a site: (list number, JSON). Lists 1 to
/// the highest list in use are published.
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
            let url = Urls::new(&site.base_url).status_list(i + 1);
            let list = serde_json::json!({
                "@context": [contexts::VC_V2],
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
}
