--
-- Security review, findings 1 and 7: schema takeover, the keyring found by
-- the extension's membership records and never by name, hostile keyring
-- rows, and no stale table OID after DROP and CREATE EXTENSION.
-- Runs in a database of its own, where the extensions are installed and
-- dropped at will.
--
SET client_min_messages = warning;
SELECT current_database() AS regress_db \gset
DROP DATABASE IF EXISTS regress_token_ext_schema;
CREATE DATABASE regress_token_ext_schema;
DROP ROLE IF EXISTS regress_mallory;
CREATE ROLE regress_mallory;
GRANT CREATE ON DATABASE regress_token_ext_schema TO regress_mallory;
\c regress_token_ext_schema
SET client_min_messages = warning;

-- the outcome of a statement: 'OK <first column>' or '<SQLSTATE> <message> | <detail>'
CREATE FUNCTION public.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; st text; msg text; det text;
BEGIN
    EXECUTE stmt INTO r;
    RETURN 'OK ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '');
END $$;

--
-- 1. A schema another role made first is refused, with what to do.
--
SET ROLE regress_mallory;
CREATE SCHEMA jwt;
RESET ROLE;
CREATE EXTENSION token_ext;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'token_ext';
-- ... also when the installer owns it but PUBLIC may create objects in it
DROP SCHEMA jwt;
CREATE SCHEMA jwt;
GRANT CREATE ON SCHEMA jwt TO PUBLIC;
CREATE EXTENSION token_ext;
REVOKE CREATE ON SCHEMA jwt FROM PUBLIC;
-- ... or a named role may
GRANT CREATE ON SCHEMA jwt TO regress_mallory;
CREATE EXTENSION token_ext;
-- ... or it already holds an object of another role (a look-alike overload)
SET ROLE regress_mallory;
CREATE FUNCTION jwt.uid(anyelement) RETURNS uuid LANGUAGE sql AS $$ SELECT NULL::uuid $$;
RESET ROLE;
REVOKE CREATE ON SCHEMA jwt FROM regress_mallory;
CREATE EXTENSION token_ext;
DROP FUNCTION jwt.uid(anyelement);
-- an empty schema of the installing role is fine
CREATE EXTENSION token_ext;
SELECT extversion, extnamespace::regnamespace, pg_get_userbyid(nspowner) AS schema_owner
  FROM pg_extension JOIN pg_namespace n ON n.oid = extnamespace WHERE extname = 'token_ext';
DROP EXTENSION token_ext;
DROP SCHEMA jwt;

-- token_ext_supabase: the same for a pre-created auth schema
CREATE EXTENSION token_ext;
SET ROLE regress_mallory;
CREATE SCHEMA auth;
RESET ROLE;
CREATE EXTENSION token_ext_supabase;
DROP SCHEMA auth;

-- 0.1.0 had no guard: installed into mallory's schema, its update to 0.2.0 is refused
DROP EXTENSION token_ext;
DROP SCHEMA jwt;
SET ROLE regress_mallory;
CREATE SCHEMA jwt;
RESET ROLE;
CREATE EXTENSION token_ext VERSION '0.1.0';
ALTER EXTENSION token_ext UPDATE TO '0.2.0';
SELECT extversion AS still FROM pg_extension WHERE extname = 'token_ext';
DROP EXTENSION token_ext;
DROP SCHEMA jwt;

--
-- 2. The keyring is the table the extension owns, whatever names say.
--
CREATE EXTENSION token_ext;
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('real', '{sign,verify}', 'HS256',
        '{"kty":"oct","k":"cmVhbC1zZXJ2ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmchISE"}');
SELECT jwt.sign('{"sub":"alice"}', kid => 'real') AS real_token \gset
-- an attacker's key, and a token it signs
SELECT '{"kty":"oct","kid":"real","k":"YXR0YWNrZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmchISEh"}' AS evil_jwk \gset
SELECT jwt.sign('{"sub":"mallory"}', :'evil_jwk'::jsonb) AS evil_token \gset
-- the superuser moves the extension's schema; a table named jwt.keyring appears
-- (as if created by anyone able to create schema jwt), with a key of the attacker
-- and a row whose purposes are NULL (which crashed 0.1.0)
ALTER SCHEMA jwt RENAME TO jwt_home;
SET ROLE regress_mallory;
CREATE SCHEMA jwt;
CREATE TABLE jwt.keyring (kid text, purposes text[], alg text, key jsonb,
                          not_before timestamptz, not_after timestamptz, created_at timestamptz);
