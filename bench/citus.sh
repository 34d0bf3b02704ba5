#!/usr/bin/env bash
# Citus benchmark of token_ext (not a test): on a three-node Citus 13.2.2
# cluster that this script starts and stops (scripts/citus.sh; folder
# .pgrun/bench-citus, coordinator port BENCH_CITUS_PORT, default 54351, the
# workers the next two), pgbench as a non-superuser on the coordinator with
# 1,000 users, comparing PostgREST-shaped transactions
#   BEGIN; SELECT jwt.authenticate(<the user's token>); one router read of
#   one of the user's rows by key, under owner = jwt.uid(); COMMIT
# for HS256 and for ES256 tokens, against the baseline
#   BEGIN; SET LOCAL request.jwt.claims = '<the user's claims>'; the same
#   router read under owner = (current_setting('request.jwt.claims',
#   true)::jsonb ->> 'sub')::uuid; COMMIT
# where Citus carries the SET LOCAL to the worker (citus.propagate_set_commands
# = 'local', set for every transaction type).  token_ext forwards the
# verified claims to the worker itself, sealed under the cluster secret
# (jwt.citus_setup(); README: Scale-out on Citus).  Prints the TPS of each
# and the ratio to the baseline (target: at least 0.90x).  Before timing,
# one transaction of each type must read exactly one row.
#
#   bench/citus.sh [--no-build]
#
# --no-build   use the token_ext already installed (default: build+install)
# Environment: BENCH_CITUS_USERS (1000), BENCH_CITUS_ROWS_PER_USER (10),
# BENCH_CITUS_CLIENTS (4), BENCH_CITUS_SECONDS (10), BENCH_CITUS_ROUNDS (2
# pgbench runs per transaction type, in alternating order, best reported),
# BENCH_CITUS_PORT (54351), TOKEN_EXT_PG_ROOT.
set -uo pipefail
export TOKEN_EXT_CITUS_NAME=bench-citus TOKEN_EXT_CITUS_PORT=${BENCH_CITUS_PORT:-54351}
source "$(dirname "$0")/../scripts/citus.sh"
cd "$TOP"

BUILD=1
for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
USERS=${BENCH_CITUS_USERS:-1000}
PER_USER=${BENCH_CITUS_ROWS_PER_USER:-10}
CLIENTS=${BENCH_CITUS_CLIENTS:-4}
SECS=${BENCH_CITUS_SECONDS:-10}
ROUNDS=${BENCH_CITUS_ROUNDS:-2}
DB=token_ext_bench_citus
ROLE=bench_citus_user
PGBENCH=$PG_BIN/pgbench
T0=$(date +%s)

citus_available >&2 || exit 1
if [ "$BUILD" = 1 ]; then
  ensure_packages "${DEB_PACKAGES[@]}"
  build_and_install || { echo "build failed" >&2; exit 1; }
fi
citus_ensure_installed || exit 1

WORK=$(mktemp -d)
chmod 755 "$WORK"
cleanup() { citus_stop; rm -rf "$WORK"; }
trap cleanup EXIT
say "starting a coordinator and two workers"
citus_start "$DB" || exit 1

su_sql() { psql -X -q -v ON_ERROR_STOP=1 -d 'service=coord user=postgres' "$@"; }
# every session of the role: SET LOCAL is propagated, no JIT
export PGOPTIONS="-c citus.propagate_set_commands=local -c jit=off"

say "preparing $((USERS * PER_USER)) rows owned by $USERS users, and their HS256 and ES256 tokens"
su_sql -v users="$USERS" -v per_user="$PER_USER" >/dev/null <<'SQL' || exit 1
SET client_min_messages = warning;
CREATE ROLE bench_citus_user LOGIN;
CREATE TABLE bench_user AS SELECT i, md5('bench-citus-' || i)::uuid AS uid FROM generate_series(1, :users) i;
ALTER TABLE bench_user ADD PRIMARY KEY (i);
-- two identical tables, one per policy: row i * per_user + r belongs to user i
CREATE TABLE items_token (id bigint PRIMARY KEY, owner uuid NOT NULL, payload integer, title text);
CREATE TABLE items_claims (LIKE items_token INCLUDING ALL);
SELECT create_distributed_table('items_token', 'id');
SELECT create_distributed_table('items_claims', 'id', colocate_with => 'items_token');
INSERT INTO items_token SELECT u.i * :per_user + r, u.uid, r, 'item ' || r
  FROM bench_user u, generate_series(0, :per_user - 1) r;
