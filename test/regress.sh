#!/usr/bin/env bash
# pg_regress suites (sql/*.sql against expected/*.out) on the running cluster.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(make -s installcheck PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" 2>&1)
echo "$out"
[ -f regression.diffs ] && head -c 20000 regression.diffs
passed=$(echo "$out" | grep -E '\.\.\. ok|^ok ' | wc -l)
failed=$(echo "$out" | grep -E '\.\.\. FAILED|^not ok ' | wc -l)
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "RESULT $passed $failed 0"
