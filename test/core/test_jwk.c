/*
 * test_jwk.c
 *		Loading keys from JWK and JWKS text (src/core/jwk.c, key.c).
 *
 * A key's own description decides what it may do: "alg" binds it, "use"
 * and "key_ops" restrict it, and a description that contradicts itself or
 * uses lenient encodings is refused.  In a JWKS, keys of unknown types are
 * skipped (RFC 7517 section 5) but a set with no usable key is an error.
 */
#include "harness.h"
#include "../../src/core/jwk.h"
#include "../../src/core/keytext.h"
#include "../../src/core/key.h"
#include "../../src/core/bounds.h"

#include <stdlib.h>

/* base64url of 32 bytes "AAAA...A" */
#define K32 "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"

static jose_status
load(const char *text, jose_keyset **ks, jose_err *err)
{
	jose_err_clear(err);
	return jose_keyset_from_jwk_text(text, strlen(text), ks, err);
}

static void
single_oct_jwk(void)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	CHECK_STATUS(load("{\"kty\":\"oct\",\"k\":\"" K32 "\"}", &ks, &err), JOSE_OK);
	if (ks != NULL)
	{
		jose_key   *k = ks->keys[0];

		CHECK(!ks->is_set && ks->count == 1);
		CHECK(k->kty == JOSE_KTY_OCT && k->from_jwk);
		CHECK(k->secret_len == 32 && memcmp(k->secret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32) == 0);
		CHECK(k->alg == JOSE_ALG_UNKNOWN && k->alg_name[0] == '\0');
		CHECK(k->kid == NULL && k->ops == JOSE_OP_ALL);
		CHECK(jose_key_default_alg(k) == JOSE_ALG_HS256);
		jose_keyset_free(ks);
	}
	CHECK_STATUS(load(" \n{\"kid\":\"k-1\",\"alg\":\"HS384\",\"use\":\"sig\",\"kty\":\"oct\",\"k\":\"" K32 "\",\"x\":[1]}\n",
					  &ks, &err), JOSE_OK);
	if (ks != NULL)
	{
		jose_key   *k = ks->keys[0];

		CHECK(k->kid != NULL && strcmp(k->kid, "k-1") == 0 && k->kid_len == 3);
		CHECK(k->alg == JOSE_ALG_HS384 && strcmp(k->alg_name, "HS384") == 0);
		CHECK(jose_key_default_alg(k) == JOSE_ALG_HS384);
		CHECK(k->ops == (JOSE_OP_SIGN | JOSE_OP_VERIFY));
		/* 32 bytes are too short for the HS384 it is bound to */
		CHECK_STATUS(jose_key_check_jws(k, JOSE_ALG_HS384, JOSE_OP_VERIFY, &err), JOSE_E_KEY);
		CHECK_STATUS(jose_key_check_jws(k, JOSE_ALG_HS256, JOSE_OP_VERIFY, &err), JOSE_E_ALG_NOT_ALLOWED);
		jose_keyset_free(ks);
	}
	/* bound to an algorithm that is not a JWS one: no default */
	CHECK_STATUS(load("{\"kty\":\"oct\",\"alg\":\"A128KW\",\"k\":\"" K32 "\"}", &ks, &err), JOSE_OK);
	if (ks != NULL)
	{
		CHECK(jose_key_default_alg(ks->keys[0]) == JOSE_ALG_UNKNOWN);
		CHECK_STATUS(jose_key_check_jws(ks->keys[0], JOSE_ALG_HS256, JOSE_OP_VERIFY, &err), JOSE_E_ALG_NOT_ALLOWED);
		jose_keyset_free(ks);
	}
}

