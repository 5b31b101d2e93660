//! `rosette init`: the scaffold builds as it is, and init never overwrites.

use std::fs;

use crate::common::*;

#[test]
fn a_new_repository_checks_and_builds_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let output = rosette(dir.path(), &["init", "guild"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let repo = dir.path().join("guild");
    for file in [
        "site/site.toml",
        "badges/example.toml",
        "badges/example.svg",
        ".gitignore",
        ".github/workflows/pages.yml",
    ] {
        assert!(repo.join(file).is_file(), "{file} missing");
    }
    assert!(
        fs::read_to_string(repo.join(".gitignore"))
            .unwrap()
            .contains("/public/")
    );
    let check = rosette(&repo, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let build = rosette(&repo, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(repo.join("public/awards/example-1/index.html").is_file());
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
