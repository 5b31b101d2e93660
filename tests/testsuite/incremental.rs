//! Incremental builds: a build writes only what changed, the result is byte
//! for byte a build from scratch, a build killed at any moment leaves the
//! old or the new site, and the signature cache and the output's records
//! can be damaged or deleted at no cost but time.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;

/// `rosette build --key KEY ARGS...` in `repo`.
fn build_with(repo: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["build", "--key", key];
    all.extend_from_slice(args);
    rosette(repo, &all)
}

/// The output of a build from scratch of `repo`'s sources as they are now
/// (same lock), in a fresh folder.
fn clean_build(repo: &Path, key: &str, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(repo).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ["public", ".public.rosette", ".rosette-cache"].contains(&name.as_str()) {
            continue;
        }
        let target = fresh.path().join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    let output = build_with(fresh.path(), key, args);
    assert!(output.status.success(), "{}", stderr(&output));
    tree(&fresh.path().join("public"))
}

/// Inode of every file of `dir` (a file that was not rewritten keeps it).
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().unwrap().ino())
        })
        .collect()
}

/// The paths whose bytes differ between two trees (new, changed, gone).
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    a.keys()
        .chain(b.keys())
        .filter(|path| a.get(*path) != b.get(*path))
        .cloned()
        .collect()
}

/// `(written, files)` from a summary line: `... (3 of 30 files written, ...)`.
fn written(stdout: &str) -> (usize, usize) {
    let changes = stdout.rsplit_once('(').map_or("", |(_, c)| c);
    if let Some(rest) = changes.strip_prefix("no changes; ") {
        let files = rest.split(' ').next().unwrap().parse().unwrap();
        return (0, files);
    }
    let mut words = changes.split(' ');
    let written = words.next().unwrap().parse().unwrap();
    let files = words.nth(1).unwrap().parse().unwrap();
    (written, files)
}

