/*-------------------------------------------------------------------------
 *
 * pkey.c
 *		Classifying and checking asymmetric keys; loading them from PEM.
 *
 * OpenSSL happily imports keys no JOSE verifier should trust: 1024-bit RSA,
 * e = 1, EC points at infinity, private keys whose halves do not match.
 * Everything asymmetric goes through jose_key_from_pkey, so these checks
 * hold for PEM, JWK and generated keys alike.
 *
 * src/core/pkey.c
 *
 *-------------------------------------------------------------------------
 */
#include "pkey.h"
#include "bounds.h"
#include "keyobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static const jose_curve curves[] = {
	{"P-256", "prime256v1", JOSE_KTY_EC, 32, JOSE_ALG_ES256},
	{"P-384", "secp384r1", JOSE_KTY_EC, 48, JOSE_ALG_ES384},
	{"P-521", "secp521r1", JOSE_KTY_EC, 66, JOSE_ALG_ES512},
	{"secp256k1", "secp256k1", JOSE_KTY_EC, 32, JOSE_ALG_ES256K},
	{"Ed25519", "ED25519", JOSE_KTY_OKP, 32, JOSE_ALG_EDDSA},
	{"Ed448", "ED448", JOSE_KTY_OKP, 57, JOSE_ALG_EDDSA},
	{"X25519", "X25519", JOSE_KTY_OKP, 32, JOSE_ALG_UNKNOWN},
	{"X448", "X448", JOSE_KTY_OKP, 56, JOSE_ALG_UNKNOWN},
};

#define N_CURVES (sizeof(curves) / sizeof(curves[0]))

/* The curve with this JWK name, or NULL. */
const jose_curve *
jose_curve_by_jwk_name(const char *name, size_t len)
{
	for (size_t i = 0; i < N_CURVES; i++)
		if (strlen(curves[i].jwk_name) == len && memcmp(curves[i].jwk_name, name, len) == 0)
			return &curves[i];
	return NULL;
}

/* The curve with this OpenSSL group or key type name, or NULL. */
const jose_curve *
jose_curve_by_ossl_name(const char *name)
{
	for (size_t i = 0; i < N_CURVES; i++)
		if (strcmp(curves[i].ossl_name, name) == 0)
			return &curves[i];
	/* OpenSSL also spells the NIST curves by their NIST names */
	if (strcmp(name, "P-256") == 0)
		return &curves[0];
	if (strcmp(name, "P-384") == 0)
		return &curves[1];
	if (strcmp(name, "P-521") == 0)
		return &curves[2];
	return NULL;
}

/* True when the key holds a private half. */
bool
jose_key_has_private(const jose_key *key)
{
	BIGNUM	   *bn = NULL;
	size_t		len = 0;
	bool		has = false;

	if (key->kty == JOSE_KTY_OCT)
		return true;
	if (key->pkey == NULL)
		return false;
	switch (key->kty)
	{
		case JOSE_KTY_RSA:
			has = EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_D, &bn) == 1;
			break;
		case JOSE_KTY_EC:
			has = EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1;
			break;
		case JOSE_KTY_OKP:
			has = EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY,
												  NULL, 0, &len) == 1 && len > 0;
			break;
		default:
			break;
	}
	BN_clear_free(bn);
	ERR_clear_error();
	return has;
}

/* Check an RSA key's size and public exponent. */
static jose_status
check_rsa(EVP_PKEY *pkey, jose_err *err)
{
	int			bits = EVP_PKEY_get_bits(pkey);
	BIGNUM	   *e = NULL;
	jose_status st = JOSE_OK;

	if (bits < JOSE_RSA_MIN_BITS)
		return jose_fail(err, JOSE_E_KEY,
						 "RSA keys must have at least %d bits; this one has %d.",
						 JOSE_RSA_MIN_BITS, bits);
	if (bits > JOSE_RSA_MAX_BITS)
		return jose_fail(err, JOSE_E_KEY,
						 "RSA keys are limited to %d bits; this one has %d.",
						 JOSE_RSA_MAX_BITS, bits);
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		return jose_fail(err, JOSE_E_KEY, "The RSA key has no public exponent.");
	if (!BN_is_odd(e) || BN_num_bits(e) < 2 || BN_num_bits(e) > 64)
		st = jose_fail(err, JOSE_E_KEY,
					   "The RSA public exponent must be odd, at least 3 and at most 64 bits.");
	BN_free(e);
	return st;
}

/*
 * True when a private RSA key matches its public half, by a test signature
 * and verification.  Used for keys without CRT factors (a JWK may give
 * only n, e and d): without p and q, one private operation is the only
 * way to see that d fits.  It costs about 0.1 s at 8192 bits.
 */
