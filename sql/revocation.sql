--
-- revocation: jwt.revocation, the store of revoked tokens.
--
-- Two kinds of entry: one token by its "jti", and every token of a subject
-- issued before a time (sign out everywhere), each optionally for one
-- issuer.  jwt.authenticate refuses what the store lists, other sessions
-- see a change at their next transaction (checked over dblink), expired
-- entries are pruned with one call, and jwt.verify checks the store when
-- token_ext.verify_revocation asks it to.  Tokens are forged with t.forge
-- (HS256) so their times are fixed and the details print the same way
-- every run.
--
\set VERBOSITY default

DELETE FROM jwt.keyring;
INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES
  ('rv', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('revocation-test-hs256-secret-001', 'UTF8'))));
INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer, audience) VALUES
  ('rv-idp', '{verify}', 'HS256', jsonb_build_object('kty', 'oct', 'k', t.b64url(convert_to('revocation-test-idp-secret-00002', 'UTF8'))),
   'https://idp.example', 'app');
CREATE FUNCTION rv_tok(payload text, secret text DEFAULT 'revocation-test-hs256-secret-001') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT t.forge('{"alg":"HS256","typ":"JWT"}', payload, convert_to(secret, 'UTF8')) $$;
CREATE FUNCTION rv_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT t.outcome(format('SELECT jwt.authenticate(%L)->>''sub''', tok)) $$;

-- the store is the owner's: others cannot read or change it
CREATE ROLE regress_rv_user;
GRANT USAGE ON SCHEMA t TO regress_rv_user;
GRANT EXECUTE ON FUNCTION rv_auth(text), rv_tok(text, text) TO regress_rv_user;
SET ROLE regress_rv_user;
SELECT t.outcome('SELECT count(*) FROM jwt.revocation') AS select_store;
SELECT t.outcome($$INSERT INTO jwt.revocation (jti) VALUES ('x')$$) AS insert_store;
SELECT t.outcome('DELETE FROM jwt.revocation') AS delete_store;
SELECT t.outcome('SELECT jwt.revocation_prune()') AS prune;
RESET ROLE;
SELECT relrowsecurity, relacl FROM pg_class WHERE oid = 'jwt.revocation'::regclass;

-- the rows the table takes
-- (the row a constraint prints holds its created_at, so that part is cut)
SELECT c AS case, split_part(t.outcome(format('INSERT INTO jwt.revocation (jti, subject, issued_before, issuer) VALUES (%L, %L, %L, %L) RETURNING 1',
                                   jti, subject, issued_before, issuer)), ' | Failing row', 1) AS outcome
  FROM (VALUES
    ('a jti', 'j-1', NULL, NULL, NULL),
    ('a subject and a time', NULL, 's-1', '2020-01-01 00:00:00+00', NULL),
    ('neither', NULL, NULL, NULL, NULL),
    ('both', 'j', 's', '2020-01-01 00:00:00+00', NULL),
    ('a subject without a time', NULL, 's', NULL, NULL),
    ('a jti with a time', 'j', NULL, '2020-01-01 00:00:00+00', NULL),
    ('an empty jti', '', NULL, NULL, NULL),
    ('an empty issuer', 'j', NULL, NULL, '')
  ) v(c, jti, subject, issued_before, issuer);
DELETE FROM jwt.revocation;

--
-- jwt.authenticate refuses revoked tokens
--
-- jti "j-1" of any issuer, jti "j-2" of https://idp.example only; subject
-- s-1 signed out everywhere on 2020-01-01, subject s-2 only at the idp
INSERT INTO jwt.revocation (jti, issuer, reason) VALUES
  ('j-1', NULL, 'stolen'), ('j-2', 'https://idp.example', 'logged out');
INSERT INTO jwt.revocation (subject, issued_before, issuer) VALUES
  ('s-1', '2020-01-01 00:00:00+00', NULL), ('s-2', '2020-01-01 00:00:00+00', 'https://idp.example');
