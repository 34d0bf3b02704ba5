/*-------------------------------------------------------------------------
 *
 * fuzz_core.c
 *		libFuzzer entry point for the JOSE core's parsers.
 *
 * Every input goes, as a token, through JWS verification (an HMAC key and
 * an EC key), JWE decryption (a dir key and an AES key-wrap key), the
 * token entry point (JWS, JWE or nested, with the HMAC and dir keys) and
 * inspection, as a forwarded-claims record (forward.h), and, as key text,
 * through the JWK/JWKS and PEM loaders and the reading of text and bytes
 * keys.
 * Built with AddressSanitizer and UndefinedBehaviorSanitizer: any crash,
 * memory error, leak or undefined behaviour fails the run.  One invariant
 * is checked too: nothing verifies or decrypts unless it is one of the
 * seed tokens (the fuzzer cannot forge a MAC, a signature or a tag); and
 * text holding PEM armour, "kty" or a byte-order mark never becomes an
 * HMAC secret.
 *
 * test/fuzz/fuzz_core.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/forward.h"
#include "../../src/core/b64url.h"
#include "../../src/core/hmac.h"
#include "../../src/core/jwe.h"
#include "../../src/core/jwk.h"
#include "../../src/core/jws.h"
#include "../../src/core/keygen.h"
#include "../../src/core/keytext.h"
#include "../../src/core/pkey.h"
#include "../../src/core/token.h"
#include "seeds.h"
#include "../core/ref_readers.h"

static jose_workspace ws;
static jose_keyset *hmac_keys,
		   *ec_keys,
		   *dir_keys,
		   *kw_keys;

static const jose_limits limits = {65536, 32, 10000, 20000};

/* The cluster secret of the forwarded-claims record, and the record's check. */
static const unsigned char forward_secret[JOSE_FORWARD_SECRET_LEN] = "fuzz-cluster-secret-32-bytes!!!";
static const jose_forward_check forward_check = {INT64_C(1700000000000000), INT64_C(3600000000), 65536};

/* Load a key set from JWK text, or abort: the harness itself is broken. */
static jose_keyset *
must_key(const char *jwk)
{
	jose_keyset *set;
	jose_err	err;

	if (jose_keyset_from_jwk_text(jwk, strlen(jwk), &set, &err) != JOSE_OK)
	{
		fprintf(stderr, "fuzz setup: %s\n", err.detail);
		abort();
	}
	return set;
}

