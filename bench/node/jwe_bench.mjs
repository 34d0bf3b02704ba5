// jwe_bench.mjs: the jose baseline of bench/run.sh's JWE part (not a test).
//
// For each case of DIR/cases.json ({name, alg, enc, enc_key, dec_key} with
// the JWKs token_ext used), encrypt the claim sets of DIR/claims.txt (one
// JSON object per line, the same claims token_ext encrypts) and decrypt the
// tokens token_ext made, DIR/tokens_<name>.txt, one per line, in a
// sequential await loop on one thread.  The keys are imported once.  Each
// operation: a warm-up, then ROUNDS timed rounds of at least SECONDS each;
// prints "name op ops seconds ok" for the best round, where ok counts the
// results checked (every decrypted plaintext must parse as the claims).
//
//   node jwe_bench.mjs DIR [SECONDS=1] [ROUNDS=3]
// first: gives Node 18 the global `crypto` jose needs (see node_compat.mjs)
import '../../test/interop/lib/node_compat.mjs';
import { readFileSync } from 'node:fs';
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose';

const dir = process.argv[2];
const seconds = Number(process.argv[3] ?? 1);
const rounds = Number(process.argv[4] ?? 3);
const lines = (f) => readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter((l) => l.length > 0);

const cases = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8'));
// parsed up front, as token_ext gets jsonb: encrypting serialises them
const claims = lines('claims.txt').map((l) => JSON.parse(l));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function importKey(jwk, alg) {
  const { alg: _bound, ...bare } = jwk;    // dir keys are bare oct keys
  return importJWK(bare, alg);
}

// run op(i) for i = 0, 1, ... until `secs` seconds have passed; ops and seconds
async function timed(op, secs) {
  let n = 0;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  const limit = t0 + BigInt(Math.round(secs * 1e9));
  let t = t0;
  while (t < limit) {
    if (await op(n)) ok++;
    n++;
    if ((n & 15) === 0) t = process.hrtime.bigint();
  }
  t = process.hrtime.bigint();
  return { n, ok, s: Number(t - t0) / 1e9 };
}

async function bench(name, opName, op) {
  await timed(op, Math.min(0.5, seconds));   // warm-up (JIT, key import caches)
  let best = null;
  for (let r = 0; r < rounds; r++) {
    const res = await timed(op, seconds);
    if (best === null || res.n / res.s > best.n / best.s) best = res;
    if (res.ok !== res.n) { best = res; break; }
  }
  console.log(`${name} ${opName} ${best.n} ${best.s.toFixed(6)} ${best.ok}`);
  return best.ok === best.n;
}

let allOk = true;
for (const c of cases) {
  const encKey = await importKey(c.enc_key, c.alg);
  const decKey = await importKey(c.dec_key, c.alg);
  const tokens = lines(`tokens_${c.name}.txt`);
  // the protected header token_ext writes: alg, enc and the key's kid
  const header = { alg: c.alg, enc: c.enc, ...(c.enc_key.kid ? { kid: c.enc_key.kid } : {}) };

  allOk = await bench(c.name, 'encrypt', async (i) => {
    const jwe = await new CompactEncrypt(encoder.encode(JSON.stringify(claims[i % claims.length])))
      .setProtectedHeader(header)
      .encrypt(encKey);
    return jwe.length > 0;
  }) && allOk;

  allOk = await bench(c.name, 'decrypt', async (i) => {
    const { plaintext } = await compactDecrypt(tokens[i % tokens.length], decKey);
    return typeof JSON.parse(decoder.decode(plaintext)).sub === 'string';
  }) && allOk;
}
process.exit(allOk ? 0 : 1);
