#!/usr/bin/env bash
# Interop and vector suite of token_ext: tokens made by the independent npm
# "jose" implementation verify in token_ext and the other way round (HS*,
# RS*, PS*, ES*, EdDSA; every key form: secrets, PEM, certificates, JWK,
# JWKS; Node's crypto stands in where jose lacks an algorithm), the key tools
# agree with jose, failures fail alike, raw payloads match byte for byte, and
# the RFC 7520 cookbook vectors (read from ../shared, or $TOKEN_EXT_SHARED)
# reproduce.  Needs PGHOST/PGPORT/PGUSER of a server where
# CREATE EXTENSION token_ext works; creates its own scratch database.
# The last line is "RESULT <passed> <failed> <skipped>".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE"
export TOKEN_EXT_SHARED=${TOKEN_EXT_SHARED:-$(cd ../../.. && pwd)/shared}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "not ok 1 - node and npm are needed for the interop suite"
  echo "RESULT 0 1 0"; exit 1
fi
# The suite runs on Node 18 (Debian 12's) and on Node 20 and later;
# lib/node_compat.mjs holds what differs.
echo "# node $(node --version), npm $(npm --version)"
if ! ./install.sh; then
  echo "not ok 1 - npm install of jose and pg"
  echo "RESULT 0 1 0"; exit 1
fi

# The suite prints its own RESULT line; if node dies first, count that as a
# failure after the tests it did report.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 120 node main.mjs 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
if ! tail -n 1 "$out" | grep -qE '^RESULT [0-9]+ [0-9]+ [0-9]+$'; then
  passed=$(grep -E '^ok [0-9]+' "$out" | grep -vc '# SKIP' || true)
  failed=$(grep -cE '^not ok [0-9]+' "$out" || true)
  skipped=$(grep -E '^ok [0-9]+' "$out" | grep -c '# SKIP' || true)
  echo "not ok - the interop suite stopped early (node exit status $status)"
  echo "RESULT $passed $((failed + 1)) $skipped"
  exit 1
fi
exit "$status"
