#!/usr/bin/env node
// Make an Open Badges 3.0 EndorsementCredential with the Digital Bazaar
// stack (DataIntegrityProof + eddsa-rdfc-2022), offline: an endorsement of
// an achievement by another issuer, made by an implementation independent of
// Rosette, for Rosette's build to verify and attach.
//
// usage: node endorse.mjs ACHIEVEMENT_ID SECRET_KEY_MULTIBASE DID
//          [--name ENDORSER] [--comment TEXT] [--created TIME]
//          [--id URI] [--did-document FILE]
//   DID: "did:key" (derived from the key) or a did:web DID, signing with
//   DID#key-1; --did-document writes that did:web DID's document (Multikey),
//   the copy a repository keeps beside the endorsement.
// Prints the signed endorsement (JSON) on stdout.
import fs from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {keyPairFor, publicOf} from './lib/keys.mjs';
import {createDocumentLoader} from './lib/loader.mjs';

function usage(msg) {
  if(msg) {
    console.error(`error: ${msg}`);
  }
  console.error('usage: node endorse.mjs ACHIEVEMENT_ID SECRET_KEY DID ' +
    '[--name ENDORSER] [--comment TEXT] [--created TIME] [--id URI] ' +
    '[--did-document FILE]');
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const pos = [];
  const opts = {
    name: 'Independent Endorser',
    comment: 'We recognise this achievement.',
    created: '2026-01-01T00:00:00Z',
    id: 'urn:uuid:0b7c2f64-5e5a-4c36-9a53-6f2c1f0d9e11',
    didDocument: null
  };
  for(let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => {
      if(i + 1 >= args.length) {
        usage(`${a} needs a value`);
      }
      return args[++i];
    };
    if(a === '--name') {
      opts.name = val();
    } else if(a === '--comment') {
      opts.comment = val();
    } else if(a === '--created') {
      opts.created = val();
    } else if(a === '--id') {
      opts.id = val();
    } else if(a === '--did-document') {
      opts.didDocument = val();
    } else if(a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      pos.push(a);
    }
  }
  if(pos.length !== 3) {
    usage();
  }
  const [achievementId, secret, didArg] = pos;
  let publicKey;
  try {
    publicKey = await publicOf(secret);
  } catch(e) {
    usage(e.message);
  }
  let did;
  let vmUrl;
  if(didArg === 'did:key') {
    did = `did:key:${publicKey}`;
    vmUrl = `${did}#${publicKey}`;
  } else if(didArg.startsWith('did:web:')) {
    did = didArg;
    vmUrl = `${did}#key-1`;
  } else {
    usage('DID must be "did:key" or a did:web DID');
  }
  const keyPair = await keyPairFor(secret, vmUrl);
  const credential = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'
    ],
    id: opts.id,
    type: ['VerifiableCredential', 'EndorsementCredential'],
    name: `Endorsement by ${opts.name}`,
    issuer: {id: did, type: ['Profile'], name: opts.name},
    validFrom: opts.created,
    credentialSubject: {
      id: achievementId,
      type: ['EndorsementSubject'],
      endorsementComment: opts.comment
    }
  };
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    date: opts.created,
    cryptosuite: eddsaRdfc2022CryptoSuite
  });
  // Signing only needs the bundled contexts; no site is read.
  const documentLoader = createDocumentLoader({
    siteDir: process.cwd(), baseUrl: 'https://invalid.example/'
  });
  const signed = await vc.issue({credential, suite, documentLoader});
  if(signed.proof && !Array.isArray(signed.proof)) {
    signed.proof = [signed.proof];
  }
  if(opts.didDocument) {
    if(!did.startsWith('did:web:')) {
      usage('--did-document needs a did:web DID');
    }
    const document = {
      '@context': [
        'https://www.w3.org/ns/did/v1',
        'https://w3id.org/security/multikey/v1'
      ],
      id: did,
      verificationMethod: [{
        id: vmUrl,
        type: 'Multikey',
        controller: did,
        publicKeyMultibase: publicKey
      }],
      assertionMethod: [vmUrl]
    };
    fs.writeFileSync(opts.didDocument, JSON.stringify(document, null, 2) + '\n');
  }
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
}

main().catch(e => {
  console.error(`error: ${e.stack || e}`);
  process.exit(1);
});
