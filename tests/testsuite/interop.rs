//! Interoperability: our signed output checked by an independent
//! implementation, the Digital Bazaar libraries that the Learner Credential
//! Wallet and VerifierPlus run (interop/, Node.js, offline document loader).
//!
//! Needs `node` and `npm` (the packages are installed from interop's
//! package-lock.json on first use); there is no silent skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::*;
use serde_json::Value;

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Installs the pinned npm packages once per test run.
fn npm_ready() {
    static READY: OnceLock<()> = OnceLock::new();
    npm_ci_once(&READY, &interop_dir());
}

pub fn node(args: &[&str]) -> Output {
    npm_ready();
    Command::new("node")
        .args(args)
        .current_dir(interop_dir())
        .output()
        .expect("node must be installed to run the interoperability tests")
}

/// The official 1EdTech schema, for local checks only (it may not be committed).
fn schema() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/ob-verify/schemas/ob_v3p0_achievementcredential_schema.json");
    path.is_file().then(|| path.to_string_lossy().into_owned())
}

/// Builds base + `overlay`, signed with the test key.
fn signed_site(overlay: Option<&str>) -> tempfile::TempDir {
    let overlay = overlay.map(|o| fixtures().join(o));
    let repo = repo(overlay.as_deref());
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    repo
}

