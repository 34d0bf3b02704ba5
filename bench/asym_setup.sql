-- asym_setup.sql: keys, tokens and timers of the asymmetric JWS and the JWE
-- parts of the token_ext benchmark.
--
-- Loaded by bench/run.sh after setup.sql (it reuses bench_claims), with psql
-- variables asym_rows (distinct tokens per algorithm, default 20000) and
-- jwe_rows (distinct tokens per JWE case).  Nothing here is a test.

-- One backend, one core: every session of this database runs serial plans.
SELECT format('ALTER DATABASE %I SET max_parallel_workers_per_gather = 0', current_database()) \gexec
SELECT format('ALTER DATABASE %I SET jit = off', current_database()) \gexec

-- the first :asym_rows claim sets of the HS256 part (6 claims each)
CREATE TABLE asym_claims AS
SELECT id, claims FROM bench_claims WHERE id <= greatest(:asym_rows, :jwe_rows) ORDER BY id;

-- one key per algorithm: jwk is the private JWK (bound to alg), pub the public one
CREATE TABLE asym_key AS
SELECT alg, jwt.generate_key(alg) AS jwk
FROM unnest(ARRAY['RS256', 'PS256', 'ES256', 'ES256K', 'EdDSA']) WITH ORDINALITY a(alg, pos)
ORDER BY pos;
ALTER TABLE asym_key ADD COLUMN pub jsonb;
UPDATE asym_key SET pub = jwt.public_jwk(jwk);

-- asym_token_<alg>: the claim sets signed with the algorithm's key
SELECT format($f$CREATE TABLE asym_token_%s AS
  SELECT id, token, left(token, length(token) - length(split_part(token, '.', 3)) - 1) AS signing_input
  FROM (SELECT c.id, jwt.sign(c.claims, %L::jsonb) AS token
        FROM asym_claims c WHERE c.id <= %s ORDER BY c.id) t$f$,
  lower(alg), jwk, :asym_rows)
FROM asym_key \gexec

-- JWE: one key per case; enc_key encrypts (the public JWK for RSA and ECDH),
-- dec_key decrypts.  dir takes a bare 256-bit oct key.
CREATE TABLE jwe_case (
  pos integer PRIMARY KEY,
  name text NOT NULL,            -- table suffix
  alg text NOT NULL,
  enc text NOT NULL,
  dec_key jsonb,
  enc_key jsonb
);
INSERT INTO jwe_case (pos, name, alg, enc, dec_key) VALUES
  (1, 'dir', 'dir', 'A256GCM', jwt.generate_key('oct', 256)),
  (2, 'a256kw', 'A256KW', 'A256GCM', jwt.generate_key('A256KW')),
  (3, 'rsa_oaep_256', 'RSA-OAEP-256', 'A256GCM', jwt.generate_key('RSA-OAEP-256')),
  (4, 'ecdh_es_a256kw', 'ECDH-ES+A256KW', 'A256GCM', jwt.generate_key('ECDH-ES+A256KW'));
UPDATE jwe_case SET enc_key = CASE WHEN dec_key->>'kty' = 'oct' THEN dec_key ELSE jwt.public_jwk(dec_key) END;

SELECT format($f$CREATE TABLE jwe_token_%s AS
  SELECT c.id, jwt.encrypt(c.claims, %L::jsonb, %L, %L) AS token
  FROM asym_claims c WHERE c.id <= %s ORDER BY c.id$f$,
  name, enc_key, alg, enc, :jwe_rows)
FROM jwe_case ORDER BY pos \gexec

-- the claims as the compact JSON text token_ext signs (for the jose side)
CREATE TABLE jwe_claims_text AS
SELECT id, claims::text AS claims_text FROM asym_claims WHERE id <= :jwe_rows ORDER BY id;

VACUUM ANALYZE;

-- ---------------------------------------------------------------------------
-- The timer: run query reps times after one untimed warm-up query (which
-- loads the key into the session's key cache and the table into shared
-- buffers); each run's server-side wall time in ms, and what it counted.
-- ---------------------------------------------------------------------------
CREATE FUNCTION bench_measure(query text, warmup text, reps integer,
                              OUT runs_ms double precision[], OUT checked bigint)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  t0 timestamptz;
BEGIN
  EXECUTE warmup;
  runs_ms := '{}';
  FOR r IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE query INTO checked;
    runs_ms := runs_ms || (extract(epoch FROM clock_timestamp() - t0) * 1000)::double precision;
  END LOOP;
END $$;

-- token_ext's figures of the asymmetric part: alg, op (verify/sign), rows
CREATE TABLE asym_result (
  alg text, op text, rows integer, runs_ms double precision[], checked bigint,
  PRIMARY KEY (alg, op)
);

