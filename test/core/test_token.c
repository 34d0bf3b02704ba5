/*
 * test_token.c
 *		The token splitter (src/core/compact.c) and the one verification entry
 *		point (src/core/token.c): JWS, JWE and nested tokens under a policy.
 *
 * Tokens are made with the core's own signer and encrypter (their output is
 * checked against published vectors in test_jws.c and test_jwe.c), or by
 * hand where a signer would refuse (alg "none").  Every refusal path of the
 * entry point has a test: a form the policy does not read, a whitelist
 * naming no algorithm of the token's kind, a public-key JWE offered as
 * proof of origin, nesting deeper than one level, each "cty" spelling, and
 * "none" at either level.
 */
#include "harness.h"
#include "../../src/core/b64url.h"
#include "../../src/core/jwe.h"
#include "../../src/core/key.h"
#include "../../src/core/keygen.h"
#include "../../src/core/token.h"

#include <stdlib.h>

static const jose_limits limits = {JOSE_DEFAULT_MAX_TOKEN_SIZE, JOSE_DEFAULT_MAX_JSON_DEPTH,
JOSE_DEFAULT_MAX_JSON_VALUES, JOSE_DEFAULT_MAX_PBES2_COUNT};

/* The check time of every test, and claims valid then. */
#define NOW 1700000000.0
static const char claims_ada[] = "{\"sub\":\"ada\",\"iss\":\"https://idp\",\"exp\":1700000600}";

/* Secrets: one to sign with (HS256), one to encrypt with (dir + A256GCM). */
static const unsigned char sign_secret[32] = "0123456789abcdef0123456789ABCDEF";
static const unsigned char enc_secret[32] = "fedcba9876543210FEDCBA9876543210";

/* A key set of a raw secret. */
static jose_keyset *
secret_set(const unsigned char *secret, size_t len)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	if (jose_keyset_from_secret(secret, len, &ks, &err) != JOSE_OK)
		return NULL;
	return ks;
}

/* A one-key set of a freshly generated key of kind ("P-256", ...). */
static jose_keyset *
generated_set(const char *kind)
{
	jose_keyset *ks = calloc(1, sizeof(*ks));
	jose_err	err;

	ks->keys = calloc(1, sizeof(jose_key *));
	if (jose_key_generate(kind, strlen(kind), 0, &ks->keys[0], &err) == JOSE_OK)
		ks->count = 1;
	return ks;
}

/* The workspace's output as a malloc'd string. */
static char *
take_out(jose_workspace *ws)
{
	return strndup(ws->out.data, ws->out.len);
}

/* A JWS of payload, signed HS256 with sign_secret (extra header members in header, or NULL). */
static char *
sign_hs256(jose_workspace *ws, const jose_keyset *ks, const char *header, const char *payload)
{
	jose_err	err;

	if (jose_jws_sign(ws, ks, JOSE_ALG_HS256, header, header ? strlen(header) : 0,
					  (const unsigned char *) payload, strlen(payload), true, &limits,
					  &err) != JOSE_OK)
	{
		printf("#   sign refused: %s\n", err.detail);
		return NULL;
	}
	return take_out(ws);
}

/* A JWE of plaintext with alg (UNKNOWN: the key's), the given cty and extra header. */
static char *
encrypt_to(jose_workspace *ws, const jose_keyset *ks, jose_jwe_alg alg, const char *cty,
		   const char *header, const char *plaintext)
{
	jose_jwe_encrypt_opts o;
	jose_err	err;

	memset(&o, 0, sizeof(o));
	o.alg = alg;
	o.cty = cty;
	o.extra_header = header;
	o.extra_header_len = header ? strlen(header) : 0;
	if (jose_jwe_encrypt(ws, ks, &o, (const unsigned char *) plaintext, strlen(plaintext),
						 &limits, &err) != JOSE_OK)
	{
		printf("#   encrypt refused: %s\n", err.detail);
		return NULL;
	}
	return take_out(ws);
}

