/*-------------------------------------------------------------------------
 *
 * pkey_sig.c
 *		RS*, PS*, ES*, ES256K and EdDSA signatures with OpenSSL EVP.
 *
 * JOSE fixes every parameter that OpenSSL would otherwise negotiate or
 * default, and we pin each one explicitly: PSS uses MGF1 with the same
 * hash and a salt as long as the hash (a default context accepts any salt
 * length); ECDSA signatures are the raw R || S of exactly twice the
 * coordinate size, with 0 < r, s < n checked before OpenSSL sees them
 * (CVE-2022-21449); RSA signatures are exactly the modulus size.
 *
 * src/core/pkey_sig.c
 *
 *-------------------------------------------------------------------------
 */
#include "pkey_sig.h"
#include "pkey.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/params.h>

/* The SHA-2 implementations, fetched once (implicit fetches cost per call). */
static EVP_MD *sha2[3];

/* The fetched digest for an algorithm, or NULL for EdDSA. */
static const EVP_MD *
alg_digest(const jose_alg_info *info)
{
	int			slot;

	if (info->digest == NULL)
		return NULL;
	slot = info->hash_len == 32 ? 0 : info->hash_len == 48 ? 1 : 2;
	if (sha2[slot] == NULL)
		sha2[slot] = EVP_MD_fetch(NULL, info->digest, NULL);
	return sha2[slot];
}

/* Group orders of the EC curves, looked up once: (curve, order) pairs. */
static struct
{
	const jose_curve *curve;
	BIGNUM	   *order;
}			orders[4];

/* The group order of an EC key's curve (owned by this file), or NULL. */
static const BIGNUM *
curve_order(const jose_key *key)
{
	int			i;

	EC_GROUP   *group;

	if (key->curve == NULL || key->curve->kty != JOSE_KTY_EC)
		return NULL;
	for (i = 0; i < 4 && orders[i].curve != NULL; i++)
		if (orders[i].curve == key->curve)
			return orders[i].order;
	if (i == 4)
		return NULL;

	/* from OpenSSL's own curve parameters, so no constant can be mistyped */
	group = EC_GROUP_new_by_curve_name(OBJ_sn2nid(key->curve->ossl_name));
	if (group == NULL)
		return NULL;
	orders[i].order = BN_dup(EC_GROUP_get0_order(group));
	EC_GROUP_free(group);
	if (orders[i].order == NULL)
		return NULL;
	orders[i].curve = key->curve;
	return orders[i].order;
}

/* Fill the digest and curve-order tables of signatures (jose_prepare). */
void
jose_pkey_sig_prepare(void)
{
	static const char *const ec_curves[] = {"P-256", "P-384", "P-521", "secp256k1"};

	for (int a = 1; a < JOSE_ALG_COUNT; a++)
		(void) alg_digest(jose_alg_get((jose_alg) a));
	for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
	{
		jose_key	k = {0};

		k.curve = jose_curve_by_jwk_name(ec_curves[i], strlen(ec_curves[i]));
		if (k.curve != NULL)
			(void) curve_order(&k);
	}
}

/*
 * Convert a raw R || S signature to DER, after checking its length and
 * that 0 < r < n and 0 < s < n.  Returns the DER length, 0 if invalid.
 */
static size_t
raw_to_der(const jose_key *key, const unsigned char *sig, size_t siglen,
		   unsigned char *der, size_t dermax)
{
	size_t		half = key->curve->coord_len;
	BIGNUM	   *r,
			   *s;
	const BIGNUM *n;
	ECDSA_SIG  *esig;
	unsigned char *p = der;
	int			len = 0;
	bool		ok;

	if (siglen != 2 * half)
		return 0;
	r = BN_bin2bn(sig, (int) half, NULL);
	s = BN_bin2bn(sig + half, (int) half, NULL);
	n = curve_order(key);
	ok = r && s && n && !BN_is_zero(r) && !BN_is_zero(s) &&
		BN_cmp(r, n) < 0 && BN_cmp(s, n) < 0;
	if (!ok)
	{
		BN_free(r);
		BN_free(s);
		return 0;
	}
	esig = ECDSA_SIG_new();
	if (esig == NULL || !ECDSA_SIG_set0(esig, r, s))
	{
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(esig);
		return 0;
	}
	if (i2d_ECDSA_SIG(esig, NULL) <= (int) dermax)
		len = i2d_ECDSA_SIG(esig, &p);
	ECDSA_SIG_free(esig);
	return len > 0 ? (size_t) len : 0;
}

