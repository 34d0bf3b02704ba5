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
#include "utils/inval.h"
#include "utils/syscache.h"

#include "src/core/interrupt.h"
#include "src/core/jwe.h"
#include "src/core/bounds.h"
#include "src/core/hmac.h"
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
char	   *token_ext_algorithms = NULL;
char	   *token_ext_audience = NULL;
char	   *token_ext_issuer = NULL;
int			token_ext_leeway = 30;
char	   *token_ext_role_claim = NULL;
int			token_ext_claims_scope = GLUE_SCOPE_TRANSACTION;
bool		token_ext_trust_request_claims = false;
char	   *token_ext_token_header = NULL;
char	   *token_ext_token_cookie = NULL;
int			token_ext_token_cache_entries = 1000;
int			token_ext_token_cache_memory_kb = 4096;
bool		token_ext_verify_revocation = false;

static const struct config_enum_entry scope_options[] = {
	{"transaction", GLUE_SCOPE_TRANSACTION, false},
	{"session", GLUE_SCOPE_SESSION, false},
	{NULL, 0, false}
};

static ProcessUtility_hook_type prev_process_utility = NULL;

void		_PG_init(void);

/*
 * On DISCARD ALL, empty the key cache and the verified-token cache and
 * release the workspace, so that a pooled connection handed to the next
 * client holds no parsed keys, verified tokens or decrypted plaintext of
 * the previous one.
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
		glue_discard();
}

/* Check hook of token_ext.algorithms: JWS or JWE names only, never none or RSA1_5. */
static bool
check_algorithms(char **newval, void **extra, GucSource source)
{
	const char *list = *newval ? *newval : "";
	jose_alg_set jws;
	jose_jwe_alg_set jwe_algs;
	jose_jwe_enc_set jwe_encs;
	jose_err	err;

	if (jose_policy_algorithms_parse(list, strlen(list), &jws, &jwe_algs, &jwe_encs, &err) != JOSE_OK)
	{
		GUC_check_errdetail("%s", err.detail);
		return false;
	}
	return true;
}

/*
 * Assign hooks of the settings jwt.authenticate's checks depend on: a
 * change empties the verified-token cache (src/pg/tokencache.c).
 */
static void
policy_assign_string(const char *newval, void *extra)
{
	glue_policy_changed();
}

static void
policy_assign_int(int newval, void *extra)
{
	glue_policy_changed();
}

