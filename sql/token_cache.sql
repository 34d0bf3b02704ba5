--
-- token_cache: the session's cache of verified tokens.
--
-- jwt.authenticate looks a token up by its whole text before verifying
-- it.  A hit gives the same claims a verification would; failures are
-- never cached; exp, nbf and the keys' validity window are checked again
-- on every hit; a change of the keyring, the revocation store or a policy
-- setting empties the cache; DISCARD ALL empties it; its size is bounded
-- by token_ext.token_cache_entries and token_ext.token_cache_memory.
-- Counts are printed as differences from a baseline (tc_reset), since
-- earlier suites used the cache too.
--
\set VERBOSITY default

DELETE FROM jwt.keyring;
DELETE FROM jwt.revocation;
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('tc', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('token-cache-test-hs256-secret-01', 'UTF8'))));
CREATE FUNCTION tc_tok(payload text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT t.forge('{"alg":"HS256","typ":"JWT","kid":"tc"}', payload, convert_to('token-cache-test-hs256-secret-01', 'UTF8')) $$;
CREATE FUNCTION tc_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT split_part(t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''', tok)), ' | The token', 1) $$;
CREATE TABLE tc_base AS SELECT * FROM jwt.token_cache_stats();
CREATE FUNCTION tc_reset() RETURNS void LANGUAGE sql AS $$
  DELETE FROM tc_base; INSERT INTO tc_base SELECT * FROM jwt.token_cache_stats() $$;
-- entries now, hits and misses since the last tc_reset()
CREATE FUNCTION tc_stats() RETURNS text LANGUAGE sql AS $$
  SELECT format('entries %s, hits %s, misses %s', s.entries, s.hits - b.hits, s.misses - b.misses)
    FROM jwt.token_cache_stats() s, tc_base b $$;

SELECT jwt.clear_token_cache();
SELECT tc_reset();
SELECT tc_stats() AS empty;

-- a token seen again is a hit, in the same transaction or the next
SELECT tc_tok('{"sub":"u1","role":"r1"}') AS tok1 \gset
SELECT tc_auth(:'tok1') AS first, tc_stats() AS after_first;
SELECT tc_auth(:'tok1') AS again, tc_stats() AS after_again;
BEGIN;
SELECT jwt.authenticate(:'tok1') AS from_cache \gset
SELECT jwt.uid() IS NULL AS uid_null, jwt.sub() AS sub, jwt.role() AS role, jwt.claims() = :'from_cache'::jsonb AS claims_same;
COMMIT;
SELECT jwt.sub() AS sub_after_commit;
-- the claims of a hit are those of a verification
SELECT jwt.authenticate(:'tok1') = (jwt.verify(:'tok1', 'token-cache-test-hs256-secret-01') - 'nothing') AS same_as_verify;

-- failures are never cached
SELECT tc_reset();
SELECT tc_auth(tc_tok('{"sub":"u2","exp":1000000000}')) AS expired_1, tc_auth(tc_tok('{"sub":"u2","exp":1000000000}')) AS expired_2,
       tc_stats() AS stats;
SELECT tc_auth(t.forge('{"alg":"HS256","typ":"JWT","kid":"tc"}', '{"sub":"u1","role":"r1"}', convert_to('another-secret-of-thirty-two-by!', 'UTF8'))) AS wrong_key,
       tc_stats() AS stats;
-- the whole token is the key: one character more or less misses
SELECT tc_auth(left(:'tok1', -1)) AS one_char_less, tc_auth(:'tok1' || 'A') AS one_char_more, tc_stats() AS stats;

--
-- exp and nbf are checked again on a hit, and so is the keys' window
--
SET token_ext.leeway = 0;
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_after) VALUES
  ('tc-short', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('token-cache-short-lived-key-0001', 'UTF8'))),
   clock_timestamp() + interval '3 seconds');
SELECT floor(extract(epoch FROM clock_timestamp()))::bigint + 3 AS soon \gset
SELECT tc_tok(format('{"sub":"exp-soon","exp":%s}', :soon)) AS tok_exp,
       tc_tok(format('{"sub":"nbf-soon","nbf":%s}', :soon)) AS tok_nbf,
       t.forge('{"alg":"HS256","typ":"JWT","kid":"tc-short"}', '{"sub":"key-soon"}',
               convert_to('token-cache-short-lived-key-0001', 'UTF8')) AS tok_key \gset
SELECT tc_reset();
SELECT tc_auth(:'tok_exp') AS exp_soon, tc_auth(:'tok_nbf') AS nbf_soon, tc_auth(:'tok_key') AS key_soon, tc_stats() AS stats;
SELECT tc_auth(:'tok_exp') AS exp_soon, tc_auth(:'tok_nbf') AS nbf_soon, tc_auth(:'tok_key') AS key_soon, tc_stats() AS stats;
SELECT pg_sleep(3.5);
SELECT tc_reset();
SELECT tc_auth(:'tok_exp') AS exp_passed, tc_auth(:'tok_nbf') AS nbf_passed, tc_auth(:'tok_key') AS key_window_closed,
       tc_stats() AS stats;
RESET token_ext.leeway;

--
-- a change of the keyring, the revocation store or a policy setting
-- empties the cache; so do DISCARD ALL and jwt.clear_token_cache()
--
SELECT tc_auth(:'tok1') AS cached, tc_stats() AS stats;
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('tc-2', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('token-cache-test-hs256-secret-02', 'UTF8'))));
SELECT tc_stats() AS after_keyring_insert;
SELECT tc_auth(:'tok1') AS cached;
INSERT INTO jwt.revocation (jti) VALUES ('unrelated');
SELECT tc_stats() AS after_revocation_insert;
SELECT tc_auth(:'tok1') AS cached;
SET token_ext.audience = 'somebody';
SELECT tc_stats() AS after_set_audience, tc_auth(:'tok1') AS under_the_new_audience;
RESET token_ext.audience;
SELECT tc_auth(:'tok1') AS cached;
SET token_ext.algorithms = 'HS256';
SELECT tc_stats() AS after_set_algorithms;
RESET token_ext.algorithms;
SELECT tc_auth(:'tok1') AS cached;
SET token_ext.role_claim = '.other';
SELECT tc_stats() AS after_set_role_claim;
RESET token_ext.role_claim;
SELECT tc_auth(:'tok1') AS cached;
SELECT entries AS before_discard_all FROM jwt.token_cache_stats();
DISCARD ALL;
SELECT entries AS after_discard_all FROM jwt.token_cache_stats();
SELECT tc_reset();
SELECT tc_auth(:'tok1') AS cached, tc_stats() AS stats;
SELECT jwt.clear_token_cache();
SELECT tc_stats() AS after_clear;
-- a revocation reaches a cached token
SELECT tc_auth(:'tok1') AS cached, tc_auth(:'tok1') AS hit;
INSERT INTO jwt.revocation (subject, issued_before) VALUES ('u1', now());
SELECT tc_auth(:'tok1') AS revoked;
DELETE FROM jwt.revocation;
-- a keyring that stopped being the extension's is noticed on a hit
SELECT tc_auth(:'tok1') AS cached, tc_auth(:'tok1') AS hit;
BEGIN;
ALTER EXTENSION token_ext DROP TABLE jwt.keyring;
SELECT t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''', :'tok1')) AS keyring_not_a_member;
ROLLBACK;

