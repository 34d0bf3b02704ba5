-- functions.sql: every jwt.* function exists with its exact signature and
-- result type.  (labels.sql checks that no unlisted function exists.)
BEGIN;
SELECT plan(51);

-- signing
SELECT has_function('jwt', 'sign', ARRAY['jsonb', 'bytea', 'text', 'jsonb'], 'jwt.sign(jsonb, bytea, text, jsonb) exists');
SELECT has_function('jwt', 'sign', ARRAY['jsonb', 'text', 'text', 'jsonb'], 'jwt.sign(jsonb, text, text, jsonb) exists');
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
-- key tools
SELECT has_function('jwt', 'generate_key', ARRAY['text', 'integer'], 'jwt.generate_key(text, integer) exists');
SELECT has_function('jwt', 'public_jwk', ARRAY['jsonb'], 'jwt.public_jwk(jsonb) exists');
SELECT has_function('jwt', 'jwk_thumbprint', ARRAY['jsonb'], 'jwt.jwk_thumbprint(jsonb) exists');
SELECT has_function('jwt', 'jwk_from_pem', ARRAY['text'], 'jwt.jwk_from_pem(text) exists');
SELECT has_function('jwt', 'pem_from_jwk', ARRAY['jsonb'], 'jwt.pem_from_jwk(jsonb) exists');
SELECT has_function('jwt', 'jwks', ARRAY['jsonb[]'], 'jwt.jwks(jsonb[]) exists');
SELECT has_function('jwt', 'jwks_agg', ARRAY['jsonb'], 'aggregate jwt.jwks_agg(jsonb) exists');

-- result types
SELECT function_returns('jwt', 'sign', ARRAY['jsonb', 'bytea', 'text', 'jsonb'], 'text');
SELECT function_returns('jwt', 'sign', ARRAY['jsonb', 'text', 'text', 'jsonb'], 'text');
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
SELECT function_returns('jwt', 'generate_key', ARRAY['text', 'integer'], 'jsonb');
SELECT function_returns('jwt', 'public_jwk', ARRAY['jsonb'], 'jsonb');
SELECT function_returns('jwt', 'jwk_thumbprint', ARRAY['jsonb'], 'text');
SELECT function_returns('jwt', 'jwk_from_pem', ARRAY['text'], 'jsonb');
SELECT function_returns('jwt', 'pem_from_jwk', ARRAY['jsonb'], 'text');
SELECT function_returns('jwt', 'jwks', ARRAY['jsonb[]'], 'jsonb');
SELECT function_returns('jwt', 'jwks_agg', ARRAY['jsonb'], 'jsonb');

-- the output columns of the record-returning functions, in order
SELECT results_eq(
  $$SELECT p.oid::regprocedure::text COLLATE "C", array_to_string(p.proargnames[array_length(p.proargtypes, 1) + 1:], ',') COLLATE "C"
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'jwt' AND p.proname IN ('try_verify', 'decode', 'key_cache_stats')
     ORDER BY 1$$,
  $$SELECT a COLLATE "C", b COLLATE "C" FROM (VALUES
    ('jwt.decode(text)', 'header,payload,signature'),
    ('jwt.key_cache_stats()', 'entries,bytes,hits,misses'),
    ('jwt.try_verify(text,bytea,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error'),
    ('jwt.try_verify(text,jsonb,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error'),
    ('jwt.try_verify(text,text,text,text,text,interval,text[],timestamp with time zone,text)', 'header,payload,valid,error')) v(a, b)$$,
  'record-returning functions have the documented output columns');

SELECT * FROM finish();
ROLLBACK;
