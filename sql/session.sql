--
-- session: the verified claims jwt.authenticate keeps, how long it keeps
-- them, and what the readers return.
--
-- Claims are transaction-local by default: COMMIT and ROLLBACK end them, a
-- rolled-back savepoint (or plpgsql exception block) undoes an authenticate
-- inside it, RESET ALL and DISCARD ALL clear them, and jwt.clear() drops
-- them now.  Session scope (scope => 'session' or token_ext.claims_scope)
-- outlives COMMIT.  With no token the readers return NULL (claims() too:
-- NULL, not '{}'), so a policy comparing with them matches no row.
--
-- Tokens are built with t.forge (pgcrypto HMAC, init.sql), not jwt.sign,
-- and never printed; the keyring key 'sess' verifies them.
--
\set VERBOSITY default

INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('sess', '{verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', t.b64url('session-test-secret-32-bytes-ok!'::text)));

CREATE TABLE sess_tok (name text PRIMARY KEY, tok text NOT NULL);
INSERT INTO sess_tok
SELECT name, t.forge('{"alg":"HS256","typ":"JWT","kid":"sess"}', payload,
                     convert_to('session-test-secret-32-bytes-ok!', 'UTF8'))
  FROM (VALUES
    ('a', '{"sub":"00000000-0000-0000-0000-00000000000a","role":"reader","n":42,"obj":{"x":[1,2]},"nul":null,"flag":true}'),
    ('b', '{"sub":"00000000-0000-0000-0000-00000000000b"}'),
    ('text_sub', '{"sub":"user@example.com"}'),
    ('num_sub', '{"sub":12345}'),
    ('num_role', '{"sub":"x","role":7}'),
    ('nohyphen', '{"sub":"0000000000004000A000000000000ABC"}'),
    ('upper', '{"sub":"ABCDEF00-0000-4000-A000-00000000000C"}'),
    ('bad_uuid', '{"sub":"00000000-0000-0000-0000-00000000000g"}'),
    ('no_sub', '{"iss":"x"}'),
    ('app_meta', '{"sub":"s","role":"top","app_metadata":{"role":"nested","deep":{"role":"deeper"}}}'),
    ('bad_sig', '{"sub":"00000000-0000-0000-0000-00000000000e"}')
  ) v(name, payload);
-- a token whose signature does not verify (one character of the MAC changed)
UPDATE sess_tok SET tok = left(tok, -1) || CASE right(tok, 1) WHEN 'A' THEN 'B' ELSE 'A' END
 WHERE name = 'bad_sig';
SELECT tok AS a FROM sess_tok WHERE name = 'a' \gset
SELECT tok AS b FROM sess_tok WHERE name = 'b' \gset
SELECT tok AS bad FROM sess_tok WHERE name = 'bad_sig' \gset

-- authenticate with the token name (for the transaction), then read sub, uid and role
CREATE FUNCTION sess_as(name text, OUT sub text, OUT uid uuid, OUT role text)
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  PERFORM jwt.authenticate(s.tok) FROM sess_tok s WHERE s.name = sess_as.name;
  sub := jwt.sub();
  uid := jwt.uid();
  role := jwt.role();
END $$;

-- one line per reader, for the current claims
CREATE FUNCTION sess_readers() RETURNS TABLE (reader text, value text)
LANGUAGE sql VOLATILE
AS $$
  VALUES ('claims', jwt.claims()::text), ('claim(sub)', jwt.claim('sub')),
         ('claim_json(sub)', jwt.claim_json('sub')::text), ('sub', jwt.sub()),
         ('uid', jwt.uid()::text), ('role', jwt.role()), ('authenticated', jwt.authenticated()::text)
$$;

--
-- no token: every reader is NULL (claims() is NULL, not '{}'), authenticated() false
--
SELECT reader, value IS NULL AS is_null, value FROM sess_readers();
SELECT jwt.claim(NULL) IS NULL AS claim_null_name, jwt.claim_json(NULL) IS NULL AS claim_json_null_name;

--
-- the readers after authenticating
--
BEGIN;
SELECT jwt.authenticate(:'a');
SELECT * FROM sess_readers();
-- claim(): strings as they are, other JSON as JSON text, JSON null and absent as NULL
SELECT jwt.claim('n') AS n, jwt.claim('obj') AS obj, jwt.claim('flag') AS flag,
       jwt.claim('nul') IS NULL AS nul_is_null, jwt.claim('missing') IS NULL AS missing_is_null;
-- claim_json(): jsonb, JSON null as 'null', absent as NULL
SELECT jwt.claim_json('n') AS n, jwt.claim_json('obj') AS obj, jwt.claim_json('nul') AS nul,
       jwt.claim_json('missing') IS NULL AS missing_is_null;
