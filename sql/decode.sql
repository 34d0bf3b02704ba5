--
-- decode: jwt.decode(token) returns the UNVERIFIED header, payload and
-- signature of a compact JWS.  It checks no signature, no key and no
-- claim, but it parses with the same strict reader as verify, so what it
-- shows is what verify would see.
--
\set k32 '0123456789abcdef0123456789abcdef'

-- the parts of a token built with pgcrypto; the signature bytes equal an
-- independently computed HMAC
SELECT d.header, d.payload, d.signature = hmac(convert_to(t.b64url('{"alg":"HS256","typ":"JWT","kid":"k1"}') || '.' ||
                                                          t.b64url('{"sub":"alice","exp":1,"n":[1,2.5,null]}'), 'UTF8'),
                                               :'k32'::bytea, 'sha256') AS signature_is_hmac,
       length(d.signature) AS signature_bytes
  FROM jwt.decode(t.forge('{"alg":"HS256","typ":"JWT","kid":"k1"}', '{"sub":"alice","exp":1,"n":[1,2.5,null]}', :'k32')) d;
-- the RFC 7515 A.1 token (header with CRLF and spaces): decoded members,
-- and the signature bytes in hex
SELECT * FROM jwt.decode('eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
-- nothing is verified: a wrong MAC, an expired token, an HS512 header over
-- 3 bytes of "signature" all decode
SELECT d.* FROM (VALUES
    (1, t.forge('{"alg":"HS256"}', '{"sub":"admin"}', 'not the key, but 32 bytes long..')),
    (2, t.b64url('{"alg":"HS512"}') || '.' || t.b64url('{"exp":0}') || '.AAAA'),
    (3, t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{}') || '.')
  ) v(n, tok), LATERAL jwt.decode(v.tok) d ORDER BY v.n;
-- each output column on its own
SELECT (jwt.decode(t.forge('{"alg":"HS384","cty":"x"}', '{"a":"é"}', :'k32'))).header,
       (jwt.decode(t.forge('{"alg":"HS384","cty":"x"}', '{"a":"é"}', :'k32'))).payload;
-- a token made by jwt.sign decodes to its inputs
SELECT header, payload FROM jwt.decode(jwt.sign('{"sub":"bob","roles":["a","b"]}', :'k32'::bytea, 'HS256', '{"kid":"x"}'));
-- decode is STRICT
SELECT jwt.decode(NULL) IS NULL AS null_in_null_out;

-- errors: decode refuses what verify refuses before the signature check
SELECT c.name, t.outcome(format('SELECT jwt.decode(%L)', c.token)) AS outcome FROM (VALUES
    ('empty',                     ''),
    ('two segments',              t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{}')),
    ('five segments (a JWE)',     'a.b.c.d.e'),
    ('padded signature',          t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{}') || '.AA=='),
    ('header not JSON',           t.b64url('{alg:HS256}') || '.' || t.b64url('{}') || '.'),
    ('header not an object',      t.b64url('["HS256"]') || '.' || t.b64url('{}') || '.'),
    ('no alg',                    t.b64url('{"typ":"JWT"}') || '.' || t.b64url('{}') || '.'),
    ('duplicate header member',   t.b64url('{"alg":"HS256","alg":"HS256"}') || '.' || t.b64url('{}') || '.'),
    ('duplicate claim',           t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{"a":1,"a":2}') || '.'),
    ('payload not an object',     t.b64url('{"alg":"HS256"}') || '.' || t.b64url('[1]') || '.'),
    ('payload not JSON',          t.b64url('{"alg":"HS256"}') || '.' || t.b64url('hello') || '.'),
    ('empty payload',             t.b64url('{"alg":"HS256"}') || '..'),
    ('payload invalid UTF-8',     t.b64url('{"alg":"HS256"}') || '.' || t.b64url('\x7b2261223a22ff227d'::bytea) || '.'),
    ('claims nested too deep',    t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{"a":' || repeat('[', 40) || repeat(']', 40) || '}') || '.'),
    ('number beyond numeric',     t.b64url('{"alg":"HS256"}') || '.' || t.b64url('{"a":1e999999}') || '.'),
    -- decode refuses these header values too, although it verifies nothing
    ('alg none',                  t.b64url('{"alg":"none"}') || '.' || t.b64url('{}') || '.'),
    ('alg unknown',               t.b64url('{"alg":"XS256"}') || '.' || t.b64url('{}') || '.'),
    ('crit',                      t.b64url('{"alg":"HS256","crit":["x"],"x":1}') || '.' || t.b64url('{}') || '.'),
    ('zip',                       t.b64url('{"alg":"HS256","zip":"DEF"}') || '.' || t.b64url('{}') || '.'),
    ('kid not a string',          t.b64url('{"alg":"HS256","kid":1}') || '.' || t.b64url('{}') || '.')
  ) AS c(name, token);
-- over the size limit
SELECT t.outcome(format('SELECT jwt.decode(%L)', repeat('A', 65537))) AS over_limit;
-- the error as raised
SELECT * FROM jwt.decode('eyJhbGciOiJIUzI1NiJ9.e30');

-- decoding is for looking: a JWE shows its protected header (its payload is
-- ciphertext), and a JWS whose payload is not JSON shows it as base64url
SELECT kind, header ? 'enc' AS has_enc, header->>'alg' AS alg, payload, signature, payload_base64url
  FROM jwt.decode(jwt.encrypt('{"sub":"x"}'::jsonb, 'an-aes-256-dir-key-of-32-bytes!!', 'dir', 'A256GCM'));
SELECT kind, header, payload, payload_base64url, convert_from(decode(translate(payload_base64url, '-_', '+/') || '=', 'base64'), 'UTF8') AS shown
  FROM jwt.decode(jwt.sign_raw('hello', 'a-secret-of-at-least-32-bytes!!!'));
