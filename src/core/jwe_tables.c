/*-------------------------------------------------------------------------
 *
 * jwe_tables.c
 *		The JWE key-management and content-encryption algorithms.
 *
 * src/core/jwe_tables.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwe_tables.h"

#include <string.h>

static const jose_jwe_alg_info alg_table[JOSE_JWE_ALG_COUNT] = {
	[JOSE_JWE_DIR] = {JOSE_JWE_DIR, "dir", JOSE_KM_DIR, 0, NULL},
	[JOSE_JWE_A128KW] = {JOSE_JWE_A128KW, "A128KW", JOSE_KM_AESKW, 16, NULL},
	[JOSE_JWE_A192KW] = {JOSE_JWE_A192KW, "A192KW", JOSE_KM_AESKW, 24, NULL},
	[JOSE_JWE_A256KW] = {JOSE_JWE_A256KW, "A256KW", JOSE_KM_AESKW, 32, NULL},
	[JOSE_JWE_A128GCMKW] = {JOSE_JWE_A128GCMKW, "A128GCMKW", JOSE_KM_AESGCMKW, 16, NULL},
	[JOSE_JWE_A192GCMKW] = {JOSE_JWE_A192GCMKW, "A192GCMKW", JOSE_KM_AESGCMKW, 24, NULL},
	[JOSE_JWE_A256GCMKW] = {JOSE_JWE_A256GCMKW, "A256GCMKW", JOSE_KM_AESGCMKW, 32, NULL},
	[JOSE_JWE_RSA_OAEP] = {JOSE_JWE_RSA_OAEP, "RSA-OAEP", JOSE_KM_RSA_OAEP, 0, "SHA1"},
	[JOSE_JWE_RSA_OAEP_256] = {JOSE_JWE_RSA_OAEP_256, "RSA-OAEP-256", JOSE_KM_RSA_OAEP, 0, "SHA256"},
	[JOSE_JWE_ECDH_ES] = {JOSE_JWE_ECDH_ES, "ECDH-ES", JOSE_KM_ECDH, 0, NULL},
	[JOSE_JWE_ECDH_ES_A128KW] = {JOSE_JWE_ECDH_ES_A128KW, "ECDH-ES+A128KW", JOSE_KM_ECDH, 16, NULL},
	[JOSE_JWE_ECDH_ES_A192KW] = {JOSE_JWE_ECDH_ES_A192KW, "ECDH-ES+A192KW", JOSE_KM_ECDH, 24, NULL},
	[JOSE_JWE_ECDH_ES_A256KW] = {JOSE_JWE_ECDH_ES_A256KW, "ECDH-ES+A256KW", JOSE_KM_ECDH, 32, NULL},
	[JOSE_JWE_PBES2_HS256_A128KW] = {JOSE_JWE_PBES2_HS256_A128KW, "PBES2-HS256+A128KW", JOSE_KM_PBES2, 16, "SHA256"},
	[JOSE_JWE_PBES2_HS384_A192KW] = {JOSE_JWE_PBES2_HS384_A192KW, "PBES2-HS384+A192KW", JOSE_KM_PBES2, 24, "SHA384"},
	[JOSE_JWE_PBES2_HS512_A256KW] = {JOSE_JWE_PBES2_HS512_A256KW, "PBES2-HS512+A256KW", JOSE_KM_PBES2, 32, "SHA512"},
};

static const jose_jwe_enc_info enc_table[JOSE_JWE_ENC_COUNT] = {
	[JOSE_JWE_A128GCM] = {JOSE_JWE_A128GCM, "A128GCM", false, 16, 12, 16, "AES-128-GCM", NULL},
	[JOSE_JWE_A192GCM] = {JOSE_JWE_A192GCM, "A192GCM", false, 24, 12, 16, "AES-192-GCM", NULL},
	[JOSE_JWE_A256GCM] = {JOSE_JWE_A256GCM, "A256GCM", false, 32, 12, 16, "AES-256-GCM", NULL},
	[JOSE_JWE_A128CBC_HS256] = {JOSE_JWE_A128CBC_HS256, "A128CBC-HS256", true, 32, 16, 16, "AES-128-CBC", "SHA256"},
	[JOSE_JWE_A192CBC_HS384] = {JOSE_JWE_A192CBC_HS384, "A192CBC-HS384", true, 48, 16, 24, "AES-192-CBC", "SHA384"},
	[JOSE_JWE_A256CBC_HS512] = {JOSE_JWE_A256CBC_HS512, "A256CBC-HS512", true, 64, 16, 32, "AES-256-CBC", "SHA512"},
};

/* Facts about a JWE key-management algorithm, or NULL. */
const jose_jwe_alg_info *
jose_jwe_alg_get(jose_jwe_alg alg)
{
	if (alg <= JOSE_JWE_ALG_UNKNOWN || alg >= JOSE_JWE_ALG_COUNT)
		return NULL;
	return &alg_table[alg];
}

/* Facts about a content encryption, or NULL. */
const jose_jwe_enc_info *
jose_jwe_enc_get(jose_jwe_enc enc)
{
	if (enc <= JOSE_JWE_ENC_UNKNOWN || enc >= JOSE_JWE_ENC_COUNT)
		return NULL;
	return &enc_table[enc];
}

/* The key-management algorithm named exactly name, or UNKNOWN. */
jose_jwe_alg
jose_jwe_alg_lookup(const char *name, size_t len)
{
	for (int a = 1; a < JOSE_JWE_ALG_COUNT; a++)
		if (strlen(alg_table[a].name) == len && memcmp(alg_table[a].name, name, len) == 0)
			return (jose_jwe_alg) a;
	return JOSE_JWE_ALG_UNKNOWN;
}