--
-- the bounds
--
SELECT jwt.clear_token_cache();
SELECT tc_reset();
SET token_ext.token_cache_entries = 2;
SELECT tc_auth(tc_tok('{"sub":"b1"}')) AS b1, tc_auth(tc_tok('{"sub":"b2"}')) AS b2, tc_auth(tc_tok('{"sub":"b3"}')) AS b3;
SELECT entries, evictions - (SELECT evictions FROM tc_base) AS evicted FROM jwt.token_cache_stats();
-- the least recently used went first
SELECT tc_reset();
SELECT tc_auth(tc_tok('{"sub":"b3"}')) AS b3, tc_auth(tc_tok('{"sub":"b2"}')) AS b2, tc_stats() AS both_hit;
SELECT tc_auth(tc_tok('{"sub":"b1"}')) AS b1, tc_stats() AS b1_missed;
RESET token_ext.token_cache_entries;
SELECT jwt.clear_token_cache();
SET token_ext.token_cache_memory = '2kB';
SELECT tc_auth(tc_tok('{"sub":"small"}')) AS small,
       tc_auth(tc_tok(format('{"sub":"large","pad":"%s"}', repeat('x', 2048)))) AS large;
SELECT entries, bytes <= 2048 AS within_bound FROM jwt.token_cache_stats();
SELECT tc_reset();
SELECT tc_auth(tc_tok(format('{"sub":"large","pad":"%s"}', repeat('x', 2048)))) AS large_again, tc_stats() AS not_cached;
RESET token_ext.token_cache_memory;
SET token_ext.token_cache_entries = 0;
SELECT tc_reset();
SELECT tc_auth(:'tok1') AS off_1, tc_auth(:'tok1') AS off_2, tc_stats() AS cache_off;
RESET token_ext.token_cache_entries;
-- the settings are the superuser's
CREATE ROLE regress_tc_user;
SET ROLE regress_tc_user;
SET token_ext.token_cache_entries = 0;
SET token_ext.token_cache_memory = 0;
RESET ROLE;
DROP ROLE regress_tc_user;
DELETE FROM jwt.keyring;
