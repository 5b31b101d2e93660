#!/usr/bin/env python3
"""Independent, offline verifier for a Rosette site: Open Badges 3.0
credentials with Data Integrity ``eddsa-rdfc-2022`` proofs and did:web keys.

A second stack next to ../verify-site.mjs (Digital Bazaar, Node.js): PyLD for
JSON-LD expansion and RDF canonicalisation (URDNA2015 = RDFC-1.0), and
``cryptography`` for Ed25519. Base58btc is implemented below. Nothing touches
the network: contexts come from ./contexts, site URLs and did:web DIDs are read
from SITE_DIR, and every other URL is refused.

usage:
  verify.py SITE_DIR BASE_URL [--now RFC3339] [--expect-revoked ID[,ID...]]...
            [--glob PATTERN] [--no-issuer-match] [--no-min-entries]
            [--context URL=FILE]... [--pyld-escape] [FILE ...]
  verify.py --canon FILE.json [--strip-proof | --proof-config] [--context URL=FILE]...
            [--no-safe] [--pyld-escape]
  verify.py --check-proof FILE.json --key z6Mk... [--context URL=FILE]...

Exit codes: 0 all passed, 1 at least one failure, 2 usage or I/O error.
"""

import argparse
import base64
import copy
import datetime
import gzip
import hashlib
import json
import os
import re
import sys
import urllib.parse
import warnings

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
import pyld.nquads

HERE = os.path.dirname(os.path.abspath(__file__))

# URL -> bundled file (see contexts/SOURCES.md)
BUNDLED_CONTEXTS = {
    'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
        'ob-v3p0-context-3.0.3.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json':
        'ob-v3p0-extensions.json',
    'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
    'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
    'https://w3id.org/security/data-integrity/v1': 'data-integrity-v1.jsonld',
    'https://w3id.org/security/data-integrity/v2': 'data-integrity-v2.jsonld',
    'https://www.w3.org/ns/credentials/status/v1':
        'vc-bitstring-status-list-v1.jsonld',
}

VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
# The Digital Bazaar did:web driver refuses bigger did.json files; mirror it.
DID_WEB_MAX_BYTES = 8192
# W3C Bitstring Status List §3.2 minimum (STATUS_LIST_LENGTH_ERROR)
MIN_STATUS_ENTRIES = 131072


class VerifyError(Exception):
    """A check failed; the message is the reason printed after FAIL."""


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- encodings

B58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}


def b58decode(s):
    """Base58btc (Bitcoin alphabet) to bytes; leading '1's are zero bytes."""
    n = 0
    for c in s:
        if c not in B58_INDEX:
            raise VerifyError(f'invalid base58btc character {c!r}')
        n = n * 58 + B58_INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, 'big') if n else b''
    zeros = len(s) - len(s.lstrip('1'))
    return b'\x00' * zeros + body


def multikey_ed25519(mb):
    """'z6Mk...' Multikey -> 32-byte Ed25519 public key (0xed01 prefix)."""
    if not isinstance(mb, str) or not mb.startswith('z'):
        raise VerifyError(f'publicKeyMultibase {mb!r} is not base58btc (z...)')
    raw = b58decode(mb[1:])
    if len(raw) != 34 or raw[:2] != b'\xed\x01':
        raise VerifyError(f'publicKeyMultibase {mb!r} is not an Ed25519 '
                          'Multikey (0xed01 + 32 bytes)')
    return raw[2:]


def decode_proof_value(pv):
    if not isinstance(pv, str) or not pv.startswith('z'):
        raise VerifyError('proofValue is not multibase base58btc (z...)')
    sig = b58decode(pv[1:])
    if len(sig) != 64:
        raise VerifyError(f'proofValue decodes to {len(sig)} bytes, not 64')
    return sig


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))


# ------------------------------------------------------- RDFC-1.0 N-Quads

def _rdfc_escape_char(c):
    o = ord(c)
    special = {'\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f',
               '\r': '\\r', '"': '\\"', '\\': '\\\\'}
    if c in special:
        return special[c]
    return '\\u%04X' % o


_RDFC_ESCAPE_RE = re.compile('[\u0000-\u001f\u007f"\\\\]')


def rdfc_escape(value):
    """RDFC-1.0 §4.3 canonical N-Quads literal escaping (as rdf-canonize 5):
    ECHAR for \\b \\t \\n \\f \\r \" \\\\, UCHAR (upper-case hex) for the
    other C0 controls and U+007F, everything else verbatim."""
    return _RDFC_ESCAPE_RE.sub(lambda m: _rdfc_escape_char(m.group(0)), value)


