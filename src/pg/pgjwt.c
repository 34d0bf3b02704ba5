/*-------------------------------------------------------------------------
 *
 * pgjwt.c
 *		The functions of the token_ext_pgjwt extension: pgjwt 0.2.0's
 *		url_encode, url_decode, algorithm_sign, sign, try_cast_double and
 *		verify, with the same results, on token_ext's HMAC and base64url.
 *
 * pgjwt is SQL over pgcrypto.  Each of its rules is reproduced here from
 * what its SQL does, because existing applications depend on them:
 *
 *	- sign's header is the text {"alg":"<alg>","typ":"JWT"}, its payload the
 *	  json text exactly as given (converted to UTF-8), both base64url
 *	  without padding or line breaks; the MAC is over those bytes, keyed
 *	  with the secret's bytes in the database encoding (pgcrypto's hmac()).
 *	- verify splits the token at every ".", decodes the first two parts as
 *	  PostgreSQL's decode(.., 'base64') does after mapping "-_" to "+/" and
 *	  padding (so whitespace and "=" are tolerated), converts them from
 *	  UTF-8 and checks them with the json type's parser (any JSON value,
 *	  duplicate names allowed), and compares the third part with the
 *	  base64url MAC of the token's first two parts as text.  Further parts
 *	  are ignored.
 *	- valid is that comparison AND the window [nbf, exp) holding the
 *	  transaction's start time, evaluated as SQL would: the window is only
 *	  looked at when the comparison is not false, nbf and exp are the top
 *	  level members read as json ->> does (the last of duplicates; strings
 *	  de-escaped) and cast to double precision, a value that does not cast
 *	  is no bound, and NaN, a value outside the timestamp range or nbf
 *	  later than exp raise.  With fewer than three parts (or a NULL
 *	  secret) the comparison is NULL, and so is valid unless the window
 *	  excludes now.
 *
 * Where pgjwt is wrong token_ext does better: the signature compares in
 * constant time, an empty secret is an error rather than a key anyone
 * can use, verify is STABLE (it reads the clock), and a token longer
 * than token_ext.max_token_size is refused before any work.  Errors carry
 * token_ext's messages and SQLSTATEs.
 *
 * Secrets of any non-empty length are accepted, as pgjwt accepts them:
 * that is pgjwt's rule, not token_ext's (which wants at least the hash
 * length).  Secrets up to JOSE_MAX_SECRET_LEN bytes are kept pre-keyed in
 * the session's key cache; longer ones are MACed one-shot.
 *
 * src/pg/pgjwt.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <math.h>

#include "access/xact.h"
#include "common/jsonapi.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include <openssl/crypto.h>

#include "../core/alg.h"
#include "../core/b64url.h"
#include "../core/bounds.h"
#include "../core/hmac.h"
#include "../core/sig.h"

PG_FUNCTION_INFO_V1(pgjwt_url_encode);
PG_FUNCTION_INFO_V1(pgjwt_url_decode);
PG_FUNCTION_INFO_V1(pgjwt_algorithm_sign);
PG_FUNCTION_INFO_V1(pgjwt_sign);
PG_FUNCTION_INFO_V1(pgjwt_try_cast_double);
PG_FUNCTION_INFO_V1(pgjwt_verify);

/* Longest base64url text of a MAC (HS512: 64 bytes). */
#define PGJWT_MAX_MAC_B64 JOSE_B64URL_ENCODED_LEN(EVP_MAX_MD_SIZE)

/* Raise a core status with a detail sentence (never returns). */
static void
pgjwt_raise(jose_status status, const char *fmt,...)
pg_attribute_printf(2, 3) pg_attribute_noreturn();

static void
pgjwt_raise(jose_status status, const char *fmt,...)
{
	jose_err	err;
	va_list		ap;

	err.status = status;
	va_start(ap, fmt);
	vsnprintf(err.detail, sizeof(err.detail), fmt, ap);
	va_end(ap);
	glue_raise(&err);
}

/*
 * The HMAC algorithm of pgjwt's algorithm argument: exactly HS256, HS384
 * or HS512, as pgjwt maps them to pgcrypto's hashes; anything else raises.
 */
