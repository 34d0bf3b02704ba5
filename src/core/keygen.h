/*-------------------------------------------------------------------------
 *
 * keygen.h
 *		Generating new private keys.
 *
 * src/core/keygen.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEYGEN_H
#define JOSE_KEYGEN_H

#include <stddef.h>

#include "keyobj.h"
#include "status.h"

/*
 * Generate a new private key.  kind is an algorithm (RS256, ES256, EdDSA,
 * HS256, ...) which the key is then bound to, or a key type or curve
 * (RSA, oct, P-256, Ed25519, X25519, ...).  bits sizes RSA and oct keys
 * (0 for the default).  The kid is set to the RFC 7638 thumbprint.
 */
extern jose_status jose_key_generate(const char *kind, size_t kind_len, int bits,
									 jose_key **out, jose_err *err);

#endif							/* JOSE_KEYGEN_H */
