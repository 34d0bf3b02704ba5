/* token_ext_supabase--0.2.0.sql: Supabase-compatible helpers over token_ext */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION token_ext_supabase" to load this file. \quit

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
