--
-- jwe_basic: encrypted tokens (JWE) that must work.  Every key management
-- algorithm with every content encryption round-trips (the plaintext comes
-- back byte for byte); the defaults chosen from a key; the key overloads;
-- nested tokens (sign_and_encrypt / decrypt_and_verify); and the claim
-- checks that decrypt shares with verify, with a fixed `at`.
--
-- Tokens are random (fresh content keys, IVs, salts and ephemeral keys), so
-- they are never printed: only what is fixed (header alg/enc, plaintexts,
-- outcomes).  Defines JWE helpers in schema t that jwe_attacks also uses.
--

-- the bytes of unpadded base64url (the inverse of t.b64url), without token_ext
CREATE FUNCTION t.unb64url(s text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT decode(translate(s, '-_', '+/') || repeat('=', (4 - length(s) % 4) % 4), 'base64') $$;

-- the protected header of a compact JWE, decoded without token_ext
CREATE FUNCTION t.jwe_header(tok text) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT convert_from(t.unb64url(split_part(tok, '.', 1)), 'UTF8')::jsonb $$;

-- a JWK for raw secret bytes
CREATE FUNCTION t.oct_jwk(b bytea) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT jsonb_build_object('kty', 'oct', 'k', t.b64url(b)) $$;

-- segment n (1..5) of a compact token replaced by seg
CREATE FUNCTION t.with_seg(tok text, n int, seg text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT string_agg(CASE WHEN i = n THEN seg ELSE split_part(tok, '.', i) END, '.' ORDER BY i)
        FROM generate_series(1, length(tok) - length(replace(tok, '.', '')) + 1) i $$;

-- the keys of this file: generated once (RSA, the ECDH curves) or random bytes
CREATE TEMP TABLE jk AS
SELECT kind, jwt.generate_key(kind) AS jwk
  FROM unnest(ARRAY['RSA', 'P-256', 'P-384', 'P-521', 'X25519', 'X448']) kind;
SELECT kind, jwk->>'kty' AS kty, jwk->>'crv' AS crv, jwk ? 'd' AS private FROM jk ORDER BY kind;

--
-- 1. Every alg with every enc: encrypt (jsonb key), decrypt_raw, compare.
--    ECDH-ES* runs on all five curves; PBES2 with a password and p2c 1000
--    (named explicitly: PBES2 is never implied).
--
CREATE TEMP TABLE pairs AS
WITH encs(enc, klen) AS (VALUES ('A128GCM', 16), ('A192GCM', 24), ('A256GCM', 32),
                                ('A128CBC-HS256', 32), ('A192CBC-HS384', 48), ('A256CBC-HS512', 64)),
     cases(alg, key, header) AS (
       SELECT 'dir', NULL::jsonb, NULL::jsonb
       UNION ALL SELECT a, t.oct_jwk(gen_random_bytes(n)), NULL
         FROM (VALUES ('A128KW', 16), ('A192KW', 24), ('A256KW', 32),
                      ('A128GCMKW', 16), ('A192GCMKW', 24), ('A256GCMKW', 32)) v(a, n)
       UNION ALL SELECT a, (SELECT jwk FROM jk WHERE kind = 'RSA'), NULL
         FROM unnest(ARRAY['RSA-OAEP', 'RSA-OAEP-256']) a
       UNION ALL SELECT a, jk.jwk, NULL
         FROM unnest(ARRAY['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']) a,
              jk WHERE jk.kind <> 'RSA'
       UNION ALL SELECT a, t.oct_jwk(convert_to('correct horse battery staple', 'UTF8')), '{"p2c":1000}'
         FROM unnest(ARRAY['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW']) a)
SELECT c.alg, e.enc,
       -- dir needs a key of exactly the content key's size
       coalesce(c.key, t.oct_jwk(gen_random_bytes(e.klen))) AS key, c.header,
       convert_to('plaintext ✓ ' || c.alg || ' / ' || e.enc, 'UTF8') AS pt
  FROM cases c, encs e;
ALTER TABLE pairs ADD COLUMN tok text;
UPDATE pairs SET tok = jwt.encrypt(pt, key, alg, enc, header);
SELECT alg, count(*) AS round_trips,
       bool_and(jwt.decrypt_raw(tok, key, alg) = pt) AS plaintext_back,
       bool_and(t.jwe_header(tok)->>'alg' = alg AND t.jwe_header(tok)->>'enc' = enc) AS header_names_them,
       bool_and(split_part(tok, '.', 2) = '') = (alg IN ('dir', 'ECDH-ES')) AS empty_key_iff_direct,
       count(DISTINCT enc) AS encs
  FROM pairs GROUP BY alg ORDER BY alg;
-- the IV and tag sizes of each enc (96/128-bit IV, tag = half the key or 16)
SELECT enc, min(length(t.unb64url(split_part(tok, '.', 3)))) AS iv_bytes,
       max(length(t.unb64url(split_part(tok, '.', 3)))) AS iv_max,
       min(length(t.unb64url(split_part(tok, '.', 5)))) AS tag_bytes,
       max(length(t.unb64url(split_part(tok, '.', 5)))) AS tag_max
  FROM pairs GROUP BY enc ORDER BY enc;
-- header members each algorithm adds (never the private part of epk)
SELECT alg, array_agg(DISTINCT m ORDER BY m) AS members,
       bool_or(t.jwe_header(tok)->'epk' ? 'd') AS epk_has_d
  FROM pairs, jsonb_object_keys(t.jwe_header(tok)) m GROUP BY alg ORDER BY alg;
-- ECDH-ES: the epk is on the recipient's curve
SELECT DISTINCT key->>'crv' AS key_crv, t.jwe_header(tok)->'epk'->>'crv' AS epk_crv,
       t.jwe_header(tok)->'epk'->>'kty' AS epk_kty
  FROM pairs WHERE alg LIKE 'ECDH-ES%' ORDER BY 1;
-- A*GCMKW: a 96-bit IV and a 128-bit tag for the key wrap too
SELECT DISTINCT alg, length(t.unb64url(t.jwe_header(tok)->>'iv')) AS kw_iv_bytes,
       length(t.unb64url(t.jwe_header(tok)->>'tag')) AS kw_tag_bytes
  FROM pairs WHERE alg LIKE '%GCMKW' ORDER BY 1;
-- PBES2: the p2c asked for, a 16-byte salt
SELECT DISTINCT alg, t.jwe_header(tok)->'p2c' AS p2c, length(t.unb64url(t.jwe_header(tok)->>'p2s')) AS p2s_bytes
  FROM pairs WHERE alg LIKE 'PBES2%' ORDER BY 1;
-- two encryptions of the same plaintext share nothing (catalogue 146)
SELECT count(DISTINCT split_part(x, '.', 3)) AS distinct_ivs, count(DISTINCT split_part(x, '.', 4)) AS distinct_ciphertexts
  FROM (SELECT jwt.encrypt('same'::text, key, 'A128KW', 'A128GCM') AS x
          FROM pairs, generate_series(1, 20) WHERE alg = 'A128KW' AND enc = 'A128GCM') s;

--
-- 2. Defaults: alg from the key, enc A256GCM (or the enc a dir key is bound to)
--
SELECT c.what, h->>'alg' AS alg, h->>'enc' AS enc, h ? 'kid' AS has_kid,
       t.outcome(format('SELECT convert_from(jwt.decrypt_raw(%L, %s), ''UTF8'')', tok, c.keylit)) AS decrypted
  FROM (VALUES
    ('32-byte secret (bytea)',      format('%L::bytea', '\x' || repeat('41', 32))),
    ('16-byte secret (bytea)',      format('%L::bytea', '\x' || repeat('41', 16))),
    ('24-byte secret (bytea)',      format('%L::bytea', '\x' || repeat('41', 24))),
    ('32-byte secret (text)',       format('%L::text', repeat('A', 32))),
    ('oct JWK, no alg, 32 bytes',   format('%L::jsonb', t.oct_jwk(decode(repeat('41', 32), 'hex')))),
    ('generate_key(A128GCM)',       format('%L::jsonb', jwt.generate_key('A128GCM'))),
    ('generate_key(A256KW)',        format('%L::jsonb', jwt.generate_key('A256KW'))),
    ('generate_key(A192GCMKW)',     format('%L::jsonb', jwt.generate_key('A192GCMKW'))),
    ('RSA key',                     format('%L::jsonb', (SELECT jwk FROM jk WHERE kind = 'RSA'))),
    ('P-384 key',                   format('%L::jsonb', (SELECT jwk FROM jk WHERE kind = 'P-384'))),
    ('X25519 key',                  format('%L::jsonb', (SELECT jwk FROM jk WHERE kind = 'X25519'))),
    ('generate_key(ECDH-ES+A256KW)', format('%L::jsonb', jwt.generate_key('ECDH-ES+A256KW')))
  ) AS c(what, keylit),
  LATERAL (SELECT substr(t.outcome(format('SELECT jwt.encrypt(%L::text, %s)', 'hi', c.keylit)), 4) AS tok) e,
  LATERAL (SELECT t.jwe_header(tok) AS h) hh
 ORDER BY c.what;
-- keys that imply no JWE algorithm: named alg needed, or refused outright
SELECT c.what, t.outcome(format('SELECT jwt.encrypt(%L::text, %s)', 'hi', c.keylit)) AS outcome
  FROM (VALUES
    ('64-byte secret, default enc A256GCM', format('%L::bytea', '\x' || repeat('41', 64))),
    ('20-byte secret',                      format('%L::bytea', '\x' || repeat('41', 20))),
    ('a password (text)',                   quote_literal('correct horse battery staple')),
    ('Ed25519 key',                         format('%L::jsonb', jwt.generate_key('Ed25519'))),
    ('HS256-bound oct JWK',                 format('%L::jsonb', jwt.generate_key('HS256')))
  ) AS c(what, keylit) ORDER BY c.what;
-- a 64-byte secret with enc A256CBC-HS512 is a dir key
SELECT t.jwe_header(jwt.encrypt('hi'::text, ('\x' || repeat('41', 64))::bytea, enc => 'A256CBC-HS512')) AS header;
-- a kid-bound key writes its kid; a header argument adds members after ours
SELECT t.jwe_header(jwt.encrypt('hi'::text, '{"kty":"oct","kid":"k-1","alg":"A128KW","k":"QUFBQUFBQUFBQUFBQUFBQQ"}'::jsonb,
                                header => '{"typ":"secret+jwt","x-extra":[1,2]}')) AS header;
-- PBES2 default p2c is 100000 (under token_ext.max_pbes2_count)
SHOW token_ext.max_pbes2_count;
SELECT t.jwe_header(jwt.encrypt('hi'::text, 'correct horse battery staple', 'PBES2-HS256+A128KW'))->'p2c' AS default_p2c;

--
-- 3. Payload types and key overloads
--
SELECT jwt.decrypt_raw(jwt.encrypt('\x00ff0a'::bytea, ('\x' || repeat('42', 32))::bytea), ('\x' || repeat('42', 32))::bytea) AS bytea_payload,
       convert_from(jwt.decrypt_raw(jwt.encrypt('grüße'::text, repeat('k', 32)), repeat('k', 32)), 'UTF8') AS text_payload,
       jwt.decrypt(jwt.encrypt('{"b":[1,"x"],"a":null}'::jsonb, repeat('k', 32)), repeat('k', 32)) AS jsonb_payload,
       length(jwt.decrypt_raw(jwt.encrypt(''::bytea, repeat('k', 32)), repeat('k', 32))) AS empty_payload;
-- a JSON-text key (text overload) and the same key as jsonb decrypt each other's tokens
SELECT jwt.decrypt(jwt.encrypt('{"n":1}'::jsonb, (SELECT jwk::text FROM jk WHERE kind = 'P-256')),
                   (SELECT jwk FROM jk WHERE kind = 'P-256')) AS text_to_jsonb,
       jwt.decrypt(jwt.encrypt('{"n":2}'::jsonb, jwt.public_jwk((SELECT jwk FROM jk WHERE kind = 'X448'))),
                   (SELECT jwk::text FROM jk WHERE kind = 'X448')) AS public_key_encrypts;
-- jsonb claims must be an object; NULL arguments give NULL
SELECT t.outcome($$ SELECT jwt.encrypt('[1,2]'::jsonb, repeat('k', 32)) $$) AS array_claims,
       jwt.encrypt(NULL::jsonb, repeat('k', 32)) IS NULL AS null_payload,
       jwt.decrypt(NULL, repeat('k', 32)) IS NULL AS null_token,
       jwt.decrypt_raw('a.b.c.d.e', NULL::bytea) IS NULL AS null_key;
-- a JWKS decrypts by kid, and without kid tries the keys that fit
SELECT jwt.decrypt(jwt.encrypt('{"who":"k2"}'::jsonb, '{"kty":"oct","kid":"k2","k":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"}'::jsonb),
                   '{"keys":[{"kty":"oct","kid":"k1","k":"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"},
                             {"kty":"oct","kid":"k2","k":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"}]}'::jsonb) AS by_kid,
       jwt.decrypt(jwt.encrypt('{"who":"B"}'::jsonb, ('\x' || repeat('42', 32))::bytea),
                   '{"keys":[{"kty":"oct","k":"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"},
                             {"kty":"oct","k":"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"}]}'::jsonb) AS without_kid;
-- a JWKS cannot encrypt (which key?)
SELECT t.outcome($$ SELECT jwt.encrypt('x'::text, '{"keys":[{"kty":"oct","k":"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"}]}'::jsonb) $$) AS jwks_encrypt;
-- the allowed alg and enc lists of decrypt
SELECT c.what, t.outcome(format('SELECT jwt.decrypt(%L, %L::bytea, %s)', x.tok, '\x' || repeat('43', 32), c.opts)) AS outcome
  FROM (SELECT jwt.encrypt('{"ok":true}'::jsonb, ('\x' || repeat('43', 32))::bytea, 'A256KW', 'A128CBC-HS256') AS tok) x,
  LATERAL (VALUES
    ('alg and enc listed',      'alg => ''dir,A256KW'', enc => ''A256GCM,A128CBC-HS256'''),
    ('alg not listed',          'alg => ''dir,A256GCMKW'''),
    ('enc not listed',          'enc => ''A256GCM'''),
    ('unknown alg in the list', 'alg => ''A256KW,A512KW'''),
    ('RSA1_5 in the list',      'alg => ''A256KW,RSA1_5''')
  ) AS c(what, opts) ORDER BY c.what;

--
-- 4. Nested tokens: sign, then encrypt (cty JWT); decrypt, then verify
--
CREATE TEMP TABLE nest AS
SELECT jwt.generate_key('ES256') AS sig_jwk, jwt.generate_key('A256GCM') AS enc_jwk;
SELECT h->>'cty' AS cty, h->>'alg' AS alg, h->>'enc' AS enc,
       jwt.decrypt_and_verify(tok, enc_jwk, jwt.public_jwk(sig_jwk), at => '2023-11-14 22:13:19+00') AS claims
  FROM nest, LATERAL (SELECT jwt.sign_and_encrypt('{"sub":"ada","exp":1700000000}', sig_jwk, enc_jwk) AS tok) s,
       LATERAL (SELECT t.jwe_header(tok) AS h) hh;
-- an HMAC inner token with an RSA-OAEP-256 outer one, and the inner JWS is a real JWS
SELECT jwt.decrypt_and_verify(tok, rsa, repeat('s', 32), sign_alg => 'HS256') AS claims,
       jwt.verify(convert_from(jwt.decrypt_raw(tok, rsa), 'UTF8'), repeat('s', 32)) AS inner_verified
  FROM (SELECT jwk AS rsa FROM jk WHERE kind = 'RSA') r,
       LATERAL (SELECT jwt.sign_and_encrypt('{"sub":"bob"}', repeat('s', 32), jwt.public_jwk(rsa)) AS tok) s;
SELECT c.what, t.outcome(c.stmt) AS outcome
  FROM nest, LATERAL (SELECT jwt.sign_and_encrypt('{"sub":"ada"}', sig_jwk, enc_jwk) AS nested,
                             jwt.encrypt('{"sub":"ada"}'::jsonb, enc_jwk) AS plain) s,
  LATERAL (VALUES
    ('decrypt of a nested token',            format('SELECT jwt.decrypt(%L, %L::jsonb)', nested, enc_jwk)),
    ('decrypt_and_verify of a plain JWE',    format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb)', plain, enc_jwk, jwt.public_jwk(sig_jwk))),
    ('inner signature by another key',       format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb)', nested, enc_jwk, jwt.public_jwk(jwt.generate_key('ES256')))),
    ('inner alg not allowed',                format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb, sign_alg => %L)', nested, enc_jwk, jwt.public_jwk(sig_jwk), 'ES384')),
    ('outer key wrong',                      format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb)', nested, jwt.generate_key('A256GCM'), jwt.public_jwk(sig_jwk))),
    ('nested claims, audience checked',      format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb, audience => %L)', nested, enc_jwk, jwt.public_jwk(sig_jwk), 'api')),
    ('a JWE inside a JWE (two levels)',      format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb)',
                                                    jwt.encrypt(convert_to(jwt.encrypt('{}'::jsonb, enc_jwk), 'UTF8'), enc_jwk, header => '{"cty":"JWT"}'),
                                                    enc_jwk, jwt.public_jwk(sig_jwk)))
  ) AS c(what, stmt) ORDER BY c.what;
-- one cty rule for decrypt, decrypt_and_verify and authenticate (RFC 7516 4.1.12, RFC 7519
-- 5.2): "JWT" in any case, with or without "application/", marks a nested token
SELECT quote_literal(c) AS cty,
       t.outcome(format('SELECT jwt.decrypt(%L, %L::jsonb)->>''sub''', tok, enc_jwk)) AS decrypt,
       t.outcome(format('SELECT jwt.decrypt_and_verify(%L, %L::jsonb, %L::jsonb)->>''sub''',
                        tok, enc_jwk, jwt.public_jwk(sig_jwk))) AS decrypt_and_verify
  FROM nest, unnest(ARRAY['JWT', 'jwt', 'application/jwt', 'APPLICATION/JWT', 'JWT ', 'application/json']) c,
       LATERAL (SELECT jwt.encrypt(jwt.sign('{"sub":"ada"}', sig_jwk), enc_jwk,
                                   header => jsonb_build_object('cty', c)) AS tok) s
 ORDER BY c;
-- the inner token's algorithm is never "none", like jwt.sign's
SELECT a AS sign_alg,
       t.outcome(format('SELECT jwt.sign_and_encrypt(%L, %L::jsonb, %L::jsonb, sign_alg => %L)',
                        '{"sub":"ada"}', sig_jwk, enc_jwk, a)) AS outcome
  FROM nest, unnest(ARRAY['none', 'HS999']) a;

--
-- 5. Claims through decrypt: the checks of verify, with a fixed `at`
--
CREATE TEMP TABLE ct AS
SELECT jwt.encrypt('{"iss":"https://idp","sub":"ada","aud":["api","web"],"exp":1700000000,"nbf":1600000000,"iat":1600000000}'::jsonb,
                   repeat('c', 32)) AS tok;
SELECT c.what, t.outcome(format('SELECT jwt.decrypt(%L, %L%s)', tok, repeat('c', 32), c.opts)) AS outcome
  FROM ct, LATERAL (VALUES
    ('01 valid at exp - 1',            ', at => ''2023-11-14 22:13:19+00'''),
    ('02 expired at exp',              ', at => ''2023-11-14 22:13:20+00'''),
    ('03 leeway covers exp',           ', at => ''2023-11-14 22:13:25+00'', leeway => ''10 seconds'''),
    ('04 not yet valid',               ', at => ''2020-09-13 12:26:39+00'''),
    ('05 audience matches',            ', at => ''2023-01-01+00'', audience => ''web'''),
    ('06 audience mismatch',           ', at => ''2023-01-01+00'', audience => ''admin'''),
    ('07 issuer matches',              ', at => ''2023-01-01+00'', issuer => ''https://idp'''),
    ('08 issuer mismatch',             ', at => ''2023-01-01+00'', issuer => ''https://evil'''),
    ('09 required present',            ', at => ''2023-01-01+00'', required => ''{sub,exp}'''),
    ('10 required missing',            ', at => ''2023-01-01+00'', required => ''{sub,jti}'''),
    ('11 typ expected, none present',  ', at => ''2023-01-01+00'', typ => ''JWT'''),
    ('12 default at = now(): expired', '')
  ) AS c(what, opts) ORDER BY c.what;
-- claim types are checked, and a JWE payload that is not JSON is no claims set
SELECT c.what, t.outcome(format('SELECT jwt.decrypt(%L, %L)', jwt.encrypt(c.payload, repeat('c', 32)), repeat('c', 32))) AS outcome
  FROM (VALUES
    ('exp a string',        convert_to('{"exp":"1700000000"}', 'UTF8')),
    ('aud a number',        convert_to('{"aud":1}', 'UTF8')),
    ('not JSON',            convert_to('hello', 'UTF8')),
    ('a JSON array',        convert_to('[1]', 'UTF8')),
    ('duplicate members',   convert_to('{"a":1,"a":2}', 'UTF8'))
  ) AS c(what, payload) ORDER BY c.what;
-- typ in the JWE header
SELECT t.outcome(format('SELECT jwt.decrypt(%L, %L, typ => %L)',
                 jwt.encrypt('{}'::jsonb, repeat('c', 32), header => '{"typ":"at+jwt"}'), repeat('c', 32), 'at+JWT')) AS typ_ok,
       t.outcome(format('SELECT jwt.decrypt(%L, %L, typ => %L)',
                 jwt.encrypt('{}'::jsonb, repeat('c', 32), header => '{"typ":"at+jwt"}'), repeat('c', 32), 'JWT')) AS typ_mismatch;
-- RFC 7519 5.3: iss/sub/aud replicated in the JWE header must equal the claims
SELECT c.what, t.outcome(format('SELECT jwt.decrypt(%L, %L)',
                 jwt.encrypt(c.claims::jsonb, repeat('c', 32), header => c.header::jsonb), repeat('c', 32))) AS outcome
  FROM (VALUES
    ('iss replicated, equal',        '{"iss":"a","sub":"s"}',   '{"iss":"a"}'),
    ('iss replicated, differs',      '{"iss":"a","sub":"s"}',   '{"iss":"b"}'),
    ('sub replicated, differs',      '{"iss":"a","sub":"s"}',   '{"sub":"root"}'),
    ('aud replicated, differs',      '{"aud":["x","y"]}',       '{"aud":"z"}'),
    ('aud replicated, equal',        '{"aud":["x","y"]}',       '{"aud":["x","y"]}'),
    ('iss in header, not in claims', '{"sub":"s"}',             '{"iss":"a"}')
  ) AS c(what, claims, header) ORDER BY c.what;
