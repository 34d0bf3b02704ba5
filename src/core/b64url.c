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
#include "bytetab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char encode_table[64] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The value of a base64url character, 64 for every other byte. */
#define B64URL_VALUE(c) \
	((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' : \
	 (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 : \
	 (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 : \
	 (c) == '-' ? 62 : (c) == '_' ? 63 : 64)

/*
 * One table per position in a group of four characters: each holds the
 * character's six bits already shifted into place in the 24 bits the
 * group decodes to, or B64_BAD (a bit no valid character sets) for a byte
 * outside the alphabet.  A group then decodes with four look-ups and
 * three ORs, and one test refuses any bad character in it.
 */
#define B64_BAD 0x80000000u
#define B64_AT(c, shift) (B64URL_VALUE(c) == 64 ? B64_BAD : (uint32_t) B64URL_VALUE(c) << (shift))
#define B64_AT18(c) B64_AT(c, 18)
#define B64_AT12(c) B64_AT(c, 12)
#define B64_AT6(c) B64_AT(c, 6)
#define B64_AT0(c) B64_AT(c, 0)
static const uint32_t decode_at18[256] = {JOSE_BYTE_TABLE(B64_AT18)};
static const uint32_t decode_at12[256] = {JOSE_BYTE_TABLE(B64_AT12)};
static const uint32_t decode_at6[256] = {JOSE_BYTE_TABLE(B64_AT6)};
static const uint32_t decode_at0[256] = {JOSE_BYTE_TABLE(B64_AT0)};

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
	uint32_t	v;

	/* one leftover character cannot carry a whole byte */
	if (rem == 1)
		return false;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
	(defined(__GNUC__) || defined(__clang__))

	/*
	 * While another group follows, store each group's three bytes as one
	 * four-byte word: the fourth byte is the next group's to overwrite.
	 * Two groups a turn, so the loop's own cost is paid half as often.
	 */
	for (; i + 12 <= len; i += 8)
	{
		uint32_t	w;

		v = decode_at18[in[i]] | decode_at12[in[i + 1]] |
			decode_at6[in[i + 2]] | decode_at0[in[i + 3]];
		w = decode_at18[in[i + 4]] | decode_at12[in[i + 5]] |
			decode_at6[in[i + 6]] | decode_at0[in[i + 7]];
		if ((v | w) & B64_BAD)
			return false;
		v = __builtin_bswap32(v << 8);
		w = __builtin_bswap32(w << 8);
		memcpy(out, &v, 4);
		memcpy(out + 3, &w, 4);
		out += 6;
	}
#endif
	for (; i + 4 <= len; i += 4)
	{
		v = decode_at18[in[i]] | decode_at12[in[i + 1]] |
			decode_at6[in[i + 2]] | decode_at0[in[i + 3]];
		if (v & B64_BAD)
			return false;
		out[0] = (unsigned char) (v >> 16);
		out[1] = (unsigned char) (v >> 8);
		out[2] = (unsigned char) v;
		out += 3;
	}
	if (rem == 2)
	{
		v = decode_at18[in[i]] | decode_at12[in[i + 1]];
		/* the 4 low bits of the second character are unused and must be zero */
		if ((v & B64_BAD) || (v & 0xF000))
			return false;
		*out++ = (unsigned char) (v >> 16);
	}
	else if (rem == 3)
	{
		v = decode_at18[in[i]] | decode_at12[in[i + 1]] | decode_at6[in[i + 2]];
		/* the 2 low bits of the third character are unused and must be zero */
		if ((v & B64_BAD) || (v & 0xC0))
			return false;
		*out++ = (unsigned char) (v >> 16);
		*out++ = (unsigned char) (v >> 8);
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
