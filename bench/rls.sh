#!/usr/bin/env bash
# Row-level security benchmark of token_ext (not a test), in one run against
# one server that this script starts (cluster .pgrun/bench-rls, port 54350)
# and stops:
#  1. the cost of a policy per row: SELECT count(*) over a table of 1,000,000
#     rows (owners among 1,000 users, no index on owner, so the policy runs
#     on every row) as a non-superuser role, under the policies
#       owner = jwt.uid()                     (claims from jwt.authenticate)
#       owner = (SELECT jwt.uid())            (evaluated once, an InitPlan)
#       owner = (current_setting('request.jwt.claims', true)::jsonb->>'sub')::uuid
#                                             (Supabase's usual policy)
#       owner = (SELECT <the same>)
#     next to the same count with RLS off and WHERE owner = '<literal uuid>';
#     best of 5 runs x 2 rounds each, timed in the server with clock_timestamp(), no
#     parallel workers, no JIT; ratios to the literal.
#  2. pgbench (4 clients, 15 s, -M prepared, as the non-superuser role, each
#     transaction type twice, alternating, best reported), with
#     an index on owner: PostgREST-shaped transactions (BEGIN; jwt.authenticate
#     of an HS256 token of one of the 1,000 users; one RLS-filtered select
#     under owner = jwt.uid(); COMMIT) vs the same transaction with only
#     set_config('request.jwt.claims', ...) under the Supabase-style policy.
#
#   bench/rls.sh [--no-build]
#
# --no-build   use the token_ext already installed (default: build+install)
# Environment: BENCH_RLS_ROWS (1000000), BENCH_RLS_USERS (1000), BENCH_RLS_REPS
# (5 runs per query and round), BENCH_RLS_SCAN_ROUNDS (2 rounds of part 1, in
# alternating order, best reported), BENCH_RLS_CLIENTS (4), BENCH_RLS_SECONDS
# (15), BENCH_RLS_ROUNDS (2 pgbench runs per transaction type, in alternating
# order, best reported), BENCH_RLS_PORT (54350).
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$TOP"

BUILD=1
for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
ROWS=${BENCH_RLS_ROWS:-1000000}
USERS=${BENCH_RLS_USERS:-1000}
REPS=${BENCH_RLS_REPS:-5}
CLIENTS=${BENCH_RLS_CLIENTS:-4}
SECS=${BENCH_RLS_SECONDS:-15}
ROUNDS=${BENCH_RLS_ROUNDS:-2}
SCAN_ROUNDS=${BENCH_RLS_SCAN_ROUNDS:-2}
PORT=${BENCH_RLS_PORT:-54350}
PGBENCH=$PG_BIN/pgbench
CLUSTER=$(cluster_dir "$TOP/.pgrun/bench-rls")
DB=token_ext_bench_rls
ROLE=bench_rls_user
T0=$(date +%s)

if [ "$BUILD" = 1 ]; then
  ensure_packages "${DEB_PACKAGES[@]}"
  build_and_install || { echo "build failed" >&2; exit 1; }
fi

WORK=$(mktemp -d)
cleanup() { cluster_stop "$CLUSTER"; rm -rf "$WORK"; }
trap cleanup EXIT
cluster_start "$CLUSTER" "$PORT" || exit 1
[ "$(id -u)" = 0 ] && chmod 777 "$CLUSTER"
# serial plans and no JIT in every session, so the times compare
export PGOPTIONS='-c jit=off -c max_parallel_workers_per_gather=0'

su_sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }             # as postgres
user_sql() { psql -X -q -v ON_ERROR_STOP=1 -U "$ROLE" -d "$DB" "$@"; }  # as the RLS role

say "preparing $ROWS rows owned by $USERS users, and $USERS HS256 tokens"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" || exit 1
su_sql -v rows="$ROWS" -v users="$USERS" -f bench/rls/setup.sql >/dev/null || exit 1
# the rows of user 1, counted by the owner (no RLS): every measurement must find them
EXPECT=$(su_sql -At -c "SELECT count(*) FROM items WHERE owner = (SELECT uid FROM bench_user WHERE i = 1)") || exit 1
UID1=$(su_sql -At -c "SELECT uid FROM bench_user WHERE i = 1") || exit 1

