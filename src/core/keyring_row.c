/*-------------------------------------------------------------------------
 *
 * keyring_row.c
 *		Judging a keyring row: its columns, then its key.
 *
 * The PostgreSQL trigger of jwt.keyring runs these checks before any
 * table constraint can fire: a CHECK or NOT NULL violation would print
 * the whole row ("Failing row contains (...)"), JWK and private members
 * included, to the client and the server log.  The key cache runs them
 * again when it loads the table, since rows can arrive without the
 * trigger (session_replication_role = replica, a restore with triggers
 * disabled): such a row is skipped, never trusted and never a crash.
 *
 * src/core/keyring_row.c
 *
 *-------------------------------------------------------------------------
 */
#include "keyring_row.h"
#include "alg.h"
#include "bounds.h"
#include "jwe_tables.h"
#include "jwk.h"
#include "key.h"
#include "pkey.h"

#include <stdlib.h>
#include <string.h>

/* The purpose bit of a purpose name, or 0. */
unsigned
jose_purpose_bit(const char *name, size_t len)
{
	static const struct
	{
		const char *name;
		unsigned	bit;
	}			names[] = {
		{"sign", JOSE_PURPOSE_SIGN}, {"verify", JOSE_PURPOSE_VERIFY},
		{"encrypt", JOSE_PURPOSE_ENCRYPT}, {"decrypt", JOSE_PURPOSE_DECRYPT}
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && memcmp(names[i].name, name, len) == 0)
			return names[i].bit;
	return 0;
}

/* Check a row's columns, everything but its key's usability. */
jose_status
jose_keyring_row_check(const jose_keyring_row *row, jose_err *err)
{
	if (row->kid == NULL)
		return jose_fail(err, JOSE_E_ROW_NULL, "The column \"kid\" is NULL; every key needs a kid.");
	if (row->kid_len == 0)
		return jose_fail(err, JOSE_E_ROW, "The column \"kid\" is empty.");
	if (row->kid_len > JOSE_MAX_KID_LEN)
		return jose_fail(err, JOSE_E_ROW, "The column \"kid\" is longer than %d bytes.",
						 JOSE_MAX_KID_LEN);
	if (!row->has_purposes)
		return jose_fail(err, JOSE_E_ROW_NULL,
						 "The column \"purposes\" is NULL; it names one or more of sign, verify, encrypt and decrypt.");
	if (row->purposes_bad)
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"purposes\" holds something other than sign, verify, encrypt and decrypt.");
	if (row->purposes == 0)
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"purposes\" is empty; it names one or more of sign, verify, encrypt and decrypt.");
	if (row->alg != NULL)
	{
		size_t		n = strlen(row->alg);

		if (jose_alg_lookup(row->alg, n) == JOSE_ALG_UNKNOWN &&
			jose_jwe_alg_lookup(row->alg, n) == JOSE_JWE_ALG_UNKNOWN &&
			jose_jwe_enc_lookup(row->alg, n) == JOSE_JWE_ENC_UNKNOWN)
			return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
							 "The row's alg is not a JWS or JWE algorithm token_ext supports.");
	}
	if (row->jwk == NULL)
		return jose_fail(err, JOSE_E_ROW_NULL, "The column \"key\" is NULL; it holds the JWK.");
	if (!row->has_not_before)
		return jose_fail(err, JOSE_E_ROW_NULL,
						 "The column \"not_before\" is NULL; leave it out to mean now.");
	if (row->has_not_after && !(row->not_after > row->not_before))
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"not_after\" must be later than \"not_before\".");
	if (!row->has_created_at)
		return jose_fail(err, JOSE_E_ROW_NULL,
						 "The column \"created_at\" is NULL; leave it out to mean now.");
	if (row->issuer != NULL && row->issuer_len == 0)
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"issuer\" is empty; leave it NULL for a key bound to no issuer.");
	if (row->issuer != NULL && row->issuer_len > JOSE_MAX_ISSUER_LEN)
		return jose_fail(err, JOSE_E_ROW, "The column \"issuer\" is longer than %d bytes.",
						 JOSE_MAX_ISSUER_LEN);
	if (row->audience != NULL && row->issuer == NULL)
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"audience\" needs an \"issuer\"; keys bound to no issuer use token_ext.audience.");
	if (row->audience != NULL && row->audience_len == 0)
		return jose_fail(err, JOSE_E_ROW,
						 "The column \"audience\" is empty; leave it NULL to leave \"aud\" unchecked.");
	if (row->audience != NULL && row->audience_len > JOSE_MAX_ISSUER_LEN)
		return jose_fail(err, JOSE_E_ROW, "The column \"audience\" is longer than %d bytes.",
						 JOSE_MAX_ISSUER_LEN);
	return JOSE_OK;
}

