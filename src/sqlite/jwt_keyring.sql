-- The keyring of token_ext_sqlite's jwt_authenticate (README.md, "SQLite").
-- Times are unix seconds; purposes a JSON array of sign, verify, encrypt, decrypt;
-- key one JWK as JSON text.  jwt_authenticate checks every row again at use.
CREATE TABLE IF NOT EXISTS jwt_keyring (
  kid        TEXT NOT NULL PRIMARY KEY
               CONSTRAINT kid_length CHECK (length(CAST(kid AS BLOB)) BETWEEN 1 AND 256),
  purposes   TEXT NOT NULL
               CONSTRAINT purposes_names CHECK (json_valid(purposes)
                 AND json_type(purposes) = 'array' AND json_array_length(purposes) > 0
                 AND replace(replace(replace(replace(replace(json(purposes), '"sign"', ''),
                     '"verify"', ''), '"encrypt"', ''), '"decrypt"', ''), ',', '') = '[]'),
  alg        TEXT,
  key        TEXT NOT NULL
               CONSTRAINT key_jwk CHECK (json_valid(key) AND json_type(key) = 'object'),
  not_before INTEGER NOT NULL DEFAULT (unixepoch()),
  not_after  INTEGER CONSTRAINT valid_window CHECK (not_after IS NULL OR not_after > not_before),
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
