#!/usr/bin/env bash
# The read replica suite: token_ext on a hot standby.  PostgREST scales reads
# with streaming replicas, so jwt.authenticate, every claims reader and the
# functions that take their keys as arguments must work on a standby,
# read-only; a keyring change made on the primary must reach the standby's
# sessions without a reconnect, as soon as it is replayed; and nothing
# token_ext does may need a write.
#
# Starts its own primary (wal_level = replica) and a streaming standby made
# with pg_basebackup -R, on ports TOKEN_EXT_REPLICA_PORT and +1 (default
# 54351), Unix sockets only, under .pgrun/replica; loads setup.sql on the
# primary, then runs, as the non-superuser replica_app:
#   standby.sql   in ONE standby session: every function, the keyring
#                 changes made meanwhile on the primary (primary.sh, run
#                 from the session with \! and backticks), and the errors
#                 it provokes on purpose;
#   readonly.sql  on the primary: the same calls assign no transaction id.
# Then it reads the standby's log: no write was attempted, no error but the
# provoked ones, no crash.  Each file declares "-- tests: N" and prints
# "ok - ..." / "not ok - ..." lines; a missing line counts as a failure.
# token_ext must already be installed in the PostgreSQL tree in use
# (test.sh does that).  Ends with "RESULT passed failed skipped".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/lib.sh"
cd "$HERE"

export REPLICA_PORT=${TOKEN_EXT_REPLICA_PORT:-54351}
export STANDBY_PORT=$((REPLICA_PORT + 1))
DIR=$(cluster_dir "$TOP/.pgrun/replica")
export PRIMARY_DIR=$DIR/primary STANDBY_DIR=$DIR/standby
export DB=token_ext_replica
PASSED=0 FAILED=0
T0=$SECONDS

# the errors standby.sql provokes on purpose, as the standby logs them
EXPECTED_ERRORS=("ERROR:  no matching key" "ERROR:  no matching key" "ERROR:  no matching key")

fail_setup() {
  echo "not ok - $1"
  echo "RESULT $PASSED $((FAILED + 1)) 0"
  exit 1
}

stop_both() {
  cluster_stop "$STANDBY_DIR"
  cluster_stop "$PRIMARY_DIR"
}
trap stop_both EXIT

# Count one result line.
result() {
  if [ "$1" = ok ]; then
    echo "ok - $2"; PASSED=$((PASSED + 1))
  else
    echo "not ok - $2"; FAILED=$((FAILED + 1))
  fi
}

# Run a test file (psql: user, host dir, port, file) and count its lines
# against its declared plan.
run_file() {
  local user=$1 host=$2 port=$3 file=$4 out planned passed failed rc
  out=$DIR/${file%.sql}.out
  planned=$(sed -nE 's/^-- tests: ([0-9]+)$/\1/p' "$file" | head -n 1)
  printf '\n# %s\n' "$file"
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=terse \
    -h "$host" -p "$port" -U "$user" -d "$DB" -v here="$HERE" "${VARS[@]}" -f "$file" >"$out" 2>&1
  rc=$?
  grep -E '^(ok|not ok) - |^# ' "$out"
  passed=$(grep -cE '^ok - ' "$out")
  failed=$(grep -cE '^not ok - ' "$out")
  if [ -z "$planned" ] || [ $((passed + failed)) -ne "$planned" ]; then
    echo "not ok - $file printed $((passed + failed)) results, not ${planned:-a declared number} (see $out)"
    grep -E '(ERROR|FATAL|PANIC):' "$out" | head -5 | sed 's/^/# /'
    failed=$((failed + 1))
  fi
  if [ "$rc" -ne 0 ]; then
    echo "not ok - $file ran to its end (psql exited with $rc; see $out)"
    failed=$((failed + 1))
  fi
  PASSED=$((PASSED + passed)) FAILED=$((FAILED + failed))
}

# a fresh pair each run
stop_both
rm -rf "$DIR"
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chmod 777 "$DIR"

say "primary on port $REPLICA_PORT"
CLUSTER_EXTRA_CONF="wal_level = replica
max_wal_senders = 4
hot_standby = on" cluster_start "$PRIMARY_DIR" "$REPLICA_PORT" || fail_setup "the primary starts"