static const jose_alg_info *
pgjwt_alg(text *arg)
{
	const char *name = VARDATA_ANY(arg);
	size_t		len = VARSIZE_ANY_EXHDR(arg);
	jose_alg	alg = jose_alg_lookup(name, len);

	if (alg == JOSE_ALG_HS256 || alg == JOSE_ALG_HS384 || alg == JOSE_ALG_HS512)
		return jose_alg_get(alg);
	if (len == 4 && memcmp(name, "none", 4) == 0)
		pgjwt_raise(JOSE_E_ALG_NONE, "pgjwt's functions sign and verify with HS256, HS384 or HS512.");
	pgjwt_raise(JOSE_E_ALG_UNSUPPORTED,
				"\"%.*s\" is not one of pgjwt's algorithms: HS256, HS384, HS512.",
				(int) (len > 32 ? 32 : len), name);
}

/*
 * MAC data (len bytes) with the secret's bytes under info, into mac.  Any
 * non-empty secret is accepted (pgjwt's rule).
 */
static size_t
pgjwt_mac(text *secret, const jose_alg_info *info, const char *data, size_t len,
		  unsigned char *mac)
{
	const char *k = VARDATA_ANY(secret);
	size_t		klen = VARSIZE_ANY_EXHDR(secret);
	size_t		maclen = 0;
	jose_keycache *cache;
	jose_keyset *set;
	jose_err	err;
	jose_status st;

	if (klen == 0)
	{
		jose_fail(&err, JOSE_E_KEY, "The secret is empty.");
		glue_raise_hint(&err, "pgjwt signed and verified with an empty secret, which lets anyone make valid tokens.");
	}

	jose_err_clear(&err);
	if (klen > JOSE_MAX_SECRET_LEN)
	{
		/* too large for the key cache: key the MAC for this call only */
		const unsigned char *parts[1] = {(const unsigned char *) data};
		size_t		lens[1] = {len};

		st = jose_hmac_parts(info->digest, (const unsigned char *) k, klen,
							 parts, lens, 1, mac, &maclen, &err);
	}
	else
	{
		cache = glue_keycache();
		set = jose_keycache_get(cache, GLUE_KEY_TAG_PGJWT_SECRET, k, klen);
		if (set == NULL)
		{
			if (jose_keyset_from_secret((const unsigned char *) k, klen, &set, &err) != JOSE_OK)
				glue_raise(&err);
			jose_keycache_put(cache, GLUE_KEY_TAG_PGJWT_SECRET, k, klen, set);
		}
		st = jose_hmac(set->keys[0], info, (const unsigned char *) data, len, mac, &maclen, &err);
	}
	if (st != JOSE_OK)
		glue_raise(&err);
	return maclen;
}

/* The base64url text of the MAC of data, into out; returns its length. */
static size_t
pgjwt_mac_b64(text *secret, const jose_alg_info *info, const char *data, size_t len,
			  char *out)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t		maclen = pgjwt_mac(secret, info, data, len, mac);
	size_t		n = jose_b64url_encode(mac, maclen, out);

	OPENSSL_cleanse(mac, sizeof(mac));
	return n;
}

/* Refuse an output of n bytes that no text value can hold. */
static void
pgjwt_check_size(Size n)
{
	if (n > MaxAllocSize - VARHDRSZ)
		pgjwt_raise(JOSE_E_LIMIT, "The result would be larger than a text value can be.");
}

/*
 * Decode src (len bytes) as pgjwt's url_decode does: "-" and "_" read as
 * "+" and "/", "=" appended up to a multiple of four characters, then
 * PostgreSQL's base64 decoding: spaces, tabs and line breaks skipped, "="
 * allowed after two or three characters of a group (which then yields one
 * or two bytes), any other character refused, and a group left unfinished
 * refused.  dst holds JOSE_B64URL_DECODED_MAX(len + 3) bytes.  On failure
 * the detail says why, naming the input as what.
 */
