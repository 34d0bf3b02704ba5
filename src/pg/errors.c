/*-------------------------------------------------------------------------
 *
 * errors.c
 *		The one map from core statuses to SQLSTATEs, and raising them.
 *
 * Every error token_ext reports goes through here, so the SQLSTATE table
 * in README.md is this switch.  Messages are the core's fixed summaries;
 * the detail says which check failed and never holds key material or a
 * whole token.
 *
 * src/pg/errors.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdarg.h>

#include "miscadmin.h"

/* The SQLSTATE a status maps to. */
int
glue_sqlstate(jose_status status)
{
	switch (status)
	{
		case JOSE_E_MALFORMED:
		case JOSE_E_IS_JWE:
		case JOSE_E_IS_JWS:
		case JOSE_E_BASE64:
		case JOSE_E_JSON:
		case JOSE_E_HEADER:
		case JOSE_E_CLAIM:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case JOSE_E_ALG_NONE:
		case JOSE_E_ALG_UNSUPPORTED:
		case JOSE_E_ALG_NOT_ALLOWED:
		case JOSE_E_KEY:
		case JOSE_E_ARGUMENT:
			return ERRCODE_INVALID_PARAMETER_VALUE;
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
		case JOSE_E_REVOKED:
			return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
		case JOSE_E_CRIT:
		case JOSE_E_UNSUPPORTED:
			return ERRCODE_FEATURE_NOT_SUPPORTED;
		case JOSE_E_LIMIT:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case JOSE_E_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case JOSE_E_INTERRUPTED:
			return ERRCODE_QUERY_CANCELED;
		case JOSE_E_ROW_NULL:
			return ERRCODE_NOT_NULL_VIOLATION;
		case JOSE_E_ROW:
			return ERRCODE_CHECK_VIOLATION;
		case JOSE_E_KEYRING:
		case JOSE_E_REVOCATION_STORE:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		case JOSE_E_KEYRING_PERMISSION:
		case JOSE_E_CALLER:
		case JOSE_E_SCOPE:
		case JOSE_E_ROLE:
			return ERRCODE_INSUFFICIENT_PRIVILEGE;
		case JOSE_E_CRYPTO:
		case JOSE_OK:
		case JOSE_STATUS_COUNT:
			break;
	}
	return ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION;
}

/* A hint for statuses where the fix is not obvious from the detail. */
static const char *
status_hint(jose_status status)
{
	switch (status)
	{
		case JOSE_E_IS_JWE:
			return "Encrypted tokens are read with jwt.decrypt().";
		case JOSE_E_IS_JWS:
			return "Signed tokens are read with jwt.verify().";
		case JOSE_E_KEYRING:
			return "CREATE EXTENSION token_ext creates jwt.keyring; ALTER EXTENSION token_ext UPDATE repairs an old one.";
		case JOSE_E_REVOCATION_STORE:
			return "CREATE EXTENSION token_ext creates jwt.revocation; ALTER EXTENSION token_ext UPDATE adds it to an older installation.";
		case JOSE_E_KEYRING_PERMISSION:
			return "Sign inside a SECURITY DEFINER function owned by the keyring's owner.";
		case JOSE_E_CALLER:
			return "Call it from the application's own statements, at the start of the transaction.";
		case JOSE_E_SCOPE:
			return "A superuser can allow it with token_ext.claims_scope = 'session'.";
		default:
			return NULL;
	}
}

/* Raise err with sqlstate (0: the status's) and hint (NULL: the status's, if any). */
static void raise_error(const jose_err *err, int sqlstate, const char *hint) pg_attribute_noreturn();

static void
raise_error(const jose_err *err, int sqlstate, const char *hint)
{
	if (hint == NULL)
		hint = status_hint(err->status);

	/*
	 * The core stopped because a cancel request or statement_timeout is
	 * pending: let PostgreSQL report it as it always does.
	 */
	if (err->status == JOSE_E_INTERRUPTED)
		CHECK_FOR_INTERRUPTS();

	/* a failed check after a decryption must not leave its plaintext behind */
	glue_workspace_wipe();

	ereport(ERROR,
			(errcode(sqlstate ? sqlstate : glue_sqlstate(err->status)),
			 errmsg("%s", jose_status_message(err->status)),
			 err->detail[0] ? errdetail("%s", err->detail) : 0,
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* Raise the error recorded in err, with hint (NULL: the status's own, if any). */
void
glue_raise_hint(const jose_err *err, const char *hint)
{
	raise_error(err, 0, hint);
}

/*
 * Raise the error recorded in err under another SQLSTATE: the message and
 * detail stay the map's, for a caller with its own contract (PostgREST
 * turns PT401 into HTTP 401).
 */
void
glue_raise_as(const jose_err *err, int sqlstate)
{
	raise_error(err, sqlstate, NULL);
}

/* Raise the error recorded in err. */
void
glue_raise(const jose_err *err)
{
	glue_raise_hint(err, NULL);
}

/*
 * Raise status with a detail sentence made from fmt: for conditions the
 * glue finds itself (a bad argument, a NULL where a value is needed), so
 * that they too take their SQLSTATE and message from the map.
 */
void
glue_raise_status(jose_status status, const char *fmt,...)
{
	jose_err	err;
	va_list		ap;

	err.status = status;
	va_start(ap, fmt);
	vsnprintf(err.detail, sizeof(err.detail), fmt, ap);
	va_end(ap);
	glue_raise_hint(&err, NULL);
}
