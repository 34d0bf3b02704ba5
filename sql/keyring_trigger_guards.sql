--
-- keyring_trigger_guards: jwt.keyring_trigger() reads a row by column
-- position as jwt.keyring's (kid text, purposes text[], alg text, key jsonb,
-- ...).  It must refuse to run for any other table, and must cope with
-- NULLs (BEFORE ROW triggers run before NOT NULL constraints are checked),
-- instead of crashing the server.
--
-- Keep this file LAST in the REGRESS list: while these bugs exist the
-- server crashes here and restarts, which would fail any file after it.
--
\set VERBOSITY default
-- (a crash loses transactions not yet flushed, synchronous_commit = off in
-- the test clusters: flush the work of the files before this one)
CHECKPOINT;

-- (and the role may survive a crash of an earlier run)
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_ktg_user;
RESET client_min_messages;
CREATE ROLE regress_ktg_user;
CREATE SCHEMA ktg AUTHORIZATION regress_ktg_user;
GRANT USAGE ON SCHEMA t TO regress_ktg_user;

-- A non-superuser attaches the (PUBLIC-executable) trigger function to a
-- table of its own whose columns are not jwt.keyring's.  Creating such a
-- trigger or inserting through it must be refused (either is fine).
SET ROLE regress_ktg_user;
CREATE FUNCTION ktg.misuse(columns text) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  EXECUTE format('CREATE TABLE ktg.tab (%s)', columns);
  BEGIN
    EXECUTE 'CREATE TRIGGER misuse BEFORE INSERT ON ktg.tab FOR EACH ROW EXECUTE FUNCTION jwt.keyring_trigger()';
  EXCEPTION WHEN OTHERS THEN
    DROP TABLE ktg.tab;
    RETURN 'refused';
  END;
  BEGIN
    EXECUTE 'INSERT INTO ktg.tab DEFAULT VALUES';
    DROP TABLE ktg.tab;
    RETURN 'accepted';
  EXCEPTION WHEN OTHERS THEN
    DROP TABLE ktg.tab;
    RETURN 'refused';
  END;
END $$;
SELECT ktg.misuse('a int DEFAULT 1, b int DEFAULT 2, c int DEFAULT 3, d int DEFAULT 4') AS four_ints;
SELECT ktg.misuse('a text DEFAULT ''x''') AS one_column;
SELECT ktg.misuse('kid text DEFAULT ''k'', purposes text DEFAULT ''verify'', alg text, key jsonb DEFAULT ''{}''') AS purposes_not_an_array;
RESET ROLE;
SELECT 1 AS server_still_up;

-- NULLs in jwt.keyring's NOT NULL columns: the trigger's error naming the column (never the
-- constraint's, whose "Failing row contains" detail would print the JWK), not a crash
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('ktg-null', NULL, '{"kty":"oct","k":"AAAA"}') RETURNING kid$$) AS null_purposes;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('ktg-null', '{verify}', NULL) RETURNING kid$$) AS null_key;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES (NULL, '{verify}', '{"kty":"oct","k":"AAAA"}') RETURNING kid$$) AS null_kid;
SELECT t.outcome($$INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('ktg-null', '{verify}', 'null') RETURNING kid$$)
       AS json_null_key;
SELECT 1 AS server_still_up;

DROP SCHEMA ktg CASCADE;
DROP OWNED BY regress_ktg_user;
DROP ROLE regress_ktg_user;
