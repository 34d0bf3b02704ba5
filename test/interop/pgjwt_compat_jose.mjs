// pgjwt_compat_jose.mjs: token_ext_pgjwt (pgjwt's sign and verify) and
// jwt.jwk_from_secret against jose.
//
// - Tokens made by the compat sign() (HS256/384/512, payloads of every JSON
//   type with whitespace and non-ASCII text as written) verify in jose's
//   compactVerify with the secret's bytes and only that algorithm; jose sees
//   the header {"alg":...,"typ":"JWT"} byte for byte and the payload bytes
//   exactly as the json text was written.
// - JWTs made by jose's SignJWT verify in the compat verify() as valid, with
//   jose's header and payload texts; tampered, wrong-secret, wrong-algorithm,
//   expired and not-yet-valid ones come out valid = false.
// - An oct JWK made by jwt.jwk_from_secret, imported into jose, signs tokens
//   that the secret verifies (so k holds exactly the secret's bytes), and
//   jose's own export of the secret's key has the same k.

import assert from 'node:assert/strict';
import { compactVerify, SignJWT, importJWK, exportJWK } from 'jose';
import { test } from './lib/tap.mjs';
import { sql, sqlValue } from './lib/db.mjs';

const ALGS = ['HS256', 'HS384', 'HS512'];
const SECRET = 'pgjwt-compat-interop-secret-with-64-bytes-for-every-HMAC-algo!!!';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The compat extension lives in its own schema of the scratch database.
async function ensureCompat() {
  await sql('CREATE SCHEMA IF NOT EXISTS pgjwt_compat');
  await sql('CREATE EXTENSION IF NOT EXISTS token_ext_pgjwt SCHEMA pgjwt_compat');
}

// Payloads as json text, exactly as an application writes them.
const PAYLOADS = [
  '{"sub":"1234567890","name":"John Doe","admin":true}',
  '{ "sub" : "ada",\n  "n": 1.50, "tags": [ "a" , "b" ] }',
  '{"name":"Zoë 🐘","dup":1,"dup":2}',
  '[1, 2, "three"]',
  '"just a string"',
  '42',
];

for (const alg of ALGS) {
  test(`compat sign ${alg}: jose verifies it, header and payload bytes exactly pgjwt's`, async () => {
    await ensureCompat();
    for (const payload of PAYLOADS) {
      const token = await sqlValue('SELECT pgjwt_compat.sign($1::json, $2, $3)', [payload, SECRET, alg]);
      const { payload: bytes, protectedHeader } = await compactVerify(token, encoder.encode(SECRET),
        { algorithms: [alg] });
      assert.equal(decoder.decode(bytes), payload);
      assert.deepEqual(protectedHeader, { alg, typ: 'JWT' });
      const headerText = Buffer.from(token.split('.')[0], 'base64url').toString('utf8');
      assert.equal(headerText, `{"alg":"${alg}","typ":"JWT"}`);
      assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    }
  });
}

test('compat sign with a secret shorter than the hash (pgjwt accepts it): jose verifies it', async () => {
  await ensureCompat();
  const token = await sqlValue("SELECT pgjwt_compat.sign('{\"sub\":\"short\"}', 'secret')");
  const { payload } = await compactVerify(token, encoder.encode('secret'), { algorithms: ['HS256'] });
  assert.equal(decoder.decode(payload), '{"sub":"short"}');
});

for (const alg of ALGS) {
  test(`jose SignJWT ${alg}: compat verify says valid, with jose's header and payload texts`, async () => {
    await ensureCompat();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'ada', role: 'web_user', nbf: now - 60, exp: now + 3600 })
      .setProtectedHeader({ alg, typ: 'JWT' })
      .sign(encoder.encode(SECRET));
    const [h, p] = token.split('.');
    const rows = await sql('SELECT header::text AS header, payload::text AS payload, valid FROM pgjwt_compat.verify($1, $2, $3)',
      [token, SECRET, alg]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].header, Buffer.from(h, 'base64url').toString('utf8'));
    assert.equal(rows[0].payload, Buffer.from(p, 'base64url').toString('utf8'));
    assert.equal(rows[0].valid, true);
  });
}

test('jose tokens compat verify refuses: tampered, wrong secret, wrong algorithm, expired, not yet valid', async () => {
  await ensureCompat();
  const now = Math.floor(Date.now() / 1000);
  const key = encoder.encode(SECRET);
  const good = await new SignJWT({ sub: 'ada', exp: now + 3600 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  const [h, , s] = good.split('.');
  const evePayload = Buffer.from(JSON.stringify({ sub: 'eve', exp: now + 3600 })).toString('base64url');
  const cases = [
    ['tampered payload', `${h}.${evePayload}.${s}`, SECRET, 'HS256'],
    ['wrong secret', good, `${SECRET}?`, 'HS256'],
    ['wrong algorithm', good, SECRET, 'HS512'],
    ['expired', await new SignJWT({ sub: 'ada', exp: now - 120 }).setProtectedHeader({ alg: 'HS256' }).sign(key), SECRET, 'HS256'],
    ['not yet valid', await new SignJWT({ sub: 'ada', nbf: now + 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(key), SECRET, 'HS256'],
    ['fractional exp just past', await new SignJWT({ sub: 'ada', exp: now - 0.5 - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(key), SECRET, 'HS256'],
  ];
  for (const [name, token, secret, alg] of cases) {
    const valid = await sqlValue('SELECT valid FROM pgjwt_compat.verify($1, $2, $3)', [token, secret, alg]);
    assert.equal(valid, false, name);
  }
  assert.equal(await sqlValue('SELECT valid FROM pgjwt_compat.verify($1, $2)', [good, SECRET]), true);
});

for (const alg of ALGS) {
  test(`jwt.jwk_from_secret ${alg}: jose imports it, its tokens verify with the secret, k is jose's`, async () => {
    await ensureCompat();
    const jwk = await sqlValue('SELECT jwt.jwk_from_secret($1::text, $2)', [SECRET, alg]);
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'k', 'kty']);
    assert.equal(jwk.kty, 'oct');
    assert.equal(jwk.alg, alg);
    const key = await importJWK(jwk, alg);
    const token = await new SignJWT({ sub: 'from-jose' }).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
    assert.equal(await sqlValue('SELECT valid FROM pgjwt_compat.verify($1, $2, $3)', [token, SECRET, alg]), true);
    assert.deepEqual(await sqlValue('SELECT jwt.verify($1, $2::text, $3)', [token, SECRET, alg]), { sub: 'from-jose' });
    const exported = await exportJWK(encoder.encode(SECRET));
    assert.equal(jwk.k, exported.k);
  });
}
