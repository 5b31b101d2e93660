#!/bin/sh
# Creates .venv next to this script with the pinned 1EdTech OB 2.0 validator
# (requirements.txt). After that, check_ob2.py runs fully offline.
#
# Idempotent: .venv/.rosette-requirements.sha256 holds the SHA-256 of the
# requirements.txt the venv was built from. If it matches, nothing is done;
# otherwise .venv is deleted and rebuilt from scratch (the stamp is written
# last, so an interrupted install is redone on the next run). Concurrent runs
# (e.g. two `cargo test` processes) are serialised by an flock on
# .venv.lock, so one never deletes the venv another is building or checking.
#
# Needs Python 3.11 as `python3` (or set PYTHON=...): the pinned dependencies
# need distutils and lib2to3, which Python 3.12/3.13 removed.
# SETUPTOOLS_USE_DISTUTILS=stdlib lets pycryptodome 3.6.6's setup.py run its
# 2to3 step; --no-cache-dir makes sure a pycryptodome wheel built without that
# step is never reused. Network: PyPI only, and only while installing.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-$(command -v python3.11 || echo python3)}
STAMP=.venv/.rosette-requirements.sha256

if [ -z "${ROSETTE_OB2_LOCKED:-}" ]; then
    # Re-run this script holding an exclusive lock (Python's fcntl.flock rather
    # than flock(1), which macOS lacks). The lock is released when it exits.
    exec "$PYTHON" -c '
import fcntl, os, sys
fd = os.open(".venv.lock", os.O_CREAT | os.O_RDWR, 0o644)
os.set_inheritable(fd, True)
fcntl.flock(fd, fcntl.LOCK_EX)
os.environ["ROSETTE_OB2_LOCKED"] = "1"
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
SETUPTOOLS_USE_DISTUTILS=stdlib .venv/bin/pip install --no-cache-dir --disable-pip-version-check -q -r requirements.txt
# Smoke test: imports the validator (with check_ob2.py's Python 3.11 shim) and
# fails if pycryptodome was installed unconverted.
.venv/bin/python -c 'import Crypto.PublicKey.RSA'
.venv/bin/python check_ob2.py --help >/dev/null
echo "$want" > "$STAMP"
echo "installed: $(.venv/bin/pip freeze --disable-pip-version-check | grep -i '^openbadges==')"
