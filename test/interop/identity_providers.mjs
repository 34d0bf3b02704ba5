// identity_providers.mjs: tokens and key sets shaped like those of Supabase
// Auth, Auth0, Clerk, Keycloak, Cognito and Firebase, made by jose (an
// independent implementation) with each provider's documented algorithms,
// headers, claims and key-set layouts, imported with jwt.keyring_import and
// checked with jwt.authenticate:
//   Supabase  ES256 signing keys and the legacy HS256 secret in one JWKS,
//             iss https://<ref>.supabase.co/auth/v1, aud "authenticated",
//             role .role; legacy tokens carry no kid
//   Auth0     RS256 with x5c/x5t in the JWKS, iss https://<tenant>.auth0.com/
//             (trailing slash), aud [api, userinfo], roles in a namespaced claim
//   Clerk     RS256, iss https://<app>.clerk.accounts.dev, no aud, azp, sid
//   Keycloak  RS256, iss https://<host>/realms/<realm>, aud "account",
//             realm_access.roles; its JWKS also holds an RSA-OAEP "enc" key
//   Cognito   RS256, iss https://cognito-idp.<region>.amazonaws.com/<pool>;
//             ID tokens: aud = client id; access tokens: client_id, no aud
//   Firebase  RS256, the certificate map {"kid": "-----BEGIN CERTIFICATE..."},
//             iss https://securetoken.google.com/<project>, aud <project>;
//             all projects share one set of keys
// and, with all six in one keyring next to the server's own key, every
// crossing (a provider's token under another's issuer, audience or kid), key
// rotation with tokens in flight, and the role each provider's role-claim
// path yields.  Certificates come from the openssl command line.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SignJWT, generateKeyPair, exportJWK, importPKCS8, calculateJwkThumbprint, base64url,
} from 'jose';
import { test } from './lib/tap.mjs';
import { sql } from './lib/db.mjs';

const now = () => Math.floor(Date.now() / 1000);

// A fresh key pair for alg, its public JWK (with kid, alg, use) and private key.
async function keyPair(alg, kid, extra = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig', ...extra };
  return { jwk, privateKey, kid, alg };
}