/// Builds `repo` after a change and checks everything the module promises:
/// the result is the clean build's, exactly the files whose bytes differ
/// were written (the others keep their inode), and returns what differed.
fn rebuild_and_check(repo: &Path, key: &str, args: &[&str]) -> BTreeSet<String> {
    let public = repo.join("public");
    let (before, before_inodes) = (tree(&public), inodes(&public));
    let output = build_with(repo, key, args);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = tree(&public);
    let clean = clean_build(repo, key, args);
    assert!(
        after == clean,
        "the incremental build differs from a clean build: {:?}",
        differing(&after, &clean)
    );
    let changed = differing(&before, &after);
    for (path, inode) in &inodes(&public) {
        let kept = before_inodes.get(path) == Some(inode);
        assert_eq!(
            kept,
            !changed.contains(path),
            "{path}: rewritten though unchanged, or changed in place"
        );
    }
    let new_or_changed = changed.iter().filter(|p| after.contains_key(*p)).count();
    assert_eq!(
        written(&stdout(&output)),
        (new_or_changed, after.len()),
        "{}",
        stdout(&output)
    );
    changed
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn each_kind_of_change_rewrites_exactly_what_depends_on_it() {
    let repo = repo(None);
    let path = repo.path();
    let key = test_key();
    let first = build_with(path, &key, &[]);
    assert!(first.status.success(), "{}", stderr(&first));

    // Nothing changed: nothing written.
    assert_eq!(rebuild_and_check(path, &key, &[]), BTreeSet::new());

    // One award's narrative: its credential, assertion and page.
    let alpha = path.join("badges/alpha.toml");
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        text.replace("Did it *well*.", "Did it *very well*."),
    )
    .unwrap();
    assert_eq!(
        rebuild_and_check(path, &key, &[]),
        set(&[
            "awards/alpha-2/assertion.json",
            "awards/alpha-2/credential.json",
            "awards/alpha-2/index.html"
        ])
    );

    // An earner's name: that award's page and the badge page, which lists
    // earners and is kept from the last build only while none of them
    // changed (a kept page that should have changed fails the build:
    // ROSETTE_CHECK_REUSE, and a clean build is the judge).
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(&alpha, text.replace("name = \"Ada\"", "name = \"Ada L.\"")).unwrap();
    let changed = rebuild_and_check(path, &key, &[]);
    for file in ["awards/alpha-1/index.html", "badges/alpha/index.html"] {
        assert!(changed.contains(file), "{file} not in {changed:?}");
    }
    assert!(changed.iter().all(|p| !p.contains("beta")), "{changed:?}");
    let page = fs::read_to_string(path.join("public/badges/alpha/index.html")).unwrap();
    assert!(page.contains("Ada L."), "{page}");

    // A badge: its own files, every file of its awards, the home page.
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        text.replace("The first badge.", "The very first badge."),
    )
    .unwrap();
    let changed = rebuild_and_check(path, &key, &[]);
    for file in [
        "badges/alpha/achievement.json",
        "badges/alpha/badgeclass.json",
        "badges/alpha/index.html",
        "awards/alpha-1/credential.json",
        "awards/alpha-1/index.html",
        "awards/alpha-2/credential.json",
        "index.html",
    ] {
        assert!(changed.contains(file), "{file} not in {changed:?}");
    }
    assert!(changed.iter().all(|p| !p.contains("beta")), "{changed:?}");

    // A template: the award pages, nothing else.
    let templates = path.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let award = include_str!("../../themes/default/templates/award.html");
    let heading = "<dt>{{ t.issued_by }}</dt>";
    assert!(award.contains(heading));
    fs::write(
        templates.join("award.html"),
        award.replace(heading, "<dt>Awarded by</dt>"),
    )
    .unwrap();
    assert_eq!(
        rebuild_and_check(path, &key, &[]),
        set(&[
            "awards/alpha-1/index.html",
            "awards/alpha-2/index.html",
            "awards/alpha-3/index.html"
        ])
    );

    // A word of the theme's catalog: every page that shows it, the award
    // pages included (a clean build is the judge, in rebuild_and_check).
    fs::create_dir_all(path.join("themes/default/strings")).unwrap();
    fs::write(
        path.join("themes/default/strings/en.toml"),
        "issued_on = \"Awarded on\"\n",
    )
    .unwrap();
    let changed = rebuild_and_check(path, &key, &[]);
    for file in ["awards/alpha-1/index.html", "awards/alpha-3/index.html"] {
        assert!(changed.contains(file), "{file} not in {changed:?}");
    }
    let page = fs::read_to_string(path.join("public/awards/alpha-1/index.html")).unwrap();
    assert!(page.contains("Awarded on"), "{page}");

    // A static file: that file only.
    fs::write(
        path.join("site/static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    )
    .unwrap();
    assert_eq!(
        rebuild_and_check(path, &key, &[]),
        set(&["static/logo.svg"])
    );

    // A second key in site.toml: the DID document and what lists keys.
    let second = path.join("second.key");
    let keygen = rosette(path, &["keygen", "--out", second.to_str().unwrap()]);
    assert!(keygen.status.success(), "{}", stderr(&keygen));
    // Inside a badge repository, keygen adds the public key to site.toml.
    let site = fs::read_to_string(path.join("site/site.toml")).unwrap();
    assert!(site.contains("id = \"key-2\""), "{site}");
    let changed = rebuild_and_check(path, &key, &[]);
    assert!(changed.contains("did.json"), "{changed:?}");
    assert!(
        !changed.contains("awards/alpha-1/credential.json"),
        "{changed:?}"
    );

    // Signing with it: every credential and the status list.
    let second = second.to_str().unwrap().to_string();
    let changed = rebuild_and_check(path, &second, &[]);
    for file in [
        "awards/alpha-1/credential.json",
        "awards/alpha-3/credential.json",
        "status/revocation.json",
    ] {
        assert!(changed.contains(file), "{file} not in {changed:?}");
    }
    let credential =
        fs::read_to_string(path.join("public/awards/alpha-1/credential.json")).unwrap();
    assert!(credential.contains("#key-2\""), "{credential}");

    // Another base URL: the credentials and every page.
    let changed = rebuild_and_check(
        path,
        &second,
        &["--base-url", "https://elsewhere.example/b/"],
    );
    assert!(changed.contains("awards/alpha-1/credential.json") && changed.contains("index.html"));
    // And back: the first site again, byte for byte.
    rebuild_and_check(path, &second, &[]);
}

#[test]
fn a_damaged_or_deleted_cache_only_costs_time() {
    let repo = repo(None);
    let path = repo.path();
    assert!(build(path, &[]).status.success());
    let expected = tree(&path.join("public"));
    let cache = path.join(".rosette-cache/signatures");
    assert!(cache.is_file(), "the build keeps its signatures");

    // Every byte of every entry flipped, and the records and the build
    // stamp of the output too.
    let mut bytes = fs::read(&cache).unwrap();
    for byte in bytes.iter_mut().skip(32) {
        *byte ^= 0x5a;
    }
    fs::write(&cache, &bytes).unwrap();
    for entry in fs::read_dir(path.join(".public.rosette"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("record-") || name.starts_with("stamp-") {
            fs::write(entry.path(), b"garbage").unwrap();
        }
    }
    let output = build(path, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("4 signatures made"),
        "{}",
        stdout(&output)
    );
    assert_eq!(tree(&path.join("public")), expected);

    // The next build uses the repaired cache.
    fs::remove_dir_all(path.join(".public.rosette")).unwrap();
    let output = build(path, &[]);
    assert!(
        stdout(&output).contains("0 signatures made"),
        "{}",
        stdout(&output)
    );
    assert_eq!(tree(&path.join("public")), expected);

    // And nothing at all: a full build.
    fs::remove_dir_all(path.join(".rosette-cache")).unwrap();
    fs::remove_dir_all(path.join(".public.rosette")).unwrap();
    let output = build(path, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(tree(&path.join("public")), expected);
}

#[test]
fn a_no_change_rebuild_writes_nothing_at_all() {
    let repo = repo(None);
    let path = repo.path();
    assert!(build(path, &[]).status.success());
    let snapshot = |dir: &Path| -> BTreeMap<String, (u64, std::time::SystemTime)> {
        use std::os::unix::fs::MetadataExt;
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .map(|e| {
                let meta = e.metadata().unwrap();
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, (meta.ino(), meta.modified().unwrap()))
            })
            .collect()
    };
    let before = snapshot(path);
    std::thread::sleep(Duration::from_millis(20));
    let output = build(path, &[]);
    assert!(
        stdout(&output).contains("(no changes; 41 files kept)"),
        "{}",
        stdout(&output)
    );
    let after = snapshot(path);
    // The lock file of the state folder is opened, nothing else changes.
    let changed: Vec<&String> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p) && !p.ends_with(".public.rosette/lock"))
        .collect();
    assert!(changed.is_empty(), "written: {changed:?}");
}

