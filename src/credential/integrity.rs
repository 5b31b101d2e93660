//! Data Integrity `eddsa-rdfc-2022` proofs (W3C vc-di-eddsa §3.2) and Ed25519 Multikey
//! encoding (W3C CID §2.2.2).
//!
//! Signing: `proofConfig` = proof options with the document's `@context`;
//! `hashData = SHA-256(RDFC(proofConfig)) || SHA-256(RDFC(document without proof))`;
//! `proofValue = "z" + base58btc(Ed25519(hashData))`.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canon::{CanonError, Canonicalize};
use super::multikey;

/// The Data Integrity proof `type`.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The cryptosuite identifier.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// Errors from signing, verifying and Multikey decoding.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntegrityError {
    /// Canonicalisation failed (including JSON-LD safe-mode violations).
    #[error(transparent)]
    Canon(#[from] CanonError),
    /// The proof options / proof object are not a valid eddsa-rdfc-2022 configuration.
    #[error("invalid proof configuration: {0}")]
    InvalidProofConfig(String),
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// The document to sign already has a `proof` entry.
    #[error("the document to sign already has a `proof`; sign the unsecured document")]
    AlreadySigned,
    /// The signed document has no `proof`.
    #[error("the document has no `proof`")]
    MissingProof,
    /// The signed document has more than one proof (a proof set); verify takes exactly one.
    #[error("the document has {0} proofs; exactly one is supported")]
    MultipleProofs(usize),
    /// The proof has no `proofValue` string.
    #[error("the proof has no `proofValue` string")]
    MissingProofValue,
    /// The `proofValue` is not a base58btc multibase 64-byte signature.
    #[error("invalid `proofValue`: {0}")]
    InvalidProofValue(String),
    /// The Ed25519 signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
    /// A Multikey string is malformed.
    #[error("invalid Multikey: {0}")]
    InvalidMultikey(String),
}

/// The two SHA-256 digests that are concatenated and signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashData {
    /// SHA-256 of the canonical proof configuration.
    pub proof_hash: [u8; 32],
    /// SHA-256 of the canonical document (without `proof`).
    pub document_hash: [u8; 32],
}

impl HashData {
    /// `proof_hash || document_hash`, the 64 bytes that Ed25519 signs.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.proof_hash);
        out[32..].copy_from_slice(&self.document_hash);
        out
    }
}

/// Creates an `eddsa-rdfc-2022` proof for `unsigned_doc`.
///
/// `proof_options` must be an object with `type` = `DataIntegrityProof`, `cryptosuite` =
/// `eddsa-rdfc-2022`, and normally `created`, `verificationMethod` and `proofPurpose`; it must
/// not contain `proofValue`. Any `@context` in it is replaced by the document's, as the spec
/// requires. Returns the proof object (the options plus `proofValue`, without `@context`),
/// ready to be put under the document's `proof` key (see [`attach_proof`]).
pub fn sign(
    canon: &(impl Canonicalize + ?Sized),
    unsigned_doc: &Value,
    proof_options: &Value,
    key: &SigningKey,
) -> Result<Value, IntegrityError> {
    sign_keeping_signature(canon, unsigned_doc, proof_options, key).map(|(proof, _)| proof)
}

/// [`sign`], also returning the raw signature (what a signature cache
/// keeps).
pub fn sign_keeping_signature(
    canon: &(impl Canonicalize + ?Sized),
    unsigned_doc: &Value,
    proof_options: &Value,
    key: &SigningKey,
) -> Result<(Value, [u8; 64]), IntegrityError> {
    check_unsigned(unsigned_doc)?;
    // Bad options are reported before the document is canonicalised.
    let options = checked_options(proof_options)?;
    let context = unsigned_doc
        .get("@context")
        .ok_or(IntegrityError::Canon(CanonError::MissingContext))?;
    let doc_nquads = canon.canonicalize(unsigned_doc)?;
    sign_checked(canon, &doc_nquads, context, options, key)
}

