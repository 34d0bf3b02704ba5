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
 * open-ended.  Its name is resolved as any unqualified table name (temp,
 * main, then attached databases), so the keys may live in an attached
 * database file of their own.
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
 * is kept while the row's kid, purposes, alg and key stay byte for byte
 * the same.  A row that breaks a rule is an error naming its kid, never
 * skipped silently: a table made without the triggers must not weaken
 * anything, and SQLite has no warnings to tell of a skipped row.
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

#define KEYRING_QUERY \
	"SELECT kid, purposes, alg, key, not_before, not_after FROM jwt_keyring"

/* The columns, in the order of KEYRING_QUERY and of jwt_keyring_check's arguments. */
enum
{
	COL_KID, COL_PURPOSES, COL_ALG, COL_KEY, COL_NOT_BEFORE, COL_NOT_AFTER, N_COLS
};

static const char *const column_names[N_COLS] = {
	"kid", "purposes", "alg", "key", "not_before", "not_after"
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

/* The text of value v (NULL for SQL NULL); false for another type or a NUL byte inside. */
static bool
text_value(sqlite3_value *v, const char **p, size_t *len)
{
	*p = NULL;
	*len = 0;
	if (sqlite3_value_type(v) == SQLITE_NULL)
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
 * Read a keyring row's values (v[COL_*]) into a core row pointing into
 * them, whatever they hold, for the core to judge; a value of a type no
 * rule can read is refused here (JOSE_E_ROW, naming its column).
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
 * not_after) returns NULL, or raises what is wrong with the row: the
 * check of jwt_keyring's triggers, PostgreSQL's keyring trigger's rules
 */
void
sq_jwt_keyring_check(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	jose_keyring_row row;
	jose_key   *key = NULL;
	jose_err	err;

	jose_err_clear(&err);
	if (judge_row(argv, &row, &key, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_key_free(key);
	sqlite3_result_null(ctx);
}

/* The bytes a row's parsed key depends on: kid, purposes, alg (or none), key. */
static char *
row_material(const jose_keyring_row *row, size_t *len)
{
	size_t		alg_len = row->alg ? strlen(row->alg) : 0;
	char	   *m;

	*len = row->kid_len + 1 + 1 + 1 + alg_len + 1 + row->jwk_len;
	if ((m = malloc(*len)) == NULL)
		return NULL;
	memcpy(m, row->kid, row->kid_len);
	m[row->kid_len] = '\0';
	m[row->kid_len + 1] = (char) row->purposes;
	m[row->kid_len + 2] = row->alg ? 'A' : 'N';
	memcpy(m + row->kid_len + 3, row->alg ? row->alg : "", alg_len);
	m[row->kid_len + 3 + alg_len] = '\0';
	memcpy(m + row->kid_len + 4 + alg_len, row->jwk, row->jwk_len);
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
 * Read the current row of stmt into e: the row judged, then its key from
 * the old entries when its key columns are unchanged (the old entry is
 * then emptied), else loaded now.
 */
static jose_status
load_row(sqlite3_stmt *stmt, sq_keyring_entry *old, size_t n_old, sq_keyring_entry *e,
		 jose_err *err)
{
	sqlite3_value *v[N_COLS];
	jose_keyring_row row;
	jose_status st;

	for (int i = 0; i < N_COLS; i++)
		v[i] = sqlite3_column_value(stmt, i);
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

/* Read jwt_keyring into c->keyring: JOSE_OK, or a status in err. */
jose_status
sq_keyring_load(sq_conn *c, jose_err *err)
{
	sqlite3_stmt *stmt = NULL;
	sq_keyring_entry *old = c->keyring;
	size_t		n_old = c->n_keyring;
	sq_keyring_entry *fresh = NULL;
	size_t		n = 0,
				cap = 0;
	jose_status st = JOSE_OK;
	int			rc;

	if (sqlite3_prepare_v2(c->db, KEYRING_QUERY, -1, &stmt, NULL) != SQLITE_OK)
		return keyring_unavailable(c, err);
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
		st = load_row(stmt, old, n_old, &fresh[n], err);
		n++;
		if (st != JOSE_OK)
			break;
	}
	if (st == JOSE_OK && rc != SQLITE_DONE)
		st = keyring_unavailable(c, err);
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

		if ((e->purposes & purposes) && e->not_before <= at && at < e->not_after)
			set->keys[set->count++] = e->key;
	}
	return JOSE_OK;
}