/* Every refused JWK, with its status. */
static void
refused_jwks(void)
{
	static const struct
	{
		const char *text;
		jose_status want;
	}			cases[] = {
		{"", JOSE_E_KEY},
		{"{", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"" K32 "\",}", JOSE_E_KEY},
		{"[{\"kty\":\"oct\",\"k\":\"" K32 "\"}]", JOSE_E_KEY},
		{"\"" K32 "\"", JOSE_E_KEY},
		{"{\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":1,\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"OCT\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":32}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"" K32 "=\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"QUFB+UFB\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"QUFB/UFB\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"QUFB QUFB\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"QUF\"}", JOSE_E_KEY},		/* non-canonical last char */
		{"{\"kty\":\"oct\",\"k\":\"QUFBQ\"}", JOSE_E_KEY},		/* length 4k+1 */
		{"{\"kty\":\"oct\",\"k\":\"" K32 "\",\"k\":\"" K32 "\"}", JOSE_E_KEY},	/* duplicate */
		{"{\"kty\":\"oct\",\"alg\":\"none\",\"k\":\"" K32 "\"}", JOSE_E_ALG_NONE},
		{"{\"kty\":\"oct\",\"alg\":\"\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"alg\":\"HS256HS256HS256HS256HS25\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"alg\":256,\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"alg\":\"RS256\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"alg\":\"ES256\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"alg\":\"EdDSA\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"kid\":7,\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"use\":1,\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"key_ops\":\"sign\",\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"key_ops\":[1],\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"key_ops\":[\"sign\",\"sign\"],\"k\":\"" K32 "\"}", JOSE_E_KEY},
		/* RFC 7517 4.3: duplicates are refused even for operations we do not know */
		{"{\"kty\":\"oct\",\"key_ops\":[\"future\",\"verify\",\"future\"],\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"use\":\"sig\",\"key_ops\":[\"encrypt\"],\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"use\":\"enc\",\"key_ops\":[\"verify\"],\"k\":\"" K32 "\"}", JOSE_E_KEY},
		{"{\"kty\":\"oct\",\"k\":\"" K32 "\",\"x\":[[[[[[[[1]]]]]]]]}", JOSE_E_LIMIT},
	};
	jose_keyset *ks;
	jose_err	err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		jose_status st = load(cases[i].text, &ks, &err);

		CHECKF(st == cases[i].want, "%s: got %s (%s)", cases[i].text, jose_status_message(st), err.detail);
		CHECKF(ks == NULL, "%s: set returned", cases[i].text);
		jose_keyset_free(ks);
	}
	CHECK_STATUS(load("{\"kty\":\"oct\",\"alg\":\"RS256\",\"k\":\"" K32 "\"}", &ks, &err), JOSE_E_KEY);
	CHECK_STR(err.detail, "A JWK of kty \"oct\" cannot have \"alg\" RS256.");
	CHECK_STATUS(load("{\"kty\":\"oct\"}", &ks, &err), JOSE_E_KEY);
	CHECK_STR(err.detail, "The JWK has no \"k\" member.");
	CHECK_STATUS(load("{\"kty\":\"oct\",\"use\":\"sig\",\"key_ops\":[\"encrypt\"],\"k\":\"" K32 "\"}", &ks, &err), JOSE_E_KEY);
	CHECK_STR(err.detail, "The JWK members \"use\" and \"key_ops\" contradict each other.");
}

/* use and key_ops decide the operations. */
static void
use_and_key_ops(void)
{
	static const struct
	{
		const char *members;
		unsigned	ops;
	}			cases[] = {
		{"", JOSE_OP_ALL},
		{"\"use\":\"sig\",", JOSE_OP_SIGN | JOSE_OP_VERIFY},
		{"\"use\":\"enc\",", JOSE_OP_ALL & ~(JOSE_OP_SIGN | JOSE_OP_VERIFY)},
		{"\"use\":\"other\",", 0},
		{"\"key_ops\":[\"verify\"],", JOSE_OP_VERIFY},
		{"\"key_ops\":[\"sign\",\"verify\"],", JOSE_OP_SIGN | JOSE_OP_VERIFY},
		{"\"key_ops\":[],", 0},
		{"\"key_ops\":[\"future\",\"verify\"],", JOSE_OP_VERIFY},
		{"\"use\":\"sig\",\"key_ops\":[\"verify\"],", JOSE_OP_VERIFY},
	};
	jose_keyset *ks;
	jose_err	err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char		text[256];

		snprintf(text, sizeof(text), "{%s\"kty\":\"oct\",\"k\":\"" K32 "\"}", cases[i].members);
		CHECKF(load(text, &ks, &err) == JOSE_OK, "%s: %s", text, err.detail);
		if (ks == NULL)
			continue;
		CHECKF(ks->keys[0]->ops == cases[i].ops, "%s: ops 0x%x", text, ks->keys[0]->ops);
		CHECKF((jose_key_check_jws(ks->keys[0], JOSE_ALG_HS256, JOSE_OP_VERIFY, &err) == JOSE_OK) ==
			   ((cases[i].ops & JOSE_OP_VERIFY) != 0), "%s verify", text);
		CHECKF((jose_key_check_jws(ks->keys[0], JOSE_ALG_HS256, JOSE_OP_SIGN, &err) == JOSE_OK) ==
			   ((cases[i].ops & JOSE_OP_SIGN) != 0), "%s sign", text);
		jose_keyset_free(ks);
	}
}

