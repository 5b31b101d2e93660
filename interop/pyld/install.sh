#!/bin/sh
# Creates .venv next to this script with the pinned PyLD + cryptography
# (requirements.txt). After that, verify.py and selftest.py run fully offline.
#
# Idempotent: .venv/.rosette-requirements.sha256 holds the SHA-256 of the
# requirements.txt the venv was built from. If it matches, nothing is done;
# otherwise .venv is deleted and rebuilt from scratch (the stamp is written
# last, so an interrupted install is redone on the next run). Concurrent runs
# are serialised by an flock on .venv.lock, so one never deletes the venv
# another is building or using.
#
# Needs Python 3.11: `python3.11`, else `python3` if that is 3.11 (or set
# PYTHON=...). All pinned packages are wheels for 3.11. Network: PyPI only,
# and only while installing.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-$(command -v python3.11 || echo python3)}
STAMP=.venv/.rosette-requirements.sha256

if [ -z "${ROSETTE_PYLD_LOCKED:-}" ]; then
    # Re-run this script holding an exclusive lock (Python's fcntl.flock rather
    # than flock(1), which macOS lacks). The lock is released when it exits.
    exec "$PYTHON" -c '
import fcntl, os, sys
fd = os.open(".venv.lock", os.O_CREAT | os.O_RDWR, 0o644)
os.set_inheritable(fd, True)
fcntl.flock(fd, fcntl.LOCK_EX)
os.environ["ROSETTE_PYLD_LOCKED"] = "1"
os.execvp("sh", ["sh"] + sys.argv[1:])
' ./install.sh "$@"
fi

sha256() {
    "$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

want=$(sha256 requirements.txt)
if [ -x .venv/bin/python ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "install.sh: $PYTHON is $("$PYTHON" -V 2>&1); Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
    exit 2
fi

rm -rf .venv
"$PYTHON" -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
# Smoke test: imports PyLD and cryptography and canonicalises one bundled
# context's worth of JSON-LD offline.
.venv/bin/python verify.py --help >/dev/null
printf '%s' '{"@context":"https://www.w3.org/ns/credentials/v2","id":"urn:x","name":"x"}' > .venv/smoke.json
test "$(.venv/bin/python verify.py --canon .venv/smoke.json)" = '<urn:x> <https://schema.org/name> "x" .'
echo "$want" > "$STAMP"
echo "installed: $(.venv/bin/pip freeze --disable-pip-version-check | grep -i -E '^(pyld|cryptography)==' | tr '\n' ' ')"
