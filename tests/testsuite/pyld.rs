//! Interoperability with a verifier on another stack that follows the spec:
//! PyLD (Python) canonicalisation with `cryptography`'s Ed25519
//! (interop/pyld/, offline). Together with the Digital Bazaar stack
//! (interop.rs) it shows the canonical sort order problem is real: the two
//! disagree on the same signed credential.
//!
//! Needs Python 3.11; on first use interop/pyld/install.sh builds
//! interop/pyld/.venv from PyPI. There is no silent skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;

pub fn pyld_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/pyld")
}

pub fn pyld_ready() {
    static READY: OnceLock<()> = OnceLock::new();
    install_once(
        &READY,
        &pyld_dir().join("install.sh"),
        "Python 3.11 and PyPI access",
    );
}

/// `verify.py PUBLIC BASE --now 2026-06-01T00:00:00Z ARGS...`.
pub fn pyld_verify(public: &Path, base: &str, extra: &[&str]) -> Output {
    pyld_ready();
    let dir = pyld_dir();
    Command::new(dir.join(".venv/bin/python"))
        .arg(dir.join("verify.py"))
        .arg(public)
        .arg(base)
        .args(["--now", "2026-06-01T00:00:00Z"])
        .args(extra)
        .output()
        .expect("run verify.py")
}

#[test]
fn pyld_verifies_every_credential_and_the_status_list() {
    let repo = repo(None);
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = pyld_verify(
        &repo.path().join("public"),
        "https://example.test/badges/",
        &["--expect-revoked", "alpha-3"],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.ends_with("3 passed, 0 failed\n"), "{text}");
}

#[test]
fn pyld_verifies_non_ascii_markdown_and_percent_encoded_dids() {
    let repo = repo(Some(&fixtures().join("unicode")));
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = pyld_verify(
        &repo.path().join("public"),
        "https://xn--exmple-cua.test/b%C3%A4dges/",
        &["--expect-revoked", "alpha-3"],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.ends_with("3 passed, 0 failed\n"), "{text}");
}

#[test]
fn pyld_rejects_a_tampered_credential() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let path = repo.path().join("public/awards/alpha-2/credential.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Did it *well*.", "Did it *better*.");
    std::fs::write(&path, text).unwrap();
    let output = pyld_verify(
        &repo.path().join("public"),
        "https://example.test/badges/",
        &["--expect-revoked", "alpha-3"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("FAIL alpha-2"),
        "{}",
        stdout(&output)
    );
}
