/*-------------------------------------------------------------------------
 *
 * token.c
 *		Verifying a compact token (JWS, JWE, or a JWS nested in a JWE) under
 *		a host's policy.
 *
 * The order of checks is the same for every host: split (size limit
 * first), refuse a form the policy does not read or whose algorithms its
 * whitelist leaves out, do the cryptography, then the checks that need a
 * trustworthy payload (typ, claims, claims replicated in a JWE header).
 * A nested token is one level deep: a JWE inside is refused as a limit.
 * The inner token stays in the workspace (its plaintext buffer is swapped
 * aside, not copied), so nesting costs no allocation once warm.
 *
 * src/core/token.c
 *
 *-------------------------------------------------------------------------
 */
#include "token.h"

#include <string.h>

/* Forget what an earlier call left: nothing of it may pass for this token's. */
static void
token_reset(jose_workspace *ws, jose_token *out)
{
	memset(out, 0, sizeof(*out));
	out->jws.kid_node = out->jws.typ_node = JOSE_JSON_NONE;
	out->jwe.cty_node = out->jwe.typ_node = JOSE_JSON_NONE;
	ws->header.n_nodes = 0;
	ws->claims.n_nodes = 0;
	ws->outer.n_nodes = 0;
}

/* True when a JWE header's "cty" says it holds a JWT (RFC 7519 5.2, RFC 7516 4.1.12). */
bool
jose_cty_is_jwt(const jose_json *header, uint32_t cty_node)
{
	return cty_node != JOSE_JSON_NONE &&
		jose_media_type_eq(jose_json_text(header, cty_node), header->nodes[cty_node].len,
						   "JWT", 3);
}

/* Refuse a JWS the policy's whitelist leaves out, or that no key set was given for. */
static jose_status
check_jws_possible(const jose_token_policy *p, const jose_keyset *keys, jose_err *err)
{
	if (p->alg_list != NULL && p->jws_algs == 0)
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED, "%s names no JWS algorithm.", p->alg_list);
	if (keys == NULL)
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND, "No key was given to verify signatures with.");
	return JOSE_OK;
}

/* The key sets of one verification, and whether issuer binding is in play. */
typedef struct token_keys
{
	const jose_keyset *verify;
	const jose_keyset *decrypt;
	bool		binding;		/* the host binds some keys to issuers */
} token_keys;

/*
 * Check that key may have verified the token of ws->claims (bound to its
 * issuer, or unbound for an issuer the host does not bind), and choose the
 * claim options: a bound key's issuer and audience, else the policy's.
 */
static jose_status
check_binding(jose_workspace *ws, const token_keys *tk, const jose_key *key,
			  const jose_token_policy *p, jose_claims_opts *opts, jose_err *err)
{
	const char *iss;
	size_t		len;
	jose_status st;

	*opts = p->claims;
	if (!tk->binding)
		return JOSE_OK;
	st = jose_claims_issuer(&ws->claims, &iss, &len, err);
	if (st == JOSE_OK)
		st = jose_issuer_permits(key, jose_issuer_is_bound(p->bound_issuers, tk->verify, tk->decrypt,
														   iss, len), iss, len, err);
	if (st != JOSE_OK || key->issuer == NULL)
		return st;
	opts->issuer = key->issuer;
	opts->issuer_len = key->issuer_len;
	opts->audience = key->audience;
	opts->audience_len = key->audience_len;
	return JOSE_OK;
}

/*
 * The checks once the cryptography succeeded with key: the expected typ
 * (of the header typ_header), then, unless raw, the claims (parsed now
 * unless claims_parsed), the issuer binding, and (for a JWE) the claims
 * its header replicates.
 */
static jose_status
check_payload(jose_workspace *ws, const jose_json *typ_header, uint32_t typ_node,
			  const jose_json *jwe_header, const unsigned char *payload, size_t len,
			  const jose_key *key, bool claims_parsed, const token_keys *tk,
			  const jose_token_policy *p, const jose_limits *limits, jose_token *out,
			  jose_err *err)
{
	jose_claims_opts opts;
	jose_status st;

	out->payload = payload;
	out->payload_len = len;
	if (p->typ != NULL &&
		(st = jose_check_typ(typ_header, typ_node, p->typ, p->typ_len, err)) != JOSE_OK)
		return st;
	if (p->raw)
		return tk->binding ? jose_fail(err, JOSE_E_ARGUMENT,
									   "Keys bound to an issuer verify JWT claims only.") : JOSE_OK;
	st = claims_parsed ? JOSE_OK : jose_parse_claims(ws, payload, len, limits, err);
	if (st == JOSE_OK)
		st = check_binding(ws, tk, key, p, &opts, err);
	if (st == JOSE_OK)
		st = jose_claims_check(&ws->claims, &opts, err);
	if (st == JOSE_OK && jwe_header != NULL)
		st = jose_check_replicated(jwe_header, &ws->claims, err);
	return st;
}

