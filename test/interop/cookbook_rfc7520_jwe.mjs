// cookbook_rfc7520_jwe.mjs: the RFC 7520 (JOSE cookbook) encryption vectors.
//
// - 5.2 (RSA-OAEP, A256GCM), 5.3 (PBES2-HS512+A256KW with a password,
//   A128CBC-HS256), 5.4 (ECDH-ES+A128KW on P-384, A128GCM), 5.5 (ECDH-ES on
//   P-256, A128CBC-HS256), 5.6 (dir, A128GCM), 5.7 (A256GCMKW,
//   A128CBC-HS256), 5.8 (A128KW, A128GCM) and curve25519/ecdh-es.json
//   (ECDH-ES on X25519): the given compact output decrypts with
//   jwt.decrypt_raw and the file's key to exactly the file's plaintext, and
//   jose decrypts the same vector to the same bytes.
// - 5.1 (RSA1_5) is refused whatever the key: Bleichenbacher's padding
//   oracle; 5.9 (zip "DEF") is refused: compression is not supported,
//   while jose decrypts and inflates it (on a Node whose DecompressionStream
//   lacks "deflate-raw", Node 18, that cross-check SKIPs with the reason).
// - 5.10 (AAD), 5.11 and 5.12 (unprotected header members) and 5.13 (three
//   recipients) exist only in the JSON serializations, which a compact token
//   cannot express: they SKIP with that reason, read from the file.
// - Section 6 (a PS256 JWT inside RSA-OAEP, A128GCM): jwt.decrypt_and_verify
//   with both keys returns the claims (checked at a time before its exp),
//   and jose decrypts and verifies it too.
// The vectors are read from the shared folder at run time; without it
// every test here SKIPs.

import assert from 'node:assert/strict';
import { importJWK, compactDecrypt, compactVerify, errors } from 'jose';
import { test, skip } from './lib/tap.mjs';
import { lacksDeflateRaw } from './lib/node_compat.mjs';
import { sqlValue, sqlFails } from './lib/db.mjs';
import { cookbookDir, readCookbook, COOKBOOK_DIR } from './lib/shared.mjs';

const FILES = {
  '5.1': 'jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json',
  '5.2': 'jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json',
  '5.3': 'jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json',
  '5.4': 'jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json',
  '5.5': 'jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json',
  '5.6': 'jwe/5_6.direct_encryption_using_aes-gcm.json',
  '5.7': 'jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json',
  '5.8': 'jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json',
  '5.9': 'jwe/5_9.compressed_content.json',
  '5.10': 'jwe/5_10.including_additional_authentication_data.json',
  '5.11': 'jwe/5_11.protecting_specific_header_fields.json',
  '5.12': 'jwe/5_12.protecting_content_only.json',
  '5.13': 'jwe/5_13.encrypting_to_multiple_recipients.json',
  'curve25519': 'curve25519/ecdh-es.json',
  '6': '6.nesting_signatures_and_encryption.json',
};

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const publicOnly = (jwk) => Object.fromEntries(Object.entries(jwk).filter(([m]) => !PRIVATE_MEMBERS.includes(m)));

const tests = [];
// Register a test; lacks, when not null, is why this Node cannot run it (it then SKIPs).
const add = (name, fn, lacks = null) => tests.push([name, fn, lacks]);

// The key of a vector as token_ext takes it: { sqlType, value, alg arg }.
// A password is text with the algorithm named (PBES2 is never implied).
function sqlKey(v) {
  if (v.input.pwd !== undefined) return { sqlType: 'text', value: v.input.pwd, alg: v.input.alg };
  return { sqlType: 'jsonb', value: JSON.stringify(v.input.key), alg: null };
}

// jose's decryption key and options for a vector.
async function joseKey(v) {
  if (v.input.pwd !== undefined) return new TextEncoder().encode(v.input.pwd);
  if (v.input.key.kty === 'oct') return importJWK({ ...v.input.key, alg: undefined }, v.input.alg);
  return importJWK(v.input.key, v.input.alg);
}

const DECRYPTABLE = [
  ['5.2', 'RSA-OAEP, A256GCM, the JWK (bound to RSA-OAEP) as jsonb'],
  ['5.3', 'PBES2-HS512+A256KW, A128CBC-HS256, the password as text with the alg named'],
  ['5.4', 'ECDH-ES+A128KW on P-384, A128GCM, the JWK as jsonb'],
  ['5.5', 'ECDH-ES on P-256, A128CBC-HS256, the JWK as jsonb'],
  ['5.6', 'dir, A128GCM, the JWK (bound to A128GCM) as jsonb'],
  ['5.7', 'A256GCMKW, A128CBC-HS256, the JWK as jsonb'],
  ['5.8', 'A128KW, A128GCM, the JWK as jsonb'],
  ['curve25519', 'curve25519/ecdh-es.json: ECDH-ES on X25519, A128GCM, the JWK as jsonb'],
];

