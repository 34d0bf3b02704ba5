/*-------------------------------------------------------------------------
 *
 * revocation.h
 *		A host's revoked tokens: by "jti", or every token of a subject
 *		issued before a time ("sign out everywhere").
 *
 * The host loads its revocation store into a jose_revocations once per
 * change and asks, for each verified claims set, whether it is revoked:
 * two hash look-ups, no query per request.  An entry may name an issuer;
 * without one it matches tokens of every issuer (a revocation errs on the
 * side of refusing).  A token without "iat" cannot show it was issued
 * after a subject's sign-out, so such an entry refuses it too.
 *
 * src/core/revocation.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_REVOCATION_H
#define JOSE_REVOCATION_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "status.h"

/* Kinds of revocation entries. */
#define JOSE_REVOKE_JTI 1		/* one token, by its "jti" */
#define JOSE_REVOKE_SUBJECT 2	/* every token of a "sub" issued before a time */

/* One entry as a host read it. */
typedef struct jose_revocation_row
{
	int			kind;			/* JOSE_REVOKE_* */
	const char *value;			/* the jti or the subject */
	size_t		len;
	const char *issuer;			/* NULL: tokens of any issuer */
	size_t		issuer_len;
	bool		has_before;		/* SUBJECT: false means every token of the subject */
	double		issued_before;	/* SUBJECT: Unix seconds; tokens with an earlier iat */
	bool		has_expiry;		/* false: the entry counts until it is deleted */
	double		expires_at;		/* Unix seconds from which the entry no longer counts */
} jose_revocation_row;

typedef struct jose_revocation jose_revocation;

typedef struct jose_revocations
{
	jose_revocation **buckets;
	size_t		n_buckets;		/* a power of two, or 0 when empty */
	size_t		count;
} jose_revocations;

/* Prepare an empty set. */
extern void jose_revocations_init(jose_revocations *r);

/* Add a copy of row (an empty value is ignored). */
extern jose_status jose_revocations_add(jose_revocations *r, const jose_revocation_row *row,
										jose_err *err);

/*
 * JOSE_E_REVOKED when an entry of r that still counts at now (Unix
 * seconds) matches the verified claims, else JOSE_OK.
 */
extern jose_status jose_revocation_check(const jose_revocations *r, const jose_json *claims,
										 double now, jose_err *err);

/* Free the entries. */
extern void jose_revocations_free(jose_revocations *r);

#endif							/* JOSE_REVOCATION_H */
