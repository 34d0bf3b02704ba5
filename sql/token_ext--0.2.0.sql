/* token_ext--0.2.0.sql: install script of token_ext 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION token_ext" to load this file. \quit

-- Refuse a schema that another role prepared (security review, finding 1).
-- CREATE EXTENSION installs into an existing schema of the control file's
-- name; if a role that may create schemas made it first, it would own the
-- extension's objects' home, and could later rename it, plant look-alike
-- objects in it, or add overloads that calls resolve to.  So the schema
-- must belong to the installing role (or a superuser), nobody else may
-- create objects in it, and nothing in it may belong to another role.
DO $guard$
DECLARE
    nsp oid := '@extschema@'::pg_catalog.regnamespace;
    installer oid := (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user);
    owner oid := (SELECT nspowner FROM pg_catalog.pg_namespace WHERE oid = nsp);
    trusted oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_roles WHERE rolsuper OR oid = installer);
    creator oid;
    stranger oid;
BEGIN
    SELECT a.grantee INTO creator
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid = nsp AND a.privilege_type = 'CREATE' AND a.grantee <> ALL (trusted)
     LIMIT 1;
    SELECT o INTO stranger FROM (
        SELECT relowner FROM pg_catalog.pg_class WHERE relnamespace = nsp
        UNION ALL SELECT proowner FROM pg_catalog.pg_proc WHERE pronamespace = nsp
        UNION ALL SELECT typowner FROM pg_catalog.pg_type WHERE typnamespace = nsp
        UNION ALL SELECT oprowner FROM pg_catalog.pg_operator WHERE oprnamespace = nsp
    ) objects(o) WHERE o <> ALL (trusted) LIMIT 1;
    IF owner <> ALL (trusted) OR creator IS NOT NULL OR stranger IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = pg_catalog.format('schema "%s" is controlled by another role', '@extschema@'),
            DETAIL = CASE
                WHEN owner <> ALL (trusted) THEN pg_catalog.format(
                    'The schema belongs to role "%s", not to the installing role "%s" or a superuser.',
                    pg_catalog.pg_get_userbyid(owner), current_user)
                WHEN creator IS NOT NULL THEN pg_catalog.format(
                    'Role %s may create objects in the schema.',
                    CASE creator WHEN 0 THEN 'PUBLIC' ELSE '"' || pg_catalog.pg_get_userbyid(creator) || '"' END)
                ELSE pg_catalog.format('The schema holds objects of role "%s".', pg_catalog.pg_get_userbyid(stranger)) END,
            HINT = pg_catalog.format(
                'Drop or rename schema "%s" (or, after checking its contents, make the installing role its only owner and creator), then try again.',
                '@extschema@');
    END IF;
END
$guard$;

-- Every object lives in schema jwt (the control file's schema).  Functions
-- read only their arguments, the token_ext.* settings and, for claims
-- checks, the transaction's start time; none is LEAKPROOF, because their
-- errors depend on their input.

-- The functions are for every role (policies call them as the querying user).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- ---------------------------------------------------------------------------
-- signing
-- ---------------------------------------------------------------------------

CREATE FUNCTION sign(claims jsonb, key bytea, alg text DEFAULT NULL, header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign(jsonb, bytea, text, jsonb) IS
'compact JWS of the JWT claims, signed with key (a raw HMAC secret); alg defaults to the key''s, else HS256';

CREATE FUNCTION sign(claims jsonb, key text DEFAULT NULL, alg text DEFAULT NULL, header jsonb DEFAULT NULL,
                     kid text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign(jsonb, text, text, jsonb, text) IS
'compact JWS of the JWT claims, signed with key (a PEM, a JWK as JSON text, or else a UTF-8 HMAC secret) or with the keyring key kid; alg defaults to the key''s, else HS256';

CREATE FUNCTION sign(claims jsonb, key jsonb, alg text DEFAULT NULL, header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign(jsonb, jsonb, text, jsonb) IS
'compact JWS of the JWT claims, signed with key (a JWK or JWKS); alg defaults to the key''s, else HS256';

CREATE FUNCTION sign_raw(payload bytea, key bytea, alg text DEFAULT NULL, header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_raw'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_raw(bytea, bytea, text, jsonb) IS
'compact JWS of arbitrary payload bytes (no JWT claims), signed with key (a raw HMAC secret)';

CREATE FUNCTION sign_raw(payload bytea, key text, alg text DEFAULT NULL, header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_raw'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_raw(bytea, text, text, jsonb) IS
'compact JWS of arbitrary payload bytes (no JWT claims), signed with key (a JWK/JWKS as JSON text, or else a UTF-8 HMAC secret)';

CREATE FUNCTION sign_raw(payload bytea, key jsonb, alg text DEFAULT NULL, header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_raw'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_raw(bytea, jsonb, text, jsonb) IS
'compact JWS of arbitrary payload bytes (no JWT claims), signed with key (a JWK or JWKS)';

-- ---------------------------------------------------------------------------
-- verification
-- ---------------------------------------------------------------------------

CREATE FUNCTION verify(token text, key bytea, alg text DEFAULT NULL,
                       audience text DEFAULT NULL, issuer text DEFAULT NULL,
                       leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                       at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify(text, bytea, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWT whose signature and claims verify with key (a raw HMAC secret); raises an error saying why otherwise';

CREATE FUNCTION verify(token text, key text, alg text DEFAULT NULL,
                       audience text DEFAULT NULL, issuer text DEFAULT NULL,
                       leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                       at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify(text, text, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWT whose signature and claims verify with key (a JWK/JWKS as JSON text, or else a UTF-8 HMAC secret); raises an error saying why otherwise';

CREATE FUNCTION verify(token text, key jsonb, alg text DEFAULT NULL,
                       audience text DEFAULT NULL, issuer text DEFAULT NULL,
                       leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                       at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify(text, jsonb, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWT whose signature and claims verify with key (a JWK or JWKS); raises an error saying why otherwise';

CREATE FUNCTION try_verify(token text, key bytea, alg text DEFAULT NULL,
                           audience text DEFAULT NULL, issuer text DEFAULT NULL,
                           leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                           at timestamptz DEFAULT NULL, typ text DEFAULT NULL,
                           OUT header jsonb, OUT payload jsonb, OUT valid boolean, OUT error text)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_try_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION try_verify(text, bytea, text, text, text, interval, text[], timestamptz, text) IS
'like verify, but returns (header, payload, valid, error) instead of raising for a bad token; payload is NULL unless the signature verified';

CREATE FUNCTION try_verify(token text, key text, alg text DEFAULT NULL,
                           audience text DEFAULT NULL, issuer text DEFAULT NULL,
                           leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                           at timestamptz DEFAULT NULL, typ text DEFAULT NULL,
                           OUT header jsonb, OUT payload jsonb, OUT valid boolean, OUT error text)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_try_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION try_verify(text, text, text, text, text, interval, text[], timestamptz, text) IS
'like verify, but returns (header, payload, valid, error) instead of raising for a bad token; payload is NULL unless the signature verified';

CREATE FUNCTION try_verify(token text, key jsonb, alg text DEFAULT NULL,
                           audience text DEFAULT NULL, issuer text DEFAULT NULL,
                           leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                           at timestamptz DEFAULT NULL, typ text DEFAULT NULL,
                           OUT header jsonb, OUT payload jsonb, OUT valid boolean, OUT error text)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_try_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION try_verify(text, jsonb, text, text, text, interval, text[], timestamptz, text) IS
'like verify, but returns (header, payload, valid, error) instead of raising for a bad token; payload is NULL unless the signature verified';

CREATE FUNCTION verify_raw(token text, key bytea, alg text DEFAULT NULL, typ text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_verify_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify_raw(text, bytea, text, text) IS
'payload bytes of a JWS whose signature verifies with key (a raw HMAC secret); no claim checks';

CREATE FUNCTION verify_raw(token text, key text, alg text DEFAULT NULL, typ text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_verify_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify_raw(text, text, text, text) IS
'payload bytes of a JWS whose signature verifies with key (a JWK/JWKS as JSON text, or else a UTF-8 HMAC secret); no claim checks';

CREATE FUNCTION verify_raw(token text, key jsonb, alg text DEFAULT NULL, typ text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_verify_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION verify_raw(text, jsonb, text, text) IS
'payload bytes of a JWS whose signature verifies with key (a JWK or JWKS); no claim checks';


-- ---------------------------------------------------------------------------
-- encryption (JWE)
-- ---------------------------------------------------------------------------

CREATE FUNCTION encrypt(payload jsonb, key bytea, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(jsonb, bytea, text, text, jsonb) IS
'compact JWE of JWT claims for key (a raw secret or password); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload jsonb, key text, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(jsonb, text, text, text, jsonb) IS
'compact JWE of JWT claims for key (a PEM, a JWK/JWKS as JSON text, or a UTF-8 secret); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload jsonb, key jsonb, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(jsonb, jsonb, text, text, jsonb) IS
'compact JWE of JWT claims for key (a JWK or JWKS); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload text, key bytea, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(text, bytea, text, text, jsonb) IS
'compact JWE of UTF-8 text for key (a raw secret or password); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload text, key text, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(text, text, text, text, jsonb) IS
'compact JWE of UTF-8 text for key (a PEM, a JWK/JWKS as JSON text, or a UTF-8 secret); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload text, key jsonb, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(text, jsonb, text, text, jsonb) IS
'compact JWE of UTF-8 text for key (a JWK or JWKS); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload bytea, key bytea, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(bytea, bytea, text, text, jsonb) IS
'compact JWE of bytes for key (a raw secret or password); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload bytea, key text, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(bytea, text, text, text, jsonb) IS
'compact JWE of bytes for key (a PEM, a JWK/JWKS as JSON text, or a UTF-8 secret); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION encrypt(payload bytea, key jsonb, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        header jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION encrypt(bytea, jsonb, text, text, jsonb) IS
'compact JWE of bytes for key (a JWK or JWKS); alg defaults to the key''s (dir for a 256-bit secret), enc to A256GCM';

CREATE FUNCTION decrypt(token text, key bytea, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        audience text DEFAULT NULL, issuer text DEFAULT NULL,
                        leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                        at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt(text, bytea, text, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWE decrypted with key (a raw secret or password), checked like jwt.verify checks them';

CREATE FUNCTION decrypt(token text, key text, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        audience text DEFAULT NULL, issuer text DEFAULT NULL,
                        leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                        at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt(text, text, text, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWE decrypted with key (a PEM, a JWK/JWKS as JSON text, or a UTF-8 secret), checked like jwt.verify checks them';

CREATE FUNCTION decrypt(token text, key jsonb, alg text DEFAULT NULL, enc text DEFAULT NULL,
                        audience text DEFAULT NULL, issuer text DEFAULT NULL,
                        leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                        at timestamptz DEFAULT NULL, typ text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt(text, jsonb, text, text, text, text, interval, text[], timestamptz, text) IS
'claims of a JWE decrypted with key (a JWK or JWKS), checked like jwt.verify checks them';

CREATE FUNCTION decrypt_raw(token text, key bytea, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_decrypt_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_raw(text, bytea, text, text) IS
'plaintext bytes of a JWE decrypted with key (a raw secret or password); no claim checks';

CREATE FUNCTION decrypt_raw(token text, key text, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_decrypt_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_raw(text, text, text, text) IS
'plaintext bytes of a JWE decrypted with key (a PEM, a JWK/JWKS as JSON text, or a UTF-8 secret); no claim checks';

CREATE FUNCTION decrypt_raw(token text, key jsonb, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS bytea
AS 'MODULE_PATHNAME', 'jwt_decrypt_raw'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_raw(text, jsonb, text, text) IS
'plaintext bytes of a JWE decrypted with key (a JWK or JWKS); no claim checks';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key bytea, encrypt_key bytea,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, bytea, bytea, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key bytea, encrypt_key text,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, bytea, text, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key bytea, encrypt_key jsonb,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, bytea, jsonb, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key text, encrypt_key bytea,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, text, bytea, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key text, encrypt_key text,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, text, text, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key text, encrypt_key jsonb,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, text, jsonb, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key jsonb, encrypt_key bytea,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, jsonb, bytea, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key jsonb, encrypt_key text,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, jsonb, text, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION sign_and_encrypt(claims jsonb, sign_key jsonb, encrypt_key jsonb,
                                 sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sign_and_encrypt'
LANGUAGE C VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION sign_and_encrypt(jsonb, jsonb, jsonb, text, text, text) IS
'nested JWT: the claims signed with sign_key, then encrypted to encrypt_key with cty "JWT"';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key bytea, verify_key bytea,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, bytea, bytea, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key bytea, verify_key text,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, bytea, text, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key bytea, verify_key jsonb,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, bytea, jsonb, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key text, verify_key bytea,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, text, bytea, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key text, verify_key text,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, text, text, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key text, verify_key jsonb,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, text, jsonb, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key jsonb, verify_key bytea,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, jsonb, bytea, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key jsonb, verify_key text,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, jsonb, text, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

CREATE FUNCTION decrypt_and_verify(token text, decrypt_key jsonb, verify_key jsonb,
                                   sign_alg text DEFAULT NULL, alg text DEFAULT NULL, enc text DEFAULT NULL,
                                   audience text DEFAULT NULL, issuer text DEFAULT NULL,
                                   leeway interval DEFAULT NULL, required text[] DEFAULT NULL,
                                   at timestamptz DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_decrypt_and_verify'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION decrypt_and_verify(text, jsonb, jsonb, text, text, text, text, text, interval, text[], timestamptz) IS
'claims of a nested JWT: decrypted with decrypt_key, its inner JWS verified with verify_key, claims checked';

-- ---------------------------------------------------------------------------
-- inspection (no verification)
-- ---------------------------------------------------------------------------
CREATE FUNCTION decode(token text, OUT header jsonb, OUT payload jsonb, OUT signature bytea,
                       OUT kind text, OUT payload_base64url text)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_decode_v2'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION decode(text) IS
'UNVERIFIED look at a token: a JWS''s header, payload (as JSON when it is JSON) and signature, or a JWE''s protected header; nothing is checked, never trust the result';

-- ---------------------------------------------------------------------------
-- key cache
-- ---------------------------------------------------------------------------
CREATE FUNCTION clear_key_cache()
RETURNS void
AS 'MODULE_PATHNAME', 'jwt_clear_key_cache'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION clear_key_cache() IS
'drop this session''s cached parsed keys (DISCARD ALL does too)';

CREATE FUNCTION key_cache_stats(OUT entries bigint, OUT bytes bigint, OUT hits bigint, OUT misses bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_key_cache_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION key_cache_stats() IS
'size and hit counts of this session''s parsed-key cache';

-- ---------------------------------------------------------------------------
-- key tools
-- ---------------------------------------------------------------------------
CREATE FUNCTION generate_key(kind text, bits integer DEFAULT 0)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_generate_key'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION generate_key(text, integer) IS
'new private JWK: kind is a JWS algorithm (bound as "alg"), RSA, oct or a curve; kid is its RFC 7638 thumbprint';

CREATE FUNCTION public_jwk(jwk jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_public_jwk'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION public_jwk(jsonb) IS
'the public part of an RSA, EC or OKP JWK (kid, alg, use kept)';

CREATE FUNCTION jwk_thumbprint(jwk jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_jwk_thumbprint'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION jwk_thumbprint(jsonb) IS
'RFC 7638 SHA-256 thumbprint of a JWK, base64url';

CREATE FUNCTION jwk_from_pem(pem text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_jwk_from_pem'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION jwk_from_pem(text) IS
'JWK of a PEM key or certificate (private members when the PEM is private), kid set to its thumbprint';

CREATE FUNCTION pem_from_jwk(jwk jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_pem_from_jwk'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pem_from_jwk(jsonb) IS
'PEM of a JWK: PKCS#8 for a private key, SPKI for a public one';

CREATE FUNCTION jwks(keys jsonb[])
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_jwks'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION jwks(jsonb[]) IS
'public JWKS {"keys": [...]} of the given JWKs, for publishing; private members are never included';

CREATE AGGREGATE jwks_agg(jsonb) (
    SFUNC = pg_catalog.array_append,
    STYPE = jsonb[],
    FINALFUNC = jwks,
    COMBINEFUNC = pg_catalog.array_cat,
    INITCOND = '{}',
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE jwks_agg(jsonb) IS
'public JWKS of the aggregated JWKs (see jwks)';

-- ---------------------------------------------------------------------------
-- server-held keys
-- ---------------------------------------------------------------------------
CREATE TABLE keyring (
    kid text PRIMARY KEY CHECK (kid <> '' AND octet_length(kid) <= 256),
    purposes text[] NOT NULL
        CHECK (cardinality(purposes) > 0
               AND purposes <@ ARRAY['sign', 'verify', 'encrypt', 'decrypt']::text[]),
    alg text,
    key jsonb NOT NULL,
    not_before timestamptz NOT NULL DEFAULT pg_catalog.now(),
    not_after timestamptz,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (not_after IS NULL OR not_after > not_before)
);

COMMENT ON TABLE keyring IS
'server-held keys (JWKs) by kid, with their purposes, algorithm and validity window; readable only by its owner and roles it grants';

-- private keys: nobody but the owner (and roles the owner grants) reads them
REVOKE ALL ON keyring FROM PUBLIC;
ALTER TABLE keyring ENABLE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.keyring', '');

CREATE FUNCTION keyring_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_keyring_trigger'
LANGUAGE C;

COMMENT ON FUNCTION keyring_trigger() IS
'validates keyring rows, and tells every session when the keyring changed';

-- it fires only on jwt.keyring; nobody else may attach it
REVOKE EXECUTE ON FUNCTION keyring_trigger() FROM PUBLIC;

CREATE TRIGGER keyring_validate BEFORE INSERT OR UPDATE ON keyring
    FOR EACH ROW EXECUTE FUNCTION keyring_trigger();
CREATE TRIGGER keyring_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON keyring
    FOR EACH STATEMENT EXECUTE FUNCTION keyring_trigger();
-- rows applied by logical replication or a replica-mode restore are checked
-- and announced too
ALTER TABLE keyring ENABLE ALWAYS TRIGGER keyring_validate;
ALTER TABLE keyring ENABLE ALWAYS TRIGGER keyring_changed;

CREATE FUNCTION keyring_jwks()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_keyring_jwks'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION keyring_jwks() IS
'public JWKS of the keyring''s asymmetric verify and encrypt keys not yet retired, to publish';

-- ---------------------------------------------------------------------------
-- verified claims of the session (row-level security)
-- ---------------------------------------------------------------------------
CREATE FUNCTION authenticate(token text, scope text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_authenticate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION authenticate(text, text) IS
'verify (or decrypt and verify) a token with the keyring and the token_ext.* policy, and make its claims the session''s claims for the transaction (or session)';

CREATE FUNCTION authenticate_request()
RETURNS void
AS 'MODULE_PATHNAME', 'jwt_authenticate_request'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION authenticate_request() IS
'PostgREST db-pre-request: authenticate the token of request.headers (or a cookie) and switch to the role it names';

CREATE FUNCTION claims()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_claims'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION claims() IS
'the verified claims of the session, or NULL';

CREATE FUNCTION claim(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_claim'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION claim(text) IS
'one verified claim as text (JSON text for non-strings), or NULL';

CREATE FUNCTION claim_json(name text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_claim_json'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION claim_json(text) IS
'one verified claim as jsonb, or NULL';

CREATE FUNCTION sub()
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_sub'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION sub() IS
'the verified "sub" claim, or NULL';

CREATE FUNCTION uid()
RETURNS uuid
AS 'MODULE_PATHNAME', 'jwt_uid'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION uid() IS
'the verified "sub" claim as a uuid, or NULL when it is absent or not a uuid';

CREATE FUNCTION role()
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_role'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION role() IS
'the verified role claim (token_ext.role_claim), or NULL';

CREATE FUNCTION authenticated()
RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_authenticated'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION authenticated() IS
'whether the session has verified claims';

CREATE FUNCTION clear()
RETURNS void
AS 'MODULE_PATHNAME', 'jwt_clear'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION clear() IS
'drop the session''s verified claims now';

-- ---------------------------------------------------------------------------
-- roads in (issue 11): a PostgREST jwt-secret as a JWK, and a database built
-- like Supabase's moved onto verified claims
-- ---------------------------------------------------------------------------
CREATE FUNCTION jwk_from_secret(secret bytea, alg text DEFAULT 'HS256', kid text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_jwk_from_secret'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION jwk_from_secret(bytea, text, text) IS
'oct JWK of an HMAC secret (k base64url, no padding), bound to alg (HS256, HS384, HS512; NULL: unbound), with kid if given';

CREATE FUNCTION jwk_from_secret(secret text, alg text DEFAULT 'HS256', kid text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_jwk_from_secret'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION jwk_from_secret(text, text, text) IS
'oct JWK of an HMAC secret given as text (its UTF-8 bytes, as PostgREST''s jwt-secret), bound to alg, with kid if given';

-- Supabase's auth.uid(), auth.role(), auth.email() and auth.jwt() read
-- PostgREST's request.jwt.claims, which any SQL user can set.  Policies
-- refer to them by OID, so they are replaced in place (CREATE OR REPLACE
-- keeps the OID, the owner, the grants and the comment, and every policy
-- keeps working unchanged).  Each original definition is first copied to
-- auth.<name>_before_token_ext(), with the original's owner and grants:
-- that copy is the record supabase_restore() puts back, and what the
-- staged mode falls back to.  The new bodies are SQL-standard (BEGIN
-- ATOMIC), so they depend on token_ext's readers: token_ext cannot be
-- dropped from under them.  The functions run with the caller's rights:
-- only a superuser or the owner of those functions (with CREATE on schema
-- auth) can take them over, and they say so when anyone else tries.
CREATE FUNCTION supabase_status()
RETURNS TABLE (function text, owner regrole, mode text, saved text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $status$
    SELECT format('auth.%s()', v.name), coalesce(p.proowner, c.proowner)::regrole,
           -- a body that calls its saved copy is staged; one that calls
           -- token_ext's readers (and not the copy) is verified
           CASE WHEN EXISTS (SELECT FROM pg_depend d
                              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                AND d.refclassid = 'pg_proc'::regclass AND d.refobjid = c.oid) THEN 'staged'
                WHEN EXISTS (SELECT FROM pg_depend d JOIN pg_proc q ON q.oid = d.refobjid
                              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                AND d.refclassid = 'pg_proc'::regclass
                                AND q.pronamespace = 'jwt'::regnamespace) THEN 'verified' END,
           CASE WHEN c.oid IS NOT NULL THEN format('auth.%s_before_token_ext()', v.name) END
      FROM (VALUES (1, 'uid'), (2, 'role'), (3, 'email'), (4, 'jwt')) v(pos, name)
      LEFT JOIN pg_proc p ON p.proname = v.name AND p.pronamespace = to_regnamespace('auth')
                         AND p.pronargs = 0
      LEFT JOIN pg_proc c ON c.proname = v.name || '_before_token_ext'
                         AND c.pronamespace = to_regnamespace('auth') AND c.pronargs = 0
     WHERE p.oid IS NOT NULL OR c.oid IS NOT NULL
     ORDER BY v.pos
$status$;

COMMENT ON FUNCTION supabase_status() IS
'the Supabase auth functions there are: their owner, whether jwt.supabase_takeover() took them over (mode verified or staged) and the saved original';

CREATE FUNCTION supabase_takeover(mode text DEFAULT 'verified')
RETURNS TABLE (function text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $takeover$
DECLARE
    f record;
    def text;
    saved text;
    body text;
    grantee text;
    found_any boolean := false;
BEGIN
    IF mode IS NULL OR mode NOT IN ('verified', 'staged') THEN
        RAISE EXCEPTION 'invalid argument'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The mode is %s; it is ''verified'' or ''staged''.',
                                  coalesce(quote_literal(mode), 'NULL'));
    END IF;

    -- check everything first: either all are taken over, or none
    FOR f IN
        SELECT s.function, s.owner, p.prorettype, v.result,
               (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                 WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') AS extension
          FROM @extschema@.supabase_status() s
          JOIN pg_proc p ON p.oid = to_regprocedure(s.function)
          JOIN (VALUES ('auth.uid()', 'uuid'::regtype), ('auth.role()', 'text'::regtype),
                       ('auth.email()', 'text'::regtype), ('auth.jwt()', 'jsonb'::regtype)) v(function, result)
            ON v.function = s.function
    LOOP
        found_any := true;
        IF f.prorettype <> f.result THEN
            RAISE EXCEPTION 'cannot take over %', f.function
                USING ERRCODE = 'wrong_object_type',
                      DETAIL = format('%s returns %s; Supabase''s returns %s.', f.function, f.prorettype::regtype, f.result);
        END IF;
        IF f.extension IS NOT NULL THEN
            RAISE EXCEPTION 'cannot take over %', f.function
                USING ERRCODE = 'object_in_use',
                      DETAIL = format('%s belongs to extension %s.', f.function, f.extension),
                      HINT = CASE WHEN f.extension = 'token_ext_supabase'
                                  THEN 'token_ext_supabase''s functions already read verified claims.' END;
        END IF;
        IF NOT pg_has_role(current_user, f.owner, 'USAGE') THEN
            RAISE EXCEPTION 'permission denied to take over %', f.function
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('Only a superuser or the owner of %s (role %s) can replace it.',
                                      f.function, f.owner);
        END IF;
    END LOOP;
    IF NOT found_any THEN
        RAISE EXCEPTION 'no Supabase auth functions to take over'
            USING ERRCODE = 'undefined_function',
                  DETAIL = 'There is no auth.uid(), auth.role(), auth.email() or auth.jwt().',
                  HINT = 'In a database without them, CREATE EXTENSION token_ext_supabase creates them.';
    END IF;
    IF NOT has_schema_privilege('auth', 'CREATE') THEN
        RAISE EXCEPTION 'permission denied to take over the Supabase auth functions'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Their original definitions are kept in schema auth, which needs CREATE on it.';
    END IF;

    FOR f IN
        SELECT s.function, s.mode AS current_mode, v.name, v.result, v.reader, p.oid, p.proowner, p.proacl
          FROM @extschema@.supabase_status() s
          JOIN pg_proc p ON p.oid = to_regprocedure(s.function)
          JOIN (VALUES ('uid', 'uuid', 'jwt.uid()'), ('role', 'text', 'jwt.role()'),
                       ('email', 'text', 'jwt.claim(''email'')'), ('jwt', 'jsonb', 'jwt.claims()')) v(name, result, reader)
            ON format('auth.%s()', v.name) = s.function
    LOOP
        saved := f.name || '_before_token_ext';
        IF f.current_mode IS NULL THEN
            -- the definition as it is now (Supabase's, or a later migration's)
            def := pg_get_functiondef(f.oid);
            EXECUTE format('CREATE OR REPLACE FUNCTION auth.%I()', saved) || substr(def, strpos(def, E'\n'));
            EXECUTE format('ALTER FUNCTION auth.%I() OWNER TO %s', saved, f.proowner::regrole);
            EXECUTE format('REVOKE ALL ON FUNCTION auth.%I() FROM PUBLIC', saved);
            FOR grantee IN
                SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
                  FROM aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
                 WHERE a.privilege_type = 'EXECUTE'
            LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION auth.%I() TO %s', saved, grantee);
            END LOOP;
            EXECUTE format('COMMENT ON FUNCTION auth.%I() IS %L', saved,
                           format('%s as it was before jwt.supabase_takeover(); jwt.supabase_restore() puts it back', f.function));
        END IF;
        IF mode = 'verified' THEN
            body := format('SELECT %s', f.reader);
        ELSE
            body := format('SELECT CASE WHEN jwt.authenticated() THEN %s ELSE auth.%I() END', f.reader, saved);
        END IF;
        EXECUTE format('CREATE OR REPLACE FUNCTION auth.%I() RETURNS %s LANGUAGE sql STABLE PARALLEL %s BEGIN ATOMIC %s; END',
                       f.name, f.result,
                       CASE WHEN mode = 'verified' THEN 'SAFE'
                            ELSE (SELECT CASE p.proparallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END
                                    FROM pg_proc p WHERE p.oid = format('auth.%I()', saved)::regprocedure) END,
                       body);
        function := f.function;
        status := CASE WHEN mode = 'verified' THEN 'verified claims'
                       ELSE 'verified claims, else as before (staged)' END;
        RETURN NEXT;
    END LOOP;
END
$takeover$;

COMMENT ON FUNCTION supabase_takeover(text) IS
'make Supabase''s auth.uid(), auth.role(), auth.email(), auth.jwt() read verified claims, in place (policies unchanged); mode ''staged'' falls back to their old definitions until a token is authenticated';

CREATE FUNCTION supabase_restore()
RETURNS TABLE (function text, status text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $restore$
DECLARE
    f record;
    def text;
BEGIN
    FOR f IN SELECT * FROM @extschema@.supabase_status()
    LOOP
        IF (f.mode IS NOT NULL OR f.saved IS NOT NULL) AND NOT pg_has_role(current_user, f.owner, 'USAGE') THEN
            RAISE EXCEPTION 'permission denied to restore %', f.function
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('Only a superuser or the owner of %s (role %s) can replace it.',
                                      f.function, f.owner);
        END IF;
        function := f.function;
        IF f.mode IS NOT NULL AND f.saved IS NULL THEN
            RAISE EXCEPTION 'cannot restore %', f.function
                USING ERRCODE = 'undefined_function',
                      DETAIL = format('Its original definition, %s, is gone.',
                                      replace(f.function, '()', '_before_token_ext()'));
        ELSIF f.mode IS NOT NULL THEN
            def := pg_get_functiondef(f.saved::regprocedure);
            EXECUTE format('CREATE OR REPLACE FUNCTION %s', f.function) || substr(def, strpos(def, E'\n'));
            status := 'restored';
        ELSIF f.saved IS NOT NULL THEN
            status := 'left as it is (redefined since the takeover)';
        ELSE
            status := 'not taken over';
        END IF;
        IF f.saved IS NOT NULL THEN
            EXECUTE format('DROP FUNCTION %s', f.saved);
        END IF;
        RETURN NEXT;
    END LOOP;
END
$restore$;

COMMENT ON FUNCTION supabase_restore() IS
'undo jwt.supabase_takeover(): put back the saved definitions of auth.uid(), auth.role(), auth.email(), auth.jwt()';

-- ---------------------------------------------------------------------------
-- memory of this backend (issue 12: hostile load, memory flat)
-- ---------------------------------------------------------------------------
CREATE FUNCTION memory_stats()
RETURNS TABLE (area text, entries bigint, bytes bigint)
AS 'MODULE_PATHNAME', 'jwt_memory_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION memory_stats() IS
'what token_ext holds in this backend, by area: its malloc''d caches and buffers, and its memory contexts (rows do not overlap)';

-- like pg_backend_memory_contexts, for superusers and the roles they grant:
-- the keyring cache's row tells how many server-held keys there are
REVOKE EXECUTE ON FUNCTION memory_stats() FROM PUBLIC;

-- scale-out on Citus (issue 13): the cluster secret that seals the claims a
-- coordinator forwards to its workers (src/pg/citus.c, src/pg/cluster_secret.c)
-- ---------------------------------------------------------------------------

-- This node's cluster secret: one row, read only by token_ext's C code.
-- Its secret is never dumped (run jwt.citus_setup() again after a restore)
-- and no constraint can print it (only id is checked); a trigger tells
-- every session when it changes.  offer holds, for a moment,
-- the private half of the key the coordinator wraps the secret to.
CREATE TABLE cluster_secret (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    secret bytea,
    offer jsonb,
    changed_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE cluster_secret IS
'this node''s secret for claims forwarded on Citus (one row, read only by token_ext''s C code; jwt.citus_setup() writes it)';

REVOKE ALL ON cluster_secret FROM PUBLIC;
ALTER TABLE cluster_secret ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION cluster_secret_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_trigger'
LANGUAGE C;

COMMENT ON FUNCTION cluster_secret_trigger() IS
'tells every session when this node''s cluster secret changed';

-- it fires only on jwt.cluster_secret; nobody else may attach it
REVOKE EXECUTE ON FUNCTION cluster_secret_trigger() FROM PUBLIC;

CREATE TRIGGER cluster_secret_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cluster_secret
    FOR EACH STATEMENT EXECUTE FUNCTION cluster_secret_trigger();
ALTER TABLE cluster_secret ENABLE ALWAYS TRIGGER cluster_secret_changed;

CREATE FUNCTION cluster_secret_create(replace boolean DEFAULT false)
RETURNS boolean
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_create'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION cluster_secret_create(boolean) IS
'superuser: give this node a new random cluster secret unless it has one (or replace it); true when it made one';

CREATE FUNCTION cluster_secret_offer()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_offer'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION cluster_secret_offer() IS
'superuser: a new X25519 public key (JWK) for the coordinator to wrap the cluster secret to; this node keeps the private half until jwt.cluster_secret_accept()';

CREATE FUNCTION cluster_secret_wrap(offer jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_wrap'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION cluster_secret_wrap(jsonb) IS
'superuser: this node''s cluster secret encrypted (JWE, ECDH-ES, A256GCM) to a public key another node offered';

CREATE FUNCTION cluster_secret_accept(wrapped text[])
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_accept'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION cluster_secret_accept(text[]) IS
'superuser: install the cluster secret wrapped to this node''s pending offer, and forget the offer''s private key; installed or unchanged';

CREATE FUNCTION cluster_secret_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'jwt_cluster_secret_fingerprint'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION cluster_secret_fingerprint() IS
'superuser: a fingerprint of this node''s cluster secret that reveals nothing of it, or NULL when there is none';

-- the state of every node: its secret compared with the coordinator's,
-- and its token_ext.* settings (as a new session gets them) compared with
-- the coordinator's
CREATE FUNCTION citus_status()
RETURNS TABLE (node text, port integer, kind text, secret text, settings text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $status$
DECLARE
    fp text := @extschema@.cluster_secret_fingerprint();
    mine jsonb;
    theirs jsonb;
    w record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'cluster secret unavailable'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The extension citus is not installed in this database.';
    END IF;
    SELECT jsonb_object_agg(name, reset_val) INTO mine FROM pg_settings WHERE name LIKE 'token\_ext.%';
    SELECT n.nodename, n.nodeport INTO node, port
      FROM pg_dist_node n WHERE n.groupid = 0 ORDER BY n.nodeid LIMIT 1;
    node := coalesce(node, 'coordinator');
    port := coalesce(port, current_setting('port')::integer);
    kind := 'coordinator';
    secret := CASE WHEN fp IS NULL THEN 'missing' ELSE 'present' END;
    settings := NULL;
    RETURN NEXT;
    FOR w IN
        SELECT * FROM run_command_on_workers($cmd$SELECT json_build_array(@extschema@.cluster_secret_fingerprint(),
            (SELECT jsonb_object_agg(name, reset_val) FROM pg_settings WHERE name LIKE 'token\_ext.%'))$cmd$)
        ORDER BY nodename, nodeport
    LOOP
        node := w.nodename;
        port := w.nodeport;
        kind := 'worker';
        IF NOT w.success THEN
            secret := 'unknown: ' || w.result;
            settings := NULL;
        ELSE
            theirs := w.result::jsonb;
            secret := CASE WHEN theirs ->> 0 IS NULL THEN 'missing'
                           WHEN theirs ->> 0 = fp THEN 'same as the coordinator'
                           ELSE 'differs from the coordinator''s' END;
            SELECT coalesce('differs: ' || string_agg(format('%s = %s (coordinator: %s)', k,
                                                             coalesce(theirs -> 1 ->> k, 'absent'),
                                                             coalesce(mine ->> k, 'absent')), ', ' ORDER BY k),
                            'same as the coordinator')
              INTO settings
              FROM (SELECT jsonb_object_keys(mine || (theirs -> 1)) AS k) keys
             WHERE (theirs -> 1 ->> k) IS DISTINCT FROM (mine ->> k);
        END IF;
        RETURN NEXT;
    END LOOP;
END
$status$;

COMMENT ON FUNCTION citus_status() IS
'superuser, on a Citus coordinator: every node, whether its cluster secret is the coordinator''s, and which token_ext.* settings differ from the coordinator''s';

-- give the coordinator a cluster secret (unless it has one, or a new one
-- with new_secret) and install it on every active worker, encrypted to a
-- key the worker makes for the purpose: the secret is in no statement text
CREATE FUNCTION citus_setup(new_secret boolean DEFAULT false)
RETURNS TABLE (node text, port integer, kind text, secret text, settings text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $setup$
DECLARE
    w record;
    names text[] := '{}';
    ports integer[] := '{}';
    commands text[] := '{}';
BEGIN
    PERFORM @extschema@.cluster_secret_fingerprint();
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'cluster secret unavailable'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'The extension citus is not installed in this database.';
    END IF;
    PERFORM @extschema@.cluster_secret_create(coalesce(new_secret, false));
    FOR w IN SELECT * FROM run_command_on_workers('SELECT @extschema@.cluster_secret_offer()')
    LOOP
        IF w.success THEN
            names := names || w.nodename;
            ports := ports || w.nodeport;
            commands := commands || format('SELECT @extschema@.cluster_secret_accept(%L)',
                                           ARRAY[@extschema@.cluster_secret_wrap(w.result::jsonb)]);
        ELSE
            RAISE WARNING 'could not install the cluster secret on %:%', w.nodename, w.nodeport
                USING DETAIL = w.result;
        END IF;
    END LOOP;
    IF cardinality(names) > 0 THEN
        FOR w IN SELECT * FROM master_run_on_worker(names, ports, commands, true)
        LOOP
            IF NOT w.success THEN
                RAISE WARNING 'could not install the cluster secret on %:%', w.node_name, w.node_port
                    USING DETAIL = w.result;
            END IF;
        END LOOP;
    END IF;
    RETURN QUERY SELECT * FROM @extschema@.citus_status();
END
$setup$;

COMMENT ON FUNCTION citus_setup(boolean) IS
'superuser, on a Citus coordinator: make the cluster secret (a new one with new_secret) and install it on every active worker, encrypted; then the state of every node (jwt.citus_status()); run it again after adding a node';

-- only a superuser may handle the secret (the C functions check it too)
REVOKE EXECUTE ON FUNCTION cluster_secret_create(boolean), cluster_secret_offer(), cluster_secret_wrap(jsonb),
    cluster_secret_accept(text[]), cluster_secret_fingerprint(), citus_status(), citus_setup(boolean) FROM PUBLIC;

-- identity providers (issue 10): issuer-bound keys, key-set import,
-- revocation, the verified-token cache; and PostgREST's jwt-secret forms in
-- the keyring (issue 11)
-- ---------------------------------------------------------------------------

-- A key bound to an issuer verifies only tokens whose "iss" is exactly
-- that issuer, and then requires its audience (NULL: "aud" not compared).
-- Providers choose their kids, so a kid is unique per issuer, not across
-- the keyring (keys are looked up by issuer and kid, RFC 8725 3.8); keys
-- bound to no issuer keep one kid each.  The trigger judges the new
-- columns too, before these constraints can fire.
ALTER TABLE keyring
    ADD COLUMN issuer text CHECK (issuer <> '' AND octet_length(issuer) <= 1024),
    ADD COLUMN audience text CHECK (audience <> '' AND octet_length(audience) <= 1024),
    ADD CONSTRAINT keyring_audience_needs_issuer CHECK (audience IS NULL OR issuer IS NOT NULL);
ALTER TABLE keyring DROP CONSTRAINT keyring_pkey;
ALTER TABLE keyring ADD CONSTRAINT keyring_kid_issuer_key UNIQUE NULLS NOT DISTINCT (kid, issuer);

COMMENT ON TABLE keyring IS
'server-held keys (JWKs) by kid (unique per issuer), with their purposes, algorithm, validity window and issuer binding; readable only by its owner and roles it grants';
COMMENT ON COLUMN keyring.issuer IS
'NULL: the key is bound to no issuer (your own). Else it verifies only tokens whose "iss" is exactly this';
COMMENT ON COLUMN keyring.audience IS
'with an issuer: the audience its tokens must name in "aud" (NULL: "aud" is not compared)';

COMMENT ON FUNCTION keyring_jwks() IS
'public JWKS of the keyring''s asymmetric verify and encrypt keys bound to no issuer (your own), not yet retired, to publish';

CREATE FUNCTION keyring_jwks(issuer text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'jwt_keyring_jwks'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

COMMENT ON FUNCTION keyring_jwks(text) IS
'public JWKS of the keyring''s asymmetric verify and encrypt keys bound to issuer, not yet retired';

-- The keys of a JWKS (or of a certificate map, or one JWK) as rows: kid,
-- alg, the JWK, and why a key is skipped (NULL: imported).  Private
-- material of asymmetric keys is refused, stripped or kept (private_keys);
-- kids missing from asymmetric keys are their RFC 7638 thumbprints.
-- Shared by keyring_import and keyring_import_postgrest.
CREATE FUNCTION keyring_import_keys(keys jsonb, private_keys text)
RETURNS TABLE (kid text, alg text, key jsonb, skipped text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $keys$
DECLARE
    items jsonb;
    k jsonb;
    name text;
    seen text[] := '{}';
BEGIN
    IF jsonb_typeof(keys) <> 'object' THEN
        RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The key set is not a JSON object: a JWKS {"keys": [...]}, a certificate map {"kid": "-----BEGIN CERTIFICATE-----..."} or one JWK.';
    END IF;
    IF keys ? 'keys' THEN
        items := keys->'keys';
        IF jsonb_typeof(items) <> 'array' THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'The member "keys" of the JWKS is not an array.';
        END IF;
    ELSIF keys ? 'kty' THEN
        items := jsonb_build_array(keys);
    ELSE
        -- Google's and Firebase's certificate map: kid -> PEM certificate
        SELECT coalesce(jsonb_agg(CASE
                   WHEN jsonb_typeof(m.value) = 'string'
                        AND left(m.value #>> '{}', 27) = '-----BEGIN CERTIFICATE-----'
                   THEN @extschema@.jwk_from_pem(m.value #>> '{}') || jsonb_build_object('kid', m.key)
                   ELSE jsonb_build_object('kid', m.key, 'not_a_certificate', true) END), '[]')
          INTO items
          FROM jsonb_each(keys) m;
        IF jsonb_array_length(items) = 0 OR items @> '[{"not_a_certificate": true}]' THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'The key set has no "keys" and no "kty", and not every member is a PEM certificate.';
        END IF;
    END IF;
    IF jsonb_array_length(items) > 100 THEN
        RAISE EXCEPTION 'input exceeds a limit' USING ERRCODE = 'program_limit_exceeded',
            DETAIL = 'A key set may hold 100 keys.';
    END IF;

    FOR k IN SELECT * FROM jsonb_array_elements(items) LOOP
        IF jsonb_typeof(k) <> 'object' OR jsonb_typeof(k->'kty') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'A key of the set is not a JWK (an object with a "kty").';
        END IF;
        IF k ? 'kid' AND jsonb_typeof(k->'kid') <> 'string' THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'A key''s "kid" is not a string.';
        END IF;
        name := k->>'kid';
        IF k->>'kty' NOT IN ('RSA', 'EC', 'OKP', 'oct') THEN
            kid := name; alg := k->>'alg'; key := NULL;
            skipped := format('key type %s is not supported', k->>'kty');
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF k->>'kty' <> 'oct' AND k ?| ARRAY['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] THEN
            IF private_keys = 'refuse' THEN
                RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = format('The key %s holds private key material; import public keys only.',
                                    coalesce(quote_literal(left(name, 64)), 'without a kid'));
            ELSIF private_keys = 'strip' THEN
                k := @extschema@.public_jwk(k);
            END IF;
        END IF;
        IF name IS NULL AND k->>'kty' <> 'oct' THEN
            -- never for a secret: its thumbprint would be a hash of it
            name := @extschema@.jwk_thumbprint(k);
        END IF;
        IF name IS NULL THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'A secret (kty "oct") of the set has no "kid".';
        END IF;
        IF name = ANY (seen) THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = format('Two keys of the set have the kid %s.', quote_literal(left(name, 64)));
        END IF;
        seen := seen || name;
        kid := name;
        alg := k->>'alg';
        key := k - 'kid';
        skipped := CASE
            WHEN k->>'use' = 'enc' THEN 'an encryption key ("use": "enc")'
            WHEN k ? 'key_ops' AND NOT k->'key_ops' ? 'verify' THEN 'its "key_ops" do not include "verify"'
            WHEN alg IS NOT NULL AND alg !~ '^(HS|RS|PS|ES)(256|384|512)$|^ES256K$|^EdDSA$'
                THEN format('%s is not a signature algorithm', alg) END;
        IF skipped IS NOT NULL THEN
            key := NULL;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$keys$;

COMMENT ON FUNCTION keyring_import_keys(jsonb, text) IS
'the keys of a JWKS, certificate map or JWK as (kid, alg, key, skipped) rows, private members refused, stripped or kept: what keyring_import and keyring_import_postgrest would store';

CREATE FUNCTION keyring_import(keys jsonb, issuer text, audience text, grace interval DEFAULT '1 day')
RETURNS TABLE (kid text, action text, not_after timestamptz)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $import$
DECLARE
    k record;
    r record;
    imported text[] := '{}';
    retire_at timestamptz := now() + grace;
BEGIN
    IF issuer IS NULL OR issuer = '' THEN
        RAISE EXCEPTION 'invalid argument' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'keyring_import binds the keys to an issuer, the exact "iss" of its tokens.',
            HINT = 'For keys of your own, or PostgREST''s jwt-secret, use jwt.keyring_import_postgrest or INSERT INTO jwt.keyring.';
    END IF;
    IF grace IS NULL OR grace < interval '0' THEN
        RAISE EXCEPTION 'invalid argument' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The grace period is an interval of zero or more.';
    END IF;
    IF keys IS NULL THEN
        RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The key set is NULL.';
    END IF;

    -- one import at a time, so that two refreshers agree on the result
    LOCK TABLE @extschema@.keyring IN SHARE ROW EXCLUSIVE MODE;

    FOR k IN SELECT * FROM @extschema@.keyring_import_keys(keys, 'refuse') LOOP
        kid := k.kid;
        IF k.skipped IS NOT NULL THEN
            action := 'skipped: ' || k.skipped;
            not_after := NULL;
            RETURN NEXT;
            CONTINUE;
        END IF;
        imported := imported || k.kid;
        SELECT * INTO r FROM @extschema@.keyring x WHERE x.kid = k.kid AND x.issuer = keyring_import.issuer;
        IF NOT FOUND THEN
            INSERT INTO @extschema@.keyring (kid, purposes, alg, key, issuer, audience)
            VALUES (k.kid, '{verify}', k.alg, k.key, keyring_import.issuer, keyring_import.audience);
            action := 'added';
        ELSIF (r.key - 'kid') = k.key AND r.alg IS NOT DISTINCT FROM k.alg
              AND r.audience IS NOT DISTINCT FROM keyring_import.audience
              AND r.purposes = '{verify}' AND r.not_after IS NULL THEN
            action := 'kept';
        ELSIF (r.key - 'kid') = k.key THEN
            -- back in the set, or bound anew: the import's terms hold
            UPDATE @extschema@.keyring x
               SET alg = k.alg, audience = keyring_import.audience, purposes = '{verify}', not_after = NULL
             WHERE x.kid = k.kid AND x.issuer = keyring_import.issuer;
            action := CASE WHEN r.not_after IS NOT NULL THEN 'restored' ELSE 'updated' END;
        ELSE
            -- the provider reused the kid for other material
            UPDATE @extschema@.keyring x
               SET key = k.key, alg = k.alg, audience = keyring_import.audience, purposes = '{verify}',
                   not_before = now(), not_after = NULL
             WHERE x.kid = k.kid AND x.issuer = keyring_import.issuer;
            action := 'replaced';
        END IF;
        not_after := NULL;
        RETURN NEXT;
    END LOOP;

    -- keys of the issuer that left the set: retired after the grace period
    -- (tokens in flight still verify until then), removed once retired
    FOR r IN SELECT * FROM @extschema@.keyring x
              WHERE x.issuer = keyring_import.issuer AND x.kid <> ALL (imported)
              ORDER BY x.kid LOOP
        kid := r.kid;
        IF r.not_after IS NOT NULL AND r.not_after <= now() THEN
            DELETE FROM @extschema@.keyring x WHERE x.kid = r.kid AND x.issuer = keyring_import.issuer;
            action := 'removed';
            not_after := r.not_after;
            RETURN NEXT;
        ELSIF r.not_after IS NULL OR r.not_after > retire_at THEN
            not_after := greatest(retire_at, r.not_before + interval '1 microsecond');
            UPDATE @extschema@.keyring x SET not_after = keyring_import.not_after
             WHERE x.kid = r.kid AND x.issuer = keyring_import.issuer;
            action := 'retired';
            RETURN NEXT;
        END IF;
    END LOOP;
END
$import$;

COMMENT ON FUNCTION keyring_import(jsonb, text, text, interval) IS
'import an identity provider''s key set (JWKS, certificate map or JWK) bound to issuer and audience: adds new keys, keeps current ones, retires keys that left the set after grace; returns what it did per kid';

CREATE FUNCTION keyring_import_postgrest(jwt_secret text, secret_is_base64 boolean DEFAULT false,
                                         purposes text[] DEFAULT '{verify}', secret_kid text DEFAULT 'postgrest')
RETURNS TABLE (kid text, action text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $postgrest$
DECLARE
    bytes bytea;
    doc jsonb;
    k record;
    r record;
    fallback text := secret_kid;
BEGIN
    IF jwt_secret IS NULL OR secret_is_base64 IS NULL OR fallback IS NULL THEN
        RAISE EXCEPTION 'invalid argument' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The secret, secret_is_base64 and kid may not be NULL.';
    END IF;
    -- PostgREST's reading: base64 (URL-safe letters too, surrounding
    -- whitespace ignored) when asked, then a JWKS, a JWK, or else the bytes
    IF secret_is_base64 THEN
        BEGIN
            bytes := decode(translate(btrim(jwt_secret, E' \t\r\n'), '-_.', '+/='), 'base64');
        EXCEPTION WHEN invalid_parameter_value THEN
            RAISE EXCEPTION 'invalid key' USING ERRCODE = 'invalid_parameter_value',
                DETAIL = 'The secret is not base64, and jwt-secret-is-base64 says it is.';
        END;
    ELSE
        bytes := convert_to(jwt_secret, 'UTF8');
    END IF;
    BEGIN
        doc := convert_from(bytes, 'UTF8')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        doc := NULL;
    END;
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object'
       OR NOT (coalesce(jsonb_typeof(doc->'keys') = 'array', false)
               OR coalesce(jsonb_typeof(doc->'kty') = 'string', false)) THEN
        doc := jsonb_build_object('keys', jsonb_build_array(
                   @extschema@.jwk_from_secret(bytes, 'HS256', fallback)));
    ELSIF doc ? 'kty' THEN
        doc := jsonb_build_object('keys', jsonb_build_array(doc));
    END IF;
    -- secrets without a kid take secret_kid (then secret_kid-2, -3, ...)
    SELECT jsonb_build_object('keys', coalesce(jsonb_agg(CASE
               WHEN e.k->>'kty' = 'oct' AND NOT e.k ? 'kid'
               THEN e.k || jsonb_build_object('kid', fallback || CASE WHEN e.nth = 1 THEN '' ELSE '-' || e.nth END)
               ELSE e.k END ORDER BY e.ord), '[]'))
      INTO doc
      FROM (SELECT a.k, a.ord,
                   row_number() OVER (PARTITION BY a.k->>'kty' = 'oct' AND NOT a.k ? 'kid' ORDER BY a.ord) AS nth
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc->'keys') = 'array' THEN doc->'keys'
                                             ELSE '[]' END) WITH ORDINALITY a(k, ord)) e;

    LOCK TABLE @extschema@.keyring IN SHARE ROW EXCLUSIVE MODE;
    FOR k IN SELECT * FROM @extschema@.keyring_import_keys(doc,
                   CASE WHEN keyring_import_postgrest.purposes && '{sign,decrypt}' THEN 'keep' ELSE 'strip' END) LOOP
        IF k.skipped IS NOT NULL THEN
            kid := k.kid;
            action := 'skipped: ' || k.skipped;
            RETURN NEXT;
            CONTINUE;
        END IF;
        kid := k.kid;
        SELECT * INTO r FROM @extschema@.keyring x WHERE x.kid = k.kid AND x.issuer IS NULL;
        IF NOT FOUND THEN
            INSERT INTO @extschema@.keyring (kid, purposes, alg, key)
            VALUES (k.kid, keyring_import_postgrest.purposes, k.alg, k.key);
            action := 'added';
        ELSIF (r.key - 'kid') = k.key AND r.alg IS NOT DISTINCT FROM k.alg
              AND r.purposes = keyring_import_postgrest.purposes AND r.not_after IS NULL THEN
            action := 'kept';
        ELSE
            UPDATE @extschema@.keyring x
               SET key = k.key, alg = k.alg, purposes = keyring_import_postgrest.purposes,
                   not_before = CASE WHEN (r.key - 'kid') = k.key THEN x.not_before ELSE now() END,
                   not_after = NULL
             WHERE x.kid = k.kid AND x.issuer IS NULL;
            action := 'replaced';
        END IF;
        RETURN NEXT;
    END LOOP;
END
$postgrest$;

COMMENT ON FUNCTION keyring_import_postgrest(text, boolean, text[], text) IS
'store PostgREST''s jwt-secret (a secret of 32 bytes or more, base64 when secret_is_base64, a JWK or a JWKS) as keyring keys bound to no issuer; a plain secret gets the kid secret_kid';

-- The revocation store: a token by its "jti", or every token of a subject
-- issued before a time (sign out everywhere).  jwt.authenticate refuses
-- what it lists; so do jwt.verify and jwt.try_verify when
-- token_ext.verify_revocation is on.  Each session reads it once per
-- change (the trigger announces changes, as the keyring's does).
CREATE TABLE revocation (
    jti text CHECK (jti <> '' AND octet_length(jti) <= 1024),
    subject text CHECK (subject <> '' AND octet_length(subject) <= 1024),
    issued_before timestamptz,
    issuer text CHECK (issuer <> '' AND octet_length(issuer) <= 1024),
    expires_at timestamptz,
    reason text,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT revocation_one_kind CHECK (num_nonnulls(jti, subject) = 1),
    CONSTRAINT revocation_subject_needs_time CHECK (subject IS NULL OR issued_before IS NOT NULL),
    CONSTRAINT revocation_jti_has_no_time CHECK (jti IS NULL OR issued_before IS NULL)
);

COMMENT ON TABLE revocation IS
'revoked tokens: by jti, or every token of a subject issued before a time; optionally of one issuer; entries expire at expires_at (jwt.revocation_prune() deletes them)';

CREATE INDEX revocation_expires_at ON revocation (expires_at);

REVOKE ALL ON revocation FROM PUBLIC;
ALTER TABLE revocation ENABLE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.revocation', '');

CREATE FUNCTION revocation_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'jwt_revocation_trigger'
LANGUAGE C;

COMMENT ON FUNCTION revocation_trigger() IS
'tells every session when the revocation store changed';

REVOKE EXECUTE ON FUNCTION revocation_trigger() FROM PUBLIC;

CREATE TRIGGER revocation_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON revocation
    FOR EACH STATEMENT EXECUTE FUNCTION revocation_trigger();
ALTER TABLE revocation ENABLE ALWAYS TRIGGER revocation_changed;

CREATE FUNCTION revocation_prune()
RETURNS bigint
LANGUAGE sql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $prune$
    WITH gone AS (DELETE FROM @extschema@.revocation WHERE expires_at <= now() RETURNING 1)
    SELECT count(*) FROM gone
$prune$;

COMMENT ON FUNCTION revocation_prune() IS
'delete the revocation entries whose expires_at has passed; returns how many';

-- the verified-token cache of the session
CREATE FUNCTION clear_token_cache()
RETURNS void
AS 'MODULE_PATHNAME', 'jwt_clear_token_cache'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION clear_token_cache() IS
'drop this session''s cached verified tokens (DISCARD ALL does too)';

CREATE FUNCTION token_cache_stats(OUT entries bigint, OUT bytes bigint, OUT hits bigint,
                                  OUT misses bigint, OUT evictions bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'jwt_token_cache_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION token_cache_stats() IS
'size, hit and miss counts of this session''s verified-token cache';
