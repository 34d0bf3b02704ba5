-- functions.sql: every jwt_* function of token_ext_sqlite, its flags, and round
-- trips of every JWS and JWE algorithm.  Published vectors (RFC 7515 A.1,
-- RFC 8037 A.4, RFC 7638 3.1) give exact values computed outside token_ext;
-- elsewhere keys are generated here, so only deterministic results are shown.
.load ./token_ext_sqlite
SELECT jwt_version();
-- flags: 2048 DETERMINISTIC, 524288 DIRECTONLY, 2097152 INNOCUOUS
SELECT name, group_concat(narg, ',') AS arities, trim(iif(flags & 2048, 'DETERMINISTIC ', '') || iif(flags & 2097152, 'INNOCUOUS', '') || iif(flags & 524288, 'DIRECTONLY', '')) AS flags FROM (SELECT * FROM pragma_function_list WHERE name LIKE 'jwt\_%' ESCAPE '\' ORDER BY name, narg) GROUP BY name, flags ORDER BY name;
-- HS256 with a text secret: the token is deterministic
SELECT jwt_sign('{"sub":"ada","exp":2000000000}', 'a-secret-of-at-least-32-bytes!!!');
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZGEiLCJleHAiOjIwMDAwMDAwMDB9.Kb-uMGv1fkGY4z1jVRPbt0OFEHKQQBViLROluQqX40s', 'a-secret-of-at-least-32-bytes!!!');
-- the claims are signed compactly, whatever their spacing
SELECT jwt_sign(' { "sub" : "ada" , "exp" : 2000000000 } ', 'a-secret-of-at-least-32-bytes!!!');
SELECT jwt_sign(json_object('sub', 'ada', 'exp', 2000000000), 'a-secret-of-at-least-32-bytes!!!');
-- a BLOB secret: the same bytes as the text give the same token
SELECT jwt_sign('{"sub":"ada","exp":2000000000}', CAST('a-secret-of-at-least-32-bytes!!!' AS BLOB));
SELECT jwt_sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!', 'HS256', '{"kid":"k1","typ":"at+jwt"}');
SELECT jwt_decode(jwt_sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!', 'HS256', '{"kid":"k1","typ":"at+jwt"}'));
SELECT jwt_verify(jwt_sign('{"sub":"ada","aud":["x","api"],"iss":"https://idp"}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', '{"audience":"api","issuer":"https://idp","alg":["HS256","HS512"],"required":["sub"],"typ":"JWT"}');
SELECT jwt_verify(jwt_sign('{"sub":"ada","exp":1000}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', '{"at":999.5}');
SELECT jwt_verify(jwt_sign('{"sub":"ada","exp":1000}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', '{"at":1030,"leeway":31}');
SELECT jwt_verify(jwt_sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', json_object('audience', NULL, 'alg', 'HS256'));
SELECT jwt_try_verify(jwt_sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!');
SELECT jwt_try_verify(jwt_sign('{"sub":"ada","exp":1000}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!') IS NULL;
SELECT jwt_try_verify('not a token', 'a-secret-of-at-least-32-bytes!!!') IS NULL;
-- JSON results are marked as JSON: they nest as objects, not as strings
SELECT json_object('claims', jwt_verify(jwt_sign('{"sub":"ada"}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!'));
SELECT jwt_verify(jwt_sign('{"sub":"ada","n":[1,2.50,{"a":null}],"t":"\u00e9\n"}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!') ->> '$.n[1]';
-- claims come back compact: as signed when they are, else rewritten (escapes decoded, spaces dropped)
SELECT jwt_verify(jwt_sign_raw('{"s":"two words","n":[1,2]}', 'a-secret-of-at-least-32-bytes!!!', 'HS256'), 'a-secret-of-at-least-32-bytes!!!');
SELECT jwt_verify(jwt_sign_raw('{"s":"caf\u00e9 \"x\"", "n" : [ 1, 2 ] }', 'a-secret-of-at-least-32-bytes!!!', 'HS256'), 'a-secret-of-at-least-32-bytes!!!');
-- options that differ from row to row (not constant), and a fixed check time
CREATE TEMP TABLE per_row AS SELECT column1 AS n, column2 AS o FROM (VALUES (1, '{"audience":"a"}'), (2, '{"audience":"b"}'), (3, NULL), (4, '{"audience":"a","at":5000000000}'), (5, '{"audience":"a","at":3999999999}'));
SELECT n, jwt_try_verify(jwt_sign('{"aud":"a","exp":4000000000}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', o) FROM per_row ORDER BY n;
-- NULL token or key: NULL
SELECT jwt_verify(NULL, 'k') IS NULL, jwt_verify('t', NULL) IS NULL, jwt_sign(NULL, 'k') IS NULL, jwt_decrypt(NULL, 'k') IS NULL, jwt_decode(NULL) IS NULL;
-- RFC 7515 A.1 (HS256, JWK key; the payload has CR LF inside; checked before its exp)
SELECT jwt_verify('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}', '{"at":1300819379}');
SELECT hex(jwt_verify_raw('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', '{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}'));
SELECT jwt_decode('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
-- jwt_decode shows what PostgreSQL's jwt.decode shows: a payload that is not JSON as base64url only, a JWE's protected header only
SELECT jwt_decode(jwt_sign_raw('not JSON', 'a-secret-of-at-least-32-bytes!!!', 'HS256'));
SELECT jwt_decode(jwt_encrypt('{"sub":"ada"}', '{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}', 'dir', 'A256GCM'));
-- RFC 8037 A.4: Ed25519 signatures are deterministic, so jwt_sign_raw gives the RFC's token exactly
SELECT jwt_sign_raw('Example of Ed25519 signing', '{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}') = 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
SELECT CAST(jwt_verify_raw('eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg', '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}') AS TEXT);
SELECT jwt_public_jwk('{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}');
-- RFC 7638 3.1: the thumbprint of the RFC's RSA key, and of its PEM form round-tripped
CREATE TEMP TABLE rfc7638 AS SELECT '{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}' AS jwk;
SELECT jwt_jwk_thumbprint(jwk) FROM rfc7638;
SELECT jwt_pem_from_jwk(jwk) FROM rfc7638;
SELECT jwt_jwk_thumbprint(jwt_jwk_from_pem(jwt_pem_from_jwk(jwk))) FROM rfc7638;
SELECT jwt_jwk_from_pem(jwt_pem_from_jwk(jwk)) ->> '$.kid' FROM rfc7638;
SELECT jwt_jwks(json_array(json(jwk), json(jwt_public_jwk('{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}')))) FROM rfc7638;
-- generated keys: kinds, sizes, binding, kid = thumbprint.  jwt_generate_key is not
-- deterministic, so keys used twice are kept in a table first: SQLite may evaluate a
-- subquery's column once per reference
CREATE TEMP TABLE gen AS SELECT column1 AS kind, jwt_generate_key(column1, column2) AS k FROM (VALUES ('HS256', 0), ('HS384', 0), ('HS512', 0), ('oct', 384), ('RSA', 0), ('RS384', 3072), ('ES256', 0), ('ES384', 0), ('ES512', 0), ('ES256K', 0), ('EdDSA', 0), ('Ed448', 0), ('X25519', 0), ('X448', 0), ('P-256', 0), ('P-384', 0), ('P-521', 0), ('A128KW', 0), ('A192KW', 0), ('A256KW', 0), ('A128GCMKW', 0), ('A192GCMKW', 0), ('A256GCMKW', 0), ('RSA-OAEP', 0), ('RSA-OAEP-256', 0), ('ECDH-ES', 0), ('ECDH-ES+A128KW', 0), ('ECDH-ES+A192KW', 0), ('ECDH-ES+A256KW', 0), ('A128GCM', 0), ('A192GCM', 0), ('A256GCM', 0), ('A128CBC-HS256', 0), ('A192CBC-HS384', 0), ('A256CBC-HS512', 0));
SELECT kind, k ->> '$.kty', k ->> '$.crv', k ->> '$.alg', length(k ->> '$.n'), length(k ->> '$.k'), k ->> '$.kid' = jwt_jwk_thumbprint(k) FROM gen ORDER BY rowid;
-- round trip of every JWS algorithm (RSA key made once; the others bound by generate_key)
CREATE TEMP TABLE rsa AS SELECT jwt_generate_key('RSA') AS k;
SELECT alg, jwt_verify(jwt_sign(json_object('sub', alg), k, alg), jwt_public_jwk(k), json_object('alg', alg)) FROM rsa, (SELECT column1 AS alg FROM (VALUES ('RS256'), ('RS384'), ('RS512'), ('PS256'), ('PS384'), ('PS512')));
SELECT kind, jwt_verify(jwt_sign(json_object('sub', kind), k), iif(kind LIKE 'HS%', k, jwt_public_jwk(k))) FROM gen WHERE kind IN ('HS256', 'HS384', 'HS512', 'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA') ORDER BY rowid;
SELECT jwt_decode(jwt_sign('{"sub":"ed448"}', k)) ->> '$.header.alg', jwt_verify(jwt_sign('{"sub":"ed448"}', k), jwt_public_jwk(k)) FROM gen WHERE kind = 'Ed448';
-- ... and with the public key as PEM text, and as a JWKS picked by kid
SELECT jwt_verify(jwt_sign('{"sub":"pem"}', k, 'PS256'), jwt_pem_from_jwk(jwt_public_jwk(k)), '{"alg":"PS256"}') FROM rsa;
SELECT jwt_verify(jwt_sign('{"sub":"jwks"}', k), (SELECT jwt_jwks(json_group_array(json(jwt_public_jwk(k)))) FROM gen WHERE kind IN ('ES256', 'ES384', 'RSA', 'EdDSA'))) FROM gen WHERE kind = 'ES384';
-- ES and PS signatures are random: signing twice differs, both verify
SELECT jwt_sign('{"sub":"r"}', k) <> jwt_sign('{"sub":"r"}', k) FROM gen WHERE kind = 'ES256';
SELECT jwt_sign('{"sub":"r"}', k, 'RS256') = jwt_sign('{"sub":"r"}', k, 'RS256'), jwt_sign('{"sub":"r"}', k, 'PS256') <> jwt_sign('{"sub":"r"}', k, 'PS256') FROM rsa;
-- round trip of every JWE key management algorithm (A256GCM) and every content encryption (dir)
SELECT kind, jwt_decrypt(jwt_encrypt(json_object('sub', kind), iif(k ->> '$.kty' = 'oct', k, jwt_public_jwk(k))), k) FROM gen WHERE rowid >= (SELECT rowid FROM gen WHERE kind = 'A128KW') ORDER BY rowid;
SELECT alg, jwt_decrypt(jwt_encrypt('{"sub":"pbes2"}', 'correct horse battery staple', alg, 'A128CBC-HS256'), 'correct horse battery staple', json_object('alg', alg)) FROM (SELECT column1 AS alg FROM (VALUES ('PBES2-HS256+A128KW'), ('PBES2-HS384+A192KW'), ('PBES2-HS512+A256KW')));
SELECT kind, jwt_decrypt(jwt_encrypt('{"sub":"ecdh"}', jwt_public_jwk(k), 'ECDH-ES+A128KW', 'A128GCM'), k) FROM gen WHERE kind IN ('P-256', 'P-384', 'P-521', 'X25519', 'X448') ORDER BY rowid;
SELECT hex(jwt_decrypt_raw(jwt_encrypt(x'00ff0a', k, 'dir', 'A256GCM'), k)), CAST(jwt_decrypt_raw(jwt_encrypt('plain text', k), k) AS TEXT) FROM gen WHERE kind = 'A256GCM';
SELECT jwt_decrypt(jwt_encrypt('{"sub":"hdr"}', k, NULL, NULL, '{"kid":"mine","typ":"JWT"}'), k, '{"typ":"JWT"}') FROM gen WHERE kind = 'A128KW';
-- a 32-byte text secret: dir with A256GCM by default; A256KW or an A128CBC-HS256 (32-byte) dir key too
SELECT jwt_decrypt(jwt_encrypt('{"s":1}', 'a-secret-of-at-least-32-bytes!!!'), 'a-secret-of-at-least-32-bytes!!!', '{"alg":"dir","enc":"A256GCM"}'), jwt_decrypt(jwt_encrypt('{"s":2}', 'a-secret-of-at-least-32-bytes!!!', 'dir', 'A128CBC-HS256'), 'a-secret-of-at-least-32-bytes!!!'), jwt_decrypt(jwt_encrypt('{"s":3}', 'a-secret-of-at-least-32-bytes!!!', 'A256KW'), 'a-secret-of-at-least-32-bytes!!!');
-- encryptions are random: the same claims twice give different tokens
SELECT jwt_encrypt('{}', k) <> jwt_encrypt('{}', k) FROM gen WHERE kind = 'A256GCM';
-- nested: sign, then encrypt; decrypt, then verify
SELECT jwt_decrypt_and_verify(jwt_sign_and_encrypt('{"sub":"nested","aud":"api"}', s.k, jwt_public_jwk(e.k)), e.k, jwt_public_jwk(s.k), '{"audience":"api","sign_alg":"ES256"}') FROM gen s, gen e WHERE s.kind = 'ES256' AND e.kind = 'RSA-OAEP-256';
SELECT jwt_decrypt_and_verify(jwt_sign_and_encrypt('{"sub":"n2"}', s.k, e.k, 'HS512', 'A256KW', 'A128CBC-HS256'), e.k, s.k, '{"alg":"A256KW","enc":"A128CBC-HS256","sign_alg":["HS512"]}') FROM gen s, gen e WHERE s.kind = 'HS512' AND e.kind = 'A256KW';
SELECT length(CAST(jwt_decrypt_raw(jwt_sign_and_encrypt('{}', s.k, e.k), e.k) AS TEXT)) - length(replace(CAST(jwt_decrypt_raw(jwt_sign_and_encrypt('{}', s.k, e.k), e.k) AS TEXT), '.', '')) FROM gen s, gen e WHERE s.kind = 'EdDSA' AND e.kind = 'A256GCM';
-- the key cache, in a fresh connection: a constant key is looked up once per statement, a key
-- from a column once per row
.open :memory:
.load ./token_ext_sqlite
CREATE TEMP TABLE toks AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i, jwt_sign(json_object('sub', 'u' || i), 'a-secret-of-at-least-32-bytes!!!') AS t, 'a-secret-of-at-least-32-bytes!!!' AS k FROM n;
SELECT jwt_key_cache_stats();
SELECT count(jwt_verify(t, 'a-secret-of-at-least-32-bytes!!!')) FROM toks;
SELECT jwt_key_cache_stats();
SELECT count(jwt_verify(t, k)) FROM toks;
SELECT jwt_key_cache_stats();
-- bounded: 300 distinct keys leave 256 entries, and every verification still succeeds
SELECT count(jwt_verify(jwt_sign('{}', 'a-secret-of-at-least-32-bytes-' || printf('%04d', i)), 'a-secret-of-at-least-32-bytes-' || printf('%04d', i))) FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) SELECT i FROM n);
SELECT jwt_key_cache_stats() ->> '$.entries';
SELECT jwt_clear_key_cache(), jwt_key_cache_stats() ->> '$.entries';
