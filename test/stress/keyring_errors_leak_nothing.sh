#!/usr/bin/env bash
# keyring_errors_leak_nothing.sh (security review, finding 3): every kind of
# bad INSERT and UPDATE on jwt.keyring is refused with a message that names
# the column, and neither the error texts the client sees nor the server log
# hold any private key material.  (0.1.0 let a CHECK or NOT NULL violation
# print "Failing row contains (...)", JWK included, to both.)
#
# The keys are generated inside the database and the statements refer to
# them through a table, so the statement text that log_min_error_statement
# writes next to each error holds no key either: only the error path is
# judged.  A positive control (a CHECK constraint on a copy of the table,
# which prints the failing row) proves the scan finds a leak when there is
# one.  Run by run.sh with the scratch database in $DB and the server of
# test.sh, whose log is $PGHOST/server.log.
set -uo pipefail
cd "$(dirname "$0")"

DB=${DB:?the scratch database}
LOG=${SERVER_LOG:-$PGHOST/server.log}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
psql_db() { psql -X -q -A -t -d "$DB" "$@"; }

if [ ! -r "$LOG" ]; then
  echo "ok - keyring errors leak nothing # SKIP the server log $LOG cannot be read"
  exit 0
fi
start=$(stat -c %s "$LOG")

psql_db -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || { echo "not ok - keyring leak test setup"; exit 0; }
SET client_min_messages = warning;
DROP TABLE IF EXISTS leak_keys, leak_errors;
CREATE TABLE leak_keys (name text PRIMARY KEY, jwk jsonb);
INSERT INTO leak_keys VALUES
  ('rsa', jwt.generate_key('RS256')), ('ec', jwt.generate_key('ES256')),
  ('okp', jwt.generate_key('EdDSA')), ('oct', jwt.generate_key('HS256')),
  ('short', jsonb_build_object('kty', 'oct', 'k', 'c2hvcnQtc2VjcmV0LXZhbHVlIQ'));
CREATE TABLE leak_errors (stmt text, sqlstate text, message text, detail text, hint text, context text);
-- run one statement, recording its error as the client sees it
CREATE FUNCTION try_stmt(stmt text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text; ctx text;
BEGIN
  EXECUTE stmt;
  INSERT INTO leak_errors VALUES (stmt, 'OK', NULL, NULL, NULL, NULL);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                          hnt = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
  INSERT INTO leak_errors VALUES (stmt, st, msg, det, hnt, ctx);
END $$;
-- 12-character pieces, every 6 characters, of every private member of the keys
CREATE VIEW leak_pieces AS
  SELECT DISTINCT substr(v, i, 12) AS piece
    FROM leak_keys, LATERAL (SELECT jwk->>m AS v FROM unnest('{d,p,q,dp,dq,qi,k}'::text[]) m) s,
         LATERAL generate_series(1, greatest(length(v) - 11, 1), 6) i
   WHERE v IS NOT NULL AND length(v) >= 12;
DELETE FROM jwt.keyring WHERE kid LIKE 'leak-%';
INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-' || name, '{sign,verify}', jwk FROM leak_keys WHERE name <> 'short';
SQL

# Each bad statement, run on its own, its error recorded (and logged by the server).
STATEMENTS=(
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT NULL, '{sign}', jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT '', '{sign}', jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT repeat('k', 257), '{sign}', jwk FROM leak_keys WHERE name = 'ec'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', NULL, jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{}', jwk FROM leak_keys WHERE name = 'okp'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign,root}', jwk FROM leak_keys WHERE name = 'oct'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', ARRAY['sign', NULL], jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, alg, key) SELECT 'leak-x', '{sign}', 'RS1024', jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, alg, key) SELECT 'leak-x', '{sign}', 'ES256', jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('leak-x', '{sign}', NULL)"
  "INSERT INTO jwt.keyring (kid, purposes, key, not_before) SELECT 'leak-x', '{sign}', jwk, NULL FROM leak_keys WHERE name = 'ec'"
  "INSERT INTO jwt.keyring (kid, purposes, key, not_before, not_after) SELECT 'leak-x', '{sign}', jwk, now(), now() - interval '1 day' FROM leak_keys WHERE name = 'okp'"
  "INSERT INTO jwt.keyring (kid, purposes, key, created_at) SELECT 'leak-x', '{sign}', jwk, NULL FROM leak_keys WHERE name = 'oct'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-rsa', '{sign}', jwk FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign}', jwk FROM leak_keys WHERE name = 'short'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign}', jwk - 'd' - 'p' FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign}', jsonb_build_array(jwk) FROM leak_keys WHERE name = 'rsa'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign}', jsonb_build_object('keys', jsonb_build_array(jwk)) FROM leak_keys WHERE name = 'ec'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-x', '{sign}', jwk || '{\"d\":\"AAAA\"}' FROM leak_keys WHERE name = 'okp'"
  "INSERT INTO jwt.keyring (kid, purposes, key) SELECT 'leak-rsa', '{sign}', jwk FROM leak_keys WHERE name = 'ec' ON CONFLICT (kid, issuer) DO UPDATE SET purposes = NULL"
  "UPDATE jwt.keyring SET kid = NULL WHERE kid = 'leak-rsa'"
  "UPDATE jwt.keyring SET kid = '' WHERE kid = 'leak-ec'"
  "UPDATE jwt.keyring SET kid = 'leak-ec' WHERE kid = 'leak-okp'"
  "UPDATE jwt.keyring SET purposes = NULL WHERE kid = 'leak-rsa'"
  "UPDATE jwt.keyring SET purposes = '{}' WHERE kid = 'leak-ec'"
  "UPDATE jwt.keyring SET purposes = '{verify,everything}' WHERE kid = 'leak-okp'"
  "UPDATE jwt.keyring SET alg = 'HS256' WHERE kid = 'leak-rsa'"
  "UPDATE jwt.keyring SET alg = 'none' WHERE kid = 'leak-oct'"
  "UPDATE jwt.keyring SET key = NULL WHERE kid = 'leak-ec'"
  "UPDATE jwt.keyring SET key = key - 'd' WHERE kid = 'leak-okp'"
  "UPDATE jwt.keyring SET key = key || '{\"kty\":\"EC\"}' WHERE kid = 'leak-rsa'"
  "UPDATE jwt.keyring SET not_before = NULL WHERE kid = 'leak-oct'"
  "UPDATE jwt.keyring SET not_after = not_before WHERE kid = 'leak-rsa'"
  "UPDATE jwt.keyring SET created_at = NULL WHERE kid = 'leak-ec'"
)
for stmt in "${STATEMENTS[@]}"; do
  echo "SELECT try_stmt(:'stmt')" | psql_db -v stmt="$stmt" >/dev/null 2>&1
  # once more, uncaught, so that the server logs the error as a client would cause it
  psql_db -c "$stmt" >/dev/null 2>&1