/// [`sign_keeping_signature`] for a document already canonicalised: its
/// canonical N-Quads and its `@context` (for the proof configuration). The
/// caller vouches that `doc_nquads` are the RDFC-1.0 form of a document
/// without `proof`.
pub fn sign_canonical(
    canon: &(impl Canonicalize + ?Sized),
    doc_nquads: &str,
    context: &Value,
    proof_options: &Value,
    key: &SigningKey,
) -> Result<(Value, [u8; 64]), IntegrityError> {
    sign_checked(
        canon,
        doc_nquads,
        context,
        checked_options(proof_options)?,
        key,
    )
}

/// [`sign_canonical`] with the proof options already checked.
fn sign_checked(
    canon: &(impl Canonicalize + ?Sized),
    doc_nquads: &str,
    context: &Value,
    options: Map<String, Value>,
    key: &SigningKey,
) -> Result<(Value, [u8; 64]), IntegrityError> {
    let proof_nquads = config_nquads(canon, context, &options)?;
    let hashes = HashData {
        proof_hash: Sha256::digest(proof_nquads.as_bytes()).into(),
        document_hash: Sha256::digest(doc_nquads.as_bytes()).into(),
    };
    let signature = key.sign(&hashes.to_bytes()).to_bytes();
    Ok((finish_proof(options, &signature), signature))
}

/// The proof that [`sign`] returns for `unsigned_doc` and `proof_options`
/// when Ed25519 gives `signature`: for a signature computed earlier over
/// exactly the same document and options (Ed25519 is deterministic, so it
/// is the signature [`sign`] would compute). The options are checked as
/// [`sign`] checks them.
pub fn proof_from_signature(
    unsigned_doc: &Value,
    proof_options: &Value,
    signature: &[u8; 64],
) -> Result<Value, IntegrityError> {
    check_unsigned(unsigned_doc)?;
    proof_with_signature(proof_options, signature)
}

/// [`proof_from_signature`] for the document that [`sign_canonical`] signed.
pub fn proof_with_signature(
    proof_options: &Value,
    signature: &[u8; 64],
) -> Result<Value, IntegrityError> {
    Ok(finish_proof(checked_options(proof_options)?, signature))
}

/// `Ok` for a document that can be signed: an object without `proof`.
fn check_unsigned(unsigned_doc: &Value) -> Result<(), IntegrityError> {
    let doc = unsigned_doc
        .as_object()
        .ok_or(IntegrityError::NotAnObject)?;
    if doc.contains_key("proof") {
        return Err(IntegrityError::AlreadySigned);
    }
    Ok(())
}

/// The checked proof options, without `@context`.
fn checked_options(proof_options: &Value) -> Result<Map<String, Value>, IntegrityError> {
    let mut options = proof_options.as_object().cloned().ok_or_else(|| {
        IntegrityError::InvalidProofConfig("proof options must be a JSON object".into())
    })?;
    if options.contains_key("proofValue") {
        return Err(IntegrityError::InvalidProofConfig(
            "proof options must not contain `proofValue`".into(),
        ));
    }
    options.remove("@context");
    check_proof_config(&options)?;
    Ok(options)
}

fn finish_proof(mut options: Map<String, Value>, signature: &[u8; 64]) -> Value {
    options.insert(
        "proofValue".into(),
        Value::String(encode_proof_value(&Signature::from_bytes(signature))),
    );
    Value::Object(options)
}