PYLD_STOCK_ESCAPE = pyld.nquads.escape


def use_rdfc_escape(on):
    """PyLD's own escape() only handles \\ \\t \\n \\r \" (the older
    URDNA2015 draft); RDFC-1.0 also requires \\b, \\f and \\uXXXX. The
    serializer looks the name up at call time, so patching the module
    attribute changes both the hashed first-degree quads and the output."""
    pyld.nquads.escape = rdfc_escape if on else PYLD_STOCK_ESCAPE


# ---------------------------------------------------------- JSON-LD / safe

ABS_IRI_RE = re.compile(r'^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$')


def _is_abs(v):
    return isinstance(v, str) and bool(ABS_IRI_RE.match(v))


def _is_bnode(v):
    return isinstance(v, str) and v.startswith('_:')


# the check jsonld.js applies (lib/expand.js, REGEX_BCP47)
BCP47_RE = re.compile(r'^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$')


def _walk_input(value, path, problems):
    """Things PyLD drops during expansion without calling
    on_property_dropped, found in the compact input (literal keywords only,
    not aliases): {"@value": null} and {"@language": ...} alone."""
    if isinstance(value, list):
        for i, v in enumerate(value):
            _walk_input(v, f'{path}[{i}]', problems)
    elif isinstance(value, dict):
        if '@value' in value and value['@value'] is None:
            problems.append(f'null @value value at {path}')
        if set(value) == {'@language'}:
            problems.append(f'object with only @language at {path}')
        for k, v in value.items():
            if k not in ('@context', '@value'):
                _walk_input(v, f'{path}.{k}', problems)


def _walk_expanded(items, path, problems):
    """jsonld.js safe-mode checks that PyLD (no `safe` option, it silently
    drops) cannot raise itself: relative @id / @type / datatype IRIs and
    blank-node predicates. (@direction is fine: like the DB cryptosuite we
    convert with rdfDirection 'i18n-datatype'.)"""
    for i, item in enumerate(items if isinstance(items, list) else [items]):
        if not isinstance(item, dict):
            continue
        p = f'{path}[{i}]' if isinstance(items, list) else path
        if '@value' in item:
            lang = item.get('@language')
            if lang is not None and not BCP47_RE.match(lang):
                problems.append(f'invalid @language value {lang!r} at {p}')
            t = item.get('@type')
            if t is not None and t != '@json' and not _is_abs(t):
                problems.append(f'relative @type reference {t!r} at {p}')
            if t is not None and _is_bnode(t):
                problems.append(f'blank node datatype {t!r} at {p}')
            continue
        if '@list' in item:
            _walk_expanded(item['@list'], p + '.@list', problems)
            continue
        nid = item.get('@id')
        if '@id' in item and nid is None:
            problems.append(f'reserved @id value ("@..." expands to null) '
                            f'at {p}')
        elif nid is not None and not (_is_abs(nid) or _is_bnode(nid)):
            problems.append(f'relative @id reference {nid!r} at {p}')
        for t in item.get('@type', []):
            if not (_is_abs(t) or _is_bnode(t)):
                problems.append(f'relative @type reference {t!r} at {p}')
        for k, v in item.items():
            if k in ('@id', '@type', '@index'):
                continue
            if k in ('@graph', '@included'):
                _walk_expanded(v, f'{p}.{k}', problems)
            elif k == '@reverse':
                for rk, rv in v.items():
                    _walk_expanded(rv, f'{p}.@reverse.{rk}', problems)
            elif k.startswith('@'):
                continue
            else:
                if _is_bnode(k):
                    problems.append(f'blank node predicate {k!r} at {p}')
                elif not _is_abs(k):
                    problems.append(f'relative predicate {k!r} at {p}')
                _walk_expanded(v, f'{p}.<{k}>', problems)


