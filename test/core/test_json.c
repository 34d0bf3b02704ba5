/*
 * test_json.c
 *		The strict JSON reader and writer (src/core/json.c).
 *
 * JOSE signs bytes, applications act on parsed values: any input two
 * parsers read differently (duplicate names, "\u0000", lone surrogates,
 * invalid UTF-8, lenient numbers) lets a token mean one thing to the
 * verifier and another to its user.  These tables pin what RFC 8259 plus
 * the JOSE rules accept and refuse, the depth and node limits, tree
 * navigation, and that the writer's output parses back to itself.
 */
#include "harness.h"
#include "../../src/core/json.h"

#include <stdlib.h>

static const jose_json_limits default_limits = {32, 10000};

/* Parse text (len bytes) with limits; the status. */
static jose_status
parse_n(jose_json *doc, const char *text, size_t len, const jose_json_limits *l, jose_err *err)
{
	jose_err_clear(err);
	return jose_json_parse(doc, text, len, l, "payload", err);
}

static jose_status
parse(jose_json *doc, const char *text)
{
	jose_err	err;

	return parse_n(doc, text, strlen(text), &default_limits, &err);
}

/* Documents RFC 8259 accepts and the JOSE rules keep. */
static void
accepts_valid_documents(void)
{
	static const char *const good[] = {
		"0", "-0", "1", "-1", "10", "1.5", "-1.5", "0.0", "1e10", "1E10", "1e+10", "1e-10",
		"1.5E-3", "-0.0e0", "123456789012345678901234567890", "1e400", "-1e400", "1e-400",
		"true", "false", "null", "\"\"", "\"a\"", "[]", "{}", " [ 1 , 2 ] ", "\t\r\n 1 \t\r\n",
		"[[]]", "[{}]", "{\"a\":[]}", "{\"\":1}",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
		"\"\\u0041\"", "\"\\u00e9\"", "\"\\u00E9\"", "\"\\uFFFF\"", "\"\\uD83D\\uDE00\"",
		"\"\\uDBFF\\uDFFF\"", "\"\\uD800\\uDC00\"", "\"\\u0001\"",
		"\"\xC3\xA9\"",				/* U+00E9 */
		"\"\xC2\x80\"",				/* U+0080, smallest 2-byte */
		"\"\xDF\xBF\"",				/* U+07FF */
		"\"\xE0\xA0\x80\"",			/* U+0800, smallest 3-byte */
		"\"\xE2\x82\xAC\"",			/* U+20AC */
		"\"\xED\x9F\xBF\"",			/* U+D7FF, just below the surrogates */
		"\"\xEE\x80\x80\"",			/* U+E000, just above */
		"\"\xEF\xBB\xBF\"",			/* U+FEFF inside a string is a character */
		"\"\xEF\xBF\xBF\"",			/* U+FFFF */
		"\"\xF0\x90\x80\x80\"",		/* U+10000, smallest 4-byte */
		"\"\xF0\x9F\x98\x80\"",		/* U+1F600 */
		"\"\xF4\x8F\xBF\xBF\"",		/* U+10FFFF, the largest */
		"\"\x7F\"",					/* DEL is not a control character in JSON */
		"{\"a\":1,\"b\":2}", "{\"a\":{\"a\":1}}", "{\"a\":1,\"A\":2}", "{\"ab\":1,\"a\":2}",
		"{\"a\":[{\"a\":1},{\"a\":1}]}",
	};
	jose_json	doc;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECKF(parse(&doc, good[i]) == JOSE_OK, "refused: %s", good[i]);
	jose_json_free(&doc);
}