static void
jwks_rules(void)
{
	jose_keyset *ks;
	jose_err	err;

	CHECK_STATUS(load("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"1\",\"k\":\"" K32 "\"},"
					  "{\"kty\":\"oct\",\"kid\":\"2\",\"k\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\"}]}",
					  &ks, &err), JOSE_OK);
	if (ks != NULL)
	{
		CHECK(ks->is_set && ks->count == 2);
		CHECK(strcmp(ks->keys[0]->kid, "1") == 0 && strcmp(ks->keys[1]->kid, "2") == 0);
		CHECK(ks->keys[1]->secret[0] == 'B');
		jose_keyset_free(ks);
	}
	/* unknown and broken members are skipped, in order */
	CHECK_STATUS(load("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
					  "{\"kty\":\"oct\",\"kid\":\"x\",\"k\":\"bad=\"},1,\"s\",[],"
					  "{\"kty\":\"oct\",\"kid\":\"ok\",\"k\":\"" K32 "\"},"
					  "{\"kty\":\"EC\",\"crv\":\"P-256\"}]}", &ks, &err), JOSE_OK);
	if (ks != NULL)
	{
		CHECK(ks->is_set && ks->count == 1 && strcmp(ks->keys[0]->kid, "ok") == 0);
		jose_keyset_free(ks);
	}
	/* a set with one key is still a set */
	CHECK_STATUS(load("{\"keys\":[{\"kty\":\"oct\",\"k\":\"" K32 "\"}]}", &ks, &err), JOSE_OK);
	CHECK(ks != NULL && ks->is_set && ks->count == 1);
	jose_keyset_free(ks);
	CHECK_STATUS(load("{\"keys\":[]}", &ks, &err), JOSE_E_KEY);
	CHECK_STR(err.detail, "The JWKS holds no usable key.");
	CHECK_STATUS(load("{\"keys\":[{\"kty\":\"RSA\"}]}", &ks, &err), JOSE_E_KEY);
	CHECK_STATUS(load("{\"keys\":{}}", &ks, &err), JOSE_E_KEY);
	CHECK_STR(err.detail, "The JWKS member \"keys\" is not an array.");
	CHECK_STATUS(load("{\"keys\":null}", &ks, &err), JOSE_E_KEY);
	CHECK_STATUS(load("{\"keys\":[],\"keys\":[]}", &ks, &err), JOSE_E_KEY);
	/* 100 keys are fine, 101 are over the limit */
	{
		size_t		cap = 101 * 80 + 32;
		char	   *s = malloc(cap);

		for (int n = 100; n <= 101; n++)
		{
			size_t		len = (size_t) snprintf(s, cap, "{\"keys\":[");

			for (int i = 0; i < n; i++)
				len += (size_t) snprintf(s + len, cap - len, "%s{\"kty\":\"oct\",\"kid\":\"%d\",\"k\":\"" K32 "\"}",
										 i ? "," : "", i);
			snprintf(s + len, cap - len, "]}");
			CHECKF(load(s, &ks, &err) == (n <= JOSE_MAX_JWKS_KEYS ? JOSE_OK : JOSE_E_LIMIT), "%d keys", n);
			if (ks != NULL)
				CHECK(ks->count == 100);
			jose_keyset_free(ks);
		}
		free(s);
	}
}

