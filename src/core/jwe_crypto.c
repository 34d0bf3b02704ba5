/*-------------------------------------------------------------------------
 *
 * jwe_crypto.c
 *		JWE content encryption (AES-GCM, AES-CBC-HMAC) and AES key wrapping.
 *
 * OpenSSL checks a GCM tag of whatever length it is given, so a one-byte
 * tag that matches the first byte is "authentic"; we require the full
 * 16 bytes and a 12-byte IV before OpenSSL sees either.  CBC-HMAC verifies
 * the full-length tag in constant time before any decryption, and every
 * failure (tag, padding, length) is the same JOSE_E_DECRYPT.
 *
 * src/core/jwe_crypto.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwe_crypto.h"
#include "hmac.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

/* The uniform decryption failure. */
static jose_status
decrypt_failed(jose_err *err)
{
	ERR_clear_error();
	return jose_fail(err, JOSE_E_DECRYPT, JOSE_DECRYPT_DETAIL);
}

/* Fetch (once) the OpenSSL cipher of the given name. */
static const EVP_CIPHER *
cipher_named(const char *name)
{
	static struct
	{
		const char *name;
		EVP_CIPHER *cipher;
	}			cache[16];

	for (int i = 0; i < 16; i++)
	{
		if (cache[i].name == NULL)
		{
			cache[i].cipher = EVP_CIPHER_fetch(NULL, name, NULL);
			if (cache[i].cipher == NULL)
				return NULL;
			cache[i].name = name;
			return cache[i].cipher;
		}
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].cipher;
	}
	return EVP_CIPHER_fetch(NULL, name, NULL);	/* not reached: 16 covers every name */
}

