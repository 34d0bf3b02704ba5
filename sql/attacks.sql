--
-- attacks: the catalogue of security.md section 8 (A, B, C, F, O) replayed
-- against the HMAC verifier, one named case per applicable item.  Each
-- comment gives the catalogue number.  Every attack must be refused (no
-- "OK" outcome), with the documented SQLSTATE, message and detail.
--
-- Tokens are built with pgcrypto (t.forge), never with token_ext, so an
-- attack token is exactly the bytes the attacker would send.  Items for
-- other key types (D, E, G), JWE (J to N) and JSON serialization
-- (A.16, B.32, B.33) do not apply to this HMAC-only suite.
--
\set k32 '0123456789abcdef0123456789abcdef'
\set b32 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY'
\set k64 '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
\set rsa_pem '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsf+6zs0Q7xEyiE8Ooqgo\nWhIE0SEp4i4fB2IxL8mB5CWXjKsIHtuA6xJuwufXIXyfBtO4PT9yGw1d1KxYBqlR\nuKpPJK0kNmiJjvdDtrTfAIHk9LSYiTDQKJXbL5RfdFHOdIbMpuX7kbI5FkREhUFW\n2j1xsirIqYNrozFi7j8Gg0gmxPfn1eSQ/Z+gxxpgsuTR7DkT1nD3BUyCvS4khI5L\nO2V4d2u44NtrumQkV1d7RNXBLvAeqQvXep7wl4xFwZNPY1pUm7vAmFIz8uWMGJ6B\nrgSvv9J3fGjqKPPDr/9y5ayU2MlMqoXYPlP3T+vZDUbrb2ZszRYfKnRhdOBjQ/97\nkQIDAQAB\n-----END PUBLIC KEY-----\n'
\set rsa_n 'sf-6zs0Q7xEyiE8OoqgoWhIE0SEp4i4fB2IxL8mB5CWXjKsIHtuA6xJuwufXIXyfBtO4PT9yGw1d1KxYBqlRuKpPJK0kNmiJjvdDtrTfAIHk9LSYiTDQKJXbL5RfdFHOdIbMpuX7kbI5FkREhUFW2j1xsirIqYNrozFi7j8Gg0gmxPfn1eSQ_Z-gxxpgsuTR7DkT1nD3BUyCvS4khI5LO2V4d2u44NtrumQkV1d7RNXBLvAeqQvXep7wl4xFwZNPY1pUm7vAmFIz8uWMGJ6BrgSvv9J3fGjqKPPDr_9y5ayU2MlMqoXYPlP3T-vZDUbrb2ZszRYfKnRhdOBjQ_97kQ'
\set rsa_ssh 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCx/7rOzRDvETKITw6iqChaEgTRISniLh8HYjEvyYHkJZeMqwge24DrEm7C59chfJ8G07g9P3IbDV3UrFgGqVG4qk8krSQ2aImO90O2tN8AgeT0tJiJMNAoldsvlF90Uc50hsym5fuRsjkWRESFQVbaPXGyKsipg2ujMWLuPwaDSCbE9+fV5JD9n6DHGmCy5NHsORPWcPcFTIK9LiSEjks7ZXh3a7jg22u6ZCRXV3tE1cEu8B6pC9d6nvCXjEXBk09jWlSbu8CYUjPy5YwYnoGuBK+/0nd8aOoo88Ov/3LlrJTYyUyqhdg+U/dP69kNRutvZmzNFh8qdGF04GND/3uR'
\set ec_pem '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3VgiMdYOyaANz+SnOcL6E3VfqyYI\nydR/CnFsPhHw8G2G9mkMJej3E/101m/4Cd39gUhd/3LmFMrH1Tel24WJqg==\n-----END PUBLIC KEY-----\n'

-- a valid HS256 token (the positive control) and its parts
CREATE TEMP TABLE atk AS
SELECT x.tok, split_part(x.tok, '.', 1) AS h, split_part(x.tok, '.', 2) AS p, split_part(x.tok, '.', 3) AS s
  FROM (SELECT t.forge('{"alg":"HS256"}', '{"sub":"alice","admin":false}', :'k32') AS tok) x;
SELECT jwt.verify(tok, :'k32'::bytea) AS control FROM atk;

