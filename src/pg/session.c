/*-------------------------------------------------------------------------
 *
 * session.c
 *		The session's verified claims, and the cheap readers RLS policies use.
 *
 * Verified claims live in the setting token_ext.claims, which is
 * PGC_SUSET: a non-superuser's SET, set_config and RESET of it are refused,
 * and only jwt.authenticate (C code, acting with PGC_SUSET) writes it.
 * Keeping them in a setting gives the other guarantees for free:
 * transaction-local values (GUC_ACTION_LOCAL) vanish at COMMIT and
 * ROLLBACK, a rolled-back savepoint restores the earlier value, RESET ALL
 * and DISCARD ALL clear them, and parallel workers receive them with the
 * rest of the GUC state, so a parallel scan under a policy sees what the
 * leader sees.
 *
 * Reading them must cost close to comparing with a constant, since a
 * policy runs per row.  The parsed form is cached per backend and keyed by
 * a generation counter that the setting's assign hook bumps on every
 * change (including the resets at transaction end and savepoint rollback).
 * The string pointer is no key: a freed value's address is reused.
 *
 * src/pg/session.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "../core/claimpath.h"

PG_FUNCTION_INFO_V1(jwt_claims);
PG_FUNCTION_INFO_V1(jwt_claim);
PG_FUNCTION_INFO_V1(jwt_claim_json);
PG_FUNCTION_INFO_V1(jwt_sub);
PG_FUNCTION_INFO_V1(jwt_uid);
PG_FUNCTION_INFO_V1(jwt_role);
PG_FUNCTION_INFO_V1(jwt_authenticated);
PG_FUNCTION_INFO_V1(jwt_clear);

/* Value of token_ext.claims ("" when none), owned by the GUC machinery. */
char	   *token_ext_claims = NULL;

/* Bumped by the assign hook on every change of token_ext.claims. */
static uint64 claims_generation = 1;

/* The parsed claims, valid while cached_generation == claims_generation. */
typedef struct claims_cache
{
	uint64		generation;
	char	   *source;			/* trust mode: the request.jwt.claims text parsed */
	Jsonb	   *claims;			/* NULL when there are none */
	char	   *sub;			/* "sub" when a string */
	bool		has_uid;
	pg_uuid_t	uid;			/* "sub" as a UUID */
	char	   *role;			/* the role claim when a string */
	bool		forwarded;		/* from token_ext.forwarded_claims (citus.c) */
	LocalTransactionId lxid;	/* forwarded: the transaction that checked them */
} claims_cache;

static claims_cache cache;
static MemoryContext cache_cxt = NULL;
static jose_json claims_doc;	/* parse tree of the cached claims */

/*
 * Assign hook of token_ext.claims (and of token_ext.role_claim, which
 * changes what jwt.role() reads): only count; runs at transaction end too.
 */
void
glue_claims_assign(const char *newval, void *extra)
{
	claims_generation++;
}

/* Parse a canonical (or hyphen-free) UUID text; false if it is not one. */
static bool
parse_uuid(const char *s, size_t len, pg_uuid_t *out)
{
	int			n = 0;

	if (len != 36 && len != 32)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];
		int			v;

		if (len == 36 && (i == 8 || i == 13 || i == 18 || i == 23))
		{
			if (c != '-')
				return false;
			continue;
		}
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return false;
		if (n % 2 == 0)
			out->data[n / 2] = (unsigned char) (v << 4);
		else
			out->data[n / 2] |= (unsigned char) v;
		n++;
	}
	return n == 32;
}

/* Copy a string node into the cache context, or NULL if it is not a string. */
static char *
cache_string(const jose_json *doc, uint32_t node)
{
	if (node == JOSE_JSON_NONE || doc->nodes[node].type != JOSE_JSON_STRING)
		return NULL;
	return MemoryContextStrdup(cache_cxt, jose_json_text(doc, node));
}

