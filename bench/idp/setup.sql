-- setup.sql: data, roles, keys and tokens of the identity-provider benchmark.
--
-- Loaded by bench/idp.sh (as the superuser) into a fresh database
-- token_ext_bench_idp, with psql variables users (distinct users) and
-- rows_per_user.  Nothing here is a test: it only prepares inputs.

CREATE EXTENSION token_ext;

DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_idp_user') THEN
    CREATE ROLE bench_idp_user LOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;

CREATE TABLE bench_user AS
SELECT i, gen_random_uuid() AS uid FROM generate_series(1, :users) i;
ALTER TABLE bench_user ADD PRIMARY KEY (i);

-- :rows_per_user rows per user; row id = (i - 1) * :rows_per_user + 1 is
-- user i's first row, which each transaction reads by primary key
CREATE TABLE items AS
SELECT (u.i - 1) * :rows_per_user + n AS id, u.uid AS owner, (n % 997)::int AS payload,
       'item ' || n AS title
FROM bench_user u, generate_series(1, :rows_per_user) n;
ALTER TABLE items ADD PRIMARY KEY (id);
CREATE INDEX ON items (owner);
VACUUM ANALYZE items;
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_owner ON items USING (owner = jwt.uid());
GRANT SELECT ON items TO bench_idp_user;

-- The server's own HS256 key, and two providers' keys bound to their
-- issuers, as jwt.keyring_import stores them: ES256 (Supabase-like) and
-- RS256 (Auth0-like, trailing slash).
CREATE TABLE bench_key (alg text PRIMARY KEY, jwk jsonb NOT NULL, issuer text, audience text);
INSERT INTO bench_key VALUES
  ('HS256', jsonb_build_object('kty', 'oct', 'kid', 'bench-hs256', 'k', 'YmVuY2gtaWRwLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm'), NULL, NULL),
  ('ES256', jwt.generate_key('ES256') || '{"kid":"bench-es256"}', 'https://bench.supabase.co/auth/v1', 'authenticated'),
  ('RS256', jwt.generate_key('RS256', 2048) || '{"kid":"bench-rs256"}', 'https://bench.auth0.com/', 'https://api.bench');
INSERT INTO jwt.keyring (kid, purposes, alg, key)
SELECT jwk->>'kid', '{verify}', alg, jwk FROM bench_key WHERE alg = 'HS256';
SELECT count(*) AS imported
  FROM bench_key k, jwt.keyring_import(jsonb_build_object('keys', jsonb_build_array(jwt.public_jwk(k.jwk))),
                                       k.issuer, k.audience)
 WHERE k.alg <> 'HS256';

-- one token per user and algorithm, and the claims text it carries (for
-- the set_config-only transaction); the HS256 ones are the server's own
CREATE TABLE bench_token AS
SELECT u.i, k.alg, t.token, (jwt.decode(t.token)).payload::text AS claims
FROM bench_user u, bench_key k,
     LATERAL (SELECT jwt.sign(jsonb_strip_nulls(jsonb_build_object(
                'iss', k.issuer, 'sub', u.uid, 'role', 'authenticated',
                'aud', coalesce(k.audience, 'authenticated'),
                'email', 'user' || u.i || '@example.com',
                'iat', floor(extract(epoch FROM now()))::bigint,
                'exp', floor(extract(epoch FROM now()))::bigint + 86400)),
              k.jwk, k.alg) AS token) t;
ALTER TABLE bench_token ADD PRIMARY KEY (alg, i);
GRANT SELECT ON bench_token TO bench_idp_user;

-- microseconds per jwt.authenticate of n tokens of alg (one per user, in
-- turn), one backend, the cache as the settings make it; one transaction
CREATE FUNCTION bench_auth_us(p_alg text, n int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  toks text[] := ARRAY(SELECT token FROM bench_token WHERE alg = p_alg ORDER BY i);
  t0 timestamptz := clock_timestamp();
BEGIN
  FOR k IN 0 .. n - 1 LOOP
    PERFORM jwt.authenticate(toks[k % cardinality(toks) + 1]);
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END $$;
GRANT EXECUTE ON FUNCTION bench_auth_us(text, int) TO bench_idp_user;
