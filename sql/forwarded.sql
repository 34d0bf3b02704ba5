--
-- forwarded: what a node does with token_ext.forwarded_claims, the claims
-- a Citus coordinator forwards to its workers sealed under the cluster
-- secret, and the superuser functions of that secret.  No Citus here: the
-- records are built in SQL with pgcrypto's hmac() over the documented
-- format (t.record below), independently of token_ext's C code, and set
-- with set_config as anyone could.  The Citus suite (test/citus) runs the
-- whole mechanism on three nodes.
--
-- A record gives claims only when its MAC verifies under this node's
-- secret, its version is 1, the token's exp and nbf hold at the start of
-- this transaction with the leeway it carries, and it is no older than
-- token_ext.forward_max_age.  Anything else gives no claims (NULL readers,
-- no rows under a policy) and one WARNING per transaction saying why:
-- never an error inside a policy.
--
\set VERBOSITY default

-- a record (README: Scale-out on Citus): version, sealed time, exp and nbf
-- in microseconds (empty when absent), leeway in seconds, role-claim path
-- and claims in base64url, then the HMAC-SHA256 under secret of the label
-- 'token_ext forwarded claims v1', a NUL byte and all that precedes it
CREATE FUNCTION t.record(sealed timestamptz, exp timestamptz, nbf timestamptz, leeway integer,
                         role_path text, claims text, secret bytea, version text DEFAULT '1')
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT s || t.b64url(hmac(convert_to('token_ext forwarded claims v1', 'UTF8') || '\x00'::bytea
                            || convert_to(s, 'UTF8'), secret, 'sha256'))
    FROM (SELECT version || '.' || (extract(epoch FROM sealed) * 1000000)::bigint || '.'
                 || coalesce(((extract(epoch FROM exp) * 1000000)::bigint)::text, '') || '.'
                 || coalesce(((extract(epoch FROM nbf) * 1000000)::bigint)::text, '') || '.'
                 || leeway || '.' || t.b64url(role_path) || '.' || t.b64url(claims) || '.' AS s) x
$$;

-- the secret installed below, and another
CREATE FUNCTION t.secret(n integer DEFAULT 1) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT decode(repeat(CASE n WHEN 1 THEN 'ab' ELSE 'cd' END, 32), 'hex') $$;

-- the claims of a record of alice (role claim "authenticated", and a nested one)
CREATE FUNCTION t.alice() RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT '{"sub":"a11ce000-0000-4000-8000-000000000001","role":"authenticated","app_metadata":{"role":"editor"}}' $$;

-- the readers as one line
CREATE FUNCTION t.readers() RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT format('sub=%s uid=%s role=%s authenticated=%s', coalesce(jwt.sub(), 'NULL'),
                    coalesce(jwt.uid()::text, 'NULL'), coalesce(jwt.role(), 'NULL'), jwt.authenticated()) $$;

-- no cluster secret on this node yet: a value gives nothing, and says why.
-- Nothing has loaded token_ext in this session yet, so the set_config below
-- makes a placeholder, as Citus's replayed SET LOCAL does on a worker that
-- does not preload token_ext; the library keeps its value when it loads.
BEGIN;
SELECT set_config('token_ext.forwarded_claims', t.record(now(), now() + interval '10 min', NULL, 30, '.role', t.alice(), t.secret()), true) IS NOT NULL AS set;
SELECT t.readers();
COMMIT;

-- the cluster-wide functions need Citus
SELECT * FROM jwt.citus_setup();
SELECT * FROM jwt.citus_status();

-- only superusers handle the secret: not granted to PUBLIC, and refused by
-- the C code even when granted
CREATE ROLE fwd_user;
SET ROLE fwd_user;
SELECT jwt.cluster_secret_fingerprint();
SELECT jwt.cluster_secret_create();
SELECT * FROM jwt.cluster_secret;
RESET ROLE;
GRANT EXECUTE ON FUNCTION jwt.cluster_secret_fingerprint(), jwt.cluster_secret_create(boolean),
    jwt.cluster_secret_offer(), jwt.cluster_secret_wrap(jsonb), jwt.cluster_secret_accept(text[]) TO fwd_user;
SET ROLE fwd_user;
SELECT jwt.cluster_secret_fingerprint();
SELECT jwt.cluster_secret_create();
SELECT jwt.cluster_secret_offer();
SELECT jwt.cluster_secret_wrap('{"kty":"OKP","crv":"X25519","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}');
SELECT jwt.cluster_secret_accept('{}');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION jwt.cluster_secret_fingerprint(), jwt.cluster_secret_create(boolean),
    jwt.cluster_secret_offer(), jwt.cluster_secret_wrap(jsonb), jwt.cluster_secret_accept(text[]) FROM fwd_user;

