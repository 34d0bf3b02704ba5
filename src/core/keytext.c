/*-------------------------------------------------------------------------
 *
 * keytext.c
 *		Reading a key argument given as text or as bytes: never a secret by
 *		accident.
 *
 * Real key files come in more shapes than "-----BEGIN" at the first byte:
 * `openssl pkcs12 -nokeys` writes "Bag Attributes" lines first, editors
 * add a UTF-8 byte-order mark or CRLF line ends, people keep a comment or
 * a blank line above the block, chains hold several certificates, and an
 * OpenSSH public key is one "ssh-rsa AAAA..." line.  Each of these, read
 * as an HMAC secret, lets anyone holding the public key forge tokens.  The
 * rules below look for key material anywhere in the text, not only at its
 * start, and whatever they find is read as the key it is or refused.
 *
 * src/core/keytext.c
 *
 *-------------------------------------------------------------------------
 */
#include "keytext.h"
#include "b64url.h"
#include "bounds.h"
#include "jwk.h"
#include "key.h"
#include "pkey.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Bytes of a UTF-8 byte-order mark at the start of text: 0 or 3. */
static size_t
bom_length(const char *text, size_t len)
{
	return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* True when needle occurs in the len bytes at text. */
static bool
contains(const char *text, size_t len, const char *needle)
{
	return memmem(text, len, needle, strlen(needle)) != NULL;
}

/* True when text holds PEM armour or RFC 4716 SSH armour anywhere. */
bool
jose_text_has_pem_armour(const char *text, size_t len)
{
	return contains(text, len, "-----BEGIN ") || contains(text, len, "---- BEGIN SSH2 ");
}

/*
 * True when text holds an OpenSSH public key line anywhere: a key type
 * name, blanks, then the base64 of its wire form, which always begins
 * "AAAA" (the 32-bit length of the type name).  authorized_keys lines put
 * options first, so the type may follow other text.
 */
static bool
has_openssh_line(const char *text, size_t len)
{
	static const char *const types[] = {
		"ssh-rsa", "ssh-ed25519", "ssh-ed448", "ssh-dss", "ecdsa-sha2-nistp",
		"sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
	{
		size_t		n = strlen(types[i]);
		const char *p = text;
		const char *end = text + len;

		while ((p = memmem(p, (size_t) (end - p), types[i], n)) != NULL)
		{
			const char *q = p + n;

			/* ecdsa-sha2-nistp256 and friends: skip the curve size */
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q < end && (*q == ' ' || *q == '\t'))
			{
				while (q < end && (*q == ' ' || *q == '\t'))
					q++;
				if (end - q >= 4 && memcmp(q, "AAAA", 4) == 0)
					return true;
			}
			p += n;
		}
	}
	return false;
}

/*
 * True when text, once whitespace is removed, is the base64 (standard or
 * URL alphabet) of a DER key or certificate: the body of a PEM file
 * pasted without its armour lines.  A random base64 secret decodes to DER
 * that OpenSSL accepts as a key with negligible odds.
 */
static bool
is_bare_base64_der(const char *text, size_t len)
{
	char	   *compact;
	unsigned char *der;
	size_t		n = 0,
				der_len = 0;
	bool		url = false,
				found = false;

	/* the smallest DER key token_ext reads (an Ed25519 SPKI) is 44 bytes: 59 base64 characters unpadded */
	if (len < 59 || len > JOSE_MAX_KEY_TEXT)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		char		c = text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == '+' || c == '/' || c == '=' || c == '-' || c == '_'))
			return false;
	}
	compact = malloc(len + 4);
	der = malloc(len);
	if (compact != NULL && der != NULL)
	{
		for (size_t i = 0; i < len; i++)
		{
			char		c = text[i];

			if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (c == '-' || c == '_')
				url = true;
			compact[n++] = c == '-' ? '+' : c == '_' ? '/' : c;
		}
		/* the URL alphabet usually comes without padding: restore it */
		while (url && n % 4 != 0)
			compact[n++] = '=';
		found = jose_b64std_decode(compact, n, der, &der_len) &&
			jose_bytes_look_like_key(der, der_len);
		OPENSSL_cleanse(compact, n);
		OPENSSL_cleanse(der, der_len);
	}
	free(compact);
	free(der);
	return found;
}

/* A key set from text: PEM, JWK or JWKS, or an HMAC secret. */
jose_status
jose_keyset_from_text(const char *text, size_t len, jose_keyset **out, jose_err *err)
{
	size_t		bom = bom_length(text, len);

	*out = NULL;
	if (contains(text, len, "---- BEGIN SSH2 "))
		return jose_fail(err, JOSE_E_KEY,
						 "The text key holds an SSH public key (RFC 4716), which token_ext does not read; convert it to PEM.");
	if (jose_text_has_pem_armour(text, len))
		return jose_keyset_from_pem(text + bom, len - bom, out, err);
	if (jose_text_looks_like_jwk(text + bom, len - bom))
		return jose_keyset_from_jwk_text(text + bom, len - bom, out, err);
	if (contains(text, len, "\"kty\""))
		return jose_fail(err, JOSE_E_KEY,
						 "The text key holds a JWK inside other text; pass the JWK alone.");
	if (has_openssh_line(text, len) || jose_bytes_look_like_key((const unsigned char *) text, len))
		return jose_fail(err, JOSE_E_KEY,
						 "The text key holds an OpenSSH key, which is never used as an HMAC secret.");
	if (is_bare_base64_der(text, len))
		return jose_fail(err, JOSE_E_KEY,
						 "The text key is the base64 of a DER key without its PEM armour; add the -----BEGIN and -----END lines.");
	if (bom != 0)
		return jose_fail(err, JOSE_E_KEY,
						 "The text key starts with a byte-order mark but holds no PEM block or JWK; a secret never starts with one.");
	return jose_keyset_from_secret((const unsigned char *) text, len, out, err);
}

/* A key set from bytes meant as an HMAC secret. */
jose_status
jose_keyset_from_bytes(const unsigned char *bytes, size_t len, jose_keyset **out, jose_err *err)
{
	const char *text = (const char *) bytes;

	/*
	 * A random secret holds "-----BEGIN " or "\"kty\"" with negligible
	 * odds; bytes that do are a key file read into a bytea by mistake.
	 */
	*out = NULL;
	if (jose_text_has_pem_armour(text, len))
		return jose_fail(err, JOSE_E_KEY,
						 "The bytea key holds a PEM block, which is never used as an HMAC secret.");
	if (contains(text, len, "\"kty\""))
		return jose_fail(err, JOSE_E_KEY,
						 "The bytea key holds a JWK, which is never used as an HMAC secret.");
	if (jose_bytes_look_like_key(bytes, len) || has_openssh_line(text, len) ||
		is_bare_base64_der(text, len))
		return jose_fail(err, JOSE_E_KEY,
						 "The bytea key holds a DER or OpenSSH key, which is never used as an HMAC secret.");
	return jose_keyset_from_secret(bytes, len, out, err);
}
