#!/bin/sh
# Creates .venv next to this script with the pinned 1EdTech OB 2.0 validator
# (requirements.txt), once (interop/venv.sh: idempotent, serialised). After
# that, check_ob2.py runs fully offline.
#
# Needs Python 3.11 (`python3.11`, else `python3`, or set PYTHON=...): the
# pinned dependencies need distutils and lib2to3, which Python 3.12/3.13
# removed. SETUPTOOLS_USE_DISTUTILS=stdlib lets pycryptodome 3.6.6's setup.py
# run its 2to3 step; --no-cache-dir makes sure a pycryptodome wheel built
# without that step is never reused. The smoke test imports the validator
# (with check_ob2.py's Python 3.11 shim) and fails if pycryptodome was
# installed unconverted.
set -eu
cd "$(dirname "$0")"
SETUPTOOLS_USE_DISTUTILS=stdlib PYTHON_VERSION=3.11 exec sh ../venv.sh . '
.venv/bin/python -c "import Crypto.PublicKey.RSA"
.venv/bin/python check_ob2.py --help >/dev/null
' --no-cache-dir
