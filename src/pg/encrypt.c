/*-------------------------------------------------------------------------
 *
 * encrypt.c
 *		SQL functions for encrypted tokens: jwt.encrypt, jwt.decrypt,
 *		jwt.decrypt_raw, and the nested jwt.sign_and_encrypt and
 *		jwt.decrypt_and_verify.
 *
 * src/pg/encrypt.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "../core/jwe.h"

PG_FUNCTION_INFO_V1(jwt_encrypt);
PG_FUNCTION_INFO_V1(jwt_decrypt);
PG_FUNCTION_INFO_V1(jwt_decrypt_raw);
PG_FUNCTION_INFO_V1(jwt_sign_and_encrypt);
PG_FUNCTION_INFO_V1(jwt_decrypt_and_verify);

/* A single JWE key-management algorithm argument (NULL: the key's). */
static jose_jwe_alg
jwe_alg_arg(FunctionCallInfo fcinfo, int argno)
{
	size_t		len;
	const char *name = glue_text_arg(fcinfo, argno, &len);
	jose_jwe_alg alg;
	jose_err	err;

	if (name == NULL)
		return JOSE_JWE_ALG_UNKNOWN;
	jose_err_clear(&err);
	if (jose_jwe_alg_parse_one(name, len, &alg, &err) != JOSE_OK)
		glue_raise(&err);
	return alg;
}

/* A single content encryption argument (NULL: A256GCM). */
static jose_jwe_enc
jwe_enc_arg(FunctionCallInfo fcinfo, int argno)
{
	size_t		len;
	const char *name = glue_text_arg(fcinfo, argno, &len);
	jose_jwe_enc enc;
	jose_err	err;

	if (name == NULL)
		return JOSE_JWE_ENC_UNKNOWN;
	jose_err_clear(&err);
	if (jose_jwe_enc_parse_one(name, len, &enc, &err) != JOSE_OK)
		glue_raise(&err);
	return enc;
}

/* Allowed algorithm or encryption lists for decryption (NULL: the key's, all). */
static void
jwe_allowed_args(FunctionCallInfo fcinfo, int alg_argno, jose_jwe_alg_set *algs,
				 jose_jwe_enc_set *encs)
{
	size_t		len;
	const char *list;
	jose_err	err;

	jose_err_clear(&err);
	*algs = 0;
	*encs = 0;
	list = glue_text_arg(fcinfo, alg_argno, &len);
	if (list != NULL && jose_jwe_alg_set_parse(list, len, algs, &err) != JOSE_OK)
		glue_raise(&err);
	list = glue_text_arg(fcinfo, alg_argno + 1, &len);
	if (list != NULL && jose_jwe_enc_set_parse(list, len, encs, &err) != JOSE_OK)
		glue_raise(&err);
}

/*
 * Encrypt plaintext to the key at key_argno with the alg and enc arguments
 * at alg_argno and alg_argno + 1 and the header at alg_argno + 2 (when
 * has_header_arg); the token is in the workspace's out buffer.
 */
static void
encrypt_common(FunctionCallInfo fcinfo, int key_argno, int alg_argno,
			   const unsigned char *plaintext, size_t len, const char *cty, bool has_header_arg)
{
	jose_keyset *keys = glue_key_argument(fcinfo, key_argno);
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	jose_jwe_encrypt_opts o;
	jose_err	err;

	memset(&o, 0, sizeof(o));
	o.alg = jwe_alg_arg(fcinfo, alg_argno);
	o.enc = jwe_enc_arg(fcinfo, alg_argno + 1);
	o.cty = cty;
	if (has_header_arg && !PG_ARGISNULL(alg_argno + 2))
	{
		jose_buf_reset(&ws->aux);
		glue_jsonb_to_text(PG_GETARG_JSONB_P(alg_argno + 2), &ws->aux);
		if (ws->aux.failed)
			glue_raise_status(JOSE_E_NOMEM, "Could not allocate the header's JSON text.");
		o.extra_header = ws->aux.data;
		o.extra_header_len = ws->aux.len;
	}
	jose_err_clear(&err);
	if (jose_jwe_encrypt(ws, keys, &o, plaintext, len, &limits, &err) != JOSE_OK)
		glue_raise(&err);
}

