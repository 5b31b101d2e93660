//! Endorsements: made by another implementation (the Digital Bazaar stack,
//! interop/endorse.mjs, with the published W3C test key), verified by the
//! build before they are attached to the achievement; refused, naming the
//! file, when changed or not about this badge; and `rosette endorse`, whose
//! output independent verifiers accept and another Rosette site attaches.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

const BASE: &str = "https://example.test/badges/";
/// The W3C vc-di-eddsa test key pair (tests/vectors/w3c-eddsa-rdfc-2022/keyPair.json).
const ENDORSER_SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
const ENDORSER_DID: &str = "did:web:endorser.example";

/// Writes an endorsement of `achievement` signed by the Digital Bazaar stack
/// into `badges/<slug>/endorsements/<name>.json` of `repo`, with a copy of
/// the endorser's DID document when `did` is a did:web DID.
fn endorse_with_digital_bazaar(repo: &Path, slug: &str, name: &str, did: &str, achievement: &str) {
    let folder = repo.join(format!("badges/{slug}/endorsements"));
    std::fs::create_dir_all(&folder).unwrap();
    let document = folder.join(format!("{name}.did.json"));
    let document = document.to_string_lossy().into_owned();
    let mut args = vec![
        "endorse.mjs",
        achievement,
        ENDORSER_SECRET,
        did,
        "--name",
        "Other Guild",
        "--comment",
        "A **rigorous** badge <script>alert(1)</script>",
    ];
    if did.starts_with("did:web:") {
        args.extend(["--did-document", document.as_str()]);
    }
    let output = crate::interop::node(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::write(folder.join(format!("{name}.json")), &output.stdout).unwrap();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

#[test]
fn an_endorsement_signed_by_the_digital_bazaar_stack_is_verified_and_attached() {
    let repo = repo(None);
    let alpha = format!("{BASE}badges/alpha/achievement.json");
    endorse_with_digital_bazaar(repo.path(), "alpha", "other-guild", ENDORSER_DID, &alpha);
    endorse_with_digital_bazaar(repo.path(), "alpha", "by-key", "did:key", &alpha);
    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let public = repo.path().join("public");
    let file = |name: &str| {
        read_json(
            &repo
                .path()
                .join(format!("badges/alpha/endorsements/{name}.json")),
        )
    };
    // Attached as signed, in file order, to the achievement and every credential.
    let achievement = read_json(&public.join("badges/alpha/achievement.json"));
    assert_eq!(
        achievement["endorsement"],
        serde_json::json!([file("by-key"), file("other-guild")])
    );
    for id in ["alpha-1", "alpha-2", "alpha-3"] {
        let credential = read_json(&public.join(format!("awards/{id}/credential.json")));
        assert_eq!(
            credential["credentialSubject"]["achievement"]["endorsement"],
            achievement["endorsement"],
            "{id}"
        );
    }
    let beta = read_json(&public.join("badges/beta/achievement.json"));
    assert!(beta.get("endorsement").is_none());
    // The badge page shows endorser and comment (Markdown, made safe).
    let page = std::fs::read_to_string(public.join("badges/alpha/index.html")).unwrap();
    assert!(
        page.contains("<strong>Endorsed by <bdi>Other Guild</bdi></strong>")
            && page.contains("A <strong>rigorous</strong> badge &lt;script&gt;")
            && !page.contains("<script>alert"),
        "{page}"
    );
    // Wallets' stack and a spec-following one verify the credentials that
    // embed them (the outer signature covers the endorsements' proofs).
    let js = crate::interop::verify_site(&public, BASE, &["--expect-revoked", "alpha-3"]);
    assert!(js.status.success(), "{}{}", stdout(&js), stderr(&js));
    let py = crate::pyld::pyld_verify(&public, BASE, &["--expect-revoked", "alpha-3"]);
    assert!(py.status.success(), "{}{}", stdout(&py), stderr(&py));
    assert!(
        rosette(
            repo.path(),
            &["verify", "public", "--at", "2026-06-01T00:00:00Z"]
        )
        .status
        .success()
    );
}

#[test]
fn a_tampered_endorsement_is_a_build_error_naming_the_file() {
    let repo = repo(None);
    let alpha = format!("{BASE}badges/alpha/achievement.json");
    endorse_with_digital_bazaar(repo.path(), "alpha", "other-guild", ENDORSER_DID, &alpha);
    assert!(build(repo.path(), &[]).status.success());
    let before = tree(&repo.path().join("public"));
    let path = repo
        .path()
        .join("badges/alpha/endorsements/other-guild.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("rigorous", "rigourous");
    std::fs::write(&path, text).unwrap();
    for command in [&["check"][..], &["build", "--key", &test_key()][..]] {
        let output = rosette(repo.path(), command);
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        assert_eq!(
            stderr(&output),
            "error: the endorsement does not verify: invalid signature: the credential was changed after signing, or signed by another key\n\
             --> badges/alpha/endorsements/other-guild.json\n \
             = help: an endorsement is published only as its endorser signed it: ask the endorser for a new one if it was changed\n\n\
             error: found 1 problem\n",
            "{command:?}"
        );
    }
    assert_eq!(
        tree(&repo.path().join("public")),
        before,
        "the previous output is intact"
    );
}

#[test]
fn an_endorsement_of_another_badge_or_without_its_endorsers_document_is_refused() {
    let repo = repo(None);
    // An endorsement of alpha, filed under beta.
    let alpha = format!("{BASE}badges/alpha/achievement.json");
    endorse_with_digital_bazaar(repo.path(), "beta", "misfiled", "did:key", &alpha);
    // A did:web endorser whose DID document copy is missing.
    endorse_with_digital_bazaar(repo.path(), "alpha", "no-copy", ENDORSER_DID, &alpha);
    std::fs::remove_file(
        repo.path()
            .join("badges/alpha/endorsements/no-copy.did.json"),
    )
    .unwrap();
    // A DID document copy of another key: the signature cannot be checked.
    endorse_with_digital_bazaar(repo.path(), "alpha", "wrong-key", ENDORSER_DID, &alpha);
    let copy = repo
        .path()
        .join("badges/alpha/endorsements/wrong-key.did.json");
    let text = std::fs::read_to_string(&copy).unwrap().replace(
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV",
    );
    std::fs::write(&copy, text).unwrap();
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(
        report.contains(&format!(
            "error: the endorsement is of `{alpha}`, not of this badge's achievement `{BASE}badges/beta/achievement.json`\n--> badges/beta/endorsements/misfiled.json"
        )),
        "{report}"
    );
    // alpha's folder holds two copies of did:web:endorser.example: the first
    // (no-copy was removed, so wrong-key's) is the one found, and signatures
    // made with the real key fail against it.
    assert!(
        report.contains("--> badges/alpha/endorsements/wrong-key.json")
            && report.contains("--> badges/alpha/endorsements/no-copy.json")
            && report.contains("invalid signature"),
        "{report}"
    );
    assert!(report.contains("found 3 problems"), "{report}");
    std::fs::remove_file(&copy).unwrap();
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert!(
        report.contains(
            "error: the endorsement does not verify: no copy of the DID document of `did:web:endorser.example` in badges/alpha/endorsements/\n--> badges/alpha/endorsements/no-copy.json\n \
             = help: save the endorser's DID document (https://endorser.example/.well-known/did.json) as `badges/alpha/endorsements/<name>.did.json`: the build checks signatures without the network"
        ),
        "{report}"
    );
}

/// Site A endorses an achievement of site B with `rosette endorse`; the
/// independent verifiers accept the endorsement; B keeps it with a copy of
/// A's DID document, and B's build verifies and attaches it.
#[test]
fn two_rosette_sites_endorse_each_other() {
    let a = repo(None);
    assert!(build(a.path(), &[]).status.success());
    let b = repo(None);
    let site = b.path().join("site/site.toml");
    let text = std::fs::read_to_string(&site)
        .unwrap()
        .replace(BASE, "https://other.test/guild/")
        .replace("name = \"Test Guild\"", "name = \"Other Guild\"");
    std::fs::write(&site, text).unwrap();
    let achievement = "https://other.test/guild/badges/beta/achievement.json";
    let out = a.path().join("endorsement.json");
    let output = rosette(
        a.path(),
        &[
            "endorse",
            achievement,
            "--comment",
            "We accept *Beta* as our own.",
            "--out",
            out.to_str().unwrap(),
            "--key",
            &test_key(),
            "--on",
            "2026-05-01",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with(&format!("Wrote an endorsement of {achievement} to ")));
    let endorsement = read_json(&out);
    assert_eq!(
        endorsement["type"],
        serde_json::json!(["VerifiableCredential", "EndorsementCredential"])
    );
    assert_eq!(endorsement["issuer"]["id"], "did:web:example.test:badges");
    assert_eq!(endorsement["credentialSubject"]["id"], achievement);
    assert_eq!(endorsement["validFrom"], "2026-05-01T00:00:00Z");
    assert!(endorsement["id"].as_str().unwrap().starts_with("urn:uuid:"));
    // The output verifies in the Digital Bazaar stack and in PyLD, with A's
    // published DID document.
    let published = a.path().join("public/endorsements");
    std::fs::create_dir_all(&published).unwrap();
    std::fs::copy(&out, published.join("beta.json")).unwrap();
    let public = a.path().join("public");
    // (The AchievementCredential schema verify_site adds does not apply.)
    let public_arg = public.to_string_lossy().into_owned();
    let js = crate::interop::node(&[
        "verify-site.mjs",
        &public_arg,
        BASE,
        "--glob",
        "endorsements/*.json",
        "--now",
        "2026-06-01T00:00:00Z",
    ]);
    assert!(
        js.status.success() && stdout(&js).contains("1 passed, 0 failed"),
        "{}{}",
        stdout(&js),
        stderr(&js)
    );
    let py = crate::pyld::pyld_verify(&public, BASE, &["--glob", "endorsements/*.json"]);
    assert!(
        py.status.success() && stdout(&py).contains("1 passed, 0 failed"),
        "{}{}",
        stdout(&py),
        stderr(&py)
    );
    // B attaches it.
    let folder = b.path().join("badges/beta/endorsements");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&out, folder.join("test-guild.json")).unwrap();
    std::fs::copy(public.join("did.json"), folder.join("test-guild.did.json")).unwrap();
    let output = build(b.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let attached = read_json(&b.path().join("public/badges/beta/achievement.json"));
    assert_eq!(attached["endorsement"][0], endorsement);
    let page = std::fs::read_to_string(b.path().join("public/badges/beta/index.html")).unwrap();
    assert!(
        page.contains(
            "<strong>Endorsed by <a href=\"https://guild.example/\"><bdi>Test Guild</bdi></a></strong>"
        ) && page.contains("We accept <em>Beta</em> as our own."),
        "{page}"
    );
}

#[test]
fn rosette_endorse_refuses_what_it_cannot_sign() {
    let repo = repo(None);
    let key = test_key();
    let out = repo.path().join("e.json");
    let out = out.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["endorse"];
        all.extend_from_slice(args);
        rosette(repo.path(), &all)
    };
    let own = run(&[
        &format!("{BASE}badges/alpha/achievement.json"),
        "--comment",
        "x",
        "--out",
        out,
        "--key",
        &key,
    ]);
    assert_eq!(own.status.code(), Some(2));
    assert!(
        stderr(&own).contains("is an achievement of this site"),
        "{}",
        stderr(&own)
    );
    let no_key = run(&["https://other.test/a.json", "--comment", "x", "--out", out]);
    assert_eq!(no_key.status.code(), Some(2));
    assert!(
        stderr(&no_key).contains("signed with this site's key"),
        "{}",
        stderr(&no_key)
    );
    let bad_url = run(&[
        "javascript:alert(1)",
        "--comment",
        "x",
        "--out",
        out,
        "--key",
        &key,
    ]);
    assert_eq!(bad_url.status.code(), Some(2));
    let empty = run(&[
        "https://other.test/a.json",
        "--comment",
        " ",
        "--out",
        out,
        "--key",
        &key,
    ]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("--comment: expected a non-empty text"));
    assert!(!Path::new(out).exists());
    std::fs::write(out, "keep").unwrap();
    let exists = run(&[
        "https://other.test/a.json",
        "--comment",
        "x",
        "--out",
        out,
        "--key",
        &key,
    ]);
    assert_eq!(exists.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(out).unwrap(), "keep");
}
