/*-------------------------------------------------------------------------
 *
 * session.c
 *		The connection's verified claims: jwt_authenticate sets them,
 *		jwt_clear drops them, and jwt_claims, jwt_claim, jwt_sub and jwt_role
 *		read them (from views, for example).
 *
 * SQLite has no roles or row-level security; what it can offer is claims
 * that only a verified token sets.  jwt_authenticate verifies with the
 * keys of the jwt_keyring table and a policy, and keeps the claims in the
 * connection's state until jwt_clear() or the next jwt_authenticate.  A
 * failed jwt_authenticate clears them too (fail closed), so an identity
 * never outlives a rejected token on a reused connection.  Both are
 * DIRECTONLY: no view or trigger can call them, so no schema object can
 * change whose rows a view shows.  The readers are INNOCUOUS, so views
 * over them work with trusted_schema=OFF, and read a parse tree kept with
 * the claims, at about the cost of a constant.
 *
 * src/sqlite/session.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../core/claimpath.h"
#include "../core/compact.h"

/* The options jwt_authenticate takes (its policy). */
#define POLICY_OPTIONS (SQ_OPT_AUDIENCE | SQ_OPT_ISSUER | SQ_OPT_LEEWAY | SQ_OPT_ALG_POLICY | \
						SQ_OPT_ROLE_CLAIM)

/* Drop the claims, wiping their text. */
void
sq_claims_clear(sq_claims *claims)
{
	if (claims->json != NULL)
	{
		OPENSSL_cleanse(claims->json, claims->json_len);
		free(claims->json);
	}
	claims->json = NULL;
	claims->json_len = 0;
	claims->doc.n_nodes = 0;
	claims->sub = claims->role = JOSE_JSON_NONE;
}

/* Keep the verified claims of the workspace as the connection's. */
static jose_status
store_claims(sq_conn *c, const char *role_claim, jose_err *err)
{
	static const jose_json_limits limits = {64, JOSE_DEFAULT_MAX_JSON_VALUES};
	sq_claims  *s = &c->claims;
	jose_buf   *buf = &c->ws.aux;
	uint32_t	node;

	jose_buf_reset(buf);
	jose_json_write_node(buf, &c->ws.claims, 0);
	if (buf->failed || (s->json = malloc(buf->len + 1)) == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not keep the claims.");
	memcpy(s->json, buf->data, buf->len);
	s->json[buf->len] = '\0';
	s->json_len = buf->len;
	if (jose_json_parse(&s->doc, s->json, s->json_len, &limits, "claims", err) != JOSE_OK)
		return err->status;
	node = jose_json_member(&s->doc, 0, "sub");
	s->sub = node != JOSE_JSON_NONE && s->doc.nodes[node].type == JOSE_JSON_STRING ? node
		: JOSE_JSON_NONE;
	node = jose_claim_at_path(&s->doc, role_claim);
	s->role = node != JOSE_JSON_NONE && s->doc.nodes[node].type == JOSE_JSON_STRING ? node
		: JOSE_JSON_NONE;
	return JOSE_OK;
}

/*
 * Verify the token with the keyring and the policy of the options, and
 * keep its claims.  The policy is PostgreSQL's jwt.authenticate's: every
 * form of token, a named "alg" list a whitelist, and an encrypted claims
 * set must prove its origin (anyone can encrypt to a public key, so such a
 * token must be nested).
 */
static jose_status
authenticate(sqlite3_context *ctx, sqlite3_value **argv, int argc, jose_err *err)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_limits limits = sq_limits();
	jose_keyset verify_keys = {0};
	jose_keyset decrypt_keys = {0};
	jose_issuers issuers;
	sq_options	o;
	jose_token_policy p;
	jose_compact split;
	jose_token	tok;
	const char *token;
	size_t		len;
	jose_status st;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return jose_fail(err, JOSE_E_MALFORMED, "The token is NULL.");

	/*
	 * The keyring first: reading it runs SQL, which may call other jwt_*
	 * functions (jwt_keyring may be a view), and they share the workspace
	 * and the options buffer this call then uses.
	 */
	if ((st = sq_keyring_load(c, err)) != JOSE_OK ||
		(st = sq_read_options(ctx, argc, argv, 1, POLICY_OPTIONS, "jwt_authenticate", &o,
							  err)) != JOSE_OK ||
		(st = sq_text_argument(argv[0], "token", &token, &len, err)) != JOSE_OK)
		return st;
	sq_token_policy(&o, 0, &p);
	p.require_origin = true;

	/*
	 * The issuers of every row, whatever its purposes and window: a token
	 * naming one is judged by that issuer's keys alone, as in PostgreSQL.
	 * A key bound to an issuer brings that issuer's audience along, in
	 * place of the options' audience and issuer (src/core/issuer.h).
	 */
	sq_keyring_issuers(c, &issuers);
	p.bound_issuers = &issuers;

	/* split first, to gather only the keyring keys the token's form can need */
	if ((st = jose_compact_split(token, len, &limits, 0, &split, err)) == JOSE_OK &&
		(st = sq_keyring_keys(c, JOSE_PURPOSE_VERIFY, o.claims.now, &verify_keys, err)) == JOSE_OK &&
		(split.count == 3 ||
		 (st = sq_keyring_keys(c, JOSE_PURPOSE_DECRYPT, o.claims.now, &decrypt_keys, err)) == JOSE_OK) &&
		(st = jose_token_verify_compact(&c->ws, &split, &verify_keys,
										split.count == 5 ? &decrypt_keys : NULL, &p, &limits,
										&tok, err)) == JOSE_OK)
		st = store_claims(c, o.role_claim, err);
	free(verify_keys.keys);
	free(decrypt_keys.keys);
	return st;
}

