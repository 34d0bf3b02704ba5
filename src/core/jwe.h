/*-------------------------------------------------------------------------
 *
 * jwe.h
 *		JWE compact serialization (RFC 7516) with the RFC 7518 algorithms.
 *
 * Key management: dir, A128KW/A192KW/A256KW, A128GCMKW/A192GCMKW/A256GCMKW,
 * RSA-OAEP, RSA-OAEP-256, ECDH-ES and ECDH-ES+A*KW (P-256, P-384, P-521,
 * X25519, X448), PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW.  Content:
 * A128GCM/A192GCM/A256GCM, A128CBC-HS256/A192CBC-HS384/A256CBC-HS512.
 * RSA1_5 is recognised only to be refused; "zip" is refused.
 *
 * Every cryptographic failure of a decryption (wrong key, bad tag, bad
 * padding, bad key wrap, wrong content-key length, invalid ephemeral key)
 * reports the same status and the same detail, so errors are no oracle.
 *
 * src/core/jwe.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWE_H
#define JOSE_JWE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jws.h"

typedef enum jose_jwe_alg
{
	JOSE_JWE_ALG_UNKNOWN = 0,
	JOSE_JWE_DIR,
	JOSE_JWE_A128KW,
	JOSE_JWE_A192KW,
	JOSE_JWE_A256KW,
	JOSE_JWE_A128GCMKW,
	JOSE_JWE_A192GCMKW,
	JOSE_JWE_A256GCMKW,
	JOSE_JWE_RSA_OAEP,
	JOSE_JWE_RSA_OAEP_256,
	JOSE_JWE_ECDH_ES,
	JOSE_JWE_ECDH_ES_A128KW,
	JOSE_JWE_ECDH_ES_A192KW,
	JOSE_JWE_ECDH_ES_A256KW,
	JOSE_JWE_PBES2_HS256_A128KW,
	JOSE_JWE_PBES2_HS384_A192KW,
	JOSE_JWE_PBES2_HS512_A256KW,
	JOSE_JWE_ALG_COUNT
} jose_jwe_alg;

typedef enum jose_jwe_family
{
	JOSE_KM_DIR,
	JOSE_KM_AESKW,
	JOSE_KM_AESGCMKW,
	JOSE_KM_RSA_OAEP,
	JOSE_KM_ECDH,
	JOSE_KM_PBES2
} jose_jwe_family;

typedef struct jose_jwe_alg_info
{
	jose_jwe_alg alg;
	const char *name;
	jose_jwe_family family;
	size_t		kek_len;		/* AES key-wrap key bytes; 0 when none */
	const char *digest;			/* RSA-OAEP and PBES2 hash */
} jose_jwe_alg_info;

typedef enum jose_jwe_enc
{
	JOSE_JWE_ENC_UNKNOWN = 0,
	JOSE_JWE_A128GCM,
	JOSE_JWE_A192GCM,
	JOSE_JWE_A256GCM,
	JOSE_JWE_A128CBC_HS256,
	JOSE_JWE_A192CBC_HS384,
	JOSE_JWE_A256CBC_HS512,
	JOSE_JWE_ENC_COUNT
} jose_jwe_enc;

typedef struct jose_jwe_enc_info
{
	jose_jwe_enc enc;
	const char *name;
	bool		cbc_hmac;		/* AES-CBC with HMAC, else AES-GCM */
	size_t		key_len;		/* content-encryption key bytes */
	size_t		iv_len;
	size_t		tag_len;
	const char *cipher;			/* OpenSSL cipher name */
	const char *digest;			/* CBC-HMAC: the HMAC hash */
} jose_jwe_enc_info;

typedef uint32_t jose_jwe_alg_set;
typedef uint32_t jose_jwe_enc_set;

#define JOSE_JWE_BIT(x) ((uint32_t) 1 << (x))