/* The content encryption named exactly name, or UNKNOWN. */
jose_jwe_enc
jose_jwe_enc_lookup(const char *name, size_t len)
{
	for (int e = 1; e < JOSE_JWE_ENC_COUNT; e++)
		if (strlen(enc_table[e].name) == len && memcmp(enc_table[e].name, name, len) == 0)
			return (jose_jwe_enc) e;
	return JOSE_JWE_ENC_UNKNOWN;
}

/* Call found(name, len) for each item of a comma-separated list; stop on failure. */
static jose_status
each_name(const char *list, size_t len,
		  jose_status (*found) (const char *, size_t, uint32_t *, jose_err *),
		  uint32_t *set, jose_err *err)
{
	size_t		pos = 0;
	const char *name;
	size_t		n;

	*set = 0;
	while (jose_list_next(list, len, &pos, &name, &n))
	{
		jose_status st = found(name, n, set, err);

		if (st != JOSE_OK)
			return st;
	}
	return JOSE_OK;
}

/* Add one key-management algorithm name to a set. */
static jose_status
add_alg(const char *name, size_t len, uint32_t *set, jose_err *err)
{
	jose_jwe_alg a = jose_jwe_alg_lookup(name, len);

	if (len == 6 && memcmp(name, "RSA1_5", 6) == 0)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "RSA1_5 is refused: its padding oracle (Bleichenbacher) cannot be closed.");
	if (a == JOSE_JWE_ALG_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "\"%.*s\" is not a JWE key-management algorithm token_ext supports.",
						 (int) (len > 32 ? 32 : len), name);
	*set |= JOSE_JWE_BIT(a);
	return JOSE_OK;
}

/* Add one content-encryption name to a set. */
static jose_status
add_enc(const char *name, size_t len, uint32_t *set, jose_err *err)
{
	jose_jwe_enc e = jose_jwe_enc_lookup(name, len);

	if (e == JOSE_JWE_ENC_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "\"%.*s\" is not a JWE content encryption token_ext supports.",
						 (int) (len > 32 ? 32 : len), name);
	*set |= JOSE_JWE_BIT(e);
	return JOSE_OK;
}

/* Parse a comma-separated list of key-management algorithms. */
jose_status
jose_jwe_alg_set_parse(const char *list, size_t len, jose_jwe_alg_set *set, jose_err *err)
{
	return each_name(list, len, add_alg, set, err);
}

/* Parse a comma-separated list of content encryptions. */
jose_status
jose_jwe_enc_set_parse(const char *list, size_t len, jose_jwe_enc_set *set, jose_err *err)
{
	return each_name(list, len, add_enc, set, err);
}

/*
 * The one member (1 .. count - 1) of the set a list names, parsed by
 * parse; a list naming more than one fails with "Name one <what> ...".
 */
static jose_status
parse_one(const char *list, size_t len,
		  jose_status (*parse) (const char *, size_t, uint32_t *, jose_err *), int count,
		  const char *what, int *member, jose_err *err)
{
	uint32_t	set;
	jose_status st = parse(list, len, &set, err);

	*member = 0;
	if (st != JOSE_OK)
		return st;
	for (int i = 1; i < count; i++)
		if (set == JOSE_JWE_BIT(i))
			*member = i;
	if (*member == 0)
		return jose_fail(err, JOSE_E_ARGUMENT, "Name one %s to encrypt with.", what);
	return JOSE_OK;
}

/* The one key management algorithm to encrypt with. */
jose_status
jose_jwe_alg_parse_one(const char *name, size_t len, jose_jwe_alg *alg, jose_err *err)
{
	int			a;
	jose_status st = parse_one(name, len, jose_jwe_alg_set_parse, JOSE_JWE_ALG_COUNT,
							   "key management algorithm", &a, err);

	*alg = (jose_jwe_alg) a;
	return st;
}

/* The one content encryption to encrypt with. */
jose_status
jose_jwe_enc_parse_one(const char *name, size_t len, jose_jwe_enc *enc, jose_err *err)
{
	int			e;
	jose_status st = parse_one(name, len, jose_jwe_enc_set_parse, JOSE_JWE_ENC_COUNT,
							   "content encryption", &e, err);

	*enc = (jose_jwe_enc) e;
	return st;
}

/* Sort a mixed list of JWS and JWE names (empty items skipped) into sets. */
jose_status
jose_policy_algorithms_parse(const char *list, size_t len, jose_alg_set *jws,
							 jose_jwe_alg_set *jwe_algs, jose_jwe_enc_set *jwe_encs,
							 jose_err *err)
{
	size_t		pos = 0;
	const char *name;
	size_t		n;

	*jws = *jwe_algs = *jwe_encs = 0;
	while (jose_list_next(list, len, &pos, &name, &n))
	{
		jose_alg	a;
		jose_jwe_alg ja;
		jose_jwe_enc je;

		if (n == 0)
			continue;
		if ((a = jose_alg_lookup(name, n)) != JOSE_ALG_UNKNOWN)
			*jws |= JOSE_ALG_BIT(a);
		else if ((ja = jose_jwe_alg_lookup(name, n)) != JOSE_JWE_ALG_UNKNOWN)
			*jwe_algs |= JOSE_JWE_BIT(ja);
		else if ((je = jose_jwe_enc_lookup(name, n)) != JOSE_JWE_ENC_UNKNOWN)
			*jwe_encs |= JOSE_JWE_BIT(je);
		else
			return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
							 "\"%.*s\" is not an algorithm token_ext supports.",
							 (int) (n > 32 ? 32 : n), name);
	}
	return JOSE_OK;
}
