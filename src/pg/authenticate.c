/*-------------------------------------------------------------------------
 *
 * authenticate.c
 *		jwt.authenticate and jwt.authenticate_request: verify a token with
 *		the server-held keys and policy, and make its claims the session's.
 *
 * The policy comes from superuser-only settings (token_ext.audience,
 * .issuer, .leeway, .algorithms, .role_claim, .claims_scope), named after
 * PostgREST's where they overlap; the keys come from jwt.keyring, where a
 * key bound to an issuer brings that issuer's audience along; revoked
 * tokens are listed in jwt.revocation.  Nothing a caller passes besides
 * the token influences how it is checked.
 *
 * A token seen before is looked up in the verified-token cache
 * (tokencache.c) first: a hit costs a hash, a comparison and the checks
 * of exp and nbf, where a miss costs a signature verification.
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
	o->now = glue_unix_seconds(GetCurrentTransactionStartTimestamp());
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
 * keyring and the settings, at the time now; the claims end up in
 * ws->claims, the keys used in *tok.  Statuses are returned, not raised.
 */
static jose_status
authenticate_token(const char *token, size_t len, TimestampTz now, jose_token *tok,
				   jose_err *err)
{
	jose_limits limits = glue_limits();
	jose_token_policy p;
	jose_issuers issuers;
	jose_compact c;
	jose_status st;

	/*
	 * Every form, under the settings; a non-empty token_ext.algorithms is a
	 * whitelist.  An encrypted claims set must prove its origin: anyone can
	 * encrypt to the server's public key, so such a token must be nested.
	 */
	memset(&p, 0, sizeof(p));
	policy_algorithms(&p.jws_algs, &p.jwe_algs, &p.jwe_encs);
	policy_claims(&p.claims);
	if (token_ext_algorithms && token_ext_algorithms[0])
		p.alg_list = "token_ext.algorithms";
	p.require_origin = true;

	/* split first, to read only the keyring keys the token's form can need */
	st = jose_compact_split(token, len, &limits, 0, &c, err);
	if (st != JOSE_OK)
		return st;
	glue_keyring_issuers(&issuers);
	p.bound_issuers = &issuers;
	st = jose_token_verify_compact(glue_workspace(), &c, glue_keyring_keys(GLUE_PURPOSE_VERIFY, now),
								   c.count == 5 ? glue_keyring_keys(GLUE_PURPOSE_DECRYPT, now) : NULL,
								   &p, &limits, tok, err);
	if (st == JOSE_OK)
		st = glue_revocation_check(&glue_workspace()->claims, p.claims.now, err);
	return st;
}

/*
 * Narrow [*from, *until) to the window of key, a keyring key that took
 * part in a verification; false when its window is unknown.
 */
static bool
narrow_window(const jose_key *key, TimestampTz *from, TimestampTz *until)
{
	TimestampTz nb;
	TimestampTz na;

	if (key == NULL)
		return true;
	if (!glue_keyring_window(key, &nb, &na))
		return false;
	if (nb > *from)
		*from = nb;
	if (na < *until)
		*until = na;
	return true;
}

/*
 * Remember a token that passed every check, with its claims (ws->claims,
 * written as text in ws->aux) and the window of the keys that made it.
 */
static void
remember_token(const char *token, size_t len, const jose_token *tok, const Jsonb *claims)
{
	jose_workspace *ws = glue_workspace();
	jose_claim_times times;
	TimestampTz from = DT_NOBEGIN;
	TimestampTz until = DT_NOEND;
	jose_err	err;

	if (jose_claims_times(&ws->claims, &times, &err) != JOSE_OK ||
		!narrow_window(tok->jws.key, &from, &until) || !narrow_window(tok->jwe.key, &from, &until))
		return;
	glue_token_cache_put(token, len, &times, from, until, ws->aux.data, ws->aux.len, claims);
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
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	glue_verified hit;
	jose_token	tok;
	jose_err	err;
	Jsonb	   *claims;

	if (glue_token_cache_get(token, len, now, &hit))
	{
		claims = palloc(hit.jsonb_len);
		memcpy(claims, hit.jsonb, hit.jsonb_len);
		glue_set_claims(hit.claims, session);
		return claims;
	}

	jose_err_clear(&err);
	if (authenticate_token(token, len, now, &tok, &err) != JOSE_OK ||
		glue_tree_to_jsonb(&ws->claims, &claims, &err) != JOSE_OK)
	{
		if (sqlstate)
			glue_raise_as(&err, sqlstate);
		glue_raise(&err);
	}

	/* the setting holds the claims in the compact form the core wrote */
	jose_buf_reset(&ws->aux);
	jose_json_write_node(&ws->aux, &ws->claims, 0);
	if (ws->aux.failed)
		glue_raise_status(JOSE_E_NOMEM, "Could not serialise the claims.");
	remember_token(token, len, &tok, claims);
	glue_set_claims(ws->aux.data, session);
	/* on Citus, to the workers too (src/pg/citus.c) */
	glue_citus_forward(ws->aux.data);

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
		glue_raise_status(JOSE_E_MALFORMED, "The token is NULL.");
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
	{
		char		quoted[JOSE_QUOTE_MAX];

		glue_raise_status(JOSE_E_ROLE,
						  "The token's role claim names role %s, which the connecting role is not a member of.",
						  jose_quote(role, strlen(role), quoted));
	}
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
