/*-------------------------------------------------------------------------
 *
 * key.h
 *		Keys and key sets as the JOSE core uses them.
 *
 * A key is parsed once (from a secret, a JWK or a JWKS) into a jose_key
 * that keeps what verification needs ready: the secret with its pre-keyed
 * HMAC contexts, or the OpenSSL EVP_PKEY.  Keys are immutable after loading
 * apart from those lazily built contexts, so a cache can share them.
 *
 * src/core/key.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEY_H
#define JOSE_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "alg.h"
#include "status.h"

typedef enum jose_kty
{
	JOSE_KTY_OCT = 1,
	JOSE_KTY_RSA,
	JOSE_KTY_EC,
	JOSE_KTY_OKP
} jose_kty;

/* Operations a key permits (RFC 7517 "use" and "key_ops"). */
#define JOSE_OP_SIGN		0x01
#define JOSE_OP_VERIFY		0x02
#define JOSE_OP_ENCRYPT		0x04
#define JOSE_OP_DECRYPT		0x08
#define JOSE_OP_WRAP		0x10
#define JOSE_OP_UNWRAP		0x20
#define JOSE_OP_DERIVE_KEY	0x40
#define JOSE_OP_DERIVE_BITS 0x80
#define JOSE_OP_ALL			0xFF

/* A key_ops name and its bit; the table ends with a NULL name. */
typedef struct jose_key_op_name
{
	const char *name;
	unsigned	bit;
} jose_key_op_name;

extern const jose_key_op_name jose_key_op_names[];

typedef struct jose_key
{
	jose_kty	kty;
	char		alg_name[24];	/* the JWK's "alg", "" when not bound */
	jose_alg	alg;			/* alg_name as a JWS algorithm, or UNKNOWN */
	char	   *kid;			/* NUL-terminated, NULL when absent */
	size_t		kid_len;
	unsigned	ops;			/* JOSE_OP_* permitted */
	char		use[8];			/* the JWK's "use" when it is "sig" or "enc" */
	unsigned	key_ops;		/* the JWK's "key_ops" as JOSE_OP_* bits */
	bool		has_key_ops;	/* whether the JWK had "key_ops" */
	bool		from_jwk;		/* loaded from a JWK (rather than a bare secret) */
	unsigned char *secret;		/* oct: the key bytes */
	size_t		secret_len;
	EVP_PKEY   *pkey;			/* RSA, EC, OKP */
	char		crv[16];		/* EC and OKP: the JWK curve name */
	const struct jose_curve *curve; /* EC and OKP: facts about the curve */
	EVP_MAC_CTX *hmac[3];		/* oct: pre-keyed HMAC per hash, lazily made */
	EVP_PKEY_CTX *verify_ctx[JOSE_ALG_COUNT];	/* RSA, EC: set up per algorithm */
	EVP_PKEY_CTX *sign_ctx[JOSE_ALG_COUNT];
	EVP_MD_CTX *eddsa_verify;	/* OKP: set up once */
	EVP_MD_CTX *eddsa_sign;
} jose_key;

typedef struct jose_keyset
{
	jose_key  **keys;
	size_t		count;
	bool		is_set;			/* given as a JWKS: select by kid */
} jose_keyset;

/* Free a key, wiping its secret. */
extern void jose_key_free(jose_key *key);

/* Free a key set and its keys. */
extern void jose_keyset_free(jose_keyset *set);

/* A one-key set holding a raw HMAC secret (len bytes). */
extern jose_status jose_keyset_from_secret(const unsigned char *secret, size_t len,
										   jose_keyset **out, jose_err *err);

/*
 * A key set from JWK or JWKS text.  A single JWK with an unknown kty or a
 * missing member fails; inside a JWKS such keys are skipped (RFC 7517 5),
 * but a set left with no usable key fails.
 */
extern jose_status jose_keyset_from_jwk_text(const char *text, size_t len,
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
