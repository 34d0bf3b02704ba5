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
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include <openssl/crypto.h>

#include "../core/jwe.h"
#include "../core/pkey.h"

PG_FUNCTION_INFO_V1(jwt_keyring_trigger);
PG_FUNCTION_INFO_V1(jwt_keyring_jwks);

/* One usable row of the keyring. */
typedef struct keyring_entry
{
	jose_key   *key;			/* kid, alg binding and material */
	unsigned	purposes;		/* GLUE_PURPOSE_* */
	TimestampTz not_before;
	TimestampTz not_after;		/* DT_NOEND when open-ended */
} keyring_entry;

static keyring_entry *entries = NULL;
static int	n_entries = 0;
static bool cache_valid = false;
static Oid	keyring_relid = InvalidOid;

/* Column numbers of jwt.keyring. */
#define COL_KID 1
#define COL_PURPOSES 2
#define COL_ALG 3
#define COL_KEY 4
#define COL_NOT_BEFORE 5
#define COL_NOT_AFTER 6

/* The OID of jwt.keyring, or InvalidOid if the extension is not installed. */
static Oid
keyring_oid(void)
{
	Oid			nsp;

	if (OidIsValid(keyring_relid))
		return keyring_relid;
	nsp = get_namespace_oid("jwt", true);
	if (!OidIsValid(nsp))
		return InvalidOid;
	keyring_relid = get_relname_relid("keyring", nsp);
	return keyring_relid;
}

/* Relcache callback: a change of jwt.keyring (or of everything) empties the cache. */
void
glue_keyring_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == keyring_relid)
	{
		cache_valid = false;
		if (relid == InvalidOid)
			keyring_relid = InvalidOid;
	}
}

/* Free the cached keys. */
static void
cache_free(void)
{
	for (int i = 0; i < n_entries; i++)
		jose_key_free(entries[i].key);
	free(entries);
	entries = NULL;
	n_entries = 0;
	cache_valid = false;
}

/* Purpose bits of a text[] of purpose names; raises on an unknown one. */
static unsigned
purposes_of(Datum arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	unsigned	bits = 0;

	deconstruct_array(DatumGetArrayTypeP(arr), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *p;

		if (nulls[i])
			continue;
		p = TextDatumGetCString(elems[i]);
		if (strcmp(p, "sign") == 0)
			bits |= GLUE_PURPOSE_SIGN;
		else if (strcmp(p, "verify") == 0)
			bits |= GLUE_PURPOSE_VERIFY;
		else if (strcmp(p, "encrypt") == 0)
			bits |= GLUE_PURPOSE_ENCRYPT;
		else if (strcmp(p, "decrypt") == 0)
			bits |= GLUE_PURPOSE_DECRYPT;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid key"),
					 errdetail("Keyring purposes are sign, verify, encrypt and decrypt.")));
	}
	return bits;
}

/*
 * Parse one keyring row's key: the JWK, bound to the row's kid and (when
 * given) algorithm.  Returns the status; the key in *out on success.
 */
