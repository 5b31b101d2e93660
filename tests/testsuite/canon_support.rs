use std::path::PathBuf;

use rosette::credential::canon::Canonicalizer;
use serde_json::Value;

pub const EXAMPLES_V2_URL: &str = "https://www.w3.org/ns/credentials/examples/v2";

pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(rel)
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(vector_path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

pub fn json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("parse {rel}: {e}"))
}

pub fn hex32(s: &str) -> [u8; 32] {
    hex::decode(s.trim())
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

/// The product canonicaliser (VC 2.0 + OB 3.0.3 + extensions only).
pub fn canon() -> Canonicalizer {
    Canonicalizer::new().expect("bundled contexts load")
}

/// The product canonicaliser plus the W3C examples context (test-only).
pub fn canon_with_examples() -> Canonicalizer {
    canon()
        .with_context(EXAMPLES_V2_URL, &read("credentials-examples-v2.jsonld"))
        .expect("examples context")
}

/// Splits a signed document into (unsigned document, proof options without proofValue).
pub fn split_proof(signed: &Value) -> (Value, serde_json::Map<String, Value>) {
    let mut doc = signed.as_object().expect("object").clone();
    let proof = match doc.remove("proof").expect("proof") {
        Value::Array(mut a) => a.remove(0),
        p => p,
    };
    let mut options = proof.as_object().expect("proof object").clone();
    options.remove("proofValue");
    (Value::Object(doc), options)
}

pub fn proof_value(signed: &Value) -> String {
    let proof = &signed["proof"];
    let proof = if proof.is_array() { &proof[0] } else { proof };
    proof["proofValue"].as_str().expect("proofValue").to_owned()
}