say "standby on port $STANDBY_PORT"
mkdir -p "$STANDBY_DIR"
[ "$(id -u)" = 0 ] && chown postgres: "$STANDBY_DIR"
as_server_user "$PG_BIN/pg_basebackup" -h "$PRIMARY_DIR" -p "$REPLICA_PORT" -U postgres \
  -D "$STANDBY_DIR/data" -R -X stream -c fast >"$DIR/basebackup.log" 2>&1 \
  || { cat "$DIR/basebackup.log"; fail_setup "pg_basebackup copies the primary"; }
# the copied postgresql.conf names the primary's port and socket: the last line wins
cat >>"$STANDBY_DIR/data/postgresql.conf" <<CONF
port = $STANDBY_PORT
unix_socket_directories = '$STANDBY_DIR'
hot_standby = on
CONF
as_server_user "$PG_BIN/pg_ctl" -D "$STANDBY_DIR/data" -l "$STANDBY_DIR/server.log" -w -t 60 start \
  >/dev/null || { cat "$STANDBY_DIR/server.log"; fail_setup "the standby starts"; }

psql_primary() { psql -X -q -v ON_ERROR_STOP=1 -h "$PRIMARY_DIR" -p "$REPLICA_PORT" -U postgres "$@"; }
psql_standby() { psql -X -q -v ON_ERROR_STOP=1 -h "$STANDBY_DIR" -p "$STANDBY_PORT" -U postgres "$@"; }

psql_primary -d postgres -c "CREATE DATABASE $DB" >/dev/null &&
  psql_primary -d "$DB" -f setup.sql >"$DIR/setup.out" 2>&1 ||
  { cat "$DIR/setup.out"; fail_setup "the fixtures load on the primary (setup.sql)"; }

# the setup is replayed on the standby before any test runs there
bash primary.sh sync >/dev/null || fail_setup "the standby replays the setup"
[ "$(psql_standby -d "$DB" -At -c 'SELECT pg_is_in_recovery()')" = t ] ||
  fail_setup "the standby is in recovery"
echo "# primary and standby ready in $((SECONDS - T0)) s"

# the tokens and keys the tests pass in (made on the primary by setup.sql)
VARS=()
while IFS='|' read -r name value; do
  VARS+=(-v "$name=$value")
done < <(psql_primary -d "$DB" -At -c 'SELECT name, value FROM replica_fixture ORDER BY name')

standby_started=$(psql_standby -d postgres -At -c 'SELECT pg_postmaster_start_time()')
log_start=$(stat -c %s "$STANDBY_DIR/server.log")

run_file replica_app "$STANDBY_DIR" "$STANDBY_PORT" standby.sql
run_file replica_app "$PRIMARY_DIR" "$REPLICA_PORT" readonly.sql

printf '\n# the standby server\n'
log=$(tail -c +$((log_start + 1)) "$STANDBY_DIR/server.log")
writes=$(printf '%s\n' "$log" | grep -E 'read-only transaction|during recovery|TransactionId' || true)
if [ -z "$writes" ]; then
  result ok "the standby's log shows no attempted write (read-only transaction, during recovery)"
else
  result "not ok" "the standby's log shows no attempted write: $(printf '%s\n' "$writes" | head -3)"
fi
errors=$(printf '%s\n' "$log" | grep -oE '(WARNING|ERROR|FATAL|PANIC):  .*' || true)
expected=$(printf '%s\n' "${EXPECTED_ERRORS[@]}")
if [ "$errors" = "$expected" ]; then
  result ok "the standby logged exactly the ${#EXPECTED_ERRORS[@]} errors the tests provoked, and no other error or warning"
else
  result "not ok" "the standby logged exactly the ${#EXPECTED_ERRORS[@]} errors the tests provoked: got $(printf '%s\n' "$errors" | head -5 | tr '\n' ';')"
fi
crashes=$(printf '%s\n' "$log" | grep -E 'terminated by signal|server process .* exited|all server processes terminated' || true)
now_started=$(psql_standby -d postgres -At -c 'SELECT pg_postmaster_start_time()' 2>/dev/null)
if [ -z "$crashes" ] && [ "$now_started" = "$standby_started" ]; then
  result ok "the standby never crashed nor restarted (postmaster start time $standby_started)"
else
  result "not ok" "the standby never crashed nor restarted: start time $standby_started -> $now_started; $crashes"
fi

echo "# replica suite: $PASSED passed, $FAILED failed in $((SECONDS - T0)) s"
echo "RESULT $PASSED $FAILED 0"
[ "$FAILED" -eq 0 ]
