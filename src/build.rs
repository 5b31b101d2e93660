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
use crate::{load, publish, sign, theme, validate};

/// What `build` needs to know beyond the repository.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` of site.toml (for previews and staging hosts).
    pub base_url: Option<String>,
    /// The secret signing key file (`--key`); else `ROSETTE_SIGNING_KEY`.
    pub key_file: Option<PathBuf>,
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
pub fn check_all(root: &Path) -> Result<Site, Error> {
    let (site, sources) = check(root, None)?;
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
            Some(sign::sign_site(site, secret, &canon).map_err(problems_in)?)
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
    Ok(signed.map_or(0, |s| s.credentials.len()))
}

/// Builds the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Summary, Error> {
    let (site, sources) = check(&options.root, options.base_url.as_deref())?;
    refuse_dangerous_out(&options.root, &options.out)?;
    keep_published_urls(&site, &sources, &options.out)?;
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
    Ok(Summary {
        badges: site.badges.len(),
        awards: site.award_count(),
        pages: site.pages.len(),
        signed,
        warnings,
    })
}

/// URLs are permanent: an award or badge that the previous output published
/// must still be in the repository (revoked, if need be). Deleting one is
/// refused rather than silently breaking links that recipients shared; to
/// really drop it, delete the output folder first.
fn keep_published_urls(site: &Site, sources: &Sources, out: &Path) -> Result<(), Error> {
    let mut problems = Diagnostics::default();
    let listed = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(out.join(dir))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    for id in listed("awards") {
        if !site.awards().any(|(_, a)| a.id == id) {
            problems.push(
                Diagnostic::new(format!("award `{id}` was published in {} and is no longer in badges/", out.display()))
                    .help(format!("published URLs are permanent: restore it and `rosette revoke {id}` instead, or delete {} to drop it on purpose", out.display())),
            );
        }
    }
    for slug in listed("badges") {
        if !site.badges.iter().any(|b| b.slug == slug) {
            problems.push(
                Diagnostic::new(format!("badge `{slug}` was published in {} and is no longer in badges/", out.display()))
                    .help(format!("published URLs are permanent: restore `badges/{slug}.toml`, or delete {} to drop it on purpose", out.display())),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Problems {
            diagnostics: problems,
            sources: sources.clone(),
        })
    }
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
