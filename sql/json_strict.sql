--
-- json_strict: the header and the claims must be strict RFC 8259 JSON.
--
-- A JWS protects bytes, but applications act on what the bytes parse to.
-- Duplicate names (first-wins here, last-wins in jsonb), NUL bytes, lone
-- surrogates, invalid UTF-8 and lenient syntax let one token mean two
-- things (security.md section 8 B.19 to B.31, P.194 to P.197).  Every token
-- here carries a valid HMAC made by pgcrypto, so only the JSON is at fault.
--
-- Order of checks (jws.c): the header is parsed and checked before the
-- MAC; the payload is parsed only after the MAC verified.
--
\set k32 '0123456789abcdef0123456789abcdef'

-- a header or payload case, as text; verified with the HS256 key
CREATE TEMP TABLE json_cases (n serial, name text, header text, payload text);
CREATE FUNCTION pg_temp.run_cases() RETURNS TABLE (name text, outcome text) LANGUAGE sql AS $$
  SELECT name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                                t.forge(header, payload, '0123456789abcdef0123456789abcdef'),
                                '0123456789abcdef0123456789abcdef'))
    FROM json_cases ORDER BY n $$;

-- duplicate member names (B.21 to B.23), compared after decoding escapes
INSERT INTO json_cases (name, header, payload) VALUES
  ('B.21 duplicate "alg" in the header',       '{"alg":"HS256","alg":"HS256"}',            '{"sub":"alice"}'),
  ('B.21 duplicate "alg", second is none',     '{"alg":"HS256","alg":"none"}',             '{"sub":"alice"}'),
  ('B.23 duplicate through \u escape',         '{"alg":"HS256","\u0061lg":"none"}',        '{"sub":"alice"}'),
  ('B.23 duplicate "kid" escaped in the value', '{"alg":"HS256","kid":"a","ki\u0064":"a"}', '{"sub":"alice"}'),
  ('duplicate name in a nested header object', '{"alg":"HS256","x":{"a":1,"a":2}}',        '{"sub":"alice"}'),
  ('B.22 duplicate claim "sub"',               '{"alg":"HS256"}', '{"sub":"alice","sub":"admin"}'),
  ('B.22 duplicate claim via \u escape',       '{"alg":"HS256"}', '{"sub":"alice","\u0073ub":"admin"}'),
  ('duplicate in a nested claim object',       '{"alg":"HS256"}', '{"sub":"alice","x":{"r":1,"r":2}}'),
  ('duplicate among 20 claims (sorted check)', '{"alg":"HS256"}',
     '{' || (SELECT string_agg(format('"c%s":%s', i, i), ',') FROM generate_series(1, 19) i) || ',"c7":0}'),
  ('20 distinct claims (control)',             '{"alg":"HS256"}',
     '{' || (SELECT string_agg(format('"c%s":%s', i, i), ',') FROM generate_series(1, 20) i) || '}'),
  ('B.24 names are case-sensitive: "ALG" is another member', '{"alg":"HS256","ALG":"none"}', '{"sub":"alice"}');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- \u0000 and surrogates (B.26, B.27, P.194)
INSERT INTO json_cases (name, header, payload) VALUES
  ('B.27 "alg":"HS256\u0000"',         '{"alg":"HS256\u0000"}',           '{"sub":"alice"}'),
  ('B.27 "kid":"k1\u0000x"',           '{"alg":"HS256","kid":"k1\u0000x"}', '{"sub":"alice"}'),
  ('P.194 "sub":"admin\u0000evil"',    '{"alg":"HS256"}',                 '{"sub":"admin\u0000evil"}'),
  ('\u0000 in a claim name',           '{"alg":"HS256"}',                 '{"a\u0000b":1}'),
  ('B.26 lone high surrogate',         '{"alg":"HS256","x":"\ud800"}',    '{"sub":"alice"}'),
  ('B.26 lone low surrogate',          '{"alg":"HS256","x":"\udc00"}',    '{"sub":"alice"}'),
  ('high surrogate then a non-surrogate', '{"alg":"HS256","x":"\ud800\u0041"}', '{"sub":"alice"}'),
  ('two high surrogates',              '{"alg":"HS256","x":"\ud800\ud800"}', '{"sub":"alice"}'),
  ('B.26 lone surrogate in a claim',   '{"alg":"HS256"}',                 '{"sub":"\udfff"}'),
  ('surrogate pair U+1F600 (accepted)', '{"alg":"HS256"}',                '{"sub":"\ud83d\ude00"}'),
  ('escapes \" \\ \/ \b \f \n \r \t \u00e9 (accepted)', '{"alg":"HS256"}', '{"sub":"\"\\\/\b\f\n\r\t\u00e9"}'),
  ('raw UTF-8 é and € (accepted)',     '{"alg":"HS256"}',                 '{"sub":"é€"}'),
  ('invalid escape \x41',              '{"alg":"HS256"}',                 '{"sub":"\x41"}'),
  ('short \u escape',                  '{"alg":"HS256"}',                 '{"sub":"\u41"}'),
  ('raw TAB inside a string',          '{"alg":"HS256"}',                 E'{"sub":"a\tb"}'),
  ('raw LF inside a string',           '{"alg":"HS256"}',                 E'{"sub":"a\nb"}');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- B.25 syntax that is not JSON, and trailing garbage (B.20)
