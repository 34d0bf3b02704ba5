#!/usr/bin/env bash
# Real-world key file shapes (security review, finding 2): every shape a
# user may paste as a key is read as the key it is, or refused; none is
# ever used as an HMAC secret.  The files are made fresh by the real tools
# (openssl, ssh-keygen) in a scratch folder: PEM with a byte-order mark,
# CRLF line ends, leading blank lines or a comment, `openssl pkcs12`
# exports ("Bag Attributes" first), certificate chains, traditional and
# EC-PARAMETERS-first private keys, OpenSSH lines and RFC 4716 blocks, JWK
# and JWKS text with whitespace or a byte-order mark, and base64 DER without
# armour.
#
# For each shape, against the server of test.sh (PGHOST/PGPORT/PGUSER):
#   - a token signed with the shape's own private key verifies with the
#     shape, when the shape is expected to read; otherwise jwt.verify
#     refuses the shape with "invalid key";
#   - an HS256 token MACed (by pgcrypto, independently) with the shape's
#     exact bytes never verifies with the shape as a text key, as a text
#     key with alg => 'HS256', or (for key material) as a bytea key.
# Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")"
DB=token_ext_keyshapes
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if ! command -v openssl >/dev/null || ! command -v ssh-keygen >/dev/null; then
  echo "ok - key shapes # SKIP openssl or ssh-keygen is not installed"
  echo "RESULT 0 0 1"; exit 0
fi

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null || {
  echo "not ok - scratch database"; echo "RESULT 0 1 0"; exit 1; }

# --- the corpus -----------------------------------------------------------
cd "$WORK"
q() { "$@" >/dev/null 2>&1 || { echo "not ok - corpus: $* failed"; echo "RESULT 0 1 0"; exit 1; }; }
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key
q openssl pkey -in rsa.key -pubout -out rsa.pub
q openssl pkey -in rsa.key -traditional -out rsa.trad
q openssl ecparam -name prime256v1 -genkey -out ec.params_first
q openssl pkey -in ec.params_first -out ec.key
q openssl pkey -in ec.key -pubout -out ec.pub
q openssl genpkey -algorithm ed25519 -out ed.key
q openssl pkey -in ed.key -pubout -out ed.pub
# a CA, and leaf certificates it signed for each key
q openssl req -x509 -new -newkey rsa:2048 -nodes -keyout ca.key -subj /CN=test-ca -days 2 -out ca.crt
for k in rsa ec ed; do
  q openssl req -new -key $k.key -subj /CN=$k -out $k.csr
  q openssl x509 -req -in $k.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out $k.crt
  cat $k.crt ca.crt > $k.chain
  q openssl pkcs12 -export -in $k.crt -inkey $k.key -certfile ca.crt -passout pass:p12 -out $k.p12
  openssl pkcs12 -in $k.p12 -passin pass:p12 -nokeys > $k.p12_nokeys 2>/dev/null
  openssl pkcs12 -in $k.p12 -passin pass:p12 -nodes > $k.p12_nodes 2>/dev/null
  { printf '\xEF\xBB\xBF'; cat $k.pub; } > $k.pub_bom
  sed 's/$/\r/' $k.pub > $k.pub_crlf
  { printf '\n\n  \n'; cat $k.pub; } > $k.pub_blank_lines
  { echo "# $k verification key, rotated 2026-01"; cat $k.pub; } > $k.pub_comment
  { printf '\xEF\xBB\xBF'; sed 's/$/\r/' $k.crt; } > $k.crt_bom_crlf
  grep -v -- '-----' $k.pub > $k.pub_bare_base64
  grep -v -- '-----' $k.pub | tr -d '\n' > $k.pub_bare_one_line
  q openssl pkcs8 -topk8 -in $k.key -passout pass:secret -v2 aes-256-cbc -out $k.key_encrypted
done
# OpenSSH shapes, made by ssh-keygen itself
q ssh-keygen -q -t rsa -b 2048 -N '' -C user@host -f ssh_rsa
q ssh-keygen -q -t ed25519 -N '' -C user@host -f ssh_ed
cp ssh_rsa.pub ssh_rsa_line
cp ssh_ed.pub ssh_ed_line
{ printf 'from="10.0.0.0/8",no-pty '; cat ssh_ed.pub; } > ssh_authorized_keys
ssh-keygen -e -f ssh_rsa.pub > ssh_rfc4716 2>/dev/null
cp ssh_ed ssh_openssh_private
ssh-keygen -i -m PKCS8 -f rsa.pub > rsa_as_ssh 2>/dev/null
{ printf '\xEF\xBB\xBF'; echo 'not a key, only text a secret never starts with'; } > bom_text

