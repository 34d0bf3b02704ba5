-- keys.sql: a key added to or retired from jwt.keyring on the coordinator is
-- used for every node with no further step.  The keys stay on the
-- coordinator, which verifies every token and forwards the claims sealed
-- under the cluster secret (README: Scale-out on Citus); the workers hold
-- no keys and need none.  So: tokens of a new key give their claims on both
-- workers, also in a coordinator session that had already cached the
-- keyring before the key was added, and a retired key's tokens give nothing
-- anywhere, also in a session that cached it.  The keyring is changed as
-- the superuser on the coordinator only; the state is restored at the end.
--
-- Before the mechanism existed, three of these cases authenticated tokens
-- directly on a worker.  With the keys kept on the coordinator, what the
-- issue asks (the key is used on every worker with no further step) is met
-- through the forwarded claims instead, and a worker's own jwt.authenticate
-- is pinned as finding no key (the documented place to authenticate is the
-- coordinator).
-- tests: 9
\ir tokens.psql

-- before the key exists
\set tok :alice_key2
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000', 'coordinator: a token of key citus-2 is refused before that key is added',
           'SQLSTATE ' || :'st');

-- the workers hold no keys: authenticating there directly finds none
\connect 'service=worker1 user=citus_app'
\set tok :alice
\ir auth_attempt.psql
SELECT tap(:'st' = '28000' AND :'msg' = 'no matching key',
           'worker1 directly: jwt.authenticate finds no key (keys stay on the coordinator)',
           'SQLSTATE ' || :'st' || ': ' || :'msg');

-- a coordinator session uses key citus-1 (and so caches the keyring) before anything changes
\connect 'service=coord user=citus_app'
\set tok :alice
\ir auth_attempt.psql

-- the superuser adds key citus-2 on the coordinator, nowhere else
\! psql -X -q -d 'service=coord user=postgres' -c "INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ('citus-2', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(citus_secret(2), 'UTF8'))))"
\! psql -X -At -d 'service=coord user=postgres' -c "SELECT '# keyring rows after adding citus-2: coordinator ' || (SELECT count(*) FROM jwt.keyring) || ', workers ' || string_agg(nodeport || ':' || result, ' ' ORDER BY nodeport) FROM run_command_on_workers('SELECT count(*) FROM jwt.keyring')"

-- the same session, which cached the keyring before
BEGIN;
SELECT jwt.authenticate(:'alice_key2') IS NOT NULL AS authenticated \gset
SELECT tap(c = 500 AND s = 250500,
           'coordinator (the session that cached the keyring): alice''s token of the new key citus-2 sees exactly her 500 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
WITH s AS MATERIALIZED (SELECT current_setting('port') AS port, jwt.sub() AS sub FROM claims_probe)
SELECT tap(count(DISTINCT port) = 2 AND count(*) FILTER (WHERE sub = :'alice_uid') = 64,
           'with the new key''s token both workers see alice''s claims, with no step on them',
           string_agg(DISTINCT port || ' sees sub ' || coalesce(sub, 'NULL'), '; '))
  FROM s;
COMMIT;

-- a new session too
\connect 'service=coord user=citus_app'
BEGIN;
SELECT jwt.authenticate(:'alice_key2') IS NOT NULL AS authenticated \gset
SELECT tap(count(*) = 1, 'coordinator (a new session): alice''s token of key citus-2 reads her note 500 by key',
           format('%s rows', count(*)))
  FROM notes WHERE id = 500;
COMMIT;

-- retire key citus-1 on the coordinator, while this session holds it in its cache
\set tok :bob
\ir auth_attempt.psql
\! psql -X -q -d 'service=coord user=postgres' -c "UPDATE jwt.keyring SET not_after = now() - interval '1 second' WHERE kid = 'citus-1'"
\set tok :bob
\ir auth_attempt.psql
SELECT tap(:'st' = '28000',
           'coordinator (the session that cached it): bob''s token of the retired key citus-1 is refused (28000)',
           :'st' || ': ' || :'msg');
-- in a transaction with alice's claims (new key), bob's retired token fails and changes nothing
BEGIN;
SELECT jwt.authenticate(:'alice_key2') IS NOT NULL AS authenticated \gset
SAVEPOINT before_bob;
SELECT jwt.authenticate(:'bob') IS NOT NULL AS authenticated \gset
ROLLBACK TO SAVEPOINT before_bob;
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub FROM claims_probe)
SELECT tap(count(*) FILTER (WHERE sub = :'alice_uid') = 64 AND (SELECT count(*) FROM notes) = 500,
           'a refused token of the retired key leaves the transaction''s claims (alice''s, new key) as they were on every node',
           format('%s of %s probe rows saw alice, %s notes', count(*) FILTER (WHERE sub = :'alice_uid'), count(*),
                  (SELECT count(*) FROM notes)))
  FROM s;
COMMIT;
\connect 'service=coord user=citus_app'
\set tok :bob
\ir auth_attempt.psql
SELECT tap(:'st' = '28000', 'coordinator (a new session): bob''s token of the retired key citus-1 is refused (28000)',
           :'st' || ': ' || :'msg');
BEGIN;
SELECT jwt.authenticate(:'bob_key2') IS NOT NULL AS authenticated \gset
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub FROM claims_probe)
SELECT tap((SELECT count(*) FROM notes) = 300 AND count(*) FILTER (WHERE sub = :'bob_uid') = 64,
           'bob''s token of key citus-2 still gives his 300 notes, and his claims on both workers, after citus-1 retired',
           format('%s notes, %s of %s probe rows saw bob', (SELECT count(*) FROM notes),
                  count(*) FILTER (WHERE sub = :'bob_uid'), count(*)))
  FROM s;
COMMIT;

-- restore: citus-1 active again, citus-2 gone
\! psql -X -q -d 'service=coord user=postgres' -c "UPDATE jwt.keyring SET not_after = NULL WHERE kid = 'citus-1'" -c "DELETE FROM jwt.keyring WHERE kid = 'citus-2'"
