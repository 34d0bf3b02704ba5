--
-- init: install token_ext and the helpers the other regression files use.
--
-- pg_regress runs the files of the Makefile's REGRESS list in order, in one
-- database (contrib_regression); every later file assumes what this one
-- creates.  The API listing pins every function's signature, so a change
-- to the SQL interface shows up as a diff here.
--
CREATE EXTENSION token_ext;
-- the objects of the extension, all in schema jwt
\df jwt.*
-- volatility, strictness and parallel safety are part of the contract:
-- verification depends on now() (never IMMUTABLE), and nothing is LEAKPROOF
SELECT p.oid::regprocedure AS function, p.provolatile AS vol, p.proisstrict AS strict,
       p.proparallel AS par, p.proleakproof AS leakproof
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'jwt'
 ORDER BY p.oid::regprocedure::text;
-- the settings and their defaults
SELECT name, setting, unit, context FROM pg_settings
 WHERE name LIKE 'token\_ext.%' ORDER BY name;
-- the extension is not relocatable, and lives in schema jwt
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'token_ext';

--
-- Helpers (schema t) for the other files.  Tokens the tests attack are
-- built here with pgcrypto's hmac(), independently of token_ext, so that a
-- test never checks token_ext's output against itself.
--
CREATE EXTENSION pgcrypto;
CREATE SCHEMA t;

-- unpadded base64url of bytes (RFC 4648 section 5), without token_ext
CREATE FUNCTION t.b64url(b bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT rtrim(translate(encode(b, 'base64'), E'+/\n', '-_'), '=') $$;

-- the same for the UTF-8 bytes of a text
CREATE FUNCTION t.b64url(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT t.b64url(convert_to(s, 'UTF8')) $$;

-- base64url HMAC of a signing input; hash is sha256, sha384 or sha512
CREATE FUNCTION t.mac(signing_input text, key bytea, hash text DEFAULT 'sha256') RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT t.b64url(hmac(convert_to(signing_input, 'UTF8'), key, hash)) $$;

-- a compact JWS over the exact header and payload bytes given, MACed with key
CREATE FUNCTION t.forge_bytes(header bytea, payload bytea, key bytea, hash text DEFAULT 'sha256')
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT s || '.' || t.mac(s, key, hash)
        FROM (SELECT t.b64url(header) || '.' || t.b64url(payload) AS s) x $$;

-- the same for header and payload texts (sent as UTF-8)
CREATE FUNCTION t.forge(header text, payload text, key bytea, hash text DEFAULT 'sha256')
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT t.forge_bytes(convert_to(header, 'UTF8'), convert_to(payload, 'UTF8'), key, hash) $$;

-- The outcome of one SQL statement as one line: 'OK <first column>' or
-- '<SQLSTATE> <message> | <detail> [| HINT: <hint>]', so that a table of
-- cases pins the SQLSTATE, the message and the detail of each.
CREATE FUNCTION t.outcome(stmt text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    r text;
    st text;
    msg text;
    det text;
    hnt text;
BEGIN
    EXECUTE stmt INTO r;
    RETURN 'OK ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
           || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END
$$;

-- self-check of the helpers against RFC 7515 Appendix A.1 (HS256): the
-- JWK's k, the signing input and the expected signature are the RFC's
SELECT t.mac(
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' || '.' ||
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ',
  decode(translate('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', '-_', '+/') || '==', 'base64'))
  = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' AS rfc7515_a1_mac_ok;
SELECT t.b64url(''::bytea) AS empty, t.b64url('\xfb'::bytea) AS fb, t.b64url('\xfbff'::bytea) AS fbff,
       t.b64url('\xfbffbf'::bytea) AS fbffbf;
SELECT t.outcome($$ SELECT 1/0 $$) AS err, t.outcome($$ SELECT 'x' $$) AS ok;
