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
say "starting PostgreSQL $PG_MAJOR in $CLUSTER"
cluster_start "$CLUSTER" "$PORT"
psql -qX -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'token_ext_demo'" | grep -q 1 \
  || psql -qX -d postgres -c "CREATE DATABASE token_ext_demo"
# reinstall the extension so the demo always runs the code just built
psql -qX -d token_ext_demo -c "SET client_min_messages = warning" \
  -c "DROP EXTENSION IF EXISTS token_ext CASCADE" -c "CREATE EXTENSION token_ext" \
  -c "CREATE EXTENSION IF NOT EXISTS pgcrypto"

say "token_ext at work"
psql -X -d token_ext_demo -v ON_ERROR_STOP=0 <<'SQL'
\pset footer off
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

cat <<TXT

== token_ext is installed and the demo server is running.
   connect:  psql -h $CLUSTER -p $PORT -U postgres token_ext_demo
   stop:     $( [ "$(id -u)" = 0 ] && echo "runuser -u postgres -- " )$PG_BIN/pg_ctl -D $CLUSTER/data stop
TXT
