/*-------------------------------------------------------------------------
 *
 * issuer.c
 *		Issuer-bound keys: narrowing a key set by the token's issuer, the
 *		check on verified claims, and the "no matching key" details.
 *
 * Issuers are compared as bytes with their lengths: "https://a/" is not
 * "https://a", "HTTPS://A" is not "https://a", and an issuer holding a
 * NUL (JSON allows "\u0000") never equals a shorter one.
 *
 * src/core/issuer.c
 *
 *-------------------------------------------------------------------------
 */
#include "issuer.h"

#include <string.h>

/* True when the len bytes at a equal key's issuer. */
static bool
key_issuer_is(const jose_key *key, const char *iss, size_t len)
{
	return key->issuer != NULL && key->issuer_len == len && memcmp(key->issuer, iss, len) == 0;
}

/* True when a key of set (which may be NULL) is bound to an issuer. */
bool
jose_keyset_has_issuers(const jose_keyset *set)
{
	if (set == NULL)
		return false;
	for (size_t i = 0; i < set->count; i++)
		if (set->keys[i]->issuer != NULL)
			return true;
	return false;
}

/* Read the "iss" of a claims tree; NULL when absent, JOSE_E_CLAIM when not a string. */
jose_status
jose_claims_issuer(const jose_json *claims, const char **iss, size_t *len, jose_err *err)
{
	uint32_t	v = jose_json_member(claims, 0, "iss");

	*iss = NULL;
	*len = 0;
	if (v == JOSE_JSON_NONE)
		return JOSE_OK;
	if (claims->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_CLAIM, "The \"iss\" claim must be a string.");
	*iss = jose_json_text(claims, v);
	*len = claims->nodes[v].len;
	return JOSE_OK;
}

/* True when a key of set (NULL: none) is bound to (iss, len). */
static bool
set_binds(const jose_keyset *set, const char *iss, size_t len)
{
	if (set == NULL)
		return false;
	for (size_t i = 0; i < set->count; i++)
		if (key_issuer_is(set->keys[i], iss, len))
			return true;
	return false;
}

/* True when (iss, len) is an issuer the host binds keys to. */
bool
jose_issuer_is_bound(const jose_issuers *known, const jose_keyset *a, const jose_keyset *b,
					 const char *iss, size_t len)
{
	if (iss == NULL)
		return false;
	if (known != NULL)
		for (size_t i = 0; i < known->count; i++)
			if (known->lens[i] == len && memcmp(known->names[i], iss, len) == 0)
				return true;
	return set_binds(a, iss, len) || set_binds(b, iss, len);
}

/* Narrow all to the keys that may verify a token of issuer (iss, len). */
void
jose_keyset_for_issuer(const jose_keyset *all, bool bound, const char *iss, size_t len,
					   jose_key **storage, jose_keyset *out)
{
	*out = *all;
	out->keys = storage;
	out->count = 0;
	out->scope = bound ? JOSE_SCOPE_ISSUER : JOSE_SCOPE_UNBOUND;
	out->issuer = iss;
	out->issuer_len = len;
	for (size_t i = 0; i < all->count; i++)
	{
		jose_key   *k = all->keys[i];

		if (bound ? key_issuer_is(k, iss, len) : k->issuer == NULL)
			storage[out->count++] = k;
	}
}

/* Check, on verified claims, that key may have verified a token of issuer (iss, len). */
jose_status
jose_issuer_permits(const jose_key *key, bool bound, const char *iss, size_t len, jose_err *err)
{
	char		quoted[JOSE_QUOTE_MAX];

	if (key->issuer != NULL && (iss == NULL || !key_issuer_is(key, iss, len)))
		return jose_fail(err, JOSE_E_ISSUER,
						 "The key that verified the token is bound to issuer %s, and the token's \"iss\" is not that issuer.",
						 jose_quote(key->issuer, key->issuer_len, quoted));
	if (key->issuer == NULL && bound)
		return jose_fail(err, JOSE_E_ISSUER,
						 "The token's issuer %s has keys of its own; a key bound to no issuer cannot verify its tokens.",
						 jose_quote(iss, len, quoted));
	return JOSE_OK;
}

/* Fail with JOSE_E_KEY_NOT_FOUND, naming the kid and the issuer looked up. */
jose_status
jose_keyset_no_key(const jose_keyset *set, const char *kid, size_t kid_len,
				   const char *verb, const char *alg, jose_err *err)
{
	const char *name = set->name ? set->name : "key set";
	char		k[JOSE_QUOTE_MAX];
	char		i[JOSE_QUOTE_MAX];

	if (kid != NULL)
		jose_quote(kid, kid_len, k);
	if (set->issuer != NULL)
		jose_quote(set->issuer, set->issuer_len, i);

	if (set->scope == JOSE_SCOPE_ISSUER)
	{
		if (set->count == 0)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "The %s has no key of issuer %s valid now to %s with.", name, i, verb);
		if (kid != NULL)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "No key of issuer %s in the %s has the token's \"kid\" %s.", i, name, k);
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
						 "No key of issuer %s in the %s can %s %s.", i, name, verb, alg);
	}
	if (set->scope == JOSE_SCOPE_UNBOUND && set->issuer == NULL)
	{
		if (set->count == 0)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "The token has no \"iss\" claim, and every key of the %s valid now is bound to an issuer.",
							 name);
		if (kid != NULL)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "No key bound to no issuer in the %s has the token's \"kid\" %s (the token has no \"iss\" claim).",
							 name, k);
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
						 "No key bound to no issuer in the %s can %s %s (the token has no \"iss\" claim).",
						 name, verb, alg);
	}
	if (set->scope == JOSE_SCOPE_UNBOUND)
	{
		if (set->count == 0)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "The %s has no key for the token's issuer %s.", name, i);
		if (kid != NULL)
			return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
							 "No key in the %s has the token's \"kid\" %s: none is bound to the token's issuer %s, and none bound to no issuer has that kid.",
							 name, k, i);
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND,
						 "No key in the %s can %s %s: none is bound to the token's issuer %s, and none bound to no issuer fits.",
						 name, verb, alg, i);
	}
	if (set->count == 0)
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND, "The %s has no key valid now to %s with.",
						 name, verb);
	if (kid != NULL)
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND, "No key in the %s has the token's \"kid\" %s.",
						 name, k);
	return jose_fail(err, JOSE_E_KEY_NOT_FOUND, "No key in the %s can %s %s.", name, verb, alg);
}
