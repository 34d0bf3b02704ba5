/*-------------------------------------------------------------------------
 *
 * jwe.h
 *		JWE compact serialization (RFC 7516) with the RFC 7518 algorithms.
 *
 * Key management: dir, A128KW/A192KW/A256KW, A128GCMKW/A192GCMKW/A256GCMKW,
 * RSA-OAEP, RSA-OAEP-256, ECDH-ES and ECDH-ES+A*KW (P-256, P-384, P-521,
 * X25519, X448), PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW.  Content:
 * A128GCM/A192GCM/A256GCM, A128CBC-HS256/A192CBC-HS384/A256CBC-HS512.
 * RSA1_5 is recognised only to be refused; "zip" is refused.
 *
 * Every cryptographic failure of a decryption (wrong key, bad tag, bad
 * padding, bad key wrap, wrong content-key length, invalid ephemeral key)
 * reports the same status and the same detail, so errors are no oracle.
 *
 * src/core/jwe.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWE_H
#define JOSE_JWE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "compact.h"
#include "jwe_tables.h"
#include "jws.h"
#include "keyobj.h"

/* Options of an encryption. */
typedef struct jose_jwe_encrypt_opts
{
	jose_jwe_alg alg;			/* UNKNOWN: the key's */
	jose_jwe_enc enc;			/* UNKNOWN: A256GCM */
	const char *extra_header;	/* JSON object text, or NULL */
	size_t		extra_header_len;
	const char *cty;			/* "JWT" for nested tokens, or NULL */
	uint32_t	p2c;			/* PBES2 iterations (0: the default) */
	const struct jose_jwe_fixed *fixed;	/* tests only (jwe_keymgmt.h) */
} jose_jwe_encrypt_opts;

/* Default PBES2 iteration count of encryptions. */
#define JOSE_PBES2_DEFAULT_COUNT 100000

/* Build a compact JWE of plaintext in ws->out. */
extern jose_status jose_jwe_encrypt(jose_workspace *ws, const jose_keyset *keys,
									const jose_jwe_encrypt_opts *opts,
									const unsigned char *plaintext, size_t len,
									const jose_limits *limits, jose_err *err);

/* A decrypted JWE; the plaintext is in ws->payload, the header in ws->header. */
typedef struct jose_jwe
{
	jose_jwe_alg alg;
	jose_jwe_enc enc;
	uint32_t	cty_node;		/* "cty" in the header tree, or NONE */
	uint32_t	typ_node;
	const unsigned char *plaintext;
	size_t		plaintext_len;
	const jose_key *key;		/* the key that decrypted */
} jose_jwe;

/*
 * Decrypt a compact JWE.  algs/encs are the acceptable algorithms; 0 means
 * "those the key implies" (PBES2 is never implied: it must be named).
 */
extern jose_status jose_jwe_decrypt(jose_workspace *ws, const char *token, size_t len,
									const jose_keyset *keys, jose_jwe_alg_set algs,
									jose_jwe_enc_set encs, const jose_limits *limits,
									jose_jwe *jwe, jose_err *err);

/*
 * jose_jwe_decrypt for a token already split by jose_compact_split (five
 * segments), so that a caller who had to split it first splits it once.
 */
extern jose_status jose_jwe_decrypt_compact(jose_workspace *ws, const jose_compact *c,
											const jose_keyset *keys, jose_jwe_alg_set algs,
											jose_jwe_enc_set encs, const jose_limits *limits,
											jose_jwe *jwe, jose_err *err);

#endif							/* JOSE_JWE_H */
