-- The keyring of token_ext_sqlite's jwt_authenticate (README.md, "SQLite").
-- purposes: a JSON array of sign, verify, encrypt, decrypt; key: one JWK as JSON text;
-- times: unix seconds; issuer, audience: the issuer a key is bound to, and the audience
-- its tokens must name (NULL: a key of your own).  Kids are unique per issuer, and among
-- keys bound to no issuer.  The triggers apply PostgreSQL's keyring rules to every row
-- written (jwt_keyring_check: load the extension first); jwt_authenticate checks
-- every row again at use.
CREATE TABLE IF NOT EXISTS jwt_keyring (
  kid        TEXT NOT NULL,
  purposes   TEXT NOT NULL,
  alg        TEXT,
  key        TEXT NOT NULL,
  not_before INTEGER NOT NULL DEFAULT (unixepoch()),
  not_after  INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  issuer     TEXT,
  audience   TEXT,
  UNIQUE (kid, issuer)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS jwt_keyring_unbound_kid ON jwt_keyring (kid) WHERE issuer IS NULL;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_insert BEFORE INSERT ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after, NEW.issuer, NEW.audience);
END;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_update BEFORE UPDATE ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after, NEW.issuer, NEW.audience);
END;
