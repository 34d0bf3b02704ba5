-- writes.sql: INSERT, UPDATE and DELETE on the coordinator as citus_app,
-- under notes_own (USING and WITH CHECK owner = jwt.uid()) and tags_own
-- (owner = the sub claim): with verified claims the caller writes its own
-- rows and only those; others' rows are invisible to UPDATE and DELETE,
-- and a row given to another owner is refused.  Every write runs in its own
-- transaction and is rolled back, so the data stays as setup.sql made it.
-- Each statement's outcome is kept in psql variables (SQLSTATE, ROW_COUNT)
-- and reported after the ROLLBACK.
-- tests: 16
\ir tokens.psql

-- INSERT of her own row (a router insert): allowed, and visible in the transaction
\set own_after -1
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
INSERT INTO notes VALUES (5002, :'alice_uid', 1, 'alice new');
\set st :SQLSTATE
\set msg :LAST_ERROR_MESSAGE
SELECT count(*) AS own_after FROM notes \gset
ROLLBACK;
SELECT tap(:'st' = '00000', 'alice: INSERT of her own note is allowed (WITH CHECK)',
           'SQLSTATE ' || :'st' || ': ' || :'msg');
SELECT tap(:own_after = 501, 'alice: after the INSERT she sees 501 notes', :'own_after' || ' rows');

-- the other writes, each in its own rolled-back transaction (write_case.psql)
\set auth true
\set tok :alice

-- a multi-row INSERT of 10 own rows (over several shards; INSERT ... SELECT
-- is refused by Citus under RLS, see citus_limits.sql)
SELECT 'INSERT INTO notes VALUES ' || string_agg(format('(%s, %L, 1, %L)', 6000 + i, :'alice_uid', 'bulk'), ', ')
       AS stmt FROM generate_series(1, 10) i \gset
\set want_st 00000
\set want_n 10
\set what 'alice: a multi-row INSERT of 10 own notes over several shards is allowed'
\ir write_case.psql

-- INSERT of a row owned by bob: refused by WITH CHECK
SELECT format('INSERT INTO notes VALUES (5004, %L, 1, %L)', :'bob_uid', 'for bob') AS stmt \gset
\set want_st 42501
\set want_n ''
\set what 'alice: INSERT of a note owned by bob is refused (42501)'
\ir write_case.psql

-- UPDATE of her own note by key, and of every row she can see (multi-shard)
\set stmt 'UPDATE notes SET body = ''edited'' WHERE id = 500'
\set want_st 00000
\set want_n 1
\set what 'alice: a router UPDATE of her note 500 updates 1 row'
\ir write_case.psql
\set stmt 'UPDATE notes SET body = body || ''!'''
\set want_n 500
\set what 'alice: a multi-shard UPDATE updates exactly her 500 notes'
\ir write_case.psql

-- UPDATE of bob's note by key: invisible, 0 rows
\set stmt 'UPDATE notes SET body = ''stolen'' WHERE id = 1'
\set want_n 0
\set what 'alice: a router UPDATE of bob''s note 1 updates nothing'
\ir write_case.psql

-- UPDATE giving her note to bob: refused by WITH CHECK
SELECT format('UPDATE notes SET owner = %L WHERE id = 500', :'bob_uid') AS stmt \gset
\set want_st 42501
\set want_n ''
\set what 'alice: an UPDATE giving her note 500 to bob is refused (42501)'
\ir write_case.psql

-- DELETE of her own note by key; over all shards only her 71 notes of category 3; bob's note: nothing
\set stmt 'DELETE FROM notes WHERE id = 500'
\set want_st 00000
\set want_n 1
\set what 'alice: a router DELETE of her note 500 deletes 1 row'
\ir write_case.psql
\set stmt 'DELETE FROM notes WHERE category = 3'
\set want_n 71
\set what 'alice: a multi-shard DELETE of category 3 deletes exactly her 71 notes of it'
\ir write_case.psql
\set stmt 'DELETE FROM notes WHERE id = 1'
\set want_n 0
\set what 'alice: a router DELETE of bob''s note 1 deletes nothing'
\ir write_case.psql

-- the co-located table: a tag of her own note, and one claiming bob's
SELECT format('INSERT INTO note_tags VALUES (500, %L, %L)', :'alice_uid', 'mine') AS stmt \gset
\set want_n ''
\set what 'alice: INSERT into note_tags of her own tag is allowed (policy on jwt.claims())'
\ir write_case.psql
SELECT format('INSERT INTO note_tags VALUES (1, %L, %L)', :'bob_uid', 'not mine') AS stmt \gset
\set want_st 42501
\set what 'alice: INSERT into note_tags of a tag owned by bob is refused (42501)'
\ir write_case.psql

-- no verified claims: nothing is written
\set auth false
\set stmt 'UPDATE notes SET body = ''x'''
\set want_st 00000
\set want_n 0
\set what 'no claims: a multi-shard UPDATE updates nothing'
\ir write_case.psql
\set stmt 'DELETE FROM notes'
\set what 'no claims: a multi-shard DELETE deletes nothing'
\ir write_case.psql
SELECT format('INSERT INTO notes VALUES (5006, %L, 1, %L)', :'alice_uid', 'no claims') AS stmt \gset
\set want_st 42501
\set want_n ''
\set what 'no claims: INSERT of a note owned by alice is refused (42501)'
\ir write_case.psql
