#!/usr/bin/env bash
# The Citus suite: jwt.authenticate on the coordinator of a three-node Citus
# 13.2.2 cluster must give the same rows as on one node, under policies on
# jwt.uid(), jwt.claims() and jwt.role(); claims must never leak between
# requests nor be forgeable on a worker; keys and policy settings must hold
# on every node.  See test/citus/NOTES.md.
#
# Builds Citus into the PostgreSQL tree in use when it is not installed
# there (scripts/citus.sh), starts its own cluster (ports TOKEN_EXT_CITUS_PORT
# to +2, default 54341), loads setup.sql, and runs each test file in order:
# a *.sql file in psql as the non-superuser citus_app on the coordinator
# (files \connect to the others themselves, by the services coord, worker1
# and worker2 of PGSERVICEFILE: \connect 'service=worker1 user=postgres'),
# a *.sh file under bash.  Each
# file declares "-- tests: N" (or "# tests: N") and prints "ok - ..." /
# "not ok - ..." lines; a missing line counts as a failure.  The full
# output of each file is kept in .pgrun/citus/<file>.out.  token_ext must
# already be installed in the tree (test.sh does that).
# When ../shared/citus is absent: one SKIP line and "RESULT 0 0 1".
# Ends with "RESULT passed failed skipped".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/citus.sh"
cd "$HERE"

DB=token_ext_citus
FILES=(citus_limits.sql rows.sql writes.sql no_claims.sql postgrest.sql forge.sql
  forward.sh interleave.sh keys.sql settings.sql)
PASSED=0 FAILED=0

if ! reason=$(citus_available); then
  echo "SKIP citus: $reason"
  echo "RESULT 0 0 1"
  exit 0
fi

fail_setup() {
  echo "not ok - $1"
  echo "RESULT 0 1 0"
  exit 1
}

citus_ensure_installed || fail_setup "Citus $CITUS_VERSION builds and installs"
trap citus_stop EXIT
T0=$SECONDS
citus_start "$DB" || fail_setup "a three-node Citus cluster starts"
citus_psql 0 "$DB" -f setup.sql >"$CITUS_DIR/setup.out" 2>&1 \
  || { cat "$CITUS_DIR/setup.out"; fail_setup "the fixtures load (setup.sql)"; }
echo "# cluster and fixtures ready in $((SECONDS - T0)) s"

# what the files need: the nodes (PGSERVICEFILE, and libpq strings), pgbench
export DB CITUS_COORD CITUS_WORKER1 CITUS_WORKER2 PGSERVICEFILE
export PGBENCH=$PG_BIN/pgbench
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

for file in "${FILES[@]}"; do
  printf '\n# %s\n' "$file"
  start=$SECONDS
  out=$CITUS_DIR/${file%.*}.out
  planned=$(sed -nE 's/^(--|#) tests: ([0-9]+)$/\2/p' "$file" | head -n 1)
  if [ "${file##*.}" = sh ]; then
    bash "$file" >"$out" 2>&1
  else
    psql -X -q -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=terse -d 'service=coord user=citus_app' \
      -f "$file" >"$out" 2>&1
  fi
  rc=$?
  grep -E '^(ok|not ok) - |^# ' "$out"
  passed=$(grep -cE '^ok - ' "$out")
  failed=$(grep -cE '^not ok - ' "$out")
  if [ -z "$planned" ] || [ $((passed + failed)) -ne "$planned" ]; then
    echo "not ok - $file printed $((passed + failed)) results, not ${planned:-a declared number} (see $out)"
    failed=$((failed + 1))
  fi
  if [ "$rc" -ne 0 ]; then
    echo "not ok - $file ran to its end (it exited with $rc; see $out)"
    failed=$((failed + 1))
  fi
  echo "# $file: $passed passed, $failed failed in $((SECONDS - start)) s"
  PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed))
done

echo "RESULT $PASSED $FAILED 0"
[ "$FAILED" -eq 0 ]
