//! `rosette verify`: check Open Badges 3.0 credentials the way a stranger's
//! verifier does, trusting nothing but the DID document.
//!
//! For each credential: the shape of its single `eddsa-rdfc-2022` proof; the
//! verification method resolved through `did:web` (or `did:key`, see
//! [`did`]); the signature; the validity dates; and the revocation status
//! list ([`status`], each list verified once per run). URLs under the site's
//! base URL are read from the local site folder when one is given, anything
//! else over HTTPS ([`resolver`]).
//!
//! A credential may come as JSON or baked into a PNG or SVG badge image
//! ([`bake`]).
//!
//! Nothing is printed here: [`run`] returns a [`Report`] for the CLI.

pub mod did;
pub mod endorsement;
pub mod resolver;
pub mod status;

use std::path::{Path, PathBuf};

use serde_json::Value;
use time::OffsetDateTime;

use crate::credential::bake;
use crate::credential::canon::{Canonicalize, Canonicalizer};
use crate::credential::integrity;
use crate::credential::shapes::ShapeCache;
use crate::error::Error;
use crate::layout;

pub use did::resolve_key;
pub use resolver::{Resolver, site_base_url};
pub use status::StatusLists;

/// The verdict on one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Expired { until: String },
    NotYetValid { from: String },
    Revoked,
    Invalid(String),
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        *self == Verdict::Valid
    }
}

/// What verifying one credential found.
#[derive(Debug, Clone)]
pub struct Verification {
    pub verdict: Verdict,
    /// The credential's name, when it has one.
    pub name: Option<String>,
    pub issuer: Option<String>,
}

/// Verifies one credential document.
pub fn verify_credential(
    canon: &dyn Canonicalize,
    doc: &Value,
    resolver: &Resolver,
    now: OffsetDateTime,
) -> Verification {
    verify_with(canon, &StatusLists::new(canon), doc, resolver, now)
}

fn verify_with(
    canon: &dyn Canonicalize,
    lists: &StatusLists<'_>,
    doc: &Value,
    resolver: &Resolver,
    now: OffsetDateTime,
) -> Verification {
    let name = doc.get("name").and_then(Value::as_str).map(str::to_string);
    let issuer = issuer_id(doc).map(str::to_string);
    let verdict = match check(canon, lists, doc, resolver, now) {
        Ok(verdict) => verdict,
        Err(reason) => Verdict::Invalid(reason),
    };
    Verification {
        verdict,
        name,
        issuer,
    }
}

fn issuer_id(doc: &Value) -> Option<&str> {
    match doc.get("issuer")? {
        Value::String(id) => Some(id),
        Value::Object(profile) => profile.get("id")?.as_str(),
        _ => None,
    }
}

fn check(
    canon: &dyn Canonicalize,
    lists: &StatusLists<'_>,
    doc: &Value,
    resolver: &Resolver,
    now: OffsetDateTime,
) -> Result<Verdict, String> {
    let types = doc
        .get("type")
        .and_then(Value::as_array)
        .ok_or("`type` is not an array")?;
    if !types.iter().any(|t| t == "VerifiableCredential") {
        return Err("not a VerifiableCredential".into());
    }
    let issuer = issuer_id(doc).ok_or("no issuer id")?;
    verify_proof(canon, doc, &|vm| resolve_key(vm, issuer, resolver))?;
    let date = |name: &str| -> Result<Option<(OffsetDateTime, String)>, String> {
        match doc.get(name).and_then(Value::as_str) {
            None => Ok(None),
            Some(text) => {
                OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .map(|at| Some((at, text.to_string())))
                    .map_err(|_| format!("`{name}` is not an RFC 3339 date-time"))
            }
        }
    };
    if let Some((from, text)) = date("validFrom")?
        && now < from
    {
        return Ok(Verdict::NotYetValid { from: text });
    }
    if let Some((until, text)) = date("validUntil")?
        && now >= until
    {
        return Ok(Verdict::Expired { until: text });
    }
    if let Some(entry) = doc.get("credentialStatus")
        && lists.is_revoked(entry, issuer, resolver)?
    {
        return Ok(Verdict::Revoked);
    }
    Ok(Verdict::Valid)
}

