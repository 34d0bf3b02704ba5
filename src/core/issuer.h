/*-------------------------------------------------------------------------
 *
 * issuer.h
 *		Issuer-bound keys: which keys of a host's set may verify a token,
 *		given the token's "iss".
 *
 * Identity providers sign for many tenants, sometimes with one key set
 * for all of them (Firebase), so a key proves nothing without the issuer
 * it belongs to (RFC 8725 3.8: keys are looked up by iss and kid, not by
 * kid alone).  A key bound to an issuer verifies only tokens whose "iss"
 * is exactly that issuer (bytes compared, no case folding, no trailing
 * slash forgiven), and those tokens must then name the key's audience.
 * A key bound to no issuer (the host's own) verifies only tokens whose
 * "iss" is absent or names no issuer the host binds keys to: a token that
 * says it comes from a provider is judged by that provider's keys alone,
 * even when none of them is valid now.
 *
 * The "iss" that selects the keys is read before the signature is
 * checked, with the same strict parser that reads the claims afterwards
 * (one parse, no second reader to disagree with), and the binding is
 * checked again on the verified claims.
 *
 * src/core/issuer.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_ISSUER_H
#define JOSE_ISSUER_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "keyobj.h"
#include "status.h"

/* Issuers a host binds keys to (any purpose, any validity window). */
typedef struct jose_issuers
{
	const char *const *names;
	const size_t *lens;
	size_t		count;
} jose_issuers;

/* True when a key of set (which may be NULL) is bound to an issuer. */
extern bool jose_keyset_has_issuers(const jose_keyset *set);

/*
 * Read the "iss" of a claims tree: *iss NULL when absent; JOSE_E_CLAIM
 * when it is not a string.
 */
extern jose_status jose_claims_issuer(const jose_json *claims, const char **iss, size_t *len,
									  jose_err *err);

/*
 * True when (iss, len) is an issuer the host binds keys to: one of known
 * (may be NULL), or the issuer of a key of a or b (either may be NULL).
 */
extern bool jose_issuer_is_bound(const jose_issuers *known, const jose_keyset *a,
								 const jose_keyset *b, const char *iss, size_t len);

/*
 * Narrow all to the keys that may verify a token whose issuer is (iss,
 * len) (iss NULL: the token has none): the keys bound to it when bound is
 * true, else the keys bound to no issuer.  out->keys points at storage,
 * which must hold all->count pointers.
 */
extern void jose_keyset_for_issuer(const jose_keyset *all, bool bound, const char *iss,
								   size_t len, jose_key **storage, jose_keyset *out);

/*
 * Check, on verified claims, that key may have verified a token whose
 * issuer is (iss, len) (bound as for jose_keyset_for_issuer).
 */
extern jose_status jose_issuer_permits(const jose_key *key, bool bound, const char *iss,
									   size_t len, jose_err *err);

/*
 * Fail with JOSE_E_KEY_NOT_FOUND for a token that set cannot verify or
 * decrypt: set is empty, or none of its keys has the token's kid (kid
 * non-NULL), or none fits its algorithm alg (kid NULL; verb "verify" or
 * "decrypt").  The detail names the kid and the issuer looked up, quoted.
 */
extern jose_status jose_keyset_no_key(const jose_keyset *set, const char *kid, size_t kid_len,
									  const char *verb, const char *alg, jose_err *err);

#endif							/* JOSE_ISSUER_H */
