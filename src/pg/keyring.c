/*-------------------------------------------------------------------------
 *
 * keyring.c
 *		The server-held keyring (table jwt.keyring) and its per-backend cache.
 *
 * jwt.authenticate and signing by kid use keys the caller never sees.  The
 * table is readable only by its owner and the roles it grants; this code
 * reads it directly (a heap scan, not SQL), so it needs neither a SECURITY
 * DEFINER wrapper nor the caller's privileges on the table, and it only
 * ever uses a key for the purposes and time window its row allows.
 *
 * Which table is the keyring is decided by the extension's own membership
 * records (pg_depend), never by a name (see members.c).
 *
 * Rows may bind a key to an issuer and audience (see src/core/issuer.h);
 * the issuers of every row, whatever its purposes and window, are kept
 * with the cache, so that a token naming one of them is never verified by
 * a key bound to no issuer, even while none of that issuer's keys is
 * valid.
 *
 * Parsed keys are cached per backend.  A trigger on the table sends a
 * relcache invalidation for it at every change; our relcache callback then
 * marks the cache stale, in this backend and in every other one, when the
 * change commits (and locally at the next command).
 *
 * src/pg/keyring.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include <openssl/crypto.h>

#include "../core/keyring_row.h"
#include "../core/pkey.h"

PG_FUNCTION_INFO_V1(jwt_keyring_trigger);
PG_FUNCTION_INFO_V1(jwt_keyring_jwks);

/* One usable row of the keyring. */
typedef struct keyring_entry
{
	jose_key   *key;			/* kid, alg binding, issuer binding and material */
	unsigned	purposes;		/* JOSE_PURPOSE_* */
	TimestampTz not_before;
	TimestampTz not_after;		/* DT_NOEND when open-ended */
} keyring_entry;

/* The keyring's columns, found by name and type in the table. */
enum
{
	COL_KID, COL_PURPOSES, COL_ALG, COL_KEY, COL_NOT_BEFORE, COL_NOT_AFTER, COL_CREATED_AT,
	COL_ISSUER, COL_AUDIENCE,
	N_COLS
};

static const glue_column columns[N_COLS] = {
	[COL_KID] = {"kid", TEXTOID, "text"},
	[COL_PURPOSES] = {"purposes", TEXTARRAYOID, "text[]"},
	[COL_ALG] = {"alg", TEXTOID, "text"},
	[COL_KEY] = {"key", JSONBOID, "jsonb"},
	[COL_NOT_BEFORE] = {"not_before", TIMESTAMPTZOID, "timestamptz"},
	[COL_NOT_AFTER] = {"not_after", TIMESTAMPTZOID, "timestamptz"},
	[COL_CREATED_AT] = {"created_at", TIMESTAMPTZOID, "timestamptz"},
	[COL_ISSUER] = {"issuer", TEXTOID, "text", "0.2.0"},
	[COL_AUDIENCE] = {"audience", TEXTOID, "text", "0.2.0"},
};

/* Where the keyring is: the table the extension owns, and its columns. */
static glue_member_table located = {
	.name = "keyring", .what = "keyring", .status = JOSE_E_KEYRING,
	.columns = columns, .n_columns = N_COLS,
};

static keyring_entry *entries = NULL;
static int	n_entries = 0;
static bool cache_valid = false;

/* Every issuer a row binds a key to (any purpose, any window): malloc'd copies. */
static char **issuer_names = NULL;
static size_t *issuer_lens = NULL;
static size_t n_issuers = 0;

/* Bumped whenever the cached keyring may have changed (see glue_keyring_generation). */
static uint64 keyring_generation = 1;

/*
 * The OID of the extension's keyring table; raises when the extension or
 * its table is missing.  Membership is confirmed again after any change of
 * an extension (members.c); a table found anew empties the cache.
 */
static Oid
keyring_oid(void)
{
	bool		again;
	Oid			relid = glue_member_oid(&located, &again);

	if (again)
	{
		cache_valid = false;
		keyring_generation++;
	}
	return relid;
}

/*
 * Confirm (again after an extension changed) that the keyring is still the
 * extension's table, for a caller that uses what it verified earlier
 * without reading the keyring; raises when it is not.
 */
void
glue_keyring_confirm(void)
{
	(void) keyring_oid();
}

