--
-- jsonb_build: the jsonb that verify, try_verify, decode, decrypt and
-- authenticate return is written straight from the core's parse tree in
-- PostgreSQL's binary format (src/pg/jsonb_conv.c), not through jsonb_in
-- or pushJsonbValue.  It must be byte for byte what both of those make of
-- the same text: equal bytes, not merely equal values, since jsonb is
-- stored, hashed and compared in that form.
--
-- token_ext_test_jsonb_build(text) is test support in the library (not in
-- the extension's SQL): it reads the text with the core's strict reader and
-- builds the jsonb three ways, returning 'same', what differs, or why the
-- reader refused the text.
--
CREATE FUNCTION pg_temp.jsonb_build_check(text) RETURNS text
  AS '$libdir/token_ext', 'token_ext_test_jsonb_build' LANGUAGE C STRICT;

-- every scalar and container shape, key order (by length, then bytes),
-- escapes, non-ASCII, numbers of every form, and the reader's refusals
SELECT j AS json, pg_temp.jsonb_build_check(j) AS result
  FROM (VALUES ('{}'), ('[]'), ('{"a":1}'), ('[1,"a",true,false,null]'), ('"top-level string"'),
               ('0'), ('-0'), ('true'), ('null'), ('1.50'), ('-1.5e-3'), ('1E+10'), ('1e400'),
               ('123456789012345678'), ('-12345678901234567'), ('1234567890123456789'),
               ('99999999999999999999999999999999999.000'),
               ('{"sub":"alice","exp":1733262000,"iat":1700000000,"aud":["api","web"],"admin":false,"n":null}'),
               ('{"bb":1,"a":2,"ccc":3,"b":4,"":5,"aa":6}'),
               ('{"\u00e9":1,"z":2,"é":3}'),
               ('{"k":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00"}'),
               ('{"deep":{"a":[{"b":[[],{}]},{"c":{"d":[1,[2,[3]]]}}]}}'),
               (' { "spaced" : [ 1 , 2 ] } '),
               ('{"a":1,"a":2}'), ('{"a":"\u0000"}'), ('[1e999999]'), ('{"a":1'))
       AS v(j);

-- every integer from -100000 to 100000 (the integer fast path writes numeric's
-- bytes itself), and powers of ten and their neighbours up to 10^18
SELECT count(*) FILTER (WHERE r <> 'same') AS differing, count(*) AS checked
  FROM (SELECT pg_temp.jsonb_build_check(i::text) AS r FROM generate_series(-100000, 100000) i) s;
SELECT count(*) FILTER (WHERE r <> 'same') AS differing, count(*) AS checked
  FROM (SELECT pg_temp.jsonb_build_check(format('[%s,%s,%s,%s,%s,%s]', p, p - 1, p + 1, -p, -p + 1, p * 7)) AS r
          FROM (SELECT (10::numeric ^ e)::numeric(40, 0) AS p FROM generate_series(0, 17) e) x) s;

-- objects of 0 to 70 members: jsonb stores every 32nd entry as an offset
SELECT count(*) FILTER (WHERE r <> 'same') AS differing, count(*) AS checked
  FROM (SELECT pg_temp.jsonb_build_check(
                 '{' || coalesce(string_agg(format('"k%s":%s', m, CASE m % 4 WHEN 0 THEN m::text
                                                     WHEN 1 THEN '"v' || repeat('x', m) || '"'
                                                     WHEN 2 THEN '[' || m || ',{"x":' || m || '}]'
                                                     ELSE 'true' END), ','), '') || '}') AS r
          FROM generate_series(0, 70) n, LATERAL generate_series(1, n) m GROUP BY n) s;

-- random documents: nested objects and arrays, escapes, non-ASCII, numbers of every form
CREATE FUNCTION pg_temp.random_string() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT '"' || coalesce(string_agg((ARRAY['alice', 'Ada Lovelace', 'x', '\n', '\"', '\\', '\/',
                                           '\u00e9', '\ud83d\ude00', '\u0001', 'é', '€', '😀',
                                           'a long value of more than eight bytes', '\t',
                                           '\u20AC', 'ü'])[1 + floor(random() * 17)::int], ''), '')
         || '"'
    FROM generate_series(1, floor(random() * 5)::int) $$;
CREATE FUNCTION pg_temp.random_number() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT CASE floor(random() * 6)::int
           WHEN 0 THEN floor(random() * 2000000000)::bigint::text
           WHEN 1 THEN (-floor(random() * 1e17))::bigint::text
           WHEN 2 THEN round((random() * 1000)::numeric, 3)::text
           WHEN 3 THEN round((random() * 10)::numeric, 2)::text || 'e' || (floor(random() * 60) - 30)::int
           WHEN 4 THEN repeat('9', 1 + floor(random() * 40)::int)
           ELSE '0' END $$;
CREATE FUNCTION pg_temp.random_json(depth integer) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  r double precision := random();
  parts text[] := '{}';
BEGIN
  IF depth > 3 AND r < 0.3 THEN
    r := 0.3 + random() * 0.7;
  END IF;
  IF r < 0.2 THEN
    FOR k IN 1 .. floor(random() * 8)::int LOOP
      -- an index in most names, so that few objects repeat one
      parts := parts || (CASE WHEN random() < 0.8 THEN '"n' || k || '_' ELSE '"' END
                         || substr(pg_temp.random_string(), 2) || ':' || pg_temp.random_json(depth + 1));
    END LOOP;
    RETURN '{' || array_to_string(parts, ',') || '}';
  ELSIF r < 0.3 THEN
    FOR k IN 1 .. floor(random() * 6)::int LOOP
      parts := parts || pg_temp.random_json(depth + 1);
    END LOOP;
    RETURN '[' || array_to_string(parts, ', ') || ']';
  ELSIF r < 0.6 THEN
    RETURN pg_temp.random_string();
  ELSIF r < 0.9 THEN
    RETURN pg_temp.random_number();
  END IF;
  RETURN (ARRAY['true', 'false', 'null'])[1 + floor(random() * 3)::int];
END $$;
SELECT setseed(0.25);
CREATE TEMP TABLE random_docs AS
  SELECT i, pg_temp.random_json(0) AS j FROM generate_series(1, 4000) i;
SELECT count(*) FILTER (WHERE r = 'same') > 3000 AS mostly_checked,
       count(*) FILTER (WHERE r <> 'same'
                          AND r <> 'refused: The payload is not valid JSON: duplicate member name.')
         AS differing
  FROM (SELECT pg_temp.jsonb_build_check(j) AS r FROM random_docs) s;

-- and what verify returns is what jsonb_in makes of the payload, for the same random documents as claims
SELECT count(*) AS differing
  FROM random_docs
 WHERE j LIKE '{%' AND pg_temp.jsonb_build_check(j) = 'same'
   AND jwt.verify(jwt.sign(j::jsonb, '0123456789abcdef0123456789abcdef'::bytea),
                  '0123456789abcdef0123456789abcdef'::bytea)::text IS DISTINCT FROM j::jsonb::text;

-- a database whose encoding is not UTF8 takes ASCII text the same way and
-- refuses non-ASCII text (jsonb would hold it converted, the token means UTF-8)
\set regress_db :DBNAME
DROP DATABASE IF EXISTS token_ext_latin1;
CREATE DATABASE token_ext_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c token_ext_latin1
CREATE EXTENSION token_ext;
CREATE FUNCTION pg_temp.jsonb_build_check(text) RETURNS text
  AS '$libdir/token_ext', 'token_ext_test_jsonb_build' LANGUAGE C STRICT;
SELECT j AS json, pg_temp.jsonb_build_check(j) AS result
  FROM (VALUES ('{"sub":"alice","exp":1733262000,"k":["\n",1.5,true]}'), ('{"k":"\u00e9"}'),
               ('{"\u00e9":1}'), ('"\u0041"')) AS v(j);
\c :regress_db
DROP DATABASE token_ext_latin1;
