-- memory_stats.sql: jwt.memory_stats() reports what token_ext holds in this
-- backend, area by area, and each row follows what the backend did.
--
-- pg_prove runs each file in a new backend, so every area starts empty.
-- The key cache row must agree with jwt.key_cache_stats(), the memory
-- contexts row with pg_backend_memory_contexts, the workspace row must
-- keep the capacity the largest token needed, and the keyring row must
-- count the keys jwt.authenticate loaded.  Only superusers (and roles
-- granted EXECUTE) may call it.
BEGIN;
SELECT plan(17);

CREATE TEMP TABLE k AS SELECT 'a-secret-of-at-least-32-bytes!!!'::text AS secret;
-- one row's figure of jwt.memory_stats()
CREATE FUNCTION pg_temp.mem(which text, OUT entries bigint, OUT bytes bigint) LANGUAGE sql VOLATILE
  AS $$SELECT m.entries, m.bytes FROM jwt.memory_stats() m WHERE m.area = which$$;

SELECT results_eq(
  $$SELECT area, entries, bytes FROM jwt.memory_stats()$$,
  $$VALUES ('key cache'::text, 0::bigint, 0::bigint), ('keyring cache', 0, 0), ('session claims', 0, 0),
           ('workspace', 0, 0), ('memory contexts', 0, 0)$$,
  'a new backend: five areas, in order, all empty');

-- the key cache: one secret, its bytes
SELECT ok(jwt.verify(jwt.sign('{"sub":"a"}', secret), secret) = '{"sub":"a"}', 'a token verifies') FROM k;
SELECT is((SELECT (m.entries, m.bytes)::text FROM pg_temp.mem('key cache') m),
          (SELECT (s.entries, s.bytes)::text FROM jwt.key_cache_stats() s),
          'the key cache row agrees with jwt.key_cache_stats()');
SELECT is((SELECT (m.entries, m.bytes)::text FROM pg_temp.mem('key cache') m), '(1,32)',
          'the key cache holds one key of 32 bytes');
SELECT jwt.clear_key_cache();
SELECT is((SELECT (m.entries, m.bytes)::text FROM pg_temp.mem('key cache') m), '(0,0)',
          'jwt.clear_key_cache() empties the key cache row');

-- the workspace: grows to the largest token, then keeps that capacity
SELECT ok((SELECT m.entries > 0 AND m.bytes > 0 FROM pg_temp.mem('workspace') m),
          'the workspace holds buffers after a verification');
SELECT ok(jwt.verify(jwt.sign(jsonb_build_object('pad', repeat('x', 40000)), secret), secret) ? 'pad',
          'a 40 kB token verifies') FROM k;
SELECT bytes AS big FROM pg_temp.mem('workspace') \gset
SELECT cmp_ok(:big::bigint, '>=', 40000::bigint, 'the workspace grew to hold the 40 kB payload');
SELECT ok(jwt.verify(jwt.sign('{"sub":"b"}', secret), secret) = '{"sub":"b"}', 'a small token verifies') FROM k;
SELECT is((SELECT bytes FROM pg_temp.mem('workspace')), :big::bigint,
          'the workspace keeps its capacity for the next call (no regrowth, no leak)');

-- the keyring cache and the session claims
INSERT INTO jwt.keyring (kid, purposes, alg, key)
SELECT 'mem-hs', '{verify}', 'HS256', jwt.jwk_from_secret(secret) FROM k;
INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('mem-es', '{sign,verify}', jwt.generate_key('ES256'));
SELECT is(jwt.authenticate(jwt.sign('{"sub":"c"}', secret, header => '{"kid":"mem-hs"}')), '{"sub":"c"}',
          'a keyring token authenticates') FROM k;
SELECT is(jwt.sub(), 'c', 'its claims are read');
SELECT ok((SELECT m.entries = 2 AND m.bytes > 32 FROM pg_temp.mem('keyring cache') m),
          'the keyring cache row counts both keyring keys and the secret''s bytes');
SELECT ok((SELECT m.entries = 1 AND m.bytes > 0 FROM pg_temp.mem('session claims') m),
          'the session claims row holds the parsed claims');
SELECT is((SELECT (m.entries, m.bytes)::text FROM pg_temp.mem('memory contexts') m),
          (SELECT (count(*), sum(total_bytes))::text FROM pg_backend_memory_contexts
            WHERE name LIKE 'token\_ext%'),
          'the memory contexts row agrees with pg_backend_memory_contexts');

-- who may call it
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a
                       WHERE p.oid = 'jwt.memory_stats()'::regprocedure AND a.grantee = 0),
          'PUBLIC may not execute jwt.memory_stats()');
CREATE ROLE regress_mem_reader;
SET LOCAL ROLE regress_mem_reader;
SELECT throws_ok('SELECT * FROM jwt.memory_stats()', '42501', 'permission denied for function memory_stats',
                 'a role without the grant is refused');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