/* Convert a DER ECDSA signature to raw R || S; false on failure. */
static bool
der_to_raw(const jose_key *key, const unsigned char *der, size_t derlen, jose_buf *out)
{
	const unsigned char *p = der;
	ECDSA_SIG  *esig = d2i_ECDSA_SIG(NULL, &p, (long) derlen);
	size_t		half = key->curve->coord_len;
	const BIGNUM *r,
			   *s;
	bool		ok;

	if (esig == NULL)
		return false;
	ECDSA_SIG_get0(esig, &r, &s);
	ok = jose_buf_reserve(out, 2 * half) &&
		BN_bn2binpad(r, (unsigned char *) out->data + out->len, (int) half) == (int) half &&
		BN_bn2binpad(s, (unsigned char *) out->data + out->len + half, (int) half) == (int) half;
	if (ok)
		out->len += 2 * half;
	ECDSA_SIG_free(esig);
	return ok;
}

/*
 * The key's context for alg, set up once with the parameters JOSE fixes:
 * the signature's digest, and for PSS the padding, MGF1 digest and a salt
 * as long as the hash.  Setting these up (and fetching the implementation)
 * costs as much as a small verification, so keys keep their contexts.
 */
static EVP_PKEY_CTX *
operation_ctx(jose_key *key, const jose_alg_info *info, bool sign)
{
	EVP_PKEY_CTX **slot = sign ? &key->sign_ctx[info->alg] : &key->verify_ctx[info->alg];
	const EVP_MD *md = alg_digest(info);
	EVP_PKEY_CTX *ctx;
	OSSL_PARAM	params[4];
	char		pad[] = OSSL_PKEY_RSA_PAD_MODE_PSS;
	char		saltlen[] = OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST;
	bool		ok;

	if (*slot != NULL)
		return *slot;
	if (md == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (ctx == NULL)
		return NULL;
	ok = (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) == 1 &&
		EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
	if (ok && info->family == JOSE_FAMILY_RSA_PSS)
	{
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, pad, 0);
		params[1] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST,
													 (char *) info->digest, 0);
		params[2] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN,
													 saltlen, 0);
		params[3] = OSSL_PARAM_construct_end();
		ok = EVP_PKEY_CTX_set_params(ctx, params) == 1;
	}
	if (!ok)
	{
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	*slot = ctx;
	return ctx;
}

/* The key's EdDSA context (pure EdDSA signs the message itself, no digest). */
static EVP_MD_CTX *
eddsa_ctx(jose_key *key, bool sign)
{
	EVP_MD_CTX **slot = sign ? &key->eddsa_sign : &key->eddsa_verify;
	EVP_MD_CTX *ctx;
	int			rc;

	if (*slot != NULL)
		return *slot;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return NULL;
	rc = sign ? EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey)
		: EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey);
	if (rc != 1)
	{
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	*slot = ctx;
	return ctx;
}

/* Drop a key's cached contexts for alg, after a failure left them suspect. */
static void
drop_contexts(jose_key *key, const jose_alg_info *info)
{
	EVP_PKEY_CTX_free(key->verify_ctx[info->alg]);
	EVP_PKEY_CTX_free(key->sign_ctx[info->alg]);
	key->verify_ctx[info->alg] = key->sign_ctx[info->alg] = NULL;
	EVP_MD_CTX_free(key->eddsa_verify);
	EVP_MD_CTX_free(key->eddsa_sign);
	key->eddsa_verify = key->eddsa_sign = NULL;
}