/* "b64(header).b64(payload)." by hand: an unsecured JWS no signer would make. */
static char *
unsecured(const char *header, const char *payload)
{
	char	   *t = malloc(JOSE_B64URL_ENCODED_LEN(strlen(header)) +
						   JOSE_B64URL_ENCODED_LEN(strlen(payload)) + 3);
	size_t		n = 0;

	n += jose_b64url_encode((const unsigned char *) header, strlen(header), t + n);
	t[n++] = '.';
	n += jose_b64url_encode((const unsigned char *) payload, strlen(payload), t + n);
	t[n++] = '.';
	t[n] = '\0';
	return t;
}

/* A policy reading forms, checking claims at NOW. */
static jose_token_policy
policy_for(unsigned forms)
{
	jose_token_policy p;

	memset(&p, 0, sizeof(p));
	p.forms = forms;
	p.claims.now = NOW;
	return p;
}

/* Verify token (NULL: a setup failure, reported) under p. */
static jose_status
run(jose_workspace *ws, const char *token, const jose_keyset *vk, const jose_keyset *dk,
	const jose_token_policy *p, jose_token *out, jose_err *err)
{
	jose_err_clear(err);
	if (token == NULL)
		return jose_fail(err, JOSE_E_ARGUMENT, "no token was made");
	return jose_token_verify(ws, token, strlen(token), vk, dk, p, &limits, out, err);
}

/* The claim name of ws->claims as a string, or NULL. */
static const char *
claim(jose_workspace *ws, const char *name)
{
	uint32_t	v;

	if (ws->claims.n_nodes == 0)
		return NULL;
	v = jose_json_member(&ws->claims, 0, name);
	return v == JOSE_JSON_NONE ? NULL : jose_json_text(&ws->claims, v);
}

/* ------------------------------------------------------------------------
 * the splitter
 * ------------------------------------------------------------------------ */

/* Three and five segments: where each starts and how long it is. */
static void
split_finds_the_segments(void)
{
	jose_compact c;
	jose_err	err;
	const char *jws = "aa.b.cccc";
	const char *jwe = "h..iv.ct.t";

	CHECK_STATUS(jose_compact_split(jws, strlen(jws), &limits, 0, &c, &err), JOSE_OK);
	CHECK(c.count == 3);
	CHECK(c.seg[0] == jws && c.len[0] == 2);
	CHECK(c.seg[1] == jws + 3 && c.len[1] == 1);
	CHECK(c.seg[2] == jws + 5 && c.len[2] == 4);

	CHECK_STATUS(jose_compact_split(jwe, strlen(jwe), &limits, 0, &c, &err), JOSE_OK);
	CHECK(c.count == 5);
	CHECK(c.seg[0] == jwe && c.len[0] == 1);
	CHECK(c.seg[1] == jwe + 2 && c.len[1] == 0);
	CHECK(c.seg[2] == jwe + 3 && c.len[2] == 2);
	CHECK(c.seg[3] == jwe + 6 && c.len[3] == 2);
	CHECK(c.seg[4] == jwe + 9 && c.len[4] == 1);
}