for (const [section, what] of DECRYPTABLE) {
  const title = section === 'curve25519' ? what : `RFC 7520 ${section} (${what})`;

  add(`${title}: jwt.decrypt_raw(output.compact) returns exactly input.plaintext`, async () => {
    const v = readCookbook(FILES[section]);
    assert.equal(typeof v.output.compact, 'string', 'the file has a compact output');
    const k = sqlKey(v);
    const got = await sqlValue(`SELECT jwt.decrypt_raw($1::text, $2::${k.sqlType}, $3::text)`,
      [v.output.compact, k.value, k.alg]);
    assert.equal(got.toString('utf8'), v.input.plaintext);
    assert.equal(got.toString('hex'), Buffer.from(v.input.plaintext, 'utf8').toString('hex'));
  });

  add(`${title}: jose compactDecrypt of the same vector gives the same plaintext (cross-check)`, async () => {
    const v = readCookbook(FILES[section]);
    const { plaintext, protectedHeader } = await compactDecrypt(v.output.compact, await joseKey(v),
      { keyManagementAlgorithms: [v.input.alg], maxPBES2Count: 10000 });
    assert.equal(protectedHeader.alg, v.input.alg);
    assert.equal(Buffer.from(plaintext).toString('utf8'), v.input.plaintext);
  });
}

add('RFC 7520 5.6: the dir key as raw bytea (16 bytes: dir implied) decrypts too, and the enc argument ' +
    '\'A128GCM\' allows it', async () => {
  const v = readCookbook(FILES['5.6']);
  const secret = Buffer.from(v.input.key.k, 'base64url');
  const got = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::bytea, NULL, \'A128GCM\')', [v.output.compact, secret]);
  assert.equal(got.toString('utf8'), v.input.plaintext);
});

add('RFC 7520 5.3: the password as bytea with the alg named decrypts too; without the alg it is refused',
  async () => {
    const v = readCookbook(FILES['5.3']);
    const pw = Buffer.from(v.input.pwd, 'utf8');
    const got = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::bytea, $3::text)', [v.output.compact, pw, v.input.alg]);
    assert.equal(got.toString('utf8'), v.input.plaintext);
    await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::text)', [v.output.compact, v.input.pwd],
      { code: '22023', message: 'algorithm not allowed' });
  });

add('RFC 7520 5.1 (RSA1_5): refused with the exact error, with and without naming the algorithm; ' +
    'jose refuses it too', async () => {
  const v = readCookbook(FILES['5.1']);
  assert.equal(v.input.alg, 'RSA1_5');
  const expected = {
    code: '22023', message: 'unsupported algorithm',
    detail: 'RSA1_5 is refused: its padding oracle (Bleichenbacher) cannot be closed.',
  };
  await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::jsonb)', [v.output.compact, JSON.stringify(v.input.key)], expected);
  await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::jsonb, \'RSA-OAEP,RSA-OAEP-256\')',
    [v.output.compact, JSON.stringify(v.input.key)], expected);
  let err = null;
  try {
    await compactDecrypt(v.output.compact, await importJWK(v.input.key, 'RSA-OAEP'));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof errors.JOSEError, `jose should refuse RSA1_5, got ${err}`);
});

add('RFC 7520 5.9 (zip "DEF"): refused with the exact error (compression is not supported)', async () => {
  const v = readCookbook(FILES['5.9']);
  assert.equal(v.encrypting_content.protected.zip, 'DEF');
  await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::jsonb)', [v.output.compact, JSON.stringify(v.input.key)],
    { code: '0A000', message: 'unsupported feature', detail: 'Compressed JWE ("zip") is not supported.' });
});

add('RFC 7520 5.9: jose (cross-check) decrypts and inflates it to exactly input.plaintext: the vector is sound, ' +
    'token_ext refuses it only for "zip"', async () => {
  const v = readCookbook(FILES['5.9']);
  const { plaintext, protectedHeader } = await compactDecrypt(v.output.compact, await joseKey(v));
  assert.equal(protectedHeader.zip, 'DEF');
  assert.equal(Buffer.from(plaintext).toString('utf8'), v.input.plaintext);
}, lacksDeflateRaw);

