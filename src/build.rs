//! The pipeline, end to end: load → validate → model → (sign) → render →
//! write. `check` stops after validation; `build` goes all the way and swaps
//! the new output into place only when every stage succeeded.

use std::path::{Path, PathBuf};

use crate::canon::Canonicalizer;
use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::error::Error;
use crate::keys::{self, Secret};
use crate::model::Site;
use crate::output::{self, Sink, WriteError};
use crate::render;
use crate::view::Extras;
use crate::{ledger, load, publish, sign, status, theme, validate};

/// What `build` needs to know beyond the repository.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` of site.toml (for previews and staging hosts).
    pub base_url: Option<String>,
    /// The secret signing key file (`--key`); else `ROSETTE_SIGNING_KEY`.
    pub key_file: Option<PathBuf>,
    /// Refuse to build when `rosette.lock` would change (for CI).
    pub locked: bool,
}

/// What a successful build made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub badges: usize,
    pub awards: usize,
    pub pages: usize,
    /// Credentials signed (0 when the site has no keys).
    pub signed: usize,
    /// Warnings for the user (unsigned site, demo key).
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {}, {}, {}",
            plural(self.badges, "badge"),
            plural(self.awards, "award"),
            plural(self.pages, "page"),
            plural(self.signed, "signed credential")
        )
    }
}

/// Loads and validates the repository at `root`, reporting every problem.
pub fn check(root: &Path, base_url: Option<&str>) -> Result<(Site, Sources), Error> {
    let mut problems = Diagnostics::default();
    let loaded = load::load(root, &mut problems);
    let sources = loaded.sources.clone();
    let site = validate::validate(loaded, &mut problems);
    let site = match (site, base_url) {
        (Some(mut site), Some(url)) => match validate::rules::base_url(url) {
            Ok(()) => {
                site.base_url = url.to_string();
                Some(site)
            }
            Err(expected) => {
                problems.push(
                    Diagnostic::new(format!("invalid `--base-url {url}`"))
                        .label(format!("expected {expected}")),
                );
                None
            }
        },
        (site, _) => site,
    };
    let mut sources = sources;
    let ledger = ledger::load(root, &mut sources, &mut problems);
    let site = site.map(|mut site| {
        ledger::check(&ledger, &site, &mut problems);
        site.status_slots = status::assign(&site, &ledger.awards);
        let next = ledger.updated(&site, &site.status_slots);
        if next != ledger {
            site.lock_update = Some(next.to_text());
        }
        site
    });
    match site {
        Some(site) if problems.is_empty() => Ok((site, sources)),
        _ => {
            problems.sort();
            Err(Error::Problems {
                diagnostics: problems,
                sources,
            })
        }
    }
}

/// `rosette check`: [`check`], plus what signing would find (JSON-LD safe
/// mode on every credential), without needing the secret key.
pub fn check_all(root: &Path, locked: bool) -> Result<Site, Error> {
    let (site, sources) = check(root, None)?;
    if locked {
        refuse_lock_change(&site, &sources)?;
    }
    let canon =
        Canonicalizer::new().map_err(|e| Error::Usage(format!("bundled JSON-LD contexts: {e}")))?;
    let mut problems = sign::check_site(&site, &canon);
    if problems.is_empty() {
        Ok(site)
    } else {
        problems.sort();
        Err(Error::Problems {
            diagnostics: problems,
            sources,
        })
    }
}

/// Signs (when a secret is given), renders and writes a validated site into
/// any sink (a folder, or memory for `serve`). Returns the number of signed
/// credentials.
pub fn render_into(
    site: &Site,
    sources: &Sources,
    secret: Option<&Secret>,
    sink: &dyn Sink,
) -> Result<usize, Error> {
    let problems_in = |diagnostics: Diagnostics| Error::Problems {
        diagnostics,
        sources: sources.clone(),
    };
    let mut problems = Diagnostics::default();
    let theme = theme::load(&site.root, &site.theme, &mut problems);
    if !problems.is_empty() {
        return Err(problems_in(problems));
    }
    let signed = match secret {
        Some(secret) => {
            let canon = Canonicalizer::new()
                .map_err(|e| Error::Usage(format!("bundled JSON-LD contexts: {e}")))?;
            Some(sign::sign_site(site, secret, &canon, sink).map_err(problems_in)?)
        }
        None => None,
    };
    let extras = match &signed {
        Some(signed) => publish::extras(site, signed),
        None => Extras::default(),
    };
    render::render_site(site, &theme, &extras, sink)?;
    if let Some(signed) = &signed {
        publish::write(signed, sink).map_err(|e| Error::Render(e.into()))?;
    }
    Ok(signed.map_or(0, |s| s.signed))
}

