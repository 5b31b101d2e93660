//! Resolving a proof's verification method to an Ed25519 key, by the W3C
//! Controlled Identifiers rules (standards.md §3.6).

use serde_json::Value;

use super::resolver::Resolver;
use crate::credential::{did, multikey};

/// Resolves a verification method to an Ed25519 public key: the document's
/// id is the DID, the method is in it with that id and controller, it is
/// listed in `assertionMethod`, and its controller is the credential's
/// issuer.
pub fn resolve_key(
    vm: &str,
    issuer: &str,
    resolver: &Resolver,
) -> Result<ed25519_dalek::VerifyingKey, String> {
    resolve_key_with(vm, issuer, &|controller| {
        let url = did::document_url(controller).ok_or(format!(
            "unsupported verification method `{vm}` (did:web and did:key are supported)"
        ))?;
        let document = resolver.fetch_json(&url)?;
        Ok((document, url))
    })
}

/// Finds the DID document of a DID: the document, and how to name it in a
/// report.
pub type FindDocument<'f> = dyn Fn(&str) -> Result<(Value, String), String> + 'f;

/// [`resolve_key`] with the controller's DID document (for a `did:web`
/// DID) found by `document`, which returns it and how to name it in a
/// report. `did:key` needs no document.
pub fn resolve_key_with(
    vm: &str,
    issuer: &str,
    document: &FindDocument<'_>,
) -> Result<ed25519_dalek::VerifyingKey, String> {
    let (controller, _fragment) = vm
        .split_once('#')
        .ok_or(format!("verification method `{vm}` has no fragment"))?;
    if controller != issuer {
        return Err(format!(
            "the signing key's controller `{controller}` is not the issuer `{issuer}`"
        ));
    }
    let public = if let Some(key) = controller.strip_prefix("did:key:") {
        multikey::decode_public(key).map_err(|e| format!("{controller}: {e}"))?
    } else {
        let (document, source) = document(controller)?;
        if document.get("id").and_then(Value::as_str) != Some(controller) {
            return Err(format!(
                "the DID document at {source} is not for {controller}"
            ));
        }
        let method = document
            .get("verificationMethod")
            .and_then(Value::as_array)
            .and_then(|methods| {
                methods
                    .iter()
                    .find(|m| m.get("id").and_then(Value::as_str) == Some(vm))
            })
            .ok_or(format!(
                "key `{vm}` is not in the issuer's DID document ({source})"
            ))?;
        if method.get("controller").and_then(Value::as_str) != Some(controller) {
            return Err(format!("key `{vm}` is not controlled by {controller}"));
        }
        let listed = document
            .get("assertionMethod")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|m| m.as_str() == Some(vm)));
        if !listed {
            return Err(format!(
                "key `{vm}` is not listed in the DID document's assertionMethod ({source})"
            ));
        }
        let multibase = method
            .get("publicKeyMultibase")
            .and_then(Value::as_str)
            .ok_or(format!("key `{vm}` has no publicKeyMultibase"))?;
        multikey::decode_public(multibase).map_err(|e| format!("key `{vm}`: {e}"))?
    };
    ed25519_dalek::VerifyingKey::from_bytes(&public)
        .map_err(|_| format!("key `{vm}` is not a valid Ed25519 key"))
}
