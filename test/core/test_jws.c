/*
 * test_jws.c
 *		JWS compact serialization (src/core/jws.c, sig.c, hmac.c).
 *
 * Signatures are checked against values computed independently (RFC 4231,
 * RFC 7515 A.1, RFC 7520 4.4, and OpenSSL's one-shot HMAC()), never against
 * the code's own output alone.  Then the attacks: any changed byte fails,
 * an oct key never verifies a non-HS algorithm (algorithm confusion), the
 * header's "alg" only selects among allowed algorithms, and every header
 * rule is enforced before any signature work.
 */
#include "harness.h"
#include "../../src/core/b64url.h"
#include "../../src/core/hmac.h"
#include "../../src/core/jws.h"
#include "../../src/core/jwk.h"
#include "../../src/core/key.h"
#include "../../src/core/sig.h"

#include <stdlib.h>

#include <openssl/hmac.h>

static const jose_limits limits = {JOSE_DEFAULT_MAX_TOKEN_SIZE, JOSE_DEFAULT_MAX_JSON_DEPTH,
JOSE_DEFAULT_MAX_JSON_VALUES};

static const jose_alg_set ALL_ALGS = ((jose_alg_set) 1 << JOSE_ALG_COUNT) - 2;

/* RFC 7515 Appendix A.1: the HS256 example and its key. */
static const char rfc7515_a1_token[] =
"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
"."
"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
"."
"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc7515_a1_jwk[] =
"{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";

/* A 64-byte secret, enough for every HS algorithm. */
static const unsigned char secret64[64] = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789ABCDE";

static jose_keyset *
secret_keys(const void *secret, size_t len)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	if (jose_keyset_from_secret(secret, len, &ks, &err) != JOSE_OK)
		return NULL;
	return ks;
}

static jose_keyset *
jwk_keys(const char *text)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	if (jose_keyset_from_jwk_text(text, strlen(text), &ks, &err) != JOSE_OK)
	{
		printf("#   jwk refused: %s\n", err.detail);
		return NULL;
	}
	return ks;
}

/* Hex of n bytes into out (2n+1). */
static void
hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/*
 * Build "b64(header).b64(payload).b64(HMAC)" independently of the code
 * under test, with OpenSSL's one-shot HMAC.  md NULL: signature "sig"
 * bytes (siglen) instead.  Returns a malloc'd string.
 */
static char *
make_token(const char *header, const char *payload, size_t payload_len, const EVP_MD *md,
		   const unsigned char *key, size_t keylen)
{
	size_t		hl = strlen(header);
	size_t		cap = JOSE_B64URL_ENCODED_LEN(hl) + JOSE_B64URL_ENCODED_LEN(payload_len) + 200;
	char	   *t = malloc(cap);
	size_t		n = 0;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	n += jose_b64url_encode((const unsigned char *) header, hl, t + n);
	t[n++] = '.';
	n += jose_b64url_encode((const unsigned char *) payload, payload_len, t + n);
	if (md != NULL)
		HMAC(md, key, (int) keylen, (unsigned char *) t, n, mac, &maclen);
	t[n++] = '.';
	n += jose_b64url_encode(mac, maclen, t + n);
	t[n] = '\0';
	return t;
}

static jose_status
verify(jose_workspace *ws, const char *token, const jose_keyset *ks, jose_alg_set allowed,
	   jose_jws *jws, jose_err *err)
{
	jose_err_clear(err);
	return jose_jws_verify(ws, token, strlen(token), ks, allowed, &limits, jws, err);
}

