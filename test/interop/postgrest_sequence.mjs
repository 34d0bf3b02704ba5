// postgrest_sequence.mjs: the statements PostgREST 12 sends per request,
// replayed from a client connected as the authenticator role, with
// jwt.authenticate_request() as the db-pre-request.
//
// PostgREST runs every request in one transaction on a pooled connection:
//   BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY          (GET)
//   select set_config('search_path', $1, true), set_config('role', $2, true),
//          set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true),
//          set_config('request.path', $5, true), set_config('request.headers', $6, true),
//          set_config('request.cookies', $7, true)          (PreQuery.txVarQuery)
//   select "jwt"."authenticate_request"()                   (PreQuery.preReqQuery)
//   WITH pgrst_source AS ( SELECT ... ) SELECT ... body ... (Statements.prepareRead)
//   COMMIT (ROLLBACK after an error)
// with the values as parameters of unknown type and named prepared
// statements, as here.  Row-level security on "items" (owner = jwt.uid())
// must then show a request exactly the rows of the token's subject, run it
// as the token's role, refuse bad tokens with SQLSTATE PT401 (PostgREST's
// HTTP 401), leave a request without a token anonymous, and leave nothing
// behind for the next request on the same connection.  Tokens come from
// token_ext itself (jwt.sign by keyring kid, jwt.encrypt) and from jose as
// an independent issuer holding the same keys.  Roles are cluster-wide: the
// ones this file creates it drops again at the end.

import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  SignJWT, EncryptJWT, CompactEncrypt, importJWK, base64url,
} from 'jose';
import { test } from './lib/tap.mjs';
import { sql, SCRATCH_DB } from './lib/db.mjs';

const AUTHENTICATOR = 'authenticator';
const ANON = 'anon';
const APP_USER = 'app_user';
const OUTSIDER = 'pgrst_outsider';   // a role authenticator is no member of

// Three users, each owning some items; the expected rows of a user are
// computed from this table, not from what the database answers.
const USERS = { alice: randomUUID(), bob: randomUUID(), carol: randomUUID() };
const ITEMS = [
  [1, 'alice'], [2, 'bob'], [3, 'alice'], [4, 'carol'], [5, 'bob'], [6, 'alice'],
].map(([id, who]) => ({ id, owner: USERS[who], title: `item ${id} of ${who}` }));
const idsOf = (who) => ITEMS.filter((i) => i.owner === USERS[who]).map((i) => i.id);

// Keys: an HS256 secret (verify+sign), an ES256 pair (verify+sign), an
// ECDH-ES+A256KW pair (decrypt); jose holds the same keys.
const HS_KID = 'pgrst-hs256';
const ES_KID = 'pgrst-es256';
const ENC_KID = 'pgrst-ecdh';
const HS_SECRET = createHash('sha256').update('token_ext postgrest sequence HS256').digest();
const hsJwk = { kty: 'oct', k: base64url.encode(HS_SECRET) };
const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const esPrivateJwk = es.privateKey.export({ format: 'jwk' });
const enc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const encPrivateJwk = enc.privateKey.export({ format: 'jwk' });
const encPublicJwk = enc.publicKey.export({ format: 'jwk' });

const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (who, extra = {}) => ({
  sub: USERS[who], role: APP_USER, iat: now(), exp: now() + 600, ...extra,
});

// Every connection this file opens, closed at the end.
const clients = [];
let createdRoles = [];

// A new connection to the scratch database as user.
async function connectAs(user) {
  const client = new pg.Client({ database: SCRATCH_DB, user });
  await client.connect();
  clients.push(client);
  return client;
}

// A fresh authenticator connection after ALTER DATABASE ... SET of settings
// (name -> value; null resets), as a superuser does it.
async function authenticatorWith(settings) {
  for (const [name, value] of Object.entries(settings)) {
    if (value === null) await sql(`ALTER DATABASE ${SCRATCH_DB} RESET ${name}`);
    else await sql(`ALTER DATABASE ${SCRATCH_DB} SET ${name} = '${value}'`);
  }
  return connectAs(AUTHENTICATOR);
}

