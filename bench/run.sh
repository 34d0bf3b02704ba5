#!/usr/bin/env bash
# Benchmark of token_ext (not a test): HS256 jwt.sign and jwt.verify rates
# next to pgcrypto's C hmac() over inputs of the same size, and a
# pgjwt-style SQL implementation, all in one run against one server that
# this script starts (cluster .pgrun/bench, port 54343) and stops.
#
#   bench/run.sh [--no-build]
#
# --no-build   use the token_ext already installed (default: build+install)
# Environment: BENCH_ROWS (default 100000 tokens), BENCH_REPS (default 5
# runs per measurement, best reported), BENCH_PGJWT_REPS (default 3),
# BENCH_PORT (default 54343).
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$TOP"

BUILD=1
for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
ROWS=${BENCH_ROWS:-100000}
REPS=${BENCH_REPS:-5}
PGJWT_REPS=${BENCH_PGJWT_REPS:-3}
PORT=${BENCH_PORT:-54343}
CLUSTER=$(cluster_dir "$TOP/.pgrun/bench")
DB=token_ext_bench

if [ "$BUILD" = 1 ]; then
  ensure_packages "${DEB_PACKAGES[@]}"
  build_and_install || { echo "build failed" >&2; exit 1; }
fi

cleanup() { cluster_stop "$CLUSTER"; }
trap cleanup EXIT
cluster_start "$CLUSTER" "$PORT" || exit 1
[ "$(id -u)" = 0 ] && chmod 777 "$CLUSTER"

psql_b() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

say "preparing $ROWS tokens"
psql_b -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null || exit 1
psql_b -d "$DB" -v rows="$ROWS" -f bench/setup.sql >/dev/null || exit 1

say "measuring (best of $REPS runs, pgjwt-style best of $PGJWT_REPS; one backend, no parallel workers)"
# One session: serial plans only, so every rate is one core's.
psql_b -d "$DB" -v reps="$REPS" -v pgjwt_reps="$PGJWT_REPS" -v rows="$ROWS" <<'SQL' || exit 1
SET max_parallel_workers_per_gather = 0;
SET jit = off;
-- warm the tables into shared buffers and the key cache
SELECT count(*) FROM bench_claims \gset warm_
SELECT count(jwt.verify(token, bench_secret())) FROM bench_token \gset warm_

SELECT bench_run(1, 'table scan only: count(token)',
  'SELECT count(token) FROM bench_token', :reps) \gset x_
SELECT bench_run(2, 'pgcrypto hmac(signing_input, key, ''sha256'')',
  'SELECT count(hmac(signing_input, bench_secret(), ''sha256'')) FROM bench_token', :reps) \gset x_
SELECT bench_run(3, 'jwt.verify(token, key)  HS256',
  'SELECT count(jwt.verify(token, bench_secret())) FROM bench_token', :reps) \gset x_
SELECT bench_run(4, 'jwt.verify(token, key, audience => ...)',
  'SELECT count(jwt.verify(token, bench_secret(), audience => ''bench-api'')) FROM bench_token', :reps) \gset x_
SELECT bench_run(5, 'jwt.sign(claims, key)  HS256',
  'SELECT count(jwt.sign(claims, bench_secret())) FROM bench_claims', :reps) \gset x_
SELECT bench_run(6, 'pgjwt-style verify (SQL + pgcrypto)',
  'SELECT count(*) FROM bench_token, pgjwt_like.verify(token, bench_secret()) v WHERE v.valid',
  :pgjwt_reps) \gset x_
SELECT bench_run(7, 'pgjwt-style sign (SQL + pgcrypto)',
  'SELECT count(pgjwt_like.sign(claims_json, bench_secret())) FROM bench_claims', :pgjwt_reps) \gset x_
SQL

# Every measured query must have counted every row (a verify that failed
# would have raised; pgjwt's verify counts only valid tokens).
bad=$(psql_b -At -d "$DB" -c "SELECT string_agg(label, ', ') FROM bench_result WHERE checked <> $ROWS")
[ -n "$bad" ] && { echo "these measurements did not count $ROWS rows: $bad" >&2; exit 1; }

say "results"
psql_b -At -d "$DB" -v rows="$ROWS" <<'SQL'
SELECT format('PostgreSQL %s, %s; %s rows; tokens %s-%s chars (signing input ~%s)',
              current_setting('server_version'),
              (SELECT extversion FROM pg_extension WHERE extname = 'token_ext') || ' token_ext',
              :rows, min(length(token)), max(length(token)), round(avg(length(signing_input))))
FROM bench_token;
SELECT format('host: %s cores, load average %s (shared machine: rates vary from run to run)',
              (SELECT count(*) FROM regexp_matches(pg_read_file('/proc/cpuinfo'), '^processor', 'gn')),
              split_part(pg_read_file('/proc/loadavg'), ' ', 1) || ' ' ||
              split_part(pg_read_file('/proc/loadavg'), ' ', 2));
SQL
psql_b -d "$DB" -P footer=off -v rows="$ROWS" <<'SQL'
WITH r AS (
  SELECT pos, label, runs_ms,
         (SELECT min(x) FROM unnest(runs_ms) x) AS best_ms,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(runs_ms) x) AS median_ms
  FROM bench_result
), h AS (SELECT best_ms AS hmac_ms FROM r WHERE pos = 2)
SELECT r.label AS "operation (one core)",
       to_char(r.best_ms, 'FM99990.0') AS "best ms",
       to_char(r.median_ms, 'FM99990.0') AS "median ms",
       to_char(:rows / (r.best_ms / 1000), 'FM9,999,999') AS "ops/s",
       to_char(r.best_ms * 1000 / :rows, 'FM990.00') AS "us/op",
       CASE WHEN r.pos = 1 THEN '' ELSE to_char(h.hmac_ms / r.best_ms, 'FM990.00') || 'x' END AS "vs hmac()",
       CASE r.pos WHEN 3 THEN CASE WHEN h.hmac_ms / r.best_ms >= 0.5 THEN 'met (>= 0.50x)' ELSE 'MISSED (>= 0.50x)' END
                  WHEN 5 THEN CASE WHEN h.hmac_ms / r.best_ms >= 0.6 THEN 'met (>= 0.60x)' ELSE 'MISSED (>= 0.60x)' END
                  ELSE '' END AS "target"
FROM r, h ORDER BY r.pos;
SQL
cat <<'NOTE'
ops/s = rows / best wall time of "SELECT count(f(...)) FROM <table>", timed inside the
server with clock_timestamp(); every time includes scanning the table (first row alone).
"vs hmac()" = the rate / the rate of pgcrypto's hmac() over the same signing inputs.
This machine is shared: other work runs alongside, so rates move between runs.
NOTE