-- a random secret, made once
SELECT jwt.cluster_secret_fingerprint() IS NULL AS no_secret_yet;
SELECT jwt.cluster_secret_create() AS made;
SELECT jwt.cluster_secret_create() AS made_again;
SELECT jwt.cluster_secret_fingerprint() ~ '^[0-9a-f]{32}$' AS fingerprint_is_32_hex;
SELECT jwt.cluster_secret_fingerprint() AS fp1 \gset
SELECT jwt.cluster_secret_create(replace => true) AS replaced;
SELECT jwt.cluster_secret_fingerprint() <> :'fp1' AS another_secret;

-- wrap: the secret encrypted (ECDH-ES, A256GCM) to an offered public key; the
-- holder of the private key, and only it, reads exactly the secret
SELECT jwt.generate_key('X25519') AS x_private \gset
SELECT jwt.cluster_secret_wrap(jwt.public_jwk(:'x_private')) AS wrapped \gset
SELECT convert_from(decode(rpad(translate(split_part(:'wrapped', '.', 1), '-_', '+/'),
                              (length(split_part(:'wrapped', '.', 1)) + 3) / 4 * 4, '='), 'base64'), 'UTF8')::jsonb
       - 'epk' - 'kid' AS wrapped_header;
SELECT length(jwt.decrypt_raw(:'wrapped', :'x_private'::jsonb, 'ECDH-ES', 'A256GCM')) AS secret_bytes;
SELECT jwt.cluster_secret_wrap('{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}');

