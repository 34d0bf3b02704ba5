-- issuers.sql: keys bound to an issuer in jwt_keyring (columns issuer and audience), the
-- cases of PostgreSQL's sql/identity_providers.sql for jwt_authenticate.  Three providers
-- share one keyring with the app's own key:
--   A  iss https://a.example/  (trailing slash, as Auth0's)  aud api-a  ES256 kid k1
--   B  iss https://b.example   aud api-b  ES256, its own key under the SAME kid k1
--   C  iss https://c.example   aud api-c  A's key material under kid c1
--   D  iss https://d.example   no audience bound  an HS256 secret
--   the app's own HS256 key "own", bound to no issuer
-- and every way one issuer's token could pass for another's is tried.  ES256 keys are
-- generated per run (without their kid: the tokens name the keyring's), so only claims
-- and errors print.  test_sqlite.py runs the same rows and tokens through PostgreSQL's
-- jwt.authenticate and compares the outcomes.
.load ./token_ext_sqlite
.read src/sqlite/jwt_keyring.sql
CREATE TEMP TABLE idp_key AS SELECT json_remove(jwt_generate_key('ES256'), '$.kid') AS a, json_remove(jwt_generate_key('ES256'), '$.kid') AS b, 'provider-d-shared-secret-0123456' AS d, 'the-servers-own-hs256-secret-0001' AS own, '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}' AS d_jwk, '{"kty":"oct","k":"dGhlLXNlcnZlcnMtb3duLWhzMjU2LXNlY3JldC0wMDAx"}' AS own_jwk;
-- the new columns, judged by the triggers with PostgreSQL's messages
INSERT INTO jwt_keyring (kid, purposes, key, issuer) SELECT 'bad', '["verify"]', d_jwk, '' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, key, issuer) SELECT 'bad', '["verify"]', d_jwk, printf('%.*c', 1025, 'i') FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, key, audience) SELECT 'bad', '["verify"]', d_jwk, 'api' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, key, issuer, audience) SELECT 'bad', '["verify"]', d_jwk, 'https://d.example', '' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, key, issuer, audience) SELECT 'bad', '["verify"]', d_jwk, 'https://d.example', printf('%.*c', 1025, 'a') FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, key, issuer) SELECT 'bad', '["verify"]', d_jwk, x'68747470733a2f2f64' FROM idp_key;
-- (the longest issuer and audience, 1024 bytes, are kept)
INSERT INTO jwt_keyring (kid, purposes, key, issuer, audience) SELECT 'long', '["verify"]', d_jwk, printf('%.*c', 1024, 'i'), printf('%.*c', 1024, 'a') FROM idp_key;
DELETE FROM jwt_keyring WHERE kid = 'long';
-- the keyring: kids unique per issuer, not across it
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer, audience) SELECT 'k1', '["verify"]', 'ES256', jwt_public_jwk(a), 'https://a.example/', 'api-a' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer, audience) SELECT 'k1', '["verify"]', 'ES256', jwt_public_jwk(b), 'https://b.example', 'api-b' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer, audience) SELECT 'c1', '["verify"]', 'ES256', jwt_public_jwk(a), 'https://c.example', 'api-c' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer, audience) SELECT 'd1', '["verify"]', 'HS256', d_jwk, 'https://d.example', NULL FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, alg, key) SELECT 'own', '["verify"]', 'HS256', own_jwk FROM idp_key;
SELECT kid, issuer, audience FROM jwt_keyring ORDER BY kid, issuer;
-- the same kid twice for one issuer, or twice bound to no issuer, is refused
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) SELECT 'k1', '["verify"]', 'ES256', jwt_public_jwk(b), 'https://a.example/' FROM idp_key;
INSERT INTO jwt_keyring (kid, purposes, alg, key) SELECT 'own', '["verify"]', 'ES256', jwt_public_jwk(b) FROM idp_key;
-- the tokens: signed by a provider's key (a, b) or secret (d, own), kid as given (NULL: none)
CREATE TEMP TABLE t (c TEXT PRIMARY KEY, tok TEXT NOT NULL);
INSERT INTO t (c, tok) WITH v(c, signer, kid, claims) AS (VALUES ('A', 'a', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"a-user"}'), ('B, same kid as A', 'b', 'k1', '{"iss":"https://b.example","aud":"api-b","sub":"b-user"}'), ('C, A''s key material', 'a', 'c1', '{"iss":"https://c.example","aud":"api-c","sub":"c-user"}'), ('A without kid', 'a', NULL, '{"iss":"https://a.example/","aud":"api-a","sub":"a-nokid"}'), ('A, aud an array naming api-a', 'a', 'k1', '{"iss":"https://a.example/","aud":["x","api-a"],"sub":"a-arr"}'), ('D, no audience bound', 'd', 'd1', '{"iss":"https://d.example","aud":"anything","sub":"d-user"}'), ('D, no aud at all', 'd', 'd1', '{"iss":"https://d.example","sub":"d-noaud"}'), ('own key, no iss', 'own', 'own', '{"sub":"own-user"}'), ('own key, an issuer nobody binds', 'own', 'own', '{"iss":"https://own.example","sub":"own-iss"}')) SELECT c, jwt_sign(json_set(claims, '$.exp', 4102444800), CASE signer WHEN 'a' THEN a WHEN 'b' THEN b WHEN 'd' THEN d ELSE own END, CASE WHEN signer IN ('a', 'b') THEN 'ES256' ELSE 'HS256' END, CASE WHEN kid IS NOT NULL THEN json_object('kid', kid) END) FROM v, idp_key;
INSERT INTO t (c, tok) WITH v(c, signer, kid, claims) AS (VALUES ('A''s key, iss B, kid k1', 'a', 'k1', '{"iss":"https://b.example","aud":"api-b","sub":"x"}'), ('B''s key, iss A, kid k1', 'b', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'), ('A''s key, iss B, no kid', 'a', NULL, '{"iss":"https://b.example","aud":"api-b","sub":"x"}'), ('A''s key, iss C, kid k1', 'a', 'k1', '{"iss":"https://c.example","aud":"api-c","sub":"x"}'), ('C''s material, iss A, kid c1', 'a', 'c1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'), ('C''s material and kid, A''s audience', 'a', 'c1', '{"iss":"https://c.example","aud":"api-a","sub":"x"}'), ('A, B''s audience', 'a', 'k1', '{"iss":"https://a.example/","aud":"api-b","sub":"x"}'), ('A, no aud', 'a', 'k1', '{"iss":"https://a.example/","sub":"x"}'), ('A, aud []', 'a', 'k1', '{"iss":"https://a.example/","aud":[],"sub":"x"}'), ('A, aud API-A', 'a', 'k1', '{"iss":"https://a.example/","aud":"API-A","sub":"x"}'), ('A without its trailing slash', 'a', 'k1', '{"iss":"https://a.example","aud":"api-a","sub":"x"}'), ('A in capitals', 'a', 'k1', '{"iss":"HTTPS://A.EXAMPLE/","aud":"api-a","sub":"x"}'), ('A with a space', 'a', 'k1', '{"iss":"https://a.example/ ","aud":"api-a","sub":"x"}'), ('iss an array holding A', 'a', 'k1', '{"iss":["https://a.example/"],"aud":"api-a","sub":"x"}'), ('A''s key, no iss', 'a', 'k1', '{"aud":"api-a","sub":"x"}'), ('A''s key, no iss, no kid', 'a', NULL, '{"aud":"api-a","sub":"x"}'), ('own key, iss A', 'own', 'own', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'), ('own key, iss A, no kid', 'own', NULL, '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'), ('D''s secret, iss A, kid d1', 'd', 'd1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'), ('D''s secret, no iss, kid d1', 'd', 'd1', '{"sub":"x"}'), ('D''s secret, iss D, kid own', 'd', 'own', '{"iss":"https://d.example","sub":"x"}'), ('own key, the options'' issuer and audience', 'own', 'own', '{"iss":"https://own.example","aud":"authenticated","sub":"own"}'), ('own key, another issuer', 'own', 'own', '{"iss":"https://other.example","aud":"authenticated","sub":"own"}'), ('own key, iss B', 'own', 'own', '{"iss":"https://b.example","sub":"x"}'), ('kid with a quote and a newline', 'd', 'x"y' || char(10) || 'z', '{"iss":"https://d.example","sub":"x"}'), ('kid of 200 bytes', 'd', printf('%.*c', 200, 'k'), '{"iss":"https://d.example","sub":"x"}'), ('issuer of 100 bytes', 'own', 'nope', '{"iss":"https://' || printf('%.*c', 100, 'i') || '.example","sub":"x"}'), ('B''s key, no kid, iss D', 'b', NULL, '{"iss":"https://d.example","sub":"x"}'), ('A''s key, no iss, no kid, no aud', 'a', NULL, '{"sub":"x"}')) SELECT c, jwt_sign(json_set(claims, '$.exp', 4102444800), CASE signer WHEN 'a' THEN a WHEN 'b' THEN b WHEN 'd' THEN d ELSE own END, CASE WHEN signer IN ('a', 'b') THEN 'ES256' ELSE 'HS256' END, CASE WHEN kid IS NOT NULL THEN json_object('kid', kid) END) FROM v, idp_key;
-- (jwt_sign refuses "\u0000" in claims; jwt_sign_raw signs the bytes as they are)
INSERT INTO t (c, tok) SELECT 'D''s secret, iss D followed by a NUL', jwt_sign_raw('{"iss":"https://d.example\u0000","sub":"x","exp":4102444800}', d, 'HS256', '{"kid":"d1"}') FROM idp_key;
-- each provider's own tokens pass, with its own audience
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'B, same kid as A';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'C, A''s key material';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A without kid';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A, aud an array naming api-a';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D, no audience bound';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D, no aud at all';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, no iss';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, an issuer nobody binds';
SELECT jwt_sub(), jwt_claim('iss');
-- every way one issuer's token could pass for another's
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, iss B, kid k1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'B''s key, iss A, kid k1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, iss B, no kid';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, iss C, kid k1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'C''s material, iss A, kid c1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'C''s material and kid, A''s audience';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A, B''s audience';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A, no aud';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A, aud []';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A, aud API-A';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A without its trailing slash';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A in capitals';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A with a space';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'iss an array holding A';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, no iss';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, no iss, no kid';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, iss A';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, iss A, no kid';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D''s secret, iss A, kid d1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D''s secret, no iss, kid d1';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D''s secret, iss D followed by a NUL';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'D''s secret, iss D, kid own';
SELECT jwt_sub() IS NULL;
-- the options (PostgreSQL's token_ext.audience and .issuer) do not reach the providers' keys
SELECT jwt_authenticate(tok, '{"audience":"authenticated","issuer":"https://own.example"}') FROM t WHERE c = 'A';
SELECT jwt_authenticate(tok, '{"audience":"authenticated","issuer":"https://own.example"}') FROM t WHERE c = 'own key, the options'' issuer and audience';
SELECT jwt_authenticate(tok, '{"audience":"authenticated","issuer":"https://own.example"}') FROM t WHERE c = 'own key, another issuer';
-- an issuer whose keys are all outside their window is still bound: the app's own key cannot verify a token naming it
UPDATE jwt_keyring SET not_before = unixepoch() - 172800, not_after = unixepoch() - 86400 WHERE issuer = 'https://b.example';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, iss B';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'B, same kid as A';
UPDATE jwt_keyring SET not_after = NULL WHERE issuer = 'https://b.example';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'B, same kid as A';
-- a nested token: the app's decryption key (bound to no issuer) around a provider's signed token; the inner token's issuer picks the keys
INSERT INTO jwt_keyring (kid, purposes, alg, key) VALUES ('own-dir', '["decrypt"]', 'dir', '{"kty":"oct","k":"b3duLWRpcmVjdC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU"}');
SELECT jwt_authenticate(jwt_encrypt(tok, '{"kty":"oct","kid":"own-dir","k":"b3duLWRpcmVjdC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU"}', 'dir', 'A256GCM', '{"cty":"JWT"}')) FROM t WHERE c = 'A';
SELECT jwt_authenticate(jwt_encrypt(tok, '{"kty":"oct","kid":"own-dir","k":"b3duLWRpcmVjdC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU"}', 'dir', 'A256GCM', '{"cty":"JWT"}')) FROM t WHERE c = 'own key, iss A';
DELETE FROM jwt_keyring WHERE kid = 'own-dir';
-- "no matching key" names the token's kid (escaped, cut at 64 bytes) and the issuer looked up
SELECT jwt_authenticate(tok) FROM t WHERE c = 'kid with a quote and a newline';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'kid of 200 bytes';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'issuer of 100 bytes';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'B''s key, no kid, iss D';
-- a changed issuer or audience is seen at once (a row's parsed key is kept only while its issuer and audience are unchanged too)
SELECT jwt_authenticate(tok) ->> '$.sub' FROM t WHERE c = 'A';
UPDATE jwt_keyring SET audience = 'api-a2' WHERE kid = 'k1' AND issuer = 'https://a.example/';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A';
UPDATE jwt_keyring SET audience = 'api-a', issuer = 'https://a2.example/' WHERE kid = 'k1' AND issuer = 'https://a.example/';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A';
UPDATE jwt_keyring SET issuer = NULL, audience = NULL WHERE kid = 'k1' AND issuer = 'https://a2.example/';
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A';
SELECT jwt_authenticate(tok) ->> '$.sub' FROM t WHERE c = 'A''s key, no iss';
UPDATE jwt_keyring SET issuer = 'https://a.example/', audience = 'api-a' WHERE kid = 'k1' AND issuer IS NULL;
-- only the app's own HS256 key left for an ES256 token without iss, then no key at all
DELETE FROM jwt_keyring WHERE issuer IS NOT NULL;
SELECT jwt_authenticate(tok) FROM t WHERE c = 'A''s key, no iss, no kid, no aud';
DELETE FROM jwt_keyring;
SELECT jwt_authenticate(tok) FROM t WHERE c = 'own key, no iss';
-- a jwt_keyring made by the DDL of an earlier version (no issuer and audience; six-argument triggers) keeps working: both read as NULL
.open :memory:
.load ./token_ext_sqlite
CREATE TABLE jwt_keyring (kid TEXT NOT NULL PRIMARY KEY, purposes TEXT NOT NULL, alg TEXT, key TEXT NOT NULL, not_before INTEGER NOT NULL DEFAULT (unixepoch()), not_after INTEGER, created_at INTEGER NOT NULL DEFAULT (unixepoch())) STRICT;
CREATE TRIGGER jwt_keyring_insert BEFORE INSERT ON jwt_keyring BEGIN SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after); END;
CREATE TRIGGER jwt_keyring_update BEFORE UPDATE ON jwt_keyring BEGIN SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after); END;
INSERT INTO jwt_keyring (kid, purposes, alg, key) VALUES ('own', '["verify"]', 'HS256', '{"kty":"oct","k":"dGhlLXNlcnZlcnMtb3duLWhzMjU2LXNlY3JldC0wMDAx"}');
INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '["verify"]', '{"kty":"oct","k":"c2hvcnQ"}');
SELECT jwt_authenticate(jwt_sign('{"sub":"own-user","exp":4102444800}', 'the-servers-own-hs256-secret-0001', 'HS256', '{"kid":"own"}'));
SELECT jwt_authenticate(jwt_sign('{"iss":"https://a.example/","sub":"own-iss","exp":4102444800}', 'the-servers-own-hs256-secret-0001', 'HS256', '{"kid":"own"}'));
SELECT jwt_authenticate(jwt_sign('{"sub":"x","exp":4102444800}', 'the-servers-own-hs256-secret-0001', 'HS256', '{"kid":"k1"}'));
-- to bind keys to issuers there: add the two columns, then the new triggers (the kid stays unique across the table, its primary key)
ALTER TABLE jwt_keyring ADD COLUMN issuer TEXT;
ALTER TABLE jwt_keyring ADD COLUMN audience TEXT;
DROP TRIGGER jwt_keyring_insert;
DROP TRIGGER jwt_keyring_update;
.read src/sqlite/jwt_keyring.sql
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', '');
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 'https://d.example');
INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 'https://e.example');
SELECT jwt_authenticate(jwt_sign('{"iss":"https://d.example","sub":"d-user","exp":4102444800}', 'provider-d-shared-secret-0123456', 'HS256', '{"kid":"d1"}'));
SELECT jwt_authenticate(jwt_sign('{"iss":"https://d.example","sub":"x","exp":4102444800}', 'the-servers-own-hs256-secret-0001', 'HS256', '{"kid":"own"}'));
-- a table with one of the two columns: the other reads NULL; values that are not text are refused
.open :memory:
.load ./token_ext_sqlite
CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after, issuer);
INSERT INTO jwt_keyring VALUES ('d1', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL, 'https://d.example');
SELECT jwt_authenticate(jwt_sign('{"iss":"https://d.example","aud":"anything","sub":"d-user"}', 'provider-d-shared-secret-0123456', 'HS256', '{"kid":"d1"}'));
UPDATE jwt_keyring SET issuer = x'68747470733a2f2f64';
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET issuer = 'https://d.example' || char(0);
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET issuer = '';
SELECT jwt_authenticate('a.b.c');
DROP TABLE jwt_keyring;
CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after, audience);
INSERT INTO jwt_keyring VALUES ('d1', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL, 'api');
SELECT jwt_authenticate('a.b.c');
UPDATE jwt_keyring SET audience = 7;
SELECT jwt_authenticate('a.b.c');
DROP TABLE jwt_keyring;
-- the columns are found by name, in any order and case; a missing required one is named
CREATE TABLE jwt_keyring (AUDIENCE, Issuer, not_after, not_before, key, alg, purposes, KID);
INSERT INTO jwt_keyring VALUES ('api-d', 'https://d.example', NULL, 0, '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 'HS256', '["verify"]', 'd1');
SELECT jwt_authenticate(jwt_sign('{"iss":"https://d.example","aud":"api-d","sub":"d-user"}', 'provider-d-shared-secret-0123456', 'HS256', '{"kid":"d1"}'));
SELECT jwt_authenticate(jwt_sign('{"iss":"https://d.example","aud":"api","sub":"d-user"}', 'provider-d-shared-secret-0123456', 'HS256', '{"kid":"d1"}'));
DROP TABLE jwt_keyring;
CREATE TABLE jwt_keyring (kid, purposes, key, not_before, not_after, issuer, audience);
SELECT jwt_authenticate('a.b.c');
DROP TABLE jwt_keyring;
-- jwt_keyring_check: the six-argument form (an earlier DDL's triggers), and the eight
SELECT jwt_keyring_check('k', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL) IS NULL;
SELECT jwt_keyring_check('k', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL, 'https://d.example', 'api') IS NULL;
SELECT jwt_keyring_check('k', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL, NULL, 'api');
SELECT jwt_keyring_check('k', '["verify"]', 'HS256', '{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}', 0, NULL, 42);
