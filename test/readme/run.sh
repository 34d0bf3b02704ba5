#!/usr/bin/env bash
# Every sql block of README.md runs as written, in order, against a fresh
# database of the server test.sh started (see readme_blocks.py for the
# conventions).  Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
exec "$PY" test/readme/readme_blocks.py README.md
