#!/usr/bin/env bash
# The SQLite suites of token_ext: builds token_ext_sqlite.so (make sqlite),
# then runs
#  - the sqlite3-shell suite (shell_suite.py: test/sqlite/sql/*.sql against
#    test/sqlite/expected/*.out, one assertion per statement), and
#  - the Python suite (test_sqlite.py, through Debian's /usr/bin/python3 and
#    its sqlite3 module): PyJWT, npm jose (installed by test/interop/install.sh),
#    the PostgreSQL extension at PGHOST/PGPORT/PGUSER (SKIP without one) and
#    the RFC 7520 vectors of ../shared (SKIP when absent), and
#  - interrupt.sh: sqlite3_interrupt() inside a call, on a newer SQLite than
#    Debian's (SKIP when npm cannot fetch it).
# The last line is "RESULT <passed> <failed> <skipped>", the sum of both.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
cd "$TOP"

if ! make -s sqlite >"$HERE/build.log" 2>&1; then
  sed 's/^/# /' "$HERE/build.log"
  echo "not ok 1 - make sqlite"
  echo "RESULT 0 1 0"; exit 1
fi
rm -f "$HERE/build.log"
"$TOP/test/interop/install.sh" || echo "# npm jose is missing: its tests will fail"

passed=0 failed=0 skipped=0
for suite in "$HERE/shell_suite.py" "$HERE/test_sqlite.py" "$HERE/interrupt.sh"; do
  out=$(mktemp)
  case $suite in
    *.py) timeout 1200 "$PY" "$suite" 2>&1 | tee "$out" ;;
    *) timeout 1200 "$suite" 2>&1 | tee "$out" ;;
  esac
  line=$(grep -E '^RESULT [0-9]+ [0-9]+ [0-9]+$' "$out" | tail -n 1)
  rm -f "$out"
  if [ -z "$line" ]; then
    echo "not ok - $(basename "$suite") stopped before its result"
    failed=$((failed + 1))
    continue
  fi
  set -- $line
  passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + $4))
done
echo "RESULT $passed $failed $skipped"
[ "$failed" -eq 0 ]
