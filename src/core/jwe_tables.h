/*-------------------------------------------------------------------------
 *
 * jwe_tables.h
 *		The JWE key-management algorithms and content encryptions: their
 *		facts, lookups by name, and allowed-set lists.
 *
 * src/core/jwe_tables.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWE_TABLES_H
#define JOSE_JWE_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg.h"
#include "status.h"

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
 * The one key management algorithm (or content encryption) to encrypt
 * with: a list naming more than one fails with JOSE_E_ARGUMENT.
 */
extern jose_status jose_jwe_alg_parse_one(const char *name, size_t len, jose_jwe_alg *alg,
										  jose_err *err);
extern jose_status jose_jwe_enc_parse_one(const char *name, size_t len, jose_jwe_enc *enc,
										  jose_err *err);

/*
 * Sort a comma-separated list of JWS and JWE algorithm and content
 * encryption names into three sets (a policy setting); empty items are
 * skipped, an unknown name fails.
 */
extern jose_status jose_policy_algorithms_parse(const char *list, size_t len,
												jose_alg_set *jws, jose_jwe_alg_set *jwe_algs,
												jose_jwe_enc_set *jwe_encs, jose_err *err);

#endif							/* JOSE_JWE_TABLES_H */