/* RFC 4231 test case 2 through jose_hmac, twice, to cover the re-armed context. */
static void
rfc4231_hmac_vectors(void)
{
	static const struct
	{
		jose_alg	alg;
		const char *mac;
	}			v[] = {
		{JOSE_ALG_HS256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{JOSE_ALG_HS384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		"8e2240ca5e69e2c78b3239ecfab21649"},
		{JOSE_ALG_HS512, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		"9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
	};
	const char *data = "what do ya want for nothing?";
	jose_keyset *ks = secret_keys("Jefe", 4);
	jose_err	err;

	CHECK(ks != NULL);
	if (ks == NULL)
		return;
	for (size_t i = 0; i < 3; i++)
		for (int round = 0; round < 3; round++)
		{
			unsigned char mac[EVP_MAX_MD_SIZE];
			size_t		maclen = 0;
			char		h[2 * EVP_MAX_MD_SIZE + 1];

			/* round 1 MACs other data in between: the context must be re-armed cleanly */
			if (round == 1)
				CHECK(jose_hmac(ks->keys[0], jose_alg_get(v[i].alg), (const unsigned char *) "x", 1,
								mac, &maclen, &err) == JOSE_OK);
			CHECK_STATUS(jose_hmac(ks->keys[0], jose_alg_get(v[i].alg), (const unsigned char *) data,
								   strlen(data), mac, &maclen, &err), JOSE_OK);
			CHECK(maclen == jose_alg_get(v[i].alg)->hash_len);
			hex(mac, maclen, h);
			CHECK_STR(h, v[i].mac);
		}
	jose_keyset_free(ks);
}

/* Sign then verify per HS algorithm; the token matches an independent build. */
static void
sign_verify_round_trip_per_alg(void)
{
	static const struct
	{
		jose_alg	alg;
		const char *name;
		const EVP_MD *(*md) (void);
	}			algs[] = {
		{JOSE_ALG_HS256, "HS256", EVP_sha256},
		{JOSE_ALG_HS384, "HS384", EVP_sha384},
		{JOSE_ALG_HS512, "HS512", EVP_sha512},
	};
	const char *payload = "{\"sub\":\"1234567890\",\"name\":\"J\xC3\xA9r\xC3\xB4me\",\"iat\":1516239022}";
	jose_keyset *ks = secret_keys(secret64, 64);
	jose_workspace ws;
	jose_err	err;

	jose_workspace_init(&ws);
	for (size_t i = 0; i < 3 && ks != NULL; i++)
	{
		char		header[64];
		char	   *expected;
		char	   *token;
		jose_jws	jws;

		CHECK_STATUS(jose_jws_sign(&ws, ks, algs[i].alg, NULL, 0, (const unsigned char *) payload,
								   strlen(payload), true, &limits, &err), JOSE_OK);
		token = strndup(ws.out.data, ws.out.len);
		snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\"}", algs[i].name);
		expected = make_token(header, payload, strlen(payload), algs[i].md(), secret64, 64);
		CHECKF(strcmp(token, expected) == 0, "%s: %s != %s", algs[i].name, token, expected);

		CHECK_STATUS(verify(&ws, token, ks, JOSE_ALG_BIT(algs[i].alg), &jws, &err), JOSE_OK);
		CHECK(jws.alg == algs[i].alg);
		CHECK(jws.key == ks->keys[0]);
		CHECK(jws.payload_len == strlen(payload) && memcmp(jws.payload, payload, jws.payload_len) == 0);
		CHECK(jws.signature_len == jose_alg_get(algs[i].alg)->hash_len);
		CHECK(jws.typ_node != JOSE_JSON_NONE && jose_json_string_eq(&ws.header, jws.typ_node, "JWT", 3));
		CHECK(jws.kid_node == JOSE_JSON_NONE);
		CHECK_STATUS(jose_jws_parse_claims(&ws, &jws, &limits, &err), JOSE_OK);
		CHECK(jose_json_member(&ws.claims, 0, "iat") != JOSE_JSON_NONE);
		CHECK_STATUS(verify(&ws, token, ks, ALL_ALGS, &jws, &err), JOSE_OK);
		/* a bare secret implies HS256 only */
		CHECK_STATUS(verify(&ws, token, ks, 0, &jws, &err),
					 algs[i].alg == JOSE_ALG_HS256 ? JOSE_OK : JOSE_E_ALG_NOT_ALLOWED);
		/* sign_raw form: no typ */
		CHECK_STATUS(jose_jws_sign(&ws, ks, algs[i].alg, NULL, 0, (const unsigned char *) "\x00\xFF", 2,
								   false, &limits, &err), JOSE_OK);
		free(expected);
		snprintf(header, sizeof(header), "{\"alg\":\"%s\"}", algs[i].name);
		expected = make_token(header, "\x00\xFF", 2, algs[i].md(), secret64, 64);
		CHECKF(ws.out.len == strlen(expected) && memcmp(ws.out.data, expected, ws.out.len) == 0,
			   "%s raw", algs[i].name);
		free(expected);
		free(token);
	}
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

/* RFC 7515 A.1 verifies with its JWK; its claims parse; HS256 is implied. */
static void
rfc7515_a1_hs256_example(void)
{
	jose_keyset *ks = jwk_keys(rfc7515_a1_jwk);
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	uint32_t	v;

	CHECK(ks != NULL);
	if (ks == NULL)
		return;
	jose_workspace_init(&ws);
	CHECK_STATUS(verify(&ws, rfc7515_a1_token, ks, 0, &jws, &err), JOSE_OK);
	CHECK_STATUS(verify(&ws, rfc7515_a1_token, ks, JOSE_ALG_BIT(JOSE_ALG_HS256), &jws, &err), JOSE_OK);
	CHECK(jws.alg == JOSE_ALG_HS256);
	CHECK_STATUS(jose_jws_parse_claims(&ws, &jws, &limits, &err), JOSE_OK);
	v = jose_json_member(&ws.claims, 0, "exp");
	CHECK(v != JOSE_JSON_NONE && strcmp(jose_json_text(&ws.claims, v), "1300819380") == 0);
	v = jose_json_member(&ws.claims, 0, "http://example.com/is_root");
	CHECK(v != JOSE_JSON_NONE && ws.claims.nodes[v].type == JOSE_JSON_TRUE);
	CHECK_STATUS(verify(&ws, rfc7515_a1_token, ks, JOSE_ALG_BIT(JOSE_ALG_HS512), &jws, &err),
				 JOSE_E_ALG_NOT_ALLOWED);
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

/* RFC 7520 4.4 (read from the shared vectors): sign reproduces it exactly. */
static void
rfc7520_4_4_hmac_cookbook(void)
{
	char		path[512];
	const char *token =
		"eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9";
	const char *p;
	char	   *file;
	size_t		len;
	jose_keyset *ks;
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	const char *payload =
		"It\xE2\x80\x99s a dangerous business, Frodo, going out your door. You step onto the road, "
		"and if you don't keep your feet, there\xE2\x80\x99s no knowing where you might be swept off to.";
	const char *compact_key = "\"compact\": \"";
	char		compact[1024];

	(void) token;
	if (harness_shared_path("vectors/cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
							path, sizeof(path)) == NULL)
		return;					/* caller reports the skip */
	file = harness_read_file(path, &len);
	CHECK(file != NULL);
	if (file == NULL)
		return;
	p = strstr(file, compact_key);
	CHECK(p != NULL);
	if (p == NULL)
	{
		free(file);
		return;
	}
	p += strlen(compact_key);
	len = strcspn(p, "\"");
	CHECK(len < sizeof(compact));
	snprintf(compact, sizeof(compact), "%.*s", (int) len, p);
	free(file);

	ks = jwk_keys("{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use\":\"sig\","
				  "\"alg\":\"HS256\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg\"}");
	CHECK(ks != NULL);
	if (ks == NULL)
		return;
	jose_workspace_init(&ws);
	CHECK_STATUS(verify(&ws, compact, ks, 0, &jws, &err), JOSE_OK);
	CHECK(jws.payload_len == strlen(payload) && memcmp(jws.payload, payload, jws.payload_len) == 0);
	CHECK_STATUS(jose_jws_sign(&ws, ks, JOSE_ALG_UNKNOWN, NULL, 0, (const unsigned char *) payload,
							   strlen(payload), false, &limits, &err), JOSE_OK);
	CHECKF(ws.out.len == strlen(compact) && memcmp(ws.out.data, compact, ws.out.len) == 0,
		   "signed %.*s", (int) ws.out.len, ws.out.data);
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

static void
run_cookbook(void)
{
	char		path[512];

	if (harness_shared_path("vectors/cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
							path, sizeof(path)) == NULL)
		harness_skip("rfc7520_4_4_hmac_cookbook", "../shared vectors absent");
	else
		RUN(rfc7520_4_4_hmac_cookbook);
}

/*
 * Change every byte of a valid token to every other base64url character and
 * a few separators; drop and add characters.  Nothing but the original may
 * verify.
 */
static void
tampering_any_byte_fails(void)
{
	static const char extra[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
	jose_keyset *ks = secret_keys(secret64, 32);
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	char	   *token = make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"a\",\"adm\":false}", 24,
								   EVP_sha256(), secret64, 32);
	size_t		len = strlen(token);
	char	   *t = malloc(len + 2);
	size_t		accepted = 0,
				tried = 0;

	jose_workspace_init(&ws);
	CHECK_STATUS(verify(&ws, token, ks, 0, &jws, &err), JOSE_OK);
	for (size_t i = 0; i < len; i++)
		for (size_t c = 0; c < sizeof(extra) - 1; c++)
		{
			if (extra[c] == token[i])
				continue;
			memcpy(t, token, len + 1);
			t[i] = extra[c];
			tried++;
			if (jose_jws_verify(&ws, t, len, ks, ALL_ALGS, &limits, &jws, &err) == JOSE_OK)
			{
				accepted++;
				CHECKF(0, "tampered token verified: %s", t);
			}
		}
	/* truncations and one extra character anywhere */
	for (size_t n = 0; n < len; n++)
		CHECKF(jose_jws_verify(&ws, token, n, ks, ALL_ALGS, &limits, &jws, &err) != JOSE_OK,
			   "prefix of %zu bytes verified", n);
	for (size_t i = 0; i <= len; i++)
	{
		memcpy(t, token, i);
		t[i] = 'A';
		memcpy(t + i + 1, token + i, len - i + 1);
		CHECKF(jose_jws_verify(&ws, t, len + 1, ks, ALL_ALGS, &limits, &jws, &err) != JOSE_OK,
			   "insertion at %zu verified", i);
	}
	CHECK(tried > 1000 && accepted == 0);
	/* the wrong key, and the right key one byte shorter */
	{
		jose_keyset *other = secret_keys("0123456789abcdef0123456789ABCDEX", 32);

		CHECK_STATUS(verify(&ws, token, other, 0, &jws, &err), JOSE_E_SIGNATURE);
		CHECK_STR(err.detail, "The signature does not match the key.");
		jose_keyset_free(other);
	}
	free(t);
	free(token);
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

/*
 * Algorithm confusion: an HMAC over "header.payload" keyed with the oct
 * key's bytes, whose header names an asymmetric algorithm, must never
 * verify, whatever the caller allows.
 */
static void
oct_key_never_verifies_non_hs_alg(void)
{
	static const char *const names[] = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512", "ES256K", "EdDSA"};
	jose_keyset *sets[3];
	jose_workspace ws;

	sets[0] = secret_keys(secret64, 64);
	sets[1] = jwk_keys("{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OUFCQ0RFAA\"}");
	sets[2] = jwk_keys("{\"keys\":[{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OUFCQ0RFAA\"}]}");
	jose_workspace_init(&ws);
	for (size_t s = 0; s < 3; s++)
	{
		CHECK(sets[s] != NULL);
		if (sets[s] == NULL)
			continue;
		CHECK(sets[s]->keys[0]->secret_len == 64 && memcmp(sets[s]->keys[0]->secret, secret64, 64) == 0);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		{
			char		header[64];
			const EVP_MD *mds[3] = {EVP_sha256(), EVP_sha384(), EVP_sha512()};

			snprintf(header, sizeof(header), "{\"alg\":\"%s\"}", names[i]);
			for (int m = 0; m < 3; m++)
			{
				char	   *token = make_token(header, "{}", 2, mds[m], secret64, 64);
				jose_jws	jws;
				jose_err	err;
				jose_alg	a = jose_alg_lookup(names[i], strlen(names[i]));

				/*
				 * A single key refuses the pairing (ALG_NOT_ALLOWED); a key
				 * set has no candidate key for the algorithm (KEY_NOT_FOUND).
				 */
				jose_status want = sets[s]->is_set ? JOSE_E_KEY_NOT_FOUND : JOSE_E_ALG_NOT_ALLOWED;

				CHECKF(verify(&ws, token, sets[s], ALL_ALGS, &jws, &err) == want,
					   "set %zu %s: %s", s, names[i], err.detail);
				CHECKF(verify(&ws, token, sets[s], 0, &jws, &err) == want,
					   "set %zu %s default: %s", s, names[i], err.detail);
				CHECKF(verify(&ws, token, sets[s], JOSE_ALG_BIT(a), &jws, &err) != JOSE_OK,
					   "set %zu %s only", s, names[i]);
				CHECK(jws.key == NULL);
				free(token);
			}
		}
	}
	/* the exact texts for a single oct key */
	{
		char	   *token = make_token("{\"alg\":\"RS256\"}", "{}", 2, EVP_sha256(), secret64, 64);
		jose_jws	jws;
		jose_err	err;

		CHECK_STATUS(verify(&ws, token, sets[0], JOSE_ALG_BIT(JOSE_ALG_RS256), &jws, &err),
					 JOSE_E_ALG_NOT_ALLOWED);
		CHECK_STR(err.detail, "A symmetric (oct) key cannot be used with RS256.");
		CHECK_STATUS(verify(&ws, token, sets[0], 0, &jws, &err), JOSE_E_ALG_NOT_ALLOWED);
		CHECK_STR(err.detail, "The token is signed with RS256; the allowed algorithms are HS256.");
		free(token);
	}
	/* an oct key cannot sign with a non-HS algorithm either */
	{
		jose_err	err;

		CHECK_STATUS(jose_jws_sign(&ws, sets[0], JOSE_ALG_RS256, NULL, 0, (const unsigned char *) "{}",
								   2, true, &limits, &err), JOSE_E_ALG_NOT_ALLOWED);
		CHECK_STATUS(jose_jws_sign(&ws, sets[0], JOSE_ALG_EDDSA, NULL, 0, (const unsigned char *) "{}",
								   2, true, &limits, &err), JOSE_E_ALG_NOT_ALLOWED);
	}
	for (size_t s = 0; s < 3; s++)
		jose_keyset_free(sets[s]);
	jose_workspace_free(&ws);
}

/* The header's alg selects only among allowed algorithms and the key's binding. */
static void
allowed_algorithms_and_key_binding(void)
{
	jose_keyset *secret = secret_keys(secret64, 64);
	jose_keyset *bound = jwk_keys("{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OUFCQ0RFAA\"}");
	char	   *hs512 = make_token("{\"alg\":\"HS512\"}", "{}", 2, EVP_sha512(), secret64, 64);
	char	   *hs256 = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha256(), secret64, 64);
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	jose_alg_set set;

	jose_workspace_init(&ws);
	CHECK_STATUS(verify(&ws, hs512, secret, JOSE_ALG_BIT(JOSE_ALG_HS256), &jws, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "The token is signed with HS512; the allowed algorithms are HS256.");
	CHECK_STATUS(jose_alg_set_parse("HS256, HS384", 12, &set, &err), JOSE_OK);
	CHECK_STATUS(verify(&ws, hs512, secret, set, &jws, &err), JOSE_E_ALG_NOT_ALLOWED);
	CHECK_STR(err.detail, "The token is signed with HS512; the allowed algorithms are HS256, HS384.");
	CHECK_STATUS(jose_alg_set_parse("HS512,HS256", 11, &set, &err), JOSE_OK);
	CHECK_STATUS(verify(&ws, hs512, secret, set, &jws, &err), JOSE_OK);
	/* a JWK bound to HS256 refuses HS512 even when the caller allows it */
	if (bound != NULL)
	{
		CHECK_STATUS(verify(&ws, hs512, bound, set, &jws, &err), JOSE_E_ALG_NOT_ALLOWED);
		CHECK_STR(err.detail, "The key is bound to algorithm HS256, not HS512.");
		CHECK_STATUS(verify(&ws, hs256, bound, set, &jws, &err), JOSE_OK);
		CHECK_STATUS(verify(&ws, hs256, bound, 0, &jws, &err), JOSE_OK);
		CHECK_STATUS(jose_jws_sign(&ws, bound, JOSE_ALG_HS512, NULL, 0, (const unsigned char *) "{}", 2,
								   true, &limits, &err), JOSE_E_ALG_NOT_ALLOWED);
	}
	/* algorithm list parsing */
	CHECK_STATUS(jose_alg_set_parse("none", 4, &set, &err), JOSE_E_ALG_NONE);
	CHECK_STATUS(jose_alg_set_parse("HS256,none", 10, &set, &err), JOSE_E_ALG_NONE);
	CHECK_STATUS(jose_alg_set_parse("hs256", 5, &set, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STATUS(jose_alg_set_parse("HS256,", 6, &set, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STATUS(jose_alg_set_parse("", 0, &set, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STATUS(jose_alg_set_parse("HS256;HS512", 11, &set, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STATUS(jose_alg_set_parse("  HS384  ", 9, &set, &err), JOSE_OK);
	CHECK(set == JOSE_ALG_BIT(JOSE_ALG_HS384));
	CHECK(jose_alg_lookup("none", 4) == JOSE_ALG_UNKNOWN);
	CHECK(jose_alg_lookup("HS256", 4) == JOSE_ALG_UNKNOWN);
	CHECK(jose_alg_lookup("HS2560", 6) == JOSE_ALG_UNKNOWN);
	free(hs512);
	free(hs256);
	jose_workspace_free(&ws);
	jose_keyset_free(secret);
	jose_keyset_free(bound);
}

/* Header rules: each refused header, with its status, signed correctly. */
static void
header_checks(void)
{
	static const struct
	{
		const char *header;
		jose_status want;
	}			cases[] = {
		{"{}", JOSE_E_HEADER},
		{"{\"typ\":\"JWT\"}", JOSE_E_HEADER},
		{"{\"alg\":256}", JOSE_E_HEADER},
		{"{\"alg\":null}", JOSE_E_HEADER},
		{"{\"alg\":[\"HS256\"]}", JOSE_E_HEADER},
		{"[\"HS256\"]", JOSE_E_HEADER},
		{"\"HS256\"", JOSE_E_HEADER},
		{"{\"alg\":\"none\"}", JOSE_E_ALG_NONE},
		{"{\"alg\":\"None\"}", JOSE_E_ALG_NONE},
		{"{\"alg\":\"NONE\"}", JOSE_E_ALG_NONE},
		{"{\"alg\":\"nOnE\"}", JOSE_E_ALG_NONE},
		{"{\"alg\":\"hs256\"}", JOSE_E_ALG_UNSUPPORTED},
		{"{\"alg\":\"HS256 \"}", JOSE_E_ALG_UNSUPPORTED},
		{"{\"alg\":\"\"}", JOSE_E_ALG_UNSUPPORTED},
		{"{\"alg\":\"HS1\"}", JOSE_E_ALG_UNSUPPORTED},
		{"{\"alg\":\"A128KW\"}", JOSE_E_ALG_UNSUPPORTED},
		{"{\"alg\":\"HS256\",\"alg\":\"HS256\"}", JOSE_E_JSON},
		{"{\"alg\":\"HS256\",\"\\u0061lg\":\"none\"}", JOSE_E_JSON},
		{"{\"alg\":\"HS256\"", JOSE_E_JSON},
		{"{\"alg\":\"HS256\"}x", JOSE_E_JSON},
		{"\xEF\xBB\xBF{\"alg\":\"HS256\"}", JOSE_E_JSON},
		{"{\"alg\":\"HS256\",\"kid\":1}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"typ\":1}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"cty\":{}}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"crit\":[]}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"crit\":\"exp\",\"exp\":1}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"crit\":[1]}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", JOSE_E_CRIT},
		{"{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", JOSE_E_CRIT},
		{"{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":true}", JOSE_E_CRIT},
		{"{\"alg\":\"HS256\",\"b64\":false}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"b64\":true}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"zip\":\"DEF\"}", JOSE_E_HEADER},
		{"{\"alg\":\"HS256\",\"kid\":\"k\",\"typ\":\"JWT\",\"cty\":\"JWT\",\"x5t\":\"a\"}", JOSE_OK},
	};
	jose_keyset *ks = secret_keys(secret64, 32);
	jose_workspace ws;

	jose_workspace_init(&ws);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *token = make_token(cases[i].header, "{}", 2, EVP_sha256(), secret64, 32);
		jose_jws	jws;
		jose_err	err;
		jose_status st = verify(&ws, token, ks, JOSE_ALG_BIT(JOSE_ALG_HS256), &jws, &err);

		CHECKF(st == cases[i].want, "%s: got %s (%s)", cases[i].header, jose_status_message(st), err.detail);
		if (cases[i].want != JOSE_OK)
			CHECKF(jws.key == NULL, "%s", cases[i].header);
		free(token);
	}
	/* exact details of the main refusals */
	{
		char	   *token;
		jose_jws	jws;
		jose_err	err;

		token = make_token("{\"alg\":\"none\"}", "{}", 2, NULL, NULL, 0);
		CHECK_STATUS(verify(&ws, token, ks, ALL_ALGS, &jws, &err), JOSE_E_ALG_NONE);
		CHECK_STR(err.detail, "Unsecured JWS (\"alg\": \"none\") is never accepted.");
		free(token);
		token = make_token("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", "{}", 2, EVP_sha256(), secret64, 32);
		CHECK_STATUS(verify(&ws, token, ks, ALL_ALGS, &jws, &err), JOSE_E_CRIT);
		CHECK_STR(err.detail, "The header marks \"exp\" as critical, and token_ext does not support it.");
		free(token);
		token = make_token("{\"typ\":\"JWT\"}", "{}", 2, EVP_sha256(), secret64, 32);
		CHECK_STATUS(verify(&ws, token, ks, ALL_ALGS, &jws, &err), JOSE_E_HEADER);
		CHECK_STR(err.detail, "The header has no \"alg\" member.");
		free(token);
	}
	/* kid length: 256 bytes parse, 257 are over the limit */
	{
		char		header[400];
		char		kid[258];
		jose_jws	jws;
		jose_err	err;
		char	   *token;

		memset(kid, 'k', 257);
		kid[256] = '\0';
		snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
		token = make_token(header, "{}", 2, EVP_sha256(), secret64, 32);
		CHECK_STATUS(verify(&ws, token, ks, 0, &jws, &err), JOSE_OK);
		free(token);
		kid[256] = 'k';
		kid[257] = '\0';
		snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
		token = make_token(header, "{}", 2, EVP_sha256(), secret64, 32);
		CHECK_STATUS(verify(&ws, token, ks, 0, &jws, &err), JOSE_E_LIMIT);
		free(token);
	}
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

/* Segment shape, base64url strictness, size limit, signature length. */
static void
token_shape_checks(void)
{
	jose_keyset *ks = secret_keys(secret64, 32);
	char	   *good = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha256(), secret64, 32);
	const char *h = "eyJhbGciOiJIUzI1NiJ9";	/* {"alg":"HS256"} */
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	char		t[512];
	jose_limits small = limits;

	jose_workspace_init(&ws);
	CHECK_STATUS(verify(&ws, good, ks, 0, &jws, &err), JOSE_OK);
	CHECK_STATUS(verify(&ws, "", ks, 0, &jws, &err), JOSE_E_MALFORMED);
	CHECK_STATUS(verify(&ws, "abc", ks, 0, &jws, &err), JOSE_E_MALFORMED);
	snprintf(t, sizeof(t), "%s.e30", h);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_MALFORMED);
	snprintf(t, sizeof(t), "%s.", good);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_MALFORMED);
	snprintf(t, sizeof(t), "%s.e30.e30.e30.e30", h);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_IS_JWE);
	CHECK_STR(err.detail, "The token has five segments, the form of an encrypted token (JWE).");
	snprintf(t, sizeof(t), "%s.e30.e30.e30.e30.e30", h);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_MALFORMED);
	CHECK_STATUS(verify(&ws, "..", ks, 0, &jws, &err), JOSE_E_MALFORMED);
	CHECK_STATUS(verify(&ws, strchr(good, '.'), ks, 0, &jws, &err), JOSE_E_MALFORMED);
	/* padding, standard alphabet or whitespace in any segment */
	snprintf(t, sizeof(t), "%s=.e30.%s", h, strrchr(good, '.') + 1);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_BASE64);
	CHECK_STR(err.detail, "The header segment is not strict unpadded base64url.");
	snprintf(t, sizeof(t), "%s.e30=.%s", h, strrchr(good, '.') + 1);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_BASE64);
	CHECK_STR(err.detail, "The payload segment is not strict unpadded base64url.");
	snprintf(t, sizeof(t), "%s=", good);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_BASE64);
	CHECK_STR(err.detail, "The signature segment is not strict unpadded base64url.");
	snprintf(t, sizeof(t), "%s ", good);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_BASE64);
	snprintf(t, sizeof(t), " %s", good);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_BASE64);
	/* empty payload is allowed; empty or short signatures are not */
	{
		char	   *empty = make_token("{\"alg\":\"HS256\"}", "", 0, EVP_sha256(), secret64, 32);

		CHECK_STATUS(verify(&ws, empty, ks, 0, &jws, &err), JOSE_OK);
		CHECK(jws.payload_len == 0);
		free(empty);
	}
	snprintf(t, sizeof(t), "%s.e30.", h);
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_SIGNATURE);
	CHECK_STR(err.detail, "An HS256 signature is 32 bytes; this one has 0.");
	snprintf(t, sizeof(t), "%.*s", (int) strlen(good) - 3, good);	/* 43 -> 40 chars: 30 bytes */
	CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_SIGNATURE);
	/* a HS512-length signature on an HS256 token */
	{
		char	   *long_sig = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha512(), secret64, 32);

		CHECK_STATUS(verify(&ws, long_sig, ks, 0, &jws, &err), JOSE_E_SIGNATURE);
		free(long_sig);
	}
	/* max_token_size: exactly the limit is fine, one byte over is refused before decoding */
	small.max_token_size = strlen(good);
	CHECK_STATUS(jose_jws_verify(&ws, good, strlen(good), ks, 0, &small, &jws, &err), JOSE_OK);
	small.max_token_size = strlen(good) - 1;
	CHECK_STATUS(jose_jws_verify(&ws, good, strlen(good), ks, 0, &small, &jws, &err), JOSE_E_LIMIT);
	snprintf(t, sizeof(t), "The token is %zu bytes; the limit is %zu (token_ext.max_token_size).",
			 strlen(good), strlen(good) - 1);
	CHECK_STR(err.detail, t);
	/* the payload is parsed only on request, and must be an object */
	{
		char	   *arr = make_token("{\"alg\":\"HS256\"}", "[1]", 3, EVP_sha256(), secret64, 32);
		char	   *dup = make_token("{\"alg\":\"HS256\"}", "{\"a\":1,\"a\":2}", 13, EVP_sha256(), secret64, 32);

		CHECK_STATUS(verify(&ws, arr, ks, 0, &jws, &err), JOSE_OK);
		CHECK_STATUS(jose_jws_parse_claims(&ws, &jws, &limits, &err), JOSE_E_JSON);
		CHECK_STATUS(verify(&ws, dup, ks, 0, &jws, &err), JOSE_OK);
		CHECK_STATUS(jose_jws_parse_claims(&ws, &jws, &limits, &err), JOSE_E_JSON);
		free(arr);
		free(dup);
	}
	free(good);
	jose_workspace_free(&ws);
	jose_keyset_free(ks);
}

