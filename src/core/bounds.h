/*-------------------------------------------------------------------------
 *
 * bounds.h
 *		Bounds on every length, count and depth taken from input.
 *
 * Hosts may lower or raise the per-call limits (jose_limits); the constants
 * here are hard ceilings that keep key parsing and bookkeeping bounded.
 * (Named bounds.h, not limits.h, so that it never shadows <limits.h>.)
 *
 * src/core/bounds.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_BOUNDS_H
#define JOSE_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

/* Per-call limits for tokens. */
typedef struct jose_limits
{
	size_t		max_token_size; /* bytes of a compact token */
	uint32_t	max_json_depth; /* nesting of header and claims JSON */
	uint32_t	max_json_values;	/* values in one header or claims set */
	uint32_t	max_pbes2_count;	/* most PBKDF2 iterations a JWE may ask for */
} jose_limits;

/* Defaults, also the defaults of the matching settings. */
#define JOSE_DEFAULT_MAX_TOKEN_SIZE 65536
#define JOSE_DEFAULT_MAX_JSON_DEPTH 32
#define JOSE_DEFAULT_MAX_JSON_VALUES 10000
#define JOSE_DEFAULT_MAX_PBES2_COUNT 310000

/* Fewest PBKDF2 iterations accepted (RFC 7518 4.8.1.2 recommends 1000). */
#define JOSE_MIN_PBES2_COUNT 1000

/* Longest PBES2 salt (p2s) and ECDH-ES party info (apu, apv), in bytes. */
#define JOSE_MAX_P2S_LEN 1024
#define JOSE_MAX_PARTY_INFO_LEN 1024

/* Largest JWK or JWKS text accepted as a key. */
#define JOSE_MAX_KEY_TEXT 262144

/* Most keys in one JWKS. */
#define JOSE_MAX_JWKS_KEYS 100

/* Longest kid, in a key or a token header. */
#define JOSE_MAX_KID_LEN 256

/* Largest HMAC secret, in bytes. */
#define JOSE_MAX_SECRET_LEN 8192

#endif							/* JOSE_BOUNDS_H */
