/*-------------------------------------------------------------------------
 *
 * jwk_export.c
 *		Writing keys out: JWK, RFC 7638 thumbprints, PEM.
 *
 * Key material is read back from OpenSSL rather than from what the caller
 * gave, so an exported JWK is canonical (minimal RSA integers, full-length
 * coordinates) whatever form the key came in.
 *
 * src/core/jwk_export.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwk_export.h"
#include "b64url.h"
#include "jwk.h"
#include "pkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

/* Append ,"name":"<base64url of bytes>" (or without the comma when first). */
static void
put_b64_member(jose_buf *out, const char *name, const unsigned char *bytes, size_t len,
			   bool first)
{
	if (!first)
		jose_buf_putc(out, ',');
	jose_buf_putc(out, '"');
	jose_buf_puts(out, name);
	jose_buf_puts(out, "\":\"");
	jose_buf_append_b64url(out, bytes, len);
	jose_buf_putc(out, '"');
}

/* Append a string member ,"name":"value". */
static void
put_str_member(jose_buf *out, const char *name, const char *value, size_t len, bool first)
{
	if (!first)
		jose_buf_putc(out, ',');
	jose_json_write_string(out, name, strlen(name));
	jose_buf_putc(out, ':');
	jose_json_write_string(out, value, len);
}

/* Append a BIGNUM parameter of pkey as a base64url member; pad to padlen if > 0. */
static bool
put_bn_param(jose_buf *out, EVP_PKEY *pkey, const char *param, const char *name,
			 size_t padlen, bool first)
{
	BIGNUM	   *bn = NULL;
	unsigned char buf[1024];
	int			n;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
		return false;
	if (padlen > 0)
		n = (padlen <= sizeof(buf)) ? BN_bn2binpad(bn, buf, (int) padlen) : -1;
	else
		n = (BN_num_bytes(bn) <= (int) sizeof(buf)) ? BN_bn2bin(bn, buf) : -1;
	BN_clear_free(bn);
	if (n < 0)
		return false;
	put_b64_member(out, name, buf, (size_t) n, first);
	OPENSSL_cleanse(buf, sizeof(buf));
	return true;
}

/*
 * Append the members that define the key, in RFC 7638's lexicographic
 * order when thumbprint is true (the required members only).
 */
static jose_status
put_key_members(jose_buf *out, const jose_key *key, bool with_private, bool thumbprint,
				jose_err *err)
{
	static const struct
	{
		const char *param;
		const char *name;
	}			rsa_private[] = {
		{OSSL_PKEY_PARAM_RSA_D, "d"},
		{OSSL_PKEY_PARAM_RSA_FACTOR1, "p"},
		{OSSL_PKEY_PARAM_RSA_FACTOR2, "q"},
		{OSSL_PKEY_PARAM_RSA_EXPONENT1, "dp"},
		{OSSL_PKEY_PARAM_RSA_EXPONENT2, "dq"},
		{OSSL_PKEY_PARAM_RSA_COEFFICIENT1, "qi"},
	};
	bool		ok = true;
	unsigned char raw[64];
	size_t		rawlen;

	switch (key->kty)
	{
		case JOSE_KTY_OCT:
			if (!with_private && !thumbprint)
				return jose_fail(err, JOSE_E_KEY,
								 "A symmetric (oct) key has no public part to publish.");
			put_b64_member(out, "k", key->secret, key->secret_len, true);
			put_str_member(out, "kty", "oct", 3, false);
			break;
		case JOSE_KTY_RSA:
			ok = put_bn_param(out, key->pkey, OSSL_PKEY_PARAM_RSA_E, "e", 0, true);
			put_str_member(out, "kty", "RSA", 3, false);
			ok = ok && put_bn_param(out, key->pkey, OSSL_PKEY_PARAM_RSA_N, "n", 0, false);
			if (ok && with_private && !thumbprint && jose_key_has_private(key))
				for (size_t i = 0; i < 6 && ok; i++)
					ok = put_bn_param(out, key->pkey, rsa_private[i].param,
									  rsa_private[i].name, 0, false);
			break;
		case JOSE_KTY_EC:
			put_str_member(out, "crv", key->crv, strlen(key->crv), true);
			put_str_member(out, "kty", "EC", 2, false);
			ok = put_bn_param(out, key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, "x",
							  key->curve->coord_len, false) &&
				put_bn_param(out, key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, "y",
							 key->curve->coord_len, false);
			if (ok && with_private && !thumbprint && jose_key_has_private(key))
				ok = put_bn_param(out, key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, "d",
								  key->curve->coord_len, false);
			break;
		case JOSE_KTY_OKP:
			put_str_member(out, "crv", key->crv, strlen(key->crv), true);
			put_str_member(out, "kty", "OKP", 3, false);
			rawlen = sizeof(raw);
			ok = EVP_PKEY_get_raw_public_key(key->pkey, raw, &rawlen) == 1;
			if (ok)
				put_b64_member(out, "x", raw, rawlen, false);
			if (ok && with_private && !thumbprint && jose_key_has_private(key))
			{
				rawlen = sizeof(raw);
				ok = EVP_PKEY_get_raw_private_key(key->pkey, raw, &rawlen) == 1;
				if (ok)
					put_b64_member(out, "d", raw, rawlen, false);
				OPENSSL_cleanse(raw, sizeof(raw));
			}
			break;
	}
	ERR_clear_error();
	if (!ok)
		return jose_fail(err, JOSE_E_CRYPTO, "Could not read the key's parameters.");
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the JWK.");
	return JOSE_OK;
}