/*
 * Verify the signature of the JWS parsed into out->jws.  When the host
 * binds keys to issuers, the claims are parsed first (once: the checks
 * afterwards reuse them) and only the keys of the token's issuer, or the
 * unbound keys for an issuer the host does not bind, are candidates.
 */
static jose_status
check_signature(jose_workspace *ws, const token_keys *tk, const jose_token_policy *p,
				const jose_limits *limits, jose_token *out, bool *claims_parsed, jose_err *err)
{
	const char *iss;
	size_t		len;
	jose_keyset narrowed;
	jose_status st;

	*claims_parsed = false;
	if (!tk->binding)
		return jose_jws_verify_parsed(ws, &out->jws, tk->verify, p->jws_algs, err);
	if (p->raw)
		return jose_fail(err, JOSE_E_ARGUMENT, "Keys bound to an issuer verify JWT claims only.");
	st = jose_parse_claims(ws, out->jws.payload, out->jws.payload_len, limits, err);
	if (st == JOSE_OK)
		st = jose_claims_issuer(&ws->claims, &iss, &len, err);
	if (st != JOSE_OK)
		return st;
	jose_buf_reset(&ws->picked);
	if (!jose_buf_reserve(&ws->picked, (tk->verify->count + 1) * sizeof(jose_key *)))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the candidate keys.");
	jose_keyset_for_issuer(tk->verify,
						   jose_issuer_is_bound(p->bound_issuers, tk->verify, tk->decrypt, iss, len),
						   iss, len, (jose_key **) ws->picked.data, &narrowed);
	*claims_parsed = true;
	return jose_jws_verify_parsed(ws, &out->jws, &narrowed, p->jws_algs, err);
}

/* Verify the JWS of three segments c. */
static jose_status
verify_jws(jose_workspace *ws, const jose_compact *c, const token_keys *tk,
		   const jose_token_policy *p, const jose_limits *limits, jose_token *out,
		   jose_err *err)
{
	bool		parsed;
	jose_status st;

	out->form = JOSE_FORM_JWS;
	st = check_jws_possible(p, tk->verify, err);
	if (st == JOSE_OK)
		st = jose_jws_parse_compact(ws, c, limits, &out->jws, err);
	if (st == JOSE_OK)
		st = check_signature(ws, tk, p, limits, out, &parsed, err);
	if (st != JOSE_OK)
		return st;
	return check_payload(ws, &ws->header, out->jws.typ_node, NULL, out->jws.payload,
						 out->jws.payload_len, out->jws.key, parsed, tk, p, limits, out, err);
}

/*
 * Verify the JWS that a decrypted JWE holds (its plaintext, in ws->payload).
 * The JWE header moves to ws->outer and the plaintext to ws->inner (swapped,
 * not copied), since verifying the inner token reuses header and payload.
 */
static jose_status
verify_inner(jose_workspace *ws, const token_keys *tk, const jose_token_policy *p,
			 const jose_limits *limits, jose_token *out, jose_err *err)
{
	jose_json	header = ws->outer;
	jose_buf	buf = ws->inner;
	jose_compact c;
	bool		parsed;
	jose_status st;

	ws->outer = ws->header;
	ws->header = header;
	ws->header.n_nodes = 0;
	ws->inner = ws->payload;
	ws->payload = buf;

	st = check_jws_possible(p, tk->verify, err);
	if (st != JOSE_OK)
		return st;
	st = jose_compact_split(ws->inner.data, ws->inner.len, limits, JOSE_FORM_JWS, &c, err);
	if (st == JOSE_E_IS_JWE)
		return jose_fail(err, JOSE_E_LIMIT, "Nested tokens may be one level deep.");
	if (st == JOSE_OK)
		st = jose_jws_parse_compact(ws, &c, limits, &out->jws, err);
	if (st == JOSE_OK)
		st = check_signature(ws, tk, p, limits, out, &parsed, err);
	if (st != JOSE_OK)
		return st;
	return check_payload(ws, &ws->header, out->jws.typ_node, &ws->outer, out->jws.payload,
						 out->jws.payload_len, out->jws.key, parsed, tk, p, limits, out, err);
}

