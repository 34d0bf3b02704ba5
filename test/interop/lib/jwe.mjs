// jwe.mjs: the JWE algorithms of the interop suite, their keys in every form
// token_ext takes, and which of them npm jose supports.
//
// Key management: dir, AES key wrap, AES-GCM key wrap, RSA-OAEP (SHA-1 and
// SHA-256), ECDH-ES (direct and with AES key wrap) on P-256, P-384, P-521,
// X25519 and X448, and PBES2.  Content encryption: AES-GCM and
// AES-CBC-HMAC-SHA2 at every size.  Secrets are derived deterministically
// (a failure reproduces); the RSA key pair is made once, each curve's key
// pair once, by Node's crypto; jose imports them.

import { createRequire } from 'node:module';
import { generateKeyPairSync, createHash } from 'node:crypto';
import {
  importJWK, CompactEncrypt, compactDecrypt, base64url, errors,
} from 'jose';
import { secretBytes } from './keys.mjs';

// Content encryption algorithms and their key lengths in bytes.
export const ENCS = [
  { enc: 'A128GCM', keyLen: 16 },
  { enc: 'A192GCM', keyLen: 24 },
  { enc: 'A256GCM', keyLen: 32 },
  { enc: 'A128CBC-HS256', keyLen: 32 },
  { enc: 'A192CBC-HS384', keyLen: 48 },
  { enc: 'A256CBC-HS512', keyLen: 64 },
];

// Key management algorithms; family says which kind of key each takes,
// kekLen the length of an AES key-wrapping key.
export const KEY_MANAGEMENT = [
  { alg: 'dir', family: 'dir' },
  { alg: 'A128KW', family: 'aeskw', kekLen: 16 },
  { alg: 'A192KW', family: 'aeskw', kekLen: 24 },
  { alg: 'A256KW', family: 'aeskw', kekLen: 32 },
  { alg: 'A128GCMKW', family: 'aesgcmkw', kekLen: 16 },
  { alg: 'A192GCMKW', family: 'aesgcmkw', kekLen: 24 },
  { alg: 'A256GCMKW', family: 'aesgcmkw', kekLen: 32 },
  { alg: 'RSA-OAEP', family: 'rsa' },
  { alg: 'RSA-OAEP-256', family: 'rsa' },
  { alg: 'ECDH-ES', family: 'ecdh' },
  { alg: 'ECDH-ES+A128KW', family: 'ecdh' },
  { alg: 'ECDH-ES+A192KW', family: 'ecdh' },
  { alg: 'ECDH-ES+A256KW', family: 'ecdh' },
  { alg: 'PBES2-HS256+A128KW', family: 'pbes2' },
  { alg: 'PBES2-HS384+A192KW', family: 'pbes2' },
  { alg: 'PBES2-HS512+A256KW', family: 'pbes2' },
];

export const CURVES = ['P-256', 'P-384', 'P-521', 'X25519', 'X448'];

// The installed jose version, for skip reasons.
export function joseVersion() {
  return createRequire(import.meta.url)('jose/package.json').version;
}

// n deterministic bytes for a label (any length).
export function bytesFor(label, n) {
  const out = [];
  for (let i = 0; out.length < n; i++) {
    out.push(...createHash('sha512').update(`token_ext jwe interop ${label} ${i}`).digest());
  }
  return Buffer.from(out.slice(0, n));
}

// A payload of every byte value, not valid UTF-8, for the raw round trips.
export function binaryPayload(label) {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([all, bytesFor(label, 77), Buffer.from([0, 0xff, 0xc3])]);
}

// A UTF-8 password with non-ASCII characters (PBES2).
export const PASSWORD = 'token_ext JWE passphrase: Grüße, 世界, ✓ 0123456789 abcdefghijklmnopq';

// ---- asymmetric key pairs, made once -----------------------------------------

const pairs = new Map();

