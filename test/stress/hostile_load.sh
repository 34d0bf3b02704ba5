#!/usr/bin/env bash
# hostile_load.sh: 8 clients mix signing, verification, encryption,
# decryption and jwt.authenticate over valid, expired, tampered (bit flips,
# header alg swaps, truncation) and oversized tokens of HS256, ES256,
# RS256, dir + A256GCM and RSA-OAEP-256 (hostile_fixtures.sql), under
# pgbench, with no crash, no unexpected outcome and flat memory.
#
#   1. Every case once, in one session (hostile_sweep): each valid token
#      gives exactly its claims, each invalid one is refused with an
#      outcome its case allows ('SQLSTATE message').
#   2. A canary run: two cases whose expectations are wrong on purpose must
#      make every one of their transactions fail, so a wrong outcome under
#      load cannot go unseen.
#   3. The load, with -M simple and with -M prepared: pgbench -c 8 -j 2
#      -T $HOSTILE_SECONDS over six scripts mixed by weight (hostile/*.pgbench:
#      verify@4, decrypt@2, authenticate@3, sign@2, encrypt@1, and probe@1,
#      which samples the client's own memory), as the non-superuser
#      hostile_client.  A case with an outcome its list does not allow
#      raises SQLSTATE 40001, which pgbench counts as a failed transaction
#      (any other error would abort the client): the failure count is the
#      number of unexpected outcomes, and must be 0, with no client aborted
#      and every script run.
#   4. Memory flat: every client first runs every case once (hostile_sweep,
#      strict, which also warms it up); then, after the first 40% of the run (at
#      most 60 s), in every client backend pg_backend_memory_contexts plus
#      jwt.memory_stats()'s malloc'd areas grow by less than 64 kB, and
#      RssAnon by less than 1024 kB, from the first sample to the last.
#      The workspace is judged apart: its buffers keep the capacity of the
#      largest input they held, and since a nested token swaps two of them
#      (src/core/token.c) one may take a one-time step of the largest
#      input's size at any point of the run; so it must stay within 2 MB
#      (5 buffers and 3 parse trees sized for the largest input, ~94 kB),
#      a bound that any growth per call would cross in a long run.
#   5. The server neither crashed nor restarted (postmaster start time, and
#      its log: no "terminated by signal", no error at all during the load).
#
# CI runs 8 s per mode (about 25 s in all).  The longer run, before a
# release: HOSTILE_SECONDS=600 test/stress/run.sh hostile_load (a leak
# grows with the run, the bounds do not).  Run by run.sh with the scratch
# database in $DB and the server of test.sh, whose log is $PGHOST/server.log.
set -uo pipefail
cd "$(dirname "$0")"

