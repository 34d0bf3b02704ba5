/*-------------------------------------------------------------------------
 *
 * pkey.h
 *		Asymmetric keys (RSA, EC, OKP): import, checks, export, generation.
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

#include "buf.h"
#include "json.h"
#include "key.h"
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

/*
 * Decode the base64url member name of JWK object obj into a fresh malloc'd
 * buffer (the caller wipes and frees it); *out NULL when absent and not
 * required.
 */
extern jose_status jose_jwk_member_bytes(const jose_json *doc, uint32_t obj,
										 const char *name, bool required,
										 unsigned char **out, size_t *outlen,
										 jose_err *err);

/* Load the JWK object at node obj of doc into a new key. */
extern jose_status jose_jwk_load(const jose_json *doc, uint32_t obj, jose_key **out,
								 jose_err *err);

/* A one-key set from PEM text: a private key, a public key, or a certificate. */
extern jose_status jose_keyset_from_pem(const char *text, size_t len,
										jose_keyset **out, jose_err *err);

/* Fill key (kty RSA, EC or OKP, members in JWK object obj) from the JWK. */
extern jose_status jose_jwk_load_pkey(const jose_json *doc, uint32_t obj,
									  jose_key *key, jose_err *err);

/* True when the key holds a private half. */
extern bool jose_key_has_private(const jose_key *key);

/*
 * Append the key as a JWK to out: the key material (public members only
 * unless with_private), then kid, alg, use and key_ops as loaded.
 */
extern jose_status jose_key_to_jwk(const jose_key *key, bool with_private,
								   jose_buf *out, jose_err *err);

/* RFC 7638 SHA-256 thumbprint, base64url, into out (at least 44 bytes). */
extern jose_status jose_key_thumbprint(const jose_key *key, char *out, jose_err *err);

/* Append the key as PEM: PKCS#8 when with_private, else SPKI. */
extern jose_status jose_key_to_pem(const jose_key *key, bool with_private,
								   jose_buf *out, jose_err *err);

/*
 * Generate a new private key.  kind is an algorithm (RS256, ES256, EdDSA,
 * HS256, ...) which the key is then bound to, or a key type or curve
 * (RSA, oct, P-256, Ed25519, X25519, ...).  bits sizes RSA and oct keys
 * (0 for the default).  The kid is set to the RFC 7638 thumbprint.
 */
extern jose_status jose_key_generate(const char *kind, size_t kind_len, int bits,
									 jose_key **out, jose_err *err);

#endif							/* JOSE_PKEY_H */
