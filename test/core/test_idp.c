/*
 * test_idp.c
 *		Issuer-bound keys (src/core/issuer.c through the verification entry
 *		point), the verified-token cache (src/core/tokencache.c) with its
 *		SipHash, and the revocation set (src/core/revocation.c).
 *
 * Keys are bound the way a keyring row binds them (jose_keyring_row_key);
 * tokens are signed by the core's own signer.  SipHash-2-4 is checked
 * against the reference vectors of its paper and against OpenSSL's own
 * SIPHASH MAC, an independent implementation.
 */
#include "harness.h"
#include "../../src/core/b64url.h"
#include "../../src/core/jws.h"
#include "../../src/core/key.h"
#include "../../src/core/keyring_row.h"
#include "../../src/core/revocation.h"
#include "../../src/core/token.h"
#include "../../src/core/tokencache.h"

#include <math.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static const jose_limits limits = {JOSE_DEFAULT_MAX_TOKEN_SIZE, JOSE_DEFAULT_MAX_JSON_DEPTH,
JOSE_DEFAULT_MAX_JSON_VALUES, JOSE_DEFAULT_MAX_PBES2_COUNT};

#define NOW 1700000000.0

/* Secrets of 32 bytes: A's, B's (and C's: A's again), the host's own. */
static const char secret_a[] = "issuer-a-secret-0123456789abcdef";
static const char secret_b[] = "issuer-b-secret-0123456789abcdef";
static const char secret_own[] = "the-hosts-own-secret-0123456789a";

/* A keyring key: an oct JWK of secret, bound to kid, issuer and audience (either may be NULL). */
static jose_key *
bound_key(const char *secret, const char *kid, const char *issuer, const char *audience)
{
	char		jwk[128];
	unsigned char k64[64];
	jose_keyring_row row = {0};
	jose_key   *key = NULL;
	jose_err	err;
	size_t		n = jose_b64url_encode((const unsigned char *) secret, strlen(secret), (char *) k64);

	snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"%.*s\"}", (int) n, k64);
	row.kid = kid;
	row.kid_len = strlen(kid);
	row.has_purposes = true;
	row.purposes = JOSE_PURPOSE_VERIFY;
	row.alg = "HS256";
	row.jwk = jwk;
	row.jwk_len = strlen(jwk);
	row.has_not_before = true;
	row.has_created_at = true;
	row.issuer = issuer;
	row.issuer_len = issuer ? strlen(issuer) : 0;
	row.audience = audience;
	row.audience_len = audience ? strlen(audience) : 0;
	if (jose_keyring_row_check(&row, &err) != JOSE_OK || jose_keyring_row_key(&row, &key, &err) != JOSE_OK)
		printf("#   key refused: %s\n", err.detail);
	return key;
}

/* A one-key, not-a-set key set of secret (to sign with). */
static jose_keyset *
signer(const char *secret)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	jose_keyset_from_secret((const unsigned char *) secret, strlen(secret), &ks, &err);
	return ks;
}

/* An HS256 JWS of payload with secret, header kid (NULL: none); malloc'd. */
static char *
token(jose_workspace *ws, const char *secret, const char *kid, const char *payload)
{
	jose_keyset *ks = signer(secret);
	char		header[64];
	jose_err	err;
	char	   *t = NULL;

	snprintf(header, sizeof(header), "{\"kid\":\"%s\"}", kid ? kid : "");
	if (ks != NULL &&
		jose_jws_sign(ws, ks, JOSE_ALG_HS256, kid ? header : NULL, kid ? strlen(header) : 0,
					  (const unsigned char *) payload, strlen(payload), true, &limits, &err) == JOSE_OK)
		t = strndup(ws->out.data, ws->out.len);
	jose_keyset_free(ks);
	return t;
}

/* The keyring of the tests: A and B share kid k1, C holds A's secret, and the host's own key. */
typedef struct ring
{
	jose_key   *keys[4];
	jose_keyset set;
} ring;

static void
ring_init(ring *r)
{
	r->keys[0] = bound_key(secret_a, "k1", "https://a.example/", "api-a");
	r->keys[1] = bound_key(secret_b, "k1", "https://b.example", "api-b");
	r->keys[2] = bound_key(secret_a, "c1", "https://c.example", NULL);
	r->keys[3] = bound_key(secret_own, "own", NULL, NULL);
	memset(&r->set, 0, sizeof(r->set));
	r->set.keys = r->keys;
	r->set.count = 4;
	r->set.is_set = true;
	r->set.name = "keyring";
}

