--
-- sign_verify: jwt.sign and jwt.verify for HS256, HS384 and HS512.
--
-- Expected tokens were computed outside token_ext (Python's hmac and
-- base64 modules; the RFC 7515 A.1 example) and are pasted as literals, so
-- these tests compare token_ext with an independent implementation.  Claims
-- are serialised compactly in jsonb's key order (shorter names first), and
-- the header is {"alg", "typ":"JWT"[, "kid"], extra members in jsonb order}.
--
\set k32 '0123456789abcdef0123456789abcdef'
\set k48 '0123456789abcdef0123456789abcdef0123456789abcdef'
\set k64 '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
-- the same secrets as JWK "k" values (base64url of the bytes above)
\set b32 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY'
\set b48 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVm'
\set b64 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg'
-- our base64url agrees with the literals
SELECT t.b64url(:'k32'::bytea) = :'b32' AND t.b64url(:'k48'::bytea) = :'b48'
       AND t.b64url(:'k64'::bytea) = :'b64' AS jwk_k_values_ok;

-- 1. RFC 7515 Appendix A.1 (HS256), verified as published: header with
-- CRLF and spaces, "typ" first, key as a JWK.  exp is 1300819380
-- (2011-03-22 18:43:00 UTC), so the check time is fixed before it.
SELECT jwt.verify(
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}'::jsonb,
  at => '2011-03-22 18:00:00+00') AS rfc7515_a1;
-- ... and after exp it has expired
SELECT jwt.verify(
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}'::jsonb,
  at => '2011-03-22 18:43:00+00');

-- 2. jwt.sign output equals the independently computed tokens
SELECT jwt.sign('{"sub":"alice","name":"Alice","iat":1700000000}', :'k32'::bytea)
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDAsInN1YiI6ImFsaWNlIiwibmFtZSI6IkFsaWNlIn0.lwfIcw-bNm58ZBjVaY3O0eoTzdtL9UP9kz4NbYZoCO0'
       AS hs256_bytea_key;
SELECT jwt.sign('{"sub":"alice"}', :'k48'::bytea, 'HS384')
     = 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.aegZ9Cmx0H-md9L4Ww5XmJiaG-4sAtOuTE7dumyewGeVuQaHWpKpXvStP4f1y6YM'
       AS hs384_bytea_key;
SELECT jwt.sign('{"sub":"alice"}', :'k64'::text, 'HS512')
     = 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.LqOWMLYZG4vzYGKh5s7ZtH4HiQeTW3X-YIkX7If66GjmPPNusY5XZHasgQ1euqMGifTmUUArenUWeKqKXNZGYg'
       AS hs512_text_key;
-- a JWK with a kid: the kid goes into the header after typ
SELECT jwt.sign('{"sub":"alice"}', format('{"kty":"oct","k":"%s","kid":"k1"}', :'b32')::jsonb)
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.Uvf8ckWTjuydmloKqFY8ofY7EoigHmWcQWBsWBQaV4A'
       AS hs256_jsonb_jwk_kid;
-- the same JWK as text gives the same token
SELECT jwt.sign('{"sub":"alice"}', format('{"kty":"oct","k":"%s","kid":"k1"}', :'b32'))
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.Uvf8ckWTjuydmloKqFY8ofY7EoigHmWcQWBsWBQaV4A'
       AS hs256_text_jwk_kid;
-- default algorithm from the JWK's "alg" (HS512 here)
SELECT jwt.sign('{"sub":"alice"}', format('{"kty":"oct","k":"%s","kid":"k2","alg":"HS512"}', :'b64')::jsonb)
     = 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCIsImtpZCI6ImsyIn0.eyJzdWIiOiJhbGljZSJ9.R_lCvZKyCsMShIwWWfbpSblwueBKCwpeQhItpv2YHXbmuwhv9Bj5ViQtVXJQNXLg_IYDrd71Jf8YM6eoLA4YeQ'
       AS hs512_default_from_jwk_alg;
-- the tokens themselves, for the record
SELECT jwt.sign('{"sub":"alice"}', :'k32'::bytea) AS hs256,
       jwt.sign('{"sub":"alice"}', :'k32'::bytea, 'HS256', '{"kid":"x","typ":"at+jwt","cty":"foo","zzz":[1,{"a":null}]}') AS hs256_extra_header;
