//! Issuing: everything a signed site publishes besides its pages, made
//! from the model. Each award becomes an Open Badges 3.0 credential with an
//! `eddsa-rdfc-2022` proof by the issuer's `did:web` key (through
//! [`integrity::sign_canonical`], the signing half of [`integrity::sign`],
//! which the published test vectors test) and an
//! OB 2.0 hosted assertion; the site gets its DID document, achievements,
//! signed status lists and OB 2.0 issuer and badge classes.
//!
//! Nothing here writes a file: [`Issuer::award`] and [`Issuer::site_files`]
//! return bytes with their paths (from [`crate::layout`]), and the build
//! writes them, award by award, so memory does not grow with the site.
//!
//! Before anything is signed, each document goes through JSON-LD safe mode
//! and the portable sort check ([`Portable`]): a term the bundled contexts
//! do not define, or values that sort differently in the wallets'
//! canonicaliser, is an [`AwardError`] naming the JSON path of the value.
//! Canonicalisation goes through a [`ShapeCache`], so JSON-LD expansion runs
//! once per document shape, proof configurations included. A document is
//! canonicalised from the JSON bytes it is published with
//! ([`ShapeCache::canonicalize_json`]), not from a JSON value built for the
//! purpose (building and dropping that value was 5 % of a full build).
//!
//! # The signature cache
//!
//! With a [`Cache`], a document is signed only if it was never signed
//! before: the cache key is a SHA-256 of exactly what determines the
//! signature (the cache format, Rosette's version, the cryptosuite, the
//! bundled contexts, the public key, the proof options and the unsigned
//! document's JSON bytes), and Ed25519 is deterministic, so a cached
//! signature is the signature [`integrity::sign`] would compute. A hit skips
//! canonicalisation altogether: safe mode and the sort check passed when the
//! entry was made, on the same bytes with the same code. The proof object is
//! still made by [`integrity::proof_with_signature`], the finishing code of
//! [`integrity::sign`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::canon::{CanonError, Canonicalize, Canonicalizer};
use super::did::{DidDocument, DidWeb};
use super::integrity::{self, CRYPTOSUITE, IntegrityError, PROOF_TYPE};
use super::keys::Secret;
use super::portable::Portable;
use super::shapes::ShapeCache;
use super::{contexts, ob2, ob3, recipient, status};
use crate::layout::{self, Urls};
use crate::model::{Award, Badge, Site, Slot, timestamp};
use crate::output::cache::Cache;
use crate::output::json::to_json_bytes;

/// Bump when anything that decides a signature changes without a change of
/// Rosette's version (canonicalisation, proof options): cached signatures
/// of the old format are then never used.
const CACHE_FORMAT: u32 = 1;

/// The files of one award.
#[derive(Debug)]
pub struct AwardFiles {
    /// `awards/<id>/credential.json`, signed.
    pub credential: Vec<u8>,
    /// `awards/<id>/assertion.json`.
    pub assertion: Vec<u8>,
}

/// An award whose credential cannot be signed portably.
#[derive(Debug, thiserror::Error)]
#[error("award `{id}` cannot be signed: {error}")]
pub struct AwardError {
    pub id: String,
    pub error: CanonError,
    /// JSON paths (`$.credentialSubject.narrative`) of the values at fault.
    pub paths: Vec<String>,
}

/// Why the site-wide documents could not be made.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("cannot derive the issuer DID from base_url: {0}")]
    Did(String),
    #[error("{0}")]
    Key(String),
    #[error("badge `{slug}` cannot be published as an Open Badges 3.0 achievement: {error}")]
    Achievement { slug: String, error: CanonError },
    #[error("cannot sign status list {list}: {error}")]
    StatusList { list: usize, error: IntegrityError },
    #[error("cannot write the site's issuer or achievements as JSON: {0}")]
    Json(String),
}

