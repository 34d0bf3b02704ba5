-- errors.sql: the negative tests that apply to SQLite, each with its exact error text
-- (the PostgreSQL extension's message, ": ", its detail) and, where it is not
-- SQLITE_ERROR, the code the shell prints after it: (23) SQLITE_AUTH, (18)
-- SQLITE_TOOBIG.  Hand-made tokens were built outside token_ext (Python's hmac and
-- base64) from the header and payload their comment shows.
.load ./token_ext_sqlite
CREATE TEMP TABLE k AS SELECT 'a-secret-of-at-least-32-bytes!!!' AS hs, jwt_generate_key('ES256') AS es, jwt_generate_key('A256GCM') AS dir;
CREATE TEMP TABLE rsa AS SELECT jwt_pem_from_jwk('{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}') AS pem;
-- alg "none" ({"alg":"none"}.{"sub":"a"}.), with any key, and asked for
SELECT jwt_verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', es) FROM k;
SELECT jwt_verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', hs, '{"alg":"none"}') FROM k;
SELECT jwt_sign('{}', hs, 'none') FROM k;
SELECT jwt_try_verify('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', hs) IS NULL FROM k;
-- algorithm confusion: an HS256 token MACed with the RSA public key's PEM text as the secret
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.GJFGURvQ1og65SQB79yTmEvTnThbEUK4ySk7gBcEE90', pem) FROM rsa;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.GJFGURvQ1og65SQB79yTmEvTnThbEUK4ySk7gBcEE90', pem, '{"alg":"HS256"}') FROM rsa;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.GJFGURvQ1og65SQB79yTmEvTnThbEUK4ySk7gBcEE90', CAST(pem AS BLOB)) FROM rsa;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.GJFGURvQ1og65SQB79yTmEvTnThbEUK4ySk7gBcEE90', CAST('  ' || pem AS BLOB)) FROM rsa;
SELECT jwt_sign('{}', CAST(jwt_public_jwk(es) AS BLOB)) FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), jwt_public_jwk(es)) FROM k;
SELECT jwt_verify(jwt_sign('{}', es), hs) FROM k;
SELECT jwt_verify(jwt_sign('{}', es), jwt_public_jwk(es), '{"alg":"HS256"}') FROM k;
SELECT jwt_sign('{}', jwt_public_jwk(es)) FROM k;
-- tampered: another payload, another signature, a changed character, a truncated signature
-- (random tokens are MATERIALIZED: SQLite may otherwise evaluate a subquery column once per use)
SELECT jwt_verify(substr(a, 1, instr(a, '.')) || substr(b, instr(b, '.') + 1), hs) FROM (SELECT jwt_sign('{"sub":"alice"}', hs) AS a, jwt_sign('{"sub":"admin"}', hs, NULL, '{"x":1}') AS b, hs FROM k);
SELECT jwt_verify(replace(t, 'eyJzdWIiOiJhbGljZSJ9', 'eyJzdWIiOiJhZG1pbiJ9'), hs) FROM (SELECT jwt_sign('{"sub":"alice"}', hs) AS t, hs FROM k);
WITH x AS MATERIALIZED (SELECT jwt_sign('{"sub":"alice"}', es) AS t, jwt_public_jwk(es) AS es_pub FROM k) SELECT jwt_verify(substr(t, 1, length(t) - 2) || iif(substr(t, -2, 1) = 'A', 'B', 'A') || substr(t, -1), es_pub) FROM x;
SELECT jwt_verify(substr(t, 1, length(t) - 4), hs) FROM (SELECT jwt_sign('{"sub":"alice"}', hs) AS t, hs FROM k);
SELECT jwt_verify(jwt_sign('{"sub":"alice"}', hs), 'another-secret-of-32-bytes-or-so') FROM k;
WITH x AS MATERIALIZED (SELECT jwt_encrypt('{"sub":"alice"}', dir) AS t, dir FROM k) SELECT jwt_decrypt(substr(t, 1, length(t) - 2) || iif(substr(t, -2, 1) = 'A', 'B', 'A') || substr(t, -1), dir) FROM x;
SELECT jwt_decrypt(jwt_encrypt('{"sub":"alice"}', dir), jwt_generate_key('A256GCM')) FROM k;
-- expired, not yet valid, issued in the future, wrong audience or issuer, missing claims, typ
SELECT jwt_verify(jwt_sign('{"exp":1000000000}', hs), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"exp":1000000000}', hs), hs, '{"at":1000000000}') FROM k;
SELECT jwt_verify(jwt_sign('{"exp":1000000000}', hs), hs, '{"at":999999999.5}') FROM k;
SELECT jwt_verify(jwt_sign('{"nbf":4000000000}', hs), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"iat":4000000000}', hs), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"exp":"9999999999"}', hs), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"exp":null}', hs), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"aud":"api.example"}', hs), hs, '{"audience":"api"}') FROM k;
SELECT jwt_verify(jwt_sign('{"aud":["x","API"]}', hs), hs, '{"audience":"api"}') FROM k;
SELECT jwt_verify(jwt_sign('{"aud":[1,null]}', hs), hs, '{"audience":"api"}') FROM k;
SELECT jwt_verify(jwt_sign('{"sub":"a"}', hs), hs, '{"audience":"api"}') FROM k;
SELECT jwt_verify(jwt_sign('{"iss":"https://a.evil"}', hs), hs, '{"issuer":"https://a"}') FROM k;
SELECT jwt_verify(jwt_sign('{"sub":"a"}', hs), hs, '{"required":["sub","exp"]}') FROM k;
SELECT jwt_verify(jwt_sign('{"sub":"a"}', hs), hs, '{"typ":"at+jwt"}') FROM k;
SELECT jwt_verify(jwt_sign('{"sub":1}', hs), hs) FROM k;
SELECT jwt_try_verify(jwt_sign('{"exp":1000000000}', hs), hs) IS NULL FROM k;
-- oversized: a token over 64 KiB, claims nested too deep
SELECT jwt_verify(replace(hex(zeroblob(35000)), '0', 'a'), hs) FROM k;
SELECT jwt_verify(jwt_sign('{"a":' || replace(hex(zeroblob(20)), '0', '[') || replace(hex(zeroblob(20)), '0', ']') || '}', hs), hs) FROM k;
SELECT jwt_sign('{"a":' || replace(hex(zeroblob(20)), '0', '[') || replace(hex(zeroblob(20)), '0', ']') || '}', hs) FROM k;
SELECT jwt_sign(json_object('big', replace(hex(zeroblob(30000)), '0', 'x')), hs) FROM k;
-- malformed tokens
SELECT jwt_verify('', hs) FROM k;
SELECT jwt_verify('abc', hs) FROM k;
SELECT jwt_verify('a.b', hs) FROM k;
SELECT jwt_verify('a.b.c.d', hs) FROM k;
SELECT jwt_verify('.e30.', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiJ9=.e30.AAAA', hs) FROM k;
SELECT jwt_verify('e30.e30.AAAA', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiI.e30.AAAA', hs) FROM k;
SELECT jwt_verify('WzFd.e30.AAAA', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsImFsZyI6IkhTMjU2In0.eyJzdWIiOiJhIn0.v96uS9iOLYDdOXQLv_KANLHoFesOjXBqI6n00yl3cAg', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsImNyaXQiOlsiZXhwIl0sImV4cCI6MX0.eyJzdWIiOiJhIn0.AwS-QY20GjNkSej-UUZrA6PlXtUhkFP0HpoNmgug8dw', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiJ9.WzFd.9EIiltUdwEFXklSi88iYFgZ8B4upqPZTcsRd4UJsS-c', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiJ9.aGVsbG8.J3GB0NCWfvoId54kmrcuVWIRiacePXjOXRl8cGEADt4', hs) FROM k;
SELECT CAST(jwt_verify_raw('eyJhbGciOiJIUzI1NiJ9.aGVsbG8.J3GB0NCWfvoId54kmrcuVWIRiacePXjOXRl8cGEADt4', hs) AS TEXT) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pblx1MDAwMGV2aWwifQ.nv858FFyAnfqAXvnOJ9r7250SM_lpQpfpF45AxIOLNs', hs) FROM k;
SELECT jwt_verify('eyJhbGciOiJIUzI1NiIsImp3ayI6eyJrdHkiOiJvY3QiLCJrIjoiQUFBQSJ9fQ.eyJzdWIiOiJhIn0.szzaa32LrDdpwUmvQ1GZbCifXHGk7GEXPy3bafwUO4I', hs) FROM k;
SELECT jwt_verify(jwt_encrypt('{}', dir), dir) FROM k;
SELECT jwt_decrypt(jwt_sign('{}', hs), hs) FROM k;
SELECT jwt_decode('a.b.c.d.e');
SELECT jwt_verify(42, hs) FROM k;
-- nested tokens read with the wrong function, and nesting too deep
SELECT jwt_decrypt(jwt_sign_and_encrypt('{}', hs, dir), dir) FROM k;
SELECT jwt_decrypt_and_verify(jwt_encrypt('{}', dir), dir, hs) FROM k;
SELECT jwt_decrypt_and_verify(jwt_encrypt(jwt_encrypt('{}', dir), dir, NULL, NULL, '{"cty":"JWT"}'), dir, hs) FROM k;
SELECT jwt_decrypt(jwt_encrypt('{"iss":"a"}', dir, NULL, NULL, '{"iss":"b"}'), dir) FROM k;
-- keys: wrong types, too short, not what they claim to be, sets where one key is needed
SELECT jwt_sign('{}', 42) FROM k;
SELECT jwt_sign('{}', 'short');
SELECT jwt_sign('{}', x'00');
SELECT jwt_sign('{}', '');
SELECT jwt_sign('{}', '{"kty":"oct"');
SELECT jwt_sign('{}', '{"k":"AAAA"}');
SELECT jwt_sign('{}', '{"kty":"oct","k":"AAAA"}');
SELECT jwt_sign('{}', '-----BEGIN PUBLIC KEY-----' || char(10) || 'AAAA' || char(10) || '-----END PUBLIC KEY-----');
SELECT jwt_sign('{}', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl');
SELECT jwt_sign('{}', jwt_jwks(json_array(json(jwt_public_jwk(es))))) FROM k;
SELECT jwt_public_jwk('a-secret-of-at-least-32-bytes!!!');
SELECT jwt_public_jwk(jwt_jwks(json_array(json(jwt_public_jwk(es))))) FROM k;
SELECT jwt_pem_from_jwk(hs) FROM k;
SELECT jwt_pem_from_jwk(jwt_generate_key('HS256'));
SELECT jwt_jwk_from_pem('not a pem');
SELECT jwt_jwks(json_array(json(jwt_generate_key('HS256'))));
SELECT jwt_jwks('{"keys":[]}');
SELECT jwt_jwks(json_array(json(jwt_public_jwk(es)), json(jwt_public_jwk(es)))) FROM k;
SELECT jwt_generate_key('nope');
SELECT jwt_generate_key('RSA', 1024);
SELECT jwt_generate_key('RSA', -1);
SELECT jwt_generate_key('RSA', 1e9);
SELECT jwt_generate_key('RSA', 99999999999);
WITH x AS MATERIALIZED (SELECT jwt_generate_key('RSA-OAEP-256') AS k) SELECT jwt_decrypt(jwt_encrypt('{}', jwt_public_jwk(k)), jwt_public_jwk(k)) FROM x;
-- options and other arguments
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"foo":1}') FROM k;
SELECT jwt_verify_raw(jwt_sign('{}', hs), hs, '{"audience":"api"}') FROM k;
SELECT jwt_decrypt_raw(jwt_encrypt('{}', dir), dir, '{"typ":"JWT"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '[]') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"audience":1}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"leeway":-1}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"leeway":31536001}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"leeway":"30"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"at":"now"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"at":1e400}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"required":"sub"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"alg":"HS257"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"alg":["HS256",1]}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"alg":"A256KW"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"audience":"a","audience":"b"}') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, '{"audience":') FROM k;
SELECT jwt_verify(jwt_sign('{}', hs), hs, 7) FROM k;
SELECT jwt_decrypt(jwt_encrypt('{}', dir), dir, '{"alg":"RSA1_5"}') FROM k;
SELECT jwt_decrypt(jwt_encrypt('{}', dir), dir, '{"enc":"A128CBC-HS256"}') FROM k;
SELECT jwt_decrypt(jwt_encrypt('{}', 'correct horse battery staple', 'PBES2-HS256+A128KW'), 'correct horse battery staple');
SELECT jwt_sign('[1,2]', hs) FROM k;
SELECT jwt_sign('{"a":1,"a":2}', hs) FROM k;
SELECT jwt_sign('{"a":1', hs) FROM k;
SELECT jwt_sign(x'7b7d', hs) FROM k;
SELECT jwt_sign('{}', hs, 'HS999') FROM k;
SELECT jwt_sign('{}', hs, 'ES256') FROM k;
SELECT jwt_sign('{}', hs, NULL, '{"alg":"HS512"}') FROM k;
SELECT jwt_sign('{}', hs, NULL, '[]') FROM k;
SELECT jwt_sign('{}', hs, NULL, '{"b64":false}') FROM k;
SELECT jwt_encrypt('{}', dir, 'RSA1_5') FROM k;
SELECT jwt_encrypt('{}', dir, 'A128KW,A256KW') FROM k;
SELECT jwt_encrypt('{}', dir, NULL, 'A128CBC-HS256,A256GCM') FROM k;
SELECT jwt_encrypt('{}', dir, NULL, NULL, '{"zip":"DEF"}') FROM k;
SELECT jwt_encrypt('{}', dir, NULL, NULL, '{"enc":"A128GCM"}') FROM k;
SELECT jwt_sign_raw(1.5, hs) FROM k;
SELECT jwt_sign('{}');
SELECT jwt_verify('a', 'b', 'c', 'd');
