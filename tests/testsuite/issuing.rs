//! Issuing from git without the secret key: `rosette award`, `import`,
//! `lock` and `hash-recipients`, the pull-request flow (`check --locked`
//! without a key, `build --locked` with it), the mail-merge file, and the
//! privacy warning.

use std::fs;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::common::*;

fn snapshots() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/issuing")
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git must be installed for these tests");
    assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
}

/// The id in "Added award `ID` …".
fn added_id(output: &std::process::Output) -> String {
    let text = stdout(output);
    text.split("Added award `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no award id in: {text}{}", stderr(output)))
        .to_string()
}

/// `value` of `key = "value"` in the TOML of award `id`.
fn award_field(text: &str, id: &str, key: &str) -> String {
    let start = text
        .find(&format!("id = \"{id}\""))
        .unwrap_or_else(|| panic!("no award {id}"));
    let rest = &text[start..];
    let at = rest
        .find(&format!("{key} = \""))
        .unwrap_or_else(|| panic!("no {key}"));
    rest[at + key.len() + 4..]
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The hashed recipient `award` writes is exactly what the build publishes:
/// the OB 3.0 `identityHash` + `salt` and the OB 2.0 `recipient`.
#[test]
fn the_hashed_recipient_award_writes_is_the_one_the_signed_credential_publishes() {
    let repo = repo(None);
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "beta",
            "--email",
            "Bea.Smith@Example.ORG",
            "--name",
            "Bea",
            "--issued",
            "2026-03-01",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let id = added_id(&output);
    assert_eq!(id.len(), 10);
    assert!(
        stdout(&output).contains(&format!("https://example.test/badges/awards/{id}/")),
        "{}",
        stdout(&output)
    );
    let text = fs::read_to_string(repo.path().join("badges/beta.toml")).unwrap();
    assert!(!text.to_lowercase().contains("bea.smith"), "{text}");
    let salt = award_field(&text, &id, "salt");
    let hash = award_field(&text, &id, "email_hash");
    // Computed here independently: SHA-256 of the lowercased email ‖ salt.
    let expected = format!(
        "sha256${}",
        sha256_hex(&format!("bea.smith@example.org{salt}"))
    );
    assert_eq!(hash, expected);

    let output = build(repo.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let credential = read_json(
        &repo
            .path()
            .join(format!("public/awards/{id}/credential.json")),
    );
    let identity = &credential["credentialSubject"]["identifier"][0];
    assert_eq!(identity["identityHash"], expected.as_str());
    assert_eq!(identity["salt"], salt.as_str());
    assert_eq!(identity["hashed"], true);
    let assertion = read_json(
        &repo
            .path()
            .join(format!("public/awards/{id}/assertion.json")),
    );
    assert_eq!(assertion["recipient"]["identity"], expected.as_str());
    assert_eq!(assertion["recipient"]["salt"], salt.as_str());
    let output = rosette(repo.path(), &["verify", "public"]);
    assert!(output.status.success(), "{}", stdout(&output));
}

/// A volunteer's pull request: the award is added by `rosette award` with no
/// key; `check --locked` passes without a key; the deploy's `build --locked`
/// with the key succeeds. An award added by hand fails `check --locked`,
/// naming it and `rosette lock`, exactly as `build --locked` fails; `rosette
/// lock` records the slot a build would have given it.
#[test]
fn the_pull_request_flow_needs_no_key_until_the_deploy() {
    let repo = repo(None);
    // The published state: built and locked on the default branch.
    assert!(build(repo.path(), &[]).status.success());
    assert!(build(repo.path(), &["--locked"]).status.success());

    // The pull request, without any key (rosette() removes ROSETTE_SIGNING_KEY).
    let output = rosette(
        repo.path(),
        &["award", "--badge", "alpha", "--email", "new@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let id = added_id(&output);
    let lock = fs::read_to_string(repo.path().join("rosette.lock")).unwrap();
    assert!(
        lock.contains(&format!("\"{id}\" = {{ list = 1, index = ")),
        "{lock}"
    );
    let check = rosette(repo.path(), &["check", "--locked"]);
    assert!(check.status.success(), "{}", stderr(&check));

    // The deploy, with the key.
    let output = build(repo.path(), &["--locked"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        repo.path()
            .join(format!("public/awards/{id}/credential.json"))
            .is_file()
    );

    // An award added by hand, in a new file.
    fs::write(
        repo.path().join("badges/alpha/by-hand.toml"),
        "[[award]]\nid = \"by-hand-1\"\nrecipient = { did = \"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\" }\nissued = 2026-05-01\n",
    )
    .unwrap();
    let check = rosette(repo.path(), &["check", "--locked"]);
    assert_eq!(check.status.code(), Some(1));
    let report = stderr(&check);
    assert!(
        report.contains("not recorded: awards `by-hand-1`"),
        "{report}"
    );
    assert!(
        report.contains("run `rosette lock` (no key needed)"),
        "{report}"
    );
    let deploy = build(repo.path(), &["--locked"]);
    assert_eq!(deploy.status.code(), Some(1));
    assert_eq!(
        stderr(&deploy),
        report,
        "check --locked fails as build --locked does"
    );

    // `rosette lock` records exactly what a build would record.
    let twin = tempfile::tempdir().unwrap();
    copy_tree(repo.path(), twin.path());
    fs::remove_dir_all(twin.path().join("public")).unwrap();
    assert!(build(twin.path(), &[]).status.success());
    let output = rosette(repo.path(), &["lock"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("`by-hand-1`"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        fs::read_to_string(repo.path().join("rosette.lock")).unwrap(),
        fs::read_to_string(twin.path().join("rosette.lock")).unwrap()
    );
    assert!(
        rosette(repo.path(), &["check", "--locked"])
            .status
            .success()
    );
    assert!(build(repo.path(), &["--locked"]).status.success());
    let output = rosette(repo.path(), &["lock"]);
    assert_eq!(stdout(&output), "rosette.lock is up to date.\n");
}

#[test]
fn check_locked_names_every_unrecorded_badge_and_award() {
    let repo = repo(None);
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            "[[award]]\nid = \"many-{i:02}\"\nrecipient = {{ did = \"did:key:z6Mk{i}\" }}\nissued = 2026-05-01\n\n"
        ));
    }
    fs::write(repo.path().join("badges/alpha/many.toml"), text).unwrap();
    let report = stderr(&rosette(repo.path(), &["check", "--locked"]));
    assert!(report.contains("badges `alpha`, `beta`"), "{report}");
    for i in 0..30 {
        assert!(
            report.contains(&format!("`many-{i:02}`")),
            "many-{i:02} missing"
        );
    }
    assert!(!report.contains("more"), "{report}");
}

/// Golden file: `award` appends after the last byte of a CRLF file with
/// comments, in CRLF, and keeps everything else.
#[test]
fn award_keeps_every_other_byte_of_a_crlf_file_with_comments() {
    let repo = repo(None);
    let path = repo.path().join("badges/alpha/cohort.toml");
    let before = "# Spring cohort, kept by hand.\r\n[[award]]\r\nid = \"alpha-3\"   # the first\r\nrecipient = { email_hash = \"sha256$43ba26a8a7f72a64de4e9e7ff89c4b6005231e8e352984a896f4d66c4ea552c7\", salt = \"2f6c1b5e9a0d4c3e\", name = \"Alice\" }\r\nissued = 2026-03-01\r\nrevoked = { on = 2026-04-01, reason = \"Issued in error\" }\r\n# trailing comment, no final newline";
    fs::write(&path, before).unwrap();
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "alpha",
            "--file",
            "cohort",
            "--email",
            "cy@example.org",
            "--name",
            "Cy \"Junior\" Doe",
            "--issued",
            "2026-03-05",
            "--expires",
            "2027-03-05T12:00:00Z",
            "--narrative",
            "Ran the *whole* thing.",
            "--evidence",
            "https://work.example/cy",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let id = added_id(&output);
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(before), "the old bytes are a prefix");
    let salt = award_field(&after, &id, "salt");
    let hash = award_field(&after, &id, "email_hash");
    let normalised = after
        .replace(&id, "ID")
        .replace(&salt, "SALT")
        .replace(&hash, "HASH");
    assert_snapshot(&snapshots().join("award-crlf.toml"), &normalised);
    assert!(!after.replace("\r\n", "").contains('\n'), "CRLF throughout");
    assert!(
        rosette(repo.path(), &["check", "--locked"])
            .status
            .success()
    );
}

#[test]
fn award_refuses_bad_input_and_writes_nothing() {
    let repo = repo(None);
    let before = tree(repo.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &["--badge", "gamma", "--email", "a@example.org"],
            "unknown badge `gamma` (the badges are `alpha`, `beta`)",
        ),
        (
            &["--badge", "alpha", "--email", "not-an-email"],
            "bad email `not-an-email`",
        ),
        (&["--badge", "alpha", "--did", "did:"], "bad DID"),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--issued",
                "01/02/2026",
            ],
            "--issued 01/02/2026: expected a date",
        ),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--issued",
                "2026-03-01",
                "--expires",
                "2026-02-01",
            ],
            "is not after the issue date",
        ),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--evidence",
                "javascript:alert(1)",
            ],
            "bad evidence URL",
        ),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--name",
                "Tab\there",
            ],
            "bad name: expected a text without control characters such as U+0009",
        ),
        (
            &["--badge", "alpha", "--email", "ADA@example.org"],
            "already has badge `alpha`: award `alpha-1`",
        ),
        (
            &["--badge", "alpha", "--email", "alice@example.org"],
            "award `alpha-3`",
        ),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--file",
                "../x",
            ],
            "--file ../x",
        ),
        (
            &[
                "--badge",
                "alpha",
                "--email",
                "a@example.org",
                "--mail-merge",
                "earners.csv",
            ],
            "refusing to write the mail-merge file",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["award"];
        all.extend_from_slice(args);
        let output = rosette(repo.path(), &all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(tree(repo.path()), before, "{args:?} wrote something");
    }
    // --again awards a badge once more to the same recipient.
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "alpha",
            "--email",
            "alice@example.org",
            "--again",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn plaintext_is_refused_in_a_hashed_only_repository() {
    let repo = repo(None);
    let site = repo.path().join("site/site.toml");
    let text = fs::read_to_string(&site).unwrap();
    fs::write(
        &site,
        text.replace(
            "language = \"en\"\n",
            "language = \"en\"\nrecipients = \"hashed-only\"\n",
        ),
    )
    .unwrap();
    // The fixture's plaintext award must go first.
    let output = rosette(repo.path(), &["hash-recipients"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "beta",
            "--email",
            "p@example.org",
            "--plain",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("hashed-only"),
        "{}",
        stderr(&output)
    );
    let output = rosette(
        repo.path(),
        &["award", "--badge", "beta", "--email", "p@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

/// The mail-merge file is the only place with plaintext emails: refused in
/// the repository unless git ignores it, private, appended to.
#[test]
fn the_mail_merge_file_must_be_ignored_by_git_inside_the_repository() {
    let repo = repo(None);
    git(repo.path(), &["init", "-q"]);
    let before = tree(repo.path());
    let args = [
        "award",
        "--badge",
        "beta",
        "--email",
        "Mo@Example.org",
        "--name",
        "Mo, \"the\" Earner",
        "--mail-merge",
        "private/earners.csv",
    ];
    let output = rosette(repo.path(), &args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("git does not ignore it"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(repo.path()), before, "nothing written when refused");
    fs::write(repo.path().join(".gitignore"), "/private/\n").unwrap();
    let output = rosette(repo.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let id = added_id(&output);
    let csv = repo.path().join("private/earners.csv");
    let text = fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text,
        format!(
            "email,name,badge,badge_name,award_url,credential_url\nmo@example.org,\"Mo, \"\"the\"\" Earner\",beta,Beta,https://example.test/badges/awards/{id}/,https://example.test/badges/awards/{id}/credential.json\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&csv).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Nowhere else: not in badges/, the lock, or the output.
    for (path, bytes) in tree(repo.path()) {
        if path.starts_with("private/") || path.starts_with(".git/") {
            continue;
        }
        assert!(
            !String::from_utf8_lossy(&bytes)
                .to_lowercase()
                .contains("mo@example.org"),
            "{path} holds the email"
        );
    }
    // A second award appends a row.
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "beta",
            "--did",
            "did:key:z6Mkmo",
            "--mail-merge",
            "private/earners.csv",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&csv).unwrap().lines().count(), 3);
    // Outside the repository, no git question is asked.
    let outside = tempfile::tempdir().unwrap();
    let out = outside.path().join("m.csv");
    let output = rosette(
        repo.path(),
        &[
            "award",
            "--badge",
            "alpha",
            "--email",
            "z@example.org",
            "--mail-merge",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(fs::read_to_string(out).unwrap().contains("z@example.org"));
}

/// Each vendor sample imports (tests/fixtures/import/SOURCES.md).
#[test]
fn every_vendor_sample_file_imports() {
    let samples = fixtures().join("import");
    let cases: &[(&str, Option<&str>, usize, &str)] = &[
        ("rosette.csv", None, 3, "Rosette"),
        ("badgr.csv", Some("alpha"), 2, "Badgr"),
        ("badgr-hosted.csv", Some("alpha"), 2, "Badgr"),
        (
            "canvas.csv",
            Some("beta"),
            2,
            "Canvas Credentials / Parchment",
        ),
        ("credly.csv", Some("beta"), 2, "Credly"),
    ];
    for (file, badge, count, layout) in cases {
        let repo = repo(None);
        let path = samples.join(file);
        let mut args = vec!["import", path.to_str().unwrap()];
        if let Some(badge) = badge {
            args.extend(["--badge", badge]);
        }
        let dry = {
            let mut a = args.clone();
            a.push("--dry-run");
            a
        };
        let before = tree(repo.path());
        let output = rosette(repo.path(), &dry);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(&format!("{count} award(s) in the {layout} layout")),
            "{file}: {}",
            stdout(&output)
        );
        assert_eq!(
            tree(repo.path()),
            before,
            "{file}: --dry-run wrote something"
        );
        let output = rosette(repo.path(), &args);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(&format!("Imported {count} award(s)")),
            "{file}: {}",
            stdout(&output)
        );
        let check = rosette(repo.path(), &["check", "--locked"]);
        assert!(check.status.success(), "{file}: {}", stderr(&check));
        let output = build(repo.path(), &["--locked"]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        // No plaintext email of the file reached badges/ or the lock.
        let emails: Vec<String> = fs::read_to_string(&path)
            .unwrap()
            .split([',', '\n', '\r', '"', ' '])
            .filter(|t| t.contains('@'))
            .map(str::to_lowercase)
            .collect();
        assert!(!emails.is_empty(), "{file}");
        for (rel, bytes) in tree(repo.path()) {
            if rel.starts_with("public/") {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            for email in &emails {
                assert!(
                    !text.contains(email.as_str()),
                    "{file}: {rel} holds {email}"
                );
            }
        }
    }
}

/// What the importer reads from each layout: names from first + last,
/// Credly's mm/dd/yy, quoted fields, evidence, DIDs in Canvas identifiers.
#[test]
fn vendor_columns_become_the_right_fields() {
    let repo = repo(None);
    let samples = fixtures().join("import");
    for (file, badge) in [("credly.csv", "beta"), ("canvas.csv", "alpha")] {
        let path = samples.join(file);
        let output = rosette(
            repo.path(),
            &["import", path.to_str().unwrap(), "--badge", badge],
        );
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("warning: ignored the column `"),
            "{}",
            stderr(&output)
        );
    }
    let beta = fs::read_to_string(repo.path().join("badges/beta.toml")).unwrap();
    for needle in [
        "name = \"Noor Haddad\" }\r\nissued = 2026-03-04\r\nexpires = 2028-03-04\r\nevidence = [{ url = \"https://example.org/noor\", name = \"Capstone\" }]",
        "name = \"Kim Lee, Jr.\" }\r\nissued = 2025-12-01\r\n",
    ] {
        assert!(
            beta.replace("\r\n", "\n")
                .contains(&needle.replace("\r\n", "\n")),
            "{needle}\n{beta}"
        );
    }
    let alpha = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();
    assert!(alpha.contains("name = \"Rosa Parks\" }\nissued = 2026-01-20\nexpires = 2028-01-20\nnarrative = \"Completed the course.\"\nevidence = [{ url = \"https://example.org/rosa\", narrative = \"Final project\" }]"), "{alpha}");
    assert!(alpha.contains("recipient = { did = \"did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH\", name = \"Sam\" }\nissued = 2026-01-21\n"), "{alpha}");
}

/// Every bad row is reported with its line and what is wrong, and nothing
/// is written.
#[test]
fn bad_rows_are_reported_with_their_lines_and_nothing_is_written() {
    let repo = repo(None);
    let before = tree(repo.path());
    let path = fixtures().join("import/bad-rows.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .args(["import", "bad-rows.csv"])
        .current_dir(path.parent().unwrap())
        .arg("--root")
        .arg(repo.path())
        .env_remove("ROSETTE_SIGNING_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_snapshot(&snapshots().join("import-bad-rows.txt"), &stderr(&output));
    assert_eq!(tree(repo.path()), before, "nothing written");
}

#[test]
fn import_refuses_a_badge_column_with_badge_and_a_file_without_either() {
    let repo = repo(None);
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("with.csv");
    fs::write(&with, "badge,email\nalpha,q@example.org\n").unwrap();
    let output = rosette(
        repo.path(),
        &["import", with.to_str().unwrap(), "--badge", "beta"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has a badge column already"),
        "{}",
        stderr(&output)
    );
    let without = dir.path().join("without.csv");
    fs::write(&without, "Name,E-mail\nQ,q@example.org\n").unwrap();
    let output = rosette(repo.path(), &["import", without.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("line 1: no badge column"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("--badge SLUG"),
        "{}",
        stderr(&output)
    );
    let latin1 = dir.path().join("latin1.csv");
    fs::write(&latin1, b"badge,email,name\nalpha,q@example.org,Jos\xe9\n").unwrap();
    let output = rosette(repo.path(), &["import", latin1.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("line 2: the file is not UTF-8"),
        "{}",
        stderr(&output)
    );
}

/// Golden file: `import` appends to a CRLF file with comments and keeps
/// every other byte; the ids are fresh and unique.
#[test]
fn import_keeps_every_other_byte_and_gives_fresh_ids() {
    let repo = repo(None);
    let path = repo.path().join("badges/beta.toml");
    let before = fs::read_to_string(&path).unwrap().replace('\n', "\r\n")
        + "# end of the hand-written part\r\n";
    fs::write(&path, &before).unwrap();
    let csv = fixtures().join("import/badgr-hosted.csv");
    let output = rosette(
        repo.path(),
        &["import", csv.to_str().unwrap(), "--badge", "beta"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before));
    let lock = fs::read_to_string(repo.path().join("rosette.lock")).unwrap();
    let mut normalised = after.clone();
    let ids: Vec<String> = after
        .match_indices("id = \"")
        .map(|(at, _)| after[at + 6..].split('"').next().unwrap().to_string())
        .filter(|id| id.len() == 10)
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for (n, id) in ids.iter().enumerate() {
        assert!(lock.contains(&format!("\"{id}\"")), "{id} recorded");
        let salt = award_field(&after, id, "salt");
        let hash = award_field(&after, id, "email_hash");
        normalised = normalised
            .replace(id, &format!("ID{n}"))
            .replace(&salt, &format!("SALT{n}"))
            .replace(&hash, &format!("HASH{n}"));
    }
    // The second row has no issue date: today's.
    let today = time::OffsetDateTime::now_utc().date();
    normalised = normalised.replace(&format!("issued = {today}"), "issued = TODAY");
    assert_snapshot(&snapshots().join("import-crlf.toml"), &normalised);
}

#[test]
fn duplicates_of_hashed_awards_are_found_with_their_own_salt() {
    let repo = repo(None);
    let output = rosette(
        repo.path(),
        &["award", "--badge", "beta", "--email", "zed@example.org"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let id = added_id(&output);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("again.csv");
    fs::write(&csv, "email\nnew@example.org\nZED@example.org\n").unwrap();
    let output = rosette(
        repo.path(),
        &["import", csv.to_str().unwrap(), "--badge", "beta"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("line 3: duplicate: this recipient already has badge `beta`: award `{id}` in badges/beta.toml (its hashed email matches)")),
        "{}",
        stderr(&output)
    );
    // Another badge is not a duplicate.
    let output = rosette(
        repo.path(),
        &["import", csv.to_str().unwrap(), "--badge", "alpha"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

/// The privacy warning names each plaintext email and the command; with
/// the key, `hash-recipients` keeps the built site byte-identical.
#[test]
fn hash_recipients_with_the_key_keeps_the_published_site_identical() {
    let repo = repo(None);
    let check = rosette(repo.path(), &["check"]);
    assert!(
        stderr(&check).contains("warning: badges/alpha.toml:15:13: award `alpha-1` names its recipient by a plaintext email"),
        "{}",
        stderr(&check)
    );
    assert!(stderr(&check).contains("rosette hash-recipients"));
    assert!(build(repo.path(), &[]).status.success());
    let published = tree(&repo.path().join("public"));
    let before = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();
    let key = test_key();
    let output = rosette(repo.path(), &["hash-recipients", "--key", &key]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();
    assert!(!after.contains("Ada@Example.org") && after.contains("id = \"alpha-1\""));
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0]
            .1
            .starts_with("recipient = { email_hash = \"sha256$")
            && changed[0].1.ends_with(", name = \"Ada\" }")
    );
    assert!(build(repo.path(), &[]).status.success());
    assert!(
        tree(&repo.path().join("public")) == published,
        "the built site changed"
    );
    let check = rosette(repo.path(), &["check", "--locked"]);
    assert!(
        check.status.success() && !stderr(&check).contains("plaintext"),
        "{}",
        stderr(&check)
    );
    let output = rosette(repo.path(), &["hash-recipients"]);
    assert!(
        stdout(&output).contains("nothing to do"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn hash_recipients_without_the_key_uses_fresh_salts() {
    let repo = repo(None);
    let output = rosette(repo.path(), &["hash-recipients"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Salts are fresh"),
        "{}",
        stdout(&output)
    );
    let text = fs::read_to_string(repo.path().join("badges/alpha.toml")).unwrap();
    let salt = award_field(&text, "alpha-1", "salt");
    assert_eq!(
        award_field(&text, "alpha-1", "email_hash"),
        format!("sha256${}", sha256_hex(&format!("ada@example.org{salt}")))
    );
    assert!(build(repo.path(), &[]).status.success());
    let output = rosette(repo.path(), &["verify", "public"]);
    assert!(output.status.success(), "{}", stdout(&output));
}
