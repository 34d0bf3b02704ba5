/*-------------------------------------------------------------------------
 *
 * claims.h
 *		Validation of registered JWT claims (RFC 7519 section 4.1).
 *
 * src/core/claims.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_CLAIMS_H
#define JOSE_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "status.h"

/* Seconds an iat may be ahead of the check time (issuers round to seconds). */
#define JOSE_IAT_TOLERANCE 1.0

/* The largest leeway a caller may ask for: 1 day, as token_ext.leeway allows. */
#define JOSE_MAX_LEEWAY 86400

typedef struct jose_claims_opts
{
	double		now;			/* the check time, seconds since 1970 UTC */
	double		leeway;			/* seconds of clock skew tolerated, >= 0 */
	const char *audience;		/* expected audience, NULL to skip */
	size_t		audience_len;
	const char *issuer;			/* expected issuer, NULL to skip */
	size_t		issuer_len;
	const char *const *required;	/* names that must be present */
	const size_t *required_len;
	size_t		n_required;
} jose_claims_opts;

/* The NumericDate claims of a claims set (see jose_claims_times). */
typedef struct jose_claim_times
{
	bool		has_exp;
	bool		has_nbf;
	bool		has_iat;
	double		exp;
	double		nbf;
	double		iat;
} jose_claim_times;

/* Write a NumericDate as "YYYY-MM-DD HH:MM:SS UTC" (a number when far out) into out. */
extern void jose_format_time(double t, char *out, size_t outlen);

/* Read exp, nbf and iat (JOSE_E_CLAIM when one is present and not a finite number). */
extern jose_status jose_claims_times(const jose_json *claims, jose_claim_times *t,
									 jose_err *err);

/*
 * Check exp, nbf and iat (when present: a present one must be a number),
 * iss and aud (types always; values when expected), and required names.
 */
extern jose_status jose_claims_check(const jose_json *claims,
									 const jose_claims_opts *opts, jose_err *err);

/* Check a leeway a caller asked for: 0 to JOSE_MAX_LEEWAY seconds (JOSE_E_ARGUMENT otherwise). */
extern jose_status jose_check_leeway(double seconds, jose_err *err);

/*
 * Check a header "typ" (node typ_node of header, or NONE) against the
 * expected media type, case-insensitively and ignoring an "application/"
 * prefix on either side (RFC 7515 4.1.9).
 */
extern jose_status jose_check_typ(const jose_json *header, uint32_t typ_node,
								  const char *expected, size_t expected_len,
								  jose_err *err);

/*
 * True when two media types (a header's "typ" or "cty" and the expected
 * one) are the same: compared case-insensitively, ignoring an
 * "application/" prefix on either side (RFC 7515 4.1.9 and 4.1.10).
 */
extern bool jose_media_type_eq(const char *a, size_t a_len, const char *b, size_t b_len);

/*
 * Check that iss, sub and aud replicated in an encrypted token's header
 * (RFC 7519 5.3) have the same values as in the claims.
 */
extern jose_status jose_check_replicated(const jose_json *header, const jose_json *claims,
										 jose_err *err);

#endif							/* JOSE_CLAIMS_H */
