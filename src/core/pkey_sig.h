/*-------------------------------------------------------------------------
 *
 * pkey_sig.h
 *		Signatures with RSA, EC and OKP keys, in their JOSE form.
 *
 * src/core/pkey_sig.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_PKEY_SIG_H
#define JOSE_PKEY_SIG_H

#include <stddef.h>

#include "alg.h"
#include "buf.h"
#include "keyobj.h"
#include "status.h"

/* Largest signature any supported algorithm produces, in bytes. */
#define JOSE_MAX_SIG_LEN 1024

/* Fill the digest and curve-order tables of signatures (jose_prepare). */
extern void jose_pkey_sig_prepare(void);

/* Sign with an RSA, EC or OKP key, appending the JOSE-form signature. */
extern jose_status jose_pkey_sign(jose_key *key, const jose_alg_info *info,
								  const unsigned char *data, size_t len,
								  jose_buf *out, jose_err *err);

/* Verify a JOSE-form signature with an RSA, EC or OKP key. */
extern jose_status jose_pkey_verify(jose_key *key, const jose_alg_info *info,
									const unsigned char *data, size_t len,
									const unsigned char *sig, size_t siglen,
									jose_err *err);

#endif							/* JOSE_PKEY_SIG_H */
