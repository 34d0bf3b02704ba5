#!/usr/bin/env bash
# pgTAP suites (test/pgtap/*.sql) run by pg_prove in a scratch database.
set -uo pipefail
cd "$(dirname "$0")"
export TOKEN_EXT_SHARED=${TOKEN_EXT_SHARED:-$(cd ../../.. && pwd)/shared}
psql -qX -d postgres -c 'DROP DATABASE IF EXISTS token_ext_tap' -c 'CREATE DATABASE token_ext_tap' >/dev/null
psql -qX -d token_ext_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION token_ext' -c 'CREATE EXTENSION pgcrypto' >/dev/null
out=$(pg_prove -d token_ext_tap --verbose *.sql 2>&1)
echo "$out"
passed=$(echo "$out" | grep -cE '^ok [0-9]+' || true)
failed=$(echo "$out" | grep -cE '^not ok [0-9]+' || true)
skipped=$(echo "$out" | grep -cE '^ok [0-9]+ .*# ?skip' || true)
echo "$out" | grep -qE '^Result: PASS' || [ "$failed" -gt 0 ] || failed=$((failed + 1))
echo "RESULT $((passed - skipped)) $failed $skipped"
