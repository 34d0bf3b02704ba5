/*-------------------------------------------------------------------------
 *
 * forward.c
 *		Sealing and opening forwarded-claims records (see forward.h).
 *
 * The MAC is checked before any field is interpreted, so a receiver never
 * acts on a byte an attacker chose; the only thing read before it is the
 * version, which decides what the MAC covers.  The domain label keeps a
 * record's MAC from ever being valid as any other HMAC the cluster secret
 * makes (the fingerprint, a future record version).
 *
 * src/core/forward.c
 *
 *-------------------------------------------------------------------------
 */
#include "forward.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "b64url.h"
#include "hmac.h"

/* What the MAC of a version 1 record covers before the record text. */
static const char forward_label[] = "token_ext forwarded claims v1";

/* What the fingerprint is the HMAC of. */
static const char fingerprint_label[] = "token_ext cluster secret fingerprint v1";

/* Fields of a record, in order. */
enum
{
	F_VERSION, F_SEALED, F_EXP, F_NBF, F_LEEWAY, F_ROLE, F_CLAIMS, F_MAC, N_FIELDS
};

/* Longest leeway a record may carry (the setting's maximum). */
#define FORWARD_MAX_LEEWAY 86400

/* Microseconds of a NumericDate, saturated to the int64 range. */
int64_t
jose_forward_time_us(double seconds)
{
	double		us = seconds * 1000000.0;

	if (isnan(us))
		return 0;
	if (us >= 9.2e18)
		return INT64_MAX;
	if (us <= -9.2e18)
		return INT64_MIN;
	return (int64_t) floor(us);
}

/* HMAC-SHA256 under the secret of label (with its NUL) then data. */
static jose_status
forward_mac(const unsigned char *secret, const char *label, const char *data, size_t len,
			unsigned char *out, jose_err *err)
{
	const unsigned char *parts[2] = {(const unsigned char *) label, (const unsigned char *) data};
	size_t		lens[2] = {strlen(label) + 1, len};
	size_t		outlen = 0;
	jose_status st;

	st = jose_hmac_parts("SHA256", secret, JOSE_FORWARD_SECRET_LEN, parts, lens,
						 data != NULL ? 2 : 1, out, &outlen, err);
	if (st == JOSE_OK && outlen != 32)
		return jose_fail(err, JOSE_E_CRYPTO, "HMAC-SHA256 gave %zu bytes.", outlen);
	return st;
}

/* Append an int64 in decimal. */
static void
put_int(jose_buf *out, int64_t v)
{
	char		digits[24];

	snprintf(digits, sizeof(digits), "%lld", (long long) v);
	jose_buf_puts(out, digits);
}

/* Append the sealed record of f to out. */
jose_status
jose_forward_seal(const jose_forward *f, const unsigned char *secret, jose_buf *out,
				  jose_err *err)
{
	size_t		start = out->len;
	unsigned char mac[32];
	jose_status st;

	if (f->leeway_s < 0 || f->leeway_s > FORWARD_MAX_LEEWAY)
		return jose_fail(err, JOSE_E_ARGUMENT, "The leeway of a record is 0 to %d seconds.",
						 FORWARD_MAX_LEEWAY);
	put_int(out, JOSE_FORWARD_VERSION);
	jose_buf_putc(out, '.');
	put_int(out, f->sealed_us);
	jose_buf_putc(out, '.');
	if (f->has_exp)
		put_int(out, f->exp_us);
	jose_buf_putc(out, '.');
	if (f->has_nbf)
		put_int(out, f->nbf_us);
	jose_buf_putc(out, '.');
	put_int(out, f->leeway_s);
	jose_buf_putc(out, '.');
	jose_buf_append_b64url(out, f->role_path, f->role_path_len);
	jose_buf_putc(out, '.');
	jose_buf_append_b64url(out, f->claims, f->claims_len);
	jose_buf_putc(out, '.');
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not build the forwarded record.");

	/* the MAC covers the text up to and including the last dot */
	st = forward_mac(secret, forward_label, out->data + start, out->len - start, mac, err);
	if (st != JOSE_OK)
		return st;
	jose_buf_append_b64url(out, mac, sizeof(mac));
	OPENSSL_cleanse(mac, sizeof(mac));
	if (out->failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not build the forwarded record.");
	return JOSE_OK;
}

/* Parse a decimal int64 field (optional minus, 1 to 19 digits); false if it is not one. */
static bool
parse_int(const char *s, size_t len, int64_t *out)
{
	bool		neg = len > 0 && s[0] == '-';
	uint64_t	v = 0;
	size_t		i = neg ? 1 : 0;

	if (len == i || len - i > 19)
		return false;
	for (; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t) (s[i] - '0');
	}
	if (v > (uint64_t) INT64_MAX + (neg ? 1 : 0))
		return false;
	*out = neg ? (int64_t) (0 - v) : (int64_t) v;
	return true;
}