/* Documents refused as bad syntax (JOSE_E_JSON). */
static void
refuses_invalid_documents(void)
{
	static const struct
	{
		const char *text;
		size_t		len;		/* 0: strlen */
	}			bad[] = {
		{"", 0}, {" ", 0}, {"\t\r\n", 0},
		/* numbers */
		{"01", 0}, {"-01", 0}, {"00", 0}, {"-", 0}, {"+1", 0}, {".5", 0}, {"1.", 0}, {"1.e1", 0},
		{"1e", 0}, {"1e+", 0}, {"1e-", 0}, {"1E", 0}, {"0x10", 0}, {"Infinity", 0}, {"-Infinity", 0},
		{"NaN", 0}, {"1_000", 0}, {"1,5", 0}, {"- 1", 0}, {"[01]", 0}, {"[1.]", 0}, {"[-]", 0},
		/* literals */
		{"tru", 0}, {"True", 0}, {"TRUE", 0}, {"nul", 0}, {"nulll", 0}, {"falsey", 0}, {"undefined", 0},
		/* structure */
		{"[1,]", 0}, {"[,1]", 0}, {"[,]", 0}, {"[", 0}, {"]", 0}, {"[1", 0}, {"[1]]", 0}, {"[1 2]", 0},
		{"{\"a\":1,}", 0}, {"{,}", 0}, {"{a:1}", 0}, {"{'a':1}", 0}, {"{\"a\" 1}", 0},
		{"{\"a\":1 \"b\":2}", 0}, {"{\"a\"}", 0}, {"{\"a\":}", 0}, {"{1:1}", 0}, {"{", 0}, {"}", 0},
		{"{\"a\":1", 0}, {"1 2", 0}, {"{} {}", 0}, {"[] x", 0}, {"/* c */ 1", 0}, {"1 // c", 0},
		{"[1]\0", 4}, {"\0", 1}, {"'a'", 0},
		/* strings and escapes */
		{"\"abc", 0}, {"\"", 0}, {"\"\\", 0}, {"\"\\\"", 0}, {"\"\\x\"", 0}, {"\"\\'\"", 0},
		{"\"\\a\"", 0}, {"\"\\U0041\"", 0}, {"\"\\u12\"", 0}, {"\"\\u12G4\"", 0}, {"\"\\u\"", 0},
		{"\"\\u0000\"", 0}, {"\"a\\u0000b\"", 0},
		{"\"\\uDC00\"", 0}, {"\"\\uDFFF\"", 0}, {"\"\\uD800\"", 0}, {"\"\\uDBFF\"", 0},
		{"\"\\uD800x\"", 0}, {"\"\\uD800\\u0041\"", 0}, {"\"\\uD800\\uD800\"", 0},
		{"\"\\uD800\\n\"", 0}, {"\"\\uDC00\\uD800\"", 0}, {"\"\\uD800\\uDC0\"", 0},
		{"\"a\tb\"", 0}, {"\"a\nb\"", 0}, {"\"\x01\"", 0}, {"\"\x1F\"", 0}, {"\"a\0b\"", 5},
		/* UTF-8 validity */
		{"\"\xC0\x80\"", 0},		/* overlong NUL */
		{"\"\xC1\xBF\"", 0},		/* overlong U+007F */
		{"\"\xE0\x80\x80\"", 0},	/* overlong */
		{"\"\xE0\x9F\xBF\"", 0},	/* overlong U+07FF */
		{"\"\xED\xA0\x80\"", 0},	/* encoded U+D800 */
		{"\"\xED\xBF\xBF\"", 0},	/* encoded U+DFFF */
		{"\"\xED\xA0\xBD\xED\xB8\x80\"", 0},	/* CESU-8 surrogate pair */
		{"\"\xF0\x80\x80\x80\"", 0},	/* overlong */
		{"\"\xF0\x8F\xBF\xBF\"", 0},	/* overlong U+FFFF */
		{"\"\xF4\x90\x80\x80\"", 0},	/* U+110000 */
		{"\"\xF5\x80\x80\x80\"", 0}, {"\"\xF7\xBF\xBF\xBF\"", 0}, {"\"\xF8\x88\x80\x80\x80\"", 0},
		{"\"\xFC\x84\x80\x80\x80\x80\"", 0}, {"\"\xFE\"", 0}, {"\"\xFF\"", 0},
		{"\"\x80\"", 0}, {"\"\xBF\"", 0},		/* lone continuation bytes */
		{"\"\xC3\"", 0}, {"\"\xE2\x82\"", 0}, {"\"\xF0\x9F\x98\"", 0},	/* truncated */
		{"\"\xC3\x28\"", 0}, {"\"\xE2\x28\xA1\"", 0}, {"\"\xE2\x82\x28\"", 0},
		{"\"\xF0\x28\x8C\xBC\"", 0}, {"\"\xF0\x90\x28\xBC\"", 0}, {"\"\xF0\x9F\x98\x28\"", 0},
		{"\xC3\xA9", 0},			/* a non-ASCII byte outside a string */
		{"\xEF\xBB\xBF{}", 0},		/* byte-order mark */
		{"\xEF\xBB\xBF\"a\"", 0},
	};
	jose_json	doc;
	jose_err	err;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		size_t		len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		jose_status st = parse_n(&doc, bad[i].text, len, &default_limits, &err);

		CHECKF(st == JOSE_E_JSON, "case %zu (%s): status %d", i, bad[i].text, (int) st);
		CHECKF(doc.n_nodes == 0, "case %zu leaves %u nodes", i, doc.n_nodes);
		CHECKF(strncmp(err.detail, "The payload is not valid JSON: ", 31) == 0,
			   "case %zu detail \"%s\"", i, err.detail);
	}
	jose_json_free(&doc);
}

