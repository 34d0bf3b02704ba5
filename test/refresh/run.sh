#!/usr/bin/env bash
# The key-set refresher (scripts/jwks_refresh.py) against a provider played
# by test/refresh/server.py on 127.0.0.1, whose key set rotates between
# runs: discovery, import, HTTP caching (max-age, ETag, Last-Modified,
# no-store, Expires), rotation with tokens in flight, Google's certificate
# map, and every refusal (a discovery document naming another issuer, http
# without --allow-http, private keys, an HTTP error), each leaving the
# keyring as it was.  Needs PGHOST/PGPORT/PGUSER of a server where
# CREATE EXTENSION token_ext works; creates its own scratch database.
# The last line is "RESULT <passed> <failed> <skipped>".
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
DB=token_ext_refresh
PASSED=0 FAILED=0 N=0

ok() { N=$((N + 1)); PASSED=$((PASSED + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do echo "# $l"; done; }
# check <name> <condition command...>
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi; }

if [ ! -x "$PY" ]; then
  echo "not ok 1 - $PY is needed for the refresher"; echo "RESULT 0 1 0"; exit 1
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1 || {
  echo "not ok 1 - scratch database"; echo "RESULT 0 1 0"; exit 1; }
sql -c 'CREATE EXTENSION token_ext' >/dev/null

# the provider's keys (private, kept in the database), and a certificate for the map
sql >/dev/null <<'SQL'
CREATE TABLE provider_key (kid text PRIMARY KEY, jwk jsonb NOT NULL);
INSERT INTO provider_key SELECT 'k' || n, jwt.generate_key('ES256') - 'kid' FROM generate_series(1, 3) n;
SQL
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/fb.key" -out "$WORK/fb.crt" -days 2 \
  -subj /CN=securetoken.system.gserviceaccount.com >/dev/null 2>&1

# the provider, on a port of its own
mkdir -p "$WORK/www"
"$PY" "$HERE/server.py" "$WORK/www" >"$WORK/port" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
ISS="http://127.0.0.1:$PORT"
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json"}' "$ISS" "$ISS" >"$WORK/www/discovery.json"

# publish <kid>...: the public keys of those kids as the served JWKS
publish() {
  local kids
  kids=$(printf "'%s'," "$@")
  sql -c "SELECT jsonb_build_object('keys', jsonb_agg(jwt.public_jwk(jwk) || jsonb_build_object('kid', kid, 'alg', 'ES256', 'use', 'sig') ORDER BY kid))
          FROM provider_key WHERE kid IN (${kids%,})" >"$WORK/www/jwks.json"
}
headers() { printf '%s' "$1" >"$WORK/www/headers.json"; }
requests() { wc -l <"$WORK/www/requests.log" 2>/dev/null || echo 0; }
last_request() { tail -n 1 "$WORK/www/requests.log"; }
# refresh [args...]: run the refresher; its output in $OUT, its status in $RC
refresh() {
  OUT=$("$PY" "$TOP/scripts/jwks_refresh.py" --issuer "$ISS" --audience app --allow-http \
        --state "$WORK/state.json" --min-interval 0 --dbname "dbname=$DB" "$@" 2>&1)
  RC=$?
}
# a token of kid, and whether jwt.authenticate takes it ("sub" or the error)
token() {
  sql -c "SELECT jwt.sign(jsonb_build_object('iss', '$ISS', 'aud', 'app', 'sub', 'user-of-$1', 'exp', 4102444800),
                          jwk, 'ES256', jsonb_build_object('kid', kid)) FROM provider_key WHERE kid = '$1'"
}
authenticates() {
  psql -X -q -At -d "$DB" -c "SELECT jwt.authenticate('$1')->>'sub'" 2>&1 | sed 's/^psql:[^:]*: //'
}
keyring() { sql -c "SELECT string_agg(kid || ':' || coalesce(audience, '-') || ':' || (not_after IS NULL), ' ' ORDER BY kid)
                    FROM jwt.keyring WHERE issuer = '$ISS'"; }
has() { grep -qF -- "$2" <<<"$1"; }

T1=$(token k1) T2=$(token k2) T3=$(token k3)

# 1. first run: discovery, then the key set, imported and bound
publish k1 k2
headers '{"jwks.json": {"Cache-Control": "max-age=300", "etag": true}}'
refresh
check "first run succeeds" test "$RC" = 0
check "first run adds k1 and k2" bash -c 'has() { grep -qF -- "$2" <<<"$1"; }; has "$0" "k1 added" && has "$0" "k2 added"' "$OUT"
check "the keys are bound to the issuer and its audience" test "$(keyring)" = "k1:app:true k2:app:true"
check "discovery, then the key set, were fetched" test "$(sed -n 's/.*"path": "\([^"]*\)".*"status": \([0-9]*\).*/\1 \2/p' "$WORK/www/requests.log" | paste -sd,)" \
  = "/.well-known/openid-configuration 200,/jwks.json 200"
check "a token of k1 authenticates" test "$(authenticates "$T1")" = "user-of-k1"
check "the state file is its owner's only" test "$(stat -c %a "$WORK/state.json")" = 600

# 2. while fresh (max-age=300), nothing is fetched
before=$(requests)
refresh
check "a fresh key set is not fetched again" bash -c '[ "$1" = 0 ] && [ "$2" = "$3" ]' _ "$RC" "$before" "$(requests)"
check "and the run says until when" has "$OUT" "fresh until"

# 3. --force revalidates with the ETag: 304, nothing imported
refresh --force
check "--force sends If-None-Match and gets 304" bash -c 'grep -q "\"if_none_match\": \"\\\\\"" <<<"$0" && grep -q "\"status\": 304" <<<"$0"' "$(last_request)"
check "a 304 is reported as not modified" bash -c '[ "$1" = 0 ] && grep -qF "not modified" <<<"$2"' _ "$RC" "$OUT"

# 4. rotation: k3 appears, k1 leaves; k1's tokens in flight verify through the grace period
publish k2 k3
headers '{"jwks.json": {"Cache-Control": "max-age=0", "etag": true}}'
refresh --force --grace '2 hours'
check "rotation: k3 added, k2 kept, k1 retired" bash -c 'grep -qF "k1 retired" <<<"$0" && grep -qF "k2 kept" <<<"$0" && grep -qF "k3 added" <<<"$0"' "$OUT"
check "k1 retires in two hours" test "$(sql -c "SELECT round(extract(epoch FROM not_after - now()) / 60) FROM jwt.keyring WHERE kid = 'k1' AND issuer = '$ISS'")" = 120
check "a token of k1 in flight still authenticates" test "$(authenticates "$T1")" = "user-of-k1"
check "a token of k3 authenticates" test "$(authenticates "$T3")" = "user-of-k3"
# max-age=0: the next run revalidates at once
before=$(requests)
refresh
check "max-age=0: the next run revalidates (304)" bash -c '[ "$1" -gt "$2" ] && grep -q "\"status\": 304" <<<"$3"' _ "$(requests)" "$before" "$(last_request)"
# after the grace period, k1's tokens fail
sql -c "UPDATE jwt.keyring SET not_before = now() - interval '3 hours', not_after = now() - interval '1 second' WHERE kid = 'k1'" >/dev/null
check "after the grace period a token of k1 fails" has "$(authenticates "$T1")" 'No key of issuer "'"$ISS"'" in the keyring has the token'"'"'s "kid" "k1"'

# 5. Last-Modified without an ETag: If-Modified-Since, 304
headers '{"jwks.json": {"Cache-Control": "max-age=0", "last_modified": true}}'
refresh --force
refresh --force
check "Last-Modified: If-Modified-Since is sent, 304" bash -c 'grep -q "\"if_modified_since\": \"[A-Z]" <<<"$0" && grep -q "\"status\": 304" <<<"$0"' "$(last_request)"

# 6. no-store: no validators kept, so the next request is unconditional; the import is idempotent
headers '{"jwks.json": {"Cache-Control": "no-store", "etag": true}}'
refresh --force
refresh
check "no-store: the next request is unconditional (200)" bash -c 'grep -q "\"if_none_match\": null" <<<"$0" && grep -q "\"status\": 200" <<<"$0"' "$(last_request)"
check "importing the same set again keeps every key" bash -c 'grep -qF "k2 kept" <<<"$0" && grep -qF "k3 kept" <<<"$0" && ! grep -qF "added" <<<"$0"' "$OUT"

# 7. Expires without Cache-Control: fresh until then
headers "{\"jwks.json\": {\"Expires\": \"$(date -u -d '+10 minutes' '+%a, %d %b %Y %H:%M:%S GMT')\"}}"
refresh --force
before=$(requests)
refresh
check "Expires: fresh until then, nothing fetched" bash -c '[ "$1" = "$2" ] && grep -qF "fresh until" <<<"$3"' _ "$before" "$(requests)" "$OUT"

# 8. refusals leave the keyring as it was
ring=$(keyring)
sql -c "SELECT jsonb_build_object('keys', jsonb_agg(jwk || jsonb_build_object('kid', kid))) FROM provider_key WHERE kid = 'k2'" >"$WORK/www/jwks.json"
headers '{"jwks.json": {"Cache-Control": "max-age=0"}}'
refresh --force
check "a set with private keys is refused" bash -c '[ "$1" = 1 ] && grep -qF "holds private key material" <<<"$2"' _ "$RC" "$OUT"
check "and the keyring is unchanged" test "$(keyring)" = "$ring"
printf '{"issuer":"%s/","jwks_uri":"%s/jwks.json"}' "$ISS" "$ISS" >"$WORK/www/discovery.json"
publish k2 k3
refresh --force
check "a discovery document naming another issuer is refused" bash -c '[ "$1" = 1 ] && grep -qF "names the issuer" <<<"$2"' _ "$RC" "$OUT"
printf '{"issuer":"%s","jwks_uri":"%s/nowhere.json"}' "$ISS" "$ISS" >"$WORK/www/discovery.json"
refresh --force
check "an HTTP error is refused" bash -c '[ "$1" = 1 ] && grep -qF "HTTP 404" <<<"$2"' _ "$RC" "$OUT"
OUT=$("$PY" "$TOP/scripts/jwks_refresh.py" --issuer "$ISS" --dbname "dbname=$DB" 2>&1); RC=$?
check "http without --allow-http is refused" bash -c '[ "$1" = 1 ] && grep -qF "only https URLs are fetched" <<<"$2"' _ "$RC" "$OUT"
check "after the refusals the keyring is unchanged" test "$(keyring)" = "$ring"

# 9. Google's certificate map, for a Firebase project, without discovery
"$PY" - "$WORK/fb.crt" >"$WORK/www/certs.json" <<'EOF'
import json, sys
print(json.dumps({"0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6": open(sys.argv[1]).read()}))
EOF
headers '{"certs.json": {"Cache-Control": "public, max-age=19302, must-revalidate, no-transform"}}'
OUT=$("$PY" "$TOP/scripts/jwks_refresh.py" --issuer https://securetoken.google.com/proj-1 --audience proj-1 \
      --jwks-uri "$ISS/certs" --allow-http --state "$WORK/state.json" --dbname "dbname=$DB" 2>&1); RC=$?
check "the certificate map is imported" bash -c '[ "$1" = 0 ] && grep -qF "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6 added" <<<"$2"' _ "$RC" "$OUT"
FB=$(sql -c "SELECT jwt.sign('{\"iss\":\"https://securetoken.google.com/proj-1\",\"aud\":\"proj-1\",\"sub\":\"fb-user\",\"exp\":4102444800}',
                             jwt.jwk_from_pem(\$pem\$$(cat "$WORK/fb.key")\$pem\$) - 'kid', 'RS256',
                             '{\"kid\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6\"}')")
check "a Firebase token of that certificate's key authenticates" test "$(authenticates "$FB")" = "fb-user"
check "the map's max-age (19302 s) is honoured" bash -c '"$0" -c "import json,sys,time; s=json.load(open(sys.argv[1])); f=s[\"https://securetoken.google.com/proj-1\"][\"jwks\"][\"fresh_until\"]-time.time(); sys.exit(0 if 19200 < f <= 19302 else 1)" "$1"' "$PY" "$WORK/state.json"
check "the state keeps one entry per issuer" bash -c '"$0" -c "import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))) == 2 else 1)" "$1"' "$PY" "$WORK/state.json"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
echo "1..$N"
echo "RESULT $PASSED $FAILED 0"
[ "$FAILED" = 0 ]