static bool
rsa_signs_consistently(EVP_PKEY *pkey)
{
	static const unsigned char msg[] = "token_ext key check";
	unsigned char sig[1024];
	size_t		siglen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool		ok;

	ok = ctx != NULL &&
		EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
		EVP_DigestSign(ctx, sig, &siglen, msg, sizeof(msg)) == 1 &&
		EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
		EVP_DigestVerify(ctx, sig, siglen, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/*
 * True when an RSA modulus is odd, larger than its exponent and has no
 * prime factor below 4096.
 *
 * OpenSSL's own public check (SP 800-56B) also runs Miller-Rabin rounds on
 * n: a quarter of a second at 8192 bits, and a JWKS holds up to 100 keys.
 * That test guards against a key holder who made a broken modulus; a
 * verifier gains nothing from it, since whoever supplies the public key is
 * trusted to sign anyway.  These cheap checks catch corrupted and
 * hand-made keys.
 */
static bool
rsa_modulus_plausible(EVP_PKEY *pkey)
{
	BIGNUM	   *n = NULL,
			   *e = NULL;
	bool		ok;
	unsigned char sieve[4096] = {0};

	ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
		BN_is_odd(n) && BN_cmp(e, n) < 0;
	for (unsigned p = 3; ok && p < sizeof(sieve); p += 2)
	{
		if (sieve[p])
			continue;
		for (unsigned m = p * p; m < sizeof(sieve); m += 2 * p)
			sieve[m] = 1;
		ok = BN_mod_word(n, p) != 0;
	}
	BN_free(n);
	BN_free(e);
	return ok;
}

/*
 * True when a private RSA key's CRT members fit its public half:
 * n = p q, dp = d mod (p - 1), dq = d mod (q - 1), e dp = 1 mod (p - 1),
 * e dq = 1 mod (q - 1) and qi q = 1 mod p.  A few multiplications and
 * reductions, against the seconds OpenSSL's pairwise check spends proving
 * p and q prime (4.7 s for an 8192-bit key), which only the key holder's
 * own safety depends on.
 */
static bool
rsa_crt_consistent(EVP_PKEY *pkey)
{
	static const char *const names[] = {
		OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D,
		OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
		OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
		OSSL_PKEY_PARAM_RSA_COEFFICIENT1
	};
	enum
	{
		N, E, D, P, Q, DP, DQ, QI, N_PARAMS
	};
	BIGNUM	   *v[N_PARAMS] = {0};
	BN_CTX	   *ctx = BN_CTX_secure_new();
	BIGNUM	   *t,
			   *pm1,
			   *qm1;
	bool		ok = ctx != NULL;

	for (int i = 0; i < N_PARAMS && ok; i++)
		ok = EVP_PKEY_get_bn_param(pkey, names[i], &v[i]) == 1;
	if (ok)
	{
		BN_CTX_start(ctx);
		t = BN_CTX_get(ctx);
		pm1 = BN_CTX_get(ctx);
		qm1 = BN_CTX_get(ctx);
		ok = qm1 != NULL &&
			!BN_is_zero(v[D]) && BN_cmp(v[D], v[N]) < 0 &&
			BN_cmp(v[P], BN_value_one()) > 0 && BN_cmp(v[Q], BN_value_one()) > 0 &&
			BN_mul(t, v[P], v[Q], ctx) && BN_cmp(t, v[N]) == 0 &&
			BN_sub(pm1, v[P], BN_value_one()) && BN_sub(qm1, v[Q], BN_value_one()) &&
			BN_mod(t, v[D], pm1, ctx) && BN_cmp(t, v[DP]) == 0 &&
			BN_mod(t, v[D], qm1, ctx) && BN_cmp(t, v[DQ]) == 0 &&
			BN_mod_mul(t, v[E], v[DP], pm1, ctx) && BN_is_one(t) &&
			BN_mod_mul(t, v[E], v[DQ], qm1, ctx) && BN_is_one(t) &&
			BN_cmp(v[QI], v[P]) < 0 &&
			BN_mod_mul(t, v[QI], v[Q], v[P], ctx) && BN_is_one(t);
		BN_CTX_end(ctx);
	}
	for (int i = 0; i < N_PARAMS; i++)
		BN_clear_free(v[i]);
	BN_CTX_free(ctx);
	return ok;
}

/*
 * Check that a key's public half is valid and, for a private key, that
 * both halves fit.  RSA has its own cheap checks (above); EC and OKP keys
 * use OpenSSL's, which cost a scalar multiplication or two.
 */
static jose_status
check_consistency(EVP_PKEY *pkey, jose_kty kty, bool has_private, jose_err *err)
{
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM	   *p = NULL;
	bool		public_ok,
				private_ok = true;

	if (kty == JOSE_KTY_RSA)
	{
		public_ok = rsa_modulus_plausible(pkey);
		if (public_ok && has_private)
		{
			if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, &p) == 1)
				private_ok = rsa_crt_consistent(pkey);
			else
				private_ok = rsa_signs_consistently(pkey);
		}
	}
	else
	{
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
		if (ctx == NULL)
			return jose_fail(err, JOSE_E_CRYPTO, "Could not check the key.");
		public_ok = EVP_PKEY_public_check(ctx) == 1;
		if (public_ok && has_private)
			private_ok = EVP_PKEY_pairwise_check(ctx) == 1;
	}
	BN_clear_free(p);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (!public_ok)
		return jose_fail(err, JOSE_E_KEY,
						 kty == JOSE_KTY_EC ? "The public key is invalid: its point is not on the curve."
						 : "The public key is invalid.");
	if (!private_ok)
		return jose_fail(err, JOSE_E_KEY,
						 "The key's private and public parts are inconsistent or invalid.");
	return JOSE_OK;
}

