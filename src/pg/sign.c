/*-------------------------------------------------------------------------
 *
 * sign.c
 *		SQL functions that produce a JWS: jwt.sign, jwt.sign_raw.
 *
 * src/pg/sign.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/xact.h"
#include "utils/builtins.h"

#include "../core/alg.h"

PG_FUNCTION_INFO_V1(jwt_sign);
PG_FUNCTION_INFO_V1(jwt_sign_raw);

/* The signing algorithm argument: NULL means the key's own. */
jose_alg
glue_sign_alg_argument(FunctionCallInfo fcinfo, int argno)
{
	text	   *arg;
	jose_alg	alg;
	jose_err	err;

	if (PG_ARGISNULL(argno))
		return JOSE_ALG_UNKNOWN;
	arg = PG_GETARG_TEXT_PP(argno);
	jose_err_clear(&err);
	if (jose_sign_alg_parse(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), &alg, &err) != JOSE_OK)
		glue_raise(&err);
	return alg;
}

/*
 * Sign payload bytes with the key at argument 1, the algorithm at 2 and the
 * extra header at 3; the common body of jwt.sign and jwt.sign_raw.
 */
static Datum
sign_common(FunctionCallInfo fcinfo, const unsigned char *payload, size_t payload_len,
			bool jwt)
{
	jose_keyset *keys;
	jose_alg	alg = glue_sign_alg_argument(fcinfo, 2);
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	const char *header = NULL;
	jose_err	err;
	jose_keyset one = {0};
	jose_key   *kid_key;

	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
	{
		/* a keyring key by kid: the caller never sees it */
		if (!PG_ARGISNULL(1))
			glue_raise_status(JOSE_E_ARGUMENT, "Pass either a key or a kid, not both.");
		kid_key = glue_keyring_key(text_to_cstring(PG_GETARG_TEXT_PP(4)), GLUE_PURPOSE_SIGN,
								   GetCurrentTransactionStartTimestamp());
		one.keys = &kid_key;
		one.count = 1;
		one.is_set = false;
		keys = &one;
	}
	else
		keys = glue_key_argument(fcinfo, 1);

	if (!PG_ARGISNULL(3))
	{
		/* the workspace's staging buffer is reused, so an error leaks nothing */
		jose_buf_reset(&ws->aux);
		glue_jsonb_to_text(PG_GETARG_JSONB_P(3), &ws->aux);
		if (ws->aux.failed)
			glue_raise_status(JOSE_E_NOMEM, "Could not allocate the header's JSON text.");
		header = ws->aux.data;
	}

	jose_err_clear(&err);
	if (jose_jws_sign(ws, keys, alg, header, header ? ws->aux.len : 0,
					  payload, payload_len, jwt, &limits, &err) != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ws->out.data, (int) ws->out.len));
}

/* SQL function: jwt.sign(claims jsonb, key, alg text, header jsonb) returns text */
Datum
jwt_sign(PG_FUNCTION_ARGS)
{
	Jsonb	   *claims;
	jose_workspace *ws;

	if (PG_ARGISNULL(0) || (PG_ARGISNULL(1) && (PG_NARGS() <= 4 || PG_ARGISNULL(4))))
		PG_RETURN_NULL();
	claims = PG_GETARG_JSONB_P(0);
	glue_check_claims_object(claims, "Use jwt.sign_raw() to sign other payloads.");

	/*
	 * The claims text goes in the workspace's payload buffer, which signing
	 * does not otherwise use; being reused, it cannot leak on an error.
	 */
	ws = glue_workspace();
	jose_buf_reset(&ws->payload);
	glue_jsonb_to_text(claims, &ws->payload);
	if (ws->payload.failed)
		glue_raise_status(JOSE_E_NOMEM, "Could not allocate the claims' JSON text.");
	return sign_common(fcinfo, (const unsigned char *) ws->payload.data, ws->payload.len, true);
}

/* SQL function: jwt.sign_raw(payload bytea, key, alg text, header jsonb) returns text */
Datum
jwt_sign_raw(PG_FUNCTION_ARGS)
{
	bytea	   *payload;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	payload = PG_GETARG_BYTEA_PP(0);
	return sign_common(fcinfo, (const unsigned char *) VARDATA_ANY(payload),
					   VARSIZE_ANY_EXHDR(payload), false);
}
