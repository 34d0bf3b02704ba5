// jose_tokens.mjs: the npm "jose" side of the SQLite suite's interop tests.
//
//   node jose_tokens.mjs make    prints JSON: tokens jose made, with the keys
//                                that verify or decrypt them
//   node jose_tokens.mjs check   reads JSON tokens (made by token_ext_sqlite)
//                                on stdin; prints what jose makes of each
//
// jose is the copy test/interop/install.sh puts in test/interop/node_modules.
// Cases cover every JWS algorithm jose has (all of token_ext's but ES256K and
// Ed448) and every JWE key management and content encryption, and a nested
// (signed, then encrypted) token.

// first: gives Node 18 the global `crypto` jose needs (see node_compat.mjs)
import '../interop/lib/node_compat.mjs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../interop/package.json', import.meta.url));
const jose = await import(pathToFileURL(require.resolve('jose')).href);

export const JWS_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384',
  'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
export const JWE_CASES = [
  ...['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'RSA-OAEP', 'RSA-OAEP-256',
    'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW', 'PBES2-HS256+A128KW',
    'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW'].map((alg) => [alg, 'A256GCM', null]),
  ...['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512']
    .map((enc) => ['dir', enc, null]),
  ['ECDH-ES', 'A128CBC-HS256', 'X25519'],
  ['ECDH-ES+A256KW', 'A256GCM', 'P-521'],
];
const PASSWORD = 'correct horse battery staple';
const now = Math.floor(Date.now() / 1000);

// The claims a case carries.
const claims = (what) => ({ sub: `jose-${what}`, iss: 'jose', aud: 'sqlite', iat: now, exp: now + 3600 });

// A key pair (or secret) for alg, as jose objects and exported JWKs.
async function keysFor(alg, enc, crv) {
  if (alg.startsWith('PBES2')) return { enc: new TextEncoder().encode(PASSWORD), dec: PASSWORD };
  if (/^(HS|A\d+(GCM)?KW$)/.test(alg) || alg === 'dir') {
    const secret = await jose.generateSecret(alg === 'dir' ? enc : alg, { extractable: true });
    return { enc: secret, sign: secret, dec: await jose.exportJWK(secret) };
  }
  const opts = { extractable: true };
  if (crv) opts.crv = crv;
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, opts);
  return { enc: publicKey, sign: privateKey, dec: await jose.exportJWK(privateKey),
    pub: await jose.exportJWK(publicKey) };
}

// Tokens jose makes: [{kind, alg, enc, key, vkey, token, claims}].
async function make() {
  const out = [];
  for (const alg of JWS_ALGS) {
    const k = await keysFor(alg);
    const c = claims(alg);
    const token = await new jose.SignJWT(c).setProtectedHeader({ alg, typ: 'JWT' }).sign(k.sign);
    out.push({ kind: 'jws', alg, key: k.pub ?? k.dec, token, claims: c });
  }
  for (const [alg, enc, crv] of JWE_CASES) {
    const k = await keysFor(alg, enc, crv);
    const c = claims(`${alg}-${enc}${crv ? '-' + crv : ''}`);
    const header = { alg, enc };
    if (alg.startsWith('PBES2')) header.p2c = 10000;
    const token = await new jose.EncryptJWT(c).setProtectedHeader(header).encrypt(k.enc);
    out.push({ kind: 'jwe', alg, enc, crv, key: k.dec, token, claims: c });
  }
  const s = await keysFor('ES256');
  const e = await keysFor('RSA-OAEP-256');
  const c = claims('nested');
  const inner = await new jose.SignJWT(c).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(s.sign);
  const token = await new jose.CompactEncrypt(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' }).encrypt(e.enc);
  out.push({ kind: 'nested', alg: 'RSA-OAEP-256', enc: 'A256GCM', key: e.dec, vkey: s.pub, token, claims: c });
  return out;
}

// What jose makes of one token made elsewhere: {ok, claims} or {ok: false, error}.
async function checkOne(t) {
  try {
    if (t.kind === 'jws') {
      const key = await jose.importJWK(t.key, t.alg);
      const { payload } = await jose.jwtVerify(t.token, key, { algorithms: [t.alg] });
      return { ok: true, claims: payload };
    }
    const key = t.alg.startsWith('PBES2') ? new TextEncoder().encode(t.key) : await jose.importJWK(t.key, t.alg);
    // token_ext encrypts with p2c 100,000 by default (jose accepts 10,000 unless told)
    const opts = { keyManagementAlgorithms: [t.alg], contentEncryptionAlgorithms: [t.enc],
      maxPBES2Count: 100000 };
    if (t.kind === 'jwe') {
      const { payload } = await jose.jwtDecrypt(t.token, key, opts);
      return { ok: true, claims: payload };
    }
    const { plaintext, protectedHeader } = await jose.compactDecrypt(t.token, key, opts);
    if (protectedHeader.cty !== 'JWT') return { ok: false, error: 'cty is not JWT' };
    const vkey = await jose.importJWK(t.vkey, t.sign_alg);
    const { payload } = await jose.jwtVerify(new TextDecoder().decode(plaintext), vkey,
      { algorithms: [t.sign_alg] });
    return { ok: true, claims: payload };
  } catch (err) {
    return { ok: false, error: `${err.code ?? err.name}: ${err.message}` };
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const mode = process.argv[2];
if (mode === 'make') {
  process.stdout.write(JSON.stringify(await make()));
} else if (mode === 'check') {
  const tokens = await readStdin();
  const results = [];
  for (const t of tokens) results.push(await checkOne(t));
  process.stdout.write(JSON.stringify(results));
} else if (mode === 'cases') {
  process.stdout.write(JSON.stringify({ jws: JWS_ALGS, jwe: JWE_CASES }));
} else {
  process.stderr.write('usage: node jose_tokens.mjs make|check|cases\n');
  process.exit(2);
}
