/*-------------------------------------------------------------------------
 *
 * keyring.c
 *		The keys of jwt_authenticate: the table jwt_keyring, read at use,
 *		and jwt_keyring_check, the rules its triggers apply to a new row.
 *
 * The table has the columns of PostgreSQL's jwt.keyring, in SQLite's
 * types (README, "SQLite"): kid TEXT; purposes a JSON array of the names
 * sign, verify, encrypt and decrypt (SQLite has no arrays; JSON is what
 * its own functions read); alg TEXT or NULL; key one JWK as JSON text;
 * not_before and not_after in unix seconds, INTEGER or REAL (SQLite has no
 * timestamp type; unixepoch() gives this form), not_after NULL when
 * open-ended; issuer and audience TEXT or NULL (a key bound to an issuer,
 * src/core/issuer.h).  Its name is resolved as any unqualified table name
 * (temp, main, then attached databases), so the keys may live in an
 * attached database file of their own.  Columns are found by name, so a
 * table made by the DDL of an earlier version, without issuer and
 * audience, keeps working: those read as NULL, as PostgreSQL reads a
 * keyring not yet updated.
 *
 * The rules are the core's (src/core/keyring_row.c), with PostgreSQL's
 * messages, which name the column at fault and never the key.  This file
 * only reads SQLite values into a core row; a value of a type no rule can
 * read (a BLOB kid, text times) is refused here, naming its column too.
 * The documented table's triggers call jwt_keyring_check, so a bad row is
 * refused when it is written, as PostgreSQL's trigger refuses it.
 *
 * Every jwt_authenticate reads the rows again, so a change is seen at
 * once, whoever made it; parsing is what costs, so each row's parsed key
 * is kept while the row's kid, purposes, alg, key, issuer and audience
 * stay byte for byte the same.  The issuers of all rows, whatever their
 * purposes and window, are the issuers the keyring binds: a token naming
 * one is never verified by a key bound to no issuer.  A row that breaks a
 * rule is an error naming its kid, never skipped silently: a table made
 * without the triggers must not weaken anything, and SQLite has no
 * warnings to tell of a skipped row.
 *
 * src/sqlite/keyring.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Every column, found by name: one query reads the table of any version. */
#define KEYRING_QUERY "SELECT * FROM jwt_keyring"

/* The columns, in the order of jwt_keyring_check's arguments. */
enum
{
	COL_KID, COL_PURPOSES, COL_ALG, COL_KEY, COL_NOT_BEFORE, COL_NOT_AFTER,
	COL_ISSUER, COL_AUDIENCE,
	N_COLS
};

/* The first optional column: a table without it (an earlier DDL's) reads NULL there. */
#define FIRST_OPTIONAL COL_ISSUER

static const char *const column_names[N_COLS] = {
	"kid", "purposes", "alg", "key", "not_before", "not_after", "issuer", "audience"
};

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

/* Free the list of bound issuers (the names belong to the keys). */
static void
issuers_free(sq_conn *c)
{
	free(c->issuer_names);
	free(c->issuer_lens);
	c->issuer_names = NULL;
	c->issuer_lens = NULL;
	c->n_issuers = 0;
}

/* Free every parsed keyring key, and the list of bound issuers. */
void
sq_keyring_free(sq_conn *c)
{
	issuers_free(c);
	for (size_t i = 0; i < c->n_keyring; i++)
		entry_free(&c->keyring[i]);
	free(c->keyring);
	c->keyring = NULL;
	c->n_keyring = 0;
}

/* The purpose bits of a JSON array of names; *bad on anything else. */
static unsigned
purposes_of(const char *text, size_t len, bool *bad)
{
	static const jose_json_limits limits = {2, 16};
	jose_json	doc;
	jose_err	err;
	unsigned	bits = 0;
	uint32_t	e = 1;

	jose_json_init(&doc);
	*bad = jose_json_parse(&doc, text, len, &limits, "purposes", &err) != JOSE_OK ||
		doc.nodes[0].type != JOSE_JSON_ARRAY;
	for (uint32_t i = 0; !*bad && i < doc.nodes[0].count; i++, e = doc.nodes[e].next)
	{
		unsigned	bit = 0;

		if (doc.nodes[e].type == JOSE_JSON_STRING)
			bit = jose_purpose_bit(jose_json_text(&doc, e), doc.nodes[e].len);
		*bad = bit == 0;
		bits |= bit;
	}
	jose_json_free(&doc);
	return bits;
}

