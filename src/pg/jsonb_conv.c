/*-------------------------------------------------------------------------
 *
 * jsonb_conv.c
 *		Between the core's JSON trees and PostgreSQL jsonb.
 *
 * Claims arrive already parsed (and checked) by the core.  Running them
 * through jsonb_in would lex the payload a second time, and jsonb_in is
 * the largest single cost of a verification; instead the tree is written
 * as a jsonb directly: the binary form PostgreSQL stores (see utils/jsonb.h),
 * byte for byte what jsonb_in makes of the same text.  Numbers go through
 * numeric_in exactly as jsonb_in would send them (plain integers through
 * int64_to_numeric, which gives the same numeric).
 *
 * Going through pushJsonbValue would work too, and did until 0.2.0: it
 * builds a JsonbValue tree (allocations per container, a sort of each
 * object's pairs) that JsonbValueToJsonb then serialises; writing the
 * binary form from the core's tree, which already knows every count, costs
 * a third of that.  The pushJsonbValue path stays for what the direct
 * writer does not take (an object with a repeated name, which the core's
 * reader never produces) and as the reference of the differential test
 * (token_ext_test_jsonb_build below, sql/jsonb_build.sql).
 *
 * src/pg/jsonb_conv.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdlib.h>
#include <string.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

typedef struct tree_state
{
	const jose_json *doc;
	JsonbParseState *ps;
	JsonbValue *result;			/* the value the last END push returned */
	bool		utf8_db;
	jose_err   *err;
} tree_state;

/*
 * True when a JSON number's magnitude fits numeric (which errors beyond
 * about 10^131072); decided from the exponent without converting.
 */
static bool
number_in_numeric_range(const char *s)
{
	const char *e = strpbrk(s, "eE");
	long		exp10;

	if (e == NULL)
		return true;
	exp10 = strtol(e + 1, NULL, 10);
	return exp10 > -16000 && exp10 < 100000;
}

/* Make a jsonb scalar from node i; false (err set) if it cannot be stored. */
static bool
node_to_scalar(tree_state *st, uint32_t i, JsonbValue *v)
{
	const jose_jnode *n = &st->doc->nodes[i];
	const char *text = jose_json_text(st->doc, i);

	switch ((jose_jtype) n->type)
	{
		case JOSE_JSON_NULL:
			v->type = jbvNull;
			return true;
		case JOSE_JSON_FALSE:
		case JOSE_JSON_TRUE:
			v->type = jbvBool;
			v->val.boolean = (n->type == JOSE_JSON_TRUE);
			return true;
		case JOSE_JSON_NUMBER:
			if (!number_in_numeric_range(text))
			{
				jose_fail(st->err, JOSE_E_JSON,
						  "A number in the JSON is out of the range of type numeric.");
				return false;
			}
			v->type = jbvNumeric;
			if (n->len <= 18 && strspn(text + (text[0] == '-'), "0123456789") == n->len - (text[0] == '-'))
			{
				/* a plain integer (most claims: exp, iat, ids): no text parsing needed */
				v->val.numeric = int64_to_numeric(strtoll(text, NULL, 10));
				return true;
			}
			v->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																 CStringGetDatum(text),
																 ObjectIdGetDatum(InvalidOid),
																 Int32GetDatum(-1)));
			return true;
		case JOSE_JSON_STRING:
			v->type = jbvString;
			if (st->utf8_db)
			{
				v->val.string.val = (char *) text;
				v->val.string.len = (int) n->len;
				return true;
			}
			for (uint32_t k = 0; k < n->len; k++)
			{
				if ((unsigned char) text[k] >= 0x80)
				{
					/* a conversion failure would raise; report it softly instead */
					jose_fail(st->err, JOSE_E_JSON,
							  "The JSON holds non-ASCII text and the database encoding is not UTF8.");
					return false;
				}
			}
			v->val.string.val = (char *) text;
			v->val.string.len = (int) n->len;
			return true;
		default:
			break;
	}
	elog(ERROR, "unexpected JSON node type %d", n->type);
	return false;
}

