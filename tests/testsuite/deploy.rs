//! `deploy/s3-sync.sh` (README: "Deploying a site too big for GitHub
//! Pages") against a stand-in for the AWS CLI that keeps the "bucket" in a
//! folder and logs every call: the bucket ends up with exactly the built
//! site, with the right content types and cache headers, and a rebuild
//! uploads only what changed and removes what went.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const FAKE_AWS: &str = r#"#!/usr/bin/env bash
# A stand-in for `aws s3 cp|rm`: s3://B/P is $FAKE_BUCKET/B/P.
set -euo pipefail
while [ "${1:0:2}" = "--" ]; do shift 2; done
[ "$1" = s3 ] || exit 9
shift
op=$1
shift
map() { case "$1" in s3://*) echo "$FAKE_BUCKET/${1#s3://}" ;; *) echo "$1" ;; esac; }
case $op in
  cp)
    src=$1 dst=$2
    shift 2
    type="" cache=""
    while [ $# -gt 0 ]; do
      case $1 in
        --content-type) type=$2; shift 2 ;;
        --cache-control) cache=$2; shift 2 ;;
        *) shift ;;
      esac
    done
    from=$(map "$src") to=$(map "$dst")
    case $dst in
      s3://*) echo "cp $dst|$type|$cache" >>"$FAKE_LOG" ;;
      *) echo "get $src" >>"$FAKE_LOG" ;;
    esac
    [ -f "$from" ] || exit 1
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
    ;;
  rm)
    rm -f "$(map "$1")"
    echo "rm $1" >>"$FAKE_LOG"
    ;;
  *) exit 9 ;;
esac
"#;

struct Bucket {
    _dir: tempfile::TempDir,
    aws: std::path::PathBuf,
    root: std::path::PathBuf,
    log: std::path::PathBuf,
}

impl Bucket {
    fn new() -> Bucket {
        let dir = tempfile::tempdir().unwrap();
        let aws = dir.path().join("aws");
        fs::write(&aws, FAKE_AWS).unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&aws, fs::Permissions::from_mode(0o755)).unwrap();
        let root = dir.path().join("bucket");
        fs::create_dir(&root).unwrap();
        Bucket {
            aws,
            log: dir.path().join("log"),
            root,
            _dir: dir,
        }
    }

    /// Runs the sync script; returns (changed paths printed, the uploads and
    /// removals it made).
    fn sync(&self, repo: &Path) -> (Vec<String>, Vec<String>) {
        let _ = fs::remove_file(&self.log);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/s3-sync.sh");
        let output = Command::new("bash")
            .arg(script)
            .args([
                "public",
                "s3://site",
                "--endpoint-url",
                "https://store.example",
            ])
            .current_dir(repo)
            .env("AWS", &self.aws)
            .env("FAKE_BUCKET", &self.root)
            .env("FAKE_LOG", &self.log)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let mut log: Vec<String> = log.lines().map(str::to_string).collect();
        // Every run first reads the manifest of the last one.
        assert_eq!(
            log.first().map(String::as_str),
            Some("get s3://site/_rosette/manifest.sha256")
        );
        log.remove(0);
        (stdout(&output).lines().map(str::to_string).collect(), log)
    }

    /// The bucket's files, without the stored manifest.
    fn site(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut files = tree(&self.root.join("site"));
        assert!(files.remove("_rosette/manifest.sha256").is_some());
        files
    }
}

#[test]
fn the_sync_script_uploads_what_changed_with_the_right_headers() {
    let repo = repo(None);
    let path = repo.path();
    assert!(build(path, &[]).status.success());
    let bucket = Bucket::new();
    let (changed, log) = bucket.sync(path);
    assert_eq!(bucket.site(), tree(&path.join("public")));
    assert_eq!(
        changed.len(),
        bucket.site().len(),
        "the first upload is everything"
    );
    for (file, kind, cache) in [
        (
            "awards/alpha-1/credential.json",
            "application/json",
            "public, max-age=300",
        ),
        ("did.json", "application/json", "public, max-age=300"),
        (
            "awards/alpha-1/index.html",
            "text/html; charset=utf-8",
            "public, max-age=300",
        ),
        (
            "badges/alpha/image.svg",
            "image/svg+xml",
            "public, max-age=300",
        ),
        ("status/revocation.json", "application/json", "no-cache"),
    ] {
        let line = format!("cp s3://site/{file}|{kind}|{cache}");
        assert!(log.contains(&line), "{line} not in {log:?}");
    }

    // Nothing changed: nothing uploaded but the manifest.
    let (changed, log) = bucket.sync(path);
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(log.len(), 1, "{log:?}");

    // One award edited, one static file added: those files only.
    let alpha = path.join("badges/alpha.toml");
    let text = fs::read_to_string(&alpha).unwrap();
    fs::write(
        &alpha,
        text.replace("Did it *well*.", "Did it *very well*."),
    )
    .unwrap();
    fs::write(path.join("site/static/extra.txt"), "extra\n").unwrap();
    assert!(build(path, &[]).status.success());
    let (changed, log) = bucket.sync(path);
    assert_eq!(
        changed,
        [
            "awards/alpha-2/assertion.json",
            "awards/alpha-2/credential.json",
            "awards/alpha-2/index.html",
            "static/extra.txt"
        ]
    );
    assert_eq!(log.len(), 5, "four files and the manifest: {log:?}");
    assert_eq!(bucket.site(), tree(&path.join("public")));

    // A file the site no longer has is removed from the bucket.
    fs::remove_file(path.join("site/static/extra.txt")).unwrap();
    assert!(build(path, &[]).status.success());
    let (changed, log) = bucket.sync(path);
    assert_eq!(changed, ["static/extra.txt"]);
    assert!(
        log.contains(&"rm s3://site/static/extra.txt".to_string()),
        "{log:?}"
    );
    assert_eq!(bucket.site(), tree(&path.join("public")));
}