/*
 * The text of value v (NULL for SQL NULL, or for v NULL: a column the
 * table lacks); false for another type or a NUL byte inside.
 */
static bool
text_value(sqlite3_value *v, const char **p, size_t *len)
{
	*p = NULL;
	*len = 0;
	if (v == NULL || sqlite3_value_type(v) == SQLITE_NULL)
		return true;
	if (sqlite3_value_type(v) != SQLITE_TEXT)
		return false;
	*p = (const char *) sqlite3_value_text(v);
	*len = (size_t) sqlite3_value_bytes(v);
	return *p != NULL && strlen(*p) == *len;
}

/* A time in unix seconds (has false for SQL NULL); false for another type. */
static bool
time_value(sqlite3_value *v, bool *has, double *seconds)
{
	int			type = sqlite3_value_type(v);

	*has = type != SQLITE_NULL;
	if (!*has)
		return true;
	if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
		return false;
	*seconds = sqlite3_value_double(v);
	return isfinite(*seconds);
}

/*
 * Read a keyring row's values (v[COL_*]; NULL for a missing optional
 * column) into a core row pointing into them, whatever they hold, for
 * the core to judge; a value of a type no rule can read is refused here
 * (JOSE_E_ROW, naming its column).
 */
static jose_status
read_row(sqlite3_value **v, jose_keyring_row *row, jose_err *err)
{
	const char *purposes;
	size_t		len;
	int			col = -1;

	memset(row, 0, sizeof(*row));
	row->has_created_at = true;		/* SQLite's table needs no created_at */
	if (!text_value(v[COL_KID], &row->kid, &row->kid_len))
		col = COL_KID;
	else if (!text_value(v[COL_ALG], &row->alg, &len))
		col = COL_ALG;
	else if (!text_value(v[COL_KEY], &row->jwk, &row->jwk_len))
		col = COL_KEY;
	else if (!text_value(v[COL_ISSUER], &row->issuer, &row->issuer_len))
		col = COL_ISSUER;
	else if (!text_value(v[COL_AUDIENCE], &row->audience, &row->audience_len))
		col = COL_AUDIENCE;
	if (col >= 0)
		return jose_fail(err, JOSE_E_ROW, "The column \"%s\" is not text.", column_names[col]);
	if (!time_value(v[COL_NOT_BEFORE], &row->has_not_before, &row->not_before))
		col = COL_NOT_BEFORE;
	else if (!time_value(v[COL_NOT_AFTER], &row->has_not_after, &row->not_after))
		col = COL_NOT_AFTER;
	if (col >= 0)
		return jose_fail(err, JOSE_E_ROW, "The column \"%s\" is not a number of unix seconds.",
						 column_names[col]);

	/* any other shape of purposes is "something other than" the four names */
	row->has_purposes = sqlite3_value_type(v[COL_PURPOSES]) != SQLITE_NULL;
	if (row->has_purposes && !text_value(v[COL_PURPOSES], &purposes, &len))
		row->purposes_bad = true;
	else if (row->has_purposes)
		row->purposes = purposes_of(purposes, len, &row->purposes_bad);
	return JOSE_OK;
}

/* Judge a row's values by the core's rules, and load its key (*key NULL unless asked). */
static jose_status
judge_row(sqlite3_value **v, jose_keyring_row *row, jose_key **key, jose_err *err)
{
	jose_status st = read_row(v, row, err);

	if (st == JOSE_OK)
		st = jose_keyring_row_check(row, err);
	if (st == JOSE_OK && key != NULL)
		st = jose_keyring_row_key(row, key, err);
	return st;
}

/*
 * SQL function: jwt_keyring_check(kid, purposes, alg, key, not_before,
 * not_after [, issuer [, audience]]) returns NULL, or raises what is
 * wrong with the row: the check of jwt_keyring's triggers, PostgreSQL's
 * keyring trigger's rules (the six-argument form is the triggers' of an
 * earlier DDL, whose table has no issuer and audience)
 */