/* Refusals, worded by what the caller reads; the size limit comes first. */
static void
split_refusals_name_what_was_expected(void)
{
	static const struct
	{
		unsigned	forms;
		const char *token;
		jose_status st;
		const char *detail;
	}			cases[] = {
		{JOSE_FORM_JWS, "", JOSE_E_MALFORMED, "The token is empty."},
		{JOSE_FORM_JWE, "", JOSE_E_MALFORMED, "The token is empty."},
		{JOSE_FORM_JWS, "a.b", JOSE_E_MALFORMED,
		"A compact JWS has three base64url segments separated by periods."},
		{JOSE_FORM_JWS, "a.b.c.d.e.f", JOSE_E_MALFORMED,
		"A compact JWS has three base64url segments separated by periods."},
		{JOSE_FORM_JWE | JOSE_FORM_NESTED, "a.b.c.d", JOSE_E_MALFORMED,
		"A compact JWE has five base64url segments separated by periods."},
		{JOSE_FORM_NESTED, "nodots", JOSE_E_MALFORMED,
		"A compact JWE has five base64url segments separated by periods."},
		{0, "a.b.c.d", JOSE_E_MALFORMED,
		"A compact token has three (JWS) or five (JWE) base64url segments separated by periods."},
		{JOSE_FORM_JWS | JOSE_FORM_JWE, "......", JOSE_E_MALFORMED,
		"A compact token has three (JWS) or five (JWE) base64url segments separated by periods."},
		{JOSE_FORM_JWS, "a.b.c.d.e", JOSE_E_IS_JWE,
		"The token has five segments, the form of an encrypted token (JWE)."},
		{JOSE_FORM_JWE, "a.b.c", JOSE_E_IS_JWS,
		"The token has three segments, the form of a signed token (JWS)."},
		{JOSE_FORM_NESTED, "a.b.c", JOSE_E_IS_JWS,
		"The token has three segments, the form of a signed token (JWS)."},
		{0, ".b.c", JOSE_E_MALFORMED, "The token's header segment is empty."},
		{0, "....", JOSE_E_MALFORMED, "The token's header segment is empty."},
	};
	jose_limits small = limits;
	jose_compact c;
	jose_err	err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		jose_err_clear(&err);
		CHECK_STATUS(jose_compact_split(cases[i].token, strlen(cases[i].token), &limits,
										cases[i].forms, &c, &err), cases[i].st);
		CHECK_STR(err.detail, cases[i].detail);
		CHECK(c.count == 0);
	}

	/* over the limit: refused as such, whatever its shape */
	small.max_token_size = 8;
	CHECK_STATUS(jose_compact_split("a.b.c.d.e", 9, &small, 0, &c, &err), JOSE_E_LIMIT);
	CHECK_STR(err.detail, "The token is 9 bytes; the limit is 8 (token_ext.max_token_size).");
	CHECK_STATUS(jose_compact_split("a.b.c.de", 8, &small, 0, &c, &err), JOSE_E_MALFORMED);
}

/* ------------------------------------------------------------------------
 * JWS
 * ------------------------------------------------------------------------ */

/* A JWS verifies to its claims; the header and key are reported. */
static void
jws_verifies_to_claims(void)
{
	jose_workspace ws;
	jose_keyset *sk = secret_set(sign_secret, sizeof(sign_secret));
	jose_token_policy p = policy_for(JOSE_FORM_JWS);
	jose_token	out;
	jose_err	err;
	char	   *t;

	jose_workspace_init(&ws);
	t = sign_hs256(&ws, sk, NULL, claims_ada);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_OK);
	CHECK(out.form == JOSE_FORM_JWS);
	CHECK(out.jws.key == sk->keys[0]);
	CHECK(out.jws.alg == JOSE_ALG_HS256);
	CHECK(out.payload_len == strlen(claims_ada) && memcmp(out.payload, claims_ada, out.payload_len) == 0);
	CHECK_STR(claim(&ws, "sub"), "ada");
	CHECK(jose_json_member(&ws.header, 0, "typ") != JOSE_JSON_NONE);

	/* every form read (forms 0) is the same for a JWS */
	p.forms = 0;
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_OK);

	/* typ: compared as a media type */
	p.typ = "application/jwt";
	p.typ_len = strlen(p.typ);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_OK);
	p.typ = "at+jwt";
	p.typ_len = strlen(p.typ);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_E_TYPE);
	free(t);
	jose_keyset_free(sk);
	jose_workspace_free(&ws);
}

