#!/usr/bin/env bash
# Fuzzes with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer,
# for a bounded time each, from corpora of valid tokens the harnesses make:
#  1. the JOSE core's parsers (tokens, JWK/JWKS, PEM): fuzz_core.c, for
#     FUZZ_SECONDS (default 45);
#  2. the SQLite glue, its functions called through SQL on an in-memory
#     database (libsqlite3): fuzz_sqlite.c, for FUZZ_SQLITE_SECONDS (default 30).
# Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")"
CC=$(command -v clang-14 || command -v clang || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0 n=0

if [ -z "$CC" ] || ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' \
     | "$CC" -x c -fsanitize=fuzzer - -o "$work/probe" >/dev/null 2>&1; then
  echo "ok 1 - fuzz the core parsers # SKIP clang with libFuzzer is not available"
  echo "ok 2 - fuzz the SQLite glue # SKIP clang with libFuzzer is not available"
  echo "RESULT 0 0 2"
  exit 0
fi

# fuzz <name> <what> <seconds> <corpus setup> <sources and libraries...>
fuzz() {
  local name=$1 what=$2 seconds=$3 setup=$4 rc
  shift 4
  n=$((n + 1))
  if ! "$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
       -fno-omit-frame-pointer -D_GNU_SOURCE -o "$work/$name" "$@" 2>"$work/$name.build.log"; then
    cat "$work/$name.build.log"
    echo "not ok $n - $what (build failed)"
    failed=$((failed + 1)); return
  fi
  mkdir -p "$work/$name.corpus"
  $setup "$work/$name.corpus"
  FUZZ_SEED_DIR="$work/$name.corpus" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$work/$name" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 "$work/$name.corpus" >"$work/$name.log" 2>&1
  rc=$?
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$work/$name.log"
  if [ $rc -eq 0 ]; then
    echo "ok $n - $what for ${seconds}s: no crash, no sanitizer report, nothing forged"
    passed=$((passed + 1))
  else
    tail -n 60 "$work/$name.log"
    echo "not ok $n - $what (see the report above)"
    failed=$((failed + 1))
  fi
}

# Key-shaped seeds: a JWK, a JWKS, a PEM.
key_seeds() {
  printf '{"kty":"oct","k":"AAAA"}' > "$1/jwk"
  printf '{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}' > "$1/jwks"
  printf -- '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n' > "$1/pem"
}

# Also option-shaped and claims-shaped seeds for the SQLite glue.
sqlite_seeds() {
  key_seeds "$1"
  printf '{"audience":"a","issuer":"b","leeway":30,"alg":["HS256"],"required":["sub"],"typ":"JWT","at":1}' > "$1/options"
  printf '{"sub":"a","exp":4000000000,"aud":["x"]}' > "$1/claims"
}

fuzz fuzz_core "fuzz the core parsers" "${FUZZ_SECONDS:-45}" key_seeds \
  fuzz_core.c ../core/ref_readers.c ../../src/core/*.c -lcrypto -lm
if [ -f /usr/include/sqlite3.h ]; then
  fuzz fuzz_sqlite "fuzz the SQLite glue through SQL" "${FUZZ_SQLITE_SECONDS:-30}" sqlite_seeds \
    -DSQLITE_CORE fuzz_sqlite.c ../../src/sqlite/*.c ../../src/core/*.c -lsqlite3 -lcrypto -lm -lpthread
else
  n=$((n + 1)); skipped=$((skipped + 1))
  echo "ok $n - fuzz the SQLite glue # SKIP libsqlite3-dev is not installed"
fi
echo "RESULT $passed $failed $skipped"
