/*-------------------------------------------------------------------------
 *
 * keyarg.c
 *		Turning a SQL key argument into a parsed, cached key set.
 *
 * One C function serves the bytea, text and jsonb overloads of each SQL
 * function; the argument's declared type decides how its bytes are read:
 *
 *	bytea	a raw HMAC secret (refused if it is really a PEM, a JWK, or a
 *			DER or OpenSSH key)
 *	text	a PEM (key or certificate) when it holds PEM armour anywhere, a
 *			JWK or JWKS (JSON object), or else the UTF-8 bytes of an HMAC
 *			secret, unless it looks like key material of another shape
 *	jsonb	a JWK or JWKS
 *
 * The rules live in the core (src/core/keytext.c), shared with SQLite.  The cache is keyed by (form, exact bytes), so a
 * secret and the same bytes as text are different keys, and any change of
 * the material is a miss.
 *
 * src/pg/keyarg.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <string.h>

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "../core/alg.h"
#include "../core/keytext.h"
#include "../core/pkey.h"

#include <openssl/crypto.h>

/* Cache tags: which reading of the bytes produced an entry. */
#define KEY_TAG_BYTEA 1
#define KEY_TAG_TEXT 2
#define KEY_TAG_JSONB 3

/* The key set for a key value of type bytea, text or jsonb. */
jose_keyset *
glue_key_value(Oid type, Datum value)
{
	struct varlena *arg = PG_DETOAST_DATUM_PACKED(value);
	const char *p = VARDATA_ANY(arg);
	size_t		len = VARSIZE_ANY_EXHDR(arg);
	jose_keycache *cache = glue_keycache();
	jose_keyset *set;
	jose_err	err;
	jose_status st;
	int			tag;

	switch (type)
	{
		case BYTEAOID:
			tag = KEY_TAG_BYTEA;
			break;
		case TEXTOID:
			tag = KEY_TAG_TEXT;
			break;
		case JSONBOID:
			tag = KEY_TAG_JSONB;
			break;
		default:
			elog(ERROR, "unexpected key argument type %u", type);
	}

	/* jsonb is keyed by its binary form: equal documents have equal bytes */
	set = jose_keycache_get(cache, tag, p, len);
	if (set != NULL)
		return set;

	jose_err_clear(&err);
	switch (tag)
	{
		case KEY_TAG_BYTEA:
			st = jose_keyset_from_bytes((const unsigned char *) p, len, &set, &err);
			break;
		case KEY_TAG_TEXT:
			{
				/* secrets and JWKs are UTF-8 bytes, whatever the database encoding */
				char	   *utf8 = pg_server_to_any(p, (int) len, PG_UTF8);
				size_t		utf8_len = (utf8 == p) ? len : strlen(utf8);

				st = jose_keyset_from_text(utf8, utf8_len, &set, &err);
				if (utf8 != p)
				{
					explicit_bzero(utf8, utf8_len);
					pfree(utf8);
				}
				break;
			}
		default:
			{
				/* staged in the workspace: reused, so an error leaks nothing */
				jose_buf   *text = &glue_workspace()->aux;

				jose_buf_reset(text);
				glue_jsonb_to_text(DatumGetJsonbP(value), text);
				if (text->failed)
					st = jose_fail(&err, JOSE_E_NOMEM, "Could not serialise the key.");
				else
					st = jose_keyset_from_jwk_text(text->data, text->len, &set, &err);
				if (text->data != NULL)
					OPENSSL_cleanse(text->data, text->len);
				jose_buf_reset(text);
				break;
			}
	}
	if (st != JOSE_OK)
		glue_raise(&err);
	jose_keycache_put(cache, tag, p, len, set);
	return set;
}

/* The key set for the key argument argno of the current function. */
jose_keyset *
glue_key_argument(FunctionCallInfo fcinfo, int argno)
{
	return glue_key_value(get_fn_expr_argtype(fcinfo->flinfo, argno), PG_GETARG_DATUM(argno));
}

/* Parse an optional algorithm-list argument (NULL: 0, "the key's"). */
jose_alg_set
glue_alg_argument(FunctionCallInfo fcinfo, int argno)
{
	text	   *arg;
	jose_alg_set set;
	jose_err	err;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return 0;
	arg = PG_GETARG_TEXT_PP(argno);
	jose_err_clear(&err);
	if (jose_alg_set_parse(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), &set, &err) != JOSE_OK)
		glue_raise(&err);
	return set;
}
