//! Byte-for-byte reproduction of published eddsa-rdfc-2022 vectors (see tests/vectors/SOURCES.md).

use crate::canon_support::*;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rosette::credential::canon::Canonicalizer;
use rosette::credential::integrity::{self, IntegrityError};
use serde_json::Value;

/// Runs the full check for one vector: canonical proof config and document, both hashes,
/// the signature / proofValue produced by `sign`, and `verify` (plus a tamper check).
fn check_vector(
    canon: &Canonicalizer,
    signed: &Value,
    key: &SigningKey,
    proof_canon: &str,
    doc_canon: &str,
    proof_hash: [u8; 32],
    doc_hash: [u8; 32],
) {
    let (unsigned, options) = split_proof(signed);

    let got_proof_canon = integrity::canonical_proof_config(canon, &unsigned, &options).unwrap();
    assert_eq!(got_proof_canon, proof_canon, "canonical proof config");
    let got_doc_canon = canon.canonicalize(&unsigned).unwrap();
    assert_eq!(got_doc_canon, doc_canon, "canonical document");

    let hashes = integrity::hash_data(canon, &unsigned, &options).unwrap();
    assert_eq!(
        hex::encode(hashes.proof_hash),
        hex::encode(proof_hash),
        "proof hash"
    );
    assert_eq!(
        hex::encode(hashes.document_hash),
        hex::encode(doc_hash),
        "document hash"
    );

    let proof = integrity::sign(canon, &unsigned, &Value::Object(options.clone()), key).unwrap();
    assert_eq!(
        proof["proofValue"].as_str().unwrap(),
        proof_value(signed),
        "proofValue"
    );

    integrity::verify(canon, signed, &key.verifying_key()).expect("published vector verifies");

    let mut tampered = signed.clone();
    tampered["validFrom"] = Value::from("2030-01-01T00:00:00Z");
    assert!(matches!(
        integrity::verify(canon, &tampered, &key.verifying_key()),
        Err(IntegrityError::BadSignature)
    ));
}

#[test]
fn w3c_vc_di_eddsa_rdfc_2022_vector() {
    let canon = canon_with_examples();
    let keys = json("w3c-eddsa-rdfc-2022/keyPair.json");
    let key =
        integrity::decode_secret_multikey(keys["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let public =
        integrity::decode_public_multikey(keys["publicKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(
        key.verifying_key(),
        public,
        "secret and public Multikeys match"
    );
    assert_eq!(
        integrity::encode_public_multikey(&public),
        keys["publicKeyMultibase"]
    );
    assert_eq!(
        integrity::encode_secret_multikey(&key),
        keys["privateKeyMultibase"]
    );

    let combined = read("w3c-eddsa-rdfc-2022/combinedHashDataInt.txt");
    let combined = combined.trim();
    check_vector(
        &canon,
        &json("w3c-eddsa-rdfc-2022/signedDataInt.json"),
        &key,
        &read("w3c-eddsa-rdfc-2022/proofCanonDataInt.txt"),
        &read("w3c-eddsa-rdfc-2022/canonDocDataInt.txt"),
        hex32(&combined[..64]),
        hex32(&combined[64..]),
    );
}

#[test]
fn w3c_vector_needs_examples_context_offline() {
    // Without the test-only examples context, the loader refuses (never fetches).
    let (unsigned, _) = split_proof(&json("w3c-eddsa-rdfc-2022/signedDataInt.json"));
    let err = canon().canonicalize(&unsigned).unwrap_err();
    assert!(
        err.to_string()
            .contains("https://www.w3.org/ns/credentials/examples/v2"),
        "{err}"
    );
}

#[test]
fn onedtech_ob_v3p0_vector() {
    let canon = canon();
    let v = json("ob-v3p0/values.json");
    let key = SigningKey::from_bytes(&hex32(v["seedHex"].as_str().unwrap()));
    let public = VerifyingKey::from_bytes(&hex32(v["publicKeyHex"].as_str().unwrap())).unwrap();
    assert_eq!(key.verifying_key(), public);
    assert_eq!(
        integrity::encode_public_multikey(&public),
        v["publicKeyMultibase"]
    );

    let signed = json("ob-v3p0/signed-credential.json");
    let sig = bs58::decode(&proof_value(&signed)[1..]).into_vec().unwrap();
    assert_eq!(
        hex::encode(sig),
        v["signatureHex"].as_str().unwrap(),
        "signature hex"
    );
    check_vector(
        &canon,
        &signed,
        &key,
        &read("ob-v3p0/proof-canon.txt"),
        &read("ob-v3p0/document-canon.txt"),
        hex32(v["proofHash"].as_str().unwrap()),
        hex32(v["documentHash"].as_str().unwrap()),
    );
}

#[test]
fn appendix_a_credential_and_status_list() {
    let canon = canon();
    let v = json("appendix-a/values.json");
    let key = SigningKey::from_bytes(&hex32(v["seedHex"].as_str().unwrap()));
    assert_eq!(
        hex::encode(key.verifying_key().as_bytes()),
        v["publicKeyHex"].as_str().unwrap()
    );
    assert_eq!(
        integrity::encode_public_multikey(&key.verifying_key()),
        v["publicKeyMultibase"]
    );
    assert_eq!(
        integrity::encode_secret_multikey(&key),
        v["secretKeyMultibase"]
    );

    let signed = json("appendix-a/credential.json");
    let sig = bs58::decode(&proof_value(&signed)[1..]).into_vec().unwrap();
    assert_eq!(
        hex::encode(sig),
        v["signatureHex"].as_str().unwrap(),
        "signature hex"
    );
    check_vector(
        &canon,
        &signed,
        &key,
        &read("appendix-a/proof-canon.txt"),
        &read("appendix-a/document-canon.txt"),
        hex32(v["proofHash"].as_str().unwrap()),
        hex32(v["documentHash"].as_str().unwrap()),
    );

    // The status list credential: same proof options, its own document hash.
    let status = json("appendix-a/status-list.json");
    let (unsigned, options) = split_proof(&status);
    let hashes = integrity::hash_data(&canon, &unsigned, &options).unwrap();
    assert_eq!(
        hex::encode(hashes.proof_hash),
        v["proofHash"].as_str().unwrap()
    );
    assert_eq!(
        hex::encode(hashes.document_hash),
        v["statusListDocumentHash"].as_str().unwrap()
    );
    integrity::verify(&canon, &status, &key.verifying_key()).expect("status list verifies");
    let proof = integrity::sign(&canon, &unsigned, &Value::Object(options), &key).unwrap();
    assert_eq!(proof["proofValue"].as_str().unwrap(), proof_value(&status));
}

#[test]
fn canonicalizer_is_shareable_across_threads() {
    let canon = std::sync::Arc::new(canon());
    let signed = json("appendix-a/credential.json");
    let (unsigned, _) = split_proof(&signed);
    let expected = read("appendix-a/document-canon.txt");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let canon = canon.clone();
            let doc = unsigned.clone();
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| canon.canonicalize(&doc).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for got in h.join().unwrap() {
            assert_eq!(got, expected);
        }
    }
}