/* Facts about a JWE algorithm or content encryption, or NULL. */
extern const jose_jwe_alg_info *jose_jwe_alg_get(jose_jwe_alg alg);
extern const jose_jwe_enc_info *jose_jwe_enc_get(jose_jwe_enc enc);

/* Lookups by exact name; UNKNOWN when not known. */
extern jose_jwe_alg jose_jwe_alg_lookup(const char *name, size_t len);
extern jose_jwe_enc jose_jwe_enc_lookup(const char *name, size_t len);

/*
 * Parse comma-separated lists of key-management algorithms or content
 * encryptions; unknown names fail, RSA1_5 fails with its own reason.
 */
extern jose_status jose_jwe_alg_set_parse(const char *list, size_t len,
										  jose_jwe_alg_set *set, jose_err *err);
extern jose_status jose_jwe_enc_set_parse(const char *list, size_t len,
										  jose_jwe_enc_set *set, jose_err *err);

/*
 * Sort a comma-separated list of JWS and JWE algorithm and content
 * encryption names into three sets (a policy setting); empty items are
 * skipped, an unknown name fails.
 */
extern jose_status jose_policy_algorithms_parse(const char *list, size_t len,
												jose_alg_set *jws, jose_jwe_alg_set *jwe_algs,
												jose_jwe_enc_set *jwe_encs, jose_err *err);

/*
 * Values an encryption would otherwise draw at random, for reproducing
 * published examples in tests.  Never used by the SQL functions.
 */
typedef struct jose_jwe_fixed
{
	const unsigned char *cek;	/* content-encryption key */
	size_t		cek_len;
	const unsigned char *iv;	/* content IV */
	size_t		iv_len;
	const unsigned char *kw_iv; /* A*GCMKW IV */
	size_t		kw_iv_len;
	const unsigned char *p2s;	/* PBES2 salt */
	size_t		p2s_len;
	EVP_PKEY   *ephemeral;		/* ECDH-ES ephemeral private key */
	const char *header;			/* the protected header's exact bytes: the same
								 * members as the one built, in another order */
	size_t		header_len;
} jose_jwe_fixed;

/* Options of an encryption. */
typedef struct jose_jwe_encrypt_opts
{
	jose_jwe_alg alg;			/* UNKNOWN: the key's */
	jose_jwe_enc enc;			/* UNKNOWN: A256GCM */
	const char *extra_header;	/* JSON object text, or NULL */
	size_t		extra_header_len;
	const char *cty;			/* "JWT" for nested tokens, or NULL */
	uint32_t	p2c;			/* PBES2 iterations (0: the default) */
	const jose_jwe_fixed *fixed;	/* tests only */
} jose_jwe_encrypt_opts;

/* Default PBES2 iteration count of encryptions. */
#define JOSE_PBES2_DEFAULT_COUNT 100000

/* Build a compact JWE of plaintext in ws->out. */
extern jose_status jose_jwe_encrypt(jose_workspace *ws, const jose_keyset *keys,
									const jose_jwe_encrypt_opts *opts,
									const unsigned char *plaintext, size_t len,
									const jose_limits *limits, jose_err *err);

/* A decrypted JWE; the plaintext is in ws->payload, the header in ws->header. */
typedef struct jose_jwe
{
	jose_jwe_alg alg;
	jose_jwe_enc enc;
	uint32_t	cty_node;		/* "cty" in the header tree, or NONE */
	uint32_t	typ_node;
	const unsigned char *plaintext;
	size_t		plaintext_len;
	const jose_key *key;		/* the key that decrypted */
} jose_jwe;

/*
 * Decrypt a compact JWE.  algs/encs are the acceptable algorithms; 0 means
 * "those the key implies" (PBES2 is never implied: it must be named).
 */
extern jose_status jose_jwe_decrypt(jose_workspace *ws, const char *token, size_t len,
									const jose_keyset *keys, jose_jwe_alg_set algs,
									jose_jwe_enc_set encs, const jose_limits *limits,
									jose_jwe *jwe, jose_err *err);

#endif							/* JOSE_JWE_H */
