/*-------------------------------------------------------------------------
 *
 * claims.c
 *		Validation of registered JWT claims.
 *
 * A time claim that is present but not a number is an error, never "absent":
 * treating "exp": "9999999999" as missing would let a string disable
 * expiry.  Numbers may be fractional (RFC 7519 NumericDate); values that do
 * not fit a double (1e400) are refused rather than read as infinity.
 *
 * src/core/claims.c
 *
 *-------------------------------------------------------------------------
 */
#include "claims.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The value of a JSON number, as strtod reads it.  A plain integer of at
 * most 15 digits (every exp, nbf and iat of this era) is converted without
 * strtod: it is exactly representable, so strtod would return exactly it.
 */
static double
number_value(const char *s, size_t len)
{
	size_t		neg = (s[0] == '-');
	size_t		digits = len - neg;

	if (digits >= 1 && digits <= 15)
	{
		uint64_t	v = 0;
		size_t		k;

		for (k = neg; k < len && s[k] >= '0' && s[k] <= '9'; k++)
			v = v * 10 + (uint64_t) (s[k] - '0');
		if (k == len)
			return neg ? -(double) v : (double) v;
	}
	return strtod(s, NULL);
}

/* Read the NumericDate claim at node v (NONE: absent, *present false). */
static jose_status
read_time_claim(const jose_json *c, uint32_t v, const char *name, double *value,
				bool *present, jose_err *err)
{
	*present = false;
	if (v == JOSE_JSON_NONE)
		return JOSE_OK;
	if (c->nodes[v].type != JOSE_JSON_NUMBER)
		return jose_fail(err, JOSE_E_CLAIM, "The \"%s\" claim must be a number.", name);
	*value = number_value(jose_json_text(c, v), c->nodes[v].len);
	if (!isfinite(*value))
		return jose_fail(err, JOSE_E_CLAIM, "The \"%s\" claim is out of range.", name);
	*present = true;
	return JOSE_OK;
}

/* Read exp, nbf and iat. */
jose_status
jose_claims_times(const jose_json *claims, jose_claim_times *t, jose_err *err)
{
	jose_status st;

	memset(t, 0, sizeof(*t));
	st = read_time_claim(claims, jose_json_member(claims, 0, "exp"), "exp", &t->exp, &t->has_exp, err);
	if (st == JOSE_OK)
		st = read_time_claim(claims, jose_json_member(claims, 0, "nbf"), "nbf", &t->nbf, &t->has_nbf, err);
	if (st == JOSE_OK)
		st = read_time_claim(claims, jose_json_member(claims, 0, "iat"), "iat", &t->iat, &t->has_iat, err);
	return st;
}

/* Format a NumericDate as "YYYY-MM-DD HH:MM:SS UTC" (or a number if far out). */
void
jose_format_time(double t, char *out, size_t outlen)
{
	struct tm	tm;
	time_t		secs;

	if (t < -62135596800.0 || t > 253402300799.0)
	{
		snprintf(out, outlen, "%.0f", t);
		return;
	}
	secs = (time_t) floor(t);
	if (gmtime_r(&secs, &tm) == NULL ||
		strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm) == 0)
	{
		snprintf(out, outlen, "%.0f", t);
		return;
	}
	/* keep a fractional NumericDate's fraction, so the detail is exact */
	if (t != floor(t))
	{
		char		frac[16];

		snprintf(frac, sizeof(frac), "%.6f", t - floor(t));
		for (size_t n = strlen(frac); n > 2 && frac[n - 1] == '0'; n--)
			frac[n - 1] = '\0';
		strncat(out, frac + 1, outlen - strlen(out) - 1);
	}
	strncat(out, " UTC", outlen - strlen(out) - 1);
}