/// Verifies the single `eddsa-rdfc-2022` proof of `signed_doc` against `public`.
///
/// `proof` may be an object or a one-element array. This checks the proof type, cryptosuite,
/// `created` syntax and signature; it does not check `proofPurpose`, the verification
/// method's controller or dates: that is the caller's policy.
pub fn verify(
    canon: &(impl Canonicalize + ?Sized),
    signed_doc: &Value,
    public: &VerifyingKey,
) -> Result<(), IntegrityError> {
    let doc = signed_doc.as_object().ok_or(IntegrityError::NotAnObject)?;
    let proof = match doc.get("proof") {
        None => return Err(IntegrityError::MissingProof),
        Some(Value::Array(items)) if items.len() == 1 => &items[0],
        Some(Value::Array(items)) => return Err(IntegrityError::MultipleProofs(items.len())),
        Some(other) => other,
    };
    let mut options = proof.as_object().cloned().ok_or_else(|| {
        IntegrityError::InvalidProofConfig("`proof` must be a JSON object".into())
    })?;
    let proof_value = match options.remove("proofValue") {
        Some(Value::String(s)) => s,
        _ => return Err(IntegrityError::MissingProofValue),
    };
    options.remove("@context");
    check_proof_config(&options)?;
    let signature = decode_proof_value(&proof_value)?;

    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    let hashes = hash_data(canon, &Value::Object(unsecured), &options)?;
    public
        .verify_strict(&hashes.to_bytes(), &signature)
        .map_err(|_| IntegrityError::BadSignature)
}

/// Returns `doc` with `proof` set to `[proof]` (the array form that OB 3.0 schemas expect).
pub fn attach_proof(doc: &Value, proof: Value) -> Result<Value, IntegrityError> {
    with_proof(doc.clone(), proof)
}

/// [`attach_proof`] for a document the caller no longer needs.
pub fn with_proof(doc: Value, proof: Value) -> Result<Value, IntegrityError> {
    let Value::Object(mut out) = doc else {
        return Err(IntegrityError::NotAnObject);
    };
    out.insert("proof".into(), Value::Array(vec![proof]));
    Ok(Value::Object(out))
}

/// Canonical N-Quads of the proof configuration: `proof_options` (without `proofValue`)
/// with the `@context` of `unsecured_doc`.
pub fn canonical_proof_config(
    canon: &(impl Canonicalize + ?Sized),
    unsecured_doc: &Value,
    proof_options: &Map<String, Value>,
) -> Result<String, IntegrityError> {
    let context = unsecured_doc
        .get("@context")
        .ok_or(IntegrityError::Canon(CanonError::MissingContext))?;
    config_nquads(canon, context, proof_options)
}

/// Canonical N-Quads of `proof_options` (without `proofValue`) with `context`.
fn config_nquads(
    canon: &(impl Canonicalize + ?Sized),
    context: &Value,
    proof_options: &Map<String, Value>,
) -> Result<String, IntegrityError> {
    let mut config = proof_options.clone();
    config.remove("proofValue");
    config.insert("@context".into(), context.clone());
    Ok(canon.canonicalize(&Value::Object(config))?)
}

/// Computes the proof-configuration and document hashes (vc-di-eddsa §3.2.3–3.2.5).
/// `unsecured_doc` must not contain `proof`.
pub fn hash_data(
    canon: &(impl Canonicalize + ?Sized),
    unsecured_doc: &Value,
    proof_options: &Map<String, Value>,
) -> Result<HashData, IntegrityError> {
    let proof_nquads = canonical_proof_config(canon, unsecured_doc, proof_options)?;
    let doc_nquads = canon.canonicalize(unsecured_doc)?;
    Ok(HashData {
        proof_hash: Sha256::digest(proof_nquads.as_bytes()).into(),
        document_hash: Sha256::digest(doc_nquads.as_bytes()).into(),
    })
}

fn check_proof_config(options: &Map<String, Value>) -> Result<(), IntegrityError> {
    match options.get("type").and_then(Value::as_str) {
        Some(PROOF_TYPE) => {}
        other => {
            return Err(IntegrityError::InvalidProofConfig(format!(
                "`type` must be \"{PROOF_TYPE}\", found {}",
                describe(other)
            )));
        }
    }
    match options.get("cryptosuite").and_then(Value::as_str) {
        Some(CRYPTOSUITE) => {}
        other => {
            return Err(IntegrityError::InvalidProofConfig(format!(
                "`cryptosuite` must be \"{CRYPTOSUITE}\", found {}",
                describe(other)
            )));
        }
    }
    if let Some(created) = options.get("created") {
        match created.as_str() {
            Some(s) if is_xsd_date_time(s) => {}
            _ => {
                return Err(IntegrityError::InvalidProofConfig(format!(
                    "`created` must be an XML Schema dateTime, found {created}"
                )));
            }
        }
    }
    Ok(())
}

