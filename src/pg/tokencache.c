/*-------------------------------------------------------------------------
 *
 * tokencache.c
 *		The backend's cache of verified tokens (see src/core/tokencache.h),
 *		and its SQL access.
 *
 * jwt.authenticate looks the token up before verifying it.  An entry is
 * good only while the keyring, the revocation store and the policy
 * settings are what they were when the token verified: each has a
 * generation counter (the relcache callbacks of the two tables and the
 * settings' assign hooks bump them), and the cache is emptied as soon as
 * their sum moves.  Each counter only grows, so the sum moves whenever one
 * does.  On a hit, exp and nbf are checked again against the transaction's
 * time, and so is the validity window of the keys that verified the token;
 * a token that no longer passes is verified again, which says why it
 * fails.  Failures are never cached.  The bounds are the settings
 * token_ext.token_cache_entries and token_ext.token_cache_memory; DISCARD
 * ALL empties the cache.
 *
 * Other hosts of the glue (a worker node verifying forwarded tokens) use
 * the same two calls, glue_token_cache_get and glue_token_cache_put.
 *
 * src/pg/tokencache.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"


#include "access/htup_details.h"
#include "funcapi.h"

PG_FUNCTION_INFO_V1(jwt_clear_token_cache);
PG_FUNCTION_INFO_V1(jwt_token_cache_stats);

static jose_tokencache cache;
static bool cache_ready = false;

/* Bumped by the assign hooks of the settings a verification depends on. */
static uint64 policy_generation = 1;

/* Note that a setting jwt.authenticate's checks depend on changed. */
void
glue_policy_changed(void)
{
	policy_generation++;
}

/* The backend's cache, with the current bounds, emptied if stale. */
static jose_tokencache *
token_cache(void)
{
	size_t		max_bytes = (size_t) token_ext_token_cache_memory_kb * 1024;

	if (!cache_ready)
	{
		jose_tokencache_init(&cache, (size_t) token_ext_token_cache_entries, max_bytes);
		cache_ready = true;
	}
	else if (cache.max_entries != (size_t) token_ext_token_cache_entries ||
			 cache.max_bytes != max_bytes)
		jose_tokencache_set_bounds(&cache, (size_t) token_ext_token_cache_entries, max_bytes);
	jose_tokencache_sync(&cache, glue_keyring_generation() + glue_revocation_generation() +
						 policy_generation);
	return &cache;
}

/*
 * Look token (len bytes) up: true, with out filled, when it verified under
 * the current keyring, revocation store and policy, and still passes its
 * time checks at at.  out points into the cache: copy what is kept.
 */
bool
glue_token_cache_get(const char *token, size_t len, TimestampTz at, glue_verified *out)
{
	jose_tokencache *c;
	const jose_cached_token *v;
	uint32		claims_len;

	if (token_ext_token_cache_entries == 0)
		return false;

	/*
	 * The tables must still be the extension's (confirmed again only after
	 * an extension changed); a table found anew moves its generation,
	 * which empties the cache.
	 */
	glue_keyring_confirm();
	glue_revocation_confirm();
	c = token_cache();
	v = jose_tokencache_get(c, token, len, glue_unix_seconds(at));
	if (v == NULL)
		return false;
	/* data: the claims' length, the claims and a NUL, then the jsonb */
	memcpy(&claims_len, v->data, sizeof(claims_len));
	out->claims = (const char *) v->data + sizeof(claims_len);
	out->claims_len = claims_len;
	out->jsonb = v->data + sizeof(claims_len) + claims_len + 1;
	out->jsonb_len = v->data_len - sizeof(claims_len) - claims_len - 1;
	return true;
}

/*
 * Remember that token verified, with its claims (compact JSON text and
 * jsonb), its time claims and the window [valid_from, valid_until) of the
 * keys that verified it.  Call only for a token that passed every check.
 */
void
glue_token_cache_put(const char *token, size_t len, const jose_claim_times *times,
					 TimestampTz valid_from, TimestampTz valid_until,
					 const char *claims, size_t claims_len, const Jsonb *jsonb)
{
	jose_tokencache *c = token_cache();
	jose_cached_token v;
	size_t		jsonb_len = VARSIZE(jsonb);
	uint32		n = (uint32) claims_len;
	unsigned char *data;

	if (c->max_entries == 0 || claims_len > PG_UINT32_MAX)
		return;
	data = palloc(sizeof(n) + claims_len + 1 + jsonb_len);
	memcpy(data, &n, sizeof(n));
	memcpy(data + sizeof(n), claims, claims_len);
	data[sizeof(n) + claims_len] = '\0';
	memcpy(data + sizeof(n) + claims_len + 1, jsonb, jsonb_len);

	memset(&v, 0, sizeof(v));
	v.times = *times;
	v.leeway = token_ext_leeway;
	v.valid_from = glue_unix_seconds(valid_from);
	v.valid_until = glue_unix_seconds(valid_until);
	v.data = data;
	v.data_len = sizeof(n) + claims_len + 1 + jsonb_len;
	jose_tokencache_put(c, token, len, &v);
	pfree(data);
}

/* Empty the cache (DISCARD ALL). */
void
glue_token_cache_clear(void)
{
	if (cache_ready)
		jose_tokencache_clear(&cache);
}

/* SQL function: jwt.clear_token_cache() returns void */
Datum
jwt_clear_token_cache(PG_FUNCTION_ARGS)
{
	glue_token_cache_clear();
	PG_RETURN_VOID();
}

/* SQL function: jwt.token_cache_stats() returns (entries, bytes, hits, misses, evictions) */
Datum
jwt_token_cache_stats(PG_FUNCTION_ARGS)
{
	jose_tokencache *c = token_cache();
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum((int64) c->entries);
	values[1] = Int64GetDatum((int64) c->bytes);
	values[2] = Int64GetDatum((int64) c->hits);
	values[3] = Int64GetDatum((int64) c->misses);
	values[4] = Int64GetDatum((int64) c->evictions);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