/* Every way a JWS is refused under a policy. */
static void
jws_refusals(void)
{
	jose_workspace ws;
	jose_keyset *sk = secret_set(sign_secret, sizeof(sign_secret));
	jose_keyset *other = secret_set(enc_secret, sizeof(enc_secret));
	jose_token_policy p = policy_for(JOSE_FORM_JWS);
	jose_token	out;
	jose_err	err;
	char	   *t,
			   *none,
			   *text;

	jose_workspace_init(&ws);
	t = sign_hs256(&ws, sk, NULL, claims_ada);
	none = unsecured("{\"alg\":\"none\"}", claims_ada);
	text = sign_hs256(&ws, sk, NULL, "hello");

	/* a reader of encrypted tokens only */
	p.forms = JOSE_FORM_JWE | JOSE_FORM_NESTED;
	CHECK_STATUS(run(&ws, t, sk, sk, &p, &out, &err), JOSE_E_IS_JWS);
	CHECK(out.form == 0 && out.jws.key == NULL && ws.claims.n_nodes == 0);
	p.forms = JOSE_FORM_JWS;

	/* "none", whatever the keys and allowed algorithms */
	CHECK_STATUS(run(&ws, none, sk, NULL, &p, &out, &err), JOSE_E_ALG_NONE);
	p.jws_algs = ~(jose_alg_set) 0;
	CHECK_STATUS(run(&ws, none, sk, NULL, &p, &out, &err), JOSE_E_ALG_NONE);

	/* not an allowed algorithm */
	p.jws_algs = JOSE_ALG_BIT(JOSE_ALG_HS384);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);

	/* a whitelist that names no JWS algorithm */
	p.jws_algs = 0;
	p.jwe_algs = JOSE_JWE_BIT(JOSE_JWE_DIR);
	p.alg_list = "token_ext.algorithms";
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "token_ext.algorithms names no JWS algorithm.");
	CHECK(out.form == JOSE_FORM_JWS && ws.header.n_nodes == 0);
	p.jws_algs = JOSE_ALG_BIT(JOSE_ALG_HS256);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_OK);
	p.alg_list = NULL;
	p.jws_algs = 0;

	/* no key set to verify with; a key that did not sign it */
	CHECK_STATUS(run(&ws, t, NULL, sk, &p, &out, &err), JOSE_E_KEY_NOT_FOUND);
	CHECK_STATUS(run(&ws, t, other, NULL, &p, &out, &err), JOSE_E_SIGNATURE);
	CHECK(out.jws.key == NULL);
	CHECK(ws.header.n_nodes > 0);

	/* claims: checked after the signature; expired stays expired */
	p.claims.now = 1700000600.0;
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_E_EXPIRED);
	CHECK(out.jws.key != NULL);
	p.claims.now = NOW;
	p.claims.issuer = "https://other";
	p.claims.issuer_len = strlen(p.claims.issuer);
	CHECK_STATUS(run(&ws, t, sk, NULL, &p, &out, &err), JOSE_E_ISSUER);
	p.claims.issuer = NULL;

	/* a payload that is no claims set: refused, unless the policy reads raw bytes */
	CHECK_STATUS(run(&ws, text, sk, NULL, &p, &out, &err), JOSE_E_JSON);
	p.raw = true;
	CHECK_STATUS(run(&ws, text, sk, NULL, &p, &out, &err), JOSE_OK);
	CHECK(out.payload_len == 5 && memcmp(out.payload, "hello", 5) == 0);
	CHECK(ws.claims.n_nodes == 0);

	free(t);
	free(none);
	free(text);
	jose_keyset_free(sk);
	jose_keyset_free(other);
	jose_workspace_free(&ws);
}

/* ------------------------------------------------------------------------
 * JWE
 * ------------------------------------------------------------------------ */

