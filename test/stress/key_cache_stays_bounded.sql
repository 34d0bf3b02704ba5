-- key_cache_stays_bounded.sql: the parsed-key cache evicts and stays flat.
--
-- The key cache (src/core/keycache.c) is malloc'd per backend and holds at
-- most token_ext.key_cache_entries keys and token_ext.key_cache_memory of key
-- material, least recently used first out.  A cache that never evicts, or
-- that leaks the evicted key sets, grows with every distinct key a session
-- sees.  This verifies 100,000 tokens cycling through 1,000 distinct HMAC
-- keys (bytea, text and jsonb JWK forms) with the default 256 entries, so
-- every call misses and evicts, and checks: every claim set is right, the
-- backend's memory is flat (limits: fixtures.sql), the entry count is the
-- bound, and hits and misses are what an LRU cache of that size gives.
-- Then smaller bounds, the cache turned off, and DISCARD ALL.

SELECT pg_backend_pid() AS start_pid \gset
-- (the first call loads the library, which defines the settings)
SELECT jwt.clear_key_cache() AS cleared \gset
SELECT current_setting('token_ext.key_cache_entries')::integer AS bound \gset

-- warm-up
SELECT run_cache_calls(10000, 1000) AS good \gset
SELECT sample_memory('cache before') AS sampled, sample_cache('cache before') AS sampled \gset
SELECT run_cache_calls(100000, 1000) AS good \gset
SELECT sample_memory('cache after') AS sampled, sample_cache('cache after') AS sampled \gset

SELECT tap(:good = 100000, '100,000 verifications with 1,000 distinct keys return the right claims',
           format('%s of 100000 right', :good));
SELECT memory_growth_check('100,000 verifications with 1,000 distinct keys', 'cache before', 'cache after');
SELECT format('# key cache after 100,000 calls: %s entries, %s bytes; +%s hits, +%s misses',
              a.entries, a.bytes, a.hits - b.hits, a.misses - b.misses),
       tap(a.entries = :bound AND a.bytes <= pg_size_bytes(current_setting('token_ext.key_cache_memory')),
           'the key cache holds token_ext.key_cache_entries (' || :bound || ') of 1,000 keys',
           format('%s entries, %s bytes', a.entries, a.bytes))
FROM cache_sample b, cache_sample a WHERE b.tag = 'cache before' AND a.tag = 'cache after' \gset r_
\echo :r_format
\echo :r_tap
-- cycling through more keys than the cache holds, LRU order never hits
SELECT tap(a.misses - b.misses = 100000 AND a.hits - b.hits = 0,
           'cycling through 1,000 keys in a 256-entry LRU cache misses on every call',
           format('+%s hits, +%s misses', a.hits - b.hits, a.misses - b.misses))
FROM cache_sample b, cache_sample a WHERE b.tag = 'cache before' AND a.tag = 'cache after';

-- 100 keys fit: the first pass misses (the cache holds keys 744..999), then all hit
SELECT sample_cache('fit before') AS sampled \gset
SELECT run_cache_calls(10000, 100) AS good \gset
SELECT sample_cache('fit after') AS sampled \gset
SELECT tap(:good = 10000 AND a.misses - b.misses = 100 AND a.hits - b.hits = 9900
           AND a.entries = :bound,
           '10,000 verifications cycling through 100 keys miss 100 times and hit 9,900',
           format('%s right, +%s hits, +%s misses, %s entries', :good, a.hits - b.hits,
                  a.misses - b.misses, a.entries))
FROM cache_sample b, cache_sample a WHERE b.tag = 'fit before' AND a.tag = 'fit after';

-- a smaller entry bound takes effect at once, and holds
SET token_ext.key_cache_entries = 16;
SELECT run_cache_calls(1, 1) AS good \gset
SELECT sample_cache('16 first') AS sampled \gset
SELECT run_cache_calls(5000, 1000) AS good \gset
SELECT sample_cache('16 after') AS sampled \gset
SELECT tap(f.entries = 16 AND a.entries = 16 AND :good = 5000,
           'lowering token_ext.key_cache_entries to 16 evicts down to 16 entries',
           format('%s entries after the first call, %s after 5,000 calls (%s right)',
                  f.entries, a.entries, :good))
FROM cache_sample f, cache_sample a WHERE f.tag = '16 first' AND a.tag = '16 after';
RESET token_ext.key_cache_entries;

-- the memory bound: 1 kB of key material holds a few dozen 40-byte secrets
SET token_ext.key_cache_memory = '1kB';
SELECT run_cache_calls(5000, 1000) AS good \gset
SELECT sample_cache('1kB after') AS sampled \gset
SELECT tap(a.bytes <= 1024 AND a.entries > 0 AND :good = 5000,
           'token_ext.key_cache_memory = 1kB bounds the cached key material',
           format('%s entries, %s bytes (%s right)', a.entries, a.bytes, :good))
FROM cache_sample a WHERE a.tag = '1kB after';
RESET token_ext.key_cache_memory;

-- the cache turned off: every call parses its key and must free it again
SET token_ext.key_cache_entries = 0;
SELECT run_cache_calls(5000, 1000) AS good \gset
SELECT sample_memory('off before') AS sampled \gset
SELECT run_cache_calls(50000, 1000) AS good \gset
SELECT sample_memory('off after') AS sampled, sample_cache('off after') AS sampled \gset
SELECT tap(:good = 50000 AND a.entries = 0,
           'with token_ext.key_cache_entries = 0, 50,000 verifications are right and nothing is cached',
           format('%s of 50000 right, %s entries', :good, a.entries))
FROM cache_sample a WHERE a.tag = 'off after';
SELECT memory_growth_check('50,000 verifications with the key cache off', 'off before', 'off after');
RESET token_ext.key_cache_entries;

-- DISCARD ALL empties it (a pooled connection carries no keys over)
SELECT run_cache_calls(300, 300) AS good \gset
SELECT entries AS before_discard FROM jwt.key_cache_stats() \gset
DISCARD ALL;
SELECT tap(:before_discard > 0 AND entries = 0, 'DISCARD ALL empties the key cache',
           format('%s entries before, %s after', :before_discard, entries))
FROM jwt.key_cache_stats();

SELECT tap(pg_backend_pid() = :start_pid, 'the backend stayed up (same pid throughout)',
           format('started in backend %s, ended in %s', :start_pid, pg_backend_pid()));
