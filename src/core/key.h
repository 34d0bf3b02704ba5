/*-------------------------------------------------------------------------
 *
 * key.h
 *		Raw secrets, telling key texts apart, and the key/algorithm binding.
 *
 * The key objects themselves are in keyobj.h.
 *
 * src/core/key.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEY_H
#define JOSE_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "alg.h"
#include "keyobj.h"
#include "status.h"

/* A one-key set holding a raw HMAC secret (len bytes). */
extern jose_status jose_keyset_from_secret(const unsigned char *secret, size_t len,
										   jose_keyset **out, jose_err *err);

/* True when text (len bytes) looks like a JWK or JWKS rather than a secret. */
extern bool jose_text_looks_like_jwk(const char *text, size_t len);

/* True when bytes are a key in DER or OpenSSH form (never an HMAC secret). */
extern bool jose_bytes_look_like_key(const unsigned char *p, size_t len);

/* The algorithm a key implies when the caller allows none explicitly. */
extern jose_alg jose_key_default_alg(const jose_key *key);

/* Check that the key's type (and curve) can produce alg at all. */
extern jose_status jose_key_check_family(const jose_key *key, jose_alg alg, jose_err *err);

/*
 * Check that key may do op with alg: the kty fits the algorithm family, a
 * bound "alg" matches, use/key_ops permit it, and the key is strong enough.
 */
extern jose_status jose_key_check_jws(const jose_key *key, jose_alg alg,
									  unsigned op, jose_err *err);

#endif							/* JOSE_KEY_H */