static jose_status
parse_row_key(const char *kid, const char *alg, Datum jwk, jose_key **out, jose_err *err)
{
	jose_buf   *text = &glue_workspace()->aux;
	jose_keyset *set = NULL;
	jose_status st;

	*out = NULL;
	jose_buf_reset(text);
	glue_jsonb_to_text(DatumGetJsonbP(jwk), text);
	if (text->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not serialise the key.");
	st = jose_keyset_from_jwk_text(text->data, text->len, &set, err);
	OPENSSL_cleanse(text->data, text->len);
	jose_buf_reset(text);
	if (st != JOSE_OK)
		return st;
	if (set->is_set)
	{
		jose_keyset_free(set);
		return jose_fail(err, JOSE_E_KEY, "A keyring row holds one JWK, not a JWKS.");
	}
	*out = set->keys[0];
	set->count = 0;
	jose_keyset_free(set);

	/* the row's kid is the key's kid (it replaces one the JWK carries) */
	free((*out)->kid);
	if (((*out)->kid = strdup(kid)) == NULL)
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a kid.");
	else
		(*out)->kid_len = strlen(kid);
	if (st == JOSE_OK && alg != NULL)
	{
		if ((*out)->alg_name[0] != '\0' && strcmp((*out)->alg_name, alg) != 0)
			st = jose_fail(err, JOSE_E_KEY, "The JWK's \"alg\" differs from the row's alg.");
		else if (strlen(alg) >= sizeof((*out)->alg_name))
			st = jose_fail(err, JOSE_E_KEY, "The row's alg is not an algorithm name.");
		else
		{
			strcpy((*out)->alg_name, alg);
			(*out)->alg = jose_alg_lookup(alg, strlen(alg));
			if ((*out)->alg != JOSE_ALG_UNKNOWN &&
				jose_key_check_family(*out, (*out)->alg, err) != JOSE_OK)
				st = jose_fail(err, JOSE_E_KEY, "The row's alg %s does not fit the key.", alg);
		}
	}
	if (st != JOSE_OK)
	{
		jose_key_free(*out);
		*out = NULL;
	}
	return st;
}

/* Load every row of jwt.keyring into the cache (if stale). */
static void
cache_load(void)
{
	Oid			relid;
	Relation	rel;
	TableScanDesc scan;
	Snapshot	snapshot;
	HeapTuple	tuple;
	int			cap = 16;

	relid = keyring_oid();
	if (cache_valid && OidIsValid(relid))
		return;
	cache_free();
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the token_ext keyring does not exist"),
				 errhint("CREATE EXTENSION token_ext creates jwt.keyring.")));

	entries = calloc(cap, sizeof(keyring_entry));
	if (entries == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));

	/*
	 * Read with a fresh snapshot taken after the lock (which processed any
	 * pending invalidation): the cache outlives this transaction, so it
	 * must hold every committed key, not what an older snapshot shows.
	 */
	rel = table_open(relid, AccessShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		isnull;
		Datum		kid = heap_getattr(tuple, COL_KID, desc, &isnull);
		Datum		purposes = heap_getattr(tuple, COL_PURPOSES, desc, &isnull);
		Datum		alg;
		bool		alg_null;
		Datum		jwk = heap_getattr(tuple, COL_KEY, desc, &isnull);
		Datum		nb = heap_getattr(tuple, COL_NOT_BEFORE, desc, &isnull);
		Datum		na;
		bool		na_null;
		jose_key   *key;
		jose_err	err;
		char	   *kid_text = TextDatumGetCString(kid);

		alg = heap_getattr(tuple, COL_ALG, desc, &alg_null);
		na = heap_getattr(tuple, COL_NOT_AFTER, desc, &na_null);

		/* the trigger validated every row; one that fails now is skipped, not fatal */
		jose_err_clear(&err);
		if (parse_row_key(kid_text, alg_null ? NULL : TextDatumGetCString(alg), jwk, &key, &err) != JOSE_OK)
		{
			ereport(WARNING,
					(errmsg("skipping keyring key \"%s\": %s", kid_text,
							jose_status_message(err.status)),
					 errdetail("%s", err.detail)));
			continue;
		}
		if (n_entries == cap)
		{
			keyring_entry *grown = realloc(entries, sizeof(keyring_entry) * cap * 2);

			if (grown == NULL)
			{
				jose_key_free(key);
				break;
			}
			entries = grown;
			cap *= 2;
		}
		entries[n_entries].key = key;
		entries[n_entries].purposes = purposes_of(purposes);
		entries[n_entries].not_before = DatumGetTimestampTz(nb);
		entries[n_entries].not_after = na_null ? DT_NOEND : DatumGetTimestampTz(na);
		n_entries++;
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

	if (!OidIsValid(relid) || pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to use keyring keys"),
				 errdetail("Signing with a keyring key by kid needs SELECT on jwt.keyring."),
				 errhint("Sign inside a SECURITY DEFINER function owned by the keyring's owner.")));
	cache_load();
	for (int i = 0; i < n_entries; i++)
		if (strcmp(entries[i].key->kid, kid) == 0 && (entries[i].purposes & purpose) &&
			entries[i].not_before <= at && at < entries[i].not_after)
			return entries[i].key;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("no matching key"),
			 errdetail("The keyring has no key \"%s\" for %s valid now.", kid,
					   purpose == GLUE_PURPOSE_SIGN ? "signing" : "encryption")));
	return NULL;
}

