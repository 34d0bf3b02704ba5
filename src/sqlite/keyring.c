/*-------------------------------------------------------------------------
 *
 * keyring.c
 *		The keys of jwt_authenticate: the table jwt_keyring, read at use.
 *
 * The table has the columns of PostgreSQL's jwt.keyring where they apply
 * (README, "SQLite"): kid, purposes (a JSON array of sign, verify,
 * encrypt, decrypt), alg, key (one JWK as JSON text), not_before and
 * not_after (unix seconds).  Its name is resolved as any unqualified
 * table name (temp, main, then attached databases), so the keys may live
 * in an attached database file of their own.
 *
 * Every jwt_authenticate reads the rows again, so a change is seen at
 * once, whoever made it; parsing is what costs, so each row's parsed key
 * is kept while the row's kid, alg and key stay byte for byte the same.
 * A row that breaks a rule is an error naming its kid, never skipped
 * silently: the documented CREATE TABLE has CHECK constraints, but a
 * table made without them must not weaken anything.
 *
 * src/sqlite/keyring.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../core/pkey.h"

#define KEYRING_QUERY \
	"SELECT kid, purposes, alg, key, not_before, not_after FROM jwt_keyring"

/* Free one entry, wiping its copy of the row. */
static void
entry_free(sq_keyring_entry *e)
{
	jose_key_free(e->key);
	if (e->material != NULL)
		OPENSSL_cleanse(e->material, e->material_len);
	free(e->material);
	memset(e, 0, sizeof(*e));
}

/* Free every parsed keyring key. */
void
sq_keyring_free(sq_conn *c)
{
	for (size_t i = 0; i < c->n_keyring; i++)
		entry_free(&c->keyring[i]);
	free(c->keyring);
	c->keyring = NULL;
	c->n_keyring = 0;
}

/* Record a failure of the row kid in err: "Keyring key "kid": <detail>" */
static jose_status
row_fail(jose_err *err, jose_status status, const char *kid, const char *detail)
{
	return jose_fail(err, status, "Keyring key \"%.64s\": %s", kid, detail);
}

/* The purpose bits of a JSON array of names; false if it is not one. */
static bool
parse_purposes(const char *text, size_t len, unsigned *bits)
{
	static const jose_json_limits limits = {2, 16};
	static const char *const names[] = {"sign", "verify", "encrypt", "decrypt"};
	jose_json	doc;
	jose_err	err;
	bool		ok;
	uint32_t	e = 1;

	*bits = 0;
	jose_json_init(&doc);
	ok = jose_json_parse(&doc, text, len, &limits, "purposes", &err) == JOSE_OK &&
		doc.nodes[0].type == JOSE_JSON_ARRAY && doc.nodes[0].count > 0;
	for (uint32_t i = 0; ok && i < doc.nodes[0].count; i++, e = doc.nodes[e].next)
	{
		unsigned	bit = 0;

		for (int n = 0; n < 4 && doc.nodes[e].type == JOSE_JSON_STRING; n++)
			if (strcmp(jose_json_text(&doc, e), names[n]) == 0)
				bit = 1u << n;
		*bits |= bit;
		ok = bit != 0;
	}
	jose_json_free(&doc);
	return ok;
}

/*
 * Parse a row's JWK, bound to the row's kid and (when given) algorithm,
 * and check it fits its purposes, as PostgreSQL's keyring trigger does.
 */
