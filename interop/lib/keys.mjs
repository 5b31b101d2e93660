// Ed25519 keys for the Digital Bazaar stack from a secret Multikey
// ("z3u2..." = "z" + base58btc(0x80 0x26 || 32-byte seed)), as Rosette writes
// them. Shared by sign.mjs and endorse.mjs.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58Decode(s) {
  let n = 0n;
  for(const c of s) {
    const v = B58.indexOf(c);
    if(v < 0) {
      throw new Error(`invalid base58 character "${c}"`);
    }
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while(n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for(const c of s) {
    if(c !== '1') {
      break;
    }
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

// The 32-byte seed of a secret Multikey, or an Error.
export function seedOf(secretKeyMultibase) {
  if(!secretKeyMultibase.startsWith('z')) {
    throw new Error('secret key must be multibase base58btc ("z...")');
  }
  const raw = base58Decode(secretKeyMultibase.slice(1));
  if(raw.length !== 34 || raw[0] !== 0x80 || raw[1] !== 0x26) {
    throw new Error('secret key must be z + base58btc(0x8026 || 32-byte seed)');
  }
  return raw.slice(2);
}

// The public Multikey ("z6Mk...") of a secret Multikey.
export async function publicOf(secretKeyMultibase) {
  const generated = await Ed25519Multikey.generate(
    {seed: seedOf(secretKeyMultibase)});
  return generated.publicKeyMultibase;
}

// A key pair that signs as verification method `vmUrl`.
export async function keyPairFor(secretKeyMultibase, vmUrl) {
  const seed = seedOf(secretKeyMultibase);
  // derive the public key from the seed, then re-import through from()
  // (generate() stores the legacy 64-byte seed||pub "zru..." form; the
  // canonical 32-byte "z3u2..." form comes from export({canonicalize: true}))
  const generated = await Ed25519Multikey.generate({seed});
  const exported = await generated.export(
    {publicKey: true, secretKey: true, canonicalize: true});
  if(exported.secretKeyMultibase !== secretKeyMultibase) {
    throw new Error('secret key round-trip mismatch');
  }
  return Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: vmUrl,
    controller: vmUrl.split('#')[0],
    publicKeyMultibase: generated.publicKeyMultibase,
    secretKeyMultibase
  });
}
