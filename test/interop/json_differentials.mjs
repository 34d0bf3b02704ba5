// json_differentials.mjs: JSON that jose reads one way and token_ext another.
//
// jose parses claims with JSON.parse, which takes duplicate names last-wins,
// \u0000 and lone surrogates; jsonb can hold none of those faithfully, so
// token_ext must refuse such claims (22P02 malformed JSON in token) instead
// of returning something other than what was signed.  Number spellings jose
// never writes (1.0, 1E2, -0, 30 digits) must reach jsonb exactly as
// jsonb_in would read the same text.

import assert from 'node:assert/strict';
import { CompactSign, SignJWT } from 'jose';
import { test } from './lib/tap.mjs';
import { sql, sqlFails } from './lib/db.mjs';
import { secretBytes } from './lib/keys.mjs';

const SECRET = secretBytes('json differentials');

// A compact JWS from jose over exactly this claims text.
function signText(text) {
  return new CompactSign(new TextEncoder().encode(text)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new Uint8Array(SECRET));
}

test('claims with a duplicate member name ("admin" twice) are refused: 22P02 malformed JSON in token', async () => {
  const token = await signText('{"sub":"a","admin":false,"admin":true}');
  await sqlFails('SELECT jwt.verify($1::text, $2::bytea)', [token, SECRET],
    { code: '22P02', message: 'malformed JSON in token' });
});

test('claims with a duplicate name spelled with an escape ("\\u0061dmin") are refused too', async () => {
  const token = await signText('{"admin":false,"\\u0061dmin":true}');
  await sqlFails('SELECT jwt.verify($1::text, $2::bytea)', [token, SECRET],
    { code: '22P02', message: 'malformed JSON in token' });
});

test('jose claims holding "\\u0000" are refused: 22P02 malformed JSON in token', async () => {
  const token = await new SignJWT({ sub: 'nul\u0000byte' }).setProtectedHeader({ alg: 'HS256' })
    .sign(new Uint8Array(SECRET));
  await sqlFails('SELECT jwt.verify($1::text, $2::bytea)', [token, SECRET],
    { code: '22P02', message: 'malformed JSON in token' });
});

test('jose claims holding a lone surrogate (JSON.stringify writes "\\ud800") are refused: 22P02', async () => {
  const token = await new SignJWT({ sub: 'lone \ud800 surrogate' }).setProtectedHeader({ alg: 'HS256' })
    .sign(new Uint8Array(SECRET));
  await sqlFails('SELECT jwt.verify($1::text, $2::bytea)', [token, SECRET],
    { code: '22P02', message: 'malformed JSON in token' });
});

test('number spellings jose never writes reach jsonb exactly as jsonb_in reads them', async () => {
  const text = '{"a":1.0,"b":1E2,"c":-0,"d":1e-7,"e":123456789012345678901234567890,' +
    '"f":0.1000000000000000055511151231257827,"g":-1.50E+300,"h":[0.0,-0.0,1e0]}';
  const token = await signText(text);
  const rows = await sql('SELECT jwt.verify($1::text, $2::bytea)::text AS got, $3::jsonb::text AS want',
    [token, SECRET, text]);
  assert.equal(rows[0].got, rows[0].want);
});

test('escaped and raw forms of the same strings verify to the same jsonb as jsonb_in gives', async () => {
  const text = '{"s":"\\u00fc\\u6771\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\"\\\\","r":"ü東😀/","\\u006b":"key escaped"}';
  const token = await signText(text);
  const rows = await sql('SELECT jwt.verify($1::text, $2::bytea)::text AS got, $3::jsonb::text AS want',
    [token, SECRET, text]);
  assert.equal(rows[0].got, rows[0].want);
});
