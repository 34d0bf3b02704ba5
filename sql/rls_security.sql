--
-- rls_security: a non-superuser cannot forge the verified claims a
-- row-level security policy reads.
--
-- A table whose policy is USING (owner = jwt.uid()) is read by a role
-- without BYPASSRLS.  That role tries every way to make the policy see
-- another user's uid: SET, SET LOCAL, set_config, RESET, ALTER ROLE ...
-- SET, a function's SET clause, startup options, a placeholder set before
-- the library was loaded (discarded with a WARNING when it loads), crafted
-- tokens (unsigned, wrongly signed, algorithm confusion with a published
-- public key, a JWE encrypted to a published public key, duplicate or
-- NUL-bearing claims), signing by kid without SELECT on jwt.keyring, and
-- the internal trigger function.  After each attempt it must still see no
-- row and jwt.claims() must be NULL.
--
-- Tokens are built with t.forge (pgcrypto HMAC, init.sql) and never printed.
--
\set VERBOSITY default
SELECT current_user AS su \gset

CREATE ROLE regress_rls_alice LOGIN;
CREATE SCHEMA rls;
CREATE SCHEMA rls_alice AUTHORIZATION regress_rls_alice;
GRANT USAGE ON SCHEMA rls, t TO regress_rls_alice;

-- the server's keys: an HS256 key, an RSA verify key published without an
-- alg, and asymmetric encryption keys whose public halves are published
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('rls', '{sign,verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', t.b64url('rls-security-test-hs256-secret!!'::text)));
INSERT INTO jwt.keyring (kid, purposes, key)
VALUES ('rls-rsa', '{verify}', jwt.public_jwk(jwt.generate_key('RS256')) - 'alg'),
       ('rls-rsa-enc', '{encrypt,decrypt}', jwt.generate_key('RSA-OAEP-256')),
       ('rls-ec-enc', '{encrypt,decrypt}', jwt.generate_key('P-256'));

-- 3 users; the policy shows a user's own rows only
CREATE TABLE rls.docs (id int PRIMARY KEY, owner uuid NOT NULL, body text);
INSERT INTO rls.docs
SELECT i, ('00000000-0000-0000-0000-00000000000' || u)::uuid, 'doc ' || i
  FROM generate_series(1, 6) i, LATERAL (SELECT CASE WHEN i <= 3 THEN 1 WHEN i <= 5 THEN 2 ELSE 3 END) x(u);
ALTER TABLE rls.docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_docs ON rls.docs USING (owner = jwt.uid());
GRANT SELECT ON rls.docs TO regress_rls_alice;
SELECT owner, count(*) FROM rls.docs GROUP BY owner ORDER BY owner;

-- tokens the application hands out (the secret stays in the keyring)
CREATE TABLE rls.tok (name text PRIMARY KEY, tok text NOT NULL);
INSERT INTO rls.tok
SELECT name, t.forge('{"alg":"HS256","typ":"JWT","kid":"rls"}', payload,
                     convert_to('rls-security-test-hs256-secret!!', 'UTF8'))
  FROM (VALUES ('u1', '{"sub":"00000000-0000-0000-0000-000000000001","role":"postgres"}'),
               ('u2', '{"sub":"00000000-0000-0000-0000-000000000002"}')) v(name, payload);
GRANT SELECT ON rls.tok TO regress_rls_alice;

-- what the querying role sees: its rows, and rows of another user (must be 0)
CREATE FUNCTION rls.seen(OUT visible bigint, OUT foreign_rows bigint, OUT claims_null boolean)
LANGUAGE sql VOLATILE
AS $$ SELECT count(*), count(*) FILTER (WHERE owner IS DISTINCT FROM jwt.uid()), jwt.claims() IS NULL
        FROM rls.docs $$;
