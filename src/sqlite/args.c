/*-------------------------------------------------------------------------
 *
 * args.c
 *		Reading the TEXT, BLOB and JSON arguments of the SQL functions.
 *
 * Tokens and payloads are TEXT or BLOB bytes; claims, headers and options
 * are JSON text, read by the core's strict parser (no duplicate names, no
 * "\u0000", bounded depth), whose complaints are then the caller's:
 * "invalid argument", not "malformed JSON in token".
 *
 * src/sqlite/args.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdio.h>
#include <string.h>

/* The bytes of a TEXT or BLOB value; false for other types. */
bool
sq_value_bytes(sqlite3_value *v, const char **p, size_t *len)
{
	switch (sqlite3_value_type(v))
	{
		case SQLITE_TEXT:
			*p = (const char *) sqlite3_value_text(v);
			break;
		case SQLITE_BLOB:
			*p = sqlite3_value_blob(v);
			break;
		default:
			return false;
	}
	*len = (size_t) sqlite3_value_bytes(v);
	if (*p == NULL)
		*p = "";				/* an empty BLOB */
	return true;
}

/* The text (or bytes) of a TEXT or BLOB argument; other types are refused. */
jose_status
sq_text_argument(sqlite3_value *v, const char *what, const char **p, size_t *len,
				 jose_err *err)
{
	if (!sq_value_bytes(v, p, len))
		return jose_fail(err, JOSE_E_ARGUMENT, "The %s must be TEXT or a BLOB.", what);
	return JOSE_OK;
}

/* An optional TEXT or BLOB argument: *p NULL when absent or NULL, other types refused. */
jose_status
sq_optional_text(sqlite3_value *v, const char *what, const char **p, size_t *len,
				 jose_err *err)
{
	*p = NULL;
	*len = 0;
	if (v == NULL || sqlite3_value_type(v) == SQLITE_NULL)
		return JOSE_OK;
	return sq_text_argument(v, what, p, len, err);
}

/* Parse a JSON text argument (the claims, header or options) into doc, strictly. */
jose_status
sq_json_argument(sq_conn *c, sqlite3_value *v, const char *what, jose_json *doc,
				 jose_err *err)
{
	jose_limits l = sq_limits();
	jose_json_limits jl = {l.max_json_depth, l.max_json_values};
	char		name[32];
	const char *p;
	jose_status st;

	snprintf(name, sizeof(name), "%s argument", what);
	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return jose_fail(err, JOSE_E_ARGUMENT, "The %s must be JSON text.", name);
	p = (const char *) sqlite3_value_text(v);
	st = jose_json_parse(doc, p ? p : "", (size_t) sqlite3_value_bytes(v), &jl, name, err);

	/* the core calls bad JSON "malformed JSON in token"; here it is the caller's */
	if (st == JOSE_E_JSON)
		err->status = st = JOSE_E_ARGUMENT;
	return st;
}

/* An optional header argument (JSON object text, checked strictly); *header NULL when absent. */
jose_status
sq_header_argument(sq_conn *c, sqlite3_value *v, const char **header, size_t *len,
				   jose_err *err)
{
	jose_status st;

	*header = NULL;
	*len = 0;
	if (v == NULL || sqlite3_value_type(v) == SQLITE_NULL)
		return JOSE_OK;

	/* checked here, so that a bad header is reported as the caller's mistake */
	if ((st = sq_json_argument(c, v, "header", &c->opts, err)) != JOSE_OK)
		return st;
	*header = (const char *) sqlite3_value_text(v);
	*len = (size_t) sqlite3_value_bytes(v);
	return JOSE_OK;
}

/*
 * The arguments of a verifying function: the token (argument 0), the key
 * (argument 1) and the options (argument opts_argno, when there is one).
 */
jose_status
sq_token_arguments(sqlite3_context *ctx, int argc, sqlite3_value **argv, int opts_argno,
				   unsigned allowed, const char *fn, jose_keyset **keys, sq_options *o,
				   const char **token, size_t *len, jose_err *err)
{
	jose_status st;

	if ((st = sq_key_argument(ctx, argv, 1, keys, err)) != JOSE_OK ||
		(st = sq_read_options(ctx, argc, argv, opts_argno, allowed, fn, o, err)) != JOSE_OK)
		return st;
	return sq_text_argument(argv[0], "token", token, len, err);
}

/* The JWS algorithm argument of a signing function (NULL: the key's). */
jose_status
sq_sign_alg_argument(sqlite3_value *v, jose_alg *alg, jose_err *err)
{
	const char *name;
	size_t		len;
	jose_status st;

	*alg = JOSE_ALG_UNKNOWN;
	if ((st = sq_optional_text(v, "algorithm", &name, &len, err)) != JOSE_OK || name == NULL)
		return st;
	return jose_sign_alg_parse(name, len, alg, err);
}
