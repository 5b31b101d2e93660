//! The README's Quickstart, run as it is written: the `sh` block under
//! "## Quickstart" is read from README.md and executed in a fresh home
//! folder, with the built `rosette` first on the PATH, a local key, no git
//! identity or configuration, no editor (`EDITOR=true`) and every HTTP
//! request sent to a closed port, so the README cannot drift from what
//! works offline on a fresh machine.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The first ```sh block after the "## Quickstart" heading.
fn quickstart_block() -> String {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## Quickstart\n")
        .nth(1)
        .expect("README.md has a Quickstart section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the Quickstart has a sh block");
    block.to_string()
}

#[test]
fn the_readme_quickstart_works_as_written() {
    let block = quickstart_block();
    for step in [
        "cargo install --locked --path .",
        "rosette init my-badges",
        "git init",
        "rosette keygen --out ~/my-badges.key",
        "mv badges/example.toml",
        "rosette award --badge",
        "rosette check --locked",
        "rosette build --key ~/my-badges.key",
    ] {
        assert!(
            block.contains(step),
            "the Quickstart lost `{step}`:\n{block}"
        );
    }
    let home = tempfile::tempdir().unwrap();
    let clone = home.path().join("rosette");
    fs::create_dir(&clone).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_rosette")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // `cargo install` is the one step the test does not run: the binary
    // under test stands for what it installs.
    let script = format!(
        "set -eu\n\
         cargo() {{\n\
           if [ \"$*\" = \"install --locked --path .\" ]; then echo \"(installed: the binary under test)\"; \
           else echo \"unexpected: cargo $*\" >&2; return 97; fi\n\
         }}\n\
         {block}\n"
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(&clone)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home.path())
        .env("EDITOR", "true")
        .env("LANG", "C.UTF-8")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.path().join("no-gitconfig"))
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("https_proxy", "http://127.0.0.1:9")
        .output()
        .expect("run sh");
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success(), "the Quickstart failed:\n{said}");
    let repo = home.path().join("my-badges");
    // The key: outside the repository, private, and in site.toml by its public half.
    let key = home.path().join("my-badges.key");
    assert!(key.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let site = fs::read_to_string(repo.join("site/site.toml")).unwrap();
    assert!(
        site.contains("[[keys]]\nid = \"key-1\"\npublic = \"z6Mk"),
        "{site}"
    );
    // Two signed awards: the example and Ada's, both verified.
    let credentials: Vec<String> = tree(&repo.join("public"))
        .into_keys()
        .filter(|p| p.ends_with("/credential.json"))
        .collect();
    assert_eq!(credentials.len(), 2, "{credentials:?}");
    assert!(said.contains("2 valid, 0 invalid"), "{said}");
    assert!(
        repo.join("badges/first-steps.toml").is_file()
            && !repo.join("badges/example.toml").exists()
    );
    // What `git add .` staged: the repository, without the site or any key.
    let staged = Command::new("git")
        .args([
            "-C",
            repo.to_str().unwrap(),
            "diff",
            "--cached",
            "--name-only",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home.path())
        .output()
        .unwrap();
    let staged = stdout(&staged);
    for file in [
        "rosette.lock",
        "badges/first-steps.toml",
        "site/site.toml",
        ".github/workflows/pages.yml",
        ".github/workflows/check.yml",
        "README.md",
        ".gitignore",
    ] {
        assert!(
            staged.lines().any(|l| l == file),
            "{file} not staged:\n{staged}"
        );
    }
    assert!(
        !staged
            .lines()
            .any(|l| l.starts_with("public/") || l.ends_with(".key")),
        "{staged}"
    );
    // No plaintext email anywhere in what is committed.
    for file in staged.lines() {
        let text = fs::read_to_string(repo.join(file)).unwrap_or_default();
        assert!(!text.contains("ada@example.org"), "{file} holds the email");
    }
}
