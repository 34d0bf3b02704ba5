/*-------------------------------------------------------------------------
 *
 * members.c
 *		The extension's own tables (jwt.keyring, jwt.revocation), found by
 *		membership and checked column by column.
 *
 * Which table holds the server's keys or revocations is decided by the
 * extension's membership records (pg_depend), never by a name: a role
 * that could create a schema or a table called "keyring" must not be able
 * to plant keys, nor one called "revocation" to lift revocations.  The
 * table's columns are checked by name and type before any row is read.
 *
 * The answer is confirmed again after every change of pg_extension, seen
 * through a syscache callback: both tables are configuration tables of
 * the extension (pg_extension_config_dump), so ALTER EXTENSION ... DROP
 * TABLE rewrites the extension's row, as DROP, CREATE and ALTER EXTENSION
 * do; a change of the table itself (DROP, RENAME, ALTER) reaches the
 * relcache callbacks of keyring.c and revocation.c.  This costs nothing
 * per transaction (a jwt.authenticate served from the verified-token cache
 * reads no catalog), and takes effect at the next command of the session
 * that made the change and at the next transaction of every other one.
 *
 * src/pg/members.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

/* Bumped by every invalidation of pg_extension's syscache. */
static uint64 extensions_generation = 1;

/* Syscache callback: an extension changed; every table's membership is confirmed again. */
void
glue_extensions_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	extensions_generation++;
}

/* Raise t's "unavailable" status with a detail. */
static void
unavailable(const glue_member_table *t, const char *detail)
{
	jose_err	err;

	jose_fail(&err, t->status, "%s", detail);
	glue_raise(&err);
}

/*
 * The table named name that belongs to extension extoid (a pg_depend
 * record of type 'e'), or InvalidOid.
 */
static Oid
extension_member_table(Oid extoid, const char *name)
{
	Relation	depend = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			found = InvalidOid;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2, key);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		char	   *relname;

		if (dep->deptype != DEPENDENCY_EXTENSION || dep->classid != RelationRelationId ||
			get_rel_relkind(dep->objid) != RELKIND_RELATION)
			continue;
		relname = get_rel_name(dep->objid);
		if (relname != NULL && strcmp(relname, name) == 0)
			found = dep->objid;
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
	return found;
}

/*
 * Whether the installed version of extension extoid predates version
 * since (dotted numbers): objects added by since may then be missing.
 */
static bool
installed_before(Oid extoid, const char *since)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		before = false;

	if (since == NULL)
		return false;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	if ((tuple = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		Datum		v = heap_getattr(tuple, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);
		const char *a = isnull ? "" : TextDatumGetCString(v);
		const char *b = since;

		/* compare number by number: 0.1.0 < 0.2.0 < 0.10.0 */
		while (*a != '\0' || *b != '\0')
		{
			long		x = strtol(a, (char **) &a, 10);
			long		y = strtol(b, (char **) &b, 10);

			if (x != y)
			{
				before = x < y;
				break;
			}
			if (*a == '.')
				a++;
			if (*b == '.')
				b++;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return before;
}

/* Record the column numbers of t's table; raises if one is missing or retyped. */
static void
map_columns(glue_member_table *t)
{
	Relation	rel = table_open(t->relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);

	for (int c = 0; c < t->n_columns; c++)
	{
		t->attnum[c] = InvalidAttrNumber;
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped && strcmp(NameStr(att->attname), t->columns[c].name) == 0 &&
				att->atttypid == t->columns[c].type)
				t->attnum[c] = att->attnum;
		}
	}
	table_close(rel, AccessShareLock);
	for (int c = 0; c < t->n_columns; c++)
		if (t->attnum[c] == InvalidAttrNumber && !installed_before(t->extoid, t->columns[c].since))
		{
			char		detail[160];

			t->relid = InvalidOid;
			snprintf(detail, sizeof(detail), "The %s has no column \"%s\" of type %s.",
					 t->what, t->columns[c].name, t->columns[c].type_name);
			unavailable(t, detail);
		}
}

/*
 * The OID of the extension's table t (columns mapped into t->attnum);
 * raises when the extension or its table is missing.  Membership is
 * confirmed again after any change of an extension; *again is set when
 * the table was looked up anew (its cached contents are then stale).
 */
Oid
glue_member_oid(glue_member_table *t, bool *again)
{
	char		detail[160];

	*again = false;
	if (OidIsValid(t->relid) && t->confirmed == extensions_generation)
		return t->relid;
	if (OidIsValid(t->relid) &&
		getExtensionOfObject(RelationRelationId, t->relid) == t->extoid)
	{
		t->confirmed = extensions_generation;
		return t->relid;
	}

	/* first use, or the extension or its table changed: look again */
	*again = true;
	t->relid = InvalidOid;
	t->extoid = get_extension_oid("token_ext", true);
	if (!OidIsValid(t->extoid))
		unavailable(t, "The extension token_ext is not installed in this database.");
	t->relid = extension_member_table(t->extoid, t->name);
	if (!OidIsValid(t->relid) && installed_before(t->extoid, t->since))
		return InvalidOid;
	if (!OidIsValid(t->relid))
	{
		snprintf(detail, sizeof(detail), "No table named %s belongs to the extension token_ext.",
				 t->name);
		unavailable(t, detail);
	}
	map_columns(t);
	t->confirmed = extensions_generation;
	return t->relid;
}

/* Text column col (of t's columns) of tuple as pointer and length, or NULL when NULL. */
const char *
glue_member_text(const glue_member_table *t, HeapTuple tuple, TupleDesc desc, int col,
				 size_t *len)
{
	bool		isnull;
	Datum		v;
	text	   *value;

	*len = 0;
	if (t->attnum[col] == InvalidAttrNumber)
		return NULL;			/* a column the installed version lacks */
	v = heap_getattr(tuple, t->attnum[col], desc, &isnull);
	if (isnull)
		return NULL;
	value = DatumGetTextPP(v);
	*len = VARSIZE_ANY_EXHDR(value);
	return VARDATA_ANY(value);
}
