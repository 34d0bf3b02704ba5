// raw_payloads.mjs: arbitrary payload bytes, jose <-> jwt.sign_raw/verify_raw.
//
// jose's CompactSign (and FlattenedSign, re-assembled as compact) over
// arbitrary bytes (binary, invalid UTF-8, empty, non-object JSON) must
// verify with jwt.verify_raw giving back exactly those bytes; jwt.sign_raw
// output must verify with jose's compactVerify, giving back the same bytes
// and a protected header of just the algorithm (plus kid and extra members).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CompactSign, FlattenedSign, compactVerify, importJWK, errors, base64url } from 'jose';
import { test } from './lib/tap.mjs';
import { sqlValue, sqlFails } from './lib/db.mjs';
import { ALGS, secretBytes, octJwk } from './lib/keys.mjs';

// 300 deterministic bytes covering every byte value, including NUL and 0xFF.
function binaryPayload() {
  const bytes = Buffer.alloc(300);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  createHash('sha512').update('tail').digest().copy(bytes, 256, 0, 44);
  return bytes;
}

const PAYLOADS = [
  ['300 binary bytes (every byte value)', binaryPayload()],
  ['invalid UTF-8 bytes', Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xed, 0xa0, 0x80])],
  ['a JSON array (not a claims set)', Buffer.from('[1,"two",{"3":null}]')],
  ['one byte', Buffer.from([0])],
];

for (const alg of ALGS) {
  const secret = secretBytes(`raw ${alg}`);
  for (const [what, payload] of PAYLOADS) {
    test(`jose CompactSign ${alg} over ${what} verifies with jwt.verify_raw (bytea key), bytes equal`, async () => {
      const token = await new CompactSign(new Uint8Array(payload)).setProtectedHeader({ alg })
        .sign(new Uint8Array(secret));
      const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::bytea, $3::text)`, [token, secret, alg]);
      assert.ok(Buffer.isBuffer(got));
      assert.equal(got.toString('hex'), payload.toString('hex'));
    });
  }

  test(`jose FlattenedSign ${alg} (protected kid, as compact) verifies with jwt.verify_raw and a jsonb JWK`,
    async () => {
      const jwk = octJwk(alg, 'raw');
      const payload = binaryPayload();
      const jws = await new FlattenedSign(new Uint8Array(payload))
        .setProtectedHeader({ alg, kid: jwk.kid, cty: 'application/octet-stream' })
        .sign(await importJWK(jwk, alg));
      const token = `${jws.protected}.${jws.payload}.${jws.signature}`;
      const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::jsonb)`, [token, JSON.stringify(jwk)]);
      assert.equal(got.toString('hex'), payload.toString('hex'));
    });

  test(`jwt.sign_raw ${alg} over binary bytes verifies with jose compactVerify, bytes and header equal`,
    async () => {
      const payload = binaryPayload();
      const token = await sqlValue(`SELECT jwt.sign_raw($1::bytea, $2::bytea, $3::text)`, [payload, secret, alg]);
      const { payload: got, protectedHeader } = await compactVerify(token, new Uint8Array(secret),
        { algorithms: [alg] });
      assert.equal(Buffer.from(got).toString('hex'), payload.toString('hex'));
      assert.deepEqual(protectedHeader, { alg });
    });

  test(`jwt.sign_raw ${alg} with a text JWK and an extra header verifies with jose compactVerify`, async () => {
    const jwk = octJwk(alg, 'raw');
    const payload = Buffer.from('Grüße, not JSON at all \u0000 with a NUL');
    const extra = { cty: 'text/plain', 'x-n': [1.5, true, null, { k: 'ü' }] };
    const token = await sqlValue(`SELECT jwt.sign_raw($1::bytea, $2::text, NULL, $3::jsonb)`,
      [payload, JSON.stringify(jwk), JSON.stringify(extra)]);
    const { payload: got, protectedHeader } = await compactVerify(token, await importJWK(jwk, alg),
      { algorithms: [alg] });
    assert.equal(Buffer.from(got).toString('hex'), payload.toString('hex'));
    assert.deepEqual(protectedHeader, { alg, kid: jwk.kid, ...extra });
  });
}