/// Builds the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Summary, Error> {
    let (site, sources) = check(&options.root, options.base_url.as_deref())?;
    refuse_dangerous_out(&options.root, &options.out)?;
    if options.locked {
        refuse_lock_change(&site, &sources)?;
    }
    let secret = keys::read_secret(options.key_file.as_deref()).map_err(Error::Usage)?;
    let mut warnings = Vec::new();
    match (&secret, site.keys.is_empty()) {
        (None, true) => warnings.push(
            "no signing keys in site/site.toml: pages are built, but no Open Badges 3.0 \
             credentials (run `rosette keygen`)"
                .to_string(),
        ),
        (None, false) => {
            return Err(Error::Usage(format!(
                "site/site.toml lists signing keys, but no secret key was given: \
                 pass `--key FILE` or set {}",
                keys::SECRET_ENV
            )));
        }
        (Some(secret), _) => {
            secret.find_key(&site.keys).map_err(Error::Usage)?;
        }
    }
    if let Ok(did) = crate::did::DidWeb::from_base_url(&site.base_url) {
        let size = sign::to_json_bytes(&crate::did::DidDocument::new(&did, &site.keys)).len();
        if size > crate::did::WALLET_LIMIT {
            warnings.push(format!(
                "did.json is {size} bytes: the did:web resolver of the Learner Credential Wallet \
                 and VerifierPlus refuses documents over {} bytes (too many keys)",
                crate::did::WALLET_LIMIT
            ));
        }
    }
    if secret.is_some() && site.base_url.starts_with("http://") {
        warnings.push(
            "base_url is http://: did:web documents are fetched over https only, so verifiers \
             elsewhere cannot check these credentials (fine for a local preview)"
                .to_string(),
        );
    }
    match &secret {
        Some(secret) if secret.public_multikey() == keys::DEMO_PUBLIC_KEY => warnings.push(
            "signing with the public DEMO key: anyone can forge these credentials; \
             use `rosette keygen` for real badges"
                .to_string(),
        ),
        _ => {}
    }
    let mut signed = 0;
    output::write_atomically(&options.out, |folder| {
        signed = render_into(&site, &sources, secret.as_ref(), folder)?;
        Ok(())
    })
    .map_err(|e| match e {
        WriteError::Build(error) => error,
        WriteError::Io { path, error } => Error::Io { path, error },
        WriteError::Refused { path, reason } => {
            Error::Usage(format!("refusing to replace {}: {reason}", path.display()))
        }
    })?;
    if let Some(text) = &site.lock_update {
        write_lock(&options.root, text)?;
    }
    Ok(Summary {
        badges: site.badges.len(),
        awards: site.award_count(),
        pages: site.pages.len(),
        signed,
        warnings,
    })
}

/// `--locked`: the build must not publish anything `rosette.lock` does not
/// already record (new awards would get their status slots in CI only).
pub fn refuse_lock_change(site: &Site, sources: &Sources) -> Result<(), Error> {
    if site.lock_update.is_none() {
        return Ok(());
    }
    let mut problems = Diagnostics::default();
    problems.push(
        Diagnostic::in_file(
            ledger::LOCK_FILE,
            "rosette.lock does not record every badge and award yet",
        )
        .help("run `rosette build` without --locked and commit rosette.lock with the new awards"),
    );
    Err(Error::Problems {
        diagnostics: problems,
        sources: sources.clone(),
    })
}

/// Replaces `rosette.lock` atomically (write beside it, then rename).
fn write_lock(root: &Path, text: &str) -> Result<(), Error> {
    let path = root.join(ledger::LOCK_FILE);
    let temp = root.join(format!(
        ".{}.rosette-new-{}",
        ledger::LOCK_FILE,
        std::process::id()
    ));
    let io = |error| Error::Io {
        path: path.clone(),
        error,
    };
    std::fs::write(&temp, text).map_err(io)?;
    std::fs::rename(&temp, &path).map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        Error::Io {
            path: path.clone(),
            error,
        }
    })
}

/// The output folder must not be the repository or hold it, nor sit inside
/// the folders Rosette reads.
fn refuse_dangerous_out(root: &Path, out: &Path) -> Result<(), Error> {
    // Absolute and without `.`/`..`, so `public/../badges/x` is seen for what it is.
    let absolute = |p: &Path| {
        let path = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let mut clean = PathBuf::new();
        for part in path.components() {
            match part {
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                std::path::Component::CurDir => {}
                other => clean.push(other),
            }
        }
        clean
    };
    let (root, out) = (absolute(root), absolute(out));
    let inside_sources = ["site", "badges", "themes"]
        .iter()
        .any(|d| out.starts_with(root.join(d)));
    if root.starts_with(&out) || inside_sources {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it holds the badge repository or its sources",
            out.display()
        )));
    }
    Ok(())
}