/* The escapes decode to the right bytes (strings are stored decoded). */
static void
escapes_decode_exactly(void)
{
	static const struct
	{
		const char *json;
		const char *bytes;
	}			cases[] = {
		{"\"\\\"\\\\\\/\"", "\"\\/"},
		{"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t"},
		{"\"\\u0041\\u0062\"", "Ab"},
		{"\"\\u00e9\"", "\xC3\xA9"},
		{"\"\\u20AC\"", "\xE2\x82\xAC"},
		{"\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80"},
		{"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF"},
		{"\"\\uD800\\uDC00\"", "\xF0\x90\x80\x80"},
		{"\"\\u007F\\u0080\\u07FF\\u0800\"", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80"},
		{"\"a\xC3\xA9z\"", "a\xC3\xA9z"},
	};
	jose_json	doc;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		CHECKF(parse(&doc, cases[i].json) == JOSE_OK, "%s", cases[i].json);
		if (doc.n_nodes != 1)
			continue;
		CHECKF(doc.nodes[0].type == JOSE_JSON_STRING, "%s", cases[i].json);
		CHECKF(jose_json_string_eq(&doc, 0, cases[i].bytes, strlen(cases[i].bytes)),
			   "%s decoded to \"%s\"", cases[i].json, jose_json_text(&doc, 0));
		CHECKF(jose_json_text(&doc, 0)[doc.nodes[0].len] == '\0', "%s not terminated", cases[i].json);
	}
	jose_json_free(&doc);
}

/* Numbers keep their source text exactly. */
static void
numbers_keep_source_text(void)
{
	static const char *const nums[] = {"0", "-0", "1.50", "1E+10", "-0.0e-0", "1e400",
	"123456789012345678901234567890"};
	jose_json	doc;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
	{
		CHECKF(parse(&doc, nums[i]) == JOSE_OK, "%s", nums[i]);
		if (doc.n_nodes != 1)
			continue;
		CHECK(doc.nodes[0].type == JOSE_JSON_NUMBER);
		CHECK_STR(jose_json_text(&doc, 0), nums[i]);
		CHECK(doc.nodes[0].len == strlen(nums[i]));
	}
	jose_json_free(&doc);
}

