#!/usr/bin/env node
// Verify every OB 3.0 credential of a built Rosette site with the Digital
// Bazaar stack (what Learner Credential Wallet / VerifierPlus use), offline.
//
// usage: node verify-site.mjs SITE_DIR BASE_URL [--glob PATTERN]
//          [--expect-revoked ID1,ID2] [--schema FILE] [--now ISO_DATE]
//          [--no-issuer-match] [--no-min-entries] [--verbose]
//   PATTERN defaults to "awards/*/credential.json" ("*" matches one path
//   segment; the award id is what the first "*" matched).
//   --schema may also be given as env VERIFY_SCHEMA.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as bslCheckStatus, statusTypeMatches} from
  '@digitalbazaar/vc-bitstring-status-list';

import {createDocumentLoader} from './lib/loader.mjs';

function usage(msg) {
  if(msg) {
    console.error(`error: ${msg}`);
  }
  console.error('usage: node verify-site.mjs SITE_DIR BASE_URL ' +
    '[--glob PATTERN] [--expect-revoked ID1,ID2] [--schema FILE] ' +
    '[--now ISO_DATE] [--no-issuer-match] [--no-min-entries] [--verbose]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    glob: 'awards/*/credential.json',
    expectRevoked: null,
    schema: process.env.VERIFY_SCHEMA || null,
    now: undefined,
    issuerMatch: true,
    minEntries: 131072,
    verbose: false,
    positional: []
  };
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if(i + 1 >= argv.length) {
        usage(`${a} needs a value`);
      }
      return argv[++i];
    };
    if(a === '--glob') {
      opts.glob = val();
    } else if(a === '--expect-revoked') {
      opts.expectRevoked = new Set(val().split(',').map(s => s.trim())
        .filter(Boolean));
    } else if(a === '--schema') {
      opts.schema = val();
    } else if(a === '--now') {
      opts.now = val();
    } else if(a === '--no-min-entries') {
      opts.minEntries = 0;
    } else if(a === '--no-issuer-match') {
      opts.issuerMatch = false;
    } else if(a === '--verbose' || a === '-v') {
      opts.verbose = true;
    } else if(a === '-h' || a === '--help') {
      usage();
    } else if(a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      opts.positional.push(a);
    }
  }
  if(opts.positional.length !== 2) {
    usage('SITE_DIR and BASE_URL are required');
  }
  return opts;
}

// Minimal glob: "*" matches within one path segment; no "**".
function globFiles(root, pattern) {
  const segs = pattern.split('/').filter(Boolean);
  const results = [];
  const toRe = s => new RegExp('^' + s.split('*').map(
    p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('([^/]*)') + '$');
  function walk(dir, i, captures) {
    if(i === segs.length) {
      results.push({file: dir, captures});
      return;
    }
    const seg = segs[i];
    if(!seg.includes('*')) {
      const next = path.join(dir, seg);
      if(fs.existsSync(next)) {
        walk(next, i + 1, captures);
      }
      return;
    }
    const re = toRe(seg);
    let entries = [];
    try {
      entries = fs.readdirSync(dir).sort();
    } catch{
      return;
    }
    for(const name of entries) {
      const m = re.exec(name);
      if(m) {
        walk(path.join(dir, name), i + 1, [...captures, ...m.slice(1)]);
      }
    }
  }
  walk(root, 0, []);
  return results.filter(r => fs.statSync(r.file).isFile());
}

function summarizeError(err) {
  if(!err) {
    return 'unknown error';
  }
  const errs = Array.isArray(err) ? err : [err];
  const msgs = [];
  for(const e of errs) {
    if(e?.errors && Array.isArray(e.errors)) {
      msgs.push(summarizeError(e.errors));
      continue;
    }
    let m = e?.message || String(e);
    // jsonld.js wraps loader errors (with a misleading CORS hint) and keeps
    // the real reason in details.cause
    if(/^Dereferencing a URL did not result/.test(m) && e?.details?.url) {
      m = `could not load "${e.details.url}"`;
    }
    for(const c of [e?.cause, e?.details?.cause]) {
      if(c?.message && !m.includes(c.message)) {
        m += ` (cause: ${c.message})`;
      }
    }
    msgs.push(m);
  }
  return [...new Set(msgs)].join('; ');
}

async function statusListBits(documentLoader, url) {
  const {document} = await documentLoader(url);
  const enc = document.credentialSubject.encodedList;
  const raw = zlib.gunzipSync(Buffer.from(enc.slice(1), 'base64url'));
  return raw.length * 8;
}

async function loadSchemaValidator(file) {
  const {default: Ajv2019} = await import('ajv/dist/2019.js');
  const {default: addFormats} = await import('ajv-formats');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  return ajv.compile(schema);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const [siteDir, baseUrl] = opts.positional;
  if(!fs.existsSync(siteDir) || !fs.statSync(siteDir).isDirectory()) {
    usage(`SITE_DIR "${siteDir}" is not a directory`);
  }
  try {
    new URL(baseUrl);
  } catch{
    usage(`BASE_URL "${baseUrl}" is not a URL`);
  }
  const validate = opts.schema ? await loadSchemaValidator(opts.schema) : null;

  const files = globFiles(siteDir, opts.glob);
  if(files.length === 0) {
    console.error(`error: no files match "${opts.glob}" under ${siteDir}`);
    process.exit(2);
  }

  const documentLoader = createDocumentLoader({siteDir, baseUrl});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

  // checkStatus as vc.verifyCredential calls it: (options) => result.
  // Bitstring entries go to @digitalbazaar/vc-bitstring-status-list, which
  // loads the status list credential and verifies its proof with `suite`.
  const checkStatus = async options => {
    const {credential} = options;
    if(!statusTypeMatches({credential})) {
      return {verified: false, error: new Error(
        'credentialStatus is not a BitstringStatusListEntry; no checker.')};
    }
    return bslCheckStatus({
      ...options,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: opts.issuerMatch
    });
  };

  let passed = 0;
  let failed = 0;
  const seenIds = new Set();
  for(const {file, captures} of files) {
    let rel = path.relative(process.cwd(), file);
    if(rel.startsWith('..')) {
      rel = path.resolve(file);
    }
    const awardId = captures[0] ?? path.basename(path.dirname(file));
    seenIds.add(awardId);
    const fail = msg => {
      failed++;
      console.log(`FAIL ${rel}: ${msg}`);
    };
    let credential;
    try {
      credential = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch(e) {
      fail(`not JSON: ${e.message}`);
      continue;
    }

    const problems = [];
    if(validate && !validate(credential)) {
      problems.push('schema: ' + validate.errors.slice(0, 5).map(
        e => `${e.instancePath || '/'} ${e.message}`).join('; ') +
        (validate.errors.length > 5 ? `; (+${validate.errors.length - 5})`
          : ''));
    }

    let result;
    try {
      result = await vc.verifyCredential({
        credential, suite, documentLoader, checkStatus, now: opts.now
      });
    } catch(e) {
      result = {verified: false, error: e};
    }
    if(opts.verbose) {
      console.error(JSON.stringify(result, (k, v) =>
        v instanceof Error ? {message: v.message, stack: v.stack} : v, 2));
    }

    // Separate the proof/purpose result from the status result.
    const proofOk = !!(result.results?.length &&
      result.results.every(r => r.verified)) &&
      !(result.error && !result.statusResult);
    let revoked = false;
    if(!proofOk) {
      problems.unshift(summarizeError(result.error ||
        result.results?.filter(r => !r.verified).map(r => r.error)));
    } else if(result.statusResult) {
      const sr = result.statusResult;
      if(!sr.verified) {
        problems.push('status: ' + summarizeError(sr.error));
      } else {
        revoked = sr.results.some(r => r.status === true);
        // W3C BSL §3.2: minimumNumberOfEntries 131,072 (STATUS_LIST_LENGTH_
        // ERROR). @digitalbazaar/vc-bitstring-status-list does not check it.
        if(opts.minEntries) {
          for(const r of sr.results) {
            const bits = await statusListBits(
              documentLoader, r.credentialStatus.statusListCredential);
            if(bits < opts.minEntries) {
              problems.push(`status list ${r.credentialStatus
                .statusListCredential} has ${bits} entries < ` +
                `${opts.minEntries} (W3C STATUS_LIST_LENGTH_ERROR; ` +
                'DB itself accepts it)');
            }
          }
        }
      }
    }

    if(opts.expectRevoked) {
      const expect = opts.expectRevoked.has(awardId);
      if(problems.length === 0 && expect && !revoked) {
        problems.push('expected revoked, but status bit is 0');
      }
      if(problems.length === 0 && !expect && revoked) {
        problems.push('revoked, but not in --expect-revoked');
      }
    }

    if(problems.length) {
      fail(problems.join(' | '));
    } else {
      passed++;
      console.log(`${revoked ? 'revoked' : 'ok'} ${rel}`);
    }
  }
  if(opts.expectRevoked) {
    for(const id of opts.expectRevoked) {
      if(!seenIds.has(id)) {
        failed++;
        console.log(`FAIL ${id}: in --expect-revoked but no such award`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch(e => {
  console.error(`error: ${e.stack || e}`);
  process.exit(2);
});
