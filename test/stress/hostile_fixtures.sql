-- hostile_fixtures.sql: the cases of the hostile load (hostile_load.sh),
-- loaded into the scratch database after fixtures.sql.
--
-- Five families of keys: HS256, ES256, RS256 (JWS) and dir + A256GCM,
-- RSA-OAEP-256 + A256GCM (JWE), each also in the keyring (kid hl-*), so
-- one token serves jwt.verify or jwt.decrypt with the key as an argument
-- and jwt.authenticate.  Each family has tokens of each class:
--   valid      must verify / decrypt / authenticate to exactly its claims;
--   expired    exp in 2001;
--   bitflip    one bit of the signature (JWS) or of the tag, ciphertext,
--              IV or encrypted key (JWE) flipped;
--   algswap    the header's alg (or enc) replaced, signature kept: other
--              HMACs, HS256 over an asymmetric key (alg confusion), none;
--   truncated  cut inside the header, before the last segment, and inside
--              the last segment;
--   oversized  a correctly signed or encrypted token over
--              token_ext.max_token_size (64 kB);
--   unsigned   (RSA-OAEP-256 only) a JWE anyone could make with the public
--              key: jwt.authenticate must refuse it as no proof of origin;
--   nested     (RSA-OAEP-256 only) an ES256 JWS inside it: authenticates.
-- Signing and encryption cases hold their inputs: valid ones must round
-- trip, and bad ones (a short secret, alg none, a public key to sign, a
-- non-object claims set, a wrong-size dir key, RSA1_5, oversized claims)
-- must be refused.
--
-- Every case lists the outcomes it may have: 'valid', or 'SQLSTATE
-- message' of the refusal.  The lists are written here from the rules of
-- README.md, never taken from token_ext's output.  hostile_outcome(id)
-- runs a case and says what happened; hostile_check(id) raises SQLSTATE
-- 40001 (which pgbench counts as a failed transaction instead of aborting
-- the client) when that is not in the list, so pgbench's failure count is
-- the number of unexpected outcomes.

