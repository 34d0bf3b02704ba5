// token_ext_signs_jose_verifies_asymmetric.mjs: RSA, EC and EdDSA JWTs made
// by jwt.sign verify in jose.
//
// For every asymmetric algorithm, jwt.sign signs claims of every JSON type
// with the private key jose generated, given as PKCS#8 PEM text and as the
// private JWK (jsonb, with a kid and "alg"), both exported by jose; jose's
// jwtVerify with the public key and only that algorithm allowed must accept
// the token, return claims deep-equal to the signed jsonb, and see exactly
// the header {alg, typ: "JWT"} (plus the JWK's kid).  Where jose lacks the
// algorithm, the jose test SKIPs with the reason and Node's crypto verifies.

import assert from 'node:assert/strict';
import { test, skip } from './lib/tap.mjs';
import { sqlValue } from './lib/db.mjs';
import { ASYMMETRIC, joseSupport, party, defaultAlg } from './lib/asymmetric.mjs';
import { richClaims, CHECK_AT } from './lib/claims.mjs';

// The key forms of a party's private key for jwt.sign.
function privateForms(entry) {
  const kid = `signer-${entry.label}`;
  const byDefault = defaultAlg(entry) === entry.alg ? null : entry.alg;
  return [
    {
      name: `PKCS#8 PEM text (alg ${byDefault ?? 'from the key'})`, sqlType: 'text', alg: byDefault, header: {},
      value: (p) => p.pkcs8Pem,
    },
    {
      name: 'private JWK jsonb with kid and "alg" (alg from the key)', sqlType: 'jsonb', alg: null, header: { kid },
      value: (p) => JSON.stringify({ ...p.privateJwk, kid, alg: entry.alg }),
    },
  ];
}

for (const entry of ASYMMETRIC) {
  const reason = await joseSupport(entry);
  for (const form of privateForms(entry)) {
    const what = `verifies jwt.sign ${entry.label} with a ${form.name}: claims and header deep-equal`;
    if (reason !== null) skip(`jose ${what}`, reason);
    test(`${reason === null ? 'jose' : 'Node crypto (jose lacks it)'} ${what}`, async () => {
      const p = await party(entry);
      const claims = richClaims(entry.label);
      const token = await sqlValue(`SELECT jwt.sign($1::jsonb, $2::${form.sqlType}, alg => $3::text)`,
        [JSON.stringify(claims), form.value(p), form.alg]);
      const expected = await sqlValue('SELECT $1::jsonb', [JSON.stringify(claims)]);
      const { payload, protectedHeader } = await p.verify(token, {
        audience: 'api://token_ext', issuer: claims.iss, typ: 'JWT', currentDate: new Date(CHECK_AT * 1000),
      });
      assert.deepEqual(payload, expected);
      assert.deepEqual(payload, claims);
      assert.deepEqual(protectedHeader, { alg: entry.alg, typ: 'JWT', ...form.header });
    });
  }
}
