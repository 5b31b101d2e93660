//! The secret key never reaches the output or git: key files are refused
//! where they would be published or committed, and a build whose output
//! would hold the secret, in any encoding, aborts with exit code 2 and
//! leaves the previous output in place.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;

use crate::common::*;

fn secret_text() -> String {
    fs::read_to_string(test_key()).unwrap().trim().to_string()
}

/// `rosette build` with the secret in ROSETTE_SIGNING_KEY.
fn build_with_env(cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("build")
        .current_dir(cwd)
        .env("ROSETTE_SIGNING_KEY", secret_text())
        .output()
        .expect("run rosette")
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git must be installed for these tests")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// No folder beside `public/` is left by an aborted build.
fn assert_no_leftovers(repo: &Path) {
    let names: Vec<String> = fs::read_dir(repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rosette-new") || n.contains("rosette-old"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_key_file_in_site_static_is_refused() {
    let repo = repo(None);
    fs::copy(test_key(), repo.path().join("site/static/signing.key")).unwrap();
    let output = rosette(repo.path(), &["build", "--key", "site/static/signing.key"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("refusing to use the key file site/static/signing.key: it is inside site/"),
        "{}",
        stderr(&output)
    );
    assert!(!repo.path().join("public").exists());
    // Given by the variable instead, the copied file is caught in the output.
    let output = build_with_env(repo.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(
        report.contains(
            "static/signing.key: refusing to publish this file: it contains the secret signing key"
        ),
        "{report}"
    );
    assert!(!report.contains(&secret_text()) && !report.contains(&secret_text()[1..]));
    assert!(!repo.path().join("public").exists());
    assert_no_leftovers(repo.path());
}

#[test]
fn key_files_in_published_folders_the_output_or_git_are_refused() {
    let repo = repo(None);
    git(repo.path(), &["init", "-q"]);
    for rel in ["badges/k.key", "themes/t/k.key", "public/k.key"] {
        let path = repo.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::copy(test_key(), &path).unwrap();
        let output = rosette(repo.path(), &["build", "--key", rel]);
        assert_eq!(output.status.code(), Some(2), "{rel}");
        assert!(
            stderr(&output).contains("refusing to use the key file"),
            "{rel}: {}",
            stderr(&output)
        );
        fs::remove_file(&path).unwrap();
    }
    fs::create_dir_all(repo.path().join("keys")).unwrap();
    fs::copy(test_key(), repo.path().join("keys/site.key")).unwrap();
    // Inside the repository and not ignored: built, with a warning.
    let output = rosette(repo.path(), &["build", "--key", "keys/site.key"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("git does not ignore it: add `/keys/site.key` to .gitignore"),
        "{}",
        stderr(&output)
    );
    // Tracked by git: refused.
    git(repo.path(), &["add", "keys/site.key"]);
    let output = rosette(repo.path(), &["build", "--key", "keys/site.key"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("git tracks it"),
        "{}",
        stderr(&output)
    );
}

/// A theme that somehow holds the secret (here base64 of the seed in a
/// template comment): the build aborts, the previous output stays.
#[test]
fn a_template_that_contains_the_secret_aborts_the_build_and_keeps_the_old_output() {
    let repo = repo(None);
    assert!(build(repo.path(), &[]).status.success());
    let before = tree(&repo.path().join("public"));
    let seed = rosette::credential::multikey::decode_secret(&secret_text()).unwrap();
    let encodings = [
        base64::engine::general_purpose::STANDARD.encode(seed),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(seed),
        hex::encode_upper(seed),
        secret_text(),
    ];
    let theme = repo.path().join("themes/leaky/templates");
    fs::create_dir_all(&theme).unwrap();
    let site = repo.path().join("site/site.toml");
    let settings = fs::read_to_string(&site).unwrap();
    fs::write(
        &site,
        settings.replace(
            "language = \"en\"\n",
            "language = \"en\"\ntheme = \"leaky\"\n",
        ),
    )
    .unwrap();
    let base = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    for encoded in encodings {
        fs::write(
            theme.join("base.html"),
            format!("{base}\n<!-- {encoded} -->\n"),
        )
        .unwrap();
        let output = build(repo.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let report = stderr(&output);
        assert!(
            report.contains("it contains the secret signing key"),
            "{report}"
        );
        assert!(!report.contains(&encoded), "the report repeats the secret");
        assert_eq!(
            tree(&repo.path().join("public")),
            before,
            "the old output changed"
        );
        assert_no_leftovers(repo.path());
    }
    // Without it, the theme builds.
    fs::write(theme.join("base.html"), &base).unwrap();
    assert!(build(repo.path(), &[]).status.success());
}

#[test]
fn keygen_refuses_published_folders_and_ignores_its_file_in_git() {
    let repo = repo(None);
    git(repo.path(), &["init", "-q"]);
    for rel in ["site/static/k.key", "badges/k.key", "public/k.key"] {
        let output = rosette(repo.path(), &["keygen", "--out", rel]);
        assert_eq!(output.status.code(), Some(2), "{rel}");
        assert!(
            stderr(&output).contains("refusing to write the key file"),
            "{}",
            stderr(&output)
        );
        assert!(!repo.path().join(rel).exists());
    }
    fs::create_dir_all(repo.path().join("keys")).unwrap();
    let output = rosette(repo.path(), &["keygen", "--out", "keys/new.key"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Added `/keys/new.key` to .gitignore"),
        "{}",
        stdout(&output)
    );
    let ignored = Command::new("git")
        .args([
            "-C",
            repo.path().to_str().unwrap(),
            "check-ignore",
            "-q",
            "keys/new.key",
        ])
        .status()
        .unwrap();
    assert!(ignored.success(), "git ignores the key file");
    // Already ignored by a pattern: .gitignore is left alone.
    let gitignore = fs::read_to_string(repo.path().join(".gitignore")).unwrap() + "*.key\n";
    fs::write(repo.path().join(".gitignore"), &gitignore).unwrap();
    let output = rosette(repo.path(), &["keygen", "--out", "keys/other.key"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(repo.path().join(".gitignore")).unwrap(),
        gitignore
    );
    let site = fs::read_to_string(repo.path().join("site/site.toml")).unwrap();
    assert!(
        site.contains("id = \"key-2\"") && site.contains("id = \"key-3\""),
        "{site}"
    );
    let secret = fs::read_to_string(repo.path().join("keys/new.key")).unwrap();
    assert!(!site.contains(secret.trim()));
}
