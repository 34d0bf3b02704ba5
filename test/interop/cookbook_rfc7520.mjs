// cookbook_rfc7520.mjs: RFC 7520 (JOSE cookbook) vectors for HMAC.
//
// 4.4 "HMAC-SHA2 Integrity Protection" is deterministic: jwt.sign_raw over
// the payload bytes with the JWK from the file must reproduce the compact
// serialization byte for byte (protected header, payload and signature),
// and jwt.verify_raw must return the exact payload.  The symmetric JWKs of
// section 3 must load: 3.5 (bound to HS256) signs, with a MAC that node's
// own HMAC confirms; 3.6 is bound to A256GCM with "use": "enc", so using it
// for a JWS must fail with the key-binding errors.  The vectors are read
// from the shared folder at run time; without it every test here SKIPs.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { base64url } from 'jose';
import { test, skip } from './lib/tap.mjs';
import { sqlValue, sqlFails } from './lib/db.mjs';
import { cookbookDir, readCookbook, COOKBOOK_DIR } from './lib/shared.mjs';

const HMAC_FILE = 'jws/4_4.hmac-sha2_integrity_protection.json';
const JWK_MAC_FILE = 'jwk/3_5.symmetric_key_mac_computation.json';
const JWK_ENC_FILE = 'jwk/3_6.symmetric_key_encryption.json';

const tests = [];
const add = (name, fn) => tests.push([name, fn]);

// The 4.4 vector: payload bytes, key, protected header and compact output.
function hmacVector() {
  const v = readCookbook(HMAC_FILE);
  return {
    payload: Buffer.from(v.input.payload, 'utf8'),
    jwk: v.input.key,
    protectedHeader: v.signing.protected,
    protectedB64u: v.signing.protected_b64u,
    signature: v.signing.sig,
    compact: v.output.compact,
    flat: v.output.json_flat,
  };
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

add('RFC 7520 4.4: jwt.sign_raw(payload, jsonb JWK) reproduces the compact output byte for byte', async () => {
  const v = hmacVector();
  const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::jsonb)', [v.payload, JSON.stringify(v.jwk)]);
  assertSameCompact(token, v.compact);
});

add('RFC 7520 4.4: jwt.sign_raw(payload, text JWK, \'HS256\', the protected header) reproduces it too', async () => {
  const v = hmacVector();
  const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::text, \'HS256\', $3::jsonb)',
    [v.payload, JSON.stringify(v.jwk), JSON.stringify(v.protectedHeader)]);
  assertSameCompact(token, v.compact);
});

add('RFC 7520 4.4: jwt.sign_raw(payload, bytea of "k", \'HS256\', {"kid": ...}) reproduces it too', async () => {
  const v = hmacVector();
  const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::bytea, \'HS256\', $3::jsonb)',
    [v.payload, Buffer.from(base64url.decode(v.jwk.k)), JSON.stringify({ kid: v.protectedHeader.kid })]);
  assertSameCompact(token, v.compact);
  assert.equal(token.split('.')[0], v.protectedB64u);
  assert.equal(token.split('.')[2], v.signature);
});

add('RFC 7520 4.4: jwt.verify_raw(compact, jsonb JWK) returns the exact payload bytes', async () => {
  const v = hmacVector();
  const got = await sqlValue('SELECT jwt.verify_raw($1::text, $2::jsonb)', [v.compact, JSON.stringify(v.jwk)]);
  assert.equal(got.toString('hex'), v.payload.toString('hex'));
});

add('RFC 7520 4.4: jwt.verify_raw(compact, JWKS of the 3.5 and 3.6 keys, \'HS256\') picks 3.5 by kid', async () => {
  const v = hmacVector();
  const set = { keys: [readCookbook(JWK_ENC_FILE), readCookbook(JWK_MAC_FILE)] };
  const got = await sqlValue('SELECT jwt.verify_raw($1::text, $2::jsonb, \'HS256\')', [v.compact, JSON.stringify(set)]);
  assert.equal(got.toString('hex'), v.payload.toString('hex'));
});

