/*
 * test_security.c
 *		Unit tests of the core's answers to the 0.1.0 security review: key
 *		text that is never a secret, keyring row rules, wiping the
 *		workspace, cancelling long work, and quoting untrusted text.
 */
#include "harness.h"

#include "../../src/core/interrupt.h"
#include "../../src/core/jwe.h"
#include "../../src/core/jws.h"
#include "../../src/core/keyring_row.h"
#include "../../src/core/keytext.h"
#include "../../src/core/bounds.h"
#include "../../src/core/jwk.h"
#include "../../src/core/keygen.h"
#include "../../src/core/pkey.h"
#include "../../src/core/token.h"

#include <stdlib.h>

/* The status of reading text as a key (the set is freed). */
static jose_status
text_key(const char *text, jose_err *err)
{
	jose_keyset *set = NULL;
	jose_status st = jose_keyset_from_text(text, strlen(text), &set, err);

	jose_keyset_free(set);
	return st;
}

/* The status of reading bytes as a secret (the set is freed). */
static jose_status
bytes_key(const char *bytes, jose_err *err)
{
	jose_keyset *set = NULL;
	jose_status st = jose_keyset_from_bytes((const unsigned char *) bytes, strlen(bytes), &set, err);

	jose_keyset_free(set);
	return st;
}

/* An Ed25519 public key as SPKI PEM, and its base64 body. */
#define ED_BODY "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define ED_PEM "-----BEGIN PUBLIC KEY-----\n" ED_BODY "\n-----END PUBLIC KEY-----\n"

static void
key_text_shapes(void)
{
	jose_err	err;

	/* a plain secret is a secret; PEM text is a key wherever its armour starts */
	CHECK_STATUS(text_key("a-secret-of-at-least-32-bytes!!!", &err), JOSE_OK);
	CHECK_STATUS(text_key(ED_PEM, &err), JOSE_OK);
	CHECK_STATUS(text_key("Bag Attributes\n    localKeyID: 01 02\n" ED_PEM, &err), JOSE_OK);
	CHECK_STATUS(text_key("\xEF\xBB\xBF" ED_PEM, &err), JOSE_OK);
	CHECK_STATUS(text_key("# my key\r\n\r\n" ED_PEM, &err), JOSE_OK);
	/* a JWK after whitespace or a byte-order mark is a JWK */
	CHECK_STATUS(text_key("\xEF\xBB\xBF \n{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}", &err),
				 JOSE_OK);
	/* refused: never secrets */
	CHECK_STATUS(text_key("\xEF\xBB\xBF" "a-secret-of-at-least-32-bytes!!!", &err), JOSE_E_KEY);
	CHECK_STATUS(text_key("key: {\"kty\":\"oct\",\"k\":\"AAAA\"}", &err), JOSE_E_KEY);
	CHECK_STATUS(text_key("from=\"*\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ user@host", &err), JOSE_E_KEY);
	CHECK_STATUS(text_key("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY", &err), JOSE_E_KEY);
	CHECK_STATUS(text_key(ED_BODY, &err), JOSE_E_KEY);
	CHECK_STATUS(text_key("MCowBQYDK2VwAyEA11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", &err), JOSE_E_KEY);
	CHECK_STATUS(text_key("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n", &err),
				 JOSE_E_KEY);
	CHECK_STATUS(text_key("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n", &err),
				 JOSE_E_KEY);
	/* a base64 secret that is not DER stays a secret (openssl rand -base64 32) */
	CHECK_STATUS(text_key("q8Kf3nVdLx9Zs2Yw7RtPaE4mB6hJcU1oGiXyNvTzQeM=", &err), JOSE_OK);

	/* bytes: the same key material is refused, a byte-order mark alone is not key material */
	CHECK_STATUS(bytes_key("Bag Attributes\n" ED_PEM, &err), JOSE_E_KEY);
	CHECK_STATUS(bytes_key("x{\"kty\":\"oct\",\"k\":\"AAAA\"}", &err), JOSE_E_KEY);
	CHECK_STATUS(bytes_key("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAB user@host", &err), JOSE_E_KEY);
	CHECK_STATUS(bytes_key(ED_BODY, &err), JOSE_E_KEY);
	CHECK_STATUS(bytes_key("\xEF\xBB\xBF" "a-secret-of-at-least-32-bytes!!!", &err), JOSE_OK);
}

/* A row of the keyring with every column valid. */
static jose_keyring_row
good_row(void)
{
	static const char jwk[] = "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}";
	jose_keyring_row r = {0};

	r.kid = "k1";
	r.kid_len = 2;
	r.has_purposes = true;
	r.purposes = JOSE_PURPOSE_VERIFY;
	r.jwk = jwk;
	r.jwk_len = strlen(jwk);
	r.has_not_before = true;
	r.not_before = 1000;
	r.has_created_at = true;
	return r;
}

