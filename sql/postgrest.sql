--
-- postgrest: jwt.authenticate_request() as PostgREST's db-pre-request,
-- token_ext.trust_request_claims, and token_ext_supabase's auth.* helpers.
--
-- PostgREST connects as an authenticator role and, per request (one
-- transaction), sets request.headers / request.cookies (JSON, lower-case
-- names) and calls the pre-request function.  authenticate_request takes
-- the token from the authorization header ("Bearer <token>"), or the
-- configured header or cookie, authenticates it with the keyring, and
-- switches for the transaction to the role of its role claim, only if the
-- connecting role is a member of it.  A bad token raises SQLSTATE PT401
-- (HTTP 401); a role the connecting role may not become raises 42501; no
-- token is an anonymous request and changes nothing.
--
-- Tokens are built with t.forge (pgcrypto HMAC, init.sql) and never printed.
--
\set VERBOSITY default
SELECT current_user AS su \gset

CREATE ROLE regress_pgr_authenticator LOGIN NOINHERIT;
CREATE ROLE regress_pgr_web_user NOLOGIN;
CREATE ROLE regress_pgr_admin NOLOGIN;
CREATE ROLE regress_pgr_super NOLOGIN SUPERUSER;
GRANT regress_pgr_web_user TO regress_pgr_authenticator;
CREATE SCHEMA pgr;
GRANT USAGE ON SCHEMA pgr, t TO regress_pgr_authenticator, regress_pgr_web_user;

INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('pgr', '{verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', t.b64url('postgrest-test-hs256-secret-32b!'::text)));
CREATE TABLE pgr.tok (name text PRIMARY KEY, tok text NOT NULL);
INSERT INTO pgr.tok
SELECT name, t.forge('{"alg":"HS256","typ":"JWT","kid":"pgr"}', payload,
                     convert_to('postgrest-test-hs256-secret-32b!', 'UTF8'))
  FROM (VALUES
    ('web', '{"sub":"00000000-0000-0000-0000-0000000000b1","role":"regress_pgr_web_user","email":"web@example.com"}'),
    ('admin', '{"sub":"00000000-0000-0000-0000-0000000000b2","role":"regress_pgr_admin"}'),
    ('superuser', '{"sub":"00000000-0000-0000-0000-0000000000b3","role":"regress_pgr_super"}'),
    ('no_such_role', '{"sub":"00000000-0000-0000-0000-0000000000b4","role":"regress_pgr_no_such_role"}'),
    ('no_role', '{"sub":"00000000-0000-0000-0000-0000000000b5"}'),
    ('nested_role', '{"sub":"00000000-0000-0000-0000-0000000000b6","role":"regress_pgr_admin","app_metadata":{"role":"regress_pgr_web_user"}}'),
    ('expired', '{"sub":"00000000-0000-0000-0000-0000000000b7","role":"regress_pgr_web_user","exp":1000}')
  ) v(name, payload);
INSERT INTO pgr.tok
SELECT 'bad_sig', left(tok, -2) || CASE right(tok, 2) WHEN 'AA' THEN 'BB' ELSE 'AA' END
  FROM pgr.tok WHERE name = 'web';
GRANT SELECT ON pgr.tok TO regress_pgr_authenticator, regress_pgr_web_user;

-- One request: set request.headers (and cookies) for the transaction,
-- run the pre-request function, report who we are and the claims' sub.
-- Errors are reported as '<SQLSTATE> <message> | <detail>'.
CREATE FUNCTION pgr.request(headers jsonb, cookies jsonb DEFAULT NULL) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  r text;
BEGIN
  IF headers IS NOT NULL THEN
    PERFORM set_config('request.headers', headers::text, true);
  END IF;
  IF cookies IS NOT NULL THEN
    PERFORM set_config('request.cookies', cookies::text, true);
  END IF;
  r := t.outcome('SELECT jwt.authenticate_request()');
  RETURN CASE WHEN r ~ '^OK' THEN format('OK current_user=%s sub=%s role=%s', current_user,
                                             coalesce(jwt.sub(), '-'), coalesce(jwt.role(), '-'))
              ELSE r END;
END $$;
-- The same, undone afterwards (a subtransaction rolled back): one request
-- per call, as if each ran in its own transaction.
CREATE FUNCTION pgr.probe(headers jsonb, cookies jsonb DEFAULT NULL) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  r text;
BEGIN
  BEGIN
    r := pgr.request(headers, cookies);
    RAISE SQLSTATE 'RBACK';
  EXCEPTION WHEN SQLSTATE 'RBACK' THEN
    NULL;
  END;
  RETURN r;
