/*-------------------------------------------------------------------------
 *
 * jwe.c
 *		JWE compact serialization: encrypt and decrypt.
 *
 * As for JWS, the header only names algorithms; which ones are acceptable
 * comes from the caller or the key.  Header checks come before any
 * cryptography, and PBES2's iteration count is bounded before PBKDF2 runs.
 *
 * src/core/jwe.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwe.h"
#include "b64url.h"
#include "compact.h"
#include "issuer.h"
#include "jwe_crypto.h"
#include "jwe_keymgmt.h"
#include "pkey.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

/* Operations that let a key take part in encryption or decryption. */
#define OPS_ENCRYPT (JOSE_OP_ENCRYPT | JOSE_OP_WRAP | JOSE_OP_DERIVE_KEY | JOSE_OP_DERIVE_BITS)
#define OPS_DECRYPT (JOSE_OP_DECRYPT | JOSE_OP_UNWRAP | JOSE_OP_DERIVE_KEY | JOSE_OP_DERIVE_BITS)

/* The algorithm an oct key of this length implies with enc (dir when it fits). */
static jose_jwe_alg
oct_default(size_t len, const jose_jwe_enc_info *e)
{
	if (e != NULL && len == e->key_len)
		return JOSE_JWE_DIR;
	switch (len)
	{
		case 16:
			return JOSE_JWE_A128KW;
		case 24:
			return JOSE_JWE_A192KW;
		case 32:
			return JOSE_JWE_A256KW;
		default:
			return JOSE_JWE_ALG_UNKNOWN;
	}
}

/* The algorithms a key allows when the caller names none (PBES2 never). */
static jose_jwe_alg_set
key_default_algs(const jose_key *key)
{
	jose_jwe_alg bound = jose_jwe_alg_lookup(key->alg_name, strlen(key->alg_name));

	if (bound != JOSE_JWE_ALG_UNKNOWN)
		return JOSE_JWE_BIT(bound);
	if (key->alg_name[0] != '\0')
	{
		/* a key bound to a content encryption is a dir key (Wycheproof JWE-tc 132) */
		if (key->kty == JOSE_KTY_OCT &&
			jose_jwe_enc_lookup(key->alg_name, strlen(key->alg_name)) != JOSE_JWE_ENC_UNKNOWN)
			return JOSE_JWE_BIT(JOSE_JWE_DIR);
		return 0;
	}
	switch (key->kty)
	{
		case JOSE_KTY_OCT:
			{
				jose_jwe_alg_set s = JOSE_JWE_BIT(JOSE_JWE_DIR);

				if (key->secret_len == 16)
					s |= JOSE_JWE_BIT(JOSE_JWE_A128KW) | JOSE_JWE_BIT(JOSE_JWE_A128GCMKW);
				else if (key->secret_len == 24)
					s |= JOSE_JWE_BIT(JOSE_JWE_A192KW) | JOSE_JWE_BIT(JOSE_JWE_A192GCMKW);
				else if (key->secret_len == 32)
					s |= JOSE_JWE_BIT(JOSE_JWE_A256KW) | JOSE_JWE_BIT(JOSE_JWE_A256GCMKW);
				return s;
			}
		case JOSE_KTY_RSA:
			return JOSE_JWE_BIT(JOSE_JWE_RSA_OAEP) | JOSE_JWE_BIT(JOSE_JWE_RSA_OAEP_256);
		case JOSE_KTY_EC:
		case JOSE_KTY_OKP:
			if (key->curve == NULL || key->curve->sig_alg == JOSE_ALG_ES256K ||
				key->curve->sig_alg == JOSE_ALG_EDDSA)
				return 0;
			return JOSE_JWE_BIT(JOSE_JWE_ECDH_ES) | JOSE_JWE_BIT(JOSE_JWE_ECDH_ES_A128KW) |
				JOSE_JWE_BIT(JOSE_JWE_ECDH_ES_A192KW) | JOSE_JWE_BIT(JOSE_JWE_ECDH_ES_A256KW);
	}
	return 0;
}