test('jose CompactSign over an empty payload verifies with jwt.verify_raw as empty bytes', async () => {
  const secret = secretBytes('raw empty');
  const token = await new CompactSign(new Uint8Array(0)).setProtectedHeader({ alg: 'HS256' })
    .sign(new Uint8Array(secret));
  assert.equal(token.split('.')[1], '');
  const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::bytea)`, [token, secret]);
  assert.equal(got.length, 0);
});

test('jwt.sign_raw over an empty payload verifies with jose compactVerify as empty bytes', async () => {
  const secret = secretBytes('raw empty');
  const token = await sqlValue(`SELECT jwt.sign_raw(''::bytea, $1::bytea)`, [secret]);
  const { payload } = await compactVerify(token, new Uint8Array(secret), { algorithms: ['HS256'] });
  assert.equal(payload.length, 0);
});

test('jose CompactSign with typ "example+jose" passes verify_raw typ => \'application/example+jose\'', async () => {
  const secret = secretBytes('raw typ');
  const token = await new CompactSign(Buffer.from('typed')).setProtectedHeader({ alg: 'HS384', typ: 'example+jose' })
    .sign(new Uint8Array(secret));
  const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::bytea, 'HS384', 'application/example+jose')`,
    [token, secret]);
  assert.equal(got.toString(), 'typed');
  await sqlFails(`SELECT jwt.verify_raw($1::text, $2::bytea, 'HS384', 'JWT')`, [token, secret],
    { code: '28000', message: 'token type mismatch', detail: 'The token\'s "typ" header is not the expected type.' });
});

test('jose CompactSign signed with another key fails jwt.verify_raw: signature verification failed', async () => {
  const token = await new CompactSign(Buffer.from('payload')).setProtectedHeader({ alg: 'HS512' })
    .sign(new Uint8Array(secretBytes('raw other')));
  await sqlFails(`SELECT jwt.verify_raw($1::text, $2::bytea, 'HS512')`, [token, secretBytes('raw HS512')],
    { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

test('jwt.sign_raw signed with one key: jose compactVerify refuses it with another', async () => {
  const token = await sqlValue(`SELECT jwt.sign_raw('\\x00ff'::bytea, $1::bytea, 'HS256')`, [secretBytes('raw a')]);
  let err = null;
  try {
    await compactVerify(token, new Uint8Array(secretBytes('raw b')), { algorithms: ['HS256'] });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof errors.JWSSignatureVerificationFailed, `expected a signature failure, got ${err}`);
});

test('jwt.sign_raw refuses a header with "b64": false in "crit" (it would sign the encoded payload; jose reads other bytes)',
  async () => {
    // RFC 7797: with b64 false the payload segment is the raw payload, so a
    // token that says b64 false but carries base64url means something else
    // to a verifier that implements RFC 7797 (jose reads "QQ", not "A").
    // token_ext implements no JWS extension, so it must not emit one.
    await sqlFails(`SELECT jwt.sign_raw('\\x41'::bytea, $1::bytea, 'HS256', '{"b64":false,"crit":["b64"]}')`,
      [secretBytes('raw b64')],
      { code: '0A000', message: 'unsupported critical header parameter' });
  });

test('jwt.sign with a non-ASCII, escaped kid: jose sees the same kid; jose\'s token with it finds the key in a JWKS',
  async () => {
    const secret = secretBytes('kid escapes').subarray(0, 32);
    const jwk = { kty: 'oct', kid: 'schlüssel-🔑 "q" \\ \u0001 \u2028', alg: 'HS256', k: base64url.encode(secret) };
    const token = await sqlValue(`SELECT jwt.sign('{"a":1}'::jsonb, $1::jsonb)`, [JSON.stringify(jwk)]);
    const { protectedHeader } = await compactVerify(token, new Uint8Array(secret), { algorithms: ['HS256'] });
    assert.equal(protectedHeader.kid, jwk.kid);
    const joseToken = await new CompactSign(Buffer.from('{"a":2}'))
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).sign(new Uint8Array(secret));
    const got = await sqlValue(`SELECT jwt.verify_raw($1::text, $2::jsonb)`,
      [joseToken, JSON.stringify({ keys: [octJwk('HS256', 'other'), jwk] })]);
    assert.equal(got.toString(), '{"a":2}');
  });
