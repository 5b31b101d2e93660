//! Interoperability: our Open Badges 2.0 hosted output (issuer.json,
//! badgeclass.json, assertion.json) checked by the 1EdTech OB 2.0 reference
//! validator (PyPI `openbadges`, interop/ob2/, offline transport adapter).
//!
//! Needs Python 3.11 as `python3`; on first use interop/ob2/install.sh builds
//! interop/ob2/.venv from PyPI. There is no silent skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

const BASE: &str = "https://example.test/badges/";
const UNICODE_BASE: &str = "https://xn--exmple-cua.test/b%C3%A4dges/";

/// The validator's clock: after every fixture `issued`, before every
/// `expires` (it checks both against the current time otherwise).
const NOW: &str = "2026-06-01T00:00:00Z";

pub(crate) fn ob2_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/ob2")
}

/// Runs interop/ob2/install.sh once per test binary (a no-op when the venv
/// matches requirements.txt).
pub(crate) fn validator_ready() {
    static READY: OnceLock<()> = OnceLock::new();
    install_once(
        &READY,
        &ob2_dir().join("install.sh"),
        "Python 3.11 and PyPI access",
    );
}

/// Builds base + `overlay` into a temporary repository.
fn built_site(overlay: Option<&str>) -> tempfile::TempDir {
    let overlay = overlay.map(|o| fixtures().join(o));
    let repo = repo(overlay.as_deref());
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "build failed: {}", stderr(&output));
    repo
}

/// `check_ob2.py PUBLIC BASE --now NOW ARGS...`.
pub fn check_ob2(public: &Path, base: &str, extra: &[&str]) -> Output {
    validator_ready();
    let dir = ob2_dir();
    let python = dir.join(".venv/bin/python");
    Command::new(&python)
        .arg(dir.join("check_ob2.py"))
        .arg(public)
        .arg(base)
        .args(["--now", NOW])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()))
}

/// The script's output, for assertion messages.
fn report(output: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        stdout(output),
        stderr(output)
    )
}

/// Edits `public/awards/alpha-1/assertion.json` with `edit`.
fn edit_alpha_1(repo: &tempfile::TempDir, edit: impl FnOnce(&mut serde_json::Map<String, Value>)) {
    let path = repo.path().join("public/awards/alpha-1/assertion.json");
    let text = std::fs::read(&path).expect("read alpha-1 assertion.json");
    let mut assertion: Value = serde_json::from_slice(&text).expect("assertion.json is JSON");
    edit(
        assertion
            .as_object_mut()
            .expect("assertion.json is an object"),
    );
    let text = serde_json::to_vec_pretty(&assertion).expect("serialise assertion");
    std::fs::write(&path, text).expect("write alpha-1 assertion.json");
}

/// Exit 1; alpha-1 fails with a message starting with `reason`; the others pass.
fn assert_only_alpha_1_fails(output: &Output, reason: &str) {
    let text = stdout(output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(output.status.code(), Some(1), "{}", report(output));
    assert_eq!(lines.len(), 4, "{}", report(output));
    assert!(
        lines[0].starts_with(&format!("FAIL alpha-1: {reason}")),
        "alpha-1 should fail with {reason:?}\n{}",
        report(output)
    );
    assert_eq!(
        lines[1..],
        ["ok alpha-2", "ok alpha-3", "2 passed, 1 failed"],
        "{}",
        report(output)
    );
}

/// Every hosted assertion validates: alpha-1 (hashed email, matched against
/// the lowercased address), alpha-2 (unhashed `did:key` recipient of type
/// `id`, evidence, narrative, expiry); alpha-3 is the revoked stub, which the
/// validator must reject and which must say `"revoked": true`.
#[test]
fn reference_validator_accepts_every_hosted_assertion() {
    let repo = built_site(None);
    let output = check_ob2(
        &repo.path().join("public"),
        BASE,
        &[
            "--expect-revoked",
            "alpha-3",
            "--recipient",
            "alpha-1=ada@example.org",
        ],
    );
    assert!(output.status.success(), "{}", report(&output));
    assert_eq!(
        stdout(&output),
        "ok alpha-1\nok alpha-2\nok alpha-3\n3 passed, 0 failed\n",
        "{}",
        report(&output)
    );
}

/// Non-ASCII everywhere, an IDN host and a percent-encoded path in every URL.
#[test]
fn reference_validator_accepts_non_ascii_output() {
    let repo = built_site(Some("unicode"));
    let output = check_ob2(
        &repo.path().join("public"),
        UNICODE_BASE,
        &[
            "--expect-revoked",
            "alpha-3",
            "--recipient",
            "alpha-1=zoë@example.org",
        ],
    );
    assert!(output.status.success(), "{}", report(&output));
    assert_eq!(
        stdout(&output),
        "ok alpha-1\nok alpha-2\nok alpha-3\n3 passed, 0 failed\n",
        "{}",
        report(&output)
    );
}

/// The recipient check is real: the validator hashes the address exactly as
/// given, so the original mixed-case spelling does not match our hash.
#[test]
fn reference_validator_checks_the_recipient_hash() {
    let repo = built_site(Some("unicode"));
    let output = check_ob2(
        &repo.path().join("public"),
        UNICODE_BASE,
        &[
            "--expect-revoked",
            "alpha-3",
            "--recipient",
            "alpha-1=ZOË@Example.org",
        ],
    );
    assert_only_alpha_1_fails(
        &output,
        "Profile _:b0 identifier(s) ZOË@Example.org of type email did not match assertion",
    );
}

#[test]
fn reference_validator_rejects_an_assertion_without_issued_on() {
    let repo = built_site(None);
    edit_alpha_1(&repo, |assertion| {
        assertion.remove("issuedOn").expect("alpha-1 has issuedOn");
    });
    let output = check_ob2(
        &repo.path().join("public"),
        BASE,
        &["--expect-revoked", "alpha-3"],
    );
    assert_only_alpha_1_fails(&output, "Required property issuedOn not present");
}

/// A BadgeClass outside the site cannot be fetched offline, and is reported.
#[test]
fn reference_validator_rejects_a_badge_outside_the_site() {
    let repo = built_site(None);
    edit_alpha_1(&repo, |assertion| {
        assertion.insert(
            "badge".into(),
            "https://elsewhere.example/badgeclass.json".into(),
        );
    });
    let output = check_ob2(
        &repo.path().join("public"),
        BASE,
        &["--expect-revoked", "alpha-3"],
    );
    assert_only_alpha_1_fails(&output, "");
    assert!(
        stdout(&output).contains(
            "tried to fetch non-site URL(s) while offline: https://elsewhere.example/badgeclass.json"
        ),
        "{}",
        report(&output)
    );
}

/// A revoked award must be the stub, which the validator rejects; the full
/// assertion with `"revoked": true` would be accepted (it does not check
/// revocation of hosted badges), and --expect-revoked reports that.
#[test]
fn an_award_expected_revoked_must_be_rejected() {
    let repo = built_site(None);
    let output = check_ob2(
        &repo.path().join("public"),
        BASE,
        &["--expect-revoked", "alpha-1,alpha-3"],
    );
    assert_only_alpha_1_fails(&output, "expected revoked, but the validator accepted it");
}