/*
 * Check that key can do the key management of a with enc: the type and
 * size fit, a bound "alg" agrees, use/key_ops permit it, and decryption
 * has a private key.
 */
static jose_status
check_key(const jose_key *key, const jose_jwe_alg_info *a, const jose_jwe_enc_info *e,
		  bool encrypt, jose_err *err)
{
	bool		fits;

	if (key->alg_name[0] != '\0' && strcmp(key->alg_name, a->name) != 0 &&
		!(a->family == JOSE_KM_DIR && strcmp(key->alg_name, e->name) == 0))
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "The key is bound to algorithm %s, not %s.", key->alg_name, a->name);
	switch (a->family)
	{
		case JOSE_KM_DIR:
			if (key->kty != JOSE_KTY_OCT)
				break;
			if (key->secret_len != e->key_len)
				return jose_fail(err, JOSE_E_KEY,
								 "dir with %s needs a %zu-byte key; this one has %zu.",
								 e->name, e->key_len, key->secret_len);
			goto usable;
		case JOSE_KM_AESKW:
		case JOSE_KM_AESGCMKW:
			if (key->kty != JOSE_KTY_OCT)
				break;
			if (key->secret_len != a->kek_len)
				return jose_fail(err, JOSE_E_KEY, "%s needs a %zu-byte key; this one has %zu.",
								 a->name, a->kek_len, key->secret_len);
			goto usable;
		case JOSE_KM_PBES2:
			if (key->kty != JOSE_KTY_OCT)
				break;
			if (key->secret_len == 0)
				return jose_fail(err, JOSE_E_KEY, "The PBES2 password is empty.");
			goto usable;
		case JOSE_KM_RSA_OAEP:
			if (key->kty != JOSE_KTY_RSA)
				break;
			goto usable;
		case JOSE_KM_ECDH:
			fits = (key->kty == JOSE_KTY_EC || key->kty == JOSE_KTY_OKP) && key->curve != NULL &&
				key->curve->sig_alg != JOSE_ALG_ES256K && key->curve->sig_alg != JOSE_ALG_EDDSA;
			if (!fits)
				break;
			goto usable;
	}
	return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED, "This key cannot be used with %s.", a->name);

usable:
	if (!(key->ops & (encrypt ? OPS_ENCRYPT : OPS_DECRYPT)))
		return jose_fail(err, JOSE_E_KEY, "The key's \"use\" or \"key_ops\" do not permit %s.",
						 encrypt ? "encryption" : "decryption");
	if (!encrypt && (a->family == JOSE_KM_RSA_OAEP || a->family == JOSE_KM_ECDH) &&
		!jose_key_has_private(key))
		return jose_fail(err, JOSE_E_KEY, "Decryption needs a private key; this is a public key.");
	return JOSE_OK;
}

/* Names of the members of a set, comma-separated, into out. */
static void
describe_algs(jose_jwe_alg_set set, char *out, size_t outlen)
{
	size_t		used = 0;

	out[0] = '\0';
	for (int a = 1; a < JOSE_JWE_ALG_COUNT; a++)
	{
		int			n;

		if (!(set & JOSE_JWE_BIT(a)))
			continue;
		n = snprintf(out + used, outlen - used, "%s%s", used ? ", " : "", jose_jwe_alg_get(a)->name);
		if (n < 0 || (size_t) n >= outlen - used)
			return;
		used += (size_t) n;
	}
}