void
sq_jwt_keyring_check(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_value *v[N_COLS] = {0};
	jose_keyring_row row;
	jose_key   *key = NULL;
	jose_err	err;

	for (int i = 0; i < argc && i < N_COLS; i++)
		v[i] = argv[i];
	jose_err_clear(&err);
	if (judge_row(v, &row, &key, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_key_free(key);
	sqlite3_result_null(ctx);
}

/* Append field (p, len; p NULL: SQL NULL) to m at *at, as a presence byte, its length and its bytes. */
static void
put_field(char *m, size_t *at, const char *p, size_t len)
{
	m[(*at)++] = p != NULL ? 'V' : 'N';
	memcpy(m + *at, &len, sizeof(len));
	*at += sizeof(len);
	if (len > 0)
		memcpy(m + *at, p, len);
	*at += len;
}

/*
 * The bytes a row's parsed key depends on: kid, purposes, alg, issuer,
 * audience (each of them or NULL) and key, each field with its length, so
 * no two rows that differ give the same bytes.
 */
static char *
row_material(const jose_keyring_row *row, size_t *len)
{
	const char *fields[] = {row->kid, row->alg, row->issuer, row->audience, row->jwk};
	size_t		lens[] = {row->kid_len, row->alg ? strlen(row->alg) : 0, row->issuer_len,
		row->audience_len, row->jwk_len};
	size_t		n = sizeof(fields) / sizeof(fields[0]);
	size_t		at = 0;
	char	   *m;

	*len = 1;
	for (size_t i = 0; i < n; i++)
		*len += 1 + sizeof(size_t) + lens[i];
	if ((m = malloc(*len)) == NULL)
		return NULL;
	m[at++] = (char) row->purposes;
	for (size_t i = 0; i < n; i++)
		put_field(m, &at, fields[i], lens[i]);
	return m;
}

/* Name the row by its kid (value v) in err's detail: 'Keyring key "k1": <detail>'. */
static jose_status
name_row(sqlite3_value *kid, jose_err *err)
{
	char		quoted[JOSE_QUOTE_MAX];
	char		detail[JOSE_ERR_DETAIL_MAX];
	const char *name = "(NULL)";

	if (sqlite3_value_type(kid) == SQLITE_TEXT)
		name = jose_quote((const char *) sqlite3_value_text(kid),
						  (size_t) sqlite3_value_bytes(kid), quoted);
	else if (sqlite3_value_type(kid) != SQLITE_NULL)
		name = "(not text)";
	snprintf(detail, sizeof(detail), "%s", err->detail);
	return jose_fail(err, err->status, "Keyring key %s: %s", name, detail);
}

/*
 * Read the current row of stmt (its columns at position[COL_*], -1 for a
 * missing optional one) into e: the row judged, then its key from the old
 * entries when its key columns are unchanged (the old entry is then
 * emptied), else loaded now.
 */
static jose_status
load_row(sqlite3_stmt *stmt, const int *position, sq_keyring_entry *old, size_t n_old,
		 sq_keyring_entry *e, jose_err *err)
{
	sqlite3_value *v[N_COLS];
	jose_keyring_row row;
	jose_status st;

	for (int i = 0; i < N_COLS; i++)
		v[i] = position[i] >= 0 ? sqlite3_column_value(stmt, position[i]) : NULL;
	if ((st = judge_row(v, &row, NULL, err)) != JOSE_OK)
		return name_row(v[COL_KID], err);
	e->purposes = row.purposes;
	e->not_before = row.not_before;
	e->not_after = row.has_not_after ? row.not_after : INFINITY;
	if ((e->material = row_material(&row, &e->material_len)) == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a keyring entry.");
	for (size_t i = 0; i < n_old; i++)
	{
		/* the same bytes load the same key */
		if (old[i].key != NULL && old[i].material_len == e->material_len &&
			memcmp(old[i].material, e->material, e->material_len) == 0)
		{
			e->key = old[i].key;
			old[i].key = NULL;
			return JOSE_OK;
		}
	}
	if ((st = jose_keyring_row_key(&row, &e->key, err)) != JOSE_OK)
		return name_row(v[COL_KID], err);
	return JOSE_OK;
}

/* Record that jwt_keyring could not be read (SQLite's reason in the detail). */
static jose_status
keyring_unavailable(sq_conn *c, jose_err *err)
{
	const char *msg = sqlite3_errmsg(c->db);

	if (strncmp(msg, "no such table", 13) == 0)
		return jose_fail(err, JOSE_E_KEYRING, "The table jwt_keyring does not exist.");
	return jose_fail(err, JOSE_E_KEYRING, "The table jwt_keyring could not be read: %s", msg);
}

/*
 * Find the keyring's columns by name among the result columns of stmt
 * (position[COL_*], -1 for a missing optional column); fails naming a
 * missing required one.
 */
static jose_status
find_columns(sqlite3_stmt *stmt, int *position, jose_err *err)
{
	int			n = sqlite3_column_count(stmt);

	for (int col = 0; col < N_COLS; col++)
	{
		position[col] = -1;
		for (int i = 0; i < n && position[col] < 0; i++)
		{
			const char *name = sqlite3_column_name(stmt, i);

			/* SQLite's names are case-insensitive; the first column of the name counts */
			if (name != NULL && sqlite3_stricmp(name, column_names[col]) == 0)
				position[col] = i;
		}
		if (position[col] < 0 && col < FIRST_OPTIONAL)
			return jose_fail(err, JOSE_E_KEYRING, "The table jwt_keyring has no column \"%s\".",
							 column_names[col]);
	}
	return JOSE_OK;
}

/*
 * List the issuers of the keyring's keys in c (pointing into the keys):
 * every row's, since every row is loaded or the load fails.
 */
static jose_status
list_issuers(sq_conn *c, jose_err *err)
{
	c->issuer_names = malloc(sizeof(const char *) * (c->n_keyring + 1));
	c->issuer_lens = malloc(sizeof(size_t) * (c->n_keyring + 1));
	if (c->issuer_names == NULL || c->issuer_lens == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the keyring's issuers.");
	for (size_t i = 0; i < c->n_keyring; i++)
	{
		const jose_key *key = c->keyring[i].key;

		if (key->issuer != NULL)
		{
			c->issuer_names[c->n_issuers] = key->issuer;
			c->issuer_lens[c->n_issuers++] = key->issuer_len;
		}
	}
	return JOSE_OK;
}

/* Read jwt_keyring into c->keyring (and its issuers): JOSE_OK, or a status in err. */
jose_status
sq_keyring_load(sq_conn *c, jose_err *err)
{
	sqlite3_stmt *stmt = NULL;
	sq_keyring_entry *old = c->keyring;
	size_t		n_old = c->n_keyring;
	sq_keyring_entry *fresh = NULL;
	size_t		n = 0,
				cap = 0;
	int			position[N_COLS];
	jose_status st = JOSE_OK;
	int			rc;

	if (sqlite3_prepare_v2(c->db, KEYRING_QUERY, -1, &stmt, NULL) != SQLITE_OK)
		return keyring_unavailable(c, err);
	if ((st = find_columns(stmt, position, err)) != JOSE_OK)
	{
		sqlite3_finalize(stmt);
		return st;
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
		st = load_row(stmt, position, old, n_old, &fresh[n], err);
		n++;
		if (st != JOSE_OK)
			break;
	}
	if (st == JOSE_OK && rc != SQLITE_DONE)
		st = keyring_unavailable(c, err);
	sqlite3_finalize(stmt);

	/* keys no longer in the table, and a failed read, are wiped at once */
	issuers_free(c);
	for (size_t i = 0; i < n_old; i++)
		entry_free(&old[i]);
	free(old);
	c->keyring = fresh;
	c->n_keyring = n;
	if (st == JOSE_OK)
		st = list_issuers(c, err);
	if (st != JOSE_OK)
		sq_keyring_free(c);
	return st;
}

/* The issuers the keyring binds keys to, any purpose, any window (valid until the next load). */
void
sq_keyring_issuers(const sq_conn *c, jose_issuers *out)
{
	out->names = c->issuer_names;
	out->lens = c->issuer_lens;
	out->count = c->n_issuers;
}

/*
 * Fill set with the keyring keys having a purpose among purposes and valid
 * at the time at (set->keys is malloc'd; the keys stay the keyring's).
 */
jose_status
sq_keyring_keys(sq_conn *c, unsigned purposes, double at, jose_keyset *set, jose_err *err)
{
	memset(set, 0, sizeof(*set));
	set->is_set = true;
	set->name = "keyring";		/* PostgreSQL's word in "no matching key" details */
	set->keys = malloc(sizeof(jose_key *) * (c->n_keyring + 1));
	if (set->keys == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
	for (size_t i = 0; i < c->n_keyring; i++)
	{
		const sq_keyring_entry *e = &c->keyring[i];

		if ((e->purposes & purposes) && e->not_before <= at && at < e->not_after)
			set->keys[set->count++] = e->key;
	}
	return JOSE_OK;
}
