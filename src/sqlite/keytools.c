/*-------------------------------------------------------------------------
 *
 * keytools.c
 *		SQL key tools: generate keys, convert between JWK and PEM, compute
 *		thumbprints, build a public JWKS.
 *
 * Results that may hold private key material are built in the workspace's
 * staging buffer and wiped from it once SQLite has its copy.
 *
 * src/sqlite/keytools.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../core/jwk.h"
#include "../core/jwk_export.h"
#include "../core/keygen.h"
#include "../core/keytext.h"

/* Return buf (JSON when json) as text, then wipe it. */
static void
result_wiped(sqlite3_context *ctx, jose_buf *buf, bool json)
{
	if (json)
		sq_result_json(ctx, buf);
	else if (buf->failed)
		sq_error_nomem(ctx);
	else
		sqlite3_result_text(ctx, buf->data, (int) buf->len, SQLITE_TRANSIENT);
	if (buf->data != NULL)
		OPENSSL_cleanse(buf->data, buf->len);
	jose_buf_reset(buf);
}

/* SQL function: jwt_generate_key(kind [, bits]) returns a new private JWK */
void
sq_jwt_generate_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_buf   *buf = &c->ws.aux;
	const char *kind;
	size_t		len;
	sqlite3_int64 bits = 0;
	jose_key   *key;
	jose_status st;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || (argc > 1 && sqlite3_value_type(argv[1]) == SQLITE_NULL))
		return;
	jose_err_clear(&err);
	if (sq_text_argument(argv[0], "kind", &kind, &len, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	if (argc > 1)
	{
		bits = sqlite3_value_int64(argv[1]);
		if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER || bits < 0)
		{
			if (sqlite3_value_type(argv[1]) != SQLITE_INTEGER)
				jose_fail(&err, JOSE_E_ARGUMENT, "The key size must be an integer number of bits.");
			else
				jose_fail(&err, JOSE_E_ARGUMENT, "The key size must be positive, or 0 for the default.");
			sq_error(ctx, &err);
			return;
		}
	}

	/* sizes past any the core accepts are refused by it, with its own reason */
	if (jose_key_generate(kind, len, (int) (bits > 1048576 ? 1048576 : bits), &key, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	jose_buf_reset(buf);
	st = jose_key_to_jwk(key, true, buf, &err);
	jose_key_free(key);
	if (st != JOSE_OK)
		sq_error(ctx, &err);
	else
		result_wiped(ctx, buf, true);
}

/* Return the JWK argument exported: as its public JWK, or (pem) as PEM. */
static void
export_jwk(sqlite3_context *ctx, sqlite3_value **argv, bool pem)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_key   *key;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	jose_buf_reset(&c->ws.aux);
	if (sq_jwk_argument(ctx, argv, 0, &key, &err) != JOSE_OK ||
		(pem ? jose_key_to_pem(key, true, &c->ws.aux, &err)
		 : jose_key_to_jwk(key, false, &c->ws.aux, &err)) != JOSE_OK)
		sq_error(ctx, &err);
	else
		result_wiped(ctx, &c->ws.aux, !pem);
}

/* SQL function: jwt_public_jwk(jwk) returns the public JWK */
void
sq_jwt_public_jwk(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	export_jwk(ctx, argv, false);
}

/* SQL function: jwt_jwk_thumbprint(jwk) returns its RFC 7638 thumbprint */
void
sq_jwt_jwk_thumbprint(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	jose_key   *key;
	char		thumb[48];
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_jwk_argument(ctx, argv, 0, &key, &err) != JOSE_OK ||
		jose_key_thumbprint(key, thumb, &err) != JOSE_OK)
		sq_error(ctx, &err);
	else
		sqlite3_result_text(ctx, thumb, -1, SQLITE_TRANSIENT);
}

/* SQL function: jwt_jwk_from_pem(pem) returns the JWK of a PEM key or certificate */
void
sq_jwt_jwk_from_pem(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_buf   *buf = &c->ws.aux;
	jose_keyset *set;
	jose_err	err;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
		!jose_text_has_pem_armour((const char *) sqlite3_value_text(argv[0]),
								  (size_t) sqlite3_value_bytes(argv[0])))
	{
		jose_fail(&err, JOSE_E_KEY, "The text is not a PEM block.");
		sq_error(ctx, &err);
		return;
	}

	/* the JWK, with its thumbprint as kid (the PEM had no kid to keep) */
	jose_buf_reset(buf);
	if (sq_key_argument(ctx, argv, 0, &set, &err) != JOSE_OK ||
		jose_key_to_jwk_with_kid(set->keys[0], true, buf, NULL, &err) != JOSE_OK)
	{
		sq_error(ctx, &err);
		return;
	}
	result_wiped(ctx, buf, true);
}