pub(crate) fn verify_site(public: &Path, base: &str, extra: &[&str]) -> Output {
    let public = public.to_string_lossy().into_owned();
    let mut args = vec![
        "verify-site.mjs",
        public.as_str(),
        base,
        "--now",
        "2026-06-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    let schema = schema();
    if let Some(schema) = &schema {
        args.extend_from_slice(&["--schema", schema.as_str()]);
    } else {
        eprintln!("note: ../shared/ob-verify/schemas not found; JSON Schema check not run");
    }
    node(&args)
}

#[test]
fn digital_bazaar_verifies_every_credential_and_the_status_list() {
    let repo = signed_site(None);
    let output = verify_site(
        &repo.path().join("public"),
        "https://example.test/badges/",
        &["--expect-revoked", "alpha-3"],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(
        text.contains("ok ") && text.contains("revoked ") && text.contains("3 passed, 0 failed"),
        "{text}"
    );
}

/// Non-ASCII (é, ®, ’, emoji, RTL), Markdown, a percent-encoded did:web path
/// and every optional field, canonicalised the same way by both stacks.
#[test]
fn non_ascii_and_markdown_everywhere_verify_independently() {
    let repo = signed_site(Some("unicode"));
    let output = verify_site(
        &repo.path().join("public"),
        "https://xn--exmple-cua.test/b%C3%A4dges/",
        &["--expect-revoked", "alpha-3"],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(text.contains("3 passed, 0 failed"), "{text}");
}

/// Ed25519 is deterministic: the Digital Bazaar signer, given our unsigned
/// credential and the same key, produces our proofValue byte for byte.
#[test]
fn digital_bazaar_signs_our_credentials_identically() {
    let repo = signed_site(Some("unicode"));
    let secret = std::fs::read_to_string(test_key())
        .unwrap()
        .trim()
        .to_string();
    for id in ["alpha-1", "alpha-2", "alpha-3"] {
        let path = repo
            .path()
            .join(format!("public/awards/{id}/credential.json"));
        let signed: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let proof = signed["proof"][0].clone();
        let mut unsigned = signed.clone();
        unsigned.as_object_mut().unwrap().remove("proof");
        let input = repo.path().join(format!("{id}-unsigned.json"));
        std::fs::write(&input, serde_json::to_vec(&unsigned).unwrap()).unwrap();
        let input = input.to_string_lossy().into_owned();
        let output = node(&[
            "sign.mjs",
            &input,
            &secret,
            proof["verificationMethod"].as_str().unwrap(),
            proof["created"].as_str().unwrap(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let theirs: Value = serde_json::from_slice(&output.stdout).expect("sign.mjs prints JSON");
        assert_eq!(
            theirs["proof"][0]["proofValue"], proof["proofValue"],
            "{id}"
        );
    }
}

#[test]
fn digital_bazaar_rejects_a_tampered_credential() {
    let repo = signed_site(None);
    let path = repo.path().join("public/awards/alpha-1/credential.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let text = original.replace("\"name\":\"Alpha\"", "\"name\":\"Alpha+\"");
    assert_ne!(text, original, "the tampering changed the file");
    std::fs::write(&path, text).unwrap();
    let output = verify_site(
        &repo.path().join("public"),
        "https://example.test/badges/",
        &["--expect-revoked", "alpha-3"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("FAIL") && stdout(&output).contains("alpha-1"),
        "{}",
        stdout(&output)
    );
}

/// The checker's own self-test against standards.md Appendix A.
#[test]
fn the_independent_checker_passes_its_own_self_test() {
    let output = node(&["--test", "test/"]);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
}

/// Tags whose canonical N-Quads sort one way by code point (RDFC-1.0) and
/// the other by UTF-16 code unit (the wallets' JavaScript canonicaliser,
/// digitalbazaar/rdf-canonize#52): an emoji against fullwidth forms and a
/// ligature.
const UNPORTABLE_TAGS: [&str; 4] = ["rust", "🦀 crab", "Ｒｕｓｔ fullwidth", "ﬁx ligature"];

#[test]
fn values_that_sort_differently_in_the_wallets_are_refused_where_they_are_written() {
    let repo = repo(None);
    let file = repo.path().join("badges/alpha.toml");
    let tags = serde_json::to_string(&UNPORTABLE_TAGS).unwrap();
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("tags = [\"first\"]", &format!("tags = {tags}"));
    std::fs::write(&file, text).unwrap();
    for command in [&["check"][..], &["build", "--key", &test_key()][..]] {
        let output = rosette(repo.path(), command);
        let report = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {report}");
        assert!(
            report.contains("error: the credentials of badge `alpha` cannot be signed")
                && report.contains("sort differently in the wallets' JavaScript canonicaliser")
                && report.contains("--> badges/alpha.toml:6:"),
            "{report}"
        );
        assert!(
            report.contains("found 1 problem\n"),
            "reported once: {report}"
        );
    }
    assert!(!repo.path().join("public").exists());
}

/// The refusal is not over-cautious: the same credential, signed anyway,
/// verifies in a spec-following verifier (PyLD, and Rosette's own) and fails
/// in the stack the Learner Credential Wallet and VerifierPlus run.
#[test]
fn a_credential_signed_despite_the_sort_order_fails_only_in_the_wallet_stack() {
    use rosette::credential::canon::{CanonError, Canonicalize, Canonicalizer};
    use rosette::credential::integrity;
    use rosette::credential::portable::Portable;

    let repo = signed_site(None);
    let path = repo.path().join("public/awards/alpha-1/credential.json");
    let signed: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut options = signed["proof"][0].clone();
    options.as_object_mut().unwrap().remove("proofValue");
    let mut unsigned = signed.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    unsigned["credentialSubject"]["achievement"]["tag"] = serde_json::json!(UNPORTABLE_TAGS);
    let canon = Canonicalizer::new().unwrap();
    assert!(matches!(
        Portable(&canon).canonicalize(&unsigned),
        Err(CanonError::SortOrder { .. })
    ));
    let secret = std::fs::read_to_string(test_key()).unwrap();
    let key = integrity::decode_secret_multikey(secret.trim()).unwrap();
    let proof = integrity::sign(&canon, &unsigned, &options, &key).unwrap();
    let resigned = integrity::attach_proof(&unsigned, proof).unwrap();
    std::fs::write(&path, serde_json::to_vec_pretty(&resigned).unwrap()).unwrap();

    let public = repo.path().join("public");
    let base = "https://example.test/badges/";
    let wallet_stack = verify_site(&public, base, &["--expect-revoked", "alpha-3"]);
    assert_eq!(
        wallet_stack.status.code(),
        Some(1),
        "{}",
        stdout(&wallet_stack)
    );
    assert!(
        stdout(&wallet_stack).contains("FAIL") && stdout(&wallet_stack).contains("alpha-1"),
        "{}",
        stdout(&wallet_stack)
    );
    let spec_stack = crate::pyld::pyld_verify(&public, base, &["--expect-revoked", "alpha-3"]);
    assert!(
        spec_stack.status.success() && stdout(&spec_stack).contains("ok alpha-1"),
        "{}{}",
        stdout(&spec_stack),
        stderr(&spec_stack)
    );
    let ours = verify_at(
        repo.path(),
        "public/awards/alpha-1/credential.json",
        "2026-06-01T00:00:00Z",
    );
    assert!(ours.status.success(), "{}", stdout(&ours));
}
