-- settings.sql: the token_ext.* settings exist once the module is loaded,
-- have their documented defaults and units, are superuser-only to change
-- (a token limit a user could raise would be no limit), reject values out
-- of range, and the "token_ext" prefix is reserved.
BEGIN;
SELECT plan(38);

-- Before the library loads, anyone may create a placeholder token_ext.*
-- value; _PG_init must discard one a non-superuser set (with a WARNING).
-- (If the library is already loaded, the SET is refused: also fine.)
CREATE ROLE token_ext_tap_user NOLOGIN;
SET LOCAL ROLE token_ext_tap_user;
DO $$BEGIN
  SET LOCAL token_ext.max_token_size = 16777216;
EXCEPTION WHEN insufficient_privilege THEN NULL;
END$$;
RESET ROLE;

-- settings exist only once the library is loaded: load it through a call
SELECT lives_ok('SELECT jwt.clear_key_cache()', 'calling a jwt function loads token_ext');
SELECT is(current_setting('token_ext.max_token_size'), '64kB',
  'a placeholder value set by a non-superuser before the load is discarded');

SELECT is((SELECT boot_val FROM pg_settings WHERE name = 'token_ext.max_token_size'), '65536', 'max_token_size defaults to 65536');
SELECT is((SELECT unit FROM pg_settings WHERE name = 'token_ext.max_token_size'), 'B', 'max_token_size is in bytes');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.max_token_size'), 'superuser', 'max_token_size is superuser-only');
SELECT is((SELECT boot_val FROM pg_settings WHERE name = 'token_ext.max_json_depth'), '32', 'max_json_depth defaults to 32');
SELECT is((SELECT unit FROM pg_settings WHERE name = 'token_ext.max_json_depth'), NULL, 'max_json_depth has no unit');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.max_json_depth'), 'superuser', 'max_json_depth is superuser-only');
SELECT is((SELECT boot_val FROM pg_settings WHERE name = 'token_ext.key_cache_entries'), '256', 'key_cache_entries defaults to 256');
SELECT is((SELECT unit FROM pg_settings WHERE name = 'token_ext.key_cache_entries'), NULL, 'key_cache_entries has no unit');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.key_cache_entries'), 'superuser', 'key_cache_entries is superuser-only');
SELECT is((SELECT boot_val FROM pg_settings WHERE name = 'token_ext.key_cache_memory'), '16384', 'key_cache_memory defaults to 16384 kB');
SELECT is((SELECT unit FROM pg_settings WHERE name = 'token_ext.key_cache_memory'), 'kB', 'key_cache_memory is in kB');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.key_cache_memory'), 'superuser', 'key_cache_memory is superuser-only');
SELECT is(current_setting('token_ext.key_cache_memory'), '16MB', 'key_cache_memory shows as 16MB');

-- the verified-token cache: bounded in entries and memory, superuser-only
SELECT is((SELECT boot_val FROM pg_settings WHERE name = 'token_ext.token_cache_entries'), '1000', 'token_cache_entries defaults to 1000');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.token_cache_entries'), 'superuser', 'token_cache_entries is superuser-only');
SELECT is((SELECT max_val FROM pg_settings WHERE name = 'token_ext.token_cache_entries'), '1000000', 'token_cache_entries is at most 1000000');
SELECT is(current_setting('token_ext.token_cache_memory'), '4MB', 'token_cache_memory shows as 4MB');
SELECT is((SELECT unit FROM pg_settings WHERE name = 'token_ext.token_cache_memory'), 'kB', 'token_cache_memory is in kB');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.token_cache_memory'), 'superuser', 'token_cache_memory is superuser-only');
-- verify's revocation check: off, and any role may ask for it
SELECT is(current_setting('token_ext.verify_revocation'), 'off', 'verify_revocation defaults to off');
SELECT is((SELECT context FROM pg_settings WHERE name = 'token_ext.verify_revocation'), 'user', 'verify_revocation may be set by any role');

-- a superuser may change them, within range
SELECT lives_ok('SET LOCAL token_ext.max_token_size = 1024', 'a superuser sets max_token_size');
SELECT is(current_setting('token_ext.max_token_size'), '1kB', 'the new max_token_size is in force');
SELECT throws_ok('SET LOCAL token_ext.max_token_size = 255', '22023',
  '255 B is outside the valid range for parameter "token_ext.max_token_size" (256 .. 16777216)',
  'max_token_size below 256 bytes is refused');
SELECT throws_ok('SET LOCAL token_ext.no_such_setting = 1', '42602',
  'invalid configuration parameter name "token_ext.no_such_setting"',
  'the token_ext prefix is reserved');
RESET token_ext.max_token_size;

-- a non-superuser may read but not set
SET LOCAL ROLE token_ext_tap_user;
SELECT throws_ok('SET token_ext.max_token_size = 16777216', '42501',
  'permission denied to set parameter "token_ext.max_token_size"',
  'a non-superuser cannot set max_token_size');
SELECT throws_ok('SET token_ext.max_json_depth = 1000', '42501',
  'permission denied to set parameter "token_ext.max_json_depth"',
  'a non-superuser cannot set max_json_depth');
SELECT throws_ok('SET token_ext.key_cache_entries = 0', '42501',
  'permission denied to set parameter "token_ext.key_cache_entries"',
  'a non-superuser cannot set key_cache_entries');
SELECT throws_ok('SET token_ext.key_cache_memory = 0', '42501',
  'permission denied to set parameter "token_ext.key_cache_memory"',
  'a non-superuser cannot set key_cache_memory');
SELECT throws_ok('SET token_ext.token_cache_entries = 0', '42501',
  'permission denied to set parameter "token_ext.token_cache_entries"',
  'a non-superuser cannot set token_cache_entries');
SELECT throws_ok('SET token_ext.token_cache_memory = 0', '42501',
  'permission denied to set parameter "token_ext.token_cache_memory"',
  'a non-superuser cannot set token_cache_memory');
SELECT lives_ok('SET LOCAL token_ext.verify_revocation = on', 'a non-superuser may turn on verify_revocation');
SELECT is(current_setting('token_ext.verify_revocation'), 'on', 'and it is on for its session');
SELECT throws_ok($$SELECT set_config('token_ext.max_token_size', '16777216', true)$$, '42501',
  'permission denied to set parameter "token_ext.max_token_size"',
  'a non-superuser cannot set max_token_size through set_config()');
SELECT is(current_setting('token_ext.max_token_size'), '64kB', 'a non-superuser reads max_token_size, unchanged');
-- (jwt.* is meant for ordinary roles, e.g. in RLS policies: the schema
-- must be usable by PUBLIC without extra grants)
SELECT lives_ok($$SELECT jwt.verify(jwt.sign('{"sub":"u"}', 'a-secret-of-at-least-32-bytes!!!'::text),
                                      'a-secret-of-at-least-32-bytes!!!'::text)$$,
  'a non-superuser may sign and verify');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
