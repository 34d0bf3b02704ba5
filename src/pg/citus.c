/*-------------------------------------------------------------------------
 *
 * citus.c
 *		Verified claims on every node of a Citus cluster: the coordinator
 *		forwards them, sealed, and the workers' readers check them.
 *
 * On Citus, the shard queries of a distributed table run in backends of
 * the worker nodes, where the policies are evaluated; those backends must
 * see the claims the coordinator verified.  The coordinator keeps the
 * keys, the revocations and the acceptance settings; it verifies the
 * token, and then hands the claims over in the one way Citus carries
 * state: a SET LOCAL that Citus replays on every worker connection of the
 * transaction (citus.propagate_set_commands = 'local', which this code
 * turns on just for its own statement).  What is set is
 * token_ext.forwarded_claims, a setting anyone can set (Citus opens its
 * connections as the current user, so a superuser-only setting could not
 * be replayed there), so its value must prove itself: it is a record
 * sealed with an HMAC under the cluster secret (src/core/forward.h,
 * cluster_secret.c), carrying the claims, the role-claim path and leeway
 * the coordinator used, the token's exp and nbf, and when it was sealed.
 *
 * A worker's readers use it only when the backend has no claims of its
 * own, and only once the record opens: its MAC under this node's secret,
 * its version, the token's exp and nbf at this transaction's start with
 * the carried leeway, and its age against token_ext.forward_max_age.  A
 * value that does not open gives no claims (no rows), with one WARNING
 * per value and transaction saying why; never an error inside a policy.
 *
 * SET LOCAL ends with the transaction, and a rolled-back savepoint
 * restores the earlier value, on the coordinator and the workers alike.
 * Claims of session scope outlive the transaction on the coordinator, so
 * they are forwarded again at the first statement of each transaction
 * (an ExecutorStart hook).  Outside a transaction block Citus replays no
 * SET LOCAL on the shards, so there a statement that would run on the
 * workers while the session has claims fails closed, with an error.
 *
 * Nothing here links to Citus: it is found at run time (its setting
 * citus.propagate_set_commands exists, and its extension is in this
 * database).
 *
 * src/pg/citus.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "storage/proc.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include <openssl/crypto.h>

#include "../core/forward.h"

/* Value of token_ext.forwarded_claims ("" when none), owned by the GUC machinery. */
char	   *token_ext_forwarded_claims = NULL;

/* token_ext.forward_max_age, in seconds. */
int			token_ext_forward_max_age = 300;

/* Whether Citus is in use in this database, as found in transaction lxid. */
static struct
{
	LocalTransactionId lxid;
	bool		in_use;
}			citus;

/*
 * What this backend last forwarded: in which transaction, for which claims
 * text, as which record.  The ExecutorStart hook forwards again when the
 * claims or the forwarded value are no longer these (a new transaction, a
 * savepoint rolled back, someone's SET of the forwarded setting).
 */
static struct
{
	LocalTransactionId lxid;
	char	   *claims;			/* in TopMemoryContext */
	char	   *record;
}			last;

/* True while this code runs its own SET (the hook must not recurse). */
static bool forwarding = false;

/* The refusal already reported for a value in a transaction. */
static struct
{
	LocalTransactionId lxid;
	uint64		generation;
}			warned;

/* Bumped by the assign hook of token_ext.forwarded_claims. */
static uint64 forwarded_generation = 1;

static ExecutorStart_hook_type prev_executor_start = NULL;

/* Unix microseconds of a timestamptz. */
static int64
unix_us(TimestampTz t)
{
	return (int64) (t - GLUE_UNIX_EPOCH);
}

/*
 * Whether Citus is in use in this database: its library is loaded (its
 * setting exists) and its extension is installed here.  Found once per
 * transaction.
 */