-- A. compact serialization and base64url
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM atk, LATERAL (VALUES
    ('A.1 empty token',                         ''),
    ('A.2 two segments h.p',                    h || '.' || p),
    ('A.3 empty signature h.p.',                h || '.' || p || '.'),
    ('A.4 .p.s (no header)',                    '.' || p || '.' || s),
    ('A.4 h..s (empty payload, MAC of h.p)',    h || '..' || s),
    ('A.4 ..',                                  '..'),
    ('A.4 h.p.s.x (four segments)',             tok || '.x'),
    ('A.4 a.b.c.d.e (a JWE given to verify)',   'a.b.c.d.e'),
    ('A.15 six segments',                       tok || '.x.y.z'),
    ('A.7 padding',                             tok || '='),
    ('A.8 "+" and "/"',                         h || '.' || p || '.' || translate(s, '-_', '+/') || '+'),
    ('A.9 trailing newline',                    tok || E'\n'),
    ('A.10 "?" in the header',                  overlay(tok placing '?' from 3 for 1)),
    ('A.11 header length % 4 = 1',              h || 'A.' || p || '.' || s),
    ('A.17 JSON serialization',                 format('{"payload":"%s","protected":"%s","signature":"%s"}', p, h, s)),
    ('A.18 b64:false payload holding "."',      t.b64url('{"alg":"HS256","b64":false,"crit":["b64"]}') || '.$.02.' || s)
  ) AS c(item, token);
-- A.4 h..s with a correct MAC over "h.": the MAC verifies, the empty
-- payload is not a claims set
SELECT jwt.verify(h || '..' || t.mac(h || '.', :'k32'), :'k32'::bytea) FROM atk;
-- A.5 100,000 periods: refused by the size limit before any splitting
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', repeat('.', 100000), :'k32')) AS a5_100000_dots;
-- ... and 60,000 periods (under the limit) are simply malformed
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', repeat('.', 60000), :'k32')) AS a5_60000_dots;
-- A.6 token_ext.max_token_size (65536 by default) is checked before decoding,
-- so a 65537-byte token of garbage is a limit error, not a base64 error
SHOW token_ext.max_token_size;
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', repeat('!', 65537), :'k32')) AS a6_65537_bytes,
       t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', repeat('!', 65536), :'k32')) AS a6_65536_bytes;
-- a valid token of exactly the limit verifies; one byte more is refused
SELECT length(x.tok) AS len, t.outcome(format('SELECT jwt.verify(%L, %L::bytea) IS NOT NULL', x.tok, :'k32')) AS outcome
  FROM (SELECT t.forge('{"alg":"HS256"}', '{"pad":"' || repeat('x', n) || '"}', :'k32') AS tok
          FROM (VALUES (49093), (49094)) v(n)) x;
-- the limit is a setting (bytes, superuser-only), and applies to signing too
SET token_ext.max_token_size = 256;
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', t.forge('{"alg":"HS256"}', '{"pad":"' || repeat('x', 300) || '"}', :'k32'), :'k32')) AS verify_over_256,
       t.outcome(format('SELECT jwt.sign(%L, %L::bytea)', '{"pad":"' || repeat('x', 300) || '"}', :'k32')) AS sign_over_256,
       t.outcome(format('SELECT jwt.decode(%L)', t.forge('{"alg":"HS256"}', '{"pad":"' || repeat('x', 300) || '"}', :'k32'))) AS decode_over_256;
RESET token_ext.max_token_size;
SET token_ext.max_token_size = 255;
SELECT name, setting, unit, min_val, max_val, context FROM pg_settings WHERE name = 'token_ext.max_token_size';

