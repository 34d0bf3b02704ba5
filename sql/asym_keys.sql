--
-- asym_keys: every form an RSA, EC or OKP key can take (PEM PKCS#8, SPKI,
-- PKCS#1, SEC1, X.509 certificate; JWK; JWKS) gives the same key, and every
-- key the rules of README.md "Key rules" forbid is refused with its reason.
-- Refusals follow security.md section 8: C.52, C.55, C.59 (alg and use
-- binding), D.72-74 (EC points, coordinate lengths, curves), E.80, E.81,
-- E.83, E.84 (RSA size, exponent, CRT, oth), G.92, G.95 (OKP), O.174-O.178
-- (JWK members, x5c).  A refused key is always 22023 "invalid key".
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
-- a JWK (as text) with member m set to the string v
CREATE FUNCTION pg_temp.jset(j text, m text, v text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT jsonb_set(j::jsonb, ARRAY[m], to_jsonb(v))::text $$;
-- a JWK (as text) whose base64url member m has the low bit of byte i
-- flipped (i counts from 0, or from the end when negative)
CREATE FUNCTION pg_temp.flip(j text, m text, i int) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.jset(j, m, pg_temp.b64(set_byte(b, p, get_byte(b, p) # 1)))
        FROM (SELECT b, CASE WHEN i < 0 THEN length(b) + i ELSE i END AS p
                FROM (SELECT pg_temp.unb64(j::jsonb->>m) AS b) x) y $$;
-- the decoded bytes of the base64url member m of a JWK (as text)
CREATE FUNCTION pg_temp.member(j text, m text) RETURNS bytea LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_temp.unb64(j::jsonb->>m) $$;
-- the base64 DER body of a PEM block (an "x5c" entry)
CREATE FUNCTION pg_temp.der(pem text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT replace(regexp_replace(pem, '-----[A-Z ]+-----', '', 'g'), E'\n', '') $$;

-- the test keys: A (RSA 2048) in every PEM form, its certificate and JWKs;
-- B, another RSA key; weak RSA keys; P-256 in every form; P-384; Ed25519,
-- Ed448 and X25519 JWKs; an encrypted P-256 key (password "secret")
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
  ('rsa_pkcs1', $k$-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0hYSdEZHNa7OSFB1UVhOHGwWMcuuu+NuQA6uRZdLv534dwRv
SDwti7reT7koNKXhNUWMvMb5HbRm+4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB7
3VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg+YJlO
+I+c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW++
653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbV
NihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdwIDAQABAoIBACy+crO8/BGc52ZT
bIkkq442Hwv/+3kc2TBfcBJ2RLXM6Uw/74uM9Y5bAFoubze3VJ3J8E2MeyYuc/iC
Wnj8rUTnCS/B+in7RrYoF/bfD885rhryWM8sOcZKPnhGEOt2AgP0XcXtmpfw9O5/
jYIreqPHdvsgnrMDRr3bzrwTXSqjXox33DZPyw8VC2mUtEikDS0mb44BVct3odLZ
/OmzMqqJOixaeppYPSUJqzCbEBZfaimmStmOw946QL6J8M2YpliINeTlIImeBzz+
JWWBFYH20FamiOoyuAx8ktmwaxDQG+s/KdQ7pB8vUjTww+g9xZiG1jT8C7Lfb+/1
eFtFboECgYEA6ML3XMznS1lVPCIz0/23+zfh1FbQJwnzwVLvNA0wSvOwVSipxuwn
ktTBTFNoa3eNX95Os5ZsvXkoKAwMFxg8YG6w7NrKuWeV/CTUDPmW8x5nDY8mKMwI
YEtfcCPc/29sW5BwzLTROGpEOgnd38UXMO8Y6V/NW1KZJ3FL2opkn6ECgYEA5w+O
yShRwvrchzU7+ccWD4q5euCwg8v+uuzY4vnJU6/OQpkWZvJbU1J0YJAZWZsB5lGA
s0zMe2YQiYpycftLE0MWE2vWzjos/S42wQ+0HV7hOkDM9O/ixl5P35880RclrHi1
2Jw80Vh1pZN9YBMDi/pvopM3hUen6DuP6p+TIRcCgYEAoJxX39ssBpw/6lyXcsJy
P5ER7VlyDF4bqty1Xi9zkWSR2lFSxYaS0Aiq0SYEuZMnJG3b1KQJqLx/bxLRDOaW
UtxOjUFz/Xdy0SgAgmt/M4dZCMwsQp53cSrRUioNBt014gDLNRXYAJujNIE2boAr
PoLdp7uJkmhucf8Fnmk8gcECgYAKiN8NtNTleuKLF5ZAcR9EXiLOw2fI2ogmpZ3N
222ebymMR8aJswsO5XeA35EIUNTpV1Xy1tGL3r9qRfGp2Lc3jZt4Dzaf+G8MrAq7
Cqg/no/ORB4UHMvOF4a0v2Hadp+1GVvRIG51bP8QKYVR2AwVWbm1Q9kILpgtMmoB
XH0syQKBgBeXDB007nwjFtbRNIef4BpYrm6D7UqmwekV5wqtkCMp5XLicwSJE3NP
FHSTR48oWWQ6XygciM1+KGgXe8p6uqsLjj/JfZl3z+Or7geHno2rnSKBliXHX/2s
4Ljpux/sX8/JyQgvEbju3YhbrqkGYzlIMhblQau+lee1H/ZztJJ+
-----END RSA PRIVATE KEY-----
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
  ('rsa_crt', $k$-----BEGIN CERTIFICATE-----
MIIDCjCCAfKgAwIBAgIBATANBgkqhkiG9w0BAQsFADAdMRswGQYDVQQDDBJ0b2tl
bl9leHQtdGVzdC1yc2EwIBcNMjYxMTI4MTU0MDI1WhgPMjEyNjExMDQxNTQwMjVa
MB0xGzAZBgNVBAMMEnRva2VuX2V4dC10ZXN0LXJzYTCCASIwDQYJKoZIhvcNAQEB
BQADggEPADCCAQoCggEBANIWEnRGRzWuzkhQdVFYThxsFjHLrrvjbkAOrkWXS7+d
+HcEb0g8LYu63k+5KDSl4TVFjLzG+R20ZvuH4tzhVsfYpHUlMY5QWFryuTjyzqHK
6N2Qe91RfKcxymr5Fs6kzN2Gw0LJGO9gAuytgOTDhvACQGMIXDXid4dwJWm3wqHI
PmCZTviPnNo6+qsuw9pObIBtGozgcGFTiBHHknRl35i+sDc3fCA5KO/V53la+Tkj
sn1vvuud1DMT2L3UUkQDEUNW8m46oLxUUlUVx5xSRcUlsggyyYbe1KDkhjPF3VA6
47721TYoWGJahvXZmI70qNpa7apbkXX116bLkBARGHcCAwEAAaNTMFEwHQYDVR0O
BBYEFFQ1zNNLS6KIIkLKXaHCg6dxAUSSMB8GA1UdIwQYMBaAFFQ1zNNLS6KIIkLK
XaHCg6dxAUSSMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAGkQ
/9XzjoUgHZ41Gq5mf4ijak7dIS3EbN29X033xYPXwd1zK4MmNuYrEt6mvlGdGNkH
vO2vQFY66QUgdM1JBrxGbgcEZYshzpxtzpRLuEpXSP4oc5H0qgPUjCD8Ks9pU8K6
NI7xtJyxx7HuSUwrU5zSW4HhINxUaG78UqsOVyzUmO6Qj/LNOuMUff0+2PWZSL0O
yHlzcsRCnsBc40Ret4ugQb2YKNKG2m+2vBxKXMZ2dvo4I1m6upcXO0pTAIl0brQw
WZJZ4ZoAQK8rli6IsyIj3BZ+cZxxjlD+oCicQB4YqTa9lknY6HsQ/prSkUyfxO4C
LXh4FvmaMq97432Lv0s=
-----END CERTIFICATE-----
$k$),
  ('rsa_jwk', $k${"kty":"RSA","n":"0hYSdEZHNa7OSFB1UVhOHGwWMcuuu-NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm-4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg-YJlO-I-c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW--653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdw","e":"AQAB"}$k$),
  ('rsa_jwk_priv', $k${"kty":"RSA","n":"0hYSdEZHNa7OSFB1UVhOHGwWMcuuu-NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm-4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg-YJlO-I-c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW--653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdw","e":"AQAB","d":"LL5ys7z8EZznZlNsiSSrjjYfC__7eRzZMF9wEnZEtczpTD_vi4z1jlsAWi5vN7dUncnwTYx7Ji5z-IJaePytROcJL8H6KftGtigX9t8PzzmuGvJYzyw5xko-eEYQ63YCA_Rdxe2al_D07n-Ngit6o8d2-yCeswNGvdvOvBNdKqNejHfcNk_LDxULaZS0SKQNLSZvjgFVy3eh0tn86bMyqok6LFp6mlg9JQmrMJsQFl9qKaZK2Y7D3jpAvonwzZimWIg15OUgiZ4HPP4lZYEVgfbQVqaI6jK4DHyS2bBrENAb6z8p1DukHy9SNPDD6D3FmIbWNPwLst9v7_V4W0VugQ","p":"6ML3XMznS1lVPCIz0_23-zfh1FbQJwnzwVLvNA0wSvOwVSipxuwnktTBTFNoa3eNX95Os5ZsvXkoKAwMFxg8YG6w7NrKuWeV_CTUDPmW8x5nDY8mKMwIYEtfcCPc_29sW5BwzLTROGpEOgnd38UXMO8Y6V_NW1KZJ3FL2opkn6E","q":"5w-OyShRwvrchzU7-ccWD4q5euCwg8v-uuzY4vnJU6_OQpkWZvJbU1J0YJAZWZsB5lGAs0zMe2YQiYpycftLE0MWE2vWzjos_S42wQ-0HV7hOkDM9O_ixl5P35880RclrHi12Jw80Vh1pZN9YBMDi_pvopM3hUen6DuP6p-TIRc","dp":"oJxX39ssBpw_6lyXcsJyP5ER7VlyDF4bqty1Xi9zkWSR2lFSxYaS0Aiq0SYEuZMnJG3b1KQJqLx_bxLRDOaWUtxOjUFz_Xdy0SgAgmt_M4dZCMwsQp53cSrRUioNBt014gDLNRXYAJujNIE2boArPoLdp7uJkmhucf8Fnmk8gcE","dq":"CojfDbTU5XriixeWQHEfRF4izsNnyNqIJqWdzdttnm8pjEfGibMLDuV3gN-RCFDU6VdV8tbRi96_akXxqdi3N42beA82n_hvDKwKuwqoP56PzkQeFBzLzheGtL9h2naftRlb0SBudWz_ECmFUdgMFVm5tUPZCC6YLTJqAVx9LMk","qi":"F5cMHTTufCMW1tE0h5_gGliuboPtSqbB6RXnCq2QIynlcuJzBIkTc08UdJNHjyhZZDpfKByIzX4oaBd7ynq6qwuOP8l9mXfP46vuB4eejaudIoGWJcdf_azguOm7H-xfz8nJCC8RuO7diFuuqQZjOUgyFuVBq76V57Uf9nO0kn4"}$k$),
  ('rsaB_jwk_priv', $k${"kty":"RSA","n":"nD30kwsTxoi8EQ4AHfN27gZ-I-yIiQRwGLtRBO-_xvc1TU3UOBfcEjUHK0HZ2hrn1nhhAXKQ99iDIp6_523PgBL6zosPU3PTEUO32lTi99DCVwel6tTL_B21x2_rXoFIz7a2tcbAfUR-HBByyYoz42xaS7WszQsFoWiMRCHarxyNUFpMDKdGoB1XKdMenVfiM-oEquEXNGDKBigwz1Ss_pxe31lzBBdrqw7sRl1Tegyof62KKuEuoPdh5I3iA797Tm3CN1eKi-WEmS8MHzMba42ApKmqqlIBidtZikCMJHWRzIqwVXINC19fdBGiG5_JjdFRD9BVU0hsCpdLhuI7cQ","e":"AQAB","d":"FSFJ33ha4HmN2aPyPxq15a30xuijycf9sv045qPX5KbPy23FpXUQmwPB6Ec7w66U1mFUWSzvJHMLFRZcGgaJ-VECdgbCIq_3hmOz9xqOJs6m9xHT41o2YMPR2YWDfYtFghXnSCvMzNmDpp77hHx6KlJ1NGepqtdH7SglpByMpdbOvzY5NCtB63B6szcDsifSFzqGiJFMpT29IC5dRZ0ieusf5nmJHvB0ChZUCtPOm8O7_8CBkD0OckLf90P_2FArCKYopW9IXKhf6SU0aKPn8jq63RU0gri2foy5pY4ymYdFn1yO9owkGV4vJzTwsewCMSxSfdwQ5zQGc28DK2Qeow","p":"yvaTugrKsowwpDSRSEMefqI3wk7_r9HICXSmeBTZR5_Jd9dgDJ_djD99fOfgU5w1bhZ8OB7k5ev1_3l7wFwfEoOpvj_VuvLYI6y7blIlLmMmqijw6KHEqjOLTznjuvA-ok0UiiHxRAdvEIazJ2v6vAAQP2yq-za0b_i-NM1Nlac","q":"xRHrQn5uzcbXkRJtn2HPebFJay7jtpPz03Sr6_9X2h3GZXOjvjGJvcPL_OnU86u6OeuXnfXS0Ph6UXlV45-Cixd-ghz4nDOFBuDlFYD8NoSzscDrg2k-OkSTnNFZ_KhYQNIRcmXYGdJfAQgGofZOrtRfxkyAzKk0ZRFKZ9yX-Sc","dp":"Cy4N8R-LDs6-Fy12Gz7nPR5-Z8umNe8eT7cHPHIZjeJ1XI6Wkdt0frc4mFrFdpWSM-A1M3owLaITyODOOkhYxdJO1VX61fNuiHiJUohf1_BKPvFGY-oVRTLVp6WOr8twB8yrJvi7q32lVom08KT4CMcQHg5EVNYslkZjY9EzRt0","dq":"fFbv_wZS1xbskCX2cKeABqIrVqtBFcOIBhUJHGABiCddNEmgOLJ82_Sb0jmfGRdy6nSRNyMRHrSISLury3CrJyNtuJ6a5cND3bEsGUNG3wcfcbntXv6aOp1mHX2hr15wQIXKaEmF7dTkCHyN4sbLoldxDmbapUblPheIwLtYT-U","qi":"E-S2CZGzJ_Osn7XgbfiAJvW8QL1e-XAL--OpypxhHFsfsHXUFyRpD3RPCjqT6a2oCpy2D4nOfFjPcph9M7ipeVSdWhSN4KVKzFj6mQPYkh5Dg4N4Z4603uRlMOgujF165EcpO-Eo_s4XcF36T5j_f80-0o6TnfdZxx_Zuh_mxXc"}$k$),
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
  ('rsa1024_spki', $k$-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDfVB+YcY02wWWJB3kjJPtFW6hf
wgEVSMDv554gcPelF337cnansdZv74lINDI4zblrklqBHDnPjUQIP70i/Fk31qbp
BJM8AS6mahL5lftSwQYkm5aNHYjlf+LU6zrVcLoYreF8rnze7LQxlCLkl+CSiEmC
IPc+MRT7tRymlrZ0DwIDAQAB
-----END PUBLIC KEY-----
$k$),
  ('rsa2047_spki', $k$-----BEGIN PUBLIC KEY-----
MIIBITANBgkqhkiG9w0BAQEFAAOCAQ4AMIIBCQKCAQBv/Qi+zZBxkT0zSttx3Y0o
hprIxO1g+j5nfpSet2vn/0Lk2WFHOwIUV09NB+zFGUF1M3pVCgbGujeDYS27btDa
w4+nvyrRwSrtVjxWC0GvF/hmTAwrbuZxwKv2PTy8g1W9LmUnWpdBcq/Fskt+dOXU
JFQl5xQ0p/s3bQ9HsUiwWl45XfdA4VWjy5FI9j6Y90WSON4Yi0hggj100VdRoHBS
btQhZqG3gP4/V12VpqGhdodI1SYT8HE9f4NYEB265rNzjDoBrdjPWMfK4QfMf7ea
cQGEdMyRRZSKFQOaszklyl77b2Tv9BZIqiRgUuWuXWABiLBUq6516IouePMQIdIN
AgMBAAE=
-----END PUBLIC KEY-----
$k$),
  ('rsa1024_jwk', $k${"kty":"RSA","n":"31QfmHGNNsFliQd5IyT7RVuoX8IBFUjA7-eeIHD3pRd9-3J2p7HWb--JSDQyOM25a5JagRw5z41ECD-9IvxZN9am6QSTPAEupmoS-ZX7UsEGJJuWjR2I5X_i1Os61XC6GK3hfK583uy0MZQi5JfgkohJgiD3PjEU-7Ucppa2dA8","e":"AQAB"}$k$),
  ('rsa2047_jwk', $k${"kty":"RSA","n":"b_0Ivs2QcZE9M0rbcd2NKIaayMTtYPo-Z36Unrdr5_9C5NlhRzsCFFdPTQfsxRlBdTN6VQoGxro3g2Etu27Q2sOPp78q0cEq7VY8VgtBrxf4ZkwMK27mccCr9j08vINVvS5lJ1qXQXKvxbJLfnTl1CRUJecUNKf7N20PR7FIsFpeOV33QOFVo8uRSPY-mPdFkjjeGItIYII9dNFXUaBwUm7UIWaht4D-P1ddlaahoXaHSNUmE_BxPX-DWBAduuazc4w6Aa3Yz1jHyuEHzH-3mnEBhHTMkUWUihUDmrM5Jcpe-29k7_QWSKokYFLlrl1gAYiwVKuudeiKLnjzECHSDQ","e":"AQAB"}$k$),
  ('ec_p8', $k$-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgI8uoJnz9lDrLXJyt
yAT5MK1AkmfcRd/+K1LS2rqeSs+hRANCAAQ7bCGIuDOOEazVEFPfL1vQOsQv4XeE
6p5POgNRR1ifoyEafmD5Y7rNy1MFLdErPGtHZDr50bstxF1FmbtZAFPR
-----END PRIVATE KEY-----
$k$),
  ('ec_sec1', $k$-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICPLqCZ8/ZQ6y1ycrcgE+TCtQJJn3EXf/itS0tq6nkrPoAoGCCqGSM49
AwEHoUQDQgAEO2whiLgzjhGs1RBT3y9b0DrEL+F3hOqeTzoDUUdYn6MhGn5g+WO6
zctTBS3RKzxrR2Q6+dG7LcRdRZm7WQBT0Q==
-----END EC PRIVATE KEY-----
$k$),
  ('ec_spki', $k$-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEO2whiLgzjhGs1RBT3y9b0DrEL+F3
hOqeTzoDUUdYn6MhGn5g+WO6zctTBS3RKzxrR2Q6+dG7LcRdRZm7WQBT0Q==
-----END PUBLIC KEY-----
$k$),
  ('ec_crt', $k$-----BEGIN CERTIFICATE-----
MIIBfDCCASKgAwIBAgIBAjAKBggqhkjOPQQDAjAcMRowGAYDVQQDDBF0b2tlbl9l
eHQtdGVzdC1lYzAgFw0yNjExMjgxNTQwMjVaGA8yMTI2MTEwNDE1NDAyNVowHDEa
MBgGA1UEAwwRdG9rZW5fZXh0LXRlc3QtZWMwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAAQ7bCGIuDOOEazVEFPfL1vQOsQv4XeE6p5POgNRR1ifoyEafmD5Y7rNy1MF
LdErPGtHZDr50bstxF1FmbtZAFPRo1MwUTAdBgNVHQ4EFgQU0fQW1jCxamw9wEsP
gCJre9arNmMwHwYDVR0jBBgwFoAU0fQW1jCxamw9wEsPgCJre9arNmMwDwYDVR0T
AQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEApWXxVnpl3PaxqZhHhza7gIPQ
F29FpECJVNCFwxjwzDsCIHvKdsOZpIP9ymRXpTYR20r9w8aTnr/4+1K2xqP4wDwo
-----END CERTIFICATE-----
$k$),
  ('ec_jwk', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E"}$k$),
  ('ec_jwk_priv', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E","d":"I8uoJnz9lDrLXJytyAT5MK1AkmfcRd_-K1LS2rqeSs8"}$k$),
  ('ec384_jwk', $k${"kty":"EC","crv":"P-384","x":"6YTMn7veV6W7sYfGJ_wFCVkvJyyVDeIbLD3kXXLOEzIuX0TCAGdKo8Txa9Rr_UdJ","y":"ZnTIqjNZhJpLPkpx4IKjTlK3_g8Qp0l78PEQv58MLexu7Eepq8txSbFhrkAgIoZ1"}$k$),
  ('ec_enc_p8', $k$-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgpV6hQzc6d1gICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEMGYpKrDvU3x7cAc2ZlrtmwEgZCH
pgS1sqz/qG59HphvZNwTbRVrzwFrbaCLCYusrU6XpVAuLw4k9jLdhkSaAO/rAum8
kTEp3mz+7Il0kpEX1uyZcVk257F+c0bK011IbDXyxJIsIq8eaEir6EA2UOLuG0tv
oh4PyH8NkVAgbmNCcG8EsLqDBuAIibTft24Ltyc3rKDkqEMno8xaktV4qOe/Sbc=
-----END ENCRYPTED PRIVATE KEY-----
$k$),
  ('ec_enc_sec1', $k$-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,78A83738DBE5D876A8B56095DFBC1245

bkz/yO4MrF+70aFpZ459N4JZI7Ebcl4hRVitLHWFqgE7TjHBdH9FkmOsq+CoYxNh
xgQjqXEngjGzS/FjDxRVZ6Eq/zxs2HebUBb0BGS5ss88/p79AEgbbfi+bi8jy7nn
ZIZSCCblbgRoEZDg9m+ank4g1FZGVDpYj9EzkjaemdA=
-----END EC PRIVATE KEY-----
$k$),
  ('ed_p8', $k$-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIGI1GZxJrujOcJjaKlva8dyq3O+PTTsUhkwrmpULA8vV
-----END PRIVATE KEY-----
$k$),
  ('ed_spki', $k$-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA2LEMe35v13AW3zA+5LoZasyCc+lJs5V3x/JDI5tISdA=
-----END PUBLIC KEY-----
$k$),
  ('ed_jwk', $k${"kty":"OKP","crv":"Ed25519","x":"2LEMe35v13AW3zA-5LoZasyCc-lJs5V3x_JDI5tISdA"}$k$),
  ('ed_jwk_priv', $k${"kty":"OKP","crv":"Ed25519","x":"2LEMe35v13AW3zA-5LoZasyCc-lJs5V3x_JDI5tISdA","d":"YjUZnEmu6M5wmNoqW9rx3Krc749NOxSGTCualQsDy9U"}$k$),
  ('edb_jwk_priv', $k${"kty":"OKP","crv":"Ed25519","x":"U5Bpr2Q-4PNCVMoFYQfPesl0xsFPlOK-OYv7PAqIQaU","d":"6guof324lCly1Gf_S_EXyY_O4wmCbO2rYhd-3ttePxE"}$k$),
  ('ed448_jwk_priv', $k${"kty":"OKP","crv":"Ed448","x":"n_M90VhqNYrGoYAFXIr2qQJza59CC9IfBSdIGDOFo7_NyaYDZM0EDMioT80NypLyqyHl8mf67l8A","d":"Y7bqwapGsKgycw1bFsJbEm6WdHJdf-lyc1etrduWvhraG1mpck7OmLopEh1ejtLSEtN2PwLuOLSj"}$k$),
  ('x25519_jwk', $k${"kty":"OKP","crv":"X25519","x":"5HQSzhPDIV07FWabnbRRriRucUqlxNLWzGTjhVrlYQ8"}$k$),
  ('x25519_jwk_priv', $k${"kty":"OKP","crv":"X25519","x":"5HQSzhPDIV07FWabnbRRriRucUqlxNLWzGTjhVrlYQ8","d":"sL9pq1F6M1WtOeI_peXpV6ZDfLzyqH5uNsJhHvCggkU"}$k$);

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