/* A JWE of claims decrypts to them; header checks apply to its header. */
static void
jwe_decrypts_to_claims(void)
{
	jose_workspace ws;
	jose_keyset *ek = secret_set(enc_secret, sizeof(enc_secret));
	jose_token_policy p = policy_for(JOSE_FORM_JWE);
	jose_token	out;
	jose_err	err;
	char	   *t,
			   *replicated,
			   *forged;

	jose_workspace_init(&ws);
	t = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, "{\"typ\":\"JWT\"}", claims_ada);
	replicated = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, "{\"sub\":\"ada\"}", claims_ada);
	forged = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, "{\"sub\":\"eve\"}", claims_ada);

	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_OK);
	CHECK(out.form == JOSE_FORM_JWE);
	CHECK(out.jwe.key == ek->keys[0] && out.jwe.alg == JOSE_JWE_DIR);
	CHECK(out.payload_len == strlen(claims_ada));
	CHECK_STR(claim(&ws, "sub"), "ada");
	CHECK(jose_json_member(&ws.header, 0, "enc") != JOSE_JSON_NONE);

	p.typ = "JWT";
	p.typ_len = 3;
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_OK);
	CHECK_STATUS(run(&ws, replicated, NULL, ek, &p, &out, &err), JOSE_E_TYPE);
	p.typ = NULL;

	/* claims the header replicates must be the claims' own (RFC 7519 5.3) */
	CHECK_STATUS(run(&ws, replicated, NULL, ek, &p, &out, &err), JOSE_OK);
	CHECK_STATUS(run(&ws, forged, NULL, ek, &p, &out, &err), JOSE_E_CLAIM);

	/* raw: the plaintext, no claims */
	p.raw = true;
	CHECK_STATUS(run(&ws, forged, NULL, ek, &p, &out, &err), JOSE_OK);
	CHECK(ws.claims.n_nodes == 0 && out.payload_len == strlen(claims_ada));

	free(t);
	free(replicated);
	free(forged);
	jose_keyset_free(ek);
	jose_workspace_free(&ws);
}

/* Every way a JWE of claims is refused under a policy. */
static void
jwe_refusals(void)
{
	jose_workspace ws;
	jose_keyset *ek = secret_set(enc_secret, sizeof(enc_secret));
	jose_keyset *ec = generated_set("P-256");
	jose_token_policy p = policy_for(JOSE_FORM_JWE);
	jose_token	out;
	jose_err	err;
	char	   *t,
			   *pub;

	jose_workspace_init(&ws);
	t = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, NULL, claims_ada);
	pub = encrypt_to(&ws, ec, JOSE_JWE_ECDH_ES, NULL, NULL, claims_ada);

	/* a reader of signed tokens only */
	p.forms = JOSE_FORM_JWS;
	CHECK_STATUS(run(&ws, t, ek, ek, &p, &out, &err), JOSE_E_IS_JWE);
	CHECK(out.form == 0);

	/* a reader of nested tokens only: these claims are not a signed token */
	p.forms = JOSE_FORM_NESTED;
	CHECK_STATUS(run(&ws, t, ek, ek, &p, &out, &err), JOSE_E_HEADER);
	CHECK_STR(err.detail, "The encrypted token's \"cty\" is not \"JWT\": it holds no signed token.");
	p.forms = JOSE_FORM_JWE;

	/* anyone can encrypt to a public key: no proof of origin */
	CHECK_STATUS(run(&ws, pub, NULL, ec, &p, &out, &err), JOSE_OK);
	p.require_origin = true;
	CHECK_STATUS(run(&ws, pub, NULL, ec, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "A token encrypted to a public key (ECDH-ES) proves no origin; it must hold a signed token (cty \"JWT\").");
	CHECK(ws.claims.n_nodes == 0);
	/* a shared secret does prove it */
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_OK);

	/* no key set to decrypt with; a key it was not made for */
	CHECK_STATUS(run(&ws, t, ek, NULL, &p, &out, &err), JOSE_E_KEY_NOT_FOUND);
	CHECK_STATUS(run(&ws, pub, NULL, ek, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);

	/* a whitelist naming no key management algorithm, then one naming dir */
	p.alg_list = "token_ext.algorithms";
	p.jws_algs = JOSE_ALG_BIT(JOSE_ALG_HS256);
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "token_ext.algorithms names no JWE key management algorithm.");
	p.jwe_algs = JOSE_JWE_BIT(JOSE_JWE_DIR);
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_OK);
	p.jwe_encs = JOSE_JWE_BIT(JOSE_JWE_A128GCM);
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);

	/* claims are checked once decrypted */
	p.jwe_encs = 0;
	p.claims.now = 1700000600.0;
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_E_EXPIRED);

	free(t);
	free(pub);
	jose_keyset_free(ek);
	jose_keyset_free(ec);
	jose_workspace_free(&ws);
}