/// Checks the single `eddsa-rdfc-2022` proof of `doc`: its shape, its
/// purpose, and the signature with the key that `key` resolves the
/// verification method to (checking, for instance, that it belongs to the
/// issuer).
pub fn verify_proof(
    canon: &dyn Canonicalize,
    doc: &Value,
    key: &dyn Fn(&str) -> Result<ed25519_dalek::VerifyingKey, String>,
) -> Result<(), String> {
    let proof = match doc.get("proof") {
        Some(Value::Array(proofs)) if proofs.len() == 1 => &proofs[0],
        Some(Value::Object(_)) => &doc["proof"],
        Some(_) => return Err("expected exactly one proof".into()),
        None => return Err("the credential is not signed (no `proof`)".into()),
    };
    let field = |name: &str| proof.get(name).and_then(Value::as_str);
    if field("type") != Some(integrity::PROOF_TYPE)
        || field("cryptosuite") != Some(integrity::CRYPTOSUITE)
    {
        return Err(
            "the proof is not a DataIntegrityProof with cryptosuite eddsa-rdfc-2022".into(),
        );
    }
    if field("proofPurpose") != Some("assertionMethod") {
        return Err("the proof's purpose is not assertionMethod".into());
    }
    let vm = field("verificationMethod").ok_or("the proof has no verificationMethod")?;
    let public = key(vm)?;
    integrity::verify(canon, doc, &public).map_err(|e| match e {
        integrity::IntegrityError::BadSignature => {
            "invalid signature: the credential was changed after signing, or signed by another key"
                .to_string()
        }
        other => other.to_string(),
    })
}

/// What `rosette verify` was asked to check.
#[derive(Debug, Clone)]
pub struct Request {
    pub site: Option<PathBuf>,
    pub base_url: Option<String>,
    pub at: OffsetDateTime,
    pub paths: Vec<String>,
    /// Whether a revoked, expired or not yet valid credential of a site
    /// folder fails too (a single file or URL always fails then).
    pub strict: bool,
}

/// One verified credential of a report.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file or URL it was read from.
    pub label: String,
    pub verification: Verification,
    /// Whether this verdict fails the run.
    pub fails: bool,
}

/// Everything a verification run found, in the order asked.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub entries: Vec<Entry>,
    /// Whether a whole site folder was verified (revoked and expired
    /// credentials are then what the site publishes, unless `strict`).
    pub whole_site: bool,
}

impl Report {
    /// How many entries fail the run.
    pub fn failed(&self) -> usize {
        self.entries.iter().filter(|e| e.fails).count()
    }

    /// Counts by verdict: (valid, revoked, expired, not yet valid, invalid).
    pub fn counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for entry in &self.entries {
            let i = match entry.verification.verdict {
                Verdict::Valid => 0,
                Verdict::Revoked => 1,
                Verdict::Expired { .. } => 2,
                Verdict::NotYetValid { .. } => 3,
                Verdict::Invalid(_) => 4,
            };
            counts[i] += 1;
        }
        counts
    }
}

