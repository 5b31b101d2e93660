//! Stage 4: sign. Every award becomes an Open Badges 3.0 credential with an
//! `eddsa-rdfc-2022` Data Integrity proof by the issuer's `did:web` key.
//!
//! Before anything is signed, each credential goes through JSON-LD safe mode
//! (in [`Canonicalizer`]): a term the bundled contexts do not define is a
//! build error naming the award's file and field, because wallets reject such
//! credentials. Signing runs in parallel (rayon); the canonical proof
//! configuration depends only on (`created`, key), so its hash is computed
//! once per distinct issue time.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::canon::{CanonError, Canonicalizer};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::did::{DidDocument, DidWeb};
use crate::integrity::{CRYPTOSUITE, PROOF_TYPE};
use crate::keys::Secret;
use crate::model::{Award, Badge, Site};
use crate::output::Sink;
use crate::shapes::ShapeCache;
use crate::{ob2, ob3, status};

/// Everything signing produced, ready to be written.
#[derive(Debug, Default)]
pub struct Signed {
    pub did: Option<DidWeb>,
    /// The signing key's id in site.toml.
    pub key_id: String,
    /// `did.json` bytes.
    pub did_document: Vec<u8>,
    /// How many credentials were signed (and written to the sink).
    pub signed: usize,
    /// Badge slug → achievement JSON bytes.
    pub achievements: BTreeMap<String, Vec<u8>>,
    /// Signed status list credentials: (path in the site, JSON bytes).
    pub status_lists: Vec<(String, Vec<u8>)>,
    /// Open Badges 2.0 documents: path → JSON bytes.
    pub ob2: BTreeMap<String, Vec<u8>>,
}

/// One award signed and written, or the problem.
type SignResult = Result<(), Box<Diagnostic>>;

/// Pretty JSON with a final newline: what every JSON file of the site uses.
pub fn to_json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The salt of an email recipient: stable across builds (derived, not
/// drawn), and not guessable from public data (keyed by the secret key).
pub fn recipient_salt(salt_key: &[u8; 32], award_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(salt_key)
        .chain_update(award_id.as_bytes())
        .finalize();
    ob3::hex(&digest[..16])
}

/// Proof options for a credential issued at `created` with key `vm`.
pub fn proof_options(created: &str, vm: &str) -> serde_json::Map<String, Value> {
    let options = json!({
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    });
    match options {
        Value::Object(map) => map,
        _ => unreachable!("json! object literal"),
    }
}

/// Signs `unsigned` (which has no `proof`) given the hash of its proof
/// configuration; `canonicalize` gives its canonical N-Quads.
pub fn sign_document(
    canonicalize: impl FnOnce(&Value) -> Result<String, CanonError>,
    unsigned: Value,
    options: serde_json::Map<String, Value>,
    proof_hash: [u8; 32],
    secret: &Secret,
) -> Result<Value, CanonError> {
    use ed25519_dalek::Signer;
    let document_hash: [u8; 32] = Sha256::digest(canonicalize(&unsigned)?.as_bytes()).into();
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&proof_hash);
    data[32..].copy_from_slice(&document_hash);
    let signature = secret.signing_key().sign(&data);
    let mut proof = options;
    proof.insert(
        "proofValue".into(),
        Value::String(format!(
            "z{}",
            bs58::encode(signature.to_bytes()).into_string()
        )),
    );
    let mut signed = match unsigned {
        Value::Object(map) => map,
        _ => unreachable!("credentials are objects"),
    };
    signed.insert("proof".into(), Value::Array(vec![Value::Object(proof)]));
    Ok(Value::Object(signed))
}