INSERT INTO json_cases (name, header, payload) VALUES
  ('NaN',                              '{"alg":"HS256"}', '{"n":NaN}'),
  ('Infinity',                         '{"alg":"HS256"}', '{"n":Infinity}'),
  ('-Infinity',                        '{"alg":"HS256"}', '{"n":-Infinity}'),
  ('leading zero 01',                  '{"alg":"HS256"}', '{"n":01}'),
  ('plus sign +1',                     '{"alg":"HS256"}', '{"n":+1}'),
  ('.5',                               '{"alg":"HS256"}', '{"n":.5}'),
  ('1.',                               '{"alg":"HS256"}', '{"n":1.}'),
  ('1e',                               '{"alg":"HS256"}', '{"n":1e}'),
  ('hex 0x10',                         '{"alg":"HS256"}', '{"n":0x10}'),
  ('-0, 1E5, 1e-5, 2.50 (accepted)',   '{"alg":"HS256"}', '{"a":-0,"b":1E5,"c":1e-5,"d":2.50}'),
  ('trailing comma in an object',      '{"alg":"HS256"}', '{"sub":"alice",}'),
  ('trailing comma in an array',       '{"alg":"HS256"}', '{"a":[1,2,]}'),
  ('trailing comma in the header',     '{"alg":"HS256",}', '{"sub":"alice"}'),
  ('single-quoted string',             '{"alg":"HS256"}', '{"sub":''alice''}'),
  ('single-quoted header name',        '{''alg'':"HS256"}', '{"sub":"alice"}'),
  ('unquoted name',                    '{"alg":"HS256"}', '{sub:"alice"}'),
  ('comment',                          '{"alg":"HS256"}', '{"sub":"alice" /* c */}'),
  ('True instead of true',             '{"alg":"HS256"}', '{"x":True}'),
  ('missing value',                    '{"alg":"HS256"}', '{"x":}'),
  ('unterminated string',              '{"alg":"HS256"}', '{"sub":"alice}'),
  ('unterminated object',              '{"alg":"HS256"}', '{"sub":"alice"'),
  ('B.20 header then "x"',             '{"alg":"HS256"}x', '{"sub":"alice"}'),
  ('B.20 header then a second object', '{"alg":"HS256"}{"alg":"none"}', '{"sub":"alice"}'),
  ('claims then a second object',      '{"alg":"HS256"}', '{"sub":"alice"}{"sub":"admin"}'),
  ('claims then garbage',              '{"alg":"HS256"}', '{"sub":"alice"};'),
  ('JSON whitespace around and inside (accepted)', E' \t{ "alg" : "HS256" }\r\n', E'\n{ "sub" :\t"alice" } ');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- header or payload that is not a JSON object (B.19, P.195, P.201)
INSERT INTO json_cases (name, header, payload) VALUES
  ('header null',                      'null',   '{"sub":"alice"}'),
  ('header []',                        '[]',     '{"sub":"alice"}'),
  ('header ["HS256"]',                 '["HS256"]', '{"sub":"alice"}'),
  ('header "x"',                       '"x"',    '{"sub":"alice"}'),
  ('header 123',                       '123',    '{"sub":"alice"}'),
  ('header true',                      'true',   '{"sub":"alice"}'),
  ('header empty',                     '',       '{"sub":"alice"}'),
  ('header only whitespace',           ' ',      '{"sub":"alice"}'),
  ('payload []',                       '{"alg":"HS256"}', '[]'),
  ('payload "x"',                      '{"alg":"HS256"}', '"x"'),
  ('payload 1',                        '{"alg":"HS256"}', '1'),
  ('payload null',                     '{"alg":"HS256"}', 'null'),
  ('payload empty',                    '{"alg":"HS256"}', ''),
  ('payload hello (not JSON)',         '{"alg":"HS256"}', 'hello'),
  ('payload {} (accepted)',            '{"alg":"HS256"}', '{}');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- "alg" missing or not a string (B.30, B.31), and the other typed members
