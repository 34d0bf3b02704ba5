#!/usr/bin/env bash
# Builds and installs token_ext, starts a throwaway local PostgreSQL 15 (Unix
# socket only, data in .pgrun/demo, ignored by git), creates a database with
# token_ext and shows it working.  Installs what it needs.  Safe to re-run.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$TOP"

PORT=${TOKEN_EXT_DEMO_PORT:-54329}
CLUSTER=$(cluster_dir "$TOP/.pgrun/demo")

ensure_packages "${DEB_PACKAGES[@]}"
build_and_install

# The library is preloaded, so that its settings exist in every session from
# its start (SHOW and pg_settings list them, and a value set before the first
# token_ext call is checked at once).  A preloaded library is read when the
# server starts: restart it so that it runs the code just built.
say "starting PostgreSQL $PG_MAJOR in $CLUSTER, with token_ext preloaded"
cluster_stop "$CLUSTER"
CLUSTER_EXTRA_CONF="shared_preload_libraries = 'token_ext'" cluster_start "$CLUSTER" "$PORT"
if ! psql -qAtX -d postgres -c "SHOW shared_preload_libraries" | grep -qw token_ext; then
  # a cluster made by an earlier version of this script
  psql -qX -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'token_ext'"
  cluster_stop "$CLUSTER"
  cluster_start "$CLUSTER" "$PORT"
fi
psql -qX -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'token_ext_demo'" | grep -q 1 \
  || psql -qX -d postgres -c "CREATE DATABASE token_ext_demo"
# reinstall the extension so the demo always runs the code just built
psql -qX -d token_ext_demo -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS app CASCADE" \
  -c "DROP EXTENSION IF EXISTS token_ext CASCADE" -c "CREATE EXTENSION token_ext" \
  -c "CREATE EXTENSION IF NOT EXISTS pgcrypto"

say "token_ext at work"
psql -X -d token_ext_demo -v ON_ERROR_STOP=0 <<'SQL'
\pset footer off
\echo '-- preloaded: the settings exist from the first statement of every session'
SELECT name, setting, unit FROM pg_settings WHERE name LIKE 'token_ext.%' AND name <> 'token_ext.claims' ORDER BY name LIMIT 6;

\echo '-- a secret of at least 32 bytes for HS256 (in real use: from a keyring, never from query text)'
SELECT 'demo-secret-0123456789-abcdefghij' AS secret \gset

\echo '-- sign a token with six claims'
SELECT jwt.sign(jsonb_build_object(
         'sub', '6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10', 'name', 'Ada', 'role', 'app_user',
         'aud', 'api', 'iat', extract(epoch FROM now())::bigint,
         'exp', extract(epoch FROM now() + interval '1 hour')::bigint),
       :'secret') AS token \gset
\echo :token

\echo '-- verify it: the claims come back as jsonb'
SELECT jwt.verify(:'token', :'secret', audience => 'api');

\echo '-- decode it WITHOUT verifying (inspection only)'
SELECT header, payload FROM jwt.decode(:'token');

\echo '-- a tampered token (one signature character changed) is refused'
SELECT jwt.verify(left(:'token', -1) || CASE right(:'token', 1) WHEN 'A' THEN 'B' ELSE 'A' END, :'secret');

\echo '-- an expired token is refused'
SELECT jwt.verify(jwt.sign('{"sub":"ada","exp":1700000000}', :'secret'), :'secret');

\echo '-- try_verify reports instead of raising'
SELECT valid, error FROM jwt.try_verify(jwt.sign('{"sub":"ada","exp":1700000000}', :'secret'), :'secret');

\echo '-- asymmetric keys: generate an Ed25519 JWK, sign with it, verify with its public JWKS'
SELECT jwt.generate_key('EdDSA') AS jwk \gset
SELECT jwt.verify(jwt.sign('{"sub":"svc"}', :'jwk'::jsonb), jwt.jwks(ARRAY[jwt.public_jwk(:'jwk')]));

\echo '-- the header never chooses the algorithm: a forged HS256 token, MACed with the'
\echo '-- verifier''s own RSA public key (classic algorithm confusion), is refused'
SELECT jwt.pem_from_jwk(jwt.public_jwk(jwt.generate_key('RS256'))) AS pub \gset
SELECT 'eyJhbGciOiJIUzI1NiJ9.' || translate(encode(convert_to('{"sub":"mallory"}', 'UTF8'), 'base64'), '+/=', '-_') AS si \gset
SELECT :'si' || '.' || translate(encode(hmac(:'si', :'pub', 'sha256'), 'base64'), '+/=', '-_') AS forged \gset
SELECT jwt.verify(:'forged', :'pub');
SQL

