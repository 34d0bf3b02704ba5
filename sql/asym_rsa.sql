--
-- asym_rsa: RS256/384/512 (RSASSA-PKCS1-v1_5) and PS256/384/512 (RSASSA-PSS)
-- with fixed 2048-bit keys.  RS* signatures are deterministic, so the tokens
-- token_ext signs must equal the ones Python's cryptography package made
-- from the same key; PS* signatures are randomised (random salt), so they
-- are checked by verification only, plus Python-made PS* tokens.
-- Negative cases follow security.md section 8 C.50, C.51 and E.76-E.78.
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

-- Python-made reference tokens over {"n":1,"sub":"rsa"}; header {"alg":..,"typ":"JWT"}.
-- PS* with the RFC 7518 salt length (the hash length) unless noted.
CREATE TEMP TABLE ref (name text PRIMARY KEY, tok text NOT NULL);
INSERT INTO ref VALUES
 ('RS256', 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.JYRjLZ4T7DlOzP2p7wJNNXtnlktfZc5MD092nxJ8mNHMDU9heXSBrNWp6cmiCRCGhM5qGMxDmS4gMTvVe0xE6-nZ1sMK6dRuWEi4958I7eo2QH8ku4XQA4bqVQoUrnv9TGxB8tGg4ZtFr4Y196ks6mmmk2cUzsylWlNC74568AsbBmVJ0CRxOv9lFcr-Qkodw0ai2OHRMQhXMqAuSeNv9ewp5gYlTi6--yjQlu_dSK_222-sOiUTqqC0zh3i_tVRyLFkaFy0nY6HZWklbJUrthzqKku6f6eyXW3cdfu_g8-gCG7eowuX7t3iBUamY5RvUnptT2PlVxXxyaOiJkWjUA'),
 ('RS384', 'eyJhbGciOiJSUzM4NCIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.MlbdRUGR16K1HdkH1GirJzdfYdppHxT9iHZlhjhoNOlw3ToZDc9B_M072KFEfkV4U4oSmyb4UaHCns8XzvJvEWGdmqYkTuHki7Moe-23ZTxCh4pOxanITJ4UkXY0D_xwfc9_Xia9U3opL5kyll7f5GNHJ-VfrI8gfEPijSCIT4XCkTwUZJb3fRMALJyxpr95rGilqUcmt7usXTF8y1vHpL7GajKFru71PMTo9yzepADrkvg-eXz1JEyaH6gfNuU8WhtE5KbqwFg5sNv6MzNEjXTA_-AOH2LtRIyQAnRlng5PQzCjtECm0i-Mwfi1qi1FS0vWmKS2zG0qFAKcY_QqDA'),
 ('RS512', 'eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.p5CgGkcVU04I5NhLLwv28PqnmV_3CJluB9XL5UO6ID6xoaccKRdJzYdRS-9lrZz29m_MjHn6SXoeF3ct0TlT_CXvlvp5n51b5TgHunkKS2m1zCCyRam9oaFLALqhjevsgm3RHSO6EwtxDf8915eO3V9rlXj76w2JyTI93zpOI3_T1hrrhkcevobfkbW3JveWhgaU1x9eExI5au3BJjO7DyoFxc2ZEutlXONhDW7MgYmd0HG9zc0tNu5vU0XnFcSYEhmMx5_fuHzf7lxaNybn1J401ymwDakX_qf5I9yZmyU3FNko4ri0oC4mZ_Xf5HoTFGbuKWtoDMQIta83XL65SA'),
 ('PS256', 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.Bb3ekPDGOEeo0iRmuJn9z9Nh387gIheW2dcfToHos-PisSltDriIPeN3KmvFgLJMi25-zwAeS6Fa0U2oIUGdrbdISNz7XioBkVHxFoEaPCicIKhFshJ1U4jBbNhsb9LUGXnv76y_zD4kwzALPl6MOk-QMHUGA4X1PSvvFyI_tOTkFiCkWEusHrMJi03bwy78beGPCZvg68tGu3B4rU3pUeGElZE-1kmKRHOF_1CLXh4RAvlkZtG28FZNA5DRMCW1Vi6E2D7gBw6hTZEuWLJPKoSvbh4QmtfuCPodTRNIgJ7hpnELL5GfNta4y5rNaLAog_bDe57TfQSU7h2yVeNczA'),
 ('PS384', 'eyJhbGciOiJQUzM4NCIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.vl817pqUTEwwMBbzPPjpDeamk84_kbDcfFSma7Ru9l8fmHz8sB8fxCx2JsRMUVXLomXANK3crrfbXNTnyBAfsvFPmBx-8ZXEUlCmtbOiG_Xn62wXsUE63pA6MPGqez5878Ue7lo-pbkgeYS0-uj-rsYzTVZIee-wmq4LxlEY_ChCHdApXq4U5whC9zlJVe9AmUKwCp5zLexHvueUAxIXPVveDR6iC1s0tWdMFDqK_x1-1T7WYWKvBBmDxqOLMF376t7GoY4vNb_YaGNPxI8gp8iFHEKH0ywrzHRk6ax81ozoXmuvyajqaZo7mjb2XsCjdcs1iHB6DCpvWWXVP_SDrA'),
 ('PS512', 'eyJhbGciOiJQUzUxMiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.SHpMnhShGYc9gpZvAkDzQlTF3RVH9X-78KaTV748PUU_ZCemOb5CQilUNp_IFPBWLD35E6i4Tz7TkjO0YbJs_W9Bc0GwVLi-ekiideYSXxrurcQfpvdVBn0h_Ub9YTgcqxSmtdozjic9zsG4BIx8x6Xbt9FDyKSIO7uhLPTkULwJoBHPG8USK_3YTAWaQkmQfltOEzMsQWhr117jGvUL8Hy_9x88XC0HrDEAD98QcrzBN3t1ndJLqn8-ILkwazmhBC6nypMU4s1kXwjQm_plSiOwE8GgSNfbxxT9aFHzhayp15_OBqR-0Gub05yB-oTMkd6IjxzYjVyAo16JqbiorA'),
 ('PS256 salt 0',  'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.ZSP6cdUam6AczY1VCG3V0yVI1Ex6jR9lBE0sOvpr5k_zcqrkCZab6kjeTdjw8RheDp1eShucMJqstzLzEJ8r5K_YNwWWuXM_uIBYv9n86Yajef1tuXN_hb-VSt9TGlBVZEZWNm7AsRQA3NWASm8OQbVYCCi5ITSE7iqJg4NF65rO-AsyxH_IW2UUmVHY7cmsG3hwEzwf2CYSi9fuxkXHKNikQ6PzhL-Vej7Za-v_NSAGCbLbQSA04U2B1UYvkEyOOJpoVBPe3W16XmuUOCRAkCFT_wGjeAhkeNLW4Drw9Wo6NoIOkx6syvcrTlglZyhwCZhHnSVXIMhS1sP6GQ4KVw'),
 ('PS256 salt 20', 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.Q7UkdMre4QRbHT7ynEYrAFQKyH04xXa4nDBpQuBC6nMzD50ucfmEsWfeVOKucAsRUrKOGLFgWoGptvNzmJa9KVpWXCiT1P_FB1kXqEATtGAYaTuD252WXJbApPTEOhFrC6uY9xhxv6sHq4ooEv_X4q9Sy9xI6W08xZyAzkwyB7fBZ80yfON2caQCIZl0GIrkNJb_95V0nGzOKrPSajjOIIuX3AwF4A3-gIySEvY2KtFTEx4DR-XAnyooND9dSlo6owXZ42r2A8W2PZ9D_7_6QuThhbpaxY3kx6RG40MvAPmWr8juLJtfJWUhHfUB9f-3RUWmCrXyD33RGv5c_HqoYA'),
 ('PS256 salt 64', 'eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.Og06BAn9dHTdsrZWlHQjkRFBmbkUEufvxeCNonv8HGX23DXev-qNdlEbQoexb36apxwMbwOYgE19wcxJyqa4YBnB0VM-_7aDog7olHWt5C48GRwYNazTyebFo5GZLSdMLjtZ59WAFv28N6KRTDNNKn8Ke-Nd40W7f4cZMqa0JJggzISOuTNjJyaXgSrEQAnzlj8uX2GGZOIxbfpjh-e4ZH0m6UqDdtoNb_LmFt9cHFmkgfFf0S3yh-5OYGpY7pIuYoKC8MZ0zJ45IvoucUN8_Ren-QAbGNyTzy1V4hXik6AFbhSc4vFX0uIubf44Z5QmBjwV4if7Zlfzyiv8FOQJjA'),
 ('PS384 salt 0',  'eyJhbGciOiJQUzM4NCIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.nLpBK4ZiLzHGT3AKXcaE6GleFYvtkqMmypChjWgygj3StFY_13rWNL960xPDML97_rQlT-qx4bfGBSy73HNVqQHSBTCNfZNDL2B-YRdobkVLa1HecLtp7wcV0oCCMR2I4y_kksg5SDS_AFelxqgabM4_PMtBXFKy4sWj0XM1E3B40ju6ObHwa4NMBs2QX5SGgxlup_nG0KIlJpgFuM8fgyJftglUL4tAbFEDXRjxrI7TrUiaxNxM3yRFyVb9oVb4KYz3bXgWdvSHqTEQLHemrckebpecxMhNs3mJJusKLVQRXCQPaZeQV5XGBo90DqMWLQa_K5JBBR0BTbyStt_Z-A'),
 ('PS512 salt 32', 'eyJhbGciOiJQUzUxMiIsInR5cCI6IkpXVCJ9.eyJuIjoxLCJzdWIiOiJyc2EifQ.aqDbFUPmOhGTGtzgqV3NTqVat9zdJlx8qxGnH3UkL81_e8mxd0BMlOLwyPZ9eTJr1xIMC9c2m9wG2J84Lm4I-5MW7H1VEeZ4r1H471B76AiNWrJb5YVCZr8B7k-sTrvOTTTeQTTplScyu7vVcmMpA9mo0rau6JaI4sDVAW6Vy2Rsiv9V7d1I588rLKXW6yEJZ-j99yrNG5naXiOxcA2StvIznkBCR8sHq9XNrei0NC6hhnTOnpF4PFTtT7fEl3N-r4csJ0uB9wO5lpeSq5hSb-F55jda47fV-_5Hps4k13p47rwfQ2nAWa1HtzDRQLRNcyCLihYE35u8z5_4g_Vn3A');
CREATE FUNCTION pg_temp.ref(n text) RETURNS text LANGUAGE sql STABLE STRICT
AS $$ SELECT tok FROM pg_temp.ref WHERE name = n $$;

-- 1. The one pinned token: RS256 over the claims, with the PKCS#8 PEM key
SELECT jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_p8')) AS rs256_token;

-- 2. RS256/384/512 are deterministic: token_ext signs exactly Python's token,
--    with the PEM key and with the private JWK
SELECT a.alg,
       jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_p8'), a.alg) = pg_temp.ref(a.alg) AS pem_equals_reference,
       jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_jwk_priv')::jsonb, a.alg) = pg_temp.ref(a.alg) AS jwk_equals_reference
  FROM (VALUES ('RS256'), ('RS384'), ('RS512')) a(alg);

-- 3. Round trips for all six: sign with the private key, verify with the
--    public SPKI PEM and the public JWK.  PS* are randomised: two signatures
--    of the same claims differ, and both verify.
SELECT a.alg,
       jwt.verify(s.t1, pg_temp.k('rsa_spki'), a.alg) = '{"n":1,"sub":"rsa"}' AS verifies_pem,
       jwt.verify(s.t2, pg_temp.k('rsa_jwk')::jsonb, a.alg) = '{"n":1,"sub":"rsa"}' AS verifies_jwk,
       (jwt.decode(s.t1)).header AS header,
       length(pg_temp.sig(s.t1)) AS signature_bytes,
       s.t1 <> s.t2 AS randomised
  FROM (VALUES ('RS256'), ('RS384'), ('RS512'), ('PS256'), ('PS384'), ('PS512')) a(alg),
       LATERAL (SELECT jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_p8'), a.alg) AS t1,
                       jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_jwk_priv')::jsonb, a.alg) AS t2) s;

-- 4. Python's tokens (PS* with salt = hash length, RFC 7518 3.5) verify
SELECT r.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L, %L)', r.tok, pg_temp.k('rsa_spki'), r.name)) AS outcome
  FROM ref r WHERE r.name NOT LIKE '%salt%' ORDER BY r.name;

-- 5. E.78: PSS with another salt length is refused, though OpenSSL's default
--    verification context would accept it (it reads the salt length from
--    the signature); JOSE fixes the salt to the hash length
SELECT r.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L, %L)', r.tok, pg_temp.k('rsa_spki'), left(r.name, 5))) AS outcome
  FROM ref r WHERE r.name LIKE '%salt%' ORDER BY r.name;

-- 6. E.76, E.77: malformed RSA signatures, for RS256 and PS256 (RFC 8017
--    8.2.2 step 1: the signature is exactly k = 256 octets)
SELECT a.alg, m.mutation,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L, %L)', pg_temp.resig(r.tok, m.sig), pg_temp.k('rsa_spki'), a.alg)) AS outcome
  FROM (VALUES ('RS256'), ('PS256')) a(alg)
  JOIN ref r ON r.name = a.alg,
  LATERAL (VALUES
    ('E.76 leading 0x00 prepended (257 bytes)', '\x00'::bytea || pg_temp.sig(r.tok)),
    ('E.76 trailing 0x00 appended (257 bytes)', pg_temp.sig(r.tok) || '\x00'::bytea),
    ('E.76 last byte truncated (255 bytes)',    substr(pg_temp.sig(r.tok), 1, 255)),
    ('E.76 first byte truncated (255 bytes)',   substr(pg_temp.sig(r.tok), 2)),
    ('one bit flipped',                         set_byte(pg_temp.sig(r.tok), 128, get_byte(pg_temp.sig(r.tok), 128) # 1)),
    ('E.77 signature integer 0',                decode(repeat('00', 256), 'hex')),
    ('E.77 signature integer 1',                decode(repeat('00', 255) || '01', 'hex')),
    ('E.77 signature integer n',                pg_temp.member(pg_temp.k('rsa_jwk'), 'n')),
    ('E.77 signature of 256 0xff bytes (> n)',  decode(repeat('ff', 256), 'hex')),
    ('empty signature',                         ''::bytea)
  ) m(mutation, sig)
 ORDER BY a.alg, m.mutation;

-- 7. C.50, C.51: a key bound to PS512 verifies only PS512, whatever the
--    token's header says; tokens of the other five algorithms with the same
--    RSA key are "algorithm not allowed" (never tried)
SELECT a.alg, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         jwt.sign('{"n":1,"sub":"rsa"}', pg_temp.k('rsa_p8'), a.alg),
         pg_temp.k('rsa_jwk')::jsonb || '{"alg":"PS512"}')) AS outcome_with_ps512_key
  FROM (VALUES ('RS256'), ('RS384'), ('RS512'), ('PS256'), ('PS384'), ('PS512')) a(alg);
-- ... and even when the caller allows them explicitly
SELECT pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb, alg => ''RS256'')',
         pg_temp.ref('RS256'), pg_temp.k('rsa_jwk')::jsonb || '{"alg":"PS512"}')) AS rs256_allowed_but_key_is_ps512;

