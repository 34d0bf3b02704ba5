--
-- asym_ecdsa: ES256, ES384, ES512 and ES256K with fixed keys.  Signatures
-- are randomised, so no token token_ext signs appears here: round trips
-- assert that verification returns the claims, and fixed tokens made with
-- Python's cryptography package are the targets of the attacks of
-- security.md section 8 D (items D.63-D.70 and C.52): the JWS signature is
-- R || S of exactly twice the coordinate size with 0 < R, S < n, never DER.
--
-- The group orders n are the published constants (SEC 2 / FIPS 186-4, as
-- printed by `openssl ecparam -param_enc explicit -text`), written out here
-- rather than taken from the code under test.
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
-- big-endian unsigned bytes <-> numeric, for arithmetic on r, s and n
CREATE FUNCTION pg_temp.num(b bytea) RETURNS numeric LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE v numeric := 0;
BEGIN
  FOR i IN 0 .. length(b) - 1 LOOP v := v * 256 + get_byte(b, i); END LOOP;
  RETURN v;
END $$;
CREATE FUNCTION pg_temp.bytes(v numeric, len int) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE b bytea := decode(repeat('00', len), 'hex');
BEGIN
  IF v < 0 OR v >= 256::numeric ^ len THEN RAISE EXCEPTION 'value does not fit % bytes', len; END IF;
  FOR i IN REVERSE len - 1 .. 0 LOOP b := set_byte(b, i, (v % 256)::int); v := div(v, 256); END LOOP;
  RETURN b;
END $$;

-- Python-made tokens over {"sub":"ecdsa"}, header {"alg":..,"typ":"JWT"}
CREATE TEMP TABLE ref (alg text PRIMARY KEY, tok text NOT NULL, n numeric NOT NULL, half int NOT NULL);
INSERT INTO ref VALUES
  ('ES256', 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlY2RzYSJ9.e9yA7t7aJD2VIMSu2YnOQZ6KOcZIImkjD3OKU_K83bJBL1uAiiSFDMSW_YhLTBuyg2bVq9Omvg3IwJPGyhdPmA',
   pg_temp.num('\xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'::bytea), 32),
  ('ES384', 'eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlY2RzYSJ9.HU4La_4SzOCIPNwMHSUdKpbg2mU1OB_Kg2vxWJGGw53mHCJyouOpaRyeDQ3wknbZEr9sumIUMSaLS090TU7cGOIz8Ko92wgnx66TDs_jZ3qlr286w90RP_afvN7goupI',
   pg_temp.num('\xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'::bytea), 48),
  ('ES512', 'eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlY2RzYSJ9.AEgSyJyG3dgbxZFu76t6FK1EtLC6AS8Ewl4465L4-CjQs4QNSr84GgyYVp_EVlVUO8fHL85TvB4s2D2uxqCE6tUgAMVvKYQbDdHTkuObWgF9Z4_muztRSRVIFeKeFFauZfT4ROG2DgIIjya3Zj_hZ0__KCaypGj4QV_gZjOfckp1tJck',
   pg_temp.num('\x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409'::bytea), 66),
  ('ES256K', 'eyJhbGciOiJFUzI1NksiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJlY2RzYSJ9.EGwnwwpH96z8JZkiNldUHzokGG8U0syufRxrApLnwYLu6OTPJ_4fsstj4zMgP8YbHHN9dO38KDJ_ZoSZEVLTfg',
   pg_temp.num('\xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'::bytea), 32);
-- the public key of each algorithm's curve, and r and s of a signature
CREATE FUNCTION pg_temp.pub(alg text) RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT pg_temp.k(CASE alg WHEN 'ES256' THEN 'p256_jwk' WHEN 'ES384' THEN 'p384_jwk'
                                WHEN 'ES512' THEN 'p521_jwk' WHEN 'ES256K' THEN 'k256_jwk' END) $$;