/* SQL function: jwt_pem_from_jwk(jwk) returns PKCS#8 (private) or SPKI (public) PEM */
void
sq_jwt_pem_from_jwk(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	export_jwk(ctx, argv, true);
}

/* Append the public JWK of the JWK object node e of d to out (a kid added if it has none). */
static jose_status
append_public_jwk(sq_conn *c, const jose_json *d, uint32_t e, char (*ids)[JOSE_MAX_KID_LEN + 1],
				  size_t n, jose_buf *out, jose_err *err)
{
	jose_buf   *buf = &c->ws.aux;
	jose_keyset *set = NULL;
	jose_status st;

	if (d->nodes[e].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_ARGUMENT, "Each element must be one JWK (a JSON object).");

	/* parsed from its compact text, which is wiped at once (it may hold a private key) */
	jose_buf_reset(buf);
	jose_json_write_node(buf, d, e);
	st = buf->failed ? jose_fail(err, JOSE_E_NOMEM, "Could not allocate the key.")
		: jose_keyset_from_jwk_text(buf->data, buf->len, &set, err);
	if (buf->data != NULL)
		OPENSSL_cleanse(buf->data, buf->len);
	jose_buf_reset(buf);
	if (st != JOSE_OK)
		return st;
	if (set->is_set)
		st = jose_fail(err, JOSE_E_ARGUMENT, "Each element must be one JWK, not a JWKS.");
	else if ((st = jose_key_to_jwk_with_kid(set->keys[0], false, buf, ids[n], err)) == JOSE_OK)
	{
		for (size_t j = 0; j < n && st == JOSE_OK; j++)
			if (strcmp(ids[j], ids[n]) == 0)
				st = jose_fail(err, JOSE_E_ARGUMENT, "Two keys of the set have the same kid.");
		if (st == JOSE_OK)
		{
			if (n > 0)
				jose_buf_putc(out, ',');
			jose_buf_append(out, buf->data, buf->len);
		}
	}
	jose_keyset_free(set);
	return st;
}

/*
 * SQL function: jwt_jwks(keys_json) returns a public JWKS of a JSON array
 * of JWKs (e.g. json_group_array(json(jwk))); private members never appear
 */
void
sq_jwt_jwks(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	jose_json  *d = &c->opts;
	jose_buf	out = {0};
	char		(*ids)[JOSE_MAX_KID_LEN + 1] = NULL;
	jose_err	err;
	uint32_t	e = 1;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	jose_err_clear(&err);
	if (sq_json_argument(c, argv[0], "keys", d, &err) != JOSE_OK ||
		(d->nodes[0].type != JOSE_JSON_ARRAY &&
		 jose_fail(&err, JOSE_E_ARGUMENT, "The keys must be a JSON array of JWKs.") != JOSE_OK) ||
		(d->nodes[0].count > JOSE_MAX_JWKS_KEYS &&
		 jose_fail(&err, JOSE_E_LIMIT, "A JWKS holds at most %d keys.", JOSE_MAX_JWKS_KEYS) != JOSE_OK) ||
		((ids = calloc(d->nodes[0].count + 1, sizeof(*ids))) == NULL &&
		 jose_fail(&err, JOSE_E_NOMEM, "Could not allocate the key set.") != JOSE_OK))
	{
		sq_error(ctx, &err);
		return;
	}
	jose_buf_puts(&out, "{\"keys\":[");
	for (uint32_t i = 0; i < d->nodes[0].count; i++, e = d->nodes[e].next)
		if (append_public_jwk(c, d, e, ids, i, &out, &err) != JOSE_OK)
			break;
	jose_buf_puts(&out, "]}");
	if (err.status != JOSE_OK)
		sq_error(ctx, &err);
	else
		sq_result_json(ctx, &out);
	jose_buf_free(&out);
	free(ids);

	/* the array may have held private JWKs: wipe the parse tree's copy of them */
	if (d->text != NULL)
		OPENSSL_cleanse(d->text, d->text_len);
}