static void
ring_free(ring *r)
{
	for (int i = 0; i < 4; i++)
		jose_key_free(r->keys[i]);
}

/* Verify t under ring r and policy p; the status, with err filled. */
static jose_status
verify_in(jose_workspace *ws, const char *t, const jose_keyset *set, const jose_token_policy *p,
		  jose_err *err)
{
	jose_token	out;

	jose_err_clear(err);
	if (t == NULL)
		return jose_fail(err, JOSE_E_ARGUMENT, "no token was made");
	return jose_token_verify(ws, t, strlen(t), set, NULL, p, &limits, &out, err);
}

/* Each issuer's own tokens pass; every crossing fails with the reason. */
static void
issuer_binding(void)
{
	static const struct
	{
		const char *secret;
		const char *kid;
		const char *payload;
		jose_status st;
		const char *detail;
	}			cases[] = {
		{secret_a, "k1", "{\"iss\":\"https://a.example/\",\"aud\":\"api-a\"}", JOSE_OK, ""},
		{secret_b, "k1", "{\"iss\":\"https://b.example\",\"aud\":\"api-b\"}", JOSE_OK, ""},
		{secret_a, "c1", "{\"iss\":\"https://c.example\",\"aud\":\"anything\"}", JOSE_OK, ""},
		{secret_a, NULL, "{\"iss\":\"https://a.example/\",\"aud\":\"api-a\"}", JOSE_OK, ""},
		{secret_own, "own", "{\"iss\":\"https://mine\"}", JOSE_OK, ""},
		{secret_own, "own", "{}", JOSE_OK, ""},
		{secret_a, "k1", "{\"iss\":\"https://b.example\",\"aud\":\"api-b\"}", JOSE_E_SIGNATURE,
		"The signature does not match the key."},
		{secret_a, "k1", "{\"iss\":\"https://a.example/\",\"aud\":\"api-b\"}", JOSE_E_AUDIENCE,
		"The token's \"aud\" claim does not include the expected audience."},
		{secret_a, "k1", "{\"iss\":\"https://a.example/\"}", JOSE_E_AUDIENCE,
		"The token has no \"aud\" claim and an audience is expected."},
		{secret_a, "c1", "{\"iss\":\"https://a.example/\",\"aud\":\"api-a\"}", JOSE_E_KEY_NOT_FOUND,
		"No key of issuer \"https://a.example/\" in the keyring has the token's \"kid\" \"c1\"."},
		{secret_a, "k1", "{\"iss\":\"https://a.example\",\"aud\":\"api-a\"}", JOSE_E_KEY_NOT_FOUND,
		"No key in the keyring has the token's \"kid\" \"k1\": none is bound to the token's issuer \"https://a.example\", and none bound to no issuer has that kid."},
		{secret_a, "k1", "{\"aud\":\"api-a\"}", JOSE_E_KEY_NOT_FOUND,
		"No key bound to no issuer in the keyring has the token's \"kid\" \"k1\" (the token has no \"iss\" claim)."},
		{secret_own, "own", "{\"iss\":\"https://a.example/\",\"aud\":\"api-a\"}", JOSE_E_KEY_NOT_FOUND,
		"No key of issuer \"https://a.example/\" in the keyring has the token's \"kid\" \"own\"."},
		{secret_own, NULL, "{\"iss\":\"https://b.example\",\"aud\":\"api-b\"}", JOSE_E_SIGNATURE,
		"The signature matches none of the 1 candidate keys."},
		{secret_a, "k1", "{\"iss\":1}", JOSE_E_CLAIM, "The \"iss\" claim must be a string."},
	};
	jose_workspace ws;
	jose_token_policy p;
	jose_err	err;
	ring		r;

	jose_workspace_init(&ws);
	ring_init(&r);
	memset(&p, 0, sizeof(p));
	p.claims.now = NOW;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *t = token(&ws, cases[i].secret, cases[i].kid, cases[i].payload);

		CHECKF(verify_in(&ws, t, &r.set, &p, &err) == cases[i].st, "case %zu: %s", i, err.detail);
		if (cases[i].st != JOSE_OK)
			CHECKF(strcmp(err.detail, cases[i].detail) == 0, "case %zu: %s", i, err.detail);
		free(t);
	}
	ring_free(&r);
	jose_workspace_free(&ws);
}

