#!/usr/bin/env python3
"""Self-test of verify.py: the published vectors (tests/vectors), the two
prebuilt sites (interop/fixture/site, tests/snapshots/base) and a set of
tampered copies that must FAIL. Offline; read-only on the repository (copies
go to a temporary folder). Prints one line per case and "N passed, M failed".

usage: .venv/bin/python selftest.py [-v]
"""

import base64
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
VECTORS = os.path.join(REPO, 'tests', 'vectors')
FIXTURE = os.path.join(REPO, 'interop', 'fixture', 'site')
FIXTURE_URL = 'https://example.github.io/badges/'
SNAP = os.path.join(REPO, 'tests', 'snapshots', 'base')
SNAP_URL = 'https://example.test/badges/'
EXAMPLES_CTX = ('https://www.w3.org/ns/credentials/examples/v2='
                + os.path.join(VECTORS, 'credentials-examples-v2.jsonld'))
VERBOSE = '-v' in sys.argv[1:]


def run(*args):
    p = subprocess.run([sys.executable, os.path.join(HERE, 'verify.py'),
                        *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def load(path):
    return json.loads(read(path))


def dump(obj, path):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write('\n')


results = []


def case(name, ok, detail=''):
    results.append(ok)
    print(f'{"ok" if ok else "FAIL"} {name}' + ('' if ok or not detail
                                               else f': {detail}'))
    if VERBOSE and detail and ok:
        print('    ' + detail.strip().replace('\n', '\n    '))


def expect_run(name, args, rc, *needles):
    code, out, err = run(*args)
    text = out + err
    good = code == rc and all(n in text for n in needles)
    case(name, good, f'rc={code} (want {rc}); output:\n{text}')


# ---- published vectors: canonical forms, hashes, signatures -------------
VEC = [
    ('appendix-a', 'credential.json',
     'z6MkitkSYBXwERkwFMiTpCZSr9bXkAkSq162jU3s2h7Yj3nV',
     'document-canon.txt', 'proof-canon.txt', []),
    ('ob-v3p0', 'signed-credential.json',
     'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi',
     'document-canon.txt', 'proof-canon.txt', []),
    ('w3c-eddsa-rdfc-2022', 'signedDataInt.json',
     'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
     'canonDocDataInt.txt', 'proofCanonDataInt.txt',
     ['--context', EXAMPLES_CTX]),
]
for folder, doc, key, dcanon, pcanon, extra in VEC:
    d = os.path.join(VECTORS, folder)
    f = os.path.join(d, doc)
    code, out, err = run('--canon', f, '--strip-proof', *extra)
    case(f'vector {folder}: document canon = {dcanon}',
         code == 0 and out == read(os.path.join(d, dcanon)), err or out)
    code, out, err = run('--canon', f, '--proof-config', *extra)
    case(f'vector {folder}: proof canon = {pcanon}',
         code == 0 and out == read(os.path.join(d, pcanon)), err or out)
    code, out, err = run('--check-proof', f, '--key', key, *extra)
    want = []
    vals = os.path.join(d, 'values.json')
    if os.path.exists(vals):
        v = load(vals)
        want = [v['proofHash'], v['documentHash']]
    comb = os.path.join(d, 'combinedHashDataInt.txt')
    if os.path.exists(comb):
        c = read(comb).strip()
        want = [c[:64], c[64:]]
    case(f'vector {folder}: hashes and signature',
         code == 0 and bool(want) and all(w in out for w in want), out + err)
a_vals = load(os.path.join(VECTORS, 'appendix-a', 'values.json'))
code, out, err = run('--canon', os.path.join(VECTORS, 'appendix-a',
                                             'status-list.json'),
                     '--strip-proof')
case('vector appendix-a: status list document hash',
     code == 0 and hashlib.sha256(out.encode()).hexdigest() ==
     a_vals['statusListDocumentHash'], err or out)

# ---- the two prebuilt sites --------------------------------------------
expect_run('fixture site verifies',
           [FIXTURE, FIXTURE_URL, '--glob', 'credentials/*.json'], 0,
           'ok 7f1d0c2e-8a43-4e0b-9a53-3c1f2b6d8e90', '1 passed, 0 failed')
expect_run('snapshot site verifies, alpha-3 revoked',
           [SNAP, SNAP_URL, '--expect-revoked', 'alpha-3'], 0,
           'ok alpha-1', 'ok alpha-2', 'revoked alpha-3', '3 passed, 0 failed')
expect_run('snapshot: revoked alpha-3 not expected -> FAIL',
           [SNAP, SNAP_URL], 1, 'FAIL alpha-3: revoked', '2 passed, 1 failed')
expect_run('snapshot: alpha-1 expected revoked -> FAIL',
           [SNAP, SNAP_URL, '--expect-revoked', 'alpha-1,alpha-3'], 1,
           'FAIL alpha-1: in --expect-revoked, but the status bit is 0')
expect_run('snapshot: --now after validUntil -> FAIL',
           [SNAP, SNAP_URL, '--expect-revoked', 'alpha-3', '--now',
            '2030-01-01T00:00:00Z'], 1, 'has expired')

# ---- tampered copies -----------------------------------------------------
tmp = tempfile.mkdtemp(prefix='rosette-pyld-')
try:
    def site_copy(tag):
        dst = os.path.join(tmp, tag)
        shutil.copytree(SNAP, dst)
        return dst

    def cred(site, aid='alpha-1'):
        return os.path.join(site, 'awards', aid, 'credential.json')

    def tamper(tag, fn, *needles, files=None, extra=()):
        s = site_copy(tag)
        fn(s)
        args = [s, SNAP_URL, '--expect-revoked', 'alpha-3', *extra]
        if files:
            args += [cred(s, a) for a in files]
        expect_run(f'tamper: {tag}', args, 1, *needles)

    def edit(path, fn):
        doc = load(path)
        fn(doc)
        dump(doc, path)

    tamper('credential name changed',
           lambda s: edit(cred(s), lambda d: d.update(name='Alphx')),
           'FAIL alpha-1: Ed25519 signature does not verify', 'ok alpha-2',
           '2 passed, 1 failed')
    tamper('achievement description changed',
           lambda s: edit(cred(s, 'alpha-2'), lambda d: d[
               'credentialSubject']['achievement'].update(description='x')),
           'FAIL alpha-2: Ed25519 signature does not verify')
    tamper('proofValue of another credential',
           lambda s: edit(cred(s), lambda d: d['proof'][0].update(
               proofValue=load(cred(SNAP, 'alpha-2'))['proof'][0][
                   'proofValue'])),
           'FAIL alpha-1: Ed25519 signature does not verify')
    tamper('proof created changed',
           lambda s: edit(cred(s), lambda d: d['proof'][0].update(
               created='2026-03-01T00:00:01Z')),
           'FAIL alpha-1: Ed25519 signature does not verify')
    tamper('proof created not a dateTime',
           lambda s: edit(cred(s), lambda d: d['proof'][0].update(
               created='yesterday')),
           'FAIL alpha-1', 'is not an XML Schema dateTime')
    tamper('undefined term (safe mode)',
           lambda s: edit(cred(s), lambda d: d['issuer'].update(bogus='x')),
           'FAIL alpha-1', "safe mode: invalid property", "'bogus'")
    tamper('relative @id (safe mode)',
           lambda s: edit(cred(s), lambda d: d['credentialSubject'].update(
               id='learner-1')),
           'FAIL alpha-1', "relative @id reference 'learner-1'")
    tamper('undefined type (safe mode)',
           lambda s: edit(cred(s), lambda d: d['credentialSubject'].update(
               type=['AchievementSubject', 'Learner'])),
           'FAIL alpha-1', "relative @type reference 'Learner'")

    def flip_bit(s, aid='alpha-1'):
        idx = int(load(cred(s, aid))['credentialStatus']['statusListIndex'])
        p = os.path.join(s, 'status', 'revocation.json')

        def fn(d):
            enc = d['credentialSubject']['encodedList']
            raw = bytearray(gzip.decompress(base64.urlsafe_b64decode(
                enc[1:] + '=' * (-len(enc[1:]) % 4))))
            raw[idx // 8] ^= 0x80 >> (idx % 8)
            d['credentialSubject']['encodedList'] = 'u' + \
                base64.urlsafe_b64encode(gzip.compress(bytes(raw))).decode(
                ).rstrip('=')
        edit(p, fn)
    tamper('status bit set without re-signing the list', flip_bit,
           'status list https://example.test/badges/status/revocation.json',
           'Ed25519 signature does not verify')
    tamper('status list missing',
           lambda s: os.remove(os.path.join(s, 'status', 'revocation.json')),
           'not found in site')
    tamper('assertionMethod emptied',
           lambda s: edit(os.path.join(s, 'did.json'),
                          lambda d: d.update(assertionMethod=[])),
           "is not listed in the DID document's assertionMethod")
    tamper('VM controller changed',
           lambda s: edit(os.path.join(s, 'did.json'),
                          lambda d: d['verificationMethod'][0].update(
                              controller='did:web:evil.example')),
           'controller is')
    tamper('other public key',
           lambda s: edit(os.path.join(s, 'did.json'),
                          lambda d: d['verificationMethod'][0].update(
                              publicKeyMultibase='z6MkjZRZv3aez3r18pB1RBFJR1k'
                              'wUVJ5jHt92JmQwXbd5hwi')),
           'Ed25519 signature does not verify')
    tamper('relative VM id in did.json',
           lambda s: edit(os.path.join(s, 'did.json'),
                          lambda d: d['verificationMethod'][0].update(
                              id='#key-1')),
           'has no verification method with id')
    tamper('DID document id changed',
           lambda s: edit(os.path.join(s, 'did.json'),
                          lambda d: d.update(id='did:web:example.test')),
           'not \'did:web:example.test:badges\'')
    tamper('issuer id changed',
           lambda s: edit(cred(s), lambda d: d['issuer'].update(
               id='did:web:example.test:other')),
           'does not match issuer')
    expect_run('wrong BASE_URL -> FAIL (offline loader refuses)',
               [SNAP, 'https://example.org/badges/', '--expect-revoked',
                'alpha-3'], 1, 'is not under BASE_URL')

    # proof as an object instead of an array: same signature input
    s = site_copy('proof-object')
    edit(cred(s), lambda d: d.update(proof=d['proof'][0]))
    expect_run('proof object (not array) still verifies',
               [s, SNAP_URL, '--expect-revoked', 'alpha-3'], 0,
               'ok alpha-1', '3 passed, 0 failed')

    # RDFC-1.0 literal escaping vs PyLD's stock escape()
    doc = {'@context': ['https://www.w3.org/ns/credentials/v2'],
           'id': 'urn:x:1', 'name': 'a\bb\fc\x01d\x7fe\tf"g\\h\u00e9\U0001F600'}
    f = os.path.join(tmp, 'escape.json')
    dump(doc, f)
    want = ('<urn:x:1> <https://schema.org/name> '
            '"a\\bb\\fc\\u0001d\\u007Fe\\tf\\"g\\\\h\u00e9\U0001F600" .\n')
    code, out, err = run('--canon', f)
    case('RDFC-1.0 escaping of control characters', code == 0 and out == want,
         repr(out) + err)
    code, out, err = run('--canon', f, '--pyld-escape')
    case('--pyld-escape shows PyLD stock escaping differs',
         code == 0 and out != want and '\b' in out, repr(out) + err)

    # RDFC-1.0 sorts N-Quads by code point: U+FF21 before U+1F600. (JS
    # rdf-canonize sorts UTF-16 code units and puts U+1F600 first.)
    doc = {'@context': ['https://www.w3.org/ns/credentials/v2'],
           'id': 'urn:x:1', 'name': ['\U0001F600', '\uFF21']}
    f = os.path.join(tmp, 'sort.json')
    dump(doc, f)
    want = ('<urn:x:1> <https://schema.org/name> "\uFF21" .\n'
            '<urn:x:1> <https://schema.org/name> "\U0001F600" .\n')
    code, out, err = run('--canon', f)
    case('N-Quads sorted by code point', code == 0 and out == want,
         repr(out) + err)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

passed = sum(results)
failed = len(results) - passed
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
