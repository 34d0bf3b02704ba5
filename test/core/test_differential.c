/*
 * test_differential.c
 *		The fast readers against the frozen ones of 0.1.0 (ref_readers.c).
 *
 * 0.2.0 made the JSON reader scan strings eight bytes at a time, look up
 * header and claim members in one pass, read integer NumericDates without
 * strtod, write JSON with one reservation per string, and decode
 * base64url with a table per position.  None of that
 * may change what is accepted or refused, so every test here runs the new
 * code and the old one (or, for member lookups and numbers, the slow path
 * still in the core) on the same generated inputs and demands the same
 * outcome: the same status and error text, byte position included, and
 * the same tree, node by node and byte by byte.  The inputs are made by a
 * fixed-seed generator of JSON-like text (escapes, non-ASCII, invalid
 * UTF-8, control bytes, duplicates, deep nesting, big and malformed
 * numbers, random limits), mutated at random, so a run is repeatable.
 */
#include "harness.h"
#include "ref_readers.h"
#include "../../src/core/b64url.h"
#include "../../src/core/claims.h"
#include "../../src/core/hmac.h"
#include "../../src/core/json.h"
#include "../../src/core/jwk.h"
#include "../../src/core/jws.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* A deterministic generator (xorshift64*). */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

/* A number in [0, n). */
static unsigned
pick(unsigned n)
{
	return (unsigned) (rng() % n);
}

/* A growable text under construction. */
typedef struct text
{
	char	   *s;
	size_t		len;
	size_t		cap;
} text;

