//! Non-ASCII and escape-worthy text survives sign → verify, and the canonical N-Quads are
//! written to `target/interop/` for `interop/compare.mjs` (jsonld.js + rdf-canonize).

use crate::canon_support::*;
use ed25519_dalek::SigningKey;
use rosette::credential::canon::CanonError;
use rosette::credential::integrity;
use serde_json::{Value, json};

pub const NAME: &str = "Café Ünïcødé® — “quotes” ’apostrophe’ 🦀🎓 עברית العربية";
pub const DESCRIPTION: &str = "Line one\nline two, a \"double quote\", a back\\slash, CR\r, ‏RLM‏ and ZWJ 👩‍💻; שלום עולם, مرحبا بالعالم ✓";

fn unicode_doc() -> Value {
    let mut doc = split_proof(&json("appendix-a/credential.json")).0;
    doc["name"] = json!(NAME);
    doc["credentialSubject"]["achievement"]["name"] = json!(NAME);
    doc["credentialSubject"]["achievement"]["description"] = json!(DESCRIPTION);
    doc["issuer"]["name"] = json!("Gülnur’s Badge Guild ®");
    doc
}

#[test]
fn non_ascii_text_round_trips_sign_then_verify() {
    let canon = canon();
    let doc = unicode_doc();
    let key = SigningKey::from_bytes(&hex32(
        json("appendix-a/values.json")["seedHex"].as_str().unwrap(),
    ));
    let options = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-06-01T00:00:00Z",
        "verificationMethod": "did:web:example.github.io:badges#key-1",
        "proofPurpose": "assertionMethod"
    });
    let proof = integrity::sign(&canon, &doc, &options, &key).unwrap();
    let signed = integrity::attach_proof(&doc, proof).unwrap();

    // Through a JSON text round trip, as a verifier would read it.
    let text = serde_json::to_string_pretty(&signed).unwrap();
    let reread: Value = serde_json::from_str(&text).unwrap();
    integrity::verify(&canon, &reread, &key.verifying_key()).expect("verifies");

    // Changing one character breaks it.
    let mut tampered = reread.clone();
    tampered["name"] = json!(NAME.replace('é', "e"));
    assert!(integrity::verify(&canon, &tampered, &key.verifying_key()).is_err());

    let nquads = canon.canonicalize(&doc).unwrap();
    // Canonical N-Quads escaping (RDFC-1.0 / RDF 1.1 N-Quads canonical form):
    assert!(nquads.contains(r#"a \"double quote\""#), "quote escaped");
    assert!(nquads.contains(r"back\\slash"), "backslash escaped");
    assert!(nquads.contains(r"Line one\nline two"), "newline escaped");
    assert!(nquads.contains(r"CR\r,"), "CR escaped");
    assert!(
        nquads.contains("Café Ünïcødé® — “quotes” ’apostrophe’ 🦀🎓 עברית العربية"),
        "non-ASCII kept as UTF-8"
    );
    assert!(nquads.lines().count() > 0 && nquads.ends_with('\n'));

    // Files for the jsonld.js comparison (interop/compare.mjs).
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/interop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("unicode-doc.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("unicode-doc.rust.nq"), &nquads).unwrap();
    std::fs::write(dir.join("unicode-signed.json"), text).unwrap();
}

#[test]
fn tab_and_other_control_characters_are_rejected_with_their_path() {
    let canon = canon();
    for (c, code) in [
        ('\t', 0x09u32),
        ('\u{7}', 0x07),
        ('\u{7f}', 0x7f),
        ('\u{c}', 0x0c),
    ] {
        let mut doc = unicode_doc();
        doc["credentialSubject"]["achievement"]["description"] = json!(format!("a{c}b"));
        match canon.canonicalize(&doc) {
            Err(CanonError::ControlCharacter { codepoint, path }) => {
                assert_eq!(codepoint, code);
                assert_eq!(
                    path.as_deref(),
                    Some("$.credentialSubject.achievement.description")
                );
            }
            other => panic!("U+{code:04X}: unexpected {other:?}"),
        }
    }
}