/* A NUL-terminated malloc'd copy of len bytes at s, or NULL. */
static char *
copy_text(const char *s, size_t len)
{
	char	   *copy = malloc(len + 1);

	if (copy != NULL)
	{
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/* Bind a loaded key to the row's kid, issuer, audience and alg. */
static jose_status
bind_to_row(jose_key *key, const jose_keyring_row *row, jose_err *err)
{
	char	   *kid = copy_text(row->kid, row->kid_len);

	if (kid == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a kid.");
	free(key->kid);
	key->kid = kid;
	key->kid_len = row->kid_len;
	if (row->issuer != NULL)
	{
		key->issuer = copy_text(row->issuer, row->issuer_len);
		key->issuer_len = row->issuer_len;
		if (key->issuer == NULL)
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate an issuer.");
	}
	if (row->audience != NULL)
	{
		key->audience = copy_text(row->audience, row->audience_len);
		key->audience_len = row->audience_len;
		if (key->audience == NULL)
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate an audience.");
	}
	if (row->alg == NULL)
		return JOSE_OK;
	if (key->alg_name[0] != '\0' && strcmp(key->alg_name, row->alg) != 0)
		return jose_fail(err, JOSE_E_KEY, "The JWK's \"alg\" differs from the row's alg.");
	if (strlen(row->alg) >= sizeof(key->alg_name))
		return jose_fail(err, JOSE_E_KEY, "The row's alg is not an algorithm name.");
	strcpy(key->alg_name, row->alg);
	key->alg = jose_alg_lookup(row->alg, strlen(row->alg));
	if (key->alg != JOSE_ALG_UNKNOWN && jose_key_check_family(key, key->alg, err) != JOSE_OK)
		return jose_fail(err, JOSE_E_KEY, "The row's alg %s does not fit the key.", row->alg);
	return JOSE_OK;
}

/* Check that the key can do what the row's purposes need. */
static jose_status
check_purposes(const jose_key *key, unsigned purposes, jose_err *err)
{
	bool		asym = key->kty != JOSE_KTY_OCT;

	/* a secret for signatures must be strong enough for its algorithm (HS256 at least) */
	if (!asym && (purposes & (JOSE_PURPOSE_SIGN | JOSE_PURPOSE_VERIFY)) &&
		(key->alg != JOSE_ALG_UNKNOWN || key->alg_name[0] == '\0'))
		return jose_key_check_jws(key, key->alg != JOSE_ALG_UNKNOWN ? key->alg : JOSE_ALG_HS256,
								  JOSE_OP_VERIFY, err);
	if (asym && (purposes & (JOSE_PURPOSE_SIGN | JOSE_PURPOSE_DECRYPT)) && !jose_key_has_private(key))
		return jose_fail(err, JOSE_E_KEY,
						 "Signing and decryption need a private key; this is a public key.");
	return JOSE_OK;
}

/* Load the row's key: its JWK, bound to the row, fit for its purposes. */
jose_status
jose_keyring_row_key(const jose_keyring_row *row, jose_key **out, jose_err *err)
{
	jose_keyset *set = NULL;
	jose_key   *key;
	jose_status st;

	*out = NULL;
	st = jose_keyset_from_jwk_text(row->jwk, row->jwk_len, &set, err);
	if (st != JOSE_OK)
		return st;
	if (set->is_set)
	{
		jose_keyset_free(set);
		return jose_fail(err, JOSE_E_KEY, "A keyring row holds one JWK, not a JWKS.");
	}
	key = set->keys[0];
	set->count = 0;
	jose_keyset_free(set);

	st = bind_to_row(key, row, err);
	if (st == JOSE_OK)
		st = check_purposes(key, row->purposes, err);
	if (st != JOSE_OK)
	{
		jose_key_free(key);
		return st;
	}
	*out = key;
	return JOSE_OK;
}