/* Define the settings and hooks; runs once per backend when the module loads. */
void
_PG_init(void)
{
	jose_err	err;

	jose_err_clear(&err);
	if (jose_crypto_init(&err) != JOSE_OK)
		glue_raise(&err);

	DefineCustomIntVariable("token_ext.max_token_size",
							"Sets the largest token, in bytes, that token_ext accepts.",
							"Longer tokens are refused before any decoding.",
							&token_ext_max_token_size,
							JOSE_DEFAULT_MAX_TOKEN_SIZE, 256, 16 * 1024 * 1024,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, policy_assign_int, NULL);

	DefineCustomIntVariable("token_ext.max_json_depth",
							"Sets the deepest nesting of JSON accepted in token headers and claims.",
							NULL,
							&token_ext_max_json_depth,
							JOSE_DEFAULT_MAX_JSON_DEPTH, 1, 1000,
							PGC_SUSET, 0,
							NULL, policy_assign_int, NULL);

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
							NULL, policy_assign_int, NULL);

	/*
	 * The verified claims.  PGC_SUSET: only superusers and this module's C
	 * code (jwt.authenticate) can set them; see src/pg/session.c.
	 */
	DefineCustomStringVariable("token_ext.claims",
							   "Holds the claims of the token jwt.authenticate verified.",
							   "Set only by jwt.authenticate; read with jwt.claims().",
							   &token_ext_claims,
							   "",
							   PGC_SUSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, glue_claims_assign, NULL);

	DefineCustomStringVariable("token_ext.algorithms",
							   "Sets the algorithms jwt.authenticate accepts (comma-separated).",
							   "Empty: those the keyring keys are bound to or imply.",
							   &token_ext_algorithms,
							   "",
							   PGC_SUSET, 0,
							   check_algorithms, policy_assign_string, NULL);

	DefineCustomStringVariable("token_ext.audience",
							   "Sets the audience jwt.authenticate requires in \"aud\" (PostgREST: jwt-aud).",
							   "Empty: \"aud\" is not compared.",
							   &token_ext_audience,
							   "",
							   PGC_SUSET, 0,
							   NULL, policy_assign_string, NULL);

	DefineCustomStringVariable("token_ext.issuer",
							   "Sets the issuer jwt.authenticate requires in \"iss\".",
							   "Empty: \"iss\" is not compared.",
							   &token_ext_issuer,
							   "",
							   PGC_SUSET, 0,
							   NULL, policy_assign_string, NULL);

	DefineCustomIntVariable("token_ext.leeway",
							"Sets the clock skew jwt.authenticate tolerates for exp, nbf and iat.",
							NULL,
							&token_ext_leeway,
							30, 0, JOSE_MAX_LEEWAY,
							PGC_SUSET, GUC_UNIT_S,
							NULL, policy_assign_int, NULL);

	DefineCustomStringVariable("token_ext.role_claim",
							   "Sets the claim that names the database role (PostgREST: jwt-role-claim-key).",
							   "PostgREST's jwt-role-claim-key paths: .role, .app_metadata.role, .\"https://example.com/role\", .roles[0], $.role.",
							   &token_ext_role_claim,
							   ".role",
							   PGC_SUSET, 0,
							   NULL, glue_claims_assign, NULL);

	DefineCustomEnumVariable("token_ext.claims_scope",
							 "Sets how long jwt.authenticate keeps the claims: the transaction or the session.",
							 NULL,
							 &token_ext_claims_scope,
							 GLUE_SCOPE_TRANSACTION,
							 scope_options,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("token_ext.trust_request_claims",
							 "Makes jwt.claims() fall back to PostgREST's request.jwt.claims.",
							 "Any SQL user can set request.jwt.claims: enable only where PostgREST is the only client.",
							 &token_ext_trust_request_claims,
							 false,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("token_ext.token_header",
							   "Sets the request header jwt.authenticate_request reads the token from.",
							   "\"authorization\" takes \"Bearer <token>\"; another header holds the bare token.",
							   &token_ext_token_header,
							   "authorization",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("token_ext.token_cookie",
							   "Sets the cookie jwt.authenticate_request reads the token from when the header has none.",
							   "Empty: cookies are not read.",
							   &token_ext_token_cookie,
							   "",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);

	/* Citus: token_ext.forwarded_claims and .forward_max_age (src/pg/citus.c) */
	glue_citus_init();
	DefineCustomIntVariable("token_ext.token_cache_entries",
							"Sets how many verified tokens each session keeps, so that a token sent again is not verified again.",
							"Zero disables the cache.",
							&token_ext_token_cache_entries,
							1000, 0, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("token_ext.token_cache_memory",
							"Sets the most memory each session's verified-token cache takes.",
							NULL,
							&token_ext_token_cache_memory_kb,
							4096, 0, 1024 * 1024,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("token_ext.verify_revocation",
							 "Makes jwt.verify and jwt.try_verify refuse tokens revoked in jwt.revocation.",
							 "jwt.authenticate always refuses them.",
							 &token_ext_verify_revocation,
							 false,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("token_ext");

	/* long core work (RSA key generation, key checks) stops on a cancel request */
	jose_set_interrupt_check(glue_interrupt_pending);

	CacheRegisterRelcacheCallback(glue_keyring_invalidate, (Datum) 0);
	CacheRegisterRelcacheCallback(glue_revocation_invalidate, (Datum) 0);
	CacheRegisterSyscacheCallback(EXTENSIONOID, glue_extensions_changed, (Datum) 0);

	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = token_ext_process_utility;
}