static bool
pgjwt_decode(const char *src, size_t len, unsigned char *dst, size_t *outlen,
			 const char *what, jose_err *err)
{
	size_t		chars = 0;
	size_t		pad;
	uint32		buf = 0;
	int			pos = 0;
	int			end = 0;
	unsigned char *p = dst;

	/*
	 * Canonical, unpadded base64url (what every JWT library writes) decodes
	 * to the same bytes either way: take the fast path, and walk the rules
	 * below only for what it refuses.
	 */
	if (jose_b64url_decode(src, len, dst, outlen))
		return true;

	/* the padding counts characters, as length() does */
	for (size_t i = 0; i < len; i++)
		if (((unsigned char) src[i] & 0xC0) != 0x80)
			chars++;
	pad = (4 - chars % 4) % 4;

	for (size_t i = 0; i < len + pad; i++)
	{
		unsigned char c = i < len ? (unsigned char) src[i] : '=';
		int			b;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '=')
		{
			if (!end)
			{
				if (pos == 2)
					end = 1;
				else if (pos == 3)
					end = 2;
				else if (i >= len)
				{
					/* the padding pgjwt appends does not fit what came before */
					jose_fail(err, JOSE_E_BASE64, "The %s ends in the middle of a base64url group.", what);
					return false;
				}
				else
				{
					jose_fail(err, JOSE_E_BASE64,
							  "The %s has \"=\" where a base64url character is needed.", what);
					return false;
				}
			}
			b = 0;
		}
		else
		{
			if (c >= 'A' && c <= 'Z')
				b = c - 'A';
			else if (c >= 'a' && c <= 'z')
				b = c - 'a' + 26;
			else if (c >= '0' && c <= '9')
				b = c - '0' + 52;
			else if (c == '+' || c == '-')
				b = 62;
			else if (c == '/' || c == '_')
				b = 63;
			else
			{
				if (c >= 0x21 && c < 0x7F)
					jose_fail(err, JOSE_E_BASE64,
							  "The %s holds \"%c\", which is not a base64url character.", what, c);
				else
					jose_fail(err, JOSE_E_BASE64,
							  "The %s holds byte 0x%02x, which is not a base64url character.", what, c);
				return false;
			}
		}
		buf = (buf << 6) + (uint32) b;
		if (++pos == 4)
		{
			*p++ = (unsigned char) ((buf >> 16) & 0xFF);
			if (end == 0 || end > 1)
				*p++ = (unsigned char) ((buf >> 8) & 0xFF);
			if (end == 0 || end > 2)
				*p++ = (unsigned char) (buf & 0xFF);
			buf = 0;
			pos = 0;
		}
	}
	if (pos != 0)
	{
		jose_fail(err, JOSE_E_BASE64, "The %s ends in the middle of a base64url group.", what);
		return false;
	}
	*outlen = (size_t) (p - dst);
	return true;
}

/* SQL function: url_encode(data bytea) returns text */
Datum
pgjwt_url_encode(PG_FUNCTION_ARGS)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(data);
	size_t		n = JOSE_B64URL_ENCODED_LEN(len);
	text	   *result;

	pgjwt_check_size(n);
	result = (text *) palloc(VARHDRSZ + n);
	SET_VARSIZE(result, VARHDRSZ + n);
	jose_b64url_encode((const unsigned char *) VARDATA_ANY(data), len, VARDATA(result));
	PG_RETURN_TEXT_P(result);
}

/* SQL function: url_decode(data text) returns bytea */
Datum
pgjwt_url_decode(PG_FUNCTION_ARGS)
{
	text	   *data = PG_GETARG_TEXT_PP(0);
	size_t		len = VARSIZE_ANY_EXHDR(data);
	bytea	   *result = (bytea *) palloc(VARHDRSZ + JOSE_B64URL_DECODED_MAX(len + 3));
	size_t		n;
	jose_err	err;

	jose_err_clear(&err);
	if (!pgjwt_decode(VARDATA_ANY(data), len, (unsigned char *) VARDATA(result), &n,
					  "text", &err))
		glue_raise(&err);
	SET_VARSIZE(result, VARHDRSZ + n);
	PG_RETURN_BYTEA_P(result);
}

/* SQL function: algorithm_sign(signables text, secret text, algorithm text) returns text */
Datum
pgjwt_algorithm_sign(PG_FUNCTION_ARGS)
{
	text	   *signables = PG_GETARG_TEXT_PP(0);
	text	   *secret = PG_GETARG_TEXT_PP(1);
	const jose_alg_info *info = pgjwt_alg(PG_GETARG_TEXT_PP(2));
	char		out[PGJWT_MAX_MAC_B64];
	size_t		n;

	n = pgjwt_mac_b64(secret, info, VARDATA_ANY(signables), VARSIZE_ANY_EXHDR(signables), out);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, (int) n));
}

