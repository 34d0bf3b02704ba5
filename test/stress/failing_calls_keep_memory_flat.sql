-- failing_calls_keep_memory_flat.sql: failing verifications do not leak.
--
-- Every error of token_ext leaves its C function through ereport(ERROR), a
-- longjmp: anything malloc'd by OpenSSL or the core, or palloc'd in a
-- long-lived context, and not released on that path leaks once per call
-- (security.md, "Memory": 10^5 failing calls in one session, RSS stable).
-- In one backend this runs, after a warm-up of 11,000 calls, 100,000 failing
-- calls of 22 kinds (bad signature, expired, malformed base64url and JSON,
-- wrong alg, alg none, bad JWK keys, claim and limit failures, failing
-- sign) each in its own BEGIN ... EXCEPTION block, and checks that each
-- raised its expected SQLSTATE and message and that VmRSS and RssAnon
-- stayed flat (limits and why: memory_growth_check in fixtures.sql).  Then
-- the same for jwt.try_verify over 100,000 bad tokens, which must return
-- valid = false with the expected error instead of raising.
--
-- Mixing 22 kinds gives each kind only ~4,500 of the 100,000 calls, too few
-- to see a small leak on one error path; so each kind is then also run
-- alone, 50,000 times after a warm-up of 2,000, with the same limits.
-- RSS is read from /proc/<pg_backend_pid()>/status with pg_read_file();
-- where it cannot be read the memory checks are skipped, not passed.

SELECT pg_backend_pid() AS start_pid \gset

-- warm-up: every kind, so every code path and cache is touched once
SELECT count(*) AS warmup FROM run_failing_calls(11000) \gset
SELECT sample_memory('calls before') AS sampled \gset
SELECT sum(calls) AS calls, sum(raised) AS raised, sum(as_expected) AS good,
       coalesce(string_agg(format('%s: %s calls, %s raised, %s as expected',
                                  label, calls, raised, as_expected), '; ')
                FILTER (WHERE raised <> calls OR as_expected <> calls), '') AS bad
FROM run_failing_calls(100000) \gset
SELECT sample_memory('calls after') AS sampled \gset

SELECT tap(:calls = 100000 AND :raised = :calls AND :good = :calls,
           '100,000 failing calls of 22 kinds each raise the expected SQLSTATE and message',
           format('%s calls, %s raised, %s as expected; %s', :calls, :raised, :good, :'bad'));
SELECT memory_growth_check('100,000 failing calls', 'calls before', 'calls after');

-- the same through try_verify, which returns the failure instead
SELECT count(*) AS warmup FROM run_failing_try_verify(11000) \gset
SELECT sample_memory('try_verify before') AS sampled \gset
SELECT sum(calls) AS calls, sum(as_expected) AS good,
       coalesce(string_agg(format('%s: %s calls, %s as expected', label, calls, as_expected), '; ')
                FILTER (WHERE as_expected <> calls), '') AS bad
FROM run_failing_try_verify(100000) \gset
SELECT sample_memory('try_verify after') AS sampled \gset

SELECT tap(:calls = 100000 AND :good = :calls,
           'jwt.try_verify over 100,000 bad tokens of 17 kinds returns valid = false and the expected error',
           format('%s calls, %s as expected; %s', :calls, :good, :'bad'));
SELECT memory_growth_check('jwt.try_verify over 100,000 bad tokens', 'try_verify before', 'try_verify after');

-- each kind alone, through verify/sign and through try_verify
SELECT memory_by_kind_lines('run_failing_calls', 'failing calls', 2000, 50000);
SELECT memory_by_kind_lines('run_failing_try_verify', 'jwt.try_verify calls', 2000, 50000);

SELECT tap(pg_backend_pid() = :start_pid, 'the backend stayed up (same pid throughout)',
           format('started in backend %s, ended in %s', :start_pid, pg_backend_pid()));
