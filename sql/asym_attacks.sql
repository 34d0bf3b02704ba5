--
-- asym_attacks: attacks on asymmetric verification, each case named after
-- the attack and its item in security.md section 8 (C: algorithm confusion
-- and key binding; I: embedded keys, key URLs and kid; O: JWKS).  Forged
-- HS256 tokens are MACed with pgcrypto's hmac(), never with token_ext, so a
-- forgery is exactly the bytes an attacker would send.  Every attack must be
-- refused with the pinned SQLSTATE, message and detail.
--
-- Self-contained but for sql/fixtures/asym_keys.sql, which it includes: the
-- fixed test keys (made once with openssl and converted to JWK with Python's
-- cryptography package, so every expected value here was computed outside
-- token_ext) and the session-local (pg_temp) helpers.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS token_ext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
RESET client_min_messages;
-- the fixed test keys (table k, read with pg_temp.k(name)) and the helpers the
-- asymmetric-key suites share: sql/fixtures/asym_keys.sql
\ir sql/fixtures/asym_keys.sql

-- an HS256/384/512 token over the exact header and payload texts, MACed with key (pgcrypto)
CREATE FUNCTION pg_temp.forge(header text, payload text, key bytea, hash text DEFAULT 'sha256')
RETURNS text LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT s || '.' || pg_temp.b64(hmac(convert_to(s, 'UTF8'), key, hash))
        FROM (SELECT pg_temp.b64(convert_to(header, 'UTF8')) || '.' || pg_temp.b64(convert_to(payload, 'UTF8')) AS s) x $$;
-- the DER bytes of a PEM block
CREATE FUNCTION pg_temp.der(pem text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT decode(replace(regexp_replace(pem, '-----[A-Z ]+-----', '', 'g'), E'\n', ''), 'base64') $$;
\set secret '0123456789abcdef0123456789abcdef'
\set secret_k 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY'
-- the pgcrypto forgery helper agrees with token_ext on an honest HS256 token
SELECT jwt.verify(pg_temp.forge('{"alg":"HS256"}', '{"sub":"control"}', :'secret'), :'secret') AS forge_control;

-- 1. C.41-C.43 algorithm confusion (CVE-2015-9235, CVE-2016-10555): the
--    attacker MACs an HS256 token with the verifier's PUBLIC key material as
--    the secret.  token_ext never uses an RSA or EC key as an HMAC secret:
--    with the key's default algorithm, with HS256 explicitly allowed, and
--    with both allowed.
CREATE TEMP TABLE confusion AS
SELECT c.item, c.verifier_key,
       pg_temp.forge('{"alg":"HS256","typ":"JWT"}', '{"sub":"admin","admin":true}', c.secret) AS forged
  FROM (VALUES
    ('C.41 RSA SPKI PEM text as the secret',                 pg_temp.k('rsa_spki'), convert_to(pg_temp.k('rsa_spki'), 'UTF8')),
    ('C.41 RSA SPKI PEM without its trailing newline',       pg_temp.k('rsa_spki'), convert_to(rtrim(pg_temp.k('rsa_spki'), E'\n'), 'UTF8')),
    ('C.41 RSA SPKI PEM with CRLF line ends',                pg_temp.k('rsa_spki'), convert_to(replace(pg_temp.k('rsa_spki'), E'\n', E'\r\n'), 'UTF8')),
    ('C.41 RSA PKCS#1 PEM text as the secret',               pg_temp.k('rsa_pkcs1pub'), convert_to(pg_temp.k('rsa_pkcs1pub'), 'UTF8')),
    ('C.42 RSA public JWK JSON text as the secret',          pg_temp.k('rsa_jwk'), convert_to(pg_temp.k('rsa_jwk'), 'UTF8')),
    ('C.42 RSA DER SPKI bytes as the secret',                pg_temp.k('rsa_spki'), pg_temp.der(pg_temp.k('rsa_spki'))),
    ('C.42 RSA raw modulus bytes as the secret',             pg_temp.k('rsa_jwk'), pg_temp.unb64(pg_temp.k('rsa_jwk')::jsonb->>'n')),
    ('C.43 EC P-256 SPKI PEM text as the secret',            pg_temp.k('ec_spki'), convert_to(pg_temp.k('ec_spki'), 'UTF8')),
    ('C.43 EC public JWK JSON text as the secret',           pg_temp.k('ec_jwk'), convert_to(pg_temp.k('ec_jwk'), 'UTF8')),
    ('C.43 Ed25519 SPKI PEM text as the secret',             pg_temp.k('ed_spki'), convert_to(pg_temp.k('ed_spki'), 'UTF8'))
  ) c(item, verifier_key, secret);
SELECT item, o.opt AS allowed,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L%s)', forged, verifier_key, o.opt)) AS outcome
  FROM confusion,
       (VALUES (1, ''), (2, ', alg => ''HS256'''), (3, ', alg => ''RS256,ES256,EdDSA,HS256''')) o(i, opt)
 ORDER BY item, o.i;