static bool
citus_in_use(void)
{
	if (citus.lxid != MyProc->lxid)
	{
		citus.in_use = GetConfigOption("citus.propagate_set_commands", true, false) != NULL &&
			OidIsValid(get_extension_oid("citus", true));
		citus.lxid = MyProc->lxid;
	}
	return citus.in_use;
}

/* Keep a copy of s in TopMemoryContext at *slot, replacing the old one. */
static void
remember(char **slot, const char *s)
{
	char	   *copy = MemoryContextStrdup(TopMemoryContext, s);

	if (*slot != NULL)
		pfree(*slot);
	*slot = copy;
}

/* A NumericDate member of the claims tree as microseconds; false when absent or not a number. */
static bool
claim_time(const jose_json *doc, const char *name, int64_t *us)
{
	uint32_t	v = jose_json_member(doc, 0, name);

	if (v == JOSE_JSON_NONE || doc->nodes[v].type != JOSE_JSON_NUMBER)
		return false;
	*us = jose_forward_time_us(strtod(jose_json_text(doc, v), NULL));
	return true;
}

/*
 * Seal claims (compact JSON text) into a record, in buf: the claims, the
 * role-claim path and leeway in force, the token's exp and nbf, and this
 * transaction's start.  Raises when this node has no cluster secret.
 */
static void
seal_claims(const char *claims, jose_buf *buf)
{
	static const jose_json_limits limits = {64, JOSE_DEFAULT_MAX_JSON_VALUES};
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
	jose_json	doc;
	jose_forward f;
	jose_err	err;
	jose_status st;

	if (!glue_cluster_secret(secret))
		glue_raise_status(JOSE_E_CLUSTER,
						  "Citus is in use in this database, and it has no cluster secret to seal the claims for the workers with.");
	memset(&f, 0, sizeof(f));
	jose_json_init(&doc);
	jose_err_clear(&err);
	if (jose_json_parse(&doc, claims, strlen(claims), &limits, "claims", &err) == JOSE_OK &&
		doc.nodes[0].type == JOSE_JSON_OBJECT)
	{
		f.has_exp = claim_time(&doc, "exp", &f.exp_us);
		f.has_nbf = claim_time(&doc, "nbf", &f.nbf_us);
	}
	jose_json_free(&doc);
	f.sealed_us = unix_us(GetCurrentTransactionStartTimestamp());
	f.leeway_s = token_ext_leeway;
	f.role_path = token_ext_role_claim ? token_ext_role_claim : "";
	f.role_path_len = strlen(f.role_path);
	f.claims = claims;
	f.claims_len = strlen(claims);
	st = jose_forward_seal(&f, secret, buf, &err);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (st != JOSE_OK || buf->failed)
	{
		jose_buf_free(buf);
		if (st == JOSE_OK)
			jose_fail(&err, JOSE_E_NOMEM, "Could not build the forwarded record.");
		glue_raise(&err);
	}
}

/*
 * SET LOCAL token_ext.forwarded_claims to value through SPI, with
 * citus.propagate_set_commands = 'local' for that statement only, so that
 * Citus sends it to the worker connections this transaction has and
 * replays it on those it opens later.  The statement holds the record
 * (made of [0-9A-Za-z_.-]) or nothing, so it needs no quoting.
 */
