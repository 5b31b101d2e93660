//! Issuing: everything a signed site publishes besides its pages, made
//! from the model. Each award becomes an Open Badges 3.0 credential with an
//! `eddsa-rdfc-2022` proof by the issuer's `did:web` key (through
//! [`integrity::sign`], the code the published test vectors test) and an
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
//! once per document shape, proof configurations included.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::canon::{CanonError, Canonicalize, Canonicalizer};
use super::did::{DidDocument, DidWeb};
use super::integrity::{self, CRYPTOSUITE, IntegrityError, PROOF_TYPE};
use super::keys::Secret;
use super::portable::Portable;
use super::shapes::ShapeCache;
use super::{contexts, ob2, ob3, recipient, status};
use crate::layout::{self, Urls};
use crate::model::{Award, Badge, Site, Slot, timestamp};
use crate::output::json::to_json_bytes;

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
}

/// Makes a site's credentials. Build it once per build and share it across
/// threads; without a secret it can only [`check`](Issuer::check_award).
pub struct Issuer<'a> {
    site: &'a Site,
    slots: &'a BTreeMap<String, Slot>,
    canon: &'a Canonicalizer,
    shapes: ShapeCache<'a>,
    did: DidWeb,
    signer: Option<Signer<'a>>,
}

struct Signer<'a> {
    secret: &'a Secret,
    key_id: String,
    /// The verification method: `<did>#<key id>`.
    method: String,
    salt_key: [u8; 32],
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
                })
            }
        };
        Ok(Issuer {
            site,
            slots,
            canon,
            shapes: ShapeCache::new(canon),
            did,
            signer,
        })
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
        Portable(&self.shapes)
            .canonicalize(&unsigned)
            .map(drop)
            .map_err(|error| award_error(award, error, &unsigned))
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
        let signed = self
            .sign(signer, unsigned, &created)
            .map_err(|failed| award_error(award, failed.0, &failed.1))?;
        Ok(AwardFiles {
            credential: to_json_bytes(&signed),
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
        for badge in &self.site.badges {
            let mut achievement = ob3::achievement(self.site, badge);
            achievement.context = Some(contexts::ACHIEVEMENT);
            let value = serde_json::to_value(&achievement).unwrap_or_default();
            Portable(self.canon)
                .canonicalize(&value)
                .map_err(|error| IssueError::Achievement {
                    slug: badge.slug.clone(),
                    error,
                })?;
            files.push((layout::achievement(&badge.slug), to_json_bytes(&value)));
        }
        for (list, unsigned) in status::lists(self.site, self.slots, &self.did.did) {
            let created = timestamp(self.latest_change(list));
            let signed =
                self.sign(signer, unsigned, &created)
                    .map_err(|failed| IssueError::StatusList {
                        list,
                        error: IntegrityError::Canon(failed.0),
                    })?;
            files.push((layout::status_list(list), to_json_bytes(&signed)));
        }
        files.extend(ob2::documents(self.site));
        Ok(files)
    }

    /// Signs `unsigned` with an `eddsa-rdfc-2022` proof created at `created`.
    /// On failure, returns the document back for the report.
    fn sign(
        &self,
        signer: &Signer<'_>,
        unsigned: Value,
        created: &str,
    ) -> Result<Value, Box<(CanonError, Value)>> {
        let options = json!({
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": created,
            "verificationMethod": signer.method,
            "proofPurpose": "assertionMethod",
        });
        let canon = Portable(&self.shapes);
        match integrity::sign(&canon, &unsigned, &options, signer.secret.signing_key()) {
            Ok(proof) => integrity::with_proof(unsigned, proof)
                .map_err(|_| Box::new((CanonError::NotAnObject, Value::Null))),
            Err(IntegrityError::Canon(error)) => Err(Box::new((error, unsigned))),
            Err(other) => Err(Box::new((
                CanonError::Expansion(other.to_string()),
                unsigned,
            ))),
        }
    }

    /// The credential of an award as JSON, before signing.
    fn unsigned(&self, badge: &Badge, award: &Award, salt: &str) -> Value {
        let entry = self
            .slots
            .get(&award.id)
            .map(|slot| status::entry(Urls::new(&self.site.base_url), *slot));
        let credential = ob3::credential(self.site, &self.did.did, badge, award, salt, entry);
        serde_json::to_value(&credential).unwrap_or_default()
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