END $$;
-- the authorization header for a named token
CREATE FUNCTION pgr.bearer(name text, scheme text DEFAULT 'Bearer ') RETURNS jsonb
LANGUAGE sql STABLE
AS $$ SELECT jsonb_build_object('authorization', scheme || tok) FROM pgr.tok WHERE tok.name = bearer.name $$;

--
-- PostgREST's connection: the authenticator role
--
\c - regress_pgr_authenticator
SELECT session_user, current_user;
-- a token in the authorization header: claims set, role switched for the transaction
BEGIN;
SELECT pgr.request(pgr.bearer('web'));
SELECT current_user, jwt.sub(), jwt.claim('email') AS email;
COMMIT;
SELECT current_user, jwt.claims() IS NULL AS claims_null;
-- the switch is undone by ROLLBACK too
BEGIN;
SELECT pgr.request(pgr.bearer('web'));
ROLLBACK;
SELECT current_user, jwt.claims() IS NULL AS claims_null;
-- each request below is undone after it (pgr.probe)
SELECT name, pgr.probe(headers) AS outcome
  FROM (VALUES
    ('bearer', pgr.bearer('web')),
    ('lower-case bearer', pgr.bearer('web', 'bearer ')),
    ('upper-case BEARER', pgr.bearer('web', 'BEARER ')),
    ('bearer and extra spaces', pgr.bearer('web', 'Bearer   ')),
    ('no role claim', pgr.bearer('no_role')),
    ('role the authenticator is not a member of', pgr.bearer('admin')),
    ('superuser role', pgr.bearer('superuser')),
    ('role that does not exist', pgr.bearer('no_such_role')),
    ('bad signature', pgr.bearer('bad_sig')),
    ('expired', pgr.bearer('expired')),
    ('not a token', '{"authorization":"Bearer abc.def"}'),
    ('no token after Bearer', '{"authorization":"Bearer "}'),
    ('Basic scheme', '{"authorization":"Basic dXNlcjpwYXNz"}'),
    ('bare token in authorization', (SELECT jsonb_build_object('authorization', tok) FROM pgr.tok WHERE name = 'web')),
    ('no authorization header', '{"accept":"application/json"}'),
    ('header names are lower case', (SELECT jsonb_build_object('Authorization', 'Bearer ' || tok) FROM pgr.tok WHERE name = 'web')),
    ('authorization not a string', '{"authorization":["Bearer x"]}'),
    ('headers not an object', '["authorization"]'),
    ('no request.headers', NULL)
  ) v(name, headers);
-- the SQLSTATE of a bad token is PT401, with the message and detail of the failure
DO $$
BEGIN
  PERFORM set_config('request.headers', (SELECT pgr.bearer('bad_sig'))::text, true);
  PERFORM jwt.authenticate_request();
EXCEPTION WHEN SQLSTATE 'PT401' THEN
  RAISE NOTICE 'PT401: %', SQLERRM;
END $$;
-- after every one of them: no claims, the authenticator's role
SELECT current_user, jwt.claims() IS NULL AS claims_null;

--
-- configured header, cookie and role claim (set by a superuser for the role)
--
\c - :su
ALTER ROLE regress_pgr_authenticator SET token_ext.token_header = 'x-token';
ALTER ROLE regress_pgr_authenticator SET token_ext.token_cookie = 'access_token';
ALTER ROLE regress_pgr_authenticator SET token_ext.role_claim = '.app_metadata.role';
\c - regress_pgr_authenticator
SELECT name, pgr.probe(headers, cookies) AS outcome
  FROM (VALUES
    ('bare token in the header', (SELECT jsonb_build_object('x-token', tok) FROM pgr.tok WHERE name = 'nested_role'), NULL),
    ('Bearer token in the header', (SELECT jsonb_build_object('x-token', 'Bearer ' || tok) FROM pgr.tok WHERE name = 'nested_role'), NULL),
    ('authorization header is not read', (SELECT pgr.bearer('nested_role')), NULL),
    ('cookie', '{}', (SELECT jsonb_build_object('access_token', tok) FROM pgr.tok WHERE name = 'nested_role')),
    ('cookie, no request.headers', NULL, (SELECT jsonb_build_object('access_token', tok) FROM pgr.tok WHERE name = 'nested_role')),
    ('header wins over cookie', (SELECT jsonb_build_object('x-token', tok) FROM pgr.tok WHERE name = 'nested_role'),
                                (SELECT jsonb_build_object('access_token', tok) FROM pgr.tok WHERE name = 'bad_sig')),
    ('bad token in the cookie', '{}', (SELECT jsonb_build_object('access_token', tok) FROM pgr.tok WHERE name = 'bad_sig')),
    ('other cookie', '{}', (SELECT jsonb_build_object('session', tok) FROM pgr.tok WHERE name = 'nested_role')),
    ('top-level role is not the role claim', (SELECT jsonb_build_object('x-token', tok) FROM pgr.tok WHERE name = 'admin'), NULL),
    ('no token', '{}', '{}')
  ) v(name, headers, cookies);
