/*-------------------------------------------------------------------------
 *
 * state.c
 *		Per-backend state: the core workspace, the key cache, the limits.
 *
 * src/pg/state.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "miscadmin.h"

static jose_workspace workspace;
static bool workspace_ready = false;
static jose_keycache keycache;
static bool keycache_ready = false;

/* The backend's workspace for core calls. */
jose_workspace *
glue_workspace(void)
{
	if (!workspace_ready)
	{
		jose_workspace_init(&workspace);
		workspace_ready = true;
	}
	return &workspace;
}

/*
 * Wipe the workspace: called after every decryption and before raising.
 * Buffers grown far past what a token within the limits needs (by an input
 * about to be refused as too large) are released too.
 */
void
glue_workspace_wipe(void)
{
	if (workspace_ready)
	{
		jose_workspace_wipe(&workspace);
		jose_workspace_trim(&workspace, 4 * (size_t) token_ext_max_token_size + 65536);
	}
}

/*
 * Release the workspace and empty the key cache and the verified-token
 * cache (DISCARD ALL): nothing of the last client stays.
 */
void
glue_discard(void)
{
	if (workspace_ready)
	{
		jose_workspace_free(&workspace);
		workspace_ready = false;
	}
	if (keycache_ready)
		jose_keycache_clear(&keycache);
	glue_token_cache_clear();
}

/* The backend's key cache, with the current bounds. */
jose_keycache *
glue_keycache(void)
{
	size_t		max_bytes = (size_t) token_ext_key_cache_memory_kb * 1024;

	if (!keycache_ready)
	{
		jose_keycache_init(&keycache, (size_t) token_ext_key_cache_entries, max_bytes);
		keycache_ready = true;
	}
	else if (keycache.max_entries != (size_t) token_ext_key_cache_entries ||
			 keycache.max_bytes != max_bytes)
		jose_keycache_set_bounds(&keycache, (size_t) token_ext_key_cache_entries, max_bytes);
	return &keycache;
}

/* The limits in force, from the settings. */
jose_limits
glue_limits(void)
{
	jose_limits l;

	l.max_token_size = (size_t) token_ext_max_token_size;
	l.max_json_depth = (uint32_t) token_ext_max_json_depth;
	l.max_json_values = JOSE_DEFAULT_MAX_JSON_VALUES;
	l.max_pbes2_count = (uint32_t) token_ext_max_pbes2_count;
	return l;
}

/*
 * The core's cancel check: true when a cancel request, statement_timeout
 * or termination is pending and PostgreSQL would act on it now.  The core
 * then stops, frees what it holds and returns; glue_raise lets
 * CHECK_FOR_INTERRUPTS report the cancellation.
 */
bool
glue_interrupt_pending(void)
{
	return INTERRUPTS_PENDING_CONDITION() && INTERRUPTS_CAN_BE_PROCESSED() &&
		(QueryCancelPending || ProcDiePending);
}

/* Memory of the key cache: entries, and bytes of key material held (jwt.memory_stats). */
void
glue_keycache_usage(int64 *entries, int64 *bytes)
{
	*entries = keycache_ready ? (int64) keycache.entries : 0;
	*bytes = keycache_ready ? (int64) keycache.bytes : 0;
}

/* Memory of the workspace: buffers holding storage, and their capacities (jwt.memory_stats). */
void
glue_workspace_usage(int64 *entries, int64 *bytes)
{
	size_t		parts = 0;
	size_t		capacity = workspace_ready ? jose_workspace_capacity(&workspace, &parts) : 0;

	*entries = (int64) parts;
	*bytes = (int64) capacity;
}
