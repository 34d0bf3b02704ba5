// asymmetric.mjs: the RSA, EC and OKP algorithms of the interop suite, the
// independent implementation that signs and verifies each of them, and its
// key pair in every form token_ext takes.
//
// npm jose is the reference.  Where jose (6.x, WebCrypto only) has no
// support for an algorithm, joseSupport() says why, the jose tests of that
// algorithm SKIP with that reason, and Node's own crypto module (OpenSSL
// underneath, but not token_ext's code) stands in as the other side, named
// as such in the test names.  Key pairs are made once per algorithm and
// cached, so RSA key generation runs a bounded number of times.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  generateKeyPairSync, sign as nodeSign, verify as nodeVerify, constants,
} from 'node:crypto';
import {
  generateKeyPair, exportJWK, exportPKCS8, exportSPKI, SignJWT, jwtVerify, base64url, errors,
} from 'jose';
import { sql } from './db.mjs';
import { CHECK_AT } from './claims.mjs';

// Every asymmetric JWS algorithm token_ext signs and verifies; EdDSA twice,
// once per curve.  node: how Node's crypto makes such a key and signs.
export const ASYMMETRIC = [
  { alg: 'RS256', kty: 'RSA', hash: 'sha256' },
  { alg: 'RS384', kty: 'RSA', hash: 'sha384' },
  { alg: 'RS512', kty: 'RSA', hash: 'sha512' },
  { alg: 'PS256', kty: 'RSA', hash: 'sha256', saltLength: 32 },
  { alg: 'PS384', kty: 'RSA', hash: 'sha384', saltLength: 48 },
  { alg: 'PS512', kty: 'RSA', hash: 'sha512', saltLength: 64 },
  { alg: 'ES256', kty: 'EC', crv: 'P-256', hash: 'sha256' },
  { alg: 'ES384', kty: 'EC', crv: 'P-384', hash: 'sha384' },
  { alg: 'ES512', kty: 'EC', crv: 'P-521', hash: 'sha512' },
  { alg: 'ES256K', kty: 'EC', crv: 'secp256k1', hash: 'sha256' },
  { alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', hash: null },
  { alg: 'EdDSA', kty: 'OKP', crv: 'Ed448', hash: null },
].map((e) => ({ ...e, label: e.alg === 'EdDSA' ? `EdDSA (${e.crv})` : e.alg }));

// The algorithm token_ext picks for a key of this type without an "alg":
// RS256 for RSA, the curve's ES* for EC, EdDSA for OKP (README, Signing).
export function defaultAlg(entry) {
  if (entry.kty === 'RSA') return 'RS256';
  if (entry.kty === 'OKP') return 'EdDSA';
  return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', secp256k1: 'ES256K' }[entry.crv];
}

// jose's options for generateKeyPair of this entry.
function joseGenerateOptions(entry) {
  return entry.kty === 'OKP' ? { extractable: true, crv: entry.crv } : { extractable: true };
}

const joseSupportCache = new Map();

// null when jose can generate, sign and verify for this entry, else the reason.
export async function joseSupport(entry) {
  if (!joseSupportCache.has(entry.label)) {
    let reason = null;
    try {
      const { privateKey } = await generateKeyPair(entry.alg, joseGenerateOptions(entry));
      await new SignJWT({}).setProtectedHeader({ alg: entry.alg }).sign(privateKey);
    } catch (err) {
      if (!(err instanceof errors.JOSENotSupported)) throw err;
      reason = `jose ${joseVersion()} does not support ${entry.label} (JOSENotSupported: ${err.message})`;
    }
    joseSupportCache.set(entry.label, reason);
  }
  return joseSupportCache.get(entry.label);
}

// The installed jose version, for skip reasons.
export function joseVersion() {
  return createRequire(import.meta.url)('jose/package.json').version;
}

// ---- the other side: jose, or Node's crypto where jose lacks the algorithm

// A compact JWS of payload bytes under header, signed by Node's crypto.
export function nodeCompactSign(entry, header, payloadBytes, privateKey, options = {}) {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(payloadBytes)}`;
  const sig = nodeSign(entry.hash, Buffer.from(input), nodeSignKey(entry, privateKey, options));
  return `${input}.${base64url.encode(sig)}`;
}

// The key argument of crypto.sign/verify for entry: JOSE's signature formats.
function nodeSignKey(entry, key, options = {}) {
  if (entry.kty === 'EC') return { key, dsaEncoding: 'ieee-p1363' };
  if (entry.saltLength !== undefined) {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: options.saltLength ?? entry.saltLength };
  }
  return key;
}

// Verify a compact JWS with Node's crypto; returns its header and payload bytes.
export function nodeCompactVerify(entry, token, publicKey) {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(base64url.decode(h)).toString('utf8'));
  assert.equal(header.alg, entry.alg, 'the header names another algorithm');
  const ok = nodeVerify(entry.hash, Buffer.from(`${h}.${p}`), nodeSignKey(entry, publicKey),
    Buffer.from(base64url.decode(s)));
  assert.equal(ok, true, `Node's crypto does not verify the ${entry.label} signature`);
  return { header, payload: Buffer.from(base64url.decode(p)) };
}

