// key_tools_jose.mjs: token_ext's key tools agree with jose and Node's crypto.
//
// - A public key given as an X.509 certificate PEM (made by the openssl
//   command line from the jose-exported PKCS#8 key) verifies jose's token,
//   and jwt.jwk_from_pem of it gives the public key jose exported.
// - jwt.generate_key: token_ext makes the key and signs; jose verifies with
//   jwt.public_jwk's output imported through importJWK.
// - jwt.jwk_thumbprint equals jose's calculateJwkThumbprint (RFC 7638) for
//   RSA, EC and OKP keys, and RFC 7638 section 3.1's published value.
// - jwt.public_jwk equals the public JWK jose (or Node) exports.
// - jwt.pem_from_jwk's PKCS#8 and SPKI output import in Node's
//   createPrivateKey/createPublicKey as the same key.
// Algorithms jose lacks (ES256K, Ed448) use Node's crypto as the other side.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, jwtVerify, calculateJwkThumbprint } from 'jose';
import { test, skip } from './lib/tap.mjs';
import { sqlValue } from './lib/db.mjs';
import {
  ASYMMETRIC, joseSupport, party, nodeCompactVerify, publicMembers,
} from './lib/asymmetric.mjs';
import { richClaims, CHECK_AT } from './lib/claims.mjs';