async function resetDatabaseSettings() {
  for (const name of ['token_ext.token_header', 'token_ext.token_cookie',
    'token_ext.trust_request_claims']) {
    await sql(`ALTER DATABASE ${SCRATCH_DB} RESET ${name}`);
  }
}

const TX_VARS =
  'select set_config(\'search_path\', $1, true), set_config(\'role\', $2, true), ' +
  'set_config(\'request.jwt.claims\', $3, true), set_config(\'request.method\', $4, true), ' +
  'set_config(\'request.path\', $5, true), set_config(\'request.headers\', $6, true), ' +
  'set_config(\'request.cookies\', $7, true)';
const PRE_REQUEST = 'select "jwt"."authenticate_request"()';
const READ_ITEMS =
  'WITH pgrst_source AS ( SELECT "public"."items".* FROM "public"."items" ) ' +
  'SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, ' +
  'coalesce(json_agg(_postgrest_t), \'[]\') AS body, ' +
  'nullif(current_setting(\'response.headers\', true), \'\') AS response_headers, ' +
  'nullif(current_setting(\'response.status\', true), \'\') AS response_status ' +
  'FROM ( SELECT * FROM pgrst_source ) _postgrest_t';
// Not PostgREST's: what the request ran as, read in the same transaction.
const WHO = 'select current_user AS role, jwt.claims() AS claims, jwt.uid()::text AS uid, ' +
  'jwt.authenticated() AS authenticated';

// One GET /items the way PostgREST sends it.  claims is what PostgREST
// itself put in request.jwt.claims ({"role": <anonymous role>} when it
// verified no token).  Returns the item ids the request saw (sorted) and
// what it ran as; on an error rolls back, as PostgREST does, and throws it.
async function request(client, { headers = {}, cookies = {}, role = ANON, claims = null } = {}) {
  const jwtClaims = JSON.stringify(claims ?? { role });
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY');
  try {
    await client.query({
      name: 'pgrst_tx_vars',
      text: TX_VARS,
      values: ['"public"', role, jwtClaims, 'GET', '/items',
        JSON.stringify(headers), JSON.stringify(cookies)],
    });
    await client.query({ name: 'pgrst_pre_request', text: PRE_REQUEST });
    const read = await client.query({ name: 'pgrst_read_items', text: READ_ITEMS });
    const who = await client.query(WHO);
    await client.query('COMMIT');
    const body = read.rows[0].body;   // json: node-postgres parses it
    assert.equal(Number(read.rows[0].page_total), body.length);
    return { ids: body.map((r) => r.id).sort((a, b) => a - b), ...who.rows[0] };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

// The error request() throws (it must throw one).
async function requestError(client, options) {
  try {
    await request(client, options);
  } catch (err) {
    if (!(err instanceof pg.DatabaseError)) throw err;
    return { code: err.code, message: err.message, detail: err.detail };
  }
  assert.fail('the request succeeded; expected an error');
}

// What a connection is outside any request: nothing may be left over.
async function idleState(client) {
  const res = await client.query(
    'select current_user AS role, jwt.claims() AS claims, ' +
    'nullif(current_setting(\'request.jwt.claims\', true), \'\') AS request_claims');
  return res.rows[0];
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

// Tokens from the server: jwt.sign by keyring kid, as the superuser.
async function serverSigned(claims, kid) {
  const [row] = await sql('SELECT jwt.sign($1::jsonb, kid => $2) AS t', [JSON.stringify(claims), kid]);
  return row.t;
}

// Tokens from jose, holding the same keys.
async function joseHs256(claims, header = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: HS_KID, ...header })
    .sign(await importJWK(hsJwk, 'HS256'));
}
async function joseEs256(claims) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: ES_KID })
    .sign(await importJWK(esPrivateJwk, 'ES256'));
}