/* ------------------------------------------------------------------------
 * nested tokens
 * ------------------------------------------------------------------------ */

/* A signed token inside an encrypted one: both checked, both headers kept. */
static void
nested_verifies_to_claims(void)
{
	jose_workspace ws;
	jose_keyset *sk = secret_set(sign_secret, sizeof(sign_secret));
	jose_keyset *ec = generated_set("P-256");
	jose_token_policy p = policy_for(JOSE_FORM_NESTED);
	jose_token	out;
	jose_err	err;
	jose_compact c;
	char	   *inner,
			   *t,
			   *forged;

	jose_workspace_init(&ws);
	inner = sign_hs256(&ws, sk, NULL, claims_ada);
	t = encrypt_to(&ws, ec, JOSE_JWE_ECDH_ES, "JWT", "{\"iss\":\"https://idp\"}", inner);
	forged = encrypt_to(&ws, ec, JOSE_JWE_ECDH_ES, "JWT", "{\"sub\":\"eve\"}", inner);

	/* a public-key JWE is proof enough when it holds a signed token */
	p.require_origin = true;
	CHECK_STATUS(run(&ws, t, sk, ec, &p, &out, &err), JOSE_OK);
	CHECK(out.form == JOSE_FORM_NESTED);
	CHECK(out.jwe.key == ec->keys[0] && out.jws.key == sk->keys[0]);
	CHECK(out.jwe.alg == JOSE_JWE_ECDH_ES && out.jws.alg == JOSE_ALG_HS256);
	CHECK_STR(claim(&ws, "sub"), "ada");
	CHECK(out.payload_len == strlen(claims_ada));
	CHECK(jose_json_member(&ws.outer, 0, "epk") != JOSE_JSON_NONE);
	CHECK(jose_json_member(&ws.header, 0, "epk") == JOSE_JSON_NONE);
	CHECK(jose_json_member(&ws.header, 0, "typ") != JOSE_JSON_NONE);

	/* every form read: the same */
	p.forms = 0;
	CHECK_STATUS(run(&ws, t, sk, ec, &p, &out, &err), JOSE_OK);

	/* the outer header may replicate claims only with the inner token's values */
	CHECK_STATUS(run(&ws, forged, sk, ec, &p, &out, &err), JOSE_E_CLAIM);

	/* typ is the inner (signed) token's */
	p.typ = "JWT";
	p.typ_len = 3;
	CHECK_STATUS(run(&ws, t, sk, ec, &p, &out, &err), JOSE_OK);
	p.typ = NULL;

	/* split first (a host choosing keys by form), then verify: the same */
	CHECK_STATUS(jose_compact_split(t, strlen(t), &limits, 0, &c, &err), JOSE_OK);
	CHECK_STATUS(jose_token_verify_compact(&ws, &c, sk, ec, &p, &limits, &out, &err), JOSE_OK);
	CHECK(out.form == JOSE_FORM_NESTED);
	CHECK_STR(claim(&ws, "sub"), "ada");

	/* the workspace is reusable: a JWS right after a nested token */
	CHECK_STATUS(run(&ws, inner, sk, NULL, &p, &out, &err), JOSE_OK);
	CHECK(out.form == JOSE_FORM_JWS && ws.outer.n_nodes == 0);

	free(inner);
	free(t);
	free(forged);
	jose_keyset_free(sk);
	jose_keyset_free(ec);
	jose_workspace_free(&ws);
}

