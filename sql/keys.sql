--
-- keys: how the key argument is read, and strict JWK / JWKS parsing for
-- HMAC (kty "oct") keys, plus the per-session key cache.
--
-- The declared type of the key argument decides how its bytes are read:
--   bytea  a raw HMAC secret (a PEM or a JWK in bytea is refused)
--   text   a JWK or JWKS if it starts with "{", a PEM key, else the UTF-8
--          bytes of an HMAC secret
--   jsonb  a JWK or JWKS
-- security.md section 8 O.172 to O.177 and C.45, C.55, C.58, C.59.
--
\set k32 '0123456789abcdef0123456789abcdef'
\set b32 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY'
CREATE TEMP TABLE key_tok AS
SELECT t.forge('{"alg":"HS256"}', '{"sub":"alice"}', :'k32') AS tok;

-- 1. the same 32 secret bytes in every form verify the same token
SELECT c.form, t.outcome(format('SELECT jwt.verify(%L, %s)', tok, c.key)) AS outcome
  FROM key_tok, LATERAL (VALUES
    ('bytea secret',              quote_literal(:'k32') || '::bytea'),
    ('text secret',               quote_literal(:'k32') || '::text'),
    ('text JWK',                  quote_literal(format('{"kty":"oct","k":"%s"}', :'b32')) || '::text'),
    ('text JWK with whitespace',  quote_literal(format(E' \n {\n "kty" : "oct",\t"k" : "%s" } ', :'b32')) || '::text'),
    ('jsonb JWK',                 quote_literal(format('{"kty":"oct","k":"%s"}', :'b32')) || '::jsonb'),
    ('jsonb JWKS',                quote_literal(format('{"keys":[{"kty":"oct","k":"%s"}]}', :'b32')) || '::jsonb'),
    ('text JWKS',                 quote_literal(format('{"keys":[{"kty":"oct","k":"%s"}]}', :'b32')) || '::text'),
    ('JWK with extra members',    quote_literal(format('{"kty":"oct","k":"%s","x5t":"abc","ext":true,"note":[1]}', :'b32')) || '::jsonb'),
    ('JWK use sig',               quote_literal(format('{"kty":"oct","k":"%s","use":"sig"}', :'b32')) || '::jsonb'),
    ('JWK key_ops [sign,verify]', quote_literal(format('{"kty":"oct","k":"%s","key_ops":["sign","verify"]}', :'b32')) || '::jsonb'),
    ('JWK key_ops [verify]',      quote_literal(format('{"kty":"oct","k":"%s","key_ops":["verify"]}', :'b32')) || '::jsonb'),
    ('JWK use sig, key_ops [verify]', quote_literal(format('{"kty":"oct","k":"%s","use":"sig","key_ops":["verify"]}', :'b32')) || '::jsonb'),
    ('JWK alg HS256',             quote_literal(format('{"kty":"oct","k":"%s","alg":"HS256"}', :'b32')) || '::jsonb'),
    ('JWK key_ops with an unknown op too', quote_literal(format('{"kty":"oct","k":"%s","key_ops":["verify","x-custom"]}', :'b32')) || '::jsonb')
  ) AS c(form, key);
-- text holding a JWK after other text is refused, never a secret (security review 2)
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{}', ('x{"kty":"oct","k":"' || :'b32' || '"}')::bytea),
                  'x{"kty":"oct","k":"' || :'b32' || '"}') AS jwk_inside_text;
-- a bytea "JSON object" without "kty" is an ordinary secret
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{}', '{"not a JWK, only a secret of 32+ bytes":1}'::bytea),
                  '{"not a JWK, only a secret of 32+ bytes":1}'::bytea) AS bytea_json_without_kty;

