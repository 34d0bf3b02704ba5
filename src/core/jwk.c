/*-------------------------------------------------------------------------
 *
 * jwk.c
 *		Loading keys from JWK (RFC 7517) and JWKS text.
 *
 * Members are read strictly: base64url must be canonical, "use" and
 * "key_ops" must agree, "key_ops" may not repeat, and a JWK whose "alg"
 * does not fit its "kty" is refused rather than quietly unbound.
 *
 * src/core/jwk.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwk.h"
#include "bounds.h"
#include "interrupt.h"
#include "json.h"
#include "jwk_member.h"
#include "jwk_pkey.h"
#include "key.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* JSON limits for key documents: keys are flat, sets are one level deeper. */
static const jose_json_limits key_json_limits = {
	.max_depth = 8,
	.max_nodes = 20000,
};

/* The key_ops names and their bits (RFC 7517 4.3). */
const jose_key_op_name jose_key_op_names[] = {
		{"sign", JOSE_OP_SIGN},
		{"verify", JOSE_OP_VERIFY},
		{"encrypt", JOSE_OP_ENCRYPT},
		{"decrypt", JOSE_OP_DECRYPT},
		{"wrapKey", JOSE_OP_WRAP},
		{"unwrapKey", JOSE_OP_UNWRAP},
		{"deriveKey", JOSE_OP_DERIVE_KEY},
		{"deriveBits", JOSE_OP_DERIVE_BITS},
		{NULL, 0},
};

/* Operations named by a key_ops entry, 0 if unknown. */
static unsigned
key_op_bit(const char *s, size_t len)
{
	for (const jose_key_op_name *o = jose_key_op_names; o->name != NULL; o++)
		if (strlen(o->name) == len && memcmp(o->name, s, len) == 0)
			return o->bit;
	return 0;
}

/* Read kid, alg, use and key_ops, common to every key type. */
static jose_status
read_common_members(const jose_json *doc, uint32_t obj, jose_key *key, jose_err *err)
{
	uint32_t	v;
	unsigned	use_ops = JOSE_OP_ALL;
	unsigned	listed_ops = JOSE_OP_ALL;

	v = jose_json_member(doc, obj, "kid");
	if (v != JOSE_JSON_NONE)
	{
		if (doc->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_KEY, "The JWK member \"kid\" is not a string.");
		if (doc->nodes[v].len > JOSE_MAX_KID_LEN)
			return jose_fail(err, JOSE_E_LIMIT,
							 "A \"kid\" is limited to %d bytes.", JOSE_MAX_KID_LEN);
		key->kid = strdup(jose_json_text(doc, v));
		if (key->kid == NULL)
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a kid.");
		key->kid_len = doc->nodes[v].len;
	}

	v = jose_json_member(doc, obj, "alg");
	if (v != JOSE_JSON_NONE)
	{
		if (doc->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_KEY, "The JWK member \"alg\" is not a string.");
		if (doc->nodes[v].len == 0 || doc->nodes[v].len >= sizeof(key->alg_name))
			return jose_fail(err, JOSE_E_KEY, "The JWK member \"alg\" is not an algorithm name.");
		if (jose_json_string_eq(doc, v, "none", 4))
			return jose_fail(err, JOSE_E_ALG_NONE,
							 "A key bound to \"none\" cannot be used.");
		memcpy(key->alg_name, jose_json_text(doc, v), doc->nodes[v].len + 1);
		key->alg = jose_alg_lookup(key->alg_name, doc->nodes[v].len);
	}

	v = jose_json_member(doc, obj, "use");
	if (v != JOSE_JSON_NONE)
	{
		if (doc->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_KEY, "The JWK member \"use\" is not a string.");
		if (jose_json_string_eq(doc, v, "sig", 3))
		{
			use_ops = JOSE_OP_SIGN | JOSE_OP_VERIFY;
			strcpy(key->use, "sig");
		}
		else if (jose_json_string_eq(doc, v, "enc", 3))
		{
			use_ops = JOSE_OP_ENCRYPT | JOSE_OP_DECRYPT | JOSE_OP_WRAP | JOSE_OP_UNWRAP |
				JOSE_OP_DERIVE_KEY | JOSE_OP_DERIVE_BITS;
			strcpy(key->use, "enc");
		}
		else
			use_ops = 0;		/* a use we do not know permits nothing we do */
	}

	v = jose_json_member(doc, obj, "key_ops");
	if (v != JOSE_JSON_NONE)
	{
		uint32_t	e = v + 1;

		if (doc->nodes[v].type != JOSE_JSON_ARRAY)
			return jose_fail(err, JOSE_E_KEY, "The JWK member \"key_ops\" is not an array.");
		listed_ops = 0;
		for (uint32_t k = 0; k < doc->nodes[v].count; k++, e = doc->nodes[e].next)
		{
			unsigned	bit;

			if (doc->nodes[e].type != JOSE_JSON_STRING)
				return jose_fail(err, JOSE_E_KEY,
								 "The JWK member \"key_ops\" holds a non-string.");
			/* RFC 7517 4.3: no value may repeat, known or not */
			for (uint32_t p = v + 1; p < e; p = doc->nodes[p].next)
				if (jose_json_string_eq(doc, p, jose_json_text(doc, e), doc->nodes[e].len))
					return jose_fail(err, JOSE_E_KEY,
									 "The JWK member \"key_ops\" repeats an operation.");
			bit = key_op_bit(jose_json_text(doc, e), doc->nodes[e].len);
			listed_ops |= bit;
		}
		key->has_key_ops = true;
		key->key_ops = listed_ops;
	}

	/* RFC 7517 4.3: "use" and "key_ops" together must be consistent */
	if (jose_json_member(doc, obj, "use") != JOSE_JSON_NONE &&
		jose_json_member(doc, obj, "key_ops") != JOSE_JSON_NONE &&
		(listed_ops & ~use_ops) != 0)
		return jose_fail(err, JOSE_E_KEY,
						 "The JWK members \"use\" and \"key_ops\" contradict each other.");

	key->ops = use_ops & listed_ops;
	return JOSE_OK;
}

