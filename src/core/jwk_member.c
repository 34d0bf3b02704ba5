/*-------------------------------------------------------------------------
 *
 * jwk_member.c
 *		Reading the base64url members of a JWK.
 *
 * Shared by the loaders of every key type (jwk.c for oct, jwk_pkey.c for
 * RSA, EC and OKP), so it sits apart from both.
 *
 * src/core/jwk_member.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwk_member.h"
#include "b64url.h"

#include <stdlib.h>

/* Decode a base64url member into a fresh buffer (wiped and freed by caller). */
jose_status
jose_jwk_member_bytes(const jose_json *doc, uint32_t obj, const char *name, bool required,
					  unsigned char **out, size_t *outlen, jose_err *err)
{
	uint32_t	v = jose_json_member(doc, obj, name);
	const char *text;
	size_t		len;
	unsigned char *buf;

	*out = NULL;
	*outlen = 0;
	if (v == JOSE_JSON_NONE)
	{
		if (required)
			return jose_fail(err, JOSE_E_KEY, "The JWK has no \"%s\" member.", name);
		return JOSE_OK;
	}
	if (doc->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_KEY, "The JWK member \"%s\" is not a string.", name);
	text = jose_json_text(doc, v);
	len = doc->nodes[v].len;
	buf = malloc(JOSE_B64URL_DECODED_MAX(len) + 1);
	if (buf == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key member.");
	if (!jose_b64url_decode(text, len, buf, outlen))
	{
		free(buf);
		return jose_fail(err, JOSE_E_KEY,
						 "The JWK member \"%s\" is not valid base64url.", name);
	}
	*out = buf;
	return JOSE_OK;
}
