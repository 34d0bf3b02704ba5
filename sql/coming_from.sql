--
-- coming_from: README.md's section "Coming from PostgREST, pgjwt or
-- Supabase".  The key tool jwt.jwk_from_secret, PostgREST's role-claim
-- paths in token_ext.role_claim, the promises of the settings table, and
-- the three configurations, whose blocks are read from README.md (between
-- the "<!-- config: NAME -->" marker and the end of the code block) and run
-- as written, so that the README stays true.  Tokens are made with
-- pgcrypto's hmac() (t.forge, init.sql), never by token_ext.
--
\set VERBOSITY default
SELECT current_user AS su \gset

-- t.postgrest_request(): one request as PostgREST makes it
\ir sql/fixtures/postgrest_request.sql

-- 1. jwt.jwk_from_secret: text (its UTF-8 bytes) or bytea, bound to an alg, kid if given
SELECT jwt.jwk_from_secret('reallyreallyreallyreallyverysafe') AS default_alg,
       jwt.jwk_from_secret('reallyreallyreallyreallyverysafe', 'HS256', 'postgrest') AS with_kid,
       jwt.jwk_from_secret('reallyreallyreallyreallyverysafe', NULL) AS unbound;
SELECT jwt.jwk_from_secret('reallyreallyreallyreallyverysafe', 'HS256', 'postgrest') AS readme_example;
-- k is the secret's bytes in base64url, without padding or line breaks at any length
-- (PostgreSQL's encode(.., 'base64') breaks lines after 57 bytes); decoded here with decode()
SELECT n, length(k) AS k_chars, k ~ '^[A-Za-z0-9_-]+$' AS base64url_only,
       decode(translate(k, '-_', '+/') || repeat('=', (4 - length(k) % 4) % 4), 'base64') = s AS k_is_the_secret,
       position(E'\n' IN encode(s, 'base64')) > 0 AS encode_breaks_lines
  FROM (SELECT n, s, jwt.jwk_from_secret(s, 'HS512')->>'k' AS k
          FROM (SELECT n, decode(substr(repeat('00ff7e3c5a', 100), 1, 2 * n), 'hex') AS s
                  FROM unnest(ARRAY[64, 65, 66, 100, 200]) n) x) y;
-- text is read as UTF-8, as PostgREST reads jwt-secret; a base64 secret is passed decoded
SELECT decode(translate(k, '-_', '+/') || repeat('=', (4 - length(k) % 4) % 4), 'base64')
       = convert_to('pässwörd-pässwörd-pässwörd-pässwörd', 'UTF8') AS utf8_bytes
  FROM (SELECT jwt.jwk_from_secret('pässwörd-pässwörd-pässwörd-pässwörd')->>'k' AS k) x;
SELECT jwt.jwk_from_secret(decode(E'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEy\nMzQ1Njc4OWFiY2RlZg==', 'base64'), 'HS512')
     = jwt.jwk_from_secret('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'HS512') AS base64_secret;
-- a kid is JSON-escaped
SELECT jwt.jwk_from_secret('reallyreallyreallyreallyverysafe', 'HS256', 'a"b\c')->>'kid' AS kid;
-- refused: too short for the algorithm, not an HMAC algorithm, a key that is no secret, bad kids
SELECT c.name, t.outcome(c.stmt) AS outcome
  FROM (VALUES
    ('31 bytes for HS256', $$SELECT jwt.jwk_from_secret(repeat('x', 31))$$),
    ('47 bytes for HS384', $$SELECT jwt.jwk_from_secret(repeat('x', 47), 'HS384')$$),
    ('63 bytes for HS512', $$SELECT jwt.jwk_from_secret(repeat('x', 63)::bytea, 'HS512')$$),
    ('31 bytes, no alg', $$SELECT jwt.jwk_from_secret(repeat('x', 31), NULL)$$),
    ('empty', $$SELECT jwt.jwk_from_secret('')$$),
    ('RS256', $$SELECT jwt.jwk_from_secret(repeat('x', 32), 'RS256')$$),
    ('A256GCM', $$SELECT jwt.jwk_from_secret(repeat('x', 32), 'A256GCM')$$),
    ('hs256', $$SELECT jwt.jwk_from_secret(repeat('x', 32), 'hs256')$$),
    ('a JWK as text', $$SELECT jwt.jwk_from_secret('{"kty":"oct","k":"eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg"}')$$),
    ('a PEM as text', $$SELECT jwt.jwk_from_secret(E'-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n')$$),
    ('a JWK as bytea', $$SELECT jwt.jwk_from_secret(convert_to('{"kty":"oct","k":"eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg"}', 'UTF8'))$$),
    ('an empty kid', $$SELECT jwt.jwk_from_secret(repeat('x', 32), 'HS256', '')$$),
    ('a kid of 257 bytes', $$SELECT jwt.jwk_from_secret(repeat('x', 32), 'HS256', repeat('k', 257))$$)
  ) c(name, stmt);
SELECT jwt.jwk_from_secret(NULL::text) IS NULL AS null_secret;
-- the secret never shows in an error
SELECT t.outcome($$SELECT jwt.jwk_from_secret('a-very-private-but-short', 'HS256')$$) LIKE '%very-private%' AS secret_in_message;
-- the JWK goes into the keyring as it is, and verifies tokens MACed with the secret's bytes
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('cf-long', '{verify}', 'HS512', jwt.jwk_from_secret(decode(substr(repeat('00ff7e3c5a', 100), 1, 200), 'hex'), 'HS512'));
SELECT jwt.authenticate(t.forge('{"alg":"HS512","kid":"cf-long"}', '{"sub":"long-secret"}',
                                decode(substr(repeat('00ff7e3c5a', 100), 1, 200), 'hex'), 'sha512'))->>'sub' AS authenticated;
DELETE FROM jwt.keyring WHERE kid = 'cf-long';

-- 2. token_ext.role_claim takes PostgREST's jwt-role-claim-key paths
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('cf', '{verify}', 'HS256', jwt.jwk_from_secret('coming-from-test-secret-32-bytes', 'HS256'));
CREATE FUNCTION pg_temp.role_at(path text) RETURNS text LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM set_config('token_ext.role_claim', path, true);
  PERFORM jwt.authenticate(t.forge('{"alg":"HS256"}',
    '{"role":"top","app_metadata":{"role":"nested"},"https://example.com/role":"namespaced",'
    '"roles":["first","second"],"a.b":"dotted","quote\"d":"quoted","n":{"x":[{"r":"deep"}]},"num":5}',
    convert_to('coming-from-test-secret-32-bytes', 'UTF8')));
  RETURN coalesce(jwt.role(), '(none)');
END $$;
SELECT path, pg_temp.role_at(path) AS role
  FROM unnest(ARRAY['.role', 'role', '$.role', '.app_metadata.role', '$.app_metadata.role', 'app_metadata.role',
                    '."https://example.com/role"', '$."https://example.com/role"', '.roles[0]', '.roles[1]',
                    '$.roles[1]', '.roles[2]', '."a.b"', '.a.b', '."quote\"d"', '.n.x[0].r', '.num', '.roles',
                    '.roles[?(@ == "first")]', '.roles[-1]', '.roles[x]', '."unterminated', '', '.', '$', '.role.x',
                    '[0]', '.role[0]', '..role']) WITH ORDINALITY u(path, i)
 ORDER BY i;

-- 3. the settings table: jwt-aud is stricter (a token without aud is refused);
--    the clock skew is 30 s by default; a JWK and a JWKS as keyring rows
BEGIN;
SET LOCAL token_ext.audience = 'api';
SELECT c.name, t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''',
         t.forge('{"alg":"HS256"}', c.claims, convert_to('coming-from-test-secret-32-bytes', 'UTF8')))) AS outcome
  FROM (VALUES ('aud api', '{"sub":"a","aud":"api"}'), ('aud in a list', '{"sub":"b","aud":["x","api"]}'),
               ('no aud', '{"sub":"c"}'), ('other aud', '{"sub":"d","aud":"web"}')) c(name, claims);
ROLLBACK;
SHOW token_ext.leeway;
SELECT c.name, regexp_replace(t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''',
         t.forge('{"alg":"HS256"}', format('{"sub":"%s","exp":%s}', c.name, floor(extract(epoch FROM now())) + c.offset_s),
                 convert_to('coming-from-test-secret-32-bytes', 'UTF8')))), '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', '<time>') AS outcome
  FROM (VALUES ('expired 20 s ago', -20), ('expired 40 s ago', -40)) c(name, offset_s);
