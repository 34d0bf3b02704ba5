/*-------------------------------------------------------------------------
 *
 * keytools.c
 *		SQL key tools: generate keys, convert between JWK and PEM, compute
 *		thumbprints, build a public JWKS.
 *
 * src/pg/keytools.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "../core/keytext.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include <openssl/crypto.h>

#include "../core/keygen.h"
#include "../core/pkey.h"

PG_FUNCTION_INFO_V1(jwt_generate_key);
PG_FUNCTION_INFO_V1(jwt_public_jwk);
PG_FUNCTION_INFO_V1(jwt_jwk_thumbprint);
PG_FUNCTION_INFO_V1(jwt_jwk_from_pem);
PG_FUNCTION_INFO_V1(jwt_pem_from_jwk);
PG_FUNCTION_INFO_V1(jwt_jwks);

/* The single key of a key argument; a JWKS is refused. */
static jose_key *
single_key_argument(FunctionCallInfo fcinfo, int argno)
{
	jose_keyset *set = glue_key_argument(fcinfo, argno);

	if (set->is_set)
		glue_raise_status(JOSE_E_ARGUMENT, "Pass one JWK, not a JWKS.");
	return set->keys[0];
}

/* A jsonb from JSON text in buf (made by the core); wipes buf afterwards. */
static Jsonb *
buf_to_jsonb(jose_buf *buf)
{
	Datum		d;

	d = DirectFunctionCall1(jsonb_in, CStringGetDatum(buf->data));
	OPENSSL_cleanse(buf->data, buf->len);
	jose_buf_reset(buf);
	return DatumGetJsonbP(d);
}

/* Export key as a JWK jsonb (private members when with_private). */
static Jsonb *
key_to_jsonb(const jose_key *key, bool with_private)
{
	jose_buf   *buf = &glue_workspace()->aux;
	jose_err	err;

	jose_buf_reset(buf);
	jose_err_clear(&err);
	if (jose_key_to_jwk(key, with_private, buf, &err) != JOSE_OK)
		glue_raise(&err);
	return buf_to_jsonb(buf);
}

