--
-- identity_providers: keys bound to an issuer, importing a provider's key
-- set, PostgREST's jwt-secret forms, and the "no matching key" details.
--
-- Three providers share one keyring with the server's own keys:
--   A  iss https://a.example/  (trailing slash, as Auth0's)  aud api-a  ES256 kid k1
--   B  iss https://b.example   aud api-b  ES256, its own key under the SAME kid k1
--   C  iss https://c.example   aud api-c  A's key material under kid c1
--   D  iss https://d.example   no audience bound  an HS256 secret (tokens forged by t.forge)
--   the server's own HS256 key "own", bound to no issuer
-- and every way one issuer's token could pass for another's is tried.
-- Keys are generated per run, so only outcomes are printed.
--
\set VERBOSITY default
\ir sql/fixtures/asym_keys.sql
\set ECHO all

DELETE FROM jwt.keyring;
CREATE TABLE idp_key (name text PRIMARY KEY, jwk jsonb NOT NULL);
INSERT INTO idp_key
SELECT 'a', jwt.generate_key('ES256') UNION ALL
SELECT 'b', jwt.generate_key('ES256');

-- the outcome of jwt.authenticate: 'OK <iss> <sub>' or '<SQLSTATE> <message> | <detail>'
CREATE FUNCTION idp_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT t.outcome(format(
  'SELECT coalesce(c->>''iss'', ''(no iss)'') || '' '' || (c->>''sub'') FROM jwt.authenticate(%L) c', tok)) $$;
-- a token signed with provider key name (a private JWK), kid as given (NULL: none)
CREATE FUNCTION idp_tok(name text, kid text, claims jsonb) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT jwt.sign(claims || '{"exp": 4102444800}', (SELECT jwk - 'kid' FROM idp_key k WHERE k.name = idp_tok.name),
                      'ES256', CASE WHEN kid IS NULL THEN NULL ELSE jsonb_build_object('kid', kid) END) $$;
CREATE FUNCTION idp_pub(name text) RETURNS jsonb
LANGUAGE sql STABLE
AS $$ SELECT jwt.public_jwk(jwk) FROM idp_key k WHERE k.name = idp_pub.name $$;
-- D's secret (HS256) and the server's own
CREATE FUNCTION idp_secret(name text) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT convert_to(CASE name WHEN 'd' THEN 'provider-d-shared-secret-0123456' ELSE 'the-servers-own-hs256-secret-0001' END, 'UTF8') $$;
CREATE FUNCTION idp_forge(name text, kid text, payload text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT t.forge(CASE WHEN kid IS NULL THEN '{"alg":"HS256","typ":"JWT"}'
                          ELSE format('{"alg":"HS256","typ":"JWT","kid":"%s"}', kid) END,
                     payload, idp_secret(name)) $$;

--
-- the new columns, judged by the trigger before any constraint
--
SELECT c AS case, t.outcome(format(
         'INSERT INTO jwt.keyring (kid, purposes, key, issuer, audience) VALUES (%L, ''{verify}'', %L, %L, %L) RETURNING kid',
         'bad', jsonb_build_object('kty', 'oct', 'k', t.b64url(idp_secret('d'))), issuer, audience)) AS outcome
  FROM (VALUES
    ('empty issuer', '', NULL),
    ('issuer of 1025 bytes', repeat('i', 1025), NULL),
    ('audience without issuer', NULL, 'api'),
    ('empty audience', 'https://d.example', ''),
    ('audience of 1025 bytes', 'https://d.example', repeat('a', 1025))
  ) v(c, issuer, audience);

-- the keyring: kids unique per issuer, not across it
INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer, audience) VALUES
  ('k1', '{verify}', 'ES256', idp_pub('a'), 'https://a.example/', 'api-a'),
  ('k1', '{verify}', 'ES256', idp_pub('b'), 'https://b.example', 'api-b'),
  ('c1', '{verify}', 'ES256', idp_pub('a'), 'https://c.example', 'api-c'),
  ('d1', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(idp_secret('d'))), 'https://d.example', NULL),
  ('own', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(idp_secret('own'))), NULL, NULL);
