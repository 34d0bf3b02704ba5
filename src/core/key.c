/*-------------------------------------------------------------------------
 *
 * key.c
 *		Raw secrets, telling key texts apart, and the key/algorithm binding.
 *
 * The binding rules are the heart of algorithm-confusion resistance: the
 * token's header only names an algorithm, and that algorithm is used only
 * if the key itself could have produced it (an oct key for HS*, an RSA key
 * for RS and PS, an EC key of the right curve for ES, an OKP key for
 * EdDSA), and only if a JWK's own "alg" agrees.
 *
 * src/core/key.c
 *
 *-------------------------------------------------------------------------
 */
#include "key.h"
#include "bounds.h"
#include "pkey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

/* A one-key set holding a raw HMAC secret. */
jose_status
jose_keyset_from_secret(const unsigned char *secret, size_t len,
						jose_keyset **out, jose_err *err)
{
	jose_keyset *set;
	jose_key   *key;

	*out = NULL;
	if (len == 0)
		return jose_fail(err, JOSE_E_KEY, "The secret (or password) is empty.");
	if (len > JOSE_MAX_SECRET_LEN)
		return jose_fail(err, JOSE_E_LIMIT,
						 "HMAC secrets are limited to %d bytes.", JOSE_MAX_SECRET_LEN);

	set = calloc(1, sizeof(*set));
	key = calloc(1, sizeof(*key));
	if (set != NULL)
		set->keys = calloc(1, sizeof(jose_key *));
	if (key != NULL)
		key->secret = malloc(len);
	if (set == NULL || key == NULL || set->keys == NULL || key->secret == NULL)
	{
		if (key != NULL)
			free(key->secret);
		free(key);
		jose_keyset_free(set);
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key.");
	}
	key->kty = JOSE_KTY_OCT;
	key->ops = JOSE_OP_ALL;
	memcpy(key->secret, secret, len);
	key->secret_len = len;
	set->keys[0] = key;
	set->count = 1;
	*out = set;
	return JOSE_OK;
}

/* Skip leading JSON whitespace; returns the first other byte or -1. */
static int
first_non_space(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return (unsigned char) text[i];
	return -1;
}

/* True when text looks like a JWK or JWKS rather than a secret. */
bool
jose_text_looks_like_jwk(const char *text, size_t len)
{
	return first_non_space(text, len) == '{';
}

/*
 * True when bytes are a public or private key in another form: DER
 * (SubjectPublicKeyInfo, PKCS#8, PKCS#1, a certificate) or OpenSSH text.
 * Such bytes passed as an HMAC secret are the algorithm-confusion attack
 * (the verifier's public key used as the MAC key), never a real secret.
 */
bool
jose_bytes_look_like_key(const unsigned char *p, size_t len)
{
	static const char *const ssh_prefixes[] = {
		"ssh-rsa ", "ssh-ed25519 ", "ssh-ed448 ", "ecdsa-sha2-", "ssh-dss ",
		"sk-ssh-ed25519", "sk-ecdsa-sha2-"
	};
	const unsigned char *q;
	EVP_PKEY   *pkey = NULL;
	X509	   *cert = NULL;
	bool		found = false;

	for (size_t i = 0; i < sizeof(ssh_prefixes) / sizeof(ssh_prefixes[0]); i++)
	{
		size_t		n = strlen(ssh_prefixes[i]);

		if (len >= n && memcmp(p, ssh_prefixes[i], n) == 0)
			return true;
	}

	/* DER starts with a SEQUENCE; only then is it worth asking OpenSSL */
	if (len < 16 || p[0] != 0x30 || len > JOSE_MAX_KEY_TEXT)
		return false;
	q = p;
	pkey = d2i_PUBKEY(NULL, &q, (long) len);
	if (pkey == NULL)
	{
		q = p;
		pkey = d2i_AutoPrivateKey(NULL, &q, (long) len);
	}
	if (pkey == NULL)
	{
		q = p;
		cert = d2i_X509(NULL, &q, (long) len);
	}
	found = pkey != NULL || cert != NULL;
	EVP_PKEY_free(pkey);
	X509_free(cert);
	ERR_clear_error();
	return found;
}