-- the same forgeries with the key as jsonb (JWK) and as bytea: a JWK is never
-- a secret, and a PEM or JWK passed as bytea is refused outright
SELECT c.item, pg_temp.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('C.44 RSA JWK without "alg", HS256 allowed',
     format('SELECT jwt.verify(%L, %L::jsonb, alg => ''HS256'')', (SELECT forged FROM confusion WHERE item LIKE 'C.42 RSA public JWK%'), pg_temp.k('rsa_jwk'))),
    ('C.44 RSA JWK without "alg", key default',
     format('SELECT jwt.verify(%L, %L::jsonb)', (SELECT forged FROM confusion WHERE item LIKE 'C.42 RSA public JWK%'), pg_temp.k('rsa_jwk'))),
    ('C.44 RSA JWK with "alg":"RS256", HS256 allowed',
     format('SELECT jwt.verify(%L, %L::jsonb, alg => ''HS256'')', (SELECT forged FROM confusion WHERE item LIKE 'C.42 RSA public JWK%'), pg_temp.k('rsa_jwk')::jsonb || '{"alg":"RS256"}')),
    ('C.41 RSA SPKI PEM passed as bytea',
     format('SELECT jwt.verify(%L, %L::bytea, alg => ''HS256'')', (SELECT forged FROM confusion WHERE item LIKE 'C.41 RSA SPKI PEM text%'), pg_temp.k('rsa_spki'))),
    ('C.42 RSA JWK passed as bytea',
     format('SELECT jwt.verify(%L, %L::bytea, alg => ''HS256'')', (SELECT forged FROM confusion WHERE item LIKE 'C.42 RSA public JWK%'), pg_temp.k('rsa_jwk'))),
    ('C.42 RSA JWK with leading whitespace passed as text',
     format('SELECT jwt.verify(%L, %L, alg => ''HS256'')', pg_temp.forge('{"alg":"HS256"}', '{}', convert_to(E'\n ' || pg_temp.k('rsa_jwk'), 'UTF8')), E'\n ' || pg_temp.k('rsa_jwk')))
  ) c(item, stmt);

-- 2. I.118 key confusion through a JWKS: the token's kid selects the RSA key
--    while its header says HS256, and it is MACed with the set's oct key.
--    The chosen key cannot do HS256: refused, with no fall-through to the
--    oct key of the same set.  (Control: with the oct key's kid it verifies.)
CREATE TEMP TABLE mixed AS
SELECT jsonb_build_object('keys', jsonb_build_array(
         pg_temp.k('rsa_jwk')::jsonb || '{"kid":"rsa-1"}',
         format('{"kty":"oct","k":"%s","kid":"oct-1"}', :'secret_k')::jsonb)) AS jwks;
SELECT c.item, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb, alg => %L)', c.tok, jwks, c.allowed)) AS outcome
  FROM mixed, (VALUES
    ('I.118 kid of the RSA key, HS256 MACed with the oct key',
     pg_temp.forge('{"alg":"HS256","kid":"rsa-1"}', '{"sub":"admin"}', :'secret'), 'HS256,RS256'),
    ('I.118 kid of the RSA key, HS256 MACed with the RSA PEM',
     pg_temp.forge('{"alg":"HS256","kid":"rsa-1"}', '{"sub":"admin"}', convert_to(pg_temp.k('rsa_spki'), 'UTF8')), 'HS256,RS256'),
    ('I.118 kid of the oct key, RS256 allowed only',
     pg_temp.forge('{"alg":"HS256","kid":"oct-1"}', '{"sub":"admin"}', :'secret'), 'RS256'),
    ('control: kid of the oct key, HS256 allowed',
     pg_temp.forge('{"alg":"HS256","kid":"oct-1"}', '{"sub":"admin"}', :'secret'), 'HS256,RS256'),
    ('C.48 no kid, MACed with the RSA PEM: only the oct key is tried',
     pg_temp.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(pg_temp.k('rsa_spki'), 'UTF8')), 'HS256,RS256')
  ) c(item, tok, allowed);

