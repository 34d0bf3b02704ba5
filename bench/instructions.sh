#!/usr/bin/env bash
# Instructions per verification (not a test): the same comparisons as
# bench/run.sh (HS256 jwt.verify against pgcrypto's hmac(); RS256, PS256,
# ES256, ES256K and EdDSA jwt.verify against the bare C loop of
# bench/c/asym_loop.c), counted with valgrind's callgrind instead of timed.
# Instruction counts do not depend on what else the machine runs, so two
# runs on a loaded machine still compare; they are a guide to time, not
# time (cache misses and instruction mix are not counted).
#
#   bench/instructions.sh [--no-build]
#
# --no-build   use the token_ext already installed (default: build+install)
# PostgreSQL runs in single-user mode (postgres --single) under callgrind on
# a cluster of its own (.pgrun/icount, prepared with bench/setup.sql and
# bench/asym_setup.sql on a server at port BENCH_PORT, default 54343, then
# stopped).  Each SQL figure is the difference between a run over N0 + N
# rows and one over N0 rows, divided by N: the per-row cost, with the
# server's start, the first call (loading the library, parsing the key)
# and the query's set-up cancelled out.  It includes the table scan and
# count(), as bench/run.sh's times do (the "scan only" row shows them).
# The C loop's figure is callgrind's count inside its verify loop
# (--toggle-collect), divided by the rows.
# Environment: BENCH_ICOUNT_ROWS (default 1000: N for the HS256 rows; the
# asymmetric algorithms take a fraction of it, ES256K a twentieth),
# BENCH_PORT.  About 5 minutes.
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$TOP"

BUILD=1
for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
N=${BENCH_ICOUNT_ROWS:-1000}
N0=20
PORT=${BENCH_PORT:-54343}
CLUSTER=$(cluster_dir "$TOP/.pgrun/icount")
DB=token_ext_icount

ensure_packages valgrind
if [ "$BUILD" = 1 ]; then
  ensure_packages "${DEB_PACKAGES[@]}"
  build_and_install || { echo "build failed" >&2; exit 1; }
fi
mkdir -p bench/build
cc -O2 -Wall -Wextra -o bench/build/asym_loop bench/c/asym_loop.c -lcrypto || { echo "C build failed" >&2; exit 1; }

WORK=$(mktemp -d)
cleanup() { cluster_stop "$CLUSTER"; rm -rf "$WORK"; }
trap cleanup EXIT
cluster_start "$CLUSTER" "$PORT" || exit 1
[ "$(id -u)" = 0 ] && chmod 777 "$CLUSTER"
psql_b() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

say "preparing tokens"
ROWS=$((N0 + N))
psql_b -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null || exit 1
psql_b -d "$DB" -v rows="$ROWS" -f bench/setup.sql >/dev/null || exit 1
psql_b -d "$DB" -v asym_rows="$ROWS" -v jwe_rows=10 -f bench/asym_setup.sql >/dev/null || exit 1
ALGS="RS256 PS256 ES256 ES256K EdDSA"
for alg in $ALGS; do
  l=${alg,,}
  psql_b -At -d "$DB" -c "SELECT pub FROM asym_key WHERE alg = '$alg'" >"$WORK/$l.jwk" &&
  psql_b -At -d "$DB" -c "SELECT jwt.pem_from_jwk(pub) FROM asym_key WHERE alg = '$alg'" >"$WORK/$l.pub.pem" &&
  psql_b -At -d "$DB" -c "SELECT jwt.pem_from_jwk(jwk) FROM asym_key WHERE alg = '$alg'" >"$WORK/$l.priv.pem" &&
  psql_b -d "$DB" -c "\\copy (SELECT signing_input, encode(d.signature, 'hex') FROM asym_token_$l, jwt.decode(token) d ORDER BY id) TO '$WORK/$l.inputs'" ||
    exit 1
done
cluster_stop "$CLUSTER"

