--
-- keyring: what jwt.authenticate accepts, from which keys, when.
--
-- jwt.keyring holds the server's keys (JWKs) with their purposes and time
-- windows.  The trigger refuses rows whose key does not parse or does not
-- fit the row; jwt.authenticate uses only 'verify' keys (JWS) and 'decrypt'
-- keys (JWE) inside their windows; signing by kid uses only 'sign' keys;
-- changes reach every session when they commit (relcache invalidation,
-- checked here with a second session over dblink); jwt.keyring_jwks()
-- publishes only public halves.  The policy settings (algorithms,
-- audience, issuer, leeway) are checked at the end.
--
-- Tokens are built with t.forge (pgcrypto HMAC, init.sql) and never
-- printed; JWE tokens are random, so only their outcomes are printed.
--
\set VERBOSITY default

-- an oct JWK of the UTF-8 bytes of a secret, and a token MACed with them
CREATE FUNCTION kr_jwk(secret text) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to(secret, 'UTF8'))) $$;
CREATE FUNCTION kr_tok(kid text, payload text, secret text, alg text DEFAULT 'HS256') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT t.forge(CASE WHEN kid IS NULL THEN format('{"alg":"%s","typ":"JWT"}', alg)
                      ELSE format('{"alg":"%s","typ":"JWT","kid":"%s"}', alg, kid) END,
                 payload, convert_to(secret, 'UTF8'),
                 CASE alg WHEN 'HS384' THEN 'sha384' WHEN 'HS512' THEN 'sha512' ELSE 'sha256' END)