// ---- section 6: nesting --------------------------------------------------------

add('RFC 7520 6 (PS256 JWT inside RSA-OAEP, A128GCM): jwt.decrypt_and_verify with both JWKs returns the claims ' +
    'at a time before exp', async () => {
  const v = readCookbook(FILES['6']);
  const claims = JSON.parse(v.sign.input.payload);
  const got = await sqlValue(
    `SELECT jwt.decrypt_and_verify($1::text, $2::jsonb, $3::jsonb, sign_alg => 'PS256', enc => 'A128GCM',
                                   issuer => 'hobbiton.example', at => to_timestamp($4::float8))`,
    [v.encrypt.output.compact, JSON.stringify(v.encrypt.input.key), JSON.stringify(publicOnly(v.sign.input.key)),
      claims.exp - 60]);
  assert.deepEqual(got, claims);
});

add('RFC 7520 6: after exp the same call fails: token has expired', async () => {
  const v = readCookbook(FILES['6']);
  const claims = JSON.parse(v.sign.input.payload);
  await sqlFails(
    `SELECT jwt.decrypt_and_verify($1::text, $2::jsonb, $3::jsonb, sign_alg => 'PS256',
                                   at => to_timestamp($4::float8))`,
    [v.encrypt.output.compact, JSON.stringify(v.encrypt.input.key), JSON.stringify(publicOnly(v.sign.input.key)),
      claims.exp + 60],
    { code: '28000', message: 'token has expired' });
});

add('RFC 7520 6: jwt.decrypt_raw gives exactly the inner compact JWS (sign.output.compact)', async () => {
  const v = readCookbook(FILES['6']);
  const got = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::jsonb)',
    [v.encrypt.output.compact, JSON.stringify(v.encrypt.input.key)]);
  assert.equal(got.toString('utf8'), v.sign.output.compact);
  assert.equal(got.toString('utf8'), v.encrypt.input.plaintext);
});

add('RFC 7520 6: jose decrypts and verifies the same vector (cross-check)', async () => {
  const v = readCookbook(FILES['6']);
  const { plaintext, protectedHeader } = await compactDecrypt(v.encrypt.output.compact,
    await importJWK(v.encrypt.input.key, 'RSA-OAEP'));
  assert.equal(protectedHeader.cty, 'JWT');
  const { payload } = await compactVerify(new TextDecoder().decode(plaintext),
    await importJWK(publicOnly(v.sign.input.key), 'PS256'));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), JSON.parse(v.sign.input.payload));
});

// ---- vectors with no compact form -------------------------------------------

// Why a JSON-only vector has no compact form, from what the file holds.
function noCompactReason(section) {
  const v = readCookbook(FILES[section]);
  if (v.output.compact !== undefined) return null;
  const json = v.output.json;
  const parts = [];
  if (json.aad !== undefined) parts.push('"aad" (additional authenticated data)');
  if (json.unprotected !== undefined) parts.push(`an unprotected header (${Object.keys(json.unprotected).join(', ')})`);
  if (json.recipients && json.recipients.length > 1) {
    parts.push(`${json.recipients.length} recipients (${json.recipients.map((r) => r.header.alg).join(', ')})`);
  }
  return `RFC 7520 ${section} has no compact output, only the JSON serializations, with ` +
    `${parts.join(' and ')}, which the compact serialization token_ext reads cannot carry`;
}

const dir = cookbookDir();
for (const [name, fn, lacks] of tests) {
  if (!dir) skip(name, `no RFC 7520 cookbook at ${COOKBOOK_DIR} (set TOKEN_EXT_SHARED)`);
  else if (lacks !== null) skip(name, lacks);
  else test(name, fn);
}
for (const section of ['5.10', '5.11', '5.12', '5.13']) {
  const name = `RFC 7520 ${section}: decrypt a compact form of the vector`;
  if (!dir) {
    skip(name, `no RFC 7520 cookbook at ${COOKBOOK_DIR} (set TOKEN_EXT_SHARED)`);
    continue;
  }
  const reason = noCompactReason(section);
  if (reason) skip(name, reason);
  else {
    test(name, async () => {
      const v = readCookbook(FILES[section]);
      const got = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::jsonb)', [v.output.compact, JSON.stringify(v.input.key)]);
      assert.equal(got.toString('utf8'), v.input.plaintext);
    });
  }
}
