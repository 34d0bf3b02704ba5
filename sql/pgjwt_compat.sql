--
-- pgjwt_compat: token_ext_pgjwt, the drop-in for pgjwt 0.2.0.
--
-- The six functions must give pgjwt's results byte for byte.  pgjwt is not
-- installed here; instead schema ref holds pgjwt's published algorithm
-- (SQL over pgcrypto: regexp split, translate + encode/decode, convert_to
-- and convert_from, the json type, hmac(), the nbf/exp window as a
-- tstzrange), re-written for this test in PL/pgSQL, and every case runs
-- through both: the same tokens, the same header and payload texts, the
-- same valid, and an error wherever the reference raises.  pgjwt's own
-- published examples (README, test.sql) are reproduced with their
-- published tokens.  Errors print as '<SQLSTATE> <message> | <detail>'
-- (t.outcome, init.sql), so every text is pinned.
--
\set VERBOSITY default

-- 1. install: relocatable, into the schema asked for (never schema jwt)
CREATE SCHEMA pgjwt_compat;
CREATE EXTENSION token_ext_pgjwt SCHEMA pgjwt_compat;
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace AS schema,
       (SELECT array_agg(e.extname ORDER BY e.extname) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
         WHERE d.classid = 'pg_extension'::regclass AND d.objid = x.oid AND d.refclassid = 'pg_extension'::regclass) AS requires
  FROM pg_extension x WHERE extname = 'token_ext_pgjwt';
-- pgjwt 0.2.0's functions, signatures and argument names; labels (verify is
-- STABLE, not IMMUTABLE as in pgjwt: it reads the transaction's start time)
SELECT p.oid::regprocedure AS function, pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result, p.provolatile AS vol, p.proisstrict AS strict,
       p.proparallel AS par, p.prosecdef AS secdef, l.lanname AS language
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'pgjwt_compat'::regnamespace ORDER BY p.proname;
DROP EXTENSION token_ext_pgjwt;
SELECT t.outcome('CREATE EXTENSION token_ext_pgjwt SCHEMA jwt') AS into_schema_jwt;
CREATE EXTENSION token_ext_pgjwt SCHEMA pgjwt_compat;
SET search_path = pgjwt_compat, public;

-- 2. pgjwt's README and test.sql, with their published tokens
SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret');
SELECT * FROM verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ', 'secret');
SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'HS256')
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ' AS hs256_published;
SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'HS384')
     = 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.DtVnCyiYCsCbg8gUP-579IC2GJ7P3CtFw6nfTTPw-0lZUzqgWAo9QIQElyxOpoRm' AS hs384_published;
SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'HS512')
     = 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.YI0rUGDq5XdRw8vW2sDLRNFMN8Waol03iSFH8I4iLzuYK7FKHaQYWzPt0BJFGrAmKJ6SjY0mJIMZqNQJFVpkuw' AS hs512_published;
