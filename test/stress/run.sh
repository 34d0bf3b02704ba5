#!/usr/bin/env bash
# Stress tests of token_ext against the running server (PGHOST, PGPORT and
# PGUSER exported by test.sh): memory stays flat over 10^5 failing calls and
# over a key cache that keeps evicting, and no damaged token verifies or
# crashes the backend.  Each *.sql file runs in ONE psql session (one
# backend) in a scratch database, and prints "ok - ..." / "not ok - ..."
# lines (with "# SKIP" when /proc/<backend pid>/status cannot be read) and
# "# ..." information.  A suite that needs a shell (pgbench) is a *.sh
# file instead, run with the scratch database in $DB and printing the same
# lines.  The hostile load (hostile_load.sh) mixes every operation over
# valid and hostile tokens under pgbench.  Arguments name the suites to run
# (default: all), e.g. HOSTILE_SECONDS=600 test/stress/run.sh hostile_load.
# Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")"

DB=token_ext_stress
SUITES=(failing_calls_keep_memory_flat key_cache_stays_bounded mutated_tokens_never_verify
  rls_parallel_matches_serial rls_isolation_under_pgbench keyring_errors_leak_nothing hostile_load)
[ $# -gt 0 ] && SUITES=("$@")
PASSED=0 FAILED=0 SKIPPED=0

psql_db() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# (quiet: no NOTICE about a database that is not there)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

if ! psql_db -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null ||
   ! psql_db -d "$DB" -c 'CREATE EXTENSION token_ext' -f fixtures.sql >/dev/null; then
  echo "not ok - the scratch database $DB could not be set up"
  echo "RESULT 0 1 0"
  exit 1
fi

for suite in "${SUITES[@]}"; do
  printf '\n# %s\n' "$suite"
  start=$SECONDS
  if [ -f "$suite.sh" ]; then
    out=$(DB="$DB" bash "$suite.sh" 2>&1)
  else
    out=$(psql_db -A -t -d "$DB" -f "$suite.sql" 2>&1)
  fi
  rc=$?
  printf '%s\n' "$out" | grep -v '^$'
  skipped=$(printf '%s\n' "$out" | grep -cE '^ok - .* # SKIP' || true)
  passed=$(( $(printf '%s\n' "$out" | grep -cE '^ok - ' || true) - skipped ))
  failed=$(printf '%s\n' "$out" | grep -cE '^not ok - ' || true)
  # a crash, or any SQL error the file did not expect, stops the file early
  if [ "$rc" -ne 0 ]; then
    echo "not ok - $suite ran to its end (it exited with $rc)"
    failed=$((failed + 1))
  fi
  echo "# $suite: $passed passed, $failed failed, $skipped skipped in $((SECONDS - start)) s"
  PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed)) SKIPPED=$((SKIPPED + skipped))
done

psql_db -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
echo "RESULT $PASSED $FAILED $SKIPPED"
[ "$FAILED" -eq 0 ]
