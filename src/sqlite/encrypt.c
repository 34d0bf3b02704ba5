/*-------------------------------------------------------------------------
 *
 * encrypt.c
 *		SQL functions for encrypted tokens: jwt_encrypt, jwt_decrypt,
 *		jwt_decrypt_raw, and the nested jwt_sign_and_encrypt and
 *		jwt_decrypt_and_verify.
 *
 * Decryption is the core's jose_token_verify under the policies of
 * PostgreSQL's jwt.decrypt (plain JWE) and jwt.decrypt_and_verify (nested);
 * after every decryption, and before every error, the workspace is wiped,
 * so no plaintext stays behind in the connection's memory.
 *
 * src/sqlite/encrypt.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <openssl/crypto.h>

/* The options jwt_decrypt takes. */
#define DECRYPT_OPTIONS (SQ_OPT_ALG_JWE | SQ_OPT_ENC | SQ_OPT_CLAIMS | SQ_OPT_TYP)

/* The options jwt_decrypt_and_verify takes. */
#define NESTED_OPTIONS (SQ_OPT_SIGN_ALG | SQ_OPT_ALG_JWE | SQ_OPT_ENC | SQ_OPT_CLAIMS)

/*
 * The key management algorithm and content encryption arguments alg_v and
 * enc_v (NULL or absent: the key's, and A256GCM) into o.
 */
static jose_status
jwe_arguments(sqlite3_value *alg_v, sqlite3_value *enc_v, jose_jwe_encrypt_opts *o,
			  jose_err *err)
{
	const char *alg,
			   *enc;
	size_t		alg_len,
				enc_len;
	jose_status st;

	o->alg = JOSE_JWE_ALG_UNKNOWN;
	o->enc = JOSE_JWE_ENC_UNKNOWN;
	if ((st = sq_optional_text(alg_v, "algorithm", &alg, &alg_len, err)) != JOSE_OK ||
		(st = sq_optional_text(enc_v, "content encryption", &enc, &enc_len, err)) != JOSE_OK ||
		(alg != NULL && (st = jose_jwe_alg_parse_one(alg, alg_len, &o->alg, err)) != JOSE_OK))
		return st;
	return enc != NULL ? jose_jwe_enc_parse_one(enc, enc_len, &o->enc, err) : JOSE_OK;
}

/*
 * Encrypt plaintext to the key at key_argno, with the algorithm and content
 * encryption arguments alg_v and enc_v and the extra header header_v (any
 * may be NULL), and return the token; raises on failure.
 */
