/*-------------------------------------------------------------------------
 *
 * authenticate.c
 *		jwt.authenticate and jwt.authenticate_request: verify a token with
 *		the server-held keys and policy, and make its claims the session's.
 *
 * The policy comes from superuser-only settings (token_ext.audience,
 * .issuer, .leeway, .algorithms, .role_claim, .claims_scope), named after
 * PostgREST's where they overlap; the keys come from jwt.keyring.  Nothing
 * a caller passes besides the token influences how it is checked.
 *
 * src/pg/authenticate.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <strings.h>

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "../core/claims.h"
#include "../core/jwe.h"

PG_FUNCTION_INFO_V1(jwt_authenticate);
PG_FUNCTION_INFO_V1(jwt_authenticate_request);

/* PostgREST turns SQLSTATE PTxyz into HTTP status xyz. */
#define ERRCODE_PT401 MAKE_SQLSTATE('P','T','4','0','1')

/* The JWS and JWE algorithm sets named by token_ext.algorithms (0: the keys'). */
static void
policy_algorithms(jose_alg_set *jws, jose_jwe_alg_set *jwe_algs, jose_jwe_enc_set *jwe_encs)
{
	const char *list = token_ext_algorithms ? token_ext_algorithms : "";
	jose_err	err;

	/* the setting's check hook refused unknown names, so this cannot fail */
	if (jose_policy_algorithms_parse(list, strlen(list), jws, jwe_algs, jwe_encs, &err) != JOSE_OK)
		glue_raise(&err);
}

/* The claim checks the settings ask for, at the transaction's start. */
static void
policy_claims(jose_claims_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->now = (double) (GetCurrentTransactionStartTimestamp() - SetEpochTimestamp()) / 1000000.0;
	o->leeway = token_ext_leeway;
	if (token_ext_audience && token_ext_audience[0])
	{
		o->audience = token_ext_audience;
		o->audience_len = strlen(token_ext_audience);
	}
	if (token_ext_issuer && token_ext_issuer[0])
	{
		o->issuer = token_ext_issuer;
		o->issuer_len = strlen(token_ext_issuer);
	}
}

/*
 * Verify (JWS) or decrypt and verify (JWE, nested JWT) a token with the
 * keyring and the settings; the claims end up in ws->claims.  Statuses
 * are returned, not raised.
 */
static jose_status
authenticate_token(const char *token, size_t len, jose_err *err)
{
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	jose_alg_set jws_algs;
	jose_jwe_alg_set jwe_algs;
	jose_jwe_enc_set jwe_encs;
	jose_claims_opts o;
	jose_jws	jws;
	jose_status st;
	int			dots = 0;

	policy_algorithms(&jws_algs, &jwe_algs, &jwe_encs);
	policy_claims(&o);
	for (size_t i = 0; i < len && dots < 5; i++)
		dots += token[i] == '.';

	/* a non-empty token_ext.algorithms is a whitelist: a kind it does not name is refused */
	if (token_ext_algorithms && token_ext_algorithms[0] &&
		((dots == 4 && jwe_algs == 0) || (dots == 2 && jws_algs == 0)))
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "token_ext.algorithms names no %s algorithm.",
						 dots == 4 ? "JWE key management" : "JWS");

	if (dots == 4)
	{
		jose_jwe	jwe;
		jose_json	swap;
		char	   *inner;

		st = jose_jwe_decrypt(ws, token, len, glue_keyring_keys(GLUE_PURPOSE_DECRYPT, now),
							  jwe_algs, jwe_encs, &limits, &jwe, err);
		if (st != JOSE_OK)
			return st;
		if (jwe.cty_node == JOSE_JSON_NONE ||
			strncasecmp(jose_json_text(&ws->header, jwe.cty_node), "JWT", 4) != 0)
		{
			const jose_jwe_alg_info *a = jose_jwe_alg_get(jwe.alg);

			/*
			 * An encrypted claims set proves its origin only when it was made
			 * with a secret the server shares (dir, AES key wrap, PBES2).
			 * Anyone can encrypt to a public key (RSA-OAEP, ECDH-ES): such a
			 * token must carry a signed token inside (cty "JWT").
			 */
			if (a->family == JOSE_KM_RSA_OAEP || a->family == JOSE_KM_ECDH)
				return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
								 "A token encrypted to a public key (%s) proves no origin; it must hold a signed token (cty \"JWT\").",
								 a->name);
			st = jose_parse_claims(ws, jwe.plaintext, jwe.plaintext_len, &limits, err);
			if (st == JOSE_OK)
				st = jose_claims_check(&ws->claims, &o, err);
			if (st == JOSE_OK)
				st = jose_check_replicated(&ws->header, &ws->claims, err);
			return st;
		}
		/* nested: keep the outer header, verify the inner JWS */
		swap = ws->outer;
		ws->outer = ws->header;
		ws->header = swap;
		inner = palloc(jwe.plaintext_len + 1);
		memcpy(inner, jwe.plaintext, jwe.plaintext_len);
		st = jose_jws_verify(ws, inner, jwe.plaintext_len,
							 glue_keyring_keys(GLUE_PURPOSE_VERIFY, now), jws_algs, &limits, &jws, err);
		if (st == JOSE_OK)
			st = jose_jws_parse_claims(ws, &jws, &limits, err);
		explicit_bzero(inner, jwe.plaintext_len);
		if (st == JOSE_E_IS_JWE)
			return jose_fail(err, JOSE_E_LIMIT, "Nested tokens may be one level deep.");
		if (st == JOSE_OK)
			st = jose_claims_check(&ws->claims, &o, err);
		if (st == JOSE_OK)
			st = jose_check_replicated(&ws->outer, &ws->claims, err);
		return st;
	}

	st = jose_jws_verify(ws, token, len, glue_keyring_keys(GLUE_PURPOSE_VERIFY, now),
						 jws_algs, &limits, &jws, err);
	if (st == JOSE_OK)
		st = jose_jws_parse_claims(ws, &jws, &limits, err);
	if (st == JOSE_OK)
		st = jose_claims_check(&ws->claims, &o, err);
	return st;
}

