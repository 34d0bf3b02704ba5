#!/usr/bin/env bash
# Cancelling inside a call needs sqlite3_is_interrupted (SQLite 3.41+), and
# Debian 12's SQLite is 3.40.  This test takes a newer SQLite's amalgamation
# from the npm package better-sqlite3 (the pinned tarball, by `npm pack`:
# nothing is installed, no install script runs), builds token_ext_sqlite
# against its headers and interrupt_test.c against its library, and runs
# it.  SKIP when npm or the package cannot be had.  The tarball is kept in
# test/sqlite/.cache.  Ends with "RESULT passed failed skipped".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PACKAGE=better-sqlite3@12.11.1
CACHE=$HERE/.cache
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

skip() { echo "ok 1 - cancelling inside a call (SQLite 3.41+) # SKIP $1"; echo "RESULT 0 0 1"; exit 0; }

mkdir -p "$CACHE"
tarball=$(ls "$CACHE"/better-sqlite3-*.tgz 2>/dev/null | head -n 1)
if [ -z "$tarball" ]; then
  command -v npm >/dev/null || skip "npm is not installed"
  (cd "$CACHE" && timeout 300 npm pack --silent "$PACKAGE" >/dev/null 2>&1) || skip "npm pack $PACKAGE failed"
  tarball=$(ls "$CACHE"/better-sqlite3-*.tgz 2>/dev/null | head -n 1)
  [ -n "$tarball" ] || skip "npm pack $PACKAGE gave no tarball"
fi
tar -xzf "$tarball" -C "$work" package/deps/sqlite3 || skip "the tarball holds no SQLite amalgamation"
amalg=$work/package/deps/sqlite3
echo "# $(grep -m1 '#define SQLITE_VERSION ' "$amalg/sqlite3.h")"

# the extension, with the flags of `make sqlite`, against the newer headers
flags="-std=c11 -D_GNU_SOURCE -O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror
  -Wno-unused-parameter -Wno-missing-field-initializers -I$amalg"
mkdir -p "$work/obj"
for f in "$TOP"/src/core/*.c "$TOP"/src/sqlite/*.c; do
  o="$work/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o"
  $CC $flags -c -o "$o" "$f" 2>"$work/build.log" || { sed 's/^/# /' "$work/build.log"
    echo "not ok 1 - token_ext_sqlite builds against SQLite 3.41+ headers"; echo "RESULT 0 1 0"; exit 1; }
done
$CC -shared -o "$work/token_ext_sqlite.so" "$work"/obj/*.o -lcrypto -lm -lpthread &&
  $CC -O0 -w -I"$amalg" -o "$work/interrupt_test" "$HERE/interrupt_test.c" "$amalg/sqlite3.c" \
    -lpthread -ldl -lm 2>"$work/build.log" ||
  { sed 's/^/# /' "$work/build.log"; echo "not ok 1 - the interrupt test builds"; echo "RESULT 0 1 0"; exit 1; }
timeout 300 "$work/interrupt_test" "$work/token_ext_sqlite.so"
