// cookbook_rfc7520_asymmetric.mjs: RFC 7520 (JOSE cookbook) vectors for
// RSA, RSA-PSS, ECDSA and Ed25519 signatures, and the cookbook's JWKs.
//
// - 4.1 (RS256) and curve25519/jws.json (Ed25519, RFC 8037 A.4) are
//   deterministic: jwt.sign_raw over the payload bytes with the file's JWK
//   must reproduce the compact output byte for byte, as in the 4.4 suite
//   (the JWK has no "alg", so the header is {"alg": <the key's default>,
//   "kid": <the JWK's kid>}, exactly the file's protected header), and
//   jwt.verify_raw must return the exact payload.
// - 4.2 (PS384) and 4.3 (ES512) are randomised: the given compact output
//   must verify (private and public-only JWK), and sign-then-verify with the
//   same key must work; jose checks token_ext's signature too.
// - 4.8 (general JSON, three signatures): each signature re-assembled as
//   compact (protected.payload.signature) verifies with its key.  The second
//   (ES512) has no protected header at all, only an unprotected one: its
//   compact form ".payload.signature" is not a JWS token_ext can take (the
//   compact serialization carries every header member in the protected
//   header), so it must be refused as a malformed token, while Node's crypto
//   confirms the signature is genuine over ".payload"; moving its header
//   into a protected one changes the signing input, so that must fail the
//   signature check.
// - Every JWK of cookbook/jwk/ loads: asymmetric ones give a public JWK and
//   a thumbprint equal to jose's; the private ones' public JWKs equal the
//   published public files; symmetric ones load (thumbprint equal to jose's).
// The vectors are read from the shared folder at run time; without it every
// test here SKIPs.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { importJWK, compactVerify, calculateJwkThumbprint, base64url } from 'jose';
import { test, skip } from './lib/tap.mjs';
import { sqlValue, sqlFails } from './lib/db.mjs';
import { cookbookDir, readCookbook, COOKBOOK_DIR } from './lib/shared.mjs';

const RS256_FILE = 'jws/4_1.rsa_v15_signature.json';
const PS384_FILE = 'jws/4_2.rsa-pss_signature.json';
const ES512_FILE = 'jws/4_3.ecdsa_signature.json';
const MULTI_FILE = 'jws/4_8.multiple_signatures.json';
const ED25519_FILE = 'curve25519/jws.json';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

const tests = [];
const add = (name, fn) => tests.push([name, fn]);

// A single-signature vector: payload bytes, key, algorithm, protected header, output.
function vector(file) {
  const v = readCookbook(file);
  return {
    payload: Buffer.from(v.input.payload, 'utf8'),
    jwk: v.input.key,
    alg: v.input.alg,
    protectedHeader: v.signing.protected,
    protectedB64u: v.signing.protected_b64u,
    compact: v.output.compact,
  };
}

// The JWK without its private members.
function publicOnly(jwk) {
  return Object.fromEntries(Object.entries(jwk).filter(([m]) => !PRIVATE_MEMBERS.includes(m)));
}

// Compare a compact JWS with the expected one, segment by segment first.
function assertSameCompact(got, want) {
  const [gh, gp, gs] = got.split('.');
  const [wh, wp, ws] = want.split('.');
  assert.equal(gh, wh, 'protected header differs');
  assert.equal(gp, wp, 'payload differs');
  assert.equal(gs, ws, 'signature differs');
  assert.equal(got, want);
}