/* Push node i (and its subtree) into the jsonb being built. */
static bool
push_node(tree_state *st, uint32_t i, JsonbIteratorToken as)
{
	const jose_jnode *n = &st->doc->nodes[i];
	JsonbValue	v;
	uint32_t	c = i + 1;

	check_stack_depth();
	if (n->type == JOSE_JSON_OBJECT)
	{
		pushJsonbValue(&st->ps, WJB_BEGIN_OBJECT, NULL);
		for (uint32_t k = 0; k < n->count; k++)
		{
			if (!node_to_scalar(st, c, &v))
				return false;
			pushJsonbValue(&st->ps, WJB_KEY, &v);
			if (!push_node(st, c + 1, WJB_VALUE))
				return false;
			c = st->doc->nodes[c + 1].next;
		}
		st->result = pushJsonbValue(&st->ps, WJB_END_OBJECT, NULL);
		return true;
	}
	if (n->type == JOSE_JSON_ARRAY)
	{
		pushJsonbValue(&st->ps, WJB_BEGIN_ARRAY, NULL);
		for (uint32_t k = 0; k < n->count; k++)
		{
			if (!push_node(st, c, WJB_ELEM))
				return false;
			c = st->doc->nodes[c].next;
		}
		st->result = pushJsonbValue(&st->ps, WJB_END_ARRAY, NULL);
		return true;
	}
	if (!node_to_scalar(st, i, &v))
		return false;
	if (as == WJB_DONE)
	{
		/* a top-level scalar is stored as a one-element raw-scalar array */
		JsonbValue	arr;

		arr.type = jbvArray;
		arr.val.array.rawScalar = true;
		arr.val.array.nElems = 1;
		pushJsonbValue(&st->ps, WJB_BEGIN_ARRAY, &arr);
		pushJsonbValue(&st->ps, WJB_ELEM, &v);
		st->result = pushJsonbValue(&st->ps, WJB_END_ARRAY, NULL);
		return true;
	}
	pushJsonbValue(&st->ps, as, &v);
	return true;
}

/* A jsonb from a core JSON tree through pushJsonbValue (the reference path). */
static jose_status
tree_to_jsonb_pushed(const jose_json *doc, Jsonb **out, jose_err *err)
{
	tree_state	st;

	st.doc = doc;
	st.ps = NULL;
	st.result = NULL;
	st.utf8_db = (GetDatabaseEncoding() == PG_UTF8);
	st.err = err;
	if (!push_node(&st, 0, WJB_DONE))
		return err->status;
	*out = JsonbValueToJsonb(st.result);
	return JOSE_OK;
}

/* The jsonb being written: a varlena that grows as needed. */
typedef struct jb_writer
{
	char	   *data;
	uint32		len;
	uint32		cap;
} jb_writer;

/* Outcomes of the direct writer. */
typedef enum
{
	WRITE_OK,
	WRITE_FAILED,				/* err says why (as the pushJsonbValue path would) */
	WRITE_FALLBACK				/* a repeated name: leave it to pushJsonbValue */
} write_result;

/* Make room for n more bytes. */
static inline void
jb_reserve(jb_writer *w, uint32 n)
{
	if ((uint64) w->len + n > w->cap)
	{
		uint64		cap = (uint64) w->cap * 2;

		while (cap < (uint64) w->len + n)
			cap *= 2;
		if (cap > MaxAllocSize)
			cap = MaxAllocSize;
		if ((uint64) w->len + n > cap)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("out of memory"),
					 errdetail("Cannot enlarge the jsonb buffer containing %u bytes by %u more bytes.",
							   w->len, n)));
		w->data = repalloc(w->data, (Size) cap);
		w->cap = (uint32) cap;
	}
}

/* Reserve n bytes at the end; their offset. */
static inline uint32
jb_take(jb_writer *w, uint32 n)
{
	uint32		off;

	jb_reserve(w, n);
	off = w->len;
	w->len += n;
	return off;
}

/* Append n bytes. */
static inline void
jb_append(jb_writer *w, const void *data, uint32 n)
{
	uint32		off = jb_take(w, n);

	memcpy(w->data + off, data, n);
}

/* Pad with zero bytes to a 4-byte boundary; the number of bytes added. */
static inline uint32
jb_pad_int(jb_writer *w)
{
	uint32		pad = INTALIGN(w->len) - w->len;

	if (pad > 0)
		memset(w->data + jb_take(w, pad), 0, pad);
	return pad;
}

/* Store entry as the k-th JEntry of the array at offset at. */
static inline void
jb_set_entry(jb_writer *w, uint32 at, uint32 k, JEntry entry)
{
	memcpy(w->data + at + k * sizeof(JEntry), &entry, sizeof(JEntry));
}