INSERT INTO json_cases (name, header, payload) VALUES
  ('B.30 no alg',                      '{}',                        '{"sub":"alice"}'),
  ('B.30 no alg, typ only',            '{"typ":"JWT"}',             '{"sub":"alice"}'),
  ('B.31 "alg":5',                     '{"alg":5}',                 '{"sub":"alice"}'),
  ('B.31 "alg":null',                  '{"alg":null}',              '{"sub":"alice"}'),
  ('B.31 "alg":["HS256"]',             '{"alg":["HS256"]}',         '{"sub":"alice"}'),
  ('B.31 "alg":{}',                    '{"alg":{}}',                '{"sub":"alice"}'),
  ('B.31 "alg":true',                  '{"alg":true}',              '{"sub":"alice"}'),
  ('"alg":"" (unknown name)',          '{"alg":""}',                '{"sub":"alice"}'),
  ('"kid":1',                          '{"alg":"HS256","kid":1}',   '{"sub":"alice"}'),
  ('"typ":null',                       '{"alg":"HS256","typ":null}', '{"sub":"alice"}'),
  ('"cty":["JWT"]',                    '{"alg":"HS256","cty":["JWT"]}', '{"sub":"alice"}'),
  ('unknown members of any type (accepted)', '{"alg":"HS256","x":[1,{"y":null}],"z":false}', '{"sub":"alice"}');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- crit (H.96 to H.102) and the b64/zip members (H.104, B.36): token_ext
-- implements no JWS extension, so every critical parameter is unsupported
-- (0A000) once the crit member itself is well formed (22P02 otherwise)
INSERT INTO json_cases (name, header, payload) VALUES
  ('H.96 crit ["urn:x:unknown"] present',   '{"alg":"HS256","crit":["urn:x:unknown"],"urn:x:unknown":1}', '{"sub":"alice"}'),
  ('H.96 crit ["exp"] with exp in header',  '{"alg":"HS256","crit":["exp"],"exp":1}', '{"sub":"alice"}'),
  ('H.99 crit ["alg"] (registered name)',   '{"alg":"HS256","crit":["alg"]}',   '{"sub":"alice"}'),
  ('H.103 crit ["b64"] with b64 false',     '{"alg":"HS256","b64":false,"crit":["b64"]}', '{"sub":"alice"}'),
  ('H.102 crit ["b64","b64"]',              '{"alg":"HS256","b64":true,"crit":["b64","b64"]}', '{"sub":"alice"}'),
  ('crit naming an absent member',          '{"alg":"HS256","crit":["exp"]}',   '{"sub":"alice"}'),
  ('H.100 crit ["b64"] without b64',        '{"alg":"HS256","crit":["b64"]}',   '{"sub":"alice"}'),
  ('H.97 crit []',                          '{"alg":"HS256","crit":[]}',        '{"sub":"alice"}'),
  ('H.98 crit "b64"',                       '{"alg":"HS256","b64":true,"crit":"b64"}', '{"sub":"alice"}'),
  ('H.98 crit 1',                           '{"alg":"HS256","crit":1}',         '{"sub":"alice"}'),
  ('H.98 crit null',                        '{"alg":"HS256","crit":null}',      '{"sub":"alice"}'),
  ('H.98 crit [1]',                         '{"alg":"HS256","crit":[1]}',       '{"sub":"alice"}'),
  ('H.98 crit [null]',                      '{"alg":"HS256","crit":[null]}',    '{"sub":"alice"}'),
  ('long critical name (detail shortened)', '{"alg":"HS256","crit":["' || repeat('x', 65) || '"],"' || repeat('x', 65) || '":1}', '{"sub":"alice"}'),
  ('H.104 b64 false without crit',          '{"alg":"HS256","b64":false}',      '{"sub":"alice"}'),
  ('H.106 b64 "false" without crit',        '{"alg":"HS256","b64":"false"}',    '{"sub":"alice"}'),
  ('B.36 zip in a JWS header',              '{"alg":"HS256","zip":"DEF"}',      '{"sub":"alice"}');
SELECT * FROM pg_temp.run_cases();
TRUNCATE json_cases;

-- the SQLSTATE of the crit refusal, raised directly
SELECT jwt.verify(t.forge('{"alg":"HS256","crit":["x"],"x":1}', '{}', :'k32'), :'k32'::bytea);

