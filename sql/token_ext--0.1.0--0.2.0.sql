/* token_ext--0.1.0--0.2.0.sql: upgrade of token_ext from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION token_ext UPDATE TO '0.2.0'" to load this file. \quit

-- Every change made to token_ext--0.2.0.sql since 0.1.0, in the same order,
-- so that an upgraded database matches a fresh 0.2.0 install.