SELECT alg, secret, header::text, payload::text, valid
  FROM (VALUES
    ('HS256', 'secret', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ'),
    ('HS256', 'badsecret', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ'),
    ('HS384', 'secret', 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.DtVnCyiYCsCbg8gUP-579IC2GJ7P3CtFw6nfTTPw-0lZUzqgWAo9QIQElyxOpoRm'),
    ('HS384', 'badsecret', 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.DtVnCyiYCsCbg8gUP-579IC2GJ7P3CtFw6nfTTPw-0lZUzqgWAo9QIQElyxOpoRm'),
    ('HS512', 'secret', 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.YI0rUGDq5XdRw8vW2sDLRNFMN8Waol03iSFH8I4iLzuYK7FKHaQYWzPt0BJFGrAmKJ6SjY0mJIMZqNQJFVpkuw'),
    ('HS512', 'badsecret', 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.YI0rUGDq5XdRw8vW2sDLRNFMN8Waol03iSFH8I4iLzuYK7FKHaQYWzPt0BJFGrAmKJ6SjY0mJIMZqNQJFVpkuw')
  ) c(alg, secret, token), LATERAL verify(c.token, c.secret, c.alg) v;
-- pgjwt's test.sql expects these to raise: a bogus algorithm, a bogus header, a bogus payload
SELECT t.outcome($$SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'bogus')$$) AS sign_bogus_algorithm;
SELECT t.outcome($$SELECT valid FROM verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ', 'secret', 'bogus')$$) AS verify_bogus_algorithm;
SELECT t.outcome($$SELECT valid FROM verify('eyJhbGciOiJIUzI1NiIBOGUScCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ', 'secret', 'HS256')$$) AS bogus_header;
SELECT t.outcome($$SELECT valid FROM verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaBOGUS9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ', 'secret', 'HS256')$$) AS bogus_payload;

-- 3. the reference: pgjwt's algorithm in PL/pgSQL over pgcrypto (schema ref)
CREATE SCHEMA ref;
-- base64 of bytes, then "+/" as "-_", with "=" and line breaks dropped
CREATE FUNCTION ref.url_encode(data bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN translate(encode(data, 'base64'), E'+/=\n', '-_');
END $$;
-- "-_" as "+/", padded with "=" to a multiple of four characters, then decode()
CREATE FUNCTION ref.url_decode(data text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  s text := translate(data, '-_', '+/');
BEGIN
  IF length(s) % 4 > 0 THEN
    s := s || repeat('=', 4 - length(s) % 4);
  END IF;
  RETURN decode(s, 'base64');
END $$;
-- pgcrypto's hmac() under the hash pgjwt maps the name to ('' for others, which raises)
CREATE FUNCTION ref.algorithm_sign(signables text, secret text, algorithm text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  hash text := CASE WHEN algorithm = 'HS256' THEN 'sha256' WHEN algorithm = 'HS384' THEN 'sha384'
                    WHEN algorithm = 'HS512' THEN 'sha512' ELSE '' END;
BEGIN
  RETURN ref.url_encode(public.hmac(signables, secret, hash));
END $$;
CREATE FUNCTION ref.sign(payload json, secret text, algorithm text DEFAULT 'HS256') RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  signables text := ref.url_encode(convert_to('{"alg":"' || algorithm || '","typ":"JWT"}', 'utf8'))
                    || '.' || ref.url_encode(convert_to(payload::text, 'utf8'));
BEGIN
  RETURN signables || '.' || ref.algorithm_sign(signables, secret, algorithm);
END $$;
CREATE FUNCTION ref.try_cast_double(inp text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN inp::double precision;
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END $$;
CREATE FUNCTION ref.verify(token text, secret text, algorithm text DEFAULT 'HS256')
RETURNS TABLE (header json, payload json, valid boolean) LANGUAGE plpgsql STABLE
AS $$
DECLARE
  r text[] := regexp_split_to_array(token, '\.');
  signature_ok boolean;
BEGIN
  header := convert_from(ref.url_decode(r[1]), 'utf8')::json;
  payload := convert_from(ref.url_decode(r[2]), 'utf8')::json;
  signature_ok := r[3] = ref.algorithm_sign(r[1] || '.' || r[2], secret, algorithm);
  -- one SQL expression: AND stops at a false signature before the window is read
  valid := signature_ok AND tstzrange(to_timestamp(ref.try_cast_double(payload->>'nbf')),
                                      to_timestamp(ref.try_cast_double(payload->>'exp'))) @> CURRENT_TIMESTAMP;
  RETURN NEXT;
END $$;
-- the reference reproduces pgjwt's published values
SELECT ref.sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'HS512')
     = sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret', 'HS512') AS reference_agrees;

-- The outcome of a verify as one line, 'OK <header> | <payload> | <valid>' or
-- the error, with the payload left out when asked (payloads built from now()).
CREATE FUNCTION pg_temp.verified(fn text, token text, secret text, alg text, show_payload boolean DEFAULT true)
RETURNS text LANGUAGE sql
AS $$
  SELECT t.outcome(format($q$SELECT concat_ws(' | ', coalesce(header::text, 'NULL'), %s, coalesce(valid::text, 'NULL'))
                              FROM %s(%L, %L, %L)$q$,
                          CASE WHEN show_payload THEN $q$coalesce(payload::text, 'NULL')$q$ ELSE $q$'...'$q$ END,
                          fn, token, secret, alg))
$$;
-- Both implementations agree: the same result, or both raise.
CREATE FUNCTION pg_temp.agree(a text, b text) RETURNS boolean LANGUAGE sql
AS $$ SELECT a = b OR (a NOT LIKE 'OK %' AND b NOT LIKE 'OK %') $$;

-- 4. sign: the same bytes as pgjwt for every JSON type, whitespace as
--    written, non-ASCII text, secrets short, long, multibyte and over the
--    key cache's 8 KiB, and each algorithm
CREATE TEMP TABLE sign_case AS
SELECT p.payload, s.secret, a.alg
  FROM (VALUES ('{"sub":"1234567890","name":"John Doe","admin":true}'), ('{ "sub" : "ada",' || E'\n' || '  "n": 1.50 }'),
               ('{}'), ('[1, 2, "three"]'), ('"just a string"'), ('42'), ('true'), ('null'),
               ('{"name":"Zoë 🐘","dup":1,"dup":2}'), ('{"esc":"\u00e9\ud83d\ude00"}'), ('{"long":"' || repeat('x', 5000) || '"}')) p(payload),
       (VALUES ('s'), ('secret'), ('a-secret-of-at-least-32-bytes!!!'), ('clé secrète ✓'), (repeat('k', 300)), (repeat('L', 9000))) s(secret),
       (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg);
SELECT count(*) AS cases,
       count(*) FILTER (WHERE sign(payload::json, secret, alg) = ref.sign(payload::json, secret, alg)) AS same_bytes,
       count(*) FILTER (WHERE (SELECT valid FROM verify(sign(payload::json, secret, alg), secret, alg))) AS verify_valid,
       count(*) FILTER (WHERE (SELECT valid FROM ref.verify(sign(payload::json, secret, alg), secret, alg))) AS reference_valid
  FROM sign_case;
-- a payload json ->> cannot read (\u0000) is signed as pgjwt signs it
SELECT sign('{"a":"\u0000"}', 'secret') = ref.sign('{"a":"\u0000"}', 'secret') AS same_bytes_with_u0000;
-- the header and payload bytes: pgjwt's header text, the json text as written, no padding
SELECT convert_from(url_decode(split_part(tok, '.', 1)), 'UTF8') AS header,
       convert_from(url_decode(split_part(tok, '.', 2)), 'UTF8') AS payload,
       tok ~ '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' AS base64url_only
  FROM (SELECT sign(E'{ "a" : 1,\n "b": [ ] }', 'secret', 'HS384') AS tok) x;
-- the default algorithm is HS256; NULL arguments give NULL, as pgjwt's do
SELECT sign('{}', 'secret') = sign('{}', 'secret', 'HS256') AS default_hs256,
       sign(NULL, 'secret') IS NULL AS null_payload, sign('{}', NULL) IS NULL AS null_secret,
       sign('{}', 'secret', NULL) IS NULL AS null_algorithm;
-- refused: algorithms pgjwt does not know, and (unlike pgjwt) an empty secret
SELECT c.alg, t.outcome(format('SELECT sign(''{}'', ''secret'', %L)', c.alg)) AS sign,
       t.outcome(format('SELECT algorithm_sign(''a.b'', ''secret'', %L)', c.alg)) AS algorithm_sign,
       t.outcome(format('SELECT ref.sign(''{}'', ''secret'', %L)', c.alg)) LIKE 'OK %' AS reference_accepts
  FROM (VALUES ('bogus'), ('hs256'), ('HS256 '), ('RS256'), ('none'), ('')) c(alg);
SELECT t.outcome($$SELECT sign('{}', '')$$) AS empty_secret_sign,
       t.outcome($$SELECT algorithm_sign('a.b', '', 'HS256')$$) AS empty_secret_algorithm_sign;
SELECT t.outcome($$SELECT ref.sign('{}', '')$$) LIKE 'OK %' AS pgjwt_accepted_an_empty_secret;
-- a secret never appears in an error
SELECT t.outcome($$SELECT sign('{}', 'a-very-private-secret', 'nope')$$) LIKE '%very-private%' AS secret_in_message;

-- 5. algorithm_sign, url_encode, url_decode, try_cast_double against the reference
SELECT count(*) AS cases,
       count(*) FILTER (WHERE algorithm_sign(signables, secret, alg) = ref.algorithm_sign(signables, secret, alg)) AS same
  FROM (SELECT payload AS signables, secret, alg FROM sign_case) c;
SELECT encode(b, 'hex') AS bytes, url_encode(b) AS url_encode,
       url_encode(b) = ref.url_encode(b) AS same, url_decode(url_encode(b)) = b AS round_trip
  FROM (VALUES (''::bytea), ('\xfb'), ('\xfbff'), ('\xfbffbf'), ('\x00010203'), (decode(repeat('fbff', 40), 'hex'))) v(b);
-- decoding follows PostgreSQL's decode(): padding, "=", "+/" and spaces as it
-- reads them; everything it refuses is refused
SELECT input, t.outcome(format('SELECT encode(url_decode(%L), ''hex'')', input)) AS url_decode,
       pg_temp.agree(t.outcome(format('SELECT encode(url_decode(%L), ''hex'')', input)),
                     t.outcome(format('SELECT encode(ref.url_decode(%L), ''hex'')', input))) AS agrees
  FROM (VALUES (''), ('QQ'), ('QUI'), ('QUJD'), ('QQ=='), ('QUI='), ('QQ='), ('Q'), ('Q==='), ('QQ=Q'),
               ('QQ==QUJD'), ('QUJ' || E'\n' || 'D'), (' QUJD '), (' Q Q '), ('QQ' || E'\t'), ('-_-_'), ('+/+/'),
               ('QR'), ('QUJ'), ('QU.D'), ('QU!D'), ('QUé'), ('=QQQ'), ('Q=QQ'), ('QQQ=QQQ=')) v(input);
SELECT input, try_cast_double(input) AS value,
       try_cast_double(input) IS NOT DISTINCT FROM ref.try_cast_double(input) AS agrees
  FROM (VALUES ('1'), (' 1.5e3 '), ('-0'), ('1700000000.25'), ('abc'), (''), ('NaN'), ('inf'), ('-Infinity'),
               ('1e400'), ('1e-400'), ('0x10'), ('1_000'), ('12abc'), (E'\t7\n')) v(input);

-- 6. verify, table-driven, against the reference: valid, tampered, expired,
--    not yet valid, wrong algorithm, wrong secret, malformed; the nbf/exp
--    rules (numbers or strings that cast, fractional epochs, duplicates: the
--    last one, other types ignored, NaN and out-of-range values raise);
--    parts, NULLs and padding as pgjwt's split and decode read them.
--    Tokens with fixed claims show their payload; those built from now()
--    (within this one transaction) show only header and valid.
BEGIN;
CREATE TEMP TABLE vcase (pos serial, name text, token text, secret text DEFAULT 'secret',
                         alg text DEFAULT 'HS256', show_payload boolean DEFAULT true,
                         deliberate text);  -- why token_ext differs from pgjwt here
CREATE FUNCTION pg_temp.now_plus(seconds numeric) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT (extract(epoch FROM now()) + seconds)::text $$;
-- a token of the reference over exact header and payload texts (pgjwt's sign takes json text)
CREATE FUNCTION pg_temp.tok(payload text, secret text DEFAULT 'secret', alg text DEFAULT 'HS256') RETURNS text
LANGUAGE sql STABLE AS $$ SELECT ref.sign(payload::json, secret, alg) $$;
CREATE FUNCTION pg_temp.raw_tok(header text, payload text, secret text DEFAULT 'secret') RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT s || '.' || ref.algorithm_sign(s, secret, 'HS256')
    FROM (SELECT t.b64url(header) || '.' || t.b64url(payload) AS s) x $$;
INSERT INTO vcase (name, token, secret, alg) VALUES
  ('valid HS256', pg_temp.tok('{"sub":"ada"}'), 'secret', 'HS256'),
  ('valid HS384', pg_temp.tok('{"sub":"ada"}', 'secret', 'HS384'), 'secret', 'HS384'),
  ('valid HS512', pg_temp.tok('{"sub":"ada"}', 'secret', 'HS512'), 'secret', 'HS512'),
  ('wrong secret', pg_temp.tok('{"sub":"ada"}'), 'Secret', 'HS256'),
  ('wrong algorithm (HS384 token, HS256 asked)', pg_temp.tok('{"sub":"ada"}', 'secret', 'HS384'), 'secret', 'HS256'),
  ('wrong algorithm (HS256 token, HS512 asked)', pg_temp.tok('{"sub":"ada"}'), 'secret', 'HS512'),
  ('short secret of one byte', pg_temp.tok('{"sub":"ada"}', 's'), 's', 'HS256'),
  ('secret over 8 KiB', pg_temp.tok('{"sub":"ada"}', repeat('L', 9000)), repeat('L', 9000), 'HS256'),
  ('bogus algorithm', pg_temp.tok('{"sub":"ada"}'), 'secret', 'bogus'),
  ('algorithm none', pg_temp.tok('{"sub":"ada"}'), 'secret', 'none'),
  ('NULL algorithm', pg_temp.tok('{"sub":"ada"}'), 'secret', NULL),
  ('NULL secret', pg_temp.tok('{"sub":"ada"}'), NULL, 'HS256'),
  ('NULL secret, expired', pg_temp.tok('{"exp":1}'), NULL, 'HS256'),
  ('NULL secret, bogus algorithm', pg_temp.tok('{"sub":"ada"}'), NULL, 'bogus'),
  ('NULL token', NULL, 'secret', 'HS256');
INSERT INTO vcase (name, token, secret, deliberate) VALUES
  ('empty secret', pg_temp.tok('{"sub":"ada"}'), '', 'pgjwt accepts an empty secret');
INSERT INTO vcase (name, token) VALUES
  ('tampered payload', (SELECT split_part(a, '.', 1) || '.' || t.b64url('{"sub":"eve"}') || '.' || split_part(a, '.', 3)
                          FROM pg_temp.tok('{"sub":"ada"}') a)),
  ('tampered signature', (SELECT left(a, -1) || CASE right(a, 1) WHEN 'A' THEN 'B' ELSE 'A' END FROM pg_temp.tok('{"sub":"ada"}') a)),
  ('truncated signature', left(pg_temp.tok('{"sub":"ada"}'), -2)),
  ('signature with padding', pg_temp.tok('{"sub":"ada"}') || '='),
  ('expired (exp 1)', pg_temp.tok('{"sub":"ada","exp":1}')),
  ('exp far ahead', pg_temp.tok('{"exp":4102444800}')),
  ('not yet valid (nbf 2100)', pg_temp.tok('{"nbf":4102444800}')),
  ('nbf in the past, exp ahead', pg_temp.tok('{"nbf":1,"exp":4102444800}')),
  ('exp as a string', pg_temp.tok('{"exp":"1"}')),
  ('exp as a string ahead', pg_temp.tok('{"exp":" 4102444800 "}')),
  ('exp a string that is no number', pg_temp.tok('{"exp":"soon"}')),
  ('exp true', pg_temp.tok('{"exp":true}')),
  ('exp null', pg_temp.tok('{"exp":null}')),
  ('exp an object', pg_temp.tok('{"exp":{"at":1}}')),
  ('exp an array', pg_temp.tok('{"exp":[1]}')),
  ('exp 1e400 (does not cast)', pg_temp.tok('{"exp":1e400}')),
  ('exp NaN', pg_temp.tok('{"exp":"NaN"}')),
  ('exp Infinity', pg_temp.tok('{"exp":"Infinity"}')),
  ('exp -Infinity', pg_temp.tok('{"exp":"-Infinity"}')),
  ('nbf -Infinity', pg_temp.tok('{"nbf":"-Infinity"}')),
  ('nbf Infinity', pg_temp.tok('{"nbf":"Infinity"}')),
  ('exp 1e300 (no timestamp)', pg_temp.tok('{"exp":1e300}')),
  ('exp -1e300 (no timestamp)', pg_temp.tok('{"exp":-1e300}')),
  ('exp hexadecimal 0x10', pg_temp.tok('{"exp":"0x10"}')),
  ('exp escaped digits', pg_temp.tok('{"exp":"\u0034102444800"}')),
  ('nbf later than exp', pg_temp.tok('{"nbf":4102444800,"exp":1}')),
  ('nbf later than exp, bad signature', left(pg_temp.tok('{"nbf":4102444800,"exp":1}'), -1) || '0'),
  ('nbf equal to exp', pg_temp.tok('{"nbf":1000,"exp":1000}')),
  ('duplicate exp, last ahead', pg_temp.tok('{"exp":1,"exp":4102444800}')),
  ('duplicate exp, last past', pg_temp.tok('{"exp":4102444800,"exp":1}')),
  ('nested exp ignored', pg_temp.tok('{"a":{"exp":1},"b":[{"exp":1}]}')),
  ('exp after containers holding brackets in strings', pg_temp.tok('{"a":{"x":"}]{["},"b":["]","}"],"exp":1}')),
  ('exp with spaces around the colon', pg_temp.tok(E'{ "exp" \n:\t1 , "sub" : "x" }')),
  ('exp 4.1e9 and nbf -1e3', pg_temp.tok('{"nbf":-1e3,"exp":4.1e9}')),
  ('exp as the value, not the name', pg_temp.tok('{"a":"exp","b":"nbf","exp2":1,"xexp":1}')),
  ('exp false, nbf a string ahead', pg_temp.tok('{"exp":false,"nbf":"4102444800"}')),
  ('exp an empty string', pg_temp.tok('{"exp":""}')),
  ('exp escaped in the name', pg_temp.tok('{"\u0065xp":1}')),
  ('exp with an escape in another member', pg_temp.tok('{"a":"\n","exp":1}')),
  ('payload an array', pg_temp.tok('[{"exp":1}]')),
  ('payload a string', pg_temp.tok('"exp"')),
  ('payload a number', pg_temp.tok('1')),
  ('payload with \u0000 (->> cannot read it)', pg_temp.tok('{"a":"\u0000"}')),
  ('payload with \u0000, bad signature', left(pg_temp.tok('{"a":"\u0000"}'), -1) || '0'),
  ('payload with a lone surrogate', pg_temp.tok('{"a":"\ud800"}')),
  ('payload with whitespace', pg_temp.tok(E'{ "sub" :\n "ada" }')),
  ('header alg none, still HMACed', pg_temp.raw_tok('{"alg":"none"}', '{"sub":"ada"}')),
  ('header not an object', pg_temp.raw_tok('[]', '{"sub":"ada"}')),
  ('header not JSON', pg_temp.raw_tok('{"alg":', '{"sub":"ada"}')),
  ('payload not JSON', pg_temp.raw_tok('{}', '{"sub":')),
  ('payload not UTF-8', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                           FROM (SELECT t.b64url('{}'::text) || '.' || t.b64url('\x7b2261223a22ff227d'::bytea) AS s) x)),
  ('payload with NUL byte', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                               FROM (SELECT t.b64url('{}'::text) || '.' || t.b64url('\x7b7d00'::bytea) AS s) x)),
  ('header base64 with "!"', 'eyJ!bGciOiJIUzI1NiJ9.e30.x'),
  ('header base64 of one character too many', 'e30xe.e30.x'),
  ('padded header and payload', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                                   FROM (SELECT 'e30=.eyJhIjoxfQ==' AS s) x)),
  ('spaces inside a part', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                              FROM (SELECT 'e30=.e y J h IjoxfQ==' AS s) x)),
  ('spaces that upset the padding', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                                       FROM (SELECT 'e 3 0.eyJh IjoxfQ' AS s) x)),
  ('standard base64 alphabet', (SELECT s || '.' || ref.algorithm_sign(s, 'secret', 'HS256')
                                  FROM (SELECT t.b64url('{}'::text) || '.' || translate(t.b64url('{"a":"~~~"}'::text), '-_', '+/') AS s) x)),
  ('four parts (the fourth ignored)', pg_temp.tok('{"sub":"ada"}') || '.whatever'),
  ('two parts', (SELECT split_part(a, '.', 1) || '.' || split_part(a, '.', 2) FROM pg_temp.tok('{"sub":"ada"}') a)),
  ('two parts, expired', (SELECT split_part(a, '.', 1) || '.' || split_part(a, '.', 2) FROM pg_temp.tok('{"exp":1}') a)),
  ('one part', 'e30'),
  ('empty token', ''),
  ('dots only', '..'),
  ('a JWE (five parts)', 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA.e30.AAAAAAAAAAAAAAAAAAAAAA');
INSERT INTO vcase (name, token, show_payload) VALUES
  ('exp now + 0.5 s (fractional, ahead)', pg_temp.tok('{"exp":' || pg_temp.now_plus(0.5) || '}'), false),
  ('exp now - 0.5 s (fractional, past)', pg_temp.tok('{"exp":' || pg_temp.now_plus(-0.5) || '}'), false),
  ('exp now + 1 microsecond', pg_temp.tok('{"exp":' || pg_temp.now_plus(0.000001) || '}'), false),
  ('exp exactly now (excluded)', pg_temp.tok('{"exp":' || pg_temp.now_plus(0) || '}'), false),
  ('nbf exactly now (included)', pg_temp.tok('{"nbf":' || pg_temp.now_plus(0) || '}'), false),
  ('nbf now + 0.25 s', pg_temp.tok('{"nbf":' || pg_temp.now_plus(0.25) || '}'), false),
  ('nbf now - 0.25 s, exp now + 0.25 s', pg_temp.tok('{"nbf":' || pg_temp.now_plus(-0.25) || ',"exp":' || pg_temp.now_plus(0.25) || '}'), false),
  ('exp now - 60 s (no leeway)', pg_temp.tok('{"exp":' || pg_temp.now_plus(-60) || '}'), false);
SELECT pos, name, pg_temp.verified('verify', token, secret, alg, show_payload) AS outcome,
       CASE WHEN pg_temp.agree(pg_temp.verified('verify', token, secret, alg, show_payload),
                               pg_temp.verified('ref.verify', token, secret, alg, show_payload)) THEN 'same'
            WHEN deliberate IS NOT NULL THEN 'differs: ' || deliberate
            ELSE 'DIFFERS' END AS vs_pgjwt
  FROM vcase ORDER BY pos;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE pg_temp.agree(pg_temp.verified('verify', token, secret, alg, true),
                                            pg_temp.verified('ref.verify', token, secret, alg, true))) AS same,
       count(*) FILTER (WHERE deliberate IS NOT NULL) AS differ_on_purpose
  FROM vcase;
COMMIT;

-- 7. limits and labels token_ext adds
-- a token longer than token_ext.max_token_size is refused before any work
SELECT t.outcome(format('SELECT valid FROM verify(%L, ''secret'')', repeat('a', 70000))) AS oversized_token;
-- the window is read at the transaction's start time: one answer per transaction
BEGIN;
SELECT valid FROM verify(sign(('{"exp":' || pg_temp.now_plus(0.2) || '}')::json, 'secret'), 'secret') AS before_sleep;
SELECT pg_sleep(0.3);
SELECT valid FROM verify(sign(('{"exp":' || pg_temp.now_plus(0.2) || '}')::json, 'secret'), 'secret') AS after_sleep_same_transaction;
COMMIT;
-- verify is STABLE: a prepared statement re-reads the time in each transaction
PREPARE v(text) AS SELECT valid FROM verify($1, 'secret');
SELECT sign(('{"exp":' || (extract(epoch FROM clock_timestamp()) + 1.5)::text || '}')::json, 'secret') AS short_lived \gset
EXECUTE v(:'short_lived');
SELECT pg_sleep(1.6);
EXECUTE v(:'short_lived');
DEALLOCATE v;
-- used in FROM, in the select list, and LATERAL over a table
SELECT (verify(sign('{"a":1}', 'secret'), 'secret')).valid AS in_select_list;
SELECT count(*) FILTER (WHERE v.valid) AS valid_rows
  FROM generate_series(1, 50) i, LATERAL verify(sign(json_build_object('i', i), 'k' || i), 'k' || (i % 25)) v;

-- 8. relocation: ALTER EXTENSION ... SET SCHEMA moves it and it keeps working
CREATE SCHEMA extensions;
ALTER EXTENSION token_ext_pgjwt SET SCHEMA extensions;
SELECT p.proname, p.pronamespace::regnamespace AS schema FROM pg_proc p
 WHERE p.oid IN (SELECT objid FROM pg_depend WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'token_ext_pgjwt')
                   AND classid = 'pg_proc'::regclass) ORDER BY 1;
SELECT extensions.sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret')
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWV9.TJVA95OrM7E2cBab30RMHrHDcEfxjoYZgeFONFh7HgQ' AS moved_sign,
       (SELECT valid FROM extensions.verify(extensions.sign('{}', 'secret'), 'secret')) AS moved_verify;
-- token_ext cannot be dropped from under it
SELECT t.outcome('DROP EXTENSION token_ext') AS drop_token_ext;
RESET search_path;
DROP EXTENSION token_ext_pgjwt;
DROP SCHEMA extensions, pgjwt_compat;
DROP FUNCTION ref.verify(text, text, text), ref.try_cast_double(text), ref.sign(json, text, text),
              ref.algorithm_sign(text, text, text), ref.url_decode(text), ref.url_encode(bytea);
DROP SCHEMA ref;