INSERT INTO jwt.keyring VALUES ('real', '{verify}', 'HS256', :'evil_jwk', '-infinity', NULL, now()),
                               ('nulls', NULL, NULL, :'evil_jwk', NULL, NULL, NULL);
RESET ROLE;
SELECT outcome(format('SELECT jwt_home.authenticate(%L)', :'evil_token')) AS attacker_token;
SELECT outcome(format('SELECT jwt_home.authenticate(%L)->>%L', :'real_token', 'sub')) AS real_token;
DROP SCHEMA jwt CASCADE;
ALTER SCHEMA jwt_home RENAME TO jwt;

-- a table that leaves the extension is no longer its keyring, even under its old name
ALTER EXTENSION token_ext DROP TABLE jwt.keyring;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS not_a_member;
ALTER EXTENSION token_ext ADD TABLE jwt.keyring;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS member_again;

-- DROP and CREATE EXTENSION in this session: the new keyring is used, no stale OID
DROP EXTENSION token_ext;
CREATE EXTENSION token_ext;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS old_key_gone;
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('real', '{verify}', 'HS256', '{"kty":"oct","k":"cmVhbC1zZXJ2ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmchISE"}');
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS after_recreate;

--
-- 3. Keyring rows that bypassed the trigger never crash and are never trusted.
--
-- the triggers fire always, also for rows that logical replication or a
-- restore with session_replication_role = replica applies
SET session_replication_role = replica;
SELECT outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('replica', NULL, '{"kty":"oct","k":"AAAA"}') RETURNING kid$$)
       AS replica_row_validated;
RESET session_replication_role;
-- rows can still arrive unchecked if the owner disables the trigger, and a
-- superuser may even drop the table's constraints
ALTER TABLE jwt.keyring ALTER COLUMN purposes DROP NOT NULL, ALTER COLUMN not_before DROP NOT NULL,
                        ALTER COLUMN created_at DROP NOT NULL;
ALTER TABLE jwt.keyring DROP CONSTRAINT keyring_purposes_check, DROP CONSTRAINT keyring_kid_check;
ALTER TABLE jwt.keyring DISABLE TRIGGER keyring_validate;
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before, created_at) VALUES
  ('null-purposes', NULL, NULL, '{"kty":"oct","k":"AAAA"}', now(), now()),
  ('unknown-purpose', '{verify,root}', NULL, '{"kty":"oct","k":"AAAA"}', now(), now()),
  ('null-element', ARRAY['verify', NULL], NULL, '{"kty":"oct","k":"AAAA"}', now(), now()),
  ('two-dimensions', '{{verify},{sign}}', NULL, '{"kty":"oct","k":"AAAA"}', now(), now()),
  ('null-not-before', '{verify}', NULL, '{"kty":"oct","k":"cmVhbC1zZXJ2ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmchISE"}', NULL, now()),
  ('not-a-jwk', '{verify}', NULL, '[1,2,3]', now(), now()),
  ('weak-secret', '{verify}', 'HS256', '{"kty":"oct","k":"c2hvcnQ"}', now(), now()),
  ('bad-alg', '{verify}', 'none', '{"kty":"oct","k":"cmVhbC1zZXJ2ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmchISE"}', now(), now()),
  ('public-for-signing', '{sign}', NULL,
   '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}', now(), now()),
  (repeat('k', 300), '{verify}', NULL, '{"kty":"oct","k":"AAAA"}', now(), now());
ALTER TABLE jwt.keyring ENABLE ALWAYS TRIGGER keyring_validate;
-- each is skipped with a WARNING naming its kid (bounded) and the rule, never its key
SET client_min_messages = warning;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS good_key_still_works;
SELECT 1 AS server_still_up;
-- the table's columns are checked before any row is read
ALTER TABLE jwt.keyring ALTER COLUMN alg TYPE varchar;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS retyped_column;
ALTER TABLE jwt.keyring ALTER COLUMN alg TYPE text;
ALTER TABLE jwt.keyring RENAME COLUMN purposes TO uses;
SELECT outcome(format('SELECT jwt.authenticate(%L)->>%L', :'real_token', 'sub')) AS renamed_column;
DROP EXTENSION token_ext;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE regress_token_ext_schema;
DROP ROLE regress_mallory;
