-- forge.sql: a non-superuser who connects directly to a worker (or who
-- sets settings on the coordinator that Citus propagates) never gets claims
-- it could not get by authenticating a valid token, and a stale token
-- replayed there gives no claims.
--
-- Whatever setting the mechanism uses to carry claims to the workers is
-- tried generically: every token_ext.* setting the worker lists, the names a
-- mechanism would plausibly use (token_ext.forwarded_claims, ...), and the
-- settings PostgREST uses (request.jwt.claims, ...), each with forged claims
-- JSON, a token with a bad signature, an expired token and an alg "none"
-- token of alice (who owns 500 notes), set with SET, SET LOCAL and
-- set_config (session and local).  After each attempt the session must have
-- no claims (jwt.claims() IS NULL) and see no note.  An attempt the server
-- refuses is fine; the attempts that were accepted are counted in the detail.
-- tests: 12
\ir tokens.psql
\connect 'service=worker1 user=citus_app'

SELECT tap(jwt.claims() IS NULL AND count(*) = 0,
           'worker1 directly, as citus_app: no claims and no note to begin with',
           format('claims %s, %s rows', coalesce(jwt.claims()::text, 'NULL'), count(*)))
  FROM notes;

\ir forge_attempts.psql
SELECT tap(count(DISTINCT name) >= 16, 'the attempts cover at least 16 setting names',
           format('%s names: %s', count(DISTINCT name), string_agg(DISTINCT name, ', ')))
  FROM forge_attempt;
\set methods 'SET,SET LOCAL,set_config session,set_config local'
\ir forge_run.psql

SELECT tap(count(*) FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0) = 0,
           'worker1: no setting set with ' || h || ' gives claims or notes, on any node',
           format('%s of %s accepted attempts gave claims or notes: %s',
                  count(*) FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0), count(l.name),
                  string_agg(name || ' (' || kind || ')', ', ') FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0)))
  FROM (VALUES ('SET'), ('SET LOCAL'), ('set_config session'), ('set_config local')) m(h)
  LEFT JOIN forge_log l ON l.how = m.h
 GROUP BY h ORDER BY h;
SELECT '# worker1: accepted attempts per method (the others were refused): '
       || string_agg(h || ' ' || n, ', ' ORDER BY h)
  FROM (SELECT how AS h, count(*) AS n FROM forge_log GROUP BY how) t;

-- a stale (expired) token and a forged one, authenticated on the worker
\set tok :alice_expired
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000' AND jwt.claims() IS NULL AND count(*) = 0,
           'worker1: jwt.authenticate of alice''s expired token fails and leaves no claims',
           format('SQLSTATE %s, %s rows', :'st', count(*)))
  FROM notes;
\set tok :alice_forged
\ir auth_attempt.psql
SELECT tap(:'st' <> '00000' AND jwt.claims() IS NULL AND count(*) = 0,
           'worker1: jwt.authenticate of a token with a bad signature fails and leaves no claims',
           format('SQLSTATE %s, %s rows', :'st', count(*)))
  FROM notes;

-- the settings of the role, and the connection's startup options
ALTER ROLE citus_app SET token_ext.claims = '{"sub":"x"}';
\set st :SQLSTATE
SELECT tap(:'st' = '42501', 'worker1: ALTER ROLE citus_app SET token_ext.claims by itself is refused (42501)',
           'SQLSTATE ' || :'st');
\setenv FORGED_CLAIMS :alice_uid
\! out=$(PGOPTIONS="-c token_ext.claims={\"sub\":\"$FORGED_CLAIMS\"}" psql -X -At -d 'service=worker1 user=citus_app' -c 'SELECT count(*) FROM notes' 2>&1); case "$out" in *'permission denied to set parameter "token_ext.claims"'*) echo "ok - worker1: token_ext.claims as a startup option of citus_app is refused";; *) echo "not ok - worker1: token_ext.claims as a startup option of citus_app is refused: $out";; esac

-- the same attempts on the coordinator, where Citus propagates SET LOCAL to the workers
\connect 'service=coord user=citus_app options=-ccitus.propagate_set_commands=local'
\ir forge_attempts.psql
\set methods 'SET LOCAL'
\ir forge_run.psql
SELECT tap(count(*) FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0) = 0,
           'coordinator with citus.propagate_set_commands = local: no propagated SET LOCAL gives claims or notes on any node',
           format('%s of %s accepted attempts gave claims or notes: %s',
                  count(*) FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0), count(*),
                  string_agg(name || ' (' || kind || ')', ', ') FILTER (WHERE claims IS NOT NULL OR seen <> 0 OR worker_subs <> 0)))
  FROM forge_log;
SELECT '# coordinator: ' || count(*) || ' accepted SET LOCAL attempts (the others were refused)' FROM forge_log;

-- the Citus transaction identity is no proof: any role can claim one on a worker
\connect 'service=worker1 user=citus_app'
BEGIN;
SELECT assign_distributed_transaction_id(0, 4242, now()) AS assigned \gset
SELECT '# worker1: citus_app assigned itself distributed transaction number ' || transaction_number
       || ' (Citus does not authenticate it)'
  FROM get_current_transaction_id();
SELECT tap(jwt.claims() IS NULL AND count(*) = 0,
           'worker1: posing as a Citus distributed transaction gives no claims and no note',
           format('claims %s, %s rows', coalesce(jwt.claims()::text, 'NULL'), count(*)))
  FROM notes;
COMMIT;
