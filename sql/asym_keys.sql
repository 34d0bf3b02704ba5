--
-- asym_keys: every form an RSA, EC or OKP key can take (PEM PKCS#8, SPKI,
-- PKCS#1, SEC1, X.509 certificate; JWK; JWKS) gives the same key, and every
-- key the rules of README.md "Key rules" forbid is refused with its reason.
-- Refusals follow security.md section 8: C.52, C.55, C.59 (alg and use
-- binding), D.72-74 (EC points, coordinate lengths, curves), E.80, E.81,
-- E.83, E.84 (RSA size, exponent, CRT, oth), G.92, G.95 (OKP), O.174-O.178
-- (JWK members, x5c).  A refused key is always 22023 "invalid key".
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

-- Reference tokens, made with Python's cryptography package from the same
-- keys (RS256 and EdDSA signatures are deterministic, so every private form
-- of the key must produce exactly these bytes).
\set rs256_ref 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJrZXktZm9ybXMifQ.Oix9p2o__1qnwNV8IzGFIlIe4PlvZSoHFfL85z1rREXe6e1qxYmZuQ6ROp4u5ADC70n2gDhONzBdo0yGRapLFu7JwMLO-nnektOkN6fH3rLuXWo9_cqCrk4Z4RiJz39RtOV4qz0FswUjJgyzXZs1eiawh14DTRWtQsB8fQ9dWycG4Lea-aYeIr6hZ8OuZaVpOB6t6SHsmHsPRCF1etF2NbLlaGdclVKXCCbop7cmmmaBpqiJpD3YC-gyo7Gjman7nXz1tMVVXdwjgcg1TnA4YpF-mYqq2syHiQ4asys_Mm6XSPYKTMz__IMZrpSAk3wAoXXj6ES4BfrTetVwApJrNg'
\set eddsa_ref 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJrZXktZm9ybXMifQ.LpoGubpWNt4ILbYXlHg7-tGJKMfkq3BTIQ4DzDde_8NfGxrGjgXVCTPsUaFCv4xTvBYTwBJAt11_3ZhiQ4hNAg'

-- 1. Every key form is the same key: the RFC 7638 thumbprint of each (via
--    jwk_from_pem for PEM) equals the one Python computed from the numbers.
SELECT name, CASE WHEN name LIKE '%jwk%'
                  THEN pg_temp.outcome(format('SELECT jwt.jwk_thumbprint(%L::jsonb)', val))
                  ELSE pg_temp.outcome(format('SELECT jwt.jwk_from_pem(%L)->>''kid''', val)) END AS thumbprint
  FROM k
 WHERE name IN ('rsa_p8', 'rsa_spki', 'rsa_pkcs1', 'rsa_pkcs1pub', 'rsa_crt', 'rsa_jwk', 'rsa_jwk_priv',
                'ec_p8', 'ec_sec1', 'ec_spki', 'ec_crt', 'ec_jwk', 'ec_jwk_priv',
                'ed_p8', 'ed_spki', 'ed_jwk', 'ed_jwk_priv')
 ORDER BY name;

-- 2. RSA: every private form (PKCS#8, PKCS#1 "BEGIN RSA PRIVATE KEY", JWK as
--    text and as jsonb) signs exactly the reference RS256 token
SELECT f.form, jwt.sign('{"sub":"key-forms"}', f.key) = :'rs256_ref' AS same_as_reference
  FROM (VALUES ('PKCS#8 PEM', pg_temp.k('rsa_p8')),
               ('PKCS#1 PEM', pg_temp.k('rsa_pkcs1')),
               ('JWK text',   pg_temp.k('rsa_jwk_priv'))) f(form, key);
SELECT jwt.sign('{"sub":"key-forms"}', pg_temp.k('rsa_jwk_priv')::jsonb) = :'rs256_ref' AS jsonb_jwk_same_as_reference;

-- 3. ... and every form, public or private, verifies it (a private key
--    verifies with its public half)
SELECT f.form, pg_temp.outcome(format('SELECT jwt.verify(%L, %s)', :'rs256_ref', f.key)) AS outcome
  FROM (VALUES
    ('PKCS#8 private PEM',            quote_literal(pg_temp.k('rsa_p8'))),
    ('PKCS#1 private PEM',            quote_literal(pg_temp.k('rsa_pkcs1'))),
    ('SPKI public PEM',               quote_literal(pg_temp.k('rsa_spki'))),
    ('PKCS#1 public PEM',             quote_literal(pg_temp.k('rsa_pkcs1pub'))),
    ('X.509 certificate',             quote_literal(pg_temp.k('rsa_crt'))),
    ('SPKI PEM with CRLF lines',      quote_literal(replace(pg_temp.k('rsa_spki'), E'\n', E'\r\n'))),
    ('SPKI PEM after blank lines',    quote_literal(E'\n  \n' || pg_temp.k('rsa_spki'))),
    ('public JWK text',               quote_literal(pg_temp.k('rsa_jwk'))),
    ('public JWK jsonb',              quote_literal(pg_temp.k('rsa_jwk')) || '::jsonb'),
    ('private JWK jsonb',             quote_literal(pg_temp.k('rsa_jwk_priv')) || '::jsonb'),
    ('JWK alg RS256 use sig',         quote_literal(pg_temp.k('rsa_jwk')::jsonb || '{"alg":"RS256","use":"sig"}') || '::jsonb'),
    ('JWK key_ops [verify]',          quote_literal(pg_temp.k('rsa_jwk')::jsonb || '{"key_ops":["verify"]}') || '::jsonb'),
    ('JWK with its own x5c',          quote_literal(pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(pg_temp.der(pg_temp.k('rsa_crt'))))) || '::jsonb'),
    ('JWKS of EC, OKP and RSA keys',  quote_literal(jsonb_build_object('keys', jsonb_build_array(pg_temp.k('ec_jwk')::jsonb, pg_temp.k('ed_jwk')::jsonb, pg_temp.k('rsa_jwk')::jsonb))) || '::jsonb'),
    ('JWKS as text',                  quote_literal(jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb))::text)),
    ('JWKS skipping unknown kty',     quote_literal(jsonb_build_object('keys', jsonb_build_array('{"kty":"DSA","y":"AQAB"}'::jsonb, '{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}'::jsonb, pg_temp.k('rsa_jwk')::jsonb))) || '::jsonb')
  ) f(form, key);

