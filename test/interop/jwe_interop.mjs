// jwe_interop.mjs: encrypted tokens (JWE) interoperate with jose both ways,
// for every key management algorithm with every content encryption.
//
// For each of dir, A128/192/256KW, A128/192/256GCMKW, RSA-OAEP, RSA-OAEP-256,
// ECDH-ES and ECDH-ES+A128/192/256KW (on P-256, P-384, P-521, X25519, X448)
// and PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW, times A128/192/256GCM and
// A128CBC-HS256/A192CBC-HS384/A256CBC-HS512:
// - jose EncryptJWT -> jwt.decrypt returns claims deep-equal to what jose
//   encrypted (and, as jsonb, equal to jose's exact plaintext), with
//   audience, issuer and time checks; jose CompactEncrypt of bytes that are
//   not UTF-8 -> jwt.decrypt_raw returns them byte for byte;
// - jwt.encrypt of claims -> jose jwtDecrypt returns them; of bytes -> jose
//   compactDecrypt returns them; the protected header names the algorithms
//   (and the JWK's kid).
// The key forms rotate over the content encryptions, so every algorithm
// meets each: raw secrets as bytea, passwords as text and bytea (PBES2),
// PEM (PKCS#8 to decrypt, SPKI to encrypt), JWKs bound to the algorithm
// (jsonb and text) and key sets with decoys where the token's kid picks
// the key.  ECDH-ES carries apu/apv in half the cases; PBES2 uses jose's
// default p2c (2048) one way and a modest custom p2c the other.  X448 is not
// in jose: its jose tests SKIP with jose's reason and token_ext's own round
// trips cover it.  Nested tokens (sign, then encrypt with cty "JWT") go both
// ways: jose -> jwt.decrypt_and_verify, jwt.sign_and_encrypt -> jose.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  EncryptJWT, CompactEncrypt, jwtDecrypt, compactDecrypt, SignJWT, jwtVerify, importJWK, base64url,
} from 'jose';
import { test, skip } from './lib/tap.mjs';
import { sql, sqlValue, sqlFails } from './lib/db.mjs';
import { richClaims, CHECK_AT } from './lib/claims.mjs';
import {
  ENCS, KEY_MANAGEMENT, CURVES, PASSWORD, decryptForms, encryptForms, joseKeys, joseDecryptOptions,
  joseSupport, headerOf, binaryPayload, bytesFor, keyPair,
} from './lib/jwe.mjs';

const JOSE_DEFAULT_P2C = 2048;
const CUSTOM_P2C = 1500;
const APU = Buffer.from('Alice, the token_ext interop suite', 'utf8');
const APV = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x42]);

const AT = `to_timestamp(${CHECK_AT})`;

// jwt.decrypt with the claim checks; returns { claims, same } (same: the
// jsonb equals the plaintext text jose encrypted).
async function decryptClaims(token, form, enc, claims) {
  const rows = await sql(
    `SELECT v AS claims, v = $5::jsonb AS same
       FROM jwt.decrypt($1::text, $2::${form.sqlType}, alg => $3::text, enc => $4::text,
                        audience => $6::text, issuer => $7::text, at => ${AT}) AS v`,
    [token, form.value, form.alg, enc, JSON.stringify(claims), claims.aud[0], claims.iss]);
  return rows[0];
}

// jwt.decrypt_raw; returns the plaintext bytes.
async function decryptRaw(token, form, enc) {
  const got = await sqlValue(`SELECT jwt.decrypt_raw($1::text, $2::${form.sqlType}, $3::text, $4::text)`,
    [token, form.value, form.alg, enc]);
  assert.ok(Buffer.isBuffer(got), 'decrypt_raw did not return bytea');
  return got;
}

