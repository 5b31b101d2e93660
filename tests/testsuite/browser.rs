//! The pages in a real browser: Debian's chromium driven by playwright-core
//! (interop/browser/, no browser download), with axe-core and jsQR. It
//! builds base + tests/fixtures/browser (a PNG badge, an Arabic name, an
//! expired and a revoked award, one in its last 30 days, a portfolio,
//! braces in a narrative, Arabic pages under ar/), serves it on
//! 127.0.0.1 and runs interop/browser/check.mjs: every page kind desktop
//! and mobile, JS on and off, axe-core, the status text, the share links
//! field by field, the QR codes decoded, the printed certificate (one
//! landscape page), the verification page (a real credential valid, a
//! tampered one not), and a page built before a revocation. Then the
//! downloaded baked images go through `rosette extract` and `rosette verify`
//! and are compared with what `rosette bake` makes from the same files.
//!
//! Needs `/usr/bin/chromium` (or `ROSETTE_CHROMIUM`) and node + npm: there
//! is no silent skip (`.ci/run` installs chromium). Screenshots, PDFs and
//! downloads are kept in `target/browser-screenshots/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::*;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/browser")
}

/// `target/browser-screenshots/`, emptied.
fn artefacts() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let dir = target.join("browser-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("artefacts folder");
    dir
}

fn chromium() -> String {
    let path = std::env::var("ROSETTE_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).is_file(),
        "the browser tests need Debian's chromium at {path} (apt-get install chromium; .ci/run \
         installs it) or ROSETTE_CHROMIUM"
    );
    path
}

/// Installs the harness's pinned npm packages once per test run.
fn npm_ready() {
    static READY: OnceLock<()> = OnceLock::new();
    npm_ci_once(&READY, &browser_dir());
}

fn built(repo: &Path) {
    let output = build(repo, &[]);
    assert!(output.status.success(), "build: {}", stderr(&output));
}

#[test]
fn the_pages_work_in_a_real_browser() {
    let chromium = chromium();
    npm_ready();
    let repo = repo(Some(&fixtures().join("browser")));
    built(repo.path());
    let public = repo.path().join("public");

    // A copy of the site whose alpha-2 was revoked after its page was
    // cached: the old page, the new status list.
    let stale = tempfile::tempdir().expect("tempdir");
    copy_tree(repo.path(), stale.path());
    let cached = std::fs::read(public.join("awards/alpha-2/index.html")).expect("page");
    let output = rosette(
        stale.path(),
        &[
            "revoke",
            "alpha-2",
            "--reason",
            "test",
            "--on",
            "2026-05-01",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    built(stale.path());
    std::fs::write(
        stale.path().join("public/awards/alpha-2/index.html"),
        cached,
    )
    .expect("write");

    let artefacts = artefacts();
    let output = Command::new("node")
        .arg("check.mjs")
        .arg(&public)
        .arg(&artefacts)
        .arg(stale.path().join("public"))
        .env("ROSETTE_CHROMIUM", &chromium)
        .current_dir(browser_dir())
        .output()
        .expect("node must be installed to run the browser tests");
    let text = stdout(&output);
    std::fs::write(artefacts.join("report.txt"), &text).expect("report");
    assert!(
        output.status.success(),
        "browser checks failed (screenshots in {}):\n{text}\n{}",
        artefacts.display(),
        stderr(&output)
    );
    for name in [
        "award-valid page, mobile: axe-core finds no violation",
        "award-rtl page without JavaScript: axe-core finds no violation",
        "without JavaScript, award pages state dates and never claim validity",
        "with JavaScript, the status is judged: valid, expired, revoked",
        "a page built before its award was revoked shows the revocation",
        "LinkedIn, share and verify links carry every field",
        "the wallet QR code decodes to the credential's address",
        "printing an award page gives a one-page landscape certificate",
        "the download is the badge image with the credential baked in",
        "the verification page calls a real credential valid",
        "the verification page calls a tampered credential not valid",
        "in its last 30 days an award page says how many days are left",
        "portfolios mark an expired award in the browser",
        "Arabic pages are right to left, with a language switcher",
        "ar-award page, mobile: axe-core finds no violation",
        "portfolio page, desktop: axe-core finds no violation",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok ") && l.contains(name)),
            "no passing check `{name}`:\n{text}"
        );
    }
    assert!(text.contains(" passed, 0 failed"), "{text}");

    // The browser's baked images: what `rosette bake` makes of the same
    // files, byte for byte; `rosette extract` reads them; `rosette verify`
    // accepts them.
    let downloads = artefacts.join("downloads");
    for (file, award) in [
        ("alpha-alpha-1.svg", "alpha-1"),
        ("beta-beta-rtl.png", "beta-rtl"),
    ] {
        let downloaded = downloads.join(file);
        let ours = repo.path().join(file);
        let credential = format!("public/awards/{award}/credential.json");
        let out = ours.to_string_lossy().into_owned();
        let output = rosette(
            repo.path(),
            &["bake", &credential, "--site", "public", "--out", &out],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            std::fs::read(&downloaded).expect("downloaded") == std::fs::read(&ours).expect("baked"),
            "{file}: the browser baked other bytes than `rosette bake`"
        );
        let shown = downloaded.to_string_lossy().into_owned();
        let output = rosette(repo.path(), &["extract", &shown]);
        assert!(output.status.success(), "{}", stderr(&output));
        let extracted: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("extracted JSON");
        let published: serde_json::Value = serde_json::from_slice(
            &std::fs::read(repo.path().join(&credential)).expect("credential"),
        )
        .expect("JSON");
        assert_eq!(extracted, published, "{file}");
        let output = verify_at(repo.path(), &shown, "2026-06-01T00:00:00Z");
        assert!(
            output.status.success() && stdout(&output).contains("1 valid, 0 invalid"),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
    }
}