-- 4. EC P-256: signatures are randomised, so each private form signs and
--    every form verifies every one of those tokens (a 4 x 9 matrix)
CREATE TEMP TABLE ec_tokens AS
SELECT f.form, jwt.sign('{"sub":"ec-forms"}', f.key) AS tok
  FROM (VALUES ('PKCS#8 PEM', pg_temp.k('ec_p8')),
               ('SEC1 PEM',   pg_temp.k('ec_sec1')),
               ('JWK text',   pg_temp.k('ec_jwk_priv'))) f(form, key)
UNION ALL
SELECT 'JWK jsonb', jwt.sign('{"sub":"ec-forms"}', pg_temp.k('ec_jwk_priv')::jsonb);
SELECT t.form AS signed_with, (jwt.decode(t.tok)).header,
       length(t.tok) AS token_length,
       bool_and(pg_temp.outcome(format('SELECT jwt.verify(%L, %s)', t.tok, v.key)) = 'OK {"sub": "ec-forms"}') AS all_verify,
       count(*) AS verifiers
  FROM ec_tokens t, (VALUES
    (quote_literal(pg_temp.k('ec_p8'))), (quote_literal(pg_temp.k('ec_sec1'))), (quote_literal(pg_temp.k('ec_spki'))),
    (quote_literal(pg_temp.k('ec_crt'))), (quote_literal(pg_temp.k('ec_jwk'))), (quote_literal(pg_temp.k('ec_jwk')) || '::jsonb'),
    (quote_literal(pg_temp.k('ec_jwk_priv')) || '::jsonb'),
    (quote_literal(pg_temp.k('ec_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(pg_temp.der(pg_temp.k('ec_crt'))))) || '::jsonb'),
    (quote_literal(jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb, pg_temp.k('ec_jwk')::jsonb))) || '::jsonb')
  ) v(key)
 GROUP BY t.form, t.tok ORDER BY t.form;

-- 5. Ed25519: deterministic, so every private form signs the reference token,
--    and every form verifies it
SELECT f.form, jwt.sign('{"sub":"key-forms"}', f.key) = :'eddsa_ref' AS same_as_reference
  FROM (VALUES ('PKCS#8 PEM', pg_temp.k('ed_p8')), ('JWK text', pg_temp.k('ed_jwk_priv'))) f(form, key);
SELECT f.form, pg_temp.outcome(format('SELECT jwt.verify(%L, %s)', :'eddsa_ref', f.key)) AS outcome
  FROM (VALUES ('PKCS#8 private PEM', quote_literal(pg_temp.k('ed_p8'))),
               ('SPKI public PEM',    quote_literal(pg_temp.k('ed_spki'))),
               ('public JWK jsonb',   quote_literal(pg_temp.k('ed_jwk')) || '::jsonb'),
               ('private JWK jsonb',  quote_literal(pg_temp.k('ed_jwk_priv')) || '::jsonb')) f(form, key);

-- 6. X25519 keys load (for encryption) but never sign or verify (G.92)
SELECT jwt.jwk_thumbprint(pg_temp.k('x25519_jwk_priv')::jsonb) = jwt.jwk_thumbprint(pg_temp.k('x25519_jwk')::jsonb) AS x25519_loads;

-- 7. Public keys cannot sign, and PEM or JWK bytes are never an HMAC secret
SELECT f.form, pg_temp.outcome(format('SELECT jwt.sign(''{}'', %s)', f.key)) AS outcome
  FROM (VALUES
    ('SPKI public PEM',           quote_literal(pg_temp.k('rsa_spki'))),
    ('PKCS#1 public PEM',         quote_literal(pg_temp.k('rsa_pkcs1pub'))),
    ('X.509 certificate',         quote_literal(pg_temp.k('rsa_crt'))),
    ('public EC JWK',             quote_literal(pg_temp.k('ec_jwk')) || '::jsonb'),
    ('public OKP JWK',            quote_literal(pg_temp.k('ed_jwk')) || '::jsonb'),
    ('private JWK in a JWKS',     quote_literal(jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk_priv')::jsonb))) || '::jsonb'),
    ('PKCS#8 PEM as bytea',       quote_literal(pg_temp.k('rsa_p8')) || '::bytea'),
    ('JWK as bytea',              quote_literal(pg_temp.k('ec_jwk_priv')) || '::bytea')
  ) f(form, key);

-- 8. PEM refusals: encrypted keys (PKCS#8 and traditional), undecodable or
--    wrongly labelled blocks, weak RSA keys (E.80)
SELECT f.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L)', :'rs256_ref', f.pem)) AS outcome
  FROM (VALUES
    ('encrypted PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)', pg_temp.k('ec_enc_p8')),
    ('encrypted SEC1 (Proc-Type: 4,ENCRYPTED)',        pg_temp.k('ec_enc_sec1')),
    ('garbage body',              E'-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
    ('body not base64',           E'-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n'),
    ('truncated body',            left(pg_temp.k('rsa_spki'), 200) || E'\n-----END PUBLIC KEY-----\n'),
    ('no END line',               E'-----BEGIN PUBLIC KEY-----\n' || pg_temp.der(pg_temp.k('rsa_spki'))),
    ('PKCS#1 labelled PUBLIC KEY',   replace(pg_temp.k('rsa_pkcs1pub'), 'RSA PUBLIC KEY', 'PUBLIC KEY')),
    ('garbage certificate',       E'-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
    ('OpenSSH private key block', E'-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n'),
    ('E.80 RSA 1024-bit SPKI',    pg_temp.k('rsa1024_spki')),
    ('E.80 RSA 2047-bit SPKI',    pg_temp.k('rsa2047_spki'))
  ) f(name, pem);

-- 9. RSA JWK refusals (E.80, E.81, E.83, E.84; O.176 minimal integers)
SELECT f.name, pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', :'rs256_ref', f.jwk)) AS outcome
  FROM (VALUES
    ('E.80 1024-bit modulus',        pg_temp.k('rsa1024_jwk')),
    ('E.80 2047-bit modulus',        pg_temp.k('rsa2047_jwk')),
    ('E.81 e = 1 ("AQ")',            pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AQ')),
    ('E.81 e = 2 ("Ag", even)',      pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'Ag')),
    ('E.81 e = 65536 ("AQAA", even)', pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AQAA')),
    ('E.81 e = 2^64 + 1 (65 bits)',  pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AQAAAAAAAAAB')),
    ('E.81 e = 0 ("AA")',            pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AA')),
    ('E.81 e empty',                 pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', '')),
    ('E.81 e with a leading zero octet ("AAEAAQ")', pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AAEAAQ')),
    ('E.81 n with a leading zero octet', pg_temp.jset(pg_temp.k('rsa_jwk'), 'n', pg_temp.b64('\x00'::bytea || pg_temp.member(pg_temp.k('rsa_jwk'), 'n')))),
    ('E.81 even n',                  pg_temp.flip(pg_temp.k('rsa_jwk'), 'n', -1)),
    ('n missing',                    (pg_temp.k('rsa_jwk')::jsonb - 'n')::text),
    ('e not a string',               (pg_temp.k('rsa_jwk')::jsonb || '{"e":65537}')::text),
    ('e padded base64url',           pg_temp.jset(pg_temp.k('rsa_jwk'), 'e', 'AQAB=')),
    ('E.83 private: d altered',      pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'd', 100)),
    ('E.83 private: d of another key', pg_temp.jset(pg_temp.k('rsa_jwk_priv'), 'd', pg_temp.k('rsaB_jwk_priv')::jsonb->>'d')),
    ('E.83 private: qi altered',     pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'qi', 100)),
    ('E.83 private: dp altered',     pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'dp', 100)),
    ('E.83 private: dq altered',     pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'dq', 100)),
    ('E.83 private: p altered (p*q <> n)', pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'p', 50)),
    ('E.83 private: e = 3 with the d of e = 65537', pg_temp.jset(pg_temp.k('rsa_jwk_priv'), 'e', 'Aw')),
    ('E.83 private: only p of the CRT members', (pg_temp.k('rsa_jwk_priv')::jsonb - 'q' - 'dp' - 'dq' - 'qi')::text),
    ('E.83 private: CRT members without d', (pg_temp.k('rsa_jwk_priv')::jsonb - 'd')::text),
    ('E.83 private: n, e, d only, d altered', (pg_temp.flip(pg_temp.k('rsa_jwk_priv'), 'd', 100)::jsonb - 'p' - 'q' - 'dp' - 'dq' - 'qi')::text),
    ('E.84 private with "oth"',      (pg_temp.k('rsa_jwk_priv')::jsonb || '{"oth":[{"r":"AQAB","d":"AQAB","t":"AQAB"}]}')::text),
    ('E.84 public with "oth"',       (pg_temp.k('rsa_jwk')::jsonb || '{"oth":[]}')::text)
  ) f(name, jwk);

-- 9b. A private JWK with only n, e and d is valid (RFC 7518 section 6.3.2:
--     "d" is REQUIRED, the CRT members are optimisations a producer SHOULD
--     include); it signs the reference token and verifies it.
SELECT pg_temp.outcome(format('SELECT jwt.sign(''{"sub":"key-forms"}'', %L::jsonb) = %L',
         pg_temp.k('rsa_jwk_priv')::jsonb - 'p' - 'q' - 'dp' - 'dq' - 'qi', :'rs256_ref')) AS n_e_d_only_signs,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)',
         :'rs256_ref', pg_temp.k('rsa_jwk_priv')::jsonb - 'p' - 'q' - 'dp' - 'dq' - 'qi')) AS n_e_d_only_verifies;

-- 10. EC JWK refusals (D.72, D.73, D.74)
SELECT f.name, pg_temp.outcome(format('SELECT jwt.jwk_thumbprint(%L::jsonb)', f.jwk)) AS outcome
  FROM (VALUES
    ('D.72 y altered: point off the curve', pg_temp.flip(pg_temp.k('ec_jwk'), 'y', -1)),
    ('D.72 x altered: point off the curve', pg_temp.flip(pg_temp.k('ec_jwk'), 'x', 0)),
    ('D.72 private key, y altered',    pg_temp.flip(pg_temp.k('ec_jwk_priv'), 'y', -1)),
    ('private key, d altered (not the point''s d)', pg_temp.flip(pg_temp.k('ec_jwk_priv'), 'd', -1)),
    ('private key, d = 0',             pg_temp.jset(pg_temp.k('ec_jwk_priv'), 'd', pg_temp.b64('\x0000000000000000000000000000000000000000000000000000000000000000'::bytea))),
    ('private key, d = n',             pg_temp.jset(pg_temp.k('ec_jwk_priv'), 'd', pg_temp.b64('\xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'::bytea))),
    ('D.73 x of 31 bytes',             pg_temp.jset(pg_temp.k('ec_jwk'), 'x', pg_temp.b64(substr(pg_temp.member(pg_temp.k('ec_jwk'), 'x'), 2)))),
    ('D.73 x of 33 bytes (leading 0x00)', pg_temp.jset(pg_temp.k('ec_jwk'), 'x', pg_temp.b64('\x00'::bytea || pg_temp.member(pg_temp.k('ec_jwk'), 'x')))),
    ('D.73 y of 31 bytes',             pg_temp.jset(pg_temp.k('ec_jwk'), 'y', pg_temp.b64(substr(pg_temp.member(pg_temp.k('ec_jwk'), 'y'), 2)))),
    ('D.73 y of 33 bytes (leading 0x00)', pg_temp.jset(pg_temp.k('ec_jwk'), 'y', pg_temp.b64('\x00'::bytea || pg_temp.member(pg_temp.k('ec_jwk'), 'y')))),
    ('D.73 d of 31 bytes',             pg_temp.jset(pg_temp.k('ec_jwk_priv'), 'd', pg_temp.b64(substr(pg_temp.member(pg_temp.k('ec_jwk_priv'), 'd'), 2)))),
    ('D.74 crv P-256 holding a P-384 point', pg_temp.jset(pg_temp.k('ec384_jwk'), 'crv', 'P-256')),
    ('D.74 crv P-384 holding a P-256 point', pg_temp.jset(pg_temp.k('ec_jwk'), 'crv', 'P-384')),
    ('D.74 crv secp256k1 holding a P-256 point', pg_temp.jset(pg_temp.k('ec_jwk'), 'crv', 'secp256k1')),
    ('D.74 crv "p-256" (lower case)',  pg_temp.jset(pg_temp.k('ec_jwk'), 'crv', 'p-256')),
    ('D.74 crv P-192',                 pg_temp.jset(pg_temp.k('ec_jwk'), 'crv', 'P-192')),
    ('crv missing',                    (pg_temp.k('ec_jwk')::jsonb - 'crv')::text),
    ('crv not a string',               (pg_temp.k('ec_jwk')::jsonb || '{"crv":256}')::text),
    ('y missing',                      (pg_temp.k('ec_jwk')::jsonb - 'y')::text),
    ('kty EC with crv Ed25519',        pg_temp.jset(pg_temp.k('ed_jwk'), 'kty', 'EC')),
    ('kty OKP with crv P-256',         pg_temp.jset(pg_temp.k('ec_jwk'), 'kty', 'OKP')),
    ('kty RSA with EC members',        pg_temp.jset(pg_temp.k('ec_jwk'), 'kty', 'RSA')),
    ('kty "ec" (lower case)',          pg_temp.jset(pg_temp.k('ec_jwk'), 'kty', 'ec'))
  ) f(name, jwk);

-- 11. OKP JWK refusals (G.95 and RFC 8037 lengths and curve names)
SELECT f.name, pg_temp.outcome(format('SELECT jwt.jwk_thumbprint(%L::jsonb)', f.jwk)) AS outcome
  FROM (VALUES
    ('G.95 Ed25519 d of another key',  pg_temp.jset(pg_temp.k('ed_jwk_priv'), 'd', pg_temp.k('edb_jwk_priv')::jsonb->>'d')),
    ('G.95 Ed448 d altered',           pg_temp.flip(pg_temp.k('ed448_jwk_priv'), 'd', 3)),
    ('Ed25519 x of 31 bytes',          pg_temp.jset(pg_temp.k('ed_jwk'), 'x', pg_temp.b64(substr(pg_temp.member(pg_temp.k('ed_jwk'), 'x'), 2)))),
    ('crv Ed448 holding an Ed25519 x', pg_temp.jset(pg_temp.k('ed_jwk'), 'crv', 'Ed448')),
    ('crv "ed25519" (lower case)',     pg_temp.jset(pg_temp.k('ed_jwk'), 'crv', 'ed25519')),
    ('x missing',                      (pg_temp.k('ed_jwk')::jsonb - 'x')::text)
  ) f(name, jwk);

-- 12. "alg" that does not fit the key type (C.52, C.59), "use" and "key_ops"
--     (C.55, O.174, O.175), and "x5c" that is not this key (O.178)
SELECT f.name, pg_temp.outcome(format('SELECT jwt.jwk_thumbprint(%L::jsonb)', f.jwk)) AS outcome
  FROM (VALUES
    ('C.59 EC key with alg HS256',     pg_temp.jset(pg_temp.k('ec_jwk'), 'alg', 'HS256')),
    ('C.52 P-256 key with alg ES384',  pg_temp.jset(pg_temp.k('ec_jwk'), 'alg', 'ES384')),
    ('P-256 key with alg ES256K',      pg_temp.jset(pg_temp.k('ec_jwk'), 'alg', 'ES256K')),
    ('EC key with alg RS256',          pg_temp.jset(pg_temp.k('ec_jwk'), 'alg', 'RS256')),
    ('EC key with alg EdDSA',          pg_temp.jset(pg_temp.k('ec_jwk'), 'alg', 'EdDSA')),
    ('RSA key with alg HS256',         pg_temp.jset(pg_temp.k('rsa_jwk'), 'alg', 'HS256')),
    ('RSA key with alg ES256',         pg_temp.jset(pg_temp.k('rsa_jwk'), 'alg', 'ES256')),
    ('Ed25519 key with alg ES256',     pg_temp.jset(pg_temp.k('ed_jwk'), 'alg', 'ES256')),
    ('G.92 X25519 key with alg EdDSA', pg_temp.jset(pg_temp.k('x25519_jwk'), 'alg', 'EdDSA')),
    ('C.59 oct key with alg RS256',    '{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY","alg":"RS256"}'),
    ('oct key with alg EdDSA',         '{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY","alg":"EdDSA"}'),
    ('JWK alg "none"',                 pg_temp.jset(pg_temp.k('rsa_jwk'), 'alg', 'none')),
    ('O.174 use sig with key_ops [encrypt]', (pg_temp.k('rsa_jwk')::jsonb || '{"use":"sig","key_ops":["encrypt"]}')::text),
    ('O.174 use enc with key_ops [verify]',  (pg_temp.k('rsa_jwk')::jsonb || '{"use":"enc","key_ops":["verify"]}')::text),
    ('O.175 key_ops repeating verify',  (pg_temp.k('rsa_jwk')::jsonb || '{"key_ops":["verify","verify"]}')::text),
    ('O.175 key_ops holding a number',  (pg_temp.k('rsa_jwk')::jsonb || '{"key_ops":["verify",1]}')::text),
    ('key_ops not an array',            (pg_temp.k('rsa_jwk')::jsonb || '{"key_ops":"verify"}')::text),
    ('O.178 x5c of another RSA key',    (pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(pg_temp.der(pg_temp.k('rsaB_crt')))))::text),
    ('O.178 x5c of an EC key on an RSA JWK', (pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(pg_temp.der(pg_temp.k('ec_crt')))))::text),
    ('O.178 x5c of the right key, then another', (pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(pg_temp.der(pg_temp.k('rsaB_crt')), pg_temp.der(pg_temp.k('rsa_crt')))))::text),
    ('x5c not DER',                     (pg_temp.k('rsa_jwk')::jsonb || '{"x5c":["AAAA"]}')::text),
    ('x5c in base64url, not base64',    (pg_temp.k('rsa_jwk')::jsonb || jsonb_build_object('x5c', jsonb_build_array(translate(rtrim(pg_temp.der(pg_temp.k('rsa_crt')), '='), '+/', '-_'))))::text),
    ('x5c empty array',                 (pg_temp.k('rsa_jwk')::jsonb || '{"x5c":[]}')::text),
    ('x5c a string',                    (pg_temp.k('rsa_jwk')::jsonb || '{"x5c":"AAAA"}')::text)
  ) f(name, jwk);