-- B. header JSON (json_strict covers each at length; one case each here)
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', t.forge(c.header, c.payload, :'k32'), :'k32')) AS outcome
  FROM (VALUES
    ('B.19 header null',                        'null',                                  '{}'),
    ('B.20 polyglot {"alg":"HS256"}{"alg":"none"}', '{"alg":"HS256"}{"alg":"none"}',     '{}'),
    ('B.21 duplicate alg',                      '{"alg":"HS256","alg":"none"}',          '{}'),
    ('B.22 duplicate claim sub',                '{"alg":"HS256"}',                       '{"sub":"alice","sub":"admin"}'),
    ('B.23 duplicate through an escape',        '{"alg":"HS256","\u0061lg":"none"}',     '{}'),
    ('B.24 "ALG":"none" is just another member (accepted as HS256)', '{"alg":"HS256","ALG":"none"}', '{"ok":true}'),
    ('B.25 NaN',                                '{"alg":"HS256"}',                       '{"n":NaN}'),
    ('B.26 lone surrogate',                     '{"alg":"HS256","x":"\udc00"}',          '{}'),
    ('B.27 "alg":"HS256\u0000"',                '{"alg":"HS256\u0000"}',                 '{}'),
    ('B.28 header nested 1000 levels',          '{"alg":"HS256","x":' || repeat('[', 1000) || repeat(']', 1000) || '}', '{}'),
    ('B.30 alg missing',                        '{"typ":"JWT"}',                         '{}'),
    ('B.31 "alg":5',                            '{"alg":5}',                             '{}'),
    ('B.35 cty JWT with a nested compact JWT as payload', '{"alg":"HS256","cty":"JWT"}', '"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."'),
    ('B.36 zip in a JWS',                       '{"alg":"HS256","zip":"DEF"}',           '{}')
  ) AS c(item, header, payload);
-- B.29 a 1 MB header: over the token size limit
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                        t.forge('{"alg":"HS256","x":"' || repeat('x', 1000000) || '"}', '{}', :'k32'), :'k32')) AS b29_1mb_header;
-- B.34 expected typ at+jwt (RFC 9068) against an ID token (typ JWT) and no typ
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, typ => %L)', t.forge(c.header, '{}', :'k32'), :'k32', 'at+jwt')) AS outcome
  FROM (VALUES
    ('B.34 typ JWT, at+jwt expected',           '{"alg":"HS256","typ":"JWT"}'),
    ('B.34 no typ, at+jwt expected',            '{"alg":"HS256"}'),
    ('B.34 typ at+JWT (accepted)',              '{"alg":"HS256","typ":"at+JWT"}'),
    ('B.34 typ application/at+jwt (accepted)',  '{"alg":"HS256","typ":"application/at+jwt"}')
  ) AS c(item, header);

-- C. algorithm selection and key binding
-- C.37, C.38 "none" in any case, with an empty or a non-empty signature,
-- and with a MAC appended; also with every allowed-list
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)', c.token, :'k32', c.allowed)) AS outcome
  FROM atk, LATERAL (VALUES
    ('C.37 alg none, empty signature',          t.b64url('{"alg":"none"}') || '.' || p || '.', NULL),
    ('C.37 alg None',                           t.b64url('{"alg":"None"}') || '.' || p || '.', NULL),
    ('C.37 alg NONE',                           t.b64url('{"alg":"NONE"}') || '.' || p || '.', NULL),
    ('C.37 alg nOnE',                           t.b64url('{"alg":"nOnE"}') || '.' || p || '.', NULL),
    ('C.37 alg none, HS256 allowed',            t.b64url('{"alg":"none"}') || '.' || p || '.', 'HS256'),
    ('C.38 alg none with a valid HS256 MAC',    t.forge('{"alg":"none"}', '{"sub":"alice","admin":true}', :'k32'), NULL),
    ('C.38 alg none with a signature',          t.b64url('{"alg":"none"}') || '.' || p || '.' || s, NULL),
    ('C.39 "none" in the allowed list',         tok, 'HS256,none'),
    ('C.39 "None" in the allowed list',         tok, 'None'),
    ('C.40 RFC 7515 App. E (none + crit)',
       t.b64url('{"alg":"none","crit":["http://example.invalid/UNDEFINED"],"http://example.invalid/UNDEFINED":true}') || '.' || t.b64url('A message') || '.', NULL),
    ('C.53 alg HS1',                            t.forge('{"alg":"HS1"}', '{}', :'k32'), NULL),
    ('C.53 alg RS1',                            t.forge('{"alg":"RS1"}', '{}', :'k32'), NULL),
    ('C.53 alg foo',                            t.forge('{"alg":"foo"}', '{}', :'k32'), NULL),
    ('C.53 alg ""',                             t.forge('{"alg":""}', '{}', :'k32'), NULL),
    ('C.53 alg of 10 kB',                       t.forge('{"alg":"' || repeat('H', 10240) || '"}', '{}', :'k32'), NULL),
    ('C.53 alg "HS256 " (trailing space)',      t.forge('{"alg":"HS256 "}', '{}', :'k32'), NULL),
    ('C.54 alg hs256',                          t.forge('{"alg":"hs256"}', '{}', :'k32'), NULL),
    ('C.54 alg Hs256',                          t.forge('{"alg":"Hs256"}', '{}', :'k32'), NULL),
    ('C.53 alg RS256 MACed with the secret',    t.forge('{"alg":"RS256"}', '{}', :'k32'), 'HS256'),
    ('C.53 alg RS256, RS256 allowed, HMAC key', t.forge('{"alg":"RS256"}', '{}', :'k32'), 'RS256'),
    ('header alg HS512 over an HS256 MAC',      t.b64url('{"alg":"HS512"}') || '.' || p || '.' || t.mac(t.b64url('{"alg":"HS512"}') || '.' || p, :'k32'), 'HS512'),
    ('header alg HS256 over an HS512 MAC',      t.b64url('{"alg":"HS256"}') || '.' || p || '.' || t.mac(t.b64url('{"alg":"HS256"}') || '.' || p, :'k64'::bytea, 'sha512'), 'HS256')
  ) AS c(item, token, allowed);