/* Duplicate names in small objects (the pairwise path), raw and escaped. */
static void
duplicate_names_refused(void)
{
	static const char *const dups[] = {
		"{\"a\":1,\"a\":2}",
		"{\"a\":1,\"a\":1}",
		"{\"a\":1,\"b\":2,\"a\":3}",
		"{\"alg\":\"HS256\",\"\\u0061lg\":\"none\"}",
		"{\"\\u0061lg\":\"none\",\"alg\":\"HS256\"}",
		"{\"a/b\":1,\"a\\/b\":2}",
		"{\"\xC3\xA9\":1,\"\\u00e9\":2}",
		"{\"\\uD83D\\uDE00\":1,\"\xF0\x9F\x98\x80\":2}",
		"{\"\":1,\"\":2}",
		"{\"x\":{\"a\":1,\"a\":2}}",
		"[{\"a\":1},{\"b\":1,\"b\":2}]",
		"{\"a\":{\"c\":[1,{\"d\":2}]},\"b\":[],\"a\":null}",
	};
	jose_json	doc;
	jose_err	err;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(dups) / sizeof(dups[0]); i++)
	{
		CHECKF(parse_n(&doc, dups[i], strlen(dups[i]), &default_limits, &err) == JOSE_E_JSON,
			   "accepted: %s", dups[i]);
		CHECKF(strcmp(err.detail, "The payload is not valid JSON: duplicate member name.") == 0,
			   "%s: detail \"%s\"", dups[i], err.detail);
	}
	jose_json_free(&doc);
}

/* Build an object with n members "m0".."m<n-1>", member dup_of copied at the end. */
static char *
big_object(int n, int dup_of, bool escaped_dup, bool nested_values)
{
	size_t		cap = (size_t) n * 40 + 64;
	char	   *s = malloc(cap);
	size_t		len = 0;

	len += (size_t) snprintf(s + len, cap - len, "{");
	for (int i = 0; i < n; i++)
		len += (size_t) snprintf(s + len, cap - len, "%s\"m%d\":%s", i ? "," : "", i,
								 nested_values ? "{\"m0\":[1,{\"m0\":2}]}" : "1");
	if (dup_of >= 0)
	{
		if (escaped_dup)
			len += (size_t) snprintf(s + len, cap - len, ",\"\\u006d%d\":2", dup_of);
		else
			len += (size_t) snprintf(s + len, cap - len, ",\"m%d\":2", dup_of);
	}
	snprintf(s + len, cap - len, "}");
	return s;
}

/* Objects over 16 members take the sort-and-compare path. */
static void
duplicate_names_in_large_objects(void)
{
	static const int sizes[] = {15, 16, 17, 20, 100, 1000};
	jose_json	doc;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
	{
		int			n = sizes[i];
		char	   *s;

		for (int nested = 0; nested < 2; nested++)
		{
			s = big_object(n, -1, false, nested);
			CHECKF(parse(&doc, s) == JOSE_OK, "%d unique members (nested %d) refused", n, nested);
			if (doc.n_nodes > 0)
				CHECKF(doc.nodes[0].count == (uint32_t) n, "%d members counted as %u", n, doc.nodes[0].count);
			free(s);
			/* duplicate of the first, a middle and the last member */
			for (int which = 0; which < 3; which++)
			{
				int			d = which == 0 ? 0 : which == 1 ? n / 2 : n - 1;

				s = big_object(n, d, false, nested);
				CHECKF(parse(&doc, s) == JOSE_E_JSON, "%d members + dup of m%d accepted", n, d);
				free(s);
				s = big_object(n, d, true, nested);
				CHECKF(parse(&doc, s) == JOSE_E_JSON, "%d members + escaped dup of m%d accepted", n, d);
				free(s);
			}
		}
	}
	/* same length, different bytes, and prefixes: not duplicates */
	{
		char		s[2048];
		size_t		len = 0;

		len += (size_t) snprintf(s + len, sizeof(s) - len, "{");
		for (int i = 0; i < 40; i++)
			len += (size_t) snprintf(s + len, sizeof(s) - len, "%s\"%.*s\":%d", i ? "," : "",
									 i % 20 + 1, "abcdefghijklmnopqrstuvwxyz", i / 20 ? i : -i);
		snprintf(s + len, sizeof(s) - len, "}");
		/* prefixes of one string, each twice: 20 names duplicated */
		CHECKF(parse(&doc, s) == JOSE_E_JSON, "%s", s);

		len = 0;
		len += (size_t) snprintf(s + len, sizeof(s) - len, "{");
		for (int i = 0; i < 40; i++)
			len += (size_t) snprintf(s + len, sizeof(s) - len, "%s\"%c%.*s\":1", i ? "," : "",
									 'A' + i / 20, i % 20 + 1, "abcdefghijklmnopqrstuvwxyz");
		snprintf(s + len, sizeof(s) - len, "}");
		CHECKF(parse(&doc, s) == JOSE_OK, "%s", s);
	}
	jose_json_free(&doc);
}