// jwt.verify_raw of a compact JWS; returns the payload as hex.
async function verifyRawHex(compact, keySqlType, keyValue, alg = null) {
  const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::${keySqlType}, $3::text)`, [compact, keyValue, alg]);
  assert.ok(Buffer.isBuffer(got));
  return got.toString('hex');
}

// ---- deterministic: 4.1 RS256 and curve25519 Ed25519 --------------------------

for (const [section, file] of [['4.1 (RS256)', RS256_FILE], ['curve25519/jws.json (Ed25519)', ED25519_FILE]]) {
  add(`RFC 7520 ${section}: jwt.sign_raw(payload, jsonb JWK) reproduces the compact output byte for byte`,
    async () => {
      const v = vector(file);
      const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::jsonb)', [v.payload, JSON.stringify(v.jwk)]);
      assertSameCompact(token, v.compact);
      assert.equal(token.split('.')[0], v.protectedB64u);
    });

  add(`RFC 7520 ${section}: jwt.sign_raw(payload, text JWK, alg, the protected header) reproduces it too`,
    async () => {
      const v = vector(file);
      const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::text, $3::text, $4::jsonb)',
        [v.payload, JSON.stringify(v.jwk), v.alg, JSON.stringify(v.protectedHeader)]);
      assertSameCompact(token, v.compact);
    });

  add(`RFC 7520 ${section}: jwt.verify_raw(compact) returns the exact payload, with the private and the ` +
      'public-only JWK and its SPKI PEM', async () => {
    const v = vector(file);
    const want = v.payload.toString('hex');
    assert.equal(await verifyRawHex(v.compact, 'jsonb', JSON.stringify(v.jwk)), want);
    assert.equal(await verifyRawHex(v.compact, 'jsonb', JSON.stringify(publicOnly(v.jwk))), want);
    const spki = createPublicKey({ key: publicOnly(v.jwk), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    assert.equal(await verifyRawHex(v.compact, 'text', spki, v.alg), want);
  });
}

// ---- randomised: 4.2 PS384 and 4.3 ES512 --------------------------------------

for (const [section, file] of [['4.2 (PS384)', PS384_FILE], ['4.3 (ES512)', ES512_FILE]]) {
  add(`RFC 7520 ${section}: the given compact output verifies with jwt.verify_raw (private and public-only JWK), ` +
      'exact payload', async () => {
    const v = vector(file);
    const want = v.payload.toString('hex');
    // the JWK has no "alg": name it (an RSA key alone would mean RS256)
    assert.equal(await verifyRawHex(v.compact, 'jsonb', JSON.stringify(v.jwk), v.alg), want);
    assert.equal(await verifyRawHex(v.compact, 'jsonb', JSON.stringify(publicOnly(v.jwk)), v.alg), want);
  });

  add(`RFC 7520 ${section}: the given compact output with one signature bit flipped fails`, async () => {
    const v = vector(file);
    const [h, p, s] = v.compact.split('.');
    const sig = Buffer.from(base64url.decode(s));
    sig[sig.length - 1] ^= 1;
    await sqlFails('SELECT jwt.verify_raw($1::text, $2::jsonb, $3::text)',
      [`${h}.${p}.${base64url.encode(sig)}`, JSON.stringify(v.jwk), v.alg],
      { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
  });

  add(`RFC 7520 ${section}: jwt.sign_raw with the file's key has the file's protected header, verifies with ` +
      'jwt.verify_raw and in jose', async () => {
    const v = vector(file);
    const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::jsonb, $3::text)',
      [v.payload, JSON.stringify(v.jwk), v.alg]);
    const [h, p] = token.split('.');
    assert.equal(h, v.protectedB64u);
    assert.equal(p, v.compact.split('.')[1]);
    assert.equal(await verifyRawHex(token, 'jsonb', JSON.stringify(publicOnly(v.jwk)), v.alg),
      v.payload.toString('hex'));
    const { payload, protectedHeader } = await compactVerify(token,
      await importJWK(publicOnly(v.jwk), v.alg), { algorithms: [v.alg] });
    assert.equal(Buffer.from(payload).toString('hex'), v.payload.toString('hex'));
    assert.deepEqual(protectedHeader, v.protectedHeader);
  });
}

// ---- 4.8 multiple signatures -----------------------------------------------

// The 4.8 vector: payload, and per signature: protected (b64u or undefined),
// unprotected header, signature, key, algorithm.
function multiVector() {
  const v = readCookbook(MULTI_FILE);
  return {
    payload: Buffer.from(v.input.payload, 'utf8'),
    payloadB64u: v.output.json.payload,
    signatures: v.output.json.signatures.map((s, i) => ({
      protected: s.protected,
      header: s.header,
      signature: s.signature,
      jwk: v.input.key[i],
      alg: v.input.alg[i],
    })),
  };
}

add('RFC 7520 4.8: the file holds RS256 (protected alg, unprotected kid), ES512 (unprotected only), ' +
    'HS256 (protected only)', async () => {
  const m = multiVector();
  assert.deepEqual(m.signatures.map((s) => [s.alg, s.protected !== undefined, s.header !== undefined]),
    [['RS256', true, true], ['ES512', false, true], ['HS256', true, false]]);
});

for (const [i, alg] of [[0, 'RS256'], [2, 'HS256']]) {
  add(`RFC 7520 4.8: signature ${i + 1} (${alg}) as compact protected.payload.signature verifies with its JWK`,
    async () => {
      const m = multiVector();
      const s = m.signatures[i];
      const compact = `${s.protected}.${m.payloadB64u}.${s.signature}`;
      assert.equal(await verifyRawHex(compact, 'jsonb', JSON.stringify(s.jwk), alg), m.payload.toString('hex'));
    });
}

add('RFC 7520 4.8: signatures 1 and 3 as compact verify with a JWKS of all three keys, alg RS256,ES512,HS256',
  async () => {
    const m = multiVector();
    const set = JSON.stringify({ keys: m.signatures.map((s) => s.jwk) });
    for (const i of [0, 2]) {
      const s = m.signatures[i];
      const compact = `${s.protected}.${m.payloadB64u}.${s.signature}`;
      assert.equal(await verifyRawHex(compact, 'jsonb', set, 'RS256,ES512,HS256'), m.payload.toString('hex'));
    }
  });

add('RFC 7520 4.8: RS256 is deterministic: jwt.sign_raw with the key as PEM (no kid) reproduces signature 1',
  async () => {
    const m = multiVector();
    const s = m.signatures[0];
    const pem = await sqlValue('SELECT jwt.pem_from_jwk($1::jsonb)', [JSON.stringify(s.jwk)]);
    const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::text, \'RS256\')', [m.payload, pem]);
    assertSameCompact(token, `${s.protected}.${m.payloadB64u}.${s.signature}`);
  });

add('RFC 7520 4.8: signature 2 (ES512, unprotected header only): its compact form ".payload.sig" is refused as ' +
    'malformed, though Node verifies it', async () => {
  const m = multiVector();
  const s = m.signatures[1];
  // the vector is genuine: the signing input is the empty protected header, ".", the payload
  const raw = Buffer.from(base64url.decode(s.signature));
  assert.equal(raw.length, 132);
  const ok = nodeVerify('sha512', Buffer.from(`.${m.payloadB64u}`),
    { key: createPublicKey({ key: publicOnly(s.jwk), format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, raw);
  assert.equal(ok, true, 'Node does not verify 4.8 signature 2 over ".payload"');
  await sqlFails('SELECT jwt.verify_raw($1::text, $2::jsonb, \'ES512\')',
    [`.${m.payloadB64u}.${s.signature}`, JSON.stringify(s.jwk)],
    { code: '22P02', message: 'malformed token', detail: 'The token\'s header segment is empty.' });
});

add('RFC 7520 4.8: signature 2 with its unprotected header moved into the protected one fails: ' +
    'signature verification failed', async () => {
  const m = multiVector();
  const s = m.signatures[1];
  const h = base64url.encode(JSON.stringify(s.header));
  await sqlFails('SELECT jwt.verify_raw($1::text, $2::jsonb)', [`${h}.${m.payloadB64u}.${s.signature}`,
    JSON.stringify(s.jwk)],
  { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

// ---- the cookbook's JWKs ------------------------------------------------------

const JWK_PAIRS = [['jwk/3_2.ec_private_key.json', 'jwk/3_1.ec_public_key.json'],
  ['jwk/3_4.rsa_private_key.json', 'jwk/3_3.rsa_public_key.json']];

// The JWK files (read when the test runs; the folder may be absent).
function jwkFiles() {
  return readdirSync(`${COOKBOOK_DIR}/jwk`).filter((f) => f.endsWith('.json')).sort().map((f) => `jwk/${f}`);
}

add('RFC 7520 section 3: every JWK of cookbook/jwk/ loads; jwt.jwk_thumbprint equals jose\'s, and ' +
    'jwt.public_jwk works for the asymmetric ones', async () => {
  const files = jwkFiles();
  assert.equal(files.length, 6, `expected the six JWKs of section 3, found ${files.join(', ')}`);
  for (const file of files) {
    const jwk = readCookbook(file);
    const tp = await sqlValue('SELECT jwt.jwk_thumbprint($1::jsonb)', [JSON.stringify(jwk)]);
    assert.equal(tp, await calculateJwkThumbprint(jwk), `thumbprint of ${file}`);
    if (jwk.kty !== 'oct') {
      const pub = await sqlValue('SELECT jwt.public_jwk($1::jsonb)', [JSON.stringify(jwk)]);
      assert.deepEqual(pub, publicOnly(jwk), `public JWK of ${file}`);
    }
  }
});

add('RFC 7520 3.2 and 3.4: jwt.public_jwk of the private JWKs equals the published public JWKs 3.1 and 3.3',
  async () => {
    for (const [priv, pubFile] of JWK_PAIRS) {
      const pub = await sqlValue('SELECT jwt.public_jwk($1::jsonb)', [JSON.stringify(readCookbook(priv))]);
      assert.deepEqual(pub, readCookbook(pubFile), `${priv} -> ${pubFile}`);
    }
  });

add('RFC 7520 3.1-3.4: the asymmetric JWKs convert with jwt.pem_from_jwk to keys Node imports as the same key',
  async () => {
    for (const [priv, pubFile] of JWK_PAIRS) {
      const pubJwk = readCookbook(pubFile);
      const pem = await sqlValue('SELECT jwt.pem_from_jwk($1::jsonb)', [JSON.stringify(readCookbook(priv))]);
      const fromPem = createPublicKey(pem).export({ format: 'jwk' });
      const { kid, use, ...members } = pubJwk;
      assert.deepEqual(fromPem, members, priv);
    }
  });

const dir = cookbookDir();
for (const [name, fn] of tests) {
  if (dir) test(name, fn);
  else skip(name, `no RFC 7520 cookbook at ${COOKBOOK_DIR} (set TOKEN_EXT_SHARED)`);
}