// jwt.encrypt of a payload (its SQL type given) with header extras.
async function encryptInTokenExt(payload, payloadType, form, alg, enc, header = null) {
  return sqlValue(
    `SELECT jwt.encrypt($1::${payloadType}, $2::${form.sqlType}, $3::text, $4::text, $5::jsonb)`,
    [payload, form.value, form.alg ?? null, enc, header === null ? null : JSON.stringify(header)]);
}

// The expected header members token_ext writes: alg, enc, and the JWK's kid.
function assertHeader(token, km, encInfo, form) {
  const h = headerOf(token);
  assert.equal(h.alg, km.alg, 'header alg');
  assert.equal(h.enc, encInfo.enc, 'header enc');
  assert.equal(h.kid, form.kid ?? undefined, 'header kid');
  return h;
}

// One direction jose -> token_ext for (km, encInfo, crv) with decrypt form i.
async function joseToTokenExt(km, encInfo, crv, i, label) {
  const forms = decryptForms(km, encInfo, crv);
  const form = forms[i % forms.length];
  const { encryptKey } = await joseKeys(km, encInfo, crv);
  const header = { alg: km.alg, enc: encInfo.enc, ...(form.kid ? { kid: form.kid } : {}) };
  const kmParams = km.family === 'ecdh' && i % 2 === 1 ? { apu: APU, apv: APV } : null;
  const enc = i % 2 === 0 ? encInfo.enc : null;     // the allowed enc, or any
  const where = `${label} ${encInfo.enc} with a ${form.name}${kmParams ? ', apu/apv' : ''}`;

  const claims = richClaims(`${km.alg} ${encInfo.enc}`);
  let jwt = new EncryptJWT(claims).setProtectedHeader(header);
  if (kmParams) jwt = jwt.setKeyManagementParameters(kmParams);
  const token = await jwt.encrypt(encryptKey);
  const h = headerOf(token);
  if (km.family === 'pbes2') assert.equal(h.p2c, JOSE_DEFAULT_P2C, `${where}: jose's default p2c`);
  if (kmParams) assert.equal(h.apu, base64url.encode(APU), `${where}: jose wrote apu`);
  const plaintext = (await compactDecrypt(token, (await joseKeys(km, encInfo, crv)).decryptKey,
    joseDecryptOptions(km, encInfo))).plaintext;
  const row = await decryptClaims(token, form, enc, claims);
  assert.deepEqual(row.claims, claims, `${where}: claims`);
  assert.equal(row.same, true, `${where}: the jsonb differs from jose's plaintext`);
  assert.equal(JSON.stringify(JSON.parse(Buffer.from(plaintext).toString('utf8'))), JSON.stringify(claims));

  const bytes = binaryPayload(`${km.alg} ${encInfo.enc} ${crv}`);
  let ce = new CompactEncrypt(new Uint8Array(bytes)).setProtectedHeader(header);
  if (kmParams) ce = ce.setKeyManagementParameters(kmParams);
  const raw = await decryptRaw(await ce.encrypt(encryptKey), form, enc);
  assert.equal(raw.toString('hex'), bytes.toString('hex'), `${where}: raw bytes`);
}