SELECT jwt.generate_key('ES256') AS es1, jwt.generate_key('ES256') AS es2 \gset
SELECT jwt.jwks(ARRAY[jsonb_set(:'es1'::jsonb, '{kid}', '"idp-1"'), jsonb_set(:'es2'::jsonb, '{kid}', '"idp-2"')]) AS jwks \gset
INSERT INTO jwt.keyring (kid, purposes, key) SELECT k->>'kid', '{verify}', k FROM jsonb_array_elements(:'jwks'::jsonb->'keys') k;
SELECT kid, key->>'kty' AS kty, key ? 'd' AS private FROM jwt.keyring WHERE kid LIKE 'idp-%' ORDER BY kid;
SELECT jwt.authenticate(jwt.sign('{"sub":"from-the-jwks"}', jsonb_set(:'es2'::jsonb, '{kid}', '"idp-2"')))->>'sub' AS authenticated;
DELETE FROM jwt.keyring WHERE kid LIKE 'idp-%' OR kid = 'cf';

--
-- 4. From PostgREST (README: postgrest.conf and the SQL block)
--
CREATE ROLE authenticator LOGIN NOINHERIT;
CREATE ROLE anon NOLOGIN;
CREATE ROLE web_user NOLOGIN;
CREATE ROLE admin_user NOLOGIN;
GRANT anon, web_user TO authenticator;
\! sed -n '/<!-- config: postgrest -->/,/^```$/p' README.md | sed '1,2d;$d' > results/coming_from_postgrest.sql
\i results/coming_from_postgrest.sql
-- postgrest.conf says the same: its secret, audience and role claim key, and a pre-request that exists
\set conf_secret `sed -n '/<!-- config: postgrest.conf -->/,/^$/s/^jwt-secret = "\(.*\)"$/\1/p' README.md`
\set conf_aud `sed -n '/<!-- config: postgrest.conf -->/,/^$/s/^jwt-aud = "\(.*\)"$/\1/p' README.md`
\set conf_role_key `sed -n '/<!-- config: postgrest.conf -->/,/^$/s/^jwt-role-claim-key = "\(.*\)"$/\1/p' README.md`
\set conf_pre_request `sed -n '/<!-- config: postgrest.conf -->/,/^$/s/^db-pre-request = "\(.*\)"$/\1/p' README.md`
SELECT (SELECT key->>'k' FROM jwt.keyring WHERE kid = 'postgrest') = jwt.jwk_from_secret(:'conf_secret')->>'k' AS same_secret,
       (SELECT setconfig FROM pg_db_role_setting WHERE setrole = 'authenticator'::regrole AND setdatabase = 0)
         @> ARRAY['token_ext.audience=' || :'conf_aud', 'token_ext.role_claim=' || :'conf_role_key'] AS same_settings,
       :'conf_pre_request'::regproc AS pre_request;