/* Check the members of the caller's extra header for an encryption. */
static jose_status
check_extra_header(const jose_json *h, const char *alg, const char *enc, jose_err *err)
{
	static const char *const computed[] = {"epk", "iv", "tag", "p2s"};
	uint32_t	v;
	jose_status st;

	if (h->nodes[0].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_ARGUMENT, "The header must be a JSON object.");
	v = jose_json_member(h, 0, "alg");
	if (v != JOSE_JSON_NONE && !jose_json_string_eq(h, v, alg, strlen(alg)))
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "The header's \"alg\" differs from the key management algorithm %s.", alg);
	v = jose_json_member(h, 0, "enc");
	if (v != JOSE_JSON_NONE && !jose_json_string_eq(h, v, enc, strlen(enc)))
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "The header's \"enc\" differs from the content encryption %s.", enc);
	for (size_t i = 0; i < sizeof(computed) / sizeof(computed[0]); i++)
		if (jose_json_member(h, 0, computed[i]) != JOSE_JSON_NONE)
			return jose_fail(err, JOSE_E_ARGUMENT,
							 "The header member \"%s\" is computed by token_ext.", computed[i]);
	if (jose_json_member(h, 0, "zip") != JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_UNSUPPORTED,
						 "Compressed JWE (\"zip\") is not supported.");
	st = jose_header_check_crit(h, err);
	if (st != JOSE_OK)
		return st;
	v = jose_json_member(h, 0, "kid");
	if (v != JOSE_JSON_NONE &&
		(h->nodes[v].type != JOSE_JSON_STRING || h->nodes[v].len > JOSE_MAX_KID_LEN))
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "The header member \"kid\" must be a string of at most %d bytes.",
						 JOSE_MAX_KID_LEN);
	for (int i = 0; i < 2; i++)
	{
		v = jose_json_member(h, 0, i == 0 ? "typ" : "cty");
		if (v != JOSE_JSON_NONE && h->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_ARGUMENT, "The header member \"%s\" is not a string.",
							 i == 0 ? "typ" : "cty");
	}
	return JOSE_OK;
}

