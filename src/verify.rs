//! `rosette verify`: check Open Badges 3.0 credentials the way a stranger's
//! verifier does, trusting nothing but the DID document.
//!
//! For each credential: the shape of its single `eddsa-rdfc-2022` proof; the
//! verification method resolved through `did:web` (or `did:key`); that the
//! method is listed in `assertionMethod` and controlled by the issuer; the
//! signature; the validity dates; and the revocation status list. URLs under
//! the site's base URL are read from the local site folder when one is given,
//! anything else over HTTPS.

use std::path::{Path, PathBuf};

use serde_json::Value;
use time::OffsetDateTime;

use crate::canon::{Canonicalize, Canonicalizer};
use crate::did;
use crate::integrity;
use crate::multikey;
use crate::shapes::ShapeCache;
use crate::status;

/// Where documents come from.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// A built site folder and the base URL it is served from.
    pub site: Option<(PathBuf, String)>,
    /// Whether URLs outside the site may be fetched over HTTPS.
    pub network: bool,
}

impl Resolver {
    /// Reads the document at `url`.
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        if let Some((dir, base)) = &self.site
            && let Some(rel) = url.strip_prefix(base.as_str())
        {
            let rel = rel.split(['#', '?']).next().unwrap_or_default();
            if rel
                .split('/')
                .any(|part| part == ".." || part.starts_with('.') && part != ".well-known")
            {
                return Err(format!("refusing to read {url} from the site folder"));
            }
            let path = dir.join(rel);
            return std::fs::read(&path)
                .map_err(|e| format!("cannot read {} (for {url}): {e}", path.display()));
        }
        if !self.network {
            return Err(format!(
                "{url} is outside the site folder and network access is off"
            ));
        }
        if !url.starts_with("https://") {
            return Err(format!(
                "refusing to fetch {url}: only https URLs are fetched"
            ));
        }
        let response = ureq::get(url)
            .header("Accept", "application/ld+json, application/json")
            .call()
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        response
            .into_body()
            .with_config()
            .limit(10 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| format!("cannot read {url}: {e}"))
    }

    pub fn fetch_json(&self, url: &str) -> Result<Value, String> {
        let bytes = self.fetch(url)?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{url} is not JSON: {e}"))
    }
}

/// The base URL a built site folder is served from, read from its DID document.
pub fn site_base_url(dir: &Path) -> Result<String, String> {
    for (rel, suffix) in [
        ("did.json", "did.json"),
        (".well-known/did.json", ".well-known/did.json"),
    ] {
        if let Ok(bytes) = std::fs::read(dir.join(rel)) {
            let doc: Value =
                serde_json::from_slice(&bytes).map_err(|e| format!("{rel} is not JSON: {e}"))?;
            let id = doc
                .get("id")
                .and_then(Value::as_str)
                .ok_or(format!("{rel} has no `id`"))?;
            let url = did::document_url(id).ok_or(format!("{rel}: `{id}` is not a did:web DID"))?;
            return url
                .strip_suffix(suffix)
                .map(str::to_string)
                .ok_or(format!("{rel}: `{id}` is not published at this path"));
        }
    }
    Err(format!("no did.json in {}: pass --base-url", dir.display()))
}

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