/* Hash data with the algorithm's digest into out. */
static bool
hash_input(const jose_alg_info *info, const unsigned char *data, size_t len,
		   unsigned char *out, unsigned int *outlen)
{
	const EVP_MD *md = alg_digest(info);

	return md != NULL && EVP_Digest(data, len, out, outlen, md, NULL) == 1;
}

/* Sign with an RSA, EC or OKP key; appends the JOSE-form signature. */
jose_status
jose_pkey_sign(jose_key *key, const jose_alg_info *info, const unsigned char *data,
			   size_t len, jose_buf *out, jose_err *err)
{
	unsigned char sig[JOSE_MAX_SIG_LEN];
	size_t		siglen = sizeof(sig);
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hashlen = 0;
	bool		ok;

	if (info->family == JOSE_FAMILY_EDDSA)
	{
		EVP_MD_CTX *ctx = eddsa_ctx(key, true);

		ok = ctx != NULL && EVP_DigestSign(ctx, sig, &siglen, data, len) == 1;
	}
	else
	{
		EVP_PKEY_CTX *ctx = operation_ctx(key, info, true);

		ok = ctx != NULL && hash_input(info, data, len, hash, &hashlen) &&
			EVP_PKEY_sign(ctx, sig, &siglen, hash, hashlen) == 1;
	}
	if (!ok)
	{
		drop_contexts(key, info);
		ERR_clear_error();
		return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not sign with the key.");
	}
	if (info->family == JOSE_FAMILY_ECDSA)
	{
		if (!der_to_raw(key, sig, siglen, out))
			return jose_fail(err, JOSE_E_CRYPTO, "Could not convert the ECDSA signature.");
	}
	else
		jose_buf_append(out, sig, siglen);
	return JOSE_OK;
}

/* Verify a JOSE-form signature with an RSA, EC or OKP key. */
jose_status
jose_pkey_verify(jose_key *key, const jose_alg_info *info, const unsigned char *data,
				 size_t len, const unsigned char *sig, size_t siglen, jose_err *err)
{
	unsigned char der[JOSE_MAX_SIG_LEN];
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hashlen = 0;
	int			rc;

	switch (info->family)
	{
		case JOSE_FAMILY_ECDSA:
			siglen = raw_to_der(key, sig, siglen, der, sizeof(der));
			if (siglen == 0)
				return jose_fail(err, JOSE_E_SIGNATURE,
								 "%s %s signature is %zu bytes of R || S with 0 < R, S < n.",
								 jose_article(info->name, true), info->name, 2 * key->curve->coord_len);
			sig = der;
			break;
		case JOSE_FAMILY_RSA_PKCS1:
		case JOSE_FAMILY_RSA_PSS:
			if (siglen != (size_t) EVP_PKEY_get_size(key->pkey))
				return jose_fail(err, JOSE_E_SIGNATURE,
								 "%s %s signature with this key is %d bytes; this one has %zu.",
								 jose_article(info->name, true), info->name, EVP_PKEY_get_size(key->pkey), siglen);
			break;
		case JOSE_FAMILY_EDDSA:
			if (siglen != 2 * key->curve->coord_len)
				return jose_fail(err, JOSE_E_SIGNATURE,
								 "%s %s signature is %zu bytes; this one has %zu.",
								 jose_article(key->crv, true), key->crv, 2 * key->curve->coord_len, siglen);
			break;
		default:
			break;
	}

	if (info->family == JOSE_FAMILY_EDDSA)
	{
		EVP_MD_CTX *ctx = eddsa_ctx(key, false);

		rc = ctx ? EVP_DigestVerify(ctx, sig, siglen, data, len) : -1;
	}
	else
	{
		EVP_PKEY_CTX *ctx = operation_ctx(key, info, false);

		rc = (ctx && hash_input(info, data, len, hash, &hashlen))
			? EVP_PKEY_verify(ctx, sig, siglen, hash, hashlen) : -1;
	}
	if (rc != 1)
	{
		drop_contexts(key, info);
		ERR_clear_error();
		if (rc < 0)
			return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not run the verification.");
		return jose_fail(err, JOSE_E_SIGNATURE, "The signature does not match the key.");
	}
	return JOSE_OK;
}
