/*-------------------------------------------------------------------------
 *
 * jwe_keymgmt.c
 *		JWE key management: producing and recovering the content key.
 *
 * Each family has an encrypt side (make the encrypted key and the header
 * parameters) and a decrypt side (recover the content key).  Decrypt-side
 * failures that depend on secrets all become the one JOSE_E_DECRYPT, and
 * RSA-OAEP goes further: a failed or wrong-length unwrap substitutes a
 * random key and carries on, so the failure surfaces at the content tag
 * like any other wrong key, with no shortcut to time.
 *
 * src/core/jwe_keymgmt.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwe_keymgmt.h"
#include "b64url.h"
#include "jwe_crypto.h"
#include "jwk.h"
#include "jwk_export.h"
#include "pkey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* The uniform decryption failure. */
static jose_status
decrypt_failed(jose_err *err)
{
	ERR_clear_error();
	return jose_fail(err, JOSE_E_DECRYPT, JOSE_DECRYPT_DETAIL);
}

/* Fill buf with len random bytes. */
bool
jose_random(unsigned char *buf, size_t len)
{
	if (RAND_bytes(buf, (int) len) != 1)
	{
		ERR_clear_error();
		return false;
	}
	return true;
}

/* Append a big-endian 32-bit integer. */
static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char) (v >> 24);
	p[1] = (unsigned char) (v >> 16);
	p[2] = (unsigned char) (v >> 8);
	p[3] = (unsigned char) v;
}

/*
 * The Concat KDF of RFC 7518 4.6.2 (NIST SP 800-56A) with SHA-256:
 * AlgorithmID, PartyUInfo and PartyVInfo length-prefixed, SuppPubInfo the
 * key length in bits.
 */
static bool
concat_kdf(const unsigned char *z, size_t z_len, const char *alg_id,
		   const unsigned char *apu, size_t apu_len,
		   const unsigned char *apv, size_t apv_len,
		   unsigned char *out, size_t out_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char be[4];
	unsigned char block[32];
	size_t		done = 0;
	bool		ok = ctx != NULL;

	for (uint32_t counter = 1; ok && done < out_len; counter++)
	{
		size_t		take = out_len - done < 32 ? out_len - done : 32;

		put_be32(be, counter);
		ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
			EVP_DigestUpdate(ctx, be, 4) == 1 &&
			EVP_DigestUpdate(ctx, z, z_len) == 1;
		put_be32(be, (uint32_t) strlen(alg_id));
		ok = ok && EVP_DigestUpdate(ctx, be, 4) == 1 &&
			EVP_DigestUpdate(ctx, alg_id, strlen(alg_id)) == 1;
		put_be32(be, (uint32_t) apu_len);
		ok = ok && EVP_DigestUpdate(ctx, be, 4) == 1 &&
			(apu_len == 0 || EVP_DigestUpdate(ctx, apu, apu_len) == 1);
		put_be32(be, (uint32_t) apv_len);
		ok = ok && EVP_DigestUpdate(ctx, be, 4) == 1 &&
			(apv_len == 0 || EVP_DigestUpdate(ctx, apv, apv_len) == 1);
		put_be32(be, (uint32_t) (out_len * 8));
		ok = ok && EVP_DigestUpdate(ctx, be, 4) == 1 &&
			EVP_DigestFinal_ex(ctx, block, NULL) == 1;
		if (ok)
		{
			memcpy(out + done, block, take);
			done += take;
		}
	}
	OPENSSL_cleanse(block, sizeof(block));
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* ECDH shared secret of priv and peer into z (at most 133 bytes); refuses an all-zero result. */
static bool
ecdh_derive(EVP_PKEY *priv, EVP_PKEY *peer, unsigned char *z, size_t *z_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
	unsigned char acc = 0;
	bool		ok;

	*z_len = 133;
	ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
		EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) == 1 &&
		EVP_PKEY_derive(ctx, z, z_len) == 1;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (!ok)
		return false;
	/* RFC 7748 6.1: a low-order X25519/X448 point gives all zeros */
	for (size_t i = 0; i < *z_len; i++)
		acc |= z[i];
	return acc != 0;
}

