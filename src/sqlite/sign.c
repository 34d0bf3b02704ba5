/*-------------------------------------------------------------------------
 *
 * sign.c
 *		SQL functions that produce a JWS: jwt_sign, jwt_sign_raw.
 *
 * src/sqlite/sign.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

/*
 * Sign payload with the key at argument 1, the algorithm at 2 and the
 * extra header at 3 (when given); the common body of both functions.
 */
static void
sign_common(sqlite3_context *ctx, int argc, sqlite3_value **argv,
			const unsigned char *payload, size_t payload_len, bool jwt)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	jose_keyset *keys;
	jose_alg	alg;
	const char *header;
	size_t		header_len;
	jose_err	err;

	jose_err_clear(&err);
	if (sq_key_argument(ctx, argv, 1, &keys, &err) != JOSE_OK ||
		sq_sign_alg_argument(argc > 2 ? argv[2] : NULL, &alg, &err) != JOSE_OK ||
		sq_header_argument(c, argc > 3 ? argv[3] : NULL, &header, &header_len, &err) != JOSE_OK ||
		jose_jws_sign(&c->ws, keys, alg, header, header_len, payload, payload_len, jwt,
					  &limits, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	sqlite3_result_text(ctx, c->ws.out.data, (int) c->ws.out.len, SQLITE_TRANSIENT);
}

/* SQL function: jwt_sign(claims_json, key [, alg [, header_json]]) returns text */
void
sq_jwt_sign(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_buf   *payload = &c->ws.payload;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_json_argument(c, argv[0], "claims", &c->opts, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	if (c->opts.nodes[0].type != JOSE_JSON_OBJECT)
	{
		jose_fail(&err, JOSE_E_ARGUMENT, "JWT claims must be a JSON object.");
		sq_error_hint(ctx, &err, "Use jwt_sign_raw() to sign other payloads.");
		return;
	}

	/*
	 * The claims are signed in compact form, rewritten from the parse: the
	 * payload buffer is the workspace's, which signing does not use.
	 */
	jose_buf_reset(payload);
	jose_json_write_node(payload, &c->opts, 0);
	if (payload->failed)
	{
		sq_error_nomem(ctx);
		return;
	}
	sign_common(ctx, argc, argv, (const unsigned char *) payload->data, payload->len, true);
}

/* SQL function: jwt_sign_raw(payload, key [, alg [, header_json]]) returns text */
void
sq_jwt_sign_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *payload;
	size_t		len;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_text_argument(argv[0], "payload", &payload, &len, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	sign_common(ctx, argc, argv, (const unsigned char *) payload, len, false);
}