/* Make the keys and the tokens that legitimately verify (the seeds). */
int			LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	jose_err	err;
	jose_jwe_encrypt_opts o = {0};
	jose_key   *ec;
	static const unsigned char claims[] = "{\"sub\":\"a\",\"exp\":2000000000}";

	(void) argc;
	(void) argv;
	jose_crypto_init(&err);
	jose_workspace_init(&ws);
	hmac_keys = must_key("{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}");
	dir_keys = must_key("{\"kty\":\"oct\",\"alg\":\"dir\",\"k\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"}");
	kw_keys = must_key("{\"kty\":\"oct\",\"alg\":\"A128KW\",\"k\":\"GZy6sIZ6wl9NJOKB-jnmVQ\"}");
	if (jose_key_generate("ES256", 5, 0, &ec, &err) != JOSE_OK)
		abort();
	ec_keys = calloc(1, sizeof(*ec_keys));
	ec_keys->keys = calloc(1, sizeof(jose_key *));
	ec_keys->keys[0] = ec;
	ec_keys->count = 1;

	if (jose_jws_sign(&ws, hmac_keys, JOSE_ALG_UNKNOWN, NULL, 0, claims, sizeof(claims) - 1,
					  true, &limits, &err) == JOSE_OK)
		add_seed(ws.out.data, ws.out.len);
	if (jose_jws_sign(&ws, ec_keys, JOSE_ALG_UNKNOWN, NULL, 0, claims, sizeof(claims) - 1,
					  true, &limits, &err) == JOSE_OK)
		add_seed(ws.out.data, ws.out.len);
	o.enc = JOSE_JWE_A256GCM;
	if (jose_jwe_encrypt(&ws, dir_keys, &o, claims, sizeof(claims) - 1, &limits, &err) == JOSE_OK)
		add_seed(ws.out.data, ws.out.len);
	/* a nested token: the HMAC-signed claims inside a dir JWE */
	if (jose_jws_sign(&ws, hmac_keys, JOSE_ALG_UNKNOWN, NULL, 0, claims, sizeof(claims) - 1,
					  true, &limits, &err) == JOSE_OK)
	{
		size_t		inner_len = ws.out.len;
		unsigned char *inner = malloc(inner_len);

		memcpy(inner, ws.out.data, inner_len);
		o.cty = "JWT";
		if (jose_jwe_encrypt(&ws, dir_keys, &o, inner, inner_len, &limits, &err) == JOSE_OK)
			add_seed(ws.out.data, ws.out.len);
		o.cty = NULL;
		free(inner);
	}
	o.enc = JOSE_JWE_A128CBC_HS256;
	if (jose_jwe_encrypt(&ws, kw_keys, &o, claims, sizeof(claims) - 1, &limits, &err) == JOSE_OK)
		add_seed(ws.out.data, ws.out.len);
	/* a forwarded-claims record sealed under the cluster secret */
	{
		jose_forward f = {.sealed_us = forward_check.now_us, .has_exp = true,
			.exp_us = forward_check.now_us + INT64_C(600000000), .leeway_s = 30,
			.role_path = ".role", .role_path_len = 5,
		.claims = (const char *) claims, .claims_len = sizeof(claims) - 1};
		jose_buf	rec = {0};

		if (jose_forward_seal(&f, forward_secret, &rec, &err) == JOSE_OK)
			add_seed(rec.data, rec.len);
		jose_buf_free(&rec);
	}
	if (n_seeds != 6)
		abort();
	return 0;
}

/* Abort unless the core's and 0.1.0's JSON readers (and writers) agree on the input. */
static void
check_json_readers_agree(const char *in, size_t len)
{
	static jose_json a,
				b;
	static const jose_json_limits shapes[] = {{32, 10000}, {3, 20}};
	jose_err	ea;
	jose_err	eb;

	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
	{
		jose_status sa = jose_json_parse(&a, in, len, &shapes[s], "payload", &ea);
		jose_status sb = ref_json_parse(&b, in, len, &shapes[s], "payload", &eb);
		bool		same = sa == sb && a.n_nodes == b.n_nodes &&
			(sa == JOSE_OK || strcmp(ea.detail, eb.detail) == 0);

		for (uint32_t i = 0; same && i < a.n_nodes; i++)
		{
			const jose_jnode *x = &a.nodes[i];
			const jose_jnode *y = &b.nodes[i];

			same = x->type == y->type && x->count == y->count && x->next == y->next &&
				x->off == y->off && x->len == y->len &&
				((x->type != JOSE_JSON_STRING && x->type != JOSE_JSON_NUMBER) ||
				 memcmp(a.text + x->off, b.text + y->off, (size_t) x->len + 1) == 0);
		}
		if (!same)
		{
			fprintf(stderr, "the JSON readers disagree on: %.*s\n", (int) len, in);
			abort();
		}
		if (sa == JOSE_OK)
		{
			/* and what was read is written back alike */
			jose_buf	wa = {0};
			jose_buf	wb = {0};

			jose_json_write_node(&wa, &a, 0);
			ref_json_write_node(&wb, &a, 0);
			same = wa.failed == wb.failed && wa.len == wb.len &&
				(wa.len == 0 || memcmp(wa.data, wb.data, wa.len) == 0);
			jose_buf_free(&wa);
			jose_buf_free(&wb);
			if (!same)
			{
				fprintf(stderr, "the JSON writers disagree on: %.*s\n", (int) len, in);
				abort();
			}
		}
	}
}

