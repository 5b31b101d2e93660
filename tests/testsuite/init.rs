//! `rosette init`: the scaffold builds as it is, and init never overwrites.

use std::fs;

use crate::common::*;

#[test]
fn a_new_repository_checks_and_builds_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let output = rosette(dir.path(), &["init", "guild"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    assert!(said.contains("Next: cd guild && git init;"), "{said}");
    assert!(said.contains("rosette keygen --out ~/guild.key"), "{said}");
    assert!(said.contains("rename badges/example.toml"), "{said}");
    let repo = dir.path().join("guild");
    for file in [
        "site/site.toml",
        "badges/example.toml",
        "badges/example.svg",
        ".gitignore",
        "README.md",
        ".github/workflows/check.yml",
        ".github/workflows/pages.yml",
    ] {
        assert!(repo.join(file).is_file(), "{file} missing");
    }
    let ignored = fs::read_to_string(repo.join(".gitignore")).unwrap();
    assert!(
        ignored.contains("/public/") && ignored.contains("*.key") && ignored.contains("/private/")
    );
    let site = fs::read_to_string(repo.join("site/site.toml")).unwrap();
    assert!(site.contains("recipients = \"hashed-only\""), "{site}");
    // The example award is hashed, with a fresh id: no plaintext email.
    let example = fs::read_to_string(repo.join("badges/example.toml")).unwrap();
    assert!(
        example.contains("email_hash = \"sha256$") && example.contains("salt = \""),
        "{example}"
    );
    assert!(!example.contains("email = "), "{example}");
    let readme = fs::read_to_string(repo.join("README.md")).unwrap();
    for needle in [
        "Source: GitHub Actions",
        "ROSETTE_SIGNING_KEY",
        "rosette award --badge",
        "Rename `badges/example.toml`",
        "rosette lock",
    ] {
        assert!(readme.contains(needle), "README.md lacks {needle:?}");
    }
    let check = rosette(&repo, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(!stderr(&check).contains("plaintext"), "{}", stderr(&check));
    // The lock comes from `rosette lock` (after renaming the example).
    assert_eq!(
        rosette(&repo, &["check", "--locked"]).status.code(),
        Some(1)
    );
    assert!(rosette(&repo, &["lock"]).status.success());
    let check = rosette(&repo, &["check", "--locked"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let build = rosette(&repo, &["build", "--locked"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let pages = tree(&repo.join("public"));
    assert_eq!(
        pages
            .keys()
            .filter(|p| p.starts_with("awards/") && p.ends_with("/index.html"))
            .count(),
        1
    );
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let output = rosette(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not empty"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!dir.path().join("site").exists());
}