SELECT current_user, jwt.claims() IS NULL AS claims_null;
\c - :su
ALTER ROLE regress_pgr_authenticator RESET ALL;

--
-- token_ext.trust_request_claims: PostgREST's request.jwt.claims as a fallback
--
SET ROLE regress_pgr_web_user;
-- off (the default): request.jwt.claims, which any role can set, is ignored
SELECT jwt.claims() IS NULL AS claims_null;
SHOW token_ext.trust_request_claims;
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000c1","role":"x"}', true) IS NOT NULL AS set;
SELECT jwt.claims() IS NULL AS claims_null, jwt.uid() IS NULL AS uid_null, jwt.authenticated();
COMMIT;
RESET ROLE;
-- on: the readers fall back to it when nothing was authenticated
SET token_ext.trust_request_claims = on;
SET ROLE regress_pgr_web_user;
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000c1","role":"x"}', true) IS NOT NULL AS set;
SELECT jwt.claims(), jwt.uid(), jwt.role(), jwt.authenticated();
-- a change of request.jwt.claims is seen at once
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000c2"}', true) IS NOT NULL AS set;
SELECT jwt.uid();
-- verified claims win over request.jwt.claims
SELECT jwt.authenticate(tok)->>'sub' AS authenticated_sub FROM pgr.tok WHERE name = 'web';
SELECT jwt.uid();
SELECT jwt.clear();
SELECT jwt.uid() AS back_to_request_claims;
-- unparsable or non-object request.jwt.claims are no claims
SELECT set_config('request.jwt.claims', '{"sub":', true) IS NOT NULL AS set;
SELECT jwt.claims() IS NULL AS claims_null;
SELECT set_config('request.jwt.claims', '["sub"]', true) IS NOT NULL AS set;
SELECT jwt.claims() IS NULL AS claims_null;
SELECT set_config('request.jwt.claims', '', true) IS NOT NULL AS set;
SELECT jwt.claims() IS NULL AS claims_null;
COMMIT;
RESET ROLE;
-- off again: request.jwt.claims is ignored again
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000c1"}', true) IS NOT NULL AS set;
SET LOCAL token_ext.trust_request_claims = on;
SELECT jwt.uid() AS trusted;
SET LOCAL token_ext.trust_request_claims = off;
SELECT jwt.uid() IS NULL AS ignored;
COMMIT;
RESET token_ext.trust_request_claims;

--
-- token_ext_supabase: auth.uid(), auth.role(), auth.jwt(), auth.email()
--
CREATE EXTENSION token_ext_supabase;
SELECT p.oid::regprocedure AS function, p.provolatile AS vol, p.proparallel AS par,
       p.prosecdef AS secdef, pg_get_function_result(p.oid) AS result
  FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace ORDER BY p.proname;
SET ROLE regress_pgr_web_user;
SELECT auth.uid() IS NULL AS uid_null, auth.role() IS NULL AS role_null, auth.jwt() IS NULL AS jwt_null,
       auth.email() IS NULL AS email_null;
BEGIN;
SELECT jwt.authenticate(tok) IS NOT NULL AS authenticated FROM pgr.tok WHERE name = 'web';
SELECT auth.uid(), auth.role(), auth.email(), auth.jwt() = jwt.claims() AS jwt_is_claims;
COMMIT;
SELECT auth.uid() IS NULL AS uid_null_after_commit, auth.jwt() IS NULL AS jwt_null_after_commit;
-- request.jwt.claims is not trusted by auth.* either (unless the setting says so)
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-0000000000c1"}', true) IS NOT NULL AS set;
SELECT auth.uid() IS NULL AS uid_null;
COMMIT;
RESET ROLE;
-- the wrappers are inlined: a policy on auth.uid() costs a call of jwt.uid()
EXPLAIN (VERBOSE, COSTS OFF) SELECT auth.uid(), auth.jwt(), auth.email();
DROP EXTENSION token_ext_supabase;
SELECT count(*) AS auth_functions_left FROM pg_proc WHERE proname IN ('uid', 'jwt', 'email') AND pronamespace::regnamespace::text = 'auth';

DROP FUNCTION pgr.probe(jsonb, jsonb), pgr.request(jsonb, jsonb), pgr.bearer(text, text);
DROP TABLE pgr.tok;
DROP SCHEMA pgr;
DELETE FROM jwt.keyring WHERE kid = 'pgr';
DROP OWNED BY regress_pgr_authenticator, regress_pgr_web_user;
DROP ROLE regress_pgr_authenticator, regress_pgr_web_user, regress_pgr_admin, regress_pgr_super;