-- extra header members, a typ override and a kid: jsonb order after alg
SELECT jwt.sign('{"sub":"alice"}', :'k32'::bytea, 'HS256', '{"kid":"x","typ":"at+jwt","cty":"foo","zzz":[1,{"a":null}]}')
     = 'eyJhbGciOiJIUzI1NiIsImN0eSI6ImZvbyIsImtpZCI6IngiLCJ0eXAiOiJhdCtqd3QiLCJ6enoiOlsxLHsiYSI6bnVsbH1dfQ.eyJzdWIiOiJhbGljZSJ9.aT-mWb4wuc7kAAe21Pi-cBuiss5AkC4Mx1aZEWPBwHA'
       AS extra_header_ok;
SELECT header FROM jwt.decode(jwt.sign('{"sub":"alice"}', :'k32'::bytea, 'HS256', '{"kid":"x","typ":"at+jwt","cty":"foo"}'));
-- a header kid replaces the JWK's kid; a header "alg" equal to the signing one is allowed
SELECT header FROM jwt.decode(jwt.sign('{}', format('{"kty":"oct","k":"%s","kid":"k1"}', :'b32')::jsonb, NULL, '{"kid":"other","alg":"HS256"}'));
-- a header "alg" that contradicts the signing algorithm is refused
SELECT jwt.sign('{}', :'k32'::bytea, 'HS256', '{"alg":"HS512"}');
SELECT jwt.sign('{}', :'k32'::bytea, NULL, '{"alg":"none"}');
-- ... also when the algorithm came from the JWK
SELECT jwt.sign('{}', format('{"kty":"oct","k":"%s","alg":"HS512"}', :'b64')::jsonb, NULL, '{"alg":"HS256"}');

