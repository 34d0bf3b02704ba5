/*-------------------------------------------------------------------------
 *
 * json.c
 *		Strict, bounded JSON reader and compact writer.
 *
 * A JWS protects bytes, but applications act on the values those bytes
 * parse to.  Parser differentials (duplicate names resolved first-wins by
 * one parser and last-wins by another, NUL truncation, lenient syntax) let
 * a token mean different things to the verifier and to its user, so this
 * reader refuses everything RFC 8259 does not define, and every duplicate.
 *
 * src/core/json.c
 *
 *-------------------------------------------------------------------------
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bytetab.h"

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
	bool		loose;			/* whitespace between tokens, or an escape, seen */
} parser;

/*
 * The bytes a string cannot hold as they are: control characters, the
 * quote, the backslash, and the first byte of anything non-ASCII (read as
 * one whole UTF-8 sequence).  Every other byte is copied as it is scanned,
 * with one table look-up: most strings in tokens are printable ASCII.
 */
#define STRING_SPECIAL(c) ((c) < 0x20 || (c) == '"' || (c) == '\\' || (c) >= 0x80)
static const unsigned char string_special[256] = {JOSE_BYTE_TABLE(STRING_SPECIAL)};

/*
 * Eight string bytes at a time (little-endian machines): the index of the
 * first byte of word x that string_special marks, or 8 if none is.  The
 * classic "has a byte less than n" and "has a zero byte" tests may also
 * flag a byte above a real match, never one below it, so the lowest flag
 * is exactly the first special byte.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
	(defined(__GNUC__) || defined(__clang__))
#define STRING_WORDS 1
#define BYTES8(b) ((uint64_t) 0x0101010101010101ULL * (b))
static inline unsigned
first_special8(uint64_t x)
{
	uint64_t	quote = x ^ BYTES8('"');
	uint64_t	backslash = x ^ BYTES8('\\');
	uint64_t	flags = (x |		/* >= 0x80 */
						 ((x - BYTES8(0x20)) & ~x) |	/* < 0x20 */
						 ((quote - BYTES8(1)) & ~quote) |
						 ((backslash - BYTES8(1)) & ~backslash)) & BYTES8(0x80);

	return flags == 0 ? 8 : (unsigned) __builtin_ctzll(flags) >> 3;
}
#endif

static jose_status parse_value(parser *p);

/* Prepare an empty document. */
void
jose_json_init(jose_json *doc)
{
	memset(doc, 0, sizeof(*doc));
}

/* Release a document's storage. */
void
jose_json_free(jose_json *doc)
{
	free(doc->nodes);
	/* key documents hold secrets in their text: wipe it */
	if (doc->text != NULL)
		OPENSSL_cleanse(doc->text, doc->text_cap);
	free(doc->text);
	memset(doc, 0, sizeof(*doc));
}

/* Bytes of storage a document holds (its node and text capacities). */
size_t
jose_json_capacity(const jose_json *doc)
{
	return (size_t) doc->cap_nodes * sizeof(jose_jnode) + doc->text_cap;
}

/* Fail with a syntax error at the current position. */
static jose_status
syntax_error(parser *p, const char *problem)
{
	return jose_fail(p->err, JOSE_E_JSON, "The %s is not valid JSON: %s at byte %zu.",
					 p->what, problem, p->pos);
}