static jose_status
parse_row_key(const char *kid, const char *alg, const char *jwk, size_t jwk_len,
			  unsigned purposes, jose_key **out, jose_err *err)
{
	jose_keyset *set = NULL;
	jose_key   *key;
	jose_err	kerr;
	jose_status st;

	*out = NULL;
	if (alg != NULL && jose_alg_lookup(alg, strlen(alg)) == JOSE_ALG_UNKNOWN &&
		jose_jwe_alg_lookup(alg, strlen(alg)) == JOSE_JWE_ALG_UNKNOWN &&
		jose_jwe_enc_lookup(alg, strlen(alg)) == JOSE_JWE_ENC_UNKNOWN)
		return row_fail(err, JOSE_E_ALG_UNSUPPORTED, kid,
						"The row's alg is not a JWS or JWE algorithm token_ext supports.");
	if (!jose_text_looks_like_jwk(jwk, jwk_len))
		return row_fail(err, JOSE_E_KEY, kid, "The key is not a JWK.");
	if ((st = jose_keyset_from_jwk_text(jwk, jwk_len, &set, &kerr)) != JOSE_OK)
		return row_fail(err, st, kid, kerr.detail);
	if (set->is_set)
	{
		jose_keyset_free(set);
		return row_fail(err, JOSE_E_KEY, kid, "A keyring row holds one JWK, not a JWKS.");
	}
	key = set->keys[0];
	set->count = 0;
	jose_keyset_free(set);

	/* the row's kid is the key's kid (it replaces one the JWK carries) */
	free(key->kid);
	if ((key->kid = strdup(kid)) == NULL)
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a kid.");
	else
		key->kid_len = strlen(kid);
	if (st == JOSE_OK && alg != NULL)
	{
		if (key->alg_name[0] != '\0' && strcmp(key->alg_name, alg) != 0)
			st = row_fail(err, JOSE_E_KEY, kid, "The JWK's \"alg\" differs from the row's alg.");
		else
		{
			snprintf(key->alg_name, sizeof(key->alg_name), "%s", alg);
			key->alg = jose_alg_lookup(alg, strlen(alg));
			if (key->alg != JOSE_ALG_UNKNOWN && jose_key_check_family(key, key->alg, &kerr) != JOSE_OK)
				st = row_fail(err, JOSE_E_KEY, kid, "The row's alg does not fit the key.");
		}
	}

	/* a secret for signatures must be strong enough for its algorithm (HS256 at least) */
	if (st == JOSE_OK && key->kty == JOSE_KTY_OCT &&
		(purposes & (SQ_PURPOSE_SIGN | SQ_PURPOSE_VERIFY)) &&
		(key->alg != JOSE_ALG_UNKNOWN || key->alg_name[0] == '\0') &&
		jose_key_check_jws(key, key->alg != JOSE_ALG_UNKNOWN ? key->alg : JOSE_ALG_HS256,
						   JOSE_OP_VERIFY, &kerr) != JOSE_OK)
		st = row_fail(err, kerr.status, kid, kerr.detail);
	if (st == JOSE_OK && key->kty != JOSE_KTY_OCT &&
		(purposes & (SQ_PURPOSE_SIGN | SQ_PURPOSE_DECRYPT)) && !jose_key_has_private(key))
		st = row_fail(err, JOSE_E_KEY, kid,
					  "Signing and decryption need a private key; this is a public key.");
	if (st != JOSE_OK)
		jose_key_free(key);
	else
		*out = key;
	return st;
}

/* The bytes a row's parsed key depends on: alg (or none), kid, key. */
static char *
row_material(const char *kid, const char *alg, const char *jwk, size_t jwk_len, size_t *len)
{
	size_t		kid_len = strlen(kid);
	size_t		alg_len = alg ? strlen(alg) : 0;
	char	   *m;

	*len = 1 + alg_len + 1 + kid_len + 1 + jwk_len;
	if ((m = malloc(*len)) == NULL)
		return NULL;
	m[0] = alg ? 'A' : 'N';
	memcpy(m + 1, alg ? alg : "", alg_len);
	m[1 + alg_len] = '\0';
	memcpy(m + 2 + alg_len, kid, kid_len);
	m[2 + alg_len + kid_len] = '\0';
	memcpy(m + 3 + alg_len + kid_len, jwk, jwk_len);
	return m;
}

/*
 * Read one row into e: from the old entries when its key is unchanged (the
 * old entry is then emptied), else parsed now.
 */