-- authenticate returns the claims it stored
SELECT jwt.authenticate(:'a') = jwt.claims() AS returns_stored;
COMMIT;

-- sub and uid for subjects that are not UUIDs (uid() is NULL), and a role that is not a string
SELECT s.name, r.* FROM sess_tok s, sess_as(s.name) r
 WHERE s.name IN ('text_sub', 'num_role', 'nohyphen', 'upper', 'bad_uuid', 'no_sub')
 ORDER BY s.name;
-- "sub" must be a string (RFC 7519, section 4.1.2)
SELECT t.outcome(format('SELECT jwt.authenticate(%L)', tok)) AS numeric_sub
  FROM sess_tok WHERE name = 'num_sub';

--
-- transaction-local by default
--
-- outside a transaction block the claims last for the statement only
SELECT jwt.sub() IS NULL AS before, jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SELECT jwt.claims() IS NULL AS gone_after_autocommit;
-- COMMIT ends them
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SELECT jwt.sub();
COMMIT;
SELECT jwt.claims() IS NULL AS claims_null, jwt.uid() IS NULL AS uid_null,
       jwt.authenticated() AS authenticated;
-- ROLLBACK ends them
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
ROLLBACK;
SELECT jwt.claims() IS NULL AS claims_null_after_rollback;
-- an aborted transaction ends them too
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SELECT 1/0;
ROLLBACK;
SELECT jwt.claims() IS NULL AS claims_null_after_error;
-- savepoints: a rolled-back savepoint restores the claims before it
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated_a;
SAVEPOINT s1;
SELECT jwt.authenticate(:'b') IS NOT NULL AS authenticated_b;
SELECT jwt.sub() AS inside_s1;
ROLLBACK TO SAVEPOINT s1;
SELECT jwt.sub() AS after_rollback_to_s1;
SAVEPOINT s2;
SELECT jwt.authenticate(:'b') IS NOT NULL AS authenticated_b;
RELEASE SAVEPOINT s2;
SELECT jwt.sub() AS after_release_s2;
COMMIT;
SELECT jwt.sub() IS NULL AS sub_null_after_commit;
-- a savepoint rolled back undoes the first authenticate of the transaction
BEGIN;
SAVEPOINT s1;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
ROLLBACK TO SAVEPOINT s1;
SELECT jwt.claims() IS NULL AS claims_null, jwt.authenticated() AS authenticated;
COMMIT;
-- a plpgsql exception block is a subtransaction: its authenticate is undone
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated_a;
DO $$
BEGIN
  BEGIN
    PERFORM jwt.authenticate(tok) FROM sess_tok WHERE name = 'b';
    RAISE NOTICE 'inside the block: %', jwt.sub();
    RAISE EXCEPTION 'undo';
  EXCEPTION WHEN raise_exception THEN
    RAISE NOTICE 'after the block: %', jwt.sub();
  END;
END $$;
COMMIT;
-- a token that fails leaves the claims as they were
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated_a;
SAVEPOINT s1;
SELECT jwt.authenticate(:'bad');
ROLLBACK TO SAVEPOINT s1;
SELECT jwt.sub() AS still_a;
SELECT t.outcome(format('SELECT jwt.authenticate(%L)', :'bad')) AS bad_token;
SELECT jwt.sub() AS still_a;
COMMIT;
-- RESET ALL clears them, and a rollback brings them back
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SAVEPOINT s1;
RESET ALL;
SELECT jwt.claims() IS NULL AS cleared_by_reset_all;
ROLLBACK TO SAVEPOINT s1;
SELECT jwt.sub() AS restored_by_rollback_to;
COMMIT;

