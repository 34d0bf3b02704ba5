#!/usr/bin/env bash
# primary.sh ACTION: change the keyring on the primary of the replica suite,
# then wait until the standby has replayed the change; prints "replayed",
# or "timeout" after 30 s.  Run by run.sh (sync) and from the standby
# session of standby.sql (\set r `bash primary.sh add`), with PRIMARY_DIR,
# STANDBY_DIR, REPLICA_PORT, STANDBY_PORT and DB exported by run.sh.
#
#   sync     nothing: wait until the standby has the fixtures of setup.sql
#   add      add the key rep-new (kept aside by setup.sql) to the keyring
#   retire   retire the key rep-hs (its not_after: now)
#   delete   delete the key rep-new
#
# "Replayed" is judged by what a fresh standby connection sees (the row,
# its new not_after, its absence): the commit record that makes the change
# visible there also carries the keyring's relcache invalidation.
set -uo pipefail

on_primary() {
  psql -X -q -At -v ON_ERROR_STOP=1 -h "$PRIMARY_DIR" -p "$REPLICA_PORT" -U postgres -d "$DB" -c "$1"
}

# Wait until the standby answers t to a query (a fresh connection each time).
wait_standby() {
  local deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$(psql -X -q -At -h "$STANDBY_DIR" -p "$STANDBY_PORT" -U postgres -d "$DB" -c "$1" 2>/dev/null)" = t ]; then
      echo replayed
      return 0
    fi
    sleep 0.05
  done
  echo timeout
  return 1
}

case ${1:-} in
  sync)
    expected=$(on_primary 'SELECT count(*) FROM replica_fixture') || exit 1
    wait_standby "SELECT count(*) = $expected FROM replica_fixture" ;;
  add)
    on_primary "INSERT INTO jwt.keyring (kid, purposes, key) SELECT kid, '{verify}', key FROM replica_pending" \
      || { echo failed; exit 1; }
    wait_standby "SELECT EXISTS (SELECT FROM jwt.keyring WHERE kid = 'rep-new')" ;;
  retire)
    on_primary "UPDATE jwt.keyring SET not_after = now() WHERE kid = 'rep-hs'" || { echo failed; exit 1; }
    wait_standby "SELECT not_after IS NOT NULL FROM jwt.keyring WHERE kid = 'rep-hs'" ;;
  delete)
    on_primary "DELETE FROM jwt.keyring WHERE kid = 'rep-new'" || { echo failed; exit 1; }
    wait_standby "SELECT NOT EXISTS (SELECT FROM jwt.keyring WHERE kid = 'rep-new')" ;;
  *)
    echo "usage: primary.sh sync|add|retire|delete" >&2
    exit 2 ;;
esac