/// Makes a site's credentials. Build it once per build and share it across
/// threads; without a secret it can only [`check`](Issuer::check_award).
pub struct Issuer<'a> {
    site: &'a Site,
    slots: &'a BTreeMap<String, Slot>,
    shapes: ShapeCache<'a>,
    did: DidWeb,
    /// What every credential embeds, serialised once.
    shared: ob3::Shared,
    signer: Option<Signer<'a>>,
    cache: Option<&'a Cache>,
    /// Documents signed (not found in the cache).
    signed: AtomicUsize,
}

struct Signer<'a> {
    secret: &'a Secret,
    key_id: String,
    /// The verification method: `<did>#<key id>`.
    method: String,
    salt_key: [u8; 32],
    /// What every cache key of this signer starts with.
    cache_prefix: Sha256,
}

impl<'a> Issuer<'a> {
    /// An issuer for `site`, whose awards have these status `slots`. With a
    /// secret, it must match a key of site.toml that is not retired.
    pub fn new(
        site: &'a Site,
        slots: &'a BTreeMap<String, Slot>,
        canon: &'a Canonicalizer,
        secret: Option<&'a Secret>,
    ) -> Result<Self, IssueError> {
        let did = DidWeb::from_base_url(&site.base_url).map_err(IssueError::Did)?;
        let signer = match secret {
            None => None,
            Some(secret) => {
                let key = secret.find_key(&site.keys).map_err(IssueError::Key)?;
                Some(Signer {
                    secret,
                    key_id: key.id.clone(),
                    method: did.key_url(&key.id),
                    salt_key: recipient::salt_key(secret),
                    cache_prefix: cache_prefix(&secret.signing_key().verifying_key().to_bytes()),
                })
            }
        };
        let shared =
            ob3::Shared::new(site, &did.did).map_err(|e| IssueError::Json(e.to_string()))?;
        Ok(Issuer {
            site,
            slots,
            shapes: ShapeCache::new(canon),
            shared,
            did,
            signer,
            cache: None,
            signed: AtomicUsize::new(0),
        })
    }

    /// Uses `cache` for signatures (see the module documentation).
    pub fn with_cache(mut self, cache: Option<&'a Cache>) -> Self {
        self.cache = cache;
        self
    }

    /// How many documents were signed, rather than found in the cache.
    pub fn signatures_made(&self) -> usize {
        self.signed.load(Ordering::Relaxed)
    }

    pub fn did(&self) -> &DidWeb {
        &self.did
    }

    /// The id in site.toml of the key that signs, when there is one.
    pub fn key_id(&self) -> Option<&str> {
        self.signer.as_ref().map(|s| s.key_id.as_str())
    }

    /// What `rosette check` can tell without the secret key: the award's
    /// credential passes JSON-LD safe mode and sorts portably. (The salt
    /// only changes a hash, never the shape, the terms or the order.)
    pub fn check_award(&self, badge: &Badge, award: &Award) -> Result<(), AwardError> {
        let unsigned = self.unsigned(badge, award, "check");
        self.canonical(&unsigned.json)
            .map(drop)
            .map_err(|error| award_error(award, error, &unsigned.value()))
    }

    /// The signed credential and the OB 2.0 assertion of an award. An
    /// issuer made without a secret (for `check`) refuses.
    pub fn award(&self, badge: &Badge, award: &Award) -> Result<AwardFiles, AwardError> {
        let Some(signer) = &self.signer else {
            return Err(AwardError {
                id: award.id.clone(),
                error: CanonError::Expansion("no signing key".into()),
                paths: Vec::new(),
            });
        };
        let salt = recipient::salt(&signer.salt_key, &award.id);
        let unsigned = self.unsigned(badge, award, &salt);
        let created = timestamp(award.issued);
        let credential = self
            .sign(signer, unsigned, &created)
            .map_err(|failed| award_error(award, failed.0, &failed.1.value()))?;
        Ok(AwardFiles {
            credential,
            assertion: ob2::assertion_json(self.site, badge, award, &salt),
        })
    }