-- 3. verification of the independent tokens with every key form
SELECT c.name, t.outcome(c.stmt) AS outcome FROM (VALUES
  ('HS256, bytea key',
   format('SELECT jwt.verify(%L, %L::bytea)', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDAsInN1YiI6ImFsaWNlIiwibmFtZSI6IkFsaWNlIn0.lwfIcw-bNm58ZBjVaY3O0eoTzdtL9UP9kz4NbYZoCO0', :'k32')),
  ('HS256, text secret',
   format('SELECT jwt.verify(%L, %L::text, at => %L)', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDAsInN1YiI6ImFsaWNlIiwibmFtZSI6IkFsaWNlIn0.lwfIcw-bNm58ZBjVaY3O0eoTzdtL9UP9kz4NbYZoCO0', :'k32', '2023-11-14 22:13:20+00')),
  ('HS256, jsonb JWK',
   format('SELECT jwt.verify(%L, %L::jsonb)', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.Uvf8ckWTjuydmloKqFY8ofY7EoigHmWcQWBsWBQaV4A', format('{"kty":"oct","k":"%s"}', :'b32'))),
  ('HS256, text JWK',
   format('SELECT jwt.verify(%L, %L::text)', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.Uvf8ckWTjuydmloKqFY8ofY7EoigHmWcQWBsWBQaV4A', format('{"kty":"oct","k":"%s"}', :'b32'))),
  ('HS384, bytea key, alg HS384',
   format('SELECT jwt.verify(%L, %L::bytea, %L)', 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.aegZ9Cmx0H-md9L4Ww5XmJiaG-4sAtOuTE7dumyewGeVuQaHWpKpXvStP4f1y6YM', :'k48', 'HS384')),
  ('HS384, JWK with alg HS384, no alg argument',
   format('SELECT jwt.verify(%L, %L::jsonb)', 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.aegZ9Cmx0H-md9L4Ww5XmJiaG-4sAtOuTE7dumyewGeVuQaHWpKpXvStP4f1y6YM', format('{"kty":"oct","k":"%s","alg":"HS384"}', :'b48'))),
  ('HS512, text secret, alg HS512',
   format('SELECT jwt.verify(%L, %L::text, %L)', 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.LqOWMLYZG4vzYGKh5s7ZtH4HiQeTW3X-YIkX7If66GjmPPNusY5XZHasgQ1euqMGifTmUUArenUWeKqKXNZGYg', :'k64', 'HS512')),
  ('HS512, JWKS, kid k2',
   format('SELECT jwt.verify(%L, %L::jsonb)', 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCIsImtpZCI6ImsyIn0.eyJzdWIiOiJhbGljZSJ9.R_lCvZKyCsMShIwWWfbpSblwueBKCwpeQhItpv2YHXbmuwhv9Bj5ViQtVXJQNXLg_IYDrd71Jf8YM6eoLA4YeQ',
          format('{"keys":[{"kty":"oct","k":"%s","kid":"k1"},{"kty":"oct","k":"%s","kid":"k2","alg":"HS512"}]}', :'b32', :'b64'))),
  ('HS512, JWKS as text, kid k2',
   format('SELECT jwt.verify(%L, %L::text)', 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCIsImtpZCI6ImsyIn0.eyJzdWIiOiJhbGljZSJ9.R_lCvZKyCsMShIwWWfbpSblwueBKCwpeQhItpv2YHXbmuwhv9Bj5ViQtVXJQNXLg_IYDrd71Jf8YM6eoLA4YeQ',
          format('{"keys":[{"kty":"oct","k":"%s","kid":"k1"},{"kty":"oct","k":"%s","kid":"k2","alg":"HS512"}]}', :'b32', :'b64')))
) AS c(name, stmt);

-- 4. round trips: every algorithm with every key form
SELECT alg, form, t.outcome(format('SELECT jwt.verify(jwt.sign(%L, %s, %L), %s, %L)',
                                   '{"sub":"alice","n":1}', key, alg, key, alg)) AS outcome
  FROM (VALUES ('HS256', :'k32'), ('HS384', :'k48'), ('HS512', :'k64')) a(alg, secret),
       LATERAL (VALUES ('bytea', quote_literal(secret) || '::bytea'),
                       ('text', quote_literal(secret) || '::text'),
                       ('jsonb JWK', quote_literal(format('{"kty":"oct","k":"%s"}', t.b64url(secret::bytea))) || '::jsonb'),
                       ('text JWK', quote_literal(format('{"kty":"oct","k":"%s"}', t.b64url(secret::bytea))) || '::text')) k(form, key)
 ORDER BY alg, form;
-- a text secret is its UTF-8 bytes: the text and bytea forms make the same token
SELECT jwt.sign('{"a":1}', 'ü' || :'k32') = jwt.sign('{"a":1}', convert_to('ü' || :'k32', 'UTF8')) AS text_is_utf8_bytes;
-- and a JWK holding those bytes too
SELECT jwt.sign('{"a":1}', :'k32'::bytea) = jwt.sign('{"a":1}', format('{"kty":"oct","k":"%s"}', :'b32')::jsonb) AS jwk_same_mac;

-- 5. allowed algorithms (the alg argument of verify)
CREATE TEMP TABLE sv_tok AS
SELECT jwt.sign('{"sub":"alice"}', :'k64'::bytea, 'HS256') AS t256,
       jwt.sign('{"sub":"alice"}', :'k64'::bytea, 'HS384') AS t384,
       jwt.sign('{"sub":"alice"}', :'k64'::bytea, 'HS512') AS t512;
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)', c.token, :'k64', c.allowed)) AS outcome
  FROM sv_tok, LATERAL (VALUES
    ('HS256 token, default (HS256 for a secret)', t256, NULL),
    ('HS384 token, default (HS256 for a secret)', t384, NULL),
    ('HS512 token, default (HS256 for a secret)', t512, NULL),
    ('HS384 token, "HS384"',                      t384, 'HS384'),
    ('HS512 token, "HS256,HS512"',                t512, 'HS256,HS512'),
    ('HS384 token, "HS256,HS512"',                t384, 'HS256,HS512'),
    ('HS256 token, " HS384 , HS256 " (spaces)',   t256, ' HS384 , HS256 '),
    ('HS256 token, "HS256,HS256" (repeat)',       t256, 'HS256,HS256'),
    ('HS256 token, "HS256,none"',                 t256, 'HS256,none'),
    ('HS256 token, "none"',                       t256, 'none'),
    ('HS256 token, "hs256" (case-sensitive)',     t256, 'hs256'),
    ('HS256 token, "HS256,,HS384" (empty name)',  t256, 'HS256,,HS384'),
    ('HS256 token, "" (empty list)',              t256, ''),
    ('HS256 token, "HS256;HS384"',                t256, 'HS256;HS384'),
    ('HS256 token, "RS256" (no HMAC allowed)',    t256, 'RS256'),
    ('HS256 token, "HS256,RS256"',                t256, 'HS256,RS256'),
    ('HS256 token, long unknown name (detail cut)', t256, repeat('X', 40))
  ) AS c(name, token, allowed);
-- with a JWK "alg", the default is that algorithm; an explicit list must agree with it
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb, %L)', c.token,
                                format('{"kty":"oct","k":"%s","alg":"HS512"}', :'b64'), c.allowed)) AS outcome
  FROM sv_tok, LATERAL (VALUES
    ('HS512 token, JWK alg HS512, default',       t512, NULL),
    ('HS256 token, JWK alg HS512, default',       t256, NULL),
    ('HS256 token, JWK alg HS512, "HS256"',       t256, 'HS256'),
    ('HS512 token, JWK alg HS512, "HS256,HS512"', t512, 'HS256,HS512')
  ) AS c(name, token, allowed);

-- 6. signing arguments
SELECT c.name, t.outcome(c.stmt) AS outcome FROM (VALUES
  ('alg "none"',                 format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'none')),
  ('alg "None"',                 format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'None')),
  ('alg "hs256"',                format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'hs256')),
  ('alg "HS256,HS512" (a list)', format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'HS256,HS512')),
  ('alg "RS256" with a secret',  format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'RS256')),
  ('alg "ES256" with a secret',  format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'ES256')),
  ('alg "EdDSA" with a secret',  format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', 'EdDSA')),
  ('alg "" ',                    format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', :'k32', '')),
  ('JWK alg HS512, alg HS256',   format('SELECT jwt.sign(%L, %L::jsonb, %L)', '{}', format('{"kty":"oct","k":"%s","alg":"HS512"}', :'b64'), 'HS256')),
  ('claims an array',            format('SELECT jwt.sign(%L, %L::bytea)', '[1,2]', :'k32')),
  ('claims a string',            format('SELECT jwt.sign(%L, %L::bytea)', '"x"', :'k32')),
  ('header an array',            format('SELECT jwt.sign(%L, %L::bytea, NULL, %L)', '{}', :'k32', '[]')),
  ('header a string',            format('SELECT jwt.sign(%L, %L::bytea, NULL, %L)', '{}', :'k32', '"x"')),
  ('header {} (nothing added)',  format('SELECT jwt.sign(%L, %L::bytea, NULL, %L) = jwt.sign(%L, %L::bytea)', '{}', :'k32', '{}', '{}', :'k32')),
  ('sign with a JWKS',           format('SELECT jwt.sign(%L, %L::jsonb)', '{}', format('{"keys":[{"kty":"oct","k":"%s"}]}', :'b32'))),
  ('sign with a one-key JWKS as text', format('SELECT jwt.sign(%L, %L::text)', '{}', format('{"keys":[{"kty":"oct","k":"%s"}]}', :'b32')))
) AS c(name, stmt);
-- sign must never produce a token that token_ext itself cannot read: for
-- each extra header, either sign refuses it, or jwt.decode accepts the
-- token it made ("consistent" must be true on every row)
SELECT left(c.header, 30) AS header,
       o.sign NOT LIKE 'OK %' OR t.outcome(format('SELECT jwt.decode(%L)', substr(o.sign, 4))) LIKE 'OK %' AS consistent
  FROM (VALUES (1, '{"b64":false}'), (2, '{"b64":false,"crit":["b64"]}'), (3, '{"zip":"DEF"}'),
               (4, '{"crit":[]}'), (5, '{"crit":["exp"]}'), (6, '{"crit":["x"],"x":1}'),
               (7, '{"typ":null}'), (8, '{"kid":1}'), (9, '{"cty":{}}'), (10, '{"kid":"' || repeat('k', 257) || '"}'),
               (11, '{"x":"\u00e9"}')) AS c(n, header),
       LATERAL (SELECT t.outcome(format('SELECT jwt.sign(%L, %L::bytea, NULL, %L)', '{}', :'k32', c.header)) AS sign) o
 ORDER BY c.n;
-- the refusals, with their texts
SELECT c.header, t.outcome(format('SELECT jwt.sign(%L, %L::bytea, NULL, %L)', '{}', :'k32', c.header)) AS sign
  FROM (VALUES (1, '{"b64":false}'), (2, '{"b64":false,"crit":["b64"]}'), (3, '{"zip":"DEF"}'),
               (4, '{"crit":[]}'), (5, '{"crit":["exp"]}'), (6, '{"crit":["x"],"x":1}')) AS c(n, header)
 ORDER BY c.n;
-- NULL claims or key give NULL (the functions are not STRICT but say so)
SELECT jwt.sign(NULL, :'k32'::bytea) IS NULL AS null_claims, jwt.sign('{}', NULL::bytea) IS NULL AS null_key,
       jwt.verify(NULL, :'k32'::bytea) IS NULL AS null_token, jwt.verify('a.b.c', NULL::bytea) IS NULL AS verify_null_key;
-- NULL alg or header mean the defaults
SELECT jwt.sign('{}', :'k32'::bytea, NULL, NULL) = jwt.sign('{}', :'k32'::bytea, 'HS256') AS null_defaults;

-- 7. the "typ" option of verify (B.34): case-insensitive, with an
-- optional "application/" prefix, on both sides
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, typ => %L)', c.token, :'k32', c.typ)) AS outcome
  FROM (VALUES
    ('typ JWT, expect "JWT"',                 jwt.sign('{}', :'k32'::bytea), 'JWT'),
    ('typ JWT, expect "jwt"',                 jwt.sign('{}', :'k32'::bytea), 'jwt'),
    ('typ JWT, expect "application/jwt"',     jwt.sign('{}', :'k32'::bytea), 'application/jwt'),
    ('typ JWT, expect "at+jwt"',              jwt.sign('{}', :'k32'::bytea), 'at+jwt'),
    ('typ at+jwt, expect "at+jwt"',           jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"at+jwt"}'), 'at+jwt'),
    ('typ at+JWT, expect "at+jwt"',           jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"at+JWT"}'), 'at+jwt'),
    ('typ application/at+jwt, expect "at+jwt"', jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"application/at+jwt"}'), 'at+jwt'),
    ('typ at+jwt, expect "application/AT+JWT"', jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"at+jwt"}'), 'application/AT+JWT'),
    ('typ "application/" only, expect "application/"', jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"application/"}'), 'application/'),
    ('typ at+jwt, expect "jwt"',              jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"at+jwt"}'), 'jwt'),
    ('typ at+jwtx, expect "at+jwt"',          jwt.sign('{}', :'k32'::bytea, NULL, '{"typ":"at+jwtx"}'), 'at+jwt'),
    ('no typ header, expect "JWT"',           t.forge('{"alg":"HS256"}', '{}', :'k32'), 'JWT'),
    ('no typ header, no expectation',         t.forge('{"alg":"HS256"}', '{}', :'k32'), NULL)
  ) AS c(name, token, typ);

-- 8. key selection in a JWKS by "kid" (C.48, C.49, I.117, I.119)
CREATE TEMP TABLE sv_jwks AS
SELECT format('{"keys":[{"kty":"oct","k":"%s","kid":"k1"},{"kty":"oct","k":"%s","kid":"k2"}]}',
              :'b32', t.b64url(('other ' || :'k32')::bytea))::jsonb AS jwks;
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', c.token, jwks)) AS outcome
  FROM sv_jwks, LATERAL (VALUES
    ('kid k1 selects the first key',       t.forge('{"alg":"HS256","kid":"k1"}', '{"k":1}', :'k32')),
    ('kid k2 selects the second key',      t.forge('{"alg":"HS256","kid":"k2"}', '{"k":2}', ('other ' || :'k32')::bytea)),
    ('kid k2 but MACed with k1''s secret', t.forge('{"alg":"HS256","kid":"k2"}', '{"k":2}', :'k32')),
    ('kid k3: no such key',                t.forge('{"alg":"HS256","kid":"k3"}', '{}', :'k32')),
    ('kid "K1": kids are case-sensitive',  t.forge('{"alg":"HS256","kid":"K1"}', '{}', :'k32')),
    ('kid "" matches no key',              t.forge('{"alg":"HS256","kid":""}', '{}', :'k32')),
    ('no kid: the second key matches',     t.forge('{"alg":"HS256"}', '{"k":2}', ('other ' || :'k32')::bytea)),
    ('no kid: no key matches',             t.forge('{"alg":"HS256"}', '{}', 'a third secret of 32 bytes .....')),
    ('no kid, HS512: no key is long enough', t.forge('{"alg":"HS512"}', '{}', (:'k32' || :'k32')::bytea, 'sha512'))
  ) AS c(name, token);
-- a single JWK ignores the token's kid (there is no choice to make)
SELECT jwt.verify(t.forge('{"alg":"HS256","kid":"whatever"}', '{"single":true}', :'k32'),
                  format('{"kty":"oct","k":"%s","kid":"k1"}', :'b32')::jsonb) AS single_jwk_ignores_kid;
-- two keys with the token's kid: ambiguous, refused without trying either
SELECT jwt.verify(t.forge('{"alg":"HS256","kid":"dup"}', '{}', :'k32'),
                  format('{"keys":[{"kty":"oct","k":"%s","kid":"dup"},{"kty":"oct","k":"%s","kid":"dup"}]}',
                         :'b32', :'b64')::jsonb);
-- keys bound to another algorithm are not candidates when no kid is given
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"picked":"k2"}', :'k32'),
                  format('{"keys":[{"kty":"oct","k":"%s","alg":"HS512"},{"kty":"oct","k":"%s","alg":"HS256"}]}',
                         :'b64', :'b32')::jsonb) AS skips_key_bound_to_hs512;
-- a kid-selected key bound to another algorithm is refused (no fall-through)
SELECT jwt.verify(t.forge('{"alg":"HS256","kid":"a"}', '{}', :'k32'),
                  format('{"keys":[{"kty":"oct","k":"%s","kid":"a","alg":"HS512"},{"kty":"oct","k":"%s","kid":"b"}]}',
                         :'b64', :'b32')::jsonb);

-- 9. key length (C.46, C.47): at least the hash length; longer than the
-- hash block is fine (hashed first, RFC 2104)
SELECT c.alg, c.len, t.outcome(format('SELECT jwt.sign(%L, %L::bytea, %L)', '{}', repeat('k', c.len), c.alg)) AS sign,
       t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)',
                        t.forge(format('{"alg":"%s"}', c.alg), '{}', repeat('k', c.len)::bytea, c.hash),
                        repeat('k', c.len), c.alg)) AS verify
  FROM (VALUES ('HS256', 31, 'sha256'), ('HS256', 32, 'sha256'),
               ('HS384', 47, 'sha384'), ('HS384', 48, 'sha384'),
               ('HS512', 63, 'sha512'), ('HS512', 64, 'sha512')) AS c(alg, len, hash);