/* Nesting: max_depth containers deep is fine, one more is JOSE_E_LIMIT. */
static void
depth_limit(void)
{
	jose_json	doc;
	jose_err	err;
	char		s[512];

	jose_json_init(&doc);
	for (uint32_t depth = 1; depth <= 40; depth++)
	{
		size_t		len = 0;

		for (uint32_t i = 0; i < depth; i++)
			s[len++] = (i % 2) ? '[' : '{', len += (i % 2) ? 0 : (size_t) sprintf(s + len, "\"k\":");
		s[len++] = '1';
		for (uint32_t i = depth; i-- > 0;)
			s[len++] = (i % 2) ? ']' : '}';
		s[len] = '\0';
		CHECKF(parse_n(&doc, s, len, &default_limits, &err) == (depth <= 32 ? JOSE_OK : JOSE_E_LIMIT),
			   "depth %u: %s", depth, err.detail);
		if (depth == 33)
			CHECK_STR(err.detail, "The payload nests JSON deeper than 32 levels.");
	}
	{
		jose_json_limits l0 = {0, 100},
					l1 = {1, 100};

		CHECK_STATUS(parse_n(&doc, "1", 1, &l0, &err), JOSE_OK);
		CHECK_STATUS(parse_n(&doc, "\"s\"", 3, &l0, &err), JOSE_OK);
		CHECK_STATUS(parse_n(&doc, "[]", 2, &l0, &err), JOSE_E_LIMIT);
		CHECK_STATUS(parse_n(&doc, "[1,2]", 5, &l1, &err), JOSE_OK);
		CHECK_STATUS(parse_n(&doc, "[[]]", 4, &l1, &err), JOSE_E_LIMIT);
		CHECK_STATUS(parse_n(&doc, "{\"a\":{}}", 8, &l1, &err), JOSE_E_LIMIT);
		CHECK_STATUS(parse_n(&doc, "[{},[],{}]", 10, &l1, &err), JOSE_E_LIMIT);
		/* siblings do not add up: depth is nesting, not count */
		CHECK_STATUS(parse_n(&doc, "[[],[],[]]", 10, &(jose_json_limits) {2, 100}, &err), JOSE_OK);
	}
	/* a deep document is refused without exhausting the stack */
	{
		size_t		n = 100000;
		char	   *deep = malloc(n);

		memset(deep, '[', n);
		CHECK_STATUS(parse_n(&doc, deep, n, &default_limits, &err), JOSE_E_LIMIT);
		free(deep);
	}
	jose_json_free(&doc);
}

