// rejections.mjs: tokens that must fail do fail, in both directions.
//
// jose makes tokens token_ext must refuse (expired, not yet valid, issued in
// the future, wrong secret, algorithm not allowed, audience/issuer mismatch,
// missing claim, wrong typ, unknown kid, tampered payload); each must fail
// with its exact SQLSTATE, message and detail.  The other way, jose must
// refuse token_ext tokens signed with another key, with another algorithm
// than it allows, or whose claims fail its checks.  At the exp instant both
// libraries must agree the token is expired, and one second before, valid.

import assert from 'node:assert/strict';
import { SignJWT, jwtVerify, importJWK, errors } from 'jose';
import { test } from './lib/tap.mjs';
import { sql, sqlValue, sqlFails } from './lib/db.mjs';
import { secretBytes, passphrase, octJwk, jwks } from './lib/keys.mjs';
import { CHECK_AT, ISSUED_AT } from './lib/claims.mjs';

const SECRET = secretBytes('rejections');
const OTHER_SECRET = secretBytes('rejections, another key');

// A jose JWT of claims signed with key (default SECRET) under header.
async function joseToken(claims, header = { alg: 'HS256' }, key = SECRET) {
  return new SignJWT(claims).setProtectedHeader(header).sign(new Uint8Array(key));
}

// jwt.verify with a bytea key at CHECK_AT plus extra named arguments.
function verifySql(extra = '') {
  return `SELECT jwt.verify($1::text, $2::bytea, at => to_timestamp(${CHECK_AT})${extra})`;
}

// Run fn, which must throw a jose error of this class (and code).
async function joseRejects(fn, errorClass, check = () => {}) {
  let err = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `jose accepted a token it should refuse (${errorClass.name})`);
  assert.ok(err instanceof errorClass, `expected ${errorClass.name}, got ${err.name}: ${err.message}`);
  assert.equal(err.code, errorClass.code);
  check(err);
}

// ---- jose signs, token_ext refuses ---------------------------------------

test('jose token expired (exp 2020-01-01) fails: 28000 token has expired', async () => {
  const token = await joseToken({ sub: 'x', exp: 1577836800 });
  await sqlFails('SELECT jwt.verify($1::text, $2::bytea)', [token, SECRET],
    { code: '28000', message: 'token has expired', detail: 'The token expired at 2020-01-01 00:00:00 UTC.' });
});

test('jose token expired 30 s before the check time fails with leeway 10 s', async () => {
  const token = await joseToken({ exp: CHECK_AT - 30 });
  await sqlFails(verifySql(", leeway => '10 seconds'"), [token, SECRET],
    { code: '28000', message: 'token has expired', detail: 'The token expired at 2023-11-14 22:14:30 UTC.' });
});