-- 13. "use" and "key_ops" that forbid the operation (C.55): the key loads,
--     and refuses to sign or to verify
SELECT f.name,
       pg_temp.outcome(format('SELECT jwt.sign(''{"sub":"key-forms"}'', %L::jsonb) = %L', f.priv, :'rs256_ref')) AS sign,
       pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', :'rs256_ref', f.pub)) AS verify
  FROM (SELECT c.name, (pg_temp.k('rsa_jwk_priv')::jsonb || c.m)::text AS priv,
               (pg_temp.k('rsa_jwk')::jsonb || c.m)::text AS pub
          FROM (VALUES
            ('C.55 use enc',                   '{"use":"enc"}'::jsonb),
            ('C.55 key_ops [encrypt]',         '{"key_ops":["encrypt"]}'),
            ('key_ops [verify]',               '{"key_ops":["verify"]}'),
            ('key_ops [sign]',                 '{"key_ops":["sign"]}'),
            ('key_ops [sign, verify]',         '{"key_ops":["sign","verify"]}'),
            ('key_ops []',                     '{"key_ops":[]}'),
            ('use "SIG" (unknown: permits nothing)', '{"use":"SIG"}'),
            ('use sig, key_ops [verify]',      '{"use":"sig","key_ops":["verify"]}')
          ) c(name, m)) f;

-- 14. A JWKS whose only keys are unusable is refused; one with a usable key
--     among them is not (RFC 7517 section 5)
SELECT pg_temp.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', :'rs256_ref',
         jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa1024_jwk')::jsonb,
                                                      pg_temp.flip(pg_temp.k('ec_jwk'), 'y', -1)::jsonb)))) AS only_unusable_keys;