// One direction token_ext -> jose for (km, encInfo, crv) with encrypt form i.
async function tokenExtToJose(km, encInfo, crv, i, label) {
  const forms = encryptForms(km, encInfo, crv);
  const form = forms[i % forms.length];
  const { decryptKey } = await joseKeys(km, encInfo, crv);
  const header = {};
  if (km.family === 'pbes2') header.p2c = CUSTOM_P2C;
  if (km.family === 'ecdh' && i % 2 === 1) Object.assign(header, { apu: base64url.encode(APU), apv: base64url.encode(APV) });
  const extra = Object.keys(header).length ? header : null;
  const where = `${label} ${encInfo.enc} with a ${form.name}${header.apu ? ', apu/apv' : ''}`;
  const options = joseDecryptOptions(km, encInfo, { currentDate: new Date(CHECK_AT * 1000) });

  const claims = richClaims(`${km.alg} ${encInfo.enc}`);
  const token = await encryptInTokenExt(JSON.stringify(claims), 'jsonb', form, km.alg, encInfo.enc, extra);
  const h = assertHeader(token, km, encInfo, form);
  if (km.family === 'pbes2') assert.equal(h.p2c, CUSTOM_P2C, `${where}: p2c`);
  if (header.apu) assert.deepEqual([h.apu, h.apv], [header.apu, header.apv], `${where}: apu/apv`);
  const { payload } = await jwtDecrypt(token, decryptKey,
    { ...options, audience: claims.aud[1], issuer: claims.iss });
  assert.deepEqual(payload, claims, `${where}: claims`);

  const bytes = binaryPayload(`${km.alg} ${encInfo.enc} ${crv} back`);
  const rawToken = await encryptInTokenExt(bytes, 'bytea', form, km.alg, encInfo.enc, extra);
  assertHeader(rawToken, km, encInfo, form);
  const { plaintext } = await compactDecrypt(rawToken, decryptKey, options);
  assert.equal(Buffer.from(plaintext).toString('hex'), bytes.toString('hex'), `${where}: raw bytes`);
}

// token_ext encrypts, token_ext decrypts (where jose cannot be the other side).
async function tokenExtRoundTrip(km, encInfo, crv, i, label) {
  const eforms = encryptForms(km, encInfo, crv);
  const dforms = decryptForms(km, encInfo, crv);
  const eform = eforms[i % eforms.length];
  const dform = dforms[(i + 1) % dforms.length];
  const header = i % 2 === 1 ? { apu: base64url.encode(APU), apv: base64url.encode(APV) } : null;
  const where = `${label} ${encInfo.enc}: ${eform.name} -> ${dform.name}`;
  const claims = richClaims(`${km.alg} ${encInfo.enc}`);
  const token = await encryptInTokenExt(JSON.stringify(claims), 'jsonb', eform, km.alg, encInfo.enc, header);
  const h = assertHeader(token, km, encInfo, eform);
  assert.deepEqual([h.epk.kty, h.epk.crv, h.epk.d], ['OKP', crv, undefined], `${where}: epk`);
  const row = await decryptClaims(token, dform, encInfo.enc, claims);
  assert.deepEqual(row.claims, claims, `${where}: claims`);
  const bytes = binaryPayload(`${label} ${encInfo.enc}`);
  const raw = await decryptRaw(await encryptInTokenExt(bytes, 'bytea', eform, km.alg, encInfo.enc, header), dform, null);
  assert.equal(raw.toString('hex'), bytes.toString('hex'), `${where}: raw bytes`);
}

// ---- the matrix ---------------------------------------------------------------

for (const km of KEY_MANAGEMENT.filter((k) => k.family !== 'ecdh')) {
  for (const [i, encInfo] of ENCS.entries()) {
    const reason = await joseSupport(km, encInfo, null);
    const names = [`jose ${km.alg} ${encInfo.enc} -> token_ext jwt.decrypt and jwt.decrypt_raw: exact claims and bytes`,
      `token_ext ${km.alg} ${encInfo.enc} -> jose jwtDecrypt and compactDecrypt: exact claims and bytes`];
    if (reason) {
      for (const n of names) skip(n, reason);
      continue;
    }
    test(names[0], () => joseToTokenExt(km, encInfo, null, i, km.alg));
    test(names[1], () => tokenExtToJose(km, encInfo, null, i, km.alg));
  }
}

