--
-- Security review, findings 5 and 4: only the session's own caller changes
-- its identity (never a trigger, a SECURITY DEFINER function or a
-- security-restricted operation), and long key work obeys
-- statement_timeout.
--
SET client_min_messages = warning;
DELETE FROM jwt.keyring WHERE kid LIKE 'idsw-%';
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('idsw-k', '{sign,verify}', 'HS256', '{"kty":"oct","k":"aWRlbnRpdHktc3dhcC10ZXN0LWtleS0zMi1ieXRlcyEh"}');
SELECT jwt.sign('{"sub":"00000000-0000-0000-0000-0000000000a1"}', kid => 'idsw-k') AS victim_token \gset
SELECT jwt.sign('{"sub":"00000000-0000-0000-0000-0000000000e1"}', kid => 'idsw-k') AS attacker_token \gset

DROP ROLE IF EXISTS regress_idsw_victim;
DROP ROLE IF EXISTS regress_idsw_attacker;
CREATE ROLE regress_idsw_victim;
CREATE ROLE regress_idsw_attacker;
CREATE SCHEMA idsw;
GRANT USAGE ON SCHEMA idsw TO PUBLIC;
GRANT CREATE ON SCHEMA idsw TO regress_idsw_attacker;
GRANT USAGE ON SCHEMA t TO regress_idsw_victim;

-- the attacker owns a table the victim writes to, with a trigger that
-- authenticates the attacker's token (SECURITY DEFINER, then plain)
SET ROLE regress_idsw_attacker;
CREATE TABLE idsw.guestbook (msg text);
GRANT INSERT, SELECT ON idsw.guestbook TO PUBLIC;
CREATE FUNCTION idsw.swap() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS
  $f$ BEGIN PERFORM jwt.authenticate(current_setting('idsw.token')); RETURN NEW; END $f$;
CREATE TRIGGER swap BEFORE INSERT ON idsw.guestbook FOR EACH ROW EXECUTE FUNCTION idsw.swap();
RESET ROLE;
SELECT set_config('idsw.token', :'attacker_token', false);

SET ROLE regress_idsw_victim;
BEGIN;
SELECT jwt.authenticate(:'victim_token')->>'sub' AS victim;
SELECT t.outcome($$INSERT INTO idsw.guestbook VALUES ('hello') RETURNING msg$$) AS definer_trigger;
SELECT jwt.uid() AS still_the_victim;
COMMIT;
RESET ROLE;

-- a trigger without SECURITY DEFINER is someone else's code all the same
SET ROLE regress_idsw_attacker;
ALTER FUNCTION idsw.swap() SECURITY INVOKER;
RESET ROLE;
SET ROLE regress_idsw_victim;
BEGIN;
SELECT jwt.authenticate(:'victim_token')->>'sub' AS victim;
SELECT t.outcome($$INSERT INTO idsw.guestbook VALUES ('hello') RETURNING msg$$) AS invoker_trigger;
SELECT jwt.uid() AS still_the_victim;
COMMIT;
RESET ROLE;

-- a SECURITY DEFINER function the victim calls
SET ROLE regress_idsw_attacker;
CREATE FUNCTION idsw.helper() RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS
  $f$ BEGIN PERFORM jwt.authenticate(current_setting('idsw.token')); RETURN 'done'; END $f$;
CREATE FUNCTION idsw.helper_request() RETURNS text LANGUAGE plpgsql SECURITY DEFINER AS
  $f$ BEGIN PERFORM jwt.authenticate_request(); RETURN 'done'; END $f$;
GRANT EXECUTE ON FUNCTION idsw.helper(), idsw.helper_request() TO PUBLIC;
RESET ROLE;
SET ROLE regress_idsw_victim;
BEGIN;
SELECT t.outcome('SELECT idsw.helper()') AS definer_function;
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'attacker_token')::text, true) IS NOT NULL AS header_set;
SELECT t.outcome('SELECT idsw.helper_request()') AS definer_pre_request;
SELECT jwt.uid() IS NULL AS no_identity;
COMMIT;
RESET ROLE;

-- a security-restricted operation: a materialized view refresh runs its owner's query
CREATE OR REPLACE FUNCTION idsw.auth_in_view() RETURNS int LANGUAGE plpgsql AS
  $f$ BEGIN PERFORM jwt.authenticate(current_setting('idsw.token')); RETURN 1; END $f$;
ALTER FUNCTION idsw.auth_in_view() OWNER TO regress_idsw_attacker;
SET ROLE regress_idsw_attacker;
CREATE MATERIALIZED VIEW idsw.mv2 AS SELECT idsw.auth_in_view() AS x WITH NO DATA;
RESET ROLE;
SELECT t.outcome('REFRESH MATERIALIZED VIEW idsw.mv2') AS restricted_operation;

-- the session's own statements may authenticate, at any depth of plain SQL
BEGIN;
SELECT t.outcome(format('SELECT jwt.authenticate(%L)->>%L', :'victim_token', 'sub')) AS own_call;
SELECT jwt.uid() AS victim_uid;
COMMIT;

DROP SCHEMA idsw CASCADE;
DROP OWNED BY regress_idsw_attacker;
DROP OWNED BY regress_idsw_victim;
DROP ROLE regress_idsw_victim;
DROP ROLE regress_idsw_attacker;
DELETE FROM jwt.keyring WHERE kid LIKE 'idsw-%';
RESET idsw.token;

--
-- Finding 4: long work stops at statement_timeout; key checks are cheap.
--
\set ECHO none
\ir fixtures/rsa8192.sql
\set ECHO all
SET statement_timeout = '1s';
-- generating an RSA-8192 key takes tens of seconds: it is canceled
SELECT jwt.generate_key('RSA', 8192) IS NOT NULL AS generated;
-- parsing one private RSA-8192 JWK (3.5 to 8.5 s in 0.1.0) and a JWKS of
-- five (19.5 s) finish well inside the second
SELECT jwt.clear_key_cache();
SELECT jwt.jwk_thumbprint(:'rsa8192'::jsonb) = jwt.jwk_thumbprint(jwt.public_jwk(:'rsa8192'::jsonb)) AS one_key_parsed;
SELECT jwt.clear_key_cache();
SELECT jwt.verify(jwt.sign('{"sub":"x"}', :'rsa8192'::jsonb, header => '{"kid":"k3"}'), jsonb_build_object('keys',
         (SELECT jsonb_agg(:'rsa8192'::jsonb || jsonb_build_object('kid', 'k' || i)) FROM generate_series(1, 5) i)),
       alg => 'RS256')->>'sub' AS jwks_of_five;
RESET statement_timeout;
