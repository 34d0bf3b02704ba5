// jwe_tampering.mjs: tampered jose JWEs fail alike, and PBES2 work is bounded.
//
// A decryption must not tell an attacker which part of a token was wrong:
// a padding, MAC, tag, key-unwrap or OAEP failure would otherwise be an
// oracle (Bleichenbacher/Manger on RSA, Vaudenay on CBC).  So for jose
// tokens of every key management family (dir, AES-KW, AES-GCM-KW, RSA-OAEP,
// RSA-OAEP-256, ECDH-ES direct and with key wrap on P-256, P-521 and
// X25519, PBES2), with GCM and CBC-HMAC content encryption, each tampering
// (tag bit flipped or truncated, ciphertext's first or last byte flipped or
// its last block cut, IV flipped, encrypted key flipped, truncated or
// added where it must be empty, ciphertext of another token, a wrong key,
// and the header's key-management members: GCM-KW's "tag", ECDH's "epk",
// PBES2's "p2s") must fail with the one error: 28000 "decryption failed",
// DETAIL "The token could not be decrypted with the given key."  jose must
// refuse each tampered token too (so the tampering is real).
// A jose PBES2 token asking for more PBKDF2 iterations than
// token_ext.max_pbes2_count (310000) is refused with 54000 before any
// PBKDF2 work: far faster than decrypting one at the limit, which works.

import assert from 'node:assert/strict';
import { CompactEncrypt, compactDecrypt, importJWK, base64url, errors } from 'jose';
import { test } from './lib/tap.mjs';
import { sql, sqlValue, sqlFails } from './lib/db.mjs';
import {
  ENCS, KEY_MANAGEMENT, PASSWORD, decryptForms, joseKeys, joseDecryptOptions, bytesFor, headerOf, decoyPublicJwk,
} from './lib/jwe.mjs';

const DECRYPT_FAILED = {
  code: '28000', message: 'decryption failed', detail: 'The token could not be decrypted with the given key.',
};

const CASES = [
  ['dir', 'A128GCM'], ['dir', 'A128CBC-HS256'], ['A128KW', 'A256GCM'], ['A256KW', 'A256CBC-HS512'],
  ['A256GCMKW', 'A192CBC-HS384'], ['RSA-OAEP', 'A128GCM'], ['RSA-OAEP-256', 'A256CBC-HS512'],
  ['ECDH-ES', 'A128GCM', 'P-256'], ['ECDH-ES+A192KW', 'A128CBC-HS256', 'P-521'],
  ['ECDH-ES+A256KW', 'A256GCM', 'X25519'], ['PBES2-HS256+A128KW', 'A192GCM'],
].map(([alg, enc, crv]) => ({
  km: KEY_MANAGEMENT.find((k) => k.alg === alg), encInfo: ENCS.find((e) => e.enc === enc), crv,
  label: `${alg}${crv ? ` (${crv})` : ''} ${enc}`,
}));

const PLAINTEXT = new TextEncoder().encode('{"sub":"tamper target","n":12345,"pad":"0123456789abcdef0123456789"}');

// A jose token of the case, and the parts of it.
async function joseToken(c, plaintext = PLAINTEXT) {
  const { encryptKey } = await joseKeys(c.km, c.encInfo, c.crv);
  return new CompactEncrypt(plaintext).setProtectedHeader({ alg: c.km.alg, enc: c.encInfo.enc }).encrypt(encryptKey);
}

const seg = (token) => token.split('.');
const dec = (s) => Buffer.from(base64url.decode(s));
const enc = (b) => base64url.encode(b);

// A copy of bytes b with bit 0 of byte i (negative: from the end) flipped.
function flip(b, i) {
  const out = Buffer.from(b);
  const at = i < 0 ? out.length + i : i;
  out[at] ^= 1;
  return out;
}

// Replace segment n of token by f(its bytes).
function withSegment(token, n, f) {
  const parts = seg(token);
  parts[n] = enc(f(dec(parts[n])));
  return parts.join('.');
}

// The token with its protected header replaced by h(header) (re-encoded).
function withHeader(token, h) {
  const parts = seg(token);
  parts[0] = enc(Buffer.from(JSON.stringify(h(headerOf(token)))));
  return parts.join('.');
}

