-- standby.sql: token_ext in ONE session on the hot standby, as the
-- non-superuser replica_app, read-only.
--
-- Keys given as arguments (verify, sign, encrypt, decrypt, try_verify,
-- decode); signing by kid; a replicated setting; jwt.authenticate with keyring keys (transaction scope) and every
-- claims reader, under a policy; jwt.authenticate_request; keyring_jwks and
-- memory_stats.  Then the primary adds, retires and deletes keyring keys
-- (primary.sh, which waits until the standby has replayed each change) and
-- this same session, same backend, must use each change at once: no
-- reconnect, no cache to flush.  Refusals are read from psql's SQLSTATE
-- (of the last statement) and LAST_ERROR_MESSAGE.  run.sh passes the
-- tokens and keys as variables (setup.sql's replica_fixture) and here,
-- this folder.
-- tests: 34
SET default_transaction_read_only = on;
SELECT pg_backend_pid() AS pid \gset

SELECT tap(pg_is_in_recovery() AND current_setting('transaction_read_only') = 'on'
           AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
           'the session is on the standby (in recovery), read-only, as a non-superuser');

-- keys given as arguments
SELECT tap(jwt.verify(:'tok_hs', :'secret') = :'claims'::jsonb,
           'jwt.verify with a given HS256 secret');
SELECT tap(jwt.verify(:'tok_es', :'es_public'::jsonb) = :'claims'::jsonb,
           'jwt.verify with a given ES256 public JWK');
SELECT tap(jwt.verify(jwt.sign(:'claims'::jsonb, :'secret'), :'secret') = :'claims'::jsonb,
           'jwt.sign with a given secret, and the token verifies');
SELECT tap(jwt.decrypt(:'tok_jwe', :'dir_key'::bytea) = :'claims'::jsonb,
           'jwt.decrypt of a JWE made on the primary (dir, A256GCM)');
SELECT tap(jwt.decrypt(jwt.encrypt(:'claims'::jsonb, :'dir_key'::bytea, 'dir', 'A256GCM'), :'dir_key'::bytea)
             = :'claims'::jsonb,
           'jwt.encrypt on the standby, and the token decrypts');
SELECT tap((jwt.try_verify(:'tok_hs', :'secret')).valid AND (jwt.decode(:'tok_es')).header ->> 'kid' = 'rep-es',
           'jwt.try_verify and jwt.decode');
SELECT tap(jwt.verify(login('00000000-0000-4000-8000-000000000002'), :'es_public'::jsonb) ->> 'sub'
             = '00000000-0000-4000-8000-000000000002',
           'jwt.sign by kid with keyring key rep-es (a SECURITY DEFINER login function)');
SELECT tap(current_setting('token_ext.leeway') = '45s',
           'token_ext.leeway set for the role on the primary (ALTER ROLE ... SET) holds here',
           current_setting('token_ext.leeway'));

-- jwt.authenticate with the keyring, transaction scope, and every reader
BEGIN;
SELECT tap(NOT jwt.authenticated() AND jwt.claims() IS NULL, 'no claims before jwt.authenticate');
SELECT tap(jwt.authenticate(:'tok_es') = :'claims'::jsonb,
           'jwt.authenticate of a token signed with keyring key rep-es');
SELECT tap(jwt.claims() = :'claims'::jsonb, 'jwt.claims()', jwt.claims()::text);
SELECT tap(jwt.claim('n') = '1' AND jwt.claim('tags') = '["a","b"]', 'jwt.claim()',
           jwt.claim('n') || ' ' || jwt.claim('tags'));
SELECT tap(jwt.claim_json('tags') = '["a", "b"]'::jsonb, 'jwt.claim_json()');
SELECT tap(jwt.sub() = '00000000-0000-4000-8000-000000000001', 'jwt.sub()');
SELECT tap(jwt.uid() = '00000000-0000-4000-8000-000000000001', 'jwt.uid()');
SELECT tap(jwt.role() = 'replica_web', 'jwt.role()');
SELECT tap(jwt.authenticated(), 'jwt.authenticated()');
SELECT tap(count(*) = 2 AND bool_and(owner = jwt.uid()),
           'a policy on jwt.uid() shows the caller''s 2 rows of 5', count(*)::text)
  FROM notes;
COMMIT;
SELECT tap(NOT jwt.authenticated() AND jwt.claims() IS NULL, 'the claims are gone after COMMIT');

-- PostgREST's db-pre-request, with the HS256 keyring key
BEGIN;
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'tok_hs')::text, true)
  IS NOT NULL AS headers_set \gset