/*
 * Refuse to change the session's identity from code the session's own
 * caller did not run.  A trigger (SECURITY DEFINER or not) on a table the
 * victim writes to, or a SECURITY DEFINER function the victim calls, is
 * someone else's code running inside the victim's statement: if it could
 * authenticate, the victim's later statements (an INSERT of jwt.uid(), a
 * policy) would run under the identity it chose.  Security-restricted
 * operations (maintenance commands, materialized view refresh) run code
 * of a table's owner likewise.
 */
static void
check_caller(const char *what)
{
	Oid			userid;
	int			sec_context;
	const char *where = NULL;

	GetUserIdAndSecContext(&userid, &sec_context);
	if (sec_context & SECURITY_RESTRICTED_OPERATION)
		where = "a security-restricted operation";
	else if (sec_context & SECURITY_LOCAL_USERID_CHANGE)
		where = "a SECURITY DEFINER function";
	else if (DatumGetInt32(OidFunctionCall0(F_PG_TRIGGER_DEPTH)) > 0)
		where = "a trigger";
	if (where != NULL)
	{
		jose_err	err;

		jose_fail(&err, JOSE_E_CALLER,
				  "%s cannot run inside %s: only the session's own caller may change its identity.",
				  what, where);
		glue_raise(&err);
	}
}

