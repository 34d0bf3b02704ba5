--
-- asym_eddsa: EdDSA (RFC 8037) with Ed25519 and Ed448.  EdDSA signatures are
-- deterministic, so tokens are compared byte for byte with RFC 8037's
-- Appendix A example and with tokens Python's cryptography package made
-- from the fixed keys.  Negative cases follow security.md section 8 G
-- (G.92-G.95) and C.52.
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

-- RFC 8037 Appendix A.1: the Ed25519 private key; A.2 its public key
\set rfc_d 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A'
\set rfc_x '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'
-- A.4: the JWS of the payload "Example of Ed25519 signing"
\set rfc_jws 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg'
CREATE TEMP TABLE rfc AS
SELECT format('{"kty":"OKP","crv":"Ed25519","d":"%s","x":"%s"}', :'rfc_d', :'rfc_x')::jsonb AS priv,
       format('{"kty":"OKP","crv":"Ed25519","x":"%s"}', :'rfc_x')::jsonb AS pub;

-- Python-made tokens over {"sub":"eddsa"} with the fixed keys, header {"alg":"EdDSA","typ":"JWT"}
\set ed25519_ref 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlZGRzYSJ9.95uNQ7VzB1QMpYDW66xmyRdSJROlYAb2ZiDQiUC6BEg0YtP1qbqolEvh3ihCczPra8H470DsQ58IuWHpkmObDw'
\set ed448_ref 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlZGRzYSJ9.TZDAE3KlG2D1HMZ2ctL-u4CFQSsQVSrLx0fegV81pbOtaSo5ir1ADs9QsvR69E0bJkXp28i2Xn6AP2rguLF8KlRsqI7hTzsXjXVZNZYBBsMAgMHvJXo0xOiI5vzdP9Smfrg-ndfejFe6LFfxWGFaCDsA'

-- 1. RFC 8037 A.3: the key's RFC 7638 thumbprint
SELECT jwt.jwk_thumbprint(pub) AS rfc8037_a3_thumbprint,
       jwt.jwk_thumbprint(pub) = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' AS matches_rfc
  FROM rfc;

-- 2. RFC 8037 A.4 reproduced byte for byte (sign_raw adds no "typ", and the
--    JWK has no "kid", so the header is exactly {"alg":"EdDSA"}), and A.5:
--    verified with the public key, the payload comes back
SELECT jwt.sign_raw(convert_to('Example of Ed25519 signing', 'UTF8'), priv, 'EdDSA') AS rfc8037_a4_jws,
       jwt.sign_raw(convert_to('Example of Ed25519 signing', 'UTF8'), priv, 'EdDSA') = :'rfc_jws' AS matches_rfc,
       jwt.sign_raw(convert_to('Example of Ed25519 signing', 'UTF8'), priv) = :'rfc_jws' AS matches_with_default_alg
  FROM rfc;
SELECT convert_from(jwt.verify_raw(:'rfc_jws', pub), 'UTF8') AS rfc8037_a5_payload,
       convert_from(jwt.verify_raw(:'rfc_jws', priv), 'UTF8') AS with_private_key,
       convert_from(jwt.verify_raw(:'rfc_jws', pub, 'EdDSA'), 'UTF8') AS with_alg_eddsa
  FROM rfc;

-- 3. Round trips with the fixed Ed25519 and Ed448 keys: token_ext's token is
--    Python's, and verifies with the public JWK and the SPKI PEM
SELECT c.crv,
       jwt.sign('{"sub":"eddsa"}', c.priv::jsonb) = c.ref AS jwk_signs_reference,
       jwt.sign('{"sub":"eddsa"}', c.p8) = c.ref AS pem_signs_reference,
       jwt.verify(c.ref, c.pub::jsonb) AS verified_jwk,
       jwt.verify(c.ref, c.spki) AS verified_pem,
       length(pg_temp.sig(c.ref)) AS signature_bytes
  FROM (VALUES ('Ed25519', pg_temp.k('ed25519_jwk_priv'), pg_temp.k('ed25519_p8'), pg_temp.k('ed25519_jwk'), pg_temp.k('ed25519_spki'), :'ed25519_ref'),
               ('Ed448',   pg_temp.k('ed448_jwk_priv'),   pg_temp.k('ed448_p8'),   pg_temp.k('ed448_jwk'),   pg_temp.k('ed448_spki'),   :'ed448_ref')
       ) c(crv, priv, p8, pub, spki, ref);