-- 3. I.109-I.112 embedded keys and key URLs: the attacker signs with their
--    own RSA key and puts that key (or a URL for it) in the header.  The
--    header members are never used and never fetched (no network or file
--    access): verification against the real key fails on the signature.
CREATE TEMP TABLE embedded AS
SELECT c.item, jwt.sign('{"sub":"admin"}', pg_temp.k('rsaB_p8'), 'RS256', c.header) AS tok
  FROM (VALUES
    ('I.109 header "jwk": the attacker''s public key',     jsonb_build_object('jwk', pg_temp.k('rsaB_jwk')::jsonb)),
    ('I.109 header "jwk": the REAL public key',            jsonb_build_object('jwk', pg_temp.k('rsa_jwk')::jsonb)),
    ('I.110 header "jku": http://127.0.0.1:9/jwks.json',   '{"jku":"http://127.0.0.1:9/jwks.json"}'::jsonb),
    ('I.110 header "jku": file:///etc/passwd',             '{"jku":"file:///etc/passwd"}'),
    ('I.111 header "x5u": https://attacker.example/c.pem', '{"x5u":"https://attacker.example/c.pem"}'),
    ('I.112 header "x5c": the attacker''s certificate',    jsonb_build_object('x5c', jsonb_build_array(encode(pg_temp.der(pg_temp.k('rsaB_crt')), 'base64')))),
    ('I.112 header "x5c": garbage',                        '{"x5c":["!!not base64!!"]}'),
    ('I.113 header "x5t#S256": garbage',                   '{"x5t#S256":"AAAA"}')
  ) c(item, header);
SELECT item,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L)', tok, pg_temp.k('rsa_spki'))) AS against_real_key,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L)', tok, pg_temp.k('rsaB_spki'))) AS against_attacker_key
  FROM embedded;

-- 4. I.114-I.117 kid injection: a JWKS holding one key with kid "k1", and
--    tokens (validly signed with that very key) naming other kids.  A kid is
--    compared as exact bytes, never interpreted: no SQL, no path, no shell.
CREATE TEMP TABLE one_key AS
SELECT jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb || '{"kid":"k1"}')) AS jwks;
SELECT c.item, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         jwt.sign('{"sub":"admin"}', pg_temp.k('rsa_p8'), 'RS256', jsonb_build_object('kid', c.kid)), jwks)) AS outcome
  FROM one_key, (VALUES
    ('I.114 kid SQL injection',               'x'' UNION SELECT ''1'';--'),
    ('I.115 kid path traversal',              '../../../../../../dev/null'),
    ('I.115 kid absolute path',               '/dev/null'),
    ('I.116 kid shell command',               '|sleep 10'),
    ('I.117 kid empty',                       ''),
    ('kid with a trailing space',             'k1 '),
    ('kid in another case',                   'K1'),
    ('kid of 256 bytes (the limit)',          repeat('k', 256)),
    ('control: kid k1',                       'k1')
  ) c(item, kid);
-- kids the header parser refuses before any key is looked at (the
-- signature bytes do not matter)
SELECT c.item, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         pg_temp.b64(convert_to(c.header, 'UTF8')) || '.' || pg_temp.b64(convert_to('{"sub":"admin"}', 'UTF8')) || '.' || pg_temp.b64(decode(repeat('00', 256), 'hex')),
         jwks)) AS outcome
  FROM one_key, (VALUES
    ('I.117 kid "k1\u0000x" (NUL escape)',    '{"alg":"RS256","kid":"k1\u0000x"}'),
    ('I.117 kid "k1\u0000" (NUL escape)',     '{"alg":"RS256","kid":"k1\u0000"}'),
    ('I.117 kid 123',                         '{"alg":"RS256","kid":123}'),
    ('I.117 kid null',                        '{"alg":"RS256","kid":null}'),
    ('I.117 kid {}',                          '{"alg":"RS256","kid":{}}'),
    ('I.117 kid of 257 bytes',                '{"alg":"RS256","kid":"' || repeat('k', 257) || '"}')
  ) c(item, header);

