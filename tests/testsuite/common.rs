//! Helpers for the integration tests: fixture repositories in temporary
//! folders, running the real `rosette` binary, and comparing folder trees.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `from` into `to` recursively (overwriting files).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("relative");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A temporary repository: the base fixture with `overlay` laid over it.
/// In an overlay, `DELETE` lists paths to remove and `expected.txt` is the
/// snapshot, not a repository file.
pub fn repo(overlay: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixtures().join("base"), dir.path());
    if let Some(overlay) = overlay {
        copy_tree(overlay, dir.path());
        let _ = fs::remove_file(dir.path().join("expected.txt"));
        if let Ok(list) = fs::read_to_string(overlay.join("DELETE")) {
            for rel in list.lines().filter(|l| !l.is_empty()) {
                fs::remove_file(dir.path().join(rel)).expect("delete listed file");
            }
            fs::remove_file(dir.path().join("DELETE")).expect("remove DELETE");
        }
    }
    dir
}

/// Runs `rosette ARGS` in `cwd`.
pub fn rosette(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rosette"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ROSETTE_SIGNING_KEY")
        // Every award a build keeps from the previous one is made again and
        // compared: a fingerprint that misses a dependency fails the test.
        .env("ROSETTE_CHECK_REUSE", "1")
        .output()
        .expect("run rosette")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file below `dir`: relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("rel")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Compares `actual` with a golden file; with `UPDATE_SNAPSHOTS=1` rewrites it.
pub fn assert_snapshot(golden: &Path, actual: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(golden.parent().expect("parent")).expect("mkdir");
        fs::write(golden, actual).expect("write snapshot");
        return;
    }
    let expected = fs::read_to_string(golden).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {} (run with UPDATE_SNAPSHOTS=1)",
            golden.display()
        )
    });
    assert_eq!(expected, actual, "snapshot {} differs", golden.display());
}

/// The published test-only secret key matching the base fixture's `key-1`.
pub fn test_key() -> String {
    fixtures()
        .join("TEST-ONLY-signing-key.txt")
        .to_string_lossy()
        .into_owned()
}

/// `rosette build --key <test key> ARGS...` in `cwd`.
pub fn build(cwd: &Path, args: &[&str]) -> Output {
    let key = test_key();
    let mut all = vec!["build", "--key", key.as_str()];
    all.extend_from_slice(args);
    rosette(cwd, &all)
}

/// `rosette verify FILE --site public --at TIME` in `cwd`.
pub fn verify_at(cwd: &Path, file: &str, at: &str) -> Output {
    rosette(cwd, &["verify", file, "--site", "public", "--at", at])
}

/// Runs the installer `sh SCRIPT` (one of interop/*/install.sh or
/// .ci/lint/install.sh: idempotent and serialised) once per test run; the
/// test fails, never skips, when it cannot. `needs` says what it needs.
pub fn install_once(ready: &'static std::sync::OnceLock<()>, script: &Path, needs: &str) {
    ready.get_or_init(|| {
        let output = Command::new("sh")
            .arg(script)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(
            output.status.success(),
            "{} failed ({}); it needs {needs}:\n{}{}",
            script.display(),
            output.status,
            stdout(&output),
            stderr(&output)
        );
    });
}

/// `npm ci` in `dir` once per test run, unless its node_modules was made
/// from the same package-lock.json. playwright-core (the browser harness)
/// is told never to download a browser: the tests use Debian's chromium.
pub fn npm_ci_once(ready: &'static std::sync::OnceLock<()>, dir: &Path) {
    ready.get_or_init(|| {
        let lock = fs::read(dir.join("package-lock.json")).expect("package-lock.json");
        let stamp = dir.join("node_modules/.rosette-lock");
        if fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
            return;
        }
        let output = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(dir)
            .output()
            .expect("npm (Node.js 18+) must be installed to run these tests");
        assert!(
            output.status.success(),
            "npm ci in {} failed: {}",
            dir.display(),
            stderr(&output)
        );
        fs::write(stamp, lock).expect("stamp");
    });
}
