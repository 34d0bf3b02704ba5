--
-- raw: jwt.sign_raw and jwt.verify_raw sign and verify arbitrary payload
-- bytes (a JWS that is not a JWT): no claims parsing, no claim checks, no
-- "typ" added.  Expected tokens are computed with pgcrypto over the exact
-- header {"alg":...} and payload bytes.
--
\set k32 '0123456789abcdef0123456789abcdef'
\set k64 '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'

-- sign_raw equals the independent token, for assorted payloads
SELECT c.name, jwt.sign_raw(c.payload, :'k32'::bytea)
             = t.forge_bytes(convert_to('{"alg":"HS256"}', 'UTF8'), c.payload, :'k32') AS same_as_pgcrypto
  FROM (VALUES
    ('empty payload',                ''::bytea),
    ('one NUL byte',                 '\x00'::bytea),
    ('non-UTF-8 bytes ff fe 80 c0',  '\xfffe80c0'::bytea),
    ('all 256 byte values',          (SELECT string_agg(set_byte('\x00'::bytea, 0, i), ''::bytea ORDER BY i) FROM generate_series(0, 255) i)),
    ('text "hello"',                 'hello'::bytea),
    ('RFC 7797 payload "$.02"',      '$.02'::bytea),
    ('a JSON array',                 '[1,2]'::bytea)
  ) AS c(name, payload);
-- an empty payload is an empty middle segment
SELECT jwt.sign_raw(''::bytea, :'k32'::bytea) AS empty_payload_token;
-- HS512 and a header with a kid and a typ (sign_raw adds no typ itself)
SELECT jwt.sign_raw('\x0102'::bytea, :'k64'::bytea, 'HS512', '{"kid":"r1","typ":"example+bin"}')
     = t.forge_bytes(convert_to('{"alg":"HS512","kid":"r1","typ":"example+bin"}', 'UTF8'), '\x0102'::bytea, :'k64', 'sha512') AS hs512_with_header;
SELECT header FROM jwt.decode(jwt.sign_raw('{}'::bytea, :'k32'::bytea)) AS no_typ_added;
-- a JWK key: its kid goes into the header, its alg is the default
SELECT jwt.sign_raw('\xdeadbeef'::bytea, format('{"kty":"oct","k":"%s","kid":"raw","alg":"HS512"}', t.b64url(:'k64'::bytea))::jsonb)
     = t.forge_bytes(convert_to('{"alg":"HS512","kid":"raw"}', 'UTF8'), '\xdeadbeef'::bytea, :'k64', 'sha512') AS jwk_kid_and_alg;

-- verify_raw returns the exact bytes, with every key form
SELECT c.name, t.outcome(format('SELECT encode(jwt.verify_raw(%L, %s), %L)', c.token, c.key, 'hex')) AS payload_hex
  FROM (VALUES
    ('empty payload, bytea key',     t.forge_bytes(convert_to('{"alg":"HS256"}', 'UTF8'), ''::bytea, :'k32'), quote_literal(:'k32') || '::bytea'),
    ('NUL and ff, text key',         t.forge_bytes(convert_to('{"alg":"HS256"}', 'UTF8'), '\x00ff00'::bytea, :'k32'), quote_literal(:'k32') || '::text'),
    ('non-UTF-8, jsonb JWK',         t.forge_bytes(convert_to('{"alg":"HS256"}', 'UTF8'), '\xc328'::bytea, :'k32'),
                                     quote_literal(format('{"kty":"oct","k":"%s"}', t.b64url(:'k32'::bytea))) || '::jsonb'),
    ('payload "hello"',              t.forge_bytes(convert_to('{"alg":"HS256"}', 'UTF8'), 'hello'::bytea, :'k32'), quote_literal(:'k32') || '::bytea'),
    -- no claim checks: an expired claims set is just bytes here
    ('expired claims, not checked',  t.forge('{"alg":"HS256"}', '{"exp":1}', :'k32'), quote_literal(:'k32') || '::bytea'),
    -- nor JSON checks of the payload: duplicate names are just bytes
    ('duplicate names, not parsed',  t.forge('{"alg":"HS256"}', '{"a":1,"a":2}', :'k32'), quote_literal(:'k32') || '::bytea')
  ) AS c(name, token, key);
-- round trips through both functions
SELECT alg, jwt.verify_raw(jwt.sign_raw(p, :'k64'::bytea, alg), :'k64'::bytea, alg) = p AS round_trip
  FROM (VALUES ('HS256'), ('HS384'), ('HS512')) a(alg),
       (VALUES ('\x00ff80'::bytea)) v(p);
-- a large binary payload (30000 bytes)
SELECT length(jwt.verify_raw(jwt.sign_raw(decode(repeat('00ff', 15000), 'hex'), :'k32'::bytea), :'k32'::bytea)) AS large_payload_bytes;

