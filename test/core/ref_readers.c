/*
 * ref_readers.c
 *		The strict JSON reader and writer and the base64url decoder of
 *		token_ext 0.1.0, frozen, as the oracles of the differential tests of
 *		the rewritten ones (test_differential.c, and the fuzzer,
 *		test/fuzz/fuzz_core.c).
 *
 * src/core/json.c and src/core/b64url.c were rewritten for speed in 0.2.0
 * (strings scanned eight bytes at a time, one-pass member lookups, a
 * table per base64 position, a writer that reserves once).  Their
 * contract is to accept and refuse exactly what these do, with the same
 * tree, the same decoded bytes, the same written JSON and the same error
 * texts (byte positions included).  This file is that code as released
 * (the parse and write functions of json.c, and jose_b64url_decode with
 * its table), renamed ref_json_parse, ref_json_write_string,
 * ref_json_write_node and ref_b64url_decode.  Do not "fix" or speed it
 * up: it is the reference, and its duplication of the old core is
 * deliberate.
 */
#include "../../src/core/json.h"
#include "ref_readers.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

typedef struct parser
{
	const unsigned char *src;
	size_t		len;
	size_t		pos;
	uint32_t	depth;
	jose_json  *doc;
	const jose_json_limits *limits;
	const char *what;
	jose_err   *err;
} parser;

static jose_status parse_value(parser *p);

/* Fail with a syntax error at the current position. */
static jose_status
syntax_error(parser *p, const char *problem)
{
	return jose_fail(p->err, JOSE_E_JSON, "The %s is not valid JSON: %s at byte %zu.",
					 p->what, problem, p->pos);
}

