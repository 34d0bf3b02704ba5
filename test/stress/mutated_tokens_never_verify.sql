-- mutated_tokens_never_verify.sql: no damaged token verifies or crashes.
--
-- A JWS verifier must reject any change to the token: a truncation (a
-- signature that lost characters, a missing segment) or a changed
-- character anywhere (header, payload, signature, a separator), including
-- a change of the unused low bits of a segment's last character, which a
-- lenient base64url decoder ignores (security.md: non-canonical encodings
-- are E-FORMAT).  This takes one valid HS256 token and checks that each of
-- its proper prefixes and each single-character substitution (base64url
-- characters, '.', and some outside the alphabet: several thousand
-- variants) makes jwt.verify raise, never with an internal error (XX000),
-- that jwt.try_verify calls none of them valid, that jwt.decode survives
-- them all, and that the backend stays up throughout.

SELECT pg_backend_pid() AS start_pid \gset

SELECT tap(jwt.verify(fuzz_token(), stress_secret())
             = '{"sub":"8d3f6c2e-1b7a-4c1e-9f0a-2b5d7e9c1a34","role":"fuzz","iat":1700000000}'::jsonb,
           'the unmutated token verifies (so the mutations below are what fails)');

SELECT format('# %s variants of a %s-character token: %s prefixes, %s substitutions',
              count(*), length(fuzz_token()), count(*) FILTER (WHERE kind = 'prefix'),
              count(*) FILTER (WHERE kind = 'substitution'))
FROM fuzz_variant;

SELECT line
FROM run_fuzz_verify('prefix') r,
LATERAL unnest(ARRAY[
  '# prefixes, SQLSTATEs raised: ' || coalesce(r.states, 'none'),
  tap(r.variants = length(fuzz_token()) AND r.raised = r.variants AND r.internal = 0,
      format('each of the %s proper prefixes of the token fails jwt.verify, none with an internal error',
             r.variants),
      format('%s variants, %s raised, %s internal errors', r.variants, r.raised, r.internal))
]) WITH ORDINALITY AS u(line, n) ORDER BY n;

SELECT line
FROM run_fuzz_verify('substitution') r,
LATERAL unnest(ARRAY[
  '# substitutions, SQLSTATEs raised: ' || coalesce(r.states, 'none'),
  tap(r.variants = (SELECT count(*) FROM fuzz_variant WHERE kind = 'substitution')
      AND r.variants > 1000 AND r.raised = r.variants AND r.internal = 0,
      format('each of the %s single-character substitutions fails jwt.verify, none with an internal error',
             r.variants),
      format('%s variants, %s raised, %s internal errors; verified: %s', r.variants, r.raised,
             r.internal, (SELECT string_agg(quote_literal(f.token), ', ')
                          FROM fuzz_variant f, LATERAL jwt.try_verify(f.token, stress_secret()) t
                          WHERE f.kind = 'substitution' AND t.valid)))
]) WITH ORDINALITY AS u(line, n) ORDER BY n;

SELECT tap(count(*) FILTER (WHERE t.valid IS NOT FALSE OR t.error IS NULL) = 0,
           'jwt.try_verify calls none of the variants valid, and gives each an error',
           format('%s of %s variants valid or without an error: %s',
                  count(*) FILTER (WHERE t.valid IS NOT FALSE OR t.error IS NULL), count(*),
                  string_agg(quote_literal(f.token), ', ') FILTER (WHERE t.valid IS NOT FALSE)))
FROM fuzz_variant f, LATERAL jwt.try_verify(f.token, stress_secret()) t;

SELECT tap(d.internal = 0 AND d.variants = (SELECT count(*) FROM fuzz_variant),
           'jwt.decode of every variant returns or raises, never with an internal error',
           format('%s variants, %s raised, %s internal errors', d.variants, d.raised, d.internal))
FROM run_fuzz_decode() d;

SELECT tap(pg_backend_pid() = :start_pid, 'the backend stayed up (same pid throughout)',
           format('started in backend %s, ended in %s', :start_pid, pg_backend_pid()));
