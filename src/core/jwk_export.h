/*-------------------------------------------------------------------------
 *
 * jwk_export.h
 *		Writing keys out: JWK, RFC 7638 thumbprint, PEM.
 *
 * src/core/jwk_export.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWK_EXPORT_H
#define JOSE_JWK_EXPORT_H

#include <stdbool.h>

#include "bounds.h"
#include "buf.h"
#include "keyobj.h"
#include "status.h"

/*
 * Append the key as a JWK to out: the key material (public members only
 * unless with_private), then kid, alg, use and key_ops as loaded.
 */
extern jose_status jose_key_to_jwk(const jose_key *key, bool with_private,
								   jose_buf *out, jose_err *err);

/*
 * Append the key as a JWK with a kid: its own, or else its thumbprint (a
 * key read from PEM, or a JWK without one), so a published key can be
 * selected by kid.  The kid used is copied into kid (JOSE_MAX_KID_LEN + 1
 * bytes) unless kid is NULL.
 */
extern jose_status jose_key_to_jwk_with_kid(const jose_key *key, bool with_private,
											jose_buf *out, char *kid, jose_err *err);

/* RFC 7638 SHA-256 thumbprint, base64url, into out (at least 44 bytes). */
extern jose_status jose_key_thumbprint(const jose_key *key, char *out, jose_err *err);

/* Append the key as PEM: PKCS#8 when with_private, else SPKI. */
extern jose_status jose_key_to_pem(const jose_key *key, bool with_private,
								   jose_buf *out, jose_err *err);

#endif							/* JOSE_JWK_EXPORT_H */
