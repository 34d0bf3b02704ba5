-- rls_parallel_matches_serial.sql: a row-level security policy on
-- jwt.uid() filters the same rows in parallel workers as in the leader.
--
-- The verified claims live in the setting token_ext.claims, which parallel
-- workers receive with the rest of the session's settings; each worker
-- parses them into its own cache.  A worker that saw no claims (or stale
-- ones) would return a different count than the serial plan.  This builds
-- 1,000,000 rows owned by 1,000 users, and for several users counts, as a
-- role without BYPASSRLS, the rows the policy USING (owner = jwt.uid())
-- lets through, serially and with parallel workers forced on, and compares
-- both with the count a superuser computes without the policy.  EXPLAIN
-- ANALYZE shows that the parallel plan is a Parallel Seq Scan and that
-- workers were launched.

SELECT jwt.clear_key_cache() AS loaded \gset

DROP ROLE IF EXISTS regress_stress_rls_reader;
CREATE ROLE regress_stress_rls_reader;

DELETE FROM jwt.keyring WHERE kid = 'stress-rls';
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('stress-rls', '{verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(stress_secret(), 'UTF8'))));

-- the owner of user i, computed without token_ext
CREATE FUNCTION rls_owner(i integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT md5('rls-user-' || i)::uuid $$;

-- 1,000,000 rows; user i owns the rows with n % 1000 = i (1000 each), and a
-- few users get extra rows so that the counts differ per user
CREATE TABLE rls_items (n integer NOT NULL, owner uuid NOT NULL, pad text);
INSERT INTO rls_items
SELECT n, rls_owner(CASE WHEN n > 990000 THEN 1 + (n % 7) ELSE n % 1000 END), 'x'
  FROM generate_series(1, 1000000) n;
VACUUM ANALYZE rls_items;
ALTER TABLE rls_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_items ON rls_items USING (owner = jwt.uid());
GRANT SELECT ON rls_items TO regress_stress_rls_reader;

-- tokens of users 0..999
CREATE TABLE rls_tokens (id integer PRIMARY KEY, tok text NOT NULL);
INSERT INTO rls_tokens
SELECT i, hs256_token('{"alg":"HS256","typ":"JWT","kid":"stress-rls"}',
                      jsonb_build_object('sub', rls_owner(i))::text, stress_secret())
  FROM generate_series(0, 999) i;
GRANT SELECT ON rls_tokens TO regress_stress_rls_reader;

-- the users checked, with the counts a superuser (no policy) computes
CREATE TABLE rls_expected AS
SELECT u.id, count(r.n) AS rows, coalesce(sum(r.n), 0) AS sum_n
  FROM unnest(ARRAY[0, 1, 3, 7, 500, 999]) u(id) LEFT JOIN rls_items r ON r.owner = rls_owner(u.id)
 GROUP BY u.id;
GRANT SELECT ON rls_expected TO regress_stress_rls_reader;
SELECT format('# %s rows, %s users checked, expected rows per user %s', (SELECT count(*) FROM rls_items),
              count(*), string_agg(rows::text, ',' ORDER BY id)) FROM rls_expected;

-- the lines of EXPLAIN (ANALYZE) of a query
CREATE FUNCTION explain_lines(q text) RETURNS SETOF text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    RETURN NEXT line;
  END LOOP;
END $$;

-- count and sum the rows the policy lets through, serially or in parallel
CREATE FUNCTION rls_count(parallel boolean, OUT rows bigint, OUT sum_n bigint, OUT foreign_rows bigint,
                          OUT parallel_scan boolean, OUT workers_launched integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  q constant text := 'SELECT count(*), coalesce(sum(n), 0), count(*) FILTER (WHERE owner IS DISTINCT FROM jwt.uid()) FROM rls_items';
BEGIN
  IF parallel THEN
    PERFORM set_config('force_parallel_mode', 'on', true),
            set_config('parallel_setup_cost', '0', true),
            set_config('parallel_tuple_cost', '0', true),
            set_config('min_parallel_table_scan_size', '0', true),
            set_config('max_parallel_workers_per_gather', '2', true);
  ELSE
    PERFORM set_config('force_parallel_mode', 'off', true),
            set_config('max_parallel_workers_per_gather', '0', true);
  END IF;
  EXECUTE q INTO rows, sum_n, foreign_rows;
  SELECT bool_or(l ~ 'Parallel Seq Scan on rls_items'),
         coalesce(max(substring(l FROM 'Workers Launched: (\d+)')::integer), 0)
    INTO parallel_scan, workers_launched
    FROM explain_lines(q) l;
END $$;

SET ROLE regress_stress_rls_reader;
SELECT tap(NOT rolbypassrls AND NOT rolsuper, 'the reader role has neither SUPERUSER nor BYPASSRLS', rolname)
  FROM pg_roles WHERE rolname = current_user;

-- one transaction per user: authenticate, count serially, count in parallel
CREATE TEMP TABLE rls_result (id integer, mode text, rows bigint, sum_n bigint, foreign_rows bigint,
                              parallel_scan boolean, workers_launched integer);
DO $$
DECLARE
  u integer;
BEGIN
  FOR u IN SELECT id FROM rls_expected ORDER BY id LOOP
    PERFORM jwt.authenticate(tok) FROM rls_tokens WHERE id = u;
    INSERT INTO rls_result SELECT u, 'serial', c.* FROM rls_count(false) c;
    INSERT INTO rls_result SELECT u, 'parallel', c.* FROM rls_count(true) c;
    PERFORM jwt.clear();
    INSERT INTO rls_result SELECT u, 'parallel, no claims', c.* FROM rls_count(true) c;
  END LOOP;
END $$;

SELECT format('# user %s %s: %s rows (expected %s), sum %s (expected %s), %s foreign, parallel scan %s, %s workers',
              r.id, r.mode, r.rows, e.rows, r.sum_n, e.sum_n, r.foreign_rows, r.parallel_scan, r.workers_launched)
  FROM rls_result r JOIN rls_expected e USING (id) ORDER BY r.id, r.mode;

SELECT tap(bool_and(r.rows = e.rows AND r.sum_n = e.sum_n AND r.foreign_rows = 0),
           'serial counts under the policy equal the superuser''s counts for ' || count(*) || ' users',
           string_agg(format('user %s: %s/%s rows', r.id, r.rows, e.rows), '; '))
  FROM rls_result r JOIN rls_expected e USING (id) WHERE r.mode = 'serial';
SELECT tap(bool_and(r.rows = e.rows AND r.sum_n = e.sum_n AND r.foreign_rows = 0),
           'parallel counts under the policy equal the serial (and superuser''s) counts for ' || count(*) || ' users',
           string_agg(format('user %s: %s/%s rows, sum %s/%s, %s foreign', r.id, r.rows, e.rows, r.sum_n, e.sum_n,
                             r.foreign_rows), '; '))
  FROM rls_result r JOIN rls_expected e USING (id) WHERE r.mode = 'parallel';
SELECT tap(bool_and(parallel_scan AND workers_launched > 0),
           'the parallel plans are a Parallel Seq Scan with workers launched',
           string_agg(format('user %s: parallel scan %s, %s workers', id, parallel_scan, workers_launched), '; '))
  FROM rls_result WHERE mode LIKE 'parallel%';
SELECT tap(bool_and(serial.parallel_scan IS FALSE), 'the serial plans use no parallel scan', '')
  FROM rls_result serial WHERE mode = 'serial';
SELECT tap(bool_and(rows = 0), 'with the claims cleared, parallel workers see no row either',
           string_agg(format('user %s: %s rows', id, rows), '; '))
  FROM rls_result WHERE mode = 'parallel, no claims';

-- session-scoped claims (allowed by the superuser's setting), and an init
-- plan (SELECT jwt.uid()), in parallel
RESET ROLE;
SET token_ext.claims_scope = 'session';
SET ROLE regress_stress_rls_reader;
SELECT jwt.authenticate(tok, scope => 'session') IS NOT NULL AS authenticated FROM rls_tokens WHERE id = 7 \gset
SELECT rows AS session_rows, workers_launched AS session_workers FROM rls_count(true) \gset
SELECT rows AS expected7 FROM rls_expected WHERE id = 7 \gset
SELECT tap(:session_rows = :expected7 AND :session_workers > 0,
           'session-scoped claims reach parallel workers in a later transaction',
           format('%s rows (expected %s), %s workers', :session_rows, :expected7, :session_workers));
BEGIN;
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT count(*) AS initplan_rows FROM rls_items WHERE owner = (SELECT jwt.uid()) \gset
COMMIT;
SELECT tap(:initplan_rows = :expected7, 'an init plan (SELECT jwt.uid()) gives the same count in parallel',
           format('%s rows (expected %s)', :initplan_rows, :expected7));
SELECT jwt.clear() AS cleared \gset
RESET ROLE;

-- PostgREST's request.jwt.claims (trusted only when the superuser says so) reaches workers too
SET token_ext.trust_request_claims = on;
SET ROLE regress_stress_rls_reader;
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', rls_owner(3))::text, true) AS set \gset
SELECT rows AS trust_rows, workers_launched AS trust_workers FROM rls_count(true) \gset
COMMIT;
SELECT rows AS expected3 FROM rls_expected WHERE id = 3 \gset
SELECT tap(:trust_rows = :expected3 AND :trust_workers > 0,
           'trusted request.jwt.claims reach parallel workers',
           format('%s rows (expected %s), %s workers', :trust_rows, :expected3, :trust_workers));
RESET ROLE;
RESET token_ext.trust_request_claims;

DROP TABLE rls_items, rls_tokens, rls_expected;
DROP FUNCTION rls_count(boolean), explain_lines(text), rls_owner(integer);
DELETE FROM jwt.keyring WHERE kid = 'stress-rls';
DROP OWNED BY regress_stress_rls_reader;
DROP ROLE regress_stress_rls_reader;