class JsonLd:
    """PyLD with an offline loader and an emulated jsonld.js safe mode."""

    def __init__(self, extra_contexts=None, site=None, safe=True):
        self.contexts = {}
        for url, name in BUNDLED_CONTEXTS.items():
            self.contexts[url] = os.path.join(HERE, 'contexts', name)
        self.contexts.update(extra_contexts or {})
        self.site = site
        self.safe = safe
        self._cache = {}

    def load(self, url, options=None):
        if url in self.contexts:
            if url not in self._cache:
                with open(self.contexts[url], 'rb') as f:
                    self._cache[url] = json.loads(f.read().decode('utf-8'))
            doc = copy.deepcopy(self._cache[url])
        elif self.site is not None and self.site.owns(url):
            doc = self.site.read_json(url)
        else:
            raise jsonld.JsonLdError(
                f'offline loader refuses "{url}" (not a bundled context'
                + (' and not under BASE_URL' if self.site else '') + ')',
                'jsonld.LoadDocumentError', code='loading document failed')
        return {'contextUrl': None, 'documentUrl': url, 'document': doc}

    def _options(self):
        # Same options as @digitalbazaar/eddsa-rdfc-2022-cryptosuite
        # lib/canonize.js: base null, rdfDirection 'i18n-datatype', RDFC-1.0
        # (PyLD calls it URDNA2015), N-Quads out.
        return {'documentLoader': self.load, 'base': None,
                'rdfDirection': 'i18n-datatype',
                'algorithm': 'URDNA2015', 'format': 'application/n-quads'}

    def _run(self, what, fn):
        dropped = []

        def on_dropped(prop):
            dropped.append(prop)

        proc = jsonld.JsonLdProcessor(
            on_property_dropped=on_dropped if self.safe else jsonld.noop)
        with warnings.catch_warnings():
            if self.safe:
                # PyLD reports reserved "@..." terms and values in a
                # context with warnings.warn and ignores them; jsonld.js
                # safe mode rejects them ('reserved term').
                warnings.simplefilter('error')
            try:
                result = fn(proc)
            except Warning as w:
                raise VerifyError(f'{what}: safe mode: {w}') from None
            except jsonld.JsonLdError as e:
                raise VerifyError(f'{what}: JSON-LD error: {jsonld_msg(e)}') \
                    from None
            except (TypeError, ValueError, KeyError, AttributeError) as e:
                # e.g. PyLD 3.3.0 to_rdf raises TypeError for {"id": "@foo"}
                raise VerifyError(f'{what}: PyLD failed: '
                                  f'{type(e).__name__}: {e}') from None
        if dropped:
            names = ', '.join(sorted({
                'a reserved "@..." key' if d is None else repr(d)
                for d in dropped}))
            raise VerifyError(f'{what}: safe mode: invalid property '
                              f'(undefined term dropped): {names}')
        return result

    def check_safe(self, doc, what):
        """Expand `doc`; raise VerifyError on anything safe mode rejects."""
        expanded = self._run(what, lambda p: p.expand(doc, self._options()))
        if self.safe:
            problems = []
            _walk_input(doc, '$', problems)
            if not expanded:
                raise VerifyError(f'{what}: safe mode: document expands to '
                                  'nothing (empty or free-floating object)')
            _walk_expanded(expanded, '$', problems)
            if problems:
                raise VerifyError(f'{what}: safe mode: ' + '; '.join(
                    problems[:5]) + (f' (+{len(problems) - 5})'
                                     if len(problems) > 5 else ''))
        return expanded

    def canonize(self, doc, what='document'):
        """RDFC-1.0 canonical N-Quads (each line ends in \\n)."""
        self.check_safe(doc, what)
        return self._run(what, lambda p: p.normalize(doc, self._options()))


def jsonld_msg(e):
    parts = []
    while e is not None:
        msg = e.args[0] if e.args and isinstance(e.args[0], str) else \
            str(e).split('\n')[0]
        details = getattr(e, 'details', None)
        if isinstance(details, dict) and 'url' in details:
            msg += f' (url {details["url"]})'
        if msg not in parts:
            parts.append(msg)
        e = e.__cause__
    return ': '.join(parts)


# ------------------------------------------------------------- site access

def did_web_to_url(did_url):
    """did:web spec "Read (Resolve)": did:web:host[:p1:p2][#frag] ->
    (did, fragment, https://host/p1/p2/did.json | https://host/.well-known/did.json)."""
    m = re.match(r'^did:web:([^#?]+)(\?[^#]*)?(#.*)?$', did_url)
    if not m:
        raise VerifyError(f'invalid did:web URL {did_url!r}')
    did = f'did:web:{m.group(1)}'
    domain, *paths = m.group(1).split(':')
    if not domain:
        raise VerifyError(f'invalid did:web DID {did!r} (empty host)')
    host = urllib.parse.unquote(domain)  # %3A -> ':' (port)
    if paths:
        # The did:web spec percent-decodes only the port's colon: path
        # segments stay as written (already percent-encoded URL text).
        rest = '/'.join(paths) + '/did.json'
    else:
        rest = '.well-known/did.json'
    return did, m.group(3) or '', f'https://{host}/{rest}'