// Node's key pair for 'RSA' (2048 bits) or a curve, exported as JWK and PEM.
export function keyPair(type) {
  if (!pairs.has(type)) {
    let pair;
    if (type === 'RSA') pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    else if (type.startsWith('P-')) pair = generateKeyPairSync('ec', { namedCurve: type });
    else pair = generateKeyPairSync(type.toLowerCase());
    const { publicKey, privateKey } = pair;
    pairs.set(type, {
      publicJwk: publicKey.export({ format: 'jwk' }),
      privateJwk: privateKey.export({ format: 'jwk' }),
      spkiPem: publicKey.export({ type: 'spki', format: 'pem' }),
      pkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
  }
  return pairs.get(type);
}

// A second public key of the same type: a decoy in key sets.
const decoys = new Map();
export function decoyPublicJwk(type) {
  if (!decoys.has(type)) {
    let pair;
    if (type === 'RSA') pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    else if (type.startsWith('P-')) pair = generateKeyPairSync('ec', { namedCurve: type });
    else pair = generateKeyPairSync(type.toLowerCase());
    decoys.set(type, pair.publicKey.export({ format: 'jwk' }));
  }
  return { ...decoys.get(type) };
}

// ---- key material of an (alg, enc, curve) ------------------------------------

// The secret of a symmetric algorithm: for dir the enc's key length.
export function secretFor(km, encInfo) {
  if (km.family === 'dir') return bytesFor(`dir ${encInfo.enc}`, encInfo.keyLen);
  return bytesFor(`kek ${km.alg}`, km.kekLen);
}

// The key pair type of an asymmetric algorithm.
function pairType(km, crv) {
  return km.family === 'rsa' ? 'RSA' : crv;
}

// The kid of the token_ext JWK of (alg, enc, curve).
export function kidFor(km, encInfo, crv) {
  return `jwe-${km.alg}-${km.family === 'dir' ? encInfo.enc : ''}-${crv ?? ''}`.replace(/-+$/, '');
}

// The private (decrypting) JWK token_ext gets, bound to the algorithm
// (dir keys are bound to their enc, as in RFC 7520 5.6).
export function privateJwk(km, encInfo, crv) {
  const kid = kidFor(km, encInfo, crv);
  if (km.family === 'dir') return { kty: 'oct', kid, alg: encInfo.enc, k: base64url.encode(secretFor(km, encInfo)) };
  if (km.family === 'aeskw' || km.family === 'aesgcmkw') {
    return { kty: 'oct', kid, alg: km.alg, k: base64url.encode(secretFor(km, encInfo)) };
  }
  if (km.family === 'pbes2') {
    return { kty: 'oct', kid, alg: km.alg, k: base64url.encode(Buffer.from(PASSWORD, 'utf8')) };
  }
  return { ...keyPair(pairType(km, crv)).privateJwk, kid, alg: km.alg };
}

// The public (encrypting) JWK; for symmetric algorithms the same as the private.
export function publicJwk(km, encInfo, crv) {
  const jwk = privateJwk(km, encInfo, crv);
  if (jwk.kty === 'oct') return jwk;
  const { d, p, q, dp, dq, qi, ...pub } = jwk;
  return pub;
}

// A key set holding decoys (same type, other kid; another type) and the real key.
export function keySet(km, encInfo, crv) {
  const real = privateJwk(km, encInfo, crv);
  const others = [
    { kty: 'oct', kid: 'decoy-oct', k: base64url.encode(bytesFor('decoy', real.kty === 'oct' ? 32 : 16)) },
    { ...decoyPublicJwk('P-256'), kid: 'decoy-ec' },
  ];
  if (real.kty !== 'oct') others.unshift({ ...decoyPublicJwk(pairType(km, crv)), kid: 'decoy-same-type' });
  return { keys: [...others, real] };
}

// The ways to hand token_ext the decrypting key of (alg, enc, curve): each
// with its SQL type, value, the alg argument (null where the key implies
// it: PBES2 is never implied), and the kid jose must put in the header.
export function decryptForms(km, encInfo, crv) {
  const jwk = privateJwk(km, encInfo, crv);
  const named = km.alg;
  const implied = km.family === 'pbes2' ? named : null;
  const setForm = { name: 'jsonb JWKS (kid picks the key)', sqlType: 'jsonb', value: JSON.stringify(keySet(km, encInfo, crv)), alg: named, kid: jwk.kid };
  const jwkForm = { name: 'jsonb JWK bound to its alg', sqlType: 'jsonb', value: JSON.stringify(jwk), alg: implied, kid: jwk.kid };
  const textJwk = { name: 'text JWK', sqlType: 'text', value: JSON.stringify(jwk, null, 1), alg: named, kid: jwk.kid };
  if (km.family === 'pbes2') {
    return [
      { name: 'text password', sqlType: 'text', value: PASSWORD, alg: named, kid: null },
      { name: 'bytea password', sqlType: 'bytea', value: Buffer.from(PASSWORD, 'utf8'), alg: named, kid: null },
      jwkForm, setForm,
    ];
  }
  if (jwk.kty === 'oct') {
    return [
      { name: 'bytea secret (alg implied by its length)', sqlType: 'bytea', value: secretFor(km, encInfo), alg: null, kid: null },
      jwkForm, textJwk, setForm,
    ];
  }
  return [
    { name: 'PKCS#8 PEM text (alg implied by the key type)', sqlType: 'text', value: keyPair(pairType(km, crv)).pkcs8Pem, alg: null, kid: null },
    jwkForm, textJwk, setForm,
  ];
}

// The ways to hand token_ext the encrypting key (a key set cannot encrypt):
// SQL type, value, alg argument, and the kid token_ext must put in the header.
export function encryptForms(km, encInfo, crv) {
  const jwk = publicJwk(km, encInfo, crv);
  const jwkForm = { name: 'jsonb JWK bound to its alg', sqlType: 'jsonb', value: JSON.stringify(jwk), alg: null, kid: jwk.kid };
  const textJwk = { name: 'text JWK', sqlType: 'text', value: JSON.stringify(jwk), alg: km.alg, kid: jwk.kid };
  if (km.family === 'pbes2') {
    return [
      { name: 'text password', sqlType: 'text', value: PASSWORD, alg: km.alg, kid: null },
      { name: 'bytea password', sqlType: 'bytea', value: Buffer.from(PASSWORD, 'utf8'), alg: km.alg, kid: null },
      jwkForm,
    ];
  }
  if (jwk.kty === 'oct') {
    return [
      { name: 'bytea secret', sqlType: 'bytea', value: secretFor(km, encInfo), alg: km.alg, kid: null },
      jwkForm, textJwk,
    ];
  }
  return [
    { name: 'SPKI PEM text', sqlType: 'text', value: keyPair(pairType(km, crv)).spkiPem, alg: km.alg, kid: null },
    jwkForm, textJwk,
  ];
}

// ---- the jose side -------------------------------------------------------------

// jose's keys of (alg, enc, curve): { encryptKey, decryptKey }.
export async function joseKeys(km, encInfo, crv) {
  if (km.family === 'pbes2') {
    const pw = new TextEncoder().encode(PASSWORD);
    return { encryptKey: pw, decryptKey: pw };
  }
  if (km.family === 'dir' || km.family === 'aeskw' || km.family === 'aesgcmkw') {
    const k = new Uint8Array(secretFor(km, encInfo));
    return { encryptKey: k, decryptKey: k };
  }
  const pair = keyPair(pairType(km, crv));
  return {
    encryptKey: await importJWK(pair.publicJwk, km.alg),
    decryptKey: await importJWK(pair.privateJwk, km.alg),
  };
}

// jose's decryption options for km: PBES2 must be allowed explicitly, and
// its iteration bound raised to what token_ext may use.
export function joseDecryptOptions(km, encInfo, extra = {}) {
  return {
    keyManagementAlgorithms: [km.alg],
    contentEncryptionAlgorithms: [encInfo.enc],
    maxPBES2Count: 100000,
    ...extra,
  };
}

const supportCache = new Map();

// null when jose can encrypt and decrypt with (alg, enc, curve), else why not.
export async function joseSupport(km, encInfo, crv) {
  const key = `${km.alg} ${encInfo.enc} ${crv ?? ''}`;
  if (!supportCache.has(key)) {
    let reason = null;
    try {
      const { encryptKey, decryptKey } = await joseKeys(km, encInfo, crv);
      const t = await new CompactEncrypt(new Uint8Array([1]))
        .setProtectedHeader({ alg: km.alg, enc: encInfo.enc }).encrypt(encryptKey);
      await compactDecrypt(t, decryptKey, joseDecryptOptions(km, encInfo));
    } catch (err) {
      if (!(err instanceof errors.JOSENotSupported)) throw err;
      reason = `jose ${joseVersion()} does not support ${km.alg}${crv ? ` on ${crv}` : ''} ` +
        `(JOSENotSupported: ${err.message})`;
    }
    supportCache.set(key, reason);
  }
  return supportCache.get(key);
}

// The protected header of a compact token, parsed.
export function headerOf(token) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0])));
}
