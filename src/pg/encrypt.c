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

#include <strings.h>

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "../core/claims.h"
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
	jose_jwe_alg_set set;
	jose_err	err;

	if (name == NULL)
		return JOSE_JWE_ALG_UNKNOWN;
	jose_err_clear(&err);
	if (jose_jwe_alg_set_parse(name, len, &set, &err) != JOSE_OK)
		glue_raise(&err);
	for (int a = 1; a < JOSE_JWE_ALG_COUNT; a++)
		if (set == JOSE_JWE_BIT(a))
			return (jose_jwe_alg) a;
	jose_fail(&err, JOSE_E_ARGUMENT, "Name one key management algorithm to encrypt with.");
	glue_raise(&err);
}

/* A single content encryption argument (NULL: A256GCM). */
static jose_jwe_enc
jwe_enc_arg(FunctionCallInfo fcinfo, int argno)
{
	size_t		len;
	const char *name = glue_text_arg(fcinfo, argno, &len);
	jose_jwe_enc_set set;
	jose_err	err;

	if (name == NULL)
		return JOSE_JWE_ENC_UNKNOWN;
	jose_err_clear(&err);
	if (jose_jwe_enc_set_parse(name, len, &set, &err) != JOSE_OK)
		glue_raise(&err);
	for (int e = 1; e < JOSE_JWE_ENC_COUNT; e++)
		if (set == JOSE_JWE_BIT(e))
			return (jose_jwe_enc) e;
	jose_fail(&err, JOSE_E_ARGUMENT, "Name one content encryption to encrypt with.");
	glue_raise(&err);
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
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
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

		if (!JB_ROOT_IS_OBJECT(claims))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid argument"),
					 errdetail("JWT claims must be a JSON object."),
					 errhint("Pass text or bytea to encrypt other payloads.")));
		jose_buf_reset(&ws->payload);
		glue_jsonb_to_text(claims, &ws->payload);
		if (ws->payload.failed)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
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

/* Decrypt the token at argument 0 with the key at argument 1; raises on failure. */
static void
decrypt_token(FunctionCallInfo fcinfo, int alg_argno, jose_jwe *jwe)
{
	jose_keyset *keys = glue_key_argument(fcinfo, 1);
	text	   *token = PG_GETARG_TEXT_PP(0);
	jose_limits limits = glue_limits();
	jose_jwe_alg_set algs;
	jose_jwe_enc_set encs;
	jose_err	err;

	jwe_allowed_args(fcinfo, alg_argno, &algs, &encs);
	jose_err_clear(&err);
	if (jose_jwe_decrypt(glue_workspace(), VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token),
						 keys, algs, encs, &limits, jwe, &err) != JOSE_OK)
		glue_raise(&err);
}

/* True when the JWE header's cty says the plaintext is a JWT (RFC 7519 5.2). */
static bool
cty_is_jwt(const jose_json *h, const jose_jwe *jwe)
{
	return jwe->cty_node != JOSE_JSON_NONE && h->nodes[jwe->cty_node].len == 3 &&
		strncasecmp(jose_json_text(h, jwe->cty_node), "JWT", 3) == 0;
}

/* Check claims in ws->claims, then the header's replicated ones; raises. */
static void
check_claims(const jose_json *header, const jose_claims_opts *o)
{
	jose_workspace *ws = glue_workspace();
	jose_err	err;

	jose_err_clear(&err);
	if (jose_claims_check(&ws->claims, o, &err) != JOSE_OK ||
		jose_check_replicated(header, &ws->claims, &err) != JOSE_OK)
		glue_raise(&err);
}

