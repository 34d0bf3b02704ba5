/*
 * test_forward.c
 *		Unit tests of the forwarded-claims record (src/core/forward.c): the
 *		round trip, a known answer computed independently (Python's hmac),
 *		every single-character change, truncation, another secret, the
 *		version, the token's exp and nbf with the carried leeway, the age
 *		bound, the length bound, and the secret's fingerprint.
 */
#include "harness.h"

#include "../../src/core/forward.h"

#include <stdlib.h>

/* Two secrets: bytes 0..31, and bytes 1..32. */
static unsigned char secret_a[JOSE_FORWARD_SECRET_LEN];
static unsigned char secret_b[JOSE_FORWARD_SECRET_LEN];

static const char claims_json[] = "{\"sub\":\"d2f9a3a4-2b9e-4c4b-8d3f-0c9f6f4f6a11\",\"role\":\"authenticated\",\"exp\":1700000600}";

/* 2023-11-14 22:13:20 UTC in microseconds: the record's sealing time. */
#define T0 INT64_C(1700000000000000)
#define SECOND INT64_C(1000000)

/* Fill the two secrets. */
static void
init_secrets(void)
{
	for (int i = 0; i < JOSE_FORWARD_SECRET_LEN; i++)
	{
		secret_a[i] = (unsigned char) i;
		secret_b[i] = (unsigned char) (i + 1);
	}
}

/* A record's fields: sealed at T0, exp T0 + 600 s, no nbf, leeway 30 s, role path .role. */
static jose_forward
sample(void)
{
	jose_forward f;

	memset(&f, 0, sizeof(f));
	f.sealed_us = T0;
	f.has_exp = true;
	f.exp_us = T0 + 600 * SECOND;
	f.leeway_s = 30;
	f.role_path = ".role";
	f.role_path_len = 5;
	f.claims = claims_json;
	f.claims_len = strlen(claims_json);
	return f;
}

/* Seal f under secret into out (a NUL-terminated malloc'd copy); NULL on failure. */
static char *
seal(const jose_forward *f, const unsigned char *secret)
{
	jose_buf	buf = {0};
	jose_err	err;
	char	   *copy = NULL;

	if (jose_forward_seal(f, secret, &buf, &err) == JOSE_OK && !buf.failed)
	{
		copy = malloc(buf.len + 1);
		memcpy(copy, buf.data, buf.len);
		copy[buf.len] = '\0';
	}
	jose_buf_free(&buf);
	return copy;
}

/* Open text with secret at now (max age 300 s), keeping the detail in err. */
static jose_status
open_at(const char *text, size_t len, const unsigned char *secret, int64_t now, jose_err *err)
{
	jose_forward_check check = {now, 300 * SECOND, 65536};
	jose_forward f;
	jose_buf	role = {0};
	jose_buf	claims = {0};
	jose_status st;

	jose_err_clear(err);
	st = jose_forward_open(text, len, secret, &check, &f, &role, &claims, err);
	jose_buf_free(&role);
	jose_buf_free(&claims);
	return st;
}

static void
round_trip(void)
{
	jose_forward in = sample();
	char	   *text = seal(&in, secret_a);
	jose_forward_check check = {T0 + 10 * SECOND, 300 * SECOND, 65536};
	jose_forward out;
	jose_buf	role = {0};
	jose_buf	claims = {0};
	jose_err	err;

	CHECK(text != NULL);
	if (text == NULL)
		return;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err),
				 JOSE_OK);
	CHECK(out.sealed_us == T0);
	CHECK(out.has_exp && out.exp_us == T0 + 600 * SECOND);
	CHECK(!out.has_nbf);
	CHECK(out.leeway_s == 30);
	CHECK_STR(out.role_path, ".role");
	CHECK(out.role_path_len == 5);
	CHECK_STR(out.claims, claims_json);
	CHECK(out.claims_len == strlen(claims_json));
	/* only the record alphabet: it travels inside a quoted SQL literal as it is */
	CHECK(strspn(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.") == strlen(text));

	/* an empty role path and claims with nbf, negative times */
	in.role_path = "";
	in.role_path_len = 0;
	in.has_nbf = true;
	in.nbf_us = -5 * SECOND;
	free(text);
	text = seal(&in, secret_a);
	CHECK(text != NULL && strstr(text, ".-5000000.") != NULL);
	if (text != NULL)
	{
		CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err),
					 JOSE_OK);
		CHECK(out.role_path_len == 0 && out.has_nbf && out.nbf_us == -5 * SECOND);
	}
	free(text);
	jose_buf_free(&role);
	jose_buf_free(&claims);
}

