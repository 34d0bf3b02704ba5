-- setup.sql: the fixtures of the replica suite, made on the primary (as
-- postgres) and replayed on the standby.
--
-- Roles: replica_app (LOGIN, no superuser) runs the tests, with
-- token_ext.leeway set for it in the catalog; replica_web is the role its
-- tokens name (PostgREST's db-pre-request switches to it).  login(uid)
-- signs with keyring key rep-es by kid (SECURITY DEFINER).
-- Keyring: rep-es (ES256, sign and verify) and rep-hs (HS256, verify); the
-- key rep-new is made now but kept aside in replica_pending, for the
-- standby session to see it arrive.  Table notes has a policy on jwt.uid().
-- replica_fixture lists the tokens and keys run.sh passes to the test
-- files as psql variables (name = value).

CREATE EXTENSION token_ext;

CREATE ROLE replica_app LOGIN;
CREATE ROLE replica_web NOLOGIN;
GRANT replica_web TO replica_app;
-- the memory report is for superusers and the roles they grant
GRANT EXECUTE ON FUNCTION jwt.memory_stats() TO replica_app;

-- one TAP-style result line: "ok - what" or "not ok - what: detail"
CREATE FUNCTION tap(outcome boolean, what text, detail text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN outcome THEN 'ok - ' || what
              ELSE 'not ok - ' || what || ': ' || coalesce(detail, '(no detail)') END
$$;

INSERT INTO jwt.keyring (kid, purposes, key) VALUES ('rep-es', '{sign,verify}', jwt.generate_key('ES256'));
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('rep-hs', '{verify}', 'HS256', jwt.jwk_from_secret('replica-secret-0123456789abcdefgh'));

-- signing by kid, as README.md's login(): owned by the keyring's owner
CREATE FUNCTION login(uid uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog
AS $$ SELECT jwt.sign(jsonb_build_object('sub', uid, 'role', 'replica_web'), kid => 'rep-es') $$;

-- a setting in the catalog (ALTER ROLE ... SET) replicates with it
ALTER ROLE replica_app IN DATABASE token_ext_replica SET token_ext.leeway = '45s';

CREATE TABLE replica_pending (kid text, key jsonb);
INSERT INTO replica_pending VALUES ('rep-new', jwt.generate_key('ES256') || '{"kid":"rep-new"}');
REVOKE ALL ON replica_pending FROM PUBLIC;

-- two users' rows; replica_app sees them only through the policy
CREATE TABLE notes (owner uuid NOT NULL, body text NOT NULL);
INSERT INTO notes VALUES
  ('00000000-0000-4000-8000-000000000001', 'one a'), ('00000000-0000-4000-8000-000000000001', 'one b'),
  ('00000000-0000-4000-8000-000000000002', 'two a'), ('00000000-0000-4000-8000-000000000002', 'two b'),
  ('00000000-0000-4000-8000-000000000002', 'two c');
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON notes USING (owner = jwt.uid());
GRANT SELECT ON notes TO replica_app, replica_web;

-- the claims of user one, valid for an hour
CREATE TABLE replica_fixture (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO replica_fixture
SELECT name, value FROM (
  SELECT jsonb_build_object('sub', '00000000-0000-4000-8000-000000000001', 'role', 'replica_web',
                            'n', 1, 'tags', jsonb_build_array('a', 'b'),
                            'exp', extract(epoch FROM now() + interval '1 hour')::bigint) AS claims,
         'replica-secret-0123456789abcdefgh'::text AS secret,
         '\x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'::bytea AS dir_key,
         (SELECT jwt.public_jwk(key) FROM jwt.keyring WHERE kid = 'rep-es') AS es_public,
         (SELECT key FROM replica_pending) AS new_key
) f,
LATERAL (VALUES
  ('claims', f.claims::text),
  ('secret', f.secret),
  ('dir_key', f.dir_key::text),
  ('es_public', f.es_public::text),
  -- signed with the keyring keys (the kid selects them)
  ('tok_es', jwt.sign(f.claims, kid => 'rep-es')),
  ('tok_hs', jwt.sign(f.claims, f.secret, header => '{"kid":"rep-hs"}')),
  -- signed with the key not yet in the keyring
  ('tok_new', jwt.sign(f.claims, f.new_key)),
  -- encrypted on the primary, for the standby to decrypt
  ('tok_jwe', jwt.encrypt(f.claims, f.dir_key, 'dir', 'A256GCM'))
) v(name, value);
