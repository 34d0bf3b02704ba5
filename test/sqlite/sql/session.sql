-- session.sql: jwt_authenticate with the jwt_keyring table, the claims readers, and
-- views over them, with trusted_schema on and off.  Keys are generated here (their
-- kid is their thumbprint, which the tokens carry); only claims and errors print.
.load ./token_ext_sqlite
SELECT jwt_claims() IS NULL, jwt_sub() IS NULL, jwt_role() IS NULL, jwt_claim('sub') IS NULL;
SELECT jwt_authenticate('a.b.c');
.read src/sqlite/jwt_keyring.sql
SELECT jwt_authenticate(NULL);
SELECT jwt_authenticate('a.b.c');
-- the documented table refuses rows that break its rules
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '["sign","nope"]', '{}');
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', 'sign', '{}');
INSERT INTO jwt_keyring (kid, purposes, key, not_before) VALUES ('bad', '["verify"]', '{}', '2024-01-01');
INSERT INTO jwt_keyring (kid, purposes, key, not_before, not_after) VALUES ('bad', '["verify"]', '{}', 10, 5);
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '["verify"]', '[]');
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('', '["verify"]', '{}');
INSERT INTO jwt_keyring (kid, key) VALUES ('bad', '{}');
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '[]', '{}');
INSERT INTO jwt_keyring (kid, purposes, alg, key) VALUES ('bad', '["verify"]', 'XX99', '{}');
-- and keys that do not fit their row, as PostgreSQL's keyring trigger refuses them (the messages never show the key)
INSERT INTO jwt_keyring (kid, purposes, key) SELECT 'bad', '["sign"]', jwt_public_jwk(jwt_generate_key('ES256'));
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '["verify"]', '{"kty":"oct","k":"c2hvcnQ"}');
INSERT INTO jwt_keyring (kid, purposes, alg, key) SELECT 'bad', '["verify"]', 'RS256', jwt_public_jwk(jwt_generate_key('ES256'));
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '["verify"]', '{"keys":[]}');
SELECT count(*) FROM jwt_keyring;
-- (fixed kids, which the "no matching key" details name)
CREATE TEMP TABLE keys AS SELECT json_set(jwt_generate_key('ES256'), '$.kid', 'es') AS es, json_set(jwt_generate_key('A256KW'), '$.kid', 'kw') AS kw, json_set(jwt_generate_key('RSA-OAEP-256'), '$.kid', 'rsa') AS rsa, json_set(jwt_generate_key('ES256'), '$.kid', 'future') AS future, json_set(jwt_generate_key('ES256'), '$.kid', 'retired') AS retired, json_set(jwt_generate_key('ES256'), '$.kid', 'stranger') AS stranger, jwt_generate_key('HS256') AS hs;
INSERT INTO jwt_keyring (kid, purposes, key) SELECT es ->> '$.kid', '["sign","verify"]', es FROM keys;
INSERT INTO jwt_keyring (kid, purposes, key) SELECT kw ->> '$.kid', '["encrypt","decrypt"]', kw FROM keys;
INSERT INTO jwt_keyring (kid, purposes, alg, key) SELECT rsa ->> '$.kid', '["decrypt"]', 'RSA-OAEP-256', rsa FROM keys;
INSERT INTO jwt_keyring (kid, purposes, key, not_before) SELECT future ->> '$.kid', '["verify"]', jwt_public_jwk(future), 4000000000 FROM keys;
INSERT INTO jwt_keyring (kid, purposes, key, not_before, not_after) SELECT retired ->> '$.kid', '["verify"]', jwt_public_jwk(retired), 1000, 2000 FROM keys;
INSERT INTO jwt_keyring (kid, purposes, key) SELECT 'hs-verify-only', '["verify"]', hs FROM keys;
SELECT kid = kid, purposes FROM jwt_keyring ORDER BY rowid;
-- an update is judged too
UPDATE jwt_keyring SET purposes = '["verify","fly"]' WHERE kid = 'hs-verify-only';
UPDATE jwt_keyring SET not_after = not_before WHERE kid = 'hs-verify-only';
SELECT purposes, not_after IS NULL FROM jwt_keyring WHERE kid = 'hs-verify-only';
CREATE TEMP TABLE tok AS SELECT jwt_sign('{"sub":"alice","role":"reader","app":{"role":"editor"},"exp":4000000000}', es) AS alice, jwt_sign('{"sub":"bob","exp":4000000000}', es) AS bob, jwt_sign('{"sub":"carol","exp":1000}', es) AS expired, jwt_sign('{"sub":"dave","aud":"api","iss":"https://idp"}', es) AS dave, jwt_sign(json_object('sub', 'erin', 'exp', unixepoch() - 5), es) AS just_expired, jwt_sign('{"sub":"frank"}', future) AS not_yet, jwt_sign('{"sub":"grace"}', retired) AS old, jwt_sign('{"sub":"mallory"}', stranger) AS stranger, jwt_sign('{"sub":"mallory"}', stranger, NULL, json_object('kid', es ->> '$.kid')) AS forged, jwt_sign('{"sub":"heidi"}', hs, NULL, '{"kid":"hs-verify-only"}') AS hs, jwt_encrypt('{"sub":"ivan"}', kw) AS jwe_shared, jwt_encrypt('{"sub":"mallory"}', jwt_public_jwk(rsa)) AS jwe_public, jwt_sign_and_encrypt('{"sub":"judy"}', es, jwt_public_jwk(rsa)) AS nested, jwt_sign_and_encrypt('{"sub":"mallory"}', stranger, jwt_public_jwk(rsa)) AS nested_stranger FROM keys;
-- a view that shows each caller only its own rows
CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL);
INSERT INTO notes (owner, body) VALUES ('alice', 'a1'), ('alice', 'a2'), ('bob', 'b1'), ('judy', 'j1');
CREATE VIEW my_notes AS SELECT id, body FROM notes WHERE owner = jwt_sub();
SELECT count(*) FROM my_notes;
SELECT jwt_authenticate(alice) FROM tok;
SELECT id, body FROM my_notes;
SELECT jwt_claims(), jwt_sub(), jwt_role(), jwt_claim('role'), jwt_claim('exp'), jwt_claim('app'), jwt_claim('nope') IS NULL, jwt_claim(NULL) IS NULL;
SELECT jwt_claims() ->> '$.app.role';
-- trusted_schema=OFF: the readers are INNOCUOUS, so the view still works
PRAGMA trusted_schema = OFF;
SELECT id, body FROM my_notes;
SELECT jwt_authenticate(bob) FROM tok;
SELECT id, body FROM my_notes;
-- DIRECTONLY: no view or trigger of the schema may change the claims, trusted or not
CREATE VIEW sneaky AS SELECT jwt_authenticate('x') AS c;
SELECT * FROM sneaky;
CREATE TABLE log (x);
CREATE TRIGGER log_clears AFTER INSERT ON log BEGIN SELECT jwt_clear(); END;
INSERT INTO log VALUES (1);
PRAGMA trusted_schema = ON;
SELECT * FROM sneaky;
INSERT INTO log VALUES (2);
SELECT id, body FROM my_notes;
-- (a TEMP trigger neither: DIRECTONLY functions run only in top-level SQL)
CREATE TEMP TRIGGER temp_log_clears AFTER INSERT ON log BEGIN SELECT jwt_clear(); END;
INSERT INTO log VALUES (3);
SELECT jwt_sub() IS NULL, count(*) FROM my_notes;
DROP TRIGGER temp_log_clears;
-- a failed jwt_authenticate clears the claims (fail closed)
SELECT jwt_authenticate(alice) FROM tok;
SELECT jwt_authenticate(expired) FROM tok;
SELECT jwt_sub() IS NULL, count(*) FROM my_notes;
-- jwt_clear
SELECT jwt_authenticate(bob) FROM tok;
SELECT jwt_clear();
SELECT jwt_sub() IS NULL, jwt_claims() IS NULL, count(*) FROM my_notes;
-- tokens the keyring does not accept
SELECT jwt_authenticate(stranger) FROM tok;
SELECT jwt_authenticate(forged) FROM tok;
SELECT jwt_authenticate(not_yet) FROM tok;
SELECT jwt_authenticate(old) FROM tok;
SELECT jwt_authenticate(jwe_public) FROM tok;
SELECT jwt_authenticate(nested_stranger) FROM tok;
SELECT jwt_authenticate('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.');
-- encrypted tokens: with a shared key (proof of origin), and nested (a signed token inside)
SELECT jwt_authenticate(jwe_shared) FROM tok;
SELECT jwt_authenticate(nested) FROM tok;
SELECT id, body FROM my_notes;
SELECT jwt_authenticate(hs) FROM tok;
-- the policy: audience, issuer, leeway (default 30 s; leeway 0 is in the Python suite, its error shows the time), algorithms (a whitelist), role claim
SELECT jwt_authenticate(dave, '{"audience":"api","issuer":"https://idp"}') FROM tok;
SELECT jwt_authenticate(dave, '{"audience":"web"}') FROM tok;
SELECT jwt_authenticate(dave, '{"issuer":"https://other"}') FROM tok;
SELECT jwt_authenticate(just_expired) ->> '$.sub' FROM tok;
SELECT jwt_authenticate(alice, '{"alg":"ES256"}') ->> '$.sub' FROM tok;
SELECT jwt_authenticate(alice, '{"alg":["RS256","A256KW"]}') FROM tok;
SELECT jwt_authenticate(jwe_shared, '{"alg":"ES256"}') FROM tok;
SELECT jwt_authenticate(jwe_shared, '{"alg":"A256KW,A128GCM"}') FROM tok;
SELECT jwt_authenticate(alice, '{"role_claim":".app.role"}') ->> '$.sub', jwt_role() FROM tok;
SELECT jwt_authenticate(alice, '{"role_claim":"nope.role"}') ->> '$.sub', jwt_role() IS NULL FROM tok;
-- role_claim paths are PostgREST's, as token_ext.role_claim reads them: $., quoted names, [n]
SELECT jwt_authenticate(alice, '{"role_claim":"$.app.role"}') ->> '$.sub', jwt_role() FROM tok;
SELECT jwt_authenticate(jwt_sign('{"sub":"x","roles":["a","b"],"https://h/role":"q"}', es), '{"role_claim":".roles[1]"}') ->> '$.sub', jwt_role() FROM keys;
SELECT jwt_authenticate(jwt_sign('{"sub":"x","roles":["a","b"],"https://h/role":"q"}', es), '{"role_claim":".\"https://h/role\""}') ->> '$.sub', jwt_role() FROM keys;
SELECT jwt_authenticate(alice, '{"at":1}') FROM tok;
-- changes to the keyring apply at once
DELETE FROM jwt_keyring WHERE purposes = '["sign","verify"]';
SELECT jwt_authenticate(alice) FROM tok;
-- rows that break the rules are errors naming their kid, never skipped (here a table made without the CHECKs)
.open :memory:
.load ./token_ext_sqlite
CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after);
INSERT INTO jwt_keyring VALUES ('k1', '["verify","fly"]', NULL, jwt_public_jwk(jwt_generate_key('ES256')), 0, NULL);
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET purposes = '["verify"]', not_before = '2024-01-01';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET not_before = 0, not_after = 0;
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET not_after = NULL, alg = 'HS256';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET alg = 'XX99';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET alg = NULL, key = '{"keys":[]}';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET key = jwt_public_jwk(jwt_generate_key('ES256')), purposes = '["sign","verify"]';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET key = '{"kty":"oct","k":"c2hvcnQ"}', purposes = '["verify"]';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET kid = 42;
SELECT jwt_authenticate('a.b.c');
DROP TABLE jwt_keyring;
-- the keyring may live in an attached database
ATTACH ':memory:' AS keystore;
CREATE TABLE keystore.jwt_keyring (kid, purposes, alg, key, not_before, not_after);
CREATE TEMP TABLE k AS SELECT jwt_generate_key('EdDSA') AS k;
INSERT INTO keystore.jwt_keyring SELECT k ->> '$.kid', '["verify"]', NULL, jwt_public_jwk(k), 0, NULL FROM k;
SELECT jwt_authenticate(jwt_sign('{"sub":"from-attached"}', k)) FROM k;
SELECT jwt_sub();
