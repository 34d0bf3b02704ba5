-- The keyring of token_ext_sqlite's jwt_authenticate (README.md, "SQLite").
-- purposes: a JSON array of sign, verify, encrypt, decrypt; key: one JWK as JSON text;
-- times: unix seconds.  The triggers apply PostgreSQL's keyring rules to every row
-- written (jwt_keyring_check: load the extension first); jwt_authenticate checks
-- every row again at use.
CREATE TABLE IF NOT EXISTS jwt_keyring (
  kid        TEXT NOT NULL PRIMARY KEY,
  purposes   TEXT NOT NULL,
  alg        TEXT,
  key        TEXT NOT NULL,
  not_before INTEGER NOT NULL DEFAULT (unixepoch()),
  not_after  INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_insert BEFORE INSERT ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after);
END;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_update BEFORE UPDATE ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after);
END;