/* Node count: max_nodes values are fine, one more is JOSE_E_LIMIT. */
static void
node_limit(void)
{
	jose_json	doc;
	jose_err	err;
	jose_json_limits l3 = {32, 3},
				l5 = {32, 5};

	jose_json_init(&doc);
	CHECK_STATUS(parse_n(&doc, "[1,2]", 5, &l3, &err), JOSE_OK);
	CHECK(doc.n_nodes == 3);
	CHECK_STATUS(parse_n(&doc, "[1,2,3]", 7, &l3, &err), JOSE_E_LIMIT);
	CHECK_STR(err.detail, "The payload has more than 3 JSON values.");
	CHECK_STATUS(parse_n(&doc, "{\"a\":1}", 7, &l3, &err), JOSE_OK);
	CHECK_STATUS(parse_n(&doc, "{\"a\":1,\"b\":2}", 13, &l5, &err), JOSE_OK);
	CHECK_STATUS(parse_n(&doc, "{\"a\":1,\"b\":[]}", 14, &l5, &err), JOSE_OK);
	CHECK_STATUS(parse_n(&doc, "{\"a\":1,\"b\":[0]}", 15, &l5, &err), JOSE_E_LIMIT);
	CHECK_STATUS(parse_n(&doc, "{\"a\":1,\"b\":2,\"c\":3}", 19, &l5, &err), JOSE_E_LIMIT);
	/* the default limit */
	{
		size_t		n = 10000;
		char	   *s = malloc(2 * n + 2);
		size_t		len = 0;

		s[len++] = '[';
		for (size_t i = 0; i < n - 1; i++)
		{
			s[len++] = '0';
			s[len++] = ',';
		}
		s[len - 1] = ']';		/* 1 array + 9999 numbers = 10000 values */
		CHECK_STATUS(parse_n(&doc, s, len, &default_limits, &err), JOSE_OK);
		CHECK(doc.n_nodes == 10000);
		s[len - 1] = ',';
		s[len++] = '0';
		s[len++] = ']';
		CHECK_STATUS(parse_n(&doc, s, len, &default_limits, &err), JOSE_E_LIMIT);
		free(s);
	}
	jose_json_free(&doc);
}

/* jose_json_member, node.next and string comparison over a nested tree. */
static void
tree_navigation(void)
{
	const char *text =
		"{\"a\":1,\"b\":{\"c\":[1,2,{\"d\":\"x\"}],\"e\":{}},\"ab\":\"f\",\"\\u0067\":true,\"n\":null}";
	jose_json	doc;
	uint32_t	a,
				b,
				c,
				d,
				ab,
				g;

	jose_json_init(&doc);
	CHECK_STATUS(parse(&doc, text), JOSE_OK);
	if (doc.n_nodes == 0)
	{
		jose_json_free(&doc);
		return;
	}
	CHECK(doc.nodes[0].type == JOSE_JSON_OBJECT);
	CHECK(doc.nodes[0].count == 5);
	CHECK(doc.nodes[0].next == doc.n_nodes);

	a = jose_json_member(&doc, 0, "a");
	CHECK(a != JOSE_JSON_NONE && doc.nodes[a].type == JOSE_JSON_NUMBER);
	CHECK(a != JOSE_JSON_NONE && strcmp(jose_json_text(&doc, a), "1") == 0);

	b = jose_json_member(&doc, 0, "b");
	CHECK(b != JOSE_JSON_NONE && doc.nodes[b].type == JOSE_JSON_OBJECT && doc.nodes[b].count == 2);
	c = jose_json_member(&doc, b, "c");
	CHECK(c != JOSE_JSON_NONE && doc.nodes[c].type == JOSE_JSON_ARRAY && doc.nodes[c].count == 3);
	if (c != JOSE_JSON_NONE)
	{
		/* third element via next jumps */
		uint32_t	e = c + 1;

		e = doc.nodes[e].next;
		e = doc.nodes[e].next;
		CHECK(doc.nodes[e].type == JOSE_JSON_OBJECT);
		d = jose_json_member(&doc, e, "d");
		CHECK(d != JOSE_JSON_NONE && jose_json_string_eq(&doc, d, "x", 1));
		CHECK(doc.nodes[c].next == doc.nodes[e].next);
	}
	CHECK(jose_json_member(&doc, 0, "c") == JOSE_JSON_NONE);	/* not a top-level name */
	CHECK(jose_json_member(&doc, 0, "d") == JOSE_JSON_NONE);
	ab = jose_json_member(&doc, 0, "ab");
	CHECK(ab != JOSE_JSON_NONE && jose_json_string_eq(&doc, ab, "f", 1));
	CHECK(ab != JOSE_JSON_NONE && !jose_json_string_eq(&doc, ab, "f\0", 2));
	CHECK(ab != JOSE_JSON_NONE && !jose_json_string_eq(&doc, ab, "", 0));
	g = jose_json_member(&doc, 0, "g");	/* the name was escaped */
	CHECK(g != JOSE_JSON_NONE && doc.nodes[g].type == JOSE_JSON_TRUE);
	CHECK(jose_json_member(&doc, 0, "n") != JOSE_JSON_NONE);
	CHECK(jose_json_member(&doc, 0, "") == JOSE_JSON_NONE);
	CHECK(jose_json_member(&doc, 0, "A") == JOSE_JSON_NONE);
	CHECK(jose_json_member(&doc, 0, "abc") == JOSE_JSON_NONE);
	/* member of a non-object, or of a node out of range */
	CHECK(jose_json_member(&doc, a, "a") == JOSE_JSON_NONE);
	if (c != JOSE_JSON_NONE)
		CHECK(jose_json_member(&doc, c, "a") == JOSE_JSON_NONE);
	CHECK(jose_json_member(&doc, doc.n_nodes, "a") == JOSE_JSON_NONE);
	CHECK(jose_json_member(&doc, JOSE_JSON_NONE, "a") == JOSE_JSON_NONE);
	/* string_eq on a number, and out of range */
	CHECK(!jose_json_string_eq(&doc, a, "1", 1));
	CHECK(!jose_json_string_eq(&doc, doc.n_nodes, "1", 1));
	jose_json_free(&doc);
}

