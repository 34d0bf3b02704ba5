-- functions.sql: every jwt.* function exists with its exact signature and
-- result type.  (labels.sql checks that no unlisted function exists.)
BEGIN;
SELECT plan(154);

-- signing
SELECT has_function('jwt', 'sign', ARRAY['jsonb', 'bytea', 'text', 'jsonb'], 'jwt.sign(jsonb, bytea, text, jsonb) exists');
SELECT has_function('jwt', 'sign', ARRAY['jsonb', 'text', 'text', 'jsonb', 'text'], 'jwt.sign(jsonb, text, text, jsonb, text) exists (key or kid)');
SELECT has_function('jwt', 'sign', ARRAY['jsonb', 'jsonb', 'text', 'jsonb'], 'jwt.sign(jsonb, jsonb, text, jsonb) exists');
SELECT has_function('jwt', 'sign_raw', ARRAY['bytea', 'bytea', 'text', 'jsonb'], 'jwt.sign_raw(bytea, bytea, text, jsonb) exists');
SELECT has_function('jwt', 'sign_raw', ARRAY['bytea', 'text', 'text', 'jsonb'], 'jwt.sign_raw(bytea, text, text, jsonb) exists');
SELECT has_function('jwt', 'sign_raw', ARRAY['bytea', 'jsonb', 'text', 'jsonb'], 'jwt.sign_raw(bytea, jsonb, text, jsonb) exists');
-- verification
SELECT has_function('jwt', 'verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.verify(text, bytea, ...) exists');
SELECT has_function('jwt', 'verify', ARRAY['text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.verify(text, text, ...) exists');
SELECT has_function('jwt', 'verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.verify(text, jsonb, ...) exists');
SELECT has_function('jwt', 'try_verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.try_verify(text, bytea, ...) exists');
SELECT has_function('jwt', 'try_verify', ARRAY['text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.try_verify(text, text, ...) exists');
SELECT has_function('jwt', 'try_verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.try_verify(text, jsonb, ...) exists');
SELECT has_function('jwt', 'verify_raw', ARRAY['text', 'bytea', 'text', 'text'], 'jwt.verify_raw(text, bytea, text, text) exists');
SELECT has_function('jwt', 'verify_raw', ARRAY['text', 'text', 'text', 'text'], 'jwt.verify_raw(text, text, text, text) exists');
SELECT has_function('jwt', 'verify_raw', ARRAY['text', 'jsonb', 'text', 'text'], 'jwt.verify_raw(text, jsonb, text, text) exists');
-- inspection and cache
SELECT has_function('jwt', 'decode', ARRAY['text'], 'jwt.decode(text) exists');
SELECT has_function('jwt', 'clear_key_cache', ARRAY[]::name[], 'jwt.clear_key_cache() exists');
SELECT has_function('jwt', 'key_cache_stats', ARRAY[]::name[], 'jwt.key_cache_stats() exists');
SELECT has_function('jwt', 'memory_stats', ARRAY[]::name[], 'jwt.memory_stats() exists');
-- key tools
SELECT has_function('jwt', 'generate_key', ARRAY['text', 'integer'], 'jwt.generate_key(text, integer) exists');
SELECT has_function('jwt', 'public_jwk', ARRAY['jsonb'], 'jwt.public_jwk(jsonb) exists');
SELECT has_function('jwt', 'jwk_thumbprint', ARRAY['jsonb'], 'jwt.jwk_thumbprint(jsonb) exists');
SELECT has_function('jwt', 'jwk_from_pem', ARRAY['text'], 'jwt.jwk_from_pem(text) exists');
SELECT has_function('jwt', 'pem_from_jwk', ARRAY['jsonb'], 'jwt.pem_from_jwk(jsonb) exists');
SELECT has_function('jwt', 'jwks', ARRAY['jsonb[]'], 'jwt.jwks(jsonb[]) exists');
SELECT has_function('jwt', 'jwks_agg', ARRAY['jsonb'], 'aggregate jwt.jwks_agg(jsonb) exists');
-- encryption (JWE)
SELECT has_function('jwt', 'encrypt', ARRAY['jsonb', 'bytea', 'text', 'text', 'jsonb'], 'jwt.encrypt(jsonb, bytea, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['jsonb', 'text', 'text', 'text', 'jsonb'], 'jwt.encrypt(jsonb, text, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['jsonb', 'jsonb', 'text', 'text', 'jsonb'], 'jwt.encrypt(jsonb, jsonb, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['text', 'bytea', 'text', 'text', 'jsonb'], 'jwt.encrypt(text, bytea, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['text', 'text', 'text', 'text', 'jsonb'], 'jwt.encrypt(text, text, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['text', 'jsonb', 'text', 'text', 'jsonb'], 'jwt.encrypt(text, jsonb, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['bytea', 'bytea', 'text', 'text', 'jsonb'], 'jwt.encrypt(bytea, bytea, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['bytea', 'text', 'text', 'text', 'jsonb'], 'jwt.encrypt(bytea, text, text, ...) exists');
SELECT has_function('jwt', 'encrypt', ARRAY['bytea', 'jsonb', 'text', 'text', 'jsonb'], 'jwt.encrypt(bytea, jsonb, text, ...) exists');
SELECT has_function('jwt', 'decrypt', ARRAY['text', 'bytea', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.decrypt(text, bytea, text, ...) exists');
SELECT has_function('jwt', 'decrypt', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.decrypt(text, text, text, ...) exists');
SELECT has_function('jwt', 'decrypt', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jwt.decrypt(text, jsonb, text, ...) exists');
SELECT has_function('jwt', 'decrypt_raw', ARRAY['text', 'bytea', 'text', 'text'], 'jwt.decrypt_raw(text, bytea, text, ...) exists');
SELECT has_function('jwt', 'decrypt_raw', ARRAY['text', 'text', 'text', 'text'], 'jwt.decrypt_raw(text, text, text, ...) exists');
SELECT has_function('jwt', 'decrypt_raw', ARRAY['text', 'jsonb', 'text', 'text'], 'jwt.decrypt_raw(text, jsonb, text, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'bytea', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, bytea, bytea, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'text', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, bytea, text, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'jsonb', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, bytea, jsonb, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'bytea', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, text, bytea, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'text', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, text, text, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'jsonb', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, text, jsonb, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'bytea', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, jsonb, bytea, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'text', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, jsonb, text, ...) exists');
SELECT has_function('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'jsonb', 'text', 'text', 'text'], 'jwt.sign_and_encrypt(jsonb, jsonb, jsonb, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, bytea, bytea, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, bytea, text, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, bytea, jsonb, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, text, bytea, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, text, text, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, text, jsonb, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, jsonb, bytea, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, jsonb, text, ...) exists');
SELECT has_function('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jwt.decrypt_and_verify(text, jsonb, jsonb, ...) exists');

-- result types
SELECT function_returns('jwt', 'sign', ARRAY['jsonb', 'bytea', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'sign', ARRAY['jsonb', 'text', 'text', 'jsonb', 'text'], 'text');
SELECT function_returns('jwt', 'sign', ARRAY['jsonb', 'jsonb', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'sign_raw', ARRAY['bytea', 'bytea', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'sign_raw', ARRAY['bytea', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'sign_raw', ARRAY['bytea', 'jsonb', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'verify', ARRAY['text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'try_verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'record');
SELECT function_returns('jwt', 'try_verify', ARRAY['text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'record');
SELECT function_returns('jwt', 'try_verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'record');
SELECT function_returns('jwt', 'verify_raw', ARRAY['text', 'bytea', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'verify_raw', ARRAY['text', 'text', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'verify_raw', ARRAY['text', 'jsonb', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'decode', ARRAY['text'], 'record');
SELECT function_returns('jwt', 'clear_key_cache', ARRAY[]::name[], 'void');
SELECT function_returns('jwt', 'key_cache_stats', ARRAY[]::name[], 'record');
SELECT function_returns('jwt', 'memory_stats', ARRAY[]::name[], 'setof record');
SELECT function_returns('jwt', 'generate_key', ARRAY['text', 'integer'], 'jsonb');
SELECT function_returns('jwt', 'public_jwk', ARRAY['jsonb'], 'jsonb');
SELECT function_returns('jwt', 'jwk_thumbprint', ARRAY['jsonb'], 'text');
SELECT function_returns('jwt', 'jwk_from_pem', ARRAY['text'], 'jsonb');
SELECT function_returns('jwt', 'pem_from_jwk', ARRAY['jsonb'], 'text');
SELECT function_returns('jwt', 'jwks', ARRAY['jsonb[]'], 'jsonb');
SELECT function_returns('jwt', 'jwks_agg', ARRAY['jsonb'], 'jsonb');
SELECT function_returns('jwt', 'encrypt', ARRAY['jsonb', 'bytea', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['jsonb', 'text', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['jsonb', 'jsonb', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['text', 'bytea', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['text', 'text', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['text', 'jsonb', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['bytea', 'bytea', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['bytea', 'text', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'encrypt', ARRAY['bytea', 'jsonb', 'text', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'decrypt', ARRAY['text', 'bytea', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'decrypt', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'decrypt', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone', 'text'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_raw', ARRAY['text', 'bytea', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'decrypt_raw', ARRAY['text', 'text', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'decrypt_raw', ARRAY['text', 'jsonb', 'text', 'text'], 'bytea');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'bytea', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'text', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'bytea', 'jsonb', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'bytea', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'text', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'text', 'jsonb', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'bytea', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'text', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'sign_and_encrypt', ARRAY['jsonb', 'jsonb', 'jsonb', 'text', 'text', 'text'], 'text');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'bytea', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'text', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'bytea', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');
SELECT function_returns('jwt', 'decrypt_and_verify', ARRAY['text', 'jsonb', 'jsonb', 'text', 'text', 'text', 'text', 'text', 'interval', 'text[]', 'timestamp with time zone'], 'jsonb');

-- the output columns of the record-returning functions, in order
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text COLLATE "C", array_to_string(p.proargnames[array_length(p.proargtypes, 1) + 1:], ',') COLLATE "C"
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'jwt' AND p.proname IN ('try_verify', 'decode', 'key_cache_stats', 'memory_stats')
     ORDER BY 1$$,
  $$SELECT a COLLATE "C", b COLLATE "C" FROM (VALUES
    ('jwt.decode(text)', 'header,payload,signature,kind,payload_base64url'),
    ('jwt.key_cache_stats()', 'entries,bytes,hits,misses'),
    ('jwt.memory_stats()', 'area,entries,bytes'),
    ('jwt.try_verify(text,bytea,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error'),
    ('jwt.try_verify(text,jsonb,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error'),
    ('jwt.try_verify(text,text,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error')) v(a, b)$$,
  'record-returning functions have the documented output columns');


-- session claims and the keyring
SELECT has_function('jwt', 'authenticate', ARRAY['text', 'text'], 'jwt.authenticate(text, text) exists');
SELECT function_returns('jwt', 'authenticate', ARRAY['text', 'text'], 'jsonb');
SELECT has_function('jwt', 'authenticate_request', ARRAY[]::text[], 'jwt.authenticate_request() exists');
SELECT function_returns('jwt', 'authenticate_request', ARRAY[]::text[], 'void');
SELECT has_function('jwt', 'clear', ARRAY[]::text[], 'jwt.clear() exists');
SELECT function_returns('jwt', 'clear', ARRAY[]::text[], 'void');
SELECT has_function('jwt', 'claims', ARRAY[]::text[], 'jwt.claims() exists');
SELECT function_returns('jwt', 'claims', ARRAY[]::text[], 'jsonb');
SELECT has_function('jwt', 'claim', ARRAY['text'], 'jwt.claim(text) exists');
SELECT function_returns('jwt', 'claim', ARRAY['text'], 'text');
SELECT has_function('jwt', 'claim_json', ARRAY['text'], 'jwt.claim_json(text) exists');
SELECT function_returns('jwt', 'claim_json', ARRAY['text'], 'jsonb');
SELECT has_function('jwt', 'sub', ARRAY[]::text[], 'jwt.sub() exists');
SELECT function_returns('jwt', 'sub', ARRAY[]::text[], 'text');
SELECT has_function('jwt', 'uid', ARRAY[]::text[], 'jwt.uid() exists');
SELECT function_returns('jwt', 'uid', ARRAY[]::text[], 'uuid');
SELECT has_function('jwt', 'role', ARRAY[]::text[], 'jwt.role() exists');
SELECT function_returns('jwt', 'role', ARRAY[]::text[], 'text');
SELECT has_function('jwt', 'authenticated', ARRAY[]::text[], 'jwt.authenticated() exists');
SELECT function_returns('jwt', 'authenticated', ARRAY[]::text[], 'boolean');
SELECT has_function('jwt', 'keyring_jwks', ARRAY[]::text[], 'jwt.keyring_jwks() exists');
SELECT function_returns('jwt', 'keyring_jwks', ARRAY[]::text[], 'jsonb');
SELECT has_function('jwt', 'keyring_trigger', ARRAY[]::text[], 'jwt.keyring_trigger() exists');
SELECT function_returns('jwt', 'keyring_trigger', ARRAY[]::text[], 'trigger');
SELECT has_table('jwt', 'keyring', 'jwt.keyring exists');
-- roads in: the key tool for PostgREST secrets, the Supabase takeover
SELECT has_function('jwt', 'jwk_from_secret', ARRAY['bytea', 'text', 'text'], 'jwt.jwk_from_secret(bytea, text, text) exists');
SELECT function_returns('jwt', 'jwk_from_secret', ARRAY['bytea', 'text', 'text'], 'jsonb');
SELECT has_function('jwt', 'jwk_from_secret', ARRAY['text', 'text', 'text'], 'jwt.jwk_from_secret(text, text, text) exists');
SELECT function_returns('jwt', 'jwk_from_secret', ARRAY['text', 'text', 'text'], 'jsonb');
SELECT has_function('jwt', 'supabase_status', ARRAY[]::text[], 'jwt.supabase_status() exists');
SELECT function_returns('jwt', 'supabase_status', ARRAY[]::text[], 'setof record');
SELECT has_function('jwt', 'supabase_takeover', ARRAY['text'], 'jwt.supabase_takeover(text) exists');
SELECT function_returns('jwt', 'supabase_takeover', ARRAY['text'], 'setof record');
SELECT has_function('jwt', 'supabase_restore', ARRAY[]::text[], 'jwt.supabase_restore() exists');
SELECT function_returns('jwt', 'supabase_restore', ARRAY[]::text[], 'setof record');

SELECT * FROM finish();
ROLLBACK;