/* SQL function: sign(payload json, secret text, algorithm text) returns text */
Datum
pgjwt_sign(PG_FUNCTION_ARGS)
{
	text	   *payload = PG_GETARG_TEXT_PP(0);
	text	   *secret = PG_GETARG_TEXT_PP(1);
	const jose_alg_info *info = pgjwt_alg(PG_GETARG_TEXT_PP(2));
	const char *plain = VARDATA_ANY(payload);
	size_t		plain_len = VARSIZE_ANY_EXHDR(payload);
	char	   *utf8;
	char		header[32];
	size_t		header_len,
				signing_len,
				total;
	text	   *result;
	char	   *p;

	/* pgjwt builds the header by concatenation; the name is one of three */
	header_len = (size_t) snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\"}",
								   info->name);

	/* the payload is the json text exactly as given, in UTF-8 */
	utf8 = pg_server_to_any(plain, (int) plain_len, PG_UTF8);
	if (utf8 != plain)
		plain_len = strlen(utf8);

	signing_len = JOSE_B64URL_ENCODED_LEN(header_len) + 1 + JOSE_B64URL_ENCODED_LEN(plain_len);
	total = signing_len + 1 + PGJWT_MAX_MAC_B64;
	pgjwt_check_size(total);
	result = (text *) palloc(VARHDRSZ + total);
	p = VARDATA(result);
	p += jose_b64url_encode((const unsigned char *) header, header_len, p);
	*p++ = '.';
	p += jose_b64url_encode((const unsigned char *) utf8, plain_len, p);
	*p++ = '.';
	p += pgjwt_mac_b64(secret, info, VARDATA(result), signing_len, p);
	SET_VARSIZE(result, VARHDRSZ + (p - VARDATA(result)));
	PG_RETURN_TEXT_P(result);
}

/* text::double precision, or NULL when the cast would fail (pgjwt's try_cast_double). */
static bool
pgjwt_cast_double(const char *s, double *out)
{
	bool		have_error = false;
	double		v;

	/* float8in: surrounding spaces, Infinity and NaN allowed; out of range fails */
	v = float8in_internal_opt_error((char *) s, NULL, "double precision", s, &have_error);
	if (have_error)
		return false;
	*out = v;
	return true;
}

