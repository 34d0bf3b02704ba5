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

/* The SQLSTATE a status maps to: one per kind of failure (the core sorts the statuses). */
int
glue_sqlstate(jose_status status)
{
	switch (jose_status_class_of(status))
	{
		case JOSE_CLASS_MALFORMED:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case JOSE_CLASS_INVALID:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case JOSE_CLASS_REJECTED:
			return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION;
		case JOSE_CLASS_UNSUPPORTED:
			return ERRCODE_FEATURE_NOT_SUPPORTED;
		case JOSE_CLASS_LIMIT:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case JOSE_CLASS_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case JOSE_CLASS_INTERRUPTED:
			return ERRCODE_QUERY_CANCELED;
		case JOSE_CLASS_ROW_NULL:
			return ERRCODE_NOT_NULL_VIOLATION;
		case JOSE_CLASS_ROW:
			return ERRCODE_CHECK_VIOLATION;
		case JOSE_CLASS_SETUP:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		case JOSE_CLASS_PRIVILEGE:
			return ERRCODE_INSUFFICIENT_PRIVILEGE;
		case JOSE_CLASS_NO_BLOCK:
			return ERRCODE_NO_ACTIVE_SQL_TRANSACTION;
		case JOSE_CLASS_NONE:
		case JOSE_CLASS_INTERNAL:
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
		case JOSE_E_CLUSTER:
			return "A superuser runs SELECT * FROM jwt.citus_setup() on the Citus coordinator.";
		case JOSE_E_NO_BLOCK:
			return "Run jwt.authenticate() and the statements that use its claims inside BEGIN ... COMMIT.";
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

/*
 * Report the condition recorded in err as a WARNING, with the SQLSTATE,
 * message and hint the map gives its status: for refusals that must not
 * stop the statement (a forwarded value a policy's reader refuses).
 */
void
glue_warn(const jose_err *err)
{
	const char *hint = status_hint(err->status);

	ereport(WARNING,
			(errcode(glue_sqlstate(err->status)),
			 errmsg("%s", jose_status_message(err->status)),
			 err->detail[0] ? errdetail("%s", err->detail) : 0,
			 hint ? errhint("%s", hint) : 0));
}