/* Skip the four JSON whitespace characters. */
static inline void
skip_ws(parser *p)
{
	while (p->pos < p->len)
	{
		unsigned char c = p->src[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

/* Append a node of the given type; returns its index or JOSE_JSON_NONE. */
static uint32_t
new_node(parser *p, jose_jtype type)
{
	jose_json  *doc = p->doc;
	jose_jnode *n;

	if (doc->n_nodes >= p->limits->max_nodes)
	{
		jose_fail(p->err, JOSE_E_LIMIT,
				  "The %s has more than %u JSON values.", p->what, p->limits->max_nodes);
		return JOSE_JSON_NONE;
	}
	if (doc->n_nodes == doc->cap_nodes)
	{
		uint32_t	cap = doc->cap_nodes ? doc->cap_nodes * 2 : 64;
		jose_jnode *nodes;

		if (cap > p->limits->max_nodes)
			cap = p->limits->max_nodes;
		nodes = realloc(doc->nodes, (size_t) cap * sizeof(jose_jnode));
		if (nodes == NULL)
		{
			jose_fail(p->err, JOSE_E_NOMEM, "Could not allocate JSON nodes.");
			return JOSE_JSON_NONE;
		}
		doc->nodes = nodes;
		doc->cap_nodes = cap;
	}
	n = &doc->nodes[doc->n_nodes];
	n->type = (uint8_t) type;
	n->count = 0;
	n->off = 0;
	n->len = 0;
	n->next = doc->n_nodes + 1;
	return doc->n_nodes++;
}

/* Append one byte to the document text (capacity reserved up front). */
static inline void
text_put(jose_json *doc, unsigned char c)
{
	doc->text[doc->text_len++] = (char) c;
}

/* Append a code point as UTF-8 to the document text. */
static void
text_put_utf8(jose_json *doc, uint32_t cp)
{
	if (cp < 0x80)
		text_put(doc, (unsigned char) cp);
	else if (cp < 0x800)
	{
		text_put(doc, (unsigned char) (0xC0 | (cp >> 6)));
		text_put(doc, (unsigned char) (0x80 | (cp & 0x3F)));
	}
	else if (cp < 0x10000)
	{
		text_put(doc, (unsigned char) (0xE0 | (cp >> 12)));
		text_put(doc, (unsigned char) (0x80 | ((cp >> 6) & 0x3F)));
		text_put(doc, (unsigned char) (0x80 | (cp & 0x3F)));
	}
	else
	{
		text_put(doc, (unsigned char) (0xF0 | (cp >> 18)));
		text_put(doc, (unsigned char) (0x80 | ((cp >> 12) & 0x3F)));
		text_put(doc, (unsigned char) (0x80 | ((cp >> 6) & 0x3F)));
		text_put(doc, (unsigned char) (0x80 | (cp & 0x3F)));
	}
}

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t
utf8_sequence_length(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF)
	{
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;			/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;			/* encoded surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4)
	{
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
			(s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;			/* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;			/* above U+10FFFF */
		return 4;
	}
	return 0;
}

/* Read four hex digits at the current position. */
static bool
read_hex4(parser *p, uint32_t *out)
{
	uint32_t	v = 0;

	if (p->len - p->pos < 4)
		return false;
	for (int i = 0; i < 4; i++)
	{
		unsigned char c = p->src[p->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t) (c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t) (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t) (c - 'A' + 10);
		else
			return false;
	}
	p->pos += 4;
	*out = v;
	return true;
}

/* Parse a string (at its opening quote) into a new string node. */
static jose_status
parse_string(parser *p, uint32_t *index)
{
	jose_json  *doc = p->doc;
	uint32_t	i = new_node(p, JOSE_JSON_STRING);
	size_t		start;

	if (i == JOSE_JSON_NONE)
		return p->err->status;
	p->pos++;					/* opening quote */
	start = doc->text_len;
	doc->nodes[i].off = (uint32_t) start;

	for (;;)
	{
		unsigned char c;

		if (p->pos >= p->len)
			return syntax_error(p, "unterminated string");
		c = p->src[p->pos];
		if (c == '"')
		{
			p->pos++;
			break;
		}
		if (c < 0x20)
			return syntax_error(p, "control character in string");
		if (c == '\\')
		{
			uint32_t	cp;

			if (p->pos + 1 >= p->len)
				return syntax_error(p, "unterminated string");
			c = p->src[p->pos + 1];
			p->pos += 2;
			switch (c)
			{
				case '"':
				case '\\':
				case '/':
					text_put(doc, c);
					continue;
				case 'b':
					text_put(doc, '\b');
					continue;
				case 'f':
					text_put(doc, '\f');
					continue;
				case 'n':
					text_put(doc, '\n');
					continue;
				case 'r':
					text_put(doc, '\r');
					continue;
				case 't':
					text_put(doc, '\t');
					continue;
				case 'u':
					break;
				default:
					p->pos -= 2;
					return syntax_error(p, "invalid escape");
			}
			if (!read_hex4(p, &cp))
				return syntax_error(p, "invalid \\u escape");
			if (cp == 0)
				return syntax_error(p, "\\u0000 is not allowed");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return syntax_error(p, "lone low surrogate");
			if (cp >= 0xD800 && cp <= 0xDBFF)
			{
				uint32_t	lo;

				if (p->len - p->pos < 6 || p->src[p->pos] != '\\' ||
					p->src[p->pos + 1] != 'u')
					return syntax_error(p, "lone high surrogate");
				p->pos += 2;
				if (!read_hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return syntax_error(p, "lone high surrogate");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			text_put_utf8(doc, cp);
			continue;
		}
		if (c < 0x80)
		{
			text_put(doc, c);
			p->pos++;
		}
		else
		{
			size_t		n = utf8_sequence_length(p->src + p->pos, p->len - p->pos);

			if (n == 0)
				return syntax_error(p, "invalid UTF-8");
			memcpy(doc->text + doc->text_len, p->src + p->pos, n);
			doc->text_len += n;
			p->pos += n;
		}
	}
	doc->nodes[i].len = (uint32_t) (doc->text_len - start);
	text_put(doc, '\0');
	*index = i;
	return JOSE_OK;
}

/* Parse a number per the RFC 8259 grammar into a new number node. */
static jose_status
parse_number(parser *p)
{
	jose_json  *doc = p->doc;
	size_t		start = p->pos;
	uint32_t	i;

	if (p->pos < p->len && p->src[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len)
		return syntax_error(p, "truncated number");
	if (p->src[p->pos] == '0')
		p->pos++;
	else if (p->src[p->pos] >= '1' && p->src[p->pos] <= '9')
		while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
			p->pos++;
	else
		return syntax_error(p, "invalid number");
	if (p->pos < p->len && p->src[p->pos] == '.')
	{
		p->pos++;
		if (p->pos >= p->len || p->src[p->pos] < '0' || p->src[p->pos] > '9')
			return syntax_error(p, "invalid number");
		while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->src[p->pos] == 'e' || p->src[p->pos] == 'E'))
	{
		p->pos++;
		if (p->pos < p->len && (p->src[p->pos] == '+' || p->src[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->src[p->pos] < '0' || p->src[p->pos] > '9')
			return syntax_error(p, "invalid number");
		while (p->pos < p->len && p->src[p->pos] >= '0' && p->src[p->pos] <= '9')
			p->pos++;
	}
	i = new_node(p, JOSE_JSON_NUMBER);
	if (i == JOSE_JSON_NONE)
		return p->err->status;
	doc->nodes[i].off = (uint32_t) doc->text_len;
	doc->nodes[i].len = (uint32_t) (p->pos - start);
	memcpy(doc->text + doc->text_len, p->src + start, p->pos - start);
	doc->text_len += p->pos - start;
	text_put(doc, '\0');
	return JOSE_OK;
}

/* Parse a literal (true, false, null). */
static jose_status
parse_literal(parser *p, const char *word, jose_jtype type)
{
	size_t		n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->src + p->pos, word, n) != 0)
		return syntax_error(p, "unexpected character");
	p->pos += n;
	return new_node(p, type) == JOSE_JSON_NONE ? p->err->status : JOSE_OK;
}

/* A member name, for sorting. */
typedef struct name_ref
{
	const char *text;
	uint32_t	len;
} name_ref;

/* Order two member names by length, then bytes. */
static int
compare_names(const void *a, const void *b)
{
	const name_ref *x = a;
	const name_ref *y = b;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->text, y->text, x->len);
}

/*
 * Refuse an object whose member names repeat.  Names are compared decoded,
 * so "alg" and "\u0061lg" are the same name.
 */
static jose_status
check_duplicate_names(parser *p, uint32_t obj)
{
	jose_json  *doc = p->doc;
	uint32_t	count = doc->nodes[obj].count;
	name_ref   *names;
	uint32_t	k;
	uint32_t	i;

	if (count < 2)
		return JOSE_OK;

	if (count <= 16)
	{
		uint32_t	idx[16];

		for (k = 0, i = obj + 1; k < count; k++)
		{
			idx[k] = i;
			i = doc->nodes[i + 1].next;
		}
		for (uint32_t a = 0; a < count; a++)
			for (uint32_t b = a + 1; b < count; b++)
			{
				const jose_jnode *x = &doc->nodes[idx[a]];
				const jose_jnode *y = &doc->nodes[idx[b]];

				if (x->len == y->len &&
					memcmp(doc->text + x->off, doc->text + y->off, x->len) == 0)
					return jose_fail(p->err, JOSE_E_JSON,
									 "The %s is not valid JSON: duplicate member name.",
									 p->what);
			}
		return JOSE_OK;
	}

	/* large objects: sort the names, then compare neighbours */
	names = malloc(sizeof(*names) * count);
	if (names == NULL)
		return jose_fail(p->err, JOSE_E_NOMEM, "Could not allocate JSON names.");
	for (k = 0, i = obj + 1; k < count; k++)
	{
		names[k].text = doc->text + doc->nodes[i].off;
		names[k].len = doc->nodes[i].len;
		i = doc->nodes[i + 1].next;
	}
	qsort(names, count, sizeof(*names), compare_names);
	for (k = 1; k < count; k++)
	{
		if (compare_names(&names[k - 1], &names[k]) == 0)
		{
			free(names);
			return jose_fail(p->err, JOSE_E_JSON,
							 "The %s is not valid JSON: duplicate member name.",
							 p->what);
		}
	}
	free(names);
	return JOSE_OK;
}

/* Parse an object or an array (at its opening brace or bracket). */
static jose_status
parse_container(parser *p, bool object)
{
	jose_json  *doc = p->doc;
	unsigned char close = object ? '}' : ']';
	uint32_t	node = new_node(p, object ? JOSE_JSON_OBJECT : JOSE_JSON_ARRAY);
	uint32_t	count = 0;
	jose_status st;

	if (node == JOSE_JSON_NONE)
		return p->err->status;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->src[p->pos] == close)
		p->pos++;
	else
	{
		for (;;)
		{
			if (object)
			{
				uint32_t	name;

				skip_ws(p);
				if (p->pos >= p->len || p->src[p->pos] != '"')
					return syntax_error(p, "expected a member name");
				if ((st = parse_string(p, &name)) != JOSE_OK)
					return st;
				skip_ws(p);
				if (p->pos >= p->len || p->src[p->pos] != ':')
					return syntax_error(p, "expected ':'");
				p->pos++;
			}
			if ((st = parse_value(p)) != JOSE_OK)
				return st;
			count++;
			skip_ws(p);
			if (p->pos < p->len && p->src[p->pos] == ',')
			{
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->src[p->pos] == close)
			{
				p->pos++;
				break;
			}
			return syntax_error(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	doc->nodes[node].count = count;
	doc->nodes[node].next = doc->n_nodes;
	return object ? check_duplicate_names(p, node) : JOSE_OK;
}

/* Parse any value at the current position (after optional whitespace). */
static jose_status
parse_value(parser *p)
{
	jose_status st;
	uint32_t	unused;

	skip_ws(p);
	if (p->pos >= p->len)
		return syntax_error(p, "unexpected end of input");
	switch (p->src[p->pos])
	{
		case '{':
		case '[':
			if (++p->depth > p->limits->max_depth)
				return jose_fail(p->err, JOSE_E_LIMIT,
								 "The %s nests JSON deeper than %u levels.",
								 p->what, p->limits->max_depth);
			st = parse_container(p, p->src[p->pos] == '{');
			p->depth--;
			return st;
		case '"':
			return parse_string(p, &unused);
		case 't':
			return parse_literal(p, "true", JOSE_JSON_TRUE);
		case 'f':
			return parse_literal(p, "false", JOSE_JSON_FALSE);
		case 'n':
			return parse_literal(p, "null", JOSE_JSON_NULL);
		default:
			if (p->src[p->pos] == '-' || (p->src[p->pos] >= '0' && p->src[p->pos] <= '9'))
				return parse_number(p);
			return syntax_error(p, "unexpected character");
	}
}

/* Parse src into doc, replacing what it held (the reader of 0.1.0, unchanged). */
jose_status
ref_json_parse(jose_json *doc, const char *src, size_t len,
				const jose_json_limits *limits, const char *what, jose_err *err)
{
	parser		p;
	jose_status st;
	size_t		need;

	doc->n_nodes = 0;
	doc->text_len = 0;

	/*
	 * Decoded strings never grow, and each string or number adds one
	 * terminator, so twice the input plus one bounds the text; reserving it
	 * now keeps the hot loop free of capacity checks.
	 */
	need = 2 * len + 1;
	if (need > doc->text_cap)
	{
		char	   *text = malloc(need);

		if (text == NULL)
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate JSON text.");
		if (doc->text != NULL)
			OPENSSL_cleanse(doc->text, doc->text_cap);
		free(doc->text);
		doc->text = text;
		doc->text_cap = need;
	}

	p.src = (const unsigned char *) src;
	p.len = len;
	p.pos = 0;
	p.depth = 0;
	p.doc = doc;
	p.limits = limits;
	p.what = what;
	p.err = err;

	if ((st = parse_value(&p)) != JOSE_OK)
	{
		doc->n_nodes = 0;
		return st;
	}
	skip_ws(&p);
	if (p.pos != len)
	{
		doc->n_nodes = 0;
		return syntax_error(&p, "trailing characters after the value");
	}
	return JOSE_OK;
}

/* 0..63 for alphabet characters, 0xFF for everything else. */
static const uint8_t ref_decode_table[256] = {
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

/* jose_b64url_decode as released in 0.1.0. */
bool
ref_b64url_decode(const char *src, size_t len, unsigned char *dst, size_t *outlen)
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
		uint8_t		a = ref_decode_table[in[i]],
					b = ref_decode_table[in[i + 1]],
					c = ref_decode_table[in[i + 2]],
					d = ref_decode_table[in[i + 3]];

		if ((a | b | c | d) & 0xC0)
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
		*out++ = (unsigned char) ((b << 4) | (c >> 2));
		*out++ = (unsigned char) ((c << 6) | d);
	}
	if (rem == 2)
	{
		uint8_t		a = ref_decode_table[in[i]],
					b = ref_decode_table[in[i + 1]];

		/* the 4 low bits of b are unused and must be zero */
		if (((a | b) & 0xC0) || (b & 0x0F))
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
	}
	else if (rem == 3)
	{
		uint8_t		a = ref_decode_table[in[i]],
					b = ref_decode_table[in[i + 1]],
					c = ref_decode_table[in[i + 2]];

		/* the 2 low bits of c are unused and must be zero */
		if (((a | b | c) & 0xC0) || (c & 0x03))
			return false;
		*out++ = (unsigned char) ((a << 2) | (b >> 4));
		*out++ = (unsigned char) ((b << 4) | (c >> 2));
	}
	*outlen = (size_t) (out - dst);
	return true;
}

/* jose_json_write_string as released in 0.1.0. */
void
ref_json_write_string(jose_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		run = 0;

	jose_buf_putc(out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *esc = NULL;
		char		ubuf[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jose_buf_append(out, s + run, i - run);
		run = i + 1;
		switch (c)
		{
			case '"':
				esc = "\\\"";
				break;
			case '\\':
				esc = "\\\\";
				break;
			case '\b':
				esc = "\\b";
				break;
			case '\f':
				esc = "\\f";
				break;
			case '\n':
				esc = "\\n";
				break;
			case '\r':
				esc = "\\r";
				break;
			case '\t':
				esc = "\\t";
				break;
			default:
				ubuf[0] = '\\';
				ubuf[1] = 'u';
				ubuf[2] = '0';
				ubuf[3] = '0';
				ubuf[4] = hex[c >> 4];
				ubuf[5] = hex[c & 15];
				ubuf[6] = '\0';
				esc = ubuf;
				break;
		}
		jose_buf_puts(out, esc);
	}
	jose_buf_append(out, s + run, len - run);
	jose_buf_putc(out, '"');
}

/* jose_json_write_node as released in 0.1.0. */
void
ref_json_write_node(jose_buf *out, const jose_json *doc, uint32_t i)
{
	const jose_jnode *n = &doc->nodes[i];
	uint32_t	c;

	switch ((jose_jtype) n->type)
	{
		case JOSE_JSON_NULL:
			jose_buf_puts(out, "null");
			break;
		case JOSE_JSON_FALSE:
			jose_buf_puts(out, "false");
			break;
		case JOSE_JSON_TRUE:
			jose_buf_puts(out, "true");
			break;
		case JOSE_JSON_NUMBER:
			jose_buf_append(out, doc->text + n->off, n->len);
			break;
		case JOSE_JSON_STRING:
			ref_json_write_string(out, doc->text + n->off, n->len);
			break;
		case JOSE_JSON_ARRAY:
			jose_buf_putc(out, '[');
			c = i + 1;
			for (uint32_t k = 0; k < n->count; k++)
			{
				if (k > 0)
					jose_buf_putc(out, ',');
				ref_json_write_node(out, doc, c);
				c = doc->nodes[c].next;
			}
			jose_buf_putc(out, ']');
			break;
		case JOSE_JSON_OBJECT:
			jose_buf_putc(out, '{');
			c = i + 1;
			for (uint32_t k = 0; k < n->count; k++)
			{
				if (k > 0)
					jose_buf_putc(out, ',');
				ref_json_write_node(out, doc, c);
				jose_buf_putc(out, ':');
				ref_json_write_node(out, doc, c + 1);
				c = doc->nodes[c + 1].next;
			}
			jose_buf_putc(out, '}');
			break;
	}
}