/*
 * The record of sample() under secret_a, byte for byte.  The MAC was
 * computed outside this code base:
 *   python3 -c 'import hmac,hashlib,base64; k=bytes(range(32));
 *     m=b"1.1700000000000000.1700000600000000..30.LnJvbGU.<b64url claims>.";
 *     print(base64.urlsafe_b64encode(hmac.new(k, b"token_ext forwarded claims v1\0"+m,
 *           hashlib.sha256).digest()).rstrip(b"="))'
 */
static const char known_record[] =
	"1.1700000000000000.1700000600000000..30.LnJvbGU."
	"eyJzdWIiOiJkMmY5YTNhNC0yYjllLTRjNGItOGQzZi0wYzlmNmY0ZjZhMTEiLCJyb2xlIjoiYXV0aGVudGljYXRlZCIsImV4cCI6MTcwMDAwMDYwMH0."
	"O0dWneTCYUKjVam9L-XAUMRF-rQ1FJU124A3V7K5uKU";

static void
known_answer(void)
{
	jose_forward in = sample();
	char	   *text = seal(&in, secret_a);
	jose_err	err;

	CHECK_STR(text, known_record);
	CHECK_STATUS(open_at(known_record, strlen(known_record), secret_a, T0, &err), JOSE_OK);
	free(text);
}

static void
every_change_refused(void)
{
	jose_forward in = sample();
	char	   *text = seal(&in, secret_a);
	size_t		len;
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-.";
	int			accepted = 0;
	jose_err	err;

	CHECK(text != NULL);
	if (text == NULL)
		return;
	len = strlen(text);
	/* every position, every other character of the alphabet */
	for (size_t i = 0; i < len; i++)
	{
		char		was = text[i];

		for (const char *c = alphabet; *c; c++)
		{
			jose_status st;

			if (*c == was)
				continue;
			text[i] = *c;
			st = open_at(text, len, secret_a, T0, &err);
			if (st != JOSE_E_FORWARDED)
			{
				accepted++;
				CHECKF(st == JOSE_E_FORWARDED, "position %zu changed to '%c': status %d", i, *c, (int) st);
			}
		}
		text[i] = was;
	}
	CHECK(accepted == 0);
	/* every truncation, and one more character */
	for (size_t n = 0; n < len; n++)
		CHECKF(open_at(text, n, secret_a, T0, &err) == JOSE_E_FORWARDED, "truncated to %zu bytes", n);
	{
		char	   *longer = malloc(len + 2);

		memcpy(longer, text, len);
		longer[len] = 'A';
		longer[len + 1] = '\0';
		CHECK_STATUS(open_at(longer, len + 1, secret_a, T0, &err), JOSE_E_FORWARDED);
		free(longer);
	}
	free(text);
}

static void
other_secret_and_junk(void)
{
	jose_forward in = sample();
	char	   *text = seal(&in, secret_b);
	jose_err	err;

	CHECK(text != NULL);
	CHECK_STATUS(open_at(text, strlen(text), secret_a, T0, &err), JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The record's MAC does not verify: it was altered, or sealed under another cluster secret.");
	CHECK_STATUS(open_at(text, strlen(text), secret_b, T0, &err), JOSE_OK);
	free(text);

	CHECK_STATUS(open_at("", 0, secret_a, T0, &err), JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The value is not a forwarded-claims record.");
	CHECK_STATUS(open_at("{\"sub\":\"x\"}", 11, secret_a, T0, &err), JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The value is not a forwarded-claims record.");
	/* the right shape, a random MAC */
	{
		const char *random_mac = "1.1700000000000000...30.LnJvbGU.e30.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

		CHECK_STATUS(open_at(random_mac, strlen(random_mac), secret_a, T0, &err), JOSE_E_FORWARDED);
		CHECK_STR(err.detail, "The record's MAC does not verify: it was altered, or sealed under another cluster secret.");
	}
	/* a MAC of the wrong length */
	{
		const char *short_mac = "1.1700000000000000...30.LnJvbGU.e30.AAECAwQF";

		CHECK_STATUS(open_at(short_mac, strlen(short_mac), secret_a, T0, &err), JOSE_E_FORWARDED);
		CHECK_STR(err.detail, "The record's MAC is not an HMAC-SHA256.");
	}
}

static void
version(void)
{
	char		text[sizeof(known_record)];
	jose_err	err;

	memcpy(text, known_record, sizeof(known_record));
	text[0] = '2';
	CHECK_STATUS(open_at(text, strlen(text), secret_a, T0, &err), JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The record's version \"2\" is not supported (this node reads version 1).");
	CHECK_STATUS(open_at(text + 1, strlen(text + 1), secret_a, T0, &err), JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The record's version \"\" is not supported (this node reads version 1).");
}

static void
token_times(void)
{
	jose_forward in = sample();
	char	   *text;
	jose_forward_check check = {0, 3600 * SECOND, 65536};
	jose_forward out;
	jose_buf	role = {0};
	jose_buf	claims = {0};
	jose_err	err;

	/* sealed 1 s before exp; checked 1 us before exp + leeway: accepted; at it: refused */
	in.sealed_us = in.exp_us - SECOND;
	text = seal(&in, secret_a);
	check.now_us = in.exp_us + 30 * SECOND - 1;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err), JOSE_OK);
	check.now_us = in.exp_us + 30 * SECOND;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err),
				 JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The token expired 30 s ago (with a leeway of 30 s).");
	free(text);

	/* nbf 100 s after the check time: refused; within the leeway: accepted */
	in = sample();
	in.has_nbf = true;
	in.nbf_us = T0 + 100 * SECOND;
	text = seal(&in, secret_a);
	check.now_us = T0;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err),
				 JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The token is valid only in 100 s (with a leeway of 30 s).");
	check.now_us = T0 + 70 * SECOND;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err), JOSE_OK);
	free(text);

	/* an exp so far out that exp + leeway overflows never expires */
	in = sample();
	in.exp_us = jose_forward_time_us(1e308);
	CHECK(in.exp_us == INT64_MAX);
	CHECK(jose_forward_time_us(-1e308) == INT64_MIN);
	CHECK(jose_forward_time_us(1.5) == 1500000);
	text = seal(&in, secret_a);
	check.now_us = T0;
	CHECK_STATUS(jose_forward_open(text, strlen(text), secret_a, &check, &out, &role, &claims, &err), JOSE_OK);
	free(text);
	jose_buf_free(&role);
	jose_buf_free(&claims);
}