/* Check that aud (node v: a string or array of strings) names the expected audience. */
static jose_status
check_audience(const jose_json *c, uint32_t v, const jose_claims_opts *o, jose_err *err)
{
	bool		found = false;

	if (v != JOSE_JSON_NONE)
	{
		const jose_jnode *n = &c->nodes[v];

		if (n->type == JOSE_JSON_STRING)
			found = o->audience != NULL &&
				jose_json_string_eq(c, v, o->audience, o->audience_len);
		else if (n->type == JOSE_JSON_ARRAY)
		{
			uint32_t	e = v + 1;

			for (uint32_t k = 0; k < n->count; k++, e = c->nodes[e].next)
			{
				if (c->nodes[e].type != JOSE_JSON_STRING)
					return jose_fail(err, JOSE_E_CLAIM,
									 "The \"aud\" claim must be a string or an array of strings.");
				if (o->audience != NULL &&
					jose_json_string_eq(c, e, o->audience, o->audience_len))
					found = true;
			}
		}
		else
			return jose_fail(err, JOSE_E_CLAIM,
							 "The \"aud\" claim must be a string or an array of strings.");
	}
	if (o->audience == NULL || found)
		return JOSE_OK;
	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_AUDIENCE,
						 "The token has no \"aud\" claim and an audience is expected.");
	return jose_fail(err, JOSE_E_AUDIENCE,
					 "The token's \"aud\" claim does not include the expected audience.");
}

/* The registered claims jose_claims_check reads, found in one pass. */
enum
{
	CLAIM_EXP, CLAIM_NBF, CLAIM_IAT, CLAIM_ISS, CLAIM_SUB, CLAIM_JTI, CLAIM_AUD, N_CLAIMS
};
static const jose_json_name claim_names[N_CLAIMS] = {
	{"exp", 3}, {"nbf", 3}, {"iat", 3}, {"iss", 3}, {"sub", 3}, {"jti", 3}, {"aud", 3}
};

/* Check exp, nbf, iat, iss, aud and the required claims. */
jose_status
jose_claims_check(const jose_json *c, const jose_claims_opts *o, jose_err *err)
{
	double		t = 0;
	bool		present;
	char		when[64];
	uint32_t	found[N_CLAIMS];
	uint32_t	v;
	jose_status st;

	/* one pass over the claims; the checks below keep their order (and so which error wins) */
	jose_json_find_members(c, 0, claim_names, N_CLAIMS, found);

	st = read_time_claim(c, found[CLAIM_EXP], "exp", &t, &present, err);
	if (st != JOSE_OK)
		return st;
	/* RFC 7519 4.1.4: the token must not be accepted on or after exp */
	if (present && o->now >= t + o->leeway)
	{
		jose_format_time(t, when, sizeof(when));
		return jose_fail(err, JOSE_E_EXPIRED, "The token expired at %s.", when);
	}

	st = read_time_claim(c, found[CLAIM_NBF], "nbf", &t, &present, err);
	if (st != JOSE_OK)
		return st;
	if (present && o->now + o->leeway < t)
	{
		jose_format_time(t, when, sizeof(when));
		return jose_fail(err, JOSE_E_NOT_YET_VALID, "The token is valid from %s.", when);
	}

	st = read_time_claim(c, found[CLAIM_IAT], "iat", &t, &present, err);
	if (st != JOSE_OK)
		return st;
	/*
	 * iat is informational (RFC 7519 4.1.6), and issuers commonly round the
	 * current time to a whole second, which can put it up to a second ahead
	 * of ours; only an iat beyond that tolerance (plus leeway) is refused.
	 */
	if (present && o->now + o->leeway + JOSE_IAT_TOLERANCE < t)
	{
		jose_format_time(t, when, sizeof(when));
		return jose_fail(err, JOSE_E_ISSUED_IN_FUTURE,
						 "The token says it was issued at %s, after the check time.", when);
	}

	v = found[CLAIM_ISS];
	if (v != JOSE_JSON_NONE && c->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_CLAIM, "The \"iss\" claim must be a string.");
	if (o->issuer != NULL)
	{
		if (v == JOSE_JSON_NONE)
			return jose_fail(err, JOSE_E_ISSUER,
							 "The token has no \"iss\" claim and an issuer is expected.");
		if (!jose_json_string_eq(c, v, o->issuer, o->issuer_len))
			return jose_fail(err, JOSE_E_ISSUER,
							 "The token's \"iss\" claim is not the expected issuer.");
	}

	v = found[CLAIM_SUB];
	if (v != JOSE_JSON_NONE && c->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_CLAIM, "The \"sub\" claim must be a string.");
	v = found[CLAIM_JTI];
	if (v != JOSE_JSON_NONE && c->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_CLAIM, "The \"jti\" claim must be a string.");

	st = check_audience(c, found[CLAIM_AUD], o, err);
	if (st != JOSE_OK)
		return st;

	for (size_t i = 0; i < o->n_required; i++)
	{
		uint32_t	k = 1;
		bool		found = false;

		for (uint32_t m = 0; m < c->nodes[0].count && !found; m++, k = c->nodes[k + 1].next)
			found = jose_json_string_eq(c, k, o->required[i], o->required_len[i]);
		if (!found)
		{
			if (o->required_len[i] <= 64)
				return jose_fail(err, JOSE_E_MISSING_CLAIM,
								 "The claim \"%.*s\" is required.",
								 (int) o->required_len[i], o->required[i]);
			return jose_fail(err, JOSE_E_MISSING_CLAIM, "A required claim is absent.");
		}
	}
	return JOSE_OK;
}