// The tamperings that apply to a case: [name, async (token) -> tampered token].
function tamperings(c) {
  const list = [
    ['tag: last bit flipped', (t) => withSegment(t, 4, (b) => flip(b, -1))],
    ['tag: truncated to half', (t) => withSegment(t, 4, (b) => b.subarray(0, b.length / 2))],
    ['ciphertext: first byte flipped', (t) => withSegment(t, 3, (b) => flip(b, 0))],
    ['ciphertext: last byte flipped (the CBC padding block)', (t) => withSegment(t, 3, (b) => flip(b, -1))],
    ['ciphertext: last 16 bytes cut', (t) => withSegment(t, 3, (b) => b.subarray(0, b.length - 16))],
    ['IV: first bit flipped', (t) => withSegment(t, 2, (b) => flip(b, 0))],
    ['ciphertext and tag of another token under the same key', async (t) => {
      const other = seg(await joseToken(c, new TextEncoder().encode('{"sub":"another token, same key!!"}')));
      const parts = seg(t);
      parts[3] = other[3];
      parts[4] = other[4];
      return parts.join('.');
    }],
  ];
  const ekEmpty = c.km.family === 'dir' || c.km.alg === 'ECDH-ES';
  if (ekEmpty) {
    list.push(['encrypted key: 24 bytes where it must be empty', (t) => withSegment(t, 1, () => bytesFor('ek', 24))]);
  } else {
    list.push(['encrypted key: first bit flipped', (t) => withSegment(t, 1, (b) => flip(b, 0))]);
    list.push(['encrypted key: last bit flipped', (t) => withSegment(t, 1, (b) => flip(b, -1))]);
    list.push(['encrypted key: last 8 bytes cut', (t) => withSegment(t, 1, (b) => b.subarray(0, b.length - 8))]);
  }
  if (c.km.family === 'aesgcmkw') {
    list.push(['header "tag" (of the key wrap) flipped', (t) => withHeader(t, (h) => ({ ...h, tag: enc(flip(dec(h.tag), 0)) }))]);
  }
  if (c.km.family === 'ecdh') {
    list.push(['header "epk" replaced by another valid public key of the curve',
      (t) => withHeader(t, (h) => ({ ...h, epk: decoyPublicJwk(c.crv) }))]);
  }
  if (c.km.family === 'pbes2') {
    list.push(['header "p2s" flipped', (t) => withHeader(t, (h) => ({ ...h, p2s: enc(flip(dec(h.p2s), 0)) }))]);
  }
  return list;
}

// Decrypt token with form in token_ext (decrypt_raw and decrypt): the uniform failure.
async function assertDecryptFails(token, form) {
  await sqlFails(`SELECT jwt.decrypt_raw($1::text, $2::${form.sqlType}, $3::text)`, [token, form.value, form.alg], DECRYPT_FAILED);
  await sqlFails(`SELECT jwt.decrypt($1::text, $2::${form.sqlType}, $3::text)`, [token, form.value, form.alg], DECRYPT_FAILED);
}

// jose must refuse token with key too.
async function assertJoseRefuses(c, token, key) {
  let err = null;
  try {
    await compactDecrypt(token, key, joseDecryptOptions(c.km, c.encInfo));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof errors.JOSEError, `jose did not refuse the token with a JOSE error: ${err}`);
}

// Another private key of this type, made by token_ext once per type (RSA key generation is slow).
const wrongKeys = new Map();
function wrongPrivateJwk(kind) {
  if (!wrongKeys.has(kind)) wrongKeys.set(kind, sqlValue('SELECT jwt.generate_key($1::text)', [kind]));
  return wrongKeys.get(kind);
}

for (const c of CASES) {
  for (const [name, tamper] of tamperings(c)) {
    test(`tampered jose ${c.label}, ${name}: jwt.decrypt_raw and jwt.decrypt fail alike (28000 decryption ` +
      'failed); jose refuses it too', async () => {
      const original = await joseToken(c);
      const form = decryptForms(c.km, c.encInfo, c.crv)[0];
      // the untampered token decrypts with this key: the failure is the tampering's
      const plain = await sqlValue(`SELECT jwt.decrypt_raw($1::text, $2::${form.sqlType}, $3::text)`,
        [original, form.value, form.alg]);
      assert.deepEqual(new Uint8Array(plain), PLAINTEXT);
      const t = await tamper(original);
      assert.notEqual(t, original, 'the tampering changed nothing');
      await assertDecryptFails(t, form);
      await assertJoseRefuses(c, t, (await joseKeys(c.km, c.encInfo, c.crv)).decryptKey);
    });
  }

  test(`jose ${c.label} decrypted with a wrong key of the same kind: 28000 decryption failed; jose refuses it too`,
    async () => {
      const t = await joseToken(c);
      const right = decryptForms(c.km, c.encInfo, c.crv)[0];
      let form;
      let joseKey;
      if (c.km.family === 'pbes2') {
        form = { ...right, value: `${PASSWORD}!` };
        joseKey = new TextEncoder().encode(`${PASSWORD}!`);
      } else if (right.sqlType === 'bytea') {
        const wrong = bytesFor(`wrong ${c.label}`, right.value.length);
        form = { ...right, value: wrong };
        joseKey = new Uint8Array(wrong);
      } else {
        const jwk = await wrongPrivateJwk(c.km.family === 'rsa' ? 'RSA' : c.crv);
        form = { sqlType: 'jsonb', value: JSON.stringify(jwk), alg: c.km.alg };
        joseKey = await importJWK(jwk, c.km.alg);
      }
      await assertDecryptFails(t, form);
      await assertJoseRefuses(c, t, joseKey);
    });
}