/* Raise as convertJsonbArray/Object do when a container outgrows a JEntry. */
static void
check_total_length(uint32 totallen, bool object)
{
	if (totallen > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("total size of jsonb %s elements exceeds the maximum of %u bytes",
						object ? "object" : "array", JENTRY_OFFLENMASK)));
}

/* Write scalar v as jsonb's convertJsonbScalar does; its JEntry. */
static JEntry
write_scalar(jb_writer *w, const JsonbValue *v)
{
	uint32		numlen;
	uint32		pad;

	switch (v->type)
	{
		case jbvNull:
			return JENTRY_ISNULL;
		case jbvBool:
			return v->val.boolean ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
		case jbvString:
			jb_append(w, v->val.string.val, (uint32) v->val.string.len);
			return (JEntry) v->val.string.len;
		case jbvNumeric:
			/* never from JSON text, but convertJsonbScalar's rule all the same */
			if (numeric_is_nan(v->val.numeric))
			{
				jb_append(w, "NaN", 3);
				return 3;
			}
			numlen = VARSIZE_ANY(v->val.numeric);
			pad = jb_pad_int(w);
			jb_append(w, v->val.numeric, numlen);
			return JENTRY_ISNUMERIC | (pad + numlen);
		default:
			elog(ERROR, "unexpected jsonb scalar type %d", v->type);
	}
	return 0;
}

/*
 * numeric's on-disk short format (utils/adt/numeric.c: NumericShort and
 * make_result): after the varlena header, a 16-bit header holding the
 * format flag, the sign, the display scale and the weight, then the
 * base-10000 digits, most significant first, without leading or trailing
 * zero digits.
 */
#define NUMERIC_SHORT_FLAG 0x8000
#define NUMERIC_SHORT_NEGATIVE 0x2000
#define NUMERIC_SHORT_WEIGHT_NEGATIVE 0x0040
#define NUMERIC_SHORT_WEIGHT_BITS 0x003F

/* True when the number node's text is a plain integer numeric handles as one (see node_to_scalar). */
static inline bool
plain_integer(const char *text, uint32 len)
{
	uint32		k = (text[0] == '-');

	if (len > 18 || k >= len)
		return false;
	for (; k < len; k++)
		if (text[k] < '0' || text[k] > '9')
			return false;
	return true;
}

/*
 * Write the numeric that numeric_in makes of a plain integer of at most 18
 * characters (at most five base-10000 digits, display scale 0, so always
 * the short format), as convertJsonbScalar stores it; its JEntry.  The
 * exp, iat and nbf of every token take this path: it saves strtoll,
 * int64_to_numeric's allocation and its arithmetic.
 */
static JEntry
write_integer(jb_writer *w, const char *text, uint32 len)
{
	bool		negative = (text[0] == '-');
	const char *d = text + negative;
	uint32		nd = len - negative;
	int16		group[5];
	int			ng = (int) (nd + 3) / 4;
	int			weight = ng - 1;
	int			first = 0;
	int			n = ng;
	uint32		k = 0;
	uint16		header;
	uint32		numlen;
	uint32		pad;
	char	   *p;

	/* base-10000 digits; the first takes what is left over from fours */
	for (int g = 0; g < ng; g++)
	{
		int			take = (g == 0) ? (int) (nd - 4 * (ng - 1)) : 4;
		int			v = 0;

		while (take-- > 0)
			v = v * 10 + (d[k++] - '0');
		group[g] = (int16) v;
	}
	/* make_result: drop leading then trailing zero digits; zero is positive, weight 0 */
	while (n > 0 && group[first] == 0)
	{
		first++;
		weight--;
		n--;
	}
	while (n > 0 && group[first + n - 1] == 0)
		n--;
	if (n == 0)
	{
		weight = 0;
		negative = false;
	}
	header = NUMERIC_SHORT_FLAG | (negative ? NUMERIC_SHORT_NEGATIVE : 0) |
		(weight < 0 ? NUMERIC_SHORT_WEIGHT_NEGATIVE : 0) | (weight & NUMERIC_SHORT_WEIGHT_BITS);

	numlen = VARHDRSZ + sizeof(uint16) + n * sizeof(int16);
	pad = jb_pad_int(w);
	p = w->data + jb_take(w, numlen);
	SET_VARSIZE(p, numlen);
	memcpy(p + VARHDRSZ, &header, sizeof(uint16));
	memcpy(p + VARHDRSZ + sizeof(uint16), &group[first], n * sizeof(int16));
	return JENTRY_ISNUMERIC | (pad + numlen);
}

