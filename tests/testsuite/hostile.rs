//! Hostile and broken input: every input gets a clear report at its cause,
//! bounded in what it costs, and never an abort, a hang or an echoed secret.

use std::fmt::Write as _;
use std::fs;

use crate::common::*;

fn append(repo: &tempfile::TempDir, rel: &str, text: &str) {
    let path = repo.path().join(rel);
    let mut all = fs::read_to_string(&path).unwrap_or_default();
    all.push_str(text);
    fs::write(path, all).unwrap();
}

fn replace(repo: &tempfile::TempDir, rel: &str, from: &str, to: &str) {
    let path = repo.path().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// `list = 10000000` used to allocate a status list per number and abort.
#[test]
fn numbers_in_a_hostile_lock_are_refused_not_allocated() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let lock = repo.path().join("rosette.lock");
    let text = fs::read_to_string(&lock).unwrap();
    let hostile = text.replacen("list = 1,", "list = 10000000,", 1);
    fs::write(&lock, &hostile).unwrap();
    for command in [&["check"][..], &["build", "--key", &test_key()][..]] {
        let output = rosette(repo.path(), command);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{command:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("has an impossible status slot")
                && stderr(&output).contains("expected `list` from 1 to 64"),
            "{}",
            stderr(&output)
        );
    }
    // A list number with nothing before it was edited by hand: no 100 lists.
    fs::write(&lock, text.replacen("list = 1,", "list = 7,", 1)).unwrap();
    let output = build(repo.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is in status list 7, but no award is in list 2"),
        "{}",
        stderr(&output)
    );
    assert!(!repo.path().join("public/status/revocation-7.json").exists());
}

/// 32,000 empty evidence items or 500,000 duplicate tags used to take
/// minutes and print one error each.
#[test]
fn a_huge_list_is_one_problem_at_the_first_item_too_many() {
    let repo = repo(None);
    let evidence = vec!["{}"; 32_000].join(", ");
    replace(
        &repo,
        "badges/alpha/cohort.toml",
        "issued = 2026-03-01",
        &format!("issued = 2026-03-01\nevidence = [{evidence}]"),
    );
    let tags = vec!["\"x\""; 500_000].join(",");
    replace(
        &repo,
        "badges/beta.toml",
        "achievement_type",
        &format!("tags = [{tags}]\nachievement_type"),
    );
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains("error: too many `evidence`: 32000"),
        "{report}"
    );
    assert!(
        report.contains("error: too many `tags`: 500000"),
        "{report}"
    );
    assert!(report.contains("expected at most 64"), "{report}");
    assert!(report.ends_with("error: found 2 problems\n"), "{report}");
    assert!(report.len() < 4_000, "the report quotes lines, not files");
}

/// Thousands of problems: the first fifty are shown, the rest counted.
#[test]
fn thousands_of_problems_show_the_first_fifty_and_a_count() {
    let repo = repo(None);
    let mut awards = String::new();
    for i in 0..20_000 {
        let _ = write!(
            awards,
            "\n[[award]]\nid = \"Bad {i}\"\nrecipient = {{ did = \"did:key:z6Mk\" }}\nissued = 2026-01-01\n"
        );
    }
    append(&repo, "badges/alpha/cohort.toml", &awards);
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(report.matches("error: invalid `id`").count(), 50);
    assert!(report.contains("note: 19950 more problems are not shown; fix these first"));
    assert!(
        report.ends_with("error: found 20000 problems\n"),
        "{}",
        &report[report.len() - 200..]
    );
}