/*
 * An issuer the host binds keys to, though none of them is in the set
 * given (all outside their window): an unbound key never verifies its
 * tokens.
 */
static void
bound_issuers_beyond_the_set(void)
{
	const char *names[] = {"https://gone.example"};
	const size_t lens[] = {20};
	jose_issuers known = {names, lens, 1};
	jose_workspace ws;
	jose_token_policy p;
	jose_err	err;
	jose_key   *own = bound_key(secret_own, "own", NULL, NULL);
	jose_keyset set = {&own, 1, true, "keyring", 0, NULL, 0};
	char	   *t;

	jose_workspace_init(&ws);
	memset(&p, 0, sizeof(p));
	p.claims.now = NOW;
	t = token(&ws, secret_own, "own", "{\"iss\":\"https://gone.example\"}");
	CHECK_STATUS(verify_in(&ws, t, &set, &p, &err), JOSE_OK);
	p.bound_issuers = &known;
	CHECK_STATUS(verify_in(&ws, t, &set, &p, &err), JOSE_E_KEY_NOT_FOUND);
	CHECK_STR(err.detail, "The keyring has no key of issuer \"https://gone.example\" valid now to verify with.");
	free(t);
	/* the post-verification check catches an unbound key a caller let through */
	CHECK_STATUS(jose_issuer_permits(own, true, "https://gone.example", 20, &err), JOSE_E_ISSUER);
	CHECK_STATUS(jose_issuer_permits(own, false, "https://x", 9, &err), JOSE_OK);
	jose_key_free(own);
	jose_workspace_free(&ws);
}

/* The details of "no matching key" for each scope. */
static void
no_key_details(void)
{
	jose_keyset s = {NULL, 0, true, NULL, JOSE_SCOPE_ALL, NULL, 0};
	jose_err	err;

	CHECK_STATUS(jose_keyset_no_key(&s, NULL, 0, "verify", "ES256", &err), JOSE_E_KEY_NOT_FOUND);
	CHECK_STR(err.detail, "The key set has no key valid now to verify with.");
	s.count = 1;
	jose_keyset_no_key(&s, "a\"b\n", 4, "verify", NULL, &err);
	CHECK_STR(err.detail, "No key in the key set has the token's \"kid\" \"a\\\"b\\x0a\".");
	jose_keyset_no_key(&s, NULL, 0, "decrypt", "A256KW", &err);
	CHECK_STR(err.detail, "No key in the key set can decrypt A256KW.");
	s.scope = JOSE_SCOPE_UNBOUND;
	s.count = 0;
	s.name = "keyring";
	jose_keyset_no_key(&s, NULL, 0, "verify", "ES256", &err);
	CHECK_STR(err.detail, "The token has no \"iss\" claim, and every key of the keyring valid now is bound to an issuer.");
	s.issuer = "https://x";
	s.issuer_len = 9;
	jose_keyset_no_key(&s, NULL, 0, "verify", "ES256", &err);
	CHECK_STR(err.detail, "The keyring has no key for the token's issuer \"https://x\".");
}

/* SipHash-2-4: the paper's vectors, and OpenSSL's SIPHASH on other inputs. */
static void
siphash_vectors(void)
{
	unsigned char key[16];
	unsigned char msg[64];

	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char) i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char) i;
	CHECK(jose_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	CHECK(jose_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);

	for (size_t len = 0; len < 64; len++)
	{
		EVP_MAC    *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
		EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
		size_t		size = 8;
		OSSL_PARAM	params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_END};
		unsigned char out[8];
		size_t		outlen = 0;
		uint64_t	want = 0;

		CHECK(ctx != NULL && EVP_MAC_init(ctx, key, 16, params) == 1 &&
			  EVP_MAC_update(ctx, msg, len) == 1 && EVP_MAC_final(ctx, out, &outlen, 8) == 1 &&
			  outlen == 8);
		for (int i = 7; i >= 0; i--)
			want = (want << 8) | out[i];
		CHECKF(jose_siphash(key, msg, len) == want, "length %zu", len);
		EVP_MAC_CTX_free(ctx);
		EVP_MAC_free(mac);
	}
}

