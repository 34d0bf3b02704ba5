-- errors.sql: each main error class raises its documented SQLSTATE with
-- its fixed message (src/core/status.c, src/pg/errors.c).  Tokens with a
-- wrong header or claim are signed correctly (pgcrypto's hmac), so the
-- check under test, not the signature, is what fails.  try_verify reports
-- a bad token instead of raising, but still raises for a bad key.
BEGIN;
SELECT plan(36);

-- helpers for this transaction only
CREATE FUNCTION pg_temp.b64url(b bytea) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$SELECT translate(encode(b, 'base64'), E'+/=\n', '-_')$$;
-- a compact HS256 JWS of raw header and payload texts, independently of token_ext
CREATE FUNCTION pg_temp.hs256(header text, payload text, secret text) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$SELECT s || '.' || pg_temp.b64url(hmac(s, secret, 'sha256'))
        FROM (SELECT pg_temp.b64url(convert_to(header, 'UTF8')) || '.' ||
                     pg_temp.b64url(convert_to(payload, 'UTF8')) AS s) t$$;

CREATE TEMP TABLE k AS SELECT 'a-secret-of-at-least-32-bytes!!!'::text AS secret;

-- the helper agrees with token_ext (else every test below is meaningless)
SELECT is(pg_temp.hs256('{"alg":"HS256","typ":"JWT"}', '{"sub":"x"}', secret),
          jwt.sign('{"sub":"x"}', secret), 'the independent HS256 builder matches jwt.sign')
  FROM k;

-- 22P02: malformed input
SELECT throws_ok($$SELECT jwt.verify('abc.def', (SELECT secret FROM k))$$, '22P02', 'malformed token',
  'two segments: malformed token');
SELECT throws_ok($$SELECT jwt.verify('a.b.c.d.e', (SELECT secret FROM k))$$, '22P02', 'token is a JWE, not a JWS',
  'five segments: a JWE');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256"}', '{}', secret) || '=', secret) FROM k$$,
  '22P02', 'malformed base64url in token', 'padding in the signature: malformed base64url');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256","alg":"HS256"}', '{}', secret), secret) FROM k$$,
  '22P02', 'malformed JSON in token', 'duplicate header member: malformed JSON');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256"}', '{"a":1,"\u0061":2}', secret), secret) FROM k$$,
  '22P02', 'malformed JSON in token', 'escaped duplicate claim: malformed JSON');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"typ":"JWT"}', '{}', secret), secret) FROM k$$,
  '22P02', 'invalid token header', 'no alg: invalid token header');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256","zip":"DEF"}', '{}', secret), secret) FROM k$$,
  '22P02', 'invalid token header', 'zip in a JWS: invalid token header');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"exp":"9999999999"}', secret), secret) FROM k$$,
  '22P02', 'invalid claim', 'string exp: invalid claim');

-- 22023: algorithm, key and argument errors
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"none"}', '{}', secret), secret) FROM k$$,
  '22023', 'algorithm "none" is not allowed', 'alg none in a token');
SELECT throws_ok($$SELECT jwt.sign('{}', secret, 'none') FROM k$$,
  '22023', 'algorithm "none" is not allowed', 'signing with none');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), secret, alg => 'none') FROM k$$,
  '22023', 'algorithm "none" is not allowed', 'allowing none');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS999"}', '{}', secret), secret) FROM k$$,
  '22023', 'unsupported algorithm', 'unknown alg in a token');
SELECT throws_ok($$SELECT jwt.sign('{}', secret, 'hs256') FROM k$$,
  '22023', 'unsupported algorithm', 'algorithm names are case-sensitive');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), secret, alg => 'HS512') FROM k$$,
  '22023', 'algorithm not allowed', 'HS256 token, HS512 allowed');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"RS256"}', '{}', secret), secret, alg => 'RS256,HS256') FROM k$$,
  '22023', 'algorithm not allowed', 'algorithm confusion: an HMAC secret never verifies RS256');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', 'short'::text), 'short'::text)$$,
  '22023', 'invalid key', 'a 5-byte HS256 secret is refused');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), '{"kty":"oct","k":"AA"}'::bytea) FROM k$$,
  '22023', 'invalid key', 'a JWK passed as bytea is refused');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), '{"kty":"oct"}'::jsonb) FROM k$$,
  '22023', 'invalid key', 'a JWK without k is refused');
