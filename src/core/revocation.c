/*-------------------------------------------------------------------------
 *
 * revocation.c
 *		Revoked tokens: loading a host's entries, and checking claims.
 *
 * src/core/revocation.c
 *
 *-------------------------------------------------------------------------
 */
#include "revocation.h"
#include "claims.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One entry: the row's fields, then the value's and the issuer's bytes. */
struct jose_revocation
{
	jose_revocation *chain;
	uint64_t	hash;
	int			kind;
	size_t		len;
	size_t		issuer_len;
	bool		has_issuer;
	bool		has_before;
	double		issued_before;
	bool		has_expiry;
	double		expires_at;
	char		bytes[];		/* value, then issuer */
};

/*
 * FNV-1a of the kind and value.  The entries come from the host's store
 * (written by its administrators), and the values looked up from tokens
 * that verified, so no untrusted party chooses what collides.
 */
static uint64_t
hash_of(int kind, const char *value, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ (uint64_t) kind;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char) value[i]) * 0x100000001b3ULL;
	return h;
}

/* Prepare an empty set. */
void
jose_revocations_init(jose_revocations *r)
{
	memset(r, 0, sizeof(*r));
}

/* Double the buckets, rehashing the entries; false when out of memory. */
static bool
grow(jose_revocations *r)
{
	size_t		n = r->n_buckets ? r->n_buckets * 2 : 64;
	jose_revocation **buckets = calloc(n, sizeof(*buckets));

	if (buckets == NULL)
		return false;
	for (size_t b = 0; b < r->n_buckets; b++)
	{
		jose_revocation *e = r->buckets[b];

		while (e != NULL)
		{
			jose_revocation *next = e->chain;

			e->chain = buckets[e->hash & (n - 1)];
			buckets[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	free(r->buckets);
	r->buckets = buckets;
	r->n_buckets = n;
	return true;
}

/* Add a copy of row. */
jose_status
jose_revocations_add(jose_revocations *r, const jose_revocation_row *row, jose_err *err)
{
	jose_revocation *e;
	size_t		issuer_len = row->issuer ? row->issuer_len : 0;

	if (row->value == NULL || row->len == 0)
		return JOSE_OK;
	if (r->count >= r->n_buckets && !grow(r))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the revocation store.");
	e = malloc(sizeof(*e) + row->len + issuer_len);
	if (e == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the revocation store.");
	e->hash = hash_of(row->kind, row->value, row->len);
	e->kind = row->kind;
	e->len = row->len;
	e->has_issuer = row->issuer != NULL;
	e->issuer_len = issuer_len;
	e->has_before = row->has_before;
	e->issued_before = row->issued_before;
	e->has_expiry = row->has_expiry;
	e->expires_at = row->expires_at;
	memcpy(e->bytes, row->value, row->len);
	if (issuer_len > 0)
		memcpy(e->bytes + row->len, row->issuer, issuer_len);
	e->chain = r->buckets[e->hash & (r->n_buckets - 1)];
	r->buckets[e->hash & (r->n_buckets - 1)] = e;
	r->count++;
	return JOSE_OK;
}

/* A string claim's text and length, or NULL. */
static const char *
string_claim(const jose_json *claims, const char *name, size_t *len)
{
	uint32_t	v = jose_json_member(claims, 0, name);

	if (v == JOSE_JSON_NONE || claims->nodes[v].type != JOSE_JSON_STRING)
		return NULL;
	*len = claims->nodes[v].len;
	return jose_json_text(claims, v);
}

/*
 * The first entry of kind for value, counting at now, whose issuer (if
 * any) is iss, after from (NULL: from the first).
 */
static const jose_revocation *
next_match(const jose_revocations *r, const jose_revocation *from, int kind, const char *value,
		   size_t len, const char *iss, size_t iss_len, double now)
{
	uint64_t	h = hash_of(kind, value, len);
	const jose_revocation *e = from ? from->chain : r->buckets[h & (r->n_buckets - 1)];

	for (; e != NULL; e = e->chain)
		if (e->hash == h && e->kind == kind && e->len == len && memcmp(e->bytes, value, len) == 0 &&
			(!e->has_expiry || now < e->expires_at) &&
			(!e->has_issuer ||
			 (iss != NULL && e->issuer_len == iss_len && memcmp(e->bytes + len, iss, iss_len) == 0)))
			return e;
	return NULL;
}

/* JOSE_E_REVOKED when an entry of r matches the verified claims. */
jose_status
jose_revocation_check(const jose_revocations *r, const jose_json *claims, double now,
					  jose_err *err)
{
	size_t		jti_len = 0;
	size_t		sub_len = 0;
	size_t		iss_len = 0;
	const char *jti;
	const char *sub;
	const char *iss;
	jose_claim_times t;
	char		when[64];

	if (r->count == 0)
		return JOSE_OK;
	jti = string_claim(claims, "jti", &jti_len);
	sub = string_claim(claims, "sub", &sub_len);
	iss = string_claim(claims, "iss", &iss_len);
	if (jti != NULL &&
		next_match(r, NULL, JOSE_REVOKE_JTI, jti, jti_len, iss, iss_len, now) != NULL)
		return jose_fail(err, JOSE_E_REVOKED, "The token's \"jti\" is revoked.");
	if (sub == NULL)
		return JOSE_OK;
	if (jose_claims_times(claims, &t, err) != JOSE_OK)
		return err ? err->status : JOSE_E_CLAIM;
	for (const jose_revocation *e = next_match(r, NULL, JOSE_REVOKE_SUBJECT, sub, sub_len, iss, iss_len, now);
		 e != NULL; e = next_match(r, e, JOSE_REVOKE_SUBJECT, sub, sub_len, iss, iss_len, now))
	{
		if (!e->has_before)
			return jose_fail(err, JOSE_E_REVOKED, "Every token of the token's subject is revoked.");
		if (t.has_iat && t.iat >= e->issued_before)
			continue;
		jose_format_time(e->issued_before, when, sizeof(when));
		if (!t.has_iat)
			return jose_fail(err, JOSE_E_REVOKED,
							 "The tokens of the token's subject issued before %s are revoked, and the token has no \"iat\" to show it is newer.",
							 when);
		return jose_fail(err, JOSE_E_REVOKED,
						 "The tokens of the token's subject issued before %s are revoked.", when);
	}
	return JOSE_OK;
}

/* Free the entries. */
void
jose_revocations_free(jose_revocations *r)
{
	for (size_t b = 0; b < r->n_buckets; b++)
	{
		jose_revocation *e = r->buckets[b];

		while (e != NULL)
		{
			jose_revocation *next = e->chain;

			free(e);
			e = next;
		}
	}
	free(r->buckets);
	jose_revocations_init(r);
}