/*
 * Write string node i (a member name or a value) as its bytes; its JEntry,
 * or false (err set) where node_to_scalar would refuse it.
 */
static inline bool
write_string(tree_state *st, jb_writer *w, uint32_t i, JEntry *entry)
{
	const char *text = jose_json_text(st->doc, i);
	uint32		len = st->doc->nodes[i].len;

	if (!st->utf8_db)
	{
		JsonbValue	v;

		if (!node_to_scalar(st, i, &v))
			return false;
	}
	jb_append(w, text, len);
	*entry = (JEntry) len;		/* JENTRY_ISSTRING is 0 */
	return true;
}

/* A member of an object being written, for sorting by name. */
typedef struct member_ref
{
	const char *name;
	uint32		len;
	uint32		node;			/* the name's node; the value is node + 1 */
} member_ref;

/* jsonb's order of object keys: by length, then bytes (lengthCompareJsonbString). */
static int
compare_members(const void *a, const void *b)
{
	const member_ref *x = a;
	const member_ref *y = b;

	if (x->len != y->len)
		return x->len > y->len ? 1 : -1;
	/* claim names are short: compare them here rather than call memcmp */
	if (x->len <= 16)
	{
		for (uint32 k = 0; k < x->len; k++)
			if (x->name[k] != y->name[k])
				return (unsigned char) x->name[k] < (unsigned char) y->name[k] ? -1 : 1;
		return 0;
	}
	return memcmp(x->name, y->name, x->len);
}

/* Sort an object's n members into jsonb's key order; false if a name repeats. */
static bool
sort_members(member_ref *m, uint32 n)
{
	if (n <= 16)
	{
		/* insertion sort: objects in tokens are small */
		for (uint32 k = 1; k < n; k++)
		{
			member_ref	x = m[k];
			uint32		j = k;

			while (j > 0 && compare_members(&m[j - 1], &x) > 0)
			{
				m[j] = m[j - 1];
				j--;
			}
			m[j] = x;
		}
	}
	else
		qsort(m, n, sizeof(member_ref), compare_members);
	for (uint32 k = 1; k < n; k++)
		if (compare_members(&m[k - 1], &m[k]) == 0)
			return false;
	return true;
}

static write_result write_node(tree_state *st, jb_writer *w, uint32_t i, JEntry *entry);

/*
 * Write the array at node i (or, raw_scalar, the one-element array that
 * holds a top-level scalar i) as convertJsonbArray does.
 */
