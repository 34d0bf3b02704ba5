--
-- asym_attacks: attacks on asymmetric verification, each case named after
-- the attack and its item in security.md section 8 (C: algorithm confusion
-- and key binding; I: embedded keys, key URLs and kid; O: JWKS).  Forged
-- HS256 tokens are MACed with pgcrypto's hmac(), never with token_ext, so a
-- forgery is exactly the bytes an attacker would send.  Every attack must be
-- refused with the pinned SQLSTATE, message and detail.
--
-- Self-contained: the helpers below are session-local (pg_temp) and the test
-- keys are fixed literals made once with openssl (genpkey, pkey, rsa, ec,
-- req -x509) and converted to JWK with Python's cryptography package, so
-- every expected value here was computed outside token_ext.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS token_ext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
RESET client_min_messages;
-- the fixed test keys, by name
CREATE TEMP TABLE k (name text PRIMARY KEY, val text NOT NULL);
CREATE FUNCTION pg_temp.k(n text) RETURNS text LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE v text;
BEGIN
  SELECT val INTO v FROM pg_temp.k WHERE name = n;
  IF NOT FOUND THEN RAISE EXCEPTION 'no test key %', n; END IF;
  RETURN v;
END $$;
-- unpadded base64url of bytes, and back (RFC 4648 section 5), without token_ext
CREATE FUNCTION pg_temp.b64(b bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT rtrim(translate(encode(b, 'base64'), E'+/\n', '-_'), '=') $$;
CREATE FUNCTION pg_temp.unb64(s text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT decode(rpad(translate(s, '-_', '+/'), (length(s) + 3) / 4 * 4, '='), 'base64') $$;
-- one statement's outcome as one line: 'OK <first column>' or
-- '<SQLSTATE> <message> | <detail>', so each case pins all three
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE stmt INTO r;
  RETURN 'OK ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

-- the test keys: the verifiers RSA key A (PKCS#8, SPKI, PKCS#1, JWK), the
-- attackers RSA key B (PKCS#8, SPKI, JWK, certificate), P-256 and Ed25519 keys
INSERT INTO pg_temp.k VALUES
  ('rsa_p8', $k$-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDSFhJ0Rkc1rs5I
UHVRWE4cbBYxy667425ADq5Fl0u/nfh3BG9IPC2Lut5PuSg0peE1RYy8xvkdtGb7
h+Lc4VbH2KR1JTGOUFha8rk48s6hyujdkHvdUXynMcpq+RbOpMzdhsNCyRjvYALs
rYDkw4bwAkBjCFw14neHcCVpt8KhyD5gmU74j5zaOvqrLsPaTmyAbRqM4HBhU4gR
x5J0Zd+YvrA3N3wgOSjv1ed5Wvk5I7J9b77rndQzE9i91FJEAxFDVvJuOqC8VFJV
FcecUkXFJbIIMsmG3tSg5IYzxd1QOuO+9tU2KFhiWob12ZiO9KjaWu2qW5F19dem
y5AQERh3AgMBAAECggEALL5ys7z8EZznZlNsiSSrjjYfC//7eRzZMF9wEnZEtczp
TD/vi4z1jlsAWi5vN7dUncnwTYx7Ji5z+IJaePytROcJL8H6KftGtigX9t8Pzzmu
GvJYzyw5xko+eEYQ63YCA/Rdxe2al/D07n+Ngit6o8d2+yCeswNGvdvOvBNdKqNe
jHfcNk/LDxULaZS0SKQNLSZvjgFVy3eh0tn86bMyqok6LFp6mlg9JQmrMJsQFl9q
KaZK2Y7D3jpAvonwzZimWIg15OUgiZ4HPP4lZYEVgfbQVqaI6jK4DHyS2bBrENAb
6z8p1DukHy9SNPDD6D3FmIbWNPwLst9v7/V4W0VugQKBgQDowvdczOdLWVU8IjPT
/bf7N+HUVtAnCfPBUu80DTBK87BVKKnG7CeS1MFMU2hrd41f3k6zlmy9eSgoDAwX
GDxgbrDs2sq5Z5X8JNQM+ZbzHmcNjyYozAhgS19wI9z/b2xbkHDMtNE4akQ6Cd3f
xRcw7xjpX81bUpkncUvaimSfoQKBgQDnD47JKFHC+tyHNTv5xxYPirl64LCDy/66
7Nji+clTr85CmRZm8ltTUnRgkBlZmwHmUYCzTMx7ZhCJinJx+0sTQxYTa9bOOiz9
LjbBD7QdXuE6QMz07+LGXk/fnzzRFyWseLXYnDzRWHWlk31gEwOL+m+ikzeFR6fo
O4/qn5MhFwKBgQCgnFff2ywGnD/qXJdywnI/kRHtWXIMXhuq3LVeL3ORZJHaUVLF
hpLQCKrRJgS5kyckbdvUpAmovH9vEtEM5pZS3E6NQXP9d3LRKACCa38zh1kIzCxC
nndxKtFSKg0G3TXiAMs1FdgAm6M0gTZugCs+gt2nu4mSaG5x/wWeaTyBwQKBgAqI
3w201OV64osXlkBxH0ReIs7DZ8jaiCalnc3bbZ5vKYxHxomzCw7ld4DfkQhQ1OlX
VfLW0Yvev2pF8anYtzeNm3gPNp/4bwysCrsKqD+ej85EHhQcy84XhrS/Ydp2n7UZ
W9EgbnVs/xAphVHYDBVZubVD2QgumC0yagFcfSzJAoGAF5cMHTTufCMW1tE0h5/g
GliuboPtSqbB6RXnCq2QIynlcuJzBIkTc08UdJNHjyhZZDpfKByIzX4oaBd7ynq6
qwuOP8l9mXfP46vuB4eejaudIoGWJcdf/azguOm7H+xfz8nJCC8RuO7diFuuqQZj
OUgyFuVBq76V57Uf9nO0kn4=
-----END PRIVATE KEY-----
$k$),
  ('rsa_spki', $k$-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0hYSdEZHNa7OSFB1UVhO
HGwWMcuuu+NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm+4fi3OFW
x9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG
8AJAYwhcNeJ3h3AlabfCocg+YJlO+I+c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXf
mL6wNzd8IDko79XneVr5OSOyfW++653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJF
xSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEY
dwIDAQAB
-----END PUBLIC KEY-----
$k$),
  ('rsa_pkcs1pub', $k$-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA0hYSdEZHNa7OSFB1UVhOHGwWMcuuu+NuQA6uRZdLv534dwRvSDwt
i7reT7koNKXhNUWMvMb5HbRm+4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8
pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg+YJlO+I+c
2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW++653U
MxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihY
YlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdwIDAQAB
-----END RSA PUBLIC KEY-----
$k$),
  ('rsa_jwk', $k${"kty":"RSA","n":"0hYSdEZHNa7OSFB1UVhOHGwWMcuuu-NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm-4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg-YJlO-I-c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW--653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdw","e":"AQAB"}$k$),
  ('rsaB_p8', $k$-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCcPfSTCxPGiLwR
DgAd83buBn4j7IiJBHAYu1EE77/G9zVNTdQ4F9wSNQcrQdnaGufWeGEBcpD32IMi
nr/nbc+AEvrOiw9Tc9MRQ7faVOL30MJXB6Xq1Mv8HbXHb+tegUjPtra1xsB9RH4c
EHLJijPjbFpLtazNCwWhaIxEIdqvHI1QWkwMp0agHVcp0x6dV+Iz6gSq4Rc0YMoG
KDDPVKz+nF7fWXMEF2urDuxGXVN6DKh/rYoq4S6g92HkjeIDv3tObcI3V4qL5YSZ
LwwfMxtrjYCkqaqqUgGJ21mKQIwkdZHMirBVcg0LX190EaIbn8mN0VEP0FVTSGwK
l0uG4jtxAgMBAAECggEAFSFJ33ha4HmN2aPyPxq15a30xuijycf9sv045qPX5KbP
y23FpXUQmwPB6Ec7w66U1mFUWSzvJHMLFRZcGgaJ+VECdgbCIq/3hmOz9xqOJs6m
9xHT41o2YMPR2YWDfYtFghXnSCvMzNmDpp77hHx6KlJ1NGepqtdH7SglpByMpdbO
vzY5NCtB63B6szcDsifSFzqGiJFMpT29IC5dRZ0ieusf5nmJHvB0ChZUCtPOm8O7
/8CBkD0OckLf90P/2FArCKYopW9IXKhf6SU0aKPn8jq63RU0gri2foy5pY4ymYdF
n1yO9owkGV4vJzTwsewCMSxSfdwQ5zQGc28DK2QeowKBgQDK9pO6CsqyjDCkNJFI
Qx5+ojfCTv+v0cgJdKZ4FNlHn8l312AMn92MP3185+BTnDVuFnw4HuTl6/X/eXvA
XB8Sg6m+P9W68tgjrLtuUiUuYyaqKPDoocSqM4tPOeO68D6iTRSKIfFEB28QhrMn
a/q8ABA/bKr7NrRv+L40zU2VpwKBgQDFEetCfm7NxteREm2fYc95sUlrLuO2k/PT
dKvr/1faHcZlc6O+MYm9w8v86dTzq7o565ed9dLQ+HpReVXjn4KLF36CHPicM4UG
4OUVgPw2hLOxwOuDaT46RJOc0Vn8qFhA0hFyZdgZ0l8BCAah9k6u1F/GTIDMqTRl
EUpn3Jf5JwKBgAsuDfEfiw7Ovhctdhs+5z0efmfLpjXvHk+3BzxyGY3idVyOlpHb
dH63OJhaxXaVkjPgNTN6MC2iE8jgzjpIWMXSTtVV+tXzboh4iVKIX9fwSj7xRmPq
FUUy1aeljq/LcAfMqyb4u6t9pVaJtPCk+AjHEB4ORFTWLJZGY2PRM0bdAoGAfFbv
/wZS1xbskCX2cKeABqIrVqtBFcOIBhUJHGABiCddNEmgOLJ82/Sb0jmfGRdy6nSR
NyMRHrSISLury3CrJyNtuJ6a5cND3bEsGUNG3wcfcbntXv6aOp1mHX2hr15wQIXK
aEmF7dTkCHyN4sbLoldxDmbapUblPheIwLtYT+UCgYAT5LYJkbMn86yfteBt+IAm
9bxAvV75cAv746nKnGEcWx+wddQXJGkPdE8KOpPpragKnLYPic58WM9ymH0zuKl5
VJ1aFI3gpUrMWPqZA9iSHkODg3hnjrTe5GUw6C6MXXrkRyk74Sj+zhdwXfpPmP9/
zT7SjpOd91nHH9m6H+bFdw==
-----END PRIVATE KEY-----
$k$),
  ('rsaB_spki', $k$-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnD30kwsTxoi8EQ4AHfN2
7gZ+I+yIiQRwGLtRBO+/xvc1TU3UOBfcEjUHK0HZ2hrn1nhhAXKQ99iDIp6/523P
gBL6zosPU3PTEUO32lTi99DCVwel6tTL/B21x2/rXoFIz7a2tcbAfUR+HBByyYoz
42xaS7WszQsFoWiMRCHarxyNUFpMDKdGoB1XKdMenVfiM+oEquEXNGDKBigwz1Ss
/pxe31lzBBdrqw7sRl1Tegyof62KKuEuoPdh5I3iA797Tm3CN1eKi+WEmS8MHzMb
a42ApKmqqlIBidtZikCMJHWRzIqwVXINC19fdBGiG5/JjdFRD9BVU0hsCpdLhuI7
cQIDAQAB
-----END PUBLIC KEY-----
$k$),
  ('rsaB_jwk', $k${"kty":"RSA","n":"nD30kwsTxoi8EQ4AHfN27gZ-I-yIiQRwGLtRBO-_xvc1TU3UOBfcEjUHK0HZ2hrn1nhhAXKQ99iDIp6_523PgBL6zosPU3PTEUO32lTi99DCVwel6tTL_B21x2_rXoFIz7a2tcbAfUR-HBByyYoz42xaS7WszQsFoWiMRCHarxyNUFpMDKdGoB1XKdMenVfiM-oEquEXNGDKBigwz1Ss_pxe31lzBBdrqw7sRl1Tegyof62KKuEuoPdh5I3iA797Tm3CN1eKi-WEmS8MHzMba42ApKmqqlIBidtZikCMJHWRzIqwVXINC19fdBGiG5_JjdFRD9BVU0hsCpdLhuI7cQ","e":"AQAB"}$k$),
  ('rsaB_crt', $k$-----BEGIN CERTIFICATE-----
MIIC9jCCAd6gAwIBAgIBAzANBgkqhkiG9w0BAQsFADATMREwDwYDVQQDDAhhdHRh
Y2tlcjAgFw0yNjExMjgxNTQwMjVaGA8yMTI2MTEwNDE1NDAyNVowEzERMA8GA1UE
AwwIYXR0YWNrZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCcPfST
CxPGiLwRDgAd83buBn4j7IiJBHAYu1EE77/G9zVNTdQ4F9wSNQcrQdnaGufWeGEB
cpD32IMinr/nbc+AEvrOiw9Tc9MRQ7faVOL30MJXB6Xq1Mv8HbXHb+tegUjPtra1
xsB9RH4cEHLJijPjbFpLtazNCwWhaIxEIdqvHI1QWkwMp0agHVcp0x6dV+Iz6gSq
4Rc0YMoGKDDPVKz+nF7fWXMEF2urDuxGXVN6DKh/rYoq4S6g92HkjeIDv3tObcI3
V4qL5YSZLwwfMxtrjYCkqaqqUgGJ21mKQIwkdZHMirBVcg0LX190EaIbn8mN0VEP
0FVTSGwKl0uG4jtxAgMBAAGjUzBRMB0GA1UdDgQWBBTkZ0GU6t9pznNJ/EELzZPC
uIGzXzAfBgNVHSMEGDAWgBTkZ0GU6t9pznNJ/EELzZPCuIGzXzAPBgNVHRMBAf8E
BTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBfuctgC6mb+zOaYIczC0uUGARNs0RM
zVQsiAmyAwIvXWdAnYMujEFhiU+gBUL/MhBohNdzXNoYGmk/brmIIdHWfNG93iKO
F9hPo4VKwB0CSCgcbacE5w+kqeEtEmjyLPHqXfXT4nhBn/+WxTSRROCo7eq3SSMf
BP2MsWFH40Y3F7GPNCovfULBPTDAhYPd8ATtMmx2FLUISd2upGVskp+xeOilzouT
Eyp3DP79Mu0TI8QCEllEn7gcLt95t12xGFOefmSqBknLahqCUpEKnU27+lHoz3d9
rlzR3X1oICwTryc6ozt7e4rdjtCEDUnKtZR09RmjQBEc1GXzmw0DdVgL
-----END CERTIFICATE-----
$k$),
  ('ec_spki', $k$-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEO2whiLgzjhGs1RBT3y9b0DrEL+F3
hOqeTzoDUUdYn6MhGn5g+WO6zctTBS3RKzxrR2Q6+dG7LcRdRZm7WQBT0Q==
-----END PUBLIC KEY-----
$k$),
  ('ec_jwk', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E"}$k$),
  ('ec_jwk_priv', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E","d":"I8uoJnz9lDrLXJytyAT5MK1AkmfcRd_-K1LS2rqeSs8"}$k$),
  ('ed_spki', $k$-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA2LEMe35v13AW3zA+5LoZasyCc+lJs5V3x/JDI5tISdA=
-----END PUBLIC KEY-----
$k$),
  ('ed_jwk', $k${"kty":"OKP","crv":"Ed25519","x":"2LEMe35v13AW3zA-5LoZasyCc-lJs5V3x_JDI5tISdA"}$k$);

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