/* The claims in ws->claims as jsonb; raises if they cannot be stored. */
static Datum
claims_jsonb(void)
{
	Jsonb	   *jb;
	jose_err	err;

	jose_err_clear(&err);
	if (glue_tree_to_jsonb(&glue_workspace()->claims, &jb, &err) != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_JSONB_P(jb);
}

/* SQL function: jwt.decrypt(token text, key, alg, enc, audience, issuer, leeway, required, at, typ) returns jsonb */
Datum
jwt_decrypt(PG_FUNCTION_ARGS)
{
	jose_workspace *ws;
	jose_claims_opts o;
	jose_jwe	jwe;
	jose_limits limits = glue_limits();
	jose_err	err;
	size_t		typ_len;
	const char *typ;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	glue_claims_args(fcinfo, 4, &o);
	typ = glue_text_arg(fcinfo, 9, &typ_len);
	decrypt_token(fcinfo, 2, &jwe);
	ws = glue_workspace();
	jose_err_clear(&err);
	if (cty_is_jwt(&ws->header, &jwe))
	{
		jose_fail(&err, JOSE_E_HEADER,
				  "The token is a nested JWT (\"cty\": \"JWT\"): its payload is a signed token.");
		glue_workspace_wipe();
		ereport(ERROR,
				(errcode(glue_sqlstate(err.status)),
				 errmsg("%s", jose_status_message(err.status)),
				 errdetail("%s", err.detail),
				 errhint("Nested tokens are read with jwt.decrypt_and_verify().")));
	}
	if (typ != NULL &&
		jose_check_typ(&ws->header, jwe.typ_node, typ, typ_len, &err) != JOSE_OK)
		glue_raise(&err);
	if (jose_parse_claims(ws, jwe.plaintext, jwe.plaintext_len, &limits, &err) != JOSE_OK)
		glue_raise(&err);
	check_claims(&ws->header, &o);
	result = claims_jsonb();
	glue_workspace_wipe();
	return result;
}

/* SQL function: jwt.decrypt_raw(token text, key, alg, enc) returns bytea */
Datum
jwt_decrypt_raw(PG_FUNCTION_ARGS)
{
	jose_jwe	jwe;
	bytea	   *result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	decrypt_token(fcinfo, 2, &jwe);
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
	jose_alg	sign_alg = JOSE_ALG_UNKNOWN;
	jose_err	err;
	char	   *inner;
	size_t		inner_len;
	unsigned char *payload;
	size_t		payload_len;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	claims = PG_GETARG_JSONB_P(0);
	if (!JB_ROOT_IS_OBJECT(claims))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid argument"),
				 errdetail("JWT claims must be a JSON object.")));
	sign_keys = glue_key_argument(fcinfo, 1);
	if (!PG_ARGISNULL(3))
	{
		text	   *a = PG_GETARG_TEXT_PP(3);

		sign_alg = jose_alg_lookup(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a));
		if (sign_alg == JOSE_ALG_UNKNOWN)
		{
			jose_fail(&err, JOSE_E_ALG_UNSUPPORTED,
					  "\"%.*s\" is not a JWS algorithm token_ext supports.",
					  (int) Min(VARSIZE_ANY_EXHDR(a), 32), VARDATA_ANY(a));
			glue_raise(&err);
		}
	}

	/* sign the claims, then encrypt the signed token with cty "JWT" */
	ws = glue_workspace();
	jose_buf_reset(&ws->payload);
	glue_jsonb_to_text(claims, &ws->payload);
	if (ws->payload.failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
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
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ws->out.data, (int) ws->out.len));
}

/*
 * SQL function: jwt.decrypt_and_verify(token text, decrypt_key, verify_key,
 * sign_alg, alg, enc, audience, issuer, leeway, required, at) returns jsonb
 */
Datum
jwt_decrypt_and_verify(PG_FUNCTION_ARGS)
{
	jose_workspace *ws;
	jose_keyset *verify_keys;
	jose_alg_set sign_algs;
	jose_claims_opts o;
	jose_jwe	jwe;
	jose_jws	jws;
	jose_limits limits = glue_limits();
	jose_err	err;
	jose_json	swap;
	char	   *inner;
	size_t		inner_len;
	jose_status st;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	verify_keys = glue_key_argument(fcinfo, 2);
	sign_algs = glue_alg_argument(fcinfo, 3);
	glue_claims_args(fcinfo, 6, &o);
	decrypt_token(fcinfo, 4, &jwe);
	ws = glue_workspace();
	jose_err_clear(&err);
	if (!cty_is_jwt(&ws->header, &jwe))
	{
		jose_fail(&err, JOSE_E_HEADER,
				  "The encrypted token's \"cty\" is not \"JWT\": it holds no signed token.");
		glue_raise(&err);
	}

	/*
	 * The inner token is verified in the same workspace: keep the outer
	 * header aside (for the replicated-claims check), and the plaintext in
	 * memory of our own, since verification reuses the payload buffer.
	 */
	swap = ws->outer;
	ws->outer = ws->header;
	ws->header = swap;
	inner_len = jwe.plaintext_len;
	inner = palloc(inner_len + 1);
	memcpy(inner, jwe.plaintext, inner_len);

	st = jose_jws_verify(ws, inner, inner_len, verify_keys, sign_algs, &limits, &jws, &err);
	if (st == JOSE_OK)
		st = jose_jws_parse_claims(ws, &jws, &limits, &err);
	explicit_bzero(inner, inner_len);
	if (st != JOSE_OK)
	{
		/* a JWE inside is nesting deeper than one level: refuse it as such */
		if (err.status == JOSE_E_IS_JWE)
			jose_fail(&err, JOSE_E_LIMIT, "Nested tokens may be one level deep.");
		glue_raise(&err);
	}
	check_claims(&ws->outer, &o);
	result = claims_jsonb();
	glue_workspace_wipe();
	return result;
}
