//! What `rosette init` writes, and the one table of GitHub Actions pins.
//!
//! # Pins
//!
//! Every action a workflow uses is pinned by its full commit SHA, with its
//! release tag in a comment (zizmor rates a tag pin as a high finding: a tag
//! can be moved). [`ACTIONS`] is the only place the pins are written: the
//! generated workflows are rendered from it, and a test
//! (`tests/testsuite/workflows.rs`) checks that every `uses:` in Rosette's
//! own `.github/` and `action.yml` is one of them (with
//! `UPDATE_SNAPSHOTS=1` it rewrites those lines). To update an action,
//! change its entry here and run that test.
//!
//! # Installing Rosette in the generated workflows
//!
//! They use Rosette's composite action (`action.yml` of
//! [`REPOSITORY`]), pinned to the commit this binary was built from
//! (recorded by `build.rs`: the release workflow's commit, a crates.io
//! package's `.cargo_vcs_info.json`, or a clean checkout's `HEAD`). The
//! action downloads the release binary of [`VERSION`] for the runner,
//! checks its SHA-256 against the release's `SHA256SUMS` and caches it;
//! before a release exists it builds that commit with `cargo install`.
//! When the commit is unknown (a build from a modified checkout), the
//! workflows install the same version from crates.io with `cargo install
//! --locked`, and `init` says so. No placeholder is ever written.

/// A GitHub Action at a reviewed release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `owner/name`.
    pub repo: &'static str,
    /// The release tag the commit belongs to.
    pub tag: &'static str,
    /// The tag's commit: 40 hex digits.
    pub commit: &'static str,
}

impl Action {
    /// `owner/name@commit # tag`, for a `uses:` line.
    pub fn uses(&self) -> String {
        format!("{}@{} # {}", self.repo, self.commit, self.tag)
    }
}

pub const CHECKOUT: Action = Action {
    repo: "actions/checkout",
    tag: "v7.0.1",
    commit: "3d3c42e5aac5ba805825da76410c181273ba90b1",
};
/// v5: `include-hidden-files` (v4 started dropping dot-files by default,
/// which loses `.nojekyll` and `.well-known/did.json`).
pub const UPLOAD_PAGES_ARTIFACT: Action = Action {
    repo: "actions/upload-pages-artifact",
    tag: "v5.0.0",
    commit: "fc324d3547104276b827a68afc52ff2a11cc49c9",
};
pub const DEPLOY_PAGES: Action = Action {
    repo: "actions/deploy-pages",
    tag: "v5.0.0",
    commit: "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128",
};
pub const CACHE: Action = Action {
    repo: "actions/cache",
    tag: "v5.0.5",
    commit: "27d5ce7f107fe9357f9df03efb73ab90386fccae",
};
pub const UPLOAD_ARTIFACT: Action = Action {
    repo: "actions/upload-artifact",
    tag: "v7.0.0",
    commit: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
};
pub const DOWNLOAD_ARTIFACT: Action = Action {
    repo: "actions/download-artifact",
    tag: "v8.0.1",
    commit: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
};
pub const SETUP_PYTHON: Action = Action {
    repo: "actions/setup-python",
    tag: "v7.0.0",
    commit: "5fda3b95a4ea91299a34e894583c3862153e4b97",
};

/// Every pinned action, generated workflows and Rosette's own alike.
pub const ACTIONS: &[Action] = &[
    CHECKOUT,
    UPLOAD_PAGES_ARTIFACT,
    DEPLOY_PAGES,
    CACHE,
    UPLOAD_ARTIFACT,
    DOWNLOAD_ARTIFACT,
    SETUP_PYTHON,
];

/// Rosette's canonical repository (its composite action is `action.yml`
/// at the top level).
pub const REPOSITORY: &str = "rosette-badges/rosette";
pub const REPOSITORY_URL: &str = "https://github.com/rosette-badges/rosette";
/// The crates.io package (the crate `rosette` is an unrelated project).
pub const CRATE: &str = "rosette-badges";
/// This binary's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit this binary was built from, or empty (see `build.rs`).
pub const BUILD_COMMIT: &str = env!("ROSETTE_BUILD_COMMIT");

/// How the generated workflows install Rosette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// Rosette's composite action at this commit.
    Action { commit: String },
    /// `cargo install --locked rosette-badges --version VERSION`.
    Cargo,
}

impl Install {
    /// For this binary: the action at its commit, if known.
    pub fn current() -> Install {
        Install::for_commit(BUILD_COMMIT)
    }