DB=${DB:?the scratch database}
ROLE=hostile_client
CLIENTS=8
SECONDS_PER_RUN=${HOSTILE_SECONDS:-8}
LOG=${SERVER_LOG:-$PGHOST/server.log}
CONTEXT_LIMIT=65536     # bytes: contexts + malloc'd caches, per backend, after warm-up
ANON_LIMIT_KB=1024
WORKSPACE_LIMIT=2097152 # bytes: 5 buffers and 3 parse trees sized for the largest input (~94 kB)
PGBENCH=${PGBENCH:-$(dirname "${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}")/pgbench}
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench || true)

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -A -t -d "$DB" "$@"; }
tap() { if [ "$1" = ok ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

if [ -z "$PGBENCH" ]; then
  echo "ok - hostile load # SKIP pgbench not found"
  exit 0
fi

start=$SECONDS
if ! psql_db >/dev/null <<SQL
SET client_min_messages = warning;
\i hostile_fixtures.sql
DROP ROLE IF EXISTS $ROLE;
CREATE ROLE $ROLE LOGIN;
GRANT SELECT ON hostile_case, hostile_key, hostile_token TO $ROLE;
SQL
then
  echo "not ok - the hostile load fixtures could not be set up"
  exit 1
fi
read -r n_cases n_tokens < <(psql_db -F ' ' -c "SELECT (SELECT count(*) FROM hostile_case WHERE id < 100000),
                                                        (SELECT count(*) FROM hostile_token)")
echo "# $n_tokens tokens, $n_cases cases, ready in $((SECONDS - start)) s"

# 1. every case once
out=$(psql -X -q -A -t -F '|' -U "$ROLE" -d "$DB" -c 'CALL hostile_sweep(false, NULL, NULL, NULL)' 2>&1)
IFS='|' read -r cases good mismatches <<<"$out"
if [ "${cases:-0}" -eq "$n_cases" ] && [ "${good:-x}" = "$cases" ]; then
  tap ok "each of the $n_cases cases, run once: every valid token accepted, every invalid one refused as its case allows"
else
  tap "not ok" "each of the $n_cases cases, run once, as its case allows: ${good:-?} of ${cases:-?}: ${mismatches:-$out}"
fi

# the ranges each script draws from
ranges=()
while IFS='|' read -r op lo hi; do
  ranges+=(-D "${op}_lo=$lo" -D "${op}_hi=$hi")
done < <(psql_db -F '|' -c "SELECT CASE op WHEN 'authenticate' THEN 'auth' ELSE op END, min(id), max(id)
                              FROM hostile_case WHERE id < 100000 GROUP BY op")

# the number in a line of pgbench's report
report() { printf '%s\n' "$2" | sed -n "s/^$1: \([0-9]*\).*/\1/p" | head -n 1; }

# 2. the canary: wrong expectations must show as failed transactions
out=$("$PGBENCH" -n -U "$ROLE" -c 1 -t 20 --verbose-errors -f hostile/canary.pgbench "$DB" 2>&1)
failed=$(report 'number of failed transactions' "$out")
if [ "${failed:-0}" -eq 20 ] && printf '%s\n' "$out" | grep -q 'unexpected outcome of hostile case'; then
  tap ok "canary: 20 transactions of two cases with wrong expectations, 20 counted as failed by pgbench"
else
  tap "not ok" "canary: 20 transactions of two cases with wrong expectations, 20 counted as failed by pgbench: ${failed:-none}"
  printf '%s\n' "$out" | tail -5 | sed 's/^/# /'
fi

started=$(psql_db -c 'SELECT pg_postmaster_start_time()')
log_start=$( [ -r "$LOG" ] && stat -c %s "$LOG" || echo -1)

# 3. the load
run=0
for mode in simple prepared; do
  run=$((run + 1))
  t0=$SECONDS
  out=$("$PGBENCH" -n -U "$ROLE" -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -M "$mode" \
          --failures-detailed --verbose-errors "${ranges[@]}" -D run=$run -D warmed=0 \
          -f hostile/verify.pgbench@4 -f hostile/decrypt.pgbench@2 -f hostile/authenticate.pgbench@3 \
          -f hostile/sign.pgbench@2 -f hostile/encrypt.pgbench@1 -f hostile/probe.pgbench@1 "$DB" 2>&1)
  rc=$?
  processed=$(report 'number of transactions actually processed' "$out")
  failed=$(report 'number of failed transactions' "$out")
  aborted=$(printf '%s\n' "$out" | grep -c 'aborted' || true)
  per_script=$(printf '%s\n' "$out" | sed -n 's/^ - \([0-9]*\) transactions .*/\1/p' | tr '\n' ' ')
  tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  echo "# -M $mode: $CLIENTS clients, ${SECONDS_PER_RUN} s: ${processed:-?} transactions (per script: ${per_script:-?}), ${failed:-?} failed, ${tps:-?} tps, exit $rc, $((SECONDS - t0)) s"
  zero_script=$(printf '%s\n' $per_script | grep -cx 0 || true)
  if [ "$rc" -eq 0 ] && [ "${processed:-0}" -gt 0 ] && [ "${failed:-x}" = 0 ] && [ "$aborted" -eq 0 ] &&
     [ "$(printf '%s\n' $per_script | wc -l)" -eq 6 ] && [ "$zero_script" -eq 0 ]; then
    tap ok "-M $mode: $processed transactions of all 6 scripts, no unexpected outcome, no client aborted"
  else
    tap "not ok" "-M $mode: transactions of all 6 scripts, no unexpected outcome, no client aborted: ${processed:-?} processed, ${failed:-?} failed, $aborted aborted, exit $rc"
    printf '%s\n' "$out" | grep -iE 'error|abort|fatal|detail' | head -8 | sed 's/^/# /'
  fi

  # 4. memory flat in every client backend
  psql_db -v run=$run -v mode="$mode" -v ctx_limit=$CONTEXT_LIMIT -v anon_limit=$ANON_LIMIT_KB \
    -v ws_limit=$WORKSPACE_LIMIT <<'SQL'
WITH s AS (
  SELECT pid, at, context_bytes, context_bytes + malloc_bytes - (areas ->> 'workspace')::bigint AS bytes,
         (areas ->> 'workspace')::bigint AS workspace, areas, anon_kb,
         min(at) OVER () AS t0, max(at) OVER () AS t1
    FROM hostile_memory WHERE run = :run
), per AS (
  SELECT pid, count(*) AS n,
         (array_agg(bytes ORDER BY at DESC))[1] - (array_agg(bytes ORDER BY at))[1] AS growth,
         (array_agg(anon_kb ORDER BY at DESC))[1] - (array_agg(anon_kb ORDER BY at))[1] AS anon_growth,
         max(bytes) AS top,
         (array_agg(context_bytes ORDER BY at))[1] AS first_contexts,
         (array_agg(context_bytes ORDER BY at DESC))[1] AS last_contexts,
         (array_agg(areas ORDER BY at))[1] AS first_areas,
         (array_agg(areas ORDER BY at DESC))[1] AS last_areas
    FROM s WHERE at >= t0 + least((t1 - t0) * 0.4, interval '60 s')
   GROUP BY pid
), worst AS (
  -- what grew in the backend that grew most
  SELECT format('backend %s: all contexts %s -> %s bytes%s', pid, first_contexts, last_contexts,
                (SELECT coalesce(string_agg(format('; %s %s -> %s', f.key, f.value, l.value), ''), '')
                   FROM jsonb_each(first_areas) f JOIN jsonb_each(last_areas) l USING (key)
                  WHERE f.value <> l.value)) AS what
    FROM per ORDER BY growth DESC LIMIT 1
)
SELECT line FROM (
  SELECT 1 AS k, format('# -M %s memory after warm-up: %s backends, %s to %s samples each; '
                        'contexts + malloc''d caches: up to %s bytes, growth %s to %s bytes; RssAnon growth %s to %s kB; '
                        'workspace up to %s bytes',
                        :'mode', count(*), min(n), max(n), max(top), min(growth), max(growth),
                        min(anon_growth), max(anon_growth), (SELECT max(workspace) FROM s)) AS line
    FROM per
  UNION ALL
  SELECT 2, tap(count(*) = 8 AND min(n) >= 2 AND max(growth) < :ctx_limit
                AND (max(anon_growth) IS NULL OR max(anon_growth) < :anon_limit),
                format('-M %s: memory flat in all 8 client backends after warm-up '
                       '(contexts + malloc''d caches but the workspace: growth < %s bytes; RssAnon growth < %s kB)',
                       :'mode', :ctx_limit, :anon_limit),
                format('%s backends with 2 or more samples; growth up to %s bytes, RssAnon up to %s kB; %s',
                       count(*) FILTER (WHERE n >= 2), max(growth), max(anon_growth), (SELECT what FROM worst)))
    FROM per
  UNION ALL
  SELECT 3, tap(max(workspace) <= :ws_limit,
                format('-M %s: the workspace of every client backend stays within %s bytes', :'mode', :ws_limit),
                format('up to %s bytes', max(workspace)))
    FROM s
) t ORDER BY k;
SQL
done

# 5. no crash, no restart, no error in the server's log during the load
now_started=$(psql_db -c 'SELECT pg_postmaster_start_time()')
if [ "$log_start" -ge 0 ]; then
  bad=$(tail -c +$((log_start + 1)) "$LOG" | grep -E 'terminated by signal|server process|PANIC|ERROR|FATAL' | head -3)
else
  bad=""
  echo "# the server log $LOG cannot be read: only the postmaster start time is compared"
fi
if [ "$now_started" = "$started" ] && [ -z "$bad" ]; then
  tap ok "the server neither crashed nor restarted, and logged no error during the load"
else
  tap "not ok" "the server neither crashed nor restarted, and logged no error during the load: start $started -> $now_started; $bad"
fi

psql_db >/dev/null <<SQL
SET client_min_messages = warning;
DROP PROCEDURE hostile_sweep;
DROP TABLE hostile_memory, hostile_case, hostile_token, hostile_key CASCADE;
DELETE FROM jwt.keyring WHERE kid LIKE 'hl-%';
DROP OWNED BY $ROLE;
DROP ROLE $ROLE;
SQL