static void
size_limits(void)
{
	jose_keyset *ks;
	jose_err	err;
	char	   *s;
	size_t		n;

	/* kid of 256 bytes is fine, 257 over */
	for (int kl = 256; kl <= 257; kl++)
	{
		char		text[512];
		char		kid[300];

		memset(kid, 'k', (size_t) kl);
		kid[kl] = '\0';
		snprintf(text, sizeof(text), "{\"kty\":\"oct\",\"kid\":\"%s\",\"k\":\"" K32 "\"}", kid);
		CHECKF(load(text, &ks, &err) == (kl <= JOSE_MAX_KID_LEN ? JOSE_OK : JOSE_E_LIMIT), "kid %d", kl);
		jose_keyset_free(ks);
	}
	/* secrets: 8192 bytes are fine, 8193 over (as JWK and as raw secret) */
	for (size_t bytes = 8190; bytes <= 8193; bytes++)
	{
		size_t		enc = bytes / 3 * 4 + (bytes % 3 ? bytes % 3 + 1 : 0);
		unsigned char *raw = calloc(1, bytes);

		s = malloc(enc + 64);
		n = (size_t) sprintf(s, "{\"kty\":\"oct\",\"k\":\"");
		memset(s + n, 'A', enc);
		n += enc;
		strcpy(s + n, "\"}");
		CHECKF(load(s, &ks, &err) == (bytes <= JOSE_MAX_SECRET_LEN ? JOSE_OK : JOSE_E_LIMIT), "%zu-byte k", bytes);
		jose_keyset_free(ks);
		CHECKF(jose_keyset_from_secret(raw, bytes, &ks, &err) ==
			   (bytes <= JOSE_MAX_SECRET_LEN ? JOSE_OK : JOSE_E_LIMIT), "%zu-byte secret", bytes);
		jose_keyset_free(ks);
		free(s);
		free(raw);
	}
	CHECK_STATUS(jose_keyset_from_secret((const unsigned char *) "", 0, &ks, &err), JOSE_E_KEY);
	CHECK(ks == NULL);
	CHECK_STR(err.detail, "The secret (or password) is empty.");
	/* key text over 256 KiB is refused before parsing */
	n = JOSE_MAX_KEY_TEXT + 1;
	s = malloc(n + 1);
	memset(s, ' ', n);
	memcpy(s, "{\"kty\":\"oct\",\"k\":\"" K32 "\"}", strlen("{\"kty\":\"oct\",\"k\":\"" K32 "\"}"));
	s[n] = '\0';
	CHECK_STATUS(jose_keyset_from_jwk_text(s, n, &ks, &err), JOSE_E_LIMIT);
	CHECK_STATUS(jose_keyset_from_jwk_text(s, n - 1, &ks, &err), JOSE_OK);
	jose_keyset_free(ks);
	free(s);
}

/* HMAC key strength per algorithm: the secret must be at least the hash size. */
static void
hmac_key_strength(void)
{
	static const struct
	{
		jose_alg	alg;
		size_t		min;
	}			algs[] = {{JOSE_ALG_HS256, 32}, {JOSE_ALG_HS384, 48}, {JOSE_ALG_HS512, 64}};
	unsigned char secret[64] = {0};
	jose_err	err;

	for (size_t i = 0; i < 3; i++)
		for (size_t len = algs[i].min - 1; len <= algs[i].min; len++)
		{
			jose_keyset *ks = NULL;

			CHECK_STATUS(jose_keyset_from_secret(secret, len, &ks, &err), JOSE_OK);
			if (ks == NULL)
				continue;
			CHECKF(jose_key_check_jws(ks->keys[0], algs[i].alg, JOSE_OP_VERIFY, &err) ==
				   (len >= algs[i].min ? JOSE_OK : JOSE_E_KEY), "%s with %zu bytes",
				   jose_alg_get(algs[i].alg)->name, len);
			jose_keyset_free(ks);
		}
}

/* The key-form sniffing helpers used by the host. */
static void
jwk_and_pem_sniffing(void)
{
	CHECK(jose_text_looks_like_jwk("{}", 2));
	CHECK(jose_text_looks_like_jwk(" \r\n\t{", 5));
	CHECK(!jose_text_looks_like_jwk("x{", 2));
	CHECK(!jose_text_looks_like_jwk("", 0));
	CHECK(!jose_text_looks_like_jwk("[{}]", 4));
	CHECK(jose_text_has_pem_armour("-----BEGIN PUBLIC KEY-----", 26));
	CHECK(jose_text_has_pem_armour("\n  -----BEGIN X", 15));
	CHECK(!jose_text_has_pem_armour("-----BEGIN", 10));
	CHECK(jose_text_has_pem_armour("x-----BEGIN PUBLIC KEY-----", 27));
	CHECK(jose_text_has_pem_armour("Bag Attributes\n-----BEGIN CERTIFICATE-----", 42));
	CHECK(jose_text_has_pem_armour("---- BEGIN SSH2 PUBLIC KEY ----", 31));
	CHECK(!jose_text_has_pem_armour("", 0));
}

void
suite_jwk(void)
{
	RUN(single_oct_jwk);
	RUN(refused_jwks);
	RUN(use_and_key_ops);
	RUN(jwks_rules);
	RUN(size_limits);
	RUN(hmac_key_strength);
	RUN(jwk_and_pem_sniffing);
}