-- invalid UTF-8 and the BOM (A.13, A.14, P.196), as raw bytes
CREATE TEMP TABLE utf8_cases (n serial, name text, header bytea, payload bytea);
INSERT INTO utf8_cases (name, header, payload) VALUES
  ('A.13 C3 28 in the header',             convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xc328'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('A.13 overlong C0 AF in the header',    convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xc0af'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('A.13 overlong E0 80 AF',               convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xe080af'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('A.13 encoded surrogate ED A0 80',      convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xeda080'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('A.13 5-byte form F8 88 80 80 80',      convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xf888808080'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('above U+10FFFF: F4 90 80 80',          convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xf4908080'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('truncated sequence E2 82',             convert_to('{"alg":"HS256","x":"', 'UTF8') || '\xe282'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('lone continuation byte 80',            convert_to('{"alg":"HS256","x":"', 'UTF8') || '\x80'::bytea || convert_to('"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('Latin-1 E9 in a claim',                convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{"sub":"caf', 'UTF8') || '\xe9'::bytea || convert_to('"}', 'UTF8')),
  ('invalid UTF-8 in a claim name',        convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{"', 'UTF8') || '\xff'::bytea || convert_to('":1}', 'UTF8')),
  ('A.14 BOM before the header',           '\xefbbbf'::bytea || convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{}', 'UTF8')),
  ('BOM before the claims',                convert_to('{"alg":"HS256"}', 'UTF8'), '\xefbbbf'::bytea || convert_to('{}', 'UTF8')),
  ('B.20 NUL byte after the header',       convert_to('{"alg":"HS256"}', 'UTF8') || '\x00'::bytea, convert_to('{}', 'UTF8')),
  ('NUL byte after the claims',            convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{}', 'UTF8') || '\x00'::bytea),
  ('raw NUL inside a claim string',        convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{"sub":"a', 'UTF8') || '\x00'::bytea || convert_to('b"}', 'UTF8')),
  ('4-byte UTF-8 F0 9F 98 80 (accepted)',  convert_to('{"alg":"HS256"}', 'UTF8'), convert_to('{"sub":"', 'UTF8') || '\xf09f9880'::bytea || convert_to('"}', 'UTF8'));
SELECT name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', t.forge_bytes(header, payload, :'k32'), :'k32')) AS outcome
  FROM utf8_cases ORDER BY n;

-- the payload is parsed only after the MAC: a bad MAC over bad JSON is a
-- signature failure, never a JSON error (no parsing of unauthenticated claims)
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                        t.forge('{"alg":"HS256"}', '{"sub":"alice","sub":"admin"}', 'another key of 32 bytes ........'),
                        :'k32')) AS bad_mac_bad_claims;

-- nesting depth (B.28, P.197): token_ext.max_json_depth (default 32) counts
-- the top-level object as level 1
SHOW token_ext.max_json_depth;
CREATE FUNCTION pg_temp.nested(levels int) RETURNS text LANGUAGE sql AS $$
  SELECT '{"alg":"HS256","x":' || repeat('[', levels) || repeat(']', levels) || '}' $$;
SELECT d AS arrays_in_header, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                                t.forge(pg_temp.nested(d), '{}', :'k32'), :'k32')) AS outcome
  FROM (VALUES (31), (32), (10000)) v(d);
SELECT d AS arrays_in_claims, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                                t.forge('{"alg":"HS256"}', '{"x":' || repeat('[', d) || repeat(']', d) || '}', :'k32'),
                                :'k32')) AS outcome
  FROM (VALUES (31), (32), (10000)) v(d);
-- the setting is honoured: depth 3 allowed, 4 refused
SET token_ext.max_json_depth = 3;
SELECT d AS depth_of_claims, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                                t.forge('{"alg":"HS256"}', repeat('{"b":', d - 1) || '{}' || repeat('}', d - 1), :'k32'),
                                :'k32')) AS outcome
  FROM (VALUES (2), (3), (4)) v(d);
-- it applies to the header too
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                        t.forge('{"alg":"HS256","x":[[[]]]}', '{}', :'k32'), :'k32')) AS header_depth_4;
-- and to what jwt.sign is given as an extra header
SELECT t.outcome(format('SELECT jwt.sign(%L, %L::bytea, NULL, %L)', '{}', :'k32', '{"x":[[[]]]}')) AS sign_header_depth_4;
RESET token_ext.max_json_depth;
-- its bounds
SET token_ext.max_json_depth = 0;
SET token_ext.max_json_depth = 1001;

-- the number of values is bounded too (10000 per document: the object, the
-- name "a", the array and n - 3 zeros make n values)
SELECT n AS values_in_claims, t.outcome(format('SELECT jwt.verify(%L, %L::bytea) IS NOT NULL', t.forge('{"alg":"HS256"}',
          '{"a":[' || repeat('0,', n - 4) || '0]}', :'k32'), :'k32')) AS outcome
  FROM (VALUES (10000), (10001)) v(n);

-- numbers: huge exponents stay exact in jsonb (numeric); beyond numeric's
-- range they are refused cleanly (P.198)
SELECT t.outcome(format('SELECT c->''big'' = ''1e400''::jsonb AND c->''long'' = %L::jsonb FROM jwt.verify(%L, %L::bytea) c',
                        repeat('9', 40), t.forge('{"alg":"HS256"}', '{"big":1e400,"long":' || repeat('9', 40) || '}', :'k32'), :'k32')) AS big_numbers_exact;
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                        t.forge('{"alg":"HS256"}', '{"huge":1e200000}', :'k32'), :'k32')) AS beyond_numeric;
