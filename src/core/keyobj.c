/*-------------------------------------------------------------------------
 *
 * keyobj.c
 *		Freeing keys and key sets, wiping what they held.
 *
 * src/core/keyobj.c
 *
 *-------------------------------------------------------------------------
 */
#include "keyobj.h"

#include <stdlib.h>

#include <openssl/crypto.h>

/* Free a key, wiping its secret. */
void
jose_key_free(jose_key *key)
{
	if (key == NULL)
		return;
	for (int i = 0; i < 3; i++)
		EVP_MAC_CTX_free(key->hmac[i]);
	for (int i = 0; i < JOSE_ALG_COUNT; i++)
	{
		EVP_PKEY_CTX_free(key->verify_ctx[i]);
		EVP_PKEY_CTX_free(key->sign_ctx[i]);
	}
	EVP_MD_CTX_free(key->eddsa_verify);
	EVP_MD_CTX_free(key->eddsa_sign);
	if (key->secret != NULL)
	{
		OPENSSL_cleanse(key->secret, key->secret_len);
		free(key->secret);
	}
	EVP_PKEY_free(key->pkey);
	free(key->kid);
	free(key->issuer);
	free(key->audience);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

/* Free a key set and its keys. */
void
jose_keyset_free(jose_keyset *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->count; i++)
		jose_key_free(set->keys[i]);
	free(set->keys);
	free(set);
}