static void
age_bound(void)
{
	jose_err	err;

	/* max age 300 s: 300 s after sealing accepted, 1 us more refused */
	CHECK_STATUS(open_at(known_record, strlen(known_record), secret_a, T0 + 300 * SECOND, &err), JOSE_OK);
	CHECK_STATUS(open_at(known_record, strlen(known_record), secret_a, T0 + 300 * SECOND + 1, &err),
				 JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The record was sealed 300 s ago; the most accepted is 300 s.");
	/* sealed in the receiver's future: within the leeway (30 s) accepted, beyond refused */
	CHECK_STATUS(open_at(known_record, strlen(known_record), secret_a, T0 - 30 * SECOND, &err), JOSE_OK);
	CHECK_STATUS(open_at(known_record, strlen(known_record), secret_a, T0 - 31 * SECOND, &err),
				 JOSE_E_FORWARDED);
	CHECK_STR(err.detail, "The record was sealed 31 s after this node's time, beyond the leeway of 30 s.");
}

static void
length_bound(void)
{
	jose_forward_check check = {T0, 300 * SECOND, 100};
	jose_forward out;
	jose_buf	role = {0};
	jose_buf	claims = {0};
	jose_err	err;

	CHECK_STATUS(jose_forward_open(known_record, strlen(known_record), secret_a, &check, &out, &role, &claims, &err),
				 JOSE_E_FORWARDED);
	CHECKF(strstr(err.detail, "the most accepted is 100.") != NULL, "%s", err.detail);
	jose_buf_free(&role);
	jose_buf_free(&claims);
}

static void
leeway_range(void)
{
	jose_forward in = sample();
	jose_buf	buf = {0};
	jose_err	err;

	in.leeway_s = -1;
	CHECK_STATUS(jose_forward_seal(&in, secret_a, &buf, &err), JOSE_E_ARGUMENT);
	in.leeway_s = 86401;
	CHECK_STATUS(jose_forward_seal(&in, secret_a, &buf, &err), JOSE_E_ARGUMENT);
	jose_buf_free(&buf);
}

static void
fingerprint(void)
{
	char		a[33];
	char		a2[33];
	char		b[33];
	jose_err	err;

	CHECK_STATUS(jose_forward_fingerprint(secret_a, a, &err), JOSE_OK);
	CHECK_STATUS(jose_forward_fingerprint(secret_a, a2, &err), JOSE_OK);
	CHECK_STATUS(jose_forward_fingerprint(secret_b, b, &err), JOSE_OK);
	CHECK_STR(a, a2);
	CHECK(strcmp(a, b) != 0);
	CHECK(strlen(a) == 32 && strspn(a, "0123456789abcdef") == 32);
	/* python3: hmac.new(bytes(range(32)), b"token_ext cluster secret fingerprint v1\0", sha256).hexdigest()[:32] */
	CHECK_STR(a, "63cf3469f374d4c4b95645a7f6fa90f2");
}

void
suite_forward(void)
{
	init_secrets();
	RUN(round_trip);
	RUN(known_answer);
	RUN(every_change_refused);
	RUN(other_secret_and_junk);
	RUN(version);
	RUN(token_times);
	RUN(age_bound);
	RUN(length_bound);
	RUN(leeway_range);
	RUN(fingerprint);
}
