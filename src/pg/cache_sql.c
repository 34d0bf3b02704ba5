/*-------------------------------------------------------------------------
 *
 * cache_sql.c
 *		SQL access to the backend's key cache.
 *
 * src/pg/cache_sql.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/htup_details.h"
#include "funcapi.h"

PG_FUNCTION_INFO_V1(jwt_clear_key_cache);
PG_FUNCTION_INFO_V1(jwt_key_cache_stats);

/* SQL function: jwt.clear_key_cache() returns void */
Datum
jwt_clear_key_cache(PG_FUNCTION_ARGS)
{
	jose_keycache_clear(glue_keycache());
	PG_RETURN_VOID();
}

/* SQL function: jwt.key_cache_stats() returns (entries, bytes, hits, misses) */
Datum
jwt_key_cache_stats(PG_FUNCTION_ARGS)
{
	jose_keycache *cache = glue_keycache();
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum((int64) cache->entries);
	values[1] = Int64GetDatum((int64) cache->bytes);
	values[2] = Int64GetDatum((int64) cache->hits);
	values[3] = Int64GetDatum((int64) cache->misses);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