static void
encrypt_common(sqlite3_context *ctx, sqlite3_value **argv, int key_argno,
			   sqlite3_value *alg_v, sqlite3_value *enc_v, sqlite3_value *header_v,
			   const unsigned char *plaintext, size_t len, const char *cty)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	jose_keyset *keys;
	jose_jwe_encrypt_opts o = {0};
	jose_err	err;

	jose_err_clear(&err);
	o.cty = cty;
	if (sq_key_argument(ctx, argv, key_argno, &keys, &err) != JOSE_OK ||
		jwe_arguments(alg_v, enc_v, &o, &err) != JOSE_OK ||
		sq_header_argument(c, header_v, &o.extra_header, &o.extra_header_len, &err) != JOSE_OK ||
		jose_jwe_encrypt(&c->ws, keys, &o, plaintext, len, &limits, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	sqlite3_result_text(ctx, c->ws.out.data, (int) c->ws.out.len, SQLITE_TRANSIENT);
}

/* SQL function: jwt_encrypt(payload, key [, alg [, enc [, header_json]]]) returns text */
void
sq_jwt_encrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *plaintext;
	size_t		len;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_text_argument(argv[0], "payload", &plaintext, &len, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	encrypt_common(ctx, argv, 1, argc > 2 ? argv[2] : NULL, argc > 3 ? argv[3] : NULL,
				   argc > 4 ? argv[4] : NULL, (const unsigned char *) plaintext, len, NULL);
}

/*
 * Decrypt (and, nested, verify) the token at argument 0 with the decrypt
 * key at 1, the verify key at verify_argno (0: none) and the options that
 * follow them, as the form given (JOSE_FORM_JWE or _NESTED); the claims are
 * returned, then the workspace wiped.
 */
static void
decrypt_claims(sqlite3_context *ctx, int argc, sqlite3_value **argv, int verify_argno,
			   unsigned form, unsigned allowed, const char *fn)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	int			opts_argno = verify_argno ? verify_argno + 1 : 2;
	jose_keyset *decrypt_keys;
	jose_keyset *verify_keys = NULL;
	sq_options	o;
	jose_token_policy p;
	jose_token	tok;
	const char *token;
	size_t		len;
	jose_err	err;

	for (int i = 0; i <= (verify_argno ? verify_argno : 1); i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return;
	jose_err_clear(&err);
	if ((verify_argno && sq_key_argument(ctx, argv, verify_argno, &verify_keys, &err) != JOSE_OK) ||
		sq_token_arguments(ctx, argc, argv, opts_argno, allowed, fn, &decrypt_keys, &o, &token,
						   &len, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	sq_token_policy(&o, form, &p);
	if (jose_token_verify(&c->ws, token, len, verify_keys, decrypt_keys, &p, &limits, &tok,
						  &err) != JOSE_OK)
	{
		sq_error_hint(ctx, &err, tok.form == JOSE_FORM_NESTED && err.status == JOSE_E_HEADER
					  ? "Nested tokens are read with jwt_decrypt_and_verify()." : NULL);
		return;
	}
	sq_result_claims(ctx, c, &tok);
	jose_workspace_wipe(&c->ws);
}

/* SQL function: jwt_decrypt(token, key [, options_json]) returns the claims (JSON text) */
void
sq_jwt_decrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	decrypt_claims(ctx, argc, argv, 0, JOSE_FORM_JWE, DECRYPT_OPTIONS, "jwt_decrypt");
}

/* SQL function: jwt_decrypt_and_verify(token, decrypt_key, verify_key [, options_json]) returns the claims */
void
sq_jwt_decrypt_and_verify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	decrypt_claims(ctx, argc, argv, 2, JOSE_FORM_NESTED, NESTED_OPTIONS, "jwt_decrypt_and_verify");
}

/*
 * SQL function: jwt_decrypt_raw(token, key [, options_json]) returns the
 * plaintext (BLOB) of any JWE, nested or not: decryption only, no claims
 */
void
sq_jwt_decrypt_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	jose_keyset *keys;
	sq_options	o;
	const char *token;
	size_t		len;
	jose_jwe	jwe;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_token_arguments(ctx, argc, argv, 2, SQ_OPT_ALG_JWE | SQ_OPT_ENC, "jwt_decrypt_raw",
						   &keys, &o, &token, &len, &err) != JOSE_OK ||
		jose_jwe_decrypt(&c->ws, token, len, keys, o.jwe_algs, o.jwe_encs, &limits, &jwe,
						 &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	sq_result_bytes(ctx, jwe.plaintext, jwe.plaintext_len);
	jose_workspace_wipe(&c->ws);
}

/*
 * SQL function: jwt_sign_and_encrypt(claims_json, sign_key, encrypt_key
 * [, sign_alg [, alg [, enc]]]) returns a nested token (cty "JWT")
 */
void
sq_jwt_sign_and_encrypt(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_workspace *ws = &c->ws;
	jose_limits limits = sq_limits();
	jose_keyset *sign_keys;
	jose_alg	sign_alg;
	jose_err	err;

	for (int i = 0; i < 3; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return;
	jose_err_clear(&err);
	if (sq_json_argument(c, argv[0], "claims", &c->opts, &err) != JOSE_OK ||
		(c->opts.nodes[0].type != JOSE_JSON_OBJECT &&
		 jose_fail(&err, JOSE_E_ARGUMENT, "JWT claims must be a JSON object.") != JOSE_OK) ||
		sq_key_argument(ctx, argv, 1, &sign_keys, &err) != JOSE_OK ||
		sq_sign_alg_argument(argc > 3 ? argv[3] : NULL, &sign_alg, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}

	/* sign the compact claims, then encrypt the signed token with cty "JWT" */
	jose_buf_reset(&ws->payload);
	jose_json_write_node(&ws->payload, &c->opts, 0);
	if (ws->payload.failed)
	{
		sq_error_nomem(ctx);
		return;
	}
	if (jose_jws_sign(ws, sign_keys, sign_alg, NULL, 0, (const unsigned char *) ws->payload.data,
					  ws->payload.len, true, &limits, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_buf_reset(&c->inner);
	jose_buf_append(&c->inner, ws->out.data, ws->out.len);
	if (c->inner.failed)
	{
		sq_error_nomem(ctx);
		return;
	}
	encrypt_common(ctx, argv, 2, argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL, NULL,
				   (const unsigned char *) c->inner.data, c->inner.len, "JWT");

	/* the signed claims were meant to be read only by the key holder: wipe our copies */
	OPENSSL_cleanse(c->inner.data, c->inner.len);
	jose_buf_reset(&c->inner);
	jose_workspace_wipe(ws);
}