SELECT jwt.authenticate_request() IS NULL AS request_done \gset
SELECT tap(current_user = 'replica_web' AND jwt.sub() = '00000000-0000-4000-8000-000000000001',
           'jwt.authenticate_request() with keyring key rep-hs switches to the token''s role', current_user);
COMMIT;

SELECT tap(jwt.keyring_jwks() @? '$.keys[*] ? (@.kid == "rep-es")'
           AND NOT jwt.keyring_jwks() @? '$.keys[*] ? (@.kid == "rep-new" || @.kid == "rep-hs")',
           'jwt.keyring_jwks() publishes rep-es, not the secret rep-hs nor rep-new', jwt.keyring_jwks()::text);
SELECT tap(entries = 2, 'jwt.memory_stats(): the keyring cache holds the 2 keys', entries::text)
  FROM jwt.memory_stats() WHERE area = 'keyring cache';

-- a key added on the primary reaches this session
SELECT jwt.authenticate(:'tok_new');
SELECT tap(:'SQLSTATE' = '28000' AND :'LAST_ERROR_MESSAGE' = 'no matching key',
           'before key rep-new is added, its token is refused (28000 no matching key)',
           :'SQLSTATE' || ' ' || :'LAST_ERROR_MESSAGE');
\set r `bash :'here'/primary.sh add`
SELECT tap(:'r' = 'replayed', 'the primary adds key rep-new, and the standby replays it', :'r');
SELECT tap(jwt.authenticate(:'tok_new') = :'claims'::jsonb AND pg_backend_pid() = :pid,
           'in the same session (no reconnect), a token of rep-new authenticates at once');
SELECT tap(jwt.keyring_jwks() @? '$.keys[*] ? (@.kid == "rep-new")',
           'jwt.keyring_jwks() publishes rep-new at once');

-- a key retired on the primary is refused here
SELECT tap(jwt.authenticate(:'tok_hs') = :'claims'::jsonb, 'before rep-hs is retired, its token authenticates');
\set r `bash :'here'/primary.sh retire`
SELECT tap(:'r' = 'replayed', 'the primary retires key rep-hs (not_after now), and the standby replays it', :'r');
SELECT jwt.authenticate(:'tok_hs');
SELECT tap(:'SQLSTATE' = '28000' AND :'LAST_ERROR_MESSAGE' = 'no matching key',
           'in the same session, a token of the retired rep-hs is refused (28000 no matching key)',
           :'SQLSTATE' || ' ' || :'LAST_ERROR_MESSAGE');

-- a key deleted on the primary is refused here
\set r `bash :'here'/primary.sh delete`
SELECT tap(:'r' = 'replayed', 'the primary deletes key rep-new, and the standby replays it', :'r');
SELECT jwt.authenticate(:'tok_new');
SELECT tap(:'SQLSTATE' = '28000' AND :'LAST_ERROR_MESSAGE' = 'no matching key',
           'in the same session, a token of the deleted rep-new is refused (28000 no matching key)',
           :'SQLSTATE' || ' ' || :'LAST_ERROR_MESSAGE');
SELECT tap(jwt.authenticate(:'tok_es') = :'claims'::jsonb, 'a token of the unchanged rep-es still authenticates');

SELECT tap(pg_backend_pid() = :pid AND current_setting('transaction_read_only') = 'on',
           'one session throughout (the same backend), read-only');