SELECT kid, issuer, audience FROM jwt.keyring ORDER BY kid, issuer;
-- the same kid twice for one issuer, or twice bound to no issuer, is refused
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer) SELECT 'k1', '{verify}', 'ES256', idp_pub('b'), 'https://a.example/'$$) AS same_kid_same_issuer;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, alg, key) SELECT 'own', '{verify}', 'ES256', idp_pub('b')$$) AS same_kid_no_issuer;

--
-- each provider's own tokens pass, with its own audience
--
SELECT c AS case, idp_auth(tok) AS outcome FROM (VALUES
  ('A', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"a-user"}')),
  ('B, same kid as A', idp_tok('b', 'k1', '{"iss":"https://b.example","aud":"api-b","sub":"b-user"}')),
  ('C, A''s key material', idp_tok('a', 'c1', '{"iss":"https://c.example","aud":"api-c","sub":"c-user"}')),
  ('A without kid: A''s keys are tried', idp_tok('a', NULL, '{"iss":"https://a.example/","aud":"api-a","sub":"a-nokid"}')),
  ('A, aud an array naming api-a', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":["x","api-a"],"sub":"a-arr"}')),
  ('D, no audience bound', idp_forge('d', 'd1', '{"iss":"https://d.example","aud":"anything","sub":"d-user"}')),
  ('D, no aud at all', idp_forge('d', 'd1', '{"iss":"https://d.example","sub":"d-noaud"}')),
  ('own key, no iss', idp_forge('own', 'own', '{"sub":"own-user"}')),
  ('own key, an issuer nobody binds', idp_forge('own', 'own', '{"iss":"https://own.example","sub":"own-iss"}'))
) v(c, tok);

--
-- every way one issuer's token could pass for another's
--
SELECT c AS case, idp_auth(tok) AS outcome FROM (VALUES
  ('A''s key, iss B, kid k1 (B''s kid)', idp_tok('a', 'k1', '{"iss":"https://b.example","aud":"api-b","sub":"x"}')),
  ('B''s key, iss A, kid k1 (A''s kid)', idp_tok('b', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}')),
  ('A''s key, iss B, no kid', idp_tok('a', NULL, '{"iss":"https://b.example","aud":"api-b","sub":"x"}')),
  ('A''s key, iss C, kid k1 (A''s kid)', idp_tok('a', 'k1', '{"iss":"https://c.example","aud":"api-c","sub":"x"}')),
  ('C''s material, iss A, kid c1 (C''s kid)', idp_tok('a', 'c1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}')),
  ('C''s material and kid, iss C, A''s audience', idp_tok('a', 'c1', '{"iss":"https://c.example","aud":"api-a","sub":"x"}')),
  ('A''s key, iss A, B''s audience', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":"api-b","sub":"x"}')),
  ('A''s key, iss A, no aud', idp_tok('a', 'k1', '{"iss":"https://a.example/","sub":"x"}')),
  ('A''s key, iss A, aud [] ', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":[],"sub":"x"}')),
  ('A''s key, iss A, aud "API-A"', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":"API-A","sub":"x"}')),
  ('A''s key, iss A without its trailing slash', idp_tok('a', 'k1', '{"iss":"https://a.example","aud":"api-a","sub":"x"}')),
  ('A''s key, iss A in capitals', idp_tok('a', 'k1', '{"iss":"HTTPS://A.EXAMPLE/","aud":"api-a","sub":"x"}')),
  ('A''s key, iss A with a space', idp_tok('a', 'k1', '{"iss":"https://a.example/ ","aud":"api-a","sub":"x"}')),
  ('A''s key, iss an array holding A', idp_tok('a', 'k1', '{"iss":["https://a.example/"],"aud":"api-a","sub":"x"}')),
  ('A''s key, no iss', idp_tok('a', 'k1', '{"aud":"api-a","sub":"x"}')),
  ('A''s key, no iss, no kid', idp_tok('a', NULL, '{"aud":"api-a","sub":"x"}')),
  ('own key, iss A', idp_forge('own', 'own', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}')),
  ('own key, iss A, no kid', idp_forge('own', NULL, '{"iss":"https://a.example/","aud":"api-a","sub":"x"}')),
  ('D''s secret, iss A, kid d1', idp_forge('d', 'd1', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}')),
  ('D''s secret, no iss, kid d1', idp_forge('d', 'd1', '{"sub":"x"}')),
  ('D''s secret, iss D followed by a NUL', idp_forge('d', 'd1', '{"iss":"https://d.example\u0000","sub":"x"}')),
  ('D''s secret, iss D, kid own', idp_forge('d', 'own', '{"iss":"https://d.example","sub":"x"}'))
) v(c, tok);

-- the settings of the server's own tokens do not reach the providers' keys
SET token_ext.audience = 'authenticated';
SET token_ext.issuer = 'https://own.example';
SELECT c AS case, idp_auth(tok) AS outcome FROM (VALUES
  ('A under token_ext.audience/issuer', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"a-user"}')),
  ('own key, the setting''s issuer and audience', idp_forge('own', 'own', '{"iss":"https://own.example","aud":"authenticated","sub":"own"}')),
  ('own key, another issuer', idp_forge('own', 'own', '{"iss":"https://other.example","aud":"authenticated","sub":"own"}'))
) v(c, tok);
RESET token_ext.audience;
RESET token_ext.issuer;

-- an issuer whose keys are all outside their window is still bound: the
-- server's own key cannot verify a token naming it
UPDATE jwt.keyring SET not_before = now() - interval '2 days', not_after = now() - interval '1 day'
 WHERE issuer = 'https://b.example';
SELECT idp_auth(idp_forge('own', 'own', '{"iss":"https://b.example","sub":"x"}')) AS own_key_retired_issuer,
       idp_auth(idp_tok('b', 'k1', '{"iss":"https://b.example","aud":"api-b","sub":"b-user"}')) AS b_retired;
UPDATE jwt.keyring SET not_after = NULL WHERE issuer = 'https://b.example';

-- a nested token: the server's decryption key (bound to no issuer) around
-- a provider's signed token; the inner token's issuer picks the keys
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('own-dir', '{decrypt}', 'dir', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('own-direct-encryption-key-32byte', 'UTF8'))));
SELECT c AS case, idp_auth(jwt.encrypt(inner_tok, jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('own-direct-encryption-key-32byte', 'UTF8')), 'kid', 'own-dir'),
                                      'dir', 'A256GCM', '{"cty":"JWT"}')) AS outcome FROM (VALUES
  ('nested: A''s token inside', idp_tok('a', 'k1', '{"iss":"https://a.example/","aud":"api-a","sub":"a-nested"}')),
  ('nested: own key claiming iss A inside', idp_forge('own', 'own', '{"iss":"https://a.example/","aud":"api-a","sub":"x"}'))
) v(c, inner_tok);
DELETE FROM jwt.keyring WHERE kid = 'own-dir';

--
-- "no matching key" names the token's kid (escaped, cut at 64 bytes) and
-- the issuer looked up; an empty keyring, or one with no key for the
-- token's algorithm, says so
--
SELECT c AS case, idp_auth(tok) AS outcome FROM (VALUES
  ('kid with a quote and a newline', idp_forge('d', E'x\\"y\\nz', '{"iss":"https://d.example","sub":"x"}')),
  ('kid of 200 bytes', idp_forge('d', repeat('k', 200), '{"iss":"https://d.example","sub":"x"}')),
  ('issuer of 100 bytes, kid of none', idp_forge('own', 'nope', format('{"iss":"https://%s.example","sub":"x"}', repeat('i', 100)))),
  ('no kid, an algorithm no key of the issuer has', idp_tok('b', NULL, '{"iss":"https://d.example","sub":"x"}'))
) v(c, tok);
BEGIN;
DELETE FROM jwt.keyring WHERE issuer IS NOT NULL;
SELECT idp_auth(idp_tok('a', NULL, '{"sub":"x"}')) AS only_own_hs256_key_for_es256;
DELETE FROM jwt.keyring;
SELECT idp_auth(idp_forge('own', 'own', '{"sub":"x"}')) AS empty_keyring;
ROLLBACK;

--
-- jwt.keyring_import: a provider's key set, bound to its issuer
--
DELETE FROM jwt.keyring;
CREATE TABLE idp_set (name text PRIMARY KEY, jwk jsonb NOT NULL);
INSERT INTO idp_set SELECT 'k-' || n, jwt.generate_key('ES256') FROM generate_series(1, 4) n;
CREATE FUNCTION idp_jwks(VARIADIC names text[]) RETURNS jsonb
LANGUAGE sql STABLE
AS $$ SELECT jsonb_build_object('keys', jsonb_agg(jwt.public_jwk(jwk) || jsonb_build_object('kid', name, 'alg', 'ES256', 'use', 'sig') ORDER BY name))
        FROM idp_set WHERE name = ANY (names) $$;
CREATE FUNCTION idp_set_tok(name text, claims jsonb) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT jwt.sign(claims || '{"iss":"https://idp.example","aud":"app","exp":4102444800}',
                      (SELECT jwk - 'kid' FROM idp_set s WHERE s.name = idp_set_tok.name), 'ES256', jsonb_build_object('kid', name)) $$;
-- tokens made before any rotation (in flight)
SELECT idp_set_tok('k-1', '{"sub":"flight-1"}') AS tok1, idp_set_tok('k-2', '{"sub":"flight-2"}') AS tok2,
       idp_set_tok('k-3', '{"sub":"flight-3"}') AS tok3 \gset

SELECT kid, action, not_after FROM jwt.keyring_import(idp_jwks('k-1', 'k-2'), 'https://idp.example', 'app') ORDER BY kid;
-- idempotent
SELECT kid, action, not_after FROM jwt.keyring_import(idp_jwks('k-1', 'k-2'), 'https://idp.example', 'app') ORDER BY kid;
SELECT kid, purposes, alg, issuer, audience, not_after IS NULL AS open, key ? 'kid' AS key_has_kid FROM jwt.keyring ORDER BY kid;
SELECT idp_auth(:'tok1') AS tok1, idp_auth(:'tok2') AS tok2;
-- rotation: k-3 appears, k-1 leaves; k-1 is retired after the grace period,
-- and its tokens in flight verify until then
SELECT kid, action, not_after - now() AS retires_in
  FROM jwt.keyring_import(idp_jwks('k-2', 'k-3'), 'https://idp.example', 'app', grace => '2 hours') ORDER BY kid;
SELECT idp_auth(:'tok1') AS tok1_in_flight, idp_auth(:'tok3') AS tok3_new;
-- running again changes nothing: k-1 is already retiring
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-2', 'k-3'), 'https://idp.example', 'app', grace => '2 hours') ORDER BY kid;
-- once the grace period is over, its tokens fail, and the next import removes it
UPDATE jwt.keyring SET not_before = now() - interval '3 hours', not_after = now() - interval '1 hour' WHERE kid = 'k-1';
SELECT idp_auth(:'tok1') AS tok1_after_grace;
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-2', 'k-3'), 'https://idp.example', 'app') ORDER BY kid;
-- a key back in the set is restored; a kid reused for other material is replaced
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-2', 'k-3'), 'https://idp.example', 'app', grace => '0') ORDER BY kid;
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-3'), 'https://idp.example', 'app', grace => '0') ORDER BY kid;
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-2', 'k-3'), 'https://idp.example', 'app') ORDER BY kid;
SELECT kid, action FROM jwt.keyring_import(
  jsonb_build_object('keys', (idp_jwks('k-3')->'keys') ||
                             (jwt.public_jwk((SELECT jwk FROM idp_set WHERE name = 'k-4')) || '{"kid":"k-2","alg":"ES256"}')),
  'https://idp.example', 'app') ORDER BY kid;
SELECT idp_auth(:'tok2') AS tok2_after_kid_reuse;
-- a new audience for the issuer's keys
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-3'), 'https://idp.example', 'app-2', grace => '0') ORDER BY kid;
SELECT idp_auth(:'tok3') AS tok3_old_audience;
-- another issuer's import leaves these keys alone, even with the same kids
SELECT kid, action FROM jwt.keyring_import(idp_jwks('k-3'), 'https://other.example', NULL) ORDER BY kid;
SELECT kid, issuer, audience FROM jwt.keyring ORDER BY issuer, kid;

-- the forms: a mixed set (EC and a secret, as Supabase publishes), one JWK,
-- a certificate map (Google's and Firebase's), keys that are skipped
SELECT kid, action FROM jwt.keyring_import(jsonb_build_object('keys', jsonb_build_array(
    jwt.public_jwk((SELECT jwk FROM idp_set WHERE name = 'k-1')) || '{"kid":"ec-1","alg":"ES256","use":"sig"}',
    jsonb_build_object('kty', 'oct', 'kid', 'legacy', 'alg', 'HS256', 'k', t.b64url(idp_secret('d'))),
    jwt.public_jwk(pg_temp.k('rsaB_jwk_priv')::jsonb) || '{"kid":"enc-1","alg":"RSA-OAEP","use":"enc"}',
    jwt.public_jwk(pg_temp.k('rsaB_jwk_priv')::jsonb) || '{"kid":"wrap-1","key_ops":["wrapKey"]}',
    jwt.public_jwk(pg_temp.k('rsaB_jwk_priv')::jsonb) || '{"kid":"rsa15","alg":"RSA1_5"}',
    '{"kty":"AKP","kid":"pq-1","alg":"ML-DSA-44","pub":"AAAA"}'::jsonb)),
  'https://mixed.example', 'authenticated') ORDER BY kid;
SELECT idp_auth(idp_forge('d', 'legacy', '{"iss":"https://mixed.example","aud":"authenticated","sub":"legacy-user"}')) AS legacy_hs256;
SELECT kid, action FROM jwt.keyring_import(pg_temp.k('rsa_jwk')::jsonb || '{"kid":"one","alg":"RS256"}', 'https://one.example', 'x');
SELECT kid, action FROM jwt.keyring_import(jsonb_build_object('fb-1', pg_temp.k('rsa_crt'), 'fb-2', pg_temp.k('rsaB_crt')),
                                           'https://securetoken.google.com/proj-1', 'proj-1') ORDER BY kid;
SELECT kid, key->>'kty' AS kty, key->>'n' = pg_temp.k('rsa_jwk')::jsonb->>'n' AS same_modulus
  FROM jwt.keyring WHERE issuer LIKE 'https://securetoken%' ORDER BY kid;
SELECT idp_auth(jwt.sign('{"iss":"https://securetoken.google.com/proj-1","aud":"proj-1","sub":"fb-user","exp":4102444800}',
                         pg_temp.k('rsa_jwk_priv')::jsonb, 'RS256', '{"kid":"fb-1"}')) AS firebase_token,
       idp_auth(jwt.sign('{"iss":"https://securetoken.google.com/proj-2","aud":"proj-2","sub":"fb-user","exp":4102444800}',
                         pg_temp.k('rsa_jwk_priv')::jsonb, 'RS256', '{"kid":"fb-1"}')) AS other_firebase_project;
-- the same shared keys for a second Firebase project, side by side
SELECT kid, action FROM jwt.keyring_import(jsonb_build_object('fb-1', pg_temp.k('rsa_crt'), 'fb-2', pg_temp.k('rsaB_crt')),
                                           'https://securetoken.google.com/proj-2', 'proj-2') ORDER BY kid;
SELECT idp_auth(jwt.sign('{"iss":"https://securetoken.google.com/proj-2","aud":"proj-2","sub":"fb-user","exp":4102444800}',
                         pg_temp.k('rsa_jwk_priv')::jsonb, 'RS256', '{"kid":"fb-1"}')) AS second_project,
       idp_auth(jwt.sign('{"iss":"https://securetoken.google.com/proj-2","aud":"proj-1","sub":"fb-user","exp":4102444800}',
                         pg_temp.k('rsa_jwk_priv')::jsonb, 'RS256', '{"kid":"fb-1"}')) AS project_2_for_project_1;

-- what is refused
SELECT c AS case, t.outcome(format('SELECT count(*) FROM jwt.keyring_import(%L::jsonb, %L, %L, %L)', keys, issuer, 'aud', grace)) AS outcome
  FROM (VALUES
    ('no issuer', idp_jwks('k-1')::text, NULL, '1 day'),
    ('empty issuer', idp_jwks('k-1')::text, '', '1 day'),
    ('negative grace', idp_jwks('k-1')::text, 'https://x.example', '-1 hour'),
    ('a private EC key', jsonb_build_object('keys', jsonb_build_array((SELECT jwk FROM idp_set WHERE name = 'k-1') || '{"kid":"priv"}'))::text, 'https://x.example', '1 day'),
    ('a private RSA key', jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk_priv')::jsonb || '{"kid":"priv"}'))::text, 'https://x.example', '1 day'),
    ('not an object', '[1]', 'https://x.example', '1 day'),
    ('keys not an array', '{"keys":{}}', 'https://x.example', '1 day'),
    ('a key that is not a JWK', '{"keys":[1]}', 'https://x.example', '1 day'),
    ('a kid that is not a string', '{"keys":[{"kty":"oct","kid":1,"k":"AAAA"}]}', 'https://x.example', '1 day'),
    ('a secret without kid', '{"keys":[{"kty":"oct","k":"cHJvdmlkZXItZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY"}]}', 'https://x.example', '1 day'),
    ('two keys with one kid', jsonb_build_object('keys', (idp_jwks('k-1')->'keys') || (idp_jwks('k-1')->'keys'))::text, 'https://x.example', '1 day'),
    ('a map member that is no certificate', jsonb_build_object('a', pg_temp.k('rsa_crt'), 'b', 'x')::text, 'https://x.example', '1 day'),
    ('an empty map', '{}', 'https://x.example', '1 day'),
    ('101 keys', jsonb_build_object('keys', (SELECT jsonb_agg(idp_pub('a') || jsonb_build_object('kid', 'n' || n)) FROM generate_series(1, 101) n))::text, 'https://x.example', '1 day'),
    ('a key the trigger refuses', '{"keys":[{"kty":"RSA","kid":"bad","n":"AAAA","e":"AQAB"}]}', 'https://x.example', '1 day')
  ) v(c, keys, issuer, grace);
-- nothing of a refused import stays
SELECT count(*) AS x_example_keys FROM jwt.keyring WHERE issuer = 'https://x.example';
-- a key without kid takes its RFC 7638 thumbprint
SELECT kid = jwt.jwk_thumbprint(pg_temp.k('rsa_jwk')::jsonb) AS thumbprint_kid, action
  FROM jwt.keyring_import(jsonb_build_object('keys', jsonb_build_array(pg_temp.k('rsa_jwk')::jsonb)), 'https://thumb.example', NULL);

-- jwt.keyring_jwks() publishes the keys bound to no issuer (your own);
-- keyring_jwks(issuer) those of an issuer
INSERT INTO jwt.keyring (kid, purposes, alg, key) SELECT 'own-es', '{sign,verify}', 'ES256', jwk FROM idp_key WHERE name = 'a';
SELECT jsonb_path_query_array(jwt.keyring_jwks(), '$.keys[*].kid') AS own,
       jsonb_path_query_array(jwt.keyring_jwks('https://idp.example'), '$.keys[*].kid') AS idp,
       jwt.keyring_jwks(NULL) AS null_issuer;
-- signing by kid finds the one key valid for signing
SELECT jwt.verify(jwt.sign('{"sub":"s"}', kid => 'own-es'), idp_pub('a'))->>'sub' AS signed_by_kid;
-- the same kid for signing under two issuers names no one key
INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer) SELECT 'own-es', '{sign}', 'ES256', jwk, 'https://own.example' FROM idp_key WHERE name = 'b';
SELECT t.outcome($$SELECT jwt.sign('{"sub":"s"}', kid => 'own-es')$$) AS ambiguous_kid;
DELETE FROM jwt.keyring WHERE kid = 'own-es' AND issuer IS NOT NULL;

--
-- jwt.keyring_import_postgrest: PostgREST's jwt-secret as it is configured
--
DELETE FROM jwt.keyring;
SELECT kid, action FROM jwt.keyring_import_postgrest('a-postgrest-secret-of-32-chars!!');
SELECT kid, action FROM jwt.keyring_import_postgrest('a-postgrest-secret-of-32-chars!!');
SELECT kid, purposes, alg, issuer, key->>'k' = t.b64url(convert_to('a-postgrest-secret-of-32-chars!!', 'UTF8')) AS same_bytes
  FROM jwt.keyring;
SELECT idp_auth(t.forge('{"alg":"HS256","typ":"JWT"}', '{"sub":"pgrst-user","role":"web"}',
                        convert_to('a-postgrest-secret-of-32-chars!!', 'UTF8'))) AS postgrest_token_without_kid;
-- a new secret replaces the old one under the same kid
SELECT kid, action FROM jwt.keyring_import_postgrest('another-postgrest-secret-32chars', purposes => '{sign,verify}');
-- jwt-secret-is-base64: standard or URL-safe letters, whitespace around
SELECT kid, action FROM jwt.keyring_import_postgrest(E' ' || translate(encode(decode('fbff' || repeat('00', 30) || 'feff', 'hex'), 'base64'), '+/', '-_') || E'\n',
                                                     true, secret_kid => 'b64');
SELECT key->>'k' = t.b64url(decode('fbff' || repeat('00', 30) || 'feff', 'hex')) AS decoded_bytes FROM jwt.keyring WHERE kid = 'b64';
-- a JWK, a JWKS (private halves of asymmetric keys are dropped for verify-only keys)
SELECT kid, action FROM jwt.keyring_import_postgrest((pg_temp.k('ec_jwk')::jsonb || '{"kid":"pg-ec","alg":"ES256"}')::text);
SELECT kid, action FROM jwt.keyring_import_postgrest(jsonb_build_object('keys', jsonb_build_array(
  pg_temp.k('rsa_jwk_priv')::jsonb || '{"kid":"pg-rsa","alg":"RS256"}',
  jsonb_build_object('kty', 'oct', 'kid', 'pg-oct', 'k', t.b64url(idp_secret('own'))),
  jsonb_build_object('kty', 'oct', 'k', t.b64url(idp_secret('d')))))::text);
SELECT kid, purposes, alg, key ? 'd' AS has_private FROM jwt.keyring ORDER BY kid;
-- the JWKS, base64-encoded, with jwt-secret-is-base64
SELECT kid, action FROM jwt.keyring_import_postgrest(encode(convert_to(jsonb_build_object('keys', jsonb_build_array(
  pg_temp.k('ec_jwk')::jsonb || '{"kid":"pg-ec","alg":"ES256"}'))::text, 'UTF8'), 'base64'), true);
SELECT c AS case, t.outcome(format('SELECT count(*) FROM jwt.keyring_import_postgrest(%L, %L)', secret, b64)) AS outcome
  FROM (VALUES
    ('a secret of 31 bytes', 'a-postgrest-secret-of-31-chars!', false),
    ('not base64', 'not*base64', true),
    ('NULL', NULL, false),
    ('a JSON object that is no key', '{"a":1}', false)
  ) v(c, secret, b64);