/* A document's storage is reused; a failed parse leaves no nodes behind. */
static void
reuse_and_failure_reset(void)
{
	jose_json	doc;
	char	   *big = big_object(200, -1, false, true);

	jose_json_init(&doc);
	CHECK_STATUS(parse(&doc, big), JOSE_OK);
	CHECK_STATUS(parse(&doc, "{\"x\":2}"), JOSE_OK);
	CHECK(doc.n_nodes == 3);
	CHECK(jose_json_member(&doc, 0, "m0") == JOSE_JSON_NONE);
	CHECK_STATUS(parse(&doc, "{\"x\":2,}"), JOSE_E_JSON);
	CHECK(doc.n_nodes == 0);
	CHECK(jose_json_member(&doc, 0, "x") == JOSE_JSON_NONE);
	free(big);
	jose_json_free(&doc);
	CHECK(doc.nodes == NULL && doc.text == NULL && doc.n_nodes == 0);
}

/* Write node 0 of text compactly into a fresh string (caller frees). */
static char *
rewrite(const char *text)
{
	jose_json	doc;
	jose_buf	out = {0};
	char	   *s = NULL;

	jose_json_init(&doc);
	if (parse(&doc, text) == JOSE_OK)
	{
		jose_json_write_node(&out, &doc, 0);
		if (!out.failed)
			s = strndup(out.data, out.len);
	}
	jose_buf_free(&out);
	jose_json_free(&doc);
	return s;
}