class Site:
    """URLs under BASE_URL map to files under SITE_DIR."""

    def __init__(self, root, base_url):
        self.root = os.path.realpath(root)
        if not base_url.endswith('/'):
            base_url += '/'
        self.base_url = base_url
        self.base = urllib.parse.urlsplit(base_url)
        if not self.base.scheme or not self.base.netloc:
            raise UsageError(f'BASE_URL {base_url!r} is not an absolute URL')

    def owns(self, url):
        u = urllib.parse.urlsplit(url)
        return (u.scheme, u.netloc) == (self.base.scheme, self.base.netloc) \
            and u.path.startswith(self.base.path)

    def url_to_file(self, url):
        if not self.owns(url):
            raise VerifyError(f'URL {url!r} is not under BASE_URL '
                              f'{self.base_url!r} (offline verifier refuses '
                              'it)')
        rel = urllib.parse.unquote(urllib.parse.urlsplit(url).path[
            len(self.base.path):])
        if rel == '' or rel.endswith('/'):
            rel += 'index.html'
        f = os.path.realpath(os.path.join(self.root, rel))
        if not (f == self.root or f.startswith(self.root + os.sep)):
            raise VerifyError(f'URL {url!r} maps outside SITE_DIR')
        return f

    def read_json(self, url, max_bytes=None):
        f = self.url_to_file(url.split('#')[0])  # HTTP drops the fragment
        try:
            with open(f, 'rb') as fh:
                data = fh.read()
        except OSError as e:
            raise VerifyError(f'{url} not found in site ({f}: '
                              f'{e.strerror})') from None
        if max_bytes and len(data) > max_bytes:
            raise VerifyError(f'{url} is {len(data)} bytes; the Digital '
                              f'Bazaar did:web driver refuses DID documents '
                              f'over {max_bytes} bytes')
        try:
            return json.loads(data.decode('utf-8'))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise VerifyError(f'{url} ({f}) is not valid JSON: {e}') from None


# ---------------------------------------------------------------- checks

# XML Schema 1.1 dateTime (the regex of @digitalbazaar/data-integrity and
# @digitalbazaar/vc, but anchored); dateTimeStamp = timezone required.
_DT = (r'-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
       r'T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)')
_TZ = r'(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))'
DATETIME_RE = re.compile('^' + _DT + _TZ + '?$')
DATETIME_TZ_RE = re.compile('^' + _DT + _TZ + '$')


def parse_time(s, what, need_tz=True):
    if not isinstance(s, str) or not (DATETIME_TZ_RE if need_tz
                                      else DATETIME_RE).match(s):
        raise VerifyError(f'{what} {s!r} is not an XML Schema '
                          + ('dateTimeStamp' if need_tz else 'dateTime'))
    t = s[:-1] + '+00:00' if s.endswith('Z') else s
    m = re.match(r'^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?(.*)$', t)
    frac = (m.group(2) or '')[:7]  # Python keeps microseconds only
    try:
        dt = datetime.datetime.fromisoformat(m.group(1) + frac + m.group(3))
    except ValueError as e:  # e.g. 24:00:00 or a 5-digit year
        raise VerifyError(f'{what} {s!r}: {e}') from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


def check_validity(doc, now, what):
    if 'validFrom' in doc and parse_time(doc['validFrom'],
                                         f'{what} validFrom') > now:
        raise VerifyError(f'{what} is not valid yet (validFrom '
                          f'{doc["validFrom"]})')
    if 'validUntil' in doc and parse_time(doc['validUntil'],
                                          f'{what} validUntil') < now:
        raise VerifyError(f'{what} has expired (validUntil '
                          f'{doc["validUntil"]})')


def check_vc_shape(doc, what):
    ctx = doc.get('@context')
    ctx = ctx if isinstance(ctx, list) else [ctx]
    if not ctx or ctx[0] != VC_V2_CONTEXT:
        raise VerifyError(f'{what}: first @context must be {VC_V2_CONTEXT}')
    types = doc.get('type')
    types = types if isinstance(types, list) else [types]
    if 'VerifiableCredential' not in types:
        raise VerifyError(f'{what}: type must include VerifiableCredential')
    if issuer_id(doc) is None:
        raise VerifyError(f'{what}: issuer (or issuer.id) missing')
    if 'credentialSubject' not in doc:
        raise VerifyError(f'{what}: credentialSubject missing')


def issuer_id(doc):
    iss = doc.get('issuer')
    if isinstance(iss, dict):
        iss = iss.get('id')
    return iss if isinstance(iss, str) else None


