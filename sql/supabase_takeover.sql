--
-- supabase_takeover: jwt.supabase_takeover() and jwt.supabase_restore() on a
-- database built like Supabase's.
--
-- Supabase's roles (anon, authenticated, service_role, and authenticator,
-- the role PostgREST logs in as), its auth schema owned by
-- supabase_auth_admin, auth.uid(), auth.role(), auth.email() and auth.jwt()
-- exactly as Supabase Auth's migrations define them (reading PostgREST's
-- request.jwt.claims), and tables whose policies call them.  Requests are
-- made as PostgREST makes them: as authenticator, one transaction each,
-- SET LOCAL ROLE to the token's role, request.jwt.claims (and
-- request.headers) set, the pre-request function called when configured,
-- then the query.  The same requests run before the takeover, staged,
-- verified, and after the restore; the policies, the functions' OIDs,
-- owners, grants and comments are compared across all four.
--
\set VERBOSITY default
SELECT current_user AS su \gset
-- token_ext_supabase's test leaves an empty schema auth behind, if it ran
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS auth;
RESET client_min_messages;

-- without a schema auth there is nothing to take over
SELECT t.outcome('SELECT jwt.supabase_takeover()') AS no_auth_schema;
SELECT count(*) AS restored_without_auth_schema FROM jwt.supabase_restore();

-- t.postgrest_request(): one request as PostgREST makes it
\ir sql/fixtures/postgrest_request.sql

-- Supabase's roles (supabase/postgres init scripts)
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT;
CREATE SCHEMA auth AUTHORIZATION supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA t TO anon, authenticated, authenticator, supabase_auth_admin;

-- The four functions as Supabase Auth defines them, owned by supabase_auth_admin:
-- sql/fixtures/supabase.sql
\ir sql/fixtures/supabase.sql
ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
-- a grant beyond the default, to see that grants are kept
REVOKE EXECUTE ON FUNCTION auth.email() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth.email() TO anon, authenticated, service_role;

-- what jwt.supabase_status() sees: Supabase's own functions, not taken over
SELECT * FROM jwt.supabase_status();
-- This is why token_ext_supabase cannot be used here
SELECT t.outcome('CREATE EXTENSION token_ext_supabase') AS create_extension_token_ext_supabase;

-- An application's tables, with Supabase-style policies on all four functions
CREATE SCHEMA app;
CREATE TABLE app.notes (id int PRIMARY KEY, owner uuid NOT NULL, body text);
CREATE TABLE app.posts (id int PRIMARY KEY, published boolean NOT NULL, body text);
CREATE TABLE app.invites (id int PRIMARY KEY, email text NOT NULL, team text NOT NULL);
ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.invites ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users see their own notes" ON app.notes FOR SELECT TO authenticated
    USING (auth.uid() = owner);
CREATE POLICY "Users add their own notes" ON app.notes FOR INSERT TO authenticated
    WITH CHECK ((select auth.uid()) = owner);
CREATE POLICY "Signed-in users read every post" ON app.posts FOR SELECT
    USING (auth.role() = 'authenticated');
CREATE POLICY "Everyone reads published posts" ON app.posts FOR SELECT TO anon
    USING (published);
CREATE POLICY "Invitees see their invites" ON app.invites FOR SELECT TO authenticated
    USING (email = auth.email());
CREATE POLICY "Team admins see the team's invites" ON app.invites FOR SELECT TO authenticated
    USING (team = (auth.jwt() -> 'app_metadata' ->> 'team')
           AND (auth.jwt() -> 'app_metadata' ->> 'team_role') = 'admin');
INSERT INTO app.notes VALUES
    (1, 'a11ce000-0000-4000-8000-000000000001', 'alice 1'),
    (2, 'a11ce000-0000-4000-8000-000000000001', 'alice 2'),
    (3, 'b0b00000-0000-4000-8000-000000000002', 'bob 1');
INSERT INTO app.posts VALUES (1, true, 'hello'), (2, false, 'draft');
INSERT INTO app.invites VALUES (1, 'alice@example.com', 'red'), (2, 'bob@example.com', 'red'),
                               (3, 'carol@example.com', 'blue');
GRANT USAGE ON SCHEMA app TO anon, authenticated, service_role;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA app TO anon, authenticated, service_role;

-- The project's JWT secret in the keyring, for jwt.authenticate
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('supabase', '{verify}', 'HS256',
        jwt.jwk_from_secret('super-secret-jwt-token-with-at-least-32-characters-long'));

