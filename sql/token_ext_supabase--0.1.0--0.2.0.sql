/* token_ext_supabase--0.1.0--0.2.0.sql: upgrade of token_ext_supabase from 0.1.0 to 0.2.0 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION token_ext_supabase UPDATE TO '0.2.0'" to load this file. \quit

-- Every change made to token_ext_supabase--0.2.0.sql since 0.1.0, in the same order.
