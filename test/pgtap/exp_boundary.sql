-- exp_boundary.sql: one prepared statement, executed at different check
-- times through the "at" argument, flips from valid to expired exactly at
-- exp (RFC 7519: not accepted on or after exp) and from not-yet-valid to
-- valid exactly at nbf.  Generic plans are forced, so a STABLE function
-- folded at plan time would show here as a stale result.
BEGIN;
SELECT plan(16);
SET LOCAL plan_cache_mode = force_generic_plan;
SET LOCAL TimeZone = 'UTC';

CREATE TEMP TABLE t AS
  SELECT 'a-secret-of-at-least-32-bytes!!!'::text AS secret,
         jwt.sign('{"sub":"s","nbf":1699999000,"exp":1700000000}',
                  'a-secret-of-at-least-32-bytes!!!'::text) AS token;

PREPARE check_at(timestamptz) AS
  SELECT jwt.verify(token, secret, at => $1) ->> 'sub' FROM t;
PREPARE check_leeway(timestamptz, interval) AS
  SELECT jwt.verify(token, secret, at => $1, leeway => $2) ->> 'sub' FROM t;
PREPARE try_at(timestamptz) AS
  SELECT valid, error FROM jwt.try_verify((SELECT token FROM t), (SELECT secret FROM t), at => $1);

-- exp = 1700000000 = 2023-11-14 22:13:20 UTC; nbf 1000 s earlier
SELECT results_eq('EXECUTE check_at(''2023-11-14 22:13:19+00'')', $$VALUES ('s')$$, 'valid one second before exp');
SELECT results_eq('EXECUTE check_at(''2023-11-14 22:13:19.999999+00'')', $$VALUES ('s')$$, 'valid one microsecond before exp');
SELECT throws_ok('EXECUTE check_at(''2023-11-14 22:13:20+00'')', '28000', 'token has expired', 'expired at exactly exp');
SELECT throws_ok('EXECUTE check_at(''2023-11-14 22:13:21+00'')', '28000', 'token has expired', 'expired one second after exp');
SELECT results_eq('EXECUTE check_at(''2023-11-14 22:13:19+00'')', $$VALUES ('s')$$, 'the same statement is valid again at an earlier time');
SELECT throws_ok('EXECUTE check_at(''2023-11-14 21:56:39+00'')', '28000', 'token is not yet valid', 'not yet valid one second before nbf');
SELECT results_eq('EXECUTE check_at(''2023-11-14 21:56:40+00'')', $$VALUES ('s')$$, 'valid at exactly nbf');
-- leeway widens the window on both sides, exclusive at exp + leeway
SELECT results_eq('EXECUTE check_leeway(''2023-11-14 22:13:24+00'', ''5 seconds'')', $$VALUES ('s')$$, 'valid 4 s after exp with 5 s leeway');
SELECT throws_ok('EXECUTE check_leeway(''2023-11-14 22:13:25+00'', ''5 seconds'')', '28000', 'token has expired', 'expired at exp + leeway');
SELECT results_eq('EXECUTE check_leeway(''2023-11-14 21:56:35+00'', ''5 seconds'')', $$VALUES ('s')$$, 'valid 5 s before nbf with 5 s leeway');
-- try_verify through a prepared statement
SELECT results_eq('EXECUTE try_at(''2023-11-14 22:13:19+00'')', $$VALUES (true, NULL::text)$$, 'try_verify valid before exp');
SELECT results_eq('EXECUTE try_at(''2023-11-14 22:13:20+00'')', $$VALUES (false, 'token has expired')$$, 'try_verify invalid at exp');
SELECT results_eq('EXECUTE try_at(''2023-11-14 22:13:19+00'')', $$VALUES (true, NULL::text)$$, 'try_verify valid again');
-- "at" NULL means the transaction start, now()
SELECT throws_ok('EXECUTE check_at(NULL)', '28000', 'token has expired', 'at NULL: now(), long after exp');
SELECT is(jwt.verify(jwt.sign(jsonb_build_object('exp', extract(epoch FROM now()) + 1), secret), secret) ->> 'exp',
          (extract(epoch FROM now()) + 1)::text, 'default check time: valid one second before exp')
  FROM t;
SELECT throws_ok($$SELECT jwt.verify(jwt.sign(jsonb_build_object('exp', extract(epoch FROM now())), secret), secret) FROM t$$,
  '28000', 'token has expired', 'default check time: expired at exp = now()');

DEALLOCATE check_at;
DEALLOCATE check_leeway;
DEALLOCATE try_at;
SELECT * FROM finish();
ROLLBACK;
