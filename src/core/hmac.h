/*-------------------------------------------------------------------------
 *
 * hmac.h
 *		HMAC: pre-keyed contexts for HS*, and one-shot HMAC over parts.
 *
 * src/core/hmac.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_HMAC_H
#define JOSE_HMAC_H

#include <stddef.h>

#include "alg.h"
#include "keyobj.h"
#include "status.h"

/* Load OpenSSL algorithm objects once; false if OpenSSL lacks one. */
extern jose_status jose_crypto_init(jose_err *err);

/* HMAC of data with an oct key (out holds EVP_MAX_MD_SIZE bytes). */
extern jose_status jose_hmac(jose_key *key, const jose_alg_info *info,
							 const unsigned char *data, size_t len,
							 unsigned char *out, size_t *outlen, jose_err *err);

/* One-shot HMAC over several parts (out holds EVP_MAX_MD_SIZE bytes). */
extern jose_status jose_hmac_parts(const char *digest, const unsigned char *key,
								   size_t keylen, const unsigned char *const *parts,
								   const size_t *lens, int nparts, unsigned char *out,
								   size_t *outlen, jose_err *err);

#endif							/* JOSE_HMAC_H */