$$;
-- the outcome of authenticating a token: 'OK <sub>' or '<SQLSTATE> <message> | <detail>'
CREATE FUNCTION kr_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''', tok)) $$;

-- secrets of 32 bytes (HS256, dir with A256GCM, A256KW)
SELECT octet_length('keyring-test-verify-secret-0001!') AS v1,
       octet_length('keyring-test-sign-only-secret-2!') AS s1,
       octet_length('keyring-test-decrypt-secret-003!') AS d1;

--
-- only the owner reads the keyring
--
CREATE ROLE regress_kr_user;
GRANT USAGE ON SCHEMA t TO regress_kr_user;
SET ROLE regress_kr_user;
SELECT t.outcome('SELECT count(*) FROM jwt.keyring') AS select_keyring;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('x', '{verify}', '{"kty":"oct","k":"AAAA"}')$$) AS insert_keyring;
SELECT t.outcome($$DELETE FROM jwt.keyring$$) AS delete_keyring;
SELECT t.outcome($$TRUNCATE jwt.keyring$$) AS truncate_keyring;
RESET ROLE;
SELECT has_table_privilege('regress_kr_user', 'jwt.keyring', 'SELECT') AS user_can_select,
       has_table_privilege('public', 'jwt.keyring', 'SELECT') AS public_can_select;
-- row-level security is on (and forced for nobody): the owner reads all, others nothing
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'jwt.keyring'::regclass;

--
-- the trigger refuses keys that do not parse or do not fit their row
--
SELECT c AS case, t.outcome(format(
         'INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES (%L, %L, %L, %L) RETURNING kid',
         'bad', purposes, alg, key)) AS outcome
  FROM (VALUES
    ('not an object', '{verify}', NULL, '"abc"'),
    ('oct without k', '{verify}', NULL, '{"kty":"oct"}'),
    ('unknown kty', '{verify}', NULL, '{"kty":"XYZ","k":"AAAA"}'),
    ('a JWKS', '{verify}', NULL, '{"keys":[{"kty":"oct","k":"AAAA"}]}'),
    ('JWK alg differs from row alg', '{verify}', 'HS384', '{"kty":"oct","k":"AAAA","alg":"HS256"}'),
    ('row alg does not fit an oct key', '{verify}', 'RS256', '{"kty":"oct","k":"AAAA"}'),
    ('bad RSA modulus', '{verify}', NULL, '{"kty":"RSA","n":"AAAA","e":"AQAB"}'),
    ('unknown purpose', '{verify,admin}', NULL, '{"kty":"oct","k":"AAAA"}')
  ) v(c, purposes, alg, key);
-- public keys cannot sign or decrypt
SELECT p AS purposes, t.outcome(format(
         'INSERT INTO jwt.keyring (kid, purposes, key) VALUES (%L, %L, %L) RETURNING kid',
         'bad', p, jwt.public_jwk(jwt.generate_key(k)))) AS outcome
  FROM (VALUES ('{sign}', 'ES256'), ('{verify,sign}', 'ES256'), ('{decrypt}', 'RSA-OAEP-256'),
               ('{encrypt,decrypt}', 'P-256')) v(p, k);
-- a row alg that is no algorithm at all, and an HS256 secret too short to
-- ever be used (jwt.authenticate refuses it), are refused at INSERT
SELECT left(t.outcome($$INSERT INTO jwt.keyring (kid, purposes, alg, key)
                        VALUES ('kr-bad-alg', '{verify}', 'foo', '{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}') RETURNING kid$$), 17)
       AS unknown_row_alg;
SELECT left(t.outcome($$INSERT INTO jwt.keyring (kid, purposes, alg, key)
                        VALUES ('kr-bad-short', '{verify}', 'HS256', '{"kty":"oct","k":"AAAA"}') RETURNING kid$$), 17)
       AS short_hs256_secret;
SELECT count(*) AS bad_rows FROM jwt.keyring WHERE kid = 'bad' OR kid LIKE 'kr-bad%';
DELETE FROM jwt.keyring WHERE kid LIKE 'kr-bad%';
-- the table's own checks: no purpose, empty kid, window that ends before it starts
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('p', '{}', '{"kty":"oct","k":"AAAA"}') RETURNING kid$$) AS no_purpose_refused;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('', '{verify}', '{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}') RETURNING kid$$) AS empty_kid_refused;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key, not_before, not_after)
                   VALUES ('w', '{verify}', '{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}', now(), now()) RETURNING kid$$) AS empty_window_refused;
-- an UPDATE is validated like an INSERT
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('kr-v1', '{verify}', 'HS256', kr_jwk('keyring-test-verify-secret-0001!'));
SELECT t.outcome($$UPDATE jwt.keyring SET key = '{"kty":"oct"}' WHERE kid = 'kr-v1' RETURNING kid$$) AS update_bad_key;
SELECT t.outcome($$UPDATE jwt.keyring SET purposes = '{verify,admin}' WHERE kid = 'kr-v1' RETURNING kid$$) AS update_bad_purpose;
SELECT t.outcome($$UPDATE jwt.keyring SET alg = 'RS256' WHERE kid = 'kr-v1' RETURNING kid$$) AS update_bad_alg;
SELECT kid, purposes, alg FROM jwt.keyring WHERE kid = 'kr-v1';

--
-- which keys jwt.authenticate uses
--
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('kr-s1', '{sign}', 'HS256', kr_jwk('keyring-test-sign-only-secret-2!')),
  ('kr-d1', '{decrypt}', NULL, kr_jwk('keyring-test-decrypt-secret-003!'));
-- the row's kid replaces the JWK's
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('kr-row-kid', '{verify}', 'HS256',
        kr_jwk('keyring-test-rowkid-secret-0004!') || '{"kid":"jwk-kid"}');
SELECT name, kr_auth(tok) AS outcome
  FROM (VALUES
    ('verify key, by kid', kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')),
    ('verify key, no kid', kr_tok(NULL, '{"sub":"v1-nokid"}', 'keyring-test-verify-secret-0001!')),
    ('verify key, wrong secret', kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0002!')),
    ('unknown kid', kr_tok('nope', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')),
    ('sign-only key', kr_tok('kr-s1', '{"sub":"s1"}', 'keyring-test-sign-only-secret-2!')),
    ('sign-only key, no kid', kr_tok(NULL, '{"sub":"s1"}', 'keyring-test-sign-only-secret-2!')),
    ('decrypt-only key as a MAC key', kr_tok('kr-d1', '{"sub":"d1"}', 'keyring-test-decrypt-secret-003!')),
    ('row kid', kr_tok('kr-row-kid', '{"sub":"rowkid"}', 'keyring-test-rowkid-secret-0004!')),
    ('the JWK''s own kid', kr_tok('jwk-kid', '{"sub":"rowkid"}', 'keyring-test-rowkid-secret-0004!')),
    ('bound to HS256, token HS384', kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!', 'HS384')),
    ('alg none', t.b64url('{"alg":"none","kid":"kr-v1"}'::text) || '.' || t.b64url('{"sub":"none"}'::text) || '.')
  ) v(name, tok);

--
-- time windows and rotation
--
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before) VALUES
  ('kr-old', '{verify}', 'HS256', kr_jwk('keyring-test-old-rotated-secret!'), now() - interval '2 days');
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before) VALUES
  ('kr-future', '{verify}', 'HS256', kr_jwk('keyring-test-future-key-secret!!'), now() + interval '1 hour');
SELECT kr_tok('kr-old', '{"sub":"old"}', 'keyring-test-old-rotated-secret!') AS old_tok \gset
SELECT kr_auth(:'old_tok') AS old_key_window_open,
       kr_auth(kr_tok('kr-future', '{"sub":"future"}', 'keyring-test-future-key-secret!!')) AS key_not_yet_valid;
-- a new key: both verify while the old key's window is open
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('kr-new', '{verify}', 'HS256', kr_jwk('keyring-test-new-rotated-secret!'));
SELECT kr_auth(:'old_tok') AS old_key,
       kr_auth(kr_tok('kr-new', '{"sub":"new"}', 'keyring-test-new-rotated-secret!')) AS new_key;
-- the old key's window closes in the future: still verifies
UPDATE jwt.keyring SET not_after = now() + interval '1 hour' WHERE kid = 'kr-old';
SELECT kr_auth(:'old_tok') AS old_key_closing_later;
-- its window has closed: no longer used, the new key still is
UPDATE jwt.keyring SET not_after = now() - interval '1 second' WHERE kid = 'kr-old';
SELECT kr_auth(:'old_tok') AS old_key_after_not_after,
       kr_auth(kr_tok('kr-new', '{"sub":"new"}', 'keyring-test-new-rotated-secret!')) AS new_key;
-- the future key becomes usable when its window opens
UPDATE jwt.keyring SET not_before = now() - interval '1 second' WHERE kid = 'kr-future';
SELECT kr_auth(kr_tok('kr-future', '{"sub":"future"}', 'keyring-test-future-key-secret!!')) AS window_opened;
-- open-ended windows written as -infinity and infinity: valid now, and
-- infinity never ends (the sentinels are read as infinite, not as numbers)
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before, not_after) VALUES
  ('kr-forever', '{verify}', 'HS256', kr_jwk('keyring-test-forever-key-secret!'), '-infinity', 'infinity');
SELECT kr_auth(kr_tok('kr-forever', '{"sub":"forever"}', 'keyring-test-forever-key-secret!')) AS infinite_window;
UPDATE jwt.keyring SET not_before = now() - interval '1 hour' WHERE kid = 'kr-forever';
SELECT kr_auth(kr_tok('kr-forever', '{"sub":"forever"}', 'keyring-test-forever-key-secret!')) AS until_infinity;
UPDATE jwt.keyring SET not_before = 'infinity', not_after = NULL WHERE kid = 'kr-forever';
SELECT kr_auth(kr_tok('kr-forever', '{"sub":"forever"}', 'keyring-test-forever-key-secret!')) AS from_infinity;
SELECT t.outcome($$UPDATE jwt.keyring SET not_before = 'infinity', not_after = 'infinity' WHERE kid = 'kr-forever' RETURNING kid$$) AS infinity_to_infinity;
SELECT t.outcome($$UPDATE jwt.keyring SET not_before = now(), not_after = '-infinity' WHERE kid = 'kr-forever' RETURNING kid$$) AS ends_at_minus_infinity;
DELETE FROM jwt.keyring WHERE kid = 'kr-forever';
-- a deleted key stops working at once
DELETE FROM jwt.keyring WHERE kid = 'kr-new';
SELECT kr_auth(kr_tok('kr-new', '{"sub":"new"}', 'keyring-test-new-rotated-secret!')) AS deleted_key;
-- a key added in a transaction that rolls back is gone with it
BEGIN;
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('kr-rb', '{verify}', 'HS256', kr_jwk('keyring-test-rolled-back-secret!'));
SELECT kr_auth(kr_tok('kr-rb', '{"sub":"rb"}', 'keyring-test-rolled-back-secret!')) AS inside_transaction;
ROLLBACK;
SELECT kr_auth(kr_tok('kr-rb', '{"sub":"rb"}', 'keyring-test-rolled-back-secret!')) AS after_rollback;
-- TRUNCATE is seen as well
BEGIN;
SELECT kr_auth(kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')) AS before_truncate;
TRUNCATE jwt.keyring;
SELECT kr_auth(kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')) AS after_truncate;
ROLLBACK;
SELECT kr_auth(kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')) AS truncate_rolled_back;

--
-- changes reach other sessions when they commit
--
CREATE EXTENSION dblink;
SELECT dblink_connect('kr_other', format('dbname=%s port=%s host=%s', current_database(),
                      current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
CREATE FUNCTION kr_other_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT r FROM dblink('kr_other', format('SELECT kr_auth(%L)', tok)) AS x(r text) $$;
SELECT kr_tok('kr-x1', '{"sub":"x1"}', 'keyring-test-cross-session-key1!') AS x1_tok \gset
SELECT kr_tok('kr-x2', '{"sub":"x2"}', 'keyring-test-cross-session-key2!') AS x2_tok \gset
-- the other session loads its keys
SELECT kr_other_auth(kr_tok('kr-v1', '{"sub":"v1"}', 'keyring-test-verify-secret-0001!')) AS other_loaded;
-- a key added here: not seen there before COMMIT, seen at once after
BEGIN;
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('kr-x1', '{verify}', 'HS256', kr_jwk('keyring-test-cross-session-key1!'));
SELECT kr_other_auth(:'x1_tok') AS other_before_commit;
COMMIT;
SELECT kr_other_auth(:'x1_tok') AS other_after_commit;
-- a key deleted here stops working there
DELETE FROM jwt.keyring WHERE kid = 'kr-x1';
SELECT kr_other_auth(:'x1_tok') AS other_after_delete;
-- a key added there works here (this session's keys are loaded)
SELECT kr_auth(:'x2_tok') AS here_before;
SELECT dblink_exec('kr_other', format(
  'INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES (%L, %L, %L, kr_jwk(%L))',
  'kr-x2', '{verify}', 'HS256', 'keyring-test-cross-session-key2!'));
SELECT kr_auth(:'x2_tok') AS here_after_other_commit;
SELECT dblink_exec('kr_other', $$DELETE FROM jwt.keyring WHERE kid = 'kr-x2'$$);
SELECT kr_auth(:'x2_tok') AS here_after_other_delete;
-- A repeatable-read transaction that started before the other session
-- added a key may or may not see it; the NEXT transaction must.
CREATE TABLE kr_probe1 (); CREATE TABLE kr_probe2 ();
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM kr_probe1;
SELECT dblink_exec('kr_other', format(
  'INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES (%L, %L, %L, kr_jwk(%L))',
  'kr-x2', '{verify}', 'HS256', 'keyring-test-cross-session-key2!'));
SELECT count(*) FROM kr_probe2;
SELECT kr_auth(:'x2_tok') IS NOT NULL AS tried_in_old_snapshot;
COMMIT;
SELECT kr_auth(:'x2_tok') AS next_transaction;
SELECT kr_auth(:'x2_tok') AS and_the_one_after;
DELETE FROM jwt.keyring WHERE kid = 'kr-x2';
SELECT kr_other_auth(:'x2_tok') AS other_after_delete;
SELECT dblink_disconnect('kr_other');
DROP TABLE kr_probe1, kr_probe2;

--
-- signing by kid uses only 'sign' keys inside their window
--
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('kr-sv', '{sign,verify}', 'HS256', kr_jwk('keyring-test-sign-verify-secret!'));
INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before, not_after) VALUES
  ('kr-s-retired', '{sign}', 'HS256', kr_jwk('keyring-test-retired-sign-key!!!'),
   now() - interval '2 days', now() - interval '1 day');
-- the token signed by kid is the one t.forge builds, and verifies
SELECT jwt.sign('{"sub":"signed"}', kid => 'kr-sv')
       = kr_tok('kr-sv', '{"sub":"signed"}', 'keyring-test-sign-verify-secret!') AS same_as_forged,
       kr_auth(jwt.sign('{"sub":"signed"}', kid => 'kr-sv')) AS verifies;
SELECT k AS kid, t.outcome(format('SELECT jwt.sign(%L, kid => %L)', '{"sub":"x"}', k)) AS outcome
  FROM unnest(ARRAY['kr-v1', 'kr-d1', 'kr-s-retired', 'nope']) k;
SELECT t.outcome($$SELECT jwt.sign('{"sub":"x"}', 'some secret', kid => 'kr-sv')$$) AS key_and_kid;

--
-- JWE: encrypted claims decrypted with 'decrypt' keys, nested JWTs
--
SELECT name, kr_auth(tok) AS outcome
  FROM (VALUES
    ('dir A256GCM', jwt.encrypt('{"sub":"jwe-dir"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                'dir', 'A256GCM', '{"kid":"kr-d1"}')),
    ('A256KW A128CBC-HS256', jwt.encrypt('{"sub":"jwe-kw"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                         'A256KW', 'A128CBC-HS256', '{"kid":"kr-d1"}')),
    ('dir, no kid', jwt.encrypt('{"sub":"jwe-nokid"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                'dir', 'A256GCM')),
    ('wrong key', jwt.encrypt('{"sub":"jwe-wrong"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-000!'),
                              'dir', 'A256GCM', '{"kid":"kr-d1"}')),
    ('to a verify-only key', jwt.encrypt('{"sub":"jwe-v"}'::jsonb, kr_jwk('keyring-test-verify-secret-0001!'),
                                         'dir', 'A256GCM', '{"kid":"kr-v1"}')),
    ('expired claims', jwt.encrypt('{"sub":"jwe-exp","exp":1000}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                   'dir', 'A256GCM', '{"kid":"kr-d1"}')),
    ('header replicates a claim', jwt.encrypt('{"sub":"jwe-rep"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                              'dir', 'A256GCM', '{"kid":"kr-d1","sub":"jwe-rep"}')),
    ('header replicates a different claim', jwt.encrypt('{"sub":"jwe-rep"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                                                        'dir', 'A256GCM', '{"kid":"kr-d1","sub":"admin"}')),
    ('nested: inner signed by a verify key',
     jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested"}', 'keyring-test-verify-secret-0001!'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}')),
    ('nested: inner signed by a sign-only key',
     jwt.encrypt(kr_tok('kr-s1', '{"sub":"nested-s1"}', 'keyring-test-sign-only-secret-2!'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}')),
    ('nested: inner signed by an unknown key',
     jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested-x"}', 'keyring-test-verify-secret-0000!'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}')),
    ('nested: inner expired',
     jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested-exp","exp":1000}', 'keyring-test-verify-secret-0001!'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}')),
    ('nested: outer header replicates a different sub',
     jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested"}', 'keyring-test-verify-secret-0001!'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT","sub":"admin"}')),
    ('nested twice',
     jwt.encrypt(jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested2"}', 'keyring-test-verify-secret-0001!'),
                             kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}'),
                 kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM', '{"kid":"kr-d1","cty":"JWT"}'))
  ) v(name, tok);
-- one cty rule for every reader (RFC 7516 4.1.12, RFC 7519 5.2): "JWT" in any case, with or
-- without "application/", marks a nested token; any other cty is a claims set (here a JWS
-- text, so not JSON)
SELECT quote_literal(c) AS cty,
       kr_auth(jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested-cty"}', 'keyring-test-verify-secret-0001!'),
                           kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM',
                           jsonb_build_object('kid', 'kr-d1', 'cty', c))) AS outcome
  FROM unnest(ARRAY['JWT', 'jwt', 'application/jwt', 'Application/JWT', 'JWT ', 'application/json']) c;
-- a JWE's claims become the session's claims like a JWS's
BEGIN;
SELECT jwt.authenticate(jwt.sign_and_encrypt('{"sub":"00000000-0000-0000-0000-0000000000e1","role":"r"}',
                                             kr_jwk('keyring-test-verify-secret-0001!') || '{"kid":"kr-v1"}',
                                             kr_jwk('keyring-test-decrypt-secret-003!') || '{"kid":"kr-d1"}',
                                             'HS256', 'dir', 'A256GCM'));
SELECT jwt.uid(), jwt.role();
COMMIT;
SELECT jwt.claims() IS NULL AS gone_after_commit;

--
-- jwt.keyring_jwks(): public halves of asymmetric verify/encrypt keys not yet retired
--
INSERT INTO jwt.keyring (kid, purposes, key) VALUES
  ('kr-es256', '{sign,verify}', jwt.generate_key('ES256')),
  ('kr-rsa-enc', '{encrypt,decrypt}', jwt.generate_key('RSA-OAEP-256')),
  ('kr-ed-pub', '{verify}', jwt.public_jwk(jwt.generate_key('EdDSA'))),
  ('kr-es384-sign', '{sign}', jwt.generate_key('ES384')),
  ('kr-rsa-dec', '{decrypt}', jwt.generate_key('RSA-OAEP'));
INSERT INTO jwt.keyring (kid, purposes, key, not_before, not_after) VALUES
  ('kr-es256-retired', '{verify}', jwt.generate_key('ES256'), now() - interval '2 days', now() - interval '1 day'),
  ('kr-es256-later', '{verify}', jwt.generate_key('ES256'), now() - interval '2 days', now() + interval '1 day');
SELECT k->>'kid' AS kid, k->>'kty' AS kty, k->>'alg' AS alg,
       (SELECT string_agg(m, ',' ORDER BY m) FROM jsonb_object_keys(k) m) AS members
  FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k
 ORDER BY 1;
-- every published key is exactly the public half of its row (nothing private)
SELECT bool_and(k = (jwt.public_jwk(r.key) || jsonb_build_object('kid', r.kid))) AS public_halves_only,
       count(*) AS published
  FROM jsonb_array_elements(jwt.keyring_jwks()->'keys') k JOIN jwt.keyring r ON r.kid = k->>'kid';
-- any role may read it
SET ROLE regress_kr_user;
SELECT jsonb_array_length(jwt.keyring_jwks()->'keys') AS published_to_any_role;
RESET ROLE;
-- an ES256 token signed by kid verifies with the published key and with authenticate
SELECT jwt.sign('{"sub":"es"}', kid => 'kr-es256') AS es_tok \gset
SELECT jwt.verify(:'es_tok', jwt.keyring_jwks()) AS verified_with_published, kr_auth(:'es_tok') AS authenticated;

--
-- policy settings: algorithms, audience, issuer, leeway
--
CREATE FUNCTION kr_at(payload jsonb) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT kr_tok('kr-v1', payload::text, 'keyring-test-verify-secret-0001!') $$;
-- algorithms: a list that leaves out the key's algorithm refuses its tokens
SET token_ext.algorithms = 'HS512, RS256';
SELECT kr_auth(kr_at('{"sub":"alg"}')) AS hs256_not_listed;
SET token_ext.algorithms = 'HS384,HS256';
SELECT kr_auth(kr_at('{"sub":"alg"}')) AS hs256_listed;
-- the list is what authenticate accepts: a JWS-only list refuses JWE tokens
SELECT kr_auth(jwt.encrypt('{"sub":"jwe"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                           'dir', 'A256GCM', '{"kid":"kr-d1"}')) ~ '^22023 algorithm not allowed'
       AS jwe_refused_by_jws_only_list;
SET token_ext.algorithms = 'dir, A256GCM';
SELECT kr_auth(jwt.encrypt('{"sub":"jwe"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                           'dir', 'A256GCM', '{"kid":"kr-d1"}')) AS jwe_listed,
       kr_auth(jwt.encrypt('{"sub":"jwe"}'::jsonb, kr_jwk('keyring-test-decrypt-secret-003!'),
                           'dir', 'A128CBC-HS256', '{"kid":"kr-d1"}')) AS jwe_enc_not_listed,
       kr_auth(kr_at('{"sub":"alg"}')) ~ '^22023 algorithm not allowed' AS jws_refused_by_jwe_only_list;
-- a nested token holds a JWS: a list naming no JWS algorithm refuses it too, one naming its algorithm accepts it
SELECT jwt.encrypt(kr_tok('kr-v1', '{"sub":"nested-listed"}', 'keyring-test-verify-secret-0001!'),
                   kr_jwk('keyring-test-decrypt-secret-003!'), 'dir', 'A256GCM',
                   '{"kid":"kr-d1","cty":"JWT"}') AS nested_tok \gset
SELECT kr_auth(:'nested_tok') AS nested_jwe_only_list;
SET token_ext.algorithms = 'dir, A256GCM, HS256';
SELECT kr_auth(:'nested_tok') AS nested_both_listed;
SET token_ext.algorithms = 'dir, A256GCM';
-- the check hook refuses names token_ext does not support, none and RSA1_5
SET token_ext.algorithms = 'HS256, HS257';
SET token_ext.algorithms = 'none';
SET token_ext.algorithms = 'RSA1_5';
SET token_ext.algorithms = 'hs256';
SHOW token_ext.algorithms;
RESET token_ext.algorithms;
-- audience
SET token_ext.audience = 'api';
SELECT p::text AS payload, kr_auth(kr_at(p)) AS outcome
  FROM unnest(ARRAY['{"sub":"a","aud":"api"}', '{"sub":"a","aud":["web","api"]}', '{"sub":"a","aud":"web"}',
                    '{"sub":"a","aud":["web"]}', '{"sub":"a"}', '{"sub":"a","aud":"API"}']::jsonb[]) p;
RESET token_ext.audience;
SELECT kr_auth(kr_at('{"sub":"a","aud":"web"}')) AS aud_not_compared_when_unset;
-- issuer
SET token_ext.issuer = 'https://issuer.example';
SELECT p::text AS payload, kr_auth(kr_at(p)) AS outcome
  FROM unnest(ARRAY['{"sub":"i","iss":"https://issuer.example"}', '{"sub":"i","iss":"https://evil.example"}',
                    '{"sub":"i"}']::jsonb[]) p;
RESET token_ext.issuer;
SELECT kr_auth(kr_at('{"sub":"i","iss":"https://evil.example"}')) AS iss_not_compared_when_unset;
-- leeway (default 30 s) for exp, nbf and iat, against the transaction's start
SHOW token_ext.leeway;
CREATE FUNCTION kr_rel(claim text, seconds int) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT kr_auth(kr_at(jsonb_build_object('sub', claim || seconds,
                                               claim, floor(extract(epoch FROM now()))::bigint + seconds))) $$;
SELECT kr_rel('exp', 3600) AS exp_in_an_hour, kr_rel('exp', -20) ~ '^OK' AS exp_20s_ago,
       kr_rel('exp', -40) ~ 'token has expired' AS exp_40s_ago;
SELECT kr_rel('nbf', 20) ~ '^OK' AS nbf_in_20s, kr_rel('nbf', 40) ~ 'token is not yet valid' AS nbf_in_40s,
       kr_rel('iat', 20) ~ '^OK' AS iat_in_20s, kr_rel('iat', 40) ~ 'issued in the future' AS iat_in_40s;
SET token_ext.leeway = 0;
SELECT kr_rel('exp', -20) ~ 'token has expired' AS exp_20s_ago, kr_rel('nbf', 20) ~ 'not yet valid' AS nbf_in_20s,
       kr_rel('iat', 20) ~ 'issued in the future' AS iat_in_20s, kr_rel('exp', 20) ~ '^OK' AS exp_in_20s;
SET token_ext.leeway = '2min';
SELECT kr_rel('exp', -100) ~ '^OK' AS exp_100s_ago, kr_rel('exp', -140) ~ 'token has expired' AS exp_140s_ago;
SET token_ext.leeway = '2d';
RESET token_ext.leeway;

DROP FUNCTION kr_rel(text, int);
DROP FUNCTION kr_at(jsonb);
DROP FUNCTION kr_other_auth(text);
DROP EXTENSION dblink;
DELETE FROM jwt.keyring WHERE kid LIKE 'kr-%';
DROP FUNCTION kr_auth(text);
DROP FUNCTION kr_tok(text, text, text, text);
DROP FUNCTION kr_jwk(text);
DROP OWNED BY regress_kr_user;
DROP ROLE regress_kr_user;
