/*-------------------------------------------------------------------------
 *
 * status.c
 *		Texts of the JOSE core's status codes, and the error record.
 *
 * The summary texts are part of the product's interface: hosts use them as
 * their primary error message, and tests pin them.  Change one only with
 * a release note.
 *
 * src/core/status.c
 *
 *-------------------------------------------------------------------------
 */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_messages[JOSE_STATUS_COUNT] = {
	[JOSE_OK] = "no error",
	[JOSE_E_MALFORMED] = "malformed token",
	[JOSE_E_IS_JWE] = "token is a JWE, not a JWS",
	[JOSE_E_IS_JWS] = "token is a JWS, not a JWE",
	[JOSE_E_BASE64] = "malformed base64url in token",
	[JOSE_E_JSON] = "malformed JSON in token",
	[JOSE_E_HEADER] = "invalid token header",
	[JOSE_E_ALG_NONE] = "algorithm \"none\" is not allowed",
	[JOSE_E_ALG_UNSUPPORTED] = "unsupported algorithm",
	[JOSE_E_ALG_NOT_ALLOWED] = "algorithm not allowed",
	[JOSE_E_KEY] = "invalid key",
	[JOSE_E_KEY_NOT_FOUND] = "no matching key",
	[JOSE_E_SIGNATURE] = "signature verification failed",
	[JOSE_E_CLAIM] = "invalid claim",
	[JOSE_E_EXPIRED] = "token has expired",
	[JOSE_E_NOT_YET_VALID] = "token is not yet valid",
	[JOSE_E_ISSUED_IN_FUTURE] = "token was issued in the future",
	[JOSE_E_AUDIENCE] = "audience mismatch",
	[JOSE_E_ISSUER] = "issuer mismatch",
	[JOSE_E_MISSING_CLAIM] = "missing required claim",
	[JOSE_E_TYPE] = "token type mismatch",
	[JOSE_E_CRIT] = "unsupported critical header parameter",
	[JOSE_E_DECRYPT] = "decryption failed",
	[JOSE_E_UNSUPPORTED] = "unsupported feature",
	[JOSE_E_LIMIT] = "input exceeds a limit",
	[JOSE_E_ARGUMENT] = "invalid argument",
	[JOSE_E_CRYPTO] = "cryptographic library failure",
	[JOSE_E_NOMEM] = "out of memory",
	[JOSE_E_INTERRUPTED] = "canceled",
	[JOSE_E_ROW_NULL] = "invalid keyring row",
	[JOSE_E_ROW] = "invalid keyring row",
	[JOSE_E_KEYRING] = "keyring unavailable",
	[JOSE_E_KEYRING_PERMISSION] = "permission denied to use keyring keys",
	[JOSE_E_CALLER] = "permission denied to change the session's claims here",
	[JOSE_E_SCOPE] = "session scope is not allowed",
	[JOSE_E_ROLE] = "permission denied to set role",
	[JOSE_E_FORWARDED] = "forwarded claims refused",
	[JOSE_E_CLUSTER] = "cluster secret unavailable",
	[JOSE_E_CLUSTER_PERMISSION] = "permission denied to use the cluster secret",
	[JOSE_E_NO_BLOCK] = "claims cannot reach the Citus workers outside a transaction block",
	[JOSE_E_REVOKED] = "token has been revoked",
	[JOSE_E_REVOCATION_STORE] = "revocation store unavailable",
};

/* Record a failure in err (which may be NULL) and return the status. */
jose_status
jose_fail(jose_err *err, jose_status status, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return status;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return status;
}

/* Reset err to "no error". */
void
jose_err_clear(jose_err *err)
{
	if (err == NULL)
		return;
	err->status = JOSE_OK;
	err->detail[0] = '\0';
}

/* Write untrusted text into out, quoted, escaped and bounded. */
const char *
jose_quote(const char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t		o = 0;
	size_t		n = len > 64 ? 64 : len;

	out[o++] = '"';
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			out[o++] = '\\';
			out[o++] = (char) c;
		}
		else if (c >= 0x20 && c < 0x7F)
			out[o++] = (char) c;
		else
		{
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0x0F];
		}
	}
	out[o++] = '"';
	if (n < len)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* The fixed, lowercase summary of a status. */
const char *
jose_status_message(jose_status status)
{
	if ((int) status < 0 || status >= JOSE_STATUS_COUNT ||
		status_messages[status] == NULL)
		return "unknown error";
	return status_messages[status];
}

/* The kind of failure a status is. */
jose_status_class
jose_status_class_of(jose_status status)
{
	switch (status)
	{
		case JOSE_OK:
			return JOSE_CLASS_NONE;
		case JOSE_E_MALFORMED:
		case JOSE_E_IS_JWE:
		case JOSE_E_IS_JWS:
		case JOSE_E_BASE64:
		case JOSE_E_JSON:
		case JOSE_E_HEADER:
		case JOSE_E_CLAIM:
			return JOSE_CLASS_MALFORMED;
		case JOSE_E_ALG_NONE:
		case JOSE_E_ALG_UNSUPPORTED:
		case JOSE_E_ALG_NOT_ALLOWED:
		case JOSE_E_KEY:
		case JOSE_E_ARGUMENT:
			return JOSE_CLASS_INVALID;
		case JOSE_E_KEY_NOT_FOUND:
		case JOSE_E_SIGNATURE:
		case JOSE_E_EXPIRED:
		case JOSE_E_NOT_YET_VALID:
		case JOSE_E_ISSUED_IN_FUTURE:
		case JOSE_E_AUDIENCE:
		case JOSE_E_ISSUER:
		case JOSE_E_MISSING_CLAIM:
		case JOSE_E_TYPE:
		case JOSE_E_DECRYPT:
		case JOSE_E_FORWARDED:
		case JOSE_E_REVOKED:
			return JOSE_CLASS_REJECTED;
		case JOSE_E_CRIT:
		case JOSE_E_UNSUPPORTED:
			return JOSE_CLASS_UNSUPPORTED;
		case JOSE_E_LIMIT:
			return JOSE_CLASS_LIMIT;
		case JOSE_E_NOMEM:
			return JOSE_CLASS_NOMEM;
		case JOSE_E_INTERRUPTED:
			return JOSE_CLASS_INTERRUPTED;
		case JOSE_E_ROW_NULL:
			return JOSE_CLASS_ROW_NULL;
		case JOSE_E_ROW:
			return JOSE_CLASS_ROW;
		case JOSE_E_KEYRING:
		case JOSE_E_CLUSTER:
		case JOSE_E_REVOCATION_STORE:
			return JOSE_CLASS_SETUP;
		case JOSE_E_KEYRING_PERMISSION:
		case JOSE_E_CALLER:
		case JOSE_E_SCOPE:
		case JOSE_E_ROLE:
		case JOSE_E_CLUSTER_PERMISSION:
			return JOSE_CLASS_PRIVILEGE;
		case JOSE_E_NO_BLOCK:
			return JOSE_CLASS_NO_BLOCK;
		case JOSE_E_CRYPTO:
		case JOSE_STATUS_COUNT:
			break;
	}
	return JOSE_CLASS_INTERNAL;
}