-- 2. JWK errors (each refused with 22023 invalid key unless noted)
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, c.jwk)) AS outcome
  FROM key_tok, LATERAL (VALUES
    ('O.172 kty missing',                  format('{"k":"%s"}', :'b32')),
    ('O.172 kty unknown',                  format('{"kty":"foo","k":"%s"}', :'b32')),
    ('kty "OCT" (case-sensitive)',         format('{"kty":"OCT","k":"%s"}', :'b32')),
    ('kty not a string',                   format('{"kty":1,"k":"%s"}', :'b32')),
    ('k missing',                          '{"kty":"oct"}'),
    ('O.177 C.45 k empty',                 '{"kty":"oct","k":""}'),
    ('k not a string',                     '{"kty":"oct","k":123}'),
    ('O.176 k padded',                     format('{"kty":"oct","k":"%s="}', :'b32')),
    ('O.176 k in standard base64',         '{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY+/w"}'),
    ('O.176 k non-canonical last char',    format('{"kty":"oct","k":"%sZ"}', left(:'b32', -1))),
    ('O.176 k length % 4 = 1',             format('{"kty":"oct","k":"%sAA"}', :'b32')),
    ('k with a space',                     format('{"kty":"oct","k":"%s %s"}', left(:'b32', 20), substr(:'b32', 21))),
    ('C.59 alg RS256 on an oct key',       format('{"kty":"oct","k":"%s","alg":"RS256"}', :'b32')),
    ('alg ES256 on an oct key',            format('{"kty":"oct","k":"%s","alg":"ES256"}', :'b32')),
    ('alg none',                           format('{"kty":"oct","k":"%s","alg":"none"}', :'b32')),
    ('alg ""',                             format('{"kty":"oct","k":"%s","alg":""}', :'b32')),
    ('alg 256',                            format('{"kty":"oct","k":"%s","alg":256}', :'b32')),
    ('alg too long for a name',            format('{"kty":"oct","k":"%s","alg":"%s"}', :'b32', repeat('A', 40))),
    ('kid not a string',                   format('{"kty":"oct","k":"%s","kid":7}', :'b32')),
    ('kid of 257 bytes',                   format('{"kty":"oct","k":"%s","kid":"%s"}', :'b32', repeat('k', 257))),
    ('use not a string',                   format('{"kty":"oct","k":"%s","use":["sig"]}', :'b32')),
    ('key_ops not an array',               format('{"kty":"oct","k":"%s","key_ops":"verify"}', :'b32')),
    ('O.175 key_ops with a non-string',    format('{"kty":"oct","k":"%s","key_ops":["verify",1]}', :'b32')),
    ('O.175 key_ops repeats verify',       format('{"kty":"oct","k":"%s","key_ops":["verify","verify"]}', :'b32')),
    ('O.175 key_ops repeats an unknown op', format('{"kty":"oct","k":"%s","key_ops":["verify","x-op","x-op"]}', :'b32')),
    ('O.174 use sig with key_ops [encrypt]', format('{"kty":"oct","k":"%s","use":"sig","key_ops":["encrypt"]}', :'b32')),
    ('use enc with key_ops [verify]',      format('{"kty":"oct","k":"%s","use":"enc","key_ops":["verify"]}', :'b32')),
    ('a JWK that is not an object',        '"just a string"'),
    ('a JWK that is an array',             format('[{"kty":"oct","k":"%s"}]', :'b32'))
  ) AS c(name, jwk);
-- the same errors through the text form (the JSON is checked by token_ext's
-- own strict reader, so duplicates and bad syntax are key errors too)
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::text)', tok, c.jwk)) AS outcome
  FROM key_tok, LATERAL (VALUES
    ('duplicate "k"',                      format('{"kty":"oct","k":"%s","k":"%s"}', :'b32', :'b32')),
    ('duplicate "kty" via escape',         format('{"kty":"oct","k\u0074y":"oct","k":"%s"}', :'b32')),
    ('trailing comma',                     format('{"kty":"oct","k":"%s",}', :'b32')),
    ('not closed',                         format('{"kty":"oct","k":"%s"', :'b32')),
    ('trailing garbage',                   format('{"kty":"oct","k":"%s"} x', :'b32')),
    ('"{" alone',                          '{'),
    ('nested 9 levels deep',               format('{"kty":"oct","k":"%s","x":[[[[[[[[]]]]]]]]}', :'b32')),
    ('nested 8 levels deep (accepted)',    format('{"kty":"oct","k":"%s","x":[[[[[[[]]]]]]]}', :'b32'))
  ) AS c(name, jwk);

-- 3. "use" and "key_ops" are enforced for signing and for verification (C.55)
SELECT c.name,
       t.outcome(format('SELECT jwt.sign(%L, %L::jsonb) IS NOT NULL', '{}', c.jwk)) AS sign,
       t.outcome(format('SELECT jwt.verify(%L, %L::jsonb) IS NOT NULL', tok, c.jwk)) AS verify
  FROM key_tok, LATERAL (VALUES
    ('use sig',               format('{"kty":"oct","k":"%s","use":"sig"}', :'b32')),
    ('use enc',               format('{"kty":"oct","k":"%s","use":"enc"}', :'b32')),
    ('use "foo" (unknown)',   format('{"kty":"oct","k":"%s","use":"foo"}', :'b32')),
    ('use "SIG" (case)',      format('{"kty":"oct","k":"%s","use":"SIG"}', :'b32')),
    ('key_ops [sign]',        format('{"kty":"oct","k":"%s","key_ops":["sign"]}', :'b32')),
    ('key_ops [verify]',      format('{"kty":"oct","k":"%s","key_ops":["verify"]}', :'b32')),
    ('key_ops [encrypt]',     format('{"kty":"oct","k":"%s","key_ops":["encrypt"]}', :'b32')),
    ('key_ops []',            format('{"kty":"oct","k":"%s","key_ops":[]}', :'b32')),
    ('use sig, key_ops [sign]', format('{"kty":"oct","k":"%s","use":"sig","key_ops":["sign"]}', :'b32')),
    ('C.58 alg A128KW (not a JWS alg)', format('{"kty":"oct","k":"%s","alg":"A128KW"}', :'b32')),
    ('C.58 alg A128GCM',      format('{"kty":"oct","k":"%s","alg":"A128GCM"}', :'b32'))
  ) AS c(name, jwk);