/* Every way a nested token is refused. */
static void
nested_refusals(void)
{
	jose_workspace ws;
	jose_keyset *sk = secret_set(sign_secret, sizeof(sign_secret));
	jose_keyset *ek = secret_set(enc_secret, sizeof(enc_secret));
	jose_keyset *other = secret_set(enc_secret, sizeof(enc_secret) - 16);
	jose_token_policy p = policy_for(JOSE_FORM_NESTED);
	jose_token	out;
	jose_err	err;
	char	   *inner,
			   *t,
			   *none,
			   *none_nested,
			   *deep_inner,
			   *deep;

	jose_workspace_init(&ws);
	inner = sign_hs256(&ws, sk, NULL, claims_ada);
	t = encrypt_to(&ws, ek, JOSE_JWE_DIR, "JWT", NULL, inner);
	none = unsecured("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims_ada);
	none_nested = encrypt_to(&ws, ek, JOSE_JWE_DIR, "JWT", NULL, none);
	deep_inner = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, NULL, claims_ada);
	deep = encrypt_to(&ws, ek, JOSE_JWE_DIR, "JWT", NULL, deep_inner);

	/* a reader of plain JWEs is told it is nested */
	p.forms = JOSE_FORM_JWE;
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_E_HEADER);
	CHECK_STR(err.detail, "The token is a nested JWT (\"cty\": \"JWT\"): its payload is a signed token.");
	CHECK(out.form == JOSE_FORM_NESTED && out.jws.key == NULL);
	/* a reader of signed tokens only, or of encrypted ones only, as before */
	p.forms = JOSE_FORM_JWS;
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_E_IS_JWE);
	p.forms = JOSE_FORM_NESTED;
	CHECK_STATUS(run(&ws, inner, sk, ek, &p, &out, &err), JOSE_E_IS_JWS);

	/* one level deep: a JWE inside is a limit */
	CHECK_STATUS(run(&ws, deep, sk, ek, &p, &out, &err), JOSE_E_LIMIT);
	CHECK_STR(err.detail, "Nested tokens may be one level deep.");
	p.forms = 0;
	CHECK_STATUS(run(&ws, deep, sk, ek, &p, &out, &err), JOSE_E_LIMIT);
	p.forms = JOSE_FORM_NESTED;

	/* "none" inside is never accepted either */
	CHECK_STATUS(run(&ws, none_nested, sk, ek, &p, &out, &err), JOSE_E_ALG_NONE);
	CHECK(ws.claims.n_nodes == 0);

	/* the inner signature: keys, and whitelist */
	CHECK_STATUS(run(&ws, t, NULL, ek, &p, &out, &err), JOSE_E_KEY_NOT_FOUND);
	CHECK_STATUS(run(&ws, t, ek, ek, &p, &out, &err), JOSE_E_SIGNATURE);
	CHECK_STATUS(run(&ws, t, other, ek, &p, &out, &err), JOSE_E_KEY);
	p.alg_list = "token_ext.algorithms";
	p.jwe_algs = JOSE_JWE_BIT(JOSE_JWE_DIR);
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "token_ext.algorithms names no JWS algorithm.");
	CHECK(out.form == JOSE_FORM_NESTED && out.jwe.key != NULL);
	p.jws_algs = JOSE_ALG_BIT(JOSE_ALG_HS512);
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_E_ALG_NOT_ALLOWED);
	p.jws_algs = JOSE_ALG_BIT(JOSE_ALG_HS256);
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_OK);

	/* inner claims are checked */
	p.claims.now = 1700000600.0;
	CHECK_STATUS(run(&ws, t, sk, ek, &p, &out, &err), JOSE_E_EXPIRED);

	free(inner);
	free(t);
	free(none);
	free(none_nested);
	free(deep_inner);
	free(deep);
	jose_keyset_free(sk);
	jose_keyset_free(ek);
	jose_keyset_free(other);
	jose_workspace_free(&ws);
}

/*
 * One "cty" rule for every reader (RFC 7516 4.1.12, RFC 7519 5.2): "JWT",
 * case-insensitively, with or without "application/"; nothing else.
 */
