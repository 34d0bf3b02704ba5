--
-- claims: the registered JWT claims (RFC 7519 section 4.1) checked by
-- jwt.verify: exp, nbf, iat, iss, aud, sub, jti and the required list.
--
-- Every case fixes the check time with "at" (1700000000 =
-- 2023-11-14 22:13:20 UTC), so results do not depend on the clock, except
-- the last block, which checks that the default is the transaction start.
-- Tokens are built with pgcrypto so that each claim's JSON text is exact
-- (fractions, exponents, strings).  security.md section 8 P.181 to P.193.
--
\set k32 '0123456789abcdef0123456789abcdef'
\set at '2023-11-14 22:13:20+00'
SELECT extract(epoch FROM :'at'::timestamptz) AS at_epoch;

-- one case per row: claims JSON text, leeway, outcome of jwt.verify
CREATE TEMP TABLE claim_cases (n serial, name text, claims text, leeway interval, at timestamptz DEFAULT '2023-11-14 22:13:20+00');
CREATE FUNCTION pg_temp.run_cases() RETURNS TABLE (name text, outcome text) LANGUAGE sql AS $$
  SELECT name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, leeway => %L, at => %L)',
                                t.forge('{"alg":"HS256"}', claims, '0123456789abcdef0123456789abcdef'),
                                '0123456789abcdef0123456789abcdef', leeway, at))
    FROM claim_cases ORDER BY n $$;

-- exp (RFC 7519 4.1.4: the token must not be accepted on or after exp), P.183 to P.186
INSERT INTO claim_cases (name, claims, leeway) VALUES
  ('exp = at + 1',                          '{"exp":1700000001}', NULL),
  ('P.186 exp = at: expired',               '{"exp":1700000000}', NULL),
  ('exp = at - 1',                          '{"exp":1699999999}', NULL),
  ('P.183 exp = at + 0.5 (fractional)',     '{"exp":1700000000.5}', NULL),
  ('P.183 exp = at - 0.5',                  '{"exp":1699999999.5}', NULL),
  ('exp = at + 0.000001',                   '{"exp":1700000000.000001}', NULL),
  ('exp = 1.7000000001e9 (exponent form)',  '{"exp":1.7000000001e9}', NULL),
  ('exp = 17000000000e-1 (= at)',           '{"exp":17000000000e-1}', NULL),
  ('P.185 exp = 0',                         '{"exp":0}', NULL),
  ('P.185 exp = -1',                        '{"exp":-1}', NULL),
  ('exp = -0.5 (floor for display)',        '{"exp":-0.5}', NULL),
  ('exp before year 1 (shown as a number)', '{"exp":-62135596801}', NULL),
  ('exp = 1e-400 (underflows to 0)',        '{"exp":1e-400}', NULL),
  ('P.184 exp = 9.3e18 (far future)',       '{"exp":9.3e18}', NULL),
  ('P.184 exp = 1e400 (not a double)',      '{"exp":1e400}', NULL),
  ('exp = -1e400',                          '{"exp":-1e400}', NULL),
  ('P.181 exp = "9999999999" (a string)',   '{"exp":"9999999999"}', NULL),
  ('P.182 exp = null',                      '{"exp":null}', NULL),
  ('P.182 exp = true',                      '{"exp":true}', NULL),
  ('P.182 exp = [1]',                       '{"exp":[9999999999]}', NULL),
  ('P.182 exp = {}',                        '{"exp":{}}', NULL),
  -- leeway extends exp: expired iff at >= exp + leeway
  ('exp = at - 30, leeway 60 s',            '{"exp":1699999970}', '60 s'),
  ('exp = at - 30, leeway 30 s',            '{"exp":1699999970}', '30 s'),
  ('exp = at - 30, leeway 29.5 s',          '{"exp":1699999970}', '29.5 s'),
  ('exp = at - 86400, leeway 1 day',        '{"exp":1699913600}', '1 day'),
  ('exp = at - 86399, leeway 1 day',        '{"exp":1699913601}', '1 day'),
  ('exp = at - 1, leeway 1 day (max)',      '{"exp":1699999999}', '1 day');
SELECT * FROM pg_temp.run_cases();
TRUNCATE claim_cases;
-- exp = 1e308 is far future too (the claims come back exactly)
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"exp":1e308}', :'k32'), :'k32'::bytea, at => :'at')
       = '{"exp":1e308}'::jsonb AS exp_1e308_accepted;