/* Relcache callback: a change of the keyring (or of everything) empties the cache. */
void
glue_keyring_invalidate(Datum arg, Oid relid)
{
	/* dropped, renamed or altered: it is looked up again (by membership) at next use */
	if (relid == InvalidOid || relid == located.relid)
	{
		cache_valid = false;
		located.relid = InvalidOid;
		keyring_generation++;
	}
}

/* A count that changes whenever the keys jwt.authenticate uses may have changed. */
uint64
glue_keyring_generation(void)
{
	return keyring_generation;
}

/* Free the cached keys and issuers. */
static void
cache_free(void)
{
	for (int i = 0; i < n_entries; i++)
		jose_key_free(entries[i].key);
	free(entries);
	entries = NULL;
	n_entries = 0;
	for (size_t i = 0; i < n_issuers; i++)
		free(issuer_names[i]);
	free(issuer_names);
	free(issuer_lens);
	issuer_names = NULL;
	issuer_lens = NULL;
	n_issuers = 0;
	cache_valid = false;
}

/* Remember issuer (len bytes) as bound, once; false when out of memory. */
static bool
remember_issuer(const char *issuer, size_t len)
{
	char	  **names;
	size_t	   *lens;

	for (size_t i = 0; i < n_issuers; i++)
		if (issuer_lens[i] == len && memcmp(issuer_names[i], issuer, len) == 0)
			return true;
	names = realloc(issuer_names, sizeof(char *) * (n_issuers + 1));
	if (names == NULL)
		return false;
	issuer_names = names;
	lens = realloc(issuer_lens, sizeof(size_t) * (n_issuers + 1));
	if (lens == NULL)
		return false;
	issuer_lens = lens;
	issuer_names[n_issuers] = malloc(len + 1);
	if (issuer_names[n_issuers] == NULL)
		return false;
	memcpy(issuer_names[n_issuers], issuer, len);
	issuer_names[n_issuers][len] = '\0';
	issuer_lens[n_issuers++] = len;
	return true;
}