SUPA="(current_setting('request.jwt.claims', true)::jsonb->>'sub')::uuid"

# set_policy <expression>|off: the policy of items, or RLS off
set_policy() {
  if [ "$1" = off ]; then
    su_sql -c "ALTER TABLE items DISABLE ROW LEVEL SECURITY" || exit 1
  else
    su_sql -c "ALTER TABLE items ENABLE ROW LEVEL SECURITY" \
           -c "ALTER POLICY items_owner ON items USING ($1)" || exit 1
  fi
}

# measure <label> <query>: as the RLS role, in one transaction that has
# authenticated user 1's token AND set request.jwt.claims to its claims
# (so every policy finds user 1); records "label|best_ms|result"
measure() {
  local out
  out=$(user_sql -At -F '|' -v q="$2" -v reps="$REPS" <<'SQL'
BEGIN;
SELECT jwt.authenticate(token) IS NOT NULL AS ok FROM bench_token WHERE i = 1 \gset
SELECT set_config('request.jwt.claims', claims, true) IS NOT NULL AS ok FROM bench_token WHERE i = 1 \gset
SELECT best_ms, result FROM bench_best(:'q', :reps);
COMMIT;
SQL
  ) || { echo "measurement failed: $1" >&2; exit 1; }
  [ "${out##*|}" = "$EXPECT" ] || { echo "$1 counted ${out##*|} rows, not $EXPECT" >&2; exit 1; }
  echo "$1|$out" >>"$WORK/scan"
}