-- unpadded base64url back to bytes
CREATE FUNCTION b64url_decode(s text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT decode(translate(s, '-_', '+/') || repeat('=', (4 - length(s) % 4) % 4), 'base64') $$;

-- segment n (1-based) of a compact token replaced by seg
CREATE FUNCTION with_segment(token text, n integer, seg text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT array_to_string((string_to_array(token, '.'))[:n - 1] || seg
                             || (string_to_array(token, '.'))[n + 1:], '.') $$;

-- the base64url segment n of a token with one bit (counted modulo its length) flipped
CREATE FUNCTION flip_bit(token text, n integer, pos integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
  SELECT with_segment(token, n, b64url(set_bit(d, pos % (8 * length(d)), 1 - get_bit(d, pos % (8 * length(d))))))
  FROM (SELECT b64url_decode(split_part(token, '.', n)) AS d) s
$$;

-- the token with its protected header's member name set to value (other members kept)
CREATE FUNCTION with_header(token text, name text, value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
  SELECT with_segment(token, 1, b64url(convert_to(
           (convert_from(b64url_decode(split_part(token, '.', 1)), 'UTF8')::jsonb
            || jsonb_build_object(name, value))::text, 'UTF8')))
$$;

-- ---------------------------------------------------------------------------
-- keys
-- ---------------------------------------------------------------------------
CREATE TABLE hostile_key (
  family text PRIMARY KEY,
  kid text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('jws', 'jwe')),
  alg text NOT NULL,
  enc text,
  secret text,          -- HS256: the secret, as text
  dir_key bytea,        -- dir: the content key
  private_jwk jsonb,    -- ES256, RS256: signs; RSA-OAEP-256: decrypts
  public_jwk jsonb      -- ES256, RS256: verifies; RSA-OAEP-256: encrypts
);

INSERT INTO hostile_key (family, kid, kind, alg, enc, secret)
VALUES ('HS256', 'hl-hs', 'jws', 'HS256', NULL, 'hostile-secret-0123456789abcdefghij');
INSERT INTO hostile_key (family, kid, kind, alg, private_jwk)
VALUES ('ES256', 'hl-es', 'jws', 'ES256', jwt.generate_key('ES256') || '{"kid":"hl-es"}'),
       ('RS256', 'hl-rs', 'jws', 'RS256', jwt.generate_key('RS256') || '{"kid":"hl-rs"}'),
       ('RSA-OAEP-256', 'hl-oaep', 'jwe', 'RSA-OAEP-256', jwt.generate_key('RSA-OAEP-256') || '{"kid":"hl-oaep"}');
UPDATE hostile_key SET public_jwk = jwt.public_jwk(private_jwk), enc = CASE WHEN kind = 'jwe' THEN 'A256GCM' END
 WHERE private_jwk IS NOT NULL;
INSERT INTO hostile_key (family, kid, kind, alg, enc, dir_key)
VALUES ('dir+A256GCM', 'hl-dir', 'jwe', 'dir', 'A256GCM', gen_random_bytes(32));

DELETE FROM jwt.keyring WHERE kid LIKE 'hl-%';
INSERT INTO jwt.keyring (kid, purposes, alg, key)
SELECT kid, CASE kind WHEN 'jws' THEN '{verify}' ELSE '{decrypt}' END::text[], alg,
       CASE WHEN secret IS NOT NULL THEN jwt.jwk_from_secret(secret, 'HS256', kid)
            WHEN dir_key IS NOT NULL THEN jsonb_build_object('kty', 'oct', 'k', b64url(dir_key))
            ELSE private_jwk END
  FROM hostile_key;

-- ---------------------------------------------------------------------------
-- tokens
-- ---------------------------------------------------------------------------
CREATE TABLE hostile_token (
  id serial PRIMARY KEY,
  family text NOT NULL REFERENCES hostile_key,
  class text NOT NULL,
  variant text,         -- algswap: the header value; truncated: where it was cut
  token text NOT NULL,
  claims jsonb          -- what a valid token must give
);

-- claims of user i: a UUID sub, a role, a number; exp far ahead (or in 2001)
CREATE FUNCTION hostile_claims(i integer, expired boolean DEFAULT false) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$ SELECT jsonb_build_object('sub', md5('hostile-user-' || i)::uuid, 'role', 'hostile_user_' || i % 7,
                                'n', i, 'exp', CASE WHEN expired THEN 1000000000 ELSE 4000000000 END) $$;

-- a token of family f over claims c, with the family's kid in its header
CREATE FUNCTION hostile_make(f text, c jsonb) RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT CASE WHEN k.secret IS NOT NULL THEN jwt.sign(c, k.secret, k.alg, jsonb_build_object('kid', k.kid))
              WHEN k.kind = 'jws' THEN jwt.sign(c, k.private_jwk, k.alg)
              WHEN k.dir_key IS NOT NULL
                THEN jwt.encrypt(c, k.dir_key, k.alg, k.enc, jsonb_build_object('kid', k.kid))
              ELSE jwt.encrypt(c, k.public_jwk, k.alg, k.enc, jsonb_build_object('kid', k.kid)) END
    FROM hostile_key k WHERE k.family = f
$$;

INSERT INTO hostile_token (family, class, token, claims)
SELECT k.family, 'valid', hostile_make(k.family, hostile_claims(i)), hostile_claims(i)
  FROM hostile_key k, generate_series(1, 8) i;
INSERT INTO hostile_token (family, class, token)
SELECT k.family, 'expired', hostile_make(k.family, hostile_claims(i, true))
  FROM hostile_key k, generate_series(1, 2) i;
-- one bit of the signature, at 4 places; of the JWE's IV, ciphertext, tag (and encrypted key)
INSERT INTO hostile_token (family, class, token)
SELECT k.family, 'bitflip', flip_bit(hostile_make(k.family, hostile_claims(b)), 3, b * 37)
  FROM hostile_key k, generate_series(0, 3) b WHERE k.kind = 'jws';
INSERT INTO hostile_token (family, class, token)
SELECT k.family, 'bitflip', flip_bit(hostile_make(k.family, hostile_claims(s)), s, 5 + s * 11)
  FROM hostile_key k, generate_series(2, 5) s
 WHERE k.kind = 'jwe' AND (s > 2 OR k.alg <> 'dir');
-- another algorithm in the header, signature or ciphertext kept
INSERT INTO hostile_token (family, class, variant, token)
SELECT k.family, 'algswap', h.name || ' ' || h.value,
       with_header(hostile_make(k.family, hostile_claims(1)), h.name, h.value)
  FROM hostile_key k
  JOIN (VALUES ('HS256', 'alg', 'HS512'), ('HS256', 'alg', 'RS256'), ('HS256', 'alg', 'none'),
               ('ES256', 'alg', 'ES384'), ('ES256', 'alg', 'HS256'), ('ES256', 'alg', 'none'),
               ('RS256', 'alg', 'PS256'), ('RS256', 'alg', 'HS256'), ('RS256', 'alg', 'none'),
               ('dir+A256GCM', 'enc', 'A128GCM'), ('dir+A256GCM', 'alg', 'A256KW'),
               ('dir+A256GCM', 'alg', 'none'),
               ('RSA-OAEP-256', 'alg', 'RSA-OAEP'), ('RSA-OAEP-256', 'alg', 'RSA1_5'),
               ('RSA-OAEP-256', 'enc', 'A128GCM')) h(family, name, value)
    ON h.family = k.family;
-- cut inside the header, just before the last segment (dropping it), inside the last segment
INSERT INTO hostile_token (family, class, variant, token)
SELECT k.family, 'truncated', c.variant, left(m.t, c.cut)
  FROM hostile_key k,
       LATERAL (SELECT hostile_make(k.family, hostile_claims(2)) AS t,
                       CASE k.kind WHEN 'jws' THEN 3 ELSE 5 END AS last) m,
       LATERAL (VALUES ('in header', 10),
                       ('before last segment', length(m.t) - length(split_part(m.t, '.', m.last)) - 1),
                       ('in last segment', length(m.t) - 5)) c(variant, cut);
-- signed or encrypted correctly, but over token_ext.max_token_size (which
-- signing and encryption enforce too: made under a higher limit)
SET token_ext.max_token_size = '1MB';
INSERT INTO hostile_token (family, class, token)
SELECT k.family, 'oversized', hostile_make(k.family, hostile_claims(3) || jsonb_build_object('pad', repeat('x', 70000)))
  FROM hostile_key k;
RESET token_ext.max_token_size;
-- an ES256 JWS (kid hl-es) inside an RSA-OAEP-256 JWE
INSERT INTO hostile_token (family, class, token, claims)
SELECT 'RSA-OAEP-256', 'nested',
       jwt.sign_and_encrypt(hostile_claims(i), s.private_jwk, e.public_jwk, 'ES256', 'RSA-OAEP-256', 'A256GCM'),
       hostile_claims(i)
  FROM hostile_key s, hostile_key e, generate_series(1, 4) i
 WHERE s.family = 'ES256' AND e.family = 'RSA-OAEP-256';

-- ---------------------------------------------------------------------------
-- cases: one per token and operation, and the inputs of signing and encryption
-- ---------------------------------------------------------------------------
CREATE TABLE hostile_case (
  id serial PRIMARY KEY,
  op text NOT NULL CHECK (op IN ('verify', 'decrypt', 'authenticate', 'sign', 'encrypt')),
  family text NOT NULL REFERENCES hostile_key,
  class text NOT NULL,
  variant text,
  token_id integer REFERENCES hostile_token,
  claims jsonb,         -- token operations: what a valid token gives; sign, encrypt: the input
  key_text text,        -- sign, encrypt: the key and algorithms passed
  key_jsonb jsonb,
  key_bytea bytea,
  alg text,
  enc text,
  expect text[]         -- the outcomes allowed: 'valid', or 'SQLSTATE message'
);

-- ids are contiguous per operation, for pgbench's random(lo, hi)
INSERT INTO hostile_case (op, family, class, variant, token_id, claims)
SELECT o.op, t.family, t.class, t.variant, t.id, t.claims
  FROM (VALUES (1, 'verify', 'jws'), (2, 'decrypt', 'jwe'), (3, 'authenticate', NULL)) o(n, op, kind),
       hostile_token t JOIN hostile_key k USING (family)
 WHERE o.kind IS NULL OR o.kind = k.kind
 ORDER BY o.n, t.id;

INSERT INTO hostile_case (op, family, class, variant, claims, key_text, key_jsonb, alg)
SELECT 'sign', k.family, 'valid', NULL, hostile_claims(100 + i), k.secret, k.private_jwk, k.alg
  FROM hostile_key k, generate_series(1, 4) i WHERE k.kind = 'jws'
UNION ALL
SELECT 'sign', v.family, 'invalid', v.variant, coalesce(v.claims, hostile_claims(200)),
       coalesce(v.key_text, CASE WHEN v.key_jsonb IS NULL THEN k.secret END),
       coalesce(v.key_jsonb, CASE WHEN v.key_text IS NULL THEN k.private_jwk END), coalesce(v.alg, k.alg)
  FROM hostile_key k
  JOIN (VALUES ('HS256', 'short secret', NULL::jsonb, 'short-secret'::text, NULL::jsonb, NULL::text),
               ('HS256', 'alg none', NULL, NULL, NULL, 'none'),
               ('HS256', 'oversized claims', hostile_claims(201) || jsonb_build_object('pad', repeat('x', 70000)),
                NULL, NULL, NULL),
               ('ES256', 'public key', NULL, NULL, (SELECT public_jwk FROM hostile_key WHERE family = 'ES256'), NULL),
               ('ES256', 'alg of another key type', NULL, NULL, NULL, 'RS256'),
               ('RS256', 'claims not an object', '[1, 2]', NULL, NULL, NULL))
       v(family, variant, claims, key_text, key_jsonb, alg) ON v.family = k.family;

INSERT INTO hostile_case (op, family, class, variant, claims, key_jsonb, key_bytea, alg, enc)
SELECT 'encrypt', k.family, 'valid', NULL, hostile_claims(300 + i), k.public_jwk, k.dir_key, k.alg, k.enc
  FROM hostile_key k, generate_series(1, 4) i WHERE k.kind = 'jwe'
UNION ALL
SELECT 'encrypt', v.family, 'invalid', v.variant, coalesce(v.claims, hostile_claims(400)),
       CASE WHEN k.dir_key IS NULL THEN k.public_jwk END, coalesce(v.key_bytea, k.dir_key),
       coalesce(v.alg, k.alg), k.enc
  FROM hostile_key k
  JOIN (VALUES ('dir+A256GCM', 'key too short for A256GCM', NULL::jsonb, '\x00112233445566778899aabbccddeeff'::bytea,
                NULL::text),
               ('dir+A256GCM', 'alg none', NULL, NULL, 'none'),
               ('RSA-OAEP-256', 'RSA1_5', NULL, NULL, 'RSA1_5'),
               ('RSA-OAEP-256', 'oversized claims', hostile_claims(401) || jsonb_build_object('pad', repeat('x', 70000)),
                NULL, NULL))
       v(family, variant, claims, key_bytea, alg) ON v.family = k.family;

-- Run case id: 'valid' when it gave exactly its claims (and, for
-- jwt.authenticate, every reader agrees), else 'SQLSTATE message' of the
-- error it raised, or what else went wrong.
CREATE FUNCTION hostile_outcome(case_id integer) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  c hostile_case;
  k hostile_key;
  tok text;
  got jsonb;
  st text;
  msg text;
BEGIN
  SELECT * INTO STRICT c FROM hostile_case WHERE id = case_id;
  SELECT * INTO STRICT k FROM hostile_key WHERE family = c.family;
  SELECT token INTO tok FROM hostile_token WHERE id = c.token_id;
  IF c.op = 'authenticate' AND (jwt.authenticated() OR jwt.claims() IS NOT NULL) THEN
    RETURN 'claims left over from an earlier transaction';
  END IF;
  BEGIN
    IF c.op = 'sign' THEN
      tok := CASE WHEN c.key_text IS NOT NULL THEN jwt.sign(c.claims, c.key_text, c.alg)
                  ELSE jwt.sign(c.claims, c.key_jsonb, c.alg) END;
    ELSIF c.op = 'encrypt' THEN
      tok := CASE WHEN c.key_bytea IS NOT NULL THEN jwt.encrypt(c.claims, c.key_bytea, c.alg, c.enc)
                  ELSE jwt.encrypt(c.claims, c.key_jsonb, c.alg, c.enc) END;
    END IF;
    IF c.op IN ('verify', 'sign') THEN
      got := CASE WHEN k.secret IS NOT NULL THEN jwt.verify(tok, k.secret, k.alg)
                  ELSE jwt.verify(tok, k.public_jwk, k.alg) END;
    ELSIF c.op IN ('decrypt', 'encrypt') THEN
      got := CASE WHEN k.dir_key IS NOT NULL THEN jwt.decrypt(tok, k.dir_key, k.alg, k.enc)
                  ELSE jwt.decrypt(tok, k.private_jwk, k.alg, k.enc) END;
    ELSE
      got := jwt.authenticate(tok);
      IF got = c.claims AND NOT (jwt.authenticated() AND jwt.claims() = c.claims
                                 AND jwt.sub() = c.claims ->> 'sub'
                                 AND jwt.uid() = (c.claims ->> 'sub')::uuid
                                 AND jwt.role() = c.claims ->> 'role'
                                 AND jwt.claim('n') = c.claims ->> 'n'
                                 AND jwt.claim_json('n') = c.claims -> 'n') THEN
        RETURN 'the readers disagree with the claims';
      END IF;
    END IF;
    RETURN CASE WHEN got = c.claims THEN 'valid' ELSE 'wrong result: ' || coalesce(left(got::text, 100), 'NULL') END;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ' ' || msg;
  END;
END $$;

-- What each case may give, from README.md's rules (in order: the first
-- rule that fits decides).
UPDATE hostile_case c SET expect = CASE
  -- anyone can encrypt to a public key: jwt.authenticate wants a signed token inside
  WHEN c.op = 'authenticate' AND c.family = 'RSA-OAEP-256' AND c.class IN ('valid', 'expired')
    THEN '{"22023 algorithm not allowed"}'::text[]
  WHEN c.class IN ('valid', 'nested') AND NOT (c.op = 'decrypt' AND c.class = 'nested') THEN '{valid}'
  -- jwt.decrypt refuses a nested token (jwt.decrypt_and_verify reads it)
  WHEN c.class = 'nested' THEN '{"22P02 invalid token header"}'
  WHEN c.class = 'expired' THEN '{"28000 token has expired"}'
  WHEN c.class = 'bitflip' AND k.kind = 'jws' THEN '{"28000 signature verification failed"}'
  WHEN c.class = 'bitflip' THEN '{"28000 decryption failed"}'
  WHEN c.variant = 'alg none' AND c.op = 'encrypt' THEN '{"22023 unsupported algorithm"}'
  WHEN c.variant = 'alg none' THEN '{"22023 algorithm \"none\" is not allowed"}'
  WHEN c.variant = 'alg RSA1_5' OR c.variant = 'RSA1_5' THEN '{"22023 unsupported algorithm"}'
  -- the header is the JWE's additional authenticated data
  WHEN c.variant = 'enc A128GCM' AND c.op = 'authenticate' AND k.alg = 'dir'
    THEN '{"22023 invalid key"}'      -- the keyring's 32-byte dir key cannot be an A128GCM key
  WHEN c.variant = 'enc A128GCM' AND c.op = 'authenticate' THEN '{"28000 decryption failed"}'
  WHEN c.class = 'algswap' THEN '{"22023 algorithm not allowed"}'
  WHEN c.variant IN ('in header', 'before last segment') THEN '{"22P02 malformed token"}'
  -- a shortened last segment may still be canonical base64url (by its length and last character)
  WHEN c.variant = 'in last segment' AND k.kind = 'jws'
    THEN '{"22P02 malformed base64url in token", "28000 signature verification failed"}'
  WHEN c.variant = 'in last segment' THEN '{"22P02 malformed base64url in token", "28000 decryption failed"}'
  WHEN c.class = 'oversized' OR c.variant = 'oversized claims' THEN '{"54000 input exceeds a limit"}'
  WHEN c.variant IN ('short secret', 'public key', 'key too short for A256GCM') THEN '{"22023 invalid key"}'
  WHEN c.variant = 'alg of another key type' THEN '{"22023 algorithm not allowed"}'
  WHEN c.variant = 'claims not an object' THEN '{"22023 invalid argument"}'
  END
FROM hostile_key k WHERE k.family = c.family;

-- Run case id and raise SQLSTATE 40001 (serialization_failure, which
-- pgbench counts as a failed transaction and goes on) unless its outcome
-- is one it may have; returns the outcome.
CREATE FUNCTION hostile_check(case_id integer) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  c hostile_case;
  outcome text := hostile_outcome(case_id);
BEGIN
  SELECT * INTO STRICT c FROM hostile_case WHERE id = case_id;
  IF outcome = ANY (c.expect) THEN
    RETURN outcome;
  END IF;
  RAISE EXCEPTION 'unexpected outcome of hostile case %', case_id
    USING ERRCODE = 'serialization_failure',
          DETAIL = format('%s %s %s %s: got "%s", expected one of %s',
                          c.op, c.family, c.class, coalesce(c.variant, ''), outcome, c.expect);
END $$;

-- After hostile_check of an authenticate case, in a later statement of the
-- same transaction: the claims of a valid token are still the session's,
-- and a refused token left none.  Raises 40001 otherwise.
CREATE FUNCTION hostile_after(case_id integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  c hostile_case;
BEGIN
  SELECT * INTO STRICT c FROM hostile_case WHERE id = case_id;
  IF (c.expect = '{valid}' AND jwt.claims() = c.claims AND jwt.uid() = (c.claims ->> 'sub')::uuid)
     OR (c.expect <> '{valid}' AND jwt.claims() IS NULL AND NOT jwt.authenticated()) THEN
    RETURN true;
  END IF;
  RAISE EXCEPTION 'wrong claims after hostile case %', case_id
    USING ERRCODE = 'serialization_failure',
          DETAIL = format('%s %s %s: jwt.claims() is %s', c.op, c.family, c.class, coalesce(jwt.claims()::text, 'NULL'));
END $$;

-- ---------------------------------------------------------------------------
-- memory of the load's backends
-- ---------------------------------------------------------------------------
CREATE TABLE hostile_memory (
  run integer NOT NULL,   -- 1: pgbench -M simple, 2: -M prepared
  pid integer NOT NULL,
  at timestamptz NOT NULL,
  context_bytes bigint,   -- pg_backend_memory_contexts: all palloc'd memory of the backend
  malloc_bytes bigint,    -- jwt.memory_stats(): token_ext's malloc'd caches and buffers
  areas jsonb,            -- jwt.memory_stats(): bytes by area
  anon_kb bigint          -- /proc/<pid>/status RssAnon (NULL where it cannot be read)
) WITH (autovacuum_enabled = false);

-- Record this backend's memory (called by the load's clients, as
-- non-superusers: both views are for superusers).
CREATE FUNCTION hostile_probe(run integer) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = public, pg_catalog
AS $$
  INSERT INTO hostile_memory
  SELECT run, pg_backend_pid(), clock_timestamp(),
         (SELECT sum(total_bytes) FROM pg_backend_memory_contexts),
         (SELECT sum(bytes) FROM jwt.memory_stats() WHERE area <> 'memory contexts'),
         (SELECT jsonb_object_agg(area, bytes) FROM jwt.memory_stats()),
         backend_status_kb('RssAnon')
$$;

-- Every case once, each in its own transaction (a procedure that commits
-- after each): how many cases, how many gave an allowed outcome (and, for
-- jwt.authenticate, left the right claims for the rest of the
-- transaction), and the first few that did not.  With strict, a mismatch
-- also raises 40001 at the end.  Each pgbench client runs it first, which
-- both checks every case under concurrency and warms the backend (every
-- code path, every key) before its memory is judged.
CREATE PROCEDURE hostile_sweep(strict boolean, INOUT cases integer, INOUT as_expected integer,
                               INOUT mismatches text)
LANGUAGE plpgsql
AS $$
DECLARE
  c record;
  ok boolean;
BEGIN
  cases := 0; as_expected := 0; mismatches := '';
  FOR c IN SELECT id, op FROM hostile_case WHERE id < 100000 ORDER BY id LOOP
    cases := cases + 1;
    BEGIN
      PERFORM hostile_check(c.id);
      ok := c.op <> 'authenticate' OR hostile_after(c.id);
    EXCEPTION WHEN serialization_failure THEN
      ok := false;
      IF length(mismatches) < 2000 THEN
        mismatches := mismatches || format('case %s: %s; ', c.id, SQLERRM);
      END IF;
    END;
    as_expected := as_expected + ok::integer;
    COMMIT;
  END LOOP;
  IF strict AND as_expected < cases THEN
    RAISE EXCEPTION 'unexpected outcomes in % of % hostile cases', cases - as_expected, cases
      USING ERRCODE = 'serialization_failure', DETAIL = mismatches;
  END IF;
END $$;

-- Two cases whose expectations are wrong on purpose (ids 100001, 100002,
-- outside every range the load draws from): a tampered token said to be
-- valid, and a valid one said to be refused.  hostile_load.sh runs them
-- under pgbench to see every one of their transactions counted as failed.
INSERT INTO hostile_case (id, op, family, class, variant, token_id, claims, expect)
SELECT 100001, op, family, class, 'canary', token_id, claims, '{valid}'
  FROM hostile_case WHERE op = 'verify' AND class = 'bitflip' ORDER BY id LIMIT 1;
INSERT INTO hostile_case (id, op, family, class, variant, token_id, claims, expect)
SELECT 100002, op, family, class, 'canary', token_id, claims, '{"28000 signature verification failed"}'
  FROM hostile_case WHERE op = 'authenticate' AND class = 'valid' ORDER BY id LIMIT 1;

-- statistics now, so that no autovacuum ANALYZE during the load invalidates
-- the clients' cached plans (a one-time step in every backend's memory)
ANALYZE hostile_key, hostile_token, hostile_case;
