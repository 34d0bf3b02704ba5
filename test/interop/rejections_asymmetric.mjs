// rejections_asymmetric.mjs: asymmetric tokens that must fail do fail.
//
// - wrong key: for every asymmetric algorithm, a token jose (or Node, where
//   jose lacks it) signs with key A must not verify with key B of the same
//   type and curve: 28000 signature verification failed.
// - curve confusion: a jose ES256 token checked with a P-384 key is refused
//   as "algorithm not allowed", whether the algorithm comes from the key or
//   the caller names ES256.
// - RSA-PSS salt length: RFC 7518 3.5 fixes the salt at the hash size.  A
//   PS256 JWS built by hand with Node's crypto and a salt of length 0 must
//   fail with "signature verification failed" (a verifier that lets OpenSSL
//   auto-detect the salt would accept it); the same construction with the
//   32-byte salt verifies, so the failure is the salt and nothing else.
// - algorithm/key-type mismatches: an RS256 token is not accepted as PS256,
//   an EdDSA token not with an RSA key.

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify, constants } from 'node:crypto';
import { compactVerify, errors } from 'jose';
import { test } from './lib/tap.mjs';
import { sqlValue, sqlFails } from './lib/db.mjs';
import { ASYMMETRIC, joseSupport, party, makeParty, nodeCompactSign } from './lib/asymmetric.mjs';

const SIGNATURE_FAILED = {
  code: '28000', message: 'signature verification failed', detail: 'The signature does not match the key.',
};

const byLabel = (label) => ASYMMETRIC.find((e) => e.label === label);

for (const entry of ASYMMETRIC) {
  const signer = (await joseSupport(entry)) === null ? 'jose' : 'Node crypto (jose lacks it)';
  test(`${signer} ${entry.label} token signed with key A fails with key B of the same type ` +
       '(public JWK and SPKI PEM): signature verification failed', async () => {
    const a = await party(entry);
    const b = await makeParty(entry);
    const token = await a.sign({ sub: 'x' }, { alg: entry.alg });
    // sanity: key A verifies, so the failures below are key B's
    assert.deepEqual(await sqlValue('SELECT jwt.verify($1::text, $2::text, $3::text)', [token, a.spkiPem, entry.alg]),
      { sub: 'x' });
    await sqlFails('SELECT jwt.verify($1::text, $2::jsonb, $3::text)', [token, JSON.stringify(b.publicJwk), entry.alg],
      SIGNATURE_FAILED);
    await sqlFails('SELECT jwt.verify($1::text, $2::text, $3::text)', [token, b.spkiPem, entry.alg],
      SIGNATURE_FAILED);
  });
}

test('jose ES256 token with a P-384 public JWK (alg from the key: ES384) fails: algorithm not allowed', async () => {
  const token = await (await party(byLabel('ES256'))).sign({ sub: 'x' }, { alg: 'ES256' });
  const p384 = await party(byLabel('ES384'));
  await sqlFails('SELECT jwt.verify($1::text, $2::jsonb)', [token, JSON.stringify(p384.publicJwk)],
    { code: '22023', message: 'algorithm not allowed',
      detail: 'The token is signed with ES256; the allowed algorithms are ES384.' });
});

test('jose ES256 token with a P-384 SPKI PEM and alg => \'ES256\' fails: algorithm not allowed (wrong curve)',
  async () => {
    const token = await (await party(byLabel('ES256'))).sign({ sub: 'x' }, { alg: 'ES256' });
    const p384 = await party(byLabel('ES384'));
    await sqlFails('SELECT jwt.verify($1::text, $2::text, \'ES256\')', [token, p384.spkiPem],
      { code: '22023', message: 'algorithm not allowed', detail: 'A P-384 EC key cannot be used with ES256.' });
  });

// A PS256 JWS of claims built by Node's crypto with this salt length.
async function handMadePs256(saltLength) {
  const entry = byLabel('PS256');
  const p = await party(entry);
  const token = nodeCompactSign(entry, { alg: 'PS256', typ: 'JWT' }, Buffer.from('{"sub":"salted"}'),
    createPrivateKey(p.pkcs8Pem), { saltLength });
  return { p, token };
}

test('PS256 JWS built by Node\'s crypto with salt length 32 (RFC 7518) verifies: the hand-made JWS is sound',
  async () => {
    const { p, token } = await handMadePs256(32);
    assert.deepEqual(await sqlValue('SELECT jwt.verify($1::text, $2::text, \'PS256\')', [token, p.spkiPem]),
      { sub: 'salted' });
  });

test('PS256 JWS built by Node\'s crypto with salt length 0 fails: signature verification failed', async () => {
  const { p, token } = await handMadePs256(0);
  // it is a valid RSA-PSS signature with an empty salt, as Node itself confirms
  const [h, pl, s] = token.split('.');
  assert.equal(verify('sha256', Buffer.from(`${h}.${pl}`),
    { key: createPublicKey(p.spkiPem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 0 }, Buffer.from(s, 'base64url')), true);
  await sqlFails('SELECT jwt.verify($1::text, $2::text, \'PS256\')', [token, p.spkiPem], SIGNATURE_FAILED);
  await sqlFails('SELECT jwt.verify($1::text, $2::jsonb, \'PS256\')', [token, JSON.stringify(p.publicJwk)],
    SIGNATURE_FAILED);
  if (p.impl === 'jose') {
    let err = null;
    try {
      await compactVerify(token, p.publicKey, { algorithms: ['PS256'] });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof errors.JWSSignatureVerificationFailed, 'jose accepted the salt-0 PS256 JWS too');
  }
});

test('jose RS256 token checked as PS256 with the same RSA key fails: algorithm not allowed', async () => {
  const p = await party(byLabel('RS256'));
  const token = await p.sign({ sub: 'x' }, { alg: 'RS256' });
  await sqlFails('SELECT jwt.verify($1::text, $2::text, \'PS256\')', [token, p.spkiPem],
    { code: '22023', message: 'algorithm not allowed',
      detail: 'The token is signed with RS256; the allowed algorithms are PS256.' });
});

test('jose EdDSA token with an RSA public key and alg => \'EdDSA\' fails: algorithm not allowed', async () => {
  const token = await (await party(byLabel('EdDSA (Ed25519)'))).sign({ sub: 'x' }, { alg: 'EdDSA' });
  const rsa = await party(byLabel('RS256'));
  await sqlFails('SELECT jwt.verify($1::text, $2::jsonb, \'EdDSA\')', [token, JSON.stringify(rsa.publicJwk)],
    { code: '22023', message: 'algorithm not allowed', detail: 'An RSA key cannot be used with EdDSA.' });
});