say "1. policy cost per row: SELECT count(*) over $ROWS rows (best of $REPS, $SCAN_ROUNDS rounds, one backend)"
# warm the table into shared buffers
user_sql -c "SELECT count(*) FROM items" >/dev/null || exit 1
# the variants, in order: policy (or off) and query; rounds alternate the
# order so that drifting load on a shared machine favours none of them
VARIANTS=(
  "off|SELECT count(*) FROM items WHERE owner = '$UID1'|literal, RLS off: WHERE owner = '<uuid>'"
  "owner = jwt.uid()|SELECT count(*) FROM items|RLS owner = jwt.uid()"
  "owner = (SELECT jwt.uid())|SELECT count(*) FROM items|RLS owner = (SELECT jwt.uid())"
  "owner = $SUPA|SELECT count(*) FROM items|RLS Supabase: owner = (current_setting(...)::jsonb->>'sub')::uuid"
  "owner = (SELECT $SUPA)|SELECT count(*) FROM items|RLS Supabase wrapped: owner = (SELECT <the same>)"
)
for round in $(seq 1 "$SCAN_ROUNDS"); do
  order=$(seq 0 $((${#VARIANTS[@]} - 1)))
  [ $((round % 2)) = 0 ] && order=$(echo "$order" | tac)
  for v in $order; do
    IFS='|' read -r policy query label <<<"${VARIANTS[$v]}"
    set_policy "$policy"
    measure "$v|$label" "$query"
  done
done

sort -t'|' -k1,1n "$WORK/scan" | awk -F'|' -v rows="$ROWS" '
  { if (!($1 in t) || $3 < t[$1]) t[$1] = $3; r[$1] = $2; if ($1 + 1 > n) n = $1 + 1 }
  END {
    lit = t[0]
    printf "%-70s %9s %10s %8s  %s\n", "query (" rows " rows, policy on every row)", "best ms", "ns/row", "vs lit", "target"
    for (i = 0; i < n; i++) {
      ratio = t[i] / lit; target = ""
      if (i == 1) target = (ratio <= 1.5 ? "met" : "MISSED") " (<= 1.50x)"
      if (i == 2) target = (ratio <= 1.2 ? "met" : "MISSED") " (<= 1.20x)"
      printf "%-70s %9.1f %10.1f %7.2fx  %s\n", r[i], t[i], t[i] * 1e6 / rows, ratio, target
    }
  }'

say "2. pgbench: $CLIENTS clients, ${SECS} s, -M prepared, as $ROLE, index on owner"
su_sql -c "CREATE INDEX items_owner_idx ON items (owner)" -c "ANALYZE items" || exit 1

# check_tx <policy> <script>: the transaction sees user 1's rows, and how the select is planned
check_tx() {
  local got
  got=$(user_sql -At -F '|' <<SQL
BEGIN;
$(sed -n 's/:u\b/1/g; s/;$//; /^SELECT/p' "bench/rls/$1" | head -n 1) \\gset
SELECT count(*) FROM items;
COMMIT;
SQL
  ) || { echo "transaction of $1 failed" >&2; exit 1; }
  [ "$got" = "$EXPECT" ] || { echo "$1 saw $got rows, not $EXPECT" >&2; exit 1; }
}

# run_pgbench <script>: prints the TPS (excluding connection time)
run_pgbench() {
  PGOPTIONS="$PGOPTIONS" "$PGBENCH" -n -U "$ROLE" -d "$DB" -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" \
    -M prepared -D users="$USERS" -f "bench/rls/$1" >"$WORK/pgbench.out" 2>&1 \
    || { cat "$WORK/pgbench.out" >&2; exit 1; }
  grep -E '^number of failed transactions: 0 ' "$WORK/pgbench.out" >/dev/null \
    || { cat "$WORK/pgbench.out" >&2; echo "pgbench reported failed transactions" >&2; exit 1; }
  sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$WORK/pgbench.out"
}

best_token=0; best_claims=0
pg_token() {
  set_policy "owner = jwt.uid()"
  check_tx pgbench_token.sql
  tps=$(run_pgbench pgbench_token.sql) || exit 1
  echo "   round $round: jwt.authenticate + owner = jwt.uid(): $tps tps"
  best_token=$(awk -v a="$best_token" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
}
pg_claims() {
  set_policy "owner = $SUPA"
  check_tx pgbench_claims.sql
  tps=$(run_pgbench pgbench_claims.sql) || exit 1
  echo "   round $round: set_config(request.jwt.claims) + Supabase policy: $tps tps"
  best_claims=$(awk -v a="$best_claims" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
}
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then pg_token; pg_claims; else pg_claims; pg_token; fi
done
echo "   plan of the select (jwt.uid() policy / Supabase policy):"
set_policy "owner = jwt.uid()"
user_sql -At -c "EXPLAIN (COSTS OFF) SELECT count(*), sum(payload) FROM items" | sed 's/^/     /'
set_policy "owner = $SUPA"
user_sql -At -c "EXPLAIN (COSTS OFF) SELECT count(*), sum(payload) FROM items" | sed 's/^/     /'

awk -v a="$best_token" -v b="$best_claims" 'BEGIN {
  printf "\n%-72s %10s\n", "transaction (BEGIN; auth; RLS select of one user'\''s rows; COMMIT)", "tps"
  printf "%-72s %10.0f\n", "token_ext: jwt.authenticate(HS256 token) + policy owner = jwt.uid()", a
  printf "%-72s %10.0f\n", "baseline: set_config(request.jwt.claims) + Supabase-style policy", b
  r = a / b
  printf "%-72s %9.2fx  %s\n", "ratio token_ext / baseline", r, (r >= 0.9 ? "met" : "MISSED") " (>= 0.90x)"
}'

say "context"
su_sql -At <<SQL
SELECT format('PostgreSQL %s, token_ext %s; %s rows, %s users, %s rows per user; load average %s; run took %s s',
  current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'token_ext'),
  $ROWS, $USERS, $EXPECT, split_part(pg_read_file('/proc/loadavg'), ' ', 1) || ' ' ||
  split_part(pg_read_file('/proc/loadavg'), ' ', 2), $(date +%s) - $T0);
SQL
cat <<'NOTE'
Part 1: each time is the best of the runs of one query inside the server (clock_timestamp()
around EXECUTE), in one transaction that authenticated user 1's token and set request.jwt.claims
to its claims; serial plans, JIT off; the table is in shared buffers. "vs lit" = time / the
time of the literal query with RLS off. Every query must count user 1's rows exactly.
Part 2: pgbench TPS without connection time; both transactions look their token or claims up
in bench_token by user number. The machine is shared: figures move between runs.
NOTE