/* Build a compact JWE of plaintext in ws->out. */
jose_status
jose_jwe_encrypt(jose_workspace *ws, const jose_keyset *keys, const jose_jwe_encrypt_opts *o,
				 const unsigned char *plaintext, size_t len, const jose_limits *limits,
				 jose_err *err)
{
	const jose_key *key;
	const jose_jwe_enc_info *e;
	const jose_jwe_alg_info *a;
	const jose_json *extra = NULL;
	jose_jwe_alg alg = o->alg;
	jose_buf	ek = {0},
				params = {0};
	unsigned char cek[64];
	unsigned char iv[16];
	unsigned char tag[32];
	size_t		header_len;
	uint32_t	p2c = o->p2c ? o->p2c : JOSE_PBES2_DEFAULT_COUNT;
	jose_status st;

	ERR_clear_error();
	if (keys->is_set)
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "A key set cannot encrypt; pass the one JWK to encrypt to.");
	key = keys->keys[0];
	if (o->enc)
		e = jose_jwe_enc_get(o->enc);
	else
	{
		/* a key bound to a content encryption (a dir key) implies it */
		jose_jwe_enc bound = jose_jwe_enc_lookup(key->alg_name, strlen(key->alg_name));

		e = jose_jwe_enc_get(bound ? bound : JOSE_JWE_A256GCM);
	}
	if (alg == JOSE_JWE_ALG_UNKNOWN)
	{
		jose_jwe_alg_set s = key_default_algs(key);

		if (key->kty == JOSE_KTY_OCT && (s & JOSE_JWE_BIT(JOSE_JWE_DIR)) &&
			(key->alg_name[0] == '\0' || jose_jwe_enc_lookup(key->alg_name, strlen(key->alg_name))))
			alg = oct_default(key->secret_len, e);
		else if (key->kty == JOSE_KTY_RSA && key->alg_name[0] == '\0')
			alg = JOSE_JWE_RSA_OAEP_256;
		else
			for (int i = 1; i < JOSE_JWE_ALG_COUNT && alg == JOSE_JWE_ALG_UNKNOWN; i++)
				if (s & JOSE_JWE_BIT(i))
					alg = (jose_jwe_alg) i;
		if (alg == JOSE_JWE_ALG_UNKNOWN)
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "The key implies no JWE algorithm; name one.");
	}
	a = jose_jwe_alg_get(alg);
	st = check_key(key, a, e, true, err);
	if (st != JOSE_OK)
		return st;

	if (o->extra_header != NULL)
	{
		jose_json_limits jl = {limits->max_json_depth, limits->max_json_values};

		st = jose_json_parse(&ws->header, o->extra_header, o->extra_header_len, &jl, "header", err);
		if (st != JOSE_OK)
			return st;
		st = check_extra_header(&ws->header, a->name, e->name, err);
		if (st != JOSE_OK)
			return st;
		extra = &ws->header;
		if (jose_json_member(extra, 0, "p2c") != JOSE_JSON_NONE)
		{
			st = jose_read_p2c(extra, jose_json_member(extra, 0, "p2c"),
							   limits->max_pbes2_count, &p2c, err);
			if (st == JOSE_E_HEADER)
				err->status = st = JOSE_E_ARGUMENT;
			if (st != JOSE_OK)
				return st;
		}
	}
	if (a->family == JOSE_KM_PBES2 && p2c > limits->max_pbes2_count)
		p2c = limits->max_pbes2_count;

	st = jose_km_encrypt(a, e, key, extra, p2c, o->fixed, cek, &ek, &params, err);
	/* a bad apu/apv came from the caller's header argument, not from a token */
	if (st == JOSE_E_HEADER)
		err->status = st = JOSE_E_ARGUMENT;
	if (st == JOSE_OK && (ek.failed || params.failed))
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
	if (st != JOSE_OK)
		goto done;

	/* the protected header: ours first, then the caller's members */
	jose_buf_reset(&ws->scratch);
	jose_buf_puts(&ws->scratch, "{\"alg\":\"");
	jose_buf_puts(&ws->scratch, a->name);
	jose_buf_puts(&ws->scratch, "\",\"enc\":\"");
	jose_buf_puts(&ws->scratch, e->name);
	jose_buf_putc(&ws->scratch, '"');
	if (key->kid != NULL && !(extra && jose_json_member(extra, 0, "kid") != JOSE_JSON_NONE))
	{
		jose_buf_puts(&ws->scratch, ",\"kid\":");
		jose_json_write_string(&ws->scratch, key->kid, key->kid_len);
	}
	if (o->cty != NULL && !(extra && jose_json_member(extra, 0, "cty") != JOSE_JSON_NONE))
	{
		jose_buf_puts(&ws->scratch, ",\"cty\":");
		jose_json_write_string(&ws->scratch, o->cty, strlen(o->cty));
	}
	if (params.len > 0)
		jose_buf_append(&ws->scratch, params.data, params.len);
	if (a->family == JOSE_KM_PBES2 && !(extra && jose_json_member(extra, 0, "p2c") != JOSE_JSON_NONE))
	{
		char		num[16];

		snprintf(num, sizeof(num), "%u", p2c);
		jose_buf_puts(&ws->scratch, ",\"p2c\":");
		jose_buf_puts(&ws->scratch, num);
	}
	if (extra != NULL)
	{
		uint32_t	i = 1;

		for (uint32_t k = 0; k < extra->nodes[0].count; k++, i = extra->nodes[i + 1].next)
		{
			if (jose_json_string_eq(extra, i, "alg", 3) || jose_json_string_eq(extra, i, "enc", 3))
				continue;
			jose_buf_putc(&ws->scratch, ',');
			jose_json_write_node(&ws->scratch, extra, i);
			jose_buf_putc(&ws->scratch, ':');
			jose_json_write_node(&ws->scratch, extra, i + 1);
		}
	}
	jose_buf_putc(&ws->scratch, '}');
	if (ws->scratch.failed)
	{
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
		goto done;
	}

	/*
	 * Tests reproducing published tokens may give the header's bytes (other
	 * implementations order members differently); they must say the same.
	 */
	if (o->fixed && o->fixed->header)
	{
		jose_json_limits jl = {limits->max_json_depth, limits->max_json_values};
		jose_json	built;

		jose_json_init(&built);
		st = jose_json_parse(&built, ws->scratch.data, ws->scratch.len, &jl, "header", err);
		if (st == JOSE_OK)
			st = jose_json_parse(&ws->header, o->fixed->header, o->fixed->header_len, &jl,
								 "header", err);
		if (st == JOSE_OK && (ws->header.nodes[0].count != built.nodes[0].count ||
							  !jose_json_equal(&ws->header, 0, &built, 0)))
			st = jose_fail(err, JOSE_E_ARGUMENT, "The fixed header differs from the built one.");
		jose_json_free(&built);
		if (st != JOSE_OK)
			goto done;
		jose_buf_reset(&ws->scratch);
		jose_buf_append(&ws->scratch, o->fixed->header, o->fixed->header_len);
	}

	/* header.encrypted_key.iv.ciphertext.tag, with the header's base64url as AAD */
	jose_buf_reset(&ws->out);
	jose_buf_append_b64url(&ws->out, ws->scratch.data, ws->scratch.len);
	header_len = ws->out.len;
	jose_buf_putc(&ws->out, '.');
	jose_buf_append_b64url(&ws->out, ek.data, ek.len);
	jose_buf_putc(&ws->out, '.');
	if (o->fixed && o->fixed->iv)
	{
		if (o->fixed->iv_len != e->iv_len)
		{
			st = jose_fail(err, JOSE_E_ARGUMENT, "The fixed IV has the wrong length.");
			goto done;
		}
		memcpy(iv, o->fixed->iv, e->iv_len);
	}
	else if (!jose_random(iv, e->iv_len))
	{
		st = jose_fail(err, JOSE_E_CRYPTO, "The random number generator failed.");
		goto done;
	}
	jose_buf_append_b64url(&ws->out, iv, e->iv_len);
	jose_buf_putc(&ws->out, '.');
	if (ws->out.failed)
	{
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
		goto done;
	}

	jose_buf_reset(&ws->payload);
	st = jose_content_encrypt(e, cek, iv, (const unsigned char *) ws->out.data, header_len,
							  plaintext, len, &ws->payload, tag, err);
	if (st != JOSE_OK)
		goto done;
	jose_buf_append_b64url(&ws->out, ws->payload.data, ws->payload.len);
	jose_buf_putc(&ws->out, '.');
	jose_buf_append_b64url(&ws->out, tag, e->tag_len);
	if (ws->out.failed)
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
	else if (ws->out.len > limits->max_token_size)
		st = jose_fail(err, JOSE_E_LIMIT,
					   "The token would exceed %zu bytes (token_ext.max_token_size).",
					   limits->max_token_size);

