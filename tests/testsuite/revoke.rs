//! `rosette revoke` end to end: one line added to the award's file, and the
//! next build tells verifiers, without changing the credential's bytes.

use std::fs;

use crate::common::*;

#[test]
fn revoking_flips_the_status_and_keeps_the_credential_bytes() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let credential = fs::read(repo.path().join("public/awards/alpha-1/credential.json")).unwrap();
    let list_before = fs::read(repo.path().join("public/status/revocation.json")).unwrap();
    let file_before = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();

    let output = rosette(
        repo.path(),
        &[
            "revoke",
            "alpha-1",
            "--reason",
            "Awarded by mistake",
            "--on",
            "2026-05-01",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Revoked award `alpha-1` on 2026-05-01 in badges/alpha.toml"),
        "{}",
        stdout(&output)
    );
    let file_after = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();
    let added: Vec<&str> = file_after
        .lines()
        .filter(|l| !file_before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(
        added,
        ["revoked = { on = 2026-05-01, reason = \"Awarded by mistake\" }"]
    );
    assert_eq!(file_after.lines().count(), file_before.lines().count() + 1);

    assert!(build(repo.path(), &[]).status.success());
    let public = repo.path().join("public");
    assert_eq!(
        fs::read(public.join("awards/alpha-1/credential.json")).unwrap(),
        credential,
        "the credential's bytes do not change"
    );
    assert_ne!(
        fs::read(public.join("status/revocation.json")).unwrap(),
        list_before,
        "the status list is re-signed"
    );
    let assertion = fs::read_to_string(public.join("awards/alpha-1/assertion.json")).unwrap();
    assert!(
        assertion.contains("\"revoked\":true") && assertion.contains("Awarded by mistake"),
        "{assertion}"
    );
    assert!(!assertion.contains("recipient"), "{assertion}");
    let page = fs::read_to_string(public.join("awards/alpha-1/index.html")).unwrap();
    assert!(
        page.contains("<strong>Revoked</strong> on 1 May 2026: Awarded by mistake."),
        "{page}"
    );

    let output = verify_at(
        repo.path(),
        "public/awards/alpha-1/credential.json",
        "2026-06-01T00:00:00Z",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("REVOKED"), "{}", stdout(&output));
    let output = verify_at(
        repo.path(),
        "public/awards/alpha-2/credential.json",
        "2026-06-01T00:00:00Z",
    );
    assert!(
        output.status.success(),
        "other awards are untouched: {}",
        stdout(&output)
    );

    let output = rosette(repo.path(), &["revoke", "alpha-1", "--reason", "again"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("already revoked"));
    let output = rosette(repo.path(), &["revoke", "nope", "--reason", "x"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The status list itself: signed by the issuer, ≥ 131,072 entries, and the
/// revoked award's bit (and only it) set.
#[test]
fn the_status_list_is_signed_and_sets_only_revoked_bits() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let public = repo.path().join("public");
    let list: serde_json::Value =
        serde_json::from_slice(&fs::read(public.join("status/revocation.json")).unwrap()).unwrap();
    assert_eq!(
        list["type"],
        serde_json::json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(list["issuer"], "did:web:example.test:badges");
    assert_eq!(list["credentialSubject"]["type"], "BitstringStatusList");
    let bits = rosette::credential::status::Bitstring::decode(
        list["credentialSubject"]["encodedList"].as_str().unwrap(),
    )
    .unwrap();
    assert!(bits.len() >= 131_072);
    let mut set = Vec::new();
    for id in ["alpha-1", "alpha-2", "alpha-3"] {
        let credential: serde_json::Value = serde_json::from_slice(
            &fs::read(public.join(format!("awards/{id}/credential.json"))).unwrap(),
        )
        .unwrap();
        let index: usize = credential["credentialStatus"]["statusListIndex"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        if bits.get(index) == Some(true) {
            set.push(id);
        }
    }
    assert_eq!(set, ["alpha-3"]);
    let ones = (0..bits.len())
        .filter(|&i| bits.get(i) == Some(true))
        .count();
    assert_eq!(ones, 1);
    let canon = rosette::credential::canon::Canonicalizer::new().unwrap();
    let key = rosette::verify::resolve_key(
        list["proof"][0]["verificationMethod"].as_str().unwrap(),
        "did:web:example.test:badges",
        &rosette::verify::Resolver {
            site: Some((public.clone(), "https://example.test/badges/".into())),
            network: false,
        },
    )
    .unwrap();
    assert!(rosette::credential::integrity::verify(&canon, &list, &key).is_ok());
}
