#!/usr/bin/env bash
# interleave.sh: no identity leaks between requests over pooled connections.
#
# pgbench runs 4 clients on the coordinator as citus_app; each transaction
# picks one of 64 users at random (alice 500 notes, bob 300, carol 200,
# mallory and 60 others none), and in one transaction: counts the notes it sees and the
# probe rows whose shard query sees claims BEFORE authenticating (both must
# be 0: nothing left over from the connection's, or the worker backend's,
# previous transaction), authenticates with the user's token, counts the
# notes it sees (exactly the user's) and those of other owners (0), counts
# the probe rows whose shard query sees the user's sub (all 64), notes the
# worker backends that ran its shard queries, and logs all that.  Citus keeps
# one connection per worker open between the transactions of a client (two
# runs: the default cache with -M extended, then citus.max_cached_conns_per_worker
# = 4 with -M prepared; variables are always query parameters), so worker
# backends serve many users in turn.
# Run by run.sh (PGSERVICEFILE and PGBENCH exported); prints TAP lines.
# tests: 6
set -uo pipefail
cd "$(dirname "$0")"

SECONDS_PER_RUN=${CITUS_INTERLEAVE_SECONDS:-6}
CLIENTS=4
su_sql() { psql -X -q -v ON_ERROR_STOP=1 -At -d 'service=coord user=postgres' "$@"; }

if ! su_sql >/dev/null <<'SQL'
CREATE TABLE iso_user (n integer PRIMARY KEY, name text NOT NULL, uid uuid NOT NULL, token text NOT NULL,
                       expect bigint NOT NULL);
INSERT INTO iso_user
SELECT u.n, u.name, t.uid, k.token, u.expect
  FROM (VALUES (1, 'alice', 500), (2, 'bob', 300), (3, 'carol', 200), (4, 'mallory', 0)) u(n, name, expect)
  JOIN test_user t ON t.name = u.name
  JOIN test_token k ON k.name = u.name AND k.kind = 'valid';
-- 60 more users who own no note: each must still see its own claims on the workers
INSERT INTO iso_user
SELECT n, 'user' || n, md5('citus-user-' || n)::uuid,
       hs256_token('citus-1', json_build_object('sub', md5('citus-user-' || n)::uuid, 'role', 'authenticated',
                                                'exp', extract(epoch FROM now())::bigint + 86400)::text,
                   citus_secret(1)), 0
  FROM generate_series(5, 64) n;
CREATE TABLE iso_log (run text, n integer, before bigint, before_subs bigint, visible bigint,
                      foreign_rows bigint, probe_own bigint, worker_pids text);
GRANT SELECT ON iso_user TO citus_app;
GRANT INSERT ON iso_log TO citus_app;
SQL
then
  echo "not ok - the interleaving fixtures could not be set up"
  exit 1
fi

script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat >"$script" <<'PGBENCH'
\set n random(1, 64)
BEGIN;
SELECT count(*) AS before FROM notes \gset
SELECT count(*) AS before_subs FROM claims_probe WHERE jwt.sub() IS NOT NULL \gset
SELECT uid, expect, jwt.authenticate(token) IS NOT NULL AS authenticated FROM iso_user WHERE n = :n \gset
SELECT count(*) AS visible, count(*) FILTER (WHERE owner IS DISTINCT FROM :uid) AS foreign_rows FROM notes \gset
SELECT count(*) AS probe_own FROM claims_probe WHERE jwt.sub() = :uid \gset
WITH s AS MATERIALIZED (SELECT current_setting('port') || '/' || pg_backend_pid() AS p FROM claims_probe)
SELECT string_agg(DISTINCT p, ' ') AS worker_pids FROM s \gset
INSERT INTO iso_log VALUES (current_setting('application_name'), :n, :before, :before_subs, :visible,
                            :foreign_rows, :probe_own, :worker_pids);
COMMIT;
PGBENCH

failed_runs=0 txns=0
for run in default cached4; do
  mode=extended opts=
  [ "$run" = cached4 ] && mode=prepared opts='-c citus.max_cached_conns_per_worker=4'
  out=$(PGAPPNAME=$run PGOPTIONS="${PGOPTIONS:-} $opts" "$PGBENCH" -n -d 'service=coord user=citus_app' \
          -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -M "$mode" -f "$script" 2>&1)
  rc=$?
  n=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' <<<"$out")
  echo "# run $run (-M $mode): ${n:-?} transactions"
  if [ "$rc" -ne 0 ] || ! grep -qE '^number of failed transactions: 0 ' <<<"$out"; then
    failed_runs=$((failed_runs + 1))
    grep -E 'error|ERROR|aborted' <<<"$out" | head -n 5 | sed 's/^/# /'
  fi
  txns=$((txns + ${n:-0}))
done
if [ "$failed_runs" = 0 ] && [ "$txns" -ge 20 ]; then
  echo "ok - pgbench ran $txns interleaved transactions of 64 users on $CLIENTS clients without a failure"
else
  echo "not ok - pgbench ran interleaved transactions without a failure: $failed_runs runs failed, $txns transactions"
fi

su_sql <<'SQL'
WITH per_user AS (
  SELECT u.name, u.expect, count(*) AS txns, count(*) FILTER (WHERE l.visible <> u.expect) AS wrong,
         min(l.visible) AS lo, max(l.visible) AS hi
    FROM iso_log l JOIN iso_user u USING (n) GROUP BY u.name, u.expect)
SELECT tap(sum(txns) > 0 AND sum(wrong) = 0,
           'every transaction saw exactly its own user''s notes after authenticating',
           format('%s of %s transactions saw another number (%s)', sum(wrong), sum(txns),
                  string_agg(format('%s: %s to %s of %s', name, lo, hi, expect), ', ' ORDER BY name)))
  FROM per_user;
SELECT tap(count(*) > 0 AND coalesce(sum(foreign_rows), 0) = 0,
           'no transaction saw a note of another user',
           format('%s of %s transactions saw %s notes of others', count(*) FILTER (WHERE foreign_rows > 0),
                  count(*), sum(foreign_rows)))
  FROM iso_log;
SELECT tap(count(*) > 0 AND bool_and(before = 0 AND before_subs = 0),
           'before authenticating no transaction saw a note, and no worker saw claims (none left over)',
           format('%s of %s transactions saw notes or worker claims before authenticating',
                  count(*) FILTER (WHERE before <> 0 OR before_subs <> 0), count(*)))
  FROM iso_log;
SELECT tap(count(*) > 0 AND bool_and(probe_own = 64),
           'in every transaction both workers saw the transaction''s own claims (all 64 probe rows)',
           format('%s of %s transactions had shard queries without their claims',
                  count(*) FILTER (WHERE probe_own <> 64), count(*)))
  FROM iso_log;
WITH used AS (SELECT unnest(string_to_array(worker_pids, ' ')) AS backend, count(*) AS txns
                FROM iso_log GROUP BY 1)
SELECT tap(max(txns) >= 2, 'worker backends were reused across coordinator transactions (and users)',
           format('%s worker backends; the busiest served %s transactions', count(*), max(txns)))
  FROM used;
SELECT '# ' || count(*) || ' transactions of ' || count(DISTINCT n) || ' users over '
       || (SELECT count(DISTINCT b) FROM iso_log, unnest(string_to_array(worker_pids, ' ')) b)
       || ' worker backends'
  FROM iso_log;
DROP TABLE iso_log, iso_user;
SQL
