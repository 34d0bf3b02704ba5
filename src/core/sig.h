/*-------------------------------------------------------------------------
 *
 * sig.h
 *		Computing and checking JWS signatures over a signing input.
 *
 * src/core/sig.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_SIG_H
#define JOSE_SIG_H

#include <stddef.h>

#include "alg.h"
#include "buf.h"
#include "key.h"
#include "status.h"

/* Largest signature any supported algorithm produces, in bytes. */
#define JOSE_MAX_SIG_LEN 1024

/*
 * Load OpenSSL algorithm objects once; false if OpenSSL lacks one.  It also
 * fills every table the core would otherwise fill lazily, so that after
 * it the core only reads process-wide state (threads, as in SQLite, may
 * then share it).
 */
extern jose_status jose_crypto_init(jose_err *err);

/* Fill the digest and curve-order tables of signatures (jose_crypto_init). */
extern void jose_pkey_sig_prepare(void);

/*
 * Sign data with key under alg, appending the raw signature to out.
 * The caller has checked the key with jose_key_check_jws.
 */
extern jose_status jose_sig_sign(jose_key *key, jose_alg alg,
								 const unsigned char *data, size_t len,
								 jose_buf *out, jose_err *err);

/* Verify sig over data with key under alg: JOSE_OK or JOSE_E_SIGNATURE. */
extern jose_status jose_sig_verify(jose_key *key, jose_alg alg,
								   const unsigned char *data, size_t len,
								   const unsigned char *sig, size_t siglen,
								   jose_err *err);

/* HMAC of data with an oct key (out holds EVP_MAX_MD_SIZE bytes). */
extern jose_status jose_hmac(jose_key *key, const jose_alg_info *info,
							 const unsigned char *data, size_t len,
							 unsigned char *out, size_t *outlen, jose_err *err);

/* One-shot HMAC over several parts (out holds EVP_MAX_MD_SIZE bytes). */
extern jose_status jose_hmac_parts(const char *digest, const unsigned char *key,
								   size_t keylen, const unsigned char *const *parts,
								   const size_t *lens, int nparts, unsigned char *out,
								   size_t *outlen, jose_err *err);

/* Sign with an RSA, EC or OKP key, appending the JOSE-form signature. */
extern jose_status jose_pkey_sign(jose_key *key, const jose_alg_info *info,
								  const unsigned char *data, size_t len,
								  jose_buf *out, jose_err *err);

/* Verify a JOSE-form signature with an RSA, EC or OKP key. */
extern jose_status jose_pkey_verify(jose_key *key, const jose_alg_info *info,
									const unsigned char *data, size_t len,
									const unsigned char *sig, size_t siglen,
									jose_err *err);

#endif							/* JOSE_SIG_H */