INSERT INTO items_claims SELECT * FROM items_token;
ALTER TABLE items_token ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_token_owner ON items_token USING (owner = jwt.uid());
ALTER TABLE items_claims ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_claims_owner ON items_claims
  USING (owner = (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')::uuid);
GRANT SELECT ON items_token, items_claims TO bench_citus_user;
-- the cluster secret that seals the forwarded claims, on every node
SELECT node, kind, secret FROM jwt.citus_setup();
-- the server's keys, on the coordinator
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('bench-hs256', '{sign,verify}', 'HS256', jwt.generate_key('HS256')),
       ('bench-es256', '{sign,verify}', 'ES256', jwt.generate_key('ES256'));
-- per user: the tokens, the claims they carry, and the key of one of its rows
CREATE TABLE bench_token AS
SELECT u.i, c.claims::text AS claims, u.i * :per_user + (u.i % :per_user) AS id,
       jwt.sign(c.claims, kid => 'bench-hs256') AS hs, jwt.sign(c.claims, kid => 'bench-es256') AS es
  FROM bench_user u,
       LATERAL (SELECT jsonb_build_object('sub', u.uid, 'role', 'authenticated', 'aud', 'authenticated',
                  'email', 'user' || u.i || '@example.com', 'iat', floor(extract(epoch FROM now()))::bigint,
                  'exp', floor(extract(epoch FROM now()))::bigint + 86400) AS claims) c;
ALTER TABLE bench_token ADD PRIMARY KEY (i);
GRANT SELECT ON bench_token TO bench_citus_user;
ANALYZE;
SQL

# the three transaction types (pgbench -M simple: the SET LOCAL text carries the claims)
for kind in hs es; do
  cat >"$WORK/token_$kind.sql" <<PGBENCH
\\set u random(1, $USERS)
SELECT $kind AS tok, id FROM bench_token WHERE i = :u \\gset
BEGIN;
SELECT jwt.authenticate(':tok') IS NOT NULL AS ok \\gset
SELECT id, payload, title FROM items_token WHERE id = :id;
COMMIT;
PGBENCH
done
cat >"$WORK/claims.sql" <<PGBENCH
\\set u random(1, $USERS)
SELECT claims, id FROM bench_token WHERE i = :u \\gset
BEGIN;
SET LOCAL request.jwt.claims = ':claims';
SELECT id, payload, title FROM items_claims WHERE id = :id;
COMMIT;
PGBENCH

# rows_read <type>: the rows user 1's transaction of that type reads
rows_read() {
  local tx
  case $1 in
    token_hs|token_es)
      tx="SELECT ${1#token_} AS tok, id FROM bench_token WHERE i = 1 \\gset
BEGIN;
SELECT jwt.authenticate(:'tok') IS NOT NULL AS ok \\gset
SELECT count(*) FROM items_token WHERE id = :id;
COMMIT;" ;;
    claims)
      tx="SELECT claims, id FROM bench_token WHERE i = 1 \\gset
BEGIN;
SELECT format('SET LOCAL request.jwt.claims = %L', claims) FROM bench_token WHERE i = 1 \\gexec
SELECT count(*) FROM items_claims WHERE id = :id;
COMMIT;" ;;
  esac
  psql -X -q -At -v ON_ERROR_STOP=1 -d "service=coord user=$ROLE" <<<"$tx"
}

say "checking one transaction of each type (user 1)"
for t in claims token_hs token_es; do
  n=$(rows_read "$t") || { echo "the $t transaction failed" >&2; exit 1; }
  echo "   $t reads $n row(s)"
  if [ "$n" != 1 ]; then
    echo "the $t transaction must read exactly 1 row" >&2
    exit 1
  fi
done

# run_pgbench <type>: prints the TPS (excluding connection time)
run_pgbench() {
  "$PGBENCH" -n -d "service=coord user=$ROLE" -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" -M simple \
    -f "$WORK/$1.sql" >"$WORK/pgbench.out" 2>&1 || { cat "$WORK/pgbench.out" >&2; return 1; }
  grep -qE '^number of failed transactions: 0 ' "$WORK/pgbench.out" \
    || { cat "$WORK/pgbench.out" >&2; echo "pgbench reported failed transactions" >&2; return 1; }
  sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$WORK/pgbench.out"
}

say "pgbench: $CLIENTS clients, ${SECS} s each, -M simple, as $ROLE, $ROUNDS round(s) per type"
declare -A best=([claims]=0 [token_hs]=0 [token_es]=0)
for round in $(seq 1 "$ROUNDS"); do
  order="claims token_hs token_es"
  [ $((round % 2)) = 0 ] && order="token_es token_hs claims"
  for t in $order; do
    tps=$(run_pgbench "$t") || exit 1
    echo "   round $round: $t $tps tps"
    best[$t]=$(awk -v a="${best[$t]}" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
  done
done

awk -v c="${best[claims]}" -v h="${best[token_hs]}" -v e="${best[token_es]}" '
  function verdict(r) { return (r >= 0.9 ? "met" : "MISSED") " (>= 0.90x)" }
  BEGIN {
    printf "\n%-78s %9s %8s\n", "transaction (BEGIN; auth; router read by key; COMMIT), best of rounds", "tps", "vs base"
    printf "%-78s %9.0f %8s\n", "baseline: SET LOCAL request.jwt.claims (propagated) + current_setting policy", c, "1.00x"
    printf "%-78s %9.0f %7.2fx  %s\n", "token_ext: jwt.authenticate(HS256 token) + owner = jwt.uid()", h, h / c,
           verdict(h / c)
    printf "%-78s %9.0f %7.2fx  %s\n", "token_ext: jwt.authenticate(ES256 token) + owner = jwt.uid()", e, e / c,
           verdict(e / c)
  }'

say "context"
su_sql -At <<SQL
SELECT format('PostgreSQL %s, Citus %s, token_ext %s; 3 nodes on one machine; %s users, %s rows; load average %s; run took %s s',
  current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'citus'),
  (SELECT extversion FROM pg_extension WHERE extname = 'token_ext'), $USERS, $((USERS * PER_USER)),
  split_part(pg_read_file('/proc/loadavg'), ' ', 1) || ' ' || split_part(pg_read_file('/proc/loadavg'), ' ', 2),
  $(date +%s) - $T0);
SQL
cat <<'NOTE'
pgbench TPS without connection time; every transaction first looks its token (or claims) and
row key up in bench_token (a coordinator table) by user number, before its BEGIN (the same
extra statement in every type).
The token transactions verify the token on the coordinator, which forwards the claims sealed
(HMAC-SHA256) in a SET LOCAL that Citus replays on the worker; the worker checks the seal once.
The machine is shared: figures move between runs.
NOTE