/* A cached token's value, valid from the window [from, until) and with exp/nbf. */
static jose_cached_token
cached(const char *data, double exp, double nbf, double from, double until)
{
	jose_cached_token v;

	memset(&v, 0, sizeof(v));
	v.times.has_exp = !isnan(exp);
	v.times.exp = exp;
	v.times.has_nbf = !isnan(nbf);
	v.times.nbf = nbf;
	v.leeway = 10;
	v.valid_from = from;
	v.valid_until = until;
	v.data = (const unsigned char *) data;
	v.data_len = strlen(data) + 1;
	return v;
}

/* Hits, misses, the time checks on a hit, bounds, and a generation change. */
static void
token_cache_rules(void)
{
	jose_tokencache c;
	jose_cached_token v;
	const jose_cached_token *got;

	jose_tokencache_init(&c, 2, 4096);
	v = cached("claims-1", NOW + 100, NAN, -HUGE_VAL, HUGE_VAL);
	CHECK(jose_tokencache_get(&c, "tok-1", 5, NOW) == NULL);
	jose_tokencache_put(&c, "tok-1", 5, &v);
	got = jose_tokencache_get(&c, "tok-1", 5, NOW);
	CHECK(got != NULL && strcmp((const char *) got->data, "claims-1") == 0);
	/* the whole token is the key: a prefix, a longer token, one byte off */
	CHECK(jose_tokencache_get(&c, "tok-", 4, NOW) == NULL);
	CHECK(jose_tokencache_get(&c, "tok-12", 6, NOW) == NULL);
	CHECK(jose_tokencache_get(&c, "tok-2", 5, NOW) == NULL);
	CHECK(c.hits == 1 && c.misses == 4 && c.entries == 1);
	/* exp with leeway: still good just before exp + leeway, dropped at it */
	CHECK(jose_tokencache_get(&c, "tok-1", 5, NOW + 109.5) != NULL);
	CHECK(jose_tokencache_get(&c, "tok-1", 5, NOW + 110) == NULL);
	CHECK(c.entries == 0);
	/* nbf with leeway, and the keys' window */
	v = cached("claims-2", NAN, NOW + 100, -HUGE_VAL, HUGE_VAL);
	jose_tokencache_put(&c, "tok-2", 5, &v);
	CHECK(jose_tokencache_get(&c, "tok-2", 5, NOW + 90) != NULL);
	CHECK(jose_tokencache_get(&c, "tok-2", 5, NOW + 89) == NULL);
	v = cached("claims-3", NAN, NAN, NOW - 10, NOW + 10);
	jose_tokencache_put(&c, "tok-3", 5, &v);
	CHECK(jose_tokencache_get(&c, "tok-3", 5, NOW + 9) != NULL);
	CHECK(jose_tokencache_get(&c, "tok-3", 5, NOW + 10) == NULL);
	/* bounds: entries, then memory (LRU first) */
	v = cached("x", NAN, NAN, -HUGE_VAL, HUGE_VAL);
	jose_tokencache_put(&c, "a", 1, &v);
	jose_tokencache_put(&c, "b", 1, &v);
	CHECK(jose_tokencache_get(&c, "a", 1, NOW) != NULL);
	jose_tokencache_put(&c, "c", 1, &v);
	CHECK(c.entries == 2 && c.evictions >= 1);
	CHECK(jose_tokencache_get(&c, "b", 1, NOW) == NULL);
	CHECK(jose_tokencache_get(&c, "a", 1, NOW) != NULL && jose_tokencache_get(&c, "c", 1, NOW) != NULL);
	jose_tokencache_set_bounds(&c, 100, 1);
	CHECK(c.entries == 0 && c.bytes == 0);
	jose_tokencache_put(&c, "d", 1, &v);
	CHECK(c.entries == 0);
	/* a new generation empties it; the same one keeps it */
	jose_tokencache_set_bounds(&c, 100, 4096);
	jose_tokencache_put(&c, "e", 1, &v);
	CHECK(!jose_tokencache_sync(&c, 0) && c.entries == 1);
	CHECK(jose_tokencache_sync(&c, 7) && c.entries == 0 && c.generation == 7);
	/* off */
	jose_tokencache_set_bounds(&c, 0, 4096);
	jose_tokencache_put(&c, "f", 1, &v);
	CHECK(c.entries == 0);
	/* many entries grow the buckets and all stay findable */
	jose_tokencache_set_bounds(&c, 1000, 1 << 20);
	for (int i = 0; i < 500; i++)
	{
		char		t[16];

		snprintf(t, sizeof(t), "token-%d", i);
		jose_tokencache_put(&c, t, strlen(t), &v);
	}
	CHECK(c.entries == 500 && c.n_buckets >= 512);
	for (int i = 0; i < 500; i++)
	{
		char		t[16];

		snprintf(t, sizeof(t), "token-%d", i);
		CHECKF(jose_tokencache_get(&c, t, strlen(t), NOW) != NULL, "%s", t);
	}
	jose_tokencache_free(&c);
}

