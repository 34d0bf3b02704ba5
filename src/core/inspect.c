/*-------------------------------------------------------------------------
 *
 * inspect.c
 *		Looking at a token without verifying anything.
 *
 * src/core/inspect.c
 *
 *-------------------------------------------------------------------------
 */
#include "inspect.h"
#include "b64url.h"
#include "compact.h"
#include "json.h"

#include <string.h>

/* Decode a JWE's protected header segment into ws->header: a JSON object. */
static jose_status
jwe_header(jose_workspace *ws, const jose_compact *c, const jose_limits *limits, jose_err *err)
{
	jose_json_limits jl = {limits->max_json_depth, limits->max_json_values};
	size_t		n = 0;
	jose_status st;

	jose_buf_reset(&ws->scratch);
	if (!jose_buf_reserve(&ws->scratch, c->len[0] / 4 * 3 + 3))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the header.");
	if (!jose_b64url_decode(c->seg[0], c->len[0], (unsigned char *) ws->scratch.data, &n))
		return jose_fail(err, JOSE_E_BASE64, "The protected header is not strict base64url.");
	st = jose_json_parse(&ws->header, ws->scratch.data, n, &jl, "header", err);
	if (st == JOSE_OK && ws->header.nodes[0].type != JOSE_JSON_OBJECT)
		st = jose_fail(err, JOSE_E_HEADER, "The protected header is not a JSON object.");
	return st;
}

/* Split, decode the header, and for a JWS the payload and signature. */
jose_status
jose_inspect(jose_workspace *ws, const char *token, size_t len, const jose_limits *limits,
			 jose_inspection *out, jose_err *err)
{
	jose_json_limits jl = {limits->max_json_depth, limits->max_json_values};
	jose_compact c;
	jose_jws	jws;
	jose_err	ignored;
	jose_status st;

	memset(out, 0, sizeof(*out));
	st = jose_compact_split(token, len, limits, 0, &c, err);
	if (st != JOSE_OK)
		return st;
	if (c.count == 5)
	{
		out->form = JOSE_FORM_JWE;
		return jwe_header(ws, &c, limits, err);
	}
	out->form = JOSE_FORM_JWS;
	st = jose_jws_parse(ws, token, len, limits, true, &jws, err);
	if (st != JOSE_OK)
		return st;
	out->payload_b64 = jws.segment[1];
	out->payload_b64_len = jws.segment_len[1];
	out->signature = jws.signature;
	out->signature_len = jws.signature_len;
	/* any strict JSON value is shown as JSON; anything else as base64url only */
	out->payload_is_json = jose_json_parse(&ws->claims, (const char *) jws.payload, jws.payload_len,
										   &jl, "payload", &ignored) == JOSE_OK;
	return JOSE_OK;
}