-- 8. The allowed algorithms come from the caller, or from the key (a PEM or
--    unbound RSA JWK allows RS256 only)
SELECT c.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L%s)', c.tok, pg_temp.k('rsa_spki'), c.opt)) AS outcome
  FROM (VALUES
    ('RS256 token, alg => PS256',          pg_temp.ref('RS256'), ', alg => ''PS256'''),
    ('PS256 token, key default (RS256)',   pg_temp.ref('PS256'), ''),
    ('RS384 token, key default (RS256)',   pg_temp.ref('RS384'), ''),
    ('RS256 token, alg => ''RS256,PS256''',  pg_temp.ref('RS256'), ', alg => ''RS256,PS256'''),
    ('PS256 token, alg => ''RS256,PS256''',  pg_temp.ref('PS256'), ', alg => ''RS256,PS256'''),
    ('RS256 token, alg => ''rs256'' (case)', pg_temp.ref('RS256'), ', alg => ''rs256''')
  ) c(name, tok, opt);

-- 9. The header's alg changed, the signature kept: the RS256 signature is
--    checked as PSS (and vice versa) and fails
SELECT c.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L, alg => ''RS256,PS256,RS512'')', c.tok, pg_temp.k('rsa_spki'))) AS outcome
  FROM (VALUES
    ('RS256 signature, header PS256', pg_temp.rehead(pg_temp.ref('RS256'), '{"alg":"PS256","typ":"JWT"}')),
    ('PS256 signature, header RS256', pg_temp.rehead(pg_temp.ref('PS256'), '{"alg":"RS256","typ":"JWT"}')),
    ('RS256 signature, header RS512', pg_temp.rehead(pg_temp.ref('RS256'), '{"alg":"RS512","typ":"JWT"}'))
  ) c(name, tok);

