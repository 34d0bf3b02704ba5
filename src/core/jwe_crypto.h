/*-------------------------------------------------------------------------
 *
 * jwe_crypto.h
 *		Building blocks of JWE: content encryption and AES key wrapping.
 *
 * src/core/jwe_crypto.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWE_CRYPTO_H
#define JOSE_JWE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "jwe_tables.h"
#include "status.h"

/* The one detail every decryption failure reports. */
#define JOSE_DECRYPT_DETAIL "The token could not be decrypted with the given key."

/* Fetch every cipher JWE uses into the cipher table (jose_prepare). */
extern void jose_jwe_crypto_prepare(void);

/* Encrypt pt into ct (appended) and tag (e->tag_len bytes) with cek and iv. */
extern jose_status jose_content_encrypt(const jose_jwe_enc_info *e, const unsigned char *cek,
										const unsigned char *iv, const unsigned char *aad,
										size_t aad_len, const unsigned char *pt, size_t pt_len,
										jose_buf *ct, unsigned char *tag, jose_err *err);

/* Authenticate and decrypt ct into pt (appended); JOSE_E_DECRYPT on any failure. */
extern jose_status jose_content_decrypt(const jose_jwe_enc_info *e, const unsigned char *cek,
										const unsigned char *iv, size_t iv_len,
										const unsigned char *aad, size_t aad_len,
										const unsigned char *ct, size_t ct_len,
										const unsigned char *tag, size_t tag_len,
										jose_buf *pt, jose_err *err);

/* AES key wrap (RFC 3394) of in with kek, appended to out. */
extern jose_status jose_aes_wrap(const unsigned char *kek, size_t kek_len,
								 const unsigned char *in, size_t in_len,
								 jose_buf *out, jose_err *err);

/* AES key unwrap into out (in_len - 8 bytes); false on any failure. */
extern bool jose_aes_unwrap(const unsigned char *kek, size_t kek_len,
							const unsigned char *in, size_t in_len,
							unsigned char *out);

/* AES-GCM of a key with kek and a 12-byte iv, no AAD (A*GCMKW). */
extern bool jose_gcm_seal(const unsigned char *kek, size_t kek_len, const unsigned char *iv,
						  const unsigned char *in, size_t in_len, unsigned char *out,
						  unsigned char *tag);

/* Inverse of jose_gcm_seal; false on any failure. */
extern bool jose_gcm_open(const unsigned char *kek, size_t kek_len, const unsigned char *iv,
						  const unsigned char *in, size_t in_len, const unsigned char *tag,
						  unsigned char *out);

#endif							/* JOSE_JWE_CRYPTO_H */