-- the outcome of authenticating a token, then what the role sees
CREATE FUNCTION rls.try(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''', tok)) $$;

SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'regress_rls_alice';

--
-- the policy works: no token, no rows; a verified token, that user's rows
--
SET ROLE regress_rls_alice;
SELECT * FROM rls.seen();
BEGIN;
SELECT jwt.authenticate(tok)->>'sub' AS sub FROM rls.tok WHERE name = 'u1';
SELECT * FROM rls.seen();
-- a role claim does not change the current role (only authenticate_request switches)
SELECT current_user, jwt.role();
SELECT jwt.authenticate(tok)->>'sub' AS sub FROM rls.tok WHERE name = 'u2';
SELECT * FROM rls.seen();
COMMIT;
SELECT * FROM rls.seen();

--
-- settings: every way to write token_ext.claims is refused
--
SELECT t.outcome($$SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'$$) AS set;
SELECT t.outcome($$SELECT set_config('token_ext.claims', '{"sub":"00000000-0000-0000-0000-000000000003"}', false)$$) AS set_config_session;
SELECT t.outcome($$SELECT set_config('token_ext.claims', '{"sub":"00000000-0000-0000-0000-000000000003"}', true)$$) AS set_config_local;
SELECT t.outcome('RESET token_ext.claims') AS reset;
SELECT t.outcome('SET token_ext.claims TO DEFAULT') AS set_default;
SELECT t.outcome($$ALTER ROLE regress_rls_alice SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'$$) AS alter_role_set;
SELECT t.outcome(format($$ALTER ROLE regress_rls_alice IN DATABASE %I SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'$$,
                        current_database())) AS alter_role_in_database_set;
SELECT t.outcome($$CREATE FUNCTION rls_alice.f() RETURNS bigint LANGUAGE sql
                   SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'
                   AS 'SELECT count(*) FROM rls.docs'$$) AS function_set_clause;
SELECT t.outcome($$CREATE FUNCTION rls_alice.f() RETURNS bigint LANGUAGE sql
                   SET token_ext.claims FROM CURRENT AS 'SELECT count(*) FROM rls.docs'$$) AS function_set_from_current;
BEGIN;
SET LOCAL token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}';
ROLLBACK;
SELECT * FROM rls.seen();
-- nor can the role change how tokens are checked
SELECT name, t.outcome(format('SELECT set_config(%L, %L, false)', name, value)) AS outcome
  FROM (VALUES ('token_ext.algorithms', 'HS256'), ('token_ext.audience', ''), ('token_ext.issuer', ''),
               ('token_ext.leeway', '86400'), ('token_ext.role_claim', '.sub'),
               ('token_ext.claims_scope', 'session'), ('token_ext.trust_request_claims', 'on'),
               ('token_ext.token_header', 'x-token'), ('token_ext.token_cookie', 'jwt'),
               ('token_ext.max_token_size', '16777216')) v(name, value);
-- RESET ALL and DISCARD ALL only ever clear claims
RESET ALL;
DISCARD ALL;
SET ROLE regress_rls_alice;
SELECT * FROM rls.seen();

--
-- crafted tokens
--
CREATE TEMP TABLE forged (name text, tok text);
INSERT INTO forged VALUES
  ('alg none', t.b64url('{"alg":"none","typ":"JWT"}'::text) || '.' ||
               t.b64url('{"sub":"00000000-0000-0000-0000-000000000003"}'::text) || '.'),
  ('alg none, kid of the HS256 key', t.b64url('{"alg":"none","kid":"rls"}'::text) || '.' ||
               t.b64url('{"sub":"00000000-0000-0000-0000-000000000003"}'::text) || '.'),
  ('no signature', t.b64url('{"alg":"HS256","kid":"rls"}'::text) || '.' ||
               t.b64url('{"sub":"00000000-0000-0000-0000-000000000003"}'::text) || '.'),
  ('guessed secret', t.forge('{"alg":"HS256","kid":"rls"}', '{"sub":"00000000-0000-0000-0000-000000000003"}',
                             convert_to('rls-security-test-hs256-secret!?', 'UTF8'))),
  ('claims of u1 swapped into a u1 token',
   (SELECT split_part(tok, '.', 1) || '.' || t.b64url('{"sub":"00000000-0000-0000-0000-000000000003"}'::text)
           || '.' || split_part(tok, '.', 3) FROM rls.tok WHERE name = 'u1')),
  ('HS256 keyed with the published RSA JWK text',
   t.forge('{"alg":"HS256","kid":"rls-rsa"}', '{"sub":"00000000-0000-0000-0000-000000000003"}',
           convert_to((SELECT k::text FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k WHERE k->>'kid' = 'rls-rsa'), 'UTF8'))),
  ('HS256 keyed with the published RSA key as PEM',
   t.forge('{"alg":"HS256","kid":"rls-rsa"}', '{"sub":"00000000-0000-0000-0000-000000000003"}',
           convert_to(jwt.pem_from_jwk((SELECT k FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k WHERE k->>'kid' = 'rls-rsa')), 'UTF8'))),
  ('HS256 keyed with the published RSA key as PEM, no kid',
   t.forge('{"alg":"HS256"}', '{"sub":"00000000-0000-0000-0000-000000000003"}',
           convert_to(jwt.pem_from_jwk((SELECT k FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k WHERE k->>'kid' = 'rls-rsa')), 'UTF8'))),
  ('JWE to the published RSA key',
   jwt.encrypt('{"sub":"00000000-0000-0000-0000-000000000003"}'::jsonb,
               (SELECT k FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k WHERE k->>'kid' = 'rls-rsa-enc'),
               'RSA-OAEP-256', 'A256GCM')),
  ('JWE to the published EC key',
   jwt.encrypt('{"sub":"00000000-0000-0000-0000-000000000003"}'::jsonb,
               (SELECT k FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k WHERE k->>'kid' = 'rls-ec-enc'),
               'ECDH-ES', 'A256GCM'));
SELECT name, rls.try(tok) AS outcome FROM forged
 WHERE name NOT LIKE 'JWE%' ORDER BY name;
-- An unsigned JWE encrypted to a public key proves nothing about who made
-- it: anyone can fetch the public key from jwt.keyring_jwks().  It must not
-- authenticate (only a nested, signed JWT may, or a JWE under a secret key).
SELECT name, rls.try(tok) !~ '^OK' AS refused FROM forged WHERE name LIKE 'JWE%' ORDER BY name;
SELECT * FROM rls.seen();
-- the same, in a transaction (a refused token sets nothing)
BEGIN;
SELECT name, rls.try(tok) !~ '^OK' AS refused FROM forged WHERE name LIKE 'JWE%' ORDER BY name;
SELECT * FROM rls.seen();
COMMIT;
-- claims with NUL or a lone surrogate are refused (a NUL would cut sub short)
SELECT rls.try(t.forge('{"alg":"HS256","kid":"rls"}', '{"sub":"00000000-0000-0000-0000-000000000003\u0000x"}',
                       convert_to('rls-security-test-hs256-secret!!', 'UTF8'))) AS nul_in_sub;
SELECT rls.try(t.forge('{"alg":"HS256","kid":"rls"}', '{"sub":"\ud800"}',
                       convert_to('rls-security-test-hs256-secret!!', 'UTF8'))) AS lone_surrogate;
SELECT rls.try(t.forge('{"alg":"HS256","kid":"rls"}', '{"sub":"00000000-0000-0000-0000-000000000001","sub":"00000000-0000-0000-0000-000000000003"}',
                       convert_to('rls-security-test-hs256-secret!!', 'UTF8'))) AS duplicate_sub_signed;
SELECT * FROM rls.seen();

--
-- the keyring: not readable, no signing by kid without SELECT on it,
-- and its trigger function cannot be called
--
SELECT t.outcome('SELECT count(*) FROM jwt.keyring') AS read_keyring;
SELECT t.outcome($$SELECT jwt.sign('{"sub":"00000000-0000-0000-0000-000000000003"}', kid => 'rls')$$) AS sign_by_kid;
SELECT t.outcome($$SELECT jwt.sign('{"sub":"00000000-0000-0000-0000-000000000003"}', kid => 'nope')$$) AS sign_by_unknown_kid;
SELECT t.outcome('SELECT jwt.keyring_trigger()') AS call_trigger_function;
SELECT * FROM rls.seen();
RESET ROLE;
-- the supported way: a SECURITY DEFINER function of the keyring's owner
CREATE FUNCTION rls.login(who text) RETURNS text
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
AS $$ SELECT jwt.sign(jsonb_build_object('sub', who), kid => 'rls') $$;
REVOKE ALL ON FUNCTION rls.login(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rls.login(text) TO regress_rls_alice;
SET ROLE regress_rls_alice;
BEGIN;
SELECT jwt.authenticate(rls.login('00000000-0000-0000-0000-000000000002'))->>'sub' AS sub;
SELECT * FROM rls.seen();
COMMIT;
SELECT * FROM rls.seen();
RESET ROLE;

--
-- a placeholder: token_ext.claims set by the role in a new session before
-- the library is loaded is discarded with a WARNING when it loads
--
\c - regress_rls_alice
SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}';
-- the policy's jwt.uid() loads the library
SELECT count(*) AS visible FROM rls.docs;
SELECT jwt.claims() IS NULL AS claims_null, current_setting('token_ext.claims') AS setting;
SELECT * FROM rls.seen();
\c - regress_rls_alice
SELECT set_config('token_ext.claims', '{"sub":"00000000-0000-0000-0000-000000000003"}', false) IS NOT NULL AS placeholder_set;
SELECT jwt.claims() IS NULL AS claims_null;
SELECT * FROM rls.seen();
\c - regress_rls_alice
BEGIN;
SET LOCAL token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}';
SELECT * FROM rls.seen();
COMMIT;
SELECT * FROM rls.seen();
-- stacked: a session value, a local one and one in a savepoint
\c - regress_rls_alice
SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}';
BEGIN;
SET LOCAL token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000002"}';
SAVEPOINT s;
SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000001"}';
SELECT * FROM rls.seen();
RELEASE SAVEPOINT s;
SELECT * FROM rls.seen();
COMMIT;
SELECT * FROM rls.seen();
-- before the library is loaded, ALTER ROLE ... SET and a function's SET
-- clause for it are refused too (it might be a superuser-only setting)
\c - regress_rls_alice
SELECT t.outcome($$ALTER ROLE regress_rls_alice SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'$$) AS alter_role_set_before_load;
SELECT t.outcome($$CREATE FUNCTION rls_alice.f() RETURNS bigint LANGUAGE sql
                   SET token_ext.claims = '{"sub":"00000000-0000-0000-0000-000000000003"}'
                   AS 'SELECT count(*) FROM rls.docs'$$) AS function_set_clause_before_load;
SELECT * FROM rls.seen();
SELECT count(*) AS role_settings FROM pg_db_role_setting WHERE setrole = 'regress_rls_alice'::regrole;
-- a startup option (PGOPTIONS) of the new session
\set regress_pgoptions ''
\getenv regress_pgoptions PGOPTIONS
SELECT :'regress_pgoptions' || ' -c token_ext.claims={"sub":"00000000-0000-0000-0000-000000000003"}' AS alice_pgoptions \gset
\setenv PGOPTIONS :alice_pgoptions
\c -reuse-previous=off :DBNAME regress_rls_alice
\setenv PGOPTIONS :regress_pgoptions
SELECT current_setting('token_ext.claims') AS startup_option_before_load;
SELECT * FROM rls.seen();
SELECT current_setting('token_ext.claims') AS after_load;
\c -reuse-previous=off :DBNAME :su

DROP TABLE rls.tok, rls.docs;
DROP FUNCTION rls.seen(), rls.try(text), rls.login(text);
DROP SCHEMA rls, rls_alice;
DELETE FROM jwt.keyring WHERE kid LIKE 'rls%';
DROP OWNED BY regress_rls_alice;
DROP ROLE regress_rls_alice;