// A self-signed certificate and its private key (PKCS#8), from openssl.
async function certificate(cn) {
  const dir = mkdtempSync(join(tmpdir(), 'token_ext_idp-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'),
      '-out', join(dir, 'c.pem'), '-days', '2', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
    const pem = readFileSync(join(dir, 'c.pem'), 'utf8');
    const privateKey = await importPKCS8(readFileSync(join(dir, 'k.pem'), 'utf8'), 'RS256', { extractable: true });
    return { pem, privateKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A token signed by key (jose): header { alg, typ, kid unless noKid }, claims.
async function sign(key, claims, { typ = 'JWT', noKid = false } = {}) {
  const header = { alg: key.alg, typ };
  if (!noKid) header.kid = key.kid;
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

// jwt.authenticate in a transaction: { ok, sub, role, claims } or { ok: false, code, message, detail }.
async function authenticate(token, roleClaim = '.role') {
  await sql('BEGIN');
  try {
    await sql(`SET LOCAL token_ext.role_claim = '${roleClaim.replace(/'/g, "''")}'`);
    const [{ claims }] = await sql('SELECT jwt.authenticate($1) AS claims', [token]);
    const [{ sub, role }] = await sql('SELECT jwt.sub() AS sub, jwt.role() AS role');
    await sql('COMMIT');
    return { ok: true, sub, role, claims };
  } catch (e) {
    await sql('ROLLBACK');
    return { ok: false, code: e.code, message: e.message, detail: e.detail };
  }
}

async function accepts(token, roleClaim, want) {
  const got = await authenticate(token, roleClaim);
  assert.ok(got.ok, `refused: ${got.message} | ${got.detail}`);
  assert.equal(got.sub, want.sub);
  assert.equal(got.role, want.role);
}

async function refuses(token, message, detail) {
  const got = await authenticate(token);
  assert.equal(got.ok, false, `accepted: ${JSON.stringify(got.claims)}`);
  assert.equal(got.message, message);
  if (detail !== undefined) assert.equal(got.detail, detail);
}

// jwt.keyring_import's report, as "kid action" lines sorted by kid.
async function importSet(keys, issuer, audience, grace = '1 day') {
  const rows = await sql('SELECT kid, action FROM jwt.keyring_import($1::jsonb, $2, $3, $4::interval) ORDER BY kid',
    [JSON.stringify(keys), issuer, audience, grace]);
  return rows.map((r) => `${r.kid} ${r.action}`);
}

// ------------------------------------------------------------------------
// the providers
// ------------------------------------------------------------------------
const SUPA = { iss: 'https://abcdefghijklmnop.supabase.co/auth/v1', aud: 'authenticated' };
const AUTH0 = { iss: 'https://example-tenant.us.auth0.com/', aud: 'https://api.example.com' };
const CLERK = { iss: 'https://fit-kiwi-12.clerk.accounts.dev' };
const KEYCLOAK = { iss: 'https://sso.example.com/realms/acme', aud: 'account' };
const COGNITO = { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI', client: '3n4b5urk1ft4fl3mg5e62d9ado' };
const FIREBASE = { iss: 'https://securetoken.google.com/my-project-1', aud: 'my-project-1' };
const FIREBASE2 = { iss: 'https://securetoken.google.com/my-project-2', aud: 'my-project-2' };

const k = {};            // the providers' keys
const tok = {};          // one valid token per provider (and kind)
const userId = randomUUID();

test('identity providers: keys made and imported, each provider\'s report', async () => {
  await sql('DELETE FROM jwt.keyring');
  await sql('DELETE FROM jwt.revocation');
  // the server's own HS256 key, bound to no issuer
  await sql(`INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ('own', '{sign,verify}', 'HS256', $1)`,
    [JSON.stringify({ kty: 'oct', k: base64url.encode(createHash('sha256').update('own key').digest()) })]);

  // Supabase: an ES256 signing key (kid a UUID) and the legacy secret, one JWKS
  k.supa = await keyPair('ES256', randomUUID());
  const legacySecret = createHash('sha256').update('supabase legacy jwt secret').digest();
  k.supaLegacy = { alg: 'HS256', kid: randomUUID(), privateKey: new Uint8Array(legacySecret) };
  const supaSet = { keys: [k.supa.jwk, { kty: 'oct', kid: k.supaLegacy.kid, alg: 'HS256', k: base64url.encode(legacySecret) }] };
  assert.deepEqual(await importSet(supaSet, SUPA.iss, SUPA.aud), [`${k.supa.kid} added`, `${k.supaLegacy.kid} added`].sort());

  // Auth0: RS256 with x5c and x5t#S256-style members in its JWKS (a certificate of the same key)
  const auth0Cert = await certificate('example-tenant.us.auth0.com');
  const auth0Jwk = await exportJWK(auth0Cert.privateKey).then(async (jwk) => {
    const pub = { kty: jwk.kty, n: jwk.n, e: jwk.e };
    const der = auth0Cert.pem.replace(/-----[^-]+-----|\s/g, '');
    return { ...pub, use: 'sig', alg: 'RS256', kid: await calculateJwkThumbprint(pub), x5c: [der],
      x5t: base64url.encode(createHash('sha1').update(Buffer.from(der, 'base64')).digest()) };
  });
  k.auth0 = { jwk: auth0Jwk, privateKey: auth0Cert.privateKey, kid: auth0Jwk.kid, alg: 'RS256' };
  assert.deepEqual(await importSet({ keys: [auth0Jwk] }, AUTH0.iss, AUTH0.aud), [`${k.auth0.kid} added`]);

  // Clerk: RS256 with a kid "ins_..."; session tokens have no aud
  k.clerk = await keyPair('RS256', 'ins_2abcDEFghiJKLmnoPQRstuVWxyz');
  assert.deepEqual(await importSet({ keys: [k.clerk.jwk] }, CLERK.iss, null), [`${k.clerk.kid} added`]);

  // Keycloak: a signing key and an RSA-OAEP encryption key in the realm's JWKS
  k.keycloak = await keyPair('RS256', 'kc-sig-' + randomUUID().slice(0, 8));
  const kcEnc = await keyPair('RSA-OAEP', 'kc-enc-' + randomUUID().slice(0, 8), { use: 'enc' });
  assert.deepEqual(await importSet({ keys: [k.keycloak.jwk, kcEnc.jwk] }, KEYCLOAK.iss, KEYCLOAK.aud),
    [`${k.keycloak.kid} added`, `${kcEnc.kid} skipped: an encryption key ("use": "enc")`].sort());

  // Cognito: a pool's two RS256 keys; the binding leaves aud unchecked (access tokens have none)
  k.cognito = await keyPair('RS256', base64url.encode(createHash('sha256').update('cognito 1').digest()));
  k.cognito2 = await keyPair('RS256', base64url.encode(createHash('sha256').update('cognito 2').digest()));
  assert.deepEqual(await importSet({ keys: [k.cognito.jwk, k.cognito2.jwk] }, COGNITO.iss, null),
    [`${k.cognito.kid} added`, `${k.cognito2.kid} added`].sort());

  // Firebase: the certificate map Google publishes, two projects sharing it
  const fb1 = await certificate('securetoken.system.gserviceaccount.com');
  const fb2 = await certificate('securetoken.system.gserviceaccount.com');
  const fbKid1 = createHash('sha1').update('fb1').digest('hex');
  const fbKid2 = createHash('sha1').update('fb2').digest('hex');
  k.firebase = { privateKey: fb1.privateKey, kid: fbKid1, alg: 'RS256' };
  const certMap = { [fbKid1]: fb1.pem, [fbKid2]: fb2.pem };
  assert.deepEqual(await importSet(certMap, FIREBASE.iss, FIREBASE.aud), [`${fbKid1} added`, `${fbKid2} added`].sort());
  assert.deepEqual(await importSet(certMap, FIREBASE2.iss, FIREBASE2.aud), [`${fbKid1} added`, `${fbKid2} added`].sort());

  const t = now();
  tok.supa = await sign(k.supa, {
    iss: SUPA.iss, aud: SUPA.aud, sub: userId, exp: t + 3600, iat: t, email: 'ada@example.com', phone: '',
    app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: {}, role: 'authenticated',
    aal: 'aal1', amr: [{ method: 'password', timestamp: t }], session_id: randomUUID(), is_anonymous: false,
  });
  tok.supaLegacy = await sign(k.supaLegacy, { iss: SUPA.iss, aud: SUPA.aud, sub: userId, exp: t + 3600, iat: t, role: 'authenticated' },
    { noKid: true });
  tok.auth0 = await sign(k.auth0, {
    iss: AUTH0.iss, sub: 'auth0|64f1c0ffee', aud: [AUTH0.aud, `${AUTH0.iss}userinfo`], iat: t, exp: t + 86400,
    azp: 'kXk6GJ7pU3Hc0b8n', scope: 'openid profile read:items', 'https://example.com/roles': ['editor'],
  });
  tok.clerk = await sign(k.clerk, {
    azp: 'https://app.example.com', exp: t + 60, fva: [0, -1], iat: t, iss: CLERK.iss, nbf: t - 10,
    sid: 'sess_2abc', sub: 'user_2xyz', v: 2, role: 'member',
  });
  tok.keycloak = await sign(k.keycloak, {
    exp: t + 300, iat: t, jti: randomUUID(), iss: KEYCLOAK.iss, aud: KEYCLOAK.aud, sub: randomUUID(), typ: 'Bearer',
    azp: 'web-app', sid: randomUUID(), acr: '1', realm_access: { roles: ['app_admin', 'offline_access'] },
    resource_access: { account: { roles: ['manage-account'] } }, scope: 'openid email profile',
    preferred_username: 'ada',
  });
  tok.cognitoAccess = await sign(k.cognito, {
    sub: randomUUID(), 'cognito:groups': ['admins'], iss: COGNITO.iss, version: 2, client_id: COGNITO.client,
    origin_jti: randomUUID(), event_id: randomUUID(), token_use: 'access', scope: 'aws.cognito.signin.user.admin',
    auth_time: t, exp: t + 3600, iat: t, jti: randomUUID(), username: 'ada',
  });
  tok.cognitoId = await sign(k.cognito2, {
    sub: 'c0ffee00-1111-2222-3333-444455556666', 'cognito:groups': ['admins'], email_verified: true, iss: COGNITO.iss,
    'cognito:username': 'ada', aud: COGNITO.client, token_use: 'id', auth_time: t, exp: t + 3600, iat: t,
    email: 'ada@example.com',
  });
  tok.firebase = await sign(k.firebase, {
    iss: FIREBASE.iss, aud: FIREBASE.aud, auth_time: t, user_id: 'fbUser1', sub: 'fbUser1', iat: t, exp: t + 3600,
    email: 'ada@example.com', email_verified: true,
    firebase: { identities: { email: ['ada@example.com'] }, sign_in_provider: 'password' },
  });
});

test('identity providers: each provider\'s token verifies, with its role-claim path', async () => {
  await accepts(tok.supa, '.role', { sub: userId, role: 'authenticated' });
  await accepts(tok.supaLegacy, '.role', { sub: userId, role: 'authenticated' });
  await accepts(tok.auth0, '."https://example.com/roles"[0]', { sub: 'auth0|64f1c0ffee', role: 'editor' });
  await accepts(tok.clerk, '.role', { sub: 'user_2xyz', role: 'member' });
  const kc = JSON.parse(Buffer.from(tok.keycloak.split('.')[1], 'base64url'));
  await accepts(tok.keycloak, '.realm_access.roles[0]', { sub: kc.sub, role: 'app_admin' });
  const ca = JSON.parse(Buffer.from(tok.cognitoAccess.split('.')[1], 'base64url'));
  await accepts(tok.cognitoAccess, '."cognito:groups"[0]', { sub: ca.sub, role: 'admins' });
  await accepts(tok.cognitoId, '."cognito:groups"[0]', { sub: 'c0ffee00-1111-2222-3333-444455556666', role: 'admins' });
  await accepts(tok.firebase, '.role', { sub: 'fbUser1', role: null });
});

test('identity providers: one provider\'s token never passes for another\'s', async () => {
  const t = now();
  const base = { sub: 'mallory', iat: t, exp: t + 600 };
  // Supabase's key claiming Auth0, under Auth0's audience, with and without kid
  await refuses(await sign(k.supa, { ...base, iss: AUTH0.iss, aud: AUTH0.aud }), 'no matching key',
    `No key of issuer "${AUTH0.iss}" in the keyring has the token's "kid" "${k.supa.kid}".`);
  await refuses(await sign(k.supa, { ...base, iss: AUTH0.iss, aud: AUTH0.aud }, { noKid: true }), 'no matching key',
    `No key of issuer "${AUTH0.iss}" in the keyring can verify ES256.`);
  // Auth0's key naming Auth0's kid but Clerk's issuer
  await refuses(await sign(k.auth0, { ...base, iss: CLERK.iss }), 'no matching key',
    `No key of issuer "${CLERK.iss}" in the keyring has the token's "kid" "${k.auth0.kid}".`);
  // Clerk's key under Keycloak's issuer, with Keycloak's kid in the header
  await refuses(await sign({ ...k.clerk, kid: k.keycloak.kid }, { ...base, iss: KEYCLOAK.iss, aud: 'account' }),
    'signature verification failed', 'The signature does not match the key.');
  // Auth0's issuer without its trailing slash
  await refuses(await sign(k.auth0, { ...base, iss: AUTH0.iss.slice(0, -1), aud: AUTH0.aud }), 'no matching key');
  // the legacy secret (a JWKS member bound to Supabase) for a token without
  // iss, or of another project: only the keys bound to no issuer are tried
  // (the server's own HS256 key), and they do not match
  await refuses(await sign(k.supaLegacy, { ...base, aud: SUPA.aud }, { noKid: true }), 'signature verification failed',
    'The signature matches none of the 1 candidate keys.');
  await refuses(await sign(k.supaLegacy, { ...base, iss: 'https://zzzzzzzz.supabase.co/auth/v1', aud: SUPA.aud }, { noKid: true }),
    'signature verification failed', 'The signature matches none of the 1 candidate keys.');
  await refuses(await sign(k.supaLegacy, { ...base, iss: 'https://zzzzzzzz.supabase.co/auth/v1', aud: SUPA.aud }),
    'no matching key');
  // Supabase's token with another audience; Cognito's ID token for another pool
  await refuses(await sign(k.supa, { ...base, iss: SUPA.iss, aud: 'anon-other' }), 'audience mismatch');
  await refuses(await sign(k.cognito2, { ...base, iss: COGNITO.iss.replace('AbCdEfGhI', 'ZzZzZzZzZ'), aud: COGNITO.client, token_use: 'id' }),
    'no matching key');
  // Firebase: shared keys, but one project's token is not another's
  await refuses(await sign(k.firebase, { ...base, iss: FIREBASE.iss, aud: FIREBASE2.aud }), 'audience mismatch');
  await refuses(await sign(k.firebase, { ...base, iss: FIREBASE2.iss, aud: FIREBASE.aud }), 'audience mismatch');
  await accepts(await sign(k.firebase, { ...base, iss: FIREBASE2.iss, aud: FIREBASE2.aud }), '.role', { sub: 'mallory', role: null });
  await refuses(await sign(k.firebase, { ...base, iss: 'https://securetoken.google.com/my-project-3', aud: 'my-project-3' }),
    'no matching key', `No key in the keyring has the token's "kid" "${k.firebase.kid}": none is bound to the token's issuer `
    + '"https://securetoken.google.com/my-project-3", and none bound to no issuer has that kid.');
  // a provider's key for a token claiming no issuer, and the server's own key claiming a provider's issuer
  await refuses(await sign(k.keycloak, { ...base, aud: 'account' }), 'no matching key');
  await refuses(await new SignJWT({ ...base, iss: SUPA.iss, aud: SUPA.aud, role: 'service_role' })
    .setProtectedHeader({ alg: 'HS256', kid: 'own' }).sign(createHash('sha256').update('own key').digest()), 'no matching key',
  `No key of issuer "${SUPA.iss}" in the keyring has the token's "kid" "own".`);
});

test('identity providers: rotation keeps tokens in flight until the grace period ends', async () => {
  const next = await keyPair('ES256', randomUUID());
  const t = now();
  const inFlight = tok.supa;
  const fresh = await sign(next, { iss: SUPA.iss, aud: SUPA.aud, sub: 'rotated', exp: t + 600, iat: t });
  await refuses(fresh, 'no matching key');
  // the provider publishes the new key next to the old, then drops the old
  const legacyJwk = (await sql(`SELECT key FROM jwt.keyring WHERE kid = $1`, [k.supaLegacy.kid]))[0].key;
  assert.deepEqual(await importSet({ keys: [k.supa.jwk, next.jwk, legacyJwk] }, SUPA.iss, SUPA.aud),
    [`${k.supa.kid} kept`, `${next.kid} added`, `${k.supaLegacy.kid} kept`].sort());
  await accepts(fresh, '.role', { sub: 'rotated', role: null });
  const report = await sql('SELECT kid, action, not_after - now() AS left FROM jwt.keyring_import($1::jsonb, $2, $3, \'10 minutes\') ORDER BY kid',
    [JSON.stringify({ keys: [next.jwk, legacyJwk] }), SUPA.iss, SUPA.aud]);
  assert.deepEqual(report.map((r) => `${r.kid} ${r.action}`).sort(),
    [`${k.supa.kid} retired`, `${next.kid} kept`, `${k.supaLegacy.kid} kept`].sort());
  assert.equal(report.find((r) => r.kid === k.supa.kid).left.minutes, 10);
  // in flight: still accepted until the key's not_after
  await accepts(inFlight, '.role', { sub: userId, role: 'authenticated' });
  await sql(`UPDATE jwt.keyring SET not_after = now() - interval '1 second', not_before = now() - interval '1 hour'
              WHERE kid = $1 AND issuer = $2`, [k.supa.kid, SUPA.iss]);
  await refuses(inFlight, 'no matching key',
    `No key of issuer "${SUPA.iss}" in the keyring has the token's "kid" "${k.supa.kid}".`);
  // the next import removes it
  assert.deepEqual(await importSet({ keys: [next.jwk, legacyJwk] }, SUPA.iss, SUPA.aud),
    [`${k.supa.kid} removed`, `${next.kid} kept`, `${k.supaLegacy.kid} kept`].sort());
});

test('identity providers: a token verified by jose verifies here, and a key from here signs what jose accepts', async () => {
  // token_ext's keyring_jwks(issuer) gives back the imported public keys, which jose can use
  const [{ jwks }] = await sql('SELECT jwt.keyring_jwks($1) AS jwks', [COGNITO.iss]);
  assert.deepEqual(jwks.keys.map((x) => x.kid).sort(), [k.cognito.kid, k.cognito2.kid].sort());
  for (const key of jwks.keys) {
    const mine = [k.cognito, k.cognito2].find((c) => c.kid === key.kid).jwk;
    assert.equal(key.n, mine.n);
    assert.equal(key.e, mine.e);
  }
  // the server's own JWKS publishes none of the providers' keys
  const [{ own }] = await sql('SELECT jwt.keyring_jwks() AS own');
  assert.deepEqual(own.keys, []);
});
