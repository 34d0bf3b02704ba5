/*-------------------------------------------------------------------------
 *
 * pkey.h
 *		Asymmetric keys (RSA, EC, OKP): curves, import and checks, PEM.
 *
 * Every asymmetric key, whatever form it came in (PEM, JWK, generated),
 * passes through jose_key_from_pkey, which classifies it and applies the
 * same strength and validity rules: RSA of 2048 to 8192 bits with an odd
 * exponent of at least 3, EC points on a supported named curve, and a
 * private half that matches its public half.
 *
 * src/core/pkey.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_PKEY_H
#define JOSE_PKEY_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "keyobj.h"
#include "status.h"

/* Bounds on RSA moduli, in bits. */
#define JOSE_RSA_MIN_BITS 2048
#define JOSE_RSA_MAX_BITS 8192

/* A named curve token_ext supports. */
typedef struct jose_curve
{
	const char *jwk_name;		/* "P-256", "Ed25519", ... */
	const char *ossl_name;		/* OpenSSL group or key type name */
	jose_kty	kty;			/* EC or OKP */
	size_t		coord_len;		/* bytes of x (and y, d) */
	jose_alg	sig_alg;		/* the JWS algorithm it signs with, or UNKNOWN */
} jose_curve;

/* The curve with this JWK name, or NULL. */
extern const jose_curve *jose_curve_by_jwk_name(const char *name, size_t len);

/* The curve with this OpenSSL group or key type name, or NULL. */
extern const jose_curve *jose_curve_by_ossl_name(const char *name);

/*
 * Wrap an EVP_PKEY in a new key after classifying and checking it.  Takes
 * ownership of pkey in every case (freed on failure).
 */
extern jose_status jose_key_from_pkey(EVP_PKEY *pkey, jose_key **out, jose_err *err);

/* Attach pkey to key after classifying and checking it; takes ownership. */
extern jose_status jose_key_set_pkey(jose_key *key, EVP_PKEY *pkey, jose_err *err);

/* A one-key set from PEM text: a private key, a public key, or a certificate. */
extern jose_status jose_keyset_from_pem(const char *text, size_t len,
										jose_keyset **out, jose_err *err);

/* True when the key holds a private half. */
extern bool jose_key_has_private(const jose_key *key);

#endif							/* JOSE_PKEY_H */
