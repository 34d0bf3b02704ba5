-- pgbench transaction shaped like a PostgREST request where PostgREST
-- verified the token and token_ext does nothing: set_config of
-- request.jwt.claims (the same claims the token carries), then the same
-- select, filtered by Supabase's usual policy
-- owner = (current_setting('request.jwt.claims', true)::jsonb->>'sub')::uuid.
\set u random(1, :users)
BEGIN;
SELECT set_config('request.jwt.claims', claims, true) IS NOT NULL AS ok FROM bench_token WHERE i = :u;
SELECT count(*), sum(payload) FROM items;
COMMIT;
