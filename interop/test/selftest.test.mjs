// Self-test of verify-site.mjs and sign.mjs against the standards.md
// Appendix A fixture. Run: npm test   (node --test test/)
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import zlib from 'node:zlib';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'fixture', 'site');
const BASE = 'https://example.github.io/badges/';
const SK = 'z3u2RwSXGME6LwGRPCt67EJYjpA8CRySfLagySj7ESKTt2jB'; // TEST KEY ONLY
const VM = 'did:web:example.github.io:badges#key-1';
const CREATED = '2025-06-01T00:00:00Z';
const UUID = '7f1d0c2e-8a43-4e0b-9a53-3c1f2b6d8e90';
const CRED = `credentials/${UUID}.json`;
const GLOB = 'credentials/*.json';
const SCHEMA = process.env.VERIFY_SCHEMA ||
  '/work/shared/ob-verify/schemas/ob_v3p0_achievementcredential_schema.json';
const APPENDIX_A_PROOF =
  'z4e72oTnD3EK6CoFeDBNNguDH95rLgpv6LAcB18bpHgCPuimMxLoWt1CN24NDXyrEiA5Ko' +
  'xnKCFbTpteVba5F3weY';
const APPENDIX_A_SL_PROOF =
  'z4W25xVqSpRc8up9PnbnLqaCQxoFvBdUYCENvMK5HNAjcfo1Xwzp2ERsy37zczrGxV5vr8' +
  'PQcRvRbgvxgGfvWLkTi';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'rosette-interop-'));
test.after(() => fs.rmSync(TMP, {recursive: true, force: true}));

function run(script, args, env = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, script), ...args], {
    encoding: 'utf8', cwd: ROOT, env: {...process.env, VERIFY_SCHEMA: '', ...env}
  });
  return {code: r.status, out: r.stdout, err: r.stderr};
}
const verify = (site, ...extra) => run('verify-site.mjs', [site, BASE, ...extra]);

function tmpSite() {
  const dir = fs.mkdtempSync(path.join(TMP, 's-'));
  fs.cpSync(FIXTURE, dir, {recursive: true});
  return dir;
}
const readJson = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, o) => {
  fs.mkdirSync(path.dirname(f), {recursive: true});
  fs.writeFileSync(f, JSON.stringify(o, null, 2) + '\n');
};
function unsigned(o) {
  const c = structuredClone(o);
  delete c.proof;
  return c;
}
function signJson(obj, vm = VM, extra = []) {
  const f = path.join(fs.mkdtempSync(path.join(TMP, 'sign-')),
    'in.json');
  writeJson(f, obj);
  const r = run('sign.mjs', [f, SK, vm, CREATED, ...extra]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}
function encodeList(setIndexes, bytes = 16384) {
  const buf = Buffer.alloc(bytes);
  for(const i of setIndexes) {
    buf[i >> 3] |= 1 << (7 - (i & 7)); // index 0 = MSB of byte 0
  }
  return 'u' + zlib.gzipSync(buf).toString('base64url');
}
function resignStatusList(site, mutate, vm = VM) {
  const f = path.join(site, 'status/1.json');
  const sl = unsigned(readJson(f));
  mutate(sl);
  writeJson(f, signJson(sl, vm));
}

test('Appendix A fixture verifies (ok)', () => {
  const r = verify(FIXTURE, '--glob', GLOB);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`^ok .*${UUID}\\.json$`, 'm'));
  assert.match(r.out, /^1 passed, 0 failed$/m);
});

test('Appendix A fixture passes the 1EdTech JSON Schema (if present)',
  {skip: !fs.existsSync(SCHEMA) && 'schema file not present'}, () => {
    const r = verify(FIXTURE, '--glob', GLOB, '--schema', SCHEMA);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^1 passed, 0 failed$/m);
  });

test('default glob awards/*/credential.json', () => {
  const site = tmpSite();
  fs.mkdirSync(path.join(site, 'awards/x'), {recursive: true});
  fs.renameSync(path.join(site, CRED), path.join(site, 'awards/x/credential.json'));
  const r = verify(site);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^ok .*awards\/x\/credential\.json$/m);
});

test('one changed character in the name -> FAIL', () => {
  const site = tmpSite();
  const f = path.join(site, CRED);
  const c = readJson(f);
  c.name = 'Rust Contributer';
  writeJson(f, c);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL .*: Invalid signature\.$/m);
  assert.match(r.out, /^0 passed, 1 failed$/m);
});