// ---- PBES2 iteration bound -----------------------------------------------------

const LIMIT_DETAIL = (n) => `PBES2 iteration counts are limited to ${n} (token_ext.max_pbes2_count).`;

// A jose PBES2-HS256+A128KW token of bytes with this p2c.
function pbes2Token(p2c, bytes = new Uint8Array([7, 7, 7])) {
  return new CompactEncrypt(bytes).setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' })
    .setKeyManagementParameters({ p2c }).encrypt(new TextEncoder().encode(PASSWORD));
}

test('token_ext.max_pbes2_count is 310000 by default', async () => {
  assert.equal(await sqlValue('SHOW token_ext.max_pbes2_count'), '310000');
});

test('jose PBES2 token with p2c 310001 (one above token_ext.max_pbes2_count) is refused with 54000, before any ' +
    'PBKDF2 work: much faster than decrypting one with p2c 310000, which works', async () => {
  const atLimit = await pbes2Token(310000);
  const above = await pbes2Token(310001);
  assert.equal(headerOf(above).p2c, 310001);
  let start = process.hrtime.bigint();
  const plain = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::text, \'PBES2-HS256+A128KW\')', [atLimit, PASSWORD]);
  const acceptMs = Number(process.hrtime.bigint() - start) / 1e6;
  assert.deepEqual([...plain], [7, 7, 7]);
  start = process.hrtime.bigint();
  await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::text, \'PBES2-HS256+A128KW\')', [above, PASSWORD],
    { code: '54000', message: 'input exceeds a limit', detail: LIMIT_DETAIL(310000) });
  const refuseMs = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(refuseMs < acceptMs / 3,
    `the refusal took ${refuseMs.toFixed(1)} ms, decrypting at the limit ${acceptMs.toFixed(1)} ms: PBKDF2 ran?`);
  await sqlFails('SELECT jwt.decrypt($1::text, $2::text, \'PBES2-HS256+A128KW\')', [above, PASSWORD],
    { code: '54000', message: 'input exceeds a limit', detail: LIMIT_DETAIL(310000) });
});

test('jose PBES2 token with p2c 10000000 is refused with 54000 even with the wrong password', async () => {
  // jose would take seconds to make such a token: take a valid one and raise its p2c (the
  // header is then not authentic, but the bound is checked before anything else)
  const t = withHeader(await pbes2Token(2048), (h) => ({ ...h, p2c: 10000000 }));
  await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::text, \'PBES2-HS256+A128KW\')', [t, 'not the password'],
    { code: '54000', message: 'input exceeds a limit', detail: LIMIT_DETAIL(310000) });
});

test('SET token_ext.max_pbes2_count = 5000: jose\'s default p2c 2048 decrypts, p2c 6000 is refused naming 5000',
  async () => {
    await sql('SET token_ext.max_pbes2_count = 5000');
    try {
      const ok = await pbes2Token(2048, new Uint8Array([1]));
      assert.equal(headerOf(ok).p2c, 2048);
      const plain = await sqlValue('SELECT jwt.decrypt_raw($1::text, $2::text, \'PBES2-HS256+A128KW\')', [ok, PASSWORD]);
      assert.deepEqual([...plain], [1]);
      await sqlFails('SELECT jwt.decrypt_raw($1::text, $2::text, \'PBES2-HS256+A128KW\')', [await pbes2Token(6000), PASSWORD],
        { code: '54000', message: 'input exceeds a limit', detail: LIMIT_DETAIL(5000) });
    } finally {
      await sql('RESET token_ext.max_pbes2_count');
    }
  });
