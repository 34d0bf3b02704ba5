--
-- idp_recipes: README.md's section "Identity providers", as written.
--
-- Each provider's recipe block (between "<!-- recipe: NAME -->" and the
-- end of its code fence) is read from README.md and run with :'jwks' set
-- to a key set shaped like the provider's; then a token shaped like the
-- provider's (its issuer, audience, claims and role path) must
-- authenticate, with the role the recipe's role-claim path names.  The
-- section's other examples (keyring_import, revocation, the cache's
-- statistics) are run as written too.  Keys are generated per run or
-- taken from sql/fixtures/asym_keys.sql; only outcomes are printed.
--
\set VERBOSITY default
\ir sql/fixtures/asym_keys.sql
\set ECHO all

DELETE FROM jwt.keyring;
DELETE FROM jwt.revocation;
CREATE ROLE authenticator LOGIN NOINHERIT;
CREATE TABLE recipe_key (name text PRIMARY KEY, jwk jsonb NOT NULL);
INSERT INTO recipe_key
SELECT 'supabase', jwt.generate_key('ES256') || '{"kid":"6c7f1e52-9a1b-4d7e-8a0f-3b2c1d4e5f60"}' UNION ALL
SELECT 'auth0', jwt.generate_key('RS256') || '{"kid":"auth0-key-1"}' UNION ALL
SELECT 'clerk', jwt.generate_key('RS256') || '{"kid":"ins_2abcDEF"}' UNION ALL
SELECT 'keycloak', jwt.generate_key('RS256') || '{"kid":"kc-sig"}' UNION ALL
SELECT 'keycloak-enc', jwt.generate_key('RSA-OAEP') || '{"kid":"kc-enc","use":"enc"}' UNION ALL
SELECT 'cognito', jwt.generate_key('RS256') || '{"kid":"cognito-key-1"}' UNION ALL
SELECT 'firebase', pg_temp.k('rsa_jwk_priv')::jsonb || '{"kid":"fb-1"}';

-- the role the recipe set for authenticator, put in force here
CREATE FUNCTION recipe_role_claim() RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT set_config('token_ext.role_claim', substr(s, length('token_ext.role_claim=') + 1), false)
        FROM pg_db_role_setting, unnest(setconfig) s
       WHERE setrole = 'authenticator'::regrole AND setdatabase = 0 AND s LIKE 'token_ext.role_claim=%' $$;
-- authenticate a token of key name with claims, as 'sub role' or the error
CREATE FUNCTION recipe_auth(name text, claims jsonb) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  k jsonb := (SELECT jwk FROM recipe_key r WHERE r.name = recipe_auth.name);
  tok text := jwt.sign(claims || '{"exp": 4102444800}', k - 'kid', k->>'alg',
                       jsonb_build_object('kid', k->>'kid', 'typ', 'JWT'));
BEGIN
  RETURN t.outcome(format('SELECT (jwt.authenticate(%L)->>''sub'') || '' '' || coalesce(jwt.role(), ''(no role)'')', tok));
END $$;

-- Supabase: the ES256 signing key and the legacy secret in one JWKS
SELECT jsonb_build_object('keys', jsonb_build_array(
         jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'supabase')) || '{"use":"sig"}',
         jsonb_build_object('kty', 'oct', 'kid', 'legacy-secret', 'alg', 'HS256',
                            'k', t.b64url(convert_to('super-secret-jwt-token-with-at-least-32-characters-long', 'UTF8'))))) AS jwks \gset
\! sed -n '/<!-- recipe: supabase -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_supabase.sql
\i results/idp_recipe_supabase.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('supabase', '{"iss":"https://abcdefghijklmnop.supabase.co/auth/v1","aud":"authenticated",
                                 "sub":"5e6f7a8b-0000-4000-8000-000000000001","role":"authenticated","aal":"aal1"}') AS supabase_token,
       t.outcome(format('SELECT jwt.authenticate(%L)->>''role''',
                        t.forge('{"alg":"HS256","typ":"JWT"}', '{"iss":"https://abcdefghijklmnop.supabase.co/auth/v1","aud":"authenticated","sub":"legacy","role":"anon"}',
                                convert_to('super-secret-jwt-token-with-at-least-32-characters-long', 'UTF8')))) AS legacy_token;

-- Auth0: RS256, aud an array naming the API, roles in a namespaced claim
SELECT jsonb_build_object('keys', jsonb_build_array(jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'auth0')) || '{"use":"sig"}')) AS jwks \gset
\! sed -n '/<!-- recipe: auth0 -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_auth0.sql
\i results/idp_recipe_auth0.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('auth0', '{"iss":"https://example.us.auth0.com/","aud":["https://api.example.com","https://example.us.auth0.com/userinfo"],
                              "sub":"auth0|64f1","azp":"kXk6","scope":"openid read:items","https://example.com/roles":["editor","viewer"]}') AS auth0_token;

