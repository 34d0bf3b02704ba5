/*-------------------------------------------------------------------------
 *
 * jwk_pkey.c
 *		Importing RSA, EC and OKP keys from JWK members (RFC 7518 6, RFC 8037).
 *
 * Members are decoded strictly and sized exactly: EC and OKP coordinates
 * must be the curve's full length (RFC 7518 6.2.1.2), and RSA integers
 * must be minimal (no leading zero octet), so one key has one spelling.
 * The point at infinity cannot be expressed: the public key is always
 * built as 04 || x || y from two full-length coordinates.
 *
 * src/core/jwk_pkey.c
 *
 *-------------------------------------------------------------------------
 */
#include "jwk_pkey.h"
#include "b64url.h"
#include "jwk_member.h"
#include "pkey.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

/* Names of the RSA members, their OpenSSL parameters, and which are private. */
static const struct
{
	const char *name;
	const char *param;
	bool		private_member;
}			rsa_members[] = {
	{"n", OSSL_PKEY_PARAM_RSA_N, false},
	{"e", OSSL_PKEY_PARAM_RSA_E, false},
	{"d", OSSL_PKEY_PARAM_RSA_D, true},
	{"p", OSSL_PKEY_PARAM_RSA_FACTOR1, true},
	{"q", OSSL_PKEY_PARAM_RSA_FACTOR2, true},
	{"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1, true},
	{"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2, true},
	{"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1, true},
};

#define N_RSA_MEMBERS (sizeof(rsa_members) / sizeof(rsa_members[0]))

/* Wipe and free a decoded member. */
static void
free_member(unsigned char *p, size_t len)
{
	if (p != NULL)
	{
		OPENSSL_cleanse(p, len);
		free(p);
	}
}

/* Build an EVP_PKEY of type from params; NULL on failure. */
static EVP_PKEY *
pkey_from_params(const char *type, int selection, OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY   *pkey = NULL;

	if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
		(void) EVP_PKEY_fromdata(ctx, &pkey, selection, params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Import an RSA JWK. */
static jose_status
load_rsa(const jose_json *doc, uint32_t obj, EVP_PKEY **out, jose_err *err)
{
	unsigned char *bytes[N_RSA_MEMBERS] = {0};
	size_t		lens[N_RSA_MEMBERS] = {0};
	BIGNUM	   *bns[N_RSA_MEMBERS] = {0};
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	jose_status st = JOSE_OK;
	int			n_crt = 0;

	*out = NULL;
	if (jose_json_member(doc, obj, "oth") != JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_KEY, "Multi-prime RSA keys (\"oth\") are not supported.");

	for (size_t i = 0; i < N_RSA_MEMBERS && st == JOSE_OK; i++)
	{
		st = jose_jwk_member_bytes(doc, obj, rsa_members[i].name, i < 2,
								   &bytes[i], &lens[i], err);
		if (st != JOSE_OK)
			break;
		if (bytes[i] == NULL)
			continue;
		if (lens[i] == 0 || bytes[i][0] == 0)
			st = jose_fail(err, JOSE_E_KEY,
						   "The JWK member \"%s\" must be a minimal, non-empty big-endian integer.",
						   rsa_members[i].name);
		if (i >= 3)
			n_crt++;
	}
	if (st == JOSE_OK && bytes[2] == NULL && n_crt > 0)
		st = jose_fail(err, JOSE_E_KEY, "The RSA JWK has CRT members but no \"d\".");
	if (st == JOSE_OK && n_crt != 0 && n_crt != 5)
		st = jose_fail(err, JOSE_E_KEY,
					   "The RSA JWK must have all of \"p\", \"q\", \"dp\", \"dq\", \"qi\" or none.");

	if (st == JOSE_OK)
	{
		bld = OSSL_PARAM_BLD_new();
		if (bld == NULL)
			st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate key parameters.");
	}
	for (size_t i = 0; i < N_RSA_MEMBERS && st == JOSE_OK; i++)
	{
		if (bytes[i] == NULL)
			continue;
		bns[i] = BN_bin2bn(bytes[i], (int) lens[i], NULL);
		if (bns[i] == NULL || !OSSL_PARAM_BLD_push_BN(bld, rsa_members[i].param, bns[i]))
			st = jose_fail(err, JOSE_E_CRYPTO, "Could not build the RSA key.");
	}
	if (st == JOSE_OK && (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		st = jose_fail(err, JOSE_E_CRYPTO, "Could not build the RSA key.");
	if (st == JOSE_OK)
	{
		*out = pkey_from_params("RSA", bytes[2] ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
		if (*out == NULL)
			st = jose_fail(err, JOSE_E_KEY, "OpenSSL refused the RSA key.");
	}

	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	for (size_t i = 0; i < N_RSA_MEMBERS; i++)
	{
		BN_clear_free(bns[i]);
		free_member(bytes[i], lens[i]);
	}
	return st;
}

/* The curve named by the JWK's "crv", which must be of kty. */
static jose_status
read_curve(const jose_json *doc, uint32_t obj, jose_kty kty, const jose_curve **out,
		   jose_err *err)
{
	uint32_t	v = jose_json_member(doc, obj, "crv");
	const jose_curve *c;

	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_KEY, "The JWK has no \"crv\" member.");
	if (doc->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_KEY, "The JWK member \"crv\" is not a string.");
	c = jose_curve_by_jwk_name(jose_json_text(doc, v), doc->nodes[v].len);
	if (c == NULL || c->kty != kty)
		return jose_fail(err, JOSE_E_KEY,
						 kty == JOSE_KTY_EC ? "EC JWKs must have \"crv\" P-256, P-384, P-521 or secp256k1."
						 : "OKP JWKs must have \"crv\" Ed25519, Ed448, X25519 or X448.");
	*out = c;
	return JOSE_OK;
}

/* Decode a coordinate member that must be exactly len bytes. */
static jose_status
coordinate(const jose_json *doc, uint32_t obj, const char *name, bool required, size_t len,
		   unsigned char **out, size_t *outlen, jose_err *err)
{
	jose_status st = jose_jwk_member_bytes(doc, obj, name, required, out, outlen, err);

	if (st == JOSE_OK && *out != NULL && *outlen != len)
		return jose_fail(err, JOSE_E_KEY,
						 "The JWK member \"%s\" must be %zu bytes for this curve; it is %zu.",
						 name, len, *outlen);
	return st;
}

/* Import an EC JWK. */
static jose_status
load_ec(const jose_json *doc, uint32_t obj, EVP_PKEY **out, jose_err *err)
{
	const jose_curve *c;
	unsigned char *x = NULL,
			   *y = NULL,
			   *d = NULL,
			   *pub = NULL;
	size_t		xl = 0,
				yl = 0,
				dl = 0;
	BIGNUM	   *priv = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	jose_status st;

	*out = NULL;
	st = read_curve(doc, obj, JOSE_KTY_EC, &c, err);
	if (st == JOSE_OK)
		st = coordinate(doc, obj, "x", true, c->coord_len, &x, &xl, err);
	if (st == JOSE_OK)
		st = coordinate(doc, obj, "y", true, c->coord_len, &y, &yl, err);
	if (st == JOSE_OK)
		st = coordinate(doc, obj, "d", false, c->coord_len, &d, &dl, err);
	if (st == JOSE_OK)
	{
		pub = malloc(1 + 2 * c->coord_len);
		bld = OSSL_PARAM_BLD_new();
		if (pub == NULL || bld == NULL)
			st = jose_fail(err, JOSE_E_NOMEM, "Could not allocate key parameters.");
	}
	if (st == JOSE_OK)
	{
		pub[0] = 0x04;
		memcpy(pub + 1, x, c->coord_len);
		memcpy(pub + 1 + c->coord_len, y, c->coord_len);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->ossl_name, 0) ||
			!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * c->coord_len) ||
			(d != NULL && ((priv = BN_bin2bn(d, (int) dl, NULL)) == NULL ||
						   !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))) ||
			(params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
			st = jose_fail(err, JOSE_E_CRYPTO, "Could not build the EC key.");
	}
	if (st == JOSE_OK)
	{
		*out = pkey_from_params("EC", d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
		if (*out == NULL)
			st = jose_fail(err, JOSE_E_KEY,
						   "The public key is invalid: its point is not on the curve.");
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(priv);
	free(pub);
	free_member(x, xl);
	free_member(y, yl);
	free_member(d, dl);
	return st;
}

/* Import an OKP JWK (RFC 8037). */
static jose_status
load_okp(const jose_json *doc, uint32_t obj, EVP_PKEY **out, jose_err *err)
{
	const jose_curve *c;
	unsigned char *x = NULL,
			   *d = NULL;
	size_t		xl = 0,
				dl = 0;
	jose_status st;

	*out = NULL;
	st = read_curve(doc, obj, JOSE_KTY_OKP, &c, err);
	if (st == JOSE_OK)
		st = coordinate(doc, obj, "x", true, c->coord_len, &x, &xl, err);
	if (st == JOSE_OK)
		st = coordinate(doc, obj, "d", false, c->coord_len, &d, &dl, err);
	if (st == JOSE_OK && d != NULL)
	{
		unsigned char derived[64];
		size_t		derived_len = sizeof(derived);

		*out = EVP_PKEY_new_raw_private_key_ex(NULL, c->ossl_name, NULL, d, dl);
		if (*out == NULL ||
			EVP_PKEY_get_raw_public_key(*out, derived, &derived_len) != 1)
			st = jose_fail(err, JOSE_E_KEY, "OpenSSL refused the OKP private key.");
		else if (derived_len != xl || CRYPTO_memcmp(derived, x, xl) != 0)
			st = jose_fail(err, JOSE_E_KEY,
						   "The JWK's private \"d\" does not match its public \"x\".");
	}
	else if (st == JOSE_OK)
	{
		*out = EVP_PKEY_new_raw_public_key_ex(NULL, c->ossl_name, NULL, x, xl);
		if (*out == NULL)
			st = jose_fail(err, JOSE_E_KEY, "OpenSSL refused the OKP public key.");
	}
	if (st != JOSE_OK)
	{
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	free_member(x, xl);
	free_member(d, dl);
	return st;
}

/* Check that an "x5c" member's first certificate holds the same public key. */
static jose_status
check_x5c(const jose_json *doc, uint32_t obj, EVP_PKEY *pkey, jose_err *err)
{
	uint32_t	v = jose_json_member(doc, obj, "x5c");
	const char *b64;
	size_t		len;
	unsigned char *der;
	size_t		der_len = 0;
	const unsigned char *p;
	int			n;
	X509	   *cert;
	int			eq = 0;

	if (v == JOSE_JSON_NONE)
		return JOSE_OK;
	if (doc->nodes[v].type != JOSE_JSON_ARRAY || doc->nodes[v].count == 0 ||
		doc->nodes[v + 1].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_KEY,
						 "The JWK member \"x5c\" must be a non-empty array of base64 certificates.");
	b64 = jose_json_text(doc, v + 1);
	len = doc->nodes[v + 1].len;
	der = malloc(len + 4);
	if (der == NULL)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate a certificate.");
	/* x5c is standard base64 with padding (RFC 7517 4.7), read strictly */
	if (jose_b64std_decode(b64, len, der, &der_len) && der_len > 0 && der_len < (size_t) INT_MAX)
	{
		n = (int) der_len;
		p = der;
		cert = d2i_X509(NULL, &p, n);
		if (cert != NULL)
		{
			/* the whole entry is the certificate: no trailing bytes */
			eq = p == der + n && EVP_PKEY_eq(X509_get0_pubkey(cert), pkey) == 1;
			X509_free(cert);
		}
	}
	free(der);
	ERR_clear_error();
	if (!eq)
		return jose_fail(err, JOSE_E_KEY,
						 "The first certificate of \"x5c\" does not hold the JWK's public key.");
	return JOSE_OK;
}

/* Fill key (kty RSA, EC or OKP) from the JWK's members. */
jose_status
jose_jwk_load_pkey(const jose_json *doc, uint32_t obj, jose_key *key, jose_err *err)
{
	EVP_PKEY   *pkey = NULL;
	jose_kty	want = key->kty;
	jose_status st;

	ERR_clear_error();
	switch (want)
	{
		case JOSE_KTY_RSA:
			st = load_rsa(doc, obj, &pkey, err);
			break;
		case JOSE_KTY_EC:
			st = load_ec(doc, obj, &pkey, err);
			break;
		case JOSE_KTY_OKP:
			st = load_okp(doc, obj, &pkey, err);
			break;
		default:
			st = jose_fail(err, JOSE_E_KEY, "The JWK has an unsupported \"kty\".");
	}
	ERR_clear_error();
	if (st != JOSE_OK)
		return st;
	st = jose_key_set_pkey(key, pkey, err);
	if (st == JOSE_OK && key->kty != want)
		st = jose_fail(err, JOSE_E_KEY, "The JWK's members do not fit its \"kty\".");
	if (st == JOSE_OK)
		st = check_x5c(doc, obj, key->pkey, err);
	return st;
}