/* Append the key as a JWK. */
jose_status
jose_key_to_jwk(const jose_key *key, bool with_private, jose_buf *out, jose_err *err)
{
	jose_status st;

	jose_buf_putc(out, '{');
	st = put_key_members(out, key, with_private, false, err);
	if (st != JOSE_OK)
		return st;
	if (key->kid != NULL)
		put_str_member(out, "kid", key->kid, key->kid_len, false);
	if (key->alg_name[0] != '\0')
		put_str_member(out, "alg", key->alg_name, strlen(key->alg_name), false);
	if (key->use[0] != '\0')
		put_str_member(out, "use", key->use, strlen(key->use), false);
	if (key->has_key_ops)
	{
		/* a public JWK keeps only the operations a public key can do */
		unsigned	ops = with_private ? key->key_ops
			: key->key_ops & (JOSE_OP_VERIFY | JOSE_OP_ENCRYPT | JOSE_OP_WRAP);
		bool		first = true;

		jose_buf_puts(out, ",\"key_ops\":[");
		for (const jose_key_op_name *o = jose_key_op_names; o->name != NULL; o++)
		{
			if (!(ops & o->bit))
				continue;
			if (!first)
				jose_buf_putc(out, ',');
			jose_json_write_string(out, o->name, strlen(o->name));
			first = false;
		}
		jose_buf_putc(out, ']');
	}
	jose_buf_putc(out, '}');
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the JWK.");
	return JOSE_OK;
}

/* Append the key as a JWK with its kid, or its thumbprint as kid when it has none. */
jose_status
jose_key_to_jwk_with_kid(const jose_key *key, bool with_private, jose_buf *out, char *kid,
						 jose_err *err)
{
	char		thumb[48];
	jose_status st;

	if (key->kid == NULL && (st = jose_key_thumbprint(key, thumb, err)) != JOSE_OK)
		return st;
	if ((st = jose_key_to_jwk(key, with_private, out, err)) != JOSE_OK)
		return st;
	if (key->kid == NULL)
	{
		out->len--;				/* reopen the object */
		jose_buf_puts(out, ",\"kid\":\"");
		jose_buf_puts(out, thumb);
		jose_buf_puts(out, "\"}");
	}
	if (kid != NULL)
		snprintf(kid, JOSE_MAX_KID_LEN + 1, "%s", key->kid ? key->kid : thumb);
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the JWK.");
	return JOSE_OK;
}

/* RFC 7638 SHA-256 thumbprint, base64url, into out (at least 44 bytes). */
jose_status
jose_key_thumbprint(const jose_key *key, char *out, jose_err *err)
{
	jose_buf	json = {0};
	unsigned char digest[32];
	unsigned int dlen = 0;
	jose_status st;
	size_t		n;

	jose_buf_putc(&json, '{');
	st = put_key_members(&json, key, false, true, err);
	jose_buf_putc(&json, '}');
	if (st == JOSE_OK && json.failed)
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the thumbprint input.");
	if (st == JOSE_OK &&
		EVP_Digest(json.data, json.len, digest, &dlen, EVP_sha256(), NULL) != 1)
		st = jose_fail(err, JOSE_E_CRYPTO, "Could not hash the thumbprint input.");
	jose_buf_free(&json);
	if (st != JOSE_OK)
		return st;
	n = jose_b64url_encode(digest, dlen, out);
	out[n] = '\0';
	return JOSE_OK;
}

/* Append the key as PEM: PKCS#8 when with_private, else SPKI. */
jose_status
jose_key_to_pem(const jose_key *key, bool with_private, jose_buf *out, jose_err *err)
{
	BIO		   *bio;
	char	   *data;
	long		len;
	int			ok;

	if (key->pkey == NULL)
		return jose_fail(err, JOSE_E_KEY, "A symmetric (oct) key has no PEM form.");
	if (with_private && !jose_key_has_private(key))
		with_private = false;
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a buffer.");
	if (with_private)
		ok = PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL);
	else
		ok = PEM_write_bio_PUBKEY(bio, key->pkey);
	len = BIO_get_mem_data(bio, &data);
	if (ok && len > 0)
		jose_buf_append(out, data, (size_t) len);
	/* the memory BIO held a private key: wipe before freeing */
	if (len > 0)
		OPENSSL_cleanse(data, (size_t) len);
	BIO_free(bio);
	ERR_clear_error();
	if (!ok || len <= 0)
		return jose_fail(err, JOSE_E_CRYPTO, "OpenSSL could not write the key as PEM.");
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the PEM text.");
	return JOSE_OK;
}