-- 4. G.93: signatures of the wrong length, and altered signatures
SELECT c.name, length(c.sig) AS bytes,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', pg_temp.resig(c.tok, c.sig), c.key)) AS outcome
  FROM (SELECT *, pg_temp.k('ed25519_jwk') AS key, :'ed25519_ref' AS tok FROM (VALUES
          ('G.93 Ed25519, last byte truncated',    substr(pg_temp.sig(:'ed25519_ref'), 1, 63)),
          ('G.93 Ed25519, trailing 0x00 appended', pg_temp.sig(:'ed25519_ref') || '\x00'::bytea),
          ('G.93 Ed25519, leading 0x00 prepended', '\x00'::bytea || pg_temp.sig(:'ed25519_ref')),
          ('Ed25519, empty',                       ''::bytea),
          ('Ed25519, all zero',                    decode(repeat('00', 64), 'hex')),
          ('Ed25519, one bit of R flipped',        set_byte(pg_temp.sig(:'ed25519_ref'), 0, get_byte(pg_temp.sig(:'ed25519_ref'), 0) # 1)),
          ('Ed25519, one bit of S flipped',        set_byte(pg_temp.sig(:'ed25519_ref'), 40, get_byte(pg_temp.sig(:'ed25519_ref'), 40) # 1))
        ) v(name, sig)
        UNION ALL
        SELECT *, pg_temp.k('ed448_jwk'), :'ed448_ref' FROM (VALUES
          ('Ed448, last byte truncated',           substr(pg_temp.sig(:'ed448_ref'), 1, 113)),
          ('Ed448, trailing 0x00 appended',        pg_temp.sig(:'ed448_ref') || '\x00'::bytea),
          ('Ed448, one bit flipped',               set_byte(pg_temp.sig(:'ed448_ref'), 60, get_byte(pg_temp.sig(:'ed448_ref'), 60) # 1))
        ) v(name, sig)) c;

-- 5. Malleability: S + L (L = 2^252 + 27742317777372353535851937790883648493,
--    the order of the base point) is the same value mod L but not canonical;
--    RFC 8032 5.1.7 requires S < L, so the twin is refused (unlike ECDSA's
--    high-S twin, see asym_ecdsa).  S is little-endian.
CREATE FUNCTION pg_temp.le_plus_l(s bytea, times int) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  v numeric := 0;
  l numeric := 2::numeric ^ 252 + 27742317777372353535851937790883648493;
  out bytea := decode(repeat('00', 32), 'hex');
BEGIN
  FOR i IN REVERSE 31 .. 0 LOOP v := v * 256 + get_byte(s, i); END LOOP;
  v := v + times * l;
  FOR i IN 0 .. 31 LOOP out := set_byte(out, i, (v % 256)::int); v := div(v, 256); END LOOP;
  RETURN out;
END $$;
SELECT m.times AS l_added, pg_temp.outcome(format('SELECT convert_from(jwt.verify_raw(%L, %L::jsonb), ''UTF8'')',
         pg_temp.resig(:'rfc_jws', substr(pg_temp.sig(:'rfc_jws'), 1, 32) || pg_temp.le_plus_l(substr(pg_temp.sig(:'rfc_jws'), 33), m.times)),
         pub)) AS outcome
  FROM rfc, (VALUES (0), (1)) m(times);

-- 6. G.92: X25519 is a key-agreement key; it never signs or verifies EdDSA
SELECT c.name, pg_temp.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('G.92 verify EdDSA with an X25519 key',              format('SELECT jwt.verify(%L, %L::jsonb)', :'ed25519_ref', pg_temp.k('x25519_jwk'))),
    ('G.92 verify EdDSA with an X25519 key, alg => EdDSA', format('SELECT jwt.verify(%L, %L::jsonb, alg => ''EdDSA'')', :'ed25519_ref', pg_temp.k('x25519_jwk'))),
    ('G.92 sign EdDSA with an X25519 key',                format('SELECT jwt.sign(''{}'', %L::jsonb, ''EdDSA'')', pg_temp.k('x25519_jwk_priv'))),
    ('G.92 sign with an X25519 key, no alg',              format('SELECT jwt.sign(''{}'', %L::jsonb)', pg_temp.k('x25519_jwk_priv')))
  ) c(name, stmt);

-- 7. G.94 and C.52: the curve must fit.  EdDSA names no curve, so an Ed448
--    key may be asked to verify an Ed25519 signature: it fails as a signature.
--    RFC 9864's fully-specified "Ed25519" is not supported.
SELECT c.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb%s)', c.tok, c.key, c.opt)) AS outcome
  FROM (VALUES
    ('Ed25519 token, Ed448 key',              :'ed25519_ref', pg_temp.k('ed448_jwk'), ''),
    ('Ed448 token, Ed25519 key',              :'ed448_ref',   pg_temp.k('ed25519_jwk'), ''),
    ('Ed25519 token, another Ed25519 key',    :'ed25519_ref', (SELECT pub::text FROM rfc), ''),
    ('EdDSA token, P-256 key',                :'ed25519_ref', pg_temp.k('p256_jwk'), ''),
    ('EdDSA token, P-256 key, alg => EdDSA',  :'ed25519_ref', pg_temp.k('p256_jwk'), ', alg => ''EdDSA'''),
    ('EdDSA token, Ed25519 key, alg => ES256', :'ed25519_ref', pg_temp.k('ed25519_jwk'), ', alg => ''ES256'''),
    ('G.94 header alg "Ed25519" (RFC 9864)',  pg_temp.rehead(:'ed25519_ref', '{"alg":"Ed25519","typ":"JWT"}'), pg_temp.k('ed25519_jwk'), ''),
    ('G.94 header alg "Ed448" (RFC 9864)',    pg_temp.rehead(:'ed448_ref', '{"alg":"Ed448","typ":"JWT"}'), pg_temp.k('ed448_jwk'), ''),
    ('G.94 alg => ''Ed25519''',               :'ed25519_ref', pg_temp.k('ed25519_jwk'), ', alg => ''Ed25519'''),
    ('header alg "eddsa" (case)',             pg_temp.rehead(:'ed25519_ref', '{"alg":"eddsa","typ":"JWT"}'), pg_temp.k('ed25519_jwk'), ''),
    ('claims altered',                        pg_temp.b64(convert_to('{"alg":"EdDSA","typ":"JWT"}', 'UTF8')) || '.' || pg_temp.b64(convert_to('{"sub":"admin"}', 'UTF8')) || '.' || split_part(:'ed25519_ref', '.', 3), pg_temp.k('ed25519_jwk'), '')
  ) c(name, tok, key, opt);

-- 8. G.95: a private JWK whose d is not x's is refused before any signing
SELECT pg_temp.outcome(format('SELECT jwt.sign(''{}'', %L::jsonb)',
         jsonb_build_object('kty', 'OKP', 'crv', 'Ed25519', 'd', :'rfc_d', 'x', pg_temp.k('ed25519_jwk')::jsonb->>'x'))) AS rfc_d_with_other_x;

-- G: public keys of small order are refused: with one, R = identity and S = 0
-- verify for every message.  The identity (y = 1), y = 0, y = -1, an order-8
-- point (with x's sign bit set), a non-canonical 1 (p + 1), and Ed448's y = 1.
SELECT x AS small_order_x,
       (SELECT pg_temp.outcome(format('SELECT jwt.public_jwk(%L::jsonb)',
                                jsonb_build_object('kty', 'OKP', 'crv', crv, 'x', x)))) AS outcome
  FROM (VALUES
    ('Ed25519', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
    ('Ed25519', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
    ('Ed25519', '7P_______________________________________38'),
    ('Ed25519', 'JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_IU'),
    ('Ed25519', '7v_______________________________________38'),
    ('Ed448', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
  ) v(crv, x);
