-- setup.sql: data, roles and the timer of the row-level security benchmark.
--
-- Loaded by bench/rls.sh (as the superuser) into a fresh database
-- token_ext_bench_rls, with psql variables rows (table size) and users
-- (distinct owners).  Nothing here is a test: it only prepares inputs.

CREATE EXTENSION token_ext;

-- the role the measured queries run as: no superuser, no BYPASSRLS, not the
-- table owner, so row-level security applies to it
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_rls_user') THEN
    CREATE ROLE bench_rls_user LOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;

-- :users owners, numbered 1..:users
CREATE TABLE bench_user AS
SELECT i, gen_random_uuid() AS uid FROM generate_series(1, :users) i;
ALTER TABLE bench_user ADD PRIMARY KEY (i);

-- :rows rows, owners spread evenly (row n belongs to user n % users + 1); no
-- index on owner yet, so a count(*) evaluates the policy on every row
CREATE TABLE items AS
SELECT n AS id, u.uid AS owner, (n % 997)::int AS payload, 'item ' || n AS title
FROM generate_series(1, :rows) n
JOIN bench_user u ON u.i = n % :users + 1;
ALTER TABLE items ADD PRIMARY KEY (id);
VACUUM ANALYZE items;
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_owner ON items USING (owner = jwt.uid());
GRANT SELECT ON items TO bench_rls_user;

-- the server's HS256 key, and one token per user (plus the claims text the
-- same token carries, for the set_config-only transaction)
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('bench-rls-hs256', '{sign,verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', 'YmVuY2gtcmxzLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm'));

CREATE TABLE bench_token AS
SELECT u.i, u.uid, t.token, (jwt.decode(t.token)).payload::text AS claims
FROM bench_user u,
     LATERAL (SELECT jwt.sign(jsonb_build_object(
                'sub', u.uid, 'role', 'authenticated', 'aud', 'authenticated',
                'email', 'user' || u.i || '@example.com',
                'iat', floor(extract(epoch FROM now()))::bigint,
                'exp', floor(extract(epoch FROM now()))::bigint + 86400),
              kid => 'bench-rls-hs256') AS token) t;
ALTER TABLE bench_token ADD PRIMARY KEY (i);
GRANT SELECT ON bench_token TO bench_rls_user;

-- best wall time (ms) of reps runs of query, timed inside the server, and
-- the query's single bigint result (the same for every run, or it raises)
CREATE FUNCTION bench_best(query text, reps int, OUT best_ms float8, OUT result bigint)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  ms float8;
  r bigint;
BEGIN
  FOR k IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE query INTO r;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    IF best_ms IS NULL OR ms < best_ms THEN best_ms := ms; END IF;
    IF k > 1 AND r IS DISTINCT FROM result THEN
      RAISE EXCEPTION 'run % of % gave %, not %', k, query, r, result;
    END IF;
    result := r;
  END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION bench_best(text, int) TO bench_rls_user;
