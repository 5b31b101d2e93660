#!/usr/bin/env python3
"""Run the 1EdTech Open Badges 2.0 reference validator (PyPI `openbadges`,
a.k.a. openbadges-validator-core / badgecheck) over every hosted assertion of a
built site, fully offline.

    check_ob2.py SITE_DIR BASE_URL [--expect-revoked ID,...] [--recipient ID=EMAIL ...]
                 [--now ISO_DATETIME] [--baked IMAGE ...] [-v]

For every SITE_DIR/awards/<id>/assertion.json the validator is given the URL
BASE_URL + "awards/<id>/assertion.json" (exactly what a real verifier would be
given).  No socket is opened: every HTTP(S) request the validator makes (its
own `requests.Session`s, the `requests_cache` sessions and the pyld JSON-LD
document loader all go through `requests.Session.get_adapter`) is answered by
an in-process transport adapter:

  * URLs under BASE_URL        -> files under SITE_DIR (404 if missing)
  * https://w3id.org/openbadges/v2 (and its redirect target
    https://openbadgespec.org/v2/context.json) -> contexts/openbadges-v2.context.json
  * anything else              -> ConnectionError "offline" (reported, never fetched)

Output: one line per assertion, `ok <id>` or `FAIL <id>: <errors>`, then
`N passed, M failed`.  Exit 0 if all pass, 1 on any failure, 2 on usage/setup errors.
With --baked IMAGE (repeatable), the validator is given each baked PNG or SVG
badge image instead (it unbakes the OB 2.0 assertion with openbadges-bakery and
verifies the hosted assertion it names); one line per image.
For ids given with --expect-revoked the expected outcome is that the validator
rejects the assertion (and the served body says "revoked": true); that counts as ok.
--now fixes the clock of the validator's only time check (issuedOn not in the
future, expires not past), so that tests do not depend on the date they run.
"""
import argparse
import collections
import collections.abc
import datetime
import hashlib
import json
import logging
import mimetypes
import os
import socket
import sys
import urllib.parse

# --- Python 3.10+ compatibility shim for the validator's old pinned deps -------
# python-jose 3.0.1, future 0.16.0, jsonschema 2.6.0, pytz 2017.2, requests-cache
# 0.4.13 do `from collections import Mapping` etc., removed in Python 3.10.
for _name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable",
              "Iterator", "Callable", "Set", "MutableSet", "Hashable", "Sized", "Container"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

HERE = os.path.dirname(os.path.abspath(__file__))
OB2_CONTEXT_FILE = os.path.join(HERE, "contexts", "openbadges-v2.context.json")
# Source: 1EdTech/openbadges-specification ob_v2p0/v2/context.json
# (commit 862c487381ea74909f3c501b556fc2145182d929); identical (as JSON) to
# openbadges.verifier.openbadges_context.OPENBADGES_CONTEXT_V2_DICT.
OB2_CONTEXT_SHA256 = "393a890d7d95eb3a86f5f12309648a64c2d0676e5270e2967b5341a2dcea13d2"
CONTEXT_URLS = {
    "https://w3id.org/openbadges/v2",
    "http://w3id.org/openbadges/v2",
    "https://w3id.org/openbadges/v2/",
    "https://openbadgespec.org/v2/context.json",
}

try:
    import requests
    from requests.adapters import BaseAdapter
    from requests.structures import CaseInsensitiveDict
except ImportError as e:  # pragma: no cover
    sys.exit("check_ob2: cannot import requests ({}); run: pip install -r requirements.txt".format(e))

def _fix_pycryptodome_2to3():
    """pycryptodome 3.6.6's setup.py converts its Python-2 sources with distutils'
    build_py_2to3.  pip's isolated build uses a modern setuptools whose distutils
    lacks build_py_2to3, so the unconverted sources get installed (SyntaxError on
    import) unless SETUPTOOLS_USE_DISTUTILS=stdlib was set (install.sh does).
    Repair such an install in place with the same lib2to3 fixers (stdlib in 3.11)."""
    import importlib.util
    import warnings
    spec = importlib.util.find_spec("Crypto")
    if spec is None or not spec.submodule_search_locations:
        return False
    pkg_dir = list(spec.submodule_search_locations)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lib2to3.refactor import RefactoringTool, get_fixers_from_package
        tool = RefactoringTool(get_fixers_from_package("lib2to3.fixes"))
        tool.refactor([pkg_dir], write=True)
    for mod in [m for m in sys.modules if m == "Crypto" or m.startswith("Crypto.")]:
        del sys.modules[mod]
    importlib.invalidate_caches()
    return True


