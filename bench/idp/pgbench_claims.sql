-- pgbench transaction shaped like a PostgREST request where PostgREST
-- verified the token and token_ext does nothing: set_config of
-- request.jwt.claims (the claims the token carries), then one row read by
-- primary key under Supabase's usual policy
-- owner = (current_setting('request.jwt.claims', true)::jsonb->>'sub')::uuid.
\set u random(1, :users)
BEGIN;
SELECT set_config('request.jwt.claims', claims, true) IS NOT NULL AS ok FROM bench_token WHERE alg = :alg AND i = :u;
SELECT id, payload FROM items WHERE id = (:u - 1) * :rows_per_user + 1;
COMMIT;