static void
cty_variants(void)
{
	static const char *const nested[] = {
		"JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT", "Application/JWT",
		"JW\\u0054",			/* a JSON escape of "JWT" is "JWT" */
	};
	static const char *const not_nested[] = {
		"JWTX", "JW", "", "application/", "application/jwtx", "text/jwt", "xapplication/jwt",
		"application/application/jwt", "JWT ", " JWT",
	};
	jose_workspace ws;
	jose_keyset *sk = secret_set(sign_secret, sizeof(sign_secret));
	jose_keyset *ek = secret_set(enc_secret, sizeof(enc_secret));
	jose_token_policy p;
	jose_token	out;
	jose_err	err;
	char	   *inner,
			   *t;
	char		header[160];

	jose_workspace_init(&ws);
	inner = sign_hs256(&ws, sk, NULL, claims_ada);
	for (size_t i = 0; i < sizeof(nested) / sizeof(nested[0]); i++)
	{
		snprintf(header, sizeof(header), "{\"cty\":\"%s\"}", nested[i]);
		t = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, header, inner);
		p = policy_for(JOSE_FORM_NESTED);
		CHECKF(run(&ws, t, sk, ek, &p, &out, &err) == JOSE_OK, "cty %s: %s", nested[i], err.detail);
		p = policy_for(0);
		p.require_origin = true;
		CHECKF(run(&ws, t, sk, ek, &p, &out, &err) == JOSE_OK && out.form == JOSE_FORM_NESTED,
			   "cty %s: %s", nested[i], err.detail);
		p = policy_for(JOSE_FORM_JWE);
		CHECKF(run(&ws, t, sk, ek, &p, &out, &err) == JOSE_E_HEADER, "cty %s", nested[i]);
		free(t);
	}
	for (size_t i = 0; i < sizeof(not_nested) / sizeof(not_nested[0]); i++)
	{
		snprintf(header, sizeof(header), "{\"cty\":\"%s\"}", not_nested[i]);
		t = encrypt_to(&ws, ek, JOSE_JWE_DIR, NULL, header, claims_ada);
		p = policy_for(JOSE_FORM_NESTED);
		CHECKF(run(&ws, t, sk, ek, &p, &out, &err) == JOSE_E_HEADER, "cty %s", not_nested[i]);
		p = policy_for(0);
		CHECKF(run(&ws, t, sk, ek, &p, &out, &err) == JOSE_OK && out.form == JOSE_FORM_JWE,
			   "cty %s: %s", not_nested[i], err.detail);
		free(t);
	}
	/* no cty at all */
	CHECK(!jose_cty_is_jwt(&ws.header, JOSE_JSON_NONE));

	/*
	 * A NUL never ends the comparison early (the JSON reader refuses \u0000
	 * in a header before any key is tried, so this is the last line of defence).
	 */
	CHECK(jose_media_type_eq("JWT", 3, "JWT", 3));
	CHECK(!jose_media_type_eq("JWT\0x", 5, "JWT", 3));
	CHECK(!jose_media_type_eq("J\0T", 3, "J\0X", 3));
	t = unsecured("{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"cty\":\"JWT\\u0000\"}", "x");
	snprintf(header, sizeof(header), "%s.AAAA.AAAA", t);
	p = policy_for(0);
	CHECK_STATUS(run(&ws, header, sk, ek, &p, &out, &err), JOSE_E_JSON);
	free(t);
	free(inner);
	jose_keyset_free(sk);
	jose_keyset_free(ek);
	jose_workspace_free(&ws);
}

void
suite_token(void)
{
	RUN(split_finds_the_segments);
	RUN(split_refusals_name_what_was_expected);
	RUN(jws_verifies_to_claims);
	RUN(jws_refusals);
	RUN(jwe_decrypts_to_claims);
	RUN(jwe_refusals);
	RUN(nested_verifies_to_claims);
	RUN(nested_refusals);
	RUN(cty_variants);
}