test('sign.mjs reproduces the Appendix A proofValues byte for byte', () => {
  const fix = readJson(path.join(FIXTURE, CRED));
  const signed = signJson(readJson(path.join(ROOT, 'fixture/unsigned-credential.json')));
  assert.equal(signed.proof[0].proofValue, APPENDIX_A_PROOF);
  assert.deepEqual(signed, fix);
  const sl = signJson(readJson(path.join(ROOT, 'fixture/unsigned-status-list.json')));
  assert.equal(sl.proof[0].proofValue, APPENDIX_A_SL_PROOF);
});

test('revoked bit set (list re-signed) -> revoked; --expect-revoked', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    sl.credentialSubject.encodedList = encodeList([4711]);
  });
  let r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^revoked .*\.json$/m);
  r = verify(site, '--glob', GLOB, '--expect-revoked', UUID);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^revoked /m);
  r = verify(site, '--glob', GLOB, '--expect-revoked', 'someone-else');
  assert.equal(r.code, 1);
  assert.match(r.out, /revoked, but not in --expect-revoked/);
  assert.match(r.out, /FAIL someone-else: in --expect-revoked but no such/);
  // and the unrevoked fixture fails an expectation of revocation
  r = verify(FIXTURE, '--glob', GLOB, '--expect-revoked', UUID);
  assert.equal(r.code, 1);
  assert.match(r.out, /expected revoked, but status bit is 0/);
});

test('neighbouring bit (4710, 4712) set -> still ok (MSB-first order)', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    sl.credentialSubject.encodedList = encodeList([4710, 4712]);
  });
  const r = verify(site, '--glob', GLOB, '--expect-revoked', '');
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^ok /m);
});

test('status list edited without re-signing -> FAIL', () => {
  const site = tmpSite();
  const f = path.join(site, 'status/1.json');
  const sl = readJson(f);
  sl.credentialSubject.encodedList = encodeList([4711]);
  writeJson(f, sl);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /FAIL .*"BitstringStatusListCredential" not verified/);
});

test('status list without validFrom (re-signed) still verifies', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    delete sl.validFrom;
  });
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 0, r.out + r.err);
});

test('status list shorter than 131072 entries: FAIL by our extra check; DB alone accepts it', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    sl.credentialSubject.encodedList = encodeList([], 1024);
  });
  let r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /has 8192 entries < 131072/);
  // documents DB behaviour: the library itself has no minimum
  r = verify(site, '--glob', GLOB, '--no-min-entries');
  assert.equal(r.code, 0, r.out + r.err);
});

test('status list issued by another DID: FAIL unless --no-issuer-match', () => {
  const site = tmpSite();
  const other = 'did:web:example.github.io:badges:other';
  const did = readJson(path.join(site, 'did.json'));
  const s = JSON.stringify(did).replaceAll('did:web:example.github.io:badges',
    other);
  writeJson(path.join(site, 'other/did.json'), JSON.parse(s));
  resignStatusList(site, sl => {
    sl.issuer = other;
  }, `${other}#key-1`);
  let r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /Issuers of the status list credential and verifiable credential do not match/);
  r = verify(site, '--glob', GLOB, '--no-issuer-match');
  assert.equal(r.code, 0, r.out + r.err);
});

test('status list with unknown statusPurpose mismatch -> FAIL', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    sl.credentialSubject.statusPurpose = 'suspension';
  });
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /status purpose "suspension"/);
});

test('did.json over 8192 bytes -> FAIL (DB did:web driver size cap)', () => {
  const site = tmpSite();
  const f = path.join(site, 'did.json');
  const did = readJson(f);
  did.service = [{id: `${did.id}#pad`, type: 'Padding',
    serviceEndpoint: 'https://example.github.io/badges/' + 'x'.repeat(8200)}];
  writeJson(f, did);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /refuses DID documents over 8192 bytes/);
});

test('VM missing from assertionMethod -> FAIL (proof purpose)', () => {
  const site = tmpSite();
  const f = path.join(site, 'did.json');
  const did = readJson(f);
  did.assertionMethod = [];
  writeJson(f, did);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /not authorized by controller for proof purpose "assertionMethod"/);
});

test('relative VM id in did.json -> FAIL (DB needs absolute ids)', () => {
  const site = tmpSite();
  const f = path.join(site, 'did.json');
  const did = readJson(f);
  did.verificationMethod[0].id = '#key-1';
  writeJson(f, did);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /DID document entity with id .* not found/);
});