-- C.41 an HS256 token MACed with the verifier's RSA public key PEM (as the
-- attacker sees it), verified with that PEM: with and without the final
-- newline, with CRLF line ends and with leading whitespace
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::text)',
                                t.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(c.pem, 'UTF8')), c.pem)) AS outcome
  FROM (SELECT E:'rsa_pem' AS pem) k, LATERAL (VALUES
    ('C.41 PEM as published',                   pem),
    ('C.41 PEM without the final newline',      rtrim(pem, E'\n')),
    ('C.41 PEM with CRLF',                      replace(pem, E'\n', E'\r\n')),
    ('C.41 PEM after leading whitespace',       E'  \n' || pem)
  ) AS c(item, pem);
-- ... the same PEM as bytea is refused as a secret
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(E:'rsa_pem', 'UTF8')), convert_to(E:'rsa_pem', 'UTF8'));
-- C.42 other spellings of the public key used as the HMAC secret
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %s)',
                                t.forge('{"alg":"HS256"}', '{"sub":"admin"}', c.secret), c.key)) AS outcome
  FROM (SELECT format('{"kty":"RSA","n":"%s","e":"AQAB"}', :'rsa_n') AS jwk) k, LATERAL (VALUES
    ('C.42 the public JWK as text',             convert_to(jwk, 'UTF8'), quote_literal(jwk) || '::text'),
    ('C.42 the public JWK as jsonb',            convert_to(jwk, 'UTF8'), quote_literal(jwk) || '::jsonb'),
    ('C.44 RSA JWK without alg, HS256 token',   convert_to(jwk, 'UTF8'), quote_literal(jwk) || '::jsonb'),
    ('C.42 the public JWK as bytea',            convert_to(jwk, 'UTF8'), quote_literal(jwk) || '::bytea')
  ) AS c(item, secret, key);
-- C.42 keys that token_ext cannot recognise as public keys are accepted as
-- secrets when the caller passes them as such: the DER SubjectPublicKeyInfo
-- in a bytea and the OpenSSH "ssh-rsa" text.  The catalogue expects a
-- refusal; these assert it (accepted must be false; see the report).
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %s)', t.forge('{"alg":"HS256"}', '{"sub":"admin"}', c.secret), c.key)) LIKE 'OK%' AS accepted
  FROM (SELECT decode(regexp_replace(E:'rsa_pem', '-----[A-Z ]+-----|\n', '', 'g'), 'base64') AS der) k, LATERAL (VALUES
    ('C.42 DER SPKI as a bytea secret',         der, quote_literal(der::text) || '::bytea'),
    ('C.42 OpenSSH ssh-rsa text as a secret',   convert_to(:'rsa_ssh', 'UTF8'), quote_literal(:'rsa_ssh') || '::text')
  ) AS c(item, secret, key);
