#!/usr/bin/env bash
# Uploads a built Rosette site to an S3-compatible bucket (AWS S3, Cloudflare
# R2, Backblaze B2, MinIO...), only what changed since the last upload, with
# the content types and cache headers a badge site needs. README: "Deploying
# a site too big for GitHub Pages".
#
# usage: deploy/s3-sync.sh PUBLIC_DIR s3://BUCKET[/PREFIX] [AWS CLI OPTIONS...]
#   e.g. deploy/s3-sync.sh public s3://badges --endpoint-url https://<id>.r2.cloudflarestorage.com
#
# It compares the manifest that `rosette build` writes beside PUBLIC_DIR
# (.<name>.rosette/manifest.sha256: "<sha256>  <path>" for every file) with
# the one it stored at _rosette/manifest.sha256 in the bucket last time:
# new and changed files are uploaded, files the site no longer has are
# removed, then the new manifest is stored. Keep _rosette/ private (a bucket
# policy that denies public reads of it): it lists every award, and award
# pages are kept out of search engines. No manifest in the bucket: every file
# is uploaded. The changed paths are printed at the end, one per line, for a
# CDN invalidation.
#
# AWS (environment) names the CLI to run, default `aws` (v2); anything with
# the same `s3 cp` and `s3 rm` works.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 PUBLIC_DIR s3://BUCKET[/PREFIX] [AWS CLI OPTIONS...]" >&2
  exit 2
fi
public=${1%/}
bucket=${2%/}
shift 2
aws=${AWS:-aws}
manifest="$(dirname "$public")/.$(basename "$public").rosette/manifest.sha256"
if [ ! -f "$manifest" ]; then
  echo "error: no manifest at $manifest: run rosette build first" >&2
  exit 2
fi

# Media types by extension: what GitHub Pages sends (and `rosette serve`).
content_type() {
  case "$1" in
    *.html) echo "text/html; charset=utf-8" ;;
    *.json) echo "application/json" ;; # credential.json, did.json, .well-known/did.json, status lists
    *.css) echo "text/css; charset=utf-8" ;;
    *.js) echo "text/javascript; charset=utf-8" ;;
    *.svg) echo "image/svg+xml" ;;
    *.png) echo "image/png" ;;
    *.jpg | *.jpeg) echo "image/jpeg" ;;
    *.webp) echo "image/webp" ;;
    *.ico) echo "image/x-icon" ;;
    *.xml) echo "application/xml" ;;
    *.txt) echo "text/plain; charset=utf-8" ;;
    *) echo "application/octet-stream" ;;
  esac
}

# Status lists must be fresh (revocation); everything else may be cached a
# few minutes (file names carry no content hash: pages and assertions change
# in place when an award is revoked).
cache_control() {
  case "$1" in
    status/*) echo "no-cache" ;;
    *) echo "public, max-age=300" ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! "$aws" "$@" s3 cp "$bucket/_rosette/manifest.sha256" "$work/old" >/dev/null 2>&1; then
  : >"$work/old"
fi
# A line is "<64 hex digits>  <path>": the path starts at column 67.
LC_ALL=C sort "$work/old" >"$work/old.sorted"
LC_ALL=C sort "$manifest" >"$work/new.sorted"
LC_ALL=C comm -13 "$work/old.sorted" "$work/new.sorted" | cut -c67- | LC_ALL=C sort >"$work/upload"
cut -c67- "$work/old" | LC_ALL=C sort >"$work/old.paths"
cut -c67- "$manifest" | LC_ALL=C sort >"$work/new.paths"
LC_ALL=C comm -23 "$work/old.paths" "$work/new.paths" >"$work/delete"

while IFS= read -r path; do
  "$aws" "$@" s3 cp "$public/$path" "$bucket/$path" \
    --content-type "$(content_type "$path")" --cache-control "$(cache_control "$path")" >/dev/null
done <"$work/upload"
while IFS= read -r path; do
  "$aws" "$@" s3 rm "$bucket/$path" >/dev/null
done <"$work/delete"
"$aws" "$@" s3 cp "$manifest" "$bucket/_rosette/manifest.sha256" \
  --content-type "text/plain; charset=utf-8" --cache-control "no-store" >/dev/null

echo "uploaded $(wc -l <"$work/upload"), removed $(wc -l <"$work/delete")" >&2
cat "$work/upload" "$work/delete"
