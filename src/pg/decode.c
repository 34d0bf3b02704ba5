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

PG_FUNCTION_INFO_V1(jwt_decode);

/* SQL function: jwt.decode(token text) returns (header jsonb, payload jsonb, signature bytea) */
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
