-- setup.sql: the fixtures of the Citus suite, run once by run.sh as the
-- superuser on the coordinator of a fresh cluster (Citus propagates the
-- roles, grants, functions, extensions and policies to the workers).
--
-- Tokens are signed here with pgcrypto's hmac(), not with jwt.sign(), so
-- that the inputs of the tests do not depend on the code under test.
--
-- The users (sub is md5('citus-' || name) as a uuid):
--   alice    owns the 500 notes with an even id (sum of ids 250500)
--   bob      owns the 300 notes with id % 10 in (1, 3, 5) (sum 149400)
--   carol    owns the 200 notes with id % 10 in (7, 9) (sum 100600)
--   auditor  owns no note; role claim "auditor", which a policy lets read all 1,000
--   mallory  owns no note
SET client_min_messages = warning;
SET citus.shard_count = 8;

CREATE EXTENSION pgcrypto;

-- the cluster secret that seals the claims the coordinator forwards to the
-- workers, on every node (README: Scale-out on Citus)
SELECT node, kind, secret FROM jwt.citus_setup();

-- unpadded base64url of bytes (RFC 7515, section 2)
CREATE FUNCTION b64url(b bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT translate(encode(b, 'base64'), E'+/=\n', '-_') $$;

-- a compact HS256 JWS of a payload JSON text, signed with secret under kid
CREATE FUNCTION hs256_token(kid text, payload text, secret text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
  SELECT s || '.' || b64url(hmac(convert_to(s, 'UTF8'), convert_to(secret, 'UTF8'), 'sha256'))
  FROM (SELECT b64url(convert_to(json_build_object('alg', 'HS256', 'typ', 'JWT', 'kid', kid)::text, 'UTF8'))
               || '.' || b64url(convert_to(payload, 'UTF8')) AS s) t
$$;

-- one TAP-style result line: "ok - what" or "not ok - what: detail"
CREATE FUNCTION tap(outcome boolean, what text, detail text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN outcome THEN 'ok - ' || what
              ELSE 'not ok - ' || what || ': ' || coalesce(nullif(detail, ''), 'false') END
$$;

-- the secrets of the two test keys (32 bytes each, the HS256 minimum)
CREATE FUNCTION citus_secret(n integer) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE n WHEN 1 THEN 'citus-secret-1-0123456789abcdefg' ELSE 'citus-secret-2-0123456789abcdefg' END $$;

-- key 1 verifies every fixture token; key 2 is added by the key tests
INSERT INTO jwt.keyring (kid, purposes, alg, key)
VALUES ('citus-1', '{verify}', 'HS256',
        jsonb_build_object('kty', 'oct', 'k', b64url(convert_to(citus_secret(1), 'UTF8'))));

-- the users, and their tokens (valid for a day; "expired" ones expired in 2001)
CREATE TABLE test_user (name text PRIMARY KEY, uid uuid NOT NULL, role text NOT NULL);
INSERT INTO test_user
SELECT n, md5('citus-' || n)::uuid, CASE n WHEN 'auditor' THEN 'auditor' ELSE 'authenticated' END
  FROM unnest(ARRAY['alice', 'bob', 'carol', 'auditor', 'mallory']) n;

CREATE TABLE test_token (name text, kind text, token text NOT NULL, PRIMARY KEY (name, kind));
INSERT INTO test_token
SELECT u.name, k.kind,
       CASE k.kind
         WHEN 'forged' THEN hs256_token('citus-1', p.payload, 'another-secret-0123456789abcdefgh')
         WHEN 'key2' THEN hs256_token('citus-2', p.payload, citus_secret(2))
         ELSE hs256_token('citus-1', p.payload, citus_secret(1)) END
  FROM test_user u
 CROSS JOIN (VALUES ('valid'), ('expired'), ('forged'), ('key2'), ('web')) k(kind)
 CROSS JOIN LATERAL (
   SELECT jsonb_build_object('sub', u.uid, 'name', u.name,
            'role', CASE k.kind WHEN 'web' THEN 'citus_web' ELSE u.role END,
            'iat', extract(epoch FROM now())::bigint - 60,
            'exp', CASE k.kind WHEN 'expired' THEN 1000000000
                   ELSE extract(epoch FROM now())::bigint + 86400 END)::text AS payload) p;

-- notes: 1,000 rows distributed by id
CREATE TABLE categories (id integer PRIMARY KEY, name text NOT NULL);
SELECT create_reference_table('categories');
INSERT INTO categories SELECT c, 'category ' || c FROM generate_series(0, 6) c;

CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid NOT NULL, category integer NOT NULL,
                    body text NOT NULL);
SELECT create_distributed_table('notes', 'id');
INSERT INTO notes
SELECT i, (SELECT uid FROM test_user
            WHERE name = CASE WHEN i % 2 = 0 THEN 'alice' WHEN i % 10 IN (1, 3, 5) THEN 'bob'
                              ELSE 'carol' END),
       i % 7, 'note ' || i
  FROM generate_series(1, 1000) i;

-- note_tags: co-located with notes, one tag per note
CREATE TABLE note_tags (note_id bigint NOT NULL, owner uuid NOT NULL, tag text NOT NULL);
SELECT create_distributed_table('note_tags', 'note_id', colocate_with => 'notes');
INSERT INTO note_tags SELECT id, owner, 'tag ' || (id % 3) FROM notes;

-- announcements: a reference table whose policy reads jwt.role()
CREATE TABLE announcements (id integer PRIMARY KEY, audience_role text NOT NULL, body text NOT NULL);
SELECT create_reference_table('announcements');
INSERT INTO announcements VALUES (1, 'authenticated', 'a1'), (2, 'authenticated', 'a2'),
  (3, 'authenticated', 'a3'), (4, 'auditor', 'b1'), (5, 'auditor', 'b2');

-- claims_probe: no RLS, 64 rows over all 8 shards; reading jwt.sub() in a
-- query on it shows the claims each worker sees
CREATE TABLE claims_probe (id bigint PRIMARY KEY);
SELECT create_distributed_table('claims_probe', 'id', colocate_with => 'notes');
INSERT INTO claims_probe SELECT generate_series(1, 64);

-- the policies: jwt.uid() (notes), jwt.claims() (note_tags), jwt.role() (notes, announcements)
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes USING (owner = jwt.uid()) WITH CHECK (owner = jwt.uid());
CREATE POLICY notes_auditor ON notes FOR SELECT USING (jwt.role() = 'auditor');
ALTER TABLE note_tags ENABLE ROW LEVEL SECURITY;
CREATE POLICY tags_own ON note_tags USING (owner = (jwt.claims() ->> 'sub')::uuid);
ALTER TABLE announcements ENABLE ROW LEVEL SECURITY;
CREATE POLICY announcements_role ON announcements FOR SELECT USING (audience_role = jwt.role());

-- the application role (not a superuser, no BYPASSRLS, not the owner)
CREATE ROLE citus_app LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON notes, note_tags TO citus_app;
GRANT SELECT ON categories, announcements, claims_probe, test_user, test_token TO citus_app;

-- PostgREST's roles: it connects as citus_authenticator and the token's
-- role claim switches to citus_web.  Citus opens its connections to the
-- workers as the current role, so citus_web must be able to log in there
-- (a NOLOGIN role fails, see citus_limits.sql).
CREATE ROLE citus_web LOGIN;
CREATE ROLE citus_authenticator LOGIN NOINHERIT;
GRANT citus_web TO citus_authenticator;
GRANT SELECT, INSERT, UPDATE, DELETE ON notes, note_tags TO citus_web;
GRANT SELECT ON categories, announcements, claims_probe TO citus_web;
GRANT SELECT ON test_token TO citus_authenticator;