GRANT USAGE ON SCHEMA t TO authenticator, web_user;
CREATE TABLE public.coming_from_tok (name text, tok text);
INSERT INTO public.coming_from_tok
SELECT name, t.forge(header, payload, convert_to('reallyreallyreallyreallyverysafe', 'UTF8'), hash)
  FROM (VALUES
    ('a web user', '{"alg":"HS256"}', '{"sub":"u1","aud":"api","app_metadata":{"role":"web_user"},"exp":4102444800}', 'sha256'),
    ('role at the top level only', '{"alg":"HS256"}', '{"sub":"u2","aud":"api","role":"web_user"}', 'sha256'),
    ('no aud', '{"alg":"HS256"}', '{"sub":"u3","app_metadata":{"role":"web_user"}}', 'sha256'),
    ('a role not granted to authenticator', '{"alg":"HS256"}', '{"sub":"u4","aud":"api","app_metadata":{"role":"admin_user"}}', 'sha256'),
    ('HS384', '{"alg":"HS384"}', '{"sub":"u5","aud":"api","app_metadata":{"role":"web_user"}}', 'sha384')
  ) v(name, header, payload, hash);
INSERT INTO public.coming_from_tok
SELECT 'exp ' || s || ' s ago', t.forge('{"alg":"HS256"}',
         format('{"sub":"u6","aud":"api","app_metadata":{"role":"web_user"},"exp":%s}', floor(extract(epoch FROM now())) - s),
         convert_to('reallyreallyreallyreallyverysafe', 'UTF8'))
  FROM unnest(ARRAY[20, 40]) s;