/* Decrypt the JWE of five segments c, then read it as nested or as a plain JWE. */
static jose_status
verify_jwe(jose_workspace *ws, const jose_compact *c, const token_keys *tk,
		   const jose_token_policy *p, const jose_limits *limits, jose_token *out,
		   jose_err *err)
{
	unsigned	forms = p->forms ? p->forms : (JOSE_FORM_JWS | JOSE_FORM_JWE | JOSE_FORM_NESTED);
	const jose_jwe_alg_info *a;
	jose_status st;

	out->form = JOSE_FORM_JWE;
	if (p->alg_list != NULL && p->jwe_algs == 0)
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "%s names no JWE key management algorithm.", p->alg_list);
	if (tk->decrypt == NULL)
		return jose_fail(err, JOSE_E_KEY_NOT_FOUND, "No key was given to decrypt with.");
	st = jose_jwe_decrypt_compact(ws, c, tk->decrypt, p->jwe_algs, p->jwe_encs, limits,
								  &out->jwe, err);
	if (st != JOSE_OK)
		return st;

	if (jose_cty_is_jwt(&ws->header, out->jwe.cty_node))
	{
		out->form = JOSE_FORM_NESTED;
		if (!(forms & JOSE_FORM_NESTED))
			return jose_fail(err, JOSE_E_HEADER,
							 "The token is a nested JWT (\"cty\": \"JWT\"): its payload is a signed token.");
		return verify_inner(ws, tk, p, limits, out, err);
	}
	if (!(forms & JOSE_FORM_JWE))
		return jose_fail(err, JOSE_E_HEADER,
						 "The encrypted token's \"cty\" is not \"JWT\": it holds no signed token.");

	/*
	 * Encryption proves origin only when made with a secret the host shares;
	 * anyone can encrypt to a public key (CVE-2023-51774 is this mistake).
	 */
	a = jose_jwe_alg_get(out->jwe.alg);
	if (p->require_origin && (a->family == JOSE_KM_RSA_OAEP || a->family == JOSE_KM_ECDH))
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "A token encrypted to a public key (%s) proves no origin; it must hold a signed token (cty \"JWT\").",
						 a->name);
	return check_payload(ws, &ws->header, out->jwe.typ_node, &ws->header, out->jwe.plaintext,
						 out->jwe.plaintext_len, out->jwe.key, false, tk, p, limits, out, err);
}

/* The key sets of a verification, and whether the host binds keys to issuers. */
static token_keys
token_keys_of(const jose_keyset *verify_keys, const jose_keyset *decrypt_keys,
			  const jose_token_policy *p)
{
	token_keys	tk;

	tk.verify = verify_keys;
	tk.decrypt = decrypt_keys;
	tk.binding = (p->bound_issuers != NULL && p->bound_issuers->count > 0) ||
		jose_keyset_has_issuers(verify_keys) || jose_keyset_has_issuers(decrypt_keys);
	return tk;
}

/* Verify a token already split by jose_compact_split. */
jose_status
jose_token_verify_compact(jose_workspace *ws, const jose_compact *c,
						  const jose_keyset *verify_keys, const jose_keyset *decrypt_keys,
						  const jose_token_policy *policy, const jose_limits *limits,
						  jose_token *out, jose_err *err)
{
	token_keys	tk = token_keys_of(verify_keys, decrypt_keys, policy);

	token_reset(ws, out);
	if (c->count == 3)
		return verify_jws(ws, c, &tk, policy, limits, out, err);
	if (c->count == 5)
		return verify_jwe(ws, c, &tk, policy, limits, out, err);
	return jose_fail(err, JOSE_E_ARGUMENT, "The token was not split.");
}

/* Verify a compact token under a policy. */
jose_status
jose_token_verify(jose_workspace *ws, const char *token, size_t len,
				  const jose_keyset *verify_keys, const jose_keyset *decrypt_keys,
				  const jose_token_policy *policy, const jose_limits *limits,
				  jose_token *out, jose_err *err)
{
	jose_compact c;
	jose_status st;

	token_keys	tk = token_keys_of(verify_keys, decrypt_keys, policy);

	token_reset(ws, out);
	st = jose_compact_split(token, len, limits, policy->forms, &c, err);
	if (st != JOSE_OK)
		return st;
	if (c.count == 3)
		return verify_jws(ws, &c, &tk, policy, limits, out, err);
	return verify_jwe(ws, &c, &tk, policy, limits, out, err);
}
