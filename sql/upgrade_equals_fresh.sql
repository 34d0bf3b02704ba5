--
-- upgrade_equals_fresh: ALTER EXTENSION token_ext UPDATE from 0.1.0 gives
-- what CREATE EXTENSION token_ext gives.  Runs last: it drops and
-- recreates the extension.
--
\set VERBOSITY default
CREATE FUNCTION idp_snapshot() RETURNS TABLE (item text)
LANGUAGE sql STABLE
AS $$
  SELECT pg_describe_object(d.classid, d.objid, 0) || ' ' ||
         coalesce((SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.oid = d.objid AND d.classid = 'pg_proc'::regclass AND p.prokind <> 'a'), '') || ' ' ||
         coalesce(CASE WHEN d.classid = 'pg_proc'::regclass THEN (SELECT proacl::text FROM pg_proc WHERE oid = d.objid) END, '')
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
   WHERE e.extname = 'token_ext' AND d.deptype = 'e'
  UNION ALL
  SELECT format('%s.%s %s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid), a.attnum)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
   WHERE c.relnamespace = 'jwt'::regnamespace AND c.relkind = 'r'
  UNION ALL
  SELECT format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'jwt'::regnamespace
  UNION ALL
  SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'jwt'::regnamespace)
  UNION ALL
  SELECT format('%s %s %s', tgrelid::regclass, pg_get_triggerdef(oid), tgenabled)
    FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'jwt'::regnamespace)
  UNION ALL
  SELECT format('%s %s %s %s', relname, relacl, relrowsecurity, obj_description(oid, 'pg_class'))
    FROM pg_class WHERE relnamespace = 'jwt'::regnamespace
  UNION ALL
  SELECT format('comment %s %s', p.oid::regprocedure, obj_description(p.oid, 'pg_proc'))
    FROM pg_proc p WHERE p.pronamespace = 'jwt'::regnamespace
  UNION ALL
  SELECT format('config %s %s', c.relname, x.extcondition)
    FROM pg_extension x, unnest(x.extconfig) WITH ORDINALITY cfg(oid, n) JOIN pg_class c ON c.oid = cfg.oid
   WHERE x.extname = 'token_ext'
$$;
DROP EXTENSION token_ext CASCADE;
CREATE EXTENSION token_ext VERSION '0.1.0';
ALTER EXTENSION token_ext UPDATE TO '0.2.0';
CREATE TEMP TABLE idp_upgraded AS SELECT * FROM idp_snapshot();
DROP EXTENSION token_ext CASCADE;
CREATE EXTENSION token_ext;
CREATE TEMP TABLE idp_fresh AS SELECT * FROM idp_snapshot();
SELECT 'only upgraded' AS side, item FROM (SELECT * FROM idp_upgraded EXCEPT ALL SELECT * FROM idp_fresh) u
UNION ALL
SELECT 'only fresh', item FROM (SELECT * FROM idp_fresh EXCEPT ALL SELECT * FROM idp_upgraded) f;
SELECT count(*) > 100 AS snapshot_has_items FROM idp_fresh;
