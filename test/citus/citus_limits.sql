-- citus_limits.sql: what Citus 13.2.2 refuses around row-level security,
-- with the exact errors (the README documents which forms to use).
--  - A policy holding a subquery such as (SELECT jwt.uid()) cannot be
--    propagated: Citus refuses the CREATE POLICY.  The plain form reaches
--    every shard placement.
--  - INSERT ... SELECT into a table with RLS is refused (Citus would COPY
--    the rows); a multi-row INSERT ... VALUES works (writes.sql).
--  - Citus connects to the workers as the current role, so a role that
--    cannot log in (PostgREST's usual NOLOGIN web role) cannot read a
--    distributed table.
-- tests: 7
\connect 'service=coord user=postgres'
CREATE TABLE policy_probe (id bigint PRIMARY KEY, owner uuid);
SELECT create_distributed_table('policy_probe', 'id') \gset
ALTER TABLE policy_probe ENABLE ROW LEVEL SECURITY;

CREATE POLICY probe_sub ON policy_probe USING (owner = (SELECT jwt.uid()));
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
SELECT tap(:'st' = 'XX000' AND :'msg' = 'unexpected non-SELECT command in SubLink',
           'a policy USING (owner = (SELECT jwt.uid())) is refused by Citus: XX000 "unexpected non-SELECT command in SubLink"',
           :'st' || ': ' || :'msg');
SELECT tap(count(*) = 0, 'the refused policy does not exist on the coordinator', format('%s policies', count(*)))
  FROM pg_policy WHERE polname = 'probe_sub';

CREATE POLICY probe_plain ON policy_probe USING (owner = jwt.uid());
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
SELECT tap(:'st' = '00000', 'a policy USING (owner = jwt.uid()) is accepted', :'st' || ': ' || :'msg');
SELECT tap(count(*) = 8 AND bool_and(success AND result = '1'),
           'the plain policy exists on all 8 shard placements',
           string_agg(nodeport || ':' || result, ' '))
  FROM run_command_on_placements('policy_probe',
         $$SELECT count(*) FROM pg_policy WHERE polname = 'probe_plain' AND polrelid = '%s'::regclass$$);
DROP TABLE policy_probe;

-- a role that cannot log in
CREATE ROLE citus_nologin NOLOGIN;
GRANT SELECT ON notes TO citus_nologin;
BEGIN;
SET LOCAL ROLE citus_nologin;
SELECT count(*) FROM notes;
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
ROLLBACK;
SELECT tap(:'st' = '08006' AND :'msg' LIKE 'connection to the remote node citus_nologin@% failed with the following error: FATAL:  role "citus_nologin" is not permitted to log in',
           'a NOLOGIN role cannot read a distributed table: 08006 "connection to the remote node citus_nologin@... failed ... role \"citus_nologin\" is not permitted to log in"',
           :'st' || ': ' || :'msg');
REVOKE ALL ON notes FROM citus_nologin;
DROP ROLE citus_nologin;

-- INSERT ... SELECT under RLS, as citus_app with alice's verified claims
\ir tokens.psql
\connect 'service=coord user=citus_app'
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
INSERT INTO notes SELECT 6000 + i, :'alice_uid', 1, 'bulk' FROM generate_series(1, 10) i;
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
ROLLBACK;
SELECT tap(:'st' = '0A000' AND :'msg' = 'COPY FROM not supported with row-level security',
           'INSERT ... SELECT into a table with RLS is refused by Citus: 0A000 "COPY FROM not supported with row-level security"',
           :'st' || ': ' || :'msg');
-- the same as the superuser (who bypasses RLS) works
\connect 'service=coord user=postgres'
BEGIN;
INSERT INTO notes SELECT 6000 + i, (SELECT uid FROM test_user WHERE name = 'alice'), 1, 'bulk'
  FROM generate_series(1, 10) i;
\set st :SQLSTATE
\set n :ROW_COUNT
ROLLBACK;
SELECT tap(:'st' = '00000' AND :'n' = '10', 'the same INSERT ... SELECT as the superuser (no RLS) inserts 10 rows',
           :'st' || ', ' || :'n' || ' rows');
