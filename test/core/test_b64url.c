/*
 * test_b64url.c
 *		Strict base64url (src/core/b64url.c): RFC 4648 vectors and every
 *		rejection rule.
 *
 * A token must have exactly one accepted spelling, otherwise signatures
 * can be "malleated" into different strings and caches or deny-lists
 * keyed by the token text are bypassed.  So padding, the standard
 * alphabet, whitespace, impossible lengths and non-zero unused bits must
 * all be refused.  OpenSSL's EVP_EncodeBlock serves as an independent
 * oracle for the round trips.
 */
#include "harness.h"
#include "../../src/core/b64url.h"

#include <stdint.h>
#include <stdlib.h>

#include <openssl/evp.h>

static const char alphabet[] =
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decode s (NUL-terminated); true on success, bytes in out. */
static bool
dec(const char *s, size_t len, unsigned char *out, size_t *outlen)
{
	*outlen = (size_t) -1;
	return jose_b64url_decode(s, len, out, outlen);
}

/* RFC 4648 section 10 vectors, spelled in the URL alphabet without padding. */
static const struct
{
	const char *plain;
	const char *encoded;
}			rfc4648[] = {
	{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
	{"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

static void
rfc4648_vectors_encode(void)
{
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++)
	{
		char		out[16];
		size_t		len = strlen(rfc4648[i].plain);
		size_t		n = jose_b64url_encode((const unsigned char *) rfc4648[i].plain, len, out);

		CHECKF(n == strlen(rfc4648[i].encoded), "\"%s\": length %zu", rfc4648[i].plain, n);
		CHECKF(n == JOSE_B64URL_ENCODED_LEN(len), "\"%s\"", rfc4648[i].plain);
		out[n < sizeof(out) ? n : 0] = '\0';
		CHECK_STR(out, rfc4648[i].encoded);
	}
}

static void
rfc4648_vectors_decode(void)
{
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++)
	{
		unsigned char out[16];
		size_t		n;
		const char *e = rfc4648[i].encoded;

		CHECKF(dec(e, strlen(e), out, &n), "\"%s\"", e);
		CHECKF(n == strlen(rfc4648[i].plain), "\"%s\": got %zu bytes", e, n);
		CHECKF(n <= JOSE_B64URL_DECODED_MAX(strlen(e)), "\"%s\"", e);
		CHECKF(n == strlen(rfc4648[i].plain) && memcmp(out, rfc4648[i].plain, n) == 0, "\"%s\"", e);
	}
}

/* Bytes whose standard base64 uses '+' and '/' come out as '-' and '_'. */
static void
url_alphabet_not_standard(void)
{
	const unsigned char minus[3] = {0xFB, 0xEF, 0xBE};	/* 62,62,62,62 */
	const unsigned char under[3] = {0xFF, 0xFF, 0xFF};	/* 63,63,63,63 */
	char		out[8];
	unsigned char back[8];
	size_t		n;

	n = jose_b64url_encode(minus, 3, out);
	out[n] = '\0';
	CHECK_STR(out, "----");
	n = jose_b64url_encode(under, 3, out);
	out[n] = '\0';
	CHECK_STR(out, "____");
	CHECK(dec("-_-_", 4, back, &n) && n == 3 && back[0] == 0xFB && back[1] == 0xFF && back[2] == 0xBF);
	CHECK(!dec("+/+/", 4, back, &n));
	CHECK(!dec("+_-_", 4, back, &n));
	CHECK(!dec("-_-/", 4, back, &n));
}

static void
padding_refused(void)
{
	static const char *const padded[] = {
		"Zg==", "Zm8=", "Zg=", "Zm9vYg==", "Zm9vYmE=", "====", "Zm9v====", "=Zm9v", "Zm=v",
	};
	unsigned char out[16];
	size_t		n;

	for (size_t i = 0; i < sizeof(padded) / sizeof(padded[0]); i++)
		CHECKF(!dec(padded[i], strlen(padded[i]), out, &n), "\"%s\" accepted", padded[i]);
}

static void
whitespace_refused(void)
{
	static const char *const spaced[] = {
		"Zm9v Yg", " Zm9v", "Zm9v ", "Zm9v\nYmFy", "Zm9v\r\nYmFy", "Zm\t9v", "Zm9v\n", "Zm 8",
	};
	unsigned char out[16];
	size_t		n;

	for (size_t i = 0; i < sizeof(spaced) / sizeof(spaced[0]); i++)
		CHECKF(!dec(spaced[i], strlen(spaced[i]), out, &n), "\"%s\" accepted", spaced[i]);
}

/* A length of 4k+1 cannot carry whole bytes, whatever the characters. */
static void
length_one_mod_four_refused(void)
{
	static const char *const bad[] = {"A", "Z", "Zm9vY", "Zm9vYmFyA", "AAAAA"};
	unsigned char out[16];
	size_t		n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(!dec(bad[i], strlen(bad[i]), out, &n), "\"%s\" accepted", bad[i]);
}

/*
 * Two trailing characters carry one byte: the 4 low bits of the second are
 * unused and must be zero.  Three carry two bytes: 2 unused bits.
 * Try every alphabet character in the last place, both remainders, at the
 * start and after a full quantum.
 */
static void
non_canonical_last_char_refused(void)
{
	for (int prefix = 0; prefix < 2; prefix++)
		for (int c = 0; c < 64; c++)
		{
			char		two[8],
						three[8];
			unsigned char out[8];
			size_t		n;
			const char *p = prefix ? "Zm9v" : "";
			size_t		pl = strlen(p);

			snprintf(two, sizeof(two), "%sZ%c", p, alphabet[c]);
			snprintf(three, sizeof(three), "%sZm%c", p, alphabet[c]);
			CHECKF(dec(two, pl + 2, out, &n) == ((c & 0x0F) == 0), "\"%s\"", two);
			CHECKF(dec(three, pl + 3, out, &n) == ((c & 0x03) == 0), "\"%s\"", three);
			if ((c & 0x0F) == 0 && dec(two, pl + 2, out, &n))
				CHECKF(n == pl / 4 * 3 + 1 && out[n - 1] == (unsigned char) ((25 << 2) | (c >> 4)),
					   "\"%s\"", two);
		}
}

/*
 * Every byte value as a single character: alone (always refused, length
 * 1), and inside a full quantum, where it is accepted exactly when it is
 * in the URL alphabet, decoding to its alphabet index.
 */
static void
every_byte_value_as_a_character(void)
{
	for (int b = 0; b < 256; b++)
	{
		char		one[1] = {(char) b};
		char		quad[4] = {'A', 'A', (char) b, 'A'};
		unsigned char out[8];
		size_t		n;
		const char *pos = (b != 0) ? strchr(alphabet, b) : NULL;
		bool		in_alphabet = pos != NULL;

		CHECKF(!dec(one, 1, out, &n), "byte 0x%02X alone accepted", b);
		CHECKF(dec(quad, 4, out, &n) == in_alphabet, "byte 0x%02X in a quantum", b);
		if (in_alphabet && dec(quad, 4, out, &n))
		{
			int			v = (int) (pos - alphabet);

			/* AA?A: third sextet is v -> bytes 0x00, v>>2, (v&3)<<6 */
			CHECKF(n == 3 && out[0] == 0 && out[1] == (v >> 2) && out[2] == ((v & 3) << 6),
				   "byte 0x%02X decoded wrongly", b);
		}
		/* the same byte in each of the four places */
		for (int place = 0; place < 4; place++)
		{
			char		q[4] = {'Q', 'Q', 'Q', 'Q'};

			q[place] = (char) b;
			CHECKF(dec(q, 4, out, &n) == in_alphabet, "byte 0x%02X at place %d", b, place);
		}
	}
}

/* Round trips of 0..200 bytes against OpenSSL's standard base64 encoder. */
static void
round_trip_matches_openssl(void)
{
	unsigned char src[200];
	uint32_t	x = 0x12345678;

	for (size_t i = 0; i < sizeof(src); i++)
	{
		x = x * 1103515245u + 12345u;
		src[i] = (unsigned char) (x >> 16);
	}
	for (size_t len = 0; len <= sizeof(src); len++)
	{
		char		mine[300];
		unsigned char std[300];
		unsigned char back[300];
		size_t		n,
					m;
		int			sn = EVP_EncodeBlock(std, src, (int) len);

		/* standard -> URL alphabet, unpadded */
		while (sn > 0 && std[sn - 1] == '=')
			sn--;
		for (int k = 0; k < sn; k++)
			std[k] = std[k] == '+' ? '-' : std[k] == '/' ? '_' : std[k];
		n = jose_b64url_encode(src, len, mine);
		CHECKF(n == (size_t) sn && memcmp(mine, std, n) == 0, "length %zu", len);
		CHECKF(n == JOSE_B64URL_ENCODED_LEN(len), "length %zu", len);
		CHECKF(dec(mine, n, back, &m) && m == len && memcmp(back, src, len) == 0,
			   "length %zu does not round-trip", len);
	}
}

/* A NUL inside the input is a character outside the alphabet. */
static void
embedded_nul_refused(void)
{
	unsigned char out[8];
	size_t		n;

	CHECK(!dec("Zm\0v", 4, out, &n));
	CHECK(!dec("Zm9v\0\0\0\0", 8, out, &n));
	CHECK(dec("", 0, out, &n) && n == 0);
}

void
suite_b64url(void)
{
	RUN(rfc4648_vectors_encode);
	RUN(rfc4648_vectors_decode);
	RUN(url_alphabet_not_standard);
	RUN(padding_refused);
	RUN(whitespace_refused);
	RUN(length_one_mod_four_refused);
	RUN(non_canonical_last_char_refused);
	RUN(every_byte_value_as_a_character);
	RUN(round_trip_matches_openssl);
	RUN(embedded_nul_refused);
}