-- a 47-byte JWK for HS384, and the same secret as text
SELECT t.outcome(format('SELECT jwt.sign(%L, %L::jsonb)', '{}', format('{"kty":"oct","k":"%s","alg":"HS384"}', t.b64url(repeat('k', 47)::bytea)))) AS jwk_47_hs384,
       t.outcome(format('SELECT jwt.sign(%L, %L::text, %L)', '{}', repeat('k', 63), 'HS512')) AS text_63_hs512;
-- long keys: 100 bytes (longer than the SHA-256 block) and 200 bytes (longer
-- than the SHA-512 block), against tokens computed by Python
SELECT jwt.sign('{"sub":"alice"}', repeat('L', 100)::bytea)
     = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.dUyOIvNsA0OMGSJHP4pKLPUZy_AJx4axbvxfT0DRP3Q' AS hs256_100_byte_key,
       jwt.sign('{"sub":"alice"}', repeat('M', 200)::bytea, 'HS384')
     = 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.LuE7DqCIDKyz_PdA0GZi8_N-UAwI5hUxaWM8NWgEuXcd7Xg0A5b2qp9I-_bRgDUJ' AS hs384_200_byte_key,
       jwt.sign('{"sub":"alice"}', repeat('M', 200), 'HS512')
     = 'eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.wBryHsSKj5tYsZIq7FiIVx68bncbi0fLodHEjjprVbrRdBYMbPBh02F27QMqs98Jd8UNKk46g7kpVWnvYvixKQ' AS hs512_200_byte_key;