done:
	OPENSSL_cleanse(cek, sizeof(cek));
	jose_buf_free(&ek);
	jose_buf_free(&params);
	return st;
}

/* Check the header of a JWE to decrypt and find its algorithms. */
static jose_status
check_jwe_header(const jose_json *h, jose_jwe *jwe, jose_err *err)
{
	uint32_t	v;

	if (h->nodes[0].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_HEADER, "The header is not a JSON object.");

	v = jose_json_member(h, 0, "alg");
	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER, "The header has no \"alg\" member.");
	if (h->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"alg\" is not a string.");
	if (jose_json_string_eq(h, v, "RSA1_5", 6))
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "RSA1_5 is refused: its padding oracle (Bleichenbacher) cannot be closed.");
	if (h->nodes[v].len == 4 && strncasecmp(jose_json_text(h, v), "none", 4) == 0)
		return jose_fail(err, JOSE_E_ALG_NONE, "An unprotected token (\"none\") is never accepted.");
	jwe->alg = jose_jwe_alg_lookup(jose_json_text(h, v), h->nodes[v].len);
	if (jwe->alg == JOSE_JWE_ALG_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "The header names a key management algorithm token_ext does not support.");

	v = jose_json_member(h, 0, "enc");
	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER, "The header has no \"enc\" member.");
	if (h->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"enc\" is not a string.");
	jwe->enc = jose_jwe_enc_lookup(jose_json_text(h, v), h->nodes[v].len);
	if (jwe->enc == JOSE_JWE_ENC_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "The header names a content encryption token_ext does not support.");

	if (jose_json_member(h, 0, "zip") != JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_UNSUPPORTED, "Compressed JWE (\"zip\") is not supported.");
	v = jose_json_member(h, 0, "kid");
	if (v != JOSE_JSON_NONE)
	{
		if (h->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_HEADER, "The header member \"kid\" is not a string.");
		if (h->nodes[v].len > JOSE_MAX_KID_LEN)
			return jose_fail(err, JOSE_E_LIMIT, "A \"kid\" is limited to %d bytes.", JOSE_MAX_KID_LEN);
	}
	jwe->cty_node = jose_json_member(h, 0, "cty");
	if (jwe->cty_node != JOSE_JSON_NONE && h->nodes[jwe->cty_node].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"cty\" is not a string.");
	jwe->typ_node = jose_json_member(h, 0, "typ");
	if (jwe->typ_node != JOSE_JSON_NONE && h->nodes[jwe->typ_node].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"typ\" is not a string.");
	return jose_header_check_crit(h, err);
}

