/*-------------------------------------------------------------------------
 *
 * keygen.c
 *		Generating new keys for JWS and JWE.
 *
 * A kind names what to make: an algorithm (which the key is then bound
 * to as its "alg"), a content encryption (a dir key of its size), a key
 * type ("RSA", "oct") or a curve.  It is first turned into a plan (an oct
 * key of some size, an RSA key, or a curve key), then the plan is run.
 *
 * src/core/keygen.c
 *
 *-------------------------------------------------------------------------
 */
#include "keygen.h"
#include "interrupt.h"
#include "jwe_tables.h"
#include "jwk_export.h"
#include "pkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

typedef enum plan_kind
{
	PLAN_OCT,
	PLAN_RSA,
	PLAN_CURVE
} plan_kind;

/* What a kind asks for. */
typedef struct keygen_plan
{
	plan_kind	what;
	int			min_bits;		/* oct: the smallest size allowed */
	int			max_bits;		/* oct: the largest */
	int			default_bits;	/* oct and RSA: the size when none is given */
	const jose_curve *curve;	/* PLAN_CURVE */
	const char *bind;			/* the "alg" the key is bound to, or NULL */
	jose_alg	jws_alg;		/* bind as a JWS algorithm, or UNKNOWN */
} keygen_plan;

/* The curve a JWS algorithm signs with. */
static const jose_curve *
curve_for(jose_alg alg)
{
	static const char *const names[] = {"P-256", "P-384", "P-521", "secp256k1", "Ed25519"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		const jose_curve *c = jose_curve_by_jwk_name(names[i], strlen(names[i]));

		if (c->sig_alg == alg)
			return c;
	}
	return NULL;
}

/* Turn a kind into a plan; JOSE_E_ARGUMENT for a kind token_ext cannot make. */
static jose_status
plan_for_kind(const char *kind, size_t len, keygen_plan *p, jose_err *err)
{
	jose_alg	alg = jose_alg_lookup(kind, len);
	const jose_alg_info *info = jose_alg_get(alg);
	const jose_jwe_alg_info *ja = jose_jwe_alg_get(jose_jwe_alg_lookup(kind, len));
	const jose_jwe_enc_info *je = jose_jwe_enc_get(jose_jwe_enc_lookup(kind, len));

	memset(p, 0, sizeof(*p));
	p->default_bits = 2048;
	if (info != NULL)
	{
		p->bind = info->name;
		p->jws_alg = alg;
		if (info->family == JOSE_FAMILY_HMAC)
		{
			p->what = PLAN_OCT;
			p->min_bits = p->default_bits = (int) info->hash_len * 8;
			p->max_bits = 4096;
		}
		else if (info->family == JOSE_FAMILY_RSA_PKCS1 || info->family == JOSE_FAMILY_RSA_PSS)
			p->what = PLAN_RSA;
		else
		{
			p->what = PLAN_CURVE;
			p->curve = curve_for(alg);
		}
		return JOSE_OK;
	}
	if (je != NULL || (ja != NULL && (ja->family == JOSE_KM_AESKW || ja->family == JOSE_KM_AESGCMKW)))
	{
		p->bind = je ? je->name : ja->name;
		p->what = PLAN_OCT;
		p->min_bits = p->max_bits = p->default_bits = (int) (je ? je->key_len : ja->kek_len) * 8;
		return JOSE_OK;
	}
	if (ja != NULL && (ja->family == JOSE_KM_RSA_OAEP || ja->family == JOSE_KM_ECDH))
	{
		p->bind = ja->name;
		p->what = ja->family == JOSE_KM_RSA_OAEP ? PLAN_RSA : PLAN_CURVE;
		p->curve = jose_curve_by_jwk_name("P-256", 5);
		return JOSE_OK;
	}
	if (len == 3 && memcmp(kind, "RSA", 3) == 0)
	{
		p->what = PLAN_RSA;
		return JOSE_OK;
	}
	if (len == 3 && memcmp(kind, "oct", 3) == 0)
	{
		p->what = PLAN_OCT;
		p->min_bits = 128;
		p->max_bits = 4096;
		p->default_bits = 256;
		return JOSE_OK;
	}
	if ((p->curve = jose_curve_by_jwk_name(kind, len)) != NULL)
	{
		p->what = PLAN_CURVE;
		return JOSE_OK;
	}
	return jose_fail(err, JOSE_E_ARGUMENT,
					 "Name a JWS or JWE algorithm (RS256, ES256, EdDSA, HS256, A256KW, RSA-OAEP-256, ECDH-ES, A256GCM, ...), \"RSA\", \"oct\" or a curve (P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448).");
}

