/*-------------------------------------------------------------------------
 *
 * jsonb_conv.c
 *		Between the core's JSON trees and PostgreSQL jsonb.
 *
 * Claims arrive already parsed (and checked) by the core.  Running them
 * through jsonb_in would lex the payload a second time, and jsonb_in is
 * the largest single cost of a verification; instead the tree is pushed
 * into a jsonb directly.  Numbers go through numeric_in exactly as
 * jsonb_in would send them, so the results are identical.
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

/* Build a jsonb from a core JSON tree. */
jose_status
glue_tree_to_jsonb(const jose_json *doc, Jsonb **out, jose_err *err)
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