-- C.43 HS256 token verified with an EC P-256 public key (PEM)
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(E:'ec_pem', 'UTF8')), E:'ec_pem'::text);
-- ... and with HS256 explicitly allowed
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(E:'ec_pem', 'UTF8')), E:'ec_pem'::text, 'HS256');
-- C.45 empty k; C.46 short keys; C.47 long keys accepted
SELECT c.item, t.outcome(c.stmt) AS outcome FROM (VALUES
  ('C.45 "k":"" for HS256',  format('SELECT jwt.verify(%L, %L::jsonb)', t.forge('{"alg":"HS256"}', '{}', ''::bytea), '{"kty":"oct","k":""}')),
  ('C.45 "k":"" for HS512',  format('SELECT jwt.verify(%L, %L::jsonb, %L)', t.forge('{"alg":"HS512"}', '{}', ''::bytea, 'sha512'), '{"kty":"oct","k":""}', 'HS512')),
  ('C.46 HS256, 31 bytes',   format('SELECT jwt.verify(%L, %L::bytea)', t.forge('{"alg":"HS256"}', '{}', repeat('k', 31)::bytea), repeat('k', 31))),
  ('C.46 HS384, 47 bytes',   format('SELECT jwt.verify(%L, %L::bytea, %L)', t.forge('{"alg":"HS384"}', '{}', repeat('k', 47)::bytea, 'sha384'), repeat('k', 47), 'HS384')),
  ('C.46 HS512, 63 bytes',   format('SELECT jwt.verify(%L, %L::bytea, %L)', t.forge('{"alg":"HS512"}', '{}', repeat('k', 63)::bytea, 'sha512'), repeat('k', 63), 'HS512')),
  ('C.47 HS256, 65 bytes',   format('SELECT jwt.verify(%L, %L::bytea)', t.forge('{"alg":"HS256"}', '{"long":1}', repeat('k', 65)::bytea), repeat('k', 65))),
  ('C.47 HS384, 129 bytes',  format('SELECT jwt.verify(%L, %L::bytea, %L)', t.forge('{"alg":"HS384"}', '{"long":1}', repeat('k', 129)::bytea, 'sha384'), repeat('k', 129), 'HS384')),
  ('C.47 HS512, 129 bytes',  format('SELECT jwt.verify(%L, %L::bytea, %L)', t.forge('{"alg":"HS512"}', '{"long":1}', repeat('k', 129)::bytea, 'sha512'), repeat('k', 129), 'HS512'))
) AS c(item, stmt);
-- C.48 a mixed JWKS (RSA public key + oct): an HS256 token MACed with the
-- RSA key material fails, whether or not it names the RSA key's kid
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', c.token, c.jwks)) AS outcome
  FROM (SELECT format('{"keys":[{"kty":"RSA","kid":"rsa","n":"%s","e":"AQAB"},{"kty":"oct","kid":"hmac","k":"%s"}]}', :'rsa_n', :'b32') AS jwks) k,
       LATERAL (VALUES
    ('C.48 no kid, MAC from the RSA n',          t.forge('{"alg":"HS256"}', '{"sub":"admin"}', decode(translate(:'rsa_n', '-_', '+/') || '==', 'base64')), jwks),
    ('C.48 no kid, MAC from the RSA JWK text',   t.forge('{"alg":"HS256"}', '{"sub":"admin"}', convert_to(format('{"kty":"RSA","n":"%s","e":"AQAB"}', :'rsa_n'), 'UTF8')), jwks),
    ('C.48 kid rsa, MAC from the RSA n',         t.forge('{"alg":"HS256","kid":"rsa"}', '{"sub":"admin"}', decode(translate(:'rsa_n', '-_', '+/') || '==', 'base64')), jwks),
    ('C.48 kid hmac, genuine MAC (accepted)',    t.forge('{"alg":"HS256","kid":"hmac"}', '{"sub":"alice"}', :'k32'), jwks),
    ('C.48 no kid, genuine MAC (accepted)',      t.forge('{"alg":"HS256"}', '{"sub":"alice"}', :'k32'), jwks),
    ('C.48 RSA-only JWKS, HS256 token',          t.forge('{"alg":"HS256"}', '{"sub":"admin"}', decode(translate(:'rsa_n', '-_', '+/') || '==', 'base64')),
                                                 format('{"keys":[{"kty":"RSA","n":"%s","e":"AQAB"}]}', :'rsa_n')),
    ('C.49 two keys share the kid',              t.forge('{"alg":"HS256","kid":"dup"}', '{}', :'k32'),
                                                 format('{"keys":[{"kty":"oct","kid":"dup","k":"%s"},{"kty":"oct","kid":"dup","k":"%s"}]}', :'b32', :'b32'))
  ) AS c(item, token, jwks);