/* The algorithm a key implies when the caller allows none explicitly. */
jose_alg
jose_key_default_alg(const jose_key *key)
{
	if (key->alg != JOSE_ALG_UNKNOWN)
		return key->alg;
	if (key->alg_name[0] != '\0')
		return JOSE_ALG_UNKNOWN;	/* bound to a non-JWS algorithm */
	switch (key->kty)
	{
		case JOSE_KTY_OCT:
			return JOSE_ALG_HS256;
		case JOSE_KTY_RSA:
			return JOSE_ALG_RS256;
		case JOSE_KTY_EC:
		case JOSE_KTY_OKP:
			return key->curve ? key->curve->sig_alg : JOSE_ALG_UNKNOWN;
	}
	return JOSE_ALG_UNKNOWN;
}

/* Name of a key type, for messages. */
static const char *
kty_name(jose_kty kty)
{
	switch (kty)
	{
		case JOSE_KTY_OCT:
			return "oct";
		case JOSE_KTY_RSA:
			return "RSA";
		case JOSE_KTY_EC:
			return "EC";
		case JOSE_KTY_OKP:
			return "OKP";
	}
	return "unknown";
}

/* Check that the key's type (and curve) can produce alg at all. */
jose_status
jose_key_check_family(const jose_key *key, jose_alg alg, jose_err *err)
{
	const jose_alg_info *info = jose_alg_get(alg);
	bool		fits;

	switch (info->family)
	{
		case JOSE_FAMILY_HMAC:
			fits = key->kty == JOSE_KTY_OCT;
			break;
		case JOSE_FAMILY_RSA_PKCS1:
		case JOSE_FAMILY_RSA_PSS:
			fits = key->kty == JOSE_KTY_RSA;
			break;
		case JOSE_FAMILY_ECDSA:
		case JOSE_FAMILY_EDDSA:
			fits = (key->kty == JOSE_KTY_EC || key->kty == JOSE_KTY_OKP) &&
				key->curve != NULL && key->curve->sig_alg == alg;
			break;
		default:
			fits = false;
	}
	if (fits)
		return JOSE_OK;
	if (key->curve != NULL)
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "%s %s %s key cannot be used with %s.",
						 jose_article(key->crv, true), key->crv, kty_name(key->kty), info->name);
	if (key->kty == JOSE_KTY_OCT)
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "A symmetric (oct) key cannot be used with %s.", info->name);
	return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
					 "%s %s key cannot be used with %s.", jose_article(kty_name(key->kty), true),
					 kty_name(key->kty), info->name);
}

/* Check that key may do op with alg. */
jose_status
jose_key_check_jws(const jose_key *key, jose_alg alg, unsigned op, jose_err *err)
{
	const jose_alg_info *info = jose_alg_get(alg);
	jose_status st;

	if (info == NULL)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED, "The algorithm is not supported.");

	if (key->alg_name[0] != '\0' && key->alg != alg)
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "The key is bound to algorithm %s, not %s.",
						 key->alg_name, info->name);
	st = jose_key_check_family(key, alg, err);
	if (st != JOSE_OK)
		return st;
	if (info->family == JOSE_FAMILY_HMAC && key->secret_len < info->hash_len)
		return jose_fail(err, JOSE_E_KEY,
						 "%s %s secret must be at least %zu bytes; this one has %zu.",
						 jose_article(info->name, true), info->name, info->hash_len, key->secret_len);
	if (op == JOSE_OP_SIGN && !jose_key_has_private(key))
		return jose_fail(err, JOSE_E_KEY, "Signing needs a private key; this is a public key.");
	if (!(key->ops & op))
		return jose_fail(err, JOSE_E_KEY,
						 "The key's \"use\" or \"key_ops\" do not permit %s.",
						 op == JOSE_OP_SIGN ? "signing" : "verification");
	return JOSE_OK;
}