/* Abort unless the core's and 0.1.0's base64url decoders agree on the input. */
static void
check_b64url_decoders_agree(const char *in, size_t len)
{
	static unsigned char a[4096],
				b[4096];
	size_t		na = 0,
				nb = 0;
	bool		oka,
				okb;

	if (len > 4096)
		return;
	oka = jose_b64url_decode(in, len, a, &na);
	okb = ref_b64url_decode(in, len, b, &nb);
	if (oka != okb || (oka && (na != nb || memcmp(a, b, na) != 0)))
	{
		fprintf(stderr, "the base64url decoders disagree on: %.*s\n", (int) len, in);
		abort();
	}
}

/* One input through every parser. */
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *tok = (const char *) data;
	jose_err	err;
	jose_jws	jws;
	jose_jwe	jwe;
	jose_keyset *set = NULL;
	jose_token	token;
	static const jose_token_policy any_form = {.claims.now = 1700000000};
	int			accepted = 0;

	check_json_readers_agree(tok, len);
	check_b64url_decoders_agree(tok, len);
	accepted |= jose_jws_verify(&ws, tok, len, hmac_keys, 0, &limits, &jws, &err) == JOSE_OK;
	if (accepted)
		(void) jose_jws_parse_claims(&ws, &jws, &limits, &err);
	accepted |= jose_jws_verify(&ws, tok, len, ec_keys, 0, &limits, &jws, &err) == JOSE_OK;
	accepted |= jose_jwe_decrypt(&ws, tok, len, dir_keys, 0, 0, &limits, &jwe, &err) == JOSE_OK;
	accepted |= jose_jwe_decrypt(&ws, tok, len, kw_keys, 0, 0, &limits, &jwe, &err) == JOSE_OK;
	accepted |= jose_token_verify(&ws, tok, len, hmac_keys, dir_keys, &any_form, &limits,
								  &token, &err) == JOSE_OK;
	if (jose_jws_parse(&ws, tok, len, &limits, true, &jws, &err) == JOSE_OK)
		(void) jose_jws_parse_claims(&ws, &jws, &limits, &err);
	{
		jose_forward f;
		jose_buf	role = {0};
		jose_buf	fclaims = {0};

		accepted |= jose_forward_open(tok, len, forward_secret, &forward_check, &f, &role, &fclaims,
									  &err) == JOSE_OK;
		jose_buf_free(&role);
		jose_buf_free(&fclaims);
	}

	/*
	 * Only the seeds verify or decrypt.  (The high-S twin of the ECDSA seed
	 * is valid too, by design, but no random mutation produces it.)
	 */
	if (accepted && !is_seed(data, len))
	{
		fprintf(stderr, "an input that is not a seed token was accepted: %.*s\n", (int) len, tok);
		abort();
	}

	/*
	 * Key text (through the PEM and JWK/JWKS loaders): whatever it is read
	 * as, a text holding PEM armour, a JWK member name or a leading
	 * byte-order mark is never an HMAC secret.
	 */
	if (jose_keyset_from_text(tok, len, &set, &err) == JOSE_OK)
	{
		bool		secret = set->keys[0]->kty == JOSE_KTY_OCT && !set->keys[0]->from_jwk;

		if (secret && (memmem(tok, len, "-----BEGIN ", 11) != NULL ||
					   memmem(tok, len, "\"kty\"", 5) != NULL ||
					   (len >= 3 && memcmp(tok, "\xEF\xBB\xBF", 3) == 0)))
		{
			fprintf(stderr, "key material became an HMAC secret: %.*s\n", (int) len, tok);
			abort();
		}
		jose_keyset_free(set);
	}
	if (jose_keyset_from_bytes(data, len, &set, &err) == JOSE_OK)
		jose_keyset_free(set);
	return 0;
}