fn describe(v: Option<&str>) -> String {
    v.map_or_else(|| "nothing".to_owned(), |s| format!("{s:?}"))
}

/// Syntax check for an XML Schema `dateTime` as used by Data Integrity:
/// `YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?`.
fn is_xsd_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .and_then(|t| t.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    };
    if b.len() < 19
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 24
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "" | "Z" => true,
        tz => {
            let t = tz.as_bytes();
            t.len() == 6
                && (t[0] == b'+' || t[0] == b'-')
                && t[1..3].iter().all(u8::is_ascii_digit)
                && t[3] == b':'
                && t[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

/// `"z"` + base58btc of the 64-byte signature.
fn encode_proof_value(signature: &Signature) -> String {
    let mut digits = [0u8; five8::BASE58_ENCODED_64_MAX_LEN];
    let len = usize::from(five8::encode_64(&signature.to_bytes(), &mut digits));
    let mut value = String::with_capacity(1 + len);
    value.push('z');
    // Base58 digits are ASCII.
    value.extend(digits[..len].iter().map(|&digit| char::from(digit)));
    value
}

fn decode_proof_value(value: &str) -> Result<Signature, IntegrityError> {
    let body = value.strip_prefix('z').ok_or_else(|| {
        IntegrityError::InvalidProofValue(
            "expected a base58btc multibase value starting with 'z'".into(),
        )
    })?;
    let bytes = bs58::decode(body)
        .into_vec()
        .map_err(|e| IntegrityError::InvalidProofValue(e.to_string()))?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|b: Vec<u8>| {
        IntegrityError::InvalidProofValue(format!("expected 64 bytes, found {}", b.len()))
    })?;
    Ok(Signature::from_bytes(&bytes))
}

/// Encodes an Ed25519 public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
pub fn encode_public_multikey(key: &VerifyingKey) -> String {
    multikey::encode_public(key.as_bytes())
}

/// Decodes a Multikey `publicKeyMultibase` (`z6Mk…`, prefix `0xed01`) to an Ed25519 key.
pub fn decode_public_multikey(multibase: &str) -> Result<VerifyingKey, IntegrityError> {
    let bytes = multikey::decode_public(multibase)
        .map_err(|e| IntegrityError::InvalidMultikey(e.to_string()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| IntegrityError::InvalidMultikey(e.to_string()))
}

/// Encodes an Ed25519 secret key (its 32-byte seed) as a Multikey `secretKeyMultibase`
/// (`z3u2…`). Treat the result as a secret.
pub fn encode_secret_multikey(key: &SigningKey) -> String {
    multikey::encode_secret(key.as_bytes())
}

/// Decodes a Multikey `secretKeyMultibase` (`z3u2…`, prefix `0x8026` + 32-byte seed).
pub fn decode_secret_multikey(multibase: &str) -> Result<SigningKey, IntegrityError> {
    let seed = multikey::decode_secret(multibase)
        .map_err(|e| IntegrityError::InvalidMultikey(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_values_are_the_base58_that_bs58_writes_and_read_back() {
        // Leading zero bytes are leading `1`s: all of them, some, none.
        let mut seed = 5u64;
        for case in 0..2000 {
            let mut bytes = [0u8; 64];
            for byte in &mut bytes {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = seed as u8;
            }
            let zeros = [64, 63, 1, 2, 10][case % 5].min(case % 70);
            bytes[..zeros].fill(0);
            let value = encode_proof_value(&Signature::from_bytes(&bytes));
            assert_eq!(value, format!("z{}", bs58::encode(bytes).into_string()));
            assert_eq!(decode_proof_value(&value).unwrap().to_bytes(), bytes);
        }
    }
}