CREATE FUNCTION pg_temp.r(tok text, half int) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT substr(pg_temp.sig(tok), 1, half) $$;
CREATE FUNCTION pg_temp.s(tok text, half int) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT substr(pg_temp.sig(tok), half + 1) $$;
-- DER (X.690) encoding of ECDSA-Sig-Value {r, s} for short lengths (P-256)
CREATE FUNCTION pg_temp.der_int(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT '\x02'::bytea || set_byte('\x00'::bytea, 0, length(v)) || v
        FROM (SELECT CASE WHEN get_byte(t, 0) >= 128 THEN '\x00'::bytea || t ELSE t END AS v
                FROM (SELECT substr(b, coalesce(nullif(length(ltrim(encode(b, 'hex'), '0')), 0), 1)) AS x,
                             b AS orig) y,
                     LATERAL (SELECT substr(orig, length(orig) - (length(ltrim(encode(orig, 'hex'), '0')) + 1) / 2 + 1) AS t) z) w $$;
CREATE FUNCTION pg_temp.der_sig(r bytea, s bytea) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT '\x30'::bytea || set_byte('\x00'::bytea, 0, length(body)) || body
        FROM (SELECT pg_temp.der_int(r) || pg_temp.der_int(s) AS body) x $$;

-- 1. Round trips: sign with the private JWK or PEM, verify with the public
--    JWK or PEM.  ECDSA is randomised: two signatures differ, both verify.
SELECT a.alg, a.crv,
       jwt.verify(x.t1, pg_temp.pub(a.alg)::jsonb) = '{"sub":"ecdsa"}' AS verifies_jwk,
       jwt.verify(x.t2, a.spki) = '{"sub":"ecdsa"}' AS verifies_pem,
       (jwt.decode(x.t1)).header AS header,
       length(pg_temp.sig(x.t1)) AS signature_bytes,
       x.t1 <> x.t2 AS randomised
  FROM (VALUES ('ES256', 'P-256', pg_temp.k('p256_jwk_priv'), pg_temp.k('p256_p8'), pg_temp.k('p256_spki')),
               ('ES384', 'P-384', pg_temp.k('p384_jwk_priv'), pg_temp.k('p384_p8'), pg_temp.k('p384_spki')),
               ('ES512', 'P-521', pg_temp.k('p521_jwk_priv'), pg_temp.k('p521_p8'), pg_temp.k('p521_spki')),
               ('ES256K', 'secp256k1', pg_temp.k('k256_jwk_priv'), pg_temp.k('k256_p8'), pg_temp.k('k256_spki'))) a(alg, crv, jwk, p8, spki),
       LATERAL (SELECT jwt.sign('{"sub":"ecdsa"}', a.jwk::jsonb) AS t1,
                       jwt.sign('{"sub":"ecdsa"}', a.p8) AS t2) x;
-- the bit lengths of the orders above are the curves' (a check of the constants)
SELECT alg, half, length(pg_temp.sig(tok)) = 2 * half AS signature_is_2_half,
       n < 256::numeric ^ half AND n > 256::numeric ^ (half - 1) AS n_fits_half
  FROM ref ORDER BY alg;

-- 2. The Python-made tokens verify (interoperability)
SELECT alg, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, pg_temp.pub(alg))) AS outcome
  FROM ref ORDER BY alg;

-- 3. D.63, D.64: r, s in {0, 1, n-1, n}, all 16 pairs, ES256 (CVE-2022-21449
--    "psychic signatures": r = s = 0 must never verify)
SELECT rv.name AS r, sv.name AS s,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         pg_temp.resig(ref.tok, pg_temp.bytes(rv.v, 32) || pg_temp.bytes(sv.v, 32)), pg_temp.pub('ES256'))) AS outcome
  FROM ref,
       LATERAL (VALUES (1, '0', 0::numeric), (2, '1', 1), (3, 'n-1', ref.n - 1), (4, 'n', ref.n)) rv(i, name, v),
       LATERAL (VALUES (1, '0', 0::numeric), (2, '1', 1), (3, 'n-1', ref.n - 1), (4, 'n', ref.n)) sv(i, name, v)
 WHERE ref.alg = 'ES256'
 ORDER BY rv.i, sv.i;

