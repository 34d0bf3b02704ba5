-- readonly.sql: on the primary, as replica_app, in one read-write
-- transaction of a new session, every kind of call the standby made
-- (which loads the keyring cache and re-checks the extension's membership),
-- signing by kid and jwt.authenticate_request (which switches role)
-- assigns no transaction id: token_ext writes nothing, not even on a
-- server where it could.  By now the primary's keyring holds rep-es, and
-- rep-hs retired.
-- tests: 2
BEGIN;
SELECT tap(jwt.authenticate(:'tok_es') = :'claims'::jsonb
           AND jwt.claims() = :'claims'::jsonb AND jwt.claim('n') = '1'
           AND jwt.claim_json('n') = '1'::jsonb AND jwt.sub() = '00000000-0000-4000-8000-000000000001'
           AND jwt.uid() = '00000000-0000-4000-8000-000000000001' AND jwt.role() = 'replica_web'
           AND jwt.authenticated()
           AND jwt.verify(:'tok_hs', :'secret') = :'claims'::jsonb
           AND jwt.verify(:'tok_es', :'es_public'::jsonb) = :'claims'::jsonb
           AND jwt.verify(jwt.sign(:'claims'::jsonb, :'secret'), :'secret') = :'claims'::jsonb
           AND jwt.decrypt(:'tok_jwe', :'dir_key'::bytea) = :'claims'::jsonb
           AND jwt.decrypt(jwt.encrypt(:'claims'::jsonb, :'dir_key'::bytea, 'dir', 'A256GCM'),
                           :'dir_key'::bytea) = :'claims'::jsonb
           AND jwt.keyring_jwks() @? '$.keys[*] ? (@.kid == "rep-es")'
           AND jwt.verify(login('00000000-0000-4000-8000-000000000002'), :'es_public'::jsonb) IS NOT NULL
           AND (SELECT count(*) = 5 FROM jwt.memory_stats()),
           'on the primary, every call of the standby session succeeds in one transaction');
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'tok_es')::text, true)
  IS NOT NULL AS headers_set \gset
SELECT jwt.authenticate_request() IS NULL AS request_done \gset
SELECT tap(pg_current_xact_id_if_assigned() IS NULL AND current_user = 'replica_web',
           'and that transaction, switched to the token''s role by jwt.authenticate_request, was assigned no transaction id (token_ext wrote nothing)',
           pg_current_xact_id_if_assigned()::text);
COMMIT;