-- nbf (4.1.5: valid on or after nbf) and iat (4.1.6: a time in the future
-- is refused), P.186 to P.188
INSERT INTO claim_cases (name, claims, leeway) VALUES
  ('P.186 nbf = at: valid',                 '{"nbf":1700000000}', NULL),
  ('nbf = at - 1',                          '{"nbf":1699999999}', NULL),
  ('P.187 nbf = at + 1',                    '{"nbf":1700000001}', NULL),
  ('nbf = at + 0.5',                        '{"nbf":1700000000.5}', NULL),
  ('nbf = at + 1, leeway 1 s',              '{"nbf":1700000001}', '1 s'),
  ('nbf = at + 2, leeway 1 s',              '{"nbf":1700000002}', '1 s'),
  ('nbf = "0" (a string)',                  '{"nbf":"0"}', NULL),
  ('nbf = 1e400',                           '{"nbf":1e400}', NULL),
  ('iat = at',                              '{"iat":1700000000}', NULL),
  ('iat = at - 10^9',                       '{"iat":700000000}', NULL),
  -- iat may be 1 s ahead (issuers round the time to whole seconds), no more
  ('iat = at + 1 (rounding tolerance)',     '{"iat":1700000001}', NULL),
  ('iat = at + 1.5',                        '{"iat":1700000001.5}', NULL),
  ('iat = at + 2, leeway 1 s',              '{"iat":1700000002}', '1 s'),
  ('iat = at + 3, leeway 1 s',              '{"iat":1700000003}', '1 s'),
  ('iat = at + 60, leeway 30 s',            '{"iat":1700000060}', '30 s'),
  ('P.188 iat = "1700000000" (a string)',   '{"iat":"1700000000"}', NULL),
  ('iat = false',                           '{"iat":false}', NULL),
  ('all three valid',                       '{"iat":1699999000,"nbf":1699999000,"exp":1700001000}', NULL),
  -- order of checks: exp, then nbf, then iat
  ('expired and not yet valid: exp first',  '{"exp":1,"nbf":1800000000}', NULL),
  ('not yet valid and iat in the future',   '{"nbf":1800000000,"iat":1800000000}', NULL),
  ('bad nbf type after an expired exp',     '{"exp":1,"nbf":"x"}', NULL),
  ('bad exp type before a bad nbf',         '{"exp":"x","nbf":1800000000}', NULL);
SELECT * FROM pg_temp.run_cases();
TRUNCATE claim_cases;

-- a fractional check time
INSERT INTO claim_cases (name, claims, leeway, at) VALUES
  ('at = exp - 0.5 s',                      '{"exp":1700000000}', NULL, '2023-11-14 22:13:19.5+00'),
  ('at = exp + 0.000001 s',                 '{"exp":1700000000}', NULL, '2023-11-14 22:13:20.000001+00'),
  ('at = nbf - 0.000001 s',                 '{"nbf":1700000000}', NULL, '2023-11-14 22:13:19.999999+00'),
  ('at in another time zone, same instant', '{"exp":1700000000}', NULL, '2023-11-14 23:13:20+01');
SELECT * FROM pg_temp.run_cases();
TRUNCATE claim_cases;

-- the other typed claims: iss, sub and jti must be strings when present,
-- even when nothing is expected of them
INSERT INTO claim_cases (name, claims, leeway) VALUES
  ('sub = 1',                               '{"sub":1}', NULL),
  ('sub = null',                            '{"sub":null}', NULL),
  ('jti = ["a"]',                           '{"jti":["a"]}', NULL),
  ('iss = {"x":1}',                         '{"iss":{"x":1}}', NULL),
  ('aud = 1',                               '{"aud":1}', NULL),
  ('aud = [1]',                             '{"aud":[1]}', NULL),
  ('unregistered claims of any type',       '{"role":1,"scope":[1,"a"],"admin":null,"x":{"exp":"not checked"}}', NULL);
SELECT * FROM pg_temp.run_cases();
TRUNCATE claim_cases;