-- C.55 a key for encryption; C.58 an AES key; C.59 kty/alg mismatch
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb, %L)', tok, c.jwk, c.allowed)) AS outcome
  FROM atk, LATERAL (VALUES
    ('C.55 use enc',                     format('{"kty":"oct","k":"%s","use":"enc"}', :'b32'), NULL),
    ('C.55 key_ops [encrypt]',           format('{"kty":"oct","k":"%s","key_ops":["encrypt"]}', :'b32'), NULL),
    ('C.58 oct key bound to A128GCM',    format('{"kty":"oct","k":"%s","alg":"A128GCM"}', :'b32'), 'HS256'),
    ('C.58 oct key bound to A128KW',     format('{"kty":"oct","k":"%s","alg":"A128KW"}', :'b32'), NULL),
    ('C.59 kty oct with alg RS256',      format('{"kty":"oct","k":"%s","alg":"RS256"}', :'b32'), NULL),
    ('C.59 kty EC with alg HS256',
       '{"kty":"EC","crv":"P-256","x":"3VgiMdYOyaANz-SnOcL6E3VfqyYIydR_CnFsPhHw8G0","y":"hvZpDCXo9xP9dNZv-And_YFIXf9y5hTKx9U3pduFiao","alg":"HS256"}', NULL)
  ) AS c(item, jwk, allowed);
-- C.60 a JWE given to verify
SELECT jwt.verify('eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA', :'k32'::bytea);

-- F. HMAC
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)', c.token, c.key, c.alg)) AS outcome
  FROM atk, LATERAL (VALUES
    ('F.86 MAC truncated to 16 bytes',     h || '.' || p || '.' || t.b64url(substr(decode(translate(s, '-_', '+/') || '=', 'base64'), 1, 16)), :'k32', 'HS256'),
    ('F.86 MAC truncated to 1 byte',       h || '.' || p || '.' || t.b64url(substr(decode(translate(s, '-_', '+/') || '=', 'base64'), 1, 1)), :'k32', 'HS256'),
    ('F.86 MAC truncated to 0 bytes',      h || '.' || p || '.', :'k32', 'HS256'),
    ('F.86 MAC truncated to 31 bytes',     h || '.' || p || '.' || t.b64url(substr(decode(translate(s, '-_', '+/') || '=', 'base64'), 1, 31)), :'k32', 'HS256'),
    ('F.87 MAC with one extra byte',       h || '.' || p || '.' || t.b64url(decode(translate(s, '-_', '+/') || '=', 'base64') || '\x00'::bytea), :'k32', 'HS256'),
    ('F.87 MAC twice',                     h || '.' || p || '.' || t.b64url(decode(translate(s, '-_', '+/') || '=', 'base64') || decode(translate(s, '-_', '+/') || '=', 'base64')), :'k32', 'HS256'),
    ('F last MAC byte flipped',            h || '.' || p || '.' || t.b64url(overlay(decode(translate(s, '-_', '+/') || '=', 'base64') placing '\xff'::bytea from 32 for 1)), :'k32', 'HS256'),
    ('F first MAC byte flipped',           h || '.' || p || '.' || t.b64url(overlay(decode(translate(s, '-_', '+/') || '=', 'base64') placing '\x00'::bytea from 1 for 1)), :'k32', 'HS256'),
    ('F MAC of all zero bytes',            h || '.' || p || '.' || t.b64url(decode(repeat('00', 32), 'hex')), :'k32', 'HS256'),
    ('F HS512 token truncated to 32 bytes', t.b64url('{"alg":"HS512"}') || '.' || p || '.' ||
                                           t.b64url(substr(hmac(convert_to(t.b64url('{"alg":"HS512"}') || '.' || p, 'UTF8'), :'k64'::bytea, 'sha512'), 1, 32)), :'k64', 'HS512'),
    ('F MAC under another key',            h || '.' || p || '.' || t.mac(h || '.' || p, 'another secret of thirty-two b.'), :'k32', 'HS256'),
    ('F payload changed, MAC kept',        h || '.' || t.b64url('{"sub":"alice","admin":true}') || '.' || s, :'k32', 'HS256'),
    ('F header changed (typ added), MAC kept', t.b64url('{"alg":"HS256","typ":"JWT"}') || '.' || p || '.' || s, :'k32', 'HS256'),
    ('F.89 a low-entropy password as the key', t.forge('{"alg":"HS256"}', '{}', 'password'), 'password', 'HS256'),
    -- a key with trailing zero bytes gives the same HMAC (RFC 2104 pads the
    -- key with zeros): an inherent HMAC property, shown so it is known
    ('F HMAC key padding: k32 || 00 verifies k32''s token', tok, :'k32' || '\000', 'HS256')
  ) AS c(item, token, key, alg);
