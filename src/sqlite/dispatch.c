/*-------------------------------------------------------------------------
 *
 * dispatch.c
 *		The one place that decides how a token is verified: as a JWS, a JWE
 *		holding claims, or a JWE holding a JWS (nested).
 *
 * Every function that returns verified claims (jwt_verify, jwt_try_verify,
 * jwt_decrypt, jwt_decrypt_and_verify, jwt_authenticate) comes here with
 * its keys and a policy.  This is the shape of the core's single
 * token-verification entry point being written; when it lands, this file
 * becomes a call of it.
 *
 * src/sqlite/dispatch.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <strings.h>

/* Note the bytes the claims were parsed from (for returning them as they are). */
static void
claims_from(sq_conn *c, const unsigned char *p, size_t len)
{
	c->claims_src = (const char *) p;
	c->claims_src_len = len;
}

/*
 * Verify (JWS), decrypt (JWE) or decrypt then verify (nested) a token
 * under policy p, then check its claims.  On success the claims are in
 * c->ws.claims, parsed from the bytes c->claims_src.  Statuses are
 * returned, never raised.
 */
jose_status
sq_verify_token(sq_conn *c, const char *token, size_t len,
				const jose_keyset *verify_keys, const jose_keyset *decrypt_keys,
				const sq_policy *p, jose_err *err)
{
	jose_workspace *ws = &c->ws;
	jose_limits limits = sq_limits();
	const sq_options *o = p->o;
	const jose_json *jwe_header = &ws->header;
	bool		encrypted = !(p->kinds & SQ_KIND_JWS);
	bool		nested;
	jose_jws	jws;
	jose_jwe	jwe;
	jose_status st;

	c->claims_src = NULL;
	if (p->by_shape)
	{
		int			dots = 0;

		for (size_t i = 0; i < len && dots < 5; i++)
			dots += token[i] == '.';
		encrypted = dots == 4;
		if (!encrypted && !(p->kinds & SQ_KIND_JWS))
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "The policy's algorithms name no JWS algorithm.");
		if (encrypted && !(p->kinds & (SQ_KIND_JWE | SQ_KIND_NESTED)))
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "The policy's algorithms name no JWE key management algorithm.");
	}

	if (!encrypted)
	{
		st = jose_jws_verify(ws, token, len, verify_keys, o->jws_algs, &limits, &jws, err);
		if (st == JOSE_OK && o->typ != NULL)
			st = jose_check_typ(&ws->header, jws.typ_node, o->typ, o->typ_len, err);
		if (st == JOSE_OK && (st = jose_jws_parse_claims(ws, &jws, &limits, err)) == JOSE_OK)
			claims_from(c, jws.payload, jws.payload_len);
		if (st == JOSE_OK)
			st = jose_claims_check(&ws->claims, &o->claims, err);
		return st;
	}

	st = jose_jwe_decrypt(ws, token, len, decrypt_keys, o->jwe_algs, o->jwe_encs, &limits,
						  &jwe, err);
	if (st != JOSE_OK)
		return st;
	nested = jwe.cty_node != JOSE_JSON_NONE && ws->header.nodes[jwe.cty_node].len == 3 &&
		strncasecmp(jose_json_text(&ws->header, jwe.cty_node), "JWT", 3) == 0;
	if (nested && !(p->kinds & SQ_KIND_NESTED))
		return jose_fail(err, JOSE_E_HEADER,
						 "The token is a nested JWT (\"cty\": \"JWT\"): its payload is a signed token. "
						 "Nested tokens are read with jwt_decrypt_and_verify().");
	if (!nested && !(p->kinds & SQ_KIND_JWE))
		return jose_fail(err, JOSE_E_HEADER,
						 "The encrypted token's \"cty\" is not \"JWT\": it holds no signed token.");
	if (o->typ != NULL &&
		(st = jose_check_typ(&ws->header, jwe.typ_node, o->typ, o->typ_len, err)) != JOSE_OK)
		return st;

	if (!nested)
	{
		const jose_jwe_alg_info *a = jose_jwe_alg_get(jwe.alg);

		/*
		 * An encrypted claims set proves its origin only when it was made
		 * with a secret the verifier shares (dir, AES key wrap, PBES2).
		 * Anyone can encrypt to a public key (RSA-OAEP, ECDH-ES).
		 */
		if (p->origin_required && (a->family == JOSE_KM_RSA_OAEP || a->family == JOSE_KM_ECDH))
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "A token encrypted to a public key (%s) proves no origin; it must hold a signed token (cty \"JWT\").",
							 a->name);
		if ((st = jose_parse_claims(ws, jwe.plaintext, jwe.plaintext_len, &limits, err)) == JOSE_OK)
			claims_from(c, jwe.plaintext, jwe.plaintext_len);
	}
	else
	{
		jose_json	swap;

		/*
		 * The inner token is verified in the same workspace: keep the outer
		 * header aside for the replicated-claims check, and the plaintext in
		 * a buffer of our own, since verification reuses the payload buffer.
		 */
		swap = ws->outer;
		ws->outer = ws->header;
		ws->header = swap;
		jwe_header = &ws->outer;
		jose_buf_reset(&c->inner);
		jose_buf_append(&c->inner, jwe.plaintext, jwe.plaintext_len);
		if (c->inner.failed)
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the inner token.");
		st = jose_jws_verify(ws, c->inner.data, c->inner.len, verify_keys, o->jws_algs,
							 &limits, &jws, err);
		if (st == JOSE_E_IS_JWE)
			return jose_fail(err, JOSE_E_LIMIT, "Nested tokens may be one level deep.");
		if (st == JOSE_OK && (st = jose_jws_parse_claims(ws, &jws, &limits, err)) == JOSE_OK)
			claims_from(c, jws.payload, jws.payload_len);
	}
	if (st == JOSE_OK)
		st = jose_claims_check(&ws->claims, &o->claims, err);
	if (st == JOSE_OK)
		st = jose_check_replicated(jwe_header, &ws->claims, err);
	return st;
}
