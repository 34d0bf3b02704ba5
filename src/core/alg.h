/*-------------------------------------------------------------------------
 *
 * alg.h
 *		The JWS algorithms token_ext knows, and sets of them.
 *
 * Names are compared exactly (case-sensitive), as RFC 7515 requires.
 * "none" is deliberately not in the table: no code path can select it.
 *
 * src/core/alg.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_ALG_H
#define JOSE_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum jose_alg
{
	JOSE_ALG_UNKNOWN = 0,
	JOSE_ALG_HS256,
	JOSE_ALG_HS384,
	JOSE_ALG_HS512,
	JOSE_ALG_RS256,
	JOSE_ALG_RS384,
	JOSE_ALG_RS512,
	JOSE_ALG_PS256,
	JOSE_ALG_PS384,
	JOSE_ALG_PS512,
	JOSE_ALG_ES256,
	JOSE_ALG_ES384,
	JOSE_ALG_ES512,
	JOSE_ALG_ES256K,
	JOSE_ALG_EDDSA,
	JOSE_ALG_COUNT
} jose_alg;

typedef enum jose_alg_family
{
	JOSE_FAMILY_HMAC,
	JOSE_FAMILY_RSA_PKCS1,
	JOSE_FAMILY_RSA_PSS,
	JOSE_FAMILY_ECDSA,
	JOSE_FAMILY_EDDSA
} jose_alg_family;

typedef struct jose_alg_info
{
	jose_alg	alg;
	const char *name;
	jose_alg_family family;
	const char *digest;			/* OpenSSL digest name, NULL for EdDSA */
	size_t		hash_len;		/* digest output bytes */
	int			hmac_slot;		/* HS*: 0..2, index of the cached MAC context */
} jose_alg_info;

/* A set of algorithms, one bit per jose_alg. */
typedef uint32_t jose_alg_set;

#define JOSE_ALG_BIT(a) ((jose_alg_set) 1 << (a))

/* The algorithm named exactly name (len bytes), or JOSE_ALG_UNKNOWN. */
extern jose_alg jose_alg_lookup(const char *name, size_t len);

/* Facts about a known algorithm. */
extern const jose_alg_info *jose_alg_get(jose_alg alg);

/* "a" or "an" (capitalised if asked) before a spoken name ("an HS256", "a PS256"). */
extern const char *jose_article(const char *name, bool capital);

/* Names of the algorithms in set, comma-separated, into out. */
extern void jose_alg_set_describe(jose_alg_set set, char *out, size_t outlen);

/*
 * Step through a comma-separated list: the next item (spaces around it
 * dropped, possibly empty) from *pos on.  False once the list is done; an
 * empty list has one empty item.
 */
extern bool jose_list_next(const char *list, size_t len, size_t *pos,
						   const char **item, size_t *item_len);

/*
 * Parse a comma-separated list of algorithm names ("HS256,HS512") into a set.
 * Spaces around names are ignored.  An unknown name or "none" fails.
 */
extern jose_status jose_alg_set_parse(const char *list, size_t len,
									  jose_alg_set *set, jose_err *err);

/*
 * The one JWS algorithm to sign with, named exactly name: "none" and
 * unknown names fail (JOSE_E_ALG_NONE, JOSE_E_ALG_UNSUPPORTED).
 */
extern jose_status jose_sign_alg_parse(const char *name, size_t len, jose_alg *alg,
									   jose_err *err);

#endif							/* JOSE_ALG_H */
