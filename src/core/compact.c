/*-------------------------------------------------------------------------
 *
 * compact.c
 *		Splitting a compact JWS or JWE into its segments.
 *
 * The size limit comes before anything else, so that an oversized token
 * costs nothing; the periods are found with memchr, and the search stops
 * at the sixth segment, so a token of periods is bounded work too.
 *
 * src/core/compact.c
 *
 *-------------------------------------------------------------------------
 */
#include "compact.h"

#include <stdbool.h>
#include <string.h>

/* Split a compact token into its segments, refusing the wrong kind. */
jose_status
jose_compact_split(const char *token, size_t len, const jose_limits *limits,
				   unsigned forms, jose_compact *out, jose_err *err)
{
	const char *end = token + len;
	bool		jws = forms == 0 || (forms & JOSE_FORM_JWS);
	bool		jwe = forms == 0 || (forms & (JOSE_FORM_JWE | JOSE_FORM_NESTED));
	int			n = 1;

	out->count = 0;
	if (len > limits->max_token_size)
		return jose_fail(err, JOSE_E_LIMIT,
						 "The token is %zu bytes; the limit is %zu (token_ext.max_token_size).",
						 len, limits->max_token_size);
	if (len == 0)
		return jose_fail(err, JOSE_E_MALFORMED, "The token is empty.");

	/* n counts segments; a sixth is only counted, never recorded */
	out->seg[0] = token;
	for (const char *p = token; n <= 5;)
	{
		const char *dot = memchr(p, '.', (size_t) (end - p));

		if (dot == NULL)
			break;
		if (n < 5)
		{
			out->len[n - 1] = (size_t) (dot - out->seg[n - 1]);
			out->seg[n] = dot + 1;
		}
		n++;
		p = dot + 1;
	}

	if (n == 5 && !jwe)
		return jose_fail(err, JOSE_E_IS_JWE,
						 "The token has five segments, the form of an encrypted token (JWE).");
	if (n == 3 && !jws)
		return jose_fail(err, JOSE_E_IS_JWS,
						 "The token has three segments, the form of a signed token (JWS).");
	if (n != 3 && n != 5)
	{
		if (!jwe)
			return jose_fail(err, JOSE_E_MALFORMED,
							 "A compact JWS has three base64url segments separated by periods.");
		if (!jws)
			return jose_fail(err, JOSE_E_MALFORMED,
							 "A compact JWE has five base64url segments separated by periods.");
		return jose_fail(err, JOSE_E_MALFORMED,
						 "A compact token has three (JWS) or five (JWE) base64url segments separated by periods.");
	}
	out->len[n - 1] = (size_t) (end - out->seg[n - 1]);
	if (out->len[0] == 0)
		return jose_fail(err, JOSE_E_MALFORMED, "The token's header segment is empty.");
	out->count = n;
	return JOSE_OK;
}