/* Key sets: selection by kid, trying keys without one, and the failures. */
static void
key_set_selection(void)
{
	const char *jwks =
		"{\"keys\":["
		"{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"},"
		"{\"kty\":\"oct\",\"kid\":\"b\",\"k\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\"},"
		"{\"kty\":\"oct\",\"k\":\"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M\"}]}";
	const char *dup_kids =
		"{\"keys\":["
		"{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"},"
		"{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI\"}]}";
	unsigned char A[32],
				B[32],
				C[32],
				D[32];
	jose_keyset *ks = jwk_keys(jwks);
	jose_keyset *dk = jwk_keys(dup_kids);
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	char	   *t;

	memset(A, 'A', 32);
	memset(B, 'B', 32);
	memset(C, 'C', 32);
	memset(D, 'D', 32);
	jose_workspace_init(&ws);
	if (ks != NULL && dk != NULL)
	{
		CHECK(ks->is_set && ks->count == 3);
		t = make_token("{\"alg\":\"HS256\",\"kid\":\"b\"}", "{}", 2, EVP_sha256(), B, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_OK);
		CHECK(jws.key == ks->keys[1]);
		free(t);
		/* kid names a, signed with b: no fallback to other keys */
		t = make_token("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{}", 2, EVP_sha256(), B, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_SIGNATURE);
		free(t);
		t = make_token("{\"alg\":\"HS256\",\"kid\":\"z\"}", "{}", 2, EVP_sha256(), A, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_KEY_NOT_FOUND);
		CHECK_STR(err.detail, "No key in the key set has the token's \"kid\" \"z\".");
		free(t);
		/* the kid compares exactly */
		t = make_token("{\"alg\":\"HS256\",\"kid\":\"A\"}", "{}", 2, EVP_sha256(), A, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_KEY_NOT_FOUND);
		free(t);
		/* no kid: every candidate in order, the kid-less one included */
		t = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha256(), C, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_OK);
		CHECK(jws.key == ks->keys[2]);
		free(t);
		t = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha256(), D, 32);
		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_E_SIGNATURE);
		CHECK_STR(err.detail, "The signature matches none of the 3 candidate keys.");
		free(t);
		/* no kid, HS512 with 32-byte keys: no candidate */
		t = make_token("{\"alg\":\"HS512\"}", "{}", 2, EVP_sha512(), A, 32);
		CHECK_STATUS(verify(&ws, t, ks, JOSE_ALG_BIT(JOSE_ALG_HS512), &jws, &err), JOSE_E_KEY_NOT_FOUND);
		CHECK_STATUS(verify(&ws, t, ks, JOSE_ALG_BIT(JOSE_ALG_HS256), &jws, &err), JOSE_E_ALG_NOT_ALLOWED);
		free(t);
		/* two keys with the token's kid: ambiguous, refused */
		t = make_token("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{}", 2, EVP_sha256(), A, 32);
		CHECK_STATUS(verify(&ws, t, dk, 0, &jws, &err), JOSE_E_KEY);
		CHECK_STR(err.detail, "Two keys of the key set have the token's \"kid\".");
		free(t);
		/* a set cannot sign */
		CHECK_STATUS(jose_jws_sign(&ws, ks, JOSE_ALG_HS256, NULL, 0, (const unsigned char *) "{}", 2, true,
								   &limits, &err), JOSE_E_ARGUMENT);
	}
	jose_keyset_free(ks);
	jose_keyset_free(dk);
	jose_workspace_free(&ws);
}