// The expectation for an authenticated request of user who.
function assertAuthenticatedAs(result, who, claims) {
  assert.deepEqual(result.ids, idsOf(who));
  assert.equal(result.role, APP_USER);
  assert.equal(result.uid, USERS[who]);
  assert.equal(result.authenticated, true);
  assert.deepEqual(result.claims, claims);
}

// The expectation for an anonymous request.
function assertAnonymous(result) {
  assert.deepEqual(result, { ids: [], role: ANON, claims: null, uid: null, authenticated: false });
}

test('PostgREST sequence: setup (roles, RLS table, grants, keyring keys)', async () => {
  const [{ existing }] = await sql(
    'SELECT coalesce(array_agg(rolname), \'{}\') AS existing FROM pg_roles WHERE rolname = ANY($1)',
    [[AUTHENTICATOR, ANON, APP_USER, OUTSIDER]]);
  createdRoles = [AUTHENTICATOR, ANON, APP_USER, OUTSIDER].filter((r) => !existing.includes(r));
  for (const r of createdRoles) await sql(`CREATE ROLE ${r}`);
  await sql(`ALTER ROLE ${AUTHENTICATOR} LOGIN NOINHERIT NOSUPERUSER`);
  await sql(`GRANT ${ANON}, ${APP_USER} TO ${AUTHENTICATOR}`);
  await sql('CREATE TABLE public.items (id int PRIMARY KEY, owner uuid NOT NULL, title text NOT NULL)');
  await sql('ALTER TABLE public.items ENABLE ROW LEVEL SECURITY');
  await sql('CREATE POLICY items_owner ON public.items USING (owner = jwt.uid())');
  await sql(`GRANT SELECT ON public.items TO ${ANON}, ${APP_USER}`);
  for (const i of ITEMS) {
    await sql('INSERT INTO public.items VALUES ($1, $2, $3)', [i.id, i.owner, i.title]);
  }
  await sql('INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ($1, $2, $3, $4::jsonb)',
    [HS_KID, ['sign', 'verify'], 'HS256', JSON.stringify(hsJwk)]);
  await sql('INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ($1, $2, $3, $4::jsonb)',
    [ES_KID, ['sign', 'verify'], 'ES256', JSON.stringify(esPrivateJwk)]);
  await sql('INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ($1, $2, $3, $4::jsonb)',
    [ENC_KID, ['decrypt'], 'ECDH-ES+A256KW', JSON.stringify(encPrivateJwk)]);
  await resetDatabaseSettings();
  const a = await connectAs(AUTHENTICATOR);
  const res = await a.query('select current_user, session_user');
  assert.deepEqual(res.rows[0], { current_user: AUTHENTICATOR, session_user: AUTHENTICATOR });
  await a.end();
  clients.splice(clients.indexOf(a), 1);
});

test('PostgREST sequence: HS256 token from jwt.sign(kid) in Authorization: Bearer sees only its rows as app_user', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const claims = claimsFor('alice');
  const result = await request(c, { headers: bearer(await serverSigned(claims, HS_KID)) });
  assertAuthenticatedAs(result, 'alice', claims);
});

test('PostgREST sequence: HS256 token from jose with the same secret authenticates (scheme "bearer" in lower case)', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const claims = claimsFor('bob', { aud: 'api', extra: { nested: [1, 'x'] } });
  const result = await request(c, { headers: { authorization: `bearer ${await joseHs256(claims)}` } });
  assertAuthenticatedAs(result, 'bob', claims);
});

test('PostgREST sequence: ES256 tokens from jwt.sign(kid) and from jose with the same key pair authenticate', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const carol = claimsFor('carol');
  assertAuthenticatedAs(await request(c, { headers: bearer(await serverSigned(carol, ES_KID)) }),
    'carol', carol);
  const alice = claimsFor('alice');
  assertAuthenticatedAs(await request(c, { headers: bearer(await joseEs256(alice)) }), 'alice', alice);
});