-- 5. C.49 a JWKS with two keys sharing the token's kid is ambiguous: refused,
--    never "try both" (even when one of them would verify)
SELECT c.item, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         jwt.sign('{"sub":"admin"}', pg_temp.k('rsa_p8'), 'RS256', '{"kid":"dup"}'), c.jwks)) AS outcome
  FROM (VALUES
    ('C.49 the same key twice under one kid',
     jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb || '{"kid":"dup"}', pg_temp.k('rsa_jwk')::jsonb || '{"kid":"dup"}'))),
    ('C.49 the attacker''s key, then the real one, under one kid',
     jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsaB_jwk')::jsonb || '{"kid":"dup"}', pg_temp.k('rsa_jwk')::jsonb || '{"kid":"dup"}'))),
    ('control: a duplicate kid the token does not name',
     jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb || '{"kid":"dup"}', pg_temp.k('rsaB_jwk')::jsonb || '{"kid":"other"}', pg_temp.k('ec_jwk')::jsonb || '{"kid":"other"}')))
  ) c(item, jwks);

-- 6. O.173 key-set size: at most 100 keys (checked before any key is parsed)
SELECT c.n AS keys, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         jwt.sign('{"sub":"many"}', pg_temp.k('rsa_p8'), 'RS256', '{"kid":"k1"}'),
         jsonb_build_object('keys', (SELECT jsonb_agg(pg_temp.k('ec_jwk')::jsonb || jsonb_build_object('kid', 'e' || i)) FROM generate_series(2, c.n) i)
                                    || jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb || '{"kid":"k1"}')))) AS outcome
  FROM (VALUES (100), (101), (1000)) c(n);

-- 7. I.119 no kid and a mixed JWKS: only keys able to produce the token's
--    algorithm (and allowed) are tried; the others are skipped, never used
SELECT c.item, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb%s)', c.tok,
         jsonb_build_object('keys', c.keys), c.opt)) AS outcome
  FROM (VALUES
    ('I.119 RS256, set oct, EC, RSA B, OKP, RSA A: A verifies',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('rsa_p8'), 'RS256'),
     jsonb_build_array(format('{"kty":"oct","k":"%s"}', :'secret_k')::jsonb, pg_temp.k('ec_jwk')::jsonb, pg_temp.k('rsaB_jwk')::jsonb, pg_temp.k('ed_jwk')::jsonb, pg_temp.k('rsa_jwk')::jsonb), ''),
    ('I.119 RS256, set oct, EC, RSA B, OKP: one candidate, fails',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('rsa_p8'), 'RS256'),
     jsonb_build_array(format('{"kty":"oct","k":"%s"}', :'secret_k')::jsonb, pg_temp.k('ec_jwk')::jsonb, pg_temp.k('rsaB_jwk')::jsonb, pg_temp.k('ed_jwk')::jsonb), ''),
    ('I.119 RS256, set RSA B twice: two candidates, fails',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('rsa_p8'), 'RS256'),
     jsonb_build_array(pg_temp.k('rsaB_jwk')::jsonb, pg_temp.k('rsaB_jwk')::jsonb || '{"use":"sig"}'), ''),
    ('I.119 ES256, set oct, RSA A, OKP: no candidate',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('ec_jwk_priv')::jsonb),
     jsonb_build_array(format('{"kty":"oct","k":"%s"}', :'secret_k')::jsonb, pg_temp.k('rsa_jwk')::jsonb, pg_temp.k('ed_jwk')::jsonb), ''),
    ('C.43 HS256 MACed with the RSA PEM, set RSA A and EC: no candidate',
     pg_temp.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(pg_temp.k('rsa_spki'), 'UTF8')),
     jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb, pg_temp.k('ec_jwk')::jsonb), ', alg => ''HS256,RS256'''),
    ('RS256 allowed only, set RSA A bound to PS256: no candidate',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('rsa_p8'), 'RS256'),
     jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb || '{"alg":"PS256"}'), ', alg => ''RS256'''),
    ('ES256 token, only RS256 allowed, set EC',
     jwt.sign('{"sub":"mixed"}', pg_temp.k('ec_jwk_priv')::jsonb),
     jsonb_build_array(pg_temp.k('ec_jwk')::jsonb), ', alg => ''RS256''')
  ) c(item, tok, keys, opt);