/* A new oct key of len random bytes. */
static jose_status
generate_oct(size_t len, jose_key **out, jose_err *err)
{
	jose_key   *key = calloc(1, sizeof(*key));

	if (key == NULL || (key->secret = malloc(len)) == NULL)
	{
		free(key);
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key.");
	}
	key->kty = JOSE_KTY_OCT;
	key->ops = JOSE_OP_ALL;
	key->secret_len = len;
	if (RAND_bytes(key->secret, (int) len) != 1)
	{
		jose_key_free(key);
		ERR_clear_error();
		return jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");
	}
	*out = key;
	return JOSE_OK;
}

/*
 * OpenSSL's progress callback during RSA prime search: returning 0 makes
 * the generation give up, which is how a cancel request reaches it.  An
 * 8192-bit key takes tens of seconds, far beyond any statement_timeout.
 */
static int
keygen_progress(EVP_PKEY_CTX *ctx)
{
	return jose_interrupted() ? 0 : 1;
}

/* Generate an RSA key of bits, interruptible through the host's check. */
static jose_status
generate_rsa(int bits, EVP_PKEY **out, jose_err *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	jose_status st = JOSE_OK;

	*out = NULL;
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
		EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) != 1)
		st = jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not generate the key.");
	else
	{
		EVP_PKEY_CTX_set_cb(ctx, keygen_progress);
		if (EVP_PKEY_generate(ctx, out) != 1)
		{
			*out = NULL;
			st = jose_interrupted()
				? jose_fail(err, JOSE_E_INTERRUPTED, "Generating the RSA key was interrupted.")
				: jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not generate the key.");
		}
	}
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return st;
}

/* Run a plan with the requested size (0: the default). */
static jose_status
run_plan(const keygen_plan *p, int bits, jose_key **out, jose_err *err)
{
	EVP_PKEY   *pkey;

	switch (p->what)
	{
		case PLAN_OCT:
			if (bits == 0)
				bits = p->default_bits;
			if (bits < p->min_bits || bits > p->max_bits || bits % 8 != 0)
			{
				if (p->min_bits == p->max_bits)
					return jose_fail(err, JOSE_E_ARGUMENT, "%s %s key is %d bits.",
									 jose_article(p->bind, true), p->bind, p->min_bits);
				return jose_fail(err, JOSE_E_ARGUMENT,
								 "The key size must be a multiple of 8 bits from %d to %d.",
								 p->min_bits, p->max_bits);
			}
			return generate_oct((size_t) bits / 8, out, err);
		case PLAN_RSA:
			if (bits == 0)
				bits = p->default_bits;
			if (bits < JOSE_RSA_MIN_BITS || bits > JOSE_RSA_MAX_BITS || bits % 8 != 0)
				return jose_fail(err, JOSE_E_ARGUMENT,
								 "RSA key sizes are multiples of 8 bits from %d to %d.",
								 JOSE_RSA_MIN_BITS, JOSE_RSA_MAX_BITS);
			{
				jose_status st = generate_rsa(bits, &pkey, err);

				if (st != JOSE_OK)
					return st;
			}
			break;
		case PLAN_CURVE:
			if (bits != 0)
				return jose_fail(err, JOSE_E_ARGUMENT, "The size of a curve key is fixed by its curve.");
			pkey = p->curve->kty == JOSE_KTY_EC
				? EVP_PKEY_Q_keygen(NULL, NULL, "EC", p->curve->ossl_name)
				: EVP_PKEY_Q_keygen(NULL, NULL, p->curve->ossl_name);
			break;
		default:
			return jose_fail(err, JOSE_E_ARGUMENT, "Unknown key plan.");
	}
	if (pkey == NULL)
	{
		ERR_clear_error();
		return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not generate the key.");
	}
	return jose_key_from_pkey(pkey, out, err);
}

/* Generate a new private key of the given kind (see pkey.h). */
jose_status
jose_key_generate(const char *kind, size_t kind_len, int bits, jose_key **out, jose_err *err)
{
	keygen_plan plan;
	jose_key   *key;
	char		thumb[48];
	jose_status st;

	*out = NULL;
	st = plan_for_kind(kind, kind_len, &plan, err);
	if (st == JOSE_OK)
		st = run_plan(&plan, bits, &key, err);
	if (st != JOSE_OK)
		return st;

	key->from_jwk = true;
	if (plan.bind != NULL)
	{
		snprintf(key->alg_name, sizeof(key->alg_name), "%s", plan.bind);
		key->alg = plan.jws_alg;
	}
	st = jose_key_thumbprint(key, thumb, err);
	if (st == JOSE_OK && (key->kid = strdup(thumb)) == NULL)
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a kid.");
	if (st != JOSE_OK)
	{
		jose_key_free(key);
		return st;
	}
	key->kid_len = strlen(key->kid);
	*out = key;
	return JOSE_OK;
}
