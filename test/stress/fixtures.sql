-- fixtures.sql: helpers and fixtures shared by the stress tests.
--
-- Loaded once into the scratch database by run.sh.  Tokens are built here
-- with pgcrypto's hmac(), not with jwt.sign(), so that the inputs of the
-- tests do not depend on the code under test.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- unpadded base64url of bytes (RFC 7515, section 2)
CREATE FUNCTION b64url(b bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT translate(encode(b, 'base64'), E'+/=\n', '-_') $$;

-- a compact HS256 JWS of header and payload JSON texts, signed with secret
CREATE FUNCTION hs256_token(header text, payload text, secret text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
  SELECT s || '.' || b64url(hmac(convert_to(s, 'UTF8'), convert_to(secret, 'UTF8'), 'sha256'))
  FROM (SELECT b64url(convert_to(header, 'UTF8')) || '.' || b64url(convert_to(payload, 'UTF8')) AS s) t
$$;

-- one TAP-style result line: "ok - what" or "not ok - what: detail";
-- a NULL outcome means the check could not run here
CREATE FUNCTION tap(outcome boolean, what text, detail text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN outcome IS NULL THEN 'ok - ' || what || ' # SKIP ' || detail
              WHEN outcome THEN 'ok - ' || what
              ELSE 'not ok - ' || what || ': ' || detail END
$$;

-- A field of /proc/<pid>/status of this backend, in kB (VmRSS: resident
-- memory; RssAnon: its private anonymous part, where malloc and palloc
-- memory lives); NULL when it cannot be read (no /proc, or the role may not
-- read server files).
CREATE FUNCTION backend_status_kb(field text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  RETURN substring(pg_read_file('/proc/' || pg_backend_pid() || '/status')
                   FROM field || ':\s*(\d+) kB')::bigint;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

-- bytes held by this backend's memory contexts (palloc'd memory)
CREATE FUNCTION backend_context_bytes() RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT sum(total_bytes)::bigint FROM pg_backend_memory_contexts $$;

-- Memory samples of this backend, by tag.
CREATE TABLE memory_sample (
  tag text PRIMARY KEY,
  vmrss_kb bigint,
  anon_kb bigint,
  context_bytes bigint
);

CREATE FUNCTION sample_memory(tag text) RETURNS void
LANGUAGE sql VOLATILE
AS $$
  INSERT INTO memory_sample
  VALUES (tag, backend_status_kb('VmRSS'), backend_status_kb('RssAnon'), backend_context_bytes())
  ON CONFLICT (tag) DO UPDATE SET vmrss_kb = excluded.vmrss_kb, anon_kb = excluded.anon_kb,
                                  context_bytes = excluded.context_bytes
$$;

-- The memory limits of the stress tests, in kB, for the growth of one
-- backend over a measured run that follows a warm-up:
--   VmRSS   2048 kB: all resident memory.  It also counts pages of shared
--           buffers and of mapped libraries that the backend touches for
--           the first time (up to ~0.8 MB over a measured run here, e.g.
--           from writing memory_sample), which are not leaks.
--   RssAnon 1024 kB: the private memory, where both malloc (OpenSSL, the
--           key cache) and palloc live.  Over the measured runs here it
--           moves by at most ~150 kB when nothing leaks, while leaking even
--           one smallest malloc chunk (32 bytes) per call grows it by
--           3.2 MB per 100,000 calls, or 1.6 MB per 50,000.
CREATE FUNCTION vmrss_limit_kb() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 2048::bigint $$;
CREATE FUNCTION anon_limit_kb() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 1024::bigint $$;

-- An info line and a result line for the memory growth between two samples.
CREATE FUNCTION memory_growth_check(what text, before_tag text, after_tag text)
RETURNS SETOF text
LANGUAGE sql VOLATILE
AS $$
  SELECT line FROM (
    SELECT 1 AS n, format('# %s: VmRSS %s -> %s kB (%s kB), RssAnon %s -> %s kB (%s kB), '
                          'memory contexts %s -> %s bytes',
                          what, b.vmrss_kb, a.vmrss_kb, to_char(a.vmrss_kb - b.vmrss_kb, 'SG999990'),
                          b.anon_kb, a.anon_kb, to_char(a.anon_kb - b.anon_kb, 'SG999990'),
                          b.context_bytes, a.context_bytes) AS line
    FROM memory_sample b, memory_sample a WHERE b.tag = before_tag AND a.tag = after_tag
    UNION ALL
    SELECT 2, tap(CASE WHEN b.vmrss_kb IS NULL OR a.vmrss_kb IS NULL THEN NULL
                       ELSE a.vmrss_kb - b.vmrss_kb < vmrss_limit_kb()
                            AND a.anon_kb - b.anon_kb < anon_limit_kb() END,
                  what || format(' keeps memory flat (VmRSS growth < %s kB, RssAnon growth < %s kB)',
                                 vmrss_limit_kb(), anon_limit_kb()),
                  CASE WHEN b.vmrss_kb IS NULL OR a.vmrss_kb IS NULL
                       THEN '/proc/<backend pid>/status cannot be read here'
                       ELSE format('VmRSS grew by %s kB, RssAnon by %s kB',
                                   a.vmrss_kb - b.vmrss_kb, a.anon_kb - b.anon_kb) END)
    FROM memory_sample b, memory_sample a WHERE b.tag = before_tag AND a.tag = after_tag
  ) t ORDER BY n
$$;

-- The secret every fixture token is signed with (32 bytes, the HS256 minimum).
CREATE FUNCTION stress_secret() RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT 'stress-secret-0123456789abcdefgh'::text $$;

-- ---------------------------------------------------------------------------
-- Calls that must fail, one row per kind, with the error each must raise.
-- fn says which SQL function and key overload the row is run through.
-- ---------------------------------------------------------------------------
CREATE TABLE failing_case (
  id integer PRIMARY KEY,
  label text NOT NULL,
  fn text NOT NULL CHECK (fn IN ('verify_text', 'verify_bytea', 'verify_jsonb',
                                 'verify_raw_bytea', 'sign_text', 'sign_jsonb')),
  token text,
  claims jsonb,
  key_text text,
  key_bytea bytea,
  key_jsonb jsonb,
  alg text,
  audience text,
  required text[],
  typ text,
  sqlstate text NOT NULL,
  message text NOT NULL,
  try_verify boolean NOT NULL     -- a fault of the token: try_verify returns valid = false
);

INSERT INTO failing_case (id, label, fn, token, key_text, key_bytea, key_jsonb, alg, audience,
                          required, typ, sqlstate, message, try_verify)
SELECT v.id, v.label, v.fn, v.token,
       CASE WHEN v.fn LIKE '%text' THEN coalesce(v.key, stress_secret()) END,
       CASE WHEN v.fn LIKE '%bytea' THEN convert_to(coalesce(v.key, stress_secret()), 'UTF8') END,
       CASE WHEN v.fn LIKE '%jsonb' THEN v.key::jsonb END,
       v.alg, v.audience, v.required, v.typ, v.sqlstate, v.message, v.try_verify
FROM (VALUES
  (1, 'bad signature', 'verify_text',
   hs256_token('{"alg":"HS256","typ":"JWT"}', '{"sub":"a"}', 'another-secret-0123456789abcdefg'),
   NULL, NULL, NULL, NULL::text[], NULL, '28000', 'signature verification failed', true),
  (2, 'expired', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a","exp":1000000000}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '28000', 'token has expired', true),
  (3, 'malformed base64url', 'verify_text',
   'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0*.c2lnbmF0dXJl',
   NULL, NULL, NULL, NULL, NULL, '22P02', 'malformed base64url in token', true),
  (4, 'malformed JSON payload', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a",}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '22P02', 'malformed JSON in token', true),
  (5, 'malformed JSON header', 'verify_bytea',
   hs256_token('{"alg":"HS256"', '{"sub":"a"}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '22P02', 'malformed JSON in token', true),
  (6, 'wrong algorithm', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a"}', stress_secret()),
   NULL, 'HS512', NULL, NULL, NULL, '22023', 'algorithm not allowed', true),
  (7, 'alg none', 'verify_text',
   b64url('{"alg":"none"}') || '.' || b64url('{"sub":"a"}') || '.',
   NULL, NULL, NULL, NULL, NULL, '22023', 'algorithm "none" is not allowed', true),
  (8, 'bad key: JWK text without k', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a"}', stress_secret()),
   '{"kty":"oct","alg":"HS256"}', NULL, NULL, NULL, NULL, '22023', 'invalid key', false),
  (9, 'bad key: JWK jsonb with invalid k', 'verify_jsonb',
   hs256_token('{"alg":"HS256"}', '{"sub":"a"}', stress_secret()),
   '{"kty":"oct","k":"!!not base64url!!"}', NULL, NULL, NULL, NULL, '22023', 'invalid key', false),
  (10, 'no matching kid in a JWKS', 'verify_jsonb',
   hs256_token('{"alg":"HS256","kid":"b"}', '{"sub":"a"}', stress_secret()),
   '{"keys":[{"kty":"oct","kid":"a","k":"' || b64url(convert_to(stress_secret(), 'UTF8')) || '"}]}',
   NULL, NULL, NULL, NULL, '28000', 'no matching key', true),
  (11, 'audience mismatch', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a","aud":"x"}', stress_secret()),
   NULL, NULL, 'y', NULL, NULL, '28000', 'audience mismatch', true),
  (12, 'missing required claim', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a"}', stress_secret()),
   NULL, NULL, NULL, '{jti}', NULL, '28000', 'missing required claim', true),
  (13, 'not yet valid', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a","nbf":4000000000}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '28000', 'token is not yet valid', true),
  (14, 'non-numeric exp', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"sub":"a","exp":"soon"}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '22P02', 'invalid claim', true),
  (15, 'token type mismatch', 'verify_text',
   hs256_token('{"alg":"HS256","typ":"JWT"}', '{"sub":"a"}', stress_secret()),
   NULL, NULL, NULL, NULL, 'at+jwt', '28000', 'token type mismatch', true),
  (16, 'unsupported crit', 'verify_text',
   hs256_token('{"alg":"HS256","crit":["x"],"x":1}', '{"sub":"a"}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '0A000', 'unsupported critical header parameter', true),
  (17, 'two segments', 'verify_text',
   'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0',
   NULL, NULL, NULL, NULL, NULL, '22P02', 'malformed token', true),
  (18, 'token over max_token_size', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"pad":"' || repeat('x', 70000) || '"}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '54000', 'input exceeds a limit', true),
  (19, 'JSON nested too deep', 'verify_text',
   hs256_token('{"alg":"HS256"}', '{"a":' || repeat('[', 40) || repeat(']', 40) || '}', stress_secret()),
   NULL, NULL, NULL, NULL, NULL, '54000', 'input exceeds a limit', true),
  (20, 'verify_raw bad signature', 'verify_raw_bytea',
   hs256_token('{"alg":"HS256"}', 'raw bytes', 'another-secret-0123456789abcdefg'),
   NULL, NULL, NULL, NULL, NULL, '28000', 'signature verification failed', false),
  (21, 'sign with a short secret', 'sign_text',
   NULL, 'short', NULL, NULL, NULL, NULL, '22023', 'invalid key', false),
  (22, 'sign with a JWKS', 'sign_jsonb',
   NULL, '{"keys":[{"kty":"oct","k":"' || b64url(convert_to(stress_secret(), 'UTF8')) || '"}]}',
   NULL, NULL, NULL, NULL, '22023', 'invalid argument', false)
) AS v(id, label, fn, token, key, alg, audience, required, typ, sqlstate, message, try_verify);

UPDATE failing_case SET claims = '{"sub":"a","role":"r"}' WHERE fn LIKE 'sign%';

-- Run n failing calls, cycling through failing_case (or only its row
-- only_id); each call is made in
-- its own BEGIN ... EXCEPTION block, so each one really raises.  Returns,
-- per kind, how many calls were made, raised, and raised the expected
-- SQLSTATE and message.
CREATE FUNCTION run_failing_calls(n integer, only_id integer DEFAULT NULL)
RETURNS TABLE (label text, calls integer, raised integer, as_expected integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  cs failing_case[] := ARRAY(SELECT c FROM failing_case c
                             WHERE only_id IS NULL OR c.id = only_id ORDER BY id);
  k integer := cardinality(cs);
  n_calls integer[] := array_fill(0, ARRAY[k]);
  n_raised integer[] := array_fill(0, ARRAY[k]);
  n_good integer[] := array_fill(0, ARRAY[k]);
  c failing_case;
  j integer;
  st text;
  msg text;
BEGIN
  FOR i IN 0 .. n - 1 LOOP
    j := i % k + 1;
    c := cs[j];
    n_calls[j] := n_calls[j] + 1;
    BEGIN
      CASE c.fn
        WHEN 'verify_text' THEN
          PERFORM jwt.verify(c.token, c.key_text, c.alg, c.audience, NULL, NULL, c.required, NULL, c.typ);
        WHEN 'verify_bytea' THEN
          PERFORM jwt.verify(c.token, c.key_bytea, c.alg, c.audience, NULL, NULL, c.required, NULL, c.typ);
        WHEN 'verify_jsonb' THEN
          PERFORM jwt.verify(c.token, c.key_jsonb, c.alg, c.audience, NULL, NULL, c.required, NULL, c.typ);
        WHEN 'verify_raw_bytea' THEN
          PERFORM jwt.verify_raw(c.token, c.key_bytea, c.alg, c.typ);
        WHEN 'sign_text' THEN
          PERFORM jwt.sign(c.claims, c.key_text, c.alg);
        WHEN 'sign_jsonb' THEN
          PERFORM jwt.sign(c.claims, c.key_jsonb, c.alg);
      END CASE;
    EXCEPTION WHEN others THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      n_raised[j] := n_raised[j] + 1;
      IF st = c.sqlstate AND msg = c.message THEN
        n_good[j] := n_good[j] + 1;
      END IF;
    END;
  END LOOP;
  RETURN QUERY SELECT cs[x].label, n_calls[x], n_raised[x], n_good[x] FROM generate_series(1, k) x;
END $$;

-- try_verify over n tokens, cycling through the token faults of
-- failing_case (or only its row only_id): per kind, how many calls, and how
-- many came back valid = false with the expected error text.  The key
-- argument is always text (a JWK/JWKS as JSON text, or a secret).
CREATE FUNCTION run_failing_try_verify(n integer, only_id integer DEFAULT NULL)
RETURNS TABLE (label text, calls integer, as_expected integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  cs failing_case[] := ARRAY(SELECT c FROM failing_case c
                             WHERE c.try_verify AND (only_id IS NULL OR c.id = only_id)
                             ORDER BY id);
  keys text[] := ARRAY(SELECT coalesce(c.key_jsonb::text, c.key_text, convert_from(c.key_bytea, 'UTF8'))
                       FROM failing_case c
                       WHERE c.try_verify AND (only_id IS NULL OR c.id = only_id)
                       ORDER BY id);
  k integer := cardinality(cs);
  n_calls integer[] := array_fill(0, ARRAY[k]);
  n_good integer[] := array_fill(0, ARRAY[k]);
  c failing_case;
  j integer;
  r record;
BEGIN
  FOR i IN 0 .. n - 1 LOOP
    j := i % k + 1;
    c := cs[j];
    n_calls[j] := n_calls[j] + 1;
    SELECT t.valid, t.error INTO r
    FROM jwt.try_verify(c.token, keys[j], c.alg, c.audience, NULL, NULL, c.required, NULL, c.typ) t;
    IF r.valid IS FALSE AND r.error = c.message THEN
      n_good[j] := n_good[j] + 1;
    END IF;
  END LOOP;
  RETURN QUERY SELECT cs[x].label, n_calls[x], n_good[x] FROM generate_series(1, k) x;
END $$;

-- Per kind of failing_case: a warm-up of `warmup` calls of that kind only,
-- then `n` measured calls, with this backend's VmRSS and RssAnon growth
-- over the measured calls (NULL when /proc cannot be read).  runner is
-- run_failing_calls or run_failing_try_verify.
CREATE FUNCTION memory_by_kind(runner text, warmup integer, n integer)
RETURNS TABLE (label text, calls integer, as_expected integer,
               vmrss_growth_kb bigint, anon_growth_kb bigint)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  c failing_case;
  vm0 bigint;
  anon0 bigint;
BEGIN
  FOR c IN SELECT * FROM failing_case f
           WHERE runner = 'run_failing_calls' OR f.try_verify ORDER BY f.id LOOP
    EXECUTE format('SELECT count(*) FROM %I($1, $2)', runner) USING warmup, c.id;
    vm0 := backend_status_kb('VmRSS');
    anon0 := backend_status_kb('RssAnon');
    EXECUTE format('SELECT r.calls, r.as_expected FROM %I($1, $2) r', runner)
      INTO calls, as_expected USING n, c.id;
    vmrss_growth_kb := backend_status_kb('VmRSS') - vm0;
    anon_growth_kb := backend_status_kb('RssAnon') - anon0;
    label := c.label;
    RETURN NEXT;
  END LOOP;
END $$;

-- memory_by_kind as an info line and a result line per kind
CREATE FUNCTION memory_by_kind_lines(runner text, what text, warmup integer, n integer)
RETURNS SETOF text
LANGUAGE sql VOLATILE
AS $$
  SELECT u.line
  FROM memory_by_kind(runner, warmup, n) WITH ORDINALITY AS m(label, calls, as_expected,
                                                             vmrss_growth_kb, anon_growth_kb, k),
  LATERAL unnest(ARRAY[
    format('# %s, %s %s alone: VmRSS %s kB, RssAnon %s kB', m.label, n, what,
           to_char(m.vmrss_growth_kb, 'SG999990'), to_char(m.anon_growth_kb, 'SG999990')),
    tap(CASE WHEN m.vmrss_growth_kb IS NULL THEN NULL
             ELSE m.calls = m.as_expected AND m.vmrss_growth_kb < vmrss_limit_kb()
                  AND m.anon_growth_kb < anon_limit_kb() END,
        format('%s %s "%s" alone fail as expected and keep memory flat', n, what, m.label),
        CASE WHEN m.vmrss_growth_kb IS NULL THEN '/proc/<backend pid>/status cannot be read here'
             ELSE format('%s of %s as expected; VmRSS grew by %s kB, RssAnon by %s kB',
                         m.as_expected, m.calls, m.vmrss_growth_kb, m.anon_growth_kb) END)
  ]) WITH ORDINALITY AS u(line, j)
  ORDER BY m.k, u.j
$$;

-- ---------------------------------------------------------------------------
-- 1,000 distinct HMAC keys, a third each as bytea secret, text secret and
-- jsonb JWK, each with a token whose payload is {"i":<i>}.
-- ---------------------------------------------------------------------------
CREATE TABLE cache_key (
  i integer PRIMARY KEY,
  form text NOT NULL,
  key_bytea bytea,
  key_text text,
  key_jsonb jsonb,
  token text NOT NULL
);

INSERT INTO cache_key
SELECT i, (ARRAY['bytea', 'text', 'jsonb'])[i % 3 + 1],
       CASE WHEN i % 3 = 0 THEN convert_to(secret, 'UTF8') END,
       CASE WHEN i % 3 = 1 THEN secret END,
       CASE WHEN i % 3 = 2 THEN jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(secret, 'UTF8'))) END,
       hs256_token('{"alg":"HS256","typ":"JWT"}', format('{"i":%s}', i), secret)
FROM generate_series(0, 999) i,
LATERAL (SELECT format('cache-key-%s-0123456789abcdef0123456789', lpad(i::text, 4, '0')) AS secret) s;

-- Verify n tokens, cycling through the first n_keys keys of cache_key in
-- order (so with n_keys above the cache size an LRU cache misses on every
-- call); returns how many verified with the right claims.
CREATE FUNCTION run_cache_calls(n integer, n_keys integer) RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  ks cache_key[] := ARRAY(SELECT k FROM cache_key k WHERE k.i < n_keys ORDER BY k.i);
  c cache_key;
  claims jsonb;
  good integer := 0;
BEGIN
  FOR i IN 0 .. n - 1 LOOP
    c := ks[i % n_keys + 1];
    claims := CASE c.form
                WHEN 'bytea' THEN jwt.verify(c.token, c.key_bytea)
                WHEN 'text' THEN jwt.verify(c.token, c.key_text)
                ELSE jwt.verify(c.token, c.key_jsonb) END;
    IF claims = jsonb_build_object('i', c.i) THEN
      good := good + 1;
    END IF;
  END LOOP;
  RETURN good;
END $$;

-- The key cache statistics, by tag, to compare deltas.
CREATE TABLE cache_sample (
  tag text PRIMARY KEY,
  entries bigint,
  bytes bigint,
  hits bigint,
  misses bigint
);

CREATE FUNCTION sample_cache(tag text) RETURNS void
LANGUAGE sql VOLATILE
AS $$
  INSERT INTO cache_sample SELECT tag, s.* FROM jwt.key_cache_stats() s
  ON CONFLICT (tag) DO UPDATE SET entries = excluded.entries, bytes = excluded.bytes,
                                  hits = excluded.hits, misses = excluded.misses
$$;

-- ---------------------------------------------------------------------------
-- Mutations of one valid HS256 token: every proper prefix, and every
-- single-character substitution by a base64url character, '.', or one of a
-- few characters outside the alphabet.
-- ---------------------------------------------------------------------------
CREATE FUNCTION fuzz_token() RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT hs256_token('{"alg":"HS256","typ":"JWT"}',
                     '{"sub":"8d3f6c2e-1b7a-4c1e-9f0a-2b5d7e9c1a34","role":"fuzz","iat":1700000000}',
                     stress_secret())
$$;

CREATE TABLE fuzz_variant (
  id serial PRIMARY KEY,
  kind text NOT NULL,          -- 'prefix' or 'substitution'
  token text NOT NULL
);

INSERT INTO fuzz_variant (kind, token)
SELECT 'prefix', left(fuzz_token(), n)
FROM generate_series(0, length(fuzz_token()) - 1) n
ORDER BY n;

INSERT INTO fuzz_variant (kind, token)
SELECT 'substitution', overlay(fuzz_token() PLACING ch FROM p FOR 1)
FROM generate_series(1, length(fuzz_token())) p,
     unnest(string_to_array('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ~é', NULL)) ch
WHERE substr(fuzz_token(), p, 1) <> ch
ORDER BY p, ch;

-- jwt.verify of every variant of one kind, each in its own BEGIN ...
-- EXCEPTION block: how many variants, how many raised, how many raised an
-- internal error (XX000: elog, never an intended error), and the SQLSTATEs
-- seen with their counts.
CREATE FUNCTION run_fuzz_verify(which text)
RETURNS TABLE (variants integer, raised integer, internal integer, states text)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v fuzz_variant;
  st text;
  seen jsonb := '{}';
BEGIN
  variants := 0; raised := 0; internal := 0;
  FOR v IN SELECT * FROM fuzz_variant f WHERE f.kind = which ORDER BY f.id LOOP
    variants := variants + 1;
    BEGIN
      PERFORM jwt.verify(v.token, stress_secret());
    EXCEPTION WHEN others THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
      raised := raised + 1;
      IF st = 'XX000' THEN
        internal := internal + 1;
      END IF;
      seen := jsonb_set(seen, ARRAY[st], to_jsonb(coalesce((seen ->> st)::integer, 0) + 1));
    END;
  END LOOP;
  SELECT string_agg(key || ' x' || value, ', ' ORDER BY key) INTO states FROM jsonb_each_text(seen);
  RETURN NEXT;
END $$;

-- jwt.decode of every variant (no verification: it may succeed or raise,
-- but never with an internal error): variants, raised, internal errors.
CREATE FUNCTION run_fuzz_decode()
RETURNS TABLE (variants integer, raised integer, internal integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v fuzz_variant;
  st text;
BEGIN
  variants := 0; raised := 0; internal := 0;
  FOR v IN SELECT * FROM fuzz_variant f ORDER BY f.id LOOP
    variants := variants + 1;
    BEGIN
      PERFORM jwt.decode(v.token);
    EXCEPTION WHEN others THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
      raised := raised + 1;
      IF st = 'XX000' THEN
        internal := internal + 1;
      END IF;
    END;
  END LOOP;
  RETURN NEXT;
END $$;