# --- the checks -------------------------------------------------------------
# shape file, key it must read as ("-": must be refused), description
SHAPES=(
  "rsa.pub rsa SPKI PEM"
  "rsa.pub_bom rsa PEM with a UTF-8 byte-order mark"
  "rsa.pub_crlf rsa PEM with CRLF line ends"
  "rsa.pub_blank_lines rsa PEM after blank lines"
  "rsa.pub_comment rsa PEM after a comment line"
  "rsa.crt rsa X.509 certificate"
  "rsa.crt_bom_crlf rsa certificate with a byte-order mark and CRLF"
  "rsa.chain rsa certificate chain (leaf first)"
  "rsa.p12_nokeys rsa openssl pkcs12 -nokeys output (Bag Attributes first)"
  "rsa.p12_nodes rsa openssl pkcs12 -nodes output (certificates and key)"
  "rsa.key rsa PKCS#8 private key"
  "rsa.trad rsa traditional (PKCS#1) private key"
  "rsa.pub_bare_base64 - SPKI base64 without armour"
  "rsa.pub_bare_one_line - SPKI base64 on one line without armour"
  "rsa.key_encrypted - encrypted PKCS#8"
  "rsa_as_ssh - ssh-rsa line of the same RSA key"
  "ec.pub ec SPKI PEM"
  "ec.pub_bom ec PEM with a byte-order mark"
  "ec.pub_crlf ec PEM with CRLF line ends"
  "ec.pub_comment ec PEM after a comment line"
  "ec.params_first ec openssl ecparam -genkey output (EC PARAMETERS block first)"
  "ec.chain ec certificate chain"
  "ec.p12_nokeys ec openssl pkcs12 -nokeys output"
  "ec.p12_nodes ec openssl pkcs12 -nodes output"
  "ec.pub_bare_base64 - SPKI base64 without armour"
  "ed.pub ed SPKI PEM"
  "ed.pub_bom ed PEM with a byte-order mark"
  "ed.pub_crlf ed PEM with CRLF line ends"
  "ed.pub_blank_lines ed PEM after blank lines"
  "ed.crt ed X.509 certificate"
  "ed.p12_nokeys ed openssl pkcs12 -nokeys output"
  "ed.pub_bare_one_line - SPKI base64 on one line without armour"
  "ssh_rsa_line - ssh-keygen RSA public key line"
  "ssh_ed_line - ssh-keygen Ed25519 public key line"
  "ssh_authorized_keys - authorized_keys line with options"
  "ssh_rfc4716 - RFC 4716 SSH2 public key block"
  "ssh_openssh_private - OpenSSH private key"
  "bom_text - text after a byte-order mark"
)