    /// The site-wide files: DID document, achievements, signed status lists,
    /// OB 2.0 issuer and badge classes, as (path, bytes).
    pub fn site_files(&self) -> Result<Vec<(String, Vec<u8>)>, IssueError> {
        let signer = self
            .signer
            .as_ref()
            .ok_or_else(|| IssueError::Key("no signing key".into()))?;
        let mut files = vec![(
            layout::did_document(&self.site.base_url).to_string(),
            to_json_bytes(&DidDocument::new(&self.did, &self.site.keys)),
        )];
        files.extend(self.achievements()?);
        for (list, unsigned) in status::lists(self.site, self.slots, &self.did.did) {
            let created = timestamp(self.latest_change(list));
            let signed = self
                .sign(
                    signer,
                    Unsigned::of(&unsigned, &unsigned["@context"]),
                    &created,
                )
                .map_err(|failed| IssueError::StatusList {
                    list,
                    error: IntegrityError::Canon(failed.0),
                })?;
            files.push((layout::status_list(list), signed));
        }
        files.extend(ob2::documents(self.site));
        Ok(files)
    }

    /// Signs this site's endorsement of another issuer's achievement
    /// `subject` (see [`ob3::endorsement`]), created at `valid_from`.
    pub fn endorse(
        &self,
        id: &str,
        subject: &str,
        comment: &str,
        valid_from: &str,
    ) -> Result<Vec<u8>, CanonError> {
        let signer = self
            .signer
            .as_ref()
            .ok_or_else(|| CanonError::Expansion("no signing key".into()))?;
        let unsigned = ob3::endorsement(self.site, &self.did.did, id, subject, comment, valid_from);
        let unsigned = Unsigned::of(&unsigned, &unsigned.context);
        self.sign(signer, unsigned, valid_from)
            .map_err(|failed| failed.0)
    }

    /// Every badge's achievement in each of its languages, as (path, bytes),
    /// each through safe mode and the portable sort check. Needs no key, so
    /// `rosette check` runs it too.
    pub fn achievements(&self) -> Result<Vec<(String, Vec<u8>)>, IssueError> {
        let mut files = Vec::new();
        for badge in &self.site.badges {
            for lang in ob3::achievement_languages(self.site, badge) {
                let mut achievement = ob3::achievement_in(self.site, badge, lang);
                achievement.context = Some(contexts::ACHIEVEMENT);
                let value = serde_json::to_value(&achievement).unwrap_or_default();
                Portable(&self.shapes)
                    .canonicalize(&value)
                    .map_err(|error| IssueError::Achievement {
                        slug: badge.slug.clone(),
                        error,
                    })?;
                let path = if lang == self.site.language {
                    layout::achievement(&badge.slug)
                } else {
                    layout::translated_achievement(lang, &badge.slug)
                };
                files.push((path, to_json_bytes(&value)));
            }
        }
        Ok(files)
    }

    /// Signs `unsigned` with an `eddsa-rdfc-2022` proof created at `created`
    /// and returns the signed document's JSON bytes. On failure, returns the
    /// document back for the report.
    fn sign(
        &self,
        signer: &Signer<'_>,
        unsigned: Unsigned,
        created: &str,
    ) -> Result<Vec<u8>, Box<(CanonError, Unsigned)>> {
        let options = json!({
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": created,
            "verificationMethod": signer.method,
            "proofPurpose": "assertionMethod",
        });
        let key = cache_key(signer, &options, &unsigned.json);
        let cached = self.cache.and_then(|cache| cache.get(&key));
        let proof = match cached {
            Some(signature) => integrity::proof_with_signature(&options, &signature),
            None => self
                .canonical(&unsigned.json)
                .map_err(IntegrityError::Canon)
                .and_then(|nquads| {
                    integrity::sign_canonical(
                        &Portable(&self.shapes),
                        &nquads,
                        &unsigned.context,
                        &options,
                        signer.secret.signing_key(),
                    )
                })
                .map(|(proof, signature)| {
                    self.signed.fetch_add(1, Ordering::Relaxed);
                    if let Some(cache) = self.cache {
                        cache.insert(key, signature);
                    }
                    proof
                }),
        };
        match proof {
            Ok(proof) => Ok(with_proof_bytes(unsigned.json, &proof)),
            Err(IntegrityError::Canon(error)) => Err(Box::new((error, unsigned))),
            Err(other) => Err(Box::new((
                CanonError::Expansion(other.to_string()),
                unsigned,
            ))),
        }
    }

