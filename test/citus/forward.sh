#!/usr/bin/env bash
# forward.sh: the forwarded claims cannot be forged, and a captured one is
# worth no more than its bounds say (README: Scale-out on Citus).
#
# The coordinator forwards verified claims as token_ext.forwarded_claims,
# a record sealed with an HMAC under the cluster secret.  Anyone may set
# that setting, so here it is set by hand, on a worker directly and
# through the coordinator: a random value, a genuine record with its MAC
# altered, with another version, sealed under another cluster secret, past
# the worker's token_ext.forward_max_age, and past the token's exp.  Each
# gives no claims and no rows, with one WARNING per transaction naming why.
# A genuine record replayed within its bounds by another user of the same
# role gives exactly what it carried (the documented limit), and nothing
# once the bound has passed.  Also: a worker that trusts PostgREST's
# request.jwt.claims never takes them from the coordinator; jwt.citus_setup()
# installs the secret so that it appears in no log, even with
# log_statement = 'all', is idempotent, and repairs a worker whose secret
# differs (which jwt.citus_status() reports).
# Run by run.sh (PGSERVICEFILE exported, CITUS_DIR known); prints TAP lines.
# tests: 21
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../../scripts/citus.sh"
cd "$HERE"

# psql on a service (coord, worker1, worker2) as a user; the rest are psql arguments
q() { local svc=$1 user=$2; shift 2; psql -X -q -At -d "service=$svc user=$user" "$@"; }
# q with stderr kept (for WARNINGs), client_min_messages = warning
qw() { local svc=$1 user=$2; shift 2; PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -d "service=$svc user=$user" "$@" 2>&1; }
# report one result: tap CONDITION-EXIT-STATUS "what" "detail"
tap() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2: $3"; fi; }
# 0 when $1 equals $2
is() { [ "$1" = "$2" ]; }
# 0 when $1 contains $2
has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

token() { q coord postgres -c "SELECT token FROM test_token WHERE name = '$1' AND kind = '${2:-valid}'"; }
uid() { q coord postgres -c "SELECT uid FROM test_user WHERE name = '$1'"; }
ALICE=$(token alice) ALICE_UID=$(uid alice)

# a record: authenticate the token as citus_app on the coordinator in a
# transaction block, and read what the workers got (the probe table's shard
# queries run there)
capture() {
  q coord "${2:-citus_app}" <<SQL
${3:-}
BEGIN;
SELECT jwt.authenticate('$1') IS NOT NULL AS ok \gset
SELECT DISTINCT current_setting('token_ext.forwarded_claims') FROM claims_probe;
COMMIT;
SQL
}

# what a session on node $1 sees with the forwarded setting set to $3 by
# user $2 (SET LOCAL, with citus.propagate_set_commands = local so that the
# node's own shard queries on the other nodes get it too):
# "<jwt.sub() there>|<notes>" plus any WARNING lines; $4: statements before
on_node() {
  qw "$1" "$2" <<SQL
${4:-}
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL token_ext.forwarded_claims = '$3';
SELECT coalesce(jwt.sub(), 'none') || '|' || (SELECT count(*) FROM notes);
COMMIT;
SQL
}
# on_node on worker1 (user, value, statements before)
on_worker() { on_node worker1 "$@"; }

REC=$(capture "$ALICE")
tap "$(has "$REC" '1.' && [ "$(wc -l <<<"$REC")" = 1 ]; echo $?)" \
  "a genuine record reaches both workers (one value in every shard query)" "${REC:0:60}"

# 1. a random value, on worker1 directly
out=$(on_worker citus_app 'c2VjcmV0.not.a.record')
tap "$(has "$out" 'none|0' && has "$out" 'forwarded claims refused' &&
       has "$out" 'The value is not a forwarded-claims record.'; echo $?)" \
  "worker1 directly: a random value gives no claims and no note, and a WARNING says it is not a record" "$out"