/* SQL function: jwt.encrypt(payload jsonb|text|bytea, key, alg, enc, header) returns text */
Datum
jwt_encrypt(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	jose_workspace *ws;
	const unsigned char *plaintext;
	size_t		len;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	ws = glue_workspace();
	if (type == JSONBOID)
	{
		/* claims are staged in the payload buffer, which encryption then reuses */
		Jsonb	   *claims = PG_GETARG_JSONB_P(0);
		unsigned char *copy;

		glue_check_claims_object(claims, "Pass text or bytea to encrypt other payloads.");
		jose_buf_reset(&ws->payload);
		glue_jsonb_to_text(claims, &ws->payload);
		if (ws->payload.failed)
			glue_raise_status(JOSE_E_NOMEM, "Could not allocate the claims' JSON text.");
		copy = palloc(ws->payload.len + 1);
		memcpy(copy, ws->payload.data, ws->payload.len);
		plaintext = copy;
		len = ws->payload.len;
	}
	else
	{
		/* text is encrypted as UTF-8, whatever the database encoding */
		struct varlena *arg = PG_GETARG_VARLENA_PP(0);

		plaintext = (const unsigned char *) VARDATA_ANY(arg);
		len = VARSIZE_ANY_EXHDR(arg);
		if (type == TEXTOID)
		{
			char	   *utf8 = pg_server_to_any((const char *) plaintext, (int) len, PG_UTF8);

			if (utf8 != (const char *) plaintext)
			{
				plaintext = (const unsigned char *) utf8;
				len = strlen(utf8);
			}
		}
	}
	encrypt_common(fcinfo, 1, 2, plaintext, len, NULL, true);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ws->out.data, (int) ws->out.len));
}

/*
 * Decrypt (and for a nested policy, verify) the token at argument 0 with
 * the key at argument 1 and the alg and enc arguments at alg_argno and
 * alg_argno + 1, under p; the claims end up in ws->claims.  Statuses are
 * returned, not raised.
 */
static jose_status
decrypt_token(FunctionCallInfo fcinfo, int alg_argno, const jose_keyset *verify_keys,
			  jose_token_policy *p, jose_token *tok, jose_err *err)
{
	jose_keyset *keys = glue_key_argument(fcinfo, 1);
	text	   *token = PG_GETARG_TEXT_PP(0);
	jose_limits limits = glue_limits();

	jwe_allowed_args(fcinfo, alg_argno, &p->jwe_algs, &p->jwe_encs);
	jose_err_clear(err);
	return jose_token_verify(glue_workspace(), VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token),
							 verify_keys, keys, p, &limits, tok, err);
}

/* The claims in ws->claims as jsonb, then the workspace wiped; raises if they cannot be stored. */
static Datum
claims_jsonb(void)
{
	Jsonb	   *jb;
	jose_err	err;

	jose_err_clear(&err);
	if (glue_tree_to_jsonb(&glue_workspace()->claims, &jb, &err) != JOSE_OK)
		glue_raise(&err);

	/* the decrypted plaintext and claims must not stay in the workspace */
	glue_workspace_wipe();
	PG_RETURN_JSONB_P(jb);
}

/* SQL function: jwt.decrypt(token text, key, alg, enc, audience, issuer, leeway, required, at, typ) returns jsonb */
Datum
jwt_decrypt(PG_FUNCTION_ARGS)
{
	jose_token_policy p;
	jose_token	tok;
	jose_err	err;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	memset(&p, 0, sizeof(p));
	p.forms = JOSE_FORM_JWE;
	glue_claims_args(fcinfo, 4, &p.claims);
	p.typ = glue_text_arg(fcinfo, 9, &p.typ_len);
	if (decrypt_token(fcinfo, 2, NULL, &p, &tok, &err) != JOSE_OK)
		glue_raise_hint(&err, tok.form == JOSE_FORM_NESTED && err.status == JOSE_E_HEADER
						? "Nested tokens are read with jwt.decrypt_and_verify()." : NULL);
	return claims_jsonb();
}