SELECT jwt.verify('eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.wBryHsSKj5tYsZIq7FiIVx68bncbi0fLodHEjjprVbrRdBYMbPBh02F27QMqs98Jd8UNKk46g7kpVWnvYvixKQ',
                  format('{"kty":"oct","k":"%s"}', t.b64url(repeat('M', 200)::bytea))::jsonb, 'HS512') AS hs512_long_jwk;
-- the largest secret (8192 bytes) and one byte more
SELECT t.outcome(format('SELECT length(jwt.sign(%L, %L::bytea)) > 0', '{}', repeat('s', 8192))) AS secret_8192,
       t.outcome(format('SELECT length(jwt.sign(%L, %L::bytea)) > 0', '{}', repeat('s', 8193))) AS secret_8193;
-- an empty secret
SELECT jwt.sign('{}', ''::bytea);
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{}', ''::bytea), ''::text);

-- 10. claims survive the round trip exactly (types, Unicode, nesting)
SELECT jwt.verify(jwt.sign(c, :'k32'::bytea), :'k32'::bytea) = c AS round_trip_equal, c
  FROM (VALUES ('{"s":"é€😀","n":-1.50e3,"b":[true,false,null],"o":{"x":{"y":[]}},"esc":"a\"b\\c\nd\u0001"}'::jsonb),
               ('{}'::jsonb)) v(c);
