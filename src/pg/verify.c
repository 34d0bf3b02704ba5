/*-------------------------------------------------------------------------
 *
 * verify.c
 *		SQL functions that check a JWS: jwt.verify, jwt.try_verify,
 *		jwt.verify_raw.
 *
 * Arguments, in order: token, key, alg (allowed algorithms), audience,
 * issuer, leeway, required, at, typ.  All but token and key may be NULL
 * (meaning their default), which is why these functions are not STRICT.
 *
 * src/pg/verify.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(jwt_verify);
PG_FUNCTION_INFO_V1(jwt_try_verify);
PG_FUNCTION_INFO_V1(jwt_verify_raw);

#define ARG_TOKEN 0
#define ARG_KEY 1
#define ARG_ALG 2
#define ARG_AUDIENCE 3
#define ARG_ISSUER 4
#define ARG_LEEWAY 5
#define ARG_REQUIRED 6
#define ARG_AT 7
#define ARG_TYP 8

/* The key and policy of one verification, read from the arguments. */
typedef struct verify_args
{
	jose_keyset *keys;
	jose_token_policy policy;
} verify_args;

/* Seconds in an interval, as EXTRACT(epoch) counts them. */
static double
interval_seconds(const Interval *iv)
{
	return (double) iv->time / 1000000.0 + (double) iv->day * SECS_PER_DAY +
		(double) iv->month * DAYS_PER_MONTH * SECS_PER_DAY;
}

/*
 * Unix seconds of a timestamptz.  The open ends are infinite, not the
 * finite arithmetic of their sentinels: infinity minus the epoch overflows
 * int64, and a key valid until 'infinity' would read as long expired.
 */
double
glue_unix_seconds(TimestampTz t)
{
	if (TIMESTAMP_IS_NOBEGIN(t))
		return -HUGE_VAL;
	if (TIMESTAMP_IS_NOEND(t))
		return HUGE_VAL;
	return (double) (t - GLUE_UNIX_EPOCH) / 1000000.0;
}

/* A text argument as pointer and length, or NULL when the argument is NULL. */
const char *
glue_text_arg(FunctionCallInfo fcinfo, int argno, size_t *len)
{
	text	   *t;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	t = PG_GETARG_TEXT_PP(argno);
	*len = VARSIZE_ANY_EXHDR(t);
	return VARDATA_ANY(t);
}

/* Read the names of the required claims from a text[] argument. */
static void
required_arg(FunctionCallInfo fcinfo, int argno, jose_claims_opts *o)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	const char **names;
	size_t	   *lens;

	o->n_required = 0;
	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		glue_raise_status(JOSE_E_ARGUMENT, "The required claims must be a one-dimensional array.");
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	names = palloc(sizeof(char *) * (n + 1));
	lens = palloc(sizeof(size_t) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			glue_raise_status(JOSE_E_ARGUMENT, "The required claims may not contain NULL.");
		t = DatumGetTextPP(elems[i]);
		names[i] = VARDATA_ANY(t);
		lens[i] = VARSIZE_ANY_EXHDR(t);
	}
	o->required = names;
	o->required_len = lens;
	o->n_required = (size_t) n;
}

/*
 * Read the claim options audience, issuer, leeway, required and at from
 * arguments first .. first + 4 (each NULL for its default).
 */
void
glue_claims_args(FunctionCallInfo fcinfo, int first, jose_claims_opts *o)
{
	TimestampTz at;

	memset(o, 0, sizeof(*o));
	o->audience = glue_text_arg(fcinfo, first, &o->audience_len);
	o->issuer = glue_text_arg(fcinfo, first + 1, &o->issuer_len);
	if (!PG_ARGISNULL(first + 2))
	{
		Interval   *iv = PG_GETARG_INTERVAL_P(first + 2);
		double		s = interval_seconds(iv);
		jose_err	err;

		if (jose_check_leeway(s, &err) != JOSE_OK)
			glue_raise(&err);
		o->leeway = s;
	}
	required_arg(fcinfo, first + 3, o);

	/* default: the transaction's start, the same instant as now() */
	at = PG_ARGISNULL(first + 4) ? GetCurrentTransactionStartTimestamp()
		: PG_GETARG_TIMESTAMPTZ(first + 4);
	if (TIMESTAMP_NOT_FINITE(at))
		glue_raise_status(JOSE_E_ARGUMENT, "The check time must be finite.");
	o->now = glue_unix_seconds(at);
}

/*
 * Read every option argument that the function has into a policy that
 * reads signed tokens: claims (jwt) or the raw payload (verify_raw).
 */
