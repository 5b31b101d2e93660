#!/bin/sh
# Makes DIR/.venv from DIR/requirements.txt, once: what every Python tool of
# the test suite installs through (interop/ob2, interop/pyld, .ci/lint).
#
#   sh interop/venv.sh DIR SMOKE [PIP OPTION...]
#
# Idempotent: .venv/.rosette-requirements.sha256 holds the SHA-256 of the
# requirements.txt the venv was built from. If it matches, nothing is done;
# otherwise .venv is deleted and rebuilt from scratch, SMOKE (a shell command
# run in DIR) must succeed, and only then is the stamp written, so an
# interrupted or broken install is redone on the next run. Concurrent runs
# (two `cargo test` processes) are serialised by an flock on DIR/.venv.lock,
# so one never deletes the venv another is building or using.
#
# PYTHON picks the interpreter (default `python3.11`, else `python3`);
# PYTHON_VERSION (e.g. 3.11) refuses any other version. Network: PyPI only,
# and only while installing. Each PIP OPTION is passed to `pip install`.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: sh venv.sh DIR SMOKE [PIP OPTION...]" >&2
    exit 2
fi
cd "$1"
shift
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3 || echo python3)}
export PYTHON

if [ "${ROSETTE_VENV_LOCKED:-}" != "$(pwd)" ]; then
    # Re-run this script holding an exclusive lock (Python's fcntl.flock rather
    # than flock(1), which macOS lacks). The lock is released when it exits.
    script=$(cd "$(dirname "$0")" && pwd)/venv.sh
    ROSETTE_VENV_LOCKED=$(pwd)
    export ROSETTE_VENV_LOCKED
    exec "$PYTHON" -c '
import fcntl, os, sys
fd = os.open(".venv.lock", os.O_CREAT | os.O_RDWR, 0o644)
os.set_inheritable(fd, True)
fcntl.flock(fd, fcntl.LOCK_EX)
os.execvp("sh", ["sh"] + sys.argv[1:])
 ' "$script" "$(pwd)" "$@"
fi
smoke=$1
shift

stamp=.venv/.rosette-requirements.sha256
want=$("$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' requirements.txt)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

if [ -n "${PYTHON_VERSION:-}" ] && ! "$PYTHON" -c "import sys; sys.exit('%d.%d' % sys.version_info[:2] != '$PYTHON_VERSION')"; then
    echo "venv.sh: $PYTHON is $("$PYTHON" -V 2>&1); Python $PYTHON_VERSION is required (set PYTHON=/path/to/python$PYTHON_VERSION)" >&2
    exit 2
fi

rm -rf .venv
"$PYTHON" -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q "$@" -r requirements.txt
sh -c "$smoke"
echo "$want" > "$stamp"
echo "installed in $(pwd)/.venv: $(.venv/bin/pip freeze --disable-pip-version-check | tr '\n' ' ')"
