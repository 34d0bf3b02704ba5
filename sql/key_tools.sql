--
-- key_tools: jwt.generate_key, public_jwk, jwk_thumbprint, jwk_from_pem,
-- pem_from_jwk, jwks / jwks_agg, and the per-session key cache.  Generated
-- keys are random, so only their structure is asserted (members present,
-- decoded sizes, kid = thumbprint, and that they sign and verify); fixed
-- values come from RFC 7638 and from PEM files made with openssl.
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

-- the test keys: RSA, P-256 and Ed25519 in PEM and JWK forms; another P-256 key
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
  ('ec_jwk', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E"}$k$),
  ('ec_jwk_priv', $k${"kty":"EC","crv":"P-256","x":"O2whiLgzjhGs1RBT3y9b0DrEL-F3hOqeTzoDUUdYn6M","y":"IRp-YPljus3LUwUt0Ss8a0dkOvnRuy3EXUWZu1kAU9E","d":"I8uoJnz9lDrLXJytyAT5MK1AkmfcRd_-K1LS2rqeSs8"}$k$),
  ('ec2_jwk', $k${"kty":"EC","crv":"P-256","x":"dYG4qyhrnV0pS458oktRZyJq1Ja9g_O9oXvG33_U4Ds","y":"36OF-3_cMvgKniPLCx-G4pw1USzlX7A68pqjnGaUMSY"}$k$),
  ('ed_p8', $k$-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIGI1GZxJrujOcJjaKlva8dyq3O+PTTsUhkwrmpULA8vV
-----END PRIVATE KEY-----
$k$),
  ('ed_spki', $k$-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA2LEMe35v13AW3zA+5LoZasyCc+lJs5V3x/JDI5tISdA=
-----END PUBLIC KEY-----
$k$),
  ('ed_jwk', $k${"kty":"OKP","crv":"Ed25519","x":"2LEMe35v13AW3zA-5LoZasyCc-lJs5V3x_JDI5tISdA"}$k$),
  ('ed_jwk_priv', $k${"kty":"OKP","crv":"Ed25519","x":"2LEMe35v13AW3zA-5LoZasyCc-lJs5V3x_JDI5tISdA","d":"YjUZnEmu6M5wmNoqW9rx3Krc749NOxSGTCualQsDy9U"}$k$);

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
