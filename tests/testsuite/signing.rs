//! Signing round trips with the real binary and the library's verifier:
//! everything `build` signs, `verify` accepts; any change is caught; key
//! rotation keeps old credentials valid.

use std::fs;
use std::path::Path;

use crate::common::*;
use rosette::credential::canon::Canonicalizer;
use rosette::verify::{Resolver, Verdict, verify_credential};
use serde_json::Value;

const BASE: &str = "https://example.test/badges/";

fn at(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn verify_accepts_everything_build_signs() {
    let repo = repo(None);
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = rosette(
        repo.path(),
        &["verify", "public", "--at", "2026-06-01T00:00:00Z"],
    );
    let text = stdout(&output);
    assert!(
        text.contains("ok       public/awards/alpha-1/credential.json: Alpha"),
        "{text}"
    );
    assert!(
        text.contains("ok       public/awards/alpha-2/credential.json: Alpha"),
        "{text}"
    );
    assert!(
        text.contains("REVOKED  public/awards/alpha-3/credential.json"),
        "{text}"
    );
    assert!(text.contains("\n2 valid, 1 revoked, 0 invalid\n"), "{text}");
    assert_eq!(
        output.status.code(),
        Some(0),
        "a site that publishes a revoked credential as revoked is intact"
    );
    let strict = rosette(
        repo.path(),
        &[
            "verify",
            "public",
            "--strict",
            "--at",
            "2026-06-01T00:00:00Z",
        ],
    );
    assert_eq!(strict.status.code(), Some(1), "--strict fails on revoked");
    let single = verify_at(
        repo.path(),
        "public/awards/alpha-3/credential.json",
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(
        single.status.code(),
        Some(1),
        "one revoked file is not valid"
    );
    // Long after every award expired, the site is still intact as published.
    let later = rosette(
        repo.path(),
        &["verify", "public", "--at", "2030-01-01T00:00:00Z"],
    );
    assert!(
        stdout(&later).contains("0 valid, 3 expired, 0 invalid"),
        "{}",
        stdout(&later)
    );
    assert_eq!(later.status.code(), Some(0), "{}", stdout(&later));
    // After alpha-2's validUntil it is reported as expired.
    let output = verify_at(
        repo.path(),
        "public/awards/alpha-2/credential.json",
        "2027-01-01T00:00:00Z",
    );
    assert!(stdout(&output).contains("EXPIRED"), "{}", stdout(&output));
    assert_eq!(output.status.code(), Some(1));
    let output = verify_at(
        repo.path(),
        "public/awards/alpha-1/credential.json",
        "2026-06-01T00:00:00Z",
    );
    assert!(output.status.success(), "{}", stdout(&output));
}

/// Change any one value of a signed credential and verification fails.
#[test]
fn every_single_change_is_rejected() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let public = repo.path().join("public");
    let credential = read_json(&public.join("awards/alpha-2/credential.json"));
    let canon = Canonicalizer::new().unwrap();
    let resolver = Resolver {
        site: Some((public.clone(), BASE.to_string())),
        network: false,
    };
    let now = at("2026-06-01T00:00:00Z");
    assert_eq!(
        verify_credential(&canon, &credential, &resolver, now).verdict,
        Verdict::Valid
    );
    let mut paths = Vec::new();
    leaves(&credential, String::new(), &mut paths);
    assert!(paths.len() > 30, "{paths:?}");
    for path in &paths {
        let mut changed = credential.clone();
        mutate(&mut changed, path);
        assert_ne!(changed, credential);
        let verdict = verify_credential(&canon, &changed, &resolver, now).verdict;
        assert!(
            matches!(verdict, Verdict::Invalid(_)),
            "changing {path} was not detected: {verdict:?}"
        );
    }
}

/// JSON pointers of every leaf value.
fn leaves(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| leaves(v, format!("{pointer}/{k}"), out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{pointer}/{i}"), out)),
        _ => out.push(pointer),
    }
}

fn mutate(value: &mut Value, pointer: &str) {
    let leaf = value.pointer_mut(pointer).unwrap();
    *leaf = match leaf.take() {
        // Timestamps stay valid timestamps, one second later.
        Value::String(s) if s.ends_with(":00Z") => {
            Value::String(format!("{}01Z", &s[..s.len() - 3]))
        }
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
        other => other,
    };
}

#[test]
fn a_credential_signed_by_a_retired_key_still_verifies() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let old = repo.path().join("old-credential.json");
    fs::copy(
        repo.path().join("public/awards/alpha-1/credential.json"),
        &old,
    )
    .unwrap();

    let output = rosette(repo.path(), &["keygen", "--out", "new.key"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("site/site.toml as key `key-2`"), "{text}");
    // keygen adds the public key to site.toml, after key-1.
    let site = repo.path().join("site/site.toml");
    let settings = fs::read_to_string(&site).unwrap();
    let public = settings
        .split("id = \"key-2\"\npublic = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    assert!(public.starts_with("z6Mk"));
    let secret = fs::read_to_string(repo.path().join("new.key")).unwrap();
    assert!(
        !text.contains(secret.trim()) && !settings.contains(secret.trim()),
        "keygen never prints the secret, nor writes it to site.toml"
    );

    let rotated = settings.replace(
        "public = \"z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV\"",
        "public = \"z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV\"\nretired = 2026-11-01",
    );
    fs::write(&site, &rotated).unwrap();
    let output = build(repo.path(), &[]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a retired key signs nothing new"
    );
    assert!(stderr(&output).contains("retired"), "{}", stderr(&output));
    let output = rosette(repo.path(), &["build", "--key", "new.key"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let did = fs::read_to_string(repo.path().join("public/did.json")).unwrap();
    assert!(did.contains("#key-1") && did.contains("#key-2"));
    let new = read_json(&repo.path().join("public/awards/alpha-1/credential.json"));
    assert_eq!(
        new["proof"][0]["verificationMethod"],
        "did:web:example.test:badges#key-2"
    );
    let verify_old = verify_at(repo.path(), "old-credential.json", "2026-06-01T00:00:00Z");
    assert!(verify_old.status.success(), "{}", stdout(&verify_old));

    // A key missing from did.json: the old credential no longer verifies.
    let without_old_key = rotated.replace("[[keys]]\nid = \"key-1\"", "[[keys]]\nid = \"key-0\"");
    fs::write(&site, without_old_key).unwrap();
    assert!(
        rosette(repo.path(), &["build", "--key", "new.key"])
            .status
            .success()
    );
    let output = verify_at(repo.path(), "old-credential.json", "2026-06-01T00:00:00Z");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("is not in the issuer's DID document"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn secrets_are_checked_and_never_leak() {
    let repo = repo(None);
    let secret = fs::read_to_string(test_key()).unwrap().trim().to_string();
    // No secret although site.toml lists keys.
    let output = rosette(repo.path(), &["build"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no secret key was given"),
        "{}",
        stderr(&output)
    );
    // A secret that matches no key of site.toml.
    fs::write(
        repo.path().join("other.key"),
        "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq\n",
    )
    .unwrap();
    let output = rosette(repo.path(), &["build", "--key", "other.key"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("matches no key in site/site.toml"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"));
    // A malformed secret is refused without being echoed.
    fs::write(repo.path().join("bad.key"), "z3u2NOT-A-KEY\n").unwrap();
    let output = rosette(repo.path(), &["build", "--key", "bad.key"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !stderr(&output).contains("NOT-A-KEY"),
        "{}",
        stderr(&output)
    );
    // The environment variable works, and the secret is nowhere in the output.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rosette"))
        .args(["build"])
        .current_dir(repo.path())
        .env("ROSETTE_SIGNING_KEY", &secret)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&output).contains(&secret) && !stderr(&output).contains(&secret));
    for (path, bytes) in tree(&repo.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&secret), "{path} contains the secret key");
        assert!(
            !text.contains("ada@example.org"),
            "{path} contains a plaintext email"
        );
    }
}

#[test]
fn recipients_are_hashed_with_stable_secret_salts() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let credential = read_json(&repo.path().join("public/awards/alpha-1/credential.json"));
    let identity = &credential["credentialSubject"]["identifier"][0];
    let salt = identity["salt"].as_str().unwrap();
    assert_eq!(salt.len(), 32);
    let expected = rosette::credential::recipient::identity_hash("ada@example.org", salt);
    assert_eq!(
        identity["identityHash"],
        expected.as_str(),
        "lowercased email ‖ salt"
    );
    assert_eq!(identity["identityType"], "emailAddress");
    // The pre-hashed recipient keeps its own hash and salt.
    let hashed = read_json(&repo.path().join("public/awards/alpha-3/credential.json"));
    assert_eq!(
        hashed["credentialSubject"]["identifier"][0]["salt"],
        "2f6c1b5e9a0d4c3e"
    );
    // The DID recipient is the subject id, with no identifier.
    let did = read_json(&repo.path().join("public/awards/alpha-2/credential.json"));
    assert_eq!(
        did["credentialSubject"]["id"],
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    );
    assert!(did["credentialSubject"].get("identifier").is_none());
    // Salts depend on the secret: public data (ids, emails) does not give them away.
    assert_ne!(
        salt,
        rosette::credential::recipient::hex(&sha2_of("alpha-1")[..16])
    );
}

fn sha2_of(text: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).to_vec()
}

#[test]
fn award_pages_link_the_json_and_the_verification_page() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let page = fs::read_to_string(repo.path().join("public/awards/alpha-2/index.html")).unwrap();
    assert!(page.contains("href=\"credential.json\""), "{page}");
    assert!(page.contains("href=\"assertion.json\""), "{page}");
    assert!(
        page.contains(
            "href=\"../../verify/?url=../awards/alpha-2/credential.json\">Verify this badge</a>"
        ),
        "{page}"
    );
    let verify = fs::read_to_string(repo.path().join("public/verify/index.html")).unwrap();
    assert!(verify.contains("did:web:example.test:badges"));
    assert!(verify.contains("did:web:example.test:badges#key-1"));
    let badge = fs::read_to_string(repo.path().join("public/badges/alpha/index.html")).unwrap();
    assert!(badge.contains("href=\"achievement.json\""));
}

/// Text that canonicalisers disagree on cannot be signed portably: the build
/// stops with a problem naming the award's file and the credential field.
#[test]
fn unsignable_text_is_a_build_error_naming_file_and_field() {
    let repo = repo(None);
    let path = repo.path().join("badges/alpha/cohort.toml");
    let text = fs::read_to_string(&path).unwrap().replace(
        "issued = 2026-03-01",
        "issued = 2026-03-01\nnarrative = \"Tabbed\\there\"",
    );
    fs::write(&path, text).unwrap();
    let output = build(repo.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(
        report.contains("award `alpha-3` cannot be signed"),
        "{report}"
    );
    assert!(report.contains("--> badges/alpha/cohort.toml"), "{report}");
    assert!(report.contains("$.credentialSubject.narrative"), "{report}");
    assert!(!repo.path().join("public").exists(), "nothing is written");
}

/// A credential named by its URL, resolved from the local copy of the site
/// (as `--site` promises), with the base URL taken from the site's did.json.
#[test]
fn verify_reads_urls_under_the_site_from_the_folder() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let url = "https://example.test/badges/awards/alpha-1/credential.json";
    let output = verify_at(repo.path(), url, "2026-06-01T00:00:00Z");
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).starts_with(&format!("ok       {url}: Alpha")),
        "{}",
        stdout(&output)
    );
    let output = rosette(repo.path(), &["verify", "nothing-here.json"]);
    assert_eq!(output.status.code(), Some(2));
}

/// Wallets' did:web resolver refuses DID documents over 8 KiB: say so.
#[test]
fn an_oversized_did_document_is_warned_about() {
    let repo = repo(None);
    let site = repo.path().join("site/site.toml");
    let mut text = fs::read_to_string(&site).unwrap();
    for n in 0..40 {
        let public = rosette::credential::keys::generate()
            .unwrap()
            .public_multikey();
        text.push_str(&format!(
            "\n[[keys]]\nid = \"old-key-{n}\"\npublic = \"{public}\"\nretired = 2025-01-01\n"
        ));
    }
    fs::write(&site, text).unwrap();
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: did.json is"),
        "{}",
        stderr(&output)
    );
    assert!(
        fs::metadata(repo.path().join("public/did.json"))
            .unwrap()
            .len()
            > 8192
    );
    let small = crate::common::repo(None);
    assert!(!stderr(&build(small.path(), &[])).contains("did.json is"));
}

/// A site's credentials share one status list: it is fetched and verified
/// once per run, not once per credential.
#[test]
fn each_status_list_is_verified_once_per_run() {
    use rosette::verify::StatusLists;
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let public = repo.path().join("public");
    let canon = Canonicalizer::new().unwrap();
    let lists = StatusLists::new(&canon);
    let resolver = Resolver {
        site: Some((public.clone(), "https://example.test/badges/".into())),
        network: false,
    };
    let entry_of = |id: &str| {
        read_json(&public.join(format!("awards/{id}/credential.json")))["credentialStatus"].clone()
    };
    let issuer = "did:web:example.test:badges";
    assert_eq!(
        lists.is_revoked(&entry_of("alpha-3"), issuer, &resolver),
        Ok(true)
    );
    fs::remove_file(public.join("status/revocation.json")).unwrap();
    assert_eq!(
        lists.is_revoked(&entry_of("alpha-1"), issuer, &resolver),
        Ok(false)
    );
    let fresh = StatusLists::new(&canon);
    assert!(
        fresh
            .is_revoked(&entry_of("alpha-1"), issuer, &resolver)
            .is_err()
    );
}