/* SQL function: jwt_authenticate(token [, options_json]) returns the claims, and keeps them */
void
sq_jwt_authenticate(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_err	err;

	/* whatever happens, the previous caller's claims are gone */
	sq_claims_clear(&c->claims);
	jose_err_clear(&err);
	if (authenticate(ctx, argv, argc, &err) != JOSE_OK)
	{
		sq_claims_clear(&c->claims);
		sq_error(ctx, &err);
		return;
	}
	sqlite3_result_text(ctx, c->claims.json, (int) c->claims.json_len, SQLITE_TRANSIENT);
	sqlite3_result_subtype(ctx, SQ_JSON_SUBTYPE);

	/* a JWE's plaintext (and the inner token) must not stay behind */
	jose_workspace_wipe(&c->ws);
}

/* SQL function: jwt_clear() drops the connection's claims */
void
sq_jwt_clear(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);

	sq_claims_clear(&c->claims);
	sqlite3_result_null(ctx);
}

/* SQL function: jwt_claims() returns the verified claims (JSON text), or NULL */
void
sq_jwt_claims(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_claims  *s = &sq_conn_of(ctx)->claims;

	if (s->json == NULL)
		return;
	sqlite3_result_text(ctx, s->json, (int) s->json_len, SQLITE_TRANSIENT);
	sqlite3_result_subtype(ctx, SQ_JSON_SUBTYPE);
}

/* Return string node n of the claims as text, or NULL when it is NONE. */
static void
result_claim_string(sqlite3_context *ctx, const sq_claims *s, uint32_t n)
{
	if (n != JOSE_JSON_NONE)
		sqlite3_result_text(ctx, jose_json_text(&s->doc, n), (int) s->doc.nodes[n].len,
							SQLITE_TRANSIENT);
}

/* SQL function: jwt_claim(name) returns one claim as text (JSON text for non-strings), or NULL */
void
sq_jwt_claim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	sq_claims  *s = &c->claims;
	const char *name;
	uint32_t	n;

	if (s->json == NULL || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
		(name = (const char *) sqlite3_value_text(argv[0])) == NULL)
		return;
	n = jose_json_member(&s->doc, 0, name);
	if (n == JOSE_JSON_NONE || s->doc.nodes[n].type == JOSE_JSON_NULL)
		return;
	if (s->doc.nodes[n].type == JOSE_JSON_STRING)
	{
		result_claim_string(ctx, s, n);
		return;
	}
	jose_buf_reset(&c->ws.aux);
	jose_json_write_node(&c->ws.aux, &s->doc, n);
	if (c->ws.aux.failed)
		sq_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, c->ws.aux.data, (int) c->ws.aux.len, SQLITE_TRANSIENT);
}

/* SQL function: jwt_sub() returns the verified "sub" claim, or NULL */
void
sq_jwt_sub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_claims  *s = &sq_conn_of(ctx)->claims;

	result_claim_string(ctx, s, s->sub);
}

/* SQL function: jwt_role() returns the verified role claim, or NULL */
void
sq_jwt_role(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_claims  *s = &sq_conn_of(ctx)->claims;

	result_claim_string(ctx, s, s->role);
}