GRANT SELECT ON public.coming_from_tok TO authenticator;
\c - authenticator
SELECT name, regexp_replace(t.postgrest_request(NULL, NULL, tok, true,
                                               'SELECT format(''current_user=%s sub=%s'', current_user, jwt.sub())'),
                            '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', '<time>') AS outcome
  FROM public.coming_from_tok ORDER BY name;
\c - :su
ALTER ROLE authenticator RESET ALL;
DELETE FROM jwt.keyring WHERE kid = 'postgrest';
DROP TABLE public.coming_from_tok;
REVOKE USAGE ON SCHEMA t FROM authenticator, web_user;
DROP ROLE authenticator, anon, web_user, admin_user;

--
-- 5. From pgjwt (README: the SQL block, and the reference's example)
--
-- an application's functions written against pgjwt (PostgREST's login() signs
-- with sign(row_to_json(..)); check_function_bodies off, as pg_dump restores them)
SET check_function_bodies = off;
CREATE FUNCTION public.coming_from_login(role text) RETURNS text LANGUAGE sql
AS $$ SELECT sign(row_to_json(r), current_setting('app.jwt_secret'))
        FROM (SELECT role AS role, 4102444800 AS exp) r $$;
CREATE FUNCTION public.coming_from_whoami(token text) RETURNS text LANGUAGE plpgsql
AS $$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM verify(token, current_setting('app.jwt_secret'));
  RETURN CASE WHEN v.valid THEN v.payload->>'role' ELSE 'invalid' END;
END $$;
RESET check_function_bodies;
\! sed -n '/<!-- config: pgjwt -->/,/^```$/p' README.md | sed '1,2d;$d' > results/coming_from_pgjwt.sql
\i results/coming_from_pgjwt.sql
SELECT extname, extnamespace::regnamespace AS schema FROM pg_extension WHERE extname = 'token_ext_pgjwt';
SET app.jwt_secret = 'reallyreallyreallyreallyverysafe';
SELECT public.coming_from_login('web_user') AS token \gset
SELECT :'token' = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' || rtrim(translate(encode(convert_to('{"role":"web_user","exp":4102444800}', 'UTF8'), 'base64'), '+/', '-_'), '=')
                  || '.' || rtrim(translate(encode(hmac('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' || rtrim(translate(encode(convert_to('{"role":"web_user","exp":4102444800}', 'UTF8'), 'base64'), '+/', '-_'), '='),
                                                    'reallyreallyreallyreallyverysafe', 'sha256'), 'base64'), '+/', '-_'), '=') AS pgjwt_token,
       public.coming_from_whoami(:'token') AS whoami,
       public.coming_from_whoami(:'token' || 'x') AS tampered;
RESET app.jwt_secret;
-- the README's example of the reference, as written
SELECT sign('{"sub":"1234567890","name":"John Doe","admin":true}', 'secret') AS token \gset
SELECT * FROM verify(:'token', 'secret');
DROP FUNCTION public.coming_from_login(text), public.coming_from_whoami(text);
DROP EXTENSION token_ext_pgjwt;