/* Sign "{}" with an optional extra header (NULL: none). */
static jose_status
sign_claims(jose_workspace *ws, const jose_keyset *ks, jose_alg alg, const char *extra, bool jwt,
			jose_err *err)
{
	size_t		el = extra != NULL ? strlen(extra) : 0;

	jose_err_clear(err);
	return jose_jws_sign(ws, ks, alg, extra, el, (const unsigned char *) "{}", 2, jwt, &limits, err);
}

/* Signing options: extra header members, typ/kid precedence, key limits. */
static void
sign_header_and_key_rules(void)
{
	jose_keyset *ks = secret_keys(secret64, 32);
	jose_keyset *kidkey = jwk_keys("{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"}");
	jose_keyset *verify_only = jwk_keys("{\"kty\":\"oct\",\"key_ops\":[\"verify\"],\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"}");
	jose_keyset *enc = jwk_keys("{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE\"}");
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	unsigned char hdr[256];
	size_t		hl;

#define SIGN(keys, alg, extra, jwt) sign_claims(&ws, keys, alg, extra, jwt, &err)
#define HEADER_IS(text) \
	do { const char *dot_ = memchr(ws.out.data, '.', ws.out.len); \
		 CHECK(dot_ != NULL && jose_b64url_decode(ws.out.data, (size_t) (dot_ - ws.out.data), hdr, &hl)); \
		 hdr[dot_ ? hl : 0] = '\0'; CHECK_STR((char *) hdr, text); } while (0)

	jose_workspace_init(&ws);
	CHECK_STATUS(SIGN(ks, JOSE_ALG_UNKNOWN, NULL, true), JOSE_OK);
	HEADER_IS("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"typ\":\"at+jwt\",\"x\":[1,{\"y\":null}]}", true), JOSE_OK);
	HEADER_IS("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"x\":[1,{\"y\":null}]}");
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"alg\":\"HS256\",\"cty\":\"x\"}", true), JOSE_OK);
	HEADER_IS("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"cty\":\"x\"}");
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"alg\":\"HS512\"}", true), JOSE_E_ARGUMENT);
	CHECK_STR(err.detail, "The header's \"alg\" differs from the signing algorithm HS256.");
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"alg\":\"none\"}", true), JOSE_E_ARGUMENT);
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "[1]", true), JOSE_E_ARGUMENT);
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"a\":1,\"a\":2}", true), JOSE_E_JSON);
	if (kidkey != NULL)
	{
		CHECK_STATUS(SIGN(kidkey, JOSE_ALG_UNKNOWN, NULL, false), JOSE_OK);
		HEADER_IS("{\"alg\":\"HS256\",\"kid\":\"k1\"}");
		CHECK_STATUS(SIGN(kidkey, JOSE_ALG_UNKNOWN, "{\"kid\":\"other\"}", true), JOSE_OK);
		HEADER_IS("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"other\"}");
	}
	/* every header we produce verifies */
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS256, "{\"typ\":\"JWT\",\"n\":1}", true), JOSE_OK);
	{
		char	   *t = strndup(ws.out.data, ws.out.len);

		CHECK_STATUS(verify(&ws, t, ks, 0, &jws, &err), JOSE_OK);
		free(t);
	}
	/* short secrets: 32 bytes is enough for HS256, not for HS384/HS512 */
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS384, NULL, true), JOSE_E_KEY);
	CHECK_STR(err.detail, "An HS384 secret must be at least 48 bytes; this one has 32.");
	CHECK_STATUS(SIGN(ks, JOSE_ALG_HS512, NULL, true), JOSE_E_KEY);
	{
		jose_keyset *short_key = secret_keys(secret64, 31);

		CHECK_STATUS(SIGN(short_key, JOSE_ALG_HS256, NULL, true), JOSE_E_KEY);
		jose_keyset_free(short_key);
	}
	/* use / key_ops */
	if (verify_only != NULL && enc != NULL)
	{
		char	   *t = make_token("{\"alg\":\"HS256\"}", "{}", 2, EVP_sha256(), (const unsigned char *) "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32);

		CHECK_STATUS(SIGN(verify_only, JOSE_ALG_HS256, NULL, true), JOSE_E_KEY);
		CHECK_STR(err.detail, "The key's \"use\" or \"key_ops\" do not permit signing.");
		CHECK_STATUS(verify(&ws, t, verify_only, 0, &jws, &err), JOSE_OK);
		CHECK_STATUS(SIGN(enc, JOSE_ALG_HS256, NULL, true), JOSE_E_KEY);
		CHECK_STATUS(verify(&ws, t, enc, 0, &jws, &err), JOSE_E_KEY);
		CHECK_STR(err.detail, "The key's \"use\" or \"key_ops\" do not permit verification.");
		free(t);
	}
	/* the size limit applies to what we sign too */
	{
		jose_limits tiny = limits;

		/*
		 * {"alg":"HS256","typ":"JWT"} . {} . 32-byte MAC = 36+1+3+1+43 = 84
		 * bytes: a limit of 84 signs, 83 must not (the finished token
		 * would be refused by verification with the same limit).
		 */
		tiny.max_token_size = 84;
		CHECK_STATUS(jose_jws_sign(&ws, ks, JOSE_ALG_HS256, NULL, 0, (const unsigned char *) "{}", 2, true,
								   &tiny, &err), JOSE_OK);
		CHECK(ws.out.len == 84);
		tiny.max_token_size = 83;
		CHECK_STATUS(jose_jws_sign(&ws, ks, JOSE_ALG_HS256, NULL, 0, (const unsigned char *) "{}", 2, true,
								   &tiny, &err), JOSE_E_LIMIT);
		tiny.max_token_size = 39;
		CHECK_STATUS(jose_jws_sign(&ws, ks, JOSE_ALG_HS256, NULL, 0, (const unsigned char *) "{}", 2, true,
								   &tiny, &err), JOSE_E_LIMIT);
	}
#undef SIGN
#undef HEADER_IS
	jose_keyset_free(ks);
	jose_keyset_free(kidkey);
	jose_keyset_free(verify_only);
	jose_keyset_free(enc);
	jose_workspace_free(&ws);
}

