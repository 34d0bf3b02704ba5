#!/usr/bin/env bash
# Benchmark of token_ext_sqlite (not a test), in one run: HS256 and ES256
# verification of the same 100,000 distinct tokens each by
#  1. token_ext_sqlite (SQL through Debian's /usr/bin/python3 sqlite3 module),
#  2. PyJWT (Debian python3-jwt), the library a Python SQLite app would use,
#  3. the PostgreSQL extension, on a server this script starts (cluster
#     .pgrun/bench-sqlite, socket port BENCH_PORT) and stops;
# and prints rates and ratios (targets: SQLite >= 10x PyJWT for HS256, and at
# least as fast as PostgreSQL).  See bench/sqlite_bench.py for what is timed.
#
#   bench/sqlite.sh [--no-build]
#
# --no-build   use the builds already there (default: make sqlite, and build
#              and install the PostgreSQL extension)
# Environment: BENCH_SQLITE_ROWS (default 100000 HS256 tokens),
# BENCH_SQLITE_ES_ROWS (default: the same number of ES256 tokens),
# BENCH_SQLITE_REPS (default 3 rounds, best reported), BENCH_SQLITE_PYJWT_REPS
# (default 2), BENCH_PORT (default 54344), TOKEN_EXT_PG_ROOT (see scripts/lib.sh).
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$TOP"

BUILD=1
for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
PORT=${BENCH_PORT:-54344}
CLUSTER=$(cluster_dir "$TOP/.pgrun/bench-sqlite")

if [ "$BUILD" = 1 ]; then
  ensure_packages "${DEB_PACKAGES[@]}"
  build_and_install || { echo "build failed" >&2; exit 1; }
  make -s sqlite || { echo "make sqlite failed" >&2; exit 1; }
fi
[ -f token_ext_sqlite.so ] || { echo "token_ext_sqlite.so is missing: run make sqlite" >&2; exit 1; }

cleanup() { cluster_stop "$CLUSTER"; }
trap cleanup EXIT
cluster_start "$CLUSTER" "$PORT" || exit 1
[ "$(id -u)" = 0 ] && chmod 777 "$CLUSTER"

say "SQLite, PyJWT and PostgreSQL verifying the same tokens"
/usr/bin/python3 bench/sqlite_bench.py