/* SQL function: try_cast_double(inp text) returns double precision */
Datum
pgjwt_try_cast_double(PG_FUNCTION_ARGS)
{
	char	   *s = text_to_cstring(PG_GETARG_TEXT_PP(0));
	double		v;

	if (!pgjwt_cast_double(s, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/* What json ->> 'nbf' and ->> 'exp' give for a payload: the texts, or NULL. */
typedef struct pgjwt_bounds
{
	JsonLexContext *lex;
	int			pending;		/* -1, or the bound whose value is being read */
	char	   *value[2];		/* nbf, exp */
	const char *unreadable;		/* why ->> cannot read the payload, or NULL */
} pgjwt_bounds;

static const char *const pgjwt_bound_names[2] = {"nbf", "exp"};

/* A top-level member starts: note whether it is nbf or exp (the last one counts). */
static void
bounds_field_start(void *state, char *fname, bool isnull)
{
	pgjwt_bounds *b = (pgjwt_bounds *) state;

	b->pending = -1;
	if (b->lex->lex_level != 1 || fname == NULL)
		return;
	for (int i = 0; i < 2; i++)
		if (strcmp(fname, pgjwt_bound_names[i]) == 0)
		{
			b->pending = i;
			b->value[i] = NULL; /* an object, array, boolean or null: no number */
		}
}

/* A member ends: stop collecting. */
static void
bounds_field_end(void *state, char *fname, bool isnull)
{
	((pgjwt_bounds *) state)->pending = -1;
}

/* A scalar: the value of nbf or exp when it is their own string or number. */
static void
bounds_scalar(void *state, char *token, JsonTokenType type)
{
	pgjwt_bounds *b = (pgjwt_bounds *) state;

	if (b->pending >= 0 && b->lex->lex_level == 1 &&
		(type == JSON_TOKEN_STRING || type == JSON_TOKEN_NUMBER))
		b->value[b->pending] = token;
}

/* JSON's whitespace, as PostgreSQL's lexer knows it. */
static inline const char *
skip_json_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The end of the string whose opening quote is at p, in JSON without backslashes. */
static inline const char *
string_end(const char *p, const char *end)
{
	const char *q = memchr(p + 1, '"', end - p - 1);

	return q ? q + 1 : end;
}

/*
 * Read nbf and exp of valid JSON text s that holds no backslash, as ->>
 * would: with no escape anywhere, a string member's value is its raw text
 * and de-escaping cannot fail, so walking the top-level members gives the
 * same answer as PostgreSQL's de-escaping parser, at a fraction of its
 * cost.  Any value but a string or a number is no bound.
 */
static void
scan_plain_bounds(const char *s, int len, pgjwt_bounds *b)
{
	const char *end = s + len;
	const char *p = skip_json_space(s, end);

	if (p >= end || *p != '{')
		return;					/* ->> of a non-object is NULL */
	p = skip_json_space(p + 1, end);
	while (p < end && *p == '"')
	{
		const char *name = p + 1;
		const char *name_end = string_end(p, end) - 1;
		const char *value;
		const char *value_end;
		int			which = -1;

		for (int i = 0; i < 2; i++)
			if (name_end - name == 3 && memcmp(name, pgjwt_bound_names[i], 3) == 0)
				which = i;
		p = skip_json_space(name_end + 1, end);
		p = skip_json_space(p + 1, end);	/* the colon */
		value = p;
		if (*p == '"')
		{
			value_end = string_end(p, end);
			p = value_end;
			value++;
			value_end--;
		}
		else if (*p == '{' || *p == '[')
		{
			int			depth = 0;

			/* skip the container; strings may hold brackets */
			for (; p < end; p++)
			{
				if (*p == '"')
					p = string_end(p, end) - 1;
				else if (*p == '{' || *p == '[')
					depth++;
				else if ((*p == '}' || *p == ']') && --depth == 0)
				{
					p++;
					break;
				}
			}
			value = value_end = NULL;
		}
		else
		{
			while (p < end && *p != ',' && *p != '}' && *p != ' ' && *p != '\t' &&
				   *p != '\n' && *p != '\r')
				p++;
			value_end = p;
			/* a number's text; true, false and null are no number */
			if (*value != '-' && (*value < '0' || *value > '9'))
				value = value_end = NULL;
		}
		if (which >= 0)
			b->value[which] = value ? pnstrdup(value, value_end - value) : NULL;
		p = skip_json_space(p, end);
		if (p >= end || *p != ',')
			break;
		p = skip_json_space(p + 1, end);
	}
}

/*
 * Read nbf and exp of the payload (valid json text s, len bytes, database
 * encoding) as json ->> does.  ->> parses with every string de-escaped,
 * which refuses some valid json text (a \u0000 escape, a lone surrogate):
 * such a payload's bounds are unreadable, which raises only if the window
 * is looked at.
 */
static void
pgjwt_read_bounds(char *s, int len, pgjwt_bounds *b)
{
	JsonSemAction sem = {0};
	JsonParseErrorType res;

	memset(b, 0, sizeof(*b));
	b->pending = -1;
	if (memchr(s, '\\', len) == NULL)
	{
		scan_plain_bounds(s, len, b);
		return;
	}
	b->lex = makeJsonLexContextCstringLen(s, len, GetDatabaseEncoding(), true);
	sem.semstate = b;
	sem.object_field_start = bounds_field_start;
	sem.object_field_end = bounds_field_end;
	sem.scalar = bounds_scalar;
	res = pg_parse_json(b->lex, &sem);
	if (res != JSON_SUCCESS)
		b->unreadable = json_errdetail(res, b->lex);
}

/*
 * The last header part that passed, and its json text: almost every token
 * a backend sees has the same header, and whether a text is valid JSON
 * depends on nothing else, so its check is done once.
 */
#define PGJWT_HEADER_CACHE 128
static char last_header_part[PGJWT_HEADER_CACHE];
static size_t last_header_part_len = 0;
static char last_header_json[PGJWT_HEADER_CACHE];
static size_t last_header_json_len = 0;

/*
 * One part of a token (header or payload) as a json value: the bytes
 * pgjwt_decode gives, which must be UTF-8 (convert_from), in the database
 * encoding, and what the json type's own parser accepts.
 */
static text *
pgjwt_part(const char *seg, size_t len, const char *what, bool is_header)
{
	text	   *result;
	char	   *s;
	size_t		n;
	jose_err	err;
	JsonLexContext *lex;
	JsonParseErrorType res;

	if (is_header && len > 0 && len == last_header_part_len && memcmp(seg, last_header_part, len) == 0)
		return cstring_to_text_with_len(last_header_json, (int) last_header_json_len);

	/* decoded straight into the text value */
	result = (text *) palloc(VARHDRSZ + JOSE_B64URL_DECODED_MAX(len + 3) + 1);
	s = VARDATA(result);
	jose_err_clear(&err);
	if (!pgjwt_decode(seg, len, (unsigned char *) s, &n, what, &err))
		glue_raise(&err);
	if (!pg_verify_mbstr(PG_UTF8, s, (int) n, true))
		pgjwt_raise(JOSE_E_JSON, "The %s is not valid UTF-8.", what);
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		char	   *converted;

		s[n] = '\0';
		converted = pg_any_to_server(s, (int) n, PG_UTF8);
		if (converted != s)
		{
			n = strlen(converted);
			result = cstring_to_text_with_len(converted, (int) n);
			s = VARDATA(result);
		}
	}
	SET_VARSIZE(result, VARHDRSZ + n);

	/* exactly what json_in accepts */
	lex = makeJsonLexContextCstringLen(s, (int) n, GetDatabaseEncoding(), false);
	res = pg_parse_json(lex, &nullSemAction);
	if (res != JSON_SUCCESS)
		pgjwt_raise(JOSE_E_JSON, "The %s is not JSON: %s", what, json_errdetail(res, lex));

	if (is_header && len <= PGJWT_HEADER_CACHE && n <= PGJWT_HEADER_CACHE)
	{
		memcpy(last_header_part, seg, len);
		last_header_part_len = len;
		memcpy(last_header_json, s, n);
		last_header_json_len = n;
	}
	return result;
}

/*
 * The time bound of claim i, as to_timestamp(try_cast_double(..)) gives it:
 * false when it is no bound (absent, or not a number); raises for NaN and
 * for values outside the range of timestamps.
 */
static bool
pgjwt_bound(const pgjwt_bounds *b, int i, TimestampTz *out)
{
	double		s;

	if (b->value[i] == NULL || !pgjwt_cast_double(b->value[i], &s))
		return false;
	if (isnan(s))
		pgjwt_raise(JOSE_E_CLAIM, "The \"%s\" claim is NaN, which is no time.", pgjwt_bound_names[i]);
	if (isinf(s))
	{
		if (s < 0)
			TIMESTAMP_NOBEGIN(*out);
		else
			TIMESTAMP_NOEND(*out);
		return true;
	}
	/* to_timestamp(double precision): these bounds, then microseconds rounded */
	if (s < (double) SECS_PER_DAY * (DATETIME_MIN_JULIAN - UNIX_EPOCH_JDATE) ||
		s >= (double) SECS_PER_DAY * (TIMESTAMP_END_JULIAN - UNIX_EPOCH_JDATE))
		pgjwt_raise(JOSE_E_CLAIM, "The \"%s\" claim is outside the range of timestamps.",
					pgjwt_bound_names[i]);
	s -= (double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	s = rint(s * USECS_PER_SEC);
	*out = (TimestampTz) s;
	if (!IS_VALID_TIMESTAMP(*out))
		pgjwt_raise(JOSE_E_CLAIM, "The \"%s\" claim is outside the range of timestamps.",
					pgjwt_bound_names[i]);
	return true;
}

/*
 * Whether the window [nbf, exp) of the payload (valid json text, database
 * encoding) holds the transaction's start time (the tstzrange of pgjwt's
 * verify).  A payload ->> cannot read raises, as it does in pgjwt.
 */
static bool
pgjwt_window(char *payload, int payload_len)
{
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TimestampTz lower = 0,
				upper = 0;
	bool		has_lower,
				has_upper;
	pgjwt_bounds bounds;
	pgjwt_bounds *b = &bounds;

	pgjwt_read_bounds(payload, payload_len, b);
	if (b->unreadable != NULL)
		pgjwt_raise(JOSE_E_JSON, "PostgreSQL's json operators cannot read the payload: %s",
					b->unreadable);
	has_lower = pgjwt_bound(b, 0, &lower);
	has_upper = pgjwt_bound(b, 1, &upper);
	if (has_lower && has_upper && lower > upper)
		pgjwt_raise(JOSE_E_CLAIM, "The \"nbf\" claim is later than the \"exp\" claim.");
	return (!has_lower || lower <= now) && (!has_upper || now < upper);
}

/* SQL function: verify(token text, secret text, algorithm text) returns table(header json, payload json, valid boolean) */
Datum
pgjwt_verify(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[3] = {0};
	bool		nulls[3] = {true, true, true};
	text	   *token;
	const char *tok;
	size_t		len;
	const char *dot1,
			   *dot2,
			   *end3 = NULL;
	int			sig_ok = -1;	/* false, true, or -1 for NULL */
	char	   *payload = NULL;
	int			payload_len = 0;

	/* the executor's row type: building it from the catalog per call costs more than a verify */
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	/* a NULL token is a row of NULLs, as pgjwt's SQL gives */
	if (PG_ARGISNULL(0))
	{
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		return (Datum) 0;
	}
	token = PG_GETARG_TEXT_PP(0);
	tok = VARDATA_ANY(token);
	len = VARSIZE_ANY_EXHDR(token);
	if (len > (size_t) token_ext_max_token_size)
		pgjwt_raise(JOSE_E_LIMIT, "The token is %zu bytes; token_ext.max_token_size is %d.",
					len, token_ext_max_token_size);

	/* the parts between dots; a fourth and later parts are ignored */
	dot1 = memchr(tok, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', tok + len - dot1 - 1) : NULL;
	if (dot2 != NULL)
	{
		end3 = memchr(dot2 + 1, '.', tok + len - dot2 - 1);
		if (end3 == NULL)
			end3 = tok + len;
	}

	values[0] = PointerGetDatum(pgjwt_part(tok, dot1 ? (size_t) (dot1 - tok) : len, "header", true));
	nulls[0] = false;
	if (dot1 != NULL)
	{
		const char *p2 = dot1 + 1;
		size_t		p2_len = dot2 ? (size_t) (dot2 - p2) : (size_t) (tok + len - p2);

		text	   *part = pgjwt_part(p2, p2_len, "payload", false);

		values[1] = PointerGetDatum(part);
		payload = VARDATA(part);
		payload_len = (int) VARSIZE(part) - VARHDRSZ;
		nulls[1] = false;
	}

	/* the signature check needs both parts and a secret (pgcrypto's hmac() is strict) */
	if (dot1 != NULL && !PG_ARGISNULL(1))
	{
		size_t		signing_len = dot2 ? (size_t) (dot2 - tok) : len;
		const jose_alg_info *info;
		char		expect[PGJWT_MAX_MAC_B64];
		size_t		n;

		if (PG_ARGISNULL(2))
			pgjwt_raise(JOSE_E_ALG_UNSUPPORTED,
						"The algorithm is NULL; pgjwt's are HS256, HS384 and HS512.");
		info = pgjwt_alg(PG_GETARG_TEXT_PP(2));
		n = pgjwt_mac_b64(PG_GETARG_TEXT_PP(1), info, tok, signing_len, expect);
		if (dot2 != NULL)
		{
			size_t		sig_len = (size_t) (end3 - dot2 - 1);

			/* the length is the algorithm's, public; the bytes compare in constant time */
			sig_ok = sig_len == n && CRYPTO_memcmp(expect, dot2 + 1, n) == 0;
		}
		OPENSSL_cleanse(expect, sizeof(expect));
	}

	/* valid = the comparison AND the window, which SQL reads only when it matters */
	if (sig_ok == 0)
		nulls[2] = false;
	else
	{
		bool		in_window = payload == NULL || pgjwt_window(payload, payload_len);

		if (sig_ok == 1 || !in_window)
		{
			values[2] = BoolGetDatum(sig_ok == 1 && in_window);
			nulls[2] = false;
		}
		/* otherwise NULL AND true: NULL */
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