/* Decrypt with one key: key management, then content. */
static jose_status
decrypt_with_key(jose_workspace *ws, const jose_key *key, const jose_jwe *jwe,
				 const char *const seg[5], const size_t seg_len[5], const unsigned char *bytes[5],
				 const size_t byte_len[5], const jose_limits *limits, jose_err *err)
{
	const jose_jwe_alg_info *a = jose_jwe_alg_get(jwe->alg);
	const jose_jwe_enc_info *e = jose_jwe_enc_get(jwe->enc);
	unsigned char cek[64];
	jose_status st;

	st = check_key(key, a, e, false, err);
	if (st != JOSE_OK)
		return st;
	st = jose_km_decrypt(a, e, key, &ws->header, bytes[1], byte_len[1], limits, cek, err);
	if (st == JOSE_OK)
	{
		jose_buf_reset(&ws->payload);
		st = jose_content_decrypt(e, cek, bytes[2], byte_len[2],
								  (const unsigned char *) seg[0], seg_len[0],
								  bytes[3], byte_len[3], bytes[4], byte_len[4],
								  &ws->payload, err);
	}
	OPENSSL_cleanse(cek, sizeof(cek));
	return st;
}

/* Decrypt a compact JWE. */
jose_status
jose_jwe_decrypt(jose_workspace *ws, const char *token, size_t len, const jose_keyset *keys,
				 jose_jwe_alg_set algs, jose_jwe_enc_set encs, const jose_limits *limits,
				 jose_jwe *jwe, jose_err *err)
{
	jose_compact c;
	jose_status st;

	memset(jwe, 0, sizeof(*jwe));
	jwe->cty_node = jwe->typ_node = JOSE_JSON_NONE;
	ws->header.n_nodes = 0;
	ws->claims.n_nodes = 0;
	st = jose_compact_split(token, len, limits, JOSE_FORM_JWE, &c, err);
	if (st != JOSE_OK)
		return st;
	return jose_jwe_decrypt_compact(ws, &c, keys, algs, encs, limits, jwe, err);
}