/* SQL function: jwt.generate_key(kind text, bits integer) returns jsonb */
Datum
jwt_generate_key(PG_FUNCTION_ARGS)
{
	text	   *kind = PG_GETARG_TEXT_PP(0);
	int			bits = PG_GETARG_INT32(1);
	jose_key   *key;
	jose_err	err;
	jose_buf   *buf = &glue_workspace()->aux;
	jose_status st;

	jose_err_clear(&err);
	if (bits < 0)
		glue_raise_status(JOSE_E_ARGUMENT, "The key size must be positive, or 0 for the default.");
	if (jose_key_generate(VARDATA_ANY(kind), VARSIZE_ANY_EXHDR(kind), bits, &key, &err) != JOSE_OK)
		glue_raise(&err);
	jose_buf_reset(buf);
	st = jose_key_to_jwk(key, true, buf, &err);
	jose_key_free(key);
	if (st != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_JSONB_P(buf_to_jsonb(buf));
}

/* SQL function: jwt.public_jwk(jwk jsonb) returns jsonb */
Datum
jwt_public_jwk(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(key_to_jsonb(single_key_argument(fcinfo, 0), false));
}

/* SQL function: jwt.jwk_thumbprint(jwk jsonb) returns text */
Datum
jwt_jwk_thumbprint(PG_FUNCTION_ARGS)
{
	jose_key   *key = single_key_argument(fcinfo, 0);
	char		thumb[48];
	jose_err	err;

	jose_err_clear(&err);
	if (jose_key_thumbprint(key, thumb, &err) != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_TEXT_P(cstring_to_text(thumb));
}

/* SQL function: jwt.jwk_from_pem(pem text) returns jsonb */
Datum
jwt_jwk_from_pem(PG_FUNCTION_ARGS)
{
	text	   *pem = PG_GETARG_TEXT_PP(0);
	jose_key   *key;
	jose_buf   *buf = &glue_workspace()->aux;
	jose_err	err;

	if (!jose_text_has_pem_armour(VARDATA_ANY(pem), VARSIZE_ANY_EXHDR(pem)))
		glue_raise_status(JOSE_E_KEY, "The text is not a PEM block.");
	key = single_key_argument(fcinfo, 0);

	/* the JWK, with its thumbprint as kid (the PEM had no kid to keep) */
	jose_err_clear(&err);
	jose_buf_reset(buf);
	if (jose_key_to_jwk_with_kid(key, true, buf, NULL, &err) != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_JSONB_P(buf_to_jsonb(buf));
}

/* SQL function: jwt.pem_from_jwk(jwk jsonb) returns text */
Datum
jwt_pem_from_jwk(PG_FUNCTION_ARGS)
{
	jose_key   *key = single_key_argument(fcinfo, 0);
	jose_buf   *buf = &glue_workspace()->aux;
	jose_err	err;
	text	   *result;

	jose_err_clear(&err);
	jose_buf_reset(buf);
	if (jose_key_to_pem(key, true, buf, &err) != JOSE_OK)
		glue_raise(&err);
	result = cstring_to_text_with_len(buf->data, (int) buf->len);
	OPENSSL_cleanse(buf->data, buf->len);
	jose_buf_reset(buf);
	PG_RETURN_TEXT_P(result);
}

/* SQL function: jwt.jwks(keys jsonb[]) returns jsonb */
Datum
jwt_jwks(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	StringInfoData out;
	jose_buf   *buf = &glue_workspace()->aux;
	char	  **kids;

	deconstruct_array(arr, JSONBOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	kids = palloc0(sizeof(char *) * (n + 1));
	initStringInfo(&out);
	appendStringInfoString(&out, "{\"keys\":[");
	for (int i = 0; i < n; i++)
	{
		jose_keyset *set;
		jose_err	err;
		char		kid[JOSE_MAX_KID_LEN + 1];

		if (nulls[i])
			continue;

		set = glue_key_value(JSONBOID, elems[i]);
		if (set->is_set)
			glue_raise_status(JOSE_E_ARGUMENT, "Each element must be one JWK, not a JWKS.");

		/* a published key needs a kid to be selected by: the thumbprint when it has none */
		jose_err_clear(&err);
		jose_buf_reset(buf);
		if (jose_key_to_jwk_with_kid(set->keys[0], false, buf, kid, &err) != JOSE_OK)
			glue_raise(&err);
		kids[i] = pstrdup(kid);
		for (int j = 0; j < i; j++)
			if (kids[j] != NULL && strcmp(kids[j], kids[i]) == 0)
				glue_raise_status(JOSE_E_ARGUMENT, "Two keys of the set have the same kid.");
		if (out.len > 9)
			appendStringInfoChar(&out, ',');
		appendBinaryStringInfo(&out, buf->data, (int) buf->len);
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}

/*
 * SQL function: jwt.jwk_from_secret(secret bytea|text, alg text, kid text)
 * returns jsonb
 *
 * An oct JWK of an HMAC secret, so a PostgREST jwt-secret (text, or the
 * bytes of a base64 one) can go into the keyring without building base64url
 * by hand.  The secret is read as any key argument (text as its UTF-8
 * bytes); a PEM or a JWK is refused, since it is no secret.  No kid is
 * made up: a thumbprint of a secret is a hash of it, which would let
 * anyone who sees a token test guesses of a weak secret offline.
 */
PG_FUNCTION_INFO_V1(jwt_jwk_from_secret);

Datum
jwt_jwk_from_secret(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	jose_alg	alg = JOSE_ALG_HS256;
	jose_buf   *buf = &glue_workspace()->aux;
	jose_keyset *set;
	jose_key   *key;
	jose_err	err;
	const char *kid = NULL;
	size_t		kid_len = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (type == TEXTOID)
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		if (jose_text_has_pem_armour(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) ||
			jose_text_looks_like_jwk(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
		{
			jose_fail(&err, JOSE_E_KEY, "The text is a PEM block or a JWK, not a secret.");
			glue_raise_hint(&err, "A JWK or JWKS goes into jwt.keyring as it is; jwt.jwk_from_pem() reads a PEM key.");
		}
	}
	if (!PG_ARGISNULL(1))
	{
		text	   *name = PG_GETARG_TEXT_PP(1);

		alg = jose_alg_lookup(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
		if (alg != JOSE_ALG_HS256 && alg != JOSE_ALG_HS384 && alg != JOSE_ALG_HS512)
		{
			char		quoted[JOSE_QUOTE_MAX];

			glue_raise_status(JOSE_E_ALG_UNSUPPORTED,
							  "%s is not an HMAC algorithm: a secret's JWK is for HS256, HS384 or HS512.",
							  jose_quote(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), quoted));
		}
	}

	if (!PG_ARGISNULL(2))
	{
		text	   *kid_arg = PG_GETARG_TEXT_PP(2);

		kid_len = VARSIZE_ANY_EXHDR(kid_arg);
		if (kid_len == 0 || kid_len > JOSE_MAX_KID_LEN)
			glue_raise_status(JOSE_E_ARGUMENT, "A kid is 1 to %d bytes long.", JOSE_MAX_KID_LEN);
		kid = pg_server_to_any(VARDATA_ANY(kid_arg), (int) kid_len, PG_UTF8);
		if (kid != VARDATA_ANY(kid_arg))
			kid_len = strlen(kid);
	}

	/* the secret, parsed as a key argument: bytes, limits, and no public key in disguise */
	set = glue_key_value(type, PG_GETARG_DATUM(0));
	key = set->keys[0];
	if (set->is_set || key->from_jwk || key->kty != JOSE_KTY_OCT)
		glue_raise_status(JOSE_E_KEY, "The argument is a key, not a secret.");
	/* long enough for the algorithm (without one: for HS256) */
	jose_err_clear(&err);
	if (jose_key_check_jws(key, alg, JOSE_OP_VERIFY, &err) != JOSE_OK)
		glue_raise(&err);

	jose_buf_reset(buf);
	jose_buf_puts(buf, "{\"kty\":\"oct\",\"k\":\"");
	jose_buf_append_b64url(buf, key->secret, key->secret_len);
	jose_buf_puts(buf, "\"");
	if (!PG_ARGISNULL(1))
	{
		jose_buf_puts(buf, ",\"alg\":\"");
		jose_buf_puts(buf, jose_alg_get(alg)->name);
		jose_buf_puts(buf, "\"");
	}
	if (kid != NULL)
	{
		jose_buf_puts(buf, ",\"kid\":");
		jose_json_write_string(buf, kid, kid_len);
	}
	jose_buf_puts(buf, "}");
	if (buf->failed)
	{
		if (buf->data != NULL)
			OPENSSL_cleanse(buf->data, buf->len);
		jose_buf_reset(buf);
		glue_raise_status(JOSE_E_NOMEM, "Could not build the JWK.");
	}
	PG_RETURN_JSONB_P(buf_to_jsonb(buf));
}