static void
keyring_row_rules(void)
{
	jose_keyring_row r;
	jose_key   *key = NULL;
	jose_err	err;
	char		long_kid[300];

	r = good_row();
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_OK);
	CHECK_STATUS(jose_keyring_row_key(&r, &key, &err), JOSE_OK);
	CHECK(key != NULL && strcmp(key->kid, "k1") == 0);
	jose_key_free(key);

	r = good_row();
	r.kid = NULL;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW_NULL);
	CHECK(strstr(err.detail, "\"kid\"") != NULL);
	r = good_row();
	r.kid_len = 0;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW);
	memset(long_kid, 'k', sizeof(long_kid));
	r = good_row();
	r.kid = long_kid;
	r.kid_len = JOSE_MAX_KID_LEN + 1;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW);
	r = good_row();
	r.has_purposes = false;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW_NULL);
	r = good_row();
	r.purposes_bad = true;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW);
	r = good_row();
	r.purposes = 0;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW);
	r = good_row();
	r.alg = "none";
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ALG_UNSUPPORTED);
	r = good_row();
	r.jwk = NULL;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW_NULL);
	r = good_row();
	r.has_not_before = false;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW_NULL);
	r = good_row();
	r.has_not_after = true;
	r.not_after = r.not_before;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW);
	r = good_row();
	r.has_created_at = false;
	CHECK_STATUS(jose_keyring_row_check(&r, &err), JOSE_E_ROW_NULL);

	/* purposes the key cannot serve, and an alg it does not fit */
	r = good_row();
	r.jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
	r.jwk_len = strlen(r.jwk);
	r.purposes = JOSE_PURPOSE_SIGN;
	CHECK_STATUS(jose_keyring_row_key(&r, &key, &err), JOSE_E_KEY);
	CHECK(key == NULL);
	r = good_row();
	r.alg = "RS256";
	CHECK_STATUS(jose_keyring_row_key(&r, &key, &err), JOSE_E_KEY);
	CHECK(jose_purpose_bit("decrypt", 7) == JOSE_PURPOSE_DECRYPT);
	CHECK(jose_purpose_bit("Sign", 4) == 0);
}

/* True when len bytes at p are all zero. */
static bool
all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
workspace_wipe_after_decrypt(void)
{
	static const char jwk[] = "{\"kty\":\"oct\",\"alg\":\"dir\",\"k\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"}";
	static const char secret[] = "{\"sub\":\"plaintext-marker-0123456789\"}";
	jose_workspace ws;
	jose_keyset *ks = NULL;
	jose_jwe_encrypt_opts o = {0};
	jose_limits limits = {JOSE_DEFAULT_MAX_TOKEN_SIZE, JOSE_DEFAULT_MAX_JSON_DEPTH,
	JOSE_DEFAULT_MAX_JSON_VALUES, JOSE_DEFAULT_MAX_PBES2_COUNT};
	jose_jwe	jwe;
	jose_err	err;
	char	   *token;

	jose_workspace_init(&ws);
	CHECK_STATUS(jose_keyset_from_jwk_text(jwk, strlen(jwk), &ks, &err), JOSE_OK);
	if (ks == NULL)
		return;
	CHECK_STATUS(jose_jwe_encrypt(&ws, ks, &o, (const unsigned char *) secret, strlen(secret), &limits, &err),
				 JOSE_OK);
	token = strndup(ws.out.data, ws.out.len);
	CHECK_STATUS(jose_jwe_decrypt(&ws, token, strlen(token), ks, 0, 0, &limits, &jwe, &err), JOSE_OK);
	CHECK_STATUS(jose_parse_claims(&ws, jwe.plaintext, jwe.plaintext_len, &limits, &err), JOSE_OK);
	CHECK(memmem(ws.payload.data, ws.payload.cap, "plaintext-marker", 16) != NULL);
	CHECK(memmem(ws.claims.text, ws.claims.text_cap, "plaintext-marker", 16) != NULL);

	jose_workspace_wipe(&ws);
	CHECK(all_zero(ws.payload.data, ws.payload.cap));
	CHECK(all_zero(ws.claims.text, ws.claims.text_cap));
	CHECK(all_zero(ws.scratch.data, ws.scratch.cap));
	CHECK(ws.payload.len == 0 && ws.claims.n_nodes == 0);
	free(token);
	jose_keyset_free(ks);
	jose_workspace_free(&ws);
}

/*
 * The header memo keeps headers given in the clear only: the inner JWS of
 * a nested token is decrypted plaintext, so its header must not outlive
 * the host's wipe there.  A cleartext header stays (it is the caller's own
 * public input), and verifying a nested token leaves it as it was.
 */
