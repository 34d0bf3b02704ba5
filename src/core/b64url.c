/*-------------------------------------------------------------------------
 *
 * b64url.c
 *		Strict base64url codec.
 *
 * OpenSSL's EVP_DecodeBlock is standard base64 and lenient (whitespace,
 * padding, non-canonical final characters), which makes one token have many
 * spellings.  JOSE requires the URL alphabet without padding; we also require
 * the canonical spelling, so a token has exactly one accepted form.
 *
 * src/core/b64url.c
 *
 *-------------------------------------------------------------------------
 */
#include "b64url.h"

#include <stdint.h>
#include <stdlib.h>

static const char encode_table[64] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63 for alphabet characters, 0xFF for everything else. */
static const uint8_t decode_table[256] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3E, 0xFF, 0xFF,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
	0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F,
	0xFF, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/* Encode src into dst; returns the number of characters written. */
size_t
jose_b64url_encode(const unsigned char *src, size_t len, char *dst)
{
	char	   *out = dst;
	size_t		i = 0;

	for (; i + 3 <= len; i += 3)
	{
		uint32_t	v = ((uint32_t) src[i] << 16) | ((uint32_t) src[i + 1] << 8) | src[i + 2];

		*out++ = encode_table[(v >> 18) & 63];
		*out++ = encode_table[(v >> 12) & 63];
		*out++ = encode_table[(v >> 6) & 63];
		*out++ = encode_table[v & 63];
	}
	if (len - i == 1)
	{
		uint32_t	v = (uint32_t) src[i] << 16;

		*out++ = encode_table[(v >> 18) & 63];
		*out++ = encode_table[(v >> 12) & 63];
	}
	else if (len - i == 2)
	{
		uint32_t	v = ((uint32_t) src[i] << 16) | ((uint32_t) src[i + 1] << 8);

		*out++ = encode_table[(v >> 18) & 63];
		*out++ = encode_table[(v >> 12) & 63];
		*out++ = encode_table[(v >> 6) & 63];
	}
	return (size_t) (out - dst);
}

/* Decode strict, unpadded, canonical base64url; false on any deviation. */
bool
jose_b64url_decode(const char *src, size_t len, unsigned char *dst, size_t *outlen)
{
	const unsigned char *in = (const unsigned char *) src;
	unsigned char *out = dst;
	size_t		i = 0;
	size_t		rem = len % 4;

	/* one leftover character cannot carry a whole byte */
	if (rem == 1)
		return false;

	for (; i + 4 <= len; i += 4)
	{
		uint8_t		a = decode_table[in[i]],
					b = decode_table[in[i + 1]],
					c = decode_table[in[i + 2]],
					d = decode_table[in[i + 3]];

		if ((a | b | c | d) & 0xC0)
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
		*out++ = (unsigned char) ((b << 4) | (c >> 2));
		*out++ = (unsigned char) ((c << 6) | d);
	}
	if (rem == 2)
	{
		uint8_t		a = decode_table[in[i]],
					b = decode_table[in[i + 1]];

		/* the 4 low bits of b are unused and must be zero */
		if (((a | b) & 0xC0) || (b & 0x0F))
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
	}
	else if (rem == 3)
	{
		uint8_t		a = decode_table[in[i]],
					b = decode_table[in[i + 1]],
					c = decode_table[in[i + 2]];

		/* the 2 low bits of c are unused and must be zero */
		if (((a | b | c) & 0xC0) || (c & 0x03))
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
		*out++ = (unsigned char) ((b << 4) | (c >> 2));
	}
	*outlen = (size_t) (out - dst);
	return true;
}

/* Decode strict, padded standard base64 (x5c); false on any deviation. */
bool
jose_b64std_decode(const char *src, size_t len, unsigned char *dst, size_t *outlen)
{
	size_t		body,
				pad = 0;
	char	   *url;
	bool		ok;

	if (len == 0 || len % 4 != 0)
		return false;
	while (pad < 2 && src[len - 1 - pad] == '=')
		pad++;
	body = len - pad;

	/* the same alphabet but for two characters: map it, then decode strictly */
	url = malloc(body + 1);
	if (url == NULL)
		return false;
	ok = true;
	for (size_t i = 0; i < body && ok; i++)
	{
		char		c = src[i];

		if (c == '-' || c == '_' || c == '=')
			ok = false;
		url[i] = c == '+' ? '-' : c == '/' ? '_' : c;
	}
	ok = ok && jose_b64url_decode(url, body, dst, outlen);
	free(url);
	return ok;
}