/* Skip the four JSON whitespace characters, noting that there were some. */
static inline void
skip_ws(parser *p)
{
	size_t		start = p->pos;

	while (p->pos < p->len)
	{
		unsigned char c = p->src[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
	if (p->pos != start)
		p->loose = true;
}

/* Make room for one more node; false (err set) at the limit or out of memory. */
static bool
grow_nodes(parser *p)
{
	jose_json  *doc = p->doc;

	if (doc->n_nodes >= p->limits->max_nodes)
	{
		jose_fail(p->err, JOSE_E_LIMIT,
				  "The %s has more than %u JSON values.", p->what, p->limits->max_nodes);
		return false;
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
			return false;
		}
		doc->nodes = nodes;
		doc->cap_nodes = cap;
	}
	return true;
}

/* Append a node of the given type; returns its index or JOSE_JSON_NONE. */
static inline uint32_t
new_node(parser *p, jose_jtype type)
{
	jose_json  *doc = p->doc;
	jose_jnode *n;

	if ((doc->n_nodes >= doc->cap_nodes || doc->n_nodes >= p->limits->max_nodes) &&
		!grow_nodes(p))
		return JOSE_JSON_NONE;
	n = &doc->nodes[doc->n_nodes];
	n->type = (uint8_t) type;
	n->count = 0;
	n->off = 0;
	n->len = 0;
	n->next = doc->n_nodes + 1;
	return doc->n_nodes++;
}

/* Write a code point as UTF-8 at *out, advancing it. */
static void
put_utf8(char **out, uint32_t cp)
{
	unsigned char *o = (unsigned char *) *out;

	if (cp < 0x80)
		*o++ = (unsigned char) cp;
	else if (cp < 0x800)
	{
		*o++ = (unsigned char) (0xC0 | (cp >> 6));
		*o++ = (unsigned char) (0x80 | (cp & 0x3F));
	}
	else if (cp < 0x10000)
	{
		*o++ = (unsigned char) (0xE0 | (cp >> 12));
		*o++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char) (0x80 | (cp & 0x3F));
	}
	else
	{
		*o++ = (unsigned char) (0xF0 | (cp >> 18));
		*o++ = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
		*o++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
		*o++ = (unsigned char) (0x80 | (cp & 0x3F));
	}
	*out = (char *) o;
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

/* Decode the escape at the current position (a backslash) to *out, advancing both. */
static jose_status
parse_escape(parser *p, char **out)
{
	unsigned char c;
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
			*(*out)++ = (char) c;
			return JOSE_OK;
		case 'b':
			*(*out)++ = '\b';
			return JOSE_OK;
		case 'f':
			*(*out)++ = '\f';
			return JOSE_OK;
		case 'n':
			*(*out)++ = '\n';
			return JOSE_OK;
		case 'r':
			*(*out)++ = '\r';
			return JOSE_OK;
		case 't':
			*(*out)++ = '\t';
			return JOSE_OK;
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
	put_utf8(out, cp);
	return JOSE_OK;
}

/*
 * Parse a string (at its opening quote) into a new string node.  Runs of
 * ordinary bytes are copied in a tight loop; only an escape, a non-ASCII
 * sequence, a control character or the end leaves it.  The text has room
 * for the whole input (see jose_json_parse), so nothing checks capacity.
 */
static jose_status
parse_string(parser *p, uint32_t *index)
{
	jose_json  *doc = p->doc;
	const unsigned char *src = p->src;
	size_t		len = p->len;
	size_t		pos;
	uint32_t	i = new_node(p, JOSE_JSON_STRING);
	char	   *start;
	char	   *out;

	if (i == JOSE_JSON_NONE)
		return p->err->status;
	pos = p->pos + 1;			/* opening quote */
	start = out = doc->text + doc->text_len;
	doc->nodes[i].off = (uint32_t) doc->text_len;

	for (;;)
	{
		unsigned char c;
		size_t		n;

#ifdef STRING_WORDS

		/*
		 * Whole words while eight input bytes remain.  The word is stored
		 * whole, even past the string's end: the text has room (it is at
		 * most twice the input read so far, and reserved as twice the
		 * input plus one), and what follows is overwritten or unused.
		 */
		while (len - pos >= 8)
		{
			uint64_t	x;
			unsigned	plain;

			memcpy(&x, src + pos, 8);
			memcpy(out, &x, 8);
			plain = first_special8(x);
			out += plain;
			pos += plain;
			if (plain < 8)
				break;
		}
#endif
		while (pos < len && !string_special[src[pos]])
			*out++ = (char) src[pos++];
		p->pos = pos;
		if (pos >= len)
			return syntax_error(p, "unterminated string");
		c = src[pos];
		if (c == '"')
			break;
		if (c < 0x20)
			return syntax_error(p, "control character in string");
		if (c == '\\')
		{
			jose_status st;

			p->loose = true;
			st = parse_escape(p, &out);

			if (st != JOSE_OK)
				return st;
			pos = p->pos;
			continue;
		}
		n = utf8_sequence_length(src + pos, len - pos);
		if (n == 0)
			return syntax_error(p, "invalid UTF-8");
		memcpy(out, src + pos, n);
		out += n;
		pos += n;
	}
	p->pos = pos + 1;			/* closing quote */
	doc->nodes[i].len = (uint32_t) (out - start);
	*out++ = '\0';
	doc->text_len = (size_t) (out - doc->text);
	*index = i;
	return JOSE_OK;
}

/* True when c is an ASCII digit. */
static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Parse a number per the RFC 8259 grammar into a new number node. */
static jose_status
parse_number(parser *p)
{
	jose_json  *doc = p->doc;
	const unsigned char *src = p->src;
	size_t		len = p->len;
	size_t		start = p->pos;
	size_t		pos = start;
	uint32_t	i;

	if (pos < len && src[pos] == '-')
		pos++;
	p->pos = pos;
	if (pos >= len)
		return syntax_error(p, "truncated number");
	if (src[pos] == '0')
		pos++;
	else if (src[pos] >= '1' && src[pos] <= '9')
		while (pos < len && is_digit(src[pos]))
			pos++;
	else
		return syntax_error(p, "invalid number");
	if (pos < len && src[pos] == '.')
	{
		pos++;
		p->pos = pos;
		if (pos >= len || !is_digit(src[pos]))
			return syntax_error(p, "invalid number");
		while (pos < len && is_digit(src[pos]))
			pos++;
	}
	if (pos < len && (src[pos] == 'e' || src[pos] == 'E'))
	{
		pos++;
		if (pos < len && (src[pos] == '+' || src[pos] == '-'))
			pos++;
		p->pos = pos;
		if (pos >= len || !is_digit(src[pos]))
			return syntax_error(p, "invalid number");
		while (pos < len && is_digit(src[pos]))
			pos++;
	}
	p->pos = pos;
	i = new_node(p, JOSE_JSON_NUMBER);
	if (i == JOSE_JSON_NONE)
		return p->err->status;
	doc->nodes[i].off = (uint32_t) doc->text_len;
	doc->nodes[i].len = (uint32_t) (pos - start);
	memcpy(doc->text + doc->text_len, src + start, pos - start);
	doc->text_len += pos - start;
	doc->text[doc->text_len++] = '\0';
	return JOSE_OK;
}

/* Parse a literal (true, false, null) of n bytes. */
static jose_status
parse_literal(parser *p, const char *word, size_t n, jose_jtype type)
{
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
		/* pairwise; the length and first byte settle most pairs without memcmp */
		name_ref	small[16];

		for (k = 0, i = obj + 1; k < count; k++)
		{
			small[k].text = doc->text + doc->nodes[i].off;
			small[k].len = doc->nodes[i].len;
			i = doc->nodes[i + 1].next;
		}
		for (uint32_t a = 0; a < count; a++)
			for (uint32_t b = a + 1; b < count; b++)
			{
				const name_ref *x = &small[a];
				const name_ref *y = &small[b];

				/* names are NUL-terminated, so an empty name's first byte is '\0' */
				if (x->len == y->len && x->text[0] == y->text[0] &&
					memcmp(x->text, y->text, x->len) == 0)
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
		case '"':
			return parse_string(p, &unused);
		case '{':
		case '[':
			if (++p->depth > p->limits->max_depth)
				return jose_fail(p->err, JOSE_E_LIMIT,
								 "The %s nests JSON deeper than %u levels.",
								 p->what, p->limits->max_depth);
			st = parse_container(p, p->src[p->pos] == '{');
			p->depth--;
			return st;
		case 't':
			return parse_literal(p, "true", 4, JOSE_JSON_TRUE);
		case 'f':
			return parse_literal(p, "false", 5, JOSE_JSON_FALSE);
		case 'n':
			return parse_literal(p, "null", 4, JOSE_JSON_NULL);
		default:
			if (p->src[p->pos] == '-' || is_digit(p->src[p->pos]))
				return parse_number(p);
			return syntax_error(p, "unexpected character");
	}
}

/* Parse src into doc, replacing what it held. */
jose_status
jose_json_parse(jose_json *doc, const char *src, size_t len,
				const jose_json_limits *limits, const char *what, jose_err *err)
{
	parser		p;
	jose_status st;
	size_t		need;

	doc->n_nodes = 0;
	doc->text_len = 0;
	doc->compact = false;

	/*
	 * Decoded strings never grow, and each string or number adds one
	 * terminator, so twice the input plus one bounds the text; reserving it
	 * now keeps the hot loops free of capacity checks.
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
	p.loose = false;

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
	doc->compact = !p.loose;
	return JOSE_OK;
}

/* True when the len bytes at a and b are equal (short names: no libc call). */
static inline bool
bytes_eq(const char *a, const char *b, size_t len)
{
	if (len > 8)
		return memcmp(a, b, len) == 0;
	for (size_t k = 0; k < len; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

/* Make dst a copy of src. */
bool
jose_json_copy(jose_json *dst, const jose_json *src)
{
	dst->n_nodes = 0;
	dst->text_len = 0;
	if (src->n_nodes > dst->cap_nodes)
	{
		jose_jnode *nodes = realloc(dst->nodes, (size_t) src->n_nodes * sizeof(jose_jnode));

		if (nodes == NULL)
			return false;
		dst->nodes = nodes;
		dst->cap_nodes = src->n_nodes;
	}
	if (src->text_len > dst->text_cap)
	{
		char	   *text = malloc(src->text_len);

		if (text == NULL)
			return false;
		/* as jose_json_parse does: the old text may have held secrets */
		if (dst->text != NULL)
			OPENSSL_cleanse(dst->text, dst->text_cap);
		free(dst->text);
		dst->text = text;
		dst->text_cap = src->text_len;
	}
	if (src->n_nodes > 0)
		memcpy(dst->nodes, src->nodes, (size_t) src->n_nodes * sizeof(jose_jnode));
	if (src->text_len > 0)
		memcpy(dst->text, src->text, src->text_len);
	dst->n_nodes = src->n_nodes;
	dst->text_len = src->text_len;
	return true;
}

/*
 * Look up several members of object obj in one pass over it.  A member is
 * compared in full only with the names of its length and first byte, so
 * one pass costs about what one jose_json_member call does.
 */
void
jose_json_find_members(const jose_json *doc, uint32_t obj, const jose_json_name *names,
					   size_t n, uint32_t *found)
{
	uint32_t	i = obj + 1;

	for (size_t k = 0; k < n; k++)
		found[k] = JOSE_JSON_NONE;
	if (obj >= doc->n_nodes || doc->nodes[obj].type != JOSE_JSON_OBJECT)
		return;
	for (uint32_t m = 0; m < doc->nodes[obj].count; m++)
	{
		const char *text = doc->text + doc->nodes[i].off;
		size_t		len = doc->nodes[i].len;

		for (size_t k = 0; k < n; k++)
		{
			/* texts are NUL-terminated: an empty name's first byte is '\0' */
			if (names[k].len != len || names[k].name[0] != text[0] ||
				!bytes_eq(text, names[k].name, len))
				continue;
			/* first match wins, as with jose_json_member; names are distinct */
			if (found[k] == JOSE_JSON_NONE)
			{
				found[k] = i + 1;
				break;
			}
		}
		i = doc->nodes[i + 1].next;
	}
}

/* The value of member `name` of object node obj, or JOSE_JSON_NONE. */
uint32_t
jose_json_member(const jose_json *doc, uint32_t obj, const char *name)
{
	size_t		n = strlen(name);
	uint32_t	i = obj + 1;

	if (obj >= doc->n_nodes || doc->nodes[obj].type != JOSE_JSON_OBJECT)
		return JOSE_JSON_NONE;
	for (uint32_t k = 0; k < doc->nodes[obj].count; k++)
	{
		if (doc->nodes[i].len == n && memcmp(doc->text + doc->nodes[i].off, name, n) == 0)
			return i + 1;
		i = doc->nodes[i + 1].next;
	}
	return JOSE_JSON_NONE;
}

/* True if node i is a string equal to s (exact bytes). */
bool
jose_json_string_eq(const jose_json *doc, uint32_t i, const char *s, size_t len)
{
	return i < doc->n_nodes && doc->nodes[i].type == JOSE_JSON_STRING &&
		doc->nodes[i].len == len && memcmp(doc->text + doc->nodes[i].off, s, len) == 0;
}

/*
 * The bytes the writer escapes: control characters, the quote and the
 * backslash.  Everything else (non-ASCII included) is written as it is.
 */
#define WRITE_ESCAPED(c) ((c) < 0x20 || (c) == '"' || (c) == '\\')
static const unsigned char write_escaped[256] = {JOSE_BYTE_TABLE(WRITE_ESCAPED)};

/* Append one byte (jose_buf_putc without a call when there is room). */
static inline void
put_byte(jose_buf *out, char c)
{
	if (!out->failed && out->len + 2 <= out->cap)
	{
		out->data[out->len++] = c;
		out->data[out->len] = '\0';
	}
	else
		jose_buf_putc(out, c);
}

/*
 * Append JSON string syntax for s to out.  One pass counts the bytes to
 * escape, so the output is reserved once, at its exact size; the second
 * copies, escaping as it goes (two-character escapes where JSON has one,
 * \u00XX for the other control characters).
 */
void
jose_json_write_string(jose_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *in = (const unsigned char *) s;
	size_t		escaped = 0;
	char	   *o;

	for (size_t i = 0; i < len; i++)
		escaped += write_escaped[in[i]];
	if (len > ((size_t) 1 << 30) || !jose_buf_reserve(out, len + 5 * escaped + 2))
	{
		out->failed = true;
		return;
	}
	o = out->data + out->len;
	*o++ = '"';
	if (escaped == 0)
	{
		memcpy(o, s, len);
		o += len;
	}
	else
		for (size_t i = 0; i < len; i++)
		{
			unsigned char c = in[i];

			if (!write_escaped[c])
			{
				*o++ = (char) c;
				continue;
			}
			*o++ = '\\';
			switch (c)
			{
				case '"':
				case '\\':
					*o++ = (char) c;
					break;
				case '\b':
					*o++ = 'b';
					break;
				case '\f':
					*o++ = 'f';
					break;
				case '\n':
					*o++ = 'n';
					break;
				case '\r':
					*o++ = 'r';
					break;
				case '\t':
					*o++ = 't';
					break;
				default:
					*o++ = 'u';
					*o++ = '0';
					*o++ = '0';
					*o++ = hex[c >> 4];
					*o++ = hex[c & 15];
					break;
			}
		}
	*o++ = '"';
	*o = '\0';
	out->len = (size_t) (o - out->data);
}

/* Append node i and its subtree to out as compact JSON. */
void
jose_json_write_node(jose_buf *out, const jose_json *doc, uint32_t i)
{
	const jose_jnode *n = &doc->nodes[i];
	uint32_t	c;

	switch ((jose_jtype) n->type)
	{
		case JOSE_JSON_NULL:
			jose_buf_append(out, "null", 4);
			break;
		case JOSE_JSON_FALSE:
			jose_buf_append(out, "false", 5);
			break;
		case JOSE_JSON_TRUE:
			jose_buf_append(out, "true", 4);
			break;
		case JOSE_JSON_NUMBER:
			jose_buf_append(out, doc->text + n->off, n->len);
			break;
		case JOSE_JSON_STRING:
			jose_json_write_string(out, doc->text + n->off, n->len);
			break;
		case JOSE_JSON_ARRAY:
			put_byte(out, '[');
			c = i + 1;
			for (uint32_t k = 0; k < n->count; k++)
			{
				if (k > 0)
					put_byte(out, ',');
				jose_json_write_node(out, doc, c);
				c = doc->nodes[c].next;
			}
			put_byte(out, ']');
			break;
		case JOSE_JSON_OBJECT:
			put_byte(out, '{');
			c = i + 1;
			for (uint32_t k = 0; k < n->count; k++)
			{
				if (k > 0)
					put_byte(out, ',');
				jose_json_write_string(out, doc->text + doc->nodes[c].off, doc->nodes[c].len);
				put_byte(out, ':');
				jose_json_write_node(out, doc, c + 1);
				c = doc->nodes[c + 1].next;
			}
			put_byte(out, '}');
			break;
	}
}

/* True when node i of a and node j of b hold the same JSON (numbers by text). */
bool
jose_json_equal(const jose_json *a, uint32_t i, const jose_json *b, uint32_t j)
{
	const jose_jnode *x = &a->nodes[i];
	const jose_jnode *y = &b->nodes[j];

	if (x->type != y->type || x->count != y->count)
		return false;
	switch ((jose_jtype) x->type)
	{
		case JOSE_JSON_STRING:
		case JOSE_JSON_NUMBER:
			return x->len == y->len && memcmp(a->text + x->off, b->text + y->off, x->len) == 0;
		case JOSE_JSON_ARRAY:
			for (uint32_t k = 0, ci = i + 1, cj = j + 1; k < x->count;
				 k++, ci = a->nodes[ci].next, cj = b->nodes[cj].next)
				if (!jose_json_equal(a, ci, b, cj))
					return false;
			return true;
		case JOSE_JSON_OBJECT:
			for (uint32_t k = 0, ci = i + 1; k < x->count; k++, ci = a->nodes[ci + 1].next)
			{
				uint32_t	m = jose_json_member(b, j, a->text + a->nodes[ci].off);

				if (m == JOSE_JSON_NONE || !jose_json_equal(a, ci + 1, b, m))
					return false;
			}
			return true;
		default:
			return true;
	}
}