/* The writer emits compact JSON that parses back to the same text. */
static void
writer_round_trip(void)
{
	static const struct
	{
		const char *in;
		const char *out;
	}			cases[] = {
		{" { \"a\" : [ 1 , 2.50 , -0 , 1e5 ] , \"b\" : \"x\\\"y\" } ", "{\"a\":[1,2.50,-0,1e5],\"b\":\"x\\\"y\"}"},
		{"[true,false,null,{},[]]", "[true,false,null,{},[]]"},
		{"\"\\/\"", "\"/\""},
		{"\"\\u00e9\\u20ac\"", "\"\xC3\xA9\xE2\x82\xAC\""},
		{"\"\\uD83D\\uDE00\"", "\"\xF0\x9F\x98\x80\""},
		{"\"\\b\\f\\n\\r\\t\\\\\\\"\"", "\"\\b\\f\\n\\r\\t\\\\\\\"\""},
		{"\"\\u0001\\u001f\\u001F\\u000b\"", "\"\\u0001\\u001f\\u001f\\u000b\""},
		{"\"\\u007f\"", "\"\x7F\""},
		{"{\"\\u0061\":{\"b\":[{\"c\":[]}]}}", "{\"a\":{\"b\":[{\"c\":[]}]}}"},
		{"{}", "{}"}, {"[]", "[]"}, {"\"\"", "\"\""}, {"0", "0"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *once = rewrite(cases[i].in);
		char	   *twice = once ? rewrite(once) : NULL;

		CHECKF(once != NULL && strcmp(once, cases[i].out) == 0, "%s -> %s", cases[i].in,
			   once ? once : "(parse failed)");
		CHECKF(twice != NULL && once != NULL && strcmp(once, twice) == 0, "%s not stable", cases[i].in);
		free(once);
		free(twice);
	}
	/* every control character written by jose_json_write_string parses back to itself */
	{
		char		raw[32];
		jose_buf	out = {0};
		jose_json	doc;

		for (int c = 1; c < 32; c++)
			raw[c - 1] = (char) c;
		raw[31] = '"';
		jose_json_write_string(&out, raw, 32);
		jose_json_init(&doc);
		CHECK(!out.failed && parse_n(&doc, out.data, out.len, &default_limits, &(jose_err) {0}) == JOSE_OK);
		CHECK(doc.n_nodes == 1 && jose_json_string_eq(&doc, 0, raw, 32));
		jose_json_free(&doc);
		jose_buf_free(&out);
	}
}

/*
 * doc->compact: set when the text had no whitespace between tokens and no
 * escape, so a glue may return the text as it came instead of writing the
 * tree; whenever it is set the writer's output is the input, byte for byte.
 */
static void
compact_flag_means_written_form(void)
{
	static const struct
	{
		const char *in;
		bool		compact;
	}			cases[] = {
		{"{\"sub\":\"a b\",\"n\":[1,2.50,-0,1e5,true,null],\"o\":{}}", true},
		{"\"\xC3\xA9 \t?\"", false},	/* a tab inside a string is a control character: refused */
		{"\"\xC3\xA9 x\"", true},		/* a space inside a string is no whitespace between tokens */
		{"[]", true}, {"0", true}, {"\"\"", true},
		{" {}", false}, {"{} ", false}, {"{\"a\" :1}", false}, {"{\"a\": 1}", false},
		{"[1,\n2]", false}, {"[1 ,2]", false}, {"{\"a\":1\r}", false},
		{"\"\\/\"", false}, {"{\"\\u0061\":1}", false}, {"\"\\u0001\"", false},
	};
	jose_json	doc;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		jose_status st = parse(&doc, cases[i].in);

		if (strchr(cases[i].in, '\t') != NULL)
		{
			CHECKF(st == JOSE_E_JSON && !doc.compact, "%s", cases[i].in);
			continue;
		}
		CHECKF(st == JOSE_OK && doc.compact == cases[i].compact, "%s: compact %d", cases[i].in,
			   (int) doc.compact);
		if (st == JOSE_OK && doc.compact)
		{
			char	   *out = rewrite(cases[i].in);

			CHECKF(out != NULL && strcmp(out, cases[i].in) == 0, "%s written as %s", cases[i].in,
				   out ? out : "(nothing)");
			free(out);
		}
	}
	/* a failed parse after a compact one does not keep the flag */
	CHECK(parse(&doc, "{\"a\":1}") == JOSE_OK && doc.compact);
	CHECK(parse(&doc, "{\"a\":1,}") == JOSE_E_JSON && !doc.compact);
	jose_json_free(&doc);
}

void
suite_json(void)
{
	RUN(accepts_valid_documents);
	RUN(refuses_invalid_documents);
	RUN(escapes_decode_exactly);
	RUN(numbers_keep_source_text);
	RUN(duplicate_names_refused);
	RUN(duplicate_names_in_large_objects);
	RUN(depth_limit);
	RUN(node_limit);
	RUN(tree_navigation);
	RUN(reuse_and_failure_reset);
	RUN(writer_round_trip);
	RUN(compact_flag_means_written_form);
}
