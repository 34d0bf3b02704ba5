#!/usr/bin/env bash
# Runs every test of token_ext against a throwaway PostgreSQL 15 it starts and
# stops itself: C unit tests of the core, pg_regress, pgTAP (pg_prove), interop
# with the npm "jose" package, real key file shapes, the README's examples, the
# key-set refresher against a local HTTP server, the stress tests, the read
# replica tests (on a primary and a hot standby of their own), the SQLite
# extension's suites (sqlite3 shell and Python, cross-checked with the
# PostgreSQL extension), the Citus scale-out tests (on a three-node Citus
# cluster of their own, built from ../shared/citus), and a bounded libFuzzer
# run of the core's parsers and of the SQLite glue.  Installs what it needs.
# The last line is "N passed, N failed".
set -uo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$TOP"

PORT=${TOKEN_EXT_TEST_PORT:-54331}
CLUSTER=$(cluster_dir "$TOP/.pgrun/test")
PASSED=0 FAILED=0 SKIPPED=0
RESULTS=()

# Add a suite's counts: name passed failed [skipped]
record() {
  PASSED=$((PASSED + $2)); FAILED=$((FAILED + $3)); SKIPPED=$((SKIPPED + ${4:-0}))
  RESULTS+=("$(printf '%-12s %4d passed, %d failed, %d skipped' "$1" "$2" "$3" "${4:-0}")")
}

# Run a suite script that ends with "RESULT passed failed skipped".
run_suite() {
  local name=$1; shift
  local log="$CLUSTER/$name.log" line
  say "$name"
  "$@" 2>&1 | tee "$log"
  line=$(grep -E '^RESULT [0-9]+ [0-9]+ [0-9]+$' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: the suite did not report a result"; record "$name" 0 1
  else
    set -- $line; record "$name" "$2" "$3" "$4"
  fi
}

cleanup() { cluster_stop "$CLUSTER"; }
trap cleanup EXIT

ensure_packages "${DEB_PACKAGES[@]}"
ensure_node
if ! build_and_install; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# a fresh cluster each run
cluster_stop "$CLUSTER"; rm -rf "$CLUSTER"
cluster_start "$CLUSTER" "$PORT" || { echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] && chmod 777 "$CLUSTER"

run_suite meta test/meta/run.sh
run_suite core test/core/run.sh
run_suite regress test/regress.sh
run_suite pgtap test/pgtap/run.sh
run_suite interop test/interop/run.sh
run_suite refresh test/refresh/run.sh
run_suite keyshapes test/keyshapes/run.sh
run_suite readme test/readme/run.sh
run_suite stress test/stress/run.sh
run_suite replica test/replica/run.sh
run_suite sqlite test/sqlite/run.sh
run_suite citus test/citus/run.sh
run_suite fuzz test/fuzz/run.sh

say "summary"
printf '%s\n' "${RESULTS[@]}"
[ "$SKIPPED" -gt 0 ] && echo "($SKIPPED skipped: see the suite logs for why)"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
