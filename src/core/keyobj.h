/*-------------------------------------------------------------------------
 *
 * keyobj.h
 *		Keys and key sets as the JOSE core uses them: their layout, and
 *		freeing them.
 *
 * A key is parsed once (from a secret, a JWK or a JWKS) into a jose_key
 * that keeps what verification needs ready: the secret with its pre-keyed
 * HMAC contexts, or the OpenSSL EVP_PKEY.  Keys are immutable after loading
 * apart from those lazily built contexts, so a cache can share them.
 *
 * src/core/keyobj.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEYOBJ_H
#define JOSE_KEYOBJ_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "alg.h"

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

	/*
	 * A keyring key's binding (see issuer.h): it verifies only tokens whose
	 * "iss" is issuer, and those must then name audience in "aud".  NULL
	 * issuer: bound to no issuer; NULL audience: "aud" is not compared.
	 */
	char	   *issuer;			/* NUL-terminated */
	size_t		issuer_len;
	char	   *audience;		/* NUL-terminated; only with an issuer */
	size_t		audience_len;
} jose_key;

/* Which keys of a host's set a key set holds (set by jose_keyset_for_issuer). */
#define JOSE_SCOPE_ALL 0		/* every key given */
#define JOSE_SCOPE_ISSUER 1		/* the keys bound to one issuer */
#define JOSE_SCOPE_UNBOUND 2	/* the keys bound to no issuer */

typedef struct jose_keyset
{
	jose_key  **keys;
	size_t		count;
	bool		is_set;			/* given as a JWKS: select by kid */

	/* for messages: what the set is called ("keyring"; NULL: "key set") */
	const char *name;

	/*
	 * For messages, when the set was narrowed by issuer: the scope, and
	 * the token's issuer (the one the keys are bound to, for ISSUER; the
	 * one that has no keys, or NULL when the token has none, for UNBOUND).
	 */
	int			scope;
	const char *issuer;
	size_t		issuer_len;
} jose_keyset;

/* Free a key, wiping its secret. */
extern void jose_key_free(jose_key *key);

/* Free a key set and its keys. */
extern void jose_keyset_free(jose_keyset *set);

#endif							/* JOSE_KEYOBJ_H */
