// jose_signs_token_ext_verifies.mjs: JWTs made by jose verify in token_ext.
//
// For HS256/384/512 and every key form (bytea secret, text secret, JWK as
// jsonb and as text, a JWKS), jose's SignJWT signs claims of every JSON type;
// jwt.verify must accept the token and return claims deep-equal to what jose
// signed, both as JavaScript values and as jsonb compared in SQL with the
// exact payload bytes jose produced (which catches number or string drift
// that a JavaScript comparison would round away).

import assert from 'node:assert/strict';
import { SignJWT, base64url } from 'jose';
import { test } from './lib/tap.mjs';
import { sql } from './lib/db.mjs';
import { ALGS, keyForms } from './lib/keys.mjs';
import { richClaims, CHECK_AT } from './lib/claims.mjs';

// The payload bytes of a compact token, as text.
export function payloadText(token) {
  return new TextDecoder().decode(base64url.decode(token.split('.')[1]));
}

// Verify with token_ext at CHECK_AT; alg NULL means the key's own.
async function verifyInTokenExt(token, form, alg, claims) {
  const rows = await sql(
    `SELECT v AS claims, v = $7::jsonb AS same_as_signed
       FROM jwt.verify($1::text, $2::${form.sqlType}, alg => $3::text,
                       audience => $4::text, issuer => $5::text,
                       at => to_timestamp($6::float8), typ => 'JWT') AS v`,
    [token, form.sqlValue, alg, claims.aud[1], claims.iss, CHECK_AT, payloadText(token)]);
  return rows[0];
}

for (const alg of ALGS) {
  for (const form of await keyForms(alg)) {
    // a JWK or JWKS carries its algorithm: let token_ext take it from the key
    const allowed = form.sqlType === 'jsonb' || form.name.includes('JWK') ? null : alg;
    test(`jose ${alg} JWT verifies with a ${form.name} (alg ${allowed ?? 'from the key'}), claims deep-equal`,
      async () => {
        const claims = richClaims(alg);
        const token = await new SignJWT(claims)
          .setProtectedHeader({ alg, typ: 'JWT', ...form.header })
          .sign(form.joseKey);
        const row = await verifyInTokenExt(token, form, allowed, claims);
        assert.deepEqual(row.claims, claims);
        assert.equal(row.same_as_signed, true, 'jsonb of the verified claims differs from the signed payload');
      });
  }
}

test('jose HS256 JWT without a kid verifies with a JWKS by trying its HS256 candidates', async () => {
  const [, , , , setForm] = await keyForms('HS256');
  const member = setForm.jwks.keys.find((k) => k.alg === 'HS256');
  const { importJWK } = await import('jose');
  const claims = richClaims('HS256');
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(await importJWK(member, 'HS256'));
  const row = await verifyInTokenExt(token, setForm, 'HS256', claims);
  assert.deepEqual(row.claims, claims);
  assert.equal(row.same_as_signed, true);
});

test('jose JWT with the current time (iat now, exp in 5 min) verifies with the default check time', async () => {
  const secret = Buffer.alloc(32, 0x5a);
  const token = await new SignJWT({ sub: 'now', n: 1 })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt().setNotBefore('0s').setExpirationTime('5m')
    .sign(new Uint8Array(secret));
  const rows = await sql('SELECT jwt.verify($1::text, $2::bytea) AS v', [token, secret]);
  assert.deepEqual(rows[0].v, JSON.parse(payloadText(token)));
});

test('jose JWT with typ "at+jwt" verifies in token_ext with typ => \'application/at+jwt\'', async () => {
  const secret = Buffer.alloc(48, 0x33);
  const claims = { sub: 'typed', iat: CHECK_AT - 1 };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS384', typ: 'at+jwt' })
    .sign(new Uint8Array(secret));
  const rows = await sql(
    `SELECT jwt.verify($1::text, $2::bytea, alg => 'HS384', typ => 'application/at+jwt',
                       at => to_timestamp($3::float8)) AS v`, [token, secret, CHECK_AT]);
  assert.deepEqual(rows[0].v, claims);
});

test('jose JWT with a leeway: exp 30 s before the check time verifies with leeway 60 s', async () => {
  const secret = Buffer.alloc(32, 0x21);
  const claims = { sub: 'late', exp: CHECK_AT - 30 };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(secret));
  const rows = await sql(
    `SELECT jwt.verify($1::text, $2::bytea, leeway => '60 seconds',
                       at => to_timestamp($3::float8)) AS v`, [token, secret, CHECK_AT]);
  assert.deepEqual(rows[0].v, claims);
});

test('jose JWT: try_verify gives header and payload deep-equal to jose\'s, valid true, no error', async () => {
  const secret = Buffer.alloc(64, 0x77);
  const claims = richClaims('HS512');
  const header = { alg: 'HS512', typ: 'JWT', kid: 'some kid', cty: 'JWT-ish', 'x-extra': [1, { a: 'ü' }] };
  const token = await new SignJWT(claims).setProtectedHeader(header).sign(new Uint8Array(secret));
  const rows = await sql(
    `SELECT header, payload, valid, error FROM jwt.try_verify($1::text, $2::bytea, alg => 'HS512',
              audience => 'api://token_ext', at => to_timestamp($3::float8))`, [token, secret, CHECK_AT]);
  assert.deepEqual(rows[0], { header, payload: claims, valid: true, error: null });
});