static void
decrypted_header_not_memoized(void)
{
	static const char hs_jwk[] = "{\"kty\":\"oct\",\"kid\":\"inner-kid-marker\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
	static const char dir_jwk[] = "{\"kty\":\"oct\",\"alg\":\"dir\",\"k\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"}";
	static const unsigned char claims[] = "{\"sub\":\"a\"}";
	jose_workspace ws;
	jose_keyset *hs = NULL;
	jose_keyset *dir = NULL;
	jose_jwe_encrypt_opts o = {0};
	jose_limits limits = {JOSE_DEFAULT_MAX_TOKEN_SIZE, JOSE_DEFAULT_MAX_JSON_DEPTH,
	JOSE_DEFAULT_MAX_JSON_VALUES, JOSE_DEFAULT_MAX_PBES2_COUNT};
	jose_token_policy p = {0};
	jose_token	tok;
	jose_jws	jws;
	jose_err	err;
	char	   *clear;
	char	   *nested;

	jose_workspace_init(&ws);
	CHECK_STATUS(jose_keyset_from_jwk_text(hs_jwk, strlen(hs_jwk), &hs, &err), JOSE_OK);
	CHECK_STATUS(jose_keyset_from_jwk_text(dir_jwk, strlen(dir_jwk), &dir, &err), JOSE_OK);
	if (hs == NULL || dir == NULL)
		return;
	/* a cleartext JWS without kid, and a nested one whose inner header names the kid */
	CHECK_STATUS(jose_jws_sign(&ws, hs, JOSE_ALG_HS256, "{\"kid\":\"x\"}", 11, claims,
							   sizeof(claims) - 1, true, &limits, &err), JOSE_OK);
	clear = strndup(ws.out.data, ws.out.len);
	CHECK_STATUS(jose_jws_sign(&ws, hs, JOSE_ALG_HS256, NULL, 0, claims, sizeof(claims) - 1,
							   true, &limits, &err), JOSE_OK);
	o.enc = JOSE_JWE_A256GCM;
	o.cty = "JWT";
	{
		char	   *inner = strndup(ws.out.data, ws.out.len);

		CHECK_STATUS(jose_jwe_encrypt(&ws, dir, &o, (const unsigned char *) inner, strlen(inner),
									  &limits, &err), JOSE_OK);
		free(inner);
	}
	nested = strndup(ws.out.data, ws.out.len);

	p.claims.now = 1700000000;
	CHECK_STATUS(jose_token_verify(&ws, nested, strlen(nested), hs, dir, &p, &limits, &tok, &err),
				 JOSE_OK);
	CHECK(tok.form == JOSE_FORM_NESTED);
	CHECK(ws.header_memo.segment.len == 0);

	/* a cleartext header is kept, and a nested token after it leaves it alone */
	CHECK_STATUS(jose_jws_verify(&ws, clear, strlen(clear), hs, 0, &limits, &jws, &err), JOSE_OK);
	CHECK(ws.header_memo.segment.len > 0 &&
		  memcmp(ws.header_memo.segment.data, clear, ws.header_memo.segment.len) == 0);
	CHECK_STATUS(jose_token_verify(&ws, nested, strlen(nested), hs, dir, &p, &limits, &tok, &err),
				 JOSE_OK);
	CHECK(memcmp(ws.header_memo.segment.data, clear, ws.header_memo.segment.len) == 0);
	CHECK(memmem(ws.header_memo.tree.text, ws.header_memo.tree.text_len, "inner-kid-marker", 16) == NULL);

	/* the wipe removes the inner token's plaintext everywhere else */
	jose_workspace_wipe(&ws);
	CHECK(memmem(ws.header.text, ws.header.text_cap, "inner-kid-marker", 16) == NULL);
	CHECK(memmem(ws.inner.data, ws.inner.cap, "inner-kid-marker", 16) == NULL);
	free(clear);
	free(nested);
	jose_keyset_free(hs);
	jose_keyset_free(dir);
	jose_workspace_free(&ws);
}

/* A host check that always asks to stop. */
static bool
always_interrupted(void)
{
	return true;
}

static void
long_work_stops_on_interrupt(void)
{
	jose_key   *key = NULL;
	jose_keyset *set = NULL;
	jose_err	err;
	static const char jwks[] = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]}";

	jose_set_interrupt_check(always_interrupted);
	CHECK_STATUS(jose_key_generate("RSA", 3, 4096, &key, &err), JOSE_E_INTERRUPTED);
	CHECK(key == NULL);
	CHECK_STATUS(jose_keyset_from_jwk_text(jwks, strlen(jwks), &set, &err), JOSE_E_INTERRUPTED);
	CHECK(set == NULL);
	jose_set_interrupt_check(NULL);
	CHECK_STATUS(jose_keyset_from_jwk_text(jwks, strlen(jwks), &set, &err), JOSE_OK);
	jose_keyset_free(set);
}

static void
untrusted_text_is_quoted(void)
{
	char		out[JOSE_QUOTE_MAX];
	char		long_text[200];

	CHECK_STR(jose_quote("k1", 2, out), "\"k1\"");
	CHECK_STR(jose_quote("a\"b\\c\n\x01", 7, out), "\"a\\\"b\\\\c\\x0a\\x01\"");
	memset(long_text, '\xff', sizeof(long_text));
	jose_quote(long_text, sizeof(long_text), out);
	CHECK(strlen(out) == 2 + 64 * 4 + 3);
	CHECK(strcmp(out + strlen(out) - 4, "\"...") == 0);
}

void
suite_security(void)
{
	RUN(key_text_shapes);
	RUN(keyring_row_rules);
	RUN(workspace_wipe_after_decrypt);
	RUN(decrypted_header_not_memoized);
	RUN(long_work_stops_on_interrupt);
	RUN(untrusted_text_is_quoted);
}
