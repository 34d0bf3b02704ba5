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
#include "keyobj.h"
#include "status.h"

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

#endif							/* JOSE_SIG_H */
