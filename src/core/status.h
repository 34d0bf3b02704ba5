/*-------------------------------------------------------------------------
 *
 * status.h
 *		Status codes and the error record of the JOSE core.
 *
 * The core never raises: every function returns a jose_status and, on
 * failure, fills a caller-owned jose_err with a short detail sentence.  The
 * host (the PostgreSQL glue, a unit test) maps the status to its own error
 * reporting.  Details never contain key material or whole tokens.
 *
 * src/core/status.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_STATUS_H
#define JOSE_STATUS_H

#include <stddef.h>

typedef enum jose_status
{
	JOSE_OK = 0,
	JOSE_E_MALFORMED,			/* wrong number or shape of segments */
	JOSE_E_IS_JWE,				/* a JWE was given where a JWS was expected */
	JOSE_E_IS_JWS,				/* a JWS was given where a JWE was expected */
	JOSE_E_BASE64,				/* a segment is not strict base64url */
	JOSE_E_JSON,				/* header or payload is not strict JSON */
	JOSE_E_HEADER,				/* header JSON is valid but its members are not */
	JOSE_E_ALG_NONE,			/* "none" was asked for */
	JOSE_E_ALG_UNSUPPORTED,		/* algorithm name unknown to token_ext */
	JOSE_E_ALG_NOT_ALLOWED,		/* token's algorithm is not an allowed one */
	JOSE_E_KEY,					/* invalid, weak or mismatched key */
	JOSE_E_KEY_NOT_FOUND,		/* no key of a set fits the token */
	JOSE_E_SIGNATURE,			/* signature or MAC does not verify */
	JOSE_E_CLAIM,				/* a registered claim has the wrong type */
	JOSE_E_EXPIRED,				/* exp is in the past */
	JOSE_E_NOT_YET_VALID,		/* nbf is in the future */
	JOSE_E_ISSUED_IN_FUTURE,	/* iat is in the future */
	JOSE_E_AUDIENCE,			/* aud does not name the expected audience */
	JOSE_E_ISSUER,				/* iss is not the expected issuer */
	JOSE_E_MISSING_CLAIM,		/* a required claim is absent */
	JOSE_E_TYPE,				/* header typ is not the expected type */
	JOSE_E_CRIT,				/* unsupported critical header parameter */
	JOSE_E_DECRYPT,				/* any cryptographic failure of a decryption */
	JOSE_E_UNSUPPORTED,			/* a recognised feature token_ext refuses */
	JOSE_E_LIMIT,				/* an input is over a documented limit */
	JOSE_E_ARGUMENT,			/* the caller passed an invalid option */
	JOSE_E_CRYPTO,				/* OpenSSL failed where it should not */
	JOSE_E_NOMEM,				/* out of memory */
	JOSE_E_INTERRUPTED,			/* the host asked the work to stop */
	JOSE_E_ROW_NULL,			/* a keyring row lacks a required column */
	JOSE_E_ROW,					/* a keyring row breaks a rule of its table */
	JOSE_E_KEYRING,				/* the host's keyring table is missing or altered */
	JOSE_E_KEYRING_PERMISSION,	/* the caller may not use the keyring's keys */
	JOSE_E_CALLER,				/* identity changes from code the session did not run */
	JOSE_E_SCOPE,				/* session scope asked for where it is not allowed */
	JOSE_E_ROLE,				/* a role claim names a role the session may not become */
	JOSE_E_FORWARDED,			/* a forwarded-claims record is refused (forward.h) */
	JOSE_E_CLUSTER,				/* the cluster secret is missing or cannot be used */
	JOSE_E_CLUSTER_PERMISSION,	/* the caller may not use the cluster secret */
	JOSE_E_NO_BLOCK,			/* claims cannot reach Citus workers outside a transaction block */
	JOSE_E_REVOKED,				/* the token is in the host's revocation store */
	JOSE_E_REVOCATION_STORE,	/* the host's revocation table is missing or altered */
	JOSE_STATUS_COUNT
} jose_status;

/* Longest detail sentence kept in a jose_err, including the terminator. */
#define JOSE_ERR_DETAIL_MAX 512

typedef struct jose_err
{
	jose_status status;
	char		detail[JOSE_ERR_DETAIL_MAX];
} jose_err;

/* Record a failure in err (which may be NULL) and return the status. */
extern jose_status jose_fail(jose_err *err, jose_status status,
							 const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Reset err to "no error". */
extern void jose_err_clear(jose_err *err);

/*
 * Write untrusted text (a kid, a name from a token) into out, quoted, with
 * quotes, backslashes and non-printable bytes escaped and at most 64 bytes
 * of it kept ("..." marks a cut), for a detail sentence.  out must hold
 * JOSE_QUOTE_MAX bytes.  Returns out.
 */
#define JOSE_QUOTE_MAX 272
extern const char *jose_quote(const char *s, size_t len, char *out);

/* The fixed, lowercase summary of a status ("signature verification failed"). */
extern const char *jose_status_message(jose_status status);

/*
 * The kinds of failure, for a host that maps statuses to its own error
 * codes (PostgreSQL: one SQLSTATE each; SQLite: a result code each), so
 * that every host sorts every status alike and a new status is sorted once.
 */
typedef enum jose_status_class
{
	JOSE_CLASS_NONE,			/* JOSE_OK */
	JOSE_CLASS_MALFORMED,		/* the input is no well-formed token (22P02) */
	JOSE_CLASS_INVALID,			/* an argument, key or algorithm is unfit (22023) */
	JOSE_CLASS_REJECTED,		/* a well-formed token is not acceptable (28000) */
	JOSE_CLASS_UNSUPPORTED,		/* a feature token_ext refuses (0A000) */
	JOSE_CLASS_LIMIT,			/* an input over a limit (54000) */
	JOSE_CLASS_NOMEM,			/* out of memory (53200) */
	JOSE_CLASS_INTERRUPTED,		/* the host asked the work to stop (57014) */
	JOSE_CLASS_ROW_NULL,		/* a keyring row lacks a column (23502) */
	JOSE_CLASS_ROW,				/* a keyring row breaks a rule (23514) */
	JOSE_CLASS_SETUP,			/* the host's keyring is missing or altered (55000) */
	JOSE_CLASS_PRIVILEGE,		/* the caller may not do this (42501) */
	JOSE_CLASS_NO_BLOCK,		/* it needs a transaction block (25P01) */
	JOSE_CLASS_INTERNAL			/* the cryptographic library failed (38000) */
} jose_status_class;

/* The kind of failure a status is. */
extern jose_status_class jose_status_class_of(jose_status status);

#endif							/* JOSE_STATUS_H */