say "row-level security on verified claims"
psql -X -d token_ext_demo -v ON_ERROR_STOP=0 <<'SQL'
\pset footer off
\echo '-- preloaded: the settings exist from the first statement of every session'
SELECT name, setting, unit FROM pg_settings WHERE name LIKE 'token_ext.%' AND name <> 'token_ext.claims' ORDER BY name LIMIT 6;

SET client_min_messages = warning;
\echo '-- a server-held signing key: callers never see it'
INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('demo-2026', '{sign,verify}', jwt.generate_key('ES256'));
SELECT kid, purposes, key->>'kty' AS kty, key->>'crv' AS crv FROM jwt.keyring;

\echo '-- a small multi-user schema: notes visible only to their owner (policy on jwt.uid())'
CREATE SCHEMA app;
CREATE TABLE app.users (id uuid PRIMARY KEY, email text UNIQUE NOT NULL, password_hash text NOT NULL);
CREATE TABLE app.notes (id serial PRIMARY KEY, owner uuid NOT NULL DEFAULT jwt.uid() REFERENCES app.users,
                        body text NOT NULL);
ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON app.notes USING (owner = jwt.uid()) WITH CHECK (owner = jwt.uid());
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') THEN CREATE ROLE app_user NOLOGIN; END IF;
END $$;
GRANT USAGE ON SCHEMA app TO app_user;
GRANT SELECT, INSERT ON app.notes TO app_user;
GRANT USAGE ON SEQUENCE app.notes_id_seq TO app_user;

\echo '-- login(): checks a password, then signs a token with the keyring key (SECURITY DEFINER)'
CREATE FUNCTION app.login(email text, password text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
  uid uuid;
BEGIN
  SELECT u.id INTO uid FROM app.users u
   WHERE u.email = login.email AND u.password_hash = public.crypt(login.password, u.password_hash);
  IF uid IS NULL THEN
    RAISE EXCEPTION 'invalid email or password' USING ERRCODE = 'invalid_password';
  END IF;
  RETURN jwt.sign(jsonb_build_object('sub', uid, 'role', 'app_user',
                                     'iat', floor(extract(epoch FROM now())),
                                     'exp', floor(extract(epoch FROM now() + interval '1 hour'))),
                  kid => 'demo-2026');
END
$f$;
GRANT EXECUTE ON FUNCTION app.login(text, text) TO app_user;
INSERT INTO app.users VALUES
  ('6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10', 'ada@example.com', public.crypt('ada-secret', public.gen_salt('bf'))),
  ('0d6b8a2e-7c1d-4b1e-8f55-2f4f4c9b7e21', 'bob@example.com', public.crypt('bob-secret', public.gen_salt('bf')));
INSERT INTO app.notes (owner, body) VALUES
  ('6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10', 'Ada: buy milk'),
  ('6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10', 'Ada: call Charles'),
  ('0d6b8a2e-7c1d-4b1e-8f55-2f4f4c9b7e21', 'Bob: fix the bike');

SET ROLE app_user;
\echo '-- Ada logs in, authenticates with her token, and sees only her notes'
BEGIN;
SELECT jwt.authenticate(app.login('ada@example.com', 'ada-secret'))->>'sub' AS authenticated_as;
SELECT id, body FROM app.notes ORDER BY id;
COMMIT;
\echo '-- Bob: only his'
BEGIN;
SELECT jwt.authenticate(app.login('bob@example.com', 'bob-secret'))->>'sub' AS authenticated_as;
SELECT id, body FROM app.notes ORDER BY id;
INSERT INTO app.notes (body) VALUES ('Bob: written through the policy') RETURNING owner;
COMMIT;
\echo '-- the claims were transaction-local: the next transaction sees nothing'
SELECT jwt.uid() AS uid, count(*) AS notes_visible FROM app.notes;
\echo '-- a non-superuser cannot forge the claims'
SET token_ext.claims = '{"sub":"6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10"}';
\echo '-- a token forged with another key is refused'
SELECT jwt.authenticate(jwt.sign('{"sub":"6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10","exp":2000000000}',
                                 jwt.generate_key('ES256') || '{"kid":"demo-2026"}'));
RESET ROLE;
\echo '-- an expired token (signed with the real key) is refused'
SELECT jwt.sign('{"sub":"6f1f6a54-4a4e-4a36-9a55-1c2b5f0f7a10","exp":1700000000}', kid => 'demo-2026') AS old \gset
SET ROLE app_user;
SELECT jwt.authenticate(:'old');
RESET ROLE;
SQL

cat <<TXT

== token_ext is installed and the demo server is running.
   connect:  psql -h $CLUSTER -p $PORT -U postgres token_ext_demo
   stop:     $( [ "$(id -u)" = 0 ] && echo "(cd / && runuser -u postgres -- $PG_BIN/pg_ctl -D $CLUSTER/data stop)" \
                || echo "$PG_BIN/pg_ctl -D $CLUSTER/data stop" )
TXT