/* Decrypt a JWE already split (by jose_compact_split) with keys. */
jose_status
jose_jwe_decrypt_compact(jose_workspace *ws, const jose_compact *c, const jose_keyset *keys,
						 jose_jwe_alg_set algs, jose_jwe_enc_set encs,
						 const jose_limits *limits, jose_jwe *jwe, jose_err *err)
{
	const char *const *seg = c->seg;
	const size_t *seg_len = c->len;
	const unsigned char *bytes[5];
	size_t		byte_len[5];
	size_t		offsets[5];
	size_t		total = 0;
	jose_json_limits jl = {limits->max_json_depth, limits->max_json_values};
	jose_status st;
	uint32_t	kid;
	const jose_key *chosen = NULL;
	size_t		tried = 0;
	char		names[256];

	ERR_clear_error();
	memset(jwe, 0, sizeof(*jwe));
	jwe->cty_node = jwe->typ_node = JOSE_JSON_NONE;
	ws->header.n_nodes = 0;
	ws->claims.n_nodes = 0;
	if (c->count != 5)
		return jose_fail(err, JOSE_E_ARGUMENT, "The token was not split as a JWE.");
	for (int s = 0; s < 5; s++)
		total += seg_len[s];

	/* decode the five segments back to back into scratch */
	jose_buf_reset(&ws->scratch);
	if (!jose_buf_reserve(&ws->scratch, JOSE_B64URL_DECODED_MAX(total)))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate token buffers.");
	for (int s = 0; s < 5; s++)
	{
		static const char *const names5[] = {"header", "encrypted key", "IV", "ciphertext", "tag"};

		offsets[s] = ws->scratch.len;
		if (!jose_b64url_decode(seg[s], seg_len[s],
								(unsigned char *) ws->scratch.data + ws->scratch.len, &byte_len[s]))
			return jose_fail(err, JOSE_E_BASE64,
							 "The %s segment is not strict unpadded base64url.", names5[s]);
		ws->scratch.len += byte_len[s];
	}
	for (int s = 0; s < 5; s++)
		bytes[s] = (const unsigned char *) ws->scratch.data + offsets[s];

	st = jose_json_parse(&ws->header, (const char *) bytes[0], byte_len[0], &jl, "header", err);
	if (st != JOSE_OK)
		return st;
	st = check_jwe_header(&ws->header, jwe, err);
	if (st != JOSE_OK)
		return st;

	if (encs != 0 && !(encs & JOSE_JWE_BIT(jwe->enc)))
		return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
						 "The token's content encryption %s is not an allowed one.",
						 jose_jwe_enc_get(jwe->enc)->name);

	/* the key: the one given, the set's key with the token's kid, or each that fits */
	kid = jose_json_member(&ws->header, 0, "kid");
	if (keys->count == 0)
		return jose_keyset_no_key(keys, kid != JOSE_JSON_NONE ? jose_json_text(&ws->header, kid) : NULL,
								  kid != JOSE_JSON_NONE ? ws->header.nodes[kid].len : 0, "decrypt",
								  jose_jwe_alg_get(jwe->alg)->name, err);
	if (!keys->is_set)
		chosen = keys->keys[0];
	else if (kid != JOSE_JSON_NONE)
	{
		for (size_t i = 0; i < keys->count; i++)
		{
			const jose_key *k = keys->keys[i];

			if (k->kid != NULL && jose_json_string_eq(&ws->header, kid, k->kid, k->kid_len))
			{
				if (chosen != NULL)
					return jose_fail(err, JOSE_E_KEY,
									 "Two keys of the key set have the token's \"kid\".");
				chosen = k;
			}
		}
		if (chosen == NULL)
			return jose_keyset_no_key(keys, jose_json_text(&ws->header, kid),
									  ws->header.nodes[kid].len, "decrypt", NULL, err);
	}

	for (size_t i = 0; i < keys->count; i++)
	{
		const jose_key *k = chosen ? chosen : keys->keys[i];
		jose_jwe_alg_set allowed = algs ? algs : key_default_algs(k);
		jose_err	skip;

		if (!(allowed & JOSE_JWE_BIT(jwe->alg)))
		{
			if (chosen)
			{
				describe_algs(allowed, names, sizeof(names));
				return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
								 "The token's key management is %s; the allowed algorithms are %s.",
								 jose_jwe_alg_get(jwe->alg)->name, names[0] ? names : "none");
			}
			continue;
		}
		if (!chosen &&
			check_key(k, jose_jwe_alg_get(jwe->alg), jose_jwe_enc_get(jwe->enc), false, &skip) != JOSE_OK)
			continue;
		tried++;
		st = decrypt_with_key(ws, k, jwe, seg, seg_len, bytes, byte_len, limits, err);
		if (st == JOSE_OK)
		{
			jwe->key = k;
			jwe->plaintext = (const unsigned char *) ws->payload.data;
			jwe->plaintext_len = ws->payload.len;
			return JOSE_OK;
		}
		if (chosen || st != JOSE_E_DECRYPT)
			return st;
	}
	if (tried == 0)
		return jose_keyset_no_key(keys, NULL, 0, "decrypt", jose_jwe_alg_get(jwe->alg)->name, err);
	return jose_fail(err, JOSE_E_DECRYPT, JOSE_DECRYPT_DETAIL);
}