test('unknown @context URL -> FAIL, never fetched', () => {
  const site = tmpSite();
  const f = path.join(site, CRED);
  const c = readJson(f);
  c['@context'].push('https://example.org/unknown-context.json');
  writeJson(f, c);
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /not under BASE_URL/);
});

test('undefined term (JSON-LD safe mode): DB refuses to sign', () => {
  // DB signing itself refuses undefined terms (safe mode), so sign.mjs fails
  const f = path.join(fs.mkdtempSync(path.join(TMP, 'u-')), 'in.json');
  const c = readJson(path.join(ROOT, 'fixture/unsigned-credential.json'));
  c.notATerm = 'x';
  writeJson(f, c);
  const r = run('sign.mjs', [f, SK, VM, CREATED]);
  assert.equal(r.code, 1);
  assert.match(r.err, /safe mode|undefined|Relative property|invalid property/i);
});

test('proof as an object: DB verifies, 1EdTech schema rejects',
  {skip: !fs.existsSync(SCHEMA) && 'schema file not present'}, () => {
    const site = tmpSite();
    const signed = signJson(readJson(
      path.join(ROOT, 'fixture/unsigned-credential.json')), VM,
    ['--proof-object']);
    assert.equal(signed.proof.proofValue, APPENDIX_A_PROOF);
    writeJson(path.join(site, CRED), signed);
    let r = verify(site, '--glob', GLOB);
    assert.equal(r.code, 0, r.out + r.err);
    r = verify(site, '--glob', GLOB, '--schema', SCHEMA);
    assert.equal(r.code, 1);
    assert.match(r.out, /FAIL .*schema: \/proof must be array/);
  });

// Re-issue the fixture for another base URL / DID and check did:web mapping.
function rebasedSite(newBase, newDid) {
  const dir = fs.mkdtempSync(path.join(TMP, 's-'));
  const swap = o => JSON.parse(JSON.stringify(o)
    .replaceAll('did:web:example.github.io:badges', newDid)
    .replaceAll(BASE, newBase));
  const vm = `${newDid}#key-1`;
  const cred = swap(readJson(path.join(ROOT, 'fixture/unsigned-credential.json')));
  const sl = swap(readJson(path.join(ROOT, 'fixture/unsigned-status-list.json')));
  const rel = u => new URL(u).pathname.slice(new URL(newBase).pathname.length);
  writeJson(path.join(dir, rel(cred.id)), signJson(cred, vm));
  writeJson(path.join(dir, rel(sl.id)), signJson(sl, vm));
  return {dir, did: swap(readJson(path.join(FIXTURE, 'did.json')))};
}

test('did:web bare host -> /.well-known/did.json', () => {
  const {dir, did} = rebasedSite('https://badges.example.org/',
    'did:web:badges.example.org');
  writeJson(path.join(dir, 'did.json'), did);
  let r = run('verify-site.mjs', [dir, 'https://badges.example.org/', '--glob', GLOB]);
  assert.equal(r.code, 1, 'did.json at the root must not be used for a bare host');
  assert.match(r.out, /\.well-known\/did\.json" not found/);
  fs.mkdirSync(path.join(dir, '.well-known'));
  fs.renameSync(path.join(dir, 'did.json'), path.join(dir, '.well-known/did.json'));
  r = run('verify-site.mjs', [dir, 'https://badges.example.org/', '--glob', GLOB]);
  assert.equal(r.code, 0, r.out + r.err);
});

test('did:web with %3A port and path', () => {
  const {dir, did} = rebasedSite('https://localhost:8443/org/badges/',
    'did:web:localhost%3A8443:org:badges');
  writeJson(path.join(dir, 'did.json'), did);
  const r = run('verify-site.mjs', [dir, 'https://localhost:8443/org/badges/', '--glob', GLOB]);
  assert.equal(r.code, 0, r.out + r.err);
});

test('credentialSubject.type of the list as an array -> FAIL (DB string compare)', () => {
  const site = tmpSite();
  resignStatusList(site, sl => {
    sl.credentialSubject.type = ['BitstringStatusList'];
  });
  const r = verify(site, '--glob', GLOB);
  assert.equal(r.code, 1);
  assert.match(r.out, /Status list type must be "BitstringStatusList"/);
});
