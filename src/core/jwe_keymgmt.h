/*-------------------------------------------------------------------------
 *
 * jwe_keymgmt.h
 *		JWE key management (internal to the core).
 *
 * src/core/jwe_keymgmt.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWE_KEYMGMT_H
#define JOSE_JWE_KEYMGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "bounds.h"
#include "buf.h"
#include "json.h"
#include "jwe_tables.h"
#include "keyobj.h"
#include "status.h"

/*
 * Values an encryption would otherwise draw at random, for reproducing
 * published examples in tests.  Never used by the SQL functions.
 */
typedef struct jose_jwe_fixed
{
	const unsigned char *cek;	/* content-encryption key */
	size_t		cek_len;
	const unsigned char *iv;	/* content IV */
	size_t		iv_len;
	const unsigned char *kw_iv; /* A*GCMKW IV */
	size_t		kw_iv_len;
	const unsigned char *p2s;	/* PBES2 salt */
	size_t		p2s_len;
	EVP_PKEY   *ephemeral;		/* ECDH-ES ephemeral private key */
	const char *header;			/* the protected header's exact bytes: the same
								 * members as the one built, in another order */
	size_t		header_len;
} jose_jwe_fixed;

/* Fill buf with len random bytes; false if the generator failed. */
extern bool jose_random(unsigned char *buf, size_t len);

/* Read PBES2's p2c (node v of h): an integer within [JOSE_MIN_PBES2_COUNT, max]. */
extern jose_status jose_read_p2c(const jose_json *h, uint32_t v, uint32_t max,
								 uint32_t *out, jose_err *err);

/*
 * Produce the content key (into cek), the encrypted key (appended to ek)
 * and the algorithm's header members (appended to params, each starting
 * with a comma).  extra is the caller's extra header (apu, apv), or NULL.
 */
extern jose_status jose_km_encrypt(const jose_jwe_alg_info *a, const jose_jwe_enc_info *e,
								   const jose_key *key, const jose_json *extra, uint32_t p2c,
								   const jose_jwe_fixed *fixed, unsigned char *cek,
								   jose_buf *ek, jose_buf *params, jose_err *err);

/* Recover the content key (into cek) from the encrypted key and header h. */
extern jose_status jose_km_decrypt(const jose_jwe_alg_info *a, const jose_jwe_enc_info *e,
								   const jose_key *key, const jose_json *h,
								   const unsigned char *ek, size_t ek_len,
								   const jose_limits *limits, unsigned char *cek,
								   jose_err *err);

#endif							/* JOSE_JWE_KEYMGMT_H */