for (const km of KEY_MANAGEMENT.filter((k) => k.family === 'ecdh')) {
  for (const crv of CURVES) {
    const label = `${km.alg} ${crv}`;
    const reason = await joseSupport(km, ENCS[0], crv);
    const names = [`jose ${label} -> token_ext, every enc (${ENCS.map((e) => e.enc).join(', ')}): exact claims and bytes`,
      `token_ext ${label} -> jose, every enc: exact claims and bytes`];
    if (reason) {
      for (const n of names) skip(n, reason);
      test(`token_ext ${label} -> token_ext, every enc, every key form, apu/apv in half: exact claims and bytes ` +
        '(jose cannot be the other side)', async () => {
        for (const [i, encInfo] of ENCS.entries()) await tokenExtRoundTrip(km, encInfo, crv, i, label);
      });
      continue;
    }
    test(names[0], async () => {
      for (const [i, encInfo] of ENCS.entries()) await joseToTokenExt(km, encInfo, crv, i, label);
    });
    test(names[1], async () => {
      for (const [i, encInfo] of ENCS.entries()) await tokenExtToJose(km, encInfo, crv, i, label);
    });
  }
}

// ---- particular cases ------------------------------------------------------------

const PBES2 = KEY_MANAGEMENT.find((k) => k.alg === 'PBES2-HS512+A256KW');
const A128GCM = ENCS[0];

test('jose PBES2-HS512+A256KW with a custom p2c (4100) and 16-byte p2s -> jwt.decrypt_raw with the text password',
  async () => {
    const p2s = bytesFor('p2s', 16);
    const bytes = binaryPayload('custom p2c');
    const token = await new CompactEncrypt(new Uint8Array(bytes))
      .setProtectedHeader({ alg: PBES2.alg, enc: 'A128CBC-HS256' })
      .setKeyManagementParameters({ p2c: 4100, p2s: new Uint8Array(p2s) })
      .encrypt(new TextEncoder().encode(PASSWORD));
    assert.deepEqual([headerOf(token).p2c, headerOf(token).p2s], [4100, base64url.encode(p2s)]);
    const raw = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::text, $3::text)', [token, PASSWORD, PBES2.alg]);
    assert.equal(raw.toString('hex'), bytes.toString('hex'));
  });

test('token_ext PBES2 with its default p2c -> jose decrypts (p2c an integer between 1000 and token_ext.max_pbes2_count)',
  async () => {
    const token = await sqlValue('SELECT jwt.encrypt($1::bytea, $2::text, $3::text, \'A256GCM\')',
      [Buffer.from('default p2c'), PASSWORD, 'PBES2-HS256+A128KW']);
    const { p2c, p2s } = headerOf(token);
    const max = Number(await sqlValue('SHOW token_ext.max_pbes2_count'));
    assert.ok(Number.isInteger(p2c) && p2c >= 1000 && p2c <= max, `p2c ${p2c}`);
    assert.ok(Buffer.from(base64url.decode(p2s)).length >= 8, 'p2s of at least 8 bytes');
    const { plaintext } = await compactDecrypt(token, new TextEncoder().encode(PASSWORD),
      { keyManagementAlgorithms: ['PBES2-HS256+A128KW'], maxPBES2Count: p2c });
    assert.equal(Buffer.from(plaintext).toString('utf8'), 'default p2c');
  });

test('PBES2 password with no alg argument is refused (PBES2 is never implied by a key): algorithm not allowed',
  async () => {
    const token = await new CompactEncrypt(new Uint8Array([1, 2, 3]))
      .setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
      .encrypt(new TextEncoder().encode(PASSWORD));
    await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::text)', [token, PASSWORD],
      { code: '22023', message: 'algorithm not allowed',
        detail: 'The token\'s key management is PBES2-HS256+A128KW; the allowed algorithms are dir.' });
  });

test('jwt.encrypt of text -> jose compactDecrypt returns its UTF-8 bytes (dir A256GCM, bytea key)', async () => {
  const text = 'Grüße, 世界 ✓ "quoted" \\ and no JSON';
  const key = bytesFor('text payload', 32);
  const token = await sqlValue('SELECT jwt.encrypt($1::text, $2::bytea, \'dir\', \'A256GCM\')', [text, key]);
  const { plaintext } = await compactDecrypt(token, new Uint8Array(key));
  assert.equal(Buffer.from(plaintext).toString('utf8'), text);
});