/* True when the len bytes at a and b are equal, ASCII letters compared case-insensitively. */
static bool
ascii_case_eq(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
	{
		unsigned char x = (unsigned char) a[i];
		unsigned char y = (unsigned char) b[i];

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

/* Drop an "application/" prefix, case-insensitively. */
static void
strip_application(const char **s, size_t *len)
{
	if (*len > 12 && ascii_case_eq(*s, "application/", 12))
	{
		*s += 12;
		*len -= 12;
	}
}

/*
 * True when two media types (a "typ" or "cty" and what is expected) are
 * the same.  Lengths are compared too, so a NUL inside a JSON string
 * never ends the comparison early.
 */
bool
jose_media_type_eq(const char *a, size_t a_len, const char *b, size_t b_len)
{
	strip_application(&a, &a_len);
	strip_application(&b, &b_len);
	return a_len == b_len && ascii_case_eq(a, b, a_len);
}

/*
 * Check a leeway a caller asked for.  A day covers any clock skew worth
 * tolerating; more would quietly turn expiry off, so it is refused.
 */
jose_status
jose_check_leeway(double seconds, jose_err *err)
{
	if (!(seconds >= 0 && seconds <= JOSE_MAX_LEEWAY))
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "The leeway must be between 0 and 1 day (86,400 s), the range of token_ext.leeway.");
	return JOSE_OK;
}

/* Check a header "typ" against the expected media type. */
jose_status
jose_check_typ(const jose_json *header, uint32_t typ_node,
			   const char *expected, size_t expected_len, jose_err *err)
{
	if (typ_node == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_TYPE, "The token has no \"typ\" header and a type is expected.");
	if (!jose_media_type_eq(jose_json_text(header, typ_node), header->nodes[typ_node].len,
							expected, expected_len))
		return jose_fail(err, JOSE_E_TYPE, "The token's \"typ\" header is not the expected type.");
	return JOSE_OK;
}

/* Check that iss, sub and aud replicated in a JWE header equal the claims'. */
jose_status
jose_check_replicated(const jose_json *header, const jose_json *claims, jose_err *err)
{
	static const char *const names[] = {"iss", "sub", "aud"};

	for (size_t i = 0; i < 3; i++)
	{
		uint32_t	h = jose_json_member(header, 0, names[i]);
		uint32_t	c;

		if (h == JOSE_JSON_NONE)
			continue;
		c = jose_json_member(claims, 0, names[i]);
		if (c == JOSE_JSON_NONE || !jose_json_equal(header, h, claims, c))
			return jose_fail(err, JOSE_E_CLAIM,
							 "The header replicates \"%s\" with a value the claims do not have (RFC 7519 5.3).",
							 names[i]);
	}
	return JOSE_OK;
}