--
-- session scope
--
-- a caller may narrow the scope, never widen it: session scope needs the
-- superuser's token_ext.claims_scope = 'session' (security review 6)
SELECT t.outcome(format('SELECT jwt.authenticate(%L, scope => %L)', :'a', 'session')) AS session_scope_refused;
SELECT jwt.claims() IS NULL AS nothing_set;
SET token_ext.claims_scope = 'session';
SELECT jwt.authenticate(:'a', scope => 'session') IS NOT NULL AS authenticated;
SELECT jwt.sub() AS survives_autocommit;
BEGIN;
SELECT jwt.sub() AS next_transaction;
COMMIT;
SELECT jwt.sub() AS after_commit;
-- a transaction-scoped authenticate on top of it lasts until COMMIT
BEGIN;
SELECT jwt.authenticate(:'b', scope => 'transaction') IS NOT NULL AS authenticated_b;
SELECT jwt.sub() AS inside;
COMMIT;
SELECT jwt.sub() AS session_claims_back;
-- DISCARD ALL clears session-scoped claims (and the scope setting)
DISCARD ALL;
SELECT jwt.claims() IS NULL AS cleared_by_discard_all, jwt.authenticated() AS authenticated;
-- RESET ALL clears session-scoped claims
SET token_ext.claims_scope = 'session';
SELECT jwt.authenticate(:'a', scope => 'session') IS NOT NULL AS authenticated;
RESET ALL;
SELECT jwt.claims() IS NULL AS cleared_by_reset_all;
SET token_ext.claims_scope = 'session';
-- a session-scoped authenticate that is rolled back never happened
BEGIN;
SELECT jwt.authenticate(:'a', scope => 'session') IS NOT NULL AS authenticated;
ROLLBACK;
SELECT jwt.claims() IS NULL AS claims_null_after_rollback;
-- jwt.clear() drops session-scoped claims now; a rollback of the clear keeps them
SELECT jwt.authenticate(:'a', scope => 'session') IS NOT NULL AS authenticated;
BEGIN;
SELECT jwt.clear();
SELECT jwt.claims() IS NULL AS cleared;
ROLLBACK;
SELECT jwt.sub() AS kept_after_rolled_back_clear;
SELECT jwt.clear();
SELECT jwt.claims() IS NULL AS cleared_by_clear;
BEGIN;
SELECT jwt.claims() IS NULL AS still_cleared;
COMMIT;
-- clear() drops transaction claims as well
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SELECT jwt.clear();
SELECT jwt.claims() IS NULL AS cleared;
COMMIT;
-- the setting token_ext.claims_scope = session makes session scope the default
SET token_ext.claims_scope = 'session';
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
SELECT jwt.sub() AS survives_commit;
-- an explicit scope overrides the setting
BEGIN;
SELECT jwt.authenticate(:'b', scope => 'transaction') IS NOT NULL AS authenticated_b;
COMMIT;
SELECT jwt.sub() AS session_claims_back;
DISCARD ALL;
SELECT jwt.claims() IS NULL AS cleared, current_setting('token_ext.claims_scope') AS scope_reset;
SET token_ext.claims_scope = 'transaction';
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL AS authenticated;
COMMIT;
SELECT jwt.claims() IS NULL AS transaction_scope_again;
RESET token_ext.claims_scope;
-- with the setting back at transaction, session scope is refused again
SELECT t.outcome(format('SELECT jwt.authenticate(%L, scope => %L)', :'a', 'session')) AS session_scope_refused_again;
-- the scope argument and the setting accept only their two values
SELECT t.outcome(format('SELECT jwt.authenticate(%L, scope => %L)', :'a', 'forever')) AS bad_scope;
SELECT t.outcome(format('SELECT jwt.authenticate(%L, scope => %L)', :'a', 'Session')) AS bad_scope_case;
SET token_ext.claims_scope = 'forever';
-- a NULL token is refused, a NULL scope means the setting's
SELECT t.outcome('SELECT jwt.authenticate(NULL)') AS null_token;
BEGIN;
SELECT jwt.authenticate(:'a', scope => NULL) IS NOT NULL AS authenticated;
COMMIT;
SELECT jwt.claims() IS NULL AS null_scope_is_transaction;

--
-- the role claim: token_ext.role_claim is a dotted path of object members
--
SELECT tok AS app_meta FROM sess_tok WHERE name = 'app_meta' \gset
BEGIN;
SELECT jwt.authenticate(:'app_meta') IS NOT NULL AS authenticated;
SELECT jwt.role() AS default_path;
COMMIT;
CREATE FUNCTION sess_role_at(path text) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  PERFORM set_config('token_ext.role_claim', path, true);
  RETURN (SELECT role FROM sess_as('app_meta'));
END $$;
SELECT path, sess_role_at(path) AS role
  FROM unnest(ARRAY['.role', 'role', '.app_metadata.role', 'app_metadata.role',
                    '.app_metadata.deep.role', '.app_metadata', '.missing', '.app_metadata.missing',
                    '.role.x', '..role', '.']) AS path;
RESET token_ext.role_claim;
-- changing token_ext.role_claim takes effect for claims already authenticated
BEGIN;
SELECT jwt.authenticate(:'app_meta') IS NOT NULL AS authenticated;
SELECT jwt.role() AS with_default_path;
SET LOCAL token_ext.role_claim = '.app_metadata.role';
SELECT jwt.role() AS with_app_metadata_path;
COMMIT;

--
-- the readers follow every change of the claims within one transaction
--
BEGIN;
SELECT jwt.authenticate(:'a') IS NOT NULL, jwt.sub();
SELECT jwt.authenticate(:'b') IS NOT NULL, jwt.sub();
SELECT jwt.authenticate(:'a') IS NOT NULL, jwt.sub();
COMMIT;

DROP FUNCTION sess_readers();
DROP FUNCTION sess_as(text);
DROP FUNCTION sess_role_at(text);
DROP TABLE sess_tok;
DELETE FROM jwt.keyring WHERE kid = 'sess';