def proof_hashes(ld, doc, proof, what):
    """vc-di-eddsa §3.2.3-3.2.5: (proofHash, documentHash, proofCanon,
    documentCanon). proofConfig = proof without proofValue, with the
    document's @context."""
    unsecured = {k: v for k, v in doc.items() if k != 'proof'}
    config = {k: v for k, v in proof.items() if k != 'proofValue'}
    config['@context'] = unsecured.get('@context')
    pc = ld.canonize(config, f'{what} proof config')
    dc = ld.canonize(unsecured, f'{what} document')
    return (hashlib.sha256(pc.encode('utf-8')).digest(),
            hashlib.sha256(dc.encode('utf-8')).digest(), pc, dc)


def proofs_of(doc, what):
    proofs = doc.get('proof')
    if proofs is None:
        raise VerifyError(f'{what}: no proof')
    proofs = proofs if isinstance(proofs, list) else [proofs]
    if not proofs:
        raise VerifyError(f'{what}: empty proof array')
    return proofs


def check_proof_fields(proof, what, now):
    if not isinstance(proof, dict):
        raise VerifyError(f'{what}: proof is not an object')
    if proof.get('type') != 'DataIntegrityProof' or \
            proof.get('cryptosuite') != 'eddsa-rdfc-2022':
        raise VerifyError(f'{what}: unsupported proof type '
                          f'{proof.get("type")!r}/{proof.get("cryptosuite")!r}'
                          ' (only DataIntegrityProof eddsa-rdfc-2022)')
    if proof.get('proofPurpose') != 'assertionMethod':
        raise VerifyError(f'{what}: proofPurpose is '
                          f'{proof.get("proofPurpose")!r}, not assertionMethod')
    if 'created' in proof:
        # vc-di-eddsa §3.2.1: error if created is not a valid dateTime
        parse_time(proof['created'], f'{what}: proof created', need_tz=False)
    if 'expires' in proof and parse_time(proof['expires'],
                                         f'{what}: proof expires') < now:
        raise VerifyError(f'{what}: proof expired ({proof["expires"]})')
    if not isinstance(proof.get('verificationMethod'), str):
        raise VerifyError(f'{what}: verificationMethod is not a URL string')


def ed25519_verify(pub, sig, data, what):
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, data)
    except InvalidSignature:
        raise VerifyError(f'{what}: Ed25519 signature does not verify '
                          '(document or proof changed, or wrong key)') \
            from None