    pub fn for_commit(commit: &str) -> Install {
        let known = commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit());
        if known {
            Install::Action {
                commit: commit.to_ascii_lowercase(),
            }
        } else {
            Install::Cargo
        }
    }

    /// One sentence for `rosette init`.
    pub fn describe(&self) -> String {
        match self {
            Install::Action { commit } => format!(
                "The workflows install Rosette {VERSION} with the {REPOSITORY} action at commit \
                 {commit} (the commit of this rosette): a checked, cached release binary."
            ),
            Install::Cargo => format!(
                "This rosette was built from a source whose commit is unknown (a modified \
                 checkout?), so the workflows install {CRATE} {VERSION} from crates.io with \
                 `cargo install --locked` (compiled on each run, a few minutes)."
            ),
        }
    }

    /// The workflow steps that install Rosette (indented for `steps:`).
    fn steps(&self) -> String {
        match self {
            Install::Action { commit } => format!(
                "      - name: Install Rosette {VERSION}\n\
                 \x20       id: rosette\n\
                 \x20       # The release binary for this runner, its SHA-256 checked against the\n\
                 \x20       # release's SHA256SUMS, cached between runs.\n\
                 \x20       uses: {REPOSITORY}@{commit} # {VERSION_TAG}\n\
                 \x20       with:\n\
                 \x20         version: \"{VERSION}\"\n\
                 \x20         commit: \"{commit}\"\n"
            ),
            Install::Cargo => format!(
                "      - name: Install Rosette {VERSION}\n\
                 \x20       run: cargo install --locked {CRATE} --version {VERSION}\n"
            ),
        }
    }

    /// What later steps run as `"$ROSETTE"`.
    fn binary(&self) -> &'static str {
        match self {
            Install::Action { .. } => "${{ steps.rosette.outputs.path }}",
            Install::Cargo => "rosette",
        }
    }
}

/// `v` + [`VERSION`]: the release tag of this version.
const VERSION_TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// The generated workflows: (path, text).
pub fn workflows(install: &Install) -> Vec<(&'static str, String)> {
    let fill = |template: &str| {
        template
            .replace("%%install%%\n", &install.steps())
            .replace("%%rosette%%", install.binary())
            .replace("%%checkout%%", &CHECKOUT.uses())
            .replace("%%upload_pages_artifact%%", &UPLOAD_PAGES_ARTIFACT.uses())
            .replace("%%deploy_pages%%", &DEPLOY_PAGES.uses())
    };
    vec![
        (
            ".github/workflows/check.yml",
            fill(include_str!("check.yml")),
        ),
        (
            ".github/workflows/pages.yml",
            fill(include_str!("pages.yml")),
        ),
    ]
}

/// The badge repository's README.md.
pub fn readme(install: &Install) -> String {
    let install_line = match install {
        Install::Action { commit } => format!(
            "`cargo install --locked --git {REPOSITORY_URL} --rev {commit} {CRATE}`, or \
             `cargo install --locked {CRATE} --version {VERSION}`"
        ),
        Install::Cargo => format!("`cargo install --locked {CRATE} --version {VERSION}`"),
    };
    include_str!("README.md")
        .replace("%%version%%", VERSION)
        .replace("%%install%%", &install_line)
        .replace("%%repository%%", REPOSITORY_URL)
}

/// The files of a new repository other than the example badge's awards.
pub const SITE_TOML: &str = include_str!("site.toml");
pub const EXAMPLE_SVG: &str = include_str!("example.svg");
pub const GITIGNORE: &str = include_str!("gitignore");

/// `badges/example.toml` with `award` (the TOML of one `[[award]]`).
pub fn example_badge(award: &str) -> String {
    include_str!("example.toml").replace("%%award%%\n", award)
}

/// Text that must never reach a generated file: the markers of these
/// templates, and the placeholders of older scaffolds.
pub const PLACEHOLDERS: &[&str] = &["%%", "REPLACE", "TODO", "XXX", "FIXME", "CHANGEME", "<"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pin_is_a_full_commit_with_a_version_tag() {
        for action in ACTIONS {
            assert_eq!(action.commit.len(), 40, "{action:?}");
            assert!(
                action
                    .commit
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(
                action.tag.starts_with('v') && action.tag.matches('.').count() == 2,
                "{action:?}"
            );
        }
    }

    #[test]
    fn generated_files_hold_no_placeholder() {
        let commit = "0123456789abcdef0123456789abcdef01234567";
        for install in [
            Install::for_commit(commit),
            Install::for_commit(""),
            Install::Cargo,
        ] {
            let mut files = workflows(&install);
            files.push(("README.md", readme(&install)));
            files.push(("example.toml", example_badge("[[award]]\nid = \"x\"\n")));
            for (path, text) in files {
                for marker in PLACEHOLDERS {
                    assert!(!text.contains(marker), "{path} holds {marker:?}:\n{text}");
                }
                if let Install::Action { .. } = install
                    && path.ends_with(".yml")
                {
                    assert!(
                        text.contains(&format!("{REPOSITORY}@{commit} # v{VERSION}")),
                        "{text}"
                    );
                }
            }
        }
        assert_eq!(Install::for_commit("not-a-commit"), Install::Cargo);
    }
}
