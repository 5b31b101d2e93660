//! `rosette check` on one broken repository per kind of problem: each must
//! fail with exit code 1 and exactly the diagnostics of its snapshot.

use crate::common::*;

fn check_case(case: &str) {
    let overlay = fixtures().join("invalid").join(case);
    assert!(overlay.is_dir(), "no fixture {case}");
    let repo = repo(Some(&overlay));
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1), "{case}: {}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "",
        "{case}: check prints problems on stderr only"
    );
    assert_snapshot(&overlay.join("expected.txt"), &stderr(&output));
}

macro_rules! cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $(#[test] fn $name() { check_case($dir); })*
    };
}

cases! {
    toml_syntax => "toml-syntax",
    unknown_fields => "unknown-fields",
    missing_fields => "missing-fields",
    bad_slug_and_ids => "bad-slug-and-ids",
    duplicate_ids => "duplicate-ids",
    unknown_badge => "unknown-badge",
    missing_image => "missing-image",
    bad_dates => "bad-dates",
    bad_urls_and_emails => "bad-urls-and-emails",
    base_url_no_slash => "base-url-no-slash",
    base_url_no_scheme => "base-url-no-scheme",
    recipients => "recipients",
    bad_values => "bad-values",
    not_utf8 => "not-utf8",
    pathways => "pathways",
    completion => "completion",
    handles => "handles",
    languages => "languages",
    translations => "translations",
    endorsement_files => "endorsement-files",
}

#[test]
fn every_fixture_has_a_test() {
    let tested = [
        "toml-syntax",
        "unknown-fields",
        "missing-fields",
        "bad-slug-and-ids",
        "duplicate-ids",
        "unknown-badge",
        "missing-image",
        "bad-dates",
        "bad-urls-and-emails",
        "base-url-no-slash",
        "base-url-no-scheme",
        "recipients",
        "bad-values",
        "not-utf8",
        "no-site",
        "pathways",
        "completion",
        "handles",
        "languages",
        "translations",
        "endorsement-files",
    ];
    for entry in std::fs::read_dir(fixtures().join("invalid")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            tested.contains(&name.as_str()),
            "fixture {name} has no test"
        );
    }
}

#[test]
fn the_base_fixture_is_valid() {
    let repo = repo(None);
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "No problems: 2 badges, 3 awards.\nNew badges or awards: `rosette lock` (or the next `rosette build`) records them in rosette.lock.\n"
    );
}

#[test]
fn a_missing_site_file_is_a_usage_error_outside_a_repository() {
    let repo = repo(Some(&fixtures().join("invalid/no-site")));
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no `site/site.toml`"),
        "{}",
        stderr(&output)
    );
    let output = rosette(repo.path(), &["check", "--root", "."]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: no `site/site.toml` in ."),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_finds_the_repository_from_a_subfolder() {
    let repo = repo(None);
    let output = rosette(&repo.path().join("badges/alpha"), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A repository must not pull files from elsewhere on the machine into the
/// published site, nor crash on names that are not UTF-8.
#[cfg(unix)]
#[test]
fn symlinks_and_non_utf8_names_are_reported_not_followed() {
    use std::os::unix::ffi::OsStrExt;
    let repo = repo(None);
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("site/static/passwd.txt")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"badges/\xff\xfe.toml");
    std::fs::write(repo.path().join(odd), "[badge]\n").unwrap();
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(
        report.contains("error: symbolic links are not allowed here\n--> site/static/passwd.txt"),
        "{report}"
    );
    assert!(
        report.contains("error: file name is not valid UTF-8"),
        "{report}"
    );
    assert!(report.contains("found 2 problems"), "{report}");
}

/// `check` finds what signing would find, without the secret key.
#[test]
fn check_reports_text_that_cannot_be_signed() {
    let repo = repo(None);
    let path = repo.path().join("badges/alpha/cohort.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "issued = 2026-03-01",
        "issued = 2026-03-01\nnarrative = \"Tabbed\\there\"",
    );
    std::fs::write(&path, text).unwrap();
    let output = rosette(repo.path(), &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(
        report.contains("award `alpha-3` cannot be signed")
            && report.contains("$.credentialSubject.narrative"),
        "{report}"
    );
}