/* Purpose bits of a text[] value; sets *bad on a NULL element, an unknown name or a wrong shape. */
static unsigned
purposes_of(Datum value, bool *bad)
{
	ArrayType  *arr = DatumGetArrayTypeP(value);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	unsigned	bits = 0;

	*bad = false;
	if (ARR_NDIM(arr) > 1 || ARR_ELEMTYPE(arr) != TEXTOID)
	{
		*bad = true;
		return 0;
	}
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		unsigned	bit = 0;

		if (!nulls[i])
		{
			text	   *t = DatumGetTextPP(elems[i]);

			bit = jose_purpose_bit(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
		if (bit == 0)
			*bad = true;
		bits |= bit;
	}
	return bits;
}

/*
 * Read a keyring tuple into a core row (pointing into palloc'd copies),
 * whatever its columns hold: the core then judges it.
 */
static void
read_row(HeapTuple tuple, TupleDesc desc, jose_keyring_row *row, TimestampTz *nb, TimestampTz *na)
{
	bool		isnull;
	Datum		v;

	memset(row, 0, sizeof(*row));
	row->has_created_at = true;
	*nb = DT_NOBEGIN;
	*na = DT_NOEND;

	row->kid = glue_member_text(&located, tuple, desc, COL_KID, &row->kid_len);
	v = heap_getattr(tuple, located.attnum[COL_PURPOSES], desc, &isnull);
	if (!isnull)
	{
		row->has_purposes = true;
		row->purposes = purposes_of(v, &row->purposes_bad);
	}
	v = heap_getattr(tuple, located.attnum[COL_ALG], desc, &isnull);
	if (!isnull)
		row->alg = TextDatumGetCString(v);
	v = heap_getattr(tuple, located.attnum[COL_KEY], desc, &isnull);
	if (!isnull)
	{
		jose_buf   *buf = &glue_workspace()->aux;

		/* staged in the workspace, wiped by the caller */
		jose_buf_reset(buf);
		glue_jsonb_to_text(DatumGetJsonbP(v), buf);
		row->jwk = buf->data ? buf->data : "";
		row->jwk_len = buf->len;
	}
	v = heap_getattr(tuple, located.attnum[COL_NOT_BEFORE], desc, &isnull);
	if (!isnull)
	{
		*nb = DatumGetTimestampTz(v);
		row->has_not_before = true;
		row->not_before = glue_unix_seconds(*nb);
	}
	v = heap_getattr(tuple, located.attnum[COL_NOT_AFTER], desc, &isnull);
	if (!isnull)
	{
		*na = DatumGetTimestampTz(v);
		row->has_not_after = true;
		row->not_after = glue_unix_seconds(*na);
	}
	(void) heap_getattr(tuple, located.attnum[COL_CREATED_AT], desc, &isnull);
	row->has_created_at = !isnull;
	row->issuer = glue_member_text(&located, tuple, desc, COL_ISSUER, &row->issuer_len);
	row->audience = glue_member_text(&located, tuple, desc, COL_AUDIENCE, &row->audience_len);
}

/* Wipe the JWK text a row was read into. */
static void
wipe_row(void)
{
	jose_buf   *buf = &glue_workspace()->aux;

	if (buf->data != NULL)
		OPENSSL_cleanse(buf->data, buf->len);
	jose_buf_reset(buf);
}

/* Judge a row and load its key; the status, with the key in *key on success. */
static jose_status
row_key(HeapTuple tuple, TupleDesc desc, keyring_entry *entry, jose_err *err)
{
	jose_keyring_row row;
	jose_status st;

	read_row(tuple, desc, &row, &entry->not_before, &entry->not_after);
	entry->purposes = row.purposes;
	entry->key = NULL;
	st = jose_keyring_row_check(&row, err);
	if (st == JOSE_OK)
		st = jose_keyring_row_key(&row, &entry->key, err);
	wipe_row();
	return st;
}

/* End a keyring scan that ran out of memory: nothing half-loaded is kept. */
static void
load_failed(TableScanDesc scan, Snapshot snapshot, Relation rel)
{
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	cache_free();
	glue_raise_status(JOSE_E_NOMEM, "Could not allocate the keyring cache.");
}

/* Load every usable row of the keyring into the cache (if stale). */
static void
cache_load(void)
{
	Oid			relid = keyring_oid();
	Relation	rel;
	TupleDesc	desc;
	TableScanDesc scan;
	Snapshot	snapshot;
	HeapTuple	tuple;
	int			cap = 16;

	if (cache_valid)
		return;
	cache_free();
	entries = calloc(cap, sizeof(keyring_entry));
	if (entries == NULL)
		glue_raise_status(JOSE_E_NOMEM, "Could not allocate the keyring cache.");

	/*
	 * Read with a fresh snapshot taken after the lock (which processed any
	 * pending invalidation): the cache outlives this transaction, so it
	 * must hold every committed key, not what an older snapshot shows.
	 */
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		keyring_entry entry;
		jose_err	err;

		CHECK_FOR_INTERRUPTS();
		jose_err_clear(&err);

		/*
		 * Every row's issuer counts as bound, usable row or not: a token
		 * naming it must find that issuer's keys or none.
		 */
		{
			size_t		len;
			const char *iss = glue_member_text(&located, tuple, desc, COL_ISSUER, &len);

			if (iss != NULL && len > 0 && !remember_issuer(iss, len))
				load_failed(scan, snapshot, rel);
		}

		/*
		 * The trigger refuses bad rows, but rows can arrive without it
		 * (session_replication_role = replica, a restore with triggers
		 * disabled): such a row is skipped, never trusted.
		 */
		if (row_key(tuple, desc, &entry, &err) != JOSE_OK)
		{
			bool		isnull;
			Datum		kid = heap_getattr(tuple, located.attnum[COL_KID], desc, &isnull);
			char		quoted[JOSE_QUOTE_MAX];

			if (isnull)
				strcpy(quoted, "(NULL)");
			else
				jose_quote(VARDATA_ANY(DatumGetTextPP(kid)),
						   VARSIZE_ANY_EXHDR(DatumGetTextPP(kid)), quoted);
			ereport(WARNING,
					(errmsg("skipping keyring key %s: %s", quoted, jose_status_message(err.status)),
					 errdetail("%s", err.detail)));
			continue;
		}
		if (n_entries == cap)
		{
			keyring_entry *grown = realloc(entries, sizeof(keyring_entry) * cap * 2);

			if (grown == NULL)
			{
				jose_key_free(entry.key);
				load_failed(scan, snapshot, rel);
			}
			entries = grown;
			cap *= 2;
		}
		entries[n_entries++] = entry;
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	cache_valid = true;
}

/*
 * A key set (palloc'd; the keys belong to the cache) of the keyring keys
 * with a purpose among purposes, valid at the time at.
 */
jose_keyset *
glue_keyring_keys(unsigned purposes, TimestampTz at)
{
	jose_keyset *set;

	cache_load();
	set = palloc0(sizeof(jose_keyset));
	set->keys = palloc0(sizeof(jose_key *) * (n_entries + 1));
	set->is_set = true;
	set->name = "keyring";
	for (int i = 0; i < n_entries; i++)
		if ((entries[i].purposes & purposes) && entries[i].not_before <= at &&
			at < entries[i].not_after)
			set->keys[set->count++] = entries[i].key;
	return set;
}

/*
 * The keyring key with this kid and purpose, valid at the time at; raises
 * if none.  Using a key this way (signing, encrypting as the server) takes
 * SELECT on jwt.keyring: a role that may sign with the server's keys could
 * mint any identity, so it must be trusted as much as one that reads them
 * (typically a SECURITY DEFINER login function owned by the keyring owner).
 */
jose_key *
glue_keyring_key(const char *kid, unsigned purpose, TimestampTz at)
{
	Oid			relid = keyring_oid();
	jose_err	err;
	char		quoted[JOSE_QUOTE_MAX];

	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
	{
		jose_fail(&err, JOSE_E_KEYRING_PERMISSION,
				  "Signing with a keyring key by kid needs SELECT on jwt.keyring.");
		glue_raise(&err);
	}
	cache_load();
	for (int i = 0; i < n_entries; i++)
		if (strcmp(entries[i].key->kid, kid) == 0 && (entries[i].purposes & purpose) &&
			entries[i].not_before <= at && at < entries[i].not_after)
		{
			/* kids are unique per issuer: the same kid under two issuers names no one key */
			for (int j = i + 1; j < n_entries; j++)
				if (strcmp(entries[j].key->kid, kid) == 0 && (entries[j].purposes & purpose) &&
					entries[j].not_before <= at && at < entries[j].not_after)
				{
					jose_fail(&err, JOSE_E_KEY,
							  "Two keyring keys valid now have kid %s for %s (bound to different issuers).",
							  jose_quote(kid, strlen(kid), quoted),
							  purpose == JOSE_PURPOSE_SIGN ? "signing" : "encryption");
					glue_raise(&err);
				}
			return entries[i].key;
		}
	jose_fail(&err, JOSE_E_KEY_NOT_FOUND, "The keyring has no key %s for %s valid now.",
			  jose_quote(kid, strlen(kid), quoted),
			  purpose == JOSE_PURPOSE_SIGN ? "signing" : "encryption");
	glue_raise(&err);
	return NULL;
}

/* The issuers keyring rows bind keys to, any purpose, any window (valid until the cache reloads). */
void
glue_keyring_issuers(jose_issuers *out)
{
	cache_load();
	out->names = (const char *const *) issuer_names;
	out->lens = issuer_lens;
	out->count = n_issuers;
}

/*
 * The validity window of a key glue_keyring_keys returned (false when it
 * is no longer cached).
 */
bool
glue_keyring_window(const jose_key *key, TimestampTz *not_before, TimestampTz *not_after)
{
	for (int i = 0; i < n_entries; i++)
		if (entries[i].key == key)
		{
			*not_before = entries[i].not_before;
			*not_after = entries[i].not_after;
			return true;
		}
	return false;
}

/*
 * The key column with its "kid" member set to the row's kid, or the
 * value itself when it already is: one key, one kid, in the row, in the
 * stored JWK and in the headers of the tokens it makes.
 */
static Datum
key_with_row_kid(Datum key, Datum kid)
{
	Jsonb	   *jwk = DatumGetJsonbP(key);
	text	   *kid_text = DatumGetTextPP(kid);
	JsonbValue	name;
	JsonbValue *current;
	StringInfoData member;

	name.type = jbvString;
	name.val.string.val = "kid";
	name.val.string.len = 3;
	current = JB_ROOT_IS_OBJECT(jwk)
		? findJsonbValueFromContainer(&jwk->root, JB_FOBJECT, &name) : NULL;
	if (current != NULL && current->type == jbvString &&
		current->val.string.len == (int) VARSIZE_ANY_EXHDR(kid_text) &&
		memcmp(current->val.string.val, VARDATA_ANY(kid_text), current->val.string.len) == 0)
		return key;
	initStringInfo(&member);
	appendStringInfoString(&member, "{\"kid\":");
	escape_json(&member, text_to_cstring(kid_text));
	appendStringInfoChar(&member, '}');
	return DirectFunctionCall2(jsonb_concat, key,
							   DirectFunctionCall1(jsonb_in, CStringGetDatum(member.data)));
}

/*
 * Trigger of jwt.keyring: per row (before insert or update), judge every
 * column before any table constraint can fire (a constraint's error
 * prints the whole row, JWK included), refuse a key that does not fit its
 * row, and make the stored JWK's kid the row's; per statement (after),
 * tell every backend that the keyring changed.
 */
Datum
jwt_keyring_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tuple;
	TupleDesc	desc;
	keyring_entry entry;
	jose_err	err;
	bool		isnull;
	Datum		key;
	Datum		kid;
	Datum		fixed;
	int			col;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.keyring_trigger() must be called as a trigger")));
	if (RelationGetRelid(trigdata->tg_relation) != keyring_oid())
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.keyring_trigger() fires only on jwt.keyring")));

	if (TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
	{
		CacheInvalidateRelcache(trigdata->tg_relation);
		return PointerGetDatum(NULL);
	}

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)
		? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	desc = RelationGetDescr(trigdata->tg_relation);
	jose_err_clear(&err);
	if (row_key(tuple, desc, &entry, &err) != JOSE_OK)
		glue_raise(&err);
	jose_key_free(entry.key);

	key = heap_getattr(tuple, located.attnum[COL_KEY], desc, &isnull);
	kid = heap_getattr(tuple, located.attnum[COL_KID], desc, &isnull);
	fixed = key_with_row_kid(key, kid);
	if (fixed == key)
		return PointerGetDatum(tuple);
	col = located.attnum[COL_KEY];
	isnull = false;
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, desc, 1, &col, &fixed, &isnull));
}

