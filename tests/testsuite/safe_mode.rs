//! JSON-LD safe mode: undefined terms and relative IRIs are errors that name the term.

use crate::canon_support::*;
use ed25519_dalek::SigningKey;
use rosette::credential::canon::CanonError;
use rosette::credential::integrity::{self, IntegrityError};
use serde_json::{Value, json};

/// Appendix A credential without its proof.
fn base() -> Value {
    split_proof(&json("appendix-a/credential.json")).0
}

fn options() -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-06-01T00:00:00Z",
        "verificationMethod": "did:web:example.github.io:badges#key-1",
        "proofPurpose": "assertionMethod"
    })
}

#[test]
fn base_credential_is_accepted() {
    canon()
        .canonicalize(&base())
        .expect("Appendix A shape is safe");
}

#[test]
fn unknown_issuer_property_is_rejected() {
    let mut doc = base();
    doc["issuer"]["bogus"] = json!("x");
    let err = canon().canonicalize(&doc).unwrap_err();
    match &err {
        CanonError::UndefinedTerm { term, path } => {
            assert_eq!(term, "bogus");
            assert_eq!(path.as_deref(), Some("$.issuer.bogus"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().contains("`bogus`") && err.to_string().contains("$.issuer.bogus"),
        "{err}"
    );
}

#[test]
fn unknown_top_level_property_is_rejected() {
    let mut doc = base();
    doc["colour"] = json!("blue");
    assert!(matches!(
        canon().canonicalize(&doc),
        Err(CanonError::UndefinedTerm { term, .. }) if term == "colour"
    ));
}

#[test]
fn credential_schema_type_without_extensions_context_is_rejected() {
    let mut doc = base();
    doc["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ]);
    let err = canon().canonicalize(&doc).unwrap_err();
    match &err {
        CanonError::RelativeIri { iri, path } => {
            assert_eq!(iri, "1EdTechJsonSchemaValidator2019");
            assert_eq!(path.as_deref(), Some("$.credentialSchema[0].type"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().contains("1EdTechJsonSchemaValidator2019"),
        "{err}"
    );
}

#[test]
fn revocation_list_type_without_extensions_context_is_rejected() {
    let mut doc = base();
    doc["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    ]);
    doc.as_object_mut().unwrap().remove("credentialSchema");
    doc["credentialStatus"] =
        json!({"id": "https://example.org/rl#1", "type": "1EdTechRevocationList"});
    assert!(matches!(
        canon().canonicalize(&doc),
        Err(CanonError::RelativeIri { iri, .. }) if iri == "1EdTechRevocationList"
    ));
}

#[test]
fn issuer_email_without_profile_type_is_rejected() {
    let mut doc = base();
    doc["issuer"].as_object_mut().unwrap().remove("type");
    doc["issuer"].as_object_mut().unwrap().remove("image"); // keep `email` the first offender
    let err = canon().canonicalize(&doc).unwrap_err();
    match &err {
        CanonError::UndefinedTerm { term, path } => {
            assert_eq!(term, "email");
            assert_eq!(path.as_deref(), Some("$.issuer.email"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn relative_id_is_rejected() {
    let mut doc = base();
    doc["evidence"][0]["id"] = json!("pull/42");
    let err = canon().canonicalize(&doc).unwrap_err();
    assert!(
        matches!(&err, CanonError::RelativeIri { iri, path } if iri == "pull/42" && path.as_deref() == Some("$.evidence[0].id")),
        "{err:?}"
    );
}

#[test]
fn relative_id_valued_reference_is_rejected() {
    let mut doc = base();
    doc["issuer"]["image"] = json!("logo.png"); // `image` is "@type": "@id"
    assert!(matches!(
        canon().canonicalize(&doc),
        Err(CanonError::RelativeIri { iri, .. }) if iri == "logo.png"
    ));
}

#[test]
fn unbundled_context_is_an_error_not_a_fetch() {
    let mut doc = base();
    doc["@context"] = json!([
        "https://www.w3.org/ns/credentials/v2",
        "https://example.org/other.jsonld"
    ]);
    assert!(matches!(
        canon().canonicalize(&doc),
        Err(CanonError::ContextNotBundled { url }) if url == "https://example.org/other.jsonld"
    ));
}

#[test]
fn sign_surfaces_safe_mode_errors() {
    let mut doc = base();
    doc["issuer"]["bogus"] = json!("x");
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let err = integrity::sign(&canon(), &doc, &options(), &key).unwrap_err();
    assert!(
        matches!(err, IntegrityError::Canon(CanonError::UndefinedTerm { .. })),
        "{err:?}"
    );
}

#[test]
fn proof_options_are_validated() {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let c = canon();
    let mut bad = options();
    bad["cryptosuite"] = json!("eddsa-jcs-2022");
    assert!(matches!(
        integrity::sign(&c, &base(), &bad, &key),
        Err(IntegrityError::InvalidProofConfig(_))
    ));
    let mut bad = options();
    bad["created"] = json!("yesterday");
    assert!(matches!(
        integrity::sign(&c, &base(), &bad, &key),
        Err(IntegrityError::InvalidProofConfig(_))
    ));
    let mut bad = options();
    bad["proofValue"] = json!("z1");
    assert!(matches!(
        integrity::sign(&c, &base(), &bad, &key),
        Err(IntegrityError::InvalidProofConfig(_))
    ));
    // An undefined term inside the proof options is caught too.
    let mut bad = options();
    bad["bogusOption"] = json!("x");
    assert!(matches!(
        integrity::sign(&c, &base(), &bad, &key),
        Err(IntegrityError::Canon(CanonError::UndefinedTerm { term, .. })) if term == "bogusOption"
    ));
}

#[test]
fn verify_rejects_wrong_key_and_malformed_proofs() {
    let c = canon();
    let signed = json("appendix-a/credential.json");
    let other = SigningKey::from_bytes(&[9u8; 32]).verifying_key();
    assert!(matches!(
        integrity::verify(&c, &signed, &other),
        Err(IntegrityError::BadSignature)
    ));

    let v = json("appendix-a/values.json");
    let public =
        integrity::decode_public_multikey(v["publicKeyMultibase"].as_str().unwrap()).unwrap();
    let mut no_proof = signed.clone();
    no_proof.as_object_mut().unwrap().remove("proof");
    assert!(matches!(
        integrity::verify(&c, &no_proof, &public),
        Err(IntegrityError::MissingProof)
    ));
    let mut bad_value = signed.clone();
    bad_value["proof"][0]["proofValue"] = json!("uAAAA");
    assert!(matches!(
        integrity::verify(&c, &bad_value, &public),
        Err(IntegrityError::InvalidProofValue(_))
    ));
    let mut two = signed.clone();
    let p = two["proof"][0].clone();
    two["proof"].as_array_mut().unwrap().push(p);
    assert!(matches!(
        integrity::verify(&c, &two, &public),
        Err(IntegrityError::MultipleProofs(2))
    ));
}

#[test]
fn multikey_prefixes_are_checked() {
    let v = json("appendix-a/values.json");
    let public = v["publicKeyMultibase"].as_str().unwrap();
    let secret = v["secretKeyMultibase"].as_str().unwrap();
    assert!(public.starts_with("z6Mk") && secret.starts_with("z3u2"));
    assert!(integrity::decode_secret_multikey(public).is_err());
    assert!(integrity::decode_public_multikey(secret).is_err());
    assert!(integrity::decode_public_multikey(&public[1..]).is_err());
}