/* SQL function: jwt.decrypt_raw(token text, key, alg, enc) returns bytea */
Datum
jwt_decrypt_raw(PG_FUNCTION_ARGS)
{
	jose_keyset *keys;
	text	   *token;
	jose_limits limits = glue_limits();
	jose_jwe_alg_set algs;
	jose_jwe_enc_set encs;
	jose_jwe	jwe;
	jose_err	err;
	bytea	   *result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();

	/* any plaintext, nested or not: this is decryption only, not verification */
	keys = glue_key_argument(fcinfo, 1);
	token = PG_GETARG_TEXT_PP(0);
	jwe_allowed_args(fcinfo, 2, &algs, &encs);
	jose_err_clear(&err);
	if (jose_jwe_decrypt(glue_workspace(), VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token), keys,
						 algs, encs, &limits, &jwe, &err) != JOSE_OK)
		glue_raise(&err);
	result = palloc(VARHDRSZ + jwe.plaintext_len);
	SET_VARSIZE(result, VARHDRSZ + jwe.plaintext_len);
	memcpy(VARDATA(result), jwe.plaintext, jwe.plaintext_len);
	glue_workspace_wipe();
	PG_RETURN_BYTEA_P(result);
}

/* SQL function: jwt.sign_and_encrypt(claims jsonb, sign_key, encrypt_key, sign_alg, alg, enc) returns text */
Datum
jwt_sign_and_encrypt(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims;
	jose_keyset *sign_keys;
	jose_workspace *ws;
	jose_limits limits = glue_limits();
	jose_alg	sign_alg;
	jose_err	err;
	char	   *inner;
	size_t		inner_len;
	unsigned char *payload;
	size_t		payload_len;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	claims = PG_GETARG_JSONB_P(0);
	glue_check_claims_object(claims, NULL);
	sign_keys = glue_key_argument(fcinfo, 1);
	sign_alg = glue_sign_alg_argument(fcinfo, 3);

	/* sign the claims, then encrypt the signed token with cty "JWT" */
	ws = glue_workspace();
	jose_buf_reset(&ws->payload);
	glue_jsonb_to_text(claims, &ws->payload);
	if (ws->payload.failed)
		glue_raise_status(JOSE_E_NOMEM, "Could not allocate the claims' JSON text.");
	payload_len = ws->payload.len;
	payload = palloc(payload_len + 1);
	memcpy(payload, ws->payload.data, payload_len);
	jose_err_clear(&err);
	if (jose_jws_sign(ws, sign_keys, sign_alg, NULL, 0, payload, payload_len, true,
					  &limits, &err) != JOSE_OK)
		glue_raise(&err);
	inner_len = ws->out.len;
	inner = palloc(inner_len + 1);
	memcpy(inner, ws->out.data, inner_len);

	encrypt_common(fcinfo, 2, 4, (const unsigned char *) inner, inner_len, "JWT", false);
	explicit_bzero(inner, inner_len);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ws->out.data, (int) ws->out.len));
}

/*
 * SQL function: jwt.decrypt_and_verify(token text, decrypt_key, verify_key,
 * sign_alg, alg, enc, audience, issuer, leeway, required, at) returns jsonb
 */
Datum
jwt_decrypt_and_verify(PG_FUNCTION_ARGS)
{
	jose_keyset *verify_keys;
	jose_token_policy p;
	jose_token	tok;
	jose_err	err;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	memset(&p, 0, sizeof(p));
	p.forms = JOSE_FORM_NESTED;
	verify_keys = glue_key_argument(fcinfo, 2);
	p.jws_algs = glue_alg_argument(fcinfo, 3);
	glue_claims_args(fcinfo, 6, &p.claims);
	if (decrypt_token(fcinfo, 4, verify_keys, &p, &tok, &err) != JOSE_OK)
		glue_raise(&err);
	return claims_jsonb();
}