static write_result
write_array(tree_state *st, jb_writer *w, uint32_t i, bool raw_scalar, JEntry *entry)
{
	const jose_json *doc = st->doc;
	uint32		count = raw_scalar ? 1 : doc->nodes[i].count;
	uint32		base = w->len;
	uint32		header = count | JB_FARRAY | (raw_scalar ? JB_FSCALAR : 0);
	uint32		entries;
	uint32		totallen = 0;
	uint32		c = raw_scalar ? i : i + 1;

	jb_pad_int(w);
	jb_append(w, &header, sizeof(header));
	entries = jb_take(w, sizeof(JEntry) * count);
	for (uint32 k = 0; k < count; k++)
	{
		JEntry		meta;
		write_result r = write_node(st, w, c, &meta);

		if (r != WRITE_OK)
			return r;
		totallen += JBE_OFFLENFLD(meta);
		check_total_length(totallen, false);
		if (k % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		jb_set_entry(w, entries, k, meta);
		c = doc->nodes[c].next;
	}
	totallen = w->len - base;
	check_total_length(totallen, false);
	*entry = JENTRY_ISCONTAINER | totallen;
	return WRITE_OK;
}

/* Write the object at node i as convertJsonbObject does: keys sorted, then values. */
static write_result
write_object(tree_state *st, jb_writer *w, uint32_t i, JEntry *entry)
{
	const jose_json *doc = st->doc;
	uint32		count = doc->nodes[i].count;
	uint32		base = w->len;
	uint32		header = count | JB_FOBJECT;
	uint32		entries;
	uint32		totallen = 0;
	member_ref	small[16];
	member_ref *m = count <= 16 ? small : palloc(sizeof(member_ref) * count);
	uint32		c = i + 1;

	for (uint32 k = 0; k < count; k++)
	{
		m[k].name = jose_json_text(doc, c);
		m[k].len = doc->nodes[c].len;
		m[k].node = c;
		c = doc->nodes[c + 1].next;
	}
	if (!sort_members(m, count))
		return WRITE_FALLBACK;

	jb_pad_int(w);
	jb_append(w, &header, sizeof(header));
	entries = jb_take(w, sizeof(JEntry) * count * 2);
	for (uint32 k = 0; k < count; k++)
	{
		JEntry		meta;

		if (!write_string(st, w, m[k].node, &meta))
			return WRITE_FAILED;
		totallen += JBE_OFFLENFLD(meta);
		check_total_length(totallen, true);
		if (k % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		jb_set_entry(w, entries, k, meta);
	}
	for (uint32 k = 0; k < count; k++)
	{
		JEntry		meta;
		write_result r = write_node(st, w, m[k].node + 1, &meta);

		if (r != WRITE_OK)
			return r;
		totallen += JBE_OFFLENFLD(meta);
		check_total_length(totallen, true);
		if ((k + count) % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | totallen | JENTRY_HAS_OFF;
		jb_set_entry(w, entries, count + k, meta);
	}
	if (m != small)
		pfree(m);
	totallen = w->len - base;
	check_total_length(totallen, true);
	*entry = JENTRY_ISCONTAINER | totallen;
	return WRITE_OK;
}

/* Write node i (any value inside a container); its JEntry. */
static write_result
write_node(tree_state *st, jb_writer *w, uint32_t i, JEntry *entry)
{
	JsonbValue	v;

	switch ((jose_jtype) st->doc->nodes[i].type)
	{
		case JOSE_JSON_OBJECT:
			check_stack_depth();
			return write_object(st, w, i, entry);
		case JOSE_JSON_ARRAY:
			check_stack_depth();
			return write_array(st, w, i, false, entry);
		case JOSE_JSON_STRING:
			return write_string(st, w, i, entry) ? WRITE_OK : WRITE_FAILED;
		case JOSE_JSON_NUMBER:
			if (plain_integer(jose_json_text(st->doc, i), st->doc->nodes[i].len))
			{
				*entry = write_integer(w, jose_json_text(st->doc, i), st->doc->nodes[i].len);
				return WRITE_OK;
			}
			/* FALLTHROUGH */
		default:
			if (!node_to_scalar(st, i, &v))
				return WRITE_FAILED;
			*entry = write_scalar(w, &v);
			return WRITE_OK;
	}
}

/* A jsonb from a core JSON tree, written directly; WRITE_FALLBACK leaves *out unset. */
static write_result
tree_to_jsonb_direct(const jose_json *doc, Jsonb **out, jose_err *err)
{
	tree_state	st;
	jb_writer	w;
	JEntry		root;
	write_result r;
	uint8		type = doc->nodes[0].type;

	st.doc = doc;
	st.ps = NULL;
	st.result = NULL;
	st.utf8_db = (GetDatabaseEncoding() == PG_UTF8);
	st.err = err;

	/* enough for the usual document: its text, four bytes per node and padding */
	w.cap = (uint32) Min((uint64) VARHDRSZ + doc->text_len + 16 * (uint64) doc->n_nodes + 16,
						 (uint64) MaxAllocSize);
	w.data = palloc(w.cap);
	w.len = VARHDRSZ;

	/* the root's own JEntry is dropped: its container header says what it is */
	if (type == JOSE_JSON_OBJECT)
		r = write_object(&st, &w, 0, &root);
	else if (type == JOSE_JSON_ARRAY)
		r = write_array(&st, &w, 0, false, &root);
	else
		r = write_array(&st, &w, 0, true, &root);
	if (r != WRITE_OK)
	{
		pfree(w.data);
		return r;
	}
	SET_VARSIZE(w.data, w.len);
	*out = (Jsonb *) w.data;
	return WRITE_OK;
}

/* Build a jsonb from a core JSON tree. */
jose_status
glue_tree_to_jsonb(const jose_json *doc, Jsonb **out, jose_err *err)
{
	switch (tree_to_jsonb_direct(doc, out, err))
	{
		case WRITE_OK:
			return JOSE_OK;
		case WRITE_FAILED:
			return err->status;
		case WRITE_FALLBACK:
			break;
	}
	return tree_to_jsonb_pushed(doc, out, err);
}

PG_FUNCTION_INFO_V1(token_ext_test_jsonb_build);

/*
 * Test support, not part of the extension's SQL (sql/jsonb_build.sql
 * declares it in pg_temp): read a JSON text with the core, build its jsonb
 * with the direct writer, with pushJsonbValue and with jsonb_in, and say
 * whether the three agree byte for byte ('same'), which differs, or why the
 * core refused the text ('refused: ...').
 */
Datum
token_ext_test_jsonb_build(PG_FUNCTION_ARGS)
{
	text	   *arg = PG_GETARG_TEXT_PP(0);
	char	   *json = text_to_cstring(arg);
	jose_json	doc;
	jose_json_limits jl;
	jose_limits limits = glue_limits();
	jose_err	err;
	Jsonb	   *direct;
	Jsonb	   *pushed;
	Jsonb	   *parsed;
	jose_status st;
	const char *result = "same";

	jl.max_depth = limits.max_json_depth;
	jl.max_nodes = limits.max_json_values;
	jose_json_init(&doc);
	jose_err_clear(&err);
	st = jose_json_parse(&doc, json, strlen(json), &jl, "payload", &err);
	if (st == JOSE_OK)
		st = glue_tree_to_jsonb(&doc, &direct, &err);
	if (st == JOSE_OK)
		st = tree_to_jsonb_pushed(&doc, &pushed, &err);
	jose_json_free(&doc);
	if (st != JOSE_OK)
		PG_RETURN_TEXT_P(cstring_to_text(psprintf("refused: %s", err.detail)));

	parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	if (VARSIZE(direct) != VARSIZE(pushed) || memcmp(direct, pushed, VARSIZE(direct)) != 0)
		result = "differs from pushJsonbValue";
	else if (VARSIZE(direct) != VARSIZE(parsed) || memcmp(direct, parsed, VARSIZE(direct)) != 0)
		result = "differs from jsonb_in";
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/* Append a jsonb scalar as JSON text. */
static void
scalar_to_text(JsonbValue *v, jose_buf *buf)
{
	switch (v->type)
	{
		case jbvNull:
			jose_buf_puts(buf, "null");
			break;
		case jbvBool:
			jose_buf_puts(buf, v->val.boolean ? "true" : "false");
			break;
		case jbvNumeric:
			jose_buf_puts(buf, DatumGetCString(DirectFunctionCall1(numeric_out,
																   NumericGetDatum(v->val.numeric))));
			break;
		case jbvString:
			{
				/* JOSE text is UTF-8 whatever the database encoding */
				char	   *utf8 = pg_server_to_any(v->val.string.val, v->val.string.len, PG_UTF8);
				size_t		len = (utf8 == v->val.string.val) ? (size_t) v->val.string.len : strlen(utf8);

				jose_json_write_string(buf, utf8, len);
				break;
			}
		default:
			elog(ERROR, "unexpected jsonb value type %d", v->type);
	}
}

/* Append jsonb as compact UTF-8 JSON text to buf. */
void
glue_jsonb_to_text(Jsonb *jb, jose_buf *buf)
{
	JsonbIterator *it = JsonbIteratorInit(&jb->root);
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		first = true;	/* no comma before the next item */
	bool		raw_scalar = false;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				if (v.val.array.rawScalar)
				{
					raw_scalar = true;
					break;
				}
				if (!first)
					jose_buf_putc(buf, ',');
				jose_buf_putc(buf, '[');
				first = true;
				break;
			case WJB_BEGIN_OBJECT:
				if (!first)
					jose_buf_putc(buf, ',');
				jose_buf_putc(buf, '{');
				first = true;
				break;
			case WJB_END_ARRAY:
				if (!raw_scalar)
					jose_buf_putc(buf, ']');
				first = false;
				break;
			case WJB_END_OBJECT:
				jose_buf_putc(buf, '}');
				first = false;
				break;
			case WJB_KEY:
				if (!first)
					jose_buf_putc(buf, ',');
				scalar_to_text(&v, buf);
				jose_buf_putc(buf, ':');
				first = true;	/* the value follows without a comma */
				break;
			case WJB_VALUE:
			case WJB_ELEM:
				if (!first)
					jose_buf_putc(buf, ',');
				scalar_to_text(&v, buf);
				first = false;
				break;
			default:
				break;
		}
	}
}

/* Raise unless the claims argument is a JSON object (hint: where other payloads go, or NULL). */
void
glue_check_claims_object(Jsonb *claims, const char *hint)
{
	jose_err	err;

	if (JB_ROOT_IS_OBJECT(claims))
		return;
	jose_fail(&err, JOSE_E_ARGUMENT, "JWT claims must be a JSON object.");
	glue_raise_hint(&err, hint);
}