#[test]
fn the_manifest_lists_every_file_and_follows_the_output() {
    let repo = repo(None);
    let path = repo.path();
    assert!(build(path, &[]).status.success());
    let manifest = path.join(".public.rosette/manifest.sha256");
    let parse = || -> BTreeMap<String, String> {
        fs::read_to_string(&manifest)
            .unwrap()
            .lines()
            .map(|l| {
                let (digest, file) = l.split_once("  ").unwrap();
                (file.to_string(), digest.to_string())
            })
            .collect()
    };
    let digests = |tree: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, String> {
        use sha2::Digest;
        tree.iter()
            .map(|(p, b)| (p.clone(), hex::encode(sha2::Sha256::digest(b))))
            .collect()
    };
    let first = parse();
    assert!(first.len() > 20);
    assert_eq!(first, digests(&tree(&path.join("public"))));
    let text = fs::read_to_string(&manifest).unwrap();
    let mut sorted: Vec<&str> = text.lines().collect();
    sorted.sort_by_key(|l| l.split_once("  ").unwrap().1);
    assert_eq!(sorted, text.lines().collect::<Vec<_>>(), "sorted by path");
    // sha256sum itself agrees.
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "--quiet"])
        .arg(&manifest)
        .current_dir(path.join("public"))
        .output()
        .expect("sha256sum (coreutils)");
    assert!(check.status.success(), "{}", stderr(&check));

    fs::remove_file(path.join("site/static/logo.svg")).unwrap();
    let site = fs::read_to_string(path.join("site/site.toml")).unwrap();
    fs::write(
        path.join("site/site.toml"),
        site.replace("image = \"static/logo.svg\"\n", ""),
    )
    .unwrap();
    fs::write(path.join("site/static/new.txt"), "new\n").unwrap();
    assert!(build(path, &[]).status.success());
    let second = parse();
    assert_eq!(second, digests(&tree(&path.join("public"))));
    assert!(!second.contains_key("static/logo.svg") && second.contains_key("static/new.txt"));
    let moved: BTreeSet<&String> = first
        .keys()
        .chain(second.keys())
        .filter(|p| first.get(*p) != second.get(*p))
        .collect();
    assert!(moved.len() < first.len(), "only what changed: {moved:?}");
}