-- aud (4.1.3; P.191, P.192): a string or an array of strings, compared exactly
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, audience => %L)',
                                t.forge('{"alg":"HS256"}', c.claims, :'k32'), :'k32', c.audience)) AS outcome
  FROM (VALUES
    ('"api", expect api',                     '{"aud":"api"}',              'api'),
    ('["x","api"], expect api',               '{"aud":["x","api"]}',        'api'),
    ('["api","api"], expect api',             '{"aud":["api","api"]}',      'api'),
    ('["x"], expect api',                     '{"aud":["x"]}',              'api'),
    ('[], expect api',                        '{"aud":[]}',                 'api'),
    ('"", expect api',                        '{"aud":""}',                 'api'),
    ('"api.example", expect api (no prefix)', '{"aud":"api.example"}',      'api'),
    ('"ap", expect api (no prefix)',          '{"aud":"ap"}',               'api'),
    ('"API", expect api (case-sensitive)',    '{"aud":"API"}',              'api'),
    ('"api ", expect api (no trimming)',      '{"aud":"api "}',             'api'),
    ('"api\u0000x", expect api',              '{"aud":"api\u0000x"}',       'api'),
    ('[1,null], expect api',                  '{"aud":[1,null]}',           'api'),
    ('["api",1], expect api',                 '{"aud":["api",1]}',          'api'),
    ('{"0":"api"}, expect api',               '{"aud":{"0":"api"}}',        'api'),
    ('null, expect api',                      '{"aud":null}',               'api'),
    ('no aud, expect api',                    '{}',                         'api'),
    ('"", expect "" (exact match)',           '{"aud":""}',                 ''),
    ('"é", expect é (UTF-8)',                 '{"aud":"\u00e9"}',           'é'),
    ('no aud, nothing expected',              '{}',                         NULL),
    -- RFC 7519 4.1.3 says a token with "aud" is rejected by a recipient
    -- that does not identify itself with a value of it; token_ext checks
    -- aud only when an audience is given (pinned here; see the report)
    ('"api", nothing expected',               '{"aud":"api"}',              NULL)
  ) AS c(name, claims, audience);

-- iss (4.1.1; P.193): exact match
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, issuer => %L)',
                                t.forge('{"alg":"HS256"}', c.claims, :'k32'), :'k32', c.issuer)) AS outcome
  FROM (VALUES
    ('same issuer',                           '{"iss":"https://a"}',             'https://a'),
    ('"https://a.evil"',                      '{"iss":"https://a.evil"}',        'https://a'),
    ('"https://a/" (trailing slash)',         '{"iss":"https://a/"}',            'https://a'),
    ('"HTTPS://A" (case)',                    '{"iss":"HTTPS://A"}',             'https://a'),
    ('"https:" (prefix)',                     '{"iss":"https:"}',                'https://a'),
    ('["https://a","https://b"] (a list)',    '{"iss":["https://a","https://b"]}', 'https://a'),
    ('no iss, issuer expected',               '{}',                              'https://a'),
    ('iss = null, issuer expected',           '{"iss":null}',                    'https://a'),
    ('escaped "\/" equals "/"',               '{"iss":"https:\/\/a"}',           'https://a')
  ) AS c(name, claims, issuer);

-- required claims: presence of the name, whatever the value
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, required => %L::text[], at => %L)',
                                t.forge('{"alg":"HS256"}', c.claims, :'k32'), :'k32', c.required, :'at')) AS outcome
  FROM (VALUES
    ('P.189 exp required, absent',           '{"sub":"a"}',                      '{exp}'),
    ('exp and sub required, present',        '{"sub":"a","exp":1800000000}',     '{exp,sub}'),
    ('sub and jti required, jti absent',     '{"sub":"a"}',                      '{sub,jti}'),
    ('a private claim required, null value', '{"role":null}',                    '{role}'),
    ('names are case-sensitive',             '{"Sub":"a"}',                      '{sub}'),
    ('a nested name does not count',         '{"x":{"sub":"a"}}',                '{sub}'),
    ('empty list',                           '{}',                               '{}'),
    ('the empty name',                       '{}',                               '{""}'),
    ('a name of 65 bytes (not echoed)',      '{}',                               '{' || repeat('n', 65) || '}'),
    ('a name of 64 bytes (echoed)',          '{}',                               '{' || repeat('n', 64) || '}'),
    ('a name with a quote',                  '{}',                               '{"a\"b"}')
  ) AS c(name, claims, required);
-- a NULL element or a two-dimensional list is a caller error
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"sub":"a"}', :'k32'), :'k32'::bytea, required => ARRAY['sub', NULL]);
-- the same condition has the same SQLSTATE as every invalid argument (22023)
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea, required => ARRAY[''sub'', NULL])',
                        t.forge('{"alg":"HS256"}', '{"sub":"a"}', :'k32'), :'k32')) AS required_null;
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"sub":"a"}', :'k32'), :'k32'::bytea, required => '{{sub},{iss}}');