/* The workspace reports the storage its buffers hold; wiping keeps it, freeing drops it. */
static void
workspace_capacity_counts_storage(void)
{
	jose_keyset *ks = jwk_keys(rfc7515_a1_jwk);
	jose_workspace ws;
	jose_jws	jws;
	jose_err	err;
	size_t		parts = 99;
	size_t		bytes;
	size_t		sum;

	CHECK(ks != NULL);
	if (ks == NULL)
		return;
	jose_workspace_init(&ws);
	CHECK(jose_workspace_capacity(&ws, &parts) == 0 && parts == 0);
	CHECK_STATUS(verify(&ws, rfc7515_a1_token, ks, 0, &jws, &err), JOSE_OK);
	CHECK_STATUS(jose_jws_parse_claims(&ws, &jws, &limits, &err), JOSE_OK);
	bytes = jose_workspace_capacity(&ws, &parts);
	sum = jose_json_capacity(&ws.header) + jose_json_capacity(&ws.claims) +
		jose_json_capacity(&ws.outer) + jose_json_capacity(&ws.header_memo.tree) +
		ws.payload.cap + ws.inner.cap + ws.scratch.cap + ws.out.cap + ws.aux.cap + ws.picked.cap +
		ws.header_memo.segment.cap;
	CHECKF(bytes == sum, "%zu != %zu", bytes, sum);
	/* the header and claims trees, and the decoded payload at least */
	CHECKF(parts >= 3 && bytes >= jws.payload_len, "%zu parts, %zu bytes", parts, bytes);
	CHECK(jose_json_capacity(&ws.header) ==
		  ws.header.cap_nodes * sizeof(jose_jnode) + ws.header.text_cap);
	jose_workspace_wipe(&ws);
	CHECK(jose_workspace_capacity(&ws, &parts) == bytes);
	jose_workspace_free(&ws);
	CHECK(jose_workspace_capacity(&ws, &parts) == 0 && parts == 0);
	jose_keyset_free(ks);
}

void
suite_jws(void)
{
	RUN(rfc4231_hmac_vectors);
	RUN(sign_verify_round_trip_per_alg);
	RUN(rfc7515_a1_hs256_example);
	run_cookbook();
	RUN(tampering_any_byte_fails);
	RUN(oct_key_never_verifies_non_hs_alg);
	RUN(allowed_algorithms_and_key_binding);
	RUN(header_checks);
	RUN(token_shape_checks);
	RUN(key_set_selection);
	RUN(sign_header_and_key_rules);
	RUN(workspace_capacity_counts_storage);
}