/// Signs every award of `site`. Each award's credential and OB 2.0
/// assertion go to `sink` as soon as they exist, so memory does not grow
/// with the number of awards; the rest (DID document, achievements, status
/// lists, issuer and badge classes) is returned for the write stage.
pub fn sign_site(
    site: &Site,
    secret: &Secret,
    canon: &Canonicalizer,
    sink: &dyn Sink,
) -> Result<Signed, Diagnostics> {
    let mut problems = Diagnostics::default();
    let did = DidWeb::from_base_url(&site.base_url).map_err(|e| {
        one(Diagnostic::new(format!(
            "cannot derive the issuer DID: {e}"
        )))
    })?;
    let key = secret
        .find_key(&site.keys)
        .map_err(|e| one(Diagnostic::new(e).help("make a key with `rosette keygen`")))?;
    let vm = did.key_url(&key.id);
    let salt_key = secret.derive("recipient-salt");

    // Proof configuration hashes, one per distinct issue time.
    let mut created: Vec<String> = site
        .awards()
        .map(|(_, a)| ob3::timestamp(a.issued))
        .collect();
    created.sort();
    created.dedup();
    let context = Value::from(ob3::CONTEXTS.to_vec());
    let proof_hashes: HashMap<String, [u8; 32]> = created
        .par_iter()
        .map(|c| {
            let mut config = proof_options(c, &vm);
            config.insert("@context".into(), context.clone());
            let nquads = canon.canonicalize(&Value::Object(config))?;
            Ok((c.clone(), Sha256::digest(nquads.as_bytes()).into()))
        })
        .collect::<Result<_, CanonError>>()
        .map_err(|e| {
            one(Diagnostic::new(format!(
                "cannot canonicalise the proof configuration: {e}"
            )))
        })?;

    let slots = &site.status_slots;
    let shapes = ShapeCache::new(canon);
    let awards: Vec<(&Badge, &Award)> = site.awards().collect();
    let results: Vec<SignResult> = awards
        .par_iter()
        .map(|(badge, award)| {
            let salt = recipient_salt(&salt_key, &award.id);
            let unsigned = unsigned_credential(site, &did.did, badge, award, &salt, slots);
            let created = ob3::timestamp(award.issued);
            let proof_hash = proof_hashes[&created];
            let signed = sign_document(
                |doc| shapes.canonicalize(doc),
                unsigned,
                proof_options(&created, &vm),
                proof_hash,
                secret,
            )
            .map_err(|e| Box::new(safe_mode_problem(award, &e)))?;
            let written = sink
                .put(
                    &format!("awards/{}/credential.json", award.id),
                    &to_json_bytes(&signed),
                )
                .and_then(|()| {
                    let assertion = ob2::assertion_json(site, badge, award, &salt);
                    sink.put(&format!("awards/{}/assertion.json", award.id), &assertion)
                });
            written.map_err(|e| {
                Box::new(Diagnostic::in_file(
                    &award.file,
                    format!("cannot write the files of award `{}`: {e}", award.id),
                ))
            })
        })
        .collect();
    let mut signed = 0;
    for result in results {
        match result {
            Ok(()) => signed += 1,
            Err(problem) => problems.push(*problem),
        }
    }
    let mut achievements = BTreeMap::new();
    for badge in &site.badges {
        let mut achievement = ob3::achievement(site, badge);
        achievement.context = Some([ob3::VC_V2, ob3::OB_V3]);
        let value =
            serde_json::to_value(&achievement).map_err(|e| one(Diagnostic::new(e.to_string())))?;
        if let Err(error) = canon.canonicalize(&value) {
            problems.push(Diagnostic::in_file(
                &badge.file,
                format!(
                    "badge `{}` cannot be published as an Open Badges 3.0 achievement: {error}",
                    badge.slug
                ),
            ));
        }
        achievements.insert(badge.slug.clone(), to_json_bytes(&value));
    }
    let mut status_lists = Vec::new();
    for (number, list) in status::lists(site, slots, &did.did) {
        let created = ob3::timestamp(latest_change(site, slots, number));
        let mut config = proof_options(&created, &vm);
        config.insert("@context".into(), list["@context"].clone());
        let signed = canon
            .canonicalize(&Value::Object(config))
            .and_then(|nquads| {
                sign_document(
                    |doc| canon.canonicalize(doc),
                    list,
                    proof_options(&created, &vm),
                    Sha256::digest(nquads.as_bytes()).into(),
                    secret,
                )
            });
        match signed {
            Ok(signed) => status_lists.push((status::list_path(number), to_json_bytes(&signed))),
            Err(error) => problems.push(Diagnostic::new(format!(
                "cannot sign status list {number}: {error}"
            ))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let ob2 = ob2::documents(site);
    Ok(Signed {
        ob2,
        status_lists,
        did_document: to_json_bytes(&DidDocument::new(&did, &site.keys)),
        did: Some(did),
        key_id: key.id.clone(),
        signed,
        achievements,
    })
}

/// The credential of an award as JSON, before signing.
fn unsigned_credential(
    site: &Site,
    issuer: &str,
    badge: &Badge,
    award: &Award,
    salt: &str,
    slots: &BTreeMap<String, status::Slot>,
) -> Value {
    let entry = slots
        .get(&award.id)
        .map(|slot| status::entry(&site.base_url, *slot));
    let credential = ob3::credential(site, issuer, badge, award, salt, entry);
    serde_json::to_value(&credential).unwrap_or_default()
}

/// What `rosette check` can tell without the secret key: every credential
/// and achievement passes JSON-LD safe mode and can be signed portably.
/// (The salt only changes a hash, never the shape or the terms.)
pub fn check_site(site: &Site, canon: &Canonicalizer) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let Ok(did) = DidWeb::from_base_url(&site.base_url) else {
        problems.push(Diagnostic::new(
            "cannot derive the issuer DID from base_url",
        ));
        return problems;
    };
    let slots = &site.status_slots;
    let shapes = ShapeCache::new(canon);
    let awards: Vec<(&Badge, &Award)> = site.awards().collect();
    let found: Vec<Diagnostic> = awards
        .par_iter()
        .filter_map(|(badge, award)| {
            let unsigned = unsigned_credential(site, &did.did, badge, award, "check", slots);
            shapes
                .canonicalize(&unsigned)
                .err()
                .map(|e| safe_mode_problem(award, &e))
        })
        .collect();
    for problem in found {
        problems.push(problem);
    }
    problems
}

/// The moment a status list last changed: its newest issue or revocation
/// date. Used as the list's proof `created`, so the list is deterministic.
fn latest_change(
    site: &Site,
    slots: &BTreeMap<String, status::Slot>,
    list: usize,
) -> time::OffsetDateTime {
    site.awards()
        .filter(|(_, a)| slots.get(&a.id).is_some_and(|s| s.list == list))
        .flat_map(|(_, a)| std::iter::once(a.issued).chain(a.revoked.as_ref().map(|r| r.on)))
        .max()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn one(diagnostic: Diagnostic) -> Diagnostics {
    let mut list = Diagnostics::default();
    list.push(diagnostic);
    list
}

/// A canonicalisation failure of an award's credential, as a problem in the
/// award's file that names the offending field.
fn safe_mode_problem(award: &Award, error: &CanonError) -> Diagnostic {
    let hint = match error {
        CanonError::ControlCharacter { .. } => {
            "remove tabs and other control characters from the award's texts"
        }
        _ => "wallets reject credentials with terms the Open Badges contexts do not define",
    };
    Diagnostic::in_file(
        &award.file,
        format!("award `{}` cannot be signed: {error}", award.id),
    )
    .help(hint)
}
