//! The pipeline, end to end: load → validate → model → (sign) → render →
//! write. `check` stops after validation; `build` goes all the way and swaps
//! the new output into place only when every stage succeeded.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Sources};
use crate::error::Error;
use crate::model::Site;
use crate::output::{self, Sink, WriteError};
use crate::render::{self, Extras};
use crate::{load, theme, validate};

/// What `build` needs to know beyond the repository.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` of site.toml (for previews and staging hosts).
    pub base_url: Option<String>,
}

/// What a successful build made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub badges: usize,
    pub awards: usize,
    pub pages: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        write!(
            f,
            "{}, {}, {}",
            plural(self.badges, "badge"),
            plural(self.awards, "award"),
            plural(self.pages, "page")
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

/// Renders a validated site into any sink (a folder, or memory for `serve`).
pub fn render_into(site: &Site, sources: &Sources, sink: &dyn Sink) -> Result<(), Error> {
    let mut problems = Diagnostics::default();
    let theme = theme::load(&site.root, &site.theme, &mut problems);
    if !problems.is_empty() {
        return Err(Error::Problems {
            diagnostics: problems,
            sources: sources.clone(),
        });
    }
    let extras = Extras::default();
    render::render_site(site, &theme, &extras, sink)?;
    Ok(())
}

/// Builds the site into `options.out`, atomically.
pub fn build(options: &BuildOptions) -> Result<Summary, Error> {
    let (site, sources) = check(&options.root, options.base_url.as_deref())?;
    refuse_dangerous_out(&options.root, &options.out)?;
    output::write_atomically(&options.out, |folder| render_into(&site, &sources, folder)).map_err(
        |e| match e {
            WriteError::Build(error) => error,
            WriteError::Io { path, error } => Error::Io { path, error },
            WriteError::Refused { path, reason } => {
                Error::Usage(format!("refusing to replace {}: {reason}", path.display()))
            }
        },
    )?;
    Ok(Summary {
        badges: site.badges.len(),
        awards: site.award_count(),
        pages: site.pages.len(),
    })
}

/// The output folder must not be the repository or hold it, nor sit inside
/// the folders Rosette reads.
fn refuse_dangerous_out(root: &Path, out: &Path) -> Result<(), Error> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
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