class Verifier:
    def __init__(self, site, ld, now, issuer_match=True,
                 min_entries=MIN_STATUS_ENTRIES):
        self.site = site
        self.ld = ld
        self.now = now
        self.issuer_match = issuer_match
        self.min_entries = min_entries
        self._lists = {}

    def resolve_vm(self, vm_url, what):
        """CID "Retrieve Verification Method" for did:web -> (vm, did doc)."""
        if not vm_url.startswith('did:web:'):
            raise VerifyError(f'{what}: verificationMethod {vm_url!r} is not '
                              'a did:web DID URL (only did:web is resolved)')
        did, frag, url = did_web_to_url(vm_url)
        if not frag:
            raise VerifyError(f'{what}: verificationMethod {vm_url!r} has no '
                              'fragment')
        doc = self.site.read_json(url, max_bytes=DID_WEB_MAX_BYTES)
        if not isinstance(doc, dict) or doc.get('id') != did:
            raise VerifyError(f'{what}: DID document {url} has id '
                              f'{doc.get("id") if isinstance(doc, dict) else None!r}'
                              f', not {did!r}')
        vms = doc.get('verificationMethod', [])
        vms = vms if isinstance(vms, list) else [vms]
        vm = next((v for v in vms if isinstance(v, dict)
                   and v.get('id') == vm_url), None)
        am = doc.get('assertionMethod', [])
        am = am if isinstance(am, list) else [am]
        if vm is None:  # also allowed: embedded in assertionMethod
            vm = next((v for v in am if isinstance(v, dict)
                       and v.get('id') == vm_url), None)
        if vm is None:
            raise VerifyError(f'{what}: {url} has no verification method with '
                              f'id {vm_url!r} (ids must be absolute)')
        if vm.get('type') != 'Multikey':
            raise VerifyError(f'{what}: {vm_url} has type {vm.get("type")!r}, '
                              'not Multikey')
        if vm.get('controller') != did:
            raise VerifyError(f'{what}: {vm_url} controller is '
                              f'{vm.get("controller")!r}, not {did!r}')
        if not any(a == vm_url or (isinstance(a, dict) and a.get('id') ==
                                   vm_url) for a in am):
            raise VerifyError(f'{what}: {vm_url} is not listed in the DID '
                              "document's assertionMethod")
        # Not done by the DB stack (it reads did.json as plain JSON when its
        # first @context is DID v1), but a JSON-LD-aware verifier may frame
        # it: it must be clean JSON-LD under its own contexts.
        self.ld.check_safe(doc, f'{what}: DID document {url}')
        return vm, did

    def verify_proofs(self, doc, what):
        """Every proof must be a valid eddsa-rdfc-2022 proof by a key whose
        controller is the document's issuer."""
        for n, proof in enumerate(proofs_of(doc, what)):
            pw = what if n == 0 else f'{what} proof[{n}]'
            check_proof_fields(proof, pw, self.now)
            vm, controller = self.resolve_vm(proof['verificationMethod'], pw)
            if controller != issuer_id(doc):
                raise VerifyError(f'{pw}: key controller {controller!r} does '
                                  f'not match issuer {issuer_id(doc)!r}')
            pub = multikey_ed25519(vm.get('publicKeyMultibase'))
            sig = decode_proof_value(proof.get('proofValue'))
            ph, dh, _, _ = proof_hashes(self.ld, doc, proof, pw)
            ed25519_verify(pub, sig, ph + dh, pw)

    def status_list(self, url, purpose, cred_issuer, what):
        key = (url, purpose)
        if key in self._lists:
            if isinstance(self._lists[key], VerifyError):
                raise self._lists[key]
            return self._lists[key]
        try:
            bits = self._load_status_list(url, purpose, cred_issuer, what)
        except VerifyError as e:
            self._lists[key] = e
            raise
        self._lists[key] = bits
        return bits

    def _load_status_list(self, url, purpose, cred_issuer, what):
        lw = f'status list {url}'
        lst = self.site.read_json(url)
        if not isinstance(lst, dict):
            raise VerifyError(f'{lw} is not a JSON object')
        check_vc_shape(lst, lw)
        types = lst.get('type')
        if 'BitstringStatusListCredential' not in (types if isinstance(
                types, list) else [types]):
            raise VerifyError(f'{lw}: type lacks BitstringStatusListCredential')
        check_validity(lst, self.now, lw)
        self.verify_proofs(lst, lw)
        if self.issuer_match and issuer_id(lst) != cred_issuer:
            raise VerifyError(f'{lw}: issuer {issuer_id(lst)!r} differs from '
                              f'the credential issuer {cred_issuer!r}')
        subj = lst.get('credentialSubject')
        if not isinstance(subj, dict) or subj.get('type') != \
                'BitstringStatusList':
            raise VerifyError(f'{lw}: credentialSubject.type is not '
                              '"BitstringStatusList"')
        if subj.get('statusPurpose') != purpose:
            raise VerifyError(f'{lw}: statusPurpose '
                              f'{subj.get("statusPurpose")!r} does not match '
                              f'the entry ({purpose!r})')
        enc = subj.get('encodedList')
        if not isinstance(enc, str) or not enc.startswith('u'):
            raise VerifyError(f'{lw}: encodedList is not multibase base64url '
                              "('u' prefix)")
        try:
            raw = gzip.decompress(b64url_decode(enc[1:]))
        except (ValueError, OSError, EOFError) as e:
            raise VerifyError(f'{lw}: encodedList does not decode '
                              f'(base64url + gzip): {e}') from None
        if len(raw) * 8 < self.min_entries:
            raise VerifyError(f'{lw} has {len(raw) * 8} entries < '
                              f'{self.min_entries} (W3C '
                              'STATUS_LIST_LENGTH_ERROR)')
        return raw

    def check_status(self, doc, what):
        """-> True if a status bit is set (revoked)."""
        entries = doc.get('credentialStatus')
        if entries is None:
            return False
        entries = entries if isinstance(entries, list) else [entries]
        revoked = False
        for e in entries:
            if not isinstance(e, dict) or e.get('type') != \
                    'BitstringStatusListEntry':
                raise VerifyError(f'{what}: credentialStatus type '
                                  f'{e.get("type") if isinstance(e, dict) else e!r}'
                                  ' is not BitstringStatusListEntry; no '
                                  'checker')
            if e.get('statusSize', 1) not in (1, '1'):
                raise VerifyError(f'{what}: statusSize {e["statusSize"]!r} '
                                  'is not supported (only 1)')
            idx = e.get('statusListIndex')
            if not isinstance(idx, str) or not re.fullmatch(r'[0-9]+', idx):
                raise VerifyError(f'{what}: statusListIndex {idx!r} is not a '
                                  'string of decimal digits')
            idx = int(idx)
            url = e.get('statusListCredential')
            if not isinstance(url, str):
                raise VerifyError(f'{what}: statusListCredential missing')
            purpose = e.get('statusPurpose')
            bits = self.status_list(url, purpose, issuer_id(doc), what)
            if idx >= len(bits) * 8:
                raise VerifyError(f'{what}: statusListIndex {idx} is beyond '
                                  f'the list ({len(bits) * 8} entries)')
            # index 0 = most significant bit of byte 0
            if (bits[idx // 8] >> (7 - idx % 8)) & 1:
                if purpose != 'revocation':
                    raise VerifyError(f'{what}: status bit {idx} is set for '
                                      f'purpose {purpose!r}')
                revoked = True
        return revoked

    def verify_credential(self, doc, what):
        """-> revoked (bool); raises VerifyError."""
        if not isinstance(doc, dict):
            raise VerifyError('not a JSON object')
        check_vc_shape(doc, what)
        check_validity(doc, self.now, what)
        self.verify_proofs(doc, what)
        return self.check_status(doc, what)


# ------------------------------------------------------------------- CLI

def glob_files(root, pattern):
    """'*' matches within one path segment; the award id is the first '*'."""
    segs = [s for s in pattern.split('/') if s]
    out = []

    def to_re(seg):
        return re.compile('^' + '([^/]*)'.join(re.escape(p)
                                              for p in seg.split('*')) + '$')

    def walk(d, i, caps):
        if i == len(segs):
            if os.path.isfile(d):
                out.append((d, caps))
            return
        seg = segs[i]
        if '*' not in seg:
            nxt = os.path.join(d, seg)
            if os.path.exists(nxt):
                walk(nxt, i + 1, caps)
            return
        r = to_re(seg)
        try:
            names = sorted(os.listdir(d))
        except OSError:
            return
        for name in names:
            m = r.match(name)
            if m:
                walk(os.path.join(d, name), i + 1, caps + list(m.groups()))

    walk(root, 0, [])
    return out


def award_id_of(path):
    base = os.path.basename(path)
    if base == 'credential.json':
        return os.path.basename(os.path.dirname(os.path.abspath(path)))
    return os.path.splitext(base)[0]


def read_json_file(path):
    try:
        with open(path, 'rb') as f:
            return json.loads(f.read().decode('utf-8'))
    except OSError as e:
        raise UsageError(f'cannot read {path}: {e.strerror}') from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise VerifyError(f'not JSON: {e}') from None


def parse_extra_contexts(items):
    out = {}
    for it in items or []:
        url, sep, f = it.partition('=')
        if not sep or not url or not f:
            raise UsageError(f'--context wants URL=FILE, got {it!r}')
        if not os.path.isfile(f):
            raise UsageError(f'--context file {f!r} does not exist')
        out[url] = f
    return out


def cmd_canon(args, ld):
    try:
        doc = read_json_file(args.canon)
        if args.proof_config:
            # vc-di-eddsa §3.2.4 input: each proof without proofValue, with
            # the document's @context
            for proof in proofs_of(doc, args.canon):
                config = {k: v for k, v in proof.items() if k != 'proofValue'}
                config['@context'] = doc.get('@context')
                sys.stdout.write(ld.canonize(config, args.canon +
                                             ' proof config'))
            return 0
        if args.strip_proof and isinstance(doc, dict):
            doc.pop('proof', None)
        sys.stdout.write(ld.canonize(doc, args.canon))
    except VerifyError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0


def cmd_check_proof(args, ld):
    """Proof check with a given key, no key resolution, no status: for
    test vectors whose verificationMethod is not resolvable here."""
    what = args.check_proof
    try:
        doc = read_json_file(what)
        pub = multikey_ed25519(args.key)
        now = datetime.datetime.now(datetime.timezone.utc)
        for proof in proofs_of(doc, what):
            check_proof_fields(proof, what, now)
            ph, dh, _, _ = proof_hashes(ld, doc, proof, what)
            print(f'proof hash    {ph.hex()}')
            print(f'document hash {dh.hex()}')
            ed25519_verify(pub, decode_proof_value(proof.get('proofValue')),
                           ph + dh, what)
    except VerifyError as e:
        print(f'FAIL {what}: {e}')
        print('0 passed, 1 failed')
        return 1
    print(f'ok {what}')
    print('1 passed, 0 failed')
    return 0


def cmd_site(args, extra):
    if len(args.positional) < 2:
        raise UsageError('SITE_DIR and BASE_URL are required')
    site_dir, base_url, *files = args.positional
    if not os.path.isdir(site_dir):
        raise UsageError(f'SITE_DIR {site_dir!r} is not a directory')
    site = Site(site_dir, base_url)
    ld = JsonLd(extra, site=site, safe=not args.no_safe)
    if args.now:
        try:
            now = parse_time(args.now, '--now')
        except VerifyError as e:
            raise UsageError(str(e)) from None
    else:
        now = datetime.datetime.now(datetime.timezone.utc)
    v = Verifier(site, ld, now, issuer_match=not args.no_issuer_match,
                 min_entries=0 if args.no_min_entries else MIN_STATUS_ENTRIES)

    if files:
        targets = [(f, award_id_of(f)) for f in files]
    else:
        targets = [(f, caps[0] if caps else award_id_of(f))
                   for f, caps in glob_files(site_dir, args.glob)]
        if not targets:
            raise UsageError(f'no files match {args.glob!r} under {site_dir}')
    expect = set()
    for e in args.expect_revoked or []:
        expect.update(x.strip() for x in e.split(',') if x.strip())

    passed = failed = 0
    seen = set()
    for path, aid in targets:
        seen.add(aid)
        try:
            doc = read_json_file(path)
            revoked = v.verify_credential(doc, 'credential')
            if revoked and aid not in expect:
                raise VerifyError('revoked (status bit set), but not in '
                                  '--expect-revoked')
            if not revoked and aid in expect:
                raise VerifyError('in --expect-revoked, but the status bit '
                                  'is 0')
        except VerifyError as e:
            failed += 1
            msg = str(e)
            if msg.startswith('credential: '):
                msg = msg[len('credential: '):]
            print(f'FAIL {aid}: {msg}')
            continue
        passed += 1
        print(f'{"revoked" if revoked else "ok"} {aid}')
    for aid in sorted(expect - seen):
        failed += 1
        print(f'FAIL {aid}: in --expect-revoked but no such credential')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


def main(argv=None):
    p = argparse.ArgumentParser(
        prog='verify.py', description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('positional', nargs='*', metavar='SITE_DIR BASE_URL [FILE]',
                   help='site folder, its base URL, and optionally the '
                   'credential files to check (default: --glob)')
    p.add_argument('--now', help='time for validFrom/validUntil (RFC 3339; '
                   'default: now)')
    p.add_argument('--expect-revoked', action='append', metavar='ID[,ID]',
                   help='awards that must be revoked (repeatable, or comma '
                   'separated); any other revoked award is a failure')
    p.add_argument('--glob', default='awards/*/credential.json',
                   help='credentials to check, relative to SITE_DIR; the '
                   'award id is what the first * matched (default: '
                   '%(default)s)')
    p.add_argument('--no-issuer-match', action='store_true',
                   help='do not require the status list issuer to equal the '
                   'credential issuer')
    p.add_argument('--no-min-entries', action='store_true',
                   help='do not require >= 131072 status list entries')
    p.add_argument('--context', action='append', metavar='URL=FILE',
                   help='serve an extra JSON-LD context offline')
    p.add_argument('--no-safe', action='store_true',
                   help='turn off the emulated JSON-LD safe mode')
    p.add_argument('--pyld-escape', action='store_true',
                   help="use PyLD's stock N-Quads literal escaping instead "
                   'of the RDFC-1.0 one (differs only for \\b, \\f and '
                   'other control characters)')
    p.add_argument('--canon', metavar='FILE.json',
                   help='print the canonical N-Quads of FILE and exit')
    p.add_argument('--strip-proof', action='store_true',
                   help='with --canon: drop the top-level "proof" first (the '
                   'signed document hash input)')
    p.add_argument('--proof-config', action='store_true',
                   help='with --canon: print the canonical proof '
                   'configuration of each proof instead')
    p.add_argument('--check-proof', metavar='FILE.json',
                   help='verify the proof(s) of FILE with --key only')
    p.add_argument('--key', metavar='z6Mk...',
                   help='Ed25519 Multikey for --check-proof')
    args = p.parse_intermixed_args(argv)
    use_rdfc_escape(not args.pyld_escape)
    try:
        extra = parse_extra_contexts(args.context)
        if args.canon or args.check_proof:
            if args.positional:
                raise UsageError('--canon/--check-proof take no SITE_DIR')
            ld = JsonLd(extra, safe=not args.no_safe)
            if args.canon:
                return cmd_canon(args, ld)
            if not args.key:
                raise UsageError('--check-proof needs --key')
            return cmd_check_proof(args, ld)
        return cmd_site(args, extra)
    except UsageError as e:
        print(f'error: {e}', file=sys.stderr)
        p.print_usage(sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
