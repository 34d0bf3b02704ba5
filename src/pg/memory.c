/*-------------------------------------------------------------------------
 *
 * memory.c
 *		jwt.memory_stats(): what token_ext holds in this backend, by area.
 *
 * Most of what token_ext keeps between calls is malloc'd, outside
 * PostgreSQL's memory contexts (the core is database-independent and never
 * pallocs), so pg_backend_memory_contexts alone cannot show a cache that
 * grows.  This function reports each malloc'd area with its own counts,
 * and token_ext's memory contexts as PostgreSQL accounts them; the rows do
 * not overlap, so their sum is all token_ext holds apart from OpenSSL's
 * own objects (parsed keys, cipher contexts).  A new cache is one more
 * line in areas[].
 *
 * src/pg/memory.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(jwt_memory_stats);

/* Memory contexts whose name starts with this are token_ext's. */
#define CONTEXT_PREFIX "token_ext"

/* Count the token_ext contexts under context (with their children) and their bytes. */
static void
contexts_under(MemoryContext context, int64 *entries, int64 *bytes)
{
	check_stack_depth();
	for (MemoryContext c = context->firstchild; c != NULL; c = c->nextchild)
	{
		if (c->name != NULL && strncmp(c->name, CONTEXT_PREFIX, strlen(CONTEXT_PREFIX)) == 0)
		{
			(*entries)++;
			*bytes += (int64) MemoryContextMemAllocated(c, true);
		}
		else
			contexts_under(c, entries, bytes);
	}
}

/* token_ext's memory contexts: how many, and their total_bytes as pg_backend_memory_contexts shows. */
static void
contexts_usage(int64 *entries, int64 *bytes)
{
	*entries = 0;
	*bytes = 0;
	contexts_under(TopMemoryContext, entries, bytes);
}

/* The areas reported, in order: a name and how to measure it. */
static const struct
{
	const char *area;
	void		(*usage) (int64 *entries, int64 *bytes);
}			areas[] = {
	{"key cache", glue_keycache_usage},
	{"keyring cache", glue_keyring_cache_usage},
	{"session claims", glue_claims_cache_usage},
	{"workspace", glue_workspace_usage},
	{"memory contexts", contexts_usage},
};

/* SQL function: jwt.memory_stats() returns table (area text, entries bigint, bytes bigint) */
Datum
jwt_memory_stats(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (size_t i = 0; i < lengthof(areas); i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		int64		entries = 0;
		int64		bytes = 0;

		areas[i].usage(&entries, &bytes);
		values[0] = CStringGetTextDatum(areas[i].area);
		values[1] = Int64GetDatum(entries);
		values[2] = Int64GetDatum(bytes);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
