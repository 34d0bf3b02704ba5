/*-------------------------------------------------------------------------
 *
 * compact.h
 *		Splitting a compact serialization (RFC 7515 7.1, RFC 7516 7.1) into
 *		its segments: the one token splitter of the core.
 *
 * A JWS has three base64url segments and a JWE five, separated by periods.
 * The splitter checks the size limit first, then counts segments (never
 * more than six are looked for) and records where each one starts; it
 * decodes nothing, so it is cheap enough to run before anything else.
 *
 * src/core/compact.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_COMPACT_H
#define JOSE_COMPACT_H

#include <stddef.h>

#include "bounds.h"
#include "status.h"

/*
 * Forms of token, as bits: what a caller reads.  A JWE holding a JWT
 * (header "cty": "JWT") is NESTED; any other JWE is JWE.  For the splitter
 * only the number of segments matters: JWS is three, JWE and NESTED five.
 */
#define JOSE_FORM_JWS		0x01
#define JOSE_FORM_JWE		0x02
#define JOSE_FORM_NESTED	0x04

/* The segments of a compact token; pointers refer to the token. */
typedef struct jose_compact
{
	int			count;			/* 3 (JWS) or 5 (JWE) */
	const char *seg[5];
	size_t		len[5];
} jose_compact;

/*
 * Split token (len bytes) into out.  forms (JOSE_FORM_* bits, 0 for any)
 * says what the caller reads: a token of the other kind is refused as
 * JOSE_E_IS_JWE or JOSE_E_IS_JWS, and the wording of a malformed token's
 * detail names what was expected.  The header segment may not be empty.
 */
extern jose_status jose_compact_split(const char *token, size_t len, const jose_limits *limits,
									  unsigned forms, jose_compact *out, jose_err *err);

#endif							/* JOSE_COMPACT_H */