-- 10. Another RSA key of the same size: signature verification failed
SELECT a.alg, pg_temp.outcome(format('SELECT jwt.verify(%L, %L, %L)', pg_temp.ref(a.alg), pg_temp.k('rsaB_spki'), a.alg)) AS outcome
  FROM (VALUES ('RS256'), ('PS256')) a(alg);

-- 11. Signing refusals: algorithms an RSA key cannot produce, a public key
SELECT c.name, pg_temp.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('sign ES256 with an RSA key',  format('SELECT jwt.sign(''{}'', %L, ''ES256'')', pg_temp.k('rsa_p8'))),
    ('sign HS256 with an RSA key',  format('SELECT jwt.sign(''{}'', %L, ''HS256'')', pg_temp.k('rsa_p8'))),
    ('sign EdDSA with an RSA key',  format('SELECT jwt.sign(''{}'', %L, ''EdDSA'')', pg_temp.k('rsa_p8'))),
    ('sign RS256 with a PS512-bound JWK', format('SELECT jwt.sign(''{}'', %L::jsonb, ''RS256'')', pg_temp.k('rsa_jwk_priv')::jsonb || '{"alg":"PS512"}')),
    ('sign PS256 with the public key', format('SELECT jwt.sign(''{}'', %L, ''PS256'')', pg_temp.k('rsa_spki'))),
    ('sign with alg none',          format('SELECT jwt.sign(''{}'', %L, ''none'')', pg_temp.k('rsa_p8'))),
    ('sign with alg PS1',           format('SELECT jwt.sign(''{}'', %L, ''PS1'')', pg_temp.k('rsa_p8')))
  ) c(name, stmt);

-- 12. A key bound to PS512 signs PS512 by default, and verifies what it signed
SELECT (jwt.decode(t)).header AS header,
       jwt.verify(t, pg_temp.k('rsa_jwk')::jsonb || '{"alg":"PS512","kid":"ps"}') = '{"sub":"bound"}' AS verifies
  FROM (SELECT jwt.sign('{"sub":"bound"}', pg_temp.k('rsa_jwk_priv')::jsonb || '{"alg":"PS512","kid":"ps"}') AS t) x;