static jose_status
read_row(sqlite3_stmt *stmt, sq_keyring_entry *old, size_t n_old, sq_keyring_entry *e,
		 jose_err *err)
{
	const char *kid;
	const char *purposes;
	const char *alg = NULL;
	const char *jwk;
	size_t		jwk_len;

	/* (types first: reading a value as text converts it) */
	if (sqlite3_column_type(stmt, 0) != SQLITE_TEXT ||
		(kid = (const char *) sqlite3_column_text(stmt, 0)) == NULL || kid[0] == '\0' ||
		sqlite3_column_bytes(stmt, 0) > JOSE_MAX_KID_LEN ||
		strlen(kid) != (size_t) sqlite3_column_bytes(stmt, 0))
		return jose_fail(err, JOSE_E_KEY, "A keyring kid is text of 1 to %d bytes.", JOSE_MAX_KID_LEN);
	if (sqlite3_column_type(stmt, 1) != SQLITE_TEXT ||
		(purposes = (const char *) sqlite3_column_text(stmt, 1)) == NULL ||
		!parse_purposes(purposes, (size_t) sqlite3_column_bytes(stmt, 1), &e->purposes))
		return row_fail(err, JOSE_E_KEY, kid,
						"The purposes are a JSON array of sign, verify, encrypt and decrypt.");
	if (sqlite3_column_type(stmt, 2) == SQLITE_TEXT)
		alg = (const char *) sqlite3_column_text(stmt, 2);
	else if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
		return row_fail(err, JOSE_E_KEY, kid, "The alg is text or NULL.");
	if (sqlite3_column_type(stmt, 4) != SQLITE_INTEGER ||
		(sqlite3_column_type(stmt, 5) != SQLITE_INTEGER && sqlite3_column_type(stmt, 5) != SQLITE_NULL))
		return row_fail(err, JOSE_E_KEY, kid,
						"not_before and not_after are integers (unix seconds); not_after may be NULL.");
	e->not_before = sqlite3_column_int64(stmt, 4);
	e->not_after = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? INT64_MAX
		: sqlite3_column_int64(stmt, 5);
	if (e->not_after <= e->not_before)
		return row_fail(err, JOSE_E_KEY, kid, "not_after must be later than not_before.");
	if (sqlite3_column_type(stmt, 3) != SQLITE_TEXT)
		return row_fail(err, JOSE_E_KEY, kid, "The key is a JWK as JSON text.");
	jwk = (const char *) sqlite3_column_text(stmt, 3);
	jwk_len = (size_t) sqlite3_column_bytes(stmt, 3);

	if ((e->material = row_material(kid, alg, jwk, jwk_len, &e->material_len)) == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a keyring entry.");
	for (size_t i = 0; i < n_old; i++)
	{
		/* the same bytes parse the same; the purposes were read afresh above */
		if (old[i].key != NULL && old[i].material_len == e->material_len &&
			memcmp(old[i].material, e->material, e->material_len) == 0)
		{
			e->key = old[i].key;
			old[i].key = NULL;
			return JOSE_OK;
		}
	}
	return parse_row_key(kid, alg, jwk, jwk_len, e->purposes, &e->key, err);
}

/*
 * Read jwt_keyring into c->keyring.  Returns JOSE_OK, or a status in err;
 * *sql_error is set (and err's detail holds SQLite's message) when the
 * table could not be read at all.
 */
jose_status
sq_keyring_load(sq_conn *c, bool *sql_error, jose_err *err)
{
	sqlite3_stmt *stmt = NULL;
	sq_keyring_entry *old = c->keyring;
	size_t		n_old = c->n_keyring;
	sq_keyring_entry *fresh = NULL;
	size_t		n = 0,
				cap = 0;
	jose_status st = JOSE_OK;
	int			rc;

	*sql_error = false;
	if (sqlite3_prepare_v2(c->db, KEYRING_QUERY, -1, &stmt, NULL) != SQLITE_OK)
	{
		*sql_error = true;
		return jose_fail(err, JOSE_E_ARGUMENT, "%s", sqlite3_errmsg(c->db));
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
	{
		if (n == SQ_MAX_KEYRING_ROWS)
		{
			st = jose_fail(err, JOSE_E_LIMIT, "The keyring holds more than %d keys.",
						   SQ_MAX_KEYRING_ROWS);
			break;
		}
		if (n == cap)
		{
			sq_keyring_entry *grown = realloc(fresh, sizeof(*fresh) * (cap ? cap * 2 : 8));

			if (grown == NULL)
			{
				st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the keyring.");
				break;
			}
			fresh = grown;
			cap = cap ? cap * 2 : 8;
		}
		memset(&fresh[n], 0, sizeof(fresh[n]));
		st = read_row(stmt, old, n_old, &fresh[n], err);
		n++;
		if (st != JOSE_OK)
			break;
	}
	if (st == JOSE_OK && rc != SQLITE_DONE)
	{
		*sql_error = true;
		st = jose_fail(err, JOSE_E_ARGUMENT, "%s", sqlite3_errmsg(c->db));
	}
	sqlite3_finalize(stmt);

	/* keys no longer in the table, and a failed read, are wiped at once */
	c->keyring = fresh;
	c->n_keyring = n;
	for (size_t i = 0; i < n_old; i++)
		entry_free(&old[i]);
	free(old);
	if (st != JOSE_OK)
		sq_keyring_free(c);
	return st;
}

/*
 * Fill set with the keyring keys having a purpose among purposes and valid
 * at the time at (set->keys is malloc'd; the keys stay the keyring's).
 */
jose_status
sq_keyring_keys(sq_conn *c, unsigned purposes, double at, jose_keyset *set, jose_err *err)
{
	set->count = 0;
	set->is_set = true;
	set->keys = malloc(sizeof(jose_key *) * (c->n_keyring + 1));
	if (set->keys == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
	for (size_t i = 0; i < c->n_keyring; i++)
	{
		const sq_keyring_entry *e = &c->keyring[i];

		if ((e->purposes & purposes) && (double) e->not_before <= at &&
			(e->not_after == INT64_MAX || at < (double) e->not_after))
			set->keys[set->count++] = e->key;
	}
	return JOSE_OK;
}