/* Fill an oct key from its "k" member. */
static jose_status
load_oct(const jose_json *doc, uint32_t obj, jose_key *key, jose_err *err)
{
	jose_status st;

	st = jose_jwk_member_bytes(doc, obj, "k", true, &key->secret, &key->secret_len, err);
	if (st != JOSE_OK)
		return st;
	if (key->secret_len == 0)
		return jose_fail(err, JOSE_E_KEY, "The JWK member \"k\" is empty.");
	if (key->secret_len > JOSE_MAX_SECRET_LEN)
		return jose_fail(err, JOSE_E_LIMIT,
						 "HMAC secrets are limited to %d bytes.", JOSE_MAX_SECRET_LEN);
	if (key->alg != JOSE_ALG_UNKNOWN &&
		jose_alg_get(key->alg)->family != JOSE_FAMILY_HMAC)
		return jose_fail(err, JOSE_E_KEY,
						 "A JWK of kty \"oct\" cannot have \"alg\" %s.", key->alg_name);
	return JOSE_OK;
}

/* Load one JWK object (node obj) into a new key. */
jose_status
jose_jwk_load(const jose_json *doc, uint32_t obj, jose_key **out, jose_err *err)
{
	uint32_t	kty = jose_json_member(doc, obj, "kty");
	jose_key   *key;
	jose_status st;

	*out = NULL;
	if (doc->nodes[obj].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_KEY, "A JWK must be a JSON object.");
	if (kty == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_KEY, "The JWK has no \"kty\" member.");
	if (doc->nodes[kty].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_KEY, "The JWK member \"kty\" is not a string.");

	key = calloc(1, sizeof(*key));
	if (key == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key.");
	key->from_jwk = true;

	st = read_common_members(doc, obj, key, err);
	if (st == JOSE_OK)
	{
		if (jose_json_string_eq(doc, kty, "oct", 3))
		{
			key->kty = JOSE_KTY_OCT;
			st = load_oct(doc, obj, key, err);
		}
		else
		{
			if (jose_json_string_eq(doc, kty, "RSA", 3))
				key->kty = JOSE_KTY_RSA;
			else if (jose_json_string_eq(doc, kty, "EC", 2))
				key->kty = JOSE_KTY_EC;
			else if (jose_json_string_eq(doc, kty, "OKP", 3))
				key->kty = JOSE_KTY_OKP;
			if (key->kty == 0)
				st = jose_fail(err, JOSE_E_KEY, "The JWK has an unsupported \"kty\".");
			else
				st = jose_jwk_load_pkey(doc, obj, key, err);
			/* a JWS "alg" must be one this key could produce */
			if (st == JOSE_OK && key->alg != JOSE_ALG_UNKNOWN &&
				jose_key_check_family(key, key->alg, err) != JOSE_OK)
				st = jose_fail(err, JOSE_E_KEY,
							   "The JWK's \"alg\" %s does not fit its key type.", key->alg_name);
		}
	}
	if (st != JOSE_OK)
	{
		jose_key_free(key);
		return st;
	}
	*out = key;
	return JOSE_OK;
}

/* A key set from JWK or JWKS text. */
jose_status
jose_keyset_from_jwk_text(const char *text, size_t len, jose_keyset **out, jose_err *err)
{
	jose_json	doc;
	jose_keyset *set = NULL;
	jose_status st;
	uint32_t	keys;

	*out = NULL;
	if (len > JOSE_MAX_KEY_TEXT)
		return jose_fail(err, JOSE_E_LIMIT,
						 "JWK and JWKS texts are limited to %d bytes.", JOSE_MAX_KEY_TEXT);

	jose_json_init(&doc);
	st = jose_json_parse(&doc, text, len, &key_json_limits, "key", err);
	if (st != JOSE_OK)
	{
		/* a key's JSON error is a key error; the detail says why */
		if (st == JOSE_E_JSON)
			err->status = st = JOSE_E_KEY;
		goto done;
	}
	if (doc.nodes[0].type != JOSE_JSON_OBJECT)
	{
		st = jose_fail(err, JOSE_E_KEY, "A JWK or JWKS must be a JSON object.");
		goto done;
	}

	set = calloc(1, sizeof(*set));
	if (set == NULL)
	{
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
		goto done;
	}

	keys = jose_json_member(&doc, 0, "keys");
	if (keys == JOSE_JSON_NONE)
	{
		/* a single JWK */
		set->keys = calloc(1, sizeof(jose_key *));
		if (set->keys == NULL)
		{
			st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
			goto done;
		}
		st = jose_jwk_load(&doc, 0, &set->keys[0], err);
		if (st == JOSE_OK)
			set->count = 1;
		goto done;
	}

	set->is_set = true;
	if (doc.nodes[keys].type != JOSE_JSON_ARRAY)
	{
		st = jose_fail(err, JOSE_E_KEY, "The JWKS member \"keys\" is not an array.");
		goto done;
	}
	if (doc.nodes[keys].count > JOSE_MAX_JWKS_KEYS)
	{
		st = jose_fail(err, JOSE_E_LIMIT,
					   "A JWKS is limited to %d keys.", JOSE_MAX_JWKS_KEYS);
		goto done;
	}
	set->keys = calloc(doc.nodes[keys].count + 1, sizeof(jose_key *));
	if (set->keys == NULL)
	{
		st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key set.");
		goto done;
	}
	for (uint32_t k = 0, e = keys + 1; k < doc.nodes[keys].count; k++, e = doc.nodes[e].next)
	{
		jose_err	skip;
		jose_key   *key;

		/* checking a private RSA key can take 0.1 s: stop between keys on a cancel */
		if ((st = jose_check_interrupt(err, "Reading the JWKS")) != JOSE_OK)
			goto done;

		/*
		 * RFC 7517 section 5: keys we cannot use are ignored, so a provider
		 * can publish key types we do not know without breaking the set.
		 */
		if (jose_jwk_load(&doc, e, &key, &skip) == JOSE_OK)
			set->keys[set->count++] = key;
		else if (skip.status == JOSE_E_NOMEM)
		{
			st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate a key.");
			goto done;
		}
	}
	if (set->count == 0)
		st = jose_fail(err, JOSE_E_KEY, "The JWKS holds no usable key.");
	else
		st = JOSE_OK;

done:
	jose_json_free(&doc);
	if (st != JOSE_OK)
	{
		jose_keyset_free(set);
		return st;
	}
	*out = set;
	return JOSE_OK;
}