SELECT c AS case, rv_auth(tok) AS outcome FROM (VALUES
  ('jti j-1', rv_tok('{"sub":"u","jti":"j-1"}')),
  ('jti j-1 at the idp', rv_tok('{"sub":"u","jti":"j-1","iss":"https://idp.example","aud":"app"}', 'revocation-test-idp-secret-00002')),
  ('jti j-2, own token (no issuer)', rv_tok('{"sub":"u","jti":"j-2"}')),
  ('jti j-2 at the idp', rv_tok('{"sub":"u","jti":"j-2","iss":"https://idp.example","aud":"app"}', 'revocation-test-idp-secret-00002')),
  ('jti j-3', rv_tok('{"sub":"u","jti":"j-3"}')),
  ('jti "J-1" (case counts)', rv_tok('{"sub":"u","jti":"J-1"}')),
  ('s-1 issued 2017', rv_tok('{"sub":"s-1","iat":1500000000}')),
  ('s-1 issued 2019-12-31 23:59:59', rv_tok('{"sub":"s-1","iat":1577836799}')),
  ('s-1 issued 2020-01-01 00:00:00', rv_tok('{"sub":"s-1","iat":1577836800}')),
  ('s-1 issued 2023', rv_tok('{"sub":"s-1","iat":1700000000}')),
  ('s-1 without iat', rv_tok('{"sub":"s-1"}')),
  ('s-1 at the idp, issued 2017', rv_tok('{"sub":"s-1","iat":1500000000,"iss":"https://idp.example","aud":"app"}', 'revocation-test-idp-secret-00002')),
  ('s-2 own token, issued 2017', rv_tok('{"sub":"s-2","iat":1500000000}')),
  ('s-2 at the idp, issued 2017', rv_tok('{"sub":"s-2","iat":1500000000,"iss":"https://idp.example","aud":"app"}', 'revocation-test-idp-secret-00002')),
  ('s-3', rv_tok('{"sub":"s-3","iat":1500000000}'))
) v(c, tok);
-- PostgREST's db-pre-request refuses them as HTTP 401
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || rv_tok('{"sub":"u","jti":"j-1"}'))::text, false) IS NOT NULL AS headers_set;
SELECT t.outcome('SELECT jwt.authenticate_request()') AS pre_request;
RESET request.headers;

-- an entry that expired no longer counts, and jwt.revocation_prune() deletes it
INSERT INTO jwt.revocation (jti, expires_at) VALUES ('j-old', now() - interval '1 second'), ('j-new', now() + interval '1 hour');
SELECT rv_auth(rv_tok('{"sub":"u","jti":"j-old"}')) AS expired_entry, rv_auth(rv_tok('{"sub":"u","jti":"j-new"}')) AS current_entry;
SELECT jwt.revocation_prune() AS pruned, jwt.revocation_prune() AS pruned_again;
SELECT jti FROM jwt.revocation WHERE jti LIKE 'j-%' ORDER BY jti;

-- a role that may not read the store is checked against it all the same
GRANT EXECUTE ON FUNCTION t.outcome(text) TO regress_rv_user;
SET ROLE regress_rv_user;
SELECT rv_auth(rv_tok('{"sub":"u","jti":"j-1"}')) AS revoked_for_any_role;
RESET ROLE;

