-- no_claims.sql: with no verified claims the result is no rows on every
-- node, never someone else's: before any jwt.authenticate, after a token
-- that fails, after ROLLBACK, and after jwt.clear() in the middle of a
-- transaction (the clear must reach the workers too).
-- tests: 12
\ir tokens.psql

SELECT tap(count(*) = 0, 'no claims: a multi-shard SELECT of notes returns no row', format('%s rows', count(*)))
  FROM notes;
SELECT tap(count(*) = 0, 'no claims: router SELECTs of notes 1 and 2 return no row', format('%s rows', count(*)))
  FROM notes WHERE id IN (1, 2);
SELECT tap(count(*) = 0, 'no claims: the co-located join notes x note_tags returns no row',
           format('%s rows', count(*)))
  FROM notes n JOIN note_tags t ON t.note_id = n.id;
SELECT tap(count(*) = 0, 'no claims: the reference table announcements returns no row',
           format('%s rows', count(*)))
  FROM announcements;
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub, jwt.claims() AS claims FROM claims_probe)
SELECT tap(count(*) = 64 AND count(sub) = 0 AND count(claims) = 0, 'no claims: no worker sees claims',
           format('%s of %s probe rows saw claims', count(claims), count(*)))
  FROM s;

-- a token with a bad signature: refused, and nothing is set
\set tok :alice_forged
\ir auth_attempt.psql
SELECT tap(:'st' = '28000' AND :'msg' = 'signature verification failed',
           'a token with a bad signature is refused on the coordinator (28000)', :'st' || ': ' || :'msg');
SELECT tap(count(*) = 0, 'after the refused token the next transaction sees no note', format('%s rows', count(*)))
  FROM notes;

-- an expired token: refused
\set tok :alice_expired
\ir auth_attempt.psql
SELECT tap(:'st' = '28000' AND :'msg' = 'token has expired',
           'an expired token is refused on the coordinator (28000)', :'st' || ': ' || :'msg');

-- authenticated, then rolled back
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
SELECT count(*) AS seen FROM notes \gset
ROLLBACK;
SELECT tap(count(*) = 0, 'after ROLLBACK of an authenticated transaction the next one sees no note',
           format('%s rows', count(*)))
  FROM notes;

-- jwt.clear() in the middle of a transaction
BEGIN;
SELECT jwt.authenticate(:'alice') IS NOT NULL AS authenticated \gset
SELECT count(*) AS before_clear FROM notes \gset
SELECT jwt.clear() AS cleared \gset
SELECT tap(count(*) = 0, 'after jwt.clear() in the transaction a multi-shard SELECT returns no row',
           format('%s rows (%s before the clear)', count(*), :before_clear))
  FROM notes;
SELECT tap(count(*) = 0, 'after jwt.clear() in the transaction a router SELECT of her note 500 returns no row',
           format('%s rows', count(*)))
  FROM notes WHERE id = 500;
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub FROM claims_probe)
SELECT tap(count(sub) = 0, 'after jwt.clear() in the transaction no worker sees claims',
           format('%s of %s probe rows saw a sub', count(sub), count(*)))
  FROM s;
COMMIT;