/*
 * Fill the cache from claims JSON text (len bytes), reading the role
 * claim at role_path; an unparsable text gives no claims.
 */
static void
cache_fill(const char *text, size_t len, const char *role_path)
{
	static const jose_json_limits limits = {64, JOSE_DEFAULT_MAX_JSON_VALUES};
	jose_err	err;
	Jsonb	   *jb;
	MemoryContext old;
	uint32_t	sub;

	if (len == 0)
		return;
	jose_err_clear(&err);
	if (jose_json_parse(&claims_doc, text, len, &limits, "claims", &err) != JOSE_OK ||
		claims_doc.nodes[0].type != JOSE_JSON_OBJECT)
		return;
	old = MemoryContextSwitchTo(cache_cxt);
	if (glue_tree_to_jsonb(&claims_doc, &jb, &err) == JOSE_OK)
		cache.claims = jb;
	MemoryContextSwitchTo(old);
	if (cache.claims == NULL)
		return;
	sub = jose_json_member(&claims_doc, 0, "sub");
	cache.sub = cache_string(&claims_doc, sub);
	if (cache.sub != NULL)
		cache.has_uid = parse_uuid(cache.sub, strlen(cache.sub), &cache.uid);
	cache.role = cache_string(&claims_doc, jose_claim_at_path(&claims_doc, role_path));
}

/*
 * Bring the cache up to date: the verified claims, or (when the superuser
 * opted in) PostgREST's request.jwt.claims when there are none.
 */
static claims_cache *
current_claims(void)
{
	const char *request = NULL;
	bool		own = token_ext_claims != NULL && token_ext_claims[0] != '\0';

	/* claims a Citus coordinator forwarded (citus.c), checked once per transaction */
	bool		forwarded = !own && token_ext_forwarded_claims != NULL &&
		token_ext_forwarded_claims[0] != '\0';

	/* never in a Citus shard query: a trusting worker must not take claims sent through the coordinator */
	if (!own && !forwarded && token_ext_trust_request_claims && !glue_citus_internal_backend())
	{
		request = GetConfigOption("request.jwt.claims", true, false);
		if (request != NULL && request[0] == '\0')
			request = NULL;
	}

	if (cache_cxt != NULL && cache.generation == claims_generation &&
		cache.forwarded == forwarded && (!forwarded || cache.lxid == MyProc->lxid) &&
		((request == NULL && cache.source == NULL) ||
		 (request != NULL && cache.source != NULL && strcmp(request, cache.source) == 0)))
		return &cache;

	if (cache_cxt == NULL)
	{
		cache_cxt = AllocSetContextCreate(TopMemoryContext, "token_ext session claims",
										  ALLOCSET_SMALL_SIZES);
		jose_json_init(&claims_doc);
	}
	else
		MemoryContextReset(cache_cxt);
	memset(&cache, 0, sizeof(cache));
	cache.generation = claims_generation;
	cache.forwarded = forwarded;
	cache.lxid = MyProc->lxid;
	if (own)
		cache_fill(token_ext_claims, strlen(token_ext_claims), token_ext_role_claim);
	else if (forwarded)
	{
		jose_buf	text = {0};
		jose_buf	role = {0};

		/* the claims with the role-claim path the coordinator used */
		if (glue_forwarded_claims(&text, &role))
			cache_fill(text.data, text.len, role.data);
		jose_buf_free(&text);
		jose_buf_free(&role);
	}
	else if (request != NULL)
	{
		cache.source = MemoryContextStrdup(cache_cxt, request);
		cache_fill(request, strlen(request), token_ext_role_claim);
	}
	return &cache;
}

/* Make claims JSON text the session's verified claims, for the transaction or the session. */
void
glue_set_claims(const char *json, bool session)
{
	(void) set_config_option("token_ext.claims", json, PGC_SUSET, PGC_S_SESSION,
							 session ? GUC_ACTION_SET : GUC_ACTION_LOCAL,
							 true, ERROR, false);
}

