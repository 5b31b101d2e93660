//! The issuer's `did:web` identifier and DID document (did:web method spec,
//! "Read (Resolve)"; standards.md §3.6).
//!
//! `https://host/` → `did:web:host`, published at `.well-known/did.json`;
//! `https://host/a/b/` → `did:web:host:a:b`, published at `a/b/did.json`
//! relative to the host, which is `did.json` relative to the site root.
//! A port is percent-encoded (`host%3A8443`).

use serde::Serialize;

use super::contexts;
use crate::model::Key;

/// The issuer's DID (its document's path is `layout::did_document`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidWeb {
    pub did: String,
}

impl DidWeb {
    /// Derives the DID from a validated `base_url` (absolute, ends with `/`).
    pub fn from_base_url(base_url: &str) -> Result<DidWeb, String> {
        let url = url::Url::parse(base_url).map_err(|e| e.to_string())?;
        let host = url.host_str().ok_or("base_url has no host")?;
        let mut did = format!("did:web:{host}");
        if let Some(port) = url.port() {
            did.push_str(&format!("%3A{port}"));
        }
        for segment in url.path().split('/').filter(|s| !s.is_empty()) {
            did.push(':');
            did.push_str(&segment.replace(':', "%3A"));
        }
        Ok(DidWeb { did })
    }

    /// The DID URL of a key: `<did>#<key id>`.
    pub fn key_url(&self, key_id: &str) -> String {
        format!("{}#{key_id}", self.did)
    }
}

/// The largest DID document the Digital Bazaar did:web resolver (inside the
/// Learner Credential Wallet and VerifierPlus) accepts, in bytes.
pub const WALLET_LIMIT: usize = 8192;

/// Maps a did:web DID to the HTTPS URL of its document.
pub fn document_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?;
    if rest.is_empty() || rest.contains(['/', '#', '?']) {
        return None;
    }
    let mut parts = rest.split(':');
    let host = parts.next()?.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<String> = parts
        .map(|p| p.replace("%3A", ":").replace("%3a", ":"))
        .collect();
    if path.is_empty() {
        Some(format!("https://{host}/.well-known/did.json"))
    } else {
        Some(format!("https://{host}/{}/did.json", path.join("/")))
    }
}

/// A DID document listing every key of site.toml, active and retired, as a
/// `Multikey` verification method and in `assertionMethod` by absolute id,
/// so credentials signed by a retired key keep verifying.
#[derive(Debug, Serialize)]
pub struct DidDocument {
    #[serde(rename = "@context")]
    pub context: [&'static str; 2],
    pub id: String,
    #[serde(rename = "verificationMethod")]
    pub verification_method: Vec<VerificationMethod>,
    #[serde(rename = "assertionMethod")]
    pub assertion_method: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct VerificationMethod {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub controller: String,
    #[serde(rename = "publicKeyMultibase")]
    pub public_key_multibase: String,
}

impl DidDocument {
    pub fn new(did: &DidWeb, keys: &[Key]) -> DidDocument {
        DidDocument {
            context: contexts::DID_DOCUMENT,
            id: did.did.clone(),
            verification_method: keys
                .iter()
                .map(|k| VerificationMethod {
                    id: did.key_url(&k.id),
                    kind: "Multikey",
                    controller: did.did.clone(),
                    public_key_multibase: k.public_multikey.clone(),
                })
                .collect(),
            assertion_method: keys.iter().map(|k| did.key_url(&k.id)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_did_web_from_base_urls() {
        let root = DidWeb::from_base_url("https://badges.example.org/").unwrap();
        assert_eq!(root.did, "did:web:badges.example.org");
        let project = DidWeb::from_base_url("https://example.github.io/badges/").unwrap();
        assert_eq!(project.did, "did:web:example.github.io:badges");
        let deep = DidWeb::from_base_url("https://example.com:3000/user/alice/").unwrap();
        assert_eq!(deep.did, "did:web:example.com%3A3000:user:alice");
        assert_eq!(
            deep.key_url("key-1"),
            "did:web:example.com%3A3000:user:alice#key-1"
        );
    }

    /// The examples of the did:web specification, both directions.
    #[test]
    fn maps_dids_to_document_urls() {
        assert_eq!(
            document_url("did:web:w3c-ccg.github.io").unwrap(),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            document_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            document_url("did:web:example.com%3A3000:user:alice").unwrap(),
            "https://example.com:3000/user/alice/did.json"
        );
        assert_eq!(document_url("did:key:z6Mk"), None);
        assert_eq!(document_url("did:web:host/evil"), None);
    }
}