-- Clerk: no aud, azp and sid
SELECT jsonb_build_object('keys', jsonb_build_array(jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'clerk')) || '{"use":"sig"}')) AS jwks \gset
\! sed -n '/<!-- recipe: clerk -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_clerk.sql
\i results/idp_recipe_clerk.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('clerk', '{"iss":"https://fit-kiwi-12.clerk.accounts.dev","azp":"https://app.example.com","sid":"sess_1","sub":"user_2xyz","v":2,"role":"member"}') AS clerk_token;

-- Keycloak: a signing key and an RSA-OAEP encryption key in the realm's set
SELECT jsonb_build_object('keys', jsonb_build_array(
         jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'keycloak')) || '{"use":"sig"}',
         jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'keycloak-enc')))) AS jwks \gset
\! sed -n '/<!-- recipe: keycloak -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_keycloak.sql
\i results/idp_recipe_keycloak.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('keycloak', '{"iss":"https://sso.example.com/realms/acme","aud":"account","typ":"Bearer","azp":"web",
                                 "sub":"7d3e","realm_access":{"roles":["app_admin","offline_access"]}}') AS keycloak_token;

-- Cognito: an access token (client_id, no aud) and an ID token (aud)
SELECT jsonb_build_object('keys', jsonb_build_array(jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'cognito')) || '{"use":"sig"}')) AS jwks \gset
\! sed -n '/<!-- recipe: cognito -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_cognito.sql
\i results/idp_recipe_cognito.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('cognito', '{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI","client_id":"3n4b5urk",
                                "token_use":"access","sub":"c0ff","cognito:groups":["admins"]}') AS access_token,
       recipe_auth('cognito', '{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI","aud":"3n4b5urk",
                                "token_use":"id","sub":"c0ff","cognito:groups":["admins"]}') AS id_token;

-- Firebase: the certificate map; a token of another project fails
SELECT jsonb_build_object('fb-1', pg_temp.k('rsa_crt')) AS jwks \gset
\! sed -n '/<!-- recipe: firebase -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_recipe_firebase.sql
\i results/idp_recipe_firebase.sql
SELECT recipe_role_claim() AS role_claim,
       recipe_auth('firebase', '{"iss":"https://securetoken.google.com/my-project-1","aud":"my-project-1","sub":"fbUser","user_id":"fbUser",
                                 "firebase":{"sign_in_provider":"password"}}') AS firebase_token,
       recipe_auth('firebase', '{"iss":"https://securetoken.google.com/my-project-2","aud":"my-project-2","sub":"fbUser"}') AS other_project;

-- every recipe's keys side by side, each bound to its issuer
SELECT issuer, audience, string_agg(kid, ', ' ORDER BY kid) AS kids FROM jwt.keyring GROUP BY 1, 2 ORDER BY 1;
RESET token_ext.role_claim;

--
-- the section's other examples, as written
--
-- the provider's set in the data directory, where the example reads it:
-- Auth0's key, and a new one (the example's output shows keys, so it goes
-- to /dev/null, and the keyring is looked at after)
DO $$ BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L',
                 jsonb_build_object('keys', jsonb_build_array(
                   jwt.public_jwk((SELECT jwk FROM recipe_key WHERE name = 'auth0')),
                   pg_temp.k('rsa_jwk')::jsonb || '{"kid":"auth0-key-2","alg":"RS256"}')),
                 current_setting('data_directory') || '/provider-jwks.json');
END $$;
\! sed -n '/<!-- example: keyring-import -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_example_import.sql
\o /dev/null
\i results/idp_example_import.sql
\o
SELECT kid, audience, not_after IS NULL AS current FROM jwt.keyring WHERE issuer = 'https://example.us.auth0.com/' ORDER BY kid;
\! sed -n '/<!-- example: revocation -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_example_revocation.sql
\i results/idp_example_revocation.sql
RESET token_ext.verify_revocation;
\! sed -n '/<!-- example: token-cache-stats -->/,/^```$/p' README.md | sed '1,2d;$d' > results/idp_example_stats.sql
SELECT jwt.clear_token_cache();
\o /dev/null
\i results/idp_example_stats.sql
\o

DELETE FROM jwt.keyring;
DELETE FROM jwt.revocation;
ALTER ROLE authenticator RESET ALL;
DROP ROLE authenticator;
