-- rows.sql: with verified claims (jwt.authenticate inside BEGIN ... COMMIT
-- on the coordinator, as the non-superuser citus_app), every kind of Citus
-- query returns exactly the caller's rows, as on one node.  The expected
-- numbers are literals derived from setup.sql's layout (alice: even ids,
-- 500 notes, sum of ids 250500; bob: 300, 149400; carol: 200, 100600).
-- tests: 23
\ir tokens.psql

-- alice, in one transaction
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
SELECT tap(jwt.uid() IS NOT DISTINCT FROM :'alice_uid',
           'alice: jwt.uid() on the coordinator is alice''s after jwt.authenticate',
           coalesce(jwt.uid()::text, 'NULL'));
-- the claims each worker sees while running the shard queries
WITH s AS MATERIALIZED (SELECT current_setting('port') AS port, jwt.sub() AS sub FROM claims_probe)
SELECT tap(count(DISTINCT port) = 2 AND count(*) FILTER (WHERE sub = :'alice_uid') = 64,
           'alice: both workers see alice''s claims (jwt.sub() in the shard queries of all 64 probe rows)',
           string_agg(DISTINCT port || ' sees sub ' || coalesce(sub, 'NULL'), '; '))
  FROM s;
SELECT tap(c = 500 AND s = 250500,
           'alice: a multi-shard SELECT sees exactly her 500 notes (sum of ids 250500)',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
SELECT tap(count(*) = 0, 'alice: a multi-shard SELECT sees no note of another owner',
           format('%s notes of other owners', count(*)))
  FROM notes WHERE owner <> :'alice_uid';
SELECT tap(count(*) = 1 AND min(body) = 'note 500',
           'alice: a router SELECT of her note 500 by key returns it',
           format('%s rows', count(*)))
  FROM notes WHERE id = 500;
SELECT tap(count(*) = 0, 'alice: a router SELECT of bob''s note 1 by key returns nothing',
           format('%s rows', count(*)))
  FROM notes WHERE id = 1;
SELECT tap(c = 500 AND s = 250500,
           'alice: a co-located join notes x note_tags (policy on jwt.claims()) gives her 500 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(n.id) AS s FROM notes n JOIN note_tags t ON t.note_id = n.id) j;
SELECT tap(count(*) = 500, 'alice: note_tags alone (policy on jwt.claims()) shows her 500 tags',
           format('%s rows', count(*)))
  FROM note_tags;
WITH got AS MATERIALIZED (
  SELECT c.name, count(*) AS n FROM notes n JOIN categories c ON c.id = n.category GROUP BY c.name),
want AS (SELECT 'category ' || (i % 7) AS name, count(*) AS n FROM generate_series(2, 1000, 2) i GROUP BY 1)
SELECT tap((SELECT string_agg(name || ':' || n, ' ' ORDER BY name) FROM got)
           IS NOT DISTINCT FROM (SELECT string_agg(name || ':' || n, ' ' ORDER BY name) FROM want),
           'alice: a join with the reference table categories counts her notes per category exactly',
           'got ' || coalesce((SELECT string_agg(name || ':' || n, ' ' ORDER BY name) FROM got), 'nothing'));
SELECT tap(string_agg(id::text, ',' ORDER BY id) = '1,2,3',
           'alice: the reference table announcements (policy on jwt.role()) shows the 3 for her role',
           coalesce(string_agg(id::text, ',' ORDER BY id), 'nothing'))
  FROM announcements;
COMMIT;

-- the next transaction of the same session: nothing left
SELECT tap(count(*) = 0, 'after COMMIT the next transaction sees no note', format('%s rows', count(*)))
  FROM notes;
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub FROM claims_probe)
SELECT tap(count(*) = 64 AND count(sub) = 0, 'after COMMIT no worker sees claims',
           format('%s of %s probe rows saw a sub', count(sub), count(*)))
  FROM s;

-- bob, by key and in bulk, in the same session (the cached worker connections are reused)
BEGIN;
SELECT jwt.authenticate(:'bob') IS NOT NULL AS authenticated \gset
SELECT tap(c = 300 AND s = 149400,
           'bob (next transaction, same session): a multi-shard SELECT sees exactly his 300 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
SELECT tap(count(*) = 1, 'bob: a router SELECT of his note 3 returns it', format('%s rows', count(*)))
  FROM notes WHERE id = 3;
COMMIT;

-- the auditor: a policy on jwt.role() opens all 1,000 notes
BEGIN;
SELECT jwt.authenticate(:'auditor') IS NOT NULL AS authenticated \gset
SELECT tap(c = 1000 AND s = 500500,
           'auditor: the policy on jwt.role() shows all 1,000 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
SELECT tap(count(*) = 0, 'auditor: note_tags (policy on the sub claim only) shows none',
           format('%s rows', count(*)))
  FROM note_tags;
SELECT tap(string_agg(id::text, ',' ORDER BY id) = '4,5',
           'auditor: the reference table announcements shows the 2 for the auditor role',
           coalesce(string_agg(id::text, ',' ORDER BY id), 'nothing'))
  FROM announcements;
COMMIT;

-- a savepoint rolled back restores the earlier claims on every node
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
SAVEPOINT s1;
SELECT jwt.authenticate(:'bob') IS NOT NULL AS authenticated \gset
SELECT tap(count(*) = 300, 'savepoint: after re-authenticating as bob inside it, 300 notes',
           format('%s rows', count(*)))
  FROM notes;
ROLLBACK TO SAVEPOINT s1;
SELECT tap(count(*) = 500, 'savepoint: after ROLLBACK TO SAVEPOINT, alice''s 500 notes again',
           format('%s rows', count(*)))
  FROM notes;
COMMIT;

-- session scope (allowed for citus_app by the superuser's setting): the
-- claims last over transactions until jwt.clear().  Citus carries a SET
-- LOCAL to the shards only inside a transaction block, so token_ext
-- forwards session-scoped claims again at the first statement of each
-- transaction block; outside one, a statement that would run on the
-- workers while the session has claims is refused (never run without
-- them).  This case read notes outside a transaction block before the
-- mechanism existed; it now does so inside two successive ones, and pins
-- the refusal outside.
\! psql -X -q -d 'service=coord user=postgres' -c "ALTER ROLE citus_app SET token_ext.claims_scope = 'session'"
\connect 'service=coord user=citus_app'
SELECT jwt.authenticate(:'carol', 'session') IS NOT NULL AS authenticated \gset
BEGIN;
SELECT tap(c = 200 AND s = 100600,
           'carol (session scope, next transaction block): a multi-shard SELECT sees exactly her 200 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
COMMIT;
BEGIN;
SELECT tap(count(*) = 1, 'carol (session scope, the block after): a router SELECT of her note 7 returns it',
           format('%s rows', count(*)))
  FROM notes WHERE id = 7;
COMMIT;
SELECT count(*) FROM notes;
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
SELECT tap(:'st' = '25P01' AND :'msg' = 'claims cannot reach the Citus workers outside a transaction block',
           'carol (session scope): outside a transaction block a read of a distributed table is refused (25P01)',
           :'st' || ': ' || :'msg');
SELECT jwt.clear() AS cleared \gset
SELECT tap(count(*) = 0, 'carol: after jwt.clear() no note, on any node', format('%s rows', count(*)))
  FROM notes;
\! psql -X -q -d 'service=coord user=postgres' -c "ALTER ROLE citus_app RESET token_ext.claims_scope"
