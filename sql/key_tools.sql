--
-- key_tools: jwt.generate_key, public_jwk, jwk_thumbprint, jwk_from_pem,
-- pem_from_jwk, jwks / jwks_agg, and the per-session key cache.  Generated
-- keys are random, so only their structure is asserted (members present,
-- decoded sizes, kid = thumbprint, and that they sign and verify); fixed
-- values come from RFC 7638 and from PEM files made with openssl.
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
-- the base64 DER body of a PEM block (an "x5c" entry)
CREATE FUNCTION pg_temp.der(pem text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT replace(regexp_replace(pem, '-----[A-Z ]+-----', '', 'g'), E'\n', '') $$;

-- 1. generate_key for every kind: kty, crv, alg (only for a JWS algorithm),
--    kid = its RFC 7638 thumbprint, and the decoded sizes of the members
--    (RSA's d, dp, dq and qi are minimal integers of varying size: present only)
CREATE TEMP TABLE gen AS
SELECT kind, jwt.generate_key(kind) AS jwk
  FROM unnest(ARRAY['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
                    'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'RSA', 'oct',
                    'P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'Ed448', 'X25519', 'X448']) WITH ORDINALITY u(kind, i);
SELECT kind, jwk->>'kty' AS kty, jwk->>'crv' AS crv, jwk->>'alg' AS alg,
       jwk->>'kid' = jwt.jwk_thumbprint(jwk) AS kid_is_thumbprint,
       (SELECT string_agg(m || '=' || length(pg_temp.unb64(jwk->>m)), ' ' ORDER BY m)
          FROM jsonb_object_keys(jwk) m
         WHERE m IN ('k', 'n', 'e', 'p', 'q', 'x', 'y') OR (m = 'd' AND jwk->>'kty' <> 'RSA')) AS member_bytes,
       (SELECT string_agg(m, ',' ORDER BY m) FROM jsonb_object_keys(jwk) m) AS members
  FROM gen ORDER BY kind;
-- every signing kind signs, and its public JWK verifies (HS* with itself)
SELECT kind,
       jwt.verify(jwt.sign('{"sub":"gen"}', jwk), CASE WHEN jwk->>'kty' = 'oct' THEN jwk ELSE jwt.public_jwk(jwk) END) = '{"sub":"gen"}' AS round_trip
  FROM gen WHERE kind NOT IN ('RSA', 'oct', 'X25519', 'X448') ORDER BY kind;
-- two calls give different keys
SELECT jwt.generate_key('ES256') <> jwt.generate_key('ES256') AS fresh_keys;

-- 2. bits: defaults above; allowed sizes; refused sizes and kinds
SELECT c.kind, c.bits, pg_temp.outcome(format('SELECT length(pg_temp.unb64(jwt.generate_key(%L, %s)->>%L))', c.kind, c.bits, c.member)) AS member_bytes
  FROM (VALUES ('RSA', 3072, 'n'), ('oct', 128, 'k'), ('oct', 4096, 'k'), ('HS256', 512, 'k'), ('HS512', 512, 'k'),
               ('RSA', 2047, 'n'), ('RSA', 1024, 'n'), ('RS256', 2049, 'n'), ('PS256', 8200, 'n'),
               ('oct', 120, 'k'), ('oct', 4104, 'k'), ('oct', 260, 'k'), ('HS256', 128, 'k'), ('HS384', 256, 'k'),
               ('ES256', 256, 'x'), ('Ed25519', 255, 'x'), ('RSA', -1, 'n')) c(kind, bits, member);
SELECT c.kind, pg_temp.outcome(format('SELECT jwt.generate_key(%L)', c.kind)) AS outcome
  FROM (VALUES ('none'), ('rs256'), ('P-192'), ('RSA1'), (''), ('Ed25519 ')) c(kind);

-- 3. public_jwk: private members dropped; kid, alg, use kept; key_ops
--    reduced to the operations of a public key; oct and JWKS refused
SELECT kind, jwt.public_jwk(jwk) ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] AS has_private_member,
       (SELECT string_agg(m, ',' ORDER BY m) FROM jsonb_object_keys(jwt.public_jwk(jwk)) m) AS members,
       jwt.jwk_thumbprint(jwt.public_jwk(jwk)) = jwk->>'kid' AS same_thumbprint
  FROM gen WHERE jwk->>'kty' <> 'oct' ORDER BY kind;
SELECT jwt.public_jwk(pg_temp.k('ec_jwk_priv')::jsonb || '{"kid":"k1","use":"sig","key_ops":["sign","verify"],"alg":"ES256"}') AS public_with_key_ops;
SELECT jwt.public_jwk(pg_temp.k('ec_jwk_priv')::jsonb || '{"key_ops":["sign"]}') AS public_of_sign_only;
SELECT jwt.public_jwk(pg_temp.k('ec_jwk')::jsonb) = pg_temp.k('ec_jwk')::jsonb AS public_of_public_is_itself;
SELECT c.name, pg_temp.outcome(format('SELECT jwt.public_jwk(%L::jsonb)', c.jwk)) AS outcome
  FROM (VALUES ('oct key',  '{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}'),
               ('a JWKS',   '{"keys":[' || pg_temp.k('ec_jwk') || ']}'),
               ('invalid key (y of 33 bytes)', replace(pg_temp.k('ec_jwk'), '"y":"', '"y":"A'))) c(name, jwk);

-- 4. jwk_thumbprint: RFC 7638 section 3.1's example, independent of member
--    order and of members outside the thumbprint's required set; the EC
--    thumbprint equals a SHA-256 computed here with pgcrypto
SELECT jwt.jwk_thumbprint('{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}') AS rfc7638_3_1;
SELECT jwt.jwk_thumbprint('{"e":"AQAB","kid":"2011-04-29","alg":"RS256","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","kty":"RSA","use":"sig"}')
       = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' AS reordered_with_extra_members;
SELECT jwt.jwk_thumbprint(j) = pg_temp.b64(digest(format('{"crv":"%s","kty":"EC","x":"%s","y":"%s"}', j->>'crv', j->>'x', j->>'y'), 'sha256')) AS ec_matches_pgcrypto,
       jwt.jwk_thumbprint(j || jsonb_build_object('d', pg_temp.k('ec_jwk_priv')::jsonb->>'d')) = jwt.jwk_thumbprint(j) AS private_same_as_public
  FROM (SELECT pg_temp.k('ec_jwk')::jsonb AS j) x;
SELECT jwt.jwk_thumbprint('{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}')
       = pg_temp.b64(digest('{"k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY","kty":"oct"}', 'sha256')) AS oct_matches_pgcrypto;

-- 5. jwk_from_pem and pem_from_jwk: PKCS#8 and SPKI PEM -> JWK -> PEM give the
--    same text back; other PEM forms come back as PKCS#8 / SPKI of the same
--    key; the JWK's members equal those Python computed, and kid = thumbprint
SELECT c.form,
       jwt.pem_from_jwk(jwt.jwk_from_pem(pg_temp.k(c.pem))) = pg_temp.k(c.pem) AS pem_round_trip,
       jwt.jwk_from_pem(pg_temp.k(c.pem)) - 'kid' = pg_temp.k(c.jwk)::jsonb AS jwk_equals_reference,
       jwt.jwk_from_pem(pg_temp.k(c.pem))->>'kid' = jwt.jwk_thumbprint(pg_temp.k(c.jwk)::jsonb) AS kid_is_thumbprint
  FROM (VALUES ('RSA PKCS#8', 'rsa_p8', 'rsa_jwk_priv'), ('RSA SPKI', 'rsa_spki', 'rsa_jwk'),
               ('EC PKCS#8', 'ec_p8', 'ec_jwk_priv'),    ('EC SPKI', 'ec_spki', 'ec_jwk'),
               ('Ed25519 PKCS#8', 'ed_p8', 'ed_jwk_priv'), ('Ed25519 SPKI', 'ed_spki', 'ed_jwk')) c(form, pem, jwk);
SELECT c.form, jwt.pem_from_jwk(jwt.jwk_from_pem(pg_temp.k(c.pem))) = pg_temp.k(c.canonical) AS becomes_canonical_pem
  FROM (VALUES ('RSA PKCS#1 private', 'rsa_pkcs1', 'rsa_p8'), ('RSA PKCS#1 public', 'rsa_pkcs1pub', 'rsa_spki'),
               ('RSA certificate', 'rsa_crt', 'rsa_spki'), ('EC SEC1 private', 'ec_sec1', 'ec_p8')) c(form, pem, canonical);
SELECT jwt.pem_from_jwk(pg_temp.k('rsa_jwk_priv')::jsonb) = pg_temp.k('rsa_p8') AS jwk_to_pkcs8,
       jwt.pem_from_jwk(pg_temp.k('rsa_jwk')::jsonb) = pg_temp.k('rsa_spki') AS jwk_to_spki,
       jwt.pem_from_jwk(jwt.public_jwk(pg_temp.k('ec_jwk_priv')::jsonb)) = pg_temp.k('ec_spki') AS public_jwk_to_spki;
SELECT c.name, pg_temp.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('jwk_from_pem of a JWK',          format('SELECT jwt.jwk_from_pem(%L)', pg_temp.k('ec_jwk'))),
    ('jwk_from_pem of a secret',       $$SELECT jwt.jwk_from_pem('0123456789abcdef0123456789abcdef')$$),
    ('jwk_from_pem of garbage PEM',    $$SELECT jwt.jwk_from_pem(E'-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')$$),
    ('pem_from_jwk of an oct key',     $$SELECT jwt.pem_from_jwk('{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}')$$),
    ('pem_from_jwk of a JWKS',         format('SELECT jwt.pem_from_jwk(%L::jsonb)', '{"keys":[' || pg_temp.k('ec_jwk') || ']}'))
  ) c(name, stmt);

-- 6. jwks and jwks_agg: a public set to publish.  Private members never
--    appear, a missing kid becomes the thumbprint, a given kid is kept; oct
--    keys and duplicate kids are refused
SELECT jwt.jwks(ARRAY[pg_temp.k('rsa_jwk_priv')::jsonb || '{"kid":"rsa-1","use":"sig"}',
                      pg_temp.k('ec_jwk_priv')::jsonb,
                      pg_temp.k('ed_jwk')::jsonb]) AS jwks;
SELECT jwt.jwks_agg(jwk) = jwt.jwks(array_agg(jwk)) AS agg_equals_jwks,
       jsonb_array_length(jwt.jwks_agg(jwk)->'keys') AS keys,
       bool_and(jwk->>'kid' = ks->>'kid') AS kids_kept,
       bool_and(NOT ks ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) AS no_private_members
  FROM gen, LATERAL (SELECT ks FROM jsonb_array_elements(jwt.jwks(ARRAY[gen.jwk])->'keys') ks) e
 WHERE jwk->>'kty' <> 'oct';
SELECT jwt.jwks('{}'::jsonb[]) AS empty_set, jwt.jwks_agg(x) AS agg_of_nothing FROM (SELECT NULL::jsonb AS x WHERE false) s;
SELECT c.name, pg_temp.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('oct key',                 $$SELECT jwt.jwks(ARRAY['{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}'::jsonb])$$),
    ('two keys with one kid',   format('SELECT jwt.jwks(ARRAY[%L::jsonb, %L::jsonb])', pg_temp.k('rsa_jwk')::jsonb || '{"kid":"a"}', pg_temp.k('ec_jwk')::jsonb || '{"kid":"a"}')),
    ('a kid equal to the other key''s thumbprint', format('SELECT jwt.jwks(ARRAY[%L::jsonb, %L::jsonb])', pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('kid', jwt.jwk_thumbprint(pg_temp.k('ec_jwk')::jsonb)), pg_temp.k('ec_jwk'))),
    ('the same key twice',      format('SELECT jwt.jwks(ARRAY[%L::jsonb, %L::jsonb])', pg_temp.k('ec_jwk'), pg_temp.k('ec_jwk_priv'))),
    ('a JWKS element',          format('SELECT jwt.jwks(ARRAY[%L::jsonb])', '{"keys":[' || pg_temp.k('ec_jwk') || ']}')),
    ('an invalid key',          format('SELECT jwt.jwks(ARRAY[%L::jsonb])', pg_temp.k('ec_jwk')::jsonb || '{"crv":"P-384"}')),
    ('jwks_agg with an oct key', $$SELECT jwt.jwks_agg(j) FROM (VALUES ('{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}'::jsonb)) v(j)$$)
  ) c(name, stmt);
-- a published set verifies tokens of its keys, selected by kid
SELECT jwt.verify(jwt.sign('{"sub":"pub"}', pg_temp.k('ec_jwk_priv')::jsonb || jsonb_build_object('kid', jwt.jwk_thumbprint(pg_temp.k('ec_jwk')::jsonb))),
                  jwt.jwks(ARRAY[pg_temp.k('rsa_jwk')::jsonb, pg_temp.k('ec_jwk_priv')::jsonb])) AS verified_by_published_set;

-- 7. The key cache: a repeated key is a hit; a changed key (one byte of the
--    JWK) is a different entry, never a stale hit, so the token signed with
--    the old key fails; clear_key_cache empties it
-- hits and misses count for the whole session, so each step shows the
-- change since the step before
CREATE TEMP TABLE last_stats AS SELECT hits, misses FROM jwt.key_cache_stats();
CREATE FUNCTION pg_temp.step() RETURNS TABLE (entries bigint, new_hits bigint, new_misses bigint)
LANGUAGE plpgsql AS $$
DECLARE s record; l record;
BEGIN
  SELECT * INTO s FROM jwt.key_cache_stats();
  SELECT * INTO l FROM pg_temp.last_stats;
  UPDATE pg_temp.last_stats SET hits = s.hits, misses = s.misses;
  RETURN QUERY SELECT s.entries, s.hits - l.hits, s.misses - l.misses;
END $$;
SELECT jwt.clear_key_cache();
SELECT entries, bytes FROM jwt.key_cache_stats();
SELECT * FROM pg_temp.step();
CREATE TEMP TABLE cache_tok AS SELECT jwt.sign('{"sub":"cache"}', pg_temp.k('ec_jwk_priv')::jsonb) AS tok;
SELECT * FROM pg_temp.step();
SELECT jwt.verify(tok, pg_temp.k('ec_jwk')::jsonb) AS first_verify FROM cache_tok;
SELECT * FROM pg_temp.step();
SELECT jwt.verify(tok, pg_temp.k('ec_jwk')::jsonb) AS second_verify FROM cache_tok;
SELECT * FROM pg_temp.step();
-- the same key with one byte of x changed: a miss, and the new key is refused
-- (its point is off the curve), never the cached one used
SELECT pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, pg_temp.flip(pg_temp.k('ec_jwk'), 'x', 5))) AS changed_key
  FROM cache_tok;
SELECT * FROM pg_temp.step();
-- another valid P-256 key in place of the old one: a miss, and the signature fails
SELECT pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, pg_temp.k('ec2_jwk'))) AS other_key
  FROM cache_tok;
SELECT * FROM pg_temp.step();
-- the signing key with one byte of d changed: a miss, and refused (d no
-- longer matches the point), so nothing is signed with a stale key
SELECT pg_temp.outcome(format('SELECT jwt.sign(''{}'', %L::jsonb)', pg_temp.flip(pg_temp.k('ec_jwk_priv'), 'd', 5))) AS changed_private_key;
SELECT * FROM pg_temp.step();
-- the same JWK as text is another entry (keyed by type and bytes)
SELECT jwt.verify(tok, pg_temp.k('ec_jwk')) AS as_text FROM cache_tok;
SELECT * FROM pg_temp.step();
-- after clear_key_cache, the first use is a miss again
SELECT jwt.clear_key_cache();
SELECT entries, bytes FROM jwt.key_cache_stats();
SELECT jwt.verify(tok, pg_temp.k('ec_jwk')::jsonb) AS after_clear FROM cache_tok;
SELECT * FROM pg_temp.step();