SQL="$WORK/checks.sql"
{
  cat <<'PRE'
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS token_ext;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
-- an HS256 token MACed with the bytes of key, by pgcrypto (independent of token_ext)
CREATE FUNCTION forge(key bytea) RETURNS text LANGUAGE sql AS $$
  SELECT si || '.' || rtrim(translate(encode(hmac(convert_to(si, 'UTF8'), key, 'sha256'), 'base64'), '+/', '-_'), '=')
    FROM (SELECT 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtYWxsb3J5In0'::text AS si) s $$;
-- what jwt.verify makes of (token, key): 'valid', or the error message
CREATE FUNCTION outcome(token text, key text, alg text DEFAULT NULL) RETURNS text LANGUAGE plpgsql AS $$
BEGIN PERFORM jwt.verify(token, key, alg => alg); RETURN 'valid';
EXCEPTION WHEN others THEN RETURN SQLERRM; END $$;
CREATE FUNCTION outcome_bytea(token text, key bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN PERFORM jwt.verify(token, key); RETURN 'valid';
EXCEPTION WHEN others THEN RETURN SQLERRM; END $$;
-- one shape: the TAP lines of its checks
CREATE FUNCTION check_shape(label text, shape text, expect_key text, token text,
                            key_material boolean DEFAULT true) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE got text; forged text := forge(convert_to(shape, 'UTF8'));
BEGIN
  got := outcome(token, shape);
  IF expect_key = '-' THEN
    RETURN NEXT CASE WHEN got = 'invalid key' THEN 'ok' ELSE 'not ok' END
      || ' - ' || label || ': refused as a key (' || got || ')';
  ELSE
    RETURN NEXT CASE WHEN got = 'valid' THEN 'ok' ELSE 'not ok' END
      || ' - ' || label || ': read as the ' || expect_key || ' key it holds (' || got || ')';
  END IF;
  got := outcome(forged, shape);
  RETURN NEXT CASE WHEN got <> 'valid' THEN 'ok' ELSE 'not ok' END
    || ' - ' || label || ': never an HMAC secret as text (' || got || ')';
  got := outcome(forged, shape, 'HS256');
  RETURN NEXT CASE WHEN got <> 'valid' THEN 'ok' ELSE 'not ok' END
    || ' - ' || label || ': never an HMAC secret as text with alg HS256 (' || got || ')';
  -- (a bytea secret may start with a byte-order mark: it is not key material)
  IF NOT key_material THEN RETURN; END IF;
  got := outcome_bytea(forged, convert_to(shape, 'UTF8'));
  RETURN NEXT CASE WHEN got <> 'valid' THEN 'ok' ELSE 'not ok' END
    || ' - ' || label || ': never an HMAC secret as bytea (' || got || ')';
END $$;
PRE
  for k in rsa ec ed; do
    echo "\\set ${k}_priv \`cat $WORK/$k.key\`"
    echo "SELECT jwt.sign('{\"sub\":\"$k\"}', :'${k}_priv') AS ${k}_token \\gset"
  done
  for entry in "${SHAPES[@]}"; do
    set -- $entry; file=$1 key=$2; shift 2; label="$*"
    [ -s "$file" ] || { echo "SELECT 'not ok - $label: the corpus file $file could not be made';"; continue; }
    echo "\\set shape \`cat $WORK/$file\`"
    if [ "$key" = "-" ]; then token=":'rsa_token'"; else token=":'${key}_token'"; fi
    material=true; [ "$file" = bom_text ] && material=false
    echo "SELECT check_shape('$file, $label', :'shape', '$key', $token, $material);"
  done
  # JWK and JWKS text as people paste it: pretty-printed, after a byte-order mark, in a set
  for k in rsa ec ed; do
    echo "\\set pub \`cat $WORK/$k.pub\`"
    echo "SELECT jsonb_pretty(jwt.jwk_from_pem(:'pub')) AS shape \\gset"
    echo "SELECT check_shape('$k JWK text, pretty-printed', :'shape', '$k', :'${k}_token');"
    echo "SELECT check_shape('$k JWK text after a byte-order mark and a blank line', E'\\uFEFF\\n' || :'shape', '$k', :'${k}_token');"
    echo "SELECT check_shape('$k JWKS text, pretty-printed', jsonb_pretty(jsonb_build_object('keys', jsonb_build_array(:'shape'::jsonb))), '$k', :'${k}_token');"
  done
  # the DER bytes of a public key, as bytea, are never a secret either
  for k in rsa ec ed; do
    openssl pkey -pubin -in $k.pub -outform DER -out $k.der 2>/dev/null
    echo "SELECT CASE WHEN outcome_bytea(forge(decode('$(od -An -v -tx1 $k.der | tr -d ' \n')', 'hex')), decode('$(od -An -v -tx1 $k.der | tr -d ' \n')', 'hex')) <> 'valid' THEN 'ok' ELSE 'not ok' END || ' - $k DER public key as bytea: never an HMAC secret';"
  done
} > "$SQL"

out=$(psql -X -A -t -d "$DB" -f "$SQL" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v '^$'
passed=$(printf '%s\n' "$out" | grep -c '^ok - ' || true)
failed=$(printf '%s\n' "$out" | grep -c '^not ok - ' || true)
if [ "$rc" -ne 0 ]; then echo "not ok - the checks ran to their end (psql exited with $rc)"; failed=$((failed + 1)); fi
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
echo "RESULT $passed $failed 0"
[ "$failed" -eq 0 ]