--
-- other sessions see a revocation at their next transaction
--
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('rv_other', format('dbname=%s port=%s host=%s', current_database(),
                      current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
CREATE FUNCTION rv_other_auth(tok text) RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT r FROM dblink('rv_other', format('SELECT rv_auth(%L)', tok)) AS x(r text) $$;
SELECT rv_tok('{"sub":"cross","jti":"j-cross"}') AS cross_tok \gset
-- the other session authenticates the token (and caches it)
SELECT rv_other_auth(:'cross_tok') AS other_before, rv_other_auth(:'cross_tok') AS other_again;
BEGIN;
INSERT INTO jwt.revocation (jti) VALUES ('j-cross');
SELECT rv_other_auth(:'cross_tok') AS other_before_commit;
COMMIT;
SELECT rv_other_auth(:'cross_tok') AS other_after_commit;
-- sign out everywhere there, seen here
SELECT rv_auth(rv_tok('{"sub":"cross-2","iat":1700000000}')) AS here_before;
SELECT dblink_exec('rv_other', $$INSERT INTO jwt.revocation (subject, issued_before) VALUES ('cross-2', '2024-01-01 00:00:00+00')$$);
SELECT rv_auth(rv_tok('{"sub":"cross-2","iat":1700000000}')) AS here_after_other_commit;
-- lifting a revocation is seen too
SELECT dblink_exec('rv_other', $$DELETE FROM jwt.revocation WHERE subject = 'cross-2'$$);
SELECT rv_auth(rv_tok('{"sub":"cross-2","iat":1700000000}')) AS here_after_other_delete;
-- a revocation rolled back never counted
BEGIN;
INSERT INTO jwt.revocation (jti) VALUES ('j-rb');
SELECT rv_auth(rv_tok('{"sub":"u","jti":"j-rb"}')) AS inside;
ROLLBACK;
SELECT rv_auth(rv_tok('{"sub":"u","jti":"j-rb"}')) AS after_rollback;
SELECT dblink_disconnect('rv_other');

--
-- jwt.verify and jwt.try_verify check the store when asked
--
SELECT jwt.verify(rv_tok('{"sub":"u","jti":"j-1"}'), 'revocation-test-hs256-secret-001')->>'sub' AS verify_default_off;
SET token_ext.verify_revocation = on;
SELECT t.outcome(format('SELECT jwt.verify(%L, %L)->>''sub''', rv_tok('{"sub":"u","jti":"j-1"}'), 'revocation-test-hs256-secret-001')) AS verify_revoked,
       t.outcome(format('SELECT jwt.verify(%L, %L)->>''sub''', rv_tok('{"sub":"u","jti":"j-9"}'), 'revocation-test-hs256-secret-001')) AS verify_other;
SELECT valid, error, payload->>'jti' AS jti FROM jwt.try_verify(rv_tok('{"sub":"u","jti":"j-1"}'), 'revocation-test-hs256-secret-001');
-- the check time is verify's "at": an entry that expires before it does not count
INSERT INTO jwt.revocation (jti, expires_at) VALUES ('j-until-2030', '2030-01-01 00:00:00+00');
SELECT t.outcome(format('SELECT jwt.verify(%L, %L, at => %L)->>''jti''', rv_tok('{"jti":"j-until-2030"}'), 'revocation-test-hs256-secret-001', at)) AS outcome
  FROM (VALUES ('2029-12-31 23:59:59+00'), ('2030-01-01 00:00:00+00')) v(at);
-- any role may turn it on for its own calls (it only adds a check)
SET ROLE regress_rv_user;
SET token_ext.verify_revocation = on;
SELECT t.outcome(format('SELECT jwt.verify(%L, %L)->>''sub''', rv_tok('{"sub":"u","jti":"j-1"}'), 'revocation-test-hs256-secret-001')) AS verify_as_user;
RESET ROLE;
RESET token_ext.verify_revocation;

-- a missing store is an error, not "nothing revoked"
BEGIN;
ALTER EXTENSION token_ext DROP TABLE jwt.revocation;
SELECT rv_auth(rv_tok('{"sub":"u"}')) AS store_not_a_member;
ROLLBACK;
BEGIN;
ALTER TABLE jwt.revocation RENAME COLUMN jti TO token_id;
SELECT rv_auth(rv_tok('{"sub":"u"}')) AS store_altered;
ROLLBACK;
SELECT rv_auth(rv_tok('{"sub":"u"}')) AS store_restored;

-- an entry that never expires ('infinity') counts, and is never pruned
INSERT INTO jwt.revocation (jti, expires_at) VALUES ('j-forever', 'infinity');
SELECT rv_auth(rv_tok('{"sub":"u","jti":"j-forever"}')) AS revoked_forever;
SELECT jwt.revocation_prune() AS pruned;
SELECT count(*) AS kept FROM jwt.revocation WHERE jti = 'j-forever';
DELETE FROM jwt.revocation WHERE jti = 'j-forever';
-- the trigger function fires only after statements on jwt.revocation
CREATE TABLE rv_other (x integer);
CREATE TRIGGER rv_other_changed AFTER INSERT ON rv_other
    FOR EACH STATEMENT EXECUTE FUNCTION jwt.revocation_trigger();
SELECT t.outcome('INSERT INTO rv_other VALUES (1)') AS on_another_table;
DROP TABLE rv_other;
CREATE TRIGGER rv_row AFTER INSERT ON jwt.revocation
    FOR EACH ROW EXECUTE FUNCTION jwt.revocation_trigger();
SELECT t.outcome($$INSERT INTO jwt.revocation (jti, expires_at) VALUES ('j-row', now() + interval '1 hour')$$) AS for_each_row;
DROP TRIGGER rv_row ON jwt.revocation;
SELECT t.outcome('SELECT jwt.revocation_trigger()') AS called_directly;

DELETE FROM jwt.revocation;
REVOKE ALL ON SCHEMA t FROM regress_rv_user;
REVOKE ALL ON FUNCTION t.outcome(text), rv_auth(text), rv_tok(text, text) FROM regress_rv_user;
DROP ROLE regress_rv_user;