/*
 * Trigger of jwt.keyring: per row (before insert or update), refuse a key
 * that does not parse or does not fit its row; per statement (after), tell
 * every backend that the keyring changed.
 */
Datum
jwt_keyring_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

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
	else
	{
		HeapTuple	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)
			? trigdata->tg_newtuple : trigdata->tg_trigtuple;
		TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
		bool		kid_null,
					purposes_null,
					key_null,
					alg_null;
		Datum		kid = heap_getattr(tuple, COL_KID, desc, &kid_null);
		Datum		alg = heap_getattr(tuple, COL_ALG, desc, &alg_null);
		Datum		jwk = heap_getattr(tuple, COL_KEY, desc, &key_null);
		Datum		purposes_datum = heap_getattr(tuple, COL_PURPOSES, desc, &purposes_null);
		unsigned	purposes;
		char	   *alg_text = alg_null ? NULL : TextDatumGetCString(alg);
		jose_key   *key;
		jose_err	err;
		bool		asym;

		/* NULLs are left to the NOT NULL constraints, checked after this trigger */
		if (kid_null || key_null || purposes_null)
			return PointerGetDatum(tuple);
		purposes = purposes_of(purposes_datum);
		if (alg_text != NULL && jose_alg_lookup(alg_text, strlen(alg_text)) == JOSE_ALG_UNKNOWN &&
			jose_jwe_alg_lookup(alg_text, strlen(alg_text)) == JOSE_JWE_ALG_UNKNOWN &&
			jose_jwe_enc_lookup(alg_text, strlen(alg_text)) == JOSE_JWE_ENC_UNKNOWN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unsupported algorithm"),
					 errdetail("The row's alg is not a JWS or JWE algorithm token_ext supports.")));

		jose_err_clear(&err);
		if (parse_row_key(TextDatumGetCString(kid), alg_text, jwk, &key, &err) != JOSE_OK)
			glue_raise(&err);
		asym = key->kty != JOSE_KTY_OCT;

		/* a secret for signatures must be strong enough for its algorithm (HS256 at least) */
		if (!asym && (purposes & (GLUE_PURPOSE_SIGN | GLUE_PURPOSE_VERIFY)) &&
			(key->alg != JOSE_ALG_UNKNOWN || key->alg_name[0] == '\0') &&
			jose_key_check_jws(key, key->alg != JOSE_ALG_UNKNOWN ? key->alg : JOSE_ALG_HS256,
							   JOSE_OP_VERIFY, &err) != JOSE_OK)
		{
			jose_key_free(key);
			glue_raise(&err);
		}
		if (asym && (purposes & (GLUE_PURPOSE_SIGN | GLUE_PURPOSE_DECRYPT)) && !jose_key_has_private(key))
		{
			jose_key_free(key);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid key"),
					 errdetail("Signing and decryption need a private key; this is a public key.")));
		}
		jose_key_free(key);
		return PointerGetDatum(tuple);
	}
}

/* SQL function: jwt.keyring_jwks() returns jsonb -- the public keys to publish */
Datum
jwt_keyring_jwks(PG_FUNCTION_ARGS)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	StringInfoData out;
	jose_buf   *buf = &glue_workspace()->aux;
	bool		first = true;

	cache_load();
	initStringInfo(&out);
	appendStringInfoString(&out, "{\"keys\":[");
	for (int i = 0; i < n_entries; i++)
	{
		jose_err	err;

		/* asymmetric keys that verify or encrypt, and are not yet retired */
		if (entries[i].key->kty == JOSE_KTY_OCT ||
			!(entries[i].purposes & (GLUE_PURPOSE_VERIFY | GLUE_PURPOSE_ENCRYPT)) ||
			entries[i].not_after <= now)
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