-- The requests (made by t.postgrest_request): the claims PostgREST would set and the token they came
-- from (made with pgcrypto's hmac(), never by token_ext); "forged" sets
-- request.jwt.claims without any token, as any SQL user can.
CREATE TABLE app.cases (pos int PRIMARY KEY, name text, role text, claims text, token text, query text);
INSERT INTO app.cases
SELECT pos, name, role, claims,
       CASE WHEN signed THEN t.forge('{"alg":"HS256","typ":"JWT"}', claims,
                                     convert_to('super-secret-jwt-token-with-at-least-32-characters-long', 'UTF8')) END,
       query
  FROM (VALUES
    (1, 'alice reads notes', 'authenticated', true,
        '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","email":"alice@example.com","exp":4102444800}',
        'SELECT string_agg(body, '','' ORDER BY id) FROM app.notes'),
    (2, 'alice reads posts', 'authenticated', true,
        '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","email":"alice@example.com","exp":4102444800}',
        'SELECT string_agg(body, '','' ORDER BY id) FROM app.posts'),
    (3, 'alice reads invites', 'authenticated', true,
        '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","email":"alice@example.com","exp":4102444800}',
        'SELECT string_agg(email, '','' ORDER BY id) FROM app.invites'),
    (4, 'alice adds a note', 'authenticated', true,
        '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","email":"alice@example.com","exp":4102444800}',
        'INSERT INTO app.notes VALUES (9, ''a11ce000-0000-4000-8000-000000000001'', ''new'') RETURNING body'),
    (5, 'alice adds a note for bob', 'authenticated', true,
        '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","email":"alice@example.com","exp":4102444800}',
        'INSERT INTO app.notes VALUES (9, ''b0b00000-0000-4000-8000-000000000002'', ''new'') RETURNING body'),
    (6, 'team admin carol reads invites', 'authenticated', true,
        '{"sub":"ca401000-0000-4000-8000-000000000003","role":"authenticated","email":"carol@example.com","app_metadata":{"team":"red","team_role":"admin"},"exp":4102444800}',
        'SELECT string_agg(email, '','' ORDER BY id) FROM app.invites'),
    (7, 'anonymous reads posts', 'anon', true,
        '{"role":"anon","exp":4102444800}',
        'SELECT string_agg(body, '','' ORDER BY id) FROM app.posts'),
    (8, 'forged claims of bob read notes', 'authenticated', false,
        '{"sub":"b0b00000-0000-4000-8000-000000000002","role":"authenticated","email":"bob@example.com"}',
        'SELECT string_agg(body, '','' ORDER BY id) FROM app.notes'),
    (9, 'forged team admin reads invites', 'authenticated', false,
        '{"sub":"e0e00000-0000-4000-8000-000000000004","role":"authenticated","app_metadata":{"team":"red","team_role":"admin"}}',
        'SELECT string_agg(email, '','' ORDER BY id) FROM app.invites')
  ) v(pos, name, role, signed, claims, query);
GRANT USAGE ON SCHEMA app TO authenticator;
GRANT SELECT ON app.cases TO authenticator;

CREATE TABLE app.outcome (phase text, pos int, pre_request boolean, outcome text);
GRANT INSERT ON app.outcome TO authenticator;

-- What must survive: the policies, and the functions' OIDs, owners, grants, comments
CREATE TABLE app.kept AS
SELECT 'before'::text AS phase, p.oid::regprocedure::text AS function, p.oid AS oid, p.proowner::regrole AS owner,
       p.proacl::text AS grants, obj_description(p.oid, 'pg_proc') AS comment, pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace;
CREATE TABLE app.policies AS
SELECT 'before'::text AS phase, tablename, policyname, roles::text, cmd, qual, with_check
  FROM pg_policies WHERE schemaname = 'app';

--
-- Before: Supabase's own functions
--
\c - authenticator
INSERT INTO app.outcome SELECT 'before', c.pos, false, t.postgrest_request(c.role, c.claims, c.token, false, c.query) FROM app.cases c;
\c - :su
SELECT c.pos, c.name, o.outcome FROM app.cases c JOIN app.outcome o USING (pos) WHERE o.phase = 'before' ORDER BY c.pos;

--
-- Who may take over: a superuser, or the owner of the functions
--
SET ROLE authenticated;
SELECT t.outcome('SELECT jwt.supabase_takeover()') AS as_authenticated;
RESET ROLE;
CREATE ROLE regress_owner_of_some NOLOGIN;
ALTER FUNCTION auth.email() OWNER TO regress_owner_of_some;
SET ROLE supabase_auth_admin;
SELECT t.outcome('SELECT jwt.supabase_takeover()') AS owner_of_three_of_four;
RESET ROLE;
ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
DROP ROLE regress_owner_of_some;
SELECT t.outcome($$SELECT jwt.supabase_takeover('final')$$) AS unknown_mode;

--
-- Staged, by the functions' owner (not a superuser): verified claims when
-- a token was authenticated, else the original definitions
--
SET ROLE supabase_auth_admin;
SELECT * FROM jwt.supabase_takeover('staged');
RESET ROLE;
SELECT * FROM jwt.supabase_status();
SELECT p.proname, pg_get_functiondef(p.oid) AS definition FROM pg_proc p
 WHERE p.pronamespace = 'auth'::regnamespace AND p.proname IN ('uid', 'uid_before_token_ext') ORDER BY 1;
\c - authenticator
INSERT INTO app.outcome SELECT 'staged', c.pos, false, t.postgrest_request(c.role, c.claims, c.token, false, c.query) FROM app.cases c;
INSERT INTO app.outcome SELECT 'staged', c.pos, true, t.postgrest_request(c.role, c.claims, c.token, true, c.query) FROM app.cases c;
\c - :su
-- without the pre-request: as before; with it: the verified claims decide
SELECT c.pos, c.name, o.outcome AS without_pre_request, w.outcome AS with_pre_request,
       o.outcome = b.outcome AS as_before
  FROM app.cases c JOIN app.outcome o ON o.pos = c.pos AND o.phase = 'staged' AND NOT o.pre_request
  JOIN app.outcome w ON w.pos = c.pos AND w.phase = 'staged' AND w.pre_request
  JOIN app.outcome b ON b.pos = c.pos AND b.phase = 'before'
 ORDER BY c.pos;

--
-- Verified, by a superuser: only claims token_ext verified count
--
-- a session that planned a query on auth.uid() before sees the change at once
BEGIN;
SELECT set_config('request.jwt.claims', '{"sub":"b0b00000-0000-4000-8000-000000000002"}', true) IS NOT NULL AS claims_set;
PREPARE whoami AS SELECT auth.uid();
EXECUTE whoami;
SELECT * FROM jwt.supabase_takeover();
EXECUTE whoami;
DEALLOCATE whoami;
COMMIT;
SELECT * FROM jwt.supabase_status();
SELECT p.proname, pg_get_functiondef(p.oid) AS definition FROM pg_proc p
 WHERE p.pronamespace = 'auth'::regnamespace AND p.proname = 'jwt';
\c - authenticator
INSERT INTO app.outcome SELECT 'verified', c.pos, false, t.postgrest_request(c.role, c.claims, c.token, false, c.query) FROM app.cases c;
INSERT INTO app.outcome SELECT 'verified', c.pos, true, t.postgrest_request(c.role, c.claims, c.token, true, c.query) FROM app.cases c;
\c - :su
SELECT c.pos, c.name, o.outcome AS without_pre_request, w.outcome AS with_pre_request
  FROM app.cases c JOIN app.outcome o ON o.pos = c.pos AND o.phase = 'verified' AND NOT o.pre_request
  JOIN app.outcome w ON w.pos = c.pos AND w.phase = 'verified' AND w.pre_request
 ORDER BY c.pos;
-- the policies' plans call token_ext's reader, inlined (and the owner can still use them)
EXPLAIN (COSTS OFF) SELECT * FROM app.notes WHERE auth.uid() = owner;
-- token_ext cannot be dropped from under the functions
SELECT split_part(t.outcome('DROP EXTENSION token_ext'), ' | ', 1) AS drop_token_ext;
-- and the saved definitions cannot be dropped while staged mode calls them
SELECT * FROM jwt.supabase_takeover('staged');
SELECT t.outcome('DROP FUNCTION auth.uid_before_token_ext()') AS drop_saved_definition;
SELECT * FROM jwt.supabase_takeover('verified');

-- kept across the takeover: policies, OIDs, owners, grants, comments
INSERT INTO app.kept
SELECT 'verified', p.oid::regprocedure::text, p.oid, p.proowner::regrole, p.proacl::text,
       obj_description(p.oid, 'pg_proc'), pg_get_functiondef(p.oid)
  FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace;
INSERT INTO app.policies
SELECT 'verified', tablename, policyname, roles::text, cmd, qual, with_check FROM pg_policies WHERE schemaname = 'app';
SELECT a.function, a.oid = b.oid AS same_oid, a.owner = b.owner AS same_owner, a.grants IS NOT DISTINCT FROM b.grants AS same_grants,
       a.comment IS NOT DISTINCT FROM b.comment AS same_comment, a.definition = b.definition AS same_definition
  FROM app.kept a JOIN app.kept b ON b.function = a.function AND b.phase = 'verified'
 WHERE a.phase = 'before' ORDER BY 1;
-- the saved definitions: each original's definition, owner and grants
SELECT s.function, s.owner, s.grants, obj_description(s.oid, 'pg_proc') AS comment,
       replace(s.definition, '_before_token_ext', '') = o.definition AS same_definition_as_original
  FROM app.kept s JOIN app.kept o ON o.function = replace(s.function, '_before_token_ext', '') AND o.phase = 'before'
 WHERE s.phase = 'verified' AND s.function LIKE '%before_token_ext%' ORDER BY 1;
SELECT count(*) AS policies, count(*) FILTER (WHERE (a.roles, a.cmd, a.qual, a.with_check)
                                                    IS NOT DISTINCT FROM (b.roles, b.cmd, b.qual, b.with_check)) AS unchanged
  FROM app.policies a JOIN app.policies b USING (tablename, policyname)
 WHERE a.phase = 'before' AND b.phase = 'verified';

-- A later Supabase Auth migration redefines a function after the takeover:
-- a new takeover saves that definition, and a restore puts it back
SET ROLE supabase_auth_admin;
create or replace function auth.email()
    returns text
    set search_path to ''
as $func$
  select nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
$func$ language sql stable;
RESET ROLE;
SELECT * FROM jwt.supabase_takeover();
SELECT pg_get_functiondef('auth.email_before_token_ext()'::regprocedure) LIKE '%select nullif(current_setting(''request.jwt.claims''%' AS saved_the_new_definition;

--
-- Restore: the original definitions, and nothing left behind
--
SELECT * FROM jwt.supabase_restore();
SELECT * FROM jwt.supabase_status();
SELECT * FROM jwt.supabase_restore();
\c - authenticator
INSERT INTO app.outcome SELECT 'restored', c.pos, false, t.postgrest_request(c.role, c.claims, c.token, false, c.query) FROM app.cases c;
\c - :su
SELECT c.pos, c.name, o.outcome, o.outcome = b.outcome AS as_before
  FROM app.cases c JOIN app.outcome o ON o.pos = c.pos AND o.phase = 'restored'
  JOIN app.outcome b ON b.pos = c.pos AND b.phase = 'before'
 ORDER BY c.pos;
INSERT INTO app.kept
SELECT 'restored', p.oid::regprocedure::text, p.oid, p.proowner::regrole, p.proacl::text,
       obj_description(p.oid, 'pg_proc'), pg_get_functiondef(p.oid)
  FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace;
INSERT INTO app.policies
SELECT 'restored', tablename, policyname, roles::text, cmd, qual, with_check FROM pg_policies WHERE schemaname = 'app';
-- auth.email() is the later migration's; the other three are as before
SELECT b.function, a.function IS NOT NULL AS present, a.oid = b.oid AS same_oid, a.owner = b.owner AS same_owner,
       a.grants IS NOT DISTINCT FROM b.grants AS same_grants, a.comment IS NOT DISTINCT FROM b.comment AS same_comment,
       a.definition = b.definition AS same_definition
  FROM app.kept b LEFT JOIN app.kept a ON a.function = b.function AND a.phase = 'restored'
 WHERE b.phase = 'before' ORDER BY 1;
SELECT count(*) AS functions_in_auth FROM pg_proc WHERE pronamespace = 'auth'::regnamespace;
SELECT count(*) AS policies, count(*) FILTER (WHERE (a.roles, a.cmd, a.qual, a.with_check)
                                                    IS NOT DISTINCT FROM (b.roles, b.cmd, b.qual, b.with_check)) AS unchanged
  FROM app.policies a JOIN app.policies b USING (tablename, policyname)
 WHERE a.phase = 'before' AND b.phase = 'restored';
-- the saved definition gone while taken over: restore says so and changes nothing
SELECT * FROM jwt.supabase_takeover();
DROP FUNCTION auth.role_before_token_ext();
SELECT * FROM jwt.supabase_status();
SELECT t.outcome('SELECT count(*) FROM jwt.supabase_restore()') AS restore_without_saved_definition;
SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'auth'::regnamespace ORDER BY 1;

-- clean up
DELETE FROM jwt.keyring WHERE kid = 'supabase';
SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
DROP OWNED BY anon, authenticated, service_role, authenticator, supabase_auth_admin;
RESET client_min_messages;
DROP ROLE anon, authenticated, service_role, authenticator, supabase_auth_admin;
