-- setup.sql: tables, baselines and the timer of the token_ext benchmark.
--
-- Loaded by bench/run.sh into a fresh database token_ext_bench, with
-- psql variable rows (how many tokens).  Nothing here is a test: it only
-- prepares inputs and measures.

CREATE EXTENSION token_ext;
CREATE EXTENSION pgcrypto;

-- the HS256 secret (32 bytes); text, as pgjwt and most callers pass it
CREATE FUNCTION bench_secret() RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT 'bench-secret-0123456789abcdefghi'::text $$;

-- :rows distinct realistic claim sets (6 claims, as an API gateway's access token)
CREATE TABLE bench_claims AS
SELECT i AS id,
       jsonb_build_object(
         'sub', gen_random_uuid(),
         'name', (ARRAY['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra',
                        'Barbara Liskov', 'Donald Knuth'])[i % 6 + 1] || ' ' || i,
         'role', (ARRAY['authenticated', 'admin', 'reader', 'editor'])[i % 4 + 1],
         'iat', now_s - 60 - i % 1000,
         'exp', now_s + 86400,
         'aud', 'bench-api') AS claims
FROM generate_series(1, :rows) i,
     LATERAL (SELECT floor(extract(epoch FROM now()))::bigint AS now_s) n;

-- the same claim sets signed, with their signing input (header.payload)
CREATE TABLE bench_token AS
SELECT id, token, left(token, length(token) - length(split_part(token, '.', 3)) - 1) AS signing_input
FROM (SELECT id, jwt.sign(claims, bench_secret()) AS token FROM bench_claims) t;

-- ---------------------------------------------------------------------------
-- pgjwt-style baseline: pgjwt's HS256 sign and verify, re-typed here from
-- its published SQL (michelp/pgjwt, pgjwt--0.2.0.sql at f3d82fd:
-- url_encode, url_decode, algorithm_sign, sign, verify, try_cast_double)
-- into schema pgjwt_like, for measurement only; pgjwt itself is not
-- downloaded or installed.  Same
-- structure: SQL functions over pgcrypto's hmac(), a regexp split, base64
-- through encode/decode, json casts, and the nbf/exp window checked with
-- tstzrange.
-- ---------------------------------------------------------------------------
CREATE SCHEMA pgjwt_like;

CREATE FUNCTION pgjwt_like.url_encode(data bytea) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_'); $$;

CREATE FUNCTION pgjwt_like.url_decode(data text) RETURNS bytea LANGUAGE sql IMMUTABLE
AS $$
WITH t AS (SELECT translate(data, '-_', '+/') AS trans),
     rem AS (SELECT length(t.trans) % 4 AS remainder FROM t)
SELECT decode(t.trans || CASE WHEN rem.remainder > 0 THEN repeat('=', (4 - rem.remainder))
                              ELSE '' END, 'base64') FROM t, rem;
$$;

CREATE FUNCTION pgjwt_like.algorithm_sign(signables text, secret text, algorithm text)
RETURNS text LANGUAGE sql IMMUTABLE
AS $$
WITH alg AS (
  SELECT CASE WHEN algorithm = 'HS256' THEN 'sha256'
              WHEN algorithm = 'HS384' THEN 'sha384'
              WHEN algorithm = 'HS512' THEN 'sha512'
              ELSE '' END AS id)
SELECT pgjwt_like.url_encode(public.hmac(signables, secret, alg.id)) FROM alg;
$$;

CREATE FUNCTION pgjwt_like.sign(payload json, secret text, algorithm text DEFAULT 'HS256')
RETURNS text LANGUAGE sql IMMUTABLE
AS $$
WITH
  header AS (SELECT pgjwt_like.url_encode(convert_to('{"alg":"' || algorithm || '","typ":"JWT"}', 'utf8')) AS data),
  payload AS (SELECT pgjwt_like.url_encode(convert_to(payload::text, 'utf8')) AS data),
  signables AS (SELECT header.data || '.' || payload.data AS data FROM header, payload)
SELECT signables.data || '.' || pgjwt_like.algorithm_sign(signables.data, secret, algorithm)
FROM signables;
$$;

CREATE FUNCTION pgjwt_like.try_cast_double(inp text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  BEGIN
    RETURN inp::double precision;
  EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
  END;
END;
$$;

CREATE FUNCTION pgjwt_like.verify(token text, secret text, algorithm text DEFAULT 'HS256')
RETURNS TABLE (header json, payload json, valid boolean) LANGUAGE sql IMMUTABLE
AS $$
SELECT jwt.header AS header,
       jwt.payload AS payload,
       jwt.signature_ok AND tstzrange(
         to_timestamp(pgjwt_like.try_cast_double(jwt.payload->>'nbf')),
         to_timestamp(pgjwt_like.try_cast_double(jwt.payload->>'exp'))
       ) @> CURRENT_TIMESTAMP AS valid
FROM (
  SELECT convert_from(pgjwt_like.url_decode(r[1]), 'utf8')::json AS header,
         convert_from(pgjwt_like.url_decode(r[2]), 'utf8')::json AS payload,
         r[3] = pgjwt_like.algorithm_sign(r[1] || '.' || r[2], secret, algorithm) AS signature_ok
  FROM regexp_split_to_array(token, '\.') r
) jwt
$$;

-- token_ext_pgjwt: the same six functions as pgjwt, on token_ext's C code
CREATE SCHEMA pgjwt_compat;
CREATE EXTENSION token_ext_pgjwt SCHEMA pgjwt_compat;

-- The claims as json for the pgjwt-style sign (pgjwt takes json and signs
-- its text as given): the exact compact text jwt.sign produced, so both
-- sign the same payload bytes.
ALTER TABLE bench_claims ADD COLUMN claims_json json;
UPDATE bench_claims c
SET claims_json = convert_from(pgjwt_like.url_decode(split_part(t.token, '.', 2)), 'utf8')::json
FROM bench_token t WHERE t.id = c.id;

VACUUM ANALYZE bench_claims;
VACUUM ANALYZE bench_token;

-- ---------------------------------------------------------------------------
-- The timer: run query reps times, return each run's server-side wall time
-- in ms (clock_timestamp() around the whole query, so executor start-up,
-- the scan and count() are included: the "scan only" row shows that part).
-- ---------------------------------------------------------------------------
CREATE TABLE bench_result (
  pos integer PRIMARY KEY,
  label text NOT NULL,
  query text NOT NULL,
  runs_ms double precision[] NOT NULL,
  checked bigint NOT NULL     -- what the query counted (must be :rows)
);

CREATE FUNCTION bench_run(pos integer, label text, query text, reps integer) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  t0 timestamptz;
  n bigint;
  runs double precision[] := '{}';
BEGIN
  FOR r IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE query INTO n;
    runs := runs || (extract(epoch FROM clock_timestamp() - t0) * 1000)::double precision;
  END LOOP;
  INSERT INTO bench_result VALUES (pos, label, query, runs, n);
END $$;
