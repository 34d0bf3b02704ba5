--
-- base64url: every segment of a compact JWS must be strict, unpadded,
-- canonical base64url (RFC 7515 section 2, RFC 4648 section 5).
--
-- A lenient decoder gives one token many spellings (padding, the standard
-- alphabet, whitespace, non-zero unused bits) and lets a parser differential
-- slip through (security.md section 8 A.7 to A.12).  The check comes before
-- anything else, so these tokens all carry a valid MAC over their canonical
-- form: only the spelling is wrong, and each must be refused with
-- 22P02 "malformed base64url in token" naming the segment.
--
\set k32 '0123456789abcdef0123456789abcdef'
CREATE TEMP TABLE b64_parts AS
SELECT t.b64url('{"alg":"HS256"}') AS h,        -- 15 bytes: 20 characters, length % 4 = 0
       t.b64url('{"sub":"alice","n":5}') AS p,  -- 21 bytes: 28 characters
       t.b64url(hmac('x', 'y', 'sha256')) AS s; -- placeholder, replaced below
UPDATE b64_parts SET s = t.mac(h || '.' || p, :'k32');
-- the canonical token verifies (the positive control for every case below)
SELECT h || '.' || p || '.' || s AS token,
       jwt.verify(h || '.' || p || '.' || s, :'k32'::bytea) AS claims
  FROM b64_parts;
-- the MAC holds both URL-alphabet characters, so the +/ cases below are
-- the same bits in the standard alphabet
SELECT s, strpos(s, '-') > 0 AS has_minus, strpos(s, '_') > 0 AS has_underscore FROM b64_parts;

-- A.7 "=" padding: the header and payload lengths are multiples of 4 (no
-- padding possible), so padding is tried on the 43-character signature, and
-- appended to the others as a stray "=" or "=="
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM b64_parts, LATERAL (VALUES
    ('signature padded to 44',   h || '.' || p || '.' || s || '='),
    ('header with "=="',         h || '==.' || p || '.' || s),
    ('payload with "="',         h || '.' || p || '=.' || s),
    ('"=" inside the header',    left(h, 4) || '=' || substr(h, 5) || '.' || p || '.' || s)
  ) AS c(name, token);

-- A.8 the standard alphabet: "+" for "-" and "/" for "_", the same bits
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM b64_parts, LATERAL (VALUES
    ('signature "-" as "+"',     h || '.' || p || '.' || replace(s, '-', '+')),
    ('signature "_" as "/"',     h || '.' || p || '.' || replace(s, '_', '/')),
    ('payload "-" as "+"',       h || '.' || replace(t.b64url('{"sub":"~~~"}'), '-', '+') || '.' ||
                                 t.mac(h || '.' || t.b64url('{"sub":"~~~"}'), :'k32'))
  ) AS c(name, token);
-- a header whose base64url holds "-": the URL spelling verifies, the
-- standard-alphabet spelling of the same bytes (same MAC) does not
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM (SELECT t.forge('{"alg":"HS256","x":"~~~"}', '{"sub":"alice"}', :'k32') AS tok) f,
       LATERAL (VALUES
    ('header in base64url (control)', tok),
    ('header "-" as "+"',             translate(split_part(tok, '.', 1), '-', '+') || substr(tok, strpos(tok, '.')))
  ) AS c(name, token);
SELECT t.b64url('{"alg":"HS256","x":"~~~"}') AS header_with_minus, t.b64url('{"sub":"~~~"}') AS payload_with_minus;

-- A.9 whitespace before, inside and after each segment
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM b64_parts, LATERAL (VALUES
    ('leading space',            ' ' || h || '.' || p || '.' || s),
    ('trailing space',           h || '.' || p || '.' || s || ' '),
    ('trailing LF',              h || '.' || p || '.' || s || E'\n'),
    ('trailing CRLF',            h || '.' || p || '.' || s || E'\r\n'),
    ('TAB inside the header',    left(h, 8) || E'\t' || substr(h, 9) || '.' || p || '.' || s),
    ('space before the payload', h || '. ' || p || '.' || s),
    ('LF inside the payload',    h || '.' || left(p, 4) || E'\n' || substr(p, 5) || '.' || s),
    ('CR inside the signature',  h || '.' || p || '.' || left(s, 10) || E'\r' || substr(s, 11)),
    ('space before a period',    h || ' .' || p || '.' || s)
  ) AS c(name, token);