SELECT throws_ok($$SELECT jwt.sign('[1]', secret) FROM k$$,
  '22023', 'invalid argument', 'claims must be an object');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), secret, leeway => '-1 second') FROM k$$,
  '22023', 'invalid argument', 'negative leeway');

-- 28000: the token is not acceptable
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), secret || 'x') FROM k$$,
  '28000', 'signature verification failed', 'wrong secret');
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256","kid":"nope"}', '{}', secret),
                   jsonb_build_object('keys', jsonb_build_array(jsonb_build_object('kty', 'oct', 'kid', 'k1',
                     'k', pg_temp.b64url(convert_to(secret, 'UTF8')))))) FROM k$$,
  '28000', 'no matching key', 'unknown kid in a JWKS');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"exp":1000}', secret), secret) FROM k$$,
  '28000', 'token has expired', 'exp in 1970');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"nbf":99999999999}', secret), secret) FROM k$$,
  '28000', 'token is not yet valid', 'nbf far ahead');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"iat":99999999999}', secret), secret) FROM k$$,
  '28000', 'token was issued in the future', 'iat far ahead');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"aud":["a","b"]}', secret), secret, audience => 'c') FROM k$$,
  '28000', 'audience mismatch', 'audience not listed');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"iss":"joe"}', secret), secret, issuer => 'Joe') FROM k$$,
  '28000', 'issuer mismatch', 'issuer compares exactly');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{"sub":"x"}', secret), secret, required => ARRAY['sub','jti']) FROM k$$,
  '28000', 'missing required claim', 'jti required');
SELECT throws_ok($$SELECT jwt.verify(jwt.sign('{}', secret), secret, typ => 'at+jwt') FROM k$$,
  '28000', 'token type mismatch', 'typ JWT, at+jwt expected');

-- 0A000 and 54000
SELECT throws_ok($$SELECT jwt.verify(pg_temp.hs256('{"alg":"HS256","crit":["exp"],"exp":1}', '{}', secret), secret) FROM k$$,
  '0A000', 'unsupported critical header parameter', 'crit names a parameter token_ext does not implement');
SET LOCAL token_ext.max_token_size = 256;
SELECT throws_ok($$SELECT jwt.verify(jwt.sign(jsonb_build_object('pad', repeat('x', 300)), secret), secret) FROM k$$,
  '54000', 'input exceeds a limit', 'a token over token_ext.max_token_size');
RESET token_ext.max_token_size;

-- try_verify: a bad token is a row, a bad key still raises
SELECT results_eq(
  $$SELECT valid, error, payload FROM jwt.try_verify(jwt.sign('{"exp":1000}', (SELECT secret FROM k)), (SELECT secret FROM k))$$,
  $$VALUES (false, 'token has expired', '{"exp":1000}'::jsonb)$$,
  'try_verify: an expired token is invalid, its verified claims shown');
SELECT results_eq(
  $$SELECT valid, error, payload FROM jwt.try_verify(jwt.sign('{"a":1}', (SELECT secret FROM k)), (SELECT secret FROM k) || 'x')$$,
  $$VALUES (false, 'signature verification failed', NULL::jsonb)$$,
  'try_verify: no payload when the signature fails');
SELECT throws_ok($$SELECT * FROM jwt.try_verify('x.y.z', '{"kty":"oct"}'::jsonb)$$,
  '22023', 'invalid key', 'try_verify still raises for a malformed key');
-- a secret too short for HS256 is the caller's mistake too, not a bad token
SELECT throws_ok($$SELECT t.* FROM k, jwt.try_verify(jwt.sign('{}', k.secret), 'short'::text) t$$,
  '22023', 'invalid key', 'try_verify still raises for a too-short secret');

SELECT * FROM finish();
ROLLBACK;
