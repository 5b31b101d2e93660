//! Reading a credential's revocation status from its issuer's signed
//! Bitstring Status List (standards.md §4.2).
//!
//! A list is checked in order of cost: its size and shape first, then its
//! signature (the only step that canonicalises), then its bits. Each list is
//! fetched and verified once per run, however many credentials point at it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::did::resolve_key;
use super::resolver::Resolver;
use crate::credential::canon::Canonicalize;
use crate::credential::integrity;
use crate::credential::status::Bitstring;
use crate::model::LIST_SIZE;

/// The largest status list document read, in bytes (a full list of 131,072
/// entries is about 22 KB even with random bits).
pub const MAX_LIST_DOCUMENT: u64 = 4 << 20;
/// The most bits a list may expand to (128 Mi entries).
pub const MAX_LIST_BYTES: u64 = 16 << 20;

/// A verified list.
struct List {
    issuer: String,
    bits: Bitstring,
}

/// The status lists of a verification run, each verified once.
pub struct StatusLists<'c> {
    canon: &'c dyn Canonicalize,
    verified: Mutex<HashMap<String, Result<Arc<List>, String>>>,
}

impl<'c> StatusLists<'c> {
    pub fn new(canon: &'c dyn Canonicalize) -> Self {
        StatusLists {
            canon,
            verified: Mutex::new(HashMap::new()),
        }
    }

    /// Reads the status of a credential: `true` when its bit is set. The
    /// list's own proof must verify, by a key of the credential's issuer.
    pub fn is_revoked(
        &self,
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
            .filter(|i| i.len() <= 12)
            .and_then(|i| i.parse().ok())
            .ok_or("credentialStatus has no valid statusListIndex")?;
        let url =
            field("statusListCredential").ok_or("credentialStatus has no statusListCredential")?;
        let list = self.list(url, resolver)?;
        if list.issuer != issuer {
            return Err(format!(
                "the status list {url} is issued by `{}`, not by the credential's issuer",
                list.issuer
            ));
        }
        list.bits
            .get(index)
            .ok_or(format!("statusListIndex {index} is outside the list"))
    }

    fn list(&self, url: &str, resolver: &Resolver) -> Result<Arc<List>, String> {
        let key = match &resolver.site {
            Some((dir, base)) => format!("{}\0{base}\0{url}", dir.display()),
            None => url.to_string(),
        };
        if let Some(known) = self.lock().get(&key) {
            return known.clone();
        }
        let result = self.verify_list(url, resolver).map(Arc::new);
        self.lock().insert(key, result.clone());
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Result<Arc<List>, String>>> {
        self.verified
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn verify_list(&self, url: &str, resolver: &Resolver) -> Result<List, String> {
        let bytes = resolver.fetch_limited(url, MAX_LIST_DOCUMENT)?;
        let list: Value =
            serde_json::from_slice(&bytes).map_err(|e| format!("{url} is not JSON: {e}"))?;
        let not = |what: &str| format!("the status list {url} {what}");
        let types = list.get("type").and_then(Value::as_array);
        if !types.is_some_and(|t| t.iter().any(|t| t == "BitstringStatusListCredential")) {
            return Err(not("is not a BitstringStatusListCredential"));
        }
        let subject = list
            .get("credentialSubject")
            .and_then(Value::as_object)
            .ok_or_else(|| not("has no credentialSubject object"))?;
        if subject.get("type").and_then(Value::as_str) != Some("BitstringStatusList") {
            return Err(not("has no BitstringStatusList subject"));
        }
        if subject.get("statusPurpose").and_then(Value::as_str) != Some("revocation") {
            return Err(not("is not a revocation list"));
        }
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| not("has no encodedList"))?;
        let issuer = match list.get("issuer") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Object(p)) => p
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => return Err(not("has no issuer")),
        };
        let proof = match list.get("proof") {
            Some(Value::Array(proofs)) if proofs.len() == 1 => &proofs[0],
            Some(proof @ Value::Object(_)) => proof,
            _ => return Err(not("is not signed with exactly one proof")),
        };
        let vm = proof
            .get("verificationMethod")
            .and_then(Value::as_str)
            .ok_or_else(|| not("is not signed"))?;
        let key = resolve_key(vm, &issuer, resolver)?;
        integrity::verify(self.canon, &list, &key)
            .map_err(|e| format!("the status list {url} does not verify: {e}"))?;
        let bits = Bitstring::decode_bounded(encoded, MAX_LIST_BYTES)?;
        if bits.len() < LIST_SIZE {
            return Err(not(&format!("has fewer than {LIST_SIZE} entries")));
        }
        Ok(List { issuer, bits })
    }
}