test('jwt.encrypt with no alg and enc and a 32-byte secret -> dir A256GCM, which jose decrypts', async () => {
  const key = bytesFor('defaults', 32);
  const token = await sqlValue('SELECT jwt.encrypt(\'{"sub":"defaults"}\'::jsonb, $1::bytea)', [key]);
  assert.deepEqual(headerOf(token), { alg: 'dir', enc: 'A256GCM' });
  const { payload } = await jwtDecrypt(token, new Uint8Array(key));
  assert.deepEqual(payload, { sub: 'defaults' });
});

test('RSA-OAEP-256 and RSA-OAEP with a 3072-bit key (made once) both ways', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  for (const alg of ['RSA-OAEP-256', 'RSA-OAEP']) {
    const bytes = binaryPayload(`3072 ${alg}`);
    const t1 = await new CompactEncrypt(new Uint8Array(bytes)).setProtectedHeader({ alg, enc: 'A256GCM' })
      .encrypt(await importJWK(pub, alg));
    assert.equal(Buffer.from(base64url.decode(t1.split('.')[1])).length, 384, 'a 3072-bit encrypted key');
    const raw = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::jsonb, $3::text)', [t1, JSON.stringify(priv), alg]);
    assert.equal(raw.toString('hex'), bytes.toString('hex'), `jose -> token_ext ${alg}`);
    const t2 = await sqlValue('SELECT jwt.encrypt($1::bytea, $2::jsonb, $3::text, \'A256CBC-HS512\')',
      [bytes, JSON.stringify(pub), alg]);
    const { plaintext } = await compactDecrypt(t2, await importJWK(priv, alg));
    assert.equal(Buffer.from(plaintext).toString('hex'), bytes.toString('hex'), `token_ext -> jose ${alg}`);
  }
});

// ---- nested: sign, then encrypt with cty "JWT" -----------------------------------

// Signing keys of the nested cases: SQL form of the verifying and signing key, jose's keys.
async function signingKey(sigAlg) {
  if (sigAlg === 'HS256') {
    const s = bytesFor('nested hs256', 32);
    return { sqlType: 'bytea', verifyValue: s, signValue: s, joseSign: new Uint8Array(s), joseVerify: new Uint8Array(s) };
  }
  const type = { RS256: 'RSA', PS384: 'RSA', ES256: 'P-256', EdDSA: 'Ed25519' }[sigAlg];
  const p = keyPair(type);
  const jwkPub = { ...p.publicJwk, kid: `sig-${sigAlg}` };
  const jwkPriv = { ...p.privateJwk, kid: `sig-${sigAlg}` };
  const pem = sigAlg === 'RS256';   // one case with PEM, the others JWK
  return {
    sqlType: pem ? 'text' : 'jsonb',
    verifyValue: pem ? p.spkiPem : JSON.stringify(jwkPub),
    signValue: pem ? p.pkcs8Pem : JSON.stringify(jwkPriv),
    joseSign: await importJWK(p.privateJwk, sigAlg),
    joseVerify: await importJWK(p.publicJwk, sigAlg),
  };
}

