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
 * SQLITE_TOOBIG for an input over a limit, SQLITE_NOMEM for memory,
 * SQLITE_INTERRUPT for work stopped by sqlite3_interrupt(),
 * SQLITE_CONSTRAINT for a keyring row that breaks a rule (PostgreSQL's
 * 23502 and 23514), and SQLITE_ERROR for the rest.  Texts never hold key
 * material or a token.
 *
 * Before an error is raised the connection's workspace is wiped, as the
 * PostgreSQL glue does: a check that failed after a decryption must not
 * leave the plaintext behind.
 *
 * src/sqlite/errors.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdio.h>

/* The SQLite result code a status maps to, by its kind (the core sorts the statuses). */
static int
status_code(jose_status status)
{
	switch (jose_status_class_of(status))
	{
		case JOSE_CLASS_REJECTED:
			return SQLITE_AUTH;
		case JOSE_CLASS_LIMIT:
			return SQLITE_TOOBIG;
		case JOSE_CLASS_NOMEM:
			return SQLITE_NOMEM;
		case JOSE_CLASS_INTERRUPTED:
			return SQLITE_INTERRUPT;
		case JOSE_CLASS_ROW_NULL:
		case JOSE_CLASS_ROW:
			return SQLITE_CONSTRAINT;
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
		case JOSE_E_KEYRING:
			return "Create it with src/sqlite/jwt_keyring.sql (README, \"SQLite\").";
		default:
			return NULL;
	}
}

/* Raise err with a hint sentence (NULL: the status's own, if any), wiping the workspace first. */
void
sq_error_hint(sqlite3_context *ctx, const jose_err *err, const char *hint)
{
	char		msg[JOSE_ERR_DETAIL_MAX + 256];
	int			code = status_code(err->status);

	if (hint == NULL)
		hint = status_hint(err->status);

	jose_workspace_wipe(&sq_conn_of(ctx)->ws);
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
	sq_error_hint(ctx, err, NULL);
}

/* Raise "out of memory". */
void
sq_error_nomem(sqlite3_context *ctx)
{
	jose_workspace_wipe(&sq_conn_of(ctx)->ws);
	sqlite3_result_error_nomem(ctx);
}