    /// The canonical form of the document whose JSON is `json`, through
    /// safe mode and the portable sort check.
    fn canonical(&self, json: &[u8]) -> Result<String, CanonError> {
        let nquads = self.shapes.canonicalize_json(json)?;
        super::portable::check(&nquads)?;
        Ok(nquads)
    }

    /// The credential of an award, before signing.
    fn unsigned(&self, badge: &Badge, award: &Award, salt: &str) -> Unsigned {
        let entry = self
            .slots
            .get(&award.id)
            .map(|slot| status::entry(Urls::new(&self.site.base_url), *slot));
        // Every badge of the site has its achievement made; one that is
        // not the site's (no caller gives one) has it made here.
        let made;
        let achievement = match self.shared.achievement(&badge.slug) {
            Some(achievement) => achievement,
            None => {
                made = serde_json::value::to_raw_value(&ob3::achievement(self.site, badge)).ok();
                let Some(achievement) = made.as_deref() else {
                    return Unsigned {
                        json: Vec::new(),
                        context: Value::Null,
                    };
                };
                achievement
            }
        };
        let credential = ob3::credential(&self.shared, achievement, badge, award, salt, entry);
        Unsigned::of(&credential, &credential.context)
    }

    /// The moment a status list last changed: its newest issue or
    /// revocation date. Used as the list's proof `created`, so the list is
    /// deterministic.
    fn latest_change(&self, list: usize) -> time::OffsetDateTime {
        self.site
            .awards()
            .filter(|(_, a)| self.slots.get(&a.id).is_some_and(|s| s.list == list))
            .flat_map(|(_, a)| std::iter::once(a.issued).chain(a.revoked.as_ref().map(|r| r.on)))
            .max()
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

/// A document to sign, as the JSON bytes it is published with (compact, no
/// newline: the cache key, and the signed document up to its closing
/// brace), and its `@context`, which the proof configuration takes.
struct Unsigned {
    json: Vec<u8>,
    context: Value,
}

impl Unsigned {
    /// `document`, whose `@context` is `context`.
    fn of(document: &impl serde::Serialize, context: &impl serde::Serialize) -> Unsigned {
        Unsigned {
            json: serde_json::to_vec(document).unwrap_or_default(),
            context: serde_json::to_value(context).unwrap_or_default(),
        }
    }

    /// The document as a JSON value, for reports.
    fn value(&self) -> Value {
        serde_json::from_slice(&self.json).unwrap_or_default()
    }
}

/// What every cache key of the signer with this public key starts with.
fn cache_prefix(public: &[u8; 32]) -> Sha256 {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(b"rosette signature cache key");
    field(&CACHE_FORMAT.to_le_bytes());
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(CRYPTOSUITE.as_bytes());
    for (url, text) in contexts::BUNDLED {
        field(url.as_bytes());
        field(&Sha256::digest(text.as_bytes()));
    }
    field(public);
    hasher
}

/// The cache key of signing the document whose compact JSON is `unsigned`
/// with `options`.
fn cache_key(signer: &Signer<'_>, options: &Value, unsigned: &[u8]) -> [u8; 32] {
    let mut hasher = signer.cache_prefix.clone();
    let options = serde_json::to_vec(options).unwrap_or_default();
    for bytes in [options.as_slice(), unsigned] {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.finalize().into()
}

/// The bytes of the signed document: the unsigned document's compact JSON
/// (`{...}`) with `"proof":[proof]` added as its last member, exactly what
/// serialising [`integrity::with_proof`]'s result gives, plus the final
/// newline of [`to_json_bytes`].
fn with_proof_bytes(mut unsigned: Vec<u8>, proof: &Value) -> Vec<u8> {
    debug_assert_eq!(unsigned.last(), Some(&b'}'));
    unsigned.pop();
    if unsigned.len() > 1 {
        unsigned.push(b',');
    }
    unsigned.extend_from_slice(b"\"proof\":[");
    let _ = serde_json::to_writer(&mut unsigned, proof);
    unsigned.extend_from_slice(b"]}\n");
    unsigned
}

/// An award's canonicalisation failure, with the JSON paths of the values
/// it names.
fn award_error(award: &Award, error: CanonError, unsigned: &Value) -> AwardError {
    let mut paths = Vec::new();
    match &error {
        CanonError::UndefinedTerm { path: Some(p), .. }
        | CanonError::RelativeIri { path: Some(p), .. }
        | CanonError::ControlCharacter { path: Some(p), .. } => paths.push(p.clone()),
        CanonError::SortOrder { first, second } => {
            for value in [first, second] {
                if let Some(path) = super::canon::path_of_string(unsigned, value) {
                    paths.push(path);
                }
            }
        }
        _ => {}
    }
    AwardError {
        id: award.id.clone(),
        error,
        paths,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spliced_proof_is_what_serialising_the_signed_document_gives() {
        let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x", "name": "é \"q\""});
        let proof = json!({"type": PROOF_TYPE, "proofValue": "z1"});
        let spliced = with_proof_bytes(serde_json::to_vec(&doc).unwrap(), &proof);
        let signed = integrity::with_proof(doc, proof).unwrap();
        assert_eq!(spliced, to_json_bytes(&signed));
        let empty = with_proof_bytes(b"{}".to_vec(), &json!({}));
        assert_eq!(empty, b"{\"proof\":[{}]}\n");
    }

    #[test]
    fn cached_signatures_give_the_same_bytes_without_signing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        let secret = std::fs::read_to_string(root.join("../TEST-ONLY-signing-key.txt")).unwrap();
        let secret = Secret::parse(&secret).unwrap();
        let mut problems = crate::diagnostic::Diagnostics::default();
        let loaded = crate::repo::load(&root, &mut problems);
        let site = crate::repo::validate::validate(loaded, &mut problems).unwrap();
        let slots = BTreeMap::new();
        let canon = Canonicalizer::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signatures");
        let sign_all = |cache: &Cache| {
            let issuer = Issuer::new(&site, &slots, &canon, Some(&secret))
                .unwrap()
                .with_cache(Some(cache));
            let files: Vec<Vec<u8>> = site
                .awards()
                .map(|(b, a)| issuer.award(b, a).unwrap().credential)
                .collect();
            (files, issuer.signatures_made())
        };
        let cold = Cache::open(&path, [1; 32]);
        let (first, made) = sign_all(&cold);
        assert_eq!(made, 3);
        cold.save(false).unwrap();
        let warm = Cache::open(&path, [1; 32]);
        let (second, made) = sign_all(&warm);
        assert_eq!(made, 0, "every signature came from the cache");
        assert_eq!((first.clone(), warm.hits()), (second, 3));
        // Without a cache, the same bytes.
        let issuer = Issuer::new(&site, &slots, &canon, Some(&secret)).unwrap();
        let uncached: Vec<Vec<u8>> = site
            .awards()
            .map(|(b, a)| issuer.award(b, a).unwrap().credential)
            .collect();
        assert_eq!(uncached, first);
    }
}
