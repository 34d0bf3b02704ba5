/*-------------------------------------------------------------------------
 *
 * verify.c
 *		SQL functions that check or show a JWS: jwt_verify, jwt_try_verify,
 *		jwt_verify_raw, jwt_decode.
 *
 * Verification is the core's jose_token_verify under a policy that reads
 * signed tokens only, as PostgreSQL's jwt.verify: the same checks in the
 * same order, with the same texts.
 *
 * src/sqlite/verify.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <string.h>

#include "../core/compact.h"
#include "../core/inspect.h"

/* The options jwt_verify and jwt_try_verify take. */
#define VERIFY_OPTIONS (SQ_OPT_CLAIMS | SQ_OPT_TYP | SQ_OPT_ALG_JWS)

/* The options jwt_verify_raw takes. */
#define VERIFY_RAW_OPTIONS (SQ_OPT_ALG_JWS | SQ_OPT_TYP)

/*
 * Verify the token at argument 0 with the key at 1 and the options at 2,
 * as a JWT (raw: its payload as bytes, unchecked).  On success the claims
 * (unless raw) are in the workspace and the payload in tok.  *callers says
 * whether a failure is the caller's mistake (a bad key or option, an
 * unusable key), which jwt_try_verify raises too.
 */
static jose_status
verify_token(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *fn, bool raw,
			 jose_token *tok, bool *callers, jose_err *err)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	jose_keyset *keys;
	sq_options	o;
	jose_token_policy p;
	const char *token;
	size_t		len;
	jose_status st;

	*callers = true;
	jose_err_clear(err);
	if ((st = sq_token_arguments(ctx, argc, argv, 2, raw ? VERIFY_RAW_OPTIONS : VERIFY_OPTIONS,
								 fn, &keys, &o, &token, &len, err)) != JOSE_OK)
		return st;
	sq_token_policy(&o, JOSE_FORM_JWS, &p);
	p.raw = raw;
	st = jose_token_verify(&c->ws, token, len, keys, NULL, &p, &limits, tok, err);

	/* an unusable key (too short for the algorithm, use/key_ops) is the caller's too */
	*callers = st == JOSE_E_KEY;
	return st;
}

/* SQL function: jwt_verify(token, key [, options_json]) returns the claims (JSON text) */
void
sq_jwt_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	jose_token	tok;
	jose_err	err;
	bool		callers;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	if (verify_token(ctx, argc, argv, "jwt_verify", false, &tok, &callers, &err) != JOSE_OK)
		sq_error(ctx, &err);
	else
		sq_result_claims(ctx, sq_conn_of(ctx), &tok);
}

/*
 * SQL function: jwt_try_verify(token, key [, options_json]) returns the
 * claims, or NULL when the token fails.  A bad key or option is the
 * caller's mistake and still raises, as in PostgreSQL's jwt.try_verify,
 * and so does an unusable key (too short for the algorithm, use/key_ops).
 */
void
sq_jwt_try_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	jose_token	tok;
	jose_err	err;
	bool		callers;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	if (verify_token(ctx, argc, argv, "jwt_try_verify", false, &tok, &callers, &err) == JOSE_OK)
		sq_result_claims(ctx, sq_conn_of(ctx), &tok);
	else if (callers)
		sq_error(ctx, &err);
}

/* SQL function: jwt_verify_raw(token, key [, options_json]) returns the payload (BLOB) */
void
sq_jwt_verify_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	jose_token	tok;
	jose_err	err;
	bool		callers;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	if (verify_token(ctx, argc, argv, "jwt_verify_raw", true, &tok, &callers, &err) != JOSE_OK)
		sq_error(ctx, &err);
	else
		sq_result_bytes(ctx, tok.payload, tok.payload_len);
}

/*
 * SQL function: jwt_decode(token) returns {"header", "payload",
 * "signature", "kind", "payload_base64url"}, verifying NOTHING: the
 * columns of PostgreSQL's jwt.decode, as one JSON object.  A JWS: its
 * header, its payload when it is JSON (else null, and the base64url text
 * is there to look at), its signature (base64url, since JSON holds no
 * bytes).  A JWE: its protected header only, the rest null.
 */
void
sq_jwt_decode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_workspace *ws = &c->ws;
	jose_limits limits = sq_limits();
	jose_buf   *out = &ws->aux;
	jose_inspection in;
	const char *token;
	size_t		len;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_text_argument(argv[0], "token", &token, &len, &err) != JOSE_OK ||
		jose_inspect(ws, token, len, &limits, &in, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_buf_reset(out);
	jose_buf_puts(out, "{\"header\":");
	jose_json_write_node(out, &ws->header, 0);
	jose_buf_puts(out, ",\"payload\":");
	if (in.form == JOSE_FORM_JWS && in.payload_is_json)
		jose_json_write_node(out, &ws->claims, 0);
	else
		jose_buf_puts(out, "null");
	jose_buf_puts(out, ",\"signature\":");
	if (in.form == JOSE_FORM_JWS)
	{
		jose_buf_putc(out, '"');
		jose_buf_append_b64url(out, in.signature, in.signature_len);
		jose_buf_puts(out, "\",\"kind\":\"JWS\",\"payload_base64url\":\"");
		jose_buf_append(out, in.payload_b64, in.payload_b64_len);
		jose_buf_puts(out, "\"}");
	}
	else
		jose_buf_puts(out, "null,\"kind\":\"JWE\",\"payload_base64url\":null}");
	sq_result_json(ctx, out);
}
