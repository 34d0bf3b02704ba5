/*-------------------------------------------------------------------------
 *
 * revocation.c
 *		The revocation store (table jwt.revocation) and its per-backend
 *		cache: revoked tokens by "jti", and "every token of a subject
 *		issued before a time" (sign out everywhere).
 *
 * jwt.authenticate refuses a revoked token without a query per request:
 * the table is read once into a hash set (src/core/revocation.c) and read
 * again only after it changed.  As for the keyring, a statement trigger
 * sends a relcache invalidation for the table at every change, and our
 * relcache callback marks the cache stale, in every backend, when the
 * change commits; other sessions see a revocation at their next
 * transaction.  The table is the extension's own (found by membership,
 * its columns checked by name and type) and read directly, so any role
 * that authenticates is checked without being able to read it.
 *
 * Every row counts as long as it names something: a row with a "jti"
 * and a "subject" revokes both, a subject row without "issued_before"
 * revokes all of the subject's tokens.  A revocation store errs on the
 * side of refusing.
 *
 * src/pg/revocation.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(jwt_revocation_trigger);

enum
{
	COL_JTI, COL_SUBJECT, COL_ISSUED_BEFORE, COL_ISSUER, COL_EXPIRES_AT,
	N_COLS
};

static const glue_column columns[N_COLS] = {
	[COL_JTI] = {"jti", TEXTOID, "text"},
	[COL_SUBJECT] = {"subject", TEXTOID, "text"},
	[COL_ISSUED_BEFORE] = {"issued_before", TIMESTAMPTZOID, "timestamptz"},
	[COL_ISSUER] = {"issuer", TEXTOID, "text"},
	[COL_EXPIRES_AT] = {"expires_at", TIMESTAMPTZOID, "timestamptz"},
};

static glue_member_table located = {
	.name = "revocation", .what = "revocation store", .since = "0.2.0",
	.status = JOSE_E_REVOCATION_STORE,
	.columns = columns, .n_columns = N_COLS,
};

static jose_revocations revoked;
static bool cache_valid = false;

/* Bumped whenever the cached store may have changed (see glue_revocation_generation). */
static uint64 revocation_generation = 1;

/* The OID of the revocation table; raises when it is missing or altered. */
static Oid
revocation_oid(void)
{
	bool		again;
	Oid			relid = glue_member_oid(&located, &again);

	if (again)
	{
		cache_valid = false;
		revocation_generation++;
	}
	return relid;
}

/* Confirm (again after an extension changed) that the revocation store is the extension's table. */
void
glue_revocation_confirm(void)
{
	(void) revocation_oid();
}

/* Relcache callback: a change of jwt.revocation (or of everything) empties the cache. */
void
glue_revocation_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == located.relid)
	{
		cache_valid = false;
		located.relid = InvalidOid;
		revocation_generation++;
	}
}

/* A count that changes whenever the revocation store may have changed. */
uint64
glue_revocation_generation(void)
{
	return revocation_generation;
}

/* A timestamptz column of tuple as Unix seconds; false when NULL. */
static bool
time_column(HeapTuple tuple, TupleDesc desc, int col, double *seconds)
{
	bool		isnull;
	Datum		v = heap_getattr(tuple, located.attnum[col], desc, &isnull);

	if (isnull)
		return false;
	*seconds = glue_unix_seconds(DatumGetTimestampTz(v));
	return true;
}

/* Add the entries of one row; the status. */
static jose_status
add_row(HeapTuple tuple, TupleDesc desc, jose_err *err)
{
	jose_revocation_row row;
	const char *jti;
	const char *subject;
	size_t		jti_len = 0;
	size_t		subject_len = 0;
	jose_status st = JOSE_OK;

	memset(&row, 0, sizeof(row));
	row.issuer = glue_member_text(&located, tuple, desc, COL_ISSUER, &row.issuer_len);
	row.has_expiry = time_column(tuple, desc, COL_EXPIRES_AT, &row.expires_at);
	jti = glue_member_text(&located, tuple, desc, COL_JTI, &jti_len);
	subject = glue_member_text(&located, tuple, desc, COL_SUBJECT, &subject_len);
	if (jti != NULL)
	{
		row.kind = JOSE_REVOKE_JTI;
		row.value = jti;
		row.len = jti_len;
		st = jose_revocations_add(&revoked, &row, err);
	}
	if (st == JOSE_OK && subject != NULL)
	{
		row.kind = JOSE_REVOKE_SUBJECT;
		row.value = subject;
		row.len = subject_len;
		row.has_before = time_column(tuple, desc, COL_ISSUED_BEFORE, &row.issued_before);
		st = jose_revocations_add(&revoked, &row, err);
	}
	return st;
}

/* Load the whole store into the cache (if stale). */
static void
cache_load(void)
{
	Oid			relid = revocation_oid();
	Relation	rel;
	TupleDesc	desc;
	TableScanDesc scan;
	Snapshot	snapshot;
	HeapTuple	tuple;
	jose_err	err;

	if (cache_valid)
		return;
	jose_revocations_free(&revoked);
	jose_err_clear(&err);

	/* a database still on 0.1.0 has no revocation store yet: nothing is revoked */
	if (!OidIsValid(relid))
	{
		cache_valid = true;
		return;
	}

	/* a fresh snapshot after the lock: the cache outlives this transaction */
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = table_beginscan(rel, snapshot, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (add_row(tuple, desc, &err) != JOSE_OK)
			break;
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	if (err.status != JOSE_OK)
	{
		/* an incomplete store must not pass for the whole one */
		jose_revocations_free(&revoked);
		glue_raise(&err);
	}
	cache_valid = true;
}

/* JOSE_E_REVOKED (in err) when the verified claims are revoked at now (Unix seconds), else JOSE_OK. */
jose_status
glue_revocation_check(const jose_json *claims, double now, jose_err *err)
{
	cache_load();
	return jose_revocation_check(&revoked, claims, now, err);
}

/*
 * Trigger of jwt.revocation, after each statement: tell every backend
 * that the store changed.  The table's CHECK constraints judge the rows;
 * nothing in them is secret.
 */
Datum
jwt_revocation_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.revocation_trigger() must be called as a trigger")));
	if (RelationGetRelid(trigdata->tg_relation) != revocation_oid() ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.revocation_trigger() fires only after statements on jwt.revocation")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
