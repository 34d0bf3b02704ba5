-- settings.sql: the policy settings of jwt.authenticate (token_ext.audience,
-- .issuer, .leeway, .algorithms, .role_claim) differing between the
-- coordinator and a worker is detected and reported (an error naming the
-- setting), or the coordinator's settings are carried over (the caller gets
-- exactly the rows it gets when they agree); never a silent other result.
-- token_ext does both: the coordinator alone verifies tokens, and the
-- claims it forwards carry the role-claim path and leeway it used, so the
-- workers' own values do not count; and jwt.citus_status() (superuser)
-- names every token_ext.* setting in which a worker differs.
-- The difference is made with ALTER SYSTEM on worker1 only (Citus does not
-- propagate it), and undone after each case.  Settings made with ALTER
-- DATABASE or ALTER ROLE ... SET on the coordinator are propagated by Citus.
-- tests: 7
\ir tokens.psql

-- audience
\! bash node_setting.sh worker1 token_ext.audience citus-other-audience
\set tok :alice
\set want 500
\set setting token_ext.audience
\set what 'token_ext.audience differing on worker1: carried over (alice still sees exactly her 500 notes) and reported by jwt.citus_status()'
\ir setting_case.psql
\! bash node_setting.sh worker1 token_ext.audience --reset ''

-- issuer
\! bash node_setting.sh worker1 token_ext.issuer https://issuer.invalid
\set tok :alice
\set want 500
\set setting token_ext.issuer
\set what 'token_ext.issuer differing on worker1: carried over (alice still sees exactly her 500 notes) and reported by jwt.citus_status()'
\ir setting_case.psql
\! bash node_setting.sh worker1 token_ext.issuer --reset ''

-- leeway: 30 s on the coordinator, 0 on worker1, and a token that expired 10 s ago
\! bash node_setting.sh worker1 token_ext.leeway 0
-- alice's token that expired 10 s ago: accepted under the coordinator's leeway of 30 s
SELECT hs256_token('citus-1', json_build_object('sub', :'alice_uid', 'name', 'alice', 'role', 'authenticated',
                                                'exp', extract(epoch FROM now())::bigint - 10)::text,
                   citus_secret(1)) AS alice_grace \gset
\set tok :alice_grace
\set want 500
\set setting token_ext.leeway
\set what 'token_ext.leeway differing on worker1: carried over (alice, token 10 s past exp, still sees her 500 notes) and reported by jwt.citus_status()'
\ir setting_case.psql
\! bash node_setting.sh worker1 token_ext.leeway --reset 30s

-- algorithms: HS256 tokens, ES256 only on worker1
\! bash node_setting.sh worker1 token_ext.algorithms ES256
\set tok :alice
\set want 500
\set setting token_ext.algorithms
\set what 'token_ext.algorithms differing on worker1: carried over (alice still sees exactly her 500 notes) and reported by jwt.citus_status()'
\ir setting_case.psql
\! bash node_setting.sh worker1 token_ext.algorithms --reset ''

-- role_claim: the auditor's role claim is what opens all 1,000 notes
\! bash node_setting.sh worker1 token_ext.role_claim .no_such_claim
\set tok :auditor
\set want 1000
\set setting token_ext.role_claim
\set what 'token_ext.role_claim differing on worker1: carried over (the auditor still sees all 1,000 notes) and reported by jwt.citus_status()'
\ir setting_case.psql
\! bash node_setting.sh worker1 token_ext.role_claim --reset .role

-- ALTER DATABASE and ALTER ROLE ... SET on the coordinator reach every worker
\! psql -X -q -d 'service=coord user=postgres' -c "ALTER DATABASE $DB SET token_ext.issuer = 'https://db.example'" -c "ALTER ROLE citus_app SET token_ext.audience = 'role-aud'"
\connect 'service=worker1 user=citus_app'
SELECT current_setting('token_ext.issuer') AS w1_issuer, current_setting('token_ext.audience') AS w1_audience \gset
\connect 'service=worker2 user=citus_app'
SELECT tap(:'w1_issuer' = 'https://db.example' AND current_setting('token_ext.issuer') = 'https://db.example',
           'ALTER DATABASE ... SET token_ext.issuer on the coordinator is propagated to both workers',
           :'w1_issuer' || ', ' || current_setting('token_ext.issuer'));
SELECT tap(:'w1_audience' = 'role-aud' AND current_setting('token_ext.audience') = 'role-aud',
           'ALTER ROLE ... SET token_ext.audience on the coordinator is propagated to both workers',
           :'w1_audience' || ', ' || current_setting('token_ext.audience'));
\! psql -X -q -d 'service=coord user=postgres' -c "ALTER DATABASE $DB RESET token_ext.issuer" -c "ALTER ROLE citus_app RESET token_ext.audience"
