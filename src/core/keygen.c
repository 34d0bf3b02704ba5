/*-------------------------------------------------------------------------
 *
 * keygen.c
 *		Generating new keys for JWS (and key types JWE will use).
 *
 * src/core/keygen.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwe.h"
#include "pkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

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
	key->from_jwk = true;
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

/* Generate a new private key of the given kind (see pkey.h). */
jose_status
jose_key_generate(const char *kind, size_t kind_len, int bits, jose_key **out, jose_err *err)
{
	jose_alg	alg = jose_alg_lookup(kind, kind_len);
	const jose_alg_info *info = jose_alg_get(alg);
	const jose_curve *curve = NULL;
	EVP_PKEY   *pkey = NULL;
	jose_status st;
	char		thumb[48];
	jose_key   *key;

	*out = NULL;
	if (info == NULL)
	{
		/* JWE kinds: a key-management algorithm or a content encryption (dir key) */
		jose_jwe_alg ja = jose_jwe_alg_lookup(kind, kind_len);
		jose_jwe_enc je = jose_jwe_enc_lookup(kind, kind_len);
		const jose_jwe_alg_info *jai = jose_jwe_alg_get(ja);
		const char *bound = jai ? jai->name : je ? jose_jwe_enc_get(je)->name : NULL;

		if (bound != NULL && (je || (jai->family != JOSE_KM_PBES2 && jai->family != JOSE_KM_DIR)))
		{
			if (je || jai->family == JOSE_KM_AESKW || jai->family == JOSE_KM_AESGCMKW)
			{
				size_t		len = je ? jose_jwe_enc_get(je)->key_len : jai->kek_len;

				if (bits != 0 && bits != (int) len * 8)
					return jose_fail(err, JOSE_E_ARGUMENT,
									 "%s %s key is %zu bits.", jose_article(bound, true), bound, len * 8);
				st = generate_oct(len, &key, err);
			}
			else
			{
				if (jai->family == JOSE_KM_RSA_OAEP)
				{
					if (bits == 0)
						bits = 2048;
					if (bits < JOSE_RSA_MIN_BITS || bits > JOSE_RSA_MAX_BITS || bits % 8 != 0)
						return jose_fail(err, JOSE_E_ARGUMENT,
										 "RSA key sizes are multiples of 8 bits from %d to %d.",
										 JOSE_RSA_MIN_BITS, JOSE_RSA_MAX_BITS);
					pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);
				}
				else if (bits != 0)
					return jose_fail(err, JOSE_E_ARGUMENT,
									 "The size of a curve key is fixed by its curve.");
				else
					pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
				if (pkey == NULL)
				{
					ERR_clear_error();
					return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not generate the key.");
				}
				st = jose_key_from_pkey(pkey, &key, err);
			}
			if (st != JOSE_OK)
				return st;
			key->from_jwk = true;
			snprintf(key->alg_name, sizeof(key->alg_name), "%s", bound);
			goto set_kid;
		}
	}
	if (info != NULL)
	{
		switch (info->family)
		{
			case JOSE_FAMILY_HMAC:
				break;
			case JOSE_FAMILY_RSA_PKCS1:
			case JOSE_FAMILY_RSA_PSS:
				break;
			case JOSE_FAMILY_ECDSA:
				for (size_t i = 0; i < 4 && curve == NULL; i++)
				{
					static const char *const ec_curves[] = {"P-256", "P-384", "P-521", "secp256k1"};
					const jose_curve *c = jose_curve_by_jwk_name(ec_curves[i], strlen(ec_curves[i]));

					if (c->sig_alg == alg)
						curve = c;
				}
				break;
			case JOSE_FAMILY_EDDSA:
				curve = jose_curve_by_jwk_name("Ed25519", 7);
				break;
		}
	}
	else if (!(kind_len == 3 && memcmp(kind, "RSA", 3) == 0) &&
			 !(kind_len == 3 && memcmp(kind, "oct", 3) == 0) &&
			 (curve = jose_curve_by_jwk_name(kind, kind_len)) == NULL)
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "Name a JWS or JWE algorithm (RS256, ES256, EdDSA, HS256, A256KW, RSA-OAEP-256, ECDH-ES, A256GCM, ...), \"RSA\", \"oct\" or a curve (P-256, P-384, P-521, secp256k1, Ed25519, Ed448, X25519, X448).");

	if ((info && info->family == JOSE_FAMILY_HMAC) || (!info && kind_len == 3 && memcmp(kind, "oct", 3) == 0))
	{
		size_t		min = info ? info->hash_len * 8 : 128;

		if (bits == 0)
			bits = info ? (int) info->hash_len * 8 : 256;
		if (bits < (int) min || bits > 4096 || bits % 8 != 0)
			return jose_fail(err, JOSE_E_ARGUMENT,
							 "The key size must be a multiple of 8 bits from %zu to 4096.", min);
		st = generate_oct((size_t) bits / 8, &key, err);
		if (st != JOSE_OK)
			return st;
	}
	else
	{
		if (curve == NULL)
		{
			if (bits == 0)
				bits = 2048;
			if (bits < JOSE_RSA_MIN_BITS || bits > JOSE_RSA_MAX_BITS || bits % 8 != 0)
				return jose_fail(err, JOSE_E_ARGUMENT,
								 "RSA key sizes are multiples of 8 bits from %d to %d.",
								 JOSE_RSA_MIN_BITS, JOSE_RSA_MAX_BITS);
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);
		}
		else if (bits != 0)
			return jose_fail(err, JOSE_E_ARGUMENT, "The size of a curve key is fixed by its curve.");
		else if (curve->kty == JOSE_KTY_EC)
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve->ossl_name);
		else
			pkey = EVP_PKEY_Q_keygen(NULL, NULL, curve->ossl_name);
		if (pkey == NULL)
		{
			ERR_clear_error();
			return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not generate the key.");
		}
		st = jose_key_from_pkey(pkey, &key, err);
		if (st != JOSE_OK)
			return st;
		key->from_jwk = true;
	}

	if (info != NULL)
	{
		snprintf(key->alg_name, sizeof(key->alg_name), "%s", info->name);
		key->alg = alg;
	}
set_kid:
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
