-- keys.sql: a key added to or retired from jwt.keyring on the coordinator is
-- used on every worker with no further step: tokens of a new key work
-- through the coordinator and directly on each worker, and a retired key's
-- tokens are refused everywhere, also by a worker session that had already
-- used (and cached) that key.  The keyring is changed as the superuser on the
-- coordinator only; the state is restored at the end.
-- tests: 9
\ir tokens.psql

-- before the key exists
\set tok :alice_key2
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000', 'coordinator: a token of key citus-2 is refused before that key is added',
           'SQLSTATE ' || :'st');

-- a worker session uses key citus-1 (and so caches it) before anything changes
\connect 'service=worker1 user=citus_app'
\set tok :alice
\ir auth_attempt.psql
SELECT tap(:'st' = '00000', 'worker1 directly: alice''s token of key citus-1 (added on the coordinator by setup) authenticates',
           'SQLSTATE ' || :'st' || ': ' || :'msg');

-- the superuser adds key citus-2 on the coordinator, nowhere else
\! psql -X -q -d 'service=coord user=postgres' -c "INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ('citus-2', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(citus_secret(2), 'UTF8'))))"
\! psql -X -At -d 'service=coord user=postgres' -c "SELECT '# keyring rows after adding citus-2: coordinator ' || (SELECT count(*) FROM jwt.keyring) || ', workers ' || string_agg(nodeport || ':' || result, ' ' ORDER BY nodeport) FROM run_command_on_workers('SELECT count(*) FROM jwt.keyring')"

\set tok :alice_key2
\ir auth_attempt.psql
SELECT tap(:'st' = '00000', 'worker1 directly: alice''s token of the new key citus-2 authenticates with no further step',
           'SQLSTATE ' || :'st' || ': ' || :'msg');
\connect 'service=worker2 user=citus_app'
\set tok :alice_key2
\ir auth_attempt.psql
SELECT tap(:'st' = '00000', 'worker2 directly: alice''s token of the new key citus-2 authenticates with no further step',
           'SQLSTATE ' || :'st' || ': ' || :'msg');

\connect 'service=coord user=citus_app'
BEGIN;
SELECT jwt.authenticate(:'alice_key2') IS NOT NULL AS authenticated \gset
SELECT tap(c = 500 AND s = 250500,
           'coordinator: with alice''s token of the new key citus-2 a multi-shard SELECT sees exactly her 500 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
COMMIT;

-- retire key citus-1 on the coordinator, while a worker1 session holds it in its cache
\connect 'service=worker1 user=citus_app'
\set tok :bob
\ir auth_attempt.psql
\! psql -X -q -d 'service=coord user=postgres' -c "UPDATE jwt.keyring SET not_after = now() - interval '1 second' WHERE kid = 'citus-1'"
\set tok :bob
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000',
           'worker1 (the same session): bob''s token of the retired key citus-1 is refused',
           'SQLSTATE ' || :'st');
\connect 'service=worker2 user=citus_app'
\set tok :bob
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000', 'worker2: bob''s token of the retired key citus-1 is refused', 'SQLSTATE ' || :'st');
\connect 'service=coord user=citus_app'
\set tok :bob
\ir auth_attempt.psql
SELECT tap(:'st' = '28000', 'coordinator: bob''s token of the retired key citus-1 is refused (28000)',
           :'st' || ': ' || :'msg');
BEGIN;
SELECT jwt.authenticate(:'bob_key2') IS NOT NULL AS authenticated \gset
SELECT tap(c = 300 AND s = 149400,
           'coordinator: bob''s token of key citus-2 still sees exactly his 300 notes after citus-1 retired',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
COMMIT;

-- restore: citus-1 active again, citus-2 gone
\! psql -X -q -d 'service=coord user=postgres' -c "UPDATE jwt.keyring SET not_after = NULL WHERE kid = 'citus-1'" -c "DELETE FROM jwt.keyring WHERE kid = 'citus-2'"