-- A.10 characters outside the alphabet, replacing one character of a segment
-- (each keeps the length a multiple of 4, so only the character is wrong)
SELECT c.ch, seg.name AS segment,
       t.outcome(format('SELECT jwt.verify(%L, %L::bytea)',
                        CASE seg.name
                          WHEN 'header' THEN overlay(h placing c.ch from 5 for 1) || '.' || p || '.' || s
                          WHEN 'payload' THEN h || '.' || overlay(p placing c.ch from 5 for 1) || '.' || s
                          ELSE h || '.' || p || '.' || overlay(s placing c.ch from 5 for 1)
                        END, :'k32')) AS outcome
  FROM b64_parts,
       (VALUES ('?'), ('!'), ('%'), ('{'), ('}'), ('"'), ('\'), ('é'), ('*'), ('~')) AS c(ch),
       (VALUES ('header'), ('payload'), ('signature')) AS seg(name)
 ORDER BY seg.name, c.ch COLLATE "C";

-- A.11 a length with remainder 1 mod 4 cannot encode whole bytes, even when
-- every character is in the alphabet
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea)', c.token, :'k32')) AS outcome
  FROM b64_parts, LATERAL (VALUES
    ('header of 21 characters',    h || 'A' || '.' || p || '.' || s),
    ('header of 1 character',      'e' || '.' || p || '.' || s),
    ('payload of 21 characters',   h || '.' || p || 'A' || '.' || s),
    ('signature of 41 characters', h || '.' || p || '.' || left(s, 41)),
    ('signature of 45 characters', h || '.' || p || '.' || s || 'AA')
  ) AS c(name, token);

-- A.12 non-canonical final character: the unused low bits of the last
-- character must be zero.  Each mutated spelling decodes, in a lenient
-- decoder, to exactly the canonical bytes (the MAC would still match), so
-- accepting it would give one token two spellings.  Segments are chosen so
-- that each has unused bits: 31 characters (2 unused bits), 30 characters
-- (4 unused bits), and the 43-character HS256 / 86-character HS512 MACs.
CREATE TEMP TABLE b64_odd AS
SELECT t.b64url('{"alg":"HS256","x":"a"}') AS h3,   -- 23 bytes: 31 characters
       t.b64url('{"alg":"HS256","x":""}') AS h2,    -- 22 bytes: 30 characters
       t.b64url('{"sub":"alice!!"}') AS p3,         -- 17 bytes: 23 characters
       t.b64url('{"sub":"alice!"}') AS p2;          -- 16 bytes: 22 characters
-- next character of the alphabet: same high bits, one unused bit set
CREATE FUNCTION pg_temp.bump(s text) RETURNS text LANGUAGE sql AS $$
  SELECT left(s, -1) || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
                               strpos('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
                                      right(s, 1)) + 1, 1) $$;
SELECT length(h3) AS h3, length(h2) AS h2, length(p3) AS p3, length(p2) AS p2,
       right(h3, 1) AS h3_last, pg_temp.bump(right(h3, 1)) AS h3_bumped,
       right(p2, 1) AS p2_last, pg_temp.bump(right(p2, 1)) AS p2_bumped
  FROM b64_odd;
-- controls: the canonical spellings verify
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)', c.token, c.key, c.alg)) AS outcome
  FROM b64_odd, LATERAL (VALUES
    ('canonical header (31)',  t.forge('{"alg":"HS256","x":"a"}', '{"sub":"alice"}', :'k32'), :'k32', 'HS256'),
    ('canonical header (30)',  t.forge('{"alg":"HS256","x":""}', '{"sub":"alice"}', :'k32'), :'k32', 'HS256'),
    ('canonical payload (23)', t.forge('{"alg":"HS256"}', '{"sub":"alice!!"}', :'k32'), :'k32', 'HS256'),
    ('canonical payload (22)', t.forge('{"alg":"HS256"}', '{"sub":"alice!"}', :'k32'), :'k32', 'HS256'),
    ('canonical HS512 MAC',    t.forge('{"alg":"HS512"}', '{"sub":"alice"}', (:'k32' || :'k32')::bytea, 'sha512'),
                               :'k32' || :'k32', 'HS512')
  ) AS c(name, token, key, alg);
-- the mutations: header, payload and signature, each with 2 and 4 unused bits
SELECT c.name, t.outcome(format('SELECT jwt.verify(%L, %L::bytea, %L)', c.token, c.key, c.alg)) AS outcome
  FROM b64_odd, LATERAL (VALUES
    ('header, 2 unused bits',
       pg_temp.bump(h3) || '.' || t.b64url('{"sub":"alice"}') || '.' || t.mac(h3 || '.' || t.b64url('{"sub":"alice"}'), :'k32'),
       :'k32', 'HS256'),
    ('header, 4 unused bits',
       pg_temp.bump(h2) || '.' || t.b64url('{"sub":"alice"}') || '.' || t.mac(h2 || '.' || t.b64url('{"sub":"alice"}'), :'k32'),
       :'k32', 'HS256'),
    ('payload, 2 unused bits',
       t.b64url('{"alg":"HS256"}') || '.' || pg_temp.bump(p3) || '.' || t.mac(t.b64url('{"alg":"HS256"}') || '.' || p3, :'k32'),
       :'k32', 'HS256'),
    ('payload, 4 unused bits',
       t.b64url('{"alg":"HS256"}') || '.' || pg_temp.bump(p2) || '.' || t.mac(t.b64url('{"alg":"HS256"}') || '.' || p2, :'k32'),
       :'k32', 'HS256'),
    ('HS256 signature, 2 unused bits',
       pg_temp.bump(t.forge('{"alg":"HS256"}', '{"sub":"alice"}', :'k32')),
       :'k32', 'HS256'),
    ('HS512 signature, 4 unused bits',
       pg_temp.bump(t.forge('{"alg":"HS512"}', '{"sub":"alice"}', (:'k32' || :'k32')::bytea, 'sha512')),
       :'k32' || :'k32', 'HS512')
  ) AS c(name, token, key, alg);
-- the same strictness applies to jwt.decode, which verifies nothing
SELECT t.outcome(format('SELECT jwt.decode(%L)', pg_temp.bump(t.forge('{"alg":"HS256"}', '{"sub":"alice"}', :'k32'))));
SELECT t.outcome(format('SELECT jwt.decode(%L)', 'eyJhbGciOiJIUzI1NiJ9.e30=.'));

-- the error is raised as such (not only through t.outcome): message and detail
SELECT jwt.verify('eyJhbGciOiJIUzI1NiJ9.e30.AAAA=', :'k32'::bytea);