-- the leeway argument (P.190): between 0 and 1 day, the range of token_ext.leeway
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, leeway => %L)',
                                t.forge('{"alg":"HS256"}', '{}', :'k32'), :'k32', c.leeway)) AS outcome
  FROM (VALUES
    ('-1 s',                 '-1 s'::interval),
    ('-1 microsecond',       '-0.000001 s'),
    ('0',                    '0'),
    ('1 day',                '1 day'),
    ('86400 s',              '86400 s'),
    ('1 day 1 microsecond',  '1 day 0.000001 s'),
    ('86401 s',              '86401 s'),
    ('1 month (= 30 days)',  '1 month'),
    ('1 day -86401 s (< 0)', '1 day -86401 s')
  ) AS c(name, leeway);
-- an infinite check time
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{}', :'k32'), :'k32'::bytea, at => 'infinity');
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{}', :'k32'), :'k32'::bytea, at => '-infinity');

-- errors come with their SQLSTATE (28000 for failed checks, 22P02 for a
-- claim of the wrong type, 22023 for a bad argument)
DO $$
DECLARE
  k bytea := '0123456789abcdef0123456789abcdef';
  c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
      ('{"exp":1}', NULL, NULL, NULL::interval),
      ('{"nbf":1800000000}', NULL, NULL, NULL),
      ('{"iat":1800000000}', NULL, NULL, NULL),
      ('{"aud":"x"}', 'api', NULL, NULL),
      ('{"iss":"x"}', NULL, 'https://a', NULL),
      ('{"exp":"1"}', NULL, NULL, NULL),
      ('{}', NULL, NULL, '-1 s')) v(claims, aud, iss, lw)
  LOOP
    BEGIN
      PERFORM jwt.verify(t.forge('{"alg":"HS256"}', c.claims, k), k, audience => c.aud, issuer => c.iss,
                         leeway => c.lw, at => '2023-11-14 22:13:20+00');
      RAISE NOTICE '% accepted', c.claims;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE '%: % %', c.claims, SQLSTATE, SQLERRM;
    END;
  END LOOP;
END
$$;

-- try_verify shows the verified claims of a token that failed a claim
-- check (for diagnosis), with valid = false and the reason
SELECT * FROM jwt.try_verify(t.forge('{"alg":"HS256"}', '{"sub":"a","exp":1}', :'k32'), :'k32'::bytea, at => :'at');
SELECT * FROM jwt.try_verify(t.forge('{"alg":"HS256"}', '{"sub":"a","aud":"x"}', :'k32'), :'k32'::bytea, audience => 'api');
SELECT * FROM jwt.try_verify(t.forge('{"alg":"HS256"}', '{"sub":"a","exp":1800000000}', :'k32'), :'k32'::bytea, at => :'at');
-- ... and a bad argument still raises
SELECT * FROM jwt.try_verify(t.forge('{"alg":"HS256"}', '{}', :'k32'), :'k32'::bytea, leeway => '-1 s');

-- the default check time is the transaction start (now()): exp = now() is
-- expired, exp = now() + 1 s and nbf = now() are valid, within one transaction
-- (the detail holds the clock time, so only the message is shown)
BEGIN;
SELECT split_part(t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
         t.forge('{"alg":"HS256"}', format('{"exp":%s}', extract(epoch FROM now())), :'k32'), :'k32')), ' |', 1) AS exp_now,
       t.outcome(format('SELECT jwt.verify(%L, %L::bytea) IS NOT NULL',
         t.forge('{"alg":"HS256"}', format('{"exp":%s}', extract(epoch FROM now()) + 1), :'k32'), :'k32')) AS exp_now_plus_1,
       t.outcome(format('SELECT jwt.verify(%L, %L::bytea) IS NOT NULL',
         t.forge('{"alg":"HS256"}', format('{"nbf":%s}', extract(epoch FROM now())), :'k32'), :'k32')) AS nbf_now,
       split_part(t.outcome(format('SELECT jwt.verify(%L, %L::bytea) IS NOT NULL',
         t.forge('{"alg":"HS256"}', format('{"nbf":%s}', extract(epoch FROM now()) + 0.001), :'k32'), :'k32')), ' |', 1) AS nbf_now_plus_1ms;
COMMIT;
