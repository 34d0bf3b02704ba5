--
-- asym_rsa: RS256/384/512 (RSASSA-PKCS1-v1_5) and PS256/384/512 (RSASSA-PSS)
-- with fixed 2048-bit keys.  RS* signatures are deterministic, so the tokens
-- token_ext signs must equal the ones Python's cryptography package made
-- from the same key; PS* signatures are randomised (random salt), so they
-- are checked by verification only, plus Python-made PS* tokens.
-- Negative cases follow security.md section 8 C.50, C.51 and E.76-E.78.
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
-- the decoded signature of a compact token, and the token with another signature
CREATE FUNCTION pg_temp.sig(tok text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT pg_temp.unb64(split_part(tok, '.', 3)) $$;
CREATE FUNCTION pg_temp.resig(tok text, s bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT split_part(tok, '.', 1) || '.' || split_part(tok, '.', 2) || '.' || pg_temp.b64(s) $$;
-- the token with another header (same payload and signature)
CREATE FUNCTION pg_temp.rehead(tok text, h text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT pg_temp.b64(convert_to(h, 'UTF8')) || '.' || split_part(tok, '.', 2) || '.' || split_part(tok, '.', 3) $$;

-- the test keys: A (RSA 2048) as PKCS#8, SPKI and JWK; B, another RSA 2048 key
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
  ('rsa_jwk', $k${"kty":"RSA","n":"0hYSdEZHNa7OSFB1UVhOHGwWMcuuu-NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm-4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg-YJlO-I-c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW--653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdw","e":"AQAB"}$k$),
  ('rsa_jwk_priv', $k${"kty":"RSA","n":"0hYSdEZHNa7OSFB1UVhOHGwWMcuuu-NuQA6uRZdLv534dwRvSDwti7reT7koNKXhNUWMvMb5HbRm-4fi3OFWx9ikdSUxjlBYWvK5OPLOocro3ZB73VF8pzHKavkWzqTM3YbDQskY72AC7K2A5MOG8AJAYwhcNeJ3h3AlabfCocg-YJlO-I-c2jr6qy7D2k5sgG0ajOBwYVOIEceSdGXfmL6wNzd8IDko79XneVr5OSOyfW--653UMxPYvdRSRAMRQ1bybjqgvFRSVRXHnFJFxSWyCDLJht7UoOSGM8XdUDrjvvbVNihYYlqG9dmYjvSo2lrtqluRdfXXpsuQEBEYdw","e":"AQAB","d":"LL5ys7z8EZznZlNsiSSrjjYfC__7eRzZMF9wEnZEtczpTD_vi4z1jlsAWi5vN7dUncnwTYx7Ji5z-IJaePytROcJL8H6KftGtigX9t8PzzmuGvJYzyw5xko-eEYQ63YCA_Rdxe2al_D07n-Ngit6o8d2-yCeswNGvdvOvBNdKqNejHfcNk_LDxULaZS0SKQNLSZvjgFVy3eh0tn86bMyqok6LFp6mlg9JQmrMJsQFl9qKaZK2Y7D3jpAvonwzZimWIg15OUgiZ4HPP4lZYEVgfbQVqaI6jK4DHyS2bBrENAb6z8p1DukHy9SNPDD6D3FmIbWNPwLst9v7_V4W0VugQ","p":"6ML3XMznS1lVPCIz0_23-zfh1FbQJwnzwVLvNA0wSvOwVSipxuwnktTBTFNoa3eNX95Os5ZsvXkoKAwMFxg8YG6w7NrKuWeV_CTUDPmW8x5nDY8mKMwIYEtfcCPc_29sW5BwzLTROGpEOgnd38UXMO8Y6V_NW1KZJ3FL2opkn6E","q":"5w-OyShRwvrchzU7-ccWD4q5euCwg8v-uuzY4vnJU6_OQpkWZvJbU1J0YJAZWZsB5lGAs0zMe2YQiYpycftLE0MWE2vWzjos_S42wQ-0HV7hOkDM9O_ixl5P35880RclrHi12Jw80Vh1pZN9YBMDi_pvopM3hUen6DuP6p-TIRc","dp":"oJxX39ssBpw_6lyXcsJyP5ER7VlyDF4bqty1Xi9zkWSR2lFSxYaS0Aiq0SYEuZMnJG3b1KQJqLx_bxLRDOaWUtxOjUFz_Xdy0SgAgmt_M4dZCMwsQp53cSrRUioNBt014gDLNRXYAJujNIE2boArPoLdp7uJkmhucf8Fnmk8gcE","dq":"CojfDbTU5XriixeWQHEfRF4izsNnyNqIJqWdzdttnm8pjEfGibMLDuV3gN-RCFDU6VdV8tbRi96_akXxqdi3N42beA82n_hvDKwKuwqoP56PzkQeFBzLzheGtL9h2naftRlb0SBudWz_ECmFUdgMFVm5tUPZCC6YLTJqAVx9LMk","qi":"F5cMHTTufCMW1tE0h5_gGliuboPtSqbB6RXnCq2QIynlcuJzBIkTc08UdJNHjyhZZDpfKByIzX4oaBd7ynq6qwuOP8l9mXfP46vuB4eejaudIoGWJcdf_azguOm7H-xfz8nJCC8RuO7diFuuqQZjOUgyFuVBq76V57Uf9nO0kn4"}$k$),
  ('rsaB_spki', $k$-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnD30kwsTxoi8EQ4AHfN2
7gZ+I+yIiQRwGLtRBO+/xvc1TU3UOBfcEjUHK0HZ2hrn1nhhAXKQ99iDIp6/523P
gBL6zosPU3PTEUO32lTi99DCVwel6tTL/B21x2/rXoFIz7a2tcbAfUR+HBByyYoz
42xaS7WszQsFoWiMRCHarxyNUFpMDKdGoB1XKdMenVfiM+oEquEXNGDKBigwz1Ss
/pxe31lzBBdrqw7sRl1Tegyof62KKuEuoPdh5I3iA797Tm3CN1eKi+WEmS8MHzMb
a42ApKmqqlIBidtZikCMJHWRzIqwVXINC19fdBGiG5/JjdFRD9BVU0hsCpdLhuI7
cQIDAQAB
-----END PUBLIC KEY-----
$k$);

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