/* Revocations by jti and by subject, scoped by issuer, expiring. */
static void
revocation_rules(void)
{
	static const struct
	{
		const char *claims;
		jose_status st;
	}			cases[] = {
		{"{\"jti\":\"j1\"}", JOSE_E_REVOKED},
		{"{\"jti\":\"j1\",\"iss\":\"https://x\"}", JOSE_E_REVOKED},
		{"{\"jti\":\"j2\"}", JOSE_OK},
		{"{\"jti\":\"j2\",\"iss\":\"https://i\"}", JOSE_E_REVOKED},
		{"{\"jti\":\"j3\"}", JOSE_OK},
		{"{\"jti\":\"J1\"}", JOSE_OK},
		{"{\"sub\":\"s1\",\"iat\":99}", JOSE_E_REVOKED},
		{"{\"sub\":\"s1\",\"iat\":100}", JOSE_OK},
		{"{\"sub\":\"s1\"}", JOSE_E_REVOKED},
		{"{\"sub\":\"s2\",\"iat\":1e12}", JOSE_E_REVOKED},
		{"{\"sub\":\"s3\",\"iat\":1}", JOSE_OK},
		{"{\"jti\":\"old\"}", JOSE_OK},
	};
	jose_revocations r;
	jose_revocation_row row;
	jose_json	doc;
	jose_json_limits jl = {8, 100};
	jose_err	err;

	jose_revocations_init(&r);
	memset(&row, 0, sizeof(row));
	row.kind = JOSE_REVOKE_JTI;
	row.value = "j1";
	row.len = 2;
	CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	row.value = "j2";
	row.issuer = "https://i";
	row.issuer_len = 9;
	CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	row.value = "old";
	row.len = 3;
	row.issuer = NULL;
	row.has_expiry = true;
	row.expires_at = NOW;
	CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	memset(&row, 0, sizeof(row));
	row.kind = JOSE_REVOKE_SUBJECT;
	row.value = "s1";
	row.len = 2;
	row.has_before = true;
	row.issued_before = 100;
	CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	row.value = "s2";
	row.has_before = false;
	CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	/* many entries: the set grows and finds them all */
	for (int i = 0; i < 300; i++)
	{
		char		v[16];

		snprintf(v, sizeof(v), "bulk-%d", i);
		row.kind = JOSE_REVOKE_JTI;
		row.value = v;
		row.len = strlen(v);
		CHECK_STATUS(jose_revocations_add(&r, &row, &err), JOSE_OK);
	}
	CHECK(r.count == 305);

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CHECK_STATUS(jose_json_parse(&doc, cases[i].claims, strlen(cases[i].claims), &jl, "claims", &err),
					 JOSE_OK);
		CHECKF(jose_revocation_check(&r, &doc, NOW, &err) == cases[i].st, "case %zu: %s", i,
			   cases[i].claims);
	}
	CHECK_STATUS(jose_json_parse(&doc, "{\"jti\":\"bulk-299\"}", 18, &jl, "claims", &err), JOSE_OK);
	CHECK_STATUS(jose_revocation_check(&r, &doc, NOW, &err), JOSE_E_REVOKED);
	CHECK_STR(err.detail, "The token's \"jti\" is revoked.");
	CHECK_STATUS(jose_json_parse(&doc, "{\"jti\":\"old\"}", 13, &jl, "claims", &err), JOSE_OK);
	CHECK_STATUS(jose_revocation_check(&r, &doc, NOW - 1, &err), JOSE_E_REVOKED);
	jose_json_free(&doc);
	jose_revocations_free(&r);
	CHECK(r.count == 0 && r.n_buckets == 0);
}

void
suite_idp(void)
{
	RUN(issuer_binding);
	RUN(bound_issuers_beyond_the_set);
	RUN(no_key_details);
	RUN(siphash_vectors);
	RUN(token_cache_rules);
	RUN(revocation_rules);
}