/* Authenticate and store the claims; returns them as jsonb.  Raises with sqlstate (0: the status's). */
static Jsonb *
authenticate_and_store(const char *token, size_t len, bool session, int sqlstate)
{
	jose_workspace *ws = glue_workspace();
	jose_err	err;
	Jsonb	   *claims;

	jose_err_clear(&err);
	if (authenticate_token(token, len, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&ws->claims, &claims, &err) != JOSE_OK)
	{
		glue_workspace_wipe();
		ereport(ERROR,
				(errcode(sqlstate ? sqlstate : glue_sqlstate(err.status)),
				 errmsg("%s", jose_status_message(err.status)),
				 err.detail[0] ? errdetail("%s", err.detail) : 0));
	}

	/* the setting holds the claims in the compact form the core wrote */
	jose_buf_reset(&ws->aux);
	jose_json_write_node(&ws->aux, &ws->claims, 0);
	if (ws->aux.failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	glue_set_claims(ws->aux.data, session);

	/* a JWE's plaintext (and the inner token) must not stay behind */
	glue_workspace_wipe();
	return claims;
}

/* SQL function: jwt.authenticate(token text, scope text DEFAULT NULL) returns jsonb */
Datum
jwt_authenticate(PG_FUNCTION_ARGS)
{
	text	   *token;
	bool		session = token_ext_claims_scope == GLUE_SCOPE_SESSION;

	check_caller("jwt.authenticate");
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("malformed token"),
				 errdetail("The token is NULL.")));
	if (!PG_ARGISNULL(1))
	{
		char	   *scope = text_to_cstring(PG_GETARG_TEXT_PP(1));
		jose_err	err;

		/*
		 * A caller may narrow the scope, never widen it: behind a pooler,
		 * session-scoped claims would outlive the client's transaction and
		 * reach the next client.  Only the superuser's setting opens it.
		 */
		if (strcmp(scope, "session") == 0 && !session)
		{
			jose_fail(&err, JOSE_E_SCOPE,
					  "token_ext.claims_scope is \"transaction\"; a caller may narrow the scope, never widen it.");
			glue_raise(&err);
		}
		else if (strcmp(scope, "transaction") == 0)
			session = false;
		else if (strcmp(scope, "session") != 0)
		{
			jose_fail(&err, JOSE_E_ARGUMENT, "The scope is \"transaction\" or \"session\".");
			glue_raise(&err);
		}
	}
	token = PG_GETARG_TEXT_PP(0);
	PG_RETURN_JSONB_P(authenticate_and_store(VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token),
											 session, 0));
}

/*
 * The value of member name (lower case) in the JSON object text of a
 * PostgREST request setting (request.headers, request.cookies), or NULL.
 */
static char *
request_member(const char *setting, const char *name)
{
	static const jose_json_limits limits = {8, 10000};
	const char *json = GetConfigOption(setting, true, false);
	jose_json	doc;
	jose_err	err;
	uint32_t	v;
	char	   *result = NULL;

	if (json == NULL || json[0] == '\0')
		return NULL;
	jose_json_init(&doc);
	if (jose_json_parse(&doc, json, strlen(json), &limits, "request", &err) == JOSE_OK &&
		doc.nodes[0].type == JOSE_JSON_OBJECT &&
		(v = jose_json_member(&doc, 0, name)) != JOSE_JSON_NONE &&
		doc.nodes[v].type == JOSE_JSON_STRING)
		result = pstrdup(jose_json_text(&doc, v));
	jose_json_free(&doc);
	return result;
}

/* Switch (for this transaction) to the role the claims name, if any. */
static void
switch_role(void)
{
	const char *role = glue_claims_role();
	Oid			roleid;

	if (role == NULL)
		return;
	roleid = get_role_oid(role, true);

	/* only roles the connecting (session) role may become, as SET ROLE allows */
	if (!OidIsValid(roleid) || !is_member_of_role(GetSessionUserId(), roleid))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to set role \"%s\"", role),
				 errdetail("The token's role claim names a role the connecting role is not a member of.")));
	(void) set_config_option("role", role, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
							 true, ERROR, false);
}

/* SQL function: jwt.authenticate_request() returns void -- PostgREST's db-pre-request */
Datum
jwt_authenticate_request(PG_FUNCTION_ARGS)
{
	char	   *token = NULL;

	check_caller("jwt.authenticate_request");
	if (token_ext_token_header && token_ext_token_header[0])
	{
		/* HTTP header names are case-insensitive; PostgREST passes them in lower case */
		char	   *name = pstrdup(token_ext_token_header);
		char	   *header;

		for (char *c = name; *c; c++)
			*c = pg_ascii_tolower((unsigned char) *c);
		header = request_member("request.headers", name);

		if (header != NULL)
		{
			/* "Bearer <token>" (any case), or the bare token in a custom header */
			if (strncasecmp(header, "bearer ", 7) == 0)
				token = header + 7;
			else if (strcasecmp(token_ext_token_header, "authorization") != 0)
				token = header;
			while (token && *token == ' ')
				token++;
		}
	}
	if ((token == NULL || *token == '\0') && token_ext_token_cookie && token_ext_token_cookie[0])
		token = request_member("request.cookies", token_ext_token_cookie);

	/* no token: an anonymous request, left to the anonymous role */
	if (token == NULL || *token == '\0')
		PG_RETURN_VOID();

	(void) authenticate_and_store(token, strlen(token), false, ERRCODE_PT401);
	switch_role();
	PG_RETURN_VOID();
}