/* Read an optional base64url header member (apu, apv, p2s) into out. */
static jose_status
header_bytes(const jose_json *h, const char *name, size_t max_len,
			 unsigned char *out, size_t *out_len, bool *present, jose_err *err)
{
	uint32_t	v = jose_json_member(h, 0, name);

	*present = false;
	*out_len = 0;
	if (v == JOSE_JSON_NONE)
		return JOSE_OK;
	if (h->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"%s\" is not a string.", name);
	if (JOSE_B64URL_DECODED_MAX(h->nodes[v].len) > max_len + 2)
		return jose_fail(err, JOSE_E_LIMIT,
						 "The header member \"%s\" is limited to %zu bytes.", name, max_len);
	if (!jose_b64url_decode(jose_json_text(h, v), h->nodes[v].len, out, out_len) ||
		*out_len > max_len)
		return jose_fail(err, JOSE_E_HEADER,
						 "The header member \"%s\" is not strict base64url.", name);
	*present = true;
	return JOSE_OK;
}

/* Read PBES2's p2c: a positive integer within [JOSE_MIN_PBES2_COUNT, max]. */
jose_status
jose_read_p2c(const jose_json *h, uint32_t v, uint32_t max, uint32_t *out, jose_err *err)
{
	const char *t;
	size_t		len;
	uint64_t	n = 0;

	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER, "The header has no \"p2c\" member.");
	if (h->nodes[v].type != JOSE_JSON_NUMBER)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"p2c\" is not a number.");
	t = jose_json_text(h, v);
	len = h->nodes[v].len;
	for (size_t i = 0; i < len; i++)
		if (t[i] < '0' || t[i] > '9')
			return jose_fail(err, JOSE_E_HEADER,
							 "The header member \"p2c\" must be a positive integer.");
	/* compare by length first: no conversion can overflow */
	if (len > 10)
		return jose_fail(err, JOSE_E_LIMIT,
						 "PBES2 iteration counts are limited to %u (token_ext.max_pbes2_count).", max);
	for (size_t i = 0; i < len; i++)
		n = n * 10 + (uint64_t) (t[i] - '0');
	if (n == 0)
		return jose_fail(err, JOSE_E_HEADER,
						 "The header member \"p2c\" must be a positive integer.");
	if (n > max)
		return jose_fail(err, JOSE_E_LIMIT,
						 "PBES2 iteration counts are limited to %u (token_ext.max_pbes2_count).", max);
	if (n < JOSE_MIN_PBES2_COUNT)
		return jose_fail(err, JOSE_E_HEADER,
						 "PBES2 iteration counts below %d are refused.", JOSE_MIN_PBES2_COUNT);
	*out = (uint32_t) n;
	return JOSE_OK;
}

/* PBKDF2 of the password with salt UTF8(alg) || 0x00 || p2s into kek. */
static bool
pbes2_kek(const jose_jwe_alg_info *a, const jose_key *key, const unsigned char *p2s,
		  size_t p2s_len, uint32_t p2c, unsigned char *kek)
{
	size_t		name_len = strlen(a->name);
	unsigned char salt[64 + JOSE_MAX_P2S_LEN];
	const EVP_MD *md = EVP_get_digestbyname(a->digest);
	bool		ok;

	memcpy(salt, a->name, name_len);
	salt[name_len] = 0;
	memcpy(salt + name_len + 1, p2s, p2s_len);
	ok = md != NULL &&
		PKCS5_PBKDF2_HMAC((const char *) key->secret, (int) key->secret_len, salt,
						  (int) (name_len + 1 + p2s_len), (int) p2c, md,
						  (int) a->kek_len, kek) == 1;
	ERR_clear_error();
	return ok;
}

