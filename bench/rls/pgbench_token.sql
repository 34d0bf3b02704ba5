-- pgbench transaction shaped like a PostgREST request with token_ext:
-- authenticate the HS256 token of one of the users with the server's
-- keyring (jwt.authenticate), then one select filtered by the policy
-- owner = jwt.uid().  The token is looked up by user number, as the
-- claims are in pgbench_claims.sql, so both transactions do the same lookup.
\set u random(1, :users)
BEGIN;
SELECT jwt.authenticate(token) IS NOT NULL AS ok FROM bench_token WHERE i = :u;
SELECT count(*), sum(payload) FROM items;
COMMIT;
