#!/bin/sh
# Creates .venv next to this script with the pinned PyLD + cryptography
# (requirements.txt), once (interop/venv.sh: idempotent, serialised). After
# that, verify.py and selftest.py run fully offline.
#
# Needs Python 3.11: `python3.11`, else `python3` if that is 3.11 (or set
# PYTHON=...). All pinned packages are wheels for 3.11. The smoke test
# imports PyLD and cryptography and canonicalises one bundled context's
# worth of JSON-LD offline.
set -eu
cd "$(dirname "$0")"
PYTHON_VERSION=3.11 exec sh ../venv.sh . '
.venv/bin/python verify.py --help >/dev/null
printf "%s" "{\"@context\":\"https://www.w3.org/ns/credentials/v2\",\"id\":\"urn:x\",\"name\":\"x\"}" > .venv/smoke.json
test "$(.venv/bin/python verify.py --canon .venv/smoke.json)" = "<urn:x> <https://schema.org/name> \"x\" ."
'