/* True when key is bound to the issuer (len bytes; NULL: bound to none). */
static bool
bound_to(const jose_key *key, const char *issuer, size_t len)
{
	if (issuer == NULL)
		return key->issuer == NULL;
	return key->issuer != NULL && key->issuer_len == len && memcmp(key->issuer, issuer, len) == 0;
}

/*
 * SQL function: jwt.keyring_jwks() returns jsonb -- the public keys to
 * publish: those bound to no issuer (your own); jwt.keyring_jwks(issuer
 * text) those bound to issuer.
 */
Datum
jwt_keyring_jwks(PG_FUNCTION_ARGS)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	StringInfoData out;
	jose_buf   *buf = &glue_workspace()->aux;
	bool		first = true;
	size_t		issuer_len = 0;
	const char *issuer = glue_text_arg(fcinfo, 0, &issuer_len);

	if (PG_NARGS() > 0 && issuer == NULL)
		PG_RETURN_NULL();
	cache_load();
	initStringInfo(&out);
	appendStringInfoString(&out, "{\"keys\":[");
	for (int i = 0; i < n_entries; i++)
	{
		jose_err	err;

		/* asymmetric keys that verify or encrypt, and are not yet retired */
		if (entries[i].key->kty == JOSE_KTY_OCT ||
			!(entries[i].purposes & (JOSE_PURPOSE_VERIFY | JOSE_PURPOSE_ENCRYPT)) ||
			entries[i].not_after <= now || !bound_to(entries[i].key, issuer, issuer_len))
			continue;
		jose_err_clear(&err);
		jose_buf_reset(buf);
		if (jose_key_to_jwk(entries[i].key, false, buf, &err) != JOSE_OK)
			glue_raise(&err);
		if (!first)
			appendStringInfoChar(&out, ',');
		appendBinaryStringInfo(&out, buf->data, (int) buf->len);
		first = false;
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}

/*
 * Memory of the keyring cache (jwt.memory_stats): the keys held, and the
 * bytes token_ext allocated for them (entries, key structs, kids,
 * secrets); OpenSSL's own key objects are not counted.
 */
void
glue_keyring_cache_usage(int64 *entries_out, int64 *bytes_out)
{
	int64		bytes = 0;

	for (int i = 0; i < n_entries; i++)
	{
		const jose_key *key = entries[i].key;

		bytes += sizeof(keyring_entry) + sizeof(jose_key) + key->secret_len +
			(key->kid != NULL ? key->kid_len + 1 : 0);
	}
	*entries_out = n_entries;
	*bytes_out = bytes;
}