/* Decode a base64url field into buf as NUL-terminated bytes; false if it is not base64url. */
static bool
decode_field(const char *s, size_t len, jose_buf *buf)
{
	size_t		n = 0;

	jose_buf_reset(buf);
	if (!jose_buf_reserve(buf, JOSE_B64URL_DECODED_MAX(len) + 1))
		return false;
	if (!jose_b64url_decode(s, len, (unsigned char *) buf->data, &n))
		return false;
	buf->len = n;
	buf->data[n] = '\0';
	return true;
}

/* Refuse a record: JOSE_E_FORWARDED with a detail. */
#define REFUSE(...) jose_fail(err, JOSE_E_FORWARDED, __VA_ARGS__)

/* Whole seconds (rounded) from a to b (b after a), for a detail sentence; exact in unsigned arithmetic. */
static long long
seconds_between(int64_t a, int64_t b)
{
	return (long long) (((uint64_t) b - (uint64_t) a + 500000) / 1000000);
}

/* Check the record's times against check. */
static jose_status
check_times(const jose_forward *f, const jose_forward_check *check, jose_err *err)
{
	int64_t		leeway = (int64_t) f->leeway_s * 1000000;
	int64_t		now = check->now_us;

	/* sealed after the check time by more than the clock skew allowed */
	if (f->sealed_us > now && (uint64_t) f->sealed_us - (uint64_t) now > (uint64_t) leeway)
		return REFUSE("The record was sealed %lld s after this node's time, beyond the leeway of %d s.",
					  seconds_between(now, f->sealed_us), (int) f->leeway_s);
	if (now > f->sealed_us && (uint64_t) now - (uint64_t) f->sealed_us > (uint64_t) check->max_age_us)
		return REFUSE("The record was sealed %lld s ago; the most accepted is %lld s.",
					  seconds_between(f->sealed_us, now), (long long) (check->max_age_us / 1000000));

	/*
	 * RFC 7519 4.1.4 and 4.1.5 with the leeway the sender applied: expired
	 * when now >= exp + leeway, not yet valid when now < nbf - leeway (an
	 * exp or nbf so far out that the sum overflows never limits).
	 */
	if (f->has_exp && f->exp_us <= INT64_MAX - leeway && now >= f->exp_us + leeway)
		return REFUSE("The token expired %lld s ago (with a leeway of %d s).",
					  seconds_between(f->exp_us, now), (int) f->leeway_s);
	if (f->has_nbf && f->nbf_us >= INT64_MIN + leeway && now < f->nbf_us - leeway)
		return REFUSE("The token is valid only in %lld s (with a leeway of %d s).",
					  seconds_between(now, f->nbf_us), (int) f->leeway_s);
	return JOSE_OK;
}

