/*-------------------------------------------------------------------------
 *
 * sig.c
 *		Dispatch of JWS signing and verification by algorithm family.
 *
 * src/core/sig.c
 *
 *-------------------------------------------------------------------------
 */
#include "sig.h"
#include "hmac.h"
#include "pkey_sig.h"

#include <openssl/crypto.h>

/* Sign data with key under alg, appending the raw signature to out. */
jose_status
jose_sig_sign(jose_key *key, jose_alg alg, const unsigned char *data, size_t len,
			  jose_buf *out, jose_err *err)
{
	const jose_alg_info *info = jose_alg_get(alg);
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t		maclen = 0;
	jose_status st;

	switch (info->family)
	{
		case JOSE_FAMILY_HMAC:
			st = jose_hmac(key, info, data, len, mac, &maclen, err);
			if (st != JOSE_OK)
				return st;
			jose_buf_append(out, mac, maclen);
			OPENSSL_cleanse(mac, sizeof(mac));
			return JOSE_OK;
		default:
			return jose_pkey_sign(key, info, data, len, out, err);
	}
}

/* Verify sig over data with key under alg. */
jose_status
jose_sig_verify(jose_key *key, jose_alg alg, const unsigned char *data, size_t len,
				const unsigned char *sig, size_t siglen, jose_err *err)
{
	const jose_alg_info *info = jose_alg_get(alg);
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t		maclen = 0;
	jose_status st;
	int			diff;

	switch (info->family)
	{
		case JOSE_FAMILY_HMAC:

			/*
			 * The length is public (it is the algorithm's), so checking it
			 * first leaks nothing; the bytes compare in constant time.
			 */
			if (siglen != info->hash_len)
				return jose_fail(err, JOSE_E_SIGNATURE,
								 "%s %s signature is %zu bytes; this one has %zu.",
								 jose_article(info->name, true), info->name, info->hash_len, siglen);
			st = jose_hmac(key, info, data, len, mac, &maclen, err);
			if (st != JOSE_OK)
				return st;
			diff = CRYPTO_memcmp(mac, sig, info->hash_len);
			/* the bytes HMAC wrote (the rest of mac was never touched) */
			OPENSSL_cleanse(mac, info->hash_len);
			if (diff != 0)
				return jose_fail(err, JOSE_E_SIGNATURE,
								 "The signature does not match the key.");
			return JOSE_OK;
		default:
			return jose_pkey_verify(key, info, data, len, sig, siglen, err);
	}
}