--
-- 6. From Supabase (README: the two SQL blocks, then the restore)
--
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated TO authenticator;
GRANT USAGE ON SCHEMA t TO authenticated, authenticator;
CREATE SCHEMA auth;
-- Supabase Auth's four functions: sql/fixtures/supabase.sql
\ir sql/fixtures/supabase.sql
GRANT USAGE ON SCHEMA auth TO anon, authenticated;
CREATE TABLE public.coming_from_todos (id int, owner uuid, task text);
ALTER TABLE public.coming_from_todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Own todos" ON public.coming_from_todos FOR SELECT TO authenticated USING (auth.uid() = owner);
INSERT INTO public.coming_from_todos VALUES (1, 'a11ce000-0000-4000-8000-000000000001', 'alice''s'),
                                            (2, 'b0b00000-0000-4000-8000-000000000002', 'bob''s');
GRANT SELECT ON public.coming_from_todos TO authenticated;
CREATE TABLE public.coming_from_req (pos int, name text, claims text, token text);
INSERT INTO public.coming_from_req VALUES
  (1, 'alice, with her token', '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated"}',
   t.forge('{"alg":"HS256","typ":"JWT"}', '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","aud":"authenticated","exp":4102444800}',
           convert_to('super-secret-jwt-token-with-at-least-32-characters-long', 'UTF8'))),
  (2, 'forged claims of bob, no token', '{"sub":"b0b00000-0000-4000-8000-000000000002","role":"authenticated"}', NULL);
GRANT SELECT ON public.coming_from_req TO authenticator;
CREATE TABLE public.coming_from_result (step text, pos int, pre_request boolean, outcome text);
GRANT INSERT ON public.coming_from_result TO authenticator;
\c - authenticator
INSERT INTO public.coming_from_result SELECT 'before', pos, false, t.postgrest_request('authenticated', claims, token, false, 'SELECT string_agg(task, '','' ORDER BY id) FROM public.coming_from_todos') FROM public.coming_from_req;
\c - :su
\! sed -n '/<!-- config: supabase -->/,/^```$/p' README.md | sed '1,2d;$d' > results/coming_from_supabase.sql
\i results/coming_from_supabase.sql
\c - authenticator
INSERT INTO public.coming_from_result SELECT 'step 1', pos, false, t.postgrest_request('authenticated', claims, token, false, 'SELECT string_agg(task, '','' ORDER BY id) FROM public.coming_from_todos') FROM public.coming_from_req;
INSERT INTO public.coming_from_result SELECT 'step 1', pos, true, t.postgrest_request('authenticated', claims, token, true, 'SELECT string_agg(task, '','' ORDER BY id) FROM public.coming_from_todos') FROM public.coming_from_req;
\c - :su
\! sed -n '/<!-- config: supabase-verified -->/,/^```$/p' README.md | sed '1,2d;$d' > results/coming_from_supabase_verified.sql
\i results/coming_from_supabase_verified.sql
\c - authenticator
INSERT INTO public.coming_from_result SELECT 'step 2', pos, true, t.postgrest_request('authenticated', claims, token, true, 'SELECT string_agg(task, '','' ORDER BY id) FROM public.coming_from_todos') FROM public.coming_from_req;
\c - :su
SELECT * FROM jwt.supabase_restore();
\c - authenticator
INSERT INTO public.coming_from_result SELECT 'restored', pos, false, t.postgrest_request('authenticated', claims, token, false, 'SELECT string_agg(task, '','' ORDER BY id) FROM public.coming_from_todos') FROM public.coming_from_req;
\c - :su
SELECT r.step, q.name, r.pre_request, r.outcome
  FROM public.coming_from_result r JOIN public.coming_from_req q USING (pos)
 ORDER BY array_position(ARRAY['before', 'step 1', 'step 2', 'restored'], r.step), r.pre_request, r.pos;
DELETE FROM jwt.keyring WHERE kid = 'supabase';
DROP TABLE public.coming_from_todos, public.coming_from_req, public.coming_from_result;
SET client_min_messages = warning;
DROP SCHEMA auth CASCADE;
RESET client_min_messages;
REVOKE USAGE ON SCHEMA t FROM authenticated, authenticator;
DROP ROLE anon, authenticated, authenticator;