/* Open a record: shape, version, MAC, fields, times. */
jose_status
jose_forward_open(const char *text, size_t len, const unsigned char *secret,
				  const jose_forward_check *check, jose_forward *f, jose_buf *role,
				  jose_buf *claims, jose_err *err)
{
	const char *field[N_FIELDS];
	size_t		flen[N_FIELDS];
	size_t		n = 0;
	const char *p = text;
	const char *end = text + len;
	unsigned char want[32];
	unsigned char got[JOSE_B64URL_DECODED_MAX(43)];
	size_t		got_len = 0;
	int64_t		leeway;
	jose_status st;

	memset(f, 0, sizeof(*f));
	if (len > check->max_len)
		return REFUSE("The record is %zu bytes long; the most accepted is %zu.", len, check->max_len);

	/* exactly N_FIELDS dot-separated fields */
	while (n < N_FIELDS)
	{
		const char *dot = memchr(p, '.', (size_t) (end - p));

		field[n] = p;
		flen[n] = (dot ? dot : end) - p;
		n++;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (n != N_FIELDS || memchr(field[F_MAC], '.', flen[F_MAC]) != NULL)
		return REFUSE("The value is not a forwarded-claims record.");
	if (flen[F_VERSION] != 1 || field[F_VERSION][0] != '0' + JOSE_FORWARD_VERSION)
	{
		char		quoted[JOSE_QUOTE_MAX];

		return REFUSE("The record's version %s is not supported (this node reads version %d).",
					  jose_quote(field[F_VERSION], flen[F_VERSION] > 8 ? 8 : flen[F_VERSION], quoted),
					  JOSE_FORWARD_VERSION);
	}

	/* the MAC, in constant time, before anything else is believed */
	if (flen[F_MAC] != 43 || !jose_b64url_decode(field[F_MAC], flen[F_MAC], got, &got_len) ||
		got_len != sizeof(want))
		return REFUSE("The record's MAC is not an HMAC-SHA256.");
	st = forward_mac(secret, forward_label, text, (size_t) (field[F_MAC] - text), want, err);
	if (st != JOSE_OK)
		return st;
	if (CRYPTO_memcmp(want, got, sizeof(want)) != 0)
	{
		OPENSSL_cleanse(want, sizeof(want));
		return REFUSE("The record's MAC does not verify: it was altered, or sealed under another cluster secret.");
	}
	OPENSSL_cleanse(want, sizeof(want));

	/* the fields (the sender wrote them, so a bad one is a sender's bug) */
	f->has_exp = flen[F_EXP] > 0;
	f->has_nbf = flen[F_NBF] > 0;
	if (!parse_int(field[F_SEALED], flen[F_SEALED], &f->sealed_us) ||
		(f->has_exp && !parse_int(field[F_EXP], flen[F_EXP], &f->exp_us)) ||
		(f->has_nbf && !parse_int(field[F_NBF], flen[F_NBF], &f->nbf_us)) ||
		!parse_int(field[F_LEEWAY], flen[F_LEEWAY], &leeway) ||
		leeway < 0 || leeway > FORWARD_MAX_LEEWAY)
		return REFUSE("The record's fields are malformed.");
	f->leeway_s = (int32_t) leeway;
	if (!decode_field(field[F_ROLE], flen[F_ROLE], role) ||
		!decode_field(field[F_CLAIMS], flen[F_CLAIMS], claims))
		return role->failed || claims->failed
			? jose_fail(err, JOSE_E_NOMEM, "Could not decode the forwarded record.")
			: REFUSE("The record's fields are malformed.");
	f->role_path = role->data;
	f->role_path_len = role->len;
	f->claims = claims->data;
	f->claims_len = claims->len;
	return check_times(f, check, err);
}

/* A fingerprint of a secret: the first 16 bytes of an HMAC of a label, in hex. */
jose_status
jose_forward_fingerprint(const unsigned char *secret, char out[33], jose_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	jose_status st = forward_mac(secret, fingerprint_label, NULL, 0, mac, err);

	if (st != JOSE_OK)
		return st;
	for (int i = 0; i < 16; i++)
	{
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 0x0F];
	}
	out[32] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
	return JOSE_OK;
}
