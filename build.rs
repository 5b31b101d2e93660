//! Cargo build script: records the git commit the binary is built from, so
//! that `rosette init` can pin the Rosette GitHub Action to exactly that
//! commit (see `src/repo/scaffold/mod.rs`).
//!
//! Sources, in order (the first one known wins):
//! 1. `ROSETTE_COMMIT`, set by Rosette's release workflow (`github.sha`);
//! 2. `git.sha1` of `.cargo_vcs_info.json`, which `cargo package` writes into
//!    every crates.io package (ignored when it says `"dirty": true`);
//! 3. `git rev-parse HEAD` of a source checkout whose top level is this
//!    package, when the files compiled into the binary (`src/`, `themes/`,
//!    `contexts/`, the manifests) have no uncommitted changes.
//!
//! Otherwise the commit is unknown (an empty value) and `rosette init` writes
//! workflows that install the same version from crates.io instead. A
//! guessed or placeholder commit is never recorded.
//!
//! Sets `ROSETTE_BUILD_COMMIT` (40 lowercase hex digits, or empty) and
//! `ROSETTE_LONG_VERSION` (for `rosette --version`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What is compiled into the binary: a change here makes a checkout "dirty".
const INPUTS: &[&str] = &[
    "src",
    "themes",
    "contexts",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo::rerun-if-env-changed=ROSETTE_COMMIT");
    println!("cargo::rerun-if-changed=.cargo_vcs_info.json");
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
    }
    let commit = from_env()
        .or_else(|| from_vcs_info(&dir))
        .or_else(|| from_git(&dir))
        .unwrap_or_default();
    println!("cargo::rustc-env=ROSETTE_BUILD_COMMIT={commit}");
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = if commit.is_empty() {
        format!("{version} (commit unknown)")
    } else {
        format!("{version} (commit {commit})")
    };
    println!("cargo::rustc-env=ROSETTE_LONG_VERSION={long}");
}

fn is_commit(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn from_env() -> Option<String> {
    let value = std::env::var("ROSETTE_COMMIT").ok()?;
    let value = value.trim().to_ascii_lowercase();
    if value.is_empty() {
        return None;
    }
    if is_commit(&value) {
        Some(value)
    } else {
        println!("cargo::warning=ignoring ROSETTE_COMMIT: expected a full 40-digit commit hash");
        None
    }
}

/// `{"git": {"sha1": "…", "dirty": true}, "path_in_vcs": ""}`, read without
/// a JSON parser (the format is written by cargo and tiny).
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("\"dirty\":true") {
        return None;
    }
    let start = compact.find("\"sha1\":\"")? + "\"sha1\":\"".len();
    let sha = compact.get(start..start + 40)?.to_ascii_lowercase();
    is_commit(&sha).then_some(sha)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn from_git(dir: &Path) -> Option<String> {
    // Only a checkout of this package itself, not an enclosing repository
    // that happens to hold a copy of it.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    for path in ["HEAD", "packed-refs", "index"] {
        if let Some(file) = git(dir, &["rev-parse", "--git-path", path]) {
            println!("cargo::rerun-if-changed={}", dir.join(file).display());
        }
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"])
        && let Some(file) = git(dir, &["rev-parse", "--git-path", &branch])
    {
        println!("cargo::rerun-if-changed={}", dir.join(file).display());
    }
    let mut status = vec!["status", "--porcelain", "--untracked-files=no", "--"];
    status.extend_from_slice(INPUTS);
    let changes = git(dir, &status)?;
    if !changes.is_empty() {
        return None;
    }
    let head = git(dir, &["rev-parse", "HEAD"])?.to_ascii_lowercase();
    is_commit(&head).then_some(head)
}
