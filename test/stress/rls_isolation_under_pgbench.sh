#!/usr/bin/env bash
# rls_isolation_under_pgbench.sh: under concurrent load, every transaction
# sees exactly its own user's rows through a policy on jwt.uid().
#
# pgbench runs 8 clients for a bounded time; each transaction picks one of
# 1,000 users at random, authenticates with that user's pre-generated token
# (transaction scope), and reads the table through the policy
# USING (owner = jwt.uid()) as a role without BYPASSRLS, logging how many
# rows it saw, how many of them belong to another user (must be 0), and how
# many rows it saw BEFORE authenticating in that transaction (must be 0: no
# claims left over from the connection's previous transaction).  Half the
# runs use prepared statements (-M prepared), so cached plans are checked
# too.  Run by run.sh with the scratch database in $DB; prints "ok - ..." /
# "not ok - ..." and "# ..." lines like the .sql suites.
set -uo pipefail
cd "$(dirname "$0")"

DB=${DB:?the scratch database}
ROLE=regress_stress_iso_reader
USERS=1000
ROWS_PER_USER=20
CLIENTS=8
SECONDS_PER_RUN=${RLS_ISOLATION_SECONDS:-8}
PGBENCH=${PGBENCH:-$(dirname "${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}")/pgbench}
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench || true)

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -A -t -d "$DB" "$@"; }

if [ -z "$PGBENCH" ]; then
  echo "ok - pgbench isolation test # SKIP pgbench not found"
  exit 0
fi

if ! psql_db >/dev/null <<SQL
DROP ROLE IF EXISTS $ROLE;
CREATE ROLE $ROLE LOGIN;
DELETE FROM jwt.keyring WHERE kid = 'stress-iso';
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('stress-iso', '{verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(stress_secret(), 'UTF8'))));
-- the owner of user i, computed without token_ext
CREATE FUNCTION iso_owner(i integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS \$\$ SELECT md5('iso-user-' || i)::uuid \$\$;
CREATE TABLE iso_items (id bigint GENERATED ALWAYS AS IDENTITY, owner uuid NOT NULL, body text);
INSERT INTO iso_items (owner, body)
SELECT iso_owner(u), 'row ' || r || ' of user ' || u
  FROM generate_series(1, $USERS) u, generate_series(1, $ROWS_PER_USER) r;
CREATE INDEX ON iso_items (owner);
VACUUM ANALYZE iso_items;
ALTER TABLE iso_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_items ON iso_items USING (owner = jwt.uid());
CREATE TABLE iso_tokens (id integer PRIMARY KEY, tok text NOT NULL);
INSERT INTO iso_tokens
SELECT u, hs256_token('{"alg":"HS256","typ":"JWT","kid":"stress-iso"}',
                      jsonb_build_object('sub', iso_owner(u), 'n', u)::text, stress_secret())
  FROM generate_series(1, $USERS) u;
CREATE TABLE iso_log (run text, uid integer, before bigint, visible bigint, foreign_rows bigint,
                      sub_ok boolean);
GRANT SELECT ON iso_items, iso_tokens TO $ROLE;
GRANT INSERT ON iso_log TO $ROLE;
SQL
then
  echo "not ok - the isolation fixtures could not be set up"
  exit 1
fi

script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat >"$script" <<'PGBENCH'
\set uid random(1, 1000)
BEGIN;
SELECT count(*) AS before FROM iso_items \gset
SELECT jwt.authenticate(tok) IS NOT NULL AS authenticated FROM iso_tokens WHERE id = :uid;
INSERT INTO iso_log (run, uid, before, visible, foreign_rows, sub_ok)
SELECT current_setting('application_name'), :uid, :before, count(*),
       count(*) FILTER (WHERE owner IS DISTINCT FROM iso_owner(:uid)),
       jwt.claim('n') = (:uid)::text AND jwt.uid() = iso_owner(:uid)
  FROM iso_items;
COMMIT;
PGBENCH

for mode in simple prepared; do
  start=$SECONDS
  out=$(PGAPPNAME=$mode "$PGBENCH" -n -U "$ROLE" -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -M "$mode" \
          -f "$script" "$DB" 2>&1)
  rc=$?
  processed=$(printf '%s\n' "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  failed=$(printf '%s\n' "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
  tps=$(printf '%s\n' "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  echo "# pgbench -M $mode: $CLIENTS clients, ${SECONDS_PER_RUN} s: ${processed:-?} transactions, ${failed:-0} failed, ${tps:-?} tps, exit $rc, $((SECONDS - start)) s"
  if [ "$rc" -eq 0 ] && [ -n "$processed" ] && [ "$processed" -gt 0 ] && [ "${failed:-0}" -eq 0 ]; then
    echo "ok - pgbench -M $mode ran $processed transactions with none failing"
  else
    echo "not ok - pgbench -M $mode ran $processed transactions with none failing: exit $rc"
    printf '%s\n' "$out" | grep -iE 'error|abort|fatal' | head -5 | sed 's/^/# /'
  fi
  psql_db -v run="$mode" <<'SQL'
SELECT format('# %s: %s transactions logged, %s distinct users, %s rows seen, %s foreign, %s seen before authenticating',
              :'run', count(*), count(DISTINCT uid), coalesce(sum(visible), 0), coalesce(sum(foreign_rows), 0),
              coalesce(sum(before), 0))
  FROM iso_log WHERE run = :'run';
SELECT tap(count(*) > 0 AND coalesce(sum(foreign_rows), 0) = 0,
           :'run' || ': no transaction saw a row of another user',
           format('%s of %s transactions saw %s foreign rows', count(*) FILTER (WHERE foreign_rows > 0),
                  count(*), sum(foreign_rows)))
  FROM iso_log WHERE run = :'run';
SELECT tap(count(*) > 0 AND bool_and(visible = 20),
           :'run' || ': every transaction saw all 20 rows of its own user',
           format('%s of %s transactions saw another number', count(*) FILTER (WHERE visible <> 20), count(*)))
  FROM iso_log WHERE run = :'run';
SELECT tap(count(*) > 0 AND bool_and(before = 0),
           :'run' || ': no transaction saw a row before authenticating (no claims left over)',
           format('%s of %s transactions saw rows before authenticating', count(*) FILTER (WHERE before <> 0), count(*)))
  FROM iso_log WHERE run = :'run';
SELECT tap(count(*) > 0 AND bool_and(sub_ok),
           :'run' || ': jwt.uid() and jwt.claim() were the transaction''s own user in every transaction',
           format('%s of %s transactions read other claims', count(*) FILTER (WHERE sub_ok IS NOT TRUE), count(*)))
  FROM iso_log WHERE run = :'run';
SQL
done

psql_db >/dev/null <<SQL
DROP TABLE iso_items, iso_tokens, iso_log;
DROP FUNCTION iso_owner(integer);
DELETE FROM jwt.keyring WHERE kid = 'stress-iso';
DROP OWNED BY $ROLE;
DROP ROLE $ROLE;
SQL