test('PostgREST sequence: an expired token fails the request with PT401 "token has expired"', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const exp = now() - 3600;
  const token = await joseHs256(claimsFor('alice', { iat: exp - 600, exp }));
  const when = new Date(exp * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  assert.deepEqual(await requestError(c, { headers: bearer(token) }),
    { code: 'PT401', message: 'token has expired', detail: `The token expired at ${when}.` });
  assertAnonymous(await request(c));
});

test('PostgREST sequence: a tampered token (payload of another user, signature kept) fails with PT401', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const token = await serverSigned(claimsFor('alice'), HS_KID);
  const [h, , s] = token.split('.');
  const forged = base64url.encode(JSON.stringify(claimsFor('bob')));
  const err = await requestError(c, { headers: bearer(`${h}.${forged}.${s}`) });
  assert.deepEqual({ code: err.code, message: err.message },
    { code: 'PT401', message: 'signature verification failed' });
  // and a token signed by a key the keyring does not hold
  const other = await new SignJWT(claimsFor('bob')).setProtectedHeader({ alg: 'HS256', kid: HS_KID })
    .sign(createHash('sha256').update('not the keyring secret').digest());
  const err2 = await requestError(c, { headers: bearer(other) });
  assert.deepEqual({ code: err2.code, message: err2.message },
    { code: 'PT401', message: 'signature verification failed' });
});

test('PostgREST sequence: a malformed bearer token fails with PT401 "malformed token"', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const err = await requestError(c, { headers: bearer('not-a-token') });
  assert.deepEqual({ code: err.code, message: err.message }, { code: 'PT401', message: 'malformed token' });
});

test('PostgREST sequence: no token leaves the request anonymous: role anon, no claims, zero rows', async () => {
  const c = await connectAs(AUTHENTICATOR);
  assertAnonymous(await request(c));
  assertAnonymous(await request(c, { headers: { accept: 'application/json', 'user-agent': 'test' } }));
});

test('PostgREST sequence: a role claim naming a role authenticator is not a member of fails with 42501', async () => {
  const c = await connectAs(AUTHENTICATOR);
  for (const role of ['postgres', OUTSIDER, 'no_such_role_pgrst']) {
    const token = await serverSigned(claimsFor('alice', { role }), HS_KID);
    assert.deepEqual(await requestError(c, { headers: bearer(token) }), {
      code: '42501',
      message: 'permission denied to set role',
      detail: `The token's role claim names role "${role}", which the connecting role is not a member of.`,
    }, `role claim ${role}`);
    assert.deepEqual(await idleState(c), { role: AUTHENTICATOR, claims: null, request_claims: null });
  }
});

test('PostgREST sequence: a token without a role claim keeps PostgREST\'s role (anon), with its claims', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const claims = claimsFor('alice');
  delete claims.role;
  const result = await request(c, { headers: bearer(await serverSigned(claims, HS_KID)) });
  // anon is granted SELECT and the policy sees the verified sub
  assert.deepEqual(result, {
    ids: idsOf('alice'), role: ANON, claims, uid: USERS.alice, authenticated: true,
  });
});

test('PostgREST sequence: pooler safety: the next transaction on the same connection has no claims', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const claims = claimsFor('bob');
  assertAuthenticatedAs(await request(c, { headers: bearer(await serverSigned(claims, HS_KID)) }),
    'bob', claims);
  assert.deepEqual(await idleState(c), { role: AUTHENTICATOR, claims: null, request_claims: null });
  assertAnonymous(await request(c));
  // also after a request that failed half-way (rolled back after the pre-request)
  await c.query('BEGIN');
  await c.query({ name: 'pgrst_tx_vars', text: TX_VARS,
    values: ['"public"', ANON, '{"role":"anon"}', 'GET', '/items',
      JSON.stringify(bearer(await serverSigned(claims, HS_KID))), '{}'] });
  await c.query({ name: 'pgrst_pre_request', text: PRE_REQUEST });
  await assert.rejects(c.query('select 1/0'), { code: '22012' });
  await c.query('ROLLBACK');
  assert.deepEqual(await idleState(c), { role: AUTHENTICATOR, claims: null, request_claims: null });
  assertAnonymous(await request(c));
});