/// What a verification found.
#[derive(Debug, Clone)]
pub struct Report {
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
) -> Report {
    let name = doc.get("name").and_then(Value::as_str).map(str::to_string);
    let issuer = issuer_id(doc).map(str::to_string);
    let verdict = match check(canon, doc, resolver, now) {
        Ok(verdict) => verdict,
        Err(reason) => Verdict::Invalid(reason),
    };
    Report {
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
    let public = resolve_key(vm, issuer, resolver)?;
    integrity::verify(canon, doc, &public).map_err(|e| match e {
        integrity::IntegrityError::BadSignature => {
            "invalid signature: the credential was changed after signing, or signed by another key"
                .to_string()
        }
        other => other.to_string(),
    })?;
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
        && status::is_revoked(canon, entry, issuer, resolver)?
    {
        return Ok(Verdict::Revoked);
    }
    Ok(Verdict::Valid)
}

/// Resolves a verification method to an Ed25519 public key, applying the
/// W3C Controlled Identifiers rules: the document's id is the DID, the method
/// is in it with that id and controller, it is listed in `assertionMethod`,
/// and its controller is the credential's issuer.
pub fn resolve_key(
    vm: &str,
    issuer: &str,
    resolver: &Resolver,
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
        let url = did::document_url(controller).ok_or(format!(
            "unsupported verification method `{vm}` (did:web and did:key are supported)"
        ))?;
        let document = resolver.fetch_json(&url)?;
        if document.get("id").and_then(Value::as_str) != Some(controller) {
            return Err(format!("the DID document at {url} is not for {controller}"));
        }
        let method = document
            .get("verificationMethod")
            .and_then(Value::as_array)
            .and_then(|methods| {
                methods
                    .iter()
                    .find(|m| m.get("id").and_then(Value::as_str) == Some(vm))
            })
            .ok_or(format!("key `{vm}` is not in the issuer's DID document"))?;
        if method.get("controller").and_then(Value::as_str) != Some(controller) {
            return Err(format!("key `{vm}` is not controlled by {controller}"));
        }
        let listed = document
            .get("assertionMethod")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|m| m.as_str() == Some(vm)));
        if !listed {
            return Err(format!(
                "key `{vm}` is not listed in the DID document's assertionMethod"
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

/// What `rosette verify` was asked to check.
#[derive(Debug, Clone)]
pub struct Request {
    pub site: Option<PathBuf>,
    pub base_url: Option<String>,
    pub at: OffsetDateTime,
    pub paths: Vec<String>,
}

/// Counts of a verification run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub valid: usize,
    pub failed: usize,
}

/// Verifies every credential `request` names, printing one line each and a
/// summary. Returns the counts; usage problems (unreadable paths) are errors.
pub fn run(request: &Request) -> Result<Summary, crate::Error> {
    let usage = crate::Error::Usage;
    let canon =
        Canonicalizer::new().map_err(|e| usage(format!("bundled JSON-LD contexts: {e}")))?;
    // A site's credentials share a few shapes: expand each shape once.
    let shapes = ShapeCache::new(&canon);
    let site_of = |dir: &Path| -> Result<(PathBuf, String), crate::Error> {
        let base = match &request.base_url {
            Some(base) => base.clone(),
            None => site_base_url(dir).map_err(usage)?,
        };
        Ok((dir.to_path_buf(), base))
    };
    let default_site = request.site.as_deref().map(site_of).transpose()?;
    let mut summary = Summary::default();
    for path in &request.paths {
        let mut resolver = Resolver {
            site: default_site.clone(),
            network: true,
        };
        let mut documents: Vec<(String, Result<Value, String>)> = Vec::new();
        if path.starts_with("https://") || path.starts_with("http://") {
            documents.push((path.clone(), resolver.fetch_json(path)));
        } else if Path::new(path).is_dir() {
            let dir = Path::new(path);
            if resolver.site.is_none() {
                resolver.site = Some(site_of(dir)?);
            }
            let awards = dir.join("awards");
            let mut files: Vec<PathBuf> = std::fs::read_dir(&awards)
                .map_err(|e| usage(format!("{}: {e}", awards.display())))?
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("credential.json"))
                .filter(|file| file.is_file())
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(usage(format!("no awards/*/credential.json in {path}")));
            }
            for file in files {
                documents.push((file.display().to_string(), read_json(&file)));
            }
        } else {
            let file = Path::new(path);
            if !file.is_file() {
                return Err(usage(format!("{path}: no such file, folder or URL")));
            }
            documents.push((path.clone(), read_json(file)));
        }
        for (label, document) in documents {
            let report = match document {
                Ok(doc) => verify_credential(&shapes, &doc, &resolver, request.at),
                Err(reason) => Report {
                    verdict: Verdict::Invalid(reason),
                    name: None,
                    issuer: None,
                },
            };
            let name = report.name.as_deref().unwrap_or("(no name)");
            match &report.verdict {
                Verdict::Valid => {
                    summary.valid += 1;
                    println!("ok       {label}: {name}");
                }
                Verdict::Expired { until } => {
                    println!("EXPIRED  {label}: {name} (valid until {until})")
                }
                Verdict::NotYetValid { from } => {
                    println!("PENDING  {label}: {name} (valid from {from})")
                }
                Verdict::Revoked => println!("REVOKED  {label}: {name}"),
                Verdict::Invalid(reason) => println!("FAIL     {label}: {reason}"),
            }
            if !report.verdict.is_valid() {
                summary.failed += 1;
            }
        }
    }
    println!("{} valid, {} not valid", summary.valid, summary.failed);
    Ok(summary)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_folder_serves_urls_under_the_base_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("did.json"),
            "{\"id\":\"did:web:example.org:b\"}",
        )
        .unwrap();
        let resolver = Resolver {
            site: Some((dir.path().to_path_buf(), "https://example.org/b/".into())),
            network: false,
        };
        assert!(resolver.fetch("https://example.org/b/did.json").is_ok());
        assert!(
            resolver
                .fetch("https://example.org/b/../etc/passwd")
                .is_err()
        );
        assert!(
            resolver
                .fetch("https://example.org/other.json")
                .unwrap_err()
                .contains("network access is off")
        );
        assert_eq!(site_base_url(dir.path()).unwrap(), "https://example.org/b/");
    }
}