/// Verifies every credential `request` names. Usage problems (unreadable
/// paths, a site folder without a DID document) are errors; credentials
/// that do not verify are in the report.
pub fn run(request: &Request) -> Result<Report, Error> {
    let usage = Error::Usage;
    let canon =
        Canonicalizer::new().map_err(|e| usage(format!("bundled JSON-LD contexts: {e}")))?;
    // A site's credentials share a few shapes: expand each shape once.
    let shapes = ShapeCache::new(&canon);
    let lists = StatusLists::new(&shapes);
    let site_of = |dir: &Path| -> Result<(PathBuf, String), Error> {
        let base = match &request.base_url {
            Some(base) => base.clone(),
            None => site_base_url(dir).map_err(usage)?,
        };
        Ok((dir.to_path_buf(), base))
    };
    let default_site = request.site.as_deref().map(site_of).transpose()?;
    let mut report = Report::default();
    for path in &request.paths {
        let mut resolver = Resolver {
            site: default_site.clone(),
            network: true,
        };
        // (label, document, the OB 2.0 assertion beside it for site folders)
        let mut documents: Vec<(String, Result<Value, String>, Option<PathBuf>)> = Vec::new();
        let mut site_folder = false;
        if path.starts_with("https://") || path.starts_with("http://") {
            let document = resolver.fetch(path).and_then(|bytes| document(&bytes));
            documents.push((path.clone(), document, None));
        } else if Path::new(path).is_dir() {
            site_folder = true;
            let dir = Path::new(path);
            if resolver.site.is_none() {
                resolver.site = Some(site_of(dir)?);
            }
            let awards = dir.join(layout::AWARDS_DIR);
            let mut folders: Vec<PathBuf> = std::fs::read_dir(&awards)
                .map_err(|e| usage(format!("{}: {e}", awards.display())))?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|folder| folder.join(layout::CREDENTIAL_FILE).is_file())
                .collect();
            folders.sort();
            if folders.is_empty() {
                return Err(usage(format!(
                    "no {}*/{} in {path}",
                    layout::AWARDS_DIR,
                    layout::CREDENTIAL_FILE
                )));
            }
            for folder in folders {
                let file = folder.join(layout::CREDENTIAL_FILE);
                let assertion = folder.join("assertion.json");
                documents.push((
                    file.display().to_string(),
                    read_json(&file),
                    assertion.is_file().then_some(assertion),
                ));
            }
        } else {
            let file = Path::new(path);
            if !file.is_file() {
                return Err(usage(format!("{path}: no such file, folder or URL")));
            }
            let document = resolver::read_file(file, resolver::MAX_DOCUMENT)
                .map_err(|e| format!("cannot read {path}: {e}"))
                .and_then(|bytes| document(&bytes));
            documents.push((path.clone(), document, None));
        }
        report.whole_site |= site_folder;
        for (label, document, assertion) in documents {
            let mut verification = match document {
                Ok(doc) => verify_with(&shapes, &lists, &doc, &resolver, request.at),
                Err(reason) => Verification {
                    verdict: Verdict::Invalid(reason),
                    name: None,
                    issuer: None,
                },
            };
            if let Some(assertion) = assertion {
                agree_with_assertion(&mut verification, &assertion);
            }
            let fails = match verification.verdict {
                Verdict::Valid => false,
                Verdict::Invalid(_) => true,
                _ => request.strict || !site_folder,
            };
            report.entries.push(Entry {
                label,
                verification,
                fails,
            });
        }
    }
    Ok(report)
}

/// A site publishes each award's status twice: in the status list (OB 3.0)
/// and in the hosted OB 2.0 assertion. A site whose two disagree is not
/// what it claims to be.
fn agree_with_assertion(verification: &mut Verification, assertion: &Path) {
    let Ok(doc) = read_json(assertion) else {
        verification.verdict = Verdict::Invalid(format!("{} is not JSON", assertion.display()));
        return;
    };
    let assertion_revoked = doc.get("revoked").and_then(Value::as_bool) == Some(true);
    let list_revoked = verification.verdict == Verdict::Revoked;
    let judged = !matches!(verification.verdict, Verdict::Invalid(_));
    // An expired or pending credential's status was not read: nothing to compare.
    let status_read = matches!(verification.verdict, Verdict::Valid | Verdict::Revoked);
    if judged && status_read && assertion_revoked != list_revoked {
        verification.verdict = Verdict::Invalid(format!(
            "the status list says {}, but the OB 2.0 assertion {} says {}",
            if list_revoked {
                "revoked"
            } else {
                "not revoked"
            },
            assertion.display(),
            if assertion_revoked {
                "revoked"
            } else {
                "not revoked"
            },
        ));
    }
}

/// A credential from a JSON file or from a baked PNG or SVG image.
fn document(bytes: &[u8]) -> Result<Value, String> {
    if bake::format_of(bytes).is_some() {
        let found = bake::extract(bytes).map_err(|e| e.to_string())?;
        let text = found
            .credential
            .ok_or("no Open Badges 3.0 credential is baked in this image")?;
        return serde_json::from_str(&text)
            .map_err(|e| format!("the baked credential is not JSON: {e}"));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let bytes = resolver::read_file(path, resolver::MAX_DOCUMENT)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}
