//! Where a verifier's documents come from: a built site folder for URLs
//! under its base URL, HTTPS for anything else (when allowed). Every read is
//! bounded in size.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::credential::did;
use crate::layout;

/// The largest document a verifier reads (a credential, a DID document, a
/// status list), in bytes.
pub const MAX_DOCUMENT: u64 = 16 << 20;

/// Where documents come from.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// A built site folder and the base URL it is served from.
    pub site: Option<(PathBuf, String)>,
    /// Whether URLs outside the site may be fetched over HTTPS.
    pub network: bool,
}

impl Resolver {
    /// Reads the document at `url`, of at most `limit` bytes.
    pub fn fetch_limited(&self, url: &str, limit: u64) -> Result<Vec<u8>, String> {
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
            return read_file(&path, limit)
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
            .limit(limit)
            .read_to_vec()
            .map_err(|e| format!("cannot read {url}: {e}"))
    }

    /// Reads the document at `url` ([`MAX_DOCUMENT`] bytes at most).
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        self.fetch_limited(url, MAX_DOCUMENT)
    }

    pub fn fetch_json(&self, url: &str) -> Result<Value, String> {
        let bytes = self.fetch(url)?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{url} is not JSON: {e}"))
    }
}

/// Reads a whole file of at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// The base URL a built site folder is served from, read from its DID document.
pub fn site_base_url(dir: &Path) -> Result<String, String> {
    for rel in ["did.json", ".well-known/did.json"] {
        if let Ok(bytes) = read_file(&dir.join(rel), MAX_DOCUMENT) {
            let doc: Value =
                serde_json::from_slice(&bytes).map_err(|e| format!("{rel} is not JSON: {e}"))?;
            let id = doc
                .get("id")
                .and_then(Value::as_str)
                .ok_or(format!("{rel} has no `id`"))?;
            let url = did::document_url(id).ok_or(format!("{rel}: `{id}` is not a did:web DID"))?;
            let base = url
                .strip_suffix(rel)
                .map(str::to_string)
                .ok_or(format!("{rel}: `{id}` is not published at this path"))?;
            if layout::did_document(&base) != rel {
                return Err(format!("{rel}: `{id}` is not published at this path"));
            }
            return Ok(base);
        }
    }
    Err(format!("no did.json in {}: pass --base-url", dir.display()))
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
        assert!(
            resolver
                .fetch_limited("https://example.org/b/did.json", 4)
                .is_err()
        );
        assert_eq!(site_base_url(dir.path()).unwrap(), "https://example.org/b/");
    }
}
