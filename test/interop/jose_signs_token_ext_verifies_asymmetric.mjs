// jose_signs_token_ext_verifies_asymmetric.mjs: RSA, EC and EdDSA JWTs made
// by jose verify in token_ext, with the public key in every form.
//
// For every asymmetric algorithm (RS*, PS*, ES256/384/512, ES256K, EdDSA on
// Ed25519 and Ed448) jose generates a key pair and signs claims of every JSON
// type; jwt.verify must accept the token with the public key given as
// (a) SPKI PEM text, (b) the public JWK as jsonb, (c) a JWKS holding it among
// keys of other types and a same-type decoy, picked by the token's kid, and
// (d) that JWKS with a kid-less token (the fitting candidates are tried).
// Claims must be deep-equal to what was signed, in JavaScript and as jsonb
// against the exact payload bytes.  Where jose lacks an algorithm (ES256K,
// Ed448 in jose 6), its jose test SKIPs with the reason and Node's crypto
// signs instead, so token_ext's side is still checked against an
// implementation other than itself.

import assert from 'node:assert/strict';
import { test, skip } from './lib/tap.mjs';
import {
  ASYMMETRIC, joseSupport, party, defaultAlg, decoyPublicJwk, otherTypeDecoys, verifyRichInTokenExt,
} from './lib/asymmetric.mjs';
import { richClaims } from './lib/claims.mjs';

// The key forms of a party's public key: name, SQL type, value (a function
// of the party), the kid the token header carries, the alg argument.
function publicForms(entry) {
  const kid = `interop-${entry.label}`;
  const byDefault = defaultAlg(entry) === entry.alg ? null : entry.alg;
  return [
    {
      name: `SPKI PEM text (alg ${byDefault ?? 'from the key'})`, sqlType: 'text', kid: undefined, alg: byDefault,
      value: (p) => p.spkiPem,
    },
    {
      name: 'public JWK jsonb with kid and "alg" (alg from the key)', sqlType: 'jsonb', kid, alg: null,
      value: (p) => JSON.stringify({ ...p.publicJwk, kid, alg: entry.alg, use: 'sig' }),
    },
    {
      name: 'JWKS jsonb with other keys, picked by kid', sqlType: 'jsonb', kid, alg: entry.alg,
      value: (p) => JSON.stringify({
        keys: [...otherTypeDecoys(entry), decoyPublicJwk(entry, `${kid}-decoy`), { ...p.publicJwk, kid }],
      }),
    },
    {
      name: 'JWKS jsonb with a same-type decoy first, token without kid', sqlType: 'jsonb', kid: undefined,
      alg: entry.alg,
      value: (p) => JSON.stringify({
        keys: [decoyPublicJwk(entry), ...otherTypeDecoys(entry), { ...p.publicJwk, kid }],
      }),
    },
  ];
}

for (const entry of ASYMMETRIC) {
  const reason = await joseSupport(entry);
  for (const form of publicForms(entry)) {
    const what = `${entry.label} JWT verifies with a ${form.name}, claims deep-equal`;
    if (reason !== null) skip(`jose ${what}`, reason);
    test(`${reason === null ? 'jose' : 'Node crypto (jose lacks it)'} ${what}`, async () => {
      const p = await party(entry);
      const claims = richClaims(entry.label);
      const header = { alg: entry.alg, typ: 'JWT', ...(form.kid === undefined ? {} : { kid: form.kid }) };
      const token = await p.sign(claims, header);
      const row = await verifyRichInTokenExt(token, form.sqlType, form.value(p), form.alg, claims);
      assert.deepEqual(row.claims, claims);
      assert.equal(row.same_as_signed, true, 'jsonb of the verified claims differs from the signed payload');
    });
  }
}
