/* token_ext_supabase--0.2.0.sql: Supabase-compatible helpers over token_ext */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION token_ext_supabase" to load this file. \quit

-- Refuse a schema that another role prepared (security review, finding 1).
-- CREATE EXTENSION installs into an existing schema of the control file's
-- name; if a role that may create schemas made it first, it would own the
-- extension's objects' home, and could later rename it, plant look-alike
-- objects in it, or add overloads that calls resolve to.  So the schema
-- must belong to the installing role (or a superuser), nobody else may
-- create objects in it, and nothing in it may belong to another role.
DO $guard$
DECLARE
    nsp oid := '@extschema@'::pg_catalog.regnamespace;
    installer oid := (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user);
    owner oid := (SELECT nspowner FROM pg_catalog.pg_namespace WHERE oid = nsp);
    trusted oid[] := ARRAY(SELECT oid FROM pg_catalog.pg_roles WHERE rolsuper OR oid = installer);
    creator oid;
    stranger oid;
BEGIN
    SELECT a.grantee INTO creator
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid = nsp AND a.privilege_type = 'CREATE' AND a.grantee <> ALL (trusted)
     LIMIT 1;
    SELECT o INTO stranger FROM (
        SELECT relowner FROM pg_catalog.pg_class WHERE relnamespace = nsp
        UNION ALL SELECT proowner FROM pg_catalog.pg_proc WHERE pronamespace = nsp
        UNION ALL SELECT typowner FROM pg_catalog.pg_type WHERE typnamespace = nsp
        UNION ALL SELECT oprowner FROM pg_catalog.pg_operator WHERE oprnamespace = nsp
    ) objects(o) WHERE o <> ALL (trusted) LIMIT 1;
    IF owner <> ALL (trusted) OR creator IS NOT NULL OR stranger IS NOT NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = pg_catalog.format('schema "%s" is controlled by another role', '@extschema@'),
            DETAIL = CASE
                WHEN owner <> ALL (trusted) THEN pg_catalog.format(
                    'The schema belongs to role "%s", not to the installing role "%s" or a superuser.',
                    pg_catalog.pg_get_userbyid(owner), current_user)
                WHEN creator IS NOT NULL THEN pg_catalog.format(
                    'Role %s may create objects in the schema.',
                    CASE creator WHEN 0 THEN 'PUBLIC' ELSE '"' || pg_catalog.pg_get_userbyid(creator) || '"' END)
                ELSE pg_catalog.format('The schema holds objects of role "%s".', pg_catalog.pg_get_userbyid(stranger)) END,
            HINT = pg_catalog.format(
                'Drop or rename schema "%s" (or, after checking its contents, make the installing role its only owner and creator), then try again.',
                '@extschema@');
    END IF;
END
$guard$;

-- Policies written for Supabase (USING (auth.uid() = owner)) keep working,
-- reading claims that token_ext verified instead of request.jwt.claims.
-- Plain SQL wrappers: the planner inlines them, so a policy costs the same
-- as calling jwt.uid() directly.

CREATE FUNCTION uid()
RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS 'SELECT jwt.uid()';

COMMENT ON FUNCTION uid() IS
'the verified "sub" claim as a uuid (token_ext''s jwt.uid())';

CREATE FUNCTION role()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS 'SELECT jwt.role()';

COMMENT ON FUNCTION role() IS
'the verified role claim (token_ext''s jwt.role())';

CREATE FUNCTION jwt()
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS 'SELECT jwt.claims()';

COMMENT ON FUNCTION jwt() IS
'the verified claims (token_ext''s jwt.claims())';

CREATE FUNCTION email()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$SELECT jwt.claim('email')$$;

COMMENT ON FUNCTION email() IS
'the verified "email" claim';

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
