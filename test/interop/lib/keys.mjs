// keys.mjs: the HMAC keys of the interop suite, in every form token_ext takes.
//
// Secrets are derived deterministically (so a failure reproduces) and are
// 64 bytes, long enough for HS512.  Each key form says how it is passed to
// SQL (type and value), which header members jose must add (a JWK's kid),
// and the key jose signs and verifies with (the same secret bytes).

import { createHash } from 'node:crypto';
import { importJWK, base64url } from 'jose';

export const ALGS = ['HS256', 'HS384', 'HS512'];

// 64 deterministic secret bytes for a label.
export function secretBytes(label) {
  return createHash('sha512').update(`token_ext interop secret: ${label}`).digest();
}

// A UTF-8 passphrase of at least 64 bytes, with non-ASCII characters.
export function passphrase(alg) {
  return `token_ext interop passphrase for ${alg}: grüße, 世界, ✓ 0123456789 abcdefghijklmnop`;
}

// An oct JWK bound to alg, with a kid.
export function octJwk(alg, label = 'jwk') {
  return {
    kty: 'oct',
    kid: `interop-${label}-${alg.toLowerCase()}`,
    use: 'sig',
    alg,
    k: base64url.encode(secretBytes(`${label} ${alg}`)),
  };
}

// A JWKS holding a JWK per algorithm and a decoy unbound key, kid-less.
export function jwks() {
  return {
    keys: [
      ...ALGS.map((alg) => octJwk(alg, 'set')),
      { kty: 'oct', k: base64url.encode(secretBytes('set decoy')) },
    ],
  };
}

// The key forms for alg: SQL type and value, jose key, header extras.
// signs: false for a form token_ext cannot sign with (a key set).
export async function keyForms(alg) {
  const jwk = octJwk(alg);
  const set = jwks();
  const member = set.keys.find((k) => k.alg === alg);
  const joseJwk = await importJWK(jwk, alg);
  const joseMember = await importJWK(member, alg);
  return [
    {
      name: 'bytea secret', sqlType: 'bytea', sqlValue: secretBytes(`bytea ${alg}`),
      joseKey: new Uint8Array(secretBytes(`bytea ${alg}`)), header: {}, signs: true,
    },
    {
      name: 'text secret', sqlType: 'text', sqlValue: passphrase(alg),
      joseKey: new TextEncoder().encode(passphrase(alg)), header: {}, signs: true,
    },
    {
      name: 'jsonb JWK with kid', sqlType: 'jsonb', sqlValue: JSON.stringify(jwk),
      joseKey: joseJwk, header: { kid: jwk.kid }, signs: true,
    },
    {
      name: 'text JWK with kid', sqlType: 'text', sqlValue: JSON.stringify(jwk, null, 2),
      joseKey: joseJwk, header: { kid: jwk.kid }, signs: true,
    },
    {
      name: 'jsonb JWKS (kid picks the key)', sqlType: 'jsonb', sqlValue: JSON.stringify(set),
      joseKey: joseMember, header: { kid: member.kid }, signs: false, jwks: set,
    },
  ];
}
