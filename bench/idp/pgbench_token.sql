-- pgbench transaction shaped like a PostgREST request with token_ext:
-- jwt.authenticate of the user's token (of algorithm :alg) with the
-- keyring, then the same row read under the policy owner = jwt.uid().
\set u random(1, :users)
BEGIN;
SELECT jwt.authenticate(token) IS NOT NULL AS ok FROM bench_token WHERE alg = :alg AND i = :u;
SELECT id, payload FROM items WHERE id = (:u - 1) * :rows_per_user + 1;
COMMIT;
