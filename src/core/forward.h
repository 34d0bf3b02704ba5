/*-------------------------------------------------------------------------
 *
 * forward.h
 *		The forwarded-claims record: verified claims sealed with a MAC under
 *		a cluster secret, so that another node can trust them.
 *
 * A node that verified a token (a Citus coordinator) hands its claims to
 * other nodes (the workers) through a setting anyone can set.  The record
 * therefore proves itself: an HMAC-SHA256 under a secret only the nodes'
 * C code reads covers every field, and the fields bound what it is worth:
 * the token's own exp and nbf with the leeway the verifying node applied,
 * and the time it was sealed, which the receiver holds against a maximum
 * age.  The record is text made of [0-9A-Za-z_.-] only, so it can travel
 * inside a quoted SQL literal unchanged:
 *
 *   1.<sealed>.<exp>.<nbf>.<leeway>.<role path>.<claims>.<mac>
 *
 * sealed, exp and nbf are microseconds since 1970 UTC (exp and nbf empty
 * when the token has none), leeway is whole seconds, the role path and
 * the claims are base64url, and the MAC is the base64url HMAC-SHA256 of
 * a domain label followed by everything before the last dot.
 *
 * src/core/forward.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_FORWARD_H
#define JOSE_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* The record version this code writes and reads. */
#define JOSE_FORWARD_VERSION 1

/* Bytes of a cluster secret. */
#define JOSE_FORWARD_SECRET_LEN 32

/* What a record carries. */
typedef struct jose_forward
{
	int64_t		sealed_us;		/* when it was sealed (the sender's transaction start) */
	bool		has_exp;
	int64_t		exp_us;			/* the token's exp */
	bool		has_nbf;
	int64_t		nbf_us;			/* the token's nbf */
	int32_t		leeway_s;		/* clock skew the sender tolerated */
	const char *role_path;		/* the role-claim path the sender used */
	size_t		role_path_len;
	const char *claims;			/* the verified claims, compact JSON */
	size_t		claims_len;
} jose_forward;

/* How a receiver judges a record. */
typedef struct jose_forward_check
{
	int64_t		now_us;			/* the receiver's check time */
	int64_t		max_age_us;		/* refused when sealed longer ago than this */
	size_t		max_len;		/* longest record text accepted */
} jose_forward_check;

/*
 * Microseconds of a NumericDate (seconds, possibly fractional), saturated
 * to the int64 range.
 */
extern int64_t jose_forward_time_us(double seconds);

/* Append the sealed record of f to out (secret: JOSE_FORWARD_SECRET_LEN bytes). */
extern jose_status jose_forward_seal(const jose_forward *f, const unsigned char *secret,
									 jose_buf *out, jose_err *err);

/*
 * Open a record: its shape, version and MAC (compared in constant time),
 * then its times against check.  On success f describes it, with the role
 * path and the claims decoded into role and claims (NUL-terminated).
 * Every refusal is JOSE_E_FORWARDED with a detail saying why; a detail
 * never repeats the record.
 */
extern jose_status jose_forward_open(const char *text, size_t len, const unsigned char *secret,
									 const jose_forward_check *check, jose_forward *f,
									 jose_buf *role, jose_buf *claims, jose_err *err);

/*
 * A fingerprint of a secret that reveals nothing about it (HMAC under the
 * secret of a fixed label), as 32 hex digits plus a NUL in out.
 */
extern jose_status jose_forward_fingerprint(const unsigned char *secret, char out[33],
											jose_err *err);

#endif							/* JOSE_FORWARD_H */