static void
put(text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap)
	{
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
puts_(text *t, const char *s)
{
	put(t, s, strlen(s));
}

static void
putc_(text *t, char c)
{
	put(t, &c, 1);
}

/* Optional whitespace: mostly none, sometimes JSON's, rarely a byte JSON does not allow. */
static void
gen_ws(text *t)
{
	static const char *const ws[] = {" ", "\t", "\n", "\r", "  \n\t", "\v", "\f", "\xC2\xA0"};
	unsigned	r = pick(20);

	if (r < 14)
		return;
	puts_(t, ws[r < 19 ? pick(5) : 5 + pick(3)]);
}

/* A piece of string content: plain runs, escapes, UTF-8 (valid or not), controls. */
static void
gen_string_piece(text *t)
{
	static const char *const escapes[] = {
		"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9",
		"\\u20AC", "\\uFFFF", "\\uD83D\\uDE00", "\\uDBFF\\uDFFF", "\\u0000", "\\uD800",
		"\\uDC00", "\\uD800\\u0041", "\\uD800x", "\\uD800\\n", "\\u12", "\\u12G4", "\\x",
		"\\U0041", "\\'", "\\", "\\u0001", "\\u007f", "\\u0080", "\\u07FF", "\\u0800",
	};
	static const char *const utf8[] = {
		"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBB\xBF",
		"\xED\x9F\xBF", "\xEE\x80\x80", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
		"\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
		"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80", "\xC3", "\xE2\x82",
		"\xF0\x9F\x98", "\xC3\x28", "\xE2\x28\xA1",
	};
	unsigned	r = pick(100);

	if (r < 55)
	{
		/* printable ASCII, often longer than a word */
		unsigned	n = 1 + pick(r < 20 ? 40 : 9);

		for (unsigned k = 0; k < n; k++)
			putc_(t, (char) (0x20 + pick(95)));
		/* the quote and backslash are not plain: keep them for escapes */
		for (size_t k = t->len - n; k < t->len; k++)
			if (t->s[k] == '"' || t->s[k] == '\\')
				t->s[k] = 'q';
	}
	else if (r < 75)
		puts_(t, escapes[pick(sizeof(escapes) / sizeof(escapes[0]))]);
	else if (r < 93)
		puts_(t, utf8[pick(sizeof(utf8) / sizeof(utf8[0]))]);
	else if (r < 97)
		putc_(t, (char) pick(0x20));	/* a raw control byte (0 included) */
	else
		putc_(t, '\x7F');
}

/* A string: a quote, pieces, usually a closing quote. */
static void
gen_string(text *t)
{
	unsigned	n = pick(6);

	putc_(t, '"');
	for (unsigned k = 0; k < n; k++)
		gen_string_piece(t);
	if (pick(50) != 0)
		putc_(t, '"');
}

/* A member name: often one of a small pool, so that duplicates happen. */
static void
gen_name(text *t)
{
	static const char *const pool[] = {
		"\"a\"", "\"b\"", "\"alg\"", "\"exp\"", "\"iat\"", "\"iss\"", "\"sub\"", "\"aud\"",
		"\"\"", "\"\\u0061\"", "\"\\u0061lg\"", "\"a\\u0000\"", "\"long_member_name\"",
		"\"long_member_namf\"", "\"\xC3\xA9\"", "\"\\u00e9\"", "\"kid\"", "\"typ\"", "\"crit\"",
	};

	if (pick(3) != 0)
		puts_(t, pool[pick(sizeof(pool) / sizeof(pool[0]))]);
	else
		gen_string(t);
}

/* A number: mostly valid (ints, fractions, exponents, huge), sometimes not. */
static void
gen_number(text *t)
{
	static const char *const odd[] = {
		"01", "-01", "00", "-", "+1", ".5", "1.", "1.e1", "1e", "1e+", "1E-", "0x10", "NaN",
		"Infinity", "-0", "0.0", "1e400", "-1e400", "1e-400", "1E+10", "-0.0e-0",
	};
	unsigned	r = pick(100);
	unsigned	digits;

	if (r < 10)
	{
		puts_(t, odd[pick(sizeof(odd) / sizeof(odd[0]))]);
		return;
	}
	if (pick(4) == 0)
		putc_(t, '-');
	digits = 1 + pick(r < 80 ? 19 : 60);
	putc_(t, (char) ('1' + pick(9)));
	for (unsigned k = 1; k < digits; k++)
		putc_(t, (char) ('0' + pick(10)));
	if (pick(5) == 0)
	{
		putc_(t, '.');
		for (unsigned k = 0, n = 1 + pick(8); k < n; k++)
			putc_(t, (char) ('0' + pick(10)));
	}
	if (pick(6) == 0)
	{
		putc_(t, pick(2) ? 'e' : 'E');
		if (pick(2))
			putc_(t, pick(2) ? '+' : '-');
		for (unsigned k = 0, n = 1 + pick(3); k < n; k++)
			putc_(t, (char) ('0' + pick(10)));
	}
}

/* Any value; depth bounds the generator, not the reader. */
static void
gen_value(text *t, unsigned depth)
{
	static const char *const literals[] = {"true", "false", "null", "tru", "nul", "True", "nulll"};
	unsigned	r = pick(100);

	gen_ws(t);
	if (depth > 6 && r < 35)
		r = 35 + pick(65);
	if (r < 20)
	{
		unsigned	n = pick(r < 3 ? 40 : 7);

		putc_(t, '{');
		for (unsigned k = 0; k < n; k++)
		{
			if (k > 0)
				putc_(t, ',');
			gen_ws(t);
			gen_name(t);
			gen_ws(t);
			putc_(t, ':');
			gen_value(t, depth + 1);
		}
		gen_ws(t);
		putc_(t, '}');
	}
	else if (r < 35)
	{
		unsigned	n = pick(6);

		putc_(t, '[');
		for (unsigned k = 0; k < n; k++)
		{
			if (k > 0)
				putc_(t, ',');
			gen_value(t, depth + 1);
		}
		gen_ws(t);
		putc_(t, ']');
	}
	else if (r < 65)
		gen_string(t);
	else if (r < 90)
		gen_number(t);
	else
		puts_(t, literals[pick(sizeof(literals) / sizeof(literals[0]))]);
	gen_ws(t);
}

/* Damage a text at random: flip, insert, delete or cut. */
static void
mutate(text *t)
{
	size_t		at;

	if (t->len == 0)
		return;
	at = pick((unsigned) t->len);
	switch (pick(4))
	{
		case 0:
			t->s[at] = (char) pick(256);
			break;
		case 1:
			{
				char		c = (char) "\"\\{}[],:0e-. \x80\xC3"[pick(15)];

				put(t, &c, 1);	/* one more byte, then shifted into place */
				memmove(t->s + at + 1, t->s + at, t->len - at - 1);
				t->s[at] = c;
				break;
			}
		case 2:
			memmove(t->s + at, t->s + at + 1, t->len - at - 1);
			t->len--;
			break;
		default:
			t->len = at;
			break;
	}
}

/* Compare two outcomes of reading the same text; false (and a note) if they differ. */
static bool
same_outcome(const char *in, size_t len, jose_status sa, const jose_err *ea, const jose_json *a,
			 jose_status sb, const jose_err *eb, const jose_json *b)
{
	if (sa != sb || (sa != JOSE_OK && strcmp(ea->detail, eb->detail) != 0))
	{
		harness_fail(__FILE__, __LINE__, "same status and detail",
					 "input \"%.*s\": new %d \"%s\", old %d \"%s\"", (int) len, in,
					 (int) sa, sa == JOSE_OK ? "" : ea->detail,
					 (int) sb, sb == JOSE_OK ? "" : eb->detail);
		return false;
	}
	if (a->n_nodes != b->n_nodes)
	{
		harness_fail(__FILE__, __LINE__, "same node count", "input \"%.*s\": %u, %u",
					 (int) len, in, a->n_nodes, b->n_nodes);
		return false;
	}
	for (uint32_t i = 0; i < a->n_nodes; i++)
	{
		const jose_jnode *x = &a->nodes[i];
		const jose_jnode *y = &b->nodes[i];
		bool		same = x->type == y->type && x->count == y->count && x->next == y->next &&
			x->off == y->off && x->len == y->len;

		if (same && (x->type == JOSE_JSON_STRING || x->type == JOSE_JSON_NUMBER))
			same = memcmp(a->text + x->off, b->text + y->off, (size_t) x->len + 1) == 0;
		if (!same)
		{
			harness_fail(__FILE__, __LINE__, "same tree", "input \"%.*s\": node %u differs",
						 (int) len, in, i);
			return false;
		}
	}
	return true;
}

/* Read in (len bytes) with both readers under limits l; false if they disagree. */
static bool
read_both(const char *in, size_t len, const jose_json_limits *l, jose_json *a, jose_json *b,
		  jose_status *status)
{
	jose_err	ea;
	jose_err	eb;
	jose_status sa;
	jose_status sb;

	jose_err_clear(&ea);
	jose_err_clear(&eb);
	sa = jose_json_parse(a, in, len, l, "payload", &ea);
	sb = ref_json_parse(b, in, len, l, "payload", &eb);
	*status = sa;
	return same_outcome(in, len, sa, &ea, a, sb, &eb, b);
}

/* What a reading test holds: the text under test and a document per reader. */
typedef struct readers
{
	text		t;
	jose_json	a;				/* the core's */
	jose_json	b;				/* 0.1.0's */
} readers;

static void
readers_init(readers *r)
{
	memset(r, 0, sizeof(*r));
	jose_json_init(&r->a);
	jose_json_init(&r->b);
}

static void
readers_free(readers *r)
{
	jose_json_free(&r->a);
	jose_json_free(&r->b);
	free(r->t.s);
}

/* The member lookups of one object node agree with jose_json_member, name by name. */
static bool
same_members(const jose_json *doc, uint32_t obj)
{
	static const char *const pool[] = {
		"a", "b", "alg", "exp", "iat", "iss", "sub", "aud", "nbf", "jti", "", "kid", "typ",
		"cty", "crit", "b64", "zip", "long_member_name", "long_member_namf", "\xC3\xA9", "ab",
	};
	jose_json_name names[sizeof(pool) / sizeof(pool[0]) + 8];
	uint32_t	found[sizeof(pool) / sizeof(pool[0]) + 8];
	size_t		n = 0;
	uint32_t	i = obj + 1;

	for (size_t k = 0; k < sizeof(pool) / sizeof(pool[0]); k++)
	{
		names[n].name = pool[k];
		names[n++].len = strlen(pool[k]);
	}
	/*
	 * and some of the object's own names: those not in the pool already
	 * (the names asked for are distinct) and without a NUL (which C
	 * strings cannot hold)
	 */
	for (uint32_t m = 0; m < doc->nodes[obj].count && n < sizeof(names) / sizeof(names[0]);
		 m++, i = doc->nodes[i + 1].next)
	{
		const char *own = jose_json_text(doc, i);
		bool		known = strlen(own) != doc->nodes[i].len;

		for (size_t k = 0; k < n && !known; k++)
			known = strcmp(names[k].name, own) == 0;
		if (!known)
		{
			names[n].name = own;
			names[n++].len = doc->nodes[i].len;
		}
	}
	jose_json_find_members(doc, obj, names, n, found);
	for (size_t k = 0; k < n; k++)
		if (found[k] != jose_json_member(doc, obj, names[k].name))
		{
			harness_fail(__FILE__, __LINE__, "find_members == jose_json_member",
						 "name \"%s\": %u, %u", names[k].name, found[k],
						 jose_json_member(doc, obj, names[k].name));
			return false;
		}
	return true;
}

/* Both writers write node i of doc (and a random byte string) alike. */
static bool
writes_alike(const jose_json *doc, uint32_t i)
{
	jose_buf	a = {0};
	jose_buf	b = {0};
	char		bytes[96];
	size_t		len = pick(sizeof(bytes));
	bool		same;

	/* after some text, so that the writers start mid-buffer */
	jose_buf_puts(&a, "x");
	jose_buf_puts(&b, "x");
	jose_json_write_node(&a, doc, i);
	ref_json_write_node(&b, doc, i);
	for (size_t k = 0; k < len; k++)
		bytes[k] = (char) (pick(4) == 0 ? pick(0x20) : pick(256));
	jose_json_write_string(&a, bytes, len);
	ref_json_write_string(&b, bytes, len);
	same = !a.failed && !b.failed && a.len == b.len && memcmp(a.data, b.data, a.len + 1) == 0;
	if (!same)
		harness_fail(__FILE__, __LINE__, "same JSON written", "\"%s\" and \"%s\"",
					 a.data ? a.data : "", b.data ? b.data : "");
	jose_buf_free(&a);
	jose_buf_free(&b);
	return same;
}

/*
 * Generated documents, intact and damaged, under random limits: both
 * readers agree, and both writers write what was read alike.
 */
static void
generated_documents_read_alike(void)
{
	static const uint32_t depths[] = {1, 2, 3, 5, 32, 64};
	static const uint32_t counts[] = {1, 2, 5, 20, 100, 10000};
	readers	r;
	unsigned	accepted = 0;
	unsigned	refused = 0;

	rng_state = 0x9E3779B97F4A7C15ULL;
	readers_init(&r);
	for (unsigned round = 0; round < 200000; round++)
	{
		jose_json_limits l = {depths[pick(6)], counts[pick(6)]};
		jose_status st;

		if (pick(4) != 0)
			l.max_depth = 32, l.max_nodes = 10000;
		r.t.len = 0;
		puts_(&r.t, "");
		gen_value(&r.t, 0);
		if (pick(3) == 0)
			mutate(&r.t);
		if (pick(20) == 0)
		{
			/* a fresh document now and then: no storage left from the last one */
			jose_json_free(&r.a);
			jose_json_free(&r.b);
		}
		if (!read_both(r.t.s, r.t.len, &l, &r.a, &r.b, &st))
			break;
		if (st != JOSE_OK)
		{
			refused++;
			continue;
		}
		accepted++;
		if (r.a.nodes[0].type == JOSE_JSON_OBJECT && !same_members(&r.a, 0))
			break;
		if (!writes_alike(&r.a, 0))
			break;
	}
	/* the generator must exercise both outcomes, or this test proves little */
	CHECKF(accepted > 20000 && refused > 20000, "accepted %u, refused %u", accepted, refused);
	readers_free(&r);
}

/*
 * Strings whose special byte (quote, escape, control, non-ASCII, the end
 * of input) falls at every position of the eight-byte words, closed or
 * not, followed by more text or not.
 */
static void
word_boundaries_read_alike(void)
{
	static const char *const specials[] = {
		"\"", "\\n", "\\u00e9", "\x01", "\xC3\xA9", "\xFF", "\x7F", "\"\"", "\\", "\xE2\x82",
	};
	static const jose_json_limits l = {32, 10000};
	readers	r;
	jose_status st;

	readers_init(&r);
	for (unsigned lead = 0; lead < 3; lead++)
		for (unsigned before = 0; before <= 20; before++)
			for (size_t s = 0; s < sizeof(specials) / sizeof(specials[0]); s++)
				for (unsigned after = 0; after <= 10; after++)
					for (unsigned tail = 0; tail < 3; tail++)
					{
						r.t.len = 0;
						puts_(&r.t, lead == 0 ? "" : lead == 1 ? "[" : "{\"k\":");
						putc_(&r.t, '"');
						for (unsigned k = 0; k < before; k++)
							putc_(&r.t, (char) ('a' + k % 26));
						puts_(&r.t, specials[s]);
						for (unsigned k = 0; k < after; k++)
							putc_(&r.t, (char) ('A' + k % 26));
						if (tail > 0)
							putc_(&r.t, '"');
						if (tail > 1)
							puts_(&r.t, lead == 1 ? "]" : lead == 2 ? "}" : "");
						if (!read_both(r.t.s, r.t.len, &l, &r.a, &r.b, &st))
							goto done;
					}
done:
	readers_free(&r);
}

/* Nesting around the depth limit, in arrays, objects and both, with whitespace. */
static void
deep_nesting_reads_alike(void)
{
	readers	r;
	jose_status st;

	readers_init(&r);
	for (uint32_t limit = 1; limit <= 40; limit += 13)
		for (unsigned depth = 0; depth <= 70; depth++)
			for (unsigned shape = 0; shape < 3; shape++)
			{
				jose_json_limits l = {limit == 40 ? 32 : limit, 10000};

				r.t.len = 0;
				puts_(&r.t, "");
				for (unsigned k = 0; k < depth; k++)
					puts_(&r.t, shape == 0 || (shape == 2 && k % 2) ? "[ " : "{\"a\": ");
				puts_(&r.t, "1");
				for (unsigned k = depth; k > 0; k--)
					puts_(&r.t, shape == 0 || (shape == 2 && (k - 1) % 2) ? "]" : " }");
				if (!read_both(r.t.s, r.t.len, &l, &r.a, &r.b, &st))
					goto done;
			}
done:
	readers_free(&r);
}

/* True when both decoders give the same verdict and bytes for in (len <= 80). */
static bool
decodes_alike(const char *in, size_t len)
{
	unsigned char outa[64];
	unsigned char outb[64];
	size_t		na = 0;
	size_t		nb = 0;
	bool		oka = jose_b64url_decode(in, len, outa, &na);
	bool		okb = ref_b64url_decode(in, len, outb, &nb);

	return oka == okb && (!oka || (na == nb && memcmp(outa, outb, na) == 0));
}

/* base64url: random strings, and every byte at every position of short ones. */
static void
base64url_decodes_alike(void)
{
	static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char		in[80];

	rng_state = 0xD1B54A32D192ED03ULL;
	for (unsigned round = 0; round < 200000; round++)
	{
		size_t		len = pick(73);

		for (size_t k = 0; k < len; k++)
			in[k] = pick(40) == 0 ? (char) pick(256) : alphabet[pick(64)];
		if (!decodes_alike(in, len))
		{
			harness_fail(__FILE__, __LINE__, "same decoding", "input \"%.*s\"", (int) len, in);
			return;
		}
	}
	for (size_t len = 1; len <= 8; len++)
		for (size_t at = 0; at < len; at++)
			for (unsigned c = 0; c < 256; c++)
				for (unsigned fill = 0; fill < 4; fill++)
				{
					/* the others: A (all bits 0), _ (all 1), or mixed */
					for (size_t k = 0; k < len; k++)
						in[k] = fill == 0 ? 'A' : fill == 1 ? '_' : alphabet[(k * 7 + fill) % 64];
					in[at] = (char) c;
					if (!decodes_alike(in, len))
					{
						harness_fail(__FILE__, __LINE__, "same decoding",
									 "length %zu, byte %u at %zu", len, c, at);
						return;
					}
				}
}

/*
 * NumericDates: a time claim is compared as strtod reads it, whether the
 * number is an integer the fast path converts or not.  Each case sits
 * just before, at and after the instant; big integers (16 digits and
 * more) round the way strtod rounds them.
 */
static void
numeric_dates_read_as_strtod(void)
{
	static const char *const fixed[] = {
		"0", "-0", "1", "-1", "1733262000", "999999999999999", "-999999999999999",
		"1000000000000000", "9007199254740993", "12345678901234567", "123456789012345678901",
		"1733262000.5", "1.7e9", "1E9", "-1e-5", "0.1", "17332620001",
	};
	jose_json	doc;
	jose_err	err;
	jose_json_limits l = {32, 10000};
	char		json[128];
	char		number[64];

	rng_state = 0x5851F42D4C957F2DULL;
	jose_json_init(&doc);
	for (unsigned round = 0; round < 20000; round++)
	{
		double		want;

		if (round < sizeof(fixed) / sizeof(fixed[0]))
			snprintf(number, sizeof(number), "%s", fixed[round]);
		else
		{
			unsigned	digits = 1 + pick(20);
			size_t		n = 0;

			if (pick(3) == 0)
				number[n++] = '-';
			number[n++] = (char) ('1' + pick(9));
			for (unsigned k = 1; k < digits; k++)
				number[n++] = (char) ('0' + pick(10));
			number[n] = '\0';
		}
		want = strtod(number, NULL);
		snprintf(json, sizeof(json), "{\"exp\":%s}", number);
		jose_err_clear(&err);
		if (jose_json_parse(&doc, json, strlen(json), &l, "payload", &err) != JOSE_OK)
		{
			harness_fail(__FILE__, __LINE__, "parse", "%s: %s", json, err.detail);
			break;
		}
		for (int side = -1; side <= 1; side++)
		{
			jose_claims_opts o;
			jose_status st;
			bool		expired;

			memset(&o, 0, sizeof(o));
			/* just before, at, and just after the instant as strtod reads it */
			o.now = side < 0 ? nextafter(want, -INFINITY) : side == 0 ? want
				: nextafter(want, INFINITY);
			expired = o.now >= want;
			jose_err_clear(&err);
			st = jose_claims_check(&doc, &o, &err);
			if (st != (expired ? JOSE_E_EXPIRED : JOSE_OK))
			{
				harness_fail(__FILE__, __LINE__, "exp read as strtod",
							 "exp %s, now %.17g: status %d (%s)", number, o.now, (int) st,
							 err.detail);
				goto done;
			}
		}
	}
done:
	jose_json_free(&doc);
}

/* Append base64url of len bytes at data to t. */
static void
put_b64url(text *t, const void *data, size_t len)
{
	char	   *enc = malloc(JOSE_B64URL_ENCODED_LEN(len) + 1);
	size_t		n = jose_b64url_encode(data, len, enc);

	put(t, enc, n);
	free(enc);
}

/* True when two documents hold the same tree and text. */
static bool
same_tree(const jose_json *a, const jose_json *b)
{
	if (a->n_nodes != b->n_nodes)
		return false;
	for (uint32_t i = 0; i < a->n_nodes; i++)
	{
		const jose_jnode *x = &a->nodes[i];
		const jose_jnode *y = &b->nodes[i];

		if (x->type != y->type || x->count != y->count || x->next != y->next ||
			x->off != y->off || x->len != y->len ||
			((x->type == JOSE_JSON_STRING || x->type == JOSE_JSON_NUMBER) &&
			 memcmp(a->text + x->off, b->text + y->off, (size_t) x->len + 1) != 0))
			return false;
	}
	return true;
}

/*
 * The header memo (the last header that passed its checks, reused when the
 * next token's header segment has the same bytes) changes no outcome: a
 * workspace that has seen other tokens verifies a random sequence of tokens
 * (headers valid and not, repeated and not, under changing JSON limits)
 * exactly as a new workspace does for each one.
 */
static void
header_memo_changes_nothing(void)
{
	static const char *const headers[] = {
		"{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		"{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"k1\"}",
		"{\"alg\":\"HS256\",\"x\":{\"y\":[1,{\"z\":2}]}}",	/* deep: fails under depth 2 */
		"{\"alg\":\"HS256\",\"a\":1,\"b\":2,\"c\":3,\"d\":4}",	/* many values */
		"{\"alg\":\"none\"}", "{\"alg\":\"HS257\"}", "{\"alg\":\"RS256\"}", "{\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", "{\"alg\":\"HS256\",\"zip\":\"DEF\"}",
		"{\"alg\":\"HS256\",\"kid\":7}", "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", "[\"alg\"]",
		"{\"alg\":\"HS256\",\"cty\":1}", "{\"alg\":\"HS256\"", "{\"alg\":\"HS256\",\"typ\":\"JWT\"} ",
	};
	static const char *const payloads[] = {
		"{\"sub\":\"a\"}", "{\"sub\":\"b\",\"exp\":1}", "{\"sub\":\"c\",\"n\":[1,2,3]}", "[]",
	};
	static const jose_limits limit_sets[] = {{65536, 32, 10000, 1000}, {65536, 2, 10000, 1000},
	{65536, 32, 6, 1000}};
	static const char jwk[] =
	"{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
	unsigned char secret[64];
	size_t		secret_len = 0;
	jose_keyset *keys = NULL;
	jose_workspace shared;
	jose_workspace fresh;
	jose_err	err;
	text		t = {NULL, 0, 0};
	unsigned	memo_hits = 0;
	const char *last_header = NULL;

	rng_state = 0xA0761D6478BD642FULL;
	CHECK(jose_keyset_from_jwk_text(jwk, strlen(jwk), &keys, &err) == JOSE_OK);
	CHECK(jose_b64url_decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
							 86, secret, &secret_len));
	if (keys == NULL)
		return;
	jose_workspace_init(&shared);
	jose_workspace_init(&fresh);
	for (unsigned round = 0; round < 20000; round++)
	{
		/* the previous header half the time, as tokens of one issuer do */
		const char *h = (round > 0 && pick(2)) ? last_header
			: headers[pick(sizeof(headers) / sizeof(headers[0]))];
		const char *pl = payloads[pick(sizeof(payloads) / sizeof(payloads[0]))];
		const jose_limits *l = &limit_sets[pick(4) == 0 ? 1 + pick(2) : 0];
		unsigned char mac[64];
		size_t		mac_len = 0;
		const unsigned char *parts[1];
		size_t		lens[1];
		jose_jws	a;
		jose_jws	b;
		jose_err	ea;
		jose_err	eb;
		jose_status sa;
		jose_status sb;
		bool		hit;

		last_header = h;
		t.len = 0;
		puts_(&t, "");
		put_b64url(&t, h, strlen(h));
		putc_(&t, '.');
		put_b64url(&t, pl, strlen(pl));
		parts[0] = (const unsigned char *) t.s;
		lens[0] = t.len;
		jose_hmac_parts("SHA256", secret, secret_len, parts, lens, 1, mac, &mac_len, &err);
		if (pick(8) == 0)
			mac[pick(32)] ^= 1;	/* a bad signature now and then */
		putc_(&t, '.');
		put_b64url(&t, mac, 32);
		if (pick(16) == 0)
			t.s[pick((unsigned) t.len)] = '*';	/* and a broken segment */

		hit = shared.header_memo.segment.len > 0 && shared.header_memo.segment.len < t.len &&
			memcmp(shared.header_memo.segment.data, t.s, shared.header_memo.segment.len) == 0;
		jose_err_clear(&ea);
		jose_err_clear(&eb);
		sa = jose_jws_verify(&shared, t.s, t.len, keys, 0, l, &a, &ea);
		/* a new workspace each time: nothing remembered */
		jose_workspace_free(&fresh);
		jose_workspace_init(&fresh);
		sb = jose_jws_verify(&fresh, t.s, t.len, keys, 0, l, &b, &eb);
		memo_hits += hit && sa == JOSE_OK;
		if (sa != sb || strcmp(ea.detail, eb.detail) != 0 || a.alg != b.alg ||
			a.kid_node != b.kid_node || a.typ_node != b.typ_node ||
			a.payload_len != b.payload_len || a.signature_len != b.signature_len ||
			(a.signature_len > 0 && memcmp(a.signature, b.signature, a.signature_len) != 0) ||
			(sa == JOSE_OK && !same_tree(&shared.header, &fresh.header)))
		{
			harness_fail(__FILE__, __LINE__, "same verification with and without the memo",
						 "token %s: %d \"%s\", %d \"%s\"", t.s, (int) sa,
						 sa == JOSE_OK ? "" : ea.detail, (int) sb, sb == JOSE_OK ? "" : eb.detail);
			break;
		}
	}
	/* the memo must have been used, or this proves nothing */
	CHECKF(memo_hits > 1000, "%u verifications used the memo", memo_hits);
	jose_workspace_free(&shared);
	jose_workspace_free(&fresh);
	jose_keyset_free(keys);
	free(t.s);
}

void
suite_differential(void)
{
	RUN(generated_documents_read_alike);
	RUN(word_boundaries_read_alike);
	RUN(deep_nesting_reads_alike);
	RUN(base64url_decodes_alike);
	RUN(numeric_dates_read_as_strtod);
	RUN(header_memo_changes_nothing);
}
