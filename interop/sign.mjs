#!/usr/bin/env node
// Sign an unsigned credential with the Digital Bazaar stack
// (DataIntegrityProof + eddsa-rdfc-2022), offline, and print the signed JSON.
//
// usage: node sign.mjs IN.json SECRET_KEY_MULTIBASE VM_URL CREATED
//          [--proof-object] [--site SITE_DIR --base BASE_URL]
//   SECRET_KEY_MULTIBASE: "z3u2..." = "z" + base58btc(0x80 0x26 || 32-byte seed)
//   VM_URL: e.g. did:web:example.github.io:badges#key-1
//   CREATED: proof "created", e.g. 2025-06-01T00:00:00Z
// Ed25519 is deterministic: the same input gives the same proofValue as any
// correct eddsa-rdfc-2022 signer (e.g. Rosette's).
// By default "proof" is emitted as a one-element array (Rosette's shape);
// --proof-object keeps DB's native object form. The proofValue is the same.
// Only contexts are needed for signing (no site); --site/--base let the
// loader also resolve site URLs, which signing never needs.
//
// usage: node sign.mjs --batch SITE_DIR SECRET_KEY_MULTIBASE [--limit N]
//   Batch mode, for the benchmark (benches/build/): re-signs the credentials
//   awards/*/credential.json of a built site (at most N, in name order)
//   with the same key, verification method and `created` as their proofs,
//   checks that every proofValue is the same as Rosette's, and prints one
//   JSON line {"credentials": n, "seconds": s, "same": m}: s is the time
//   spent in vc.issue only (no file reading, no start-up).
import fs from 'node:fs';
import path from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {keyPairFor} from './lib/keys.mjs';
import {createDocumentLoader} from './lib/loader.mjs';

function usage(msg) {
  if(msg) {
    console.error(`error: ${msg}`);
  }
  console.error('usage: node sign.mjs IN.json SECRET_KEY_MULTIBASE VM_URL ' +
    'CREATED [--proof-object] [--site SITE_DIR --base BASE_URL]');
  process.exit(2);
}

async function batch(args) {
  const [siteDir, secretKeyMultibase] = args;
  const at = args.indexOf('--limit');
  const limit = at >= 0 ? Number(args[at + 1]) : Infinity;
  const awards = path.join(siteDir, 'awards');
  const files = fs.readdirSync(awards).sort().slice(0, limit)
    .map(id => path.join(awards, id, 'credential.json'))
    .filter(f => fs.existsSync(f));
  const documentLoader = createDocumentLoader({
    siteDir, baseUrl: 'https://invalid.example/'
  });
  let keyPair = null;
  let seconds = 0;
  let same = 0;
  // The first credential is signed once more, untimed, to warm up the JIT
  // and the loader's caches (what a long batch would amortise).
  for(const [n, file] of [files[0], ...files].filter(Boolean).entries()) {
    const signed = JSON.parse(fs.readFileSync(file, 'utf8'));
    const ours = Array.isArray(signed.proof) ? signed.proof[0] : signed.proof;
    const credential = {...signed};
    delete credential.proof;
    if(!keyPair) {
      keyPair = await keyPairFor(secretKeyMultibase, ours.verificationMethod);
    }
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      date: ours.created,
      cryptosuite: eddsaRdfc2022CryptoSuite
    });
    const start = process.hrtime.bigint();
    const theirs = await vc.issue({credential, suite, documentLoader});
    if(n === 0) {
      continue;
    }
    seconds += Number(process.hrtime.bigint() - start) / 1e9;
    const proof = Array.isArray(theirs.proof) ? theirs.proof[0] : theirs.proof;
    if(proof.proofValue === ours.proofValue) {
      same++;
    }
  }
  process.stdout.write(JSON.stringify(
    {credentials: files.length, seconds, same}) + '\n');
}

async function main() {
  const args = process.argv.slice(2);
  if(args[0] === '--batch') {
    return batch(args.slice(1));
  }
  const pos = [];
  let proofObject = false;
  let site = null;
  let base = 'https://invalid.example/';
  for(let i = 0; i < args.length; i++) {
    if(args[i] === '--proof-object') {
      proofObject = true;
    } else if(args[i] === '--site') {
      site = args[++i];
    } else if(args[i] === '--base') {
      base = args[++i];
    } else if(args[i].startsWith('--')) {
      usage(`unknown option ${args[i]}`);
    } else {
      pos.push(args[i]);
    }
  }
  if(pos.length !== 4) {
    usage();
  }
  const [inFile, secretKeyMultibase, vmUrl, created] = pos;

  let keyPair;
  try {
    keyPair = await keyPairFor(secretKeyMultibase, vmUrl);
  } catch(e) {
    usage(e.message);
  }
  console.error(`publicKeyMultibase: ${keyPair.publicKeyMultibase}`);

  const credential = JSON.parse(fs.readFileSync(inFile, 'utf8'));
  if(credential.proof) {
    usage('input already has a "proof"; give an unsigned credential');
  }
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: created,
    cryptosuite: eddsaRdfc2022CryptoSuite
  });
  const documentLoader = createDocumentLoader({
    siteDir: site || process.cwd(), baseUrl: base
  });
  const signed = await vc.issue({credential, suite, documentLoader});
  if(!proofObject && signed.proof && !Array.isArray(signed.proof)) {
    signed.proof = [signed.proof];
  }
  if(signed.proof && (Array.isArray(signed.proof) ? signed.proof[0] :
    signed.proof).created !== created) {
    console.error(`warning: proof.created normalised to ` +
      `${(Array.isArray(signed.proof) ? signed.proof[0] : signed.proof)
        .created}`);
  }
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}

main().catch(e => {
  console.error(`error: ${e.stack || e}`);
  process.exit(1);
});
