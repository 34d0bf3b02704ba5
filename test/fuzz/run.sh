#!/usr/bin/env bash
# Fuzzes the JOSE core's parsers (tokens, JWK/JWKS, PEM) with libFuzzer under
# AddressSanitizer and UndefinedBehaviorSanitizer for a bounded time
# (FUZZ_SECONDS, default 45), from a corpus of valid tokens the harness makes.
# Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")"
CC=$(command -v clang-14 || command -v clang || true)
SECONDS_TO_RUN=${FUZZ_SECONDS:-45}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$CC" ] || ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' \
     | "$CC" -x c -fsanitize=fuzzer - -o "$work/probe" >/dev/null 2>&1; then
  echo "ok 1 - fuzz the core parsers # SKIP clang with libFuzzer is not available"
  echo "RESULT 0 0 1"
  exit 0
fi

if ! "$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -fno-omit-frame-pointer -D_GNU_SOURCE -o "$work/fuzz_core" fuzz_core.c ../core/ref_readers.c ../../src/core/*.c \
     -lcrypto -lm 2>"$work/build.log"; then
  cat "$work/build.log"
  echo "not ok 1 - fuzz the core parsers (build failed)"
  echo "RESULT 0 1 0"
  exit 0
fi

mkdir -p "$work/corpus"
printf '{"kty":"oct","k":"AAAA"}' > "$work/corpus/jwk"
printf '{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}' > "$work/corpus/jwks"
printf -- '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n' > "$work/corpus/pem"
FUZZ_SEED_DIR="$work/corpus" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$work/fuzz_core" -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 \
  -max_len=4096 -print_final_stats=1 "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$work/fuzz.log"
if [ $rc -eq 0 ]; then
  echo "ok 1 - fuzz the core parsers for ${SECONDS_TO_RUN}s: no crash, no sanitizer report, nothing forged"
  echo "RESULT 1 0 0"
else
  tail -n 60 "$work/fuzz.log"
  echo "not ok 1 - fuzz the core parsers (see the report above)"
  echo "RESULT 0 1 0"
fi