try:
    import Crypto.PublicKey.RSA  # noqa: F401  (pycryptodome 3.6.6, imported by the validator)
except SyntaxError:
    sys.stderr.write("check_ob2: pycryptodome 3.6.6 was installed without its 2to3 step; "
                     "converting it in place with lib2to3 (one-time; install.sh avoids this)\n")
    try:
        _fix_pycryptodome_2to3()
        import Crypto.PublicKey.RSA  # noqa: F401,F811
    except Exception as e:  # pragma: no cover
        sys.stderr.write(
            "check_ob2: could not repair pycryptodome ({}: {}).\nReinstall it with:  "
            "SETUPTOOLS_USE_DISTUTILS=stdlib .venv/bin/pip install --no-cache-dir --force-reinstall "
            "--no-deps pycryptodome==3.6.6\n".format(type(e).__name__, e))
        sys.exit(2)

import openbadges  # noqa: E402  (after the shim)
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT  # noqa: E402


def _content_type(path):
    ext = os.path.splitext(path)[1].lower()
    return {
        ".json": "application/json",
        ".jsonld": "application/ld+json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".html": "text/html; charset=utf-8",
    }.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class OfflineAdapter(BaseAdapter):
    """Answers every request in-process: site files, bundled contexts, or an error."""

    def __init__(self, site_dir, base_url, overrides=None):
        super().__init__()
        self.site_dir = os.path.realpath(site_dir)
        self.base_url = base_url
        with open(OB2_CONTEXT_FILE, "rb") as f:
            self.context_bytes = f.read()
        # overrides: url -> (status, content_type, bytes)  (for ad-hoc experiments)
        self.overrides = overrides if overrides is not None else {}
        self.log = []          # (method, url, status)
        self.offline_misses = []

    def _response(self, request, status, body, content_type):
        r = requests.Response()
        r.status_code = status
        r.reason = {200: "OK", 404: "Not Found", 410: "Gone"}.get(status, "")
        r.headers = CaseInsensitiveDict({"Content-Type": content_type, "Content-Length": str(len(body))})
        r._content = body
        r._content_consumed = True
        r.encoding = "utf-8" if (content_type.startswith("application/") and "json" in content_type) or content_type.startswith("text/") else None
        r.url = request.url
        r.request = request
        r.connection = self
        self.log.append((request.method, request.url, status))
        return r

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = request.url
        bare = urllib.parse.urldefrag(url)[0]
        if bare in self.overrides:
            status, ctype, body = self.overrides[bare]
            return self._response(request, status, body, ctype)
        if bare in CONTEXT_URLS:
            return self._response(request, 200, self.context_bytes, "application/ld+json")
        if bare.startswith(self.base_url):
            rel = urllib.parse.unquote(urllib.parse.urlsplit(bare[len(self.base_url):]).path)
            path = os.path.realpath(os.path.join(self.site_dir, rel))
            if path != self.site_dir and not path.startswith(self.site_dir + os.sep):
                return self._response(request, 404, b"<h1>404</h1>", "text/html; charset=utf-8")
            if os.path.isdir(path):
                path = os.path.join(path, "index.html")
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    return self._response(request, 200, f.read(), _content_type(path))
            return self._response(request, 404, b"<h1>404 Not Found</h1>", "text/html; charset=utf-8")
        self.offline_misses.append(url)
        self.log.append((request.method, url, "OFFLINE"))
        raise requests.ConnectionError("offline: refusing to fetch {}".format(url), request=request)

    def close(self):
        pass


_ACTIVE_ADAPTER = None
_orig_get_adapter = requests.Session.get_adapter


def _patched_get_adapter(self, url):
    if _ACTIVE_ADAPTER is None:
        raise requests.ConnectionError("offline: no adapter installed for {}".format(url))
    return _ACTIVE_ADAPTER


