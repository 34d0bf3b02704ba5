/* token_ext_pgjwt--0.2.0.sql: pgjwt 0.2.0's functions, on token_ext's C code */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION token_ext_pgjwt" to load this file. \quit

-- A drop-in for pgjwt 0.2.0: the same six functions with the same
-- signatures, argument names and results, in the schema CREATE EXTENSION
-- picks (the extension is relocatable, as pgjwt is).  Every function is C
-- in token_ext's module, so nothing here depends on the schema it lands
-- in.  Differences from pgjwt, all on purpose: the signature compares in
-- constant time, an empty secret is an error, verify is STABLE (it reads
-- the transaction's start time; pgjwt declares it IMMUTABLE), and errors
-- carry token_ext's messages.

-- Not beside token_ext's own sign and verify: calls would be ambiguous.
DO $$
BEGIN
    IF pg_catalog.current_schema() OPERATOR(pg_catalog.=) 'jwt' THEN
        RAISE EXCEPTION 'token_ext_pgjwt cannot be installed in schema jwt'
            USING ERRCODE = 'invalid_schema_name',
                  DETAIL = 'Schema jwt holds token_ext''s sign() and verify(), which pgjwt''s would make ambiguous.',
                  HINT = 'Install it where pgjwt was, for example: CREATE EXTENSION token_ext_pgjwt SCHEMA public;';
    END IF;
END
$$;

CREATE FUNCTION url_encode(data bytea)
RETURNS text
AS '$libdir/token_ext', 'pgjwt_url_encode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION url_encode(bytea) IS
'base64url of bytes, without padding or line breaks (pgjwt)';

CREATE FUNCTION url_decode(data text)
RETURNS bytea
AS '$libdir/token_ext', 'pgjwt_url_decode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION url_decode(text) IS
'bytes of base64url text, padded or not, as pgjwt decodes it';

CREATE FUNCTION algorithm_sign(signables text, secret text, algorithm text)
RETURNS text
AS '$libdir/token_ext', 'pgjwt_algorithm_sign'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION algorithm_sign(text, text, text) IS
'base64url HMAC (HS256, HS384, HS512) of the text under the secret (pgjwt)';

CREATE FUNCTION sign(payload json, secret text, algorithm text DEFAULT 'HS256')
RETURNS text
AS '$libdir/token_ext', 'pgjwt_sign'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sign(json, text, text) IS
'JWT of the json text exactly as given, header {"alg":...,"typ":"JWT"}, HMAC with the secret (pgjwt)';

CREATE FUNCTION try_cast_double(inp text)
RETURNS double precision
AS '$libdir/token_ext', 'pgjwt_try_cast_double'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION try_cast_double(text) IS
'the text as double precision, or NULL when it does not cast (pgjwt)';

CREATE FUNCTION verify(token text, secret text, algorithm text DEFAULT 'HS256')
RETURNS TABLE (header json, payload json, valid boolean)
AS '$libdir/token_ext', 'pgjwt_verify'
LANGUAGE C STABLE PARALLEL SAFE
ROWS 1;

COMMENT ON FUNCTION verify(text, text, text) IS
'header, payload and whether the signature matches and now is in [nbf, exp), with pgjwt''s rules';