test('PostgREST sequence: authenticator cannot forge verified claims with set_config(\'token_ext.claims\')', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const forged = JSON.stringify(claimsFor('alice'));
  // before token_ext is loaded in the backend the setting is a placeholder:
  // set_config takes the value, and loading the library must discard it
  await c.query('BEGIN');
  await c.query('select set_config(\'role\', $1, true), set_config(\'token_ext.claims\', $2, true)',
    [ANON, forged]);
  const res = await c.query('select jwt.claims() AS claims, jwt.uid() AS uid, ' +
    'current_setting(\'token_ext.claims\') AS setting, (select count(*) from public.items)::int AS n');
  assert.deepEqual(res.rows[0], { claims: null, uid: null, setting: '', n: 0 });
  // once loaded, the setting refuses a non-superuser outright
  await assert.rejects(c.query('select set_config(\'token_ext.claims\', $1, true)', [forged]),
    { code: '42501', message: 'permission denied to set parameter "token_ext.claims"' });
  await c.query('ROLLBACK');
  await assert.rejects(c.query('select set_config(\'token_ext.claims\', $1, false)', [forged]),
    { code: '42501', message: 'permission denied to set parameter "token_ext.claims"' });
  assertAnonymous(await request(c));
});

test('PostgREST sequence: token in a custom header (token_ext.token_header, bare token)', async () => {
  const c = await authenticatorWith({ 'token_ext.token_header': 'x-auth-token' });
  const claims = claimsFor('carol');
  const token = await joseHs256(claims);
  assertAuthenticatedAs(await request(c, { headers: { 'x-auth-token': token } }), 'carol', claims);
  // Authorization is not read then
  assertAnonymous(await request(c, { headers: bearer(token) }));
  await resetDatabaseSettings();
});

test('PostgREST sequence: token_ext.token_header matches header names case-insensitively (PostgREST sends them lower-cased)', async () => {
  const c = await authenticatorWith({ 'token_ext.token_header': 'X-Auth-Token' });
  const claims = claimsFor('alice');
  const result = await request(c, { headers: { 'x-auth-token': await joseHs256(claims) } });
  await resetDatabaseSettings();
  assertAuthenticatedAs(result, 'alice', claims);
});

test('PostgREST sequence: token in a cookie (token_ext.token_cookie) when the header has none', async () => {
  const c = await authenticatorWith({ 'token_ext.token_cookie': 'access_token' });
  const claims = claimsFor('bob');
  const token = await serverSigned(claims, ES_KID);
  assertAuthenticatedAs(await request(c, { cookies: { access_token: token, other: 'x' } }), 'bob', claims);
  // a bad token in the cookie is refused like one in the header
  const err = await requestError(c, { cookies: { access_token: `${token}x` } });
  assert.equal(err.code, 'PT401');
  // the Authorization header, when present, wins over the cookie
  const alice = claimsFor('alice');
  assertAuthenticatedAs(await request(c, {
    headers: bearer(await serverSigned(alice, HS_KID)), cookies: { access_token: token },
  }), 'alice', alice);
  await resetDatabaseSettings();
});

