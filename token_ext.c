/*-------------------------------------------------------------------------
 *
 * token_ext.c
 *		Module entry of token_ext: magic block, _PG_init, settings.
 *
 * token_ext signs, verifies and decodes JSON Web Tokens in SQL.  The JOSE
 * work is done by the database-independent core in src/core; src/pg holds
 * the SQL functions.  This file only wires the module into the server.
 *
 * token_ext.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/guc.h"

#include "src/core/limits.h"
#include "src/core/sig.h"
#include "src/pg/glue.h"

#if PG_VERSION_NUM >= 180000
PG_MODULE_MAGIC_EXT(.name = "token_ext", .version = TOKEN_EXT_VERSION);
#else
PG_MODULE_MAGIC;
#endif

int			token_ext_max_token_size = JOSE_DEFAULT_MAX_TOKEN_SIZE;
int			token_ext_max_json_depth = JOSE_DEFAULT_MAX_JSON_DEPTH;
int			token_ext_key_cache_entries = 256;
int			token_ext_key_cache_memory_kb = 16384;
int			token_ext_max_pbes2_count = JOSE_DEFAULT_MAX_PBES2_COUNT;

static ProcessUtility_hook_type prev_process_utility = NULL;

void		_PG_init(void);

/*
 * Clear the key cache on DISCARD ALL, so that a pooled connection handed
 * to the next client holds no parsed keys of the previous one.
 */
static void
token_ext_process_utility(PlannedStmt *pstmt, const char *queryString,
						  bool readOnlyTree, ProcessUtilityContext context,
						  ParamListInfo params, QueryEnvironment *queryEnv,
						  DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;

	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);

	if (IsA(stmt, DiscardStmt) && ((DiscardStmt *) stmt)->target == DISCARD_ALL)
		jose_keycache_clear(glue_keycache());
}

/* Define the settings and hooks; runs once per backend when the module loads. */
void
_PG_init(void)
{
	jose_err	err;

	jose_err_clear(&err);
	if (jose_crypto_init(&err) != JOSE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
				 errmsg("token_ext could not initialise OpenSSL"),
				 errdetail("%s", err.detail)));

	DefineCustomIntVariable("token_ext.max_token_size",
							"Sets the largest token, in bytes, that token_ext accepts.",
							"Longer tokens are refused before any decoding.",
							&token_ext_max_token_size,
							JOSE_DEFAULT_MAX_TOKEN_SIZE, 256, 16 * 1024 * 1024,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("token_ext.max_json_depth",
							"Sets the deepest nesting of JSON accepted in token headers and claims.",
							NULL,
							&token_ext_max_json_depth,
							JOSE_DEFAULT_MAX_JSON_DEPTH, 1, 1000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("token_ext.key_cache_entries",
							"Sets how many parsed keys each session keeps for reuse.",
							"Zero disables the cache.",
							&token_ext_key_cache_entries,
							256, 0, 100000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("token_ext.key_cache_memory",
							"Sets the most key material each session's key cache holds.",
							NULL,
							&token_ext_key_cache_memory_kb,
							16384, 0, 1024 * 1024,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomIntVariable("token_ext.max_pbes2_count",
							"Sets the most PBKDF2 iterations (p2c) a PBES2-encrypted token may ask for.",
							"Tokens asking for more are refused before any work.",
							&token_ext_max_pbes2_count,
							JOSE_DEFAULT_MAX_PBES2_COUNT, 1000, 10000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	MarkGUCPrefixReserved("token_ext");

	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = token_ext_process_utility;
}