def _no_network(*args, **kwargs):
    raise OSError("check_ob2: network access is disabled (offline validation)")


def install_adapter(adapter):
    """Route every requests.Session (incl. requests_cache.CachedSession) to `adapter`,
    and make any other socket connection attempt fail loudly."""
    global _ACTIVE_ADAPTER
    _ACTIVE_ADAPTER = adapter
    requests.Session.get_adapter = _patched_get_adapter
    socket.socket.connect = _no_network
    socket.create_connection = _no_network


def check_context_bundle():
    with open(OB2_CONTEXT_FILE, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != OB2_CONTEXT_SHA256:
        raise SystemExit("check_ob2: {} has SHA-256 {} (expected {})".format(OB2_CONTEXT_FILE, digest, OB2_CONTEXT_SHA256))
    if json.loads(data) != OPENBADGES_CONTEXT_V2_DICT:
        raise SystemExit("check_ob2: bundled OB 2.0 context differs from the validator's built-in copy")


def freeze_clock(now):
    """Make the validator's `datetime.now(utc)` (tasks/validation.py, the issuedOn /
    expires check, its only use of the clock) return `now`, a timezone-aware datetime."""
    from openbadges.verifier.tasks import validation

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return now.astimezone(tz) if tz is not None else now

    if validation.datetime is not datetime.datetime:
        raise SystemExit("check_ob2: cannot freeze the clock: openbadges.verifier.tasks.validation "
                         "no longer imports datetime.datetime")
    validation.datetime = FrozenDatetime


def parse_now(text):
    try:
        now = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not an ISO 8601 date-time: {!r}".format(text))
    if now.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a timezone (e.g. Z): {!r}".format(text))
    return now


def run_validator(url, recipient_profile=None):
    """Return the validator's report dict for an assertion URL (adapter must be installed)."""
    # use_cache=False / cache_backend=None: plain requests.Session everywhere, no cross-run cache.
    return openbadges.verify(url, recipient_profile=recipient_profile,
                             use_cache=False, cache_backend=None)


def errors_of(result, level=("ERROR",)):
    return [m for m in result["report"]["messages"] if m.get("messageLevel") in level]


def summarize(msgs, limit=6):
    out = []
    for m in msgs[:limit]:
        text = " ".join(str(m.get("result") or m.get("name") or m).split())
        out.append(text)
    if len(msgs) > limit:
        out.append("(+{} more)".format(len(msgs) - limit))
    return " | ".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Validate a site's OB 2.0 hosted assertions with the 1EdTech validator, offline.")
    ap.add_argument("site_dir")
    ap.add_argument("base_url", help="the site's base URL, with trailing slash, e.g. https://example.github.io/badges/")
    ap.add_argument("--expect-revoked", default="", help="comma-separated award ids that must be rejected as revoked")
    ap.add_argument("--recipient", action="append", default=[], metavar="ID=EMAIL",
                    help="also check that award ID's hashed recipient matches EMAIL (validator's recipient profile check)")
    ap.add_argument("--now", type=parse_now, metavar="ISO_DATETIME",
                    help="the validator's current time, e.g. 2026-06-01T00:00:00Z (default: the real clock)")
    ap.add_argument("--baked", action="append", default=[], metavar="IMAGE",
                    help="validate these baked PNG/SVG images instead of the site's assertions")
    ap.add_argument("-v", "--verbose", action="store_true", help="print warnings and every fetched URL")
    args = ap.parse_args(argv)

    base_url = args.base_url
    if not base_url.endswith("/"):
        base_url += "/"
    if not base_url.startswith(("http://", "https://")):
        ap.error("BASE_URL must be http(s)")
    awards_dir = os.path.join(args.site_dir, "awards")
    if not os.path.isdir(awards_dir):
        ap.error("{} has no awards/ folder".format(args.site_dir))
    expect_revoked = {x.strip() for x in args.expect_revoked.split(",") if x.strip()}
    recipients = {}
    for r in args.recipient:
        if "=" not in r:
            ap.error("--recipient wants ID=EMAIL")
        k, v = r.split("=", 1)
        recipients[k] = v

    if not args.verbose:
        # the validator logs a traceback to stderr for every crashed task (e.g. revoked bodies)
        logging.getLogger("openbadges.verifier").setLevel(logging.CRITICAL)
    check_context_bundle()
    if args.now is not None:
        freeze_clock(args.now)
    if args.baked:
        return check_baked(args, base_url)
    ids = sorted(d for d in os.listdir(awards_dir) if os.path.isfile(os.path.join(awards_dir, d, "assertion.json")))
    unknown = (expect_revoked | set(recipients)) - set(ids)
    if unknown:
        ap.error("no awards/<id>/assertion.json for: {}".format(", ".join(sorted(unknown))))

    passed = failed = 0
    for aid in ids:
        url = base_url + "awards/{}/assertion.json".format(aid)
        adapter = OfflineAdapter(args.site_dir, base_url)
        install_adapter(adapter)
        profile = {"email": recipients[aid]} if aid in recipients else None
        try:
            result = run_validator(url, profile)
        except Exception as e:  # the validator itself crashed
            result = None
            crash = "{}: {}".format(type(e).__name__, e)
        with open(os.path.join(awards_dir, aid, "assertion.json"), "rb") as f:
            try:
                body = json.loads(f.read())
            except ValueError:
                body = {}
        if result is None:
            ok, detail = False, "validator crashed: " + crash
        else:
            errs = errors_of(result)
            valid = bool(result["report"].get("valid"))
            if adapter.offline_misses:
                errs = errs + [{"result": "tried to fetch non-site URL(s) while offline: " + ", ".join(sorted(set(adapter.offline_misses)))}]
            if aid in expect_revoked:
                is_revoked_body = isinstance(body, dict) and body.get("revoked") is True
                if valid:
                    ok, detail = False, "expected revoked, but the validator accepted it"
                elif not is_revoked_body:
                    ok, detail = False, "expected revoked, but assertion.json has no \"revoked\": true (validator errors: {})".format(summarize(errs))
                else:
                    ok, detail = True, "revoked as expected; validator: " + summarize(errs, 2)
            else:
                ok = valid and not adapter.offline_misses
                detail = summarize(errs) if errs else ("validator reported valid=false with no error message" if not valid else "")
        if ok:
            passed += 1
            print("ok {}{}".format(aid, " ({})".format(detail) if detail and args.verbose else ""))
        else:
            failed += 1
            print("FAIL {}: {}".format(aid, detail))
        if args.verbose and result is not None:
            for m in errors_of(result, ("WARNING",)):
                print("  warning: " + summarize([m]))
            for method, u, st in adapter.log:
                print("  fetched {} {} -> {}".format(method, u, st))
    print("{} passed, {} failed".format(passed, failed))
    return 1 if failed else 0


def check_baked(args, base_url):
    """The validator on baked images: it unbakes each and verifies what it names."""
    passed = failed = 0
    for image in args.baked:
        adapter = OfflineAdapter(args.site_dir, base_url)
        install_adapter(adapter)
        try:
            with open(image, "rb") as f:
                if image.lower().endswith(".svg"):
                    # openbadges-bakery's SVG unbake returns bytes on Python 3, which the
                    # validator's input detection does not accept ("only URL, JSON, or JWS
                    # input implemented"): unbake with it and give the validator the text.
                    from openbadges_bakery import unbake
                    data = unbake(f)
                    data = data.decode("utf-8") if isinstance(data, bytes) else data
                    result = openbadges.verify(data, use_cache=False, cache_backend=None)
                else:
                    result = openbadges.verify(f, use_cache=False, cache_backend=None)
            errs = errors_of(result)
            ok = bool(result["report"].get("valid")) and not adapter.offline_misses
            detail = summarize(errs) if errs else ("offline misses: " + ", ".join(adapter.offline_misses) if adapter.offline_misses else "")
        except Exception as e:  # the validator itself crashed
            ok, detail = False, "validator crashed: {}: {}".format(type(e).__name__, e)
        if ok:
            passed += 1
            print("ok {}".format(image))
        else:
            failed += 1
            print("FAIL {}: {}".format(image, detail))
    print("{} passed, {} failed".format(passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