-- 4. D.68: one of r, s valid and the other 0, n, n + 1 or 2^256 - 1 (> n),
--    for every curve; r + n and s + n (the same value mod n, unreduced)
--    where they fit in the coordinate size (always for P-521)
SELECT ref.alg, m.mutation,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         pg_temp.resig(ref.tok, pg_temp.bytes(m.r, ref.half) || pg_temp.bytes(m.s, ref.half)), pg_temp.pub(ref.alg))) AS outcome
  FROM ref,
       LATERAL (SELECT pg_temp.num(pg_temp.r(ref.tok, ref.half)) AS r, pg_temp.num(pg_temp.s(ref.tok, ref.half)) AS s) v,
       LATERAL (VALUES
         ('r = 0 alone',              0::numeric, v.s),
         ('s = 0 alone',              v.r, 0::numeric),
         ('r = n',                    ref.n, v.s),
         ('s = n',                    v.r, ref.n),
         ('r = n + 1',                ref.n + 1, v.s),
         ('s = n + 1',                v.r, ref.n + 1),
         ('r = 2^(8 half) - 1 (> n)', 256::numeric ^ ref.half - 1, v.s),
         ('s = 2^(8 half) - 1 (> n)', v.r, 256::numeric ^ ref.half - 1),
         ('r + n (n when r + n does not fit)',        CASE WHEN v.r + ref.n < 256::numeric ^ ref.half THEN v.r + ref.n ELSE ref.n END, v.s),
         ('s + n (n when s + n does not fit)',        v.r, CASE WHEN v.s + ref.n < 256::numeric ^ ref.half THEN v.s + ref.n ELSE ref.n END)
       ) m(mutation, r, s)
 ORDER BY ref.alg, m.mutation;

-- 5. D.65-D.67: signature lengths other than exactly 2 x the coordinate size
SELECT ref.alg, m.mutation, length(m.sig) AS bytes,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', pg_temp.resig(ref.tok, m.sig), pg_temp.pub(ref.alg))) AS outcome
  FROM ref,
       LATERAL (VALUES
         ('last byte truncated',   substr(pg_temp.sig(ref.tok), 1, 2 * ref.half - 1)),
         ('leading 0x00 prepended', '\x00'::bytea || pg_temp.sig(ref.tok)),
         ('trailing 0x00 appended', pg_temp.sig(ref.tok) || '\x00'::bytea),
         ('signature twice',        pg_temp.sig(ref.tok) || pg_temp.sig(ref.tok)),
         ('empty',                  ''::bytea)
       ) m(mutation, sig)
 WHERE ref.alg IN ('ES256', 'ES384')
 ORDER BY ref.alg, m.mutation;
-- ES512 must be 132 bytes: 130, 131 and 133 are refused (jsrsasign #627)
SELECT m.mutation, length(m.sig) AS bytes,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', pg_temp.resig(ref.tok, m.sig), pg_temp.pub('ES512'))) AS outcome
  FROM ref,
       LATERAL (VALUES
         ('r and s of 65 bytes (leading byte of each dropped)', substr(pg_temp.r(ref.tok, 66), 2) || substr(pg_temp.s(ref.tok, 66), 2)),
         ('last byte truncated',                                substr(pg_temp.sig(ref.tok), 1, 131)),
         ('trailing 0x00 appended',                             pg_temp.sig(ref.tok) || '\x00'::bytea)
       ) m(mutation, sig)
 WHERE ref.alg = 'ES512';
-- D.65: the same (r, s) DER-encoded (an ASN.1 SEQUENCE of two INTEGERs, as
-- OpenSSL produces it) is not a JOSE signature; neither are DER forms with a
-- high bit forcing 0x00 padding, built from the valid r and s
SELECT m.mutation, length(m.sig) AS bytes,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', pg_temp.resig(ref.tok, m.sig), pg_temp.pub('ES256'))) AS outcome
  FROM ref,
       LATERAL (SELECT pg_temp.r(ref.tok, 32) AS r, pg_temp.s(ref.tok, 32) AS s) v,
       LATERAL (VALUES
         ('DER of the valid (r, s)',          pg_temp.der_sig(v.r, v.s)),
         ('DER with r and s forced 33 bytes', '\x3046022100'::bytea || v.r || '\x022100'::bytea || v.s)
       ) m(mutation, sig)
 WHERE ref.alg = 'ES256';

-- 6. D.70: the high-S twin (r, n - s) of a valid signature is ALSO valid
--    ECDSA, and is ACCEPTED (RFC 7518 does not require low S).  So a token
--    string is not unique: anyone can make a second valid string of the same
--    claims.  Use the "jti" claim, never a hash of the token, for replay
--    protection or revocation.
SELECT ref.alg,
       pg_temp.resig(ref.tok, pg_temp.r(ref.tok, ref.half) || pg_temp.bytes(ref.n - pg_temp.num(pg_temp.s(ref.tok, ref.half)), ref.half)) <> ref.tok AS twin_differs,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         pg_temp.resig(ref.tok, pg_temp.r(ref.tok, ref.half) || pg_temp.bytes(ref.n - pg_temp.num(pg_temp.s(ref.tok, ref.half)), ref.half)),
         pg_temp.pub(ref.alg))) AS twin_outcome
  FROM ref ORDER BY ref.alg;