/* RSA-OAEP encryption or decryption context of key for algorithm a. */
static EVP_PKEY_CTX *
oaep_ctx(const jose_jwe_alg_info *a, EVP_PKEY *pkey, bool encrypt)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	OSSL_PARAM	params[4];
	char		pad[] = OSSL_PKEY_RSA_PAD_MODE_OAEP;

	if (ctx == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_PAD_MODE, pad, 0);
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_OAEP_DIGEST,
												 (char *) a->digest, 0);
	params[2] = OSSL_PARAM_construct_utf8_string(OSSL_ASYM_CIPHER_PARAM_MGF1_DIGEST,
												 (char *) a->digest, 0);
	params[3] = OSSL_PARAM_construct_end();
	if ((encrypt ? EVP_PKEY_encrypt_init_ex(ctx, params)
		 : EVP_PKEY_decrypt_init_ex(ctx, params)) != 1)
	{
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Produce the encrypted key and header parameters for an encryption. */
jose_status
jose_km_encrypt(const jose_jwe_alg_info *a, const jose_jwe_enc_info *e, const jose_key *key,
				const jose_json *extra, uint32_t p2c, const jose_jwe_fixed *fixed,
				unsigned char *cek, jose_buf *ek, jose_buf *params, jose_err *err)
{
	unsigned char kek[64];
	bool		ok;
	jose_status st = JOSE_OK;

	/* the content key: the key itself for dir, else fresh (or fixed in tests) */
	if (a->family == JOSE_KM_DIR)
		memcpy(cek, key->secret, e->key_len);
	else if (fixed && fixed->cek)
	{
		if (fixed->cek_len != e->key_len)
			return jose_fail(err, JOSE_E_ARGUMENT, "The fixed content key has the wrong length.");
		memcpy(cek, fixed->cek, e->key_len);
	}
	else if (!jose_random(cek, e->key_len))
		return jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");

	switch (a->family)
	{
		case JOSE_KM_DIR:
			return JOSE_OK;

		case JOSE_KM_AESKW:
			return jose_aes_wrap(key->secret, a->kek_len, cek, e->key_len, ek, err);

		case JOSE_KM_AESGCMKW:
			{
				unsigned char iv[12];
				unsigned char tag[16];

				if (fixed && fixed->kw_iv && fixed->kw_iv_len == 12)
					memcpy(iv, fixed->kw_iv, 12);
				else if (!jose_random(iv, 12))
					return jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");
				if (!jose_buf_reserve(ek, e->key_len) ||
					!jose_gcm_seal(key->secret, a->kek_len, iv, cek, e->key_len,
								   (unsigned char *) ek->data + ek->len, tag))
					return jose_fail(err, JOSE_E_CRYPTO, "AES-GCM key wrap failed.");
				ek->len += e->key_len;
				jose_buf_puts(params, ",\"iv\":\"");
				jose_buf_append_b64url(params, iv, 12);
				jose_buf_puts(params, "\",\"tag\":\"");
				jose_buf_append_b64url(params, tag, 16);
				jose_buf_putc(params, '"');
				return JOSE_OK;
			}

		case JOSE_KM_RSA_OAEP:
			{
				EVP_PKEY_CTX *ctx = oaep_ctx(a, key->pkey, true);
				size_t		outlen = (size_t) EVP_PKEY_get_size(key->pkey);

				ok = ctx != NULL && jose_buf_reserve(ek, outlen) &&
					EVP_PKEY_encrypt(ctx, (unsigned char *) ek->data + ek->len, &outlen,
									 cek, e->key_len) == 1;
				EVP_PKEY_CTX_free(ctx);
				ERR_clear_error();
				if (!ok)
					return jose_fail(err, JOSE_E_CRYPTO, "RSA-OAEP encryption failed.");
				ek->len += outlen;
				return JOSE_OK;
			}

		case JOSE_KM_ECDH:
			{
				EVP_PKEY   *eph = NULL;
				jose_key   *ephkey = NULL;
				unsigned char z[133];
				size_t		z_len;
				unsigned char apu[JOSE_MAX_PARTY_INFO_LEN + 2],
							apv[JOSE_MAX_PARTY_INFO_LEN + 2];
				size_t		apu_len,
							apv_len;
				bool		has_apu,
							has_apv;
				size_t		derived_len = a->kek_len ? a->kek_len : e->key_len;
				const char *alg_id = a->kek_len ? a->name : e->name;
				unsigned char *derived = a->kek_len ? kek : cek;

				if (extra != NULL)
				{
					st = header_bytes(extra, "apu", JOSE_MAX_PARTY_INFO_LEN, apu, &apu_len, &has_apu, err);
					if (st == JOSE_OK)
						st = header_bytes(extra, "apv", JOSE_MAX_PARTY_INFO_LEN, apv, &apv_len, &has_apv, err);
					if (st != JOSE_OK)
						return st;
				}
				else
					apu_len = apv_len = 0;

				if (fixed && fixed->ephemeral)
				{
					eph = fixed->ephemeral;
					EVP_PKEY_up_ref(eph);
				}
				else if (key->kty == JOSE_KTY_EC)
					eph = EVP_PKEY_Q_keygen(NULL, NULL, "EC", key->curve->ossl_name);
				else
					eph = EVP_PKEY_Q_keygen(NULL, NULL, key->curve->ossl_name);
				if (eph == NULL)
				{
					ERR_clear_error();
					return jose_fail(err, JOSE_E_CRYPTO, "Could not generate the ephemeral key.");
				}
				ok = ecdh_derive(eph, key->pkey, z, &z_len) &&
					concat_kdf(z, z_len, alg_id, apu, apu_len, apv, apv_len, derived, derived_len);
				OPENSSL_cleanse(z, sizeof(z));
				if (!ok)
				{
					EVP_PKEY_free(eph);
					return jose_fail(err, JOSE_E_CRYPTO, "ECDH key agreement failed.");
				}

				/* the ephemeral public key goes in the header as "epk" */
				st = jose_key_from_pkey(eph, &ephkey, err);
				if (st == JOSE_OK)
				{
					jose_buf_puts(params, ",\"epk\":");
					st = jose_key_to_jwk(ephkey, false, params, err);
				}
				jose_key_free(ephkey);
				if (st == JOSE_OK && a->kek_len)
					st = jose_aes_wrap(kek, a->kek_len, cek, e->key_len, ek, err);
				OPENSSL_cleanse(kek, sizeof(kek));
				return st;
			}

		case JOSE_KM_PBES2:
			{
				unsigned char salt[32];
				const unsigned char *p2s = salt;
				size_t		p2s_len = 16;

				if (fixed && fixed->p2s)
				{
					p2s = fixed->p2s;
					p2s_len = fixed->p2s_len;
				}
				else if (!jose_random(salt, 16))
					return jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");
				if (!pbes2_kek(a, key, p2s, p2s_len, p2c, kek))
					return jose_fail(err, JOSE_E_CRYPTO, "PBKDF2 failed.");
				st = jose_aes_wrap(kek, a->kek_len, cek, e->key_len, ek, err);
				OPENSSL_cleanse(kek, sizeof(kek));
				jose_buf_puts(params, ",\"p2s\":\"");
				jose_buf_append_b64url(params, p2s, p2s_len);
				jose_buf_putc(params, '"');
				return st;
			}
	}
	return jose_fail(err, JOSE_E_ALG_UNSUPPORTED, "Unknown key management.");
}

/* Recover the content key of a decryption into cek (e->key_len bytes). */
jose_status
jose_km_decrypt(const jose_jwe_alg_info *a, const jose_jwe_enc_info *e, const jose_key *key,
				const jose_json *h, const unsigned char *ek, size_t ek_len,
				const jose_limits *limits, unsigned char *cek, jose_err *err)
{
	unsigned char kek[64];
	jose_status st;

	switch (a->family)
	{
		case JOSE_KM_DIR:
			if (ek_len != 0)
				return decrypt_failed(err);
			memcpy(cek, key->secret, e->key_len);
			return JOSE_OK;

		case JOSE_KM_AESKW:
			if (ek_len != e->key_len + 8 || !jose_aes_unwrap(key->secret, a->kek_len, ek, ek_len, cek))
				return decrypt_failed(err);
			return JOSE_OK;

		case JOSE_KM_AESGCMKW:
			{
				unsigned char iv[16],
							tag[20];
				size_t		iv_len,
							tag_len;
				bool		has_iv,
							has_tag;

				st = header_bytes(h, "iv", 12, iv, &iv_len, &has_iv, err);
				if (st == JOSE_OK)
					st = header_bytes(h, "tag", 16, tag, &tag_len, &has_tag, err);
				if (st != JOSE_OK)
					return st;
				if (!has_iv || !has_tag)
					return jose_fail(err, JOSE_E_HEADER,
									 "%s needs the header members \"iv\" and \"tag\".", a->name);
				if (iv_len != 12 || tag_len != 16 || ek_len != e->key_len ||
					!jose_gcm_open(key->secret, a->kek_len, iv, ek, ek_len, tag, cek))
					return decrypt_failed(err);
				return JOSE_OK;
			}

		case JOSE_KM_RSA_OAEP:
			{
				unsigned char random_cek[64];
				unsigned char out[1024];
				size_t		out_len = sizeof(out);
				EVP_PKEY_CTX *ctx;
				bool		ok;

				/*
				 * Draw the substitute first, then decrypt whatever the
				 * outcome, and pick without a branch on secret data.
				 */
				if (!jose_random(random_cek, e->key_len))
					return jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");
				memset(out, 0, sizeof(out));
				ctx = oaep_ctx(a, key->pkey, false);
				ok = ctx != NULL && ek_len == (size_t) EVP_PKEY_get_size(key->pkey) &&
					EVP_PKEY_decrypt(ctx, out, &out_len, ek, ek_len) == 1 &&
					out_len == e->key_len;
				EVP_PKEY_CTX_free(ctx);
				ERR_clear_error();
				for (size_t i = 0; i < e->key_len; i++)
				{
					unsigned char mask = (unsigned char) (0 - (unsigned char) ok);

					cek[i] = (unsigned char) ((out[i] & mask) | (random_cek[i] & ~mask));
				}
				OPENSSL_cleanse(out, sizeof(out));
				OPENSSL_cleanse(random_cek, sizeof(random_cek));
				return JOSE_OK;
			}

		case JOSE_KM_ECDH:
			{
				uint32_t	epk_node = jose_json_member(h, 0, "epk");
				jose_key   *epk = NULL;
				jose_err	epk_err;
				unsigned char z[133];
				size_t		z_len;
				unsigned char apu[JOSE_MAX_PARTY_INFO_LEN + 2],
							apv[JOSE_MAX_PARTY_INFO_LEN + 2];
				size_t		apu_len,
							apv_len;
				bool		has_apu,
							has_apv,
							ok;
				size_t		derived_len = a->kek_len ? a->kek_len : e->key_len;
				const char *alg_id = a->kek_len ? a->name : e->name;
				unsigned char *derived = a->kek_len ? kek : cek;

				if (epk_node == JOSE_JSON_NONE || h->nodes[epk_node].type != JOSE_JSON_OBJECT)
					return jose_fail(err, JOSE_E_HEADER,
									 "%s needs the header member \"epk\", a JWK object.", a->name);
				/* only public members (RFC 7518 4.6.1.1), of the recipient's key type and curve */
				if (jose_json_member(h, epk_node, "d") != JOSE_JSON_NONE)
					return jose_fail(err, JOSE_E_HEADER,
									 "The header's \"epk\" holds a private key.");
				if (!jose_json_string_eq(h, jose_json_member(h, epk_node, "kty"),
										 key->kty == JOSE_KTY_EC ? "EC" : "OKP",
										 key->kty == JOSE_KTY_EC ? 2 : 3) ||
					!jose_json_string_eq(h, jose_json_member(h, epk_node, "crv"),
										 key->crv, strlen(key->crv)))
					return jose_fail(err, JOSE_E_HEADER,
									 "The header's \"epk\" is not a %s key, as the recipient's key is.",
									 key->crv);
				st = header_bytes(h, "apu", JOSE_MAX_PARTY_INFO_LEN, apu, &apu_len, &has_apu, err);
				if (st == JOSE_OK)
					st = header_bytes(h, "apv", JOSE_MAX_PARTY_INFO_LEN, apv, &apv_len, &has_apv, err);
				if (st != JOSE_OK)
					return st;

				/*
				 * Loading validates the point (on the curve, not at
				 * infinity): the invalid-curve attack stops here.
				 */
				if (jose_jwk_load(h, epk_node, &epk, &epk_err) != JOSE_OK)
				{
					if (epk_err.status == JOSE_E_NOMEM)
						return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the ephemeral key.");
					return decrypt_failed(err);
				}
				ok = ecdh_derive(key->pkey, epk->pkey, z, &z_len) &&
					concat_kdf(z, z_len, alg_id, apu, apu_len, apv, apv_len, derived, derived_len);
				jose_key_free(epk);
				OPENSSL_cleanse(z, sizeof(z));
				if (!ok)
					return decrypt_failed(err);
				if (a->kek_len == 0)
					return ek_len == 0 ? JOSE_OK : decrypt_failed(err);
				ok = ek_len == e->key_len + 8 && jose_aes_unwrap(kek, a->kek_len, ek, ek_len, cek);
				OPENSSL_cleanse(kek, sizeof(kek));
				return ok ? JOSE_OK : decrypt_failed(err);
			}

		case JOSE_KM_PBES2:
			{
				unsigned char p2s[JOSE_MAX_P2S_LEN + 2];
				size_t		p2s_len;
				bool		has_p2s,
							ok;
				uint32_t	p2c;

				/* every bound is checked before any PBKDF2 work */
				st = jose_read_p2c(h, jose_json_member(h, 0, "p2c"), limits->max_pbes2_count, &p2c, err);
				if (st != JOSE_OK)
					return st;
				st = header_bytes(h, "p2s", JOSE_MAX_P2S_LEN, p2s, &p2s_len, &has_p2s, err);
				if (st != JOSE_OK)
					return st;
				if (!has_p2s || p2s_len < 8)
					return jose_fail(err, JOSE_E_HEADER,
									 "PBES2 needs a \"p2s\" salt of at least 8 bytes.");
				if (!pbes2_kek(a, key, p2s, p2s_len, p2c, kek))
					return jose_fail(err, JOSE_E_CRYPTO, "PBKDF2 failed.");
				ok = ek_len == e->key_len + 8 && jose_aes_unwrap(kek, a->kek_len, ek, ek_len, cek);
				OPENSSL_cleanse(kek, sizeof(kek));
				return ok ? JOSE_OK : decrypt_failed(err);
			}
	}
	return jose_fail(err, JOSE_E_ALG_UNSUPPORTED, "Unknown key management.");
}
