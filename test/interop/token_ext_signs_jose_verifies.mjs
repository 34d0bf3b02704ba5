// token_ext_signs_jose_verifies.mjs: JWTs made by jwt.sign verify in jose.
//
// For HS256/384/512 and every key form token_ext can sign with (bytea and
// text secrets, a JWK as jsonb and as text), jwt.sign signs claims of every
// JSON type; jose's jwtVerify, with the same secret and only that algorithm
// allowed, must accept the token, return claims deep-equal to the jsonb that
// was signed, and see the header {alg, typ: "JWT"} plus the JWK's kid.

import assert from 'node:assert/strict';
import { jwtVerify, importJWK, compactVerify } from 'jose';
import { test } from './lib/tap.mjs';
import { sql, sqlValue } from './lib/db.mjs';
import { ALGS, keyForms, jwks } from './lib/keys.mjs';
import { richClaims, CHECK_AT } from './lib/claims.mjs';

// A jose key resolver over a JWKS of symmetric keys, by the token's kid
// (jose's createLocalJWKSet takes public keys only).
function symmetricJwksResolver(set) {
  return async (header) => {
    const matches = set.keys.filter((k) => k.kid === header.kid && (k.alg ?? header.alg) === header.alg);
    assert.equal(matches.length, 1, `exactly one JWK of the set should have kid ${header.kid}`);
    return importJWK(matches[0], header.alg);
  };
}

// Sign claims (JSON text) with token_ext; alg NULL means the key's.
async function signInTokenExt(claimsText, form, alg) {
  return sqlValue(`SELECT jwt.sign($1::jsonb, $2::${form.sqlType}, alg => $3::text)`,
    [claimsText, form.sqlValue, alg]);
}

for (const alg of ALGS) {
  for (const form of (await keyForms(alg)).filter((f) => f.signs)) {
    const isJwk = form.name.includes('JWK');
    const allowed = isJwk ? null : alg;
    test(`jwt.sign ${alg} with a ${form.name} (alg ${allowed ?? 'from the key'}) verifies in jose, claims deep-equal`,
      async () => {
        const claims = richClaims(alg);
        const token = await signInTokenExt(JSON.stringify(claims), form, allowed);
        // the jsonb jose should see: what the database holds for those claims
        const expected = await sqlValue('SELECT $1::jsonb', [JSON.stringify(claims)]);
        // a JWK is looked up in a JWKS by kid, as a JWKS consumer would
        const key = form.sqlType === 'jsonb'
          ? symmetricJwksResolver({ keys: [...jwks().keys, JSON.parse(form.sqlValue)] })
          : form.joseKey;
        const { payload, protectedHeader } = await jwtVerify(token, key, {
          algorithms: [alg], audience: 'api://token_ext', issuer: claims.iss,
          typ: 'JWT', currentDate: new Date(CHECK_AT * 1000),
        });
        assert.deepEqual(payload, expected);
        assert.deepEqual(payload, claims);
        assert.deepEqual(protectedHeader, { alg, typ: 'JWT', ...form.header });
      });
  }
}

test('jwt.sign: numbers jsonb holds beyond double precision reach jose as the same JSON text', async () => {
  // jose parses with JSON.parse, so compare to JSON.parse of the jsonb text,
  // and check in SQL that the signed payload bytes are exactly those numbers
  const claimsSql = `{"big": 123456789012345678901234567890.123456789, "neg_exp": 1.5e-30,
                      "trailing_zeros": 2.50000, "int_like": 1e3, "neg_zero": -0, "sub": "numbers"}`;
  const secret = Buffer.alloc(32, 0x41);
  const rows = await sql(
    `SELECT t AS token, c::text AS claims_text,
            convert_from(decode(translate(split_part(t, '.', 2), '-_', '+/') ||
                                repeat('=', (4 - length(split_part(t, '.', 2)) % 4) % 4), 'base64'),
                         'UTF8')::jsonb::text = c::text AS exact
       FROM (SELECT $1::jsonb AS c) s, LATERAL jwt.sign(c, $2::bytea) AS t`, [claimsSql, secret]);
  const { payload } = await jwtVerify(rows[0].token, new Uint8Array(secret), { algorithms: ['HS256'] });
  assert.deepEqual(payload, JSON.parse(rows[0].claims_text));
  assert.equal(rows[0].exact, true, 'the signed payload does not hold the exact jsonb numbers');
});

test('jwt.sign with extra header members: jose sees them in the protected header', async () => {
  const secret = Buffer.alloc(48, 0x42);
  const extra = { kid: 'header-kid', cty: 'example', 'x-list': [1, 'ü', null, { nested: true }] };
  const token = await sqlValue(
    `SELECT jwt.sign('{"sub":"h"}'::jsonb, $1::bytea, 'HS384', $2::jsonb)`, [secret, JSON.stringify(extra)]);
  const { payload, protectedHeader } = await jwtVerify(token, new Uint8Array(secret), { algorithms: ['HS384'] });
  assert.deepEqual(payload, { sub: 'h' });
  assert.deepEqual(protectedHeader, { alg: 'HS384', typ: 'JWT', ...extra });
});

test('jwt.sign with the current time: jose verifies with its own clock (iat, nbf, exp)', async () => {
  const secret = Buffer.alloc(64, 0x43);
  const rows = await sql(
    `SELECT jwt.sign(jsonb_build_object('sub', 'now', 'iat', floor(extract(epoch FROM now())),
                     'nbf', floor(extract(epoch FROM now())), 'exp', floor(extract(epoch FROM now())) + 300),
                     $1::bytea, 'HS512') AS token`, [secret]);
  const { payload } = await jwtVerify(rows[0].token, new Uint8Array(secret), {
    algorithms: ['HS512'], requiredClaims: ['iat', 'nbf', 'exp', 'sub'],
  });
  assert.equal(payload.sub, 'now');
  assert.equal(payload.exp - payload.iat, 300);
});

test('jwt.sign output is compact JWS that jose compactVerify accepts byte for byte', async () => {
  const secret = Buffer.alloc(32, 0x44);
  const token = await sqlValue(`SELECT jwt.sign('{"a":"ü","b":[1,2]}'::jsonb, $1::bytea)`, [secret]);
  const { payload } = await compactVerify(token, new Uint8Array(secret), { algorithms: ['HS256'] });
  // jsonb orders keys by length, then bytes, and the serialization is compact
  assert.equal(new TextDecoder().decode(payload), '{"a":"ü","b":[1,2]}');
});