const NESTED = [
  { sigAlg: 'HS256', alg: 'dir', enc: 'A256GCM' },
  { sigAlg: 'RS256', alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' },
  { sigAlg: 'ES256', alg: 'ECDH-ES+A256KW', enc: 'A192GCM', crv: 'P-384' },
  { sigAlg: 'EdDSA', alg: 'ECDH-ES', enc: 'A256CBC-HS512', crv: 'X25519' },
  { sigAlg: 'PS384', alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' },
  { sigAlg: 'HS256', alg: 'A192GCMKW', enc: 'A192CBC-HS384' },
];

for (const n of NESTED) {
  const km = KEY_MANAGEMENT.find((k) => k.alg === n.alg);
  const encInfo = ENCS.find((e) => e.enc === n.enc);
  const label = `${n.sigAlg} inside ${n.alg}${n.crv ? ` (${n.crv})` : ''} ${n.enc}`;

  test(`nested ${label}: jose signs then encrypts (cty JWT) -> jwt.decrypt_and_verify returns the claims`, async () => {
    const sk = await signingKey(n.sigAlg);
    const claims = richClaims(label);
    const jws = await new SignJWT(claims).setProtectedHeader({ alg: n.sigAlg, typ: 'JWT' }).sign(sk.joseSign);
    const { encryptKey } = await joseKeys(km, encInfo, n.crv);
    const token = await new CompactEncrypt(new TextEncoder().encode(jws))
      .setProtectedHeader({ alg: n.alg, enc: n.enc, cty: 'JWT' }).encrypt(encryptKey);
    const dform = decryptForms(km, encInfo, n.crv)[0];
    const rows = await sql(
      `SELECT v AS claims, v = $9::jsonb AS same
         FROM jwt.decrypt_and_verify($1::text, $2::${dform.sqlType}, $3::${sk.sqlType}, sign_alg => $4::text,
                                     alg => $5::text, enc => $6::text, audience => $7::text, issuer => $8::text,
                                     required => '{sub,exp}', at => ${AT}) AS v`,
      [token, dform.value, sk.verifyValue, n.sigAlg, dform.alg, n.enc, claims.aud[0], claims.iss,
        JSON.stringify(claims)]);
    assert.deepEqual(rows[0].claims, claims);
    assert.equal(rows[0].same, true);
  });

  test(`nested ${label}: jwt.sign_and_encrypt -> jose decrypts (cty JWT), then verifies the inner JWT`, async () => {
    const sk = await signingKey(n.sigAlg);
    const claims = richClaims(label);
    const eform = encryptForms(km, encInfo, n.crv)[0];
    const token = await sqlValue(
      `SELECT jwt.sign_and_encrypt($1::jsonb, $2::${sk.sqlType}, $3::${eform.sqlType}, $4::text, $5::text, $6::text)`,
      [JSON.stringify(claims), sk.signValue, eform.value, n.sigAlg, n.alg, n.enc]);
    const { decryptKey } = await joseKeys(km, encInfo, n.crv);
    const { plaintext, protectedHeader } = await compactDecrypt(token, decryptKey, joseDecryptOptions(km, encInfo));
    assert.deepEqual([protectedHeader.alg, protectedHeader.enc, protectedHeader.cty], [n.alg, n.enc, 'JWT']);
    const inner = new TextDecoder().decode(plaintext);
    assert.equal(inner.split('.').length, 3, 'the plaintext is a compact JWS');
    const { payload, protectedHeader: ih } = await jwtVerify(inner, sk.joseVerify, {
      algorithms: [n.sigAlg], currentDate: new Date(CHECK_AT * 1000), audience: claims.aud[1], issuer: claims.iss,
    });
    assert.equal(ih.alg, n.sigAlg);
    assert.deepEqual(payload, claims);
  });
}

test('nested with every default: jwt.sign_and_encrypt(claims, HS256 secret, 32-byte secret) -> dir A256GCM ' +
    'around HS256, which jose decrypts and verifies', async () => {
  const signKey = bytesFor('nested defaults sign', 32);
  const encKey = bytesFor('nested defaults enc', 32);
  const token = await sqlValue('SELECT jwt.sign_and_encrypt(\'{"sub":"nested"}\'::jsonb, $1::bytea, $2::bytea)',
    [signKey, encKey]);
  const { plaintext, protectedHeader } = await compactDecrypt(token, new Uint8Array(encKey));
  assert.deepEqual(protectedHeader, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
  const { payload, protectedHeader: ih } = await jwtVerify(new TextDecoder().decode(plaintext), new Uint8Array(signKey));
  assert.equal(ih.alg, 'HS256');
  assert.deepEqual(payload, { sub: 'nested' });
});
