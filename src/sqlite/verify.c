/*-------------------------------------------------------------------------
 *
 * verify.c
 *		SQL functions that check or show a JWS: jwt_verify, jwt_try_verify,
 *		jwt_decode.
 *
 * src/sqlite/verify.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

/* The options jwt_verify and jwt_try_verify take. */
#define VERIFY_OPTIONS (SQ_OPT_CLAIMS | SQ_OPT_TYP | SQ_OPT_ALG_JWS)

/*
 * Verify the token at argument 0 with the key at 1 and the options at 2,
 * as a JWT; on success the claims are in the workspace.  *callers says
 * whether a failure is the caller's mistake (a bad key or option), which
 * jwt_try_verify raises too.
 */
static jose_status
verify_claims(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *fn,
			  bool *callers, jose_err *err)
{
	jose_keyset *keys;
	sq_options	o;
	sq_policy	p = {SQ_KIND_JWS, false, false, &o};
	const char *token;
	size_t		len;
	jose_status st;

	*callers = true;
	jose_err_clear(err);
	if ((st = sq_token_arguments(ctx, argc, argv, 2, VERIFY_OPTIONS, fn, &keys, &o, &token,
								 &len, err)) != JOSE_OK)
		return st;
	st = sq_verify_token(sqlite3_user_data(ctx), token, len, keys, NULL, &p, err);

	/* an unusable key (too short for the algorithm, use/key_ops) is the caller's too */
	*callers = st == JOSE_E_KEY;
	return st;
}

/* SQL function: jwt_verify(token, key [, options_json]) returns the claims (JSON text) */
void
sq_jwt_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sqlite3_user_data(ctx);
	jose_err	err;
	bool		callers;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	if (verify_claims(ctx, argc, argv, "jwt_verify", &callers, &err) != JOSE_OK)
		sq_error(ctx, &err);
	else
		sq_result_claims(ctx, c);
}

/* SQL function: jwt_try_verify(token, key [, options_json]) returns the claims, or NULL */
void
sq_jwt_try_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sqlite3_user_data(ctx);
	jose_err	err;
	bool		callers;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	if (verify_claims(ctx, argc, argv, "jwt_try_verify", &callers, &err) == JOSE_OK)
		sq_result_claims(ctx, c);
	else if (callers)
		sq_error(ctx, &err);
}

/* SQL function: jwt_decode(token) returns {"header":...,"payload":...}, verifying NOTHING */
void
sq_jwt_decode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sqlite3_user_data(ctx);
	jose_workspace *ws = &c->ws;
	jose_limits limits = sq_limits();
	const char *token;
	size_t		len;
	jose_jws	jws;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_text_argument(argv[0], "token", &token, &len, &err) != JOSE_OK ||
		jose_jws_parse(ws, token, len, &limits, true, &jws, &err) != JOSE_OK ||
		jose_jws_parse_claims(ws, &jws, &limits, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_buf_reset(&ws->aux);
	jose_buf_puts(&ws->aux, "{\"header\":");
	jose_json_write_node(&ws->aux, &ws->header, 0);
	jose_buf_puts(&ws->aux, ",\"payload\":");
	jose_json_write_node(&ws->aux, &ws->claims, 0);
	jose_buf_putc(&ws->aux, '}');
	sq_result_json(ctx, &ws->aux);
}