test('jose token signed with another secret fails: 28000 signature verification failed', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS384' }, OTHER_SECRET);
  await sqlFails(verifySql(", alg => 'HS384'"), [token, SECRET],
    { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

test('jose token signed with a text secret fails with a different text secret', async () => {
  const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS512' })
    .sign(new TextEncoder().encode(passphrase('HS512')));
  await sqlFails(`SELECT jwt.verify($1::text, $2::text, 'HS512')`, [token, passphrase('HS512') + ' '],
    { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

test('jose HS512 token with only HS256,HS384 allowed fails: 22023 algorithm not allowed', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS512' });
  await sqlFails(verifySql(", alg => 'HS256,HS384'"), [token, SECRET],
    { code: '22023', message: 'algorithm not allowed',
      detail: 'The token is signed with HS512; the allowed algorithms are HS256, HS384.' });
});

test('jose HS384 token with no alg argument and a bytea key (default HS256) fails: algorithm not allowed', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS384' });
  await sqlFails(verifySql(), [token, SECRET],
    { code: '22023', message: 'algorithm not allowed',
      detail: 'The token is signed with HS384; the allowed algorithms are HS256.' });
});

test('jose HS256 token against a JWK bound to HS512 fails: algorithm not allowed', async () => {
  const jwk = octJwk('HS512', 'bound');
  const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
    .sign(await importJWK(jwk, 'HS256'));
  await sqlFails('SELECT jwt.verify($1::text, $2::jsonb)', [token, JSON.stringify(jwk)],
    { code: '22023', message: 'algorithm not allowed',
      detail: 'The token is signed with HS256; the allowed algorithms are HS512.' });
});

test('jose token whose aud does not include the expected audience fails: 28000 audience mismatch', async () => {
  const token = await joseToken({ aud: ['api://a', 'api://b'] });
  await sqlFails(verifySql(", audience => 'api://c'"), [token, SECRET],
    { code: '28000', message: 'audience mismatch',
      detail: 'The token\'s "aud" claim does not include the expected audience.' });
});

test('jose token with a string aud that differs fails: audience mismatch', async () => {
  const token = await joseToken({ aud: 'api://a' });
  await sqlFails(verifySql(", audience => 'api://A'"), [token, SECRET],
    { code: '28000', message: 'audience mismatch',
      detail: 'The token\'s "aud" claim does not include the expected audience.' });
});

test('jose token without aud when an audience is expected fails: audience mismatch', async () => {
  const token = await joseToken({ sub: 'x' });
  await sqlFails(verifySql(", audience => 'api://a'"), [token, SECRET],
    { code: '28000', message: 'audience mismatch',
      detail: 'The token has no "aud" claim and an audience is expected.' });
});

test('jose token from another issuer fails: 28000 issuer mismatch', async () => {
  const token = await joseToken({ iss: 'https://evil.example' });
  await sqlFails(verifySql(", issuer => 'https://issuer.example'"), [token, SECRET],
    { code: '28000', message: 'issuer mismatch',
      detail: 'The token\'s "iss" claim is not the expected issuer.' });
});

test('jose token with nbf in 2100 fails: 28000 token is not yet valid', async () => {
  const token = await joseToken({ nbf: 4102444800 });
  await sqlFails(verifySql(), [token, SECRET],
    { code: '28000', message: 'token is not yet valid', detail: 'The token is valid from 2100-01-01 00:00:00 UTC.' });
});

test('jose token with iat after the check time fails: 28000 token was issued in the future', async () => {
  const token = await joseToken({ iat: CHECK_AT + 3600 });
  await sqlFails(verifySql(), [token, SECRET],
    { code: '28000', message: 'token was issued in the future',
      detail: 'The token says it was issued at 2023-11-14 23:15:00 UTC, after the check time.' });
});

test('jose token lacking a required claim fails: 28000 missing required claim', async () => {
  const token = await joseToken({ sub: 'x', iat: ISSUED_AT });
  await sqlFails(verifySql(", required => '{sub,iat,jti}'"), [token, SECRET],
    { code: '28000', message: 'missing required claim', detail: 'The claim "jti" is required.' });
});

test('jose token with typ "JWT" checked for typ at+jwt fails: 28000 token type mismatch', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS256', typ: 'JWT' });
  await sqlFails(verifySql(", typ => 'at+jwt'"), [token, SECRET],
    { code: '28000', message: 'token type mismatch',
      detail: 'The token\'s "typ" header is not the expected type.' });
});

test('jose token with a kid that no JWKS key has fails: 28000 no matching key', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS256', kid: 'not-in-the-set' });
  await sqlFails(`SELECT jwt.verify($1::text, $2::jsonb)`, [token, JSON.stringify(jwks())],
    { code: '28000', message: 'no matching key', detail: 'No key in the key set has the token\'s "kid" "not-in-the-set".' });
});

test('jose token without kid, signed by no key of the JWKS, fails after trying the 2 HS256 candidates', async () => {
  const token = await joseToken({ sub: 'x' });
  await sqlFails(`SELECT jwt.verify($1::text, $2::jsonb, 'HS256')`, [token, JSON.stringify(jwks())],
    { code: '28000', message: 'signature verification failed',
      detail: 'The signature matches none of the 2 candidate keys.' });
});

test('jose token with its payload swapped for another jose token\'s fails: signature verification failed', async () => {
  const a = (await joseToken({ sub: 'alice', admin: false })).split('.');
  const b = (await joseToken({ sub: 'alice', admin: true })).split('.');
  await sqlFails(verifySql(), [`${a[0]}.${b[1]}.${a[2]}`, SECRET],
    { code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.' });
});

test('jose expired token: try_verify reports valid false, "token has expired", and the verified claims', async () => {
  const claims = { sub: 'x', exp: 1577836800 };
  const token = await joseToken(claims);
  const rows = await sql('SELECT header, payload, valid, error FROM jwt.try_verify($1::text, $2::bytea)',
    [token, SECRET]);
  assert.deepEqual(rows[0], { header: { alg: 'HS256' }, payload: claims, valid: false, error: 'token has expired' });
});

test('jose token with the wrong secret: try_verify reports valid false and no payload', async () => {
  const token = await joseToken({ sub: 'x' }, { alg: 'HS256' }, OTHER_SECRET);
  const rows = await sql('SELECT header, payload, valid, error FROM jwt.try_verify($1::text, $2::bytea)',
    [token, SECRET]);
  assert.deepEqual(rows[0],
    { header: { alg: 'HS256' }, payload: null, valid: false, error: 'signature verification failed' });
});

test('exp boundary: one second before exp both accept; at exp both token_ext and jose refuse', async () => {
  const exp = CHECK_AT;
  const token = await joseToken({ exp });
  const at = (t) => `SELECT jwt.verify($1::text, $2::bytea, at => to_timestamp(${t}))`;
  assert.deepEqual(await sqlValue(at(exp - 1), [token, SECRET]), { exp });
  const { payload } = await jwtVerify(token, new Uint8Array(SECRET), { currentDate: new Date((exp - 1) * 1000) });
  assert.deepEqual(payload, { exp });
  await sqlFails(at(exp), [token, SECRET], { code: '28000', message: 'token has expired' });
  await joseRejects(() => jwtVerify(token, new Uint8Array(SECRET), { currentDate: new Date(exp * 1000) }),
    errors.JWTExpired);
});

test('nbf boundary: at nbf both accept; one second before, both refuse', async () => {
  const nbf = CHECK_AT;
  const token = await joseToken({ nbf });
  const at = (t) => `SELECT jwt.verify($1::text, $2::bytea, at => to_timestamp(${t}))`;
  assert.deepEqual(await sqlValue(at(nbf), [token, SECRET]), { nbf });
  const { payload } = await jwtVerify(token, new Uint8Array(SECRET), { currentDate: new Date(nbf * 1000) });
  assert.deepEqual(payload, { nbf });
  await sqlFails(at(nbf - 1), [token, SECRET], { code: '28000', message: 'token is not yet valid' });
  await joseRejects(() => jwtVerify(token, new Uint8Array(SECRET), { currentDate: new Date((nbf - 1) * 1000) }),
    errors.JWTClaimValidationFailed, (e) => assert.equal(e.claim, 'nbf'));
});

// ---- token_ext signs, jose refuses ---------------------------------------

for (const [alg, form, keySql] of [
  ['HS256', 'bytea secret', '$1::bytea'],
  ['HS384', 'text secret', '$1::text'],
  ['HS512', 'jsonb JWK', '$1::jsonb'],
]) {
  test(`jwt.sign ${alg} with a ${form}: jose refuses it with another key (signature verification failed)`,
    async () => {
      const value = form === 'bytea secret' ? SECRET
        : form === 'text secret' ? passphrase(alg) : JSON.stringify(octJwk(alg, 'signer'));
      const token = await sqlValue(`SELECT jwt.sign('{"sub":"x"}'::jsonb, ${keySql}, '${alg}')`, [value]);
      // sanity: the right key verifies, so the failure below is the key's
      const right = form === 'bytea secret' ? new Uint8Array(SECRET)
        : form === 'text secret' ? new TextEncoder().encode(passphrase(alg))
          : await importJWK(octJwk(alg, 'signer'), alg);
      await jwtVerify(token, right, { algorithms: [alg] });
      await joseRejects(() => jwtVerify(token, new Uint8Array(OTHER_SECRET), { algorithms: [alg] }),
        errors.JWSSignatureVerificationFailed);
    });
}

test('jwt.sign HS512 token: jose refuses it when only HS256 is allowed', async () => {
  const token = await sqlValue(`SELECT jwt.sign('{"sub":"x"}'::jsonb, $1::bytea, 'HS512')`, [SECRET]);
  await joseRejects(() => jwtVerify(token, new Uint8Array(SECRET), { algorithms: ['HS256'] }),
    errors.JOSEAlgNotAllowed);
});

test('jwt.sign token with exp in the past: jose refuses it as expired', async () => {
  const token = await sqlValue(`SELECT jwt.sign('{"exp":1577836800}'::jsonb, $1::bytea)`, [SECRET]);
  await joseRejects(() => jwtVerify(token, new Uint8Array(SECRET)), errors.JWTExpired);
});

test('jwt.sign token for another audience: jose refuses it (aud claim check)', async () => {
  const token = await sqlValue(`SELECT jwt.sign('{"aud":["api://a"]}'::jsonb, $1::bytea)`, [SECRET]);
  await joseRejects(() => jwtVerify(token, new Uint8Array(SECRET), { audience: 'api://b' }),
    errors.JWTClaimValidationFailed, (e) => assert.equal(e.claim, 'aud'));
});

test('jwt.sign with a JWKS is refused: 22023 invalid argument (a key set cannot sign)', async () => {
  await sqlFails(`SELECT jwt.sign('{"sub":"x"}'::jsonb, $1::jsonb)`, [JSON.stringify(jwks())],
    { code: '22023', message: 'invalid argument', detail: 'A key set cannot sign; pass the one JWK to sign with.' });
});
