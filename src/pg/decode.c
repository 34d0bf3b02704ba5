/*-------------------------------------------------------------------------
 *
 * decode.c
 *		jwt.decode: show a token's parts WITHOUT verifying anything.
 *
 * src/pg/decode.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "../core/compact.h"
#include "../core/inspect.h"

PG_FUNCTION_INFO_V1(jwt_decode);
PG_FUNCTION_INFO_V1(jwt_decode_v2);

/*
 * SQL function of 0.1.0: jwt.decode(token text) returns (header jsonb,
 * payload jsonb, signature bytea), for a JWS with a JSON payload only.
 * Kept for databases not yet updated to 0.2.0 (their jwt.decode names
 * this symbol).
 */
Datum
jwt_decode(PG_FUNCTION_ARGS)
{
	text	   *token = PG_GETARG_TEXT_PP(0);
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	jose_jws	jws;
	jose_err	err;
	Jsonb	   *header;
	Jsonb	   *payload;
	bytea	   *sig;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	jose_err_clear(&err);
	if (jose_jws_parse(ws, VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token), &limits,
					   true, &jws, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&ws->header, &header, &err) != JOSE_OK ||
		jose_jws_parse_claims(ws, &jws, &limits, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&ws->claims, &payload, &err) != JOSE_OK)
		glue_raise(&err);

	sig = palloc(VARHDRSZ + jws.signature_len);
	SET_VARSIZE(sig, VARHDRSZ + jws.signature_len);
	memcpy(VARDATA(sig), jws.signature, jws.signature_len);

	values[0] = JsonbPGetDatum(header);
	values[1] = JsonbPGetDatum(payload);
	values[2] = PointerGetDatum(sig);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * SQL function: jwt.decode(token text) returns (header jsonb, payload
 * jsonb, signature bytea, kind text, payload_base64url text): whatever a
 * token shows without a key.  A JWS: its header, its payload as JSON when
 * it is JSON (else NULL, and the base64url text is there to look at), its
 * signature.  A JWE: its protected header only.
 */
Datum
jwt_decode_v2(PG_FUNCTION_ARGS)
{
	text	   *token = PG_GETARG_TEXT_PP(0);
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, true, true, false, true};
	jose_inspection in;
	jose_err	err;
	Jsonb	   *jb;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	jose_err_clear(&err);
	if (jose_inspect(ws, VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token), &limits, &in, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&ws->header, &jb, &err) != JOSE_OK)
		glue_raise(&err);
	values[0] = JsonbPGetDatum(jb);
	values[3] = CStringGetTextDatum(in.form == JOSE_FORM_JWE ? "JWE" : "JWS");
	if (in.form == JOSE_FORM_JWS)
	{
		bytea	   *sig = palloc(VARHDRSZ + in.signature_len);

		/* a payload of JSON that the database cannot hold is shown as base64url only */
		if (in.payload_is_json && glue_tree_to_jsonb(&ws->claims, &jb, &err) == JOSE_OK)
		{
			values[1] = JsonbPGetDatum(jb);
			nulls[1] = false;
		}
		SET_VARSIZE(sig, VARHDRSZ + in.signature_len);
		memcpy(VARDATA(sig), in.signature, in.signature_len);
		values[2] = PointerGetDatum(sig);
		nulls[2] = false;
		values[4] = PointerGetDatum(cstring_to_text_with_len(in.payload_b64, (int) in.payload_b64_len));
		nulls[4] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