// Node's crypto key pair for entry.
function nodeGenerate(entry) {
  if (entry.kty === 'RSA') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (entry.kty === 'EC') return generateKeyPairSync('ec', { namedCurve: entry.crv });
  return generateKeyPairSync(entry.crv.toLowerCase());
}

// A signer/verifier for entry with a fresh key pair: by jose when it
// supports the algorithm, else by Node's crypto.  Every form is exported by
// that implementation: SPKI and PKCS#8 PEM, public and private JWK.
//   sign(claims, header) -> compact JWT
//   verify(token, options) -> { payload, protectedHeader } (jose semantics)
export async function makeParty(entry) {
  if ((await joseSupport(entry)) === null) {
    const { publicKey, privateKey } = await generateKeyPair(entry.alg, joseGenerateOptions(entry));
    return {
      impl: 'jose',
      entry,
      publicKey,
      privateKey,
      spkiPem: await exportSPKI(publicKey),
      pkcs8Pem: await exportPKCS8(privateKey),
      publicJwk: await exportJWK(publicKey),
      privateJwk: await exportJWK(privateKey),
      sign: (claims, header) => new SignJWT(claims).setProtectedHeader(header).sign(privateKey),
      verify: (token, options = {}) => jwtVerify(token, publicKey, { algorithms: [entry.alg], ...options }),
    };
  }
  const { publicKey, privateKey } = nodeGenerate(entry);
  return {
    impl: 'Node crypto',
    entry,
    publicKey,
    privateKey,
    spkiPem: publicKey.export({ type: 'spki', format: 'pem' }),
    pkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicJwk: publicKey.export({ format: 'jwk' }),
    privateJwk: privateKey.export({ format: 'jwk' }),
    sign: async (claims, header) => nodeCompactSign(entry, header, Buffer.from(JSON.stringify(claims)), privateKey),
    verify: async (token) => {
      const { header, payload } = nodeCompactVerify(entry, token, publicKey);
      return { protectedHeader: header, payload: JSON.parse(payload.toString('utf8')) };
    },
  };
}

const partyCache = new Map();

// The cached party of entry (one key pair per algorithm per run).
export function party(entry) {
  if (!partyCache.has(entry.label)) partyCache.set(entry.label, makeParty(entry));
  return partyCache.get(entry.label);
}

// A public JWK of another key of each type, made by Node's crypto, as
// decoys in key sets: same-type decoys come before the real key.
const decoyCache = new Map();
export function decoyPublicJwk(entry, kid) {
  const type = entry.kty === 'RSA' ? 'RSA' : entry.crv;
  if (!decoyCache.has(type)) decoyCache.set(type, nodeGenerate(entry).publicKey.export({ format: 'jwk' }));
  return kid === undefined ? { ...decoyCache.get(type) } : { ...decoyCache.get(type), kid };
}

// Public JWKs of other types than entry's, with kids: the rest of a key set.
export function otherTypeDecoys(entry) {
  const others = ASYMMETRIC.filter((e) => e.kty !== entry.kty && (e.crv === 'P-256' || e.crv === 'Ed25519' || e.alg === 'RS256'));
  return [
    ...others.map((e) => decoyPublicJwk(e, `decoy-${e.label}`)),
    { kty: 'oct', kid: 'decoy-oct', k: base64url.encode(Buffer.alloc(32, 7)) },
  ];
}

// ---- token_ext side

// The payload bytes of a compact token, as text.
export function payloadText(token) {
  return new TextDecoder().decode(base64url.decode(token.split('.')[1]));
}

// The protected header of a compact token, parsed.
export function headerOf(token) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0])));
}

// jwt.verify the rich-claims token at CHECK_AT, with audience, issuer and
// typ checks; returns { claims, same_as_signed } (jsonb equal to the signed
// payload text, compared in SQL).  alg null means the key's own.
export async function verifyRichInTokenExt(token, sqlType, keyValue, alg, claims) {
  const rows = await sql(
    `SELECT v AS claims, v = $7::jsonb AS same_as_signed
       FROM jwt.verify($1::text, $2::${sqlType}, alg => $3::text,
                       audience => $4::text, issuer => $5::text,
                       at => to_timestamp($6::float8), typ => 'JWT') AS v`,
    [token, keyValue, alg, claims.aud[0], claims.iss, CHECK_AT, payloadText(token)]);
  return rows[0];
}

// The members a JWK of this type has in public form.
export function publicMembers(kty) {
  return { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] }[kty];
}