static void
set_forwarded(const char *value)
{
	char	   *sql = psprintf("SET LOCAL token_ext.forwarded_claims = '%s'", value);
	int			nest;

	Assert(strspn(value, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.") == strlen(value));
	nest = NewGUCNestLevel();
	(void) set_config_option("citus.propagate_set_commands", "local", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	forwarding = true;
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "could not set token_ext.forwarded_claims");
		SPI_finish();
	}
	PG_FINALLY();
	{
		forwarding = false;
	}
	PG_END_TRY();
	/* restores citus.propagate_set_commands; the SET LOCAL stays */
	AtEOXact_GUC(true, nest);
	pfree(sql);
}

/*
 * Forward claims (compact JSON text; "" for none, as jwt.clear() leaves
 * it) to the Citus workers, when Citus is in use here.  Clearing also
 * empties this backend's own forwarded value (for the session, as
 * jwt.clear() does with the claims), wherever it came from.
 */
void
glue_citus_forward(const char *claims)
{
	jose_buf	buf = {0};

	if (claims[0] == '\0')
		(void) set_config_option("token_ext.forwarded_claims", "", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SET, true, ERROR, false);
	if (!citus_in_use())
		return;
	if (claims[0] != '\0')
	{
		seal_claims(claims, &buf);
		jose_buf_putc(&buf, '\0');
		if (buf.failed)
		{
			jose_buf_free(&buf);
			glue_raise_status(JOSE_E_NOMEM, "Could not build the forwarded record.");
		}
	}
	PG_TRY();
	{
		set_forwarded(buf.data ? buf.data : "");
	}
	PG_FINALLY();
	{
		jose_buf_free(&buf);
	}
	PG_END_TRY();
	remember(&last.claims, claims);
	remember(&last.record, token_ext_forwarded_claims ? token_ext_forwarded_claims : "");
	last.lxid = MyProc->lxid;
}

/*
 * Whether a plan tree holds a scan of Citus's distributed executor (its
 * custom scans are named "Citus Adaptive", "Citus INSERT ... SELECT", ...).
 */
static bool
plan_uses_citus(Plan *plan)
{
	ListCell   *lc;

	if (plan == NULL)
		return false;
	if (IsA(plan, CustomScan))
	{
		CustomScan *scan = (CustomScan *) plan;

		if (strncmp(scan->methods->CustomName, "Citus ", 6) == 0)
			return true;
		foreach(lc, scan->custom_plans)
			if (plan_uses_citus((Plan *) lfirst(lc)))
				return true;
	}
	if (IsA(plan, Append))
		foreach(lc, ((Append *) plan)->appendplans)
			if (plan_uses_citus((Plan *) lfirst(lc)))
				return true;
	if (IsA(plan, MergeAppend))
		foreach(lc, ((MergeAppend *) plan)->mergeplans)
			if (plan_uses_citus((Plan *) lfirst(lc)))
				return true;
	if (IsA(plan, SubqueryScan) && plan_uses_citus(((SubqueryScan *) plan)->subplan))
		return true;
	return plan_uses_citus(plan->lefttree) || plan_uses_citus(plan->righttree);
}

/* Whether a statement's plan (or one of its subplans) runs Citus's distributed executor. */
static bool
statement_uses_citus(PlannedStmt *stmt)
{
	ListCell   *lc;

	if (plan_uses_citus(stmt->planTree))
		return true;
	foreach(lc, stmt->subplans)
		if (plan_uses_citus((Plan *) lfirst(lc)))
			return true;
	return false;
}

/*
 * Before each statement of a session with claims, on Citus:
 *
 * Inside a transaction block, forward the claims unless this transaction
 * already carries them as they are: claims of session scope (left from an
 * earlier transaction) are forwarded at the first statement of each
 * transaction, and again after a savepoint rollback or a SET of the
 * forwarded setting changed what the workers would see.  The two strcmp
 * are the whole cost for a statement that needs nothing.
 *
 * Outside a transaction block, Citus reads (and, in a single statement,
 * writes) the shards without replaying any SET LOCAL: a statement that
 * runs Citus's executor would run on the workers without the claims, so
 * it is refused rather than silently given fewer rows.
 */
static void
forward_before_statement(QueryDesc *queryDesc, int eflags)
{
	jose_err	err;

	if (forwarding || IsParallelWorker() || token_ext_claims == NULL || token_ext_claims[0] == '\0')
		return;
	if (IsTransactionBlock())
	{
		if (last.lxid == MyProc->lxid && last.claims != NULL &&
			strcmp(last.claims, token_ext_claims) == 0 &&
			strcmp(last.record, token_ext_forwarded_claims ? token_ext_forwarded_claims : "") == 0)
			return;
		if (citus_in_use())
			glue_citus_forward(token_ext_claims);
		return;
	}
	if ((eflags & EXEC_FLAG_EXPLAIN_ONLY) || !citus_in_use() ||
		!statement_uses_citus(queryDesc->plannedstmt))
		return;
	jose_fail(&err, JOSE_E_NO_BLOCK,
			  "The session has claims, and this statement would run on the Citus workers without them.");
	glue_raise(&err);
}

/* ExecutorStart hook: forward the claims first (or refuse, see above). */
static void
citus_executor_start(QueryDesc *queryDesc, int eflags)
{
	forward_before_statement(queryDesc, eflags);
	if (prev_executor_start)
		prev_executor_start(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/* Assign hook of token_ext.forwarded_claims: the readers' cache and the refusal report follow it. */
static void
forwarded_assign(const char *newval, void *extra)
{
	forwarded_generation++;
	glue_claims_assign(newval, extra);
}

/* Report a refused forwarded value once per value and transaction (a WARNING, never an error). */
static void
report_refusal(const jose_err *err)
{
	if (warned.lxid == MyProc->lxid && warned.generation == forwarded_generation)
		return;
	warned.lxid = MyProc->lxid;
	warned.generation = forwarded_generation;
	glue_warn(err);
}

/*
 * The claims of the forwarded value, when it opens: claims JSON text and
 * the coordinator's role-claim path into claims and role.  False when the
 * value is refused (reported once).
 */
bool
glue_forwarded_claims(jose_buf *claims, jose_buf *role)
{
	const char *value = token_ext_forwarded_claims;
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
	jose_forward_check check;
	jose_forward f;
	jose_err	err;
	jose_status st;

	jose_err_clear(&err);
	if (!glue_cluster_secret(secret))
	{
		jose_fail(&err, JOSE_E_CLUSTER,
				  "Forwarded claims came in, and this node has no cluster secret to check them with.");
		report_refusal(&err);
		return false;
	}
	check.now_us = unix_us(GetCurrentTransactionStartTimestamp());
	check.max_age_us = (int64_t) token_ext_forward_max_age * 1000000;
	check.max_len = (size_t) token_ext_max_token_size + 1024;
	st = jose_forward_open(value, strlen(value), secret, &check, &f, role, claims, &err);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (st != JOSE_OK)
	{
		report_refusal(&err);
		return false;
	}
	return true;
}

/*
 * Whether this backend serves a Citus coordinator: Citus opens its
 * connections with application_name "citus_internal gpid=...".  Anyone can
 * claim that name, so it only ever takes trust away (request.jwt.claims is
 * not read in such a backend), never gives it.
 */
bool
glue_citus_internal_backend(void)
{
	const char *name = GetConfigOption("application_name", true, false);

	return name != NULL && strncmp(name, "citus_internal", 14) == 0;
}

/* Define the settings and the hook of this file (from _PG_init). */
void
glue_citus_init(void)
{
	/*
	 * PGC_USERSET: Citus replays it on connections it opens as the current
	 * user.  Anyone may set it; only a record sealed under the cluster
	 * secret gives claims.
	 */
	DefineCustomStringVariable("token_ext.forwarded_claims",
							   "Holds the claims a Citus coordinator forwarded, sealed under the cluster secret.",
							   "Set only by jwt.authenticate on a Citus coordinator; read by the claims readers on the workers.",
							   &token_ext_forwarded_claims,
							   "",
							   PGC_USERSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, forwarded_assign, NULL);

	DefineCustomIntVariable("token_ext.forward_max_age",
							"Sets how long after it was sealed a node accepts forwarded claims.",
							"The age is counted from the start of the coordinator's transaction to the start of this node's.",
							&token_ext_forward_max_age,
							300, 1, 86400,
							PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);

	CacheRegisterRelcacheCallback(glue_cluster_secret_invalidate, (Datum) 0);

	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = citus_executor_start;
}