/// `"> " × 120,000` passed `check` and then took 37 s to sanitise; now it
/// is too long, and shorter deep nesting is refused by its depth.
#[test]
fn deeply_nested_markdown_is_refused_by_check_and_build() {
    let repo = repo(None);
    replace(
        &repo,
        "badges/beta.toml",
        "criteria = \"Do the second thing.\"",
        &format!("criteria = \"{}x\"", "- ".repeat(40_000)),
    );
    replace(
        &repo,
        "badges/alpha.toml",
        "criteria = \"Do the **first** thing.\"",
        &format!("criteria = \"{}x\"", "> ".repeat(120_000)),
    );
    for command in [&["check"][..], &["build", "--key", &test_key()][..]] {
        let output = rosette(repo.path(), command);
        let report = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        assert!(
            report.contains("error: invalid `criteria`\n --> badges/beta.toml:4:12")
                && report.contains(
                    "expected Markdown with block quotes and lists nested at most 16 deep"
                ),
            "{report}"
        );
        assert!(
            report.contains("error: invalid `criteria`\n --> badges/alpha.toml:4:12")
                && report.contains("expected a text of at most 100000 characters"),
            "{report}"
        );
    }
}

/// A status list whose subject is a million empty objects used to be
/// canonicalised (32 s, 2 GB) before its shape was looked at.
#[test]
fn a_hostile_status_list_is_refused_by_its_shape() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let list = repo.path().join("public/status/revocation.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(&list).unwrap()).unwrap();
    doc["credentialSubject"] = serde_json::Value::Array(vec![serde_json::json!({}); 1_000_000]);
    fs::write(&list, serde_json::to_vec(&doc).unwrap()).unwrap();
    let output = rosette(
        repo.path(),
        &["verify", "public", "--at", "2026-06-01T00:00:00Z"],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(
        text.matches("status/revocation.json has no credentialSubject object")
            .count(),
        3,
        "every credential that points at it: {text}"
    );
}

/// `rosette check` compiles the theme and renders every page, and a
/// template error points into the theme's file.
#[test]
fn check_reports_template_errors_in_the_theme_file() {
    let repo = repo(None);
    replace(
        &repo,
        "site/site.toml",
        "language = \"en\"",
        "language = \"en\"\ntheme = \"mine\"",
    );
    let templates = repo.path().join("themes/mine/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("index.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ oops( }}{% endblock content %}\n",
    )
    .unwrap();
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains("--> themes/mine/templates/index.html:2:"),
        "{report}"
    );
    assert!(
        report.contains("2 | {% block content %}{{ oops( }}"),
        "{report}"
    );
    // A template that compiles but fails while rendering an award page.
    fs::remove_file(templates.join("index.html")).unwrap();
    fs::write(
        templates.join("award.html"),
        "{{ award.no_such_field.deeper }}\n",
    )
    .unwrap();
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains("--> themes/mine/templates/award.html:1:"),
        "{report}"
    );
    assert!(
        report.contains("found 1 problem\n"),
        "once, not once per award: {report}"
    );
}

/// `--key "$(cat signing.key)"` used to print the key back.
#[test]
fn a_secret_key_given_to_key_is_not_echoed() {
    let repo = repo(None);
    let secret = fs::read_to_string(test_key()).unwrap().trim().to_string();
    let output = rosette(repo.path(), &["build", "--key", &secret]);
    assert_eq!(output.status.code(), Some(2));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!all.contains(&secret), "{all}");
    assert!(all.contains("ROSETTE_SIGNING_KEY"), "{all}");
}

#[test]
fn hints_say_what_to_change_not_what_was_written() {
    let repo = repo(None);
    replace(
        &repo,
        "badges/alpha/cohort.toml",
        "issued = 2026-03-01",
        "issued = \"2026-03-01\"",
    );
    replace(
        &repo,
        "site/site.toml",
        "image = \"static/logo.svg\"",
        "image = \"static/logo.png\"",
    );
    let output = rosette(repo.path(), &["check"]);
    let report = stderr(&output);
    assert!(
        report.contains("help: TOML dates are written without quotes: 2026-03-01"),
        "{report}"
    );
    assert!(
        report.contains("error: no file `site/static/logo.png`")
            && report.contains("this file does not exist")
            && report.contains("the images in site/static/ are `static/logo.svg`"),
        "{report}"
    );
}
