--
-- The upgrade path: a database on 0.1.0, with keys in its keyring, updated
-- with ALTER EXTENSION ... UPDATE, has the catalog of a fresh install of
-- the current version, and keeps its keys.  The comparison covers every
-- object of the extensions: functions (signature, argument names and
-- defaults, result, volatility, strictness, parallel label, security,
-- body, grants, comment), aggregates, tables (columns, defaults,
-- constraints, indexes, triggers and whether they fire always, row-level
-- security, policies, grants, comment, pg_dump configuration), and the
-- schemas' grants.  Each row below is an object that differs; there must
-- be none.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
DROP DATABASE IF EXISTS regress_upgrade_old;
DROP DATABASE IF EXISTS regress_upgrade_new;
CREATE DATABASE regress_upgrade_old;
CREATE DATABASE regress_upgrade_new;
SELECT format('dbname=regress_upgrade_old port=%s host=%s', current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS old_db,
       format('dbname=regress_upgrade_new port=%s host=%s', current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS new_db \gset

-- 0.1.0, with keys of several kinds, then the update
SELECT dblink_exec(:'old_db', $$
  CREATE EXTENSION token_ext VERSION '0.1.0';
  CREATE EXTENSION token_ext_supabase VERSION '0.1.0';
  INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before, not_after) VALUES
    ('up-hs', '{sign,verify}', 'HS256', '{"kty":"oct","k":"dXBncmFkZS10ZXN0LXNlY3JldC1vZi0zMi1ieXRlcyEh"}', '2020-01-01', NULL),
    ('up-ed', '{sign,verify}', NULL, jwt.generate_key('EdDSA'), '2020-01-01', '2030-01-01'),
    ('up-rsa', '{decrypt}', 'RSA-OAEP-256', jwt.generate_key('RSA-OAEP-256'), '2021-06-01', NULL);
  CREATE TABLE keys_before AS SELECT kid, purposes, alg, key - 'kid' AS key, not_before, not_after, created_at
                                FROM jwt.keyring;
$$) AS installed_0_1_0;
-- before the update, the database keeps working with the new library: its
-- keyring (without the columns 0.2.0 adds) and no revocation store yet
SELECT * FROM dblink(:'old_db', $$
  SELECT jwt.authenticate(jwt.sign('{"sub":"00000000-0000-0000-0000-0000000000f0"}', kid => 'up-hs'))->>'sub' $$)
  AS t(sub_before_update text);
SELECT dblink_exec(:'old_db', 'ALTER EXTENSION token_ext UPDATE') AS updated;
SELECT dblink_exec(:'old_db', 'ALTER EXTENSION token_ext_supabase UPDATE') AS updated_supabase;
SELECT dblink_exec(:'new_db', 'CREATE EXTENSION token_ext; CREATE EXTENSION token_ext_supabase') AS installed_fresh;

SELECT extname, extversion FROM dblink(:'old_db', 'SELECT extname, extversion FROM pg_extension ORDER BY 1')
  AS t(extname name, extversion text) WHERE extname LIKE 'token_ext%';

-- One line per object of the extensions, with everything that defines it.
SELECT $q$
WITH members AS (
  SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
   WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname LIKE 'token_ext%'
)
SELECT 'function ' || p.oid::regprocedure::text,
       concat_ws(' | ', pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),
                 p.prokind, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef, p.proleakproof,
                 p.proconfig::text, l.lanname, p.probin,
                 CASE WHEN l.lanname = 'c' THEN p.prosrc ELSE md5(p.prosrc) END,
                 coalesce(pg_get_function_sqlbody(p.oid), ''), p.proacl::text,
                 obj_description(p.oid, 'pg_proc'),
                 (SELECT concat_ws(',', a.aggtransfn, a.aggfinalfn, a.aggtranstype::regtype)
                    FROM pg_aggregate a WHERE a.aggfnoid = p.oid))
  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
  JOIN pg_language l ON l.oid = p.prolang
UNION ALL
SELECT 'table ' || c.oid::regclass::text,
       concat_ws(' | ', c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
                 obj_description(c.oid, 'pg_class'),
                 (SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod),
                                              a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid)), ', ' ORDER BY a.attnum)
                    FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                 (SELECT string_agg(pg_get_constraintdef(k.oid), ', ' ORDER BY pg_get_constraintdef(k.oid))
                    FROM pg_constraint k WHERE k.conrelid = c.oid),
                 (SELECT string_agg(regexp_replace(pg_get_indexdef(i.indexrelid), ' INDEX \S+ ', ' INDEX '), ', '
                                    ORDER BY pg_get_indexdef(i.indexrelid))
                    FROM pg_index i WHERE i.indrelid = c.oid),
                 (SELECT string_agg(pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text, ', ' ORDER BY t.tgname)
                    FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                 (SELECT string_agg(concat_ws(' ', p.polname, p.polcmd, p.polpermissive, p.polroles::regrole[]::text,
                                              pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)),
                                    ', ' ORDER BY p.polname)
                    FROM pg_policy p WHERE p.polrelid = c.oid),
                 (SELECT array_position(e.extconfig, c.oid)::text || ' ' || coalesce(e.extcondition[array_position(e.extconfig, c.oid)], '')
                    FROM pg_extension e WHERE c.oid = ANY (e.extconfig)))
  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
UNION ALL
SELECT 'object ' || pg_describe_object(m.classid, m.objid, 0), ''
  FROM members m WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass)
UNION ALL
SELECT 'schema ' || n.nspname, concat_ws(' | ', pg_get_userbyid(n.nspowner), n.nspacl::text)
  FROM pg_namespace n WHERE n.nspname IN ('jwt', 'auth')
$q$ AS describe \gset

CREATE TEMP TABLE old_catalog AS SELECT * FROM dblink(:'old_db', :'describe') AS t(object text, definition text);
CREATE TEMP TABLE new_catalog AS SELECT * FROM dblink(:'new_db', :'describe') AS t(object text, definition text);

-- the comparison is not vacuous: the objects of each kind
SELECT split_part(object, ' ', 1) AS kind, count(*) FROM new_catalog GROUP BY 1 ORDER BY 1;

-- objects that differ, or exist on one side only (none)
SELECT 'only after the update' AS side, * FROM (SELECT * FROM old_catalog EXCEPT SELECT * FROM new_catalog) d
UNION ALL
SELECT 'only in a fresh install', * FROM (SELECT * FROM new_catalog EXCEPT SELECT * FROM old_catalog) d
ORDER BY 2, 1;

-- the keys survived, each unchanged but for its stored kid, which is now the row's
SELECT * FROM dblink(:'old_db', $$
  SELECT b.kid, k.kid IS NOT NULL AS kept,
         k.purposes = b.purposes AND k.alg IS NOT DISTINCT FROM b.alg AND k.key - 'kid' = b.key
           AND k.not_before = b.not_before AND k.not_after IS NOT DISTINCT FROM b.not_after
           AND k.created_at = b.created_at AS unchanged,
         k.key->>'kid' = k.kid AS stored_kid_is_the_rows
    FROM keys_before b LEFT JOIN jwt.keyring k USING (kid) ORDER BY b.kid $$)
  AS t(kid text, kept boolean, unchanged boolean, stored_kid_is_the_rows boolean);

-- and they work: a token signed by kid on the updated database authenticates there
SELECT * FROM dblink(:'old_db', $$
  SELECT jwt.authenticate(jwt.sign('{"sub":"00000000-0000-0000-0000-0000000000f1"}', kid => 'up-ed'))->>'sub' $$)
  AS t(sub text);

DROP DATABASE regress_upgrade_old;
DROP DATABASE regress_upgrade_new;