-- a key bound to a non-JWS algorithm cannot be used with HS256 named explicitly either
SELECT jwt.sign('{}', format('{"kty":"oct","k":"%s","alg":"A128KW"}', :'b32')::jsonb, 'HS256');
SELECT jwt.verify(tok, format('{"kty":"oct","k":"%s","alg":"A128KW"}', :'b32')::jsonb, 'HS256') FROM key_tok;

-- 4. JWKS: unusable keys are skipped (RFC 7517 section 5), O.172, O.173
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, c.jwks)) AS outcome
  FROM key_tok, LATERAL (VALUES
    ('usable key after unusable ones',
     format('{"keys":[{"kty":"foo"},{"k":"x"},{"kty":"oct"},{"kty":"oct","k":""},"not an object",7,{"kty":"oct","k":"%s","key_ops":["verify","verify"]},{"kty":"oct","k":"%s"}]}', :'b32', :'b32')),
    ('all keys unusable',                  '{"keys":[{"kty":"foo"},{"kty":"oct","k":""},{"kty":"oct","k":"A="}]}'),
    ('keys = []',                          '{"keys":[]}'),
    ('keys not an array',                  format('{"keys":{"kty":"oct","k":"%s"}}', :'b32')),
    ('keys = null',                        '{"keys":null}'),
    ('100 keys (the limit)',
     '{"keys":[' || (SELECT string_agg(format('{"kty":"oct","k":"%s","kid":"k%s"}', :'b32', i), ',') FROM generate_series(1, 100) i) || ']}'),
    ('101 keys',
     '{"keys":[' || (SELECT string_agg(format('{"kty":"oct","k":"%s","kid":"k%s"}', :'b32', i), ',') FROM generate_series(1, 101) i) || ']}'),
    ('a JWKS with kty too is still a JWKS',  format('{"kty":"oct","keys":[{"kty":"oct","k":"%s"}]}', :'b32')),
    ('a key too short for HS256 is no candidate',
     '{"keys":[{"kty":"oct","k":"c2hvcnQ"}]}')
  ) AS c(name, jwks);
-- a key skipped for a bad "use" does not make the set fail, but is not tried
SELECT jwt.verify(tok, format('{"keys":[{"kty":"oct","k":"%s","use":"enc"}]}', :'b32')::jsonb) FROM key_tok;

-- 5. keys that are never HMAC secrets (C.41, C.42): a PEM in text is read as
-- a PEM key, which no HS* token can use; a PEM or a JWK in bytea is refused
\set ec_pem '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3VgiMdYOyaANz+SnOcL6E3VfqyYI\nydR/CnFsPhHw8G2G9mkMJej3E/101m/4Cd39gUhd/3LmFMrH1Tel24WJqg==\n-----END PUBLIC KEY-----\n'
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %s)', c.tok, c.key)) AS outcome
  FROM (SELECT E:'ec_pem' AS pem) p, LATERAL (VALUES
    ('PEM text, HS256 token MACed with the PEM',  t.forge('{"alg":"HS256"}', '{}', convert_to(pem, 'UTF8')), quote_literal(pem) || '::text'),
    ('PEM text with leading whitespace',          t.forge('{"alg":"HS256"}', '{}', convert_to(E'\n  ' || pem, 'UTF8')), quote_literal(E'\n  ' || pem) || '::text'),
    ('PEM bytea',                                 t.forge('{"alg":"HS256"}', '{}', convert_to(pem, 'UTF8')), quote_literal(pem) || '::bytea'),
    ('PEM bytea with leading CRLF',               t.forge('{"alg":"HS256"}', '{}', convert_to(E'\r\n' || pem, 'UTF8')), quote_literal(E'\r\n' || pem) || '::bytea'),
    ('JWK bytea',                                 t.forge('{"alg":"HS256"}', '{}', convert_to(format('{"kty":"oct","k":"%s"}', :'b32'), 'UTF8')),
                                                  quote_literal(format('{"kty":"oct","k":"%s"}', :'b32')) || '::bytea'),
    ('JWK bytea with leading spaces',             t.forge('{"alg":"HS256"}', '{}', convert_to(format('  {"kty":"oct","k":"%s"}', :'b32'), 'UTF8')),
                                                  quote_literal(format('  {"kty":"oct","k":"%s"}', :'b32')) || '::bytea'),
    ('text that is a broken PEM',                 t.forge('{"alg":"HS256"}', '{}', convert_to('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', 'UTF8')),
                                                  quote_literal('-----BEGIN PUBLIC KEY-----' || E'\n' || 'AAAA' || E'\n' || '-----END PUBLIC KEY-----') || '::text')
  ) AS c(name, tok, key);
