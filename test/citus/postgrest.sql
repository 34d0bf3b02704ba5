-- postgrest.sql: PostgREST on the coordinator with
-- db-pre-request = jwt.authenticate_request.  Each request is one
-- transaction, as PostgREST runs it: connected as citus_authenticator, it
-- sets request.headers with set_config(..., true), calls the pre-request
-- function (which verifies the bearer token and switches to the role of
-- its role claim, citus_web), then runs the RLS-filtered query.  The
-- result must be the caller's rows, as on one node.
-- tests: 12
\ir tokens.psql
\connect 'service=coord user=citus_authenticator'

-- alice's request
BEGIN;
SELECT set_config('request.method', 'GET', true), set_config('request.path', '/notes', true),
       set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'alice_web')::text, true)
  \gset
SELECT jwt.authenticate_request() AS pre_request \gset
SELECT tap(current_user = 'citus_web' AND jwt.uid() IS NOT DISTINCT FROM :'alice_uid',
           'PostgREST alice: the pre-request verified her token and switched to citus_web',
           current_user || ', uid ' || coalesce(jwt.uid()::text, 'NULL'));
SELECT tap(c = 500 AND s = 250500, 'PostgREST alice: a multi-shard read returns exactly her 500 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
WITH pgrst_source AS (SELECT notes.id, notes.body FROM notes WHERE notes.id = 500)
SELECT tap(coalesce(json_agg(_postgrest_t)::text, '[]') = '[{"id":500,"body":"note 500"}]',
           'PostgREST alice: GET /notes?id=eq.500 (a router read) returns her note',
           coalesce(json_agg(_postgrest_t)::text, '[]'))
  FROM (SELECT * FROM pgrst_source) _postgrest_t;
WITH pgrst_source AS (SELECT notes.id FROM notes WHERE notes.id IN (1, 2, 3, 4))
SELECT tap(coalesce(json_agg(_postgrest_t.id ORDER BY _postgrest_t.id)::text, '[]') = '[2, 4]',
           'PostgREST alice: GET /notes?id=in.(1,2,3,4) returns only her notes 2 and 4',
           coalesce(json_agg(_postgrest_t.id ORDER BY _postgrest_t.id)::text, '[]'))
  FROM pgrst_source _postgrest_t;
WITH s AS MATERIALIZED (SELECT current_setting('port') AS port, current_user AS who, jwt.sub() AS sub
                          FROM claims_probe)
SELECT tap(count(*) FILTER (WHERE sub = :'alice_uid' AND who = 'citus_web') = 64,
           'PostgREST alice: the workers run the shard queries as citus_web with her claims',
           string_agg(DISTINCT port || ' as ' || who || ' sees sub ' || coalesce(sub, 'NULL'), '; '))
  FROM s;
COMMIT;

-- bob's request on the same connection
BEGIN;
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'bob_web')::text, true)
  \gset
SELECT jwt.authenticate_request() AS pre_request \gset
SELECT tap(c = 300 AND s = 149400, 'PostgREST bob (next request, same connection): exactly his 300 notes',
           format('%s rows, sum of ids %s', c, s))
  FROM (SELECT count(*) AS c, sum(id) AS s FROM notes) t;
COMMIT;

SELECT tap(current_user = 'citus_authenticator' AND jwt.claims() IS NULL,
           'PostgREST: after COMMIT the connection is citus_authenticator again, with no claims',
           current_user || ', claims ' || coalesce(jwt.claims()::text, 'NULL'));

-- an anonymous request: no token; PostgREST switches to its anonymous role itself
BEGIN;
SELECT set_config('request.headers', '{"accept":"application/json"}', true) \gset
SELECT jwt.authenticate_request() AS pre_request \gset
SELECT set_config('role', 'citus_web', true) \gset
SELECT tap(jwt.claims() IS NULL, 'PostgREST anonymous: no claims', coalesce(jwt.claims()::text, 'NULL'));
SELECT tap(count(*) = 0, 'PostgREST anonymous: no note on any node', format('%s rows', count(*)))
  FROM notes;
COMMIT;

-- a bad and an expired token: HTTP 401
BEGIN;
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'alice_forged')::text, true)
  \gset
SELECT jwt.authenticate_request();
\set st :SQLSTATE
ROLLBACK;
SELECT tap(:'st' = 'PT401', 'PostgREST: a token with a bad signature gives PT401 (HTTP 401)', :'st');
BEGIN;
SELECT set_config('request.headers', json_build_object('authorization', 'Bearer ' || :'alice_expired')::text, true)
  \gset
SELECT jwt.authenticate_request();
\set st :SQLSTATE
ROLLBACK;
SELECT tap(:'st' = 'PT401', 'PostgREST: an expired token gives PT401 (HTTP 401)', :'st');

-- after all that, nothing is left on the connection
BEGIN;
SELECT set_config('role', 'citus_web', true) \gset
SELECT tap(count(*) = 0, 'PostgREST: the next anonymous request on the connection sees no note',
           format('%s rows', count(*)))
  FROM notes;
COMMIT;