-- F.88 (timing) is a code review item: the MAC is compared with CRYPTO_memcmp
-- after a length check on the public length (src/core/sig.c).

-- try_verify never hands out an unverified payload
SELECT c.item, r.* FROM atk, LATERAL (VALUES
    ('forged payload',  h || '.' || t.b64url('{"sub":"alice","admin":true}') || '.' || s),
    ('alg none',        t.b64url('{"alg":"none"}') || '.' || t.b64url('{"sub":"admin"}') || '.'),
    ('bad base64',      tok || '=')
  ) AS c(item, token), LATERAL jwt.try_verify(c.token, :'k32'::bytea) r;

-- O. JWK / JWKS parsing (keys covers each at length)
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, c.jwk)) AS outcome
  FROM atk, LATERAL (VALUES
    ('O.172 kty missing',                    format('{"k":"%s"}', :'b32')),
    ('O.172 kty unknown',                    format('{"kty":"oct2","k":"%s"}', :'b32')),
    ('O.172 unknown kty skipped in a JWKS (accepted)', format('{"keys":[{"kty":"oct2","k":"x"},{"kty":"oct","k":"%s"}]}', :'b32')),
    ('O.173 keys missing (a JWK without kty)', '{"kids":[]}'),
    ('O.173 keys not an array',              '{"keys":"x"}'),
    ('O.173 keys with 101 entries',          '{"keys":[' || repeat('{},', 100) || '{}]}'),
    ('O.174 use sig, key_ops [encrypt]',     format('{"kty":"oct","k":"%s","use":"sig","key_ops":["encrypt"]}', :'b32')),
    ('O.175 key_ops duplicates',             format('{"kty":"oct","k":"%s","key_ops":["verify","verify"]}', :'b32')),
    ('O.175 key_ops non-string',             format('{"kty":"oct","k":"%s","key_ops":[null]}', :'b32')),
    ('O.176 k padded',                       format('{"kty":"oct","k":"%s="}', :'b32')),
    ('O.176 k empty',                        '{"kty":"oct","k":""}'),
    ('O.177 "k":"" in a JWKS: no usable key', '{"keys":[{"kty":"oct","k":""}]}')
  ) AS c(item, jwk);

-- I. (extra) kid injection: the kid is only ever compared, never used to
-- build a query, a path or a command
SELECT c.item, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', t.forge(format('{"alg":"HS256","kid":%s}', to_json(c.kid)), '{}', :'k32'),
                                format('{"keys":[{"kty":"oct","kid":"a","k":"%s"}]}', :'b32'))) AS outcome
  FROM (VALUES
    ('I.114 SQL in kid',                       'x'' UNION SELECT ''1'';--'),
    ('I.115 path in kid',                      '../../../../../../dev/null'),
    ('I.116 command in kid',                   '|sleep 10'),
    ('I.117 kid "a\u0001b" does not match "a"', E'a\u0001b'),
    ('I.117 kid of 257 bytes',                 repeat('k', 257))
  ) AS c(item, kid);
-- I.117 a kid holding \u0000 is refused by the JSON reader
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', t.forge('{"alg":"HS256","kid":"a\u0000b"}', '{}', :'k32'),
                        format('{"keys":[{"kty":"oct","kid":"a","k":"%s"}]}', :'b32'))) AS i117_kid_with_nul;