// Only the members of a JWK named in list.
function pick(jwk, list) {
  return Object.fromEntries(list.filter((m) => jwk[m] !== undefined).map((m) => [m, jwk[m]]));
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

// A self-signed certificate PEM for a PKCS#8 PEM key, made by openssl in a temp dir.
function certificateFor(pkcs8Pem) {
  const dir = mkdtempSync(join(tmpdir(), 'token_ext-interop-'));
  try {
    writeFileSync(join(dir, 'key.pem'), pkcs8Pem, { mode: 0o600 });
    execFileSync('openssl', ['req', '-x509', '-new', '-key', join(dir, 'key.pem'), '-subj', '/CN=test',
      '-days', '1', '-out', join(dir, 'cert.pem')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 });
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const opensslPresent = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// ---- X.509 certificates ----------------------------------------------------

for (const entry of ASYMMETRIC) {
  const reason = await joseSupport(entry);
  const signer = reason === null ? 'jose' : 'Node crypto (jose lacks it)';
  const name = `${signer} ${entry.label} JWT verifies with an X.509 certificate PEM of its key (openssl req -x509)`;
  if (reason !== null) skip(`jose ${entry.label} JWT verifies with an X.509 certificate PEM`, reason);
  if (!opensslPresent) {
    skip(name, 'no openssl command');
    continue;
  }
  test(name, async () => {
    const p = await party(entry);
    const cert = certificateFor(p.pkcs8Pem);
    assert.match(cert, /^-----BEGIN CERTIFICATE-----\n/);
    const claims = richClaims(entry.label);
    const token = await p.sign(claims, { alg: entry.alg, typ: 'JWT' });
    const got = await sqlValue('SELECT jwt.verify($1::text, $2::text, alg => $3::text, at => to_timestamp($4))',
      [token, cert, entry.alg, CHECK_AT]);
    assert.deepEqual(got, claims);
    const jwk = await sqlValue('SELECT jwt.jwk_from_pem($1::text)', [cert]);
    assert.deepEqual(pick(jwk, publicMembers(entry.kty)), p.publicJwk);
    for (const m of PRIVATE_MEMBERS) assert.equal(jwk[m], undefined, `a certificate's JWK has "${m}"`);
  });
}

// ---- jwt.generate_key -> jwt.sign -> jose with jwt.public_jwk -----------------

// generate_key kinds and the algorithm their tokens carry.
const GENERATED = [
  { kind: 'RS256', alg: 'RS256', entry: 'RS256' },
  { kind: 'PS384', alg: 'PS384', entry: 'PS384' },
  { kind: 'RS512', alg: 'RS512', entry: 'RS512', bits: 3072 },
  { kind: 'ES256', alg: 'ES256', entry: 'ES256' },
  { kind: 'ES384', alg: 'ES384', entry: 'ES384' },
  { kind: 'ES512', alg: 'ES512', entry: 'ES512' },
  { kind: 'EdDSA', alg: 'EdDSA', entry: 'EdDSA (Ed25519)' },
  { kind: 'ES256K', alg: 'ES256K', entry: 'ES256K' },
  { kind: 'Ed448', alg: 'EdDSA', entry: 'EdDSA (Ed448)' },
];

for (const g of GENERATED) {
  const entry = ASYMMETRIC.find((e) => e.label === g.entry);
  const reason = await joseSupport(entry);
  const bits = g.bits ?? 0;
  const what = `jwt.generate_key('${g.kind}'${bits ? `, ${bits}` : ''}) signs with jwt.sign; ` +
    'verified with jwt.public_jwk\'s output';
  if (reason !== null) skip(`jose ${what} (importJWK)`, reason);
  test(`${reason === null ? `jose ${what} (importJWK)` : `Node crypto (jose lacks it) ${what}`}`, async () => {
    const key = await sqlValue('SELECT jwt.generate_key($1::text, $2::int)', [g.kind, bits]);
    const pub = await sqlValue('SELECT jwt.public_jwk($1::jsonb)', [JSON.stringify(key)]);
    for (const m of PRIVATE_MEMBERS) assert.equal(pub[m], undefined, `public_jwk kept "${m}"`);
    assert.equal(pub.kid, key.kid);
    const claims = richClaims(g.kind);
    const alg = g.kind === g.alg ? null : g.alg;   // a key generated for an algorithm is bound to it
    const token = await sqlValue('SELECT jwt.sign($1::jsonb, $2::jsonb, alg => $3::text)',
      [JSON.stringify(claims), JSON.stringify(key), alg]);
    let header;
    let payload;
    if (reason === null) {
      ({ payload, protectedHeader: header } = await jwtVerify(token, await importJWK(pub, g.alg), {
        algorithms: [g.alg], currentDate: new Date(CHECK_AT * 1000),
      }));
    } else {
      const v = nodeCompactVerify(entry, token, createPublicKey({ key: pub, format: 'jwk' }));
      header = v.header;
      payload = JSON.parse(v.payload.toString('utf8'));
    }
    assert.deepEqual(payload, claims);
    assert.deepEqual(header, { alg: g.alg, typ: 'JWT', kid: key.kid });
    if (g.kind === g.alg) assert.equal(key.alg, g.alg);
  });
}

// ---- thumbprints -------------------------------------------------------------

// Keys by type, generated by token_ext, plus jose's (or Node's) exported keys.
const THUMBPRINT_KINDS = {
  RSA: ['RSA'],
  EC: ['P-256', 'P-384', 'P-521', 'secp256k1'],
  OKP: ['Ed25519', 'Ed448', 'X25519', 'X448'],
};

for (const [kty, kinds] of Object.entries(THUMBPRINT_KINDS)) {
  test(`jwt.jwk_thumbprint equals jose calculateJwkThumbprint for ${kty} keys (${kinds.join(', ')}), ` +
       'private and public, generated and imported', async () => {
    const jwks = [];
    for (const kind of kinds) jwks.push(await sqlValue('SELECT jwt.generate_key($1::text)', [kind]));
    for (const entry of ASYMMETRIC.filter((e) => e.kty === kty)) {
      const p = await party(entry);
      jwks.push(p.privateJwk, p.publicJwk);
    }
    for (const jwk of jwks) {
      const got = await sqlValue('SELECT jwt.jwk_thumbprint($1::jsonb)', [JSON.stringify(jwk)]);
      assert.equal(got, await calculateJwkThumbprint(jwk), `thumbprint of a ${jwk.kty} ${jwk.crv ?? ''} key`);
      if (jwk.kid !== undefined) assert.equal(jwk.kid, got, 'generate_key\'s kid is not its thumbprint');
    }
  });
}

test('RFC 7638 section 3.1: the example RSA key\'s thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  async () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiF' +
        'V4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0' +
        'zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-cs' +
        'FCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    const got = await sqlValue('SELECT jwt.jwk_thumbprint($1::jsonb)', [JSON.stringify(jwk)]);
    assert.equal(got, 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

// ---- jwt.public_jwk and jwt.pem_from_jwk ---------------------------------------

for (const entry of ASYMMETRIC) {
  test(`jwt.public_jwk of the ${entry.label} private JWK ${(await joseSupport(entry)) === null ? 'jose' : 'Node'} ` +
       'exported equals its exported public JWK', async () => {
    const p = await party(entry);
    const pub = await sqlValue('SELECT jwt.public_jwk($1::jsonb)', [JSON.stringify(p.privateJwk)]);
    assert.deepEqual(pub, p.publicJwk);
    // kid, alg and use are kept
    const extra = { kid: 'k', alg: entry.alg, use: 'sig' };
    const pub2 = await sqlValue('SELECT jwt.public_jwk($1::jsonb)', [JSON.stringify({ ...p.privateJwk, ...extra })]);
    assert.deepEqual(pub2, { ...p.publicJwk, ...extra });
  });

  test(`jwt.pem_from_jwk of the ${entry.label} JWKs imports in Node's createPrivateKey/createPublicKey ` +
       'as the same key', async () => {
    const p = await party(entry);
    const privPem = await sqlValue('SELECT jwt.pem_from_jwk($1::jsonb)', [JSON.stringify(p.privateJwk)]);
    const pubPem = await sqlValue('SELECT jwt.pem_from_jwk($1::jsonb)', [JSON.stringify(p.publicJwk)]);
    assert.match(privPem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n?$/);
    assert.match(pubPem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n?$/);
    const priv = createPrivateKey({ key: privPem, format: 'pem' });
    const pub = createPublicKey({ key: pubPem, format: 'pem' });
    assert.equal(priv.type, 'private');
    assert.equal(pub.type, 'public');
    assert.deepEqual(priv.export({ format: 'jwk' }), p.privateJwk);
    assert.deepEqual(pub.export({ format: 'jwk' }), p.publicJwk);
    // the SPKI DER is canonical: it equals the exporter's byte for byte
    assert.equal(pub.export({ type: 'spki', format: 'der' }).toString('base64'),
      createPublicKey(p.spkiPem).export({ type: 'spki', format: 'der' }).toString('base64'));
    assert.equal(pubPem.replace(/\s+/g, ''), p.spkiPem.replace(/\s+/g, ''));
  });
}