done

n=${#STATEMENTS[@]}
refused=$(psql_db -c "SELECT count(*) FROM leak_errors WHERE sqlstate <> 'OK'")
ok=$(psql_db -c "SELECT count(*) FROM leak_errors")
[ "$ok" -eq "$n" ] && [ "$refused" -eq "$n" ] && echo "ok - all $n bad INSERTs and UPDATEs of jwt.keyring were refused" \
  || echo "not ok - all $n bad INSERTs and UPDATEs of jwt.keyring were refused ($refused of $ok recorded)"
bad=$(psql_db -c "SELECT string_agg(left(stmt, 60), '; ') FROM leak_errors
                  WHERE detail LIKE 'Failing row contains%'
                     OR (message LIKE '%violates%constraint%' AND detail NOT LIKE 'Key (kid, issuer)=(%) already exists.')")
[ -z "$bad" ] && echo "ok - no refusal printed the failing row (only the unique key's, which shows the kid and issuer)" \
  || echo "not ok - refusals that printed the failing row: $bad"
psql_db -c "SELECT DISTINCT '# ' || sqlstate || ' ' || message || ' | ' || coalesce(detail, '') FROM leak_errors ORDER BY 1"
leaks=$(psql_db -c "SELECT count(*) FROM leak_errors e, leak_pieces p
                    WHERE strpos(concat_ws(' ', e.message, e.detail, e.hint, e.context), p.piece) > 0")
[ "$leaks" -eq 0 ] && echo "ok - the error texts the client saw hold no private key material" \
  || echo "not ok - the error texts the client saw hold private key material ($leaks pieces)"

psql_db -c "SELECT piece FROM leak_pieces" > "$WORK/pieces"
pieces=$(wc -l < "$WORK/pieces")
tail -c +"$((start + 1))" "$LOG" > "$WORK/log"
logged=$(grep -c 'ERROR:' "$WORK/log" || true)
if [ "$logged" -lt "$n" ]; then
  echo "not ok - the server logged the refusals ($logged ERROR lines for $n statements)"
elif grep -qF -f "$WORK/pieces" "$WORK/log"; then
  echo "not ok - the server log holds private key material: $(grep -oF -f "$WORK/pieces" "$WORK/log" | head -n 3 | tr '\n' ' ')"
else
  echo "ok - the server log ($logged ERROR lines) holds none of $pieces pieces of private key material"
fi

# positive control: a CHECK violation on a copy of the table prints the failing row, JWK included
start=$(stat -c %s "$LOG")
psql_db -c "CREATE TEMP TABLE leak_probe (kid text, key jsonb CHECK (key IS NULL))" \
        -c "INSERT INTO leak_probe SELECT name, jwk FROM leak_keys WHERE name = 'rsa'" >/dev/null 2>&1
tail -c +"$((start + 1))" "$LOG" > "$WORK/log"
grep -qF -f "$WORK/pieces" "$WORK/log" \
  && echo "ok - the scan finds key material in the log when a constraint prints a failing row (control)" \
  || echo "not ok - the scan finds key material in the log when a constraint prints a failing row (control)"

psql_db -c "DELETE FROM jwt.keyring WHERE kid LIKE 'leak-%'" -c "DROP TABLE leak_keys, leak_errors CASCADE" \
        -c "DROP FUNCTION try_stmt(text)" >/dev/null 2>&1