/* SQL function: jwt.claims() returns jsonb */
Datum
jwt_claims(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();

	if (c->claims == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P((Jsonb *) pg_detoast_datum_copy((struct varlena *) c->claims));
}

/* The claim name (argument 0) as a tree node of the cached claims, or NONE. */
static uint32_t
named_claim(FunctionCallInfo fcinfo, claims_cache *c)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	char	   *cname;
	uint32_t	node;

	if (c->claims == NULL)
		return JOSE_JSON_NONE;
	cname = text_to_cstring(name);
	node = jose_json_member(&claims_doc, 0, cname);
	pfree(cname);
	return node;
}

/* SQL function: jwt.claim(name text) returns text */
Datum
jwt_claim(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();
	uint32_t	node = named_claim(fcinfo, c);
	jose_buf	buf = {0};
	text	   *result;

	if (node == JOSE_JSON_NONE || claims_doc.nodes[node].type == JOSE_JSON_NULL)
		PG_RETURN_NULL();
	if (claims_doc.nodes[node].type == JOSE_JSON_STRING)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(jose_json_text(&claims_doc, node),
												  (int) claims_doc.nodes[node].len));
	jose_json_write_node(&buf, &claims_doc, node);
	if (buf.failed)
	{
		jose_buf_free(&buf);
		glue_raise_status(JOSE_E_NOMEM, "Could not write the claim.");
	}
	result = cstring_to_text_with_len(buf.data, (int) buf.len);
	jose_buf_free(&buf);
	PG_RETURN_TEXT_P(result);
}

/* SQL function: jwt.claim_json(name text) returns jsonb */
Datum
jwt_claim_json(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();
	uint32_t	node = named_claim(fcinfo, c);
	JsonbValue	key;
	JsonbValue *v;

	if (node == JOSE_JSON_NONE)
		PG_RETURN_NULL();
	key.type = jbvString;
	key.val.string.val = VARDATA_ANY(PG_GETARG_TEXT_PP(0));
	key.val.string.len = (int) VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(0));
	v = findJsonbValueFromContainer(&c->claims->root, JB_FOBJECT, &key);
	if (v == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(v));
}

/* SQL function: jwt.sub() returns text */
Datum
jwt_sub(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();

	if (c->sub == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(c->sub));
}

/* SQL function: jwt.uid() returns uuid */
Datum
jwt_uid(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();
	pg_uuid_t  *uid;

	if (!c->has_uid)
		PG_RETURN_NULL();
	uid = palloc(sizeof(pg_uuid_t));
	*uid = c->uid;
	PG_RETURN_UUID_P(uid);
}

/* The role claim of the current claims, or NULL. */
const char *
glue_claims_role(void)
{
	return current_claims()->role;
}

/* SQL function: jwt.role() returns text */
Datum
jwt_role(PG_FUNCTION_ARGS)
{
	claims_cache *c = current_claims();

	if (c->role == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(c->role));
}

/* SQL function: jwt.authenticated() returns boolean */
Datum
jwt_authenticated(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(current_claims()->claims != NULL);
}

/* SQL function: jwt.clear() returns void */
Datum
jwt_clear(PG_FUNCTION_ARGS)
{
	/*
	 * A plain SET (not LOCAL): it clears session-scoped claims too, and a
	 * rollback of this transaction restores what was there before.
	 */
	glue_set_claims("", true);
	/* and on the Citus workers (citus.c) */
	glue_citus_forward("");
	PG_RETURN_VOID();
}

/*
 * Memory of the session claims cache (jwt.memory_stats): whether claims
 * are cached, and the malloc'd parse tree they were read from.  The
 * cache's jsonb and strings live in the memory context "token_ext session
 * claims", counted with the other memory contexts.
 */
void
glue_claims_cache_usage(int64 *entries, int64 *bytes)
{
	*entries = cache_cxt != NULL && cache.claims != NULL ? 1 : 0;
	*bytes = (int64) jose_json_capacity(&claims_doc);
}