/* Fetch every cipher JWE uses into the cipher table (jose_prepare). */
void
jose_jwe_crypto_prepare(void)
{
	static const char *const names[] = {
		"AES-128-GCM", "AES-192-GCM", "AES-256-GCM", "AES-128-CBC", "AES-192-CBC",
		"AES-256-CBC", "AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void) cipher_named(names[i]);
}

/* The AES-GCM cipher name for a key length. */
static const char *
gcm_name(size_t key_len)
{
	return key_len == 16 ? "AES-128-GCM" : key_len == 24 ? "AES-192-GCM" : "AES-256-GCM";
}

/*
 * AES-GCM encryption or decryption of in (in_len) into out with a 16-byte
 * tag.  For decryption the tag is checked by the final call.
 */
static bool
gcm_run(const char *cipher_name, bool encrypt, const unsigned char *key,
		const unsigned char *iv, const unsigned char *aad, size_t aad_len,
		const unsigned char *in, size_t in_len, unsigned char *out,
		unsigned char *tag)
{
	const EVP_CIPHER *cipher = cipher_named(cipher_name);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	OSSL_PARAM	params[2];
	int			n = 0,
				fin = 0;
	bool		ok;

	ok = cipher != NULL && ctx != NULL &&
		EVP_CipherInit_ex2(ctx, cipher, key, iv, encrypt ? 1 : 0, NULL) == 1;
	if (ok && aad_len > 0)
		ok = EVP_CipherUpdate(ctx, NULL, &n, aad, (int) aad_len) == 1;
	if (ok && in_len > 0)
		ok = EVP_CipherUpdate(ctx, out, &n, in, (int) in_len) == 1;
	if (ok && !encrypt)
	{
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16);
		params[1] = OSSL_PARAM_construct_end();
		ok = EVP_CIPHER_CTX_set_params(ctx, params) == 1;
	}
	ok = ok && EVP_CipherFinal_ex(ctx, out + n, &fin) == 1;
	if (ok && encrypt)
	{
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16);
		params[1] = OSSL_PARAM_construct_end();
		ok = EVP_CIPHER_CTX_get_params(ctx, params) == 1;
	}
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* AES-CBC with PKCS#7 padding; returns the output length or -1. */
static int
cbc_run(const char *cipher_name, bool encrypt, const unsigned char *key,
		const unsigned char *iv, const unsigned char *in, size_t in_len,
		unsigned char *out)
{
	const EVP_CIPHER *cipher = cipher_named(cipher_name);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int			n = 0,
				fin = 0;
	bool		ok;

	ok = cipher != NULL && ctx != NULL &&
		EVP_CipherInit_ex2(ctx, cipher, key, iv, encrypt ? 1 : 0, NULL) == 1 &&
		EVP_CipherUpdate(ctx, out, &n, in, (int) in_len) == 1 &&
		EVP_CipherFinal_ex(ctx, out + n, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	return ok ? n + fin : -1;
}

/* The CBC-HMAC tag: HMAC(mac_key, AAD || IV || C || AL), first tag_len bytes. */
static jose_status
cbc_tag(const jose_jwe_enc_info *e, const unsigned char *mac_key,
		const unsigned char *aad, size_t aad_len, const unsigned char *iv,
		const unsigned char *ct, size_t ct_len, unsigned char *mac, jose_err *err)
{
	unsigned char al[8];
	uint64_t	bits = (uint64_t) aad_len * 8;	/* 64-bit: no overflow for any AAD */
	const unsigned char *parts[4] = {aad, iv, ct, al};
	size_t		lens[4] = {aad_len, e->iv_len, ct_len, 8};
	size_t		maclen = 0;

	for (int i = 7; i >= 0; i--, bits >>= 8)
		al[i] = (unsigned char) (bits & 0xFF);
	return jose_hmac_parts(e->digest, mac_key, e->key_len / 2, parts, lens, 4, mac, &maclen, err);
}

/* Encrypt pt into ct (appended) and tag with cek and iv. */
jose_status
jose_content_encrypt(const jose_jwe_enc_info *e, const unsigned char *cek,
					 const unsigned char *iv, const unsigned char *aad, size_t aad_len,
					 const unsigned char *pt, size_t pt_len, jose_buf *ct,
					 unsigned char *tag, jose_err *err)
{
	unsigned char *out;
	unsigned char mac[EVP_MAX_MD_SIZE];
	int			n;
	jose_status st;

	if (!jose_buf_reserve(ct, pt_len + 16))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the ciphertext.");
	out = (unsigned char *) ct->data + ct->len;
	if (!e->cbc_hmac)
	{
		if (!gcm_run(e->cipher, true, cek, iv, aad, aad_len, pt, pt_len, out, tag))
			return jose_fail(err, JOSE_E_CRYPTO, "AES-GCM encryption failed.");
		ct->len += pt_len;
		return JOSE_OK;
	}
	n = cbc_run(e->cipher, true, cek + e->key_len / 2, iv, pt, pt_len, out);
	if (n < 0)
		return jose_fail(err, JOSE_E_CRYPTO, "AES-CBC encryption failed.");
	st = cbc_tag(e, cek, aad, aad_len, iv, out, (size_t) n, mac, err);
	if (st != JOSE_OK)
		return st;
	memcpy(tag, mac, e->tag_len);
	ct->len += (size_t) n;
	return JOSE_OK;
}

/* Authenticate and decrypt ct into pt (appended). */
jose_status
jose_content_decrypt(const jose_jwe_enc_info *e, const unsigned char *cek,
					 const unsigned char *iv, size_t iv_len,
					 const unsigned char *aad, size_t aad_len,
					 const unsigned char *ct, size_t ct_len,
					 const unsigned char *tag, size_t tag_len,
					 jose_buf *pt, jose_err *err)
{
	unsigned char *out;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned char tagcopy[16];
	int			n;

	/* lengths first: OpenSSL would accept short GCM tags and IVs */
	if (iv_len != e->iv_len || tag_len != e->tag_len)
		return decrypt_failed(err);
	if (!jose_buf_reserve(pt, ct_len + 16))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the plaintext.");
	out = (unsigned char *) pt->data + pt->len;

	if (!e->cbc_hmac)
	{
		memcpy(tagcopy, tag, 16);
		if (!gcm_run(e->cipher, false, cek, iv, aad, aad_len, ct, ct_len, out, tagcopy))
		{
			OPENSSL_cleanse(out, ct_len);
			return decrypt_failed(err);
		}
		pt->len += ct_len;
		return JOSE_OK;
	}

	/* CBC-HMAC: the MAC, in constant time and over its full length, before anything else */
	if (cbc_tag(e, cek, aad, aad_len, iv, ct, ct_len, mac, err) != JOSE_OK)
		return err->status;
	if (CRYPTO_memcmp(mac, tag, e->tag_len) != 0 || ct_len == 0 || ct_len % 16 != 0)
		return decrypt_failed(err);
	n = cbc_run(e->cipher, false, cek + e->key_len / 2, iv, ct, ct_len, out);
	if (n < 0)
	{
		OPENSSL_cleanse(out, ct_len);
		return decrypt_failed(err);
	}
	pt->len += (size_t) n;
	return JOSE_OK;
}

/* The AES key-wrap cipher name for a key length. */
static const char *
wrap_name(size_t kek_len)
{
	return kek_len == 16 ? "AES-128-WRAP" : kek_len == 24 ? "AES-192-WRAP" : "AES-256-WRAP";
}

/* Run AES key wrap or unwrap; returns the output length or -1. */
static int
wrap_run(bool wrap, const unsigned char *kek, size_t kek_len, const unsigned char *in,
		 size_t in_len, unsigned char *out)
{
	const EVP_CIPHER *cipher = cipher_named(wrap_name(kek_len));
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int			n = 0,
				fin = 0;
	bool		ok;

	ok = cipher != NULL && ctx != NULL &&
		EVP_CipherInit_ex2(ctx, cipher, kek, NULL, wrap ? 1 : 0, NULL) == 1 &&
		EVP_CipherUpdate(ctx, out, &n, in, (int) in_len) == 1 &&
		EVP_CipherFinal_ex(ctx, out + n, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	ERR_clear_error();
	return ok ? n + fin : -1;
}

/* AES key wrap of in with kek, appended to out. */
jose_status
jose_aes_wrap(const unsigned char *kek, size_t kek_len, const unsigned char *in,
			  size_t in_len, jose_buf *out, jose_err *err)
{
	int			n;

	if (!jose_buf_reserve(out, in_len + 16))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the wrapped key.");
	n = wrap_run(true, kek, kek_len, in, in_len, (unsigned char *) out->data + out->len);
	if (n != (int) in_len + 8)
		return jose_fail(err, JOSE_E_CRYPTO, "AES key wrap failed.");
	out->len += (size_t) n;
	return JOSE_OK;
}

/* AES key unwrap into out (in_len - 8 bytes). */
bool
jose_aes_unwrap(const unsigned char *kek, size_t kek_len, const unsigned char *in,
				size_t in_len, unsigned char *out)
{
	unsigned char buf[80];
	int			n;

	/* RFC 3394: at least two 64-bit blocks of key plus the check block */
	if (in_len < 24 || in_len % 8 != 0 || in_len - 8 > 64)
		return false;
	n = wrap_run(false, kek, kek_len, in, in_len, buf);
	if (n != (int) in_len - 8)
	{
		OPENSSL_cleanse(buf, sizeof(buf));
		return false;
	}
	memcpy(out, buf, (size_t) n);
	OPENSSL_cleanse(buf, sizeof(buf));
	return true;
}

/* AES-GCM of a key with kek and a 12-byte iv, no AAD (A*GCMKW). */
bool
jose_gcm_seal(const unsigned char *kek, size_t kek_len, const unsigned char *iv,
			  const unsigned char *in, size_t in_len, unsigned char *out,
			  unsigned char *tag)
{
	return gcm_run(gcm_name(kek_len), true, kek, iv, NULL, 0, in, in_len, out, tag);
}

/* Inverse of jose_gcm_seal. */
bool
jose_gcm_open(const unsigned char *kek, size_t kek_len, const unsigned char *iv,
			  const unsigned char *in, size_t in_len, const unsigned char *tag,
			  unsigned char *out)
{
	unsigned char tagcopy[16];

	memcpy(tagcopy, tag, 16);
	return gcm_run(gcm_name(kek_len), false, kek, iv, NULL, 0, in, in_len, out, tagcopy);
}