# 2. the genuine record with its MAC altered: its first character, whose six
# bits are all used, so the altered MAC is still canonical base64url (the
# last character's low bits are not, and changing them is refused earlier)
mac=${REC##*.}; first=${mac:0:1}; other=A; [ "$first" = A ] && other=B
out=$(on_worker citus_app "${REC%.*}.$other${mac:1}")
tap "$(has "$out" 'none|0' && has "$out" 'MAC does not verify'; echo $?)" \
  "worker1 directly: alice's record with one character of its MAC changed gives nothing (MAC does not verify)" "$out"

# 3. its claims altered (bob's sub instead of alice's): the MAC covers them
BOB_UID=$(uid bob)
forged_claims=$(/usr/bin/python3 - "$REC" "$ALICE_UID" "$BOB_UID" <<'PY'
import base64, sys
rec, alice, bob = sys.argv[1:]
f = rec.split('.')
pad = lambda s: s + '=' * (-len(s) % 4)
claims = base64.urlsafe_b64decode(pad(f[6])).decode().replace(alice, bob)
f[6] = base64.urlsafe_b64encode(claims.encode()).decode().rstrip('=')
print('.'.join(f))
PY
)
out=$(on_worker citus_app "$forged_claims")
tap "$(has "$out" 'none|0' && has "$out" 'MAC does not verify'; echo $?)" \
  "worker1 directly: alice's record with bob's sub put in its claims gives nothing (MAC does not verify)" "$out"

# 4. another version
out=$(on_worker citus_app "2${REC#1}")
tap "$(has "$out" 'none|0' && has "$out" 'version "2" is not supported'; echo $?)" \
  "worker1 directly: alice's record marked version 2 gives nothing (version not supported)" "$out"

# 5. one WARNING per transaction, however many rows the readers see
out=$(qw worker1 postgres <<SQL
BEGIN;
SET LOCAL token_ext.forwarded_claims = 'junk';
SELECT count(jwt.sub()) FROM generate_series(1, 1000);
SELECT count(jwt.uid()) FROM generate_series(1, 1000);
COMMIT;
SQL
)
n=$(grep -c 'WARNING:  forwarded claims refused' <<<"$out")
tap "$(is "$n" 1; echo $?)" "a refused value is reported by one WARNING in a transaction of 2,000 reader calls" \
  "$n warnings: $out"

# 6. the genuine record, replayed by another user of the same role: within
# the bound it gives what it carries (alice's notes, never more), as the
# token would; this is the documented limit of the bound
out=$(on_worker citus_app "$REC")
tap "$(has "$out" "$ALICE_UID|500"; echo $?)" \
  "worker1: alice's record replayed by another session of role citus_app within the bound gives her 500 notes (documented limit)" "$out"
out=$(on_node coord citus_app "$REC")
tap "$(has "$out" "$ALICE_UID|500"; echo $?)" \
  "coordinator: the same replay there gives her 500 notes too (the bound is the same everywhere)" "$out"

# 7. past the worker's token_ext.forward_max_age (1 s for this session), the same record gives nothing
sleep 2
out=$(on_worker postgres "$REC" "SET token_ext.forward_max_age = 1;")
tap "$(has "$out" 'none|' && has "$out" 'the most accepted is 1 s'; echo $?)" \
  "worker1: alice's record 2 s later, with token_ext.forward_max_age = 1s there, gives no claims (too old)" "$out"
out=$(qw worker1 citus_app -c "SET token_ext.forward_max_age = 86400")
tap "$(has "$out" 'permission denied to set parameter "token_ext.forward_max_age"'; echo $?)" \
  "worker1: token_ext.forward_max_age is the superuser's (a non-superuser's SET is refused)" "$out"

# 8. past the token's exp: a token of alice that expires in 2 s, authenticated
# with the coordinator's leeway at 0 (the record carries it)
SHORT=$(q coord postgres -c "SELECT hs256_token('citus-1', json_build_object('sub', '$ALICE_UID', 'role', 'authenticated', 'exp', extract(epoch FROM now())::bigint + 2)::text, citus_secret(1))")
SREC=$(capture "$SHORT" postgres "SET token_ext.leeway = 0;")
out=$(on_worker postgres "$SREC")
tap "$(has "$out" "$ALICE_UID|"; echo $?)" "worker1: a record of a token that expires in 2 s opens at once" "$out"
sleep 3
out=$(on_worker postgres "$SREC")
tap "$(has "$out" 'none|' && has "$out" 'The token expired' && has "$out" 'with a leeway of 0 s'; echo $?)" \
  "worker1: the same record after the token's exp gives no claims (the coordinator's leeway of 0 s travels with it)" "$out"

# 9. a worker that trusts request.jwt.claims (ALTER SYSTEM on worker1 only)
# never takes them from the coordinator's shard queries
bash node_setting.sh worker1 token_ext.trust_request_claims on
FORGED="{\"sub\":\"$ALICE_UID\",\"role\":\"authenticated\"}"
out=$(qw coord citus_app <<SQL
BEGIN;
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL request.jwt.claims = '$FORGED';
WITH s AS MATERIALIZED (SELECT jwt.sub() AS sub FROM claims_probe)
SELECT (SELECT count(*) FROM notes) || '|' || count(sub) FROM s;
COMMIT;
SQL
)
own=$(q worker1 citus_app -c "SET request.jwt.claims = '$FORGED'" -c "SELECT jwt.sub()")
tap "$(is "$out" '0|0' && is "$own" "$ALICE_UID"; echo $?)" \
  "worker1 trusts request.jwt.claims in its own sessions, yet one propagated from the coordinator gives nothing in its shard queries" \
  "through the coordinator $out; directly $own"
out=$(q coord postgres -c "SELECT settings FROM jwt.citus_status() WHERE port = ${CITUS_PORT} + 1")
tap "$(has "$out" 'token_ext.trust_request_claims = on (coordinator: off)'; echo $?)" \
  "jwt.citus_status() reports worker1's token_ext.trust_request_claims differing from the coordinator's" "$out"
bash node_setting.sh worker1 token_ext.trust_request_claims --reset off

# 10. jwt.citus_setup() again: idempotent, and only for superusers
out=$(q coord postgres -c "SELECT string_agg(kind || ':' || secret, ', ' ORDER BY port) FROM jwt.citus_setup()")
tap "$(is "$out" 'coordinator:present, worker:same as the coordinator, worker:same as the coordinator'; echo $?)" \
  "jwt.citus_setup() run again keeps the secret and reports every node" "$out"
out=$(qw coord citus_app -c "SELECT * FROM jwt.citus_setup()"; qw coord citus_app -c "SELECT jwt.cluster_secret_fingerprint()";
      qw coord citus_app -c "SELECT secret FROM jwt.cluster_secret")
tap "$(is "$(grep -c 'permission denied' <<<"$out")" 3; echo $?)" \
  "a non-superuser may not run jwt.citus_setup(), read the fingerprint, or read jwt.cluster_secret" "$out"

# 11. a new secret, installed with every statement logged on every node:
# the secret is in no log, and a record of the old secret is refused
for node in coord worker1 worker2; do
  q "$node" postgres -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
done
sleep 0.5
out=$(q coord postgres -c "SELECT string_agg(kind || ':' || secret, ', ' ORDER BY port) FROM jwt.citus_setup(new_secret => true)")
tap "$(is "$out" 'coordinator:present, worker:same as the coordinator, worker:same as the coordinator'; echo $?)" \
  "jwt.citus_setup(new_secret => true) gives every node the new secret" "$out"
for node in coord worker1 worker2; do
  q "$node" postgres -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
done
hex=$(q coord postgres -c "SELECT encode(secret, 'hex') FROM jwt.cluster_secret")
b64=$(q coord postgres -c "SELECT translate(encode(secret, 'base64'), E'+/=\n', '-_') FROM jwt.cluster_secret")
std=$(q coord postgres -c "SELECT encode(secret, 'base64') FROM jwt.cluster_secret")
logged=$(cat "$CITUS_DIR"/{coord,worker1,worker2}/server.log)
found=0
for form in "$hex" "$b64" "$std" "${hex:0:16}" "${b64:0:16}"; do
  has "$logged" "$form" && found=$((found + 1))
done
accepts=$(grep -c 'cluster_secret_accept' "$CITUS_DIR"/worker1/server.log)
tap "$(is "$found" 0 && [ "$accepts" -ge 1 ] && [ ${#hex} = 64 ]; echo $?)" \
  "with log_statement = 'all' on every node, the new secret appears in no server log (hex, base64, base64url), though the install statements were logged" \
  "$found forms found, $accepts logged accepts on worker1"
out=$(on_worker citus_app "$REC")
tap "$(has "$out" 'none|0' && has "$out" 'MAC does not verify'; echo $?)" \
  "alice's record sealed under the previous cluster secret gives nothing now (MAC does not verify)" "$out"

# 12. a worker whose secret differs: reported, refused there, repaired by jwt.citus_setup()
q worker2 postgres -c "SELECT jwt.cluster_secret_create(replace => true)" >/dev/null
status=$(q coord postgres -c "SELECT secret FROM jwt.citus_status() WHERE port = ${CITUS_PORT} + 2")
out=$(qw coord citus_app <<SQL
BEGIN;
SELECT jwt.authenticate('$ALICE') IS NOT NULL AS ok \gset
WITH s AS MATERIALIZED (SELECT current_setting('port') AS port, jwt.sub() AS sub FROM claims_probe)
SELECT string_agg(DISTINCT port || ':' || coalesce(sub, 'none'), ' ' ORDER BY port || ':' || coalesce(sub, 'none')) FROM s;
COMMIT;
SQL
)
tap "$(is "$status" "differs from the coordinator's" && has "$out" "$((CITUS_PORT + 1)):$ALICE_UID" &&
       has "$out" "$((CITUS_PORT + 2)):none" && ! has "$out" "$((CITUS_PORT + 2)):$ALICE_UID"; echo $?)" \
  "worker2 with another secret: jwt.citus_status() says it differs, and its shard queries get no claims (worker1's do)" \
  "status $status; $out"
out=$(q coord postgres -c "SELECT string_agg(kind || ':' || secret, ', ' ORDER BY port) FROM jwt.citus_setup()")
after=$(q coord citus_app <<SQL
BEGIN;
SELECT jwt.authenticate('$ALICE') IS NOT NULL AS ok \gset
SELECT count(*) FILTER (WHERE jwt.sub() = '$ALICE_UID') FROM claims_probe;
COMMIT;
SQL
)
tap "$(is "$out" 'coordinator:present, worker:same as the coordinator, worker:same as the coordinator' &&
       is "$after" 64; echo $?)" \
  "jwt.citus_setup() puts the coordinator's secret back on worker2, whose pooled backends use it at once (all 64 probe rows see alice)" \
  "$out; $after probe rows saw alice"
