/*-------------------------------------------------------------------------
 *
 * errors.c
 *		The one map from core statuses to SQLite error codes, and raising.
 *
 * An error's text is the PostgreSQL extension's primary message (the
 * core's fixed summary of the status), then ": " and the detail sentence
 * when there is one, then, for a few statuses, a hint sentence:
 *
 *	token has expired: The token expired at 2023-11-14 22:13:20 UTC.
 *
 * The primary message is the text before the first ": ", which a caller
 * can match on exactly.  The code is SQLITE_AUTH for a token that is
 * well formed but not acceptable (PostgreSQL's SQLSTATE class 28),
 * SQLITE_TOOBIG for an input over a limit, SQLITE_NOMEM for memory, and
 * SQLITE_ERROR for the rest.  Texts never hold key material or a token.
 *
 * src/sqlite/errors.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdarg.h>
#include <stdio.h>

/* The SQLite result code a status maps to. */
static int
status_code(jose_status status)
{
	switch (status)
	{
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
			return SQLITE_AUTH;
		case JOSE_E_LIMIT:
			return SQLITE_TOOBIG;
		case JOSE_E_NOMEM:
			return SQLITE_NOMEM;
		default:
			return SQLITE_ERROR;
	}
}

/* A hint for statuses where the fix is not obvious from the detail. */
static const char *
status_hint(jose_status status)
{
	switch (status)
	{
		case JOSE_E_IS_JWE:
			return "Encrypted tokens are read with jwt_decrypt().";
		case JOSE_E_IS_JWS:
			return "Signed tokens are read with jwt_verify().";
		default:
			return NULL;
	}
}

/* Raise err with an explicit hint sentence (NULL: none). */
void
sq_error_hint(sqlite3_context *ctx, const jose_err *err, const char *hint)
{
	char		msg[JOSE_ERR_DETAIL_MAX + 256];
	int			code = status_code(err->status);

	if (code == SQLITE_NOMEM)
	{
		sqlite3_result_error_nomem(ctx);
		return;
	}
	snprintf(msg, sizeof(msg), "%s%s%s%s%s", jose_status_message(err->status),
			 err->detail[0] ? ": " : "", err->detail,
			 hint ? (err->detail[0] ? " " : ": ") : "", hint ? hint : "");
	sqlite3_result_error(ctx, msg, -1);
	if (code != SQLITE_ERROR)
		sqlite3_result_error_code(ctx, code);
}

/* Raise the error recorded in err. */
void
sq_error(sqlite3_context *ctx, const jose_err *err)
{
	sq_error_hint(ctx, err, status_hint(err->status));
}

/* Raise "out of memory". */
void
sq_error_nomem(sqlite3_context *ctx)
{
	sqlite3_result_error_nomem(ctx);
}

/* Record an invalid argument (a caller's mistake) in err. */
jose_status
sq_fail_argument(jose_err *err, const char *fmt,...)
{
	va_list		ap;

	err->status = JOSE_E_ARGUMENT;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return JOSE_E_ARGUMENT;
}