-- signing with a PEM text refuses HS256 too
SELECT jwt.sign('{}', E:'ec_pem'::text, 'HS256');

-- 6. other bad key arguments
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %s)', tok, c.key)) AS outcome
  FROM key_tok, LATERAL (VALUES
    ('empty bytea',          '''''::bytea'),
    ('empty text',           '''''::text'),
    ('jsonb string',         '''"secret"''::jsonb'),
    ('jsonb number',         '''1''::jsonb'),
    ('jsonb null',           '''null''::jsonb'),
    ('jsonb {}',             '''{}''::jsonb'),
    ('text of 262145 bytes starting with "{"', quote_literal('{' || repeat(' ', 262144)) || '::text'),
    ('text JWK, not JSON',   '''{kty:oct}''::text')
  ) AS c(name, key);

-- 7. the key cache: parsed keys are kept per session, keyed by the form
-- and the exact bytes; failures are never cached
SELECT jwt.clear_key_cache();
SELECT * FROM jwt.key_cache_stats() \gset s0_
SELECT entries, bytes FROM jwt.key_cache_stats();
-- one bytea key three times: one miss, then two hits
SELECT count(jwt.verify(tok, :'k32'::bytea)) FROM key_tok, generate_series(1, 3);
SELECT entries, bytes, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- the same bytes as text are another entry (another reading of the bytes)
SELECT count(jwt.verify(tok, :'k32'::text)) FROM key_tok, generate_series(1, 2);
SELECT entries, bytes, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- a jsonb JWK, and signing uses the cache too
SELECT count(jwt.verify(tok, format('{"kty":"oct","k":"%s"}', :'b32')::jsonb)) FROM key_tok;
SELECT jwt.sign('{}', format('{"kty":"oct","k":"%s"}', :'b32')::jsonb) IS NOT NULL AS signed;
SELECT entries, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- a key that does not parse is a miss each time and is never cached
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::jsonb)', tok, '{"kty":"foo"}')) AS refused FROM key_tok, generate_series(1, 2);
SELECT entries, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- a secret too short for HS256 is parsed (and cached) but refused when used
SELECT t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', tok, 'short but parsed')) AS short FROM key_tok, generate_series(1, 2);
SELECT entries, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- jwt.clear_key_cache() empties it (counters are cumulative)
SELECT jwt.clear_key_cache();
SELECT entries, bytes, hits - :s0_hits AS hits, misses - :s0_misses AS misses FROM jwt.key_cache_stats();
-- DISCARD ALL empties it too (a pooled connection keeps no keys)
SELECT count(jwt.verify(tok, :'k32'::bytea)) FROM key_tok;
SELECT entries, bytes FROM jwt.key_cache_stats();
DISCARD ALL;
SELECT entries, bytes FROM jwt.key_cache_stats();
-- DISCARD PLANS does not
SELECT count(jwt.verify(t.forge('{"alg":"HS256"}', '{}', :'k32'), :'k32'::bytea));
DISCARD PLANS;
SELECT entries, bytes FROM jwt.key_cache_stats();
-- token_ext.key_cache_entries bounds the entries (least recently used go)
SET token_ext.key_cache_entries = 2;
SELECT jwt.clear_key_cache();
SELECT count(jwt.sign('{}', (:'k32' || i)::bytea)) FROM generate_series(1, 5) i;
SELECT entries, bytes FROM jwt.key_cache_stats();
-- 0 disables the cache; keys still work
SET token_ext.key_cache_entries = 0;
SELECT entries FROM jwt.key_cache_stats();
SELECT jwt.verify(t.forge('{"alg":"HS256"}', '{"uncached":true}', :'k32'), :'k32'::bytea) AS uncached_key_works;
SELECT entries FROM jwt.key_cache_stats();
RESET token_ext.key_cache_entries;
-- token_ext.key_cache_memory bounds the bytes: a key larger than the bound is
-- used but not kept
SET token_ext.key_cache_memory = '1kB';
SELECT jwt.clear_key_cache();
SELECT length(jwt.sign('{}', repeat('s', 2000)::bytea)) > 0 AS big_key_works,
       length(jwt.sign('{}', repeat('s', 100)::bytea)) > 0 AS small_key_works;
SELECT entries, bytes FROM jwt.key_cache_stats();
RESET token_ext.key_cache_memory;
-- the settings are superuser-only (PGC_SUSET) and have bounds
SELECT name, min_val, max_val, unit, context FROM pg_settings WHERE name LIKE 'token\_ext.key\_cache%' ORDER BY name;