static void
read_verify_args(FunctionCallInfo fcinfo, verify_args *a, bool jwt)
{
	jose_token_policy *p = &a->policy;

	memset(a, 0, sizeof(*a));
	a->keys = glue_key_argument(fcinfo, ARG_KEY);
	p->forms = JOSE_FORM_JWS;
	p->jws_algs = glue_alg_argument(fcinfo, ARG_ALG);
	p->raw = !jwt;
	if (!jwt)
	{
		p->typ = glue_text_arg(fcinfo, 3, &p->typ_len);
		return;
	}
	glue_claims_args(fcinfo, ARG_AUDIENCE, &p->claims);
	p->typ = glue_text_arg(fcinfo, ARG_TYP, &p->typ_len);
}

/*
 * Verify the token at argument 0 under the policy of a, and, when
 * token_ext.verify_revocation asks for it, refuse claims revoked in
 * jwt.revocation at the check time.  On success the claims (unless raw)
 * are in ws->claims.  Statuses are returned, not raised.
 */
static jose_status
verify_token(FunctionCallInfo fcinfo, const verify_args *a, jose_token *tok, jose_err *err)
{
	jose_limits limits = glue_limits();
	text	   *token = PG_GETARG_TEXT_PP(ARG_TOKEN);
	jose_status st;

	jose_err_clear(err);
	st = jose_token_verify(glue_workspace(), VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token),
						   a->keys, NULL, &a->policy, &limits, tok, err);
	if (st == JOSE_OK && !a->policy.raw && token_ext_verify_revocation)
		st = glue_revocation_check(&glue_workspace()->claims, a->policy.claims.now, err);
	return st;
}

/* SQL function: jwt.verify(token text, key, ...) returns jsonb */
Datum
jwt_verify(PG_FUNCTION_ARGS)
{
	verify_args a;
	jose_token	tok;
	jose_err	err;
	Jsonb	   *claims;

	if (PG_ARGISNULL(ARG_TOKEN) || PG_ARGISNULL(ARG_KEY))
		PG_RETURN_NULL();
	read_verify_args(fcinfo, &a, true);
	if (verify_token(fcinfo, &a, &tok, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&glue_workspace()->claims, &claims, &err) != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_JSONB_P(claims);
}

/* SQL function: jwt.try_verify(token text, key, ...) returns (header, payload, valid, error) */
Datum
jwt_try_verify(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {true, true, false, true};
	verify_args a;
	jose_token	tok;
	jose_err	err;
	jose_status st;
	jose_workspace *ws;
	Jsonb	   *jb;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (PG_ARGISNULL(ARG_TOKEN) || PG_ARGISNULL(ARG_KEY))
		PG_RETURN_NULL();

	/* a bad key or option is the caller's mistake: that still raises */
	read_verify_args(fcinfo, &a, true);
	ws = glue_workspace();
	st = verify_token(fcinfo, &a, &tok, &err);

	/* an unusable key (too short for the algorithm, use/key_ops) is the caller's mistake too */
	if (st == JOSE_E_KEY)
		glue_raise(&err);

	/* the header, whenever it parsed */
	if (ws->header.n_nodes > 0 && ws->header.nodes[0].type == JOSE_JSON_OBJECT)
	{
		jose_err	herr;

		if (glue_tree_to_jsonb(&ws->header, &jb, &herr) == JOSE_OK)
		{
			values[0] = JsonbPGetDatum(jb);
			nulls[0] = false;
		}
	}

	/*
	 * The payload only once the signature verified: an unverified payload
	 * next to valid = false invites using it anyway.  Claims that failed
	 * their checks (expired, wrong audience) are shown, for diagnosis.
	 */
	if (tok.jws.key != NULL && ws->claims.n_nodes > 0 &&
		ws->claims.nodes[0].type == JOSE_JSON_OBJECT)
	{
		jose_err	perr;

		if (glue_tree_to_jsonb(&ws->claims, &jb, &perr) == JOSE_OK)
		{
			values[1] = JsonbPGetDatum(jb);
			nulls[1] = false;
		}
		else if (st == JOSE_OK)
			st = perr.status;
	}
	values[2] = BoolGetDatum(st == JOSE_OK);
	if (st != JOSE_OK)
	{
		values[3] = CStringGetTextDatum(jose_status_message(st));
		nulls[3] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* SQL function: jwt.verify_raw(token text, key, alg text, typ text) returns bytea */
Datum
jwt_verify_raw(PG_FUNCTION_ARGS)
{
	verify_args a;
	jose_token	tok;
	jose_err	err;
	bytea	   *result;

	if (PG_ARGISNULL(ARG_TOKEN) || PG_ARGISNULL(ARG_KEY))
		PG_RETURN_NULL();
	read_verify_args(fcinfo, &a, false);
	if (verify_token(fcinfo, &a, &tok, &err) != JOSE_OK)
		glue_raise(&err);
	result = palloc(VARHDRSZ + tok.payload_len);
	SET_VARSIZE(result, VARHDRSZ + tok.payload_len);
	memcpy(VARDATA(result), tok.payload, tok.payload_len);
	PG_RETURN_BYTEA_P(result);
}
