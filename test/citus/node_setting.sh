#!/usr/bin/env bash
# node_setting.sh NODE NAME VALUE [SHOWN]: on one node of the cluster only
# (a service of PGSERVICEFILE: coord, worker1, worker2), ALTER SYSTEM SET the
# setting NAME to VALUE (or ALTER SYSTEM RESET it when VALUE is --reset),
# reload, and wait until a new session there shows SHOWN (default VALUE).
# Used by settings.sql through psql's \!.
set -uo pipefail
node=$1 name=$2 value=$3 shown=${4-$3}
if [ "$value" = --reset ]; then
  sql="ALTER SYSTEM RESET $name"
else
  sql="ALTER SYSTEM SET $name = '$value'"
fi
psql -X -q -d "service=$node user=postgres" -c "$sql" -c "SELECT pg_reload_conf()" >/dev/null || exit 1
for _ in $(seq 1 100); do
  [ "$(psql -X -At -d "service=$node user=postgres" -c "SHOW $name")" = "$shown" ] && break
  sleep 0.1
done
# the backends that already run reload at their next command; give the postmaster's signal time to arrive
sleep 0.3