test('PostgREST sequence: JWE tokens for the keyring\'s decrypt keys (public-key JWE refused unless nested; dir accepted)', async () => {
  const c = await connectAs(AUTHENTICATOR);
  const carol = claimsFor('carol');
  const [{ t }] = await sql(
    'SELECT jwt.encrypt($1::jsonb, $2::jsonb, alg => \'ECDH-ES+A256KW\', enc => \'A256GCM\') AS t',
    [JSON.stringify(carol), JSON.stringify({ ...encPublicJwk, kid: ENC_KID })]);
  assert.equal(t.split('.').length, 5);

  // anyone can encrypt to a public key: such a JWE proves no origin, so it is a forgery attempt
  const forgedBySql = await requestError(c, { headers: bearer(t) });
  assert.equal(forgedBySql.code, 'PT401');
  assert.equal(forgedBySql.message, 'algorithm not allowed');
  assert.equal(forgedBySql.detail,
    'A token encrypted to a public key (ECDH-ES+A256KW) proves no origin; it must hold a signed token (cty "JWT").');
  const encKey = await importJWK(encPublicJwk, 'ECDH-ES+A256KW');
  const bob = claimsFor('bob');
  const joseJwe = await new EncryptJWT(bob)
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: ENC_KID }).encrypt(encKey);
  assert.equal((await requestError(c, { headers: bearer(joseJwe) })).code, 'PT401');

  // a JWE under a secret the server shares (dir) does prove origin
  const dirKey = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url') };
  await sql('INSERT INTO jwt.keyring (kid, purposes, key) VALUES ($1, $2, $3::jsonb)',
    ['pgrst-dir', ['decrypt'], JSON.stringify(dirKey)]);
  const joseDir = await new EncryptJWT(carol)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'pgrst-dir' })
    .encrypt(await importJWK(dirKey, 'dir'));
  assertAuthenticatedAs(await request(c, { headers: bearer(joseDir) }), 'carol', carol);
  await sql('DELETE FROM jwt.keyring WHERE kid = $1', ['pgrst-dir']);

  const alice = claimsFor('alice');
  const nested = await new CompactEncrypt(new TextEncoder().encode(await joseEs256(alice)))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: ENC_KID, cty: 'JWT' })
    .encrypt(encKey);
  assertAuthenticatedAs(await request(c, { headers: bearer(nested) }), 'alice', alice);

  // a JWE for another key fails the request with PT401
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const wrong = await new EncryptJWT(bob).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
    .encrypt(await importJWK(stranger, 'ECDH-ES+A256KW'));
  assert.equal((await requestError(c, { headers: bearer(wrong) })).code, 'PT401');
});

test('PostgREST sequence: token_ext.trust_request_claims on: jwt.claims() falls back to request.jwt.claims', async () => {
  const c = await authenticatorWith({ 'token_ext.trust_request_claims': 'on' });
  // PostgREST verified a token itself and set role and claims; no token for token_ext
  const claims = { ...claimsFor('bob'), role: APP_USER };
  const result = await request(c, { role: APP_USER, claims });
  assertAuthenticatedAs(result, 'bob', claims);
  // a token token_ext verified wins over request.jwt.claims
  const alice = claimsFor('alice');
  assertAuthenticatedAs(await request(c, {
    role: APP_USER, claims, headers: bearer(await serverSigned(alice, HS_KID)),
  }), 'alice', alice);
  await resetDatabaseSettings();
});

test('PostgREST sequence: token_ext.trust_request_claims off (default): request.jwt.claims is ignored', async () => {
  const c = await authenticatorWith({ 'token_ext.trust_request_claims': 'off' });
  const claims = { ...claimsFor('bob'), role: APP_USER };
  const result = await request(c, { role: APP_USER, claims });
  await resetDatabaseSettings();
  assert.deepEqual(result, { ids: [], role: APP_USER, claims: null, uid: null, authenticated: false });
});

test('PostgREST sequence: teardown (connections, settings, roles created here)', async () => {
  for (const client of clients.splice(0)) await client.end();
  await resetDatabaseSettings();
  await sql('DROP TABLE public.items');
  await sql('DELETE FROM jwt.keyring WHERE kid = ANY($1)', [[HS_KID, ES_KID, ENC_KID]]);
  for (const r of createdRoles) await sql(`DROP ROLE ${r}`);
});