/*
 * Encodings of the points of small order of Ed25519 and Ed448 (their y
 * coordinate; the top bit, x's sign, is ignored), including non-canonical
 * spellings of 0 and 1.  With such a public key, a signature whose R is
 * the identity and S = 0 verifies for every message: no honest key is one.
 * The two Ed25519 order-8 values solve d*y^4 + 2*y^2 - 1 = 0 (checked with
 * a short computation); the rest are 0, 1, p - 1, p and p + 1.
 */
static const unsigned char ed25519_small_order[][32] = {
	{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

static const unsigned char ed448_small_order[][57] = {
	{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
	{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
	{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
	{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
};

/* True when an Ed25519 or Ed448 public key is a point of small order. */
static bool
eddsa_small_order(EVP_PKEY *pkey, const jose_curve *curve)
{
	unsigned char raw[57];
	size_t		len = sizeof(raw);
	size_t		n = curve->coord_len;
	size_t		count = n == 32 ? sizeof(ed25519_small_order) / 32 : sizeof(ed448_small_order) / 57;

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != n)
		return false;
	raw[n - 1] &= 0x7F;
	for (size_t i = 0; i < count; i++)
	{
		const unsigned char *bad = n == 32 ? ed25519_small_order[i] : ed448_small_order[i];

		if (memcmp(raw, bad, n) == 0)
			return true;
	}
	return false;
}

/* Attach pkey to key after classifying and checking it; takes ownership. */
jose_status
jose_key_set_pkey(jose_key *key, EVP_PKEY *pkey, jose_err *err)
{
	jose_status st = JOSE_OK;
	char		group[64];
	const jose_curve *curve = NULL;

	key->pkey = pkey;
	if (EVP_PKEY_is_a(pkey, "RSA"))
	{
		key->kty = JOSE_KTY_RSA;
		st = check_rsa(pkey, err);
	}
	else if (EVP_PKEY_is_a(pkey, "RSA-PSS"))
		st = jose_fail(err, JOSE_E_KEY,
					   "RSA-PSS-restricted keys are not supported; use a plain RSA key for PS256/384/512.");
	else if (EVP_PKEY_is_a(pkey, "EC"))
	{
		key->kty = JOSE_KTY_EC;
		if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
										   group, sizeof(group), NULL) != 1 ||
			(curve = jose_curve_by_ossl_name(group)) == NULL || curve->kty != JOSE_KTY_EC)
			st = jose_fail(err, JOSE_E_KEY,
						   "EC keys must be on P-256, P-384, P-521 or secp256k1.");
	}
	else
	{
		for (size_t i = 0; i < N_CURVES && curve == NULL; i++)
			if (curves[i].kty == JOSE_KTY_OKP && EVP_PKEY_is_a(pkey, curves[i].ossl_name))
				curve = &curves[i];
		if (curve != NULL)
			key->kty = JOSE_KTY_OKP;
		else
			st = jose_fail(err, JOSE_E_KEY,
						   "The key type is not one JOSE uses (RSA, EC, Ed25519, Ed448, X25519, X448).");
	}
	if (st == JOSE_OK && curve != NULL)
	{
		snprintf(key->crv, sizeof(key->crv), "%s", curve->jwk_name);
		key->curve = curve;
	}
	if (st == JOSE_OK && curve != NULL && curve->sig_alg == JOSE_ALG_EDDSA &&
		eddsa_small_order(pkey, curve))
		st = jose_fail(err, JOSE_E_KEY,
					   "The %s public key is a point of small order, which verifies forged signatures.",
					   curve->jwk_name);
	if (st == JOSE_OK)
		st = check_consistency(pkey, key->kty, jose_key_has_private(key), err);
	ERR_clear_error();
	return st;
}

/* Wrap an EVP_PKEY in a new key after classifying and checking it. */
jose_status
jose_key_from_pkey(EVP_PKEY *pkey, jose_key **out, jose_err *err)
{
	jose_key   *key;
	jose_status st;

	*out = NULL;
	key = calloc(1, sizeof(*key));
	if (key == NULL)
	{
		EVP_PKEY_free(pkey);
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key.");
	}
	key->ops = JOSE_OP_ALL;
	st = jose_key_set_pkey(key, pkey, err);
	if (st != JOSE_OK)
	{
		jose_key_free(key);
		return st;
	}
	*out = key;
	return JOSE_OK;
}

/* Wrap one key in a new one-key set. */
static jose_status
single_key_set(jose_key *key, jose_keyset **out, jose_err *err)
{
	jose_keyset *set = calloc(1, sizeof(*set));

	if (set != NULL)
		set->keys = calloc(1, sizeof(jose_key *));
	if (set == NULL || set->keys == NULL)
	{
		jose_keyset_free(set);
		jose_key_free(key);
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
	}
	set->keys[0] = key;
	set->count = 1;
	*out = set;
	return JOSE_OK;
}

/* Decode PEM text holding a key (any PKCS#8, SPKI, PKCS#1 or SEC1 form). */
static EVP_PKEY *
decode_pem_key(const char *text, size_t len)
{
	EVP_PKEY   *pkey = NULL;
	OSSL_DECODER_CTX *dctx;
	const unsigned char *data = (const unsigned char *) text;
	size_t		datalen = len;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL, 0, NULL, NULL);
	if (dctx == NULL)
		return NULL;
	if (OSSL_DECODER_from_data(dctx, &data, &datalen) != 1)
	{
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pkey;
}

/*
 * The first PEM block of text that is not a parameters block, or NULL.
 * `openssl ecparam -genkey` writes "EC PARAMETERS" before the key, and
 * OpenSSL's decoder reads only the first block it meets.
 */
static const char *
first_key_block(const char *text, size_t len)
{
	const char *end = text + len;
	const char *p = text;

	while ((p = memmem(p, (size_t) (end - p), "-----BEGIN ", 11)) != NULL)
	{
		const char *label = p + 11;
		const char *close = memmem(label, (size_t) (end - label), "-----", 5);

		if (close == NULL)
			return NULL;
		if (close - label < 10 || memcmp(close - 10, "PARAMETERS", 10) != 0)
			return p;
		p = close;
	}
	return NULL;
}

/* A one-key set from PEM text: a private key, a public key, or a certificate. */
jose_status
jose_keyset_from_pem(const char *text, size_t len, jose_keyset **out, jose_err *err)
{
	EVP_PKEY   *pkey = NULL;
	jose_key   *key;
	jose_status st;

	*out = NULL;
	ERR_clear_error();
	if (len > JOSE_MAX_KEY_TEXT)
		return jose_fail(err, JOSE_E_LIMIT,
						 "PEM texts are limited to %d bytes.", JOSE_MAX_KEY_TEXT);
	/* text before the armour (Bag Attributes, comments) is skipped below */
	if (memmem(text, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37) != NULL ||
		memmem(text, len, "Proc-Type: 4,ENCRYPTED", 22) != NULL)
		return jose_fail(err, JOSE_E_KEY,
						 "Encrypted PEM keys are not supported; decrypt the key first.");

	if (memmem(text, len, "-----BEGIN CERTIFICATE-----", 27) != NULL)
	{
		BIO		   *bio = BIO_new_mem_buf(text, (int) len);
		X509	   *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

		if (cert != NULL)
			pkey = X509_get_pubkey(cert);
		X509_free(cert);
		BIO_free(bio);
		if (pkey == NULL)
		{
			ERR_clear_error();
			return jose_fail(err, JOSE_E_KEY, "The PEM certificate could not be read.");
		}
	}
	else
	{
		const char *block = first_key_block(text, len);

		pkey = block ? decode_pem_key(block, len - (size_t) (block - text)) : NULL;
		if (pkey == NULL)
		{
			ERR_clear_error();
			return jose_fail(err, JOSE_E_KEY,
							 "The PEM text holds no key OpenSSL can read (PKCS#8, SPKI, PKCS#1, SEC1 or a certificate).");
		}
	}

	st = jose_key_from_pkey(pkey, &key, err);
	if (st != JOSE_OK)
		return st;
	return single_key_set(key, out, err);
}