-- Measure verify and sign for one algorithm: verify over every token,
-- sign over the first sign_rows claim sets; a second call adds its runs.
CREATE FUNCTION asym_measure(a text, reps integer, sign_rows integer) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  k asym_key;
  n integer;
  m record;
BEGIN
  SELECT * INTO k FROM asym_key WHERE alg = a;
  EXECUTE format('SELECT count(*) FROM asym_token_%s', lower(a)) INTO n;
  m := bench_measure(
    format('SELECT count(jwt.verify(token, %L::jsonb)) FROM asym_token_%s', k.pub, lower(a)),
    format('SELECT count(token) + count(jwt.verify(token, %L::jsonb)) FILTER (WHERE id <= 200) FROM asym_token_%s',
           k.pub, lower(a)),
    reps);
  INSERT INTO asym_result VALUES (a, 'verify', n, m.runs_ms, m.checked)
    ON CONFLICT (alg, op) DO UPDATE SET runs_ms = asym_result.runs_ms || EXCLUDED.runs_ms,
                                        checked = least(asym_result.checked, EXCLUDED.checked);
  n := least(sign_rows, n);
  m := bench_measure(
    format('SELECT count(jwt.sign(claims, %L::jsonb)) FROM (SELECT claims FROM asym_claims ORDER BY id LIMIT %s) c',
           k.jwk, n),
    format('SELECT count(jwt.sign(claims, %L::jsonb)) FROM (SELECT claims FROM asym_claims ORDER BY id LIMIT 200) c',
           k.jwk),
    reps);
  INSERT INTO asym_result VALUES (a, 'sign', n, m.runs_ms, m.checked)
    ON CONFLICT (alg, op) DO UPDATE SET runs_ms = asym_result.runs_ms || EXCLUDED.runs_ms,
                                        checked = least(asym_result.checked, EXCLUDED.checked);
END $$;

-- the bare C loop's figures (bench/c/asym_loop.c), loaded by run.sh: one
-- row per round (run.sh alternates token_ext and C rounds; best is kept)
CREATE TABLE asym_c_result (
  alg text, op text, form text, rows integer, best_s double precision, ok bigint
);

-- token_ext's figures of the JWE part
CREATE TABLE jwe_result (
  name text, op text, rows integer, runs_ms double precision[], checked bigint,
  PRIMARY KEY (name, op)
);

-- Measure encrypt over the first enc_rows claim sets and decrypt over the
-- first dec_rows tokens of one case; a second call adds its runs.
CREATE FUNCTION jwe_measure(c text, reps integer, enc_rows integer, dec_rows integer) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  k jwe_case;
  m record;
BEGIN
  SELECT * INTO k FROM jwe_case WHERE name = c;
  m := bench_measure(
    format('SELECT count(jwt.encrypt(claims, %L::jsonb, %L, %L)) FROM (SELECT claims FROM asym_claims ORDER BY id LIMIT %s) c',
           k.enc_key, k.alg, k.enc, enc_rows),
    format('SELECT count(jwt.encrypt(claims, %L::jsonb, %L, %L)) FROM (SELECT claims FROM asym_claims ORDER BY id LIMIT 200) c',
           k.enc_key, k.alg, k.enc),
    reps);
  INSERT INTO jwe_result VALUES (c, 'encrypt', enc_rows, m.runs_ms, m.checked)
    ON CONFLICT (name, op) DO UPDATE SET runs_ms = jwe_result.runs_ms || EXCLUDED.runs_ms,
                                         checked = least(jwe_result.checked, EXCLUDED.checked);
  m := bench_measure(
    format('SELECT count(jwt.decrypt(token, %L::jsonb, %L, %L)) FROM (SELECT token FROM jwe_token_%s ORDER BY id LIMIT %s) t',
           k.dec_key, k.alg, k.enc, c, dec_rows),
    format('SELECT count(token) + count(jwt.decrypt(token, %L::jsonb, %L, %L)) FILTER (WHERE id <= 200) FROM jwe_token_%s',
           k.dec_key, k.alg, k.enc, c),
    reps);
  INSERT INTO jwe_result VALUES (c, 'decrypt', dec_rows, m.runs_ms, m.checked)
    ON CONFLICT (name, op) DO UPDATE SET runs_ms = jwe_result.runs_ms || EXCLUDED.runs_ms,
                                         checked = least(jwe_result.checked, EXCLUDED.checked);
END $$;

-- jose's figures (bench/node/jwe_bench.mjs), loaded by run.sh: one row per
-- round (run.sh alternates token_ext and jose rounds; the best is kept)
CREATE TABLE jwe_node_result (
  name text, op text, ops bigint, best_s double precision, ok bigint
);
