/*-------------------------------------------------------------------------
 *
 * jwk_pkey.h
 *		Loading the asymmetric (RSA, EC, OKP) members of a JWK.
 *
 * src/core/jwk_pkey.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWK_PKEY_H
#define JOSE_JWK_PKEY_H

#include <stdint.h>

#include "json.h"
#include "keyobj.h"
#include "status.h"

/* Fill key (kty RSA, EC or OKP, members in JWK object obj) from the JWK. */
extern jose_status jose_jwk_load_pkey(const jose_json *doc, uint32_t obj,
									  jose_key *key, jose_err *err);

#endif							/* JOSE_JWK_PKEY_H */