#[test]
fn init_keeps_the_cache_and_the_records_out_of_git() {
    let dir = tempfile::tempdir().unwrap();
    assert!(rosette(dir.path(), &["init", "guild"]).status.success());
    let ignore = fs::read_to_string(dir.path().join("guild/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/.rosette-cache/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/.public.rosette/"), "{ignore}");
    let ours = include_str!("../../.gitignore");
    assert!(ours.contains("/.rosette-cache/") && ours.contains("/.public.rosette/"));
}

/// Kill -9 at many moments of builds that go back and forth between two
/// versions of a repository: `public/` is always exactly one of the two
/// sites, and a last, complete build is the clean build.
#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_site() {
    let repo = tempfile::tempdir().unwrap();
    let path = repo.path();
    crate::bench::generate(path, 150, 6);
    let key = path.join("bench.key");
    fs::write(&key, crate::bench::SECRET).unwrap();
    // Version B: one badge's description (its 25 awards' files, its pages)
    // and one award's narrative.
    let badge = path.join("badges/b1.toml");
    let awards = path.join("badges/b5/awards.toml");
    let versions = [
        (
            fs::read_to_string(&badge).unwrap(),
            fs::read_to_string(&awards).unwrap(),
        ),
        (
            fs::read_to_string(&badge)
                .unwrap()
                .replace("Synthetic badge", "Changed badge"),
            fs::read_to_string(&awards)
                .unwrap()
                .replace("Award 5 did", "Award 5 really did"),
        ),
    ];
    let set_version = |v: usize| {
        fs::write(&badge, &versions[v].0).unwrap();
        fs::write(&awards, &versions[v].1).unwrap();
    };
    let run = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rosette"));
        command
            .args(["build", "--key", key.to_str().unwrap()])
            .current_dir(path)
            .env_remove("ROSETTE_SIGNING_KEY")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    // The two sites, and how long a full build takes here.
    let start = std::time::Instant::now();
    assert!(run().status().unwrap().success());
    let full = start.elapsed();
    let sites = [tree(&path.join("public")), {
        set_version(1);
        let site = clean_build_with_key(path, &key);
        set_version(0);
        site
    }];
    assert_ne!(sites[0], sites[1]);
    // The lock must not change between versions, or the sites would too.
    let lock = fs::read(path.join("rosette.lock")).unwrap();

    let mut current = 0;
    let mut outcomes = [0usize; 2];
    for round in 0..24u32 {
        let target = 1 - current;
        set_version(target);
        let mut child = run().spawn().unwrap();
        // From the very start to past the end of a full build.
        let delay = full.mul_f64(f64::from(round) / 18.0);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = tree(&path.join("public"));
        let which = sites
            .iter()
            .position(|site| *site == now)
            .unwrap_or_else(|| {
                panic!("round {round}: public/ is neither site after a kill at {delay:?}")
            });
        assert!(which == current || which == target, "round {round}");
        outcomes[usize::from(which == target)] += 1;
        current = which;
        let leftovers: Vec<String> = fs::read_dir(path)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("rosette-new") || n.contains("rosette-old"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    assert!(
        outcomes[0] > 0 && outcomes[1] > 0,
        "kills landed both before and after the swap: {outcomes:?}"
    );
    // After all that, a complete build is exactly the clean one.
    set_version(1 - current);
    assert!(run().status().unwrap().success());
    assert_eq!(tree(&path.join("public")), sites[1 - current]);
    assert_eq!(fs::read(path.join("rosette.lock")).unwrap(), lock);
}

/// [`clean_build`] with the benchmark's key.
fn clean_build_with_key(repo: &Path, key: &Path) -> BTreeMap<String, Vec<u8>> {
    let fresh = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("site"), &fresh.path().join("site"));
    copy_tree(&repo.join("badges"), &fresh.path().join("badges"));
    fs::copy(repo.join("rosette.lock"), fresh.path().join("rosette.lock")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .args(["build", "--key", key.to_str().unwrap()])
        .current_dir(fresh.path())
        .env_remove("ROSETTE_SIGNING_KEY")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    tree(&fresh.path().join("public"))
}

/// A build with nothing changed since the last one is skipped by its stamp
/// (a digest of every input): it says what the last build said, warnings
/// included, and the first edit of any input is built again.
#[test]
fn a_stamped_rebuild_repeats_its_warnings_and_any_edit_builds_again() {
    let repo = repo(None);
    let path = repo.path();
    let first = build(path, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let warned = "names its recipient by a plaintext email";
    assert!(stderr(&first).contains(warned), "{}", stderr(&first));
    let expected = tree(&path.join("public"));
    let state = path.join(".public.rosette");
    let stamps = || {
        fs::read_dir(&state)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("stamp-"))
            .count()
    };
    assert_eq!(
        stamps(),
        1,
        "the build that wrote the lock is stamped with it"
    );

    let again = build(path, &[]);
    assert!(
        stdout(&again).contains("(no changes; 41 files kept)"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        stderr(&again),
        stderr(&first),
        "the same warnings, in the same order"
    );

    // Each input edited after a stamped build: built again, as from scratch.
    let award = path.join("badges/alpha.toml");
    let text = fs::read_to_string(&award).unwrap();
    fs::write(&award, text.replace("name = \"Ada\"", "name = \"Ada L.\"")).unwrap();
    let edited = build(path, &[]);
    assert!(
        !stdout(&edited).contains("no changes"),
        "{}",
        stdout(&edited)
    );
    assert_eq!(
        tree(&path.join("public")),
        clean_build(path, &test_key(), &[])
    );
    assert!(
        fs::read_to_string(path.join("public/awards/alpha-1/index.html"))
            .unwrap()
            .contains("Ada L.")
    );
    // And back: the stamp of the first site is gone, so this builds too.
    fs::write(&award, &text).unwrap();
    let back = build(path, &[]);
    assert!(!stdout(&back).contains("no changes"), "{}", stdout(&back));
    assert_eq!(tree(&path.join("public")), expected);
    assert_eq!(stamps(), 1, "one stamp: the live tree's");

    // A file the build reads beside the awards is an input too.
    let page = fs::read_dir(path.join("site/pages"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nOne more line.\n")).unwrap();
    let paged = build(path, &[]);
    assert!(paged.status.success(), "{}", stderr(&paged));
    assert!(!stdout(&paged).contains("no changes"), "{}", stdout(&paged));
    assert_eq!(
        tree(&path.join("public")),
        clean_build(path, &test_key(), &[])
    );
}