# Instructions of one single-user session running the SQL on stdin.
single_user() {
  as_server_user valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$PG_BIN/postgres" --single -D "$CLUSTER/data" -j "$DB" 2>&1 >/dev/null |
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

# The session: serial plans, a warm-up (library, key cache), then the query over `rows` rows.
session_sql() {
  local expr=$1 table=$2 rows=$3
  printf 'SET max_parallel_workers_per_gather = 0;\n\nSET jit = off;\n\n'
  printf 'SELECT count(%s) FROM (SELECT * FROM %s LIMIT 10) s;\n\n' "$expr" "$table"
  printf 'SELECT count(%s) FROM (SELECT * FROM %s LIMIT %s) s;\n' "$expr" "$table" "$rows"
}

# Instructions per row of "SELECT count(<expr>) FROM <table>", over n rows.
per_row() {
  local expr=$1 table=$2 n=$3 a b
  a=$(session_sql "$expr" "$table" "$N0" | single_user)
  b=$(session_sql "$expr" "$table" "$((N0 + n))" | single_user)
  [ -n "$a" ] && [ -n "$b" ] || { echo "callgrind gave no count for $expr" >&2; exit 1; }
  echo $(( (b - a) / n ))
}

# Instructions per verification of the C loop's form (verify_init or verify_cached), over n rows.
c_loop() {
  local alg=$1 form=$2 n=$3 l=${1,,} total
  head -n "$n" "$WORK/$l.inputs" >"$WORK/$l.some"
  total=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="$form" \
            bench/build/asym_loop "$alg" "$WORK/$l.pub.pem" "$WORK/$l.priv.pem" "$WORK/$l.some" 1 1 2>&1 >/dev/null |
          sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p')
  [ -n "$total" ] || { echo "callgrind gave no count for the $alg C loop" >&2; exit 1; }
  echo $(( total / n ))
}

row() { printf '%-32s %12s   %-34s %12s   %s\n' "$@"; }
ratio() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.2fx", b / t }'; }
commas() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

say "counting (callgrind; N = $N rows for HS256)"
scan=$(per_row "token" bench_token "$N") || exit 1
hmac=$(per_row "hmac(signing_input, bench_secret(), 'sha256')" bench_token "$N") || exit 1
hs=$(per_row "jwt.verify(token, bench_secret())" bench_token "$N") || exit 1
echo
row "operation (instructions per row)" "token_ext" "baseline" "baseline" "baseline / token_ext"
row "table scan + count() only" "$(commas "$scan")" "" "" ""
row "HS256 jwt.verify" "$(commas "$hs")" "pgcrypto hmac()" "$(commas "$hmac")" "$(ratio "$hmac" "$hs")"
for alg in $ALGS; do
  l=${alg,,}
  case $alg in ES256K) n=$((N / 20)) ;; ES256|EdDSA) n=$((N / 5)) ;; *) n=$((N / 2)) ;; esac
  [ "$n" -lt 10 ] && n=10
  t=$(per_row "jwt.verify(token, '$(cat "$WORK/$l.jwk")'::jsonb)" "asym_token_$l" "$n") || exit 1
  cached=$(c_loop "$alg" verify_cached "$n") || exit 1
  init=$(c_loop "$alg" verify_init "$n") || exit 1
  row "$alg jwt.verify" "$(commas "$t")" "C loop, cached context" "$(commas "$cached")" "$(ratio "$cached" "$t")"
  row "" "" "C loop, init per call" "$(commas "$init")" "$(ratio "$init" "$t")"
done
cat <<NOTE

token_ext: per-row instructions of "SELECT count(jwt.verify(token, key)) FROM <table>" in one
single-user backend (difference of two runs, $N0 and $N0 + N rows), table scan and count()
included; baseline: the same for hmac() over the signing input, or the C loop's verify loop
(bench/c/asym_loop.c) per token.  "baseline / token_ext" reads like bench/run.sh's ratios
(above 1: token_ext runs fewer instructions), but counts instructions, not time.
NOTE