add('RFC 7520 4.4: the flattened JSON serialization, re-assembled as compact, verifies with jwt.verify_raw', async () => {
  const v = hmacVector();
  const token = `${v.flat.protected}.${v.flat.payload}.${v.flat.signature}`;
  const got = await sqlValue('SELECT jwt.verify_raw($1::text, $2::text)', [token, JSON.stringify(v.jwk)]);
  assert.equal(got.toString('hex'), v.payload.toString('hex'));
});

add('RFC 7520 4.4: the compact output with one signature bit flipped fails jwt.verify_raw', async () => {
  const v = hmacVector();
  const sig = Buffer.from(base64url.decode(v.signature));
  sig[0] ^= 1;
  const token = `${v.protectedB64u}.${v.compact.split('.')[1]}.${base64url.encode(sig)}`;
  await sqlFails('SELECT jwt.verify_raw($1::text, $2::jsonb)', [token, JSON.stringify(v.jwk)],
    { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

add('RFC 7520 3.5 JWK (oct, HS256, use sig) loads: jwt.sign_raw with it gives the HMAC-SHA256 node computes', async () => {
  const jwk = readCookbook(JWK_MAC_FILE);
  const payload = Buffer.from('RFC 7520 section 3.5 key check');
  const token = await sqlValue('SELECT jwt.sign_raw($1::bytea, $2::jsonb)', [payload, JSON.stringify(jwk)]);
  const [h, p, s] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(base64url.decode(h)).toString()), { alg: 'HS256', kid: jwk.kid });
  assert.equal(p, base64url.encode(payload));
  const mac = createHmac('sha256', Buffer.from(base64url.decode(jwk.k))).update(`${h}.${p}`).digest();
  assert.equal(s, base64url.encode(mac));
});

add('RFC 7520 3.6 JWK (oct, A256GCM, use enc): signing with its alg fails, "implies no JWS algorithm"', async () => {
  await sqlFails('SELECT jwt.sign_raw(\'\\x00\'::bytea, $1::jsonb)', [JSON.stringify(readCookbook(JWK_ENC_FILE))],
    { code: '22023', message: 'algorithm not allowed', detail: 'The key implies no JWS algorithm; name one.' });
});

add('RFC 7520 3.6 JWK: signing with HS256 fails, bound to A256GCM', async () => {
  await sqlFails('SELECT jwt.sign_raw(\'\\x00\'::bytea, $1::jsonb, \'HS256\')',
    [JSON.stringify(readCookbook(JWK_ENC_FILE))],
    { code: '22023', message: 'algorithm not allowed', detail: 'The key is bound to algorithm A256GCM, not HS256.' });
});

add('RFC 7520 3.6 JWK: verifying an HS256 token made with its "k" fails, bound to A256GCM', async () => {
  const jwk = readCookbook(JWK_ENC_FILE);
  const h = base64url.encode('{"alg":"HS256"}');
  const p = base64url.encode('x');
  const s = base64url.encode(createHmac('sha256', Buffer.from(base64url.decode(jwk.k))).update(`${h}.${p}`).digest());
  await sqlFails('SELECT jwt.verify_raw($1::text, $2::jsonb, \'HS256\')', [`${h}.${p}.${s}`, JSON.stringify(jwk)],
    { code: '22023', message: 'algorithm not allowed', detail: 'The key is bound to algorithm A256GCM, not HS256.' });
});

add('RFC 7520 3.6 JWK without its "alg": "use": "enc" still forbids signing (invalid key)', async () => {
  const { alg, ...jwk } = readCookbook(JWK_ENC_FILE);
  assert.equal(alg, 'A256GCM');
  await sqlFails('SELECT jwt.sign_raw(\'\\x00\'::bytea, $1::jsonb, \'HS256\')', [JSON.stringify(jwk)],
    { code: '22023', message: 'invalid key', detail: 'The key\'s "use" or "key_ops" do not permit signing.' });
});

const dir = cookbookDir();
for (const [name, fn] of tests) {
  if (dir) test(name, fn);
  else skip(name, `no RFC 7520 cookbook at ${COOKBOOK_DIR} (set TOKEN_EXT_SHARED)`);
}