-- offer and accept: the node's new public key; a secret wrapped to it by
-- jwt.encrypt (as a coordinator's jwt.cluster_secret_wrap would) installs
SELECT jwt.cluster_secret_accept(ARRAY['x']);
SELECT jwt.cluster_secret_offer() AS offer \gset
SELECT :'offer'::jsonb ->> 'kty' AS kty, :'offer'::jsonb ->> 'crv' AS crv, :'offer'::jsonb ? 'd' AS has_private,
       :'offer'::jsonb ->> 'kid' = jwt.jwk_thumbprint(:'offer'::jsonb) AS kid_is_thumbprint;
SELECT (SELECT offer ? 'd' FROM jwt.cluster_secret) AS private_half_kept;
SELECT jwt.encrypt(t.secret(), :'offer'::jsonb, 'ECDH-ES', 'A256GCM') AS wrapped \gset
SELECT jwt.encrypt(t.secret(2), jwt.public_jwk(jwt.generate_key('X25519')), 'ECDH-ES', 'A256GCM') AS for_another \gset
SELECT jwt.cluster_secret_accept(ARRAY['not a JWE', :'for_another']);
SELECT jwt.cluster_secret_accept(ARRAY[NULL, 'not a JWE', :'for_another', :'wrapped']) AS accepted;
-- python3: hmac.new(bytes([0xab])*32, b"token_ext cluster secret fingerprint v1\0", sha256).hexdigest()[:32]
SELECT jwt.cluster_secret_fingerprint() = '3ee7841416951918b84ff12ea1079329' AS known_fingerprint;
SELECT (SELECT offer IS NULL FROM jwt.cluster_secret) AS private_half_gone;
SELECT jwt.cluster_secret_accept(ARRAY[:'wrapped']);
SELECT jwt.cluster_secret_offer() AS offer \gset
SELECT jwt.cluster_secret_accept(ARRAY[jwt.encrypt(t.secret(), :'offer'::jsonb, 'ECDH-ES', 'A256GCM')]) AS accepted;

-- a genuine record: the claims, and the role at the path the record carries
-- (.app_metadata.role), not this node's token_ext.role_claim (.role)
BEGIN;
SELECT set_config('token_ext.forwarded_claims',
                  t.record(now(), now() + interval '10 min', now() - interval '1 min', 30, '.app_metadata.role',
                           t.alice(), t.secret()), true) IS NOT NULL AS set;
SELECT current_setting('token_ext.role_claim') AS own_role_claim, t.readers();
SELECT jwt.claims() ->> 'sub' AS sub, jwt.claim('role') AS role_claim;
COMMIT;
-- gone with the transaction
SELECT t.readers();

-- each case in a transaction of its own, its record built in that
-- transaction (the times are relative to its start): refused ones give no
-- claims and one WARNING with the reason
CREATE TABLE fwd_case (n integer PRIMARY KEY, what text NOT NULL, sealed interval NOT NULL,
                       exp interval, nbf interval, leeway integer NOT NULL DEFAULT 30,
                       secret integer NOT NULL DEFAULT 1, version text NOT NULL DEFAULT '1', mangle text);
INSERT INTO fwd_case (n, what, sealed, exp, nbf, leeway, secret, version, mangle) VALUES
  (1, 'accepted: sealed now', '0', '10 min', NULL, 30, 1, '1', NULL),
  (2, 'accepted: sealed 300 s ago (the default maximum age)', '-300 s', '10 min', NULL, 30, 1, '1', NULL),
  (3, 'too old: sealed 301 s ago', '-301 s', '10 min', NULL, 30, 1, '1', NULL),
  (4, 'accepted: sealed 30 s ahead (within the leeway)', '30 s', '10 min', NULL, 30, 1, '1', NULL),
  (5, 'sealed 31 s ahead, beyond the leeway', '31 s', '10 min', NULL, 30, 1, '1', NULL),
  (6, 'accepted: exp 29 s ago, leeway 30 s', '0', '-29 s', NULL, 30, 1, '1', NULL),
  (7, 'expired: exp 30 s ago, leeway 30 s', '0', '-30 s', NULL, 30, 1, '1', NULL),
  (8, 'expired: exp 1 s ago, leeway 0 s', '0', '-1 s', NULL, 0, 1, '1', NULL),
  (9, 'not yet valid: nbf in 31 s, leeway 30 s', '0', '10 min', '31 s', 30, 1, '1', NULL),
  (10, 'accepted: nbf in 30 s, leeway 30 s', '0', '10 min', '30 s', 30, 1, '1', NULL),
  (11, 'another cluster secret', '0', '10 min', NULL, 30, 2, '1', NULL),
  (12, 'version 2', '0', '10 min', NULL, 30, 1, '2', NULL),
  (13, 'one character of the MAC changed', '0', '10 min', NULL, 30, 1, '1', 'mac'),
  (14, 'claims changed (another sub), MAC kept', '0', '10 min', NULL, 30, 1, '1', 'claims'),
  (15, 'not a record: claims JSON', '0', '10 min', NULL, 30, 1, '1', 'json'),
  (16, 'not a record: a token', '0', '10 min', NULL, 30, 1, '1', 'token'),
  (17, 'accepted: no exp, no nbf', '0', NULL, NULL, 30, 1, '1', NULL);

-- the value of a case, made now
CREATE FUNCTION t.fwd_value(c fwd_case) RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT CASE c.mangle
           -- the MAC's first character: all six of its bits are used, so the
           -- altered MAC stays canonical base64url (the last one's are not)
           WHEN 'mac' THEN array_to_string((string_to_array(r, '.'))[1:7]
                                           || (CASE left((string_to_array(r, '.'))[8], 1) WHEN 'A' THEN 'B' ELSE 'A' END
                                               || substr((string_to_array(r, '.'))[8], 2)), '.')
           WHEN 'claims' THEN array_to_string((string_to_array(r, '.'))[1:6]
                                              || t.b64url(replace(t.alice(), 'a11ce', 'b0b00'))
                                              || (string_to_array(r, '.'))[8:8], '.')
           WHEN 'json' THEN t.alice()
           WHEN 'token' THEN t.forge('{"alg":"HS256"}', t.alice(), t.secret())
           ELSE r END
    FROM (SELECT t.record(now() + c.sealed, now() + c.exp, now() + c.nbf, c.leeway, '.role', t.alice(),
                          t.secret(c.secret), c.version) AS r) x
$$;

SELECT format($q$BEGIN;
SELECT n, what, set_config('token_ext.forwarded_claims', t.fwd_value(c), true) IS NOT NULL AS set FROM fwd_case c WHERE n = %s;
SELECT t.readers();
COMMIT;$q$, n) FROM fwd_case ORDER BY n \gexec

-- the secret is cached, and the cache follows every change of the table,
-- also one made by plain SQL (a trigger announces it)
UPDATE jwt.cluster_secret SET secret = t.secret(2);
SELECT format($q$BEGIN;
SELECT n, what, set_config('token_ext.forwarded_claims', t.fwd_value(c), true) IS NOT NULL AS set FROM fwd_case c WHERE n = %s;
SELECT t.readers();
COMMIT;$q$, n) FROM fwd_case WHERE n IN (1, 11) ORDER BY n \gexec
UPDATE jwt.cluster_secret SET secret = t.secret(1);
-- the trigger fires only on that table
CREATE TABLE fwd_other (x integer);
CREATE TRIGGER fwd_other_changed AFTER INSERT ON fwd_other
    FOR EACH STATEMENT EXECUTE FUNCTION jwt.cluster_secret_trigger();
INSERT INTO fwd_other VALUES (1);
DROP TABLE fwd_other;

-- the times are of each transaction: a value SET for the session (not
-- LOCAL) is checked again in every transaction, never trusted from before
SELECT t.record(now() - interval '200 s', now() + interval '10 min', NULL, 30, '.role', t.alice(), t.secret()) AS aging \gset
SET token_ext.forwarded_claims = :'aging';
SELECT t.readers();
SET token_ext.forward_max_age = '3min';
\set VERBOSITY terse
SELECT t.readers();
\set VERBOSITY default
RESET token_ext.forward_max_age;
SELECT t.readers();
-- jwt.clear() empties it for the session too
SELECT jwt.clear();
SELECT t.readers();
SHOW token_ext.forwarded_claims;

-- one WARNING per transaction however many rows the readers see
BEGIN;
SELECT set_config('token_ext.forwarded_claims', 'junk', true) IS NOT NULL AS set;
SELECT count(jwt.uid()) AS uids, count(jwt.sub()) AS subs FROM generate_series(1, 1000);
COMMIT;

-- under a policy: the rows of the forwarded sub, none for a refused value, never an error
CREATE TABLE fwd_notes (id integer, owner uuid);
INSERT INTO fwd_notes VALUES (1, 'a11ce000-0000-4000-8000-000000000001'), (2, gen_random_uuid());
ALTER TABLE fwd_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY fwd_own ON fwd_notes USING (owner = jwt.uid());
GRANT SELECT ON fwd_notes TO fwd_user;
BEGIN;
SELECT t.fwd_value(c) AS genuine FROM fwd_case c WHERE n = 1 \gset
SELECT t.fwd_value(c) AS altered FROM fwd_case c WHERE n = 13 \gset
SET LOCAL ROLE fwd_user;
SELECT set_config('token_ext.forwarded_claims', :'genuine', true) IS NOT NULL AS set;
SELECT id FROM fwd_notes;
SELECT set_config('token_ext.forwarded_claims', :'altered', true) IS NOT NULL AS set;
SELECT id FROM fwd_notes;
COMMIT;

-- a node's own verified claims come first; trust in request.jwt.claims is
-- never extended when a forwarded value is there (even a refused one), nor
-- in a backend that says it serves a Citus coordinator
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('fwd', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url('forwarded-test-secret-32-bytes!!'::text)));
BEGIN;
SELECT jwt.authenticate(t.forge('{"alg":"HS256","kid":"fwd"}', '{"sub":"00000000-0000-4000-8000-00000000000b"}',
                                convert_to('forwarded-test-secret-32-bytes!!', 'UTF8'))) ->> 'sub' AS own;
SELECT set_config('token_ext.forwarded_claims', t.fwd_value(c), true) IS NOT NULL AS set FROM fwd_case c WHERE n = 1;
SELECT t.readers();
COMMIT;
BEGIN;
SET LOCAL token_ext.trust_request_claims = on;
SET LOCAL request.jwt.claims = '{"sub":"00000000-0000-4000-8000-0000000000cc"}';
SELECT t.readers();
SET LOCAL token_ext.forwarded_claims = 'junk';
SELECT t.readers();
RESET token_ext.forwarded_claims;
SET LOCAL application_name = 'citus_internal gpid=10000000001';
SELECT t.readers();
COMMIT;

-- jwt.clear() in a transaction: no claims, forwarded or not, from then on
BEGIN;
SELECT set_config('token_ext.forwarded_claims', t.fwd_value(c), true) IS NOT NULL AS set FROM fwd_case c WHERE n = 1;
SELECT jwt.clear();
SELECT t.readers();
COMMIT;

-- the setting is hidden, and cannot come from a configuration file
SELECT count(*) AS listed FROM pg_settings WHERE name = 'token_ext.forwarded_claims';
SELECT name, setting, unit, context FROM pg_settings WHERE name = 'token_ext.forward_max_age';
SET ROLE fwd_user;
SET token_ext.forward_max_age = '1h';
RESET ROLE;
ALTER SYSTEM SET token_ext.forwarded_claims = 'x';

DROP FUNCTION t.fwd_value(fwd_case);
DROP TABLE fwd_notes, fwd_case;
DELETE FROM jwt.keyring WHERE kid = 'fwd';
DELETE FROM jwt.cluster_secret;
DROP ROLE fwd_user;

-- (that an updated database equals a fresh one is the upgrade suite's test)
