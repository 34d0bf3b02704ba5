#!/usr/bin/env bash
# Every sql block of README.md runs as written, in order, against a fresh
# database of the server test.sh started (readme_blocks.py), and every
# sqlite block in the sqlite3 shell with token_ext_sqlite loaded
# (sqlite_blocks.py; built here with make sqlite).  See the scripts for the
# conventions.  Ends with "RESULT passed failed skipped", the sum of both.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

passed=0 failed=0 skipped=0
add() {
  local line
  line=$(grep -E '^RESULT [0-9]+ [0-9]+ [0-9]+$' "$1" | tail -n 1)
  if [ -z "$line" ]; then
    echo "not ok - $2 stopped before its result"; failed=$((failed + 1)); return
  fi
  set -- $line
  passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + $4))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$PY" test/readme/readme_blocks.py README.md | tee "$out"
add "$out" readme_blocks.py
if make -s sqlite >"$out" 2>&1; then
  "$PY" test/readme/sqlite_blocks.py README.md | tee "$out"
  add "$out" sqlite_blocks.py
else
  sed 's/^/# /' "$out"
  echo "not ok - make sqlite (the README's sqlite blocks need token_ext_sqlite.so)"
  failed=$((failed + 1))
fi
echo "RESULT $passed $failed $skipped"
[ "$failed" -eq 0 ]