-- the typ option of verify_raw (sign_raw adds none, so expecting one fails
-- unless the header has it)
SELECT c.name, t.outcome(format('SELECT encode(jwt.verify_raw(%L, %L::bytea, typ => %L), %L)', c.token, :'k32', c.typ, 'escape')) AS outcome
  FROM (VALUES
    ('no typ, none expected',          jwt.sign_raw('x'::bytea, :'k32'::bytea), NULL),
    ('no typ, "example" expected',     jwt.sign_raw('x'::bytea, :'k32'::bytea), 'example'),
    ('typ example, expected',          jwt.sign_raw('x'::bytea, :'k32'::bytea, NULL, '{"typ":"example"}'), 'example'),
    ('typ application/example',        jwt.sign_raw('x'::bytea, :'k32'::bytea, NULL, '{"typ":"application/example"}'), 'EXAMPLE'),
    ('typ JWT, "example" expected',    jwt.sign_raw('x'::bytea, :'k32'::bytea, NULL, '{"typ":"JWT"}'), 'example')
  ) AS c(name, token, typ);

-- verification failures and argument errors
SELECT c.name, t.outcome(c.stmt) AS outcome FROM (VALUES
  ('wrong key',             format('SELECT jwt.verify_raw(%L, %L::bytea)', jwt.sign_raw('x'::bytea, :'k32'::bytea), 'another secret of thirty-two b..')),
  ('HS512 token, default',  format('SELECT jwt.verify_raw(%L, %L::bytea)', jwt.sign_raw('x'::bytea, :'k64'::bytea, 'HS512'), :'k64')),
  ('HS512 token, "HS256,HS512"', format('SELECT encode(jwt.verify_raw(%L, %L::bytea, %L), %L)', jwt.sign_raw('x'::bytea, :'k64'::bytea, 'HS512'), :'k64', 'HS256,HS512', 'escape')),
  ('alg none token',        format('SELECT jwt.verify_raw(%L, %L::bytea)', t.b64url('{"alg":"none"}') || '.' || t.b64url('x') || '.', :'k32')),
  ('allowed "none"',        format('SELECT jwt.verify_raw(%L, %L::bytea, %L)', jwt.sign_raw('x'::bytea, :'k32'::bytea), :'k32', 'none')),
  ('a JWE',                 format('SELECT jwt.verify_raw(%L, %L::bytea)', 'a.b.c.d.e', :'k32')),
  ('signature cut by 2 characters',         format('SELECT jwt.verify_raw(%L, %L::bytea)', left(jwt.sign_raw('x'::bytea, :'k32'::bytea), -2), :'k32')),
  ('sign_raw with "none"',  format('SELECT jwt.sign_raw(%L::bytea, %L::bytea, %L)', 'x', :'k32', 'none')),
  ('sign_raw, short key',   format('SELECT jwt.sign_raw(%L::bytea, %L::bytea)', 'x', 'short')),
  ('sign_raw with a JWKS',  format('SELECT jwt.sign_raw(%L::bytea, %L::jsonb)', 'x', format('{"keys":[{"kty":"oct","k":"%s"}]}', t.b64url(:'k32'::bytea)))),
  ('sign_raw, header alg conflict', format('SELECT jwt.sign_raw(%L::bytea, %L::bytea, %L, %L)', 'x', :'k32', 'HS256', '{"alg":"HS384"}')),
  ('sign_raw, payload over the size limit', format('SELECT jwt.sign_raw(%L::bytea, %L::bytea)', repeat('x', 50000), :'k32'))
) AS c(name, stmt);
-- NULL payload or key give NULL
SELECT jwt.sign_raw(NULL, :'k32'::bytea) IS NULL AS null_payload, jwt.verify_raw(NULL, :'k32'::bytea) IS NULL AS null_token,
       jwt.verify_raw(jwt.sign_raw('x'::bytea, :'k32'::bytea), NULL::bytea) IS NULL AS null_key;

-- a raw JWS is not a JWT: verify and decode need a JSON object payload
-- (security.md P.201 and S.227: an empty payload is a valid JWS, not a JWT)
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS verify,
       t.outcome(format('SELECT jwt.decode(%L)', c.token)) AS decode
  FROM (VALUES
    ('empty payload',   jwt.sign_raw(''::bytea, :'k32'::bytea)),
    ('"hello"',         jwt.sign_raw('hello'::bytea, :'k32'::bytea)),
    ('binary',          jwt.sign_raw('\xff00'::bytea, :'k32'::bytea)),
    ('JSON object',     jwt.sign_raw('{"sub":"x"}'::bytea, :'k32'::bytea))
  ) AS c(name, token);
-- and a JWT verifies as a raw JWS: its payload is the claims' exact bytes
SELECT convert_from(jwt.verify_raw(jwt.sign('{"sub":"alice","n":1}', :'k32'::bytea), :'k32'::bytea), 'UTF8') AS claims_bytes;