-- the twin of a token token_ext signed verifies too
SELECT jwt.verify(pg_temp.resig(t, pg_temp.r(t, 32) || pg_temp.bytes(n - pg_temp.num(pg_temp.s(t, 32)), 32)),
                  pg_temp.pub('ES256')::jsonb) = '{"sub":"twin"}' AS own_token_twin_verifies
  FROM (SELECT jwt.sign('{"sub":"twin"}', pg_temp.k('p256_jwk_priv')::jsonb) AS t) x, ref WHERE ref.alg = 'ES256';

-- 7. D.52: a token's ES algorithm must be its key's curve's
SELECT c.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb%s)', c.tok, c.key, c.opt)) AS outcome
  FROM (VALUES
    ('C.52 ES256 token, P-384 key',                   (SELECT tok FROM ref WHERE alg = 'ES256'), pg_temp.pub('ES384'), ''),
    ('C.52 ES256 token, P-384 key, alg => ES256',     (SELECT tok FROM ref WHERE alg = 'ES256'), pg_temp.pub('ES384'), ', alg => ''ES256'''),
    ('C.52 ES512 token, P-256 key',                   (SELECT tok FROM ref WHERE alg = 'ES512'), pg_temp.pub('ES256'), ''),
    ('C.52 ES512 token, P-256 key, alg => ES512',     (SELECT tok FROM ref WHERE alg = 'ES512'), pg_temp.pub('ES256'), ', alg => ''ES512'''),
    ('ES256K token, P-256 key, alg => ES256K',        (SELECT tok FROM ref WHERE alg = 'ES256K'), pg_temp.pub('ES256'), ', alg => ''ES256K'''),
    ('ES256 token, secp256k1 key, alg => ES256',      (SELECT tok FROM ref WHERE alg = 'ES256'), pg_temp.pub('ES256K'), ', alg => ''ES256'''),
    ('ES256 token, P-256 key, alg => ''ES384,ES512''', (SELECT tok FROM ref WHERE alg = 'ES256'), pg_temp.pub('ES256'), ', alg => ''ES384,ES512'''),
    ('ES256 token, P-256 key bound to ES256',         (SELECT tok FROM ref WHERE alg = 'ES256'), (pg_temp.pub('ES256')::jsonb || '{"alg":"ES256"}')::text, ''),
    ('ES256 signature relabelled ES256K',             pg_temp.rehead((SELECT tok FROM ref WHERE alg = 'ES256'), '{"alg":"ES256K","typ":"JWT"}'), pg_temp.pub('ES256'), ', alg => ''ES256,ES256K'''),
    ('ES256 token, another P-256 key',                (SELECT tok FROM ref WHERE alg = 'ES256'), pg_temp.k('p256b_jwk'), ''),
    ('ES256 token, claims altered',                   (SELECT pg_temp.b64(convert_to('{"alg":"ES256","typ":"JWT"}', 'UTF8')) || '.' || pg_temp.b64(convert_to('{"sub":"admin"}', 'UTF8')) || '.' || split_part(tok, '.', 3) FROM ref WHERE alg = 'ES256'), pg_temp.pub('ES256'), '')
  ) c(name, tok, key, opt);

-- 8. Signing: an EC key signs only its curve's algorithm
SELECT c.name, pg_temp.outcome(format('SELECT jwt.sign(''{}'', %L::jsonb, %L)', c.key, c.alg)) AS outcome
  FROM (VALUES
    ('P-256 key, ES384',  pg_temp.k('p256_jwk_priv'), 'ES384'),
    ('P-256 key, ES256K', pg_temp.k('p256_jwk_priv'), 'ES256K'),
    ('P-521 key, ES256',  pg_temp.k('p521_jwk_priv'), 'ES256'),
    ('P-256 key, HS256',  pg_temp.k('p256_jwk_priv'), 'HS256'),
    ('P-256 key, EdDSA',  pg_temp.k('p256_jwk_priv'), 'EdDSA'),
    ('P-256 key, RS256',  pg_temp.k('p256_jwk_priv'), 'RS256')
  ) c(name, key, alg);
