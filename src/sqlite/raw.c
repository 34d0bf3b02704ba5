/*-------------------------------------------------------------------------
 *
 * raw.c
 *		jwt_verify_raw and jwt_decrypt_raw: the payload of a JWS or the
 *		plaintext of a JWE, as bytes, with no claim checks (webhooks, RFC
 *		7515 and 7520 examples, anything that is not a claims set).
 *
 * src/sqlite/raw.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

/*
 * Return the verified payload (or the decrypted plaintext, when jwe) of the
 * token at argument 0 with the key at 1 and the options at 2.
 */
static void
raw_payload(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool jwe)
{
	sq_conn    *c = sqlite3_user_data(ctx);
	jose_limits limits = sq_limits();
	jose_keyset *keys;
	sq_options	o;
	const char *token;
	size_t		len;
	jose_jws	s;
	jose_jwe	e;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_token_arguments(ctx, argc, argv, 2,
						   jwe ? SQ_OPT_ALG_JWE | SQ_OPT_ENC : SQ_OPT_ALG_JWS | SQ_OPT_TYP,
						   jwe ? "jwt_decrypt_raw" : "jwt_verify_raw", &keys, &o, &token, &len,
						   &err) != JOSE_OK)
		sq_error(ctx, &err);
	else if (jwe)
	{
		if (jose_jwe_decrypt(&c->ws, token, len, keys, o.jwe_algs, o.jwe_encs, &limits, &e,
							 &err) != JOSE_OK)
			sq_error(ctx, &err);
		else
			sq_result_bytes(ctx, e.plaintext, e.plaintext_len);
	}
	else if (jose_jws_verify(&c->ws, token, len, keys, o.jws_algs, &limits, &s, &err) != JOSE_OK ||
			 (o.typ != NULL &&
			  jose_check_typ(&c->ws.header, s.typ_node, o.typ, o.typ_len, &err) != JOSE_OK))
		sq_error(ctx, &err);
	else
		sq_result_bytes(ctx, s.payload, s.payload_len);
}

/* SQL function: jwt_verify_raw(token, key [, options_json]) returns the payload (BLOB) */
void
sq_jwt_verify_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	raw_payload(ctx, argc, argv, false);
}

/* SQL function: jwt_decrypt_raw(token, key [, options_json]) returns the plaintext (BLOB) */
void
sq_jwt_decrypt_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	raw_payload(ctx, argc, argv, true);
}
