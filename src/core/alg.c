/*-------------------------------------------------------------------------
 *
 * alg.c
 *		The table of JWS algorithms.
 *
 * src/core/alg.c
 *
 *-------------------------------------------------------------------------
 */
#include "alg.h"

#include <stdio.h>
#include <string.h>

static const jose_alg_info alg_table[JOSE_ALG_COUNT] = {
	[JOSE_ALG_HS256] = {JOSE_ALG_HS256, "HS256", JOSE_FAMILY_HMAC, "SHA256", 32, 0},
	[JOSE_ALG_HS384] = {JOSE_ALG_HS384, "HS384", JOSE_FAMILY_HMAC, "SHA384", 48, 1},
	[JOSE_ALG_HS512] = {JOSE_ALG_HS512, "HS512", JOSE_FAMILY_HMAC, "SHA512", 64, 2},
	[JOSE_ALG_RS256] = {JOSE_ALG_RS256, "RS256", JOSE_FAMILY_RSA_PKCS1, "SHA256", 32, -1},
	[JOSE_ALG_RS384] = {JOSE_ALG_RS384, "RS384", JOSE_FAMILY_RSA_PKCS1, "SHA384", 48, -1},
	[JOSE_ALG_RS512] = {JOSE_ALG_RS512, "RS512", JOSE_FAMILY_RSA_PKCS1, "SHA512", 64, -1},
	[JOSE_ALG_PS256] = {JOSE_ALG_PS256, "PS256", JOSE_FAMILY_RSA_PSS, "SHA256", 32, -1},
	[JOSE_ALG_PS384] = {JOSE_ALG_PS384, "PS384", JOSE_FAMILY_RSA_PSS, "SHA384", 48, -1},
	[JOSE_ALG_PS512] = {JOSE_ALG_PS512, "PS512", JOSE_FAMILY_RSA_PSS, "SHA512", 64, -1},
	[JOSE_ALG_ES256] = {JOSE_ALG_ES256, "ES256", JOSE_FAMILY_ECDSA, "SHA256", 32, -1},
	[JOSE_ALG_ES384] = {JOSE_ALG_ES384, "ES384", JOSE_FAMILY_ECDSA, "SHA384", 48, -1},
	[JOSE_ALG_ES512] = {JOSE_ALG_ES512, "ES512", JOSE_FAMILY_ECDSA, "SHA512", 64, -1},
	[JOSE_ALG_ES256K] = {JOSE_ALG_ES256K, "ES256K", JOSE_FAMILY_ECDSA, "SHA256", 32, -1},
	[JOSE_ALG_EDDSA] = {JOSE_ALG_EDDSA, "EdDSA", JOSE_FAMILY_EDDSA, NULL, 0, -1},
};

/* The algorithm named exactly name, or JOSE_ALG_UNKNOWN. */
jose_alg
jose_alg_lookup(const char *name, size_t len)
{
	for (int a = 1; a < JOSE_ALG_COUNT; a++)
	{
		const char *n = alg_table[a].name;

		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return (jose_alg) a;
	}
	return JOSE_ALG_UNKNOWN;
}

/* Facts about a known algorithm. */
const jose_alg_info *
jose_alg_get(jose_alg alg)
{
	if (alg <= JOSE_ALG_UNKNOWN || alg >= JOSE_ALG_COUNT)
		return NULL;
	return &alg_table[alg];
}

/* "a" or "an" before a name read out letter by letter or as a word. */
const char *
jose_article(const char *name, bool capital)
{
	/* letters whose names start with a vowel sound: A E F H I L M N O R S X */
	bool		an = name[0] != '\0' && strchr("AEFHILMNORSXaeio", name[0]) != NULL;

	return an ? (capital ? "An" : "an") : (capital ? "A" : "a");
}

/* Names of the algorithms in set, comma-separated. */
void
jose_alg_set_describe(jose_alg_set set, char *out, size_t outlen)
{
	size_t		used = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (int a = 1; a < JOSE_ALG_COUNT; a++)
	{
		int			n;

		if (!(set & JOSE_ALG_BIT(a)))
			continue;
		n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", alg_table[a].name);
		if (n < 0 || (size_t) n >= outlen - used)
			return;
		used += (size_t) n;
	}
}

/* Step through a comma-separated list (see alg.h). */
bool
jose_list_next(const char *list, size_t len, size_t *pos, const char **item, size_t *item_len)
{
	size_t		i = *pos;
	size_t		start,
				end;

	if (i > len)
		return false;
	while (i < len && list[i] == ' ')
		i++;
	start = i;
	while (i < len && list[i] != ',')
		i++;
	end = i;
	while (end > start && list[end - 1] == ' ')
		end--;
	*item = list + start;
	*item_len = end - start;
	*pos = i + 1;				/* past the comma, or past the end */
	return true;
}

/* Parse a comma-separated list of algorithm names into a set. */
jose_status
jose_alg_set_parse(const char *list, size_t len, jose_alg_set *set, jose_err *err)
{
	size_t		pos = 0;
	const char *name;
	size_t		n;

	*set = 0;
	while (jose_list_next(list, len, &pos, &name, &n))
	{
		jose_alg	a;

		if (n == 4 && memcmp(name, "none", 4) == 0)
			return jose_fail(err, JOSE_E_ALG_NONE,
							 "Unsecured JWS (\"none\") is never accepted.");
		a = jose_alg_lookup(name, n);
		if (a == JOSE_ALG_UNKNOWN)
			return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
							 "\"%.*s\" is not a JWS algorithm token_ext supports.",
							 (int) (n > 32 ? 32 : n), name);
		*set |= JOSE_ALG_BIT(a);
	}
	return JOSE_OK;
}

/* The one JWS algorithm to sign with; "none" and unknown names fail. */
jose_status
jose_sign_alg_parse(const char *name, size_t len, jose_alg *alg, jose_err *err)
{
	if (len == 4 && memcmp(name, "none", 4) == 0)
		return jose_fail(err, JOSE_E_ALG_NONE, "Unsecured JWS (\"none\") is never produced.");
	*alg = jose_alg_lookup(name, len);
	if (*alg == JOSE_ALG_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "\"%.*s\" is not a JWS algorithm token_ext supports.",
						 (int) (len > 32 ? 32 : len), name);
	return JOSE_OK;
}
