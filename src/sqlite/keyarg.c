/*-------------------------------------------------------------------------
 *
 * keyarg.c
 *		Turning a key argument into a parsed key set, parsed once.
 *
 * A key is read by its SQLite type, with the rules of the PostgreSQL
 * extension, which live in the core (src/core/keytext.c):
 *
 *	TEXT	a PEM (key or certificate) when it holds PEM armour anywhere, a
 *			JWK or JWKS (JSON object), or else the UTF-8 bytes of an HMAC
 *			secret, unless it looks like key material of another shape
 *	BLOB	the bytes of an HMAC secret (refused if it is really a PEM, a
 *			JWK, or a DER or OpenSSH key)
 *
 * Two caches keep keys parsed.  The connection's key cache (src/core's
 * bounded LRU) maps the exact bytes and type of a key to its parsed set,
 * across statements.  On top of it, a constant key argument keeps its set
 * as the statement's auxiliary data, so a scan with one key looks it up
 * once per statement.  The cache may free a set only when something is
 * put into it, so an auxiliary reference carries the cache generation it
 * was taken at, and is trusted only while no put has happened since.
 *
 * src/sqlite/keyarg.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <stdio.h>
#include <string.h>

#include "../core/key.h"
#include "../core/keytext.h"

/* Cache tags: which reading of the bytes produced an entry. */
#define KEY_TAG_BLOB 1
#define KEY_TAG_TEXT 2

/* A statement's reference to a cached key set (the auxiliary data). */
typedef struct key_ref
{
	jose_keyset *set;
	uint64_t	gen;
} key_ref;

/*
 * The key set for key argument argno: from the statement's auxiliary data,
 * the connection's cache, or parsed now (and cached).  The set belongs to
 * the cache and stays valid for the rest of the call.
 */
jose_status
sq_key_argument(sqlite3_context *ctx, sqlite3_value **argv, int argno,
				jose_keyset **out, jose_err *err)
{
	sq_conn    *c = sq_conn_of(ctx);
	key_ref    *ref = sqlite3_get_auxdata(ctx, argno);
	const char *p;
	size_t		len;
	int			tag;
	jose_status st;

	if (ref != NULL && ref->gen == c->cache_gen)
	{
		*out = ref->set;
		return JOSE_OK;
	}
	if (!sq_value_bytes(argv[argno], &p, &len))
		return jose_fail(err, JOSE_E_KEY,
						 "A key is TEXT (a PEM block, a JWK or JWKS, or a secret) or a BLOB (a secret).");
	tag = sqlite3_value_type(argv[argno]) == SQLITE_BLOB ? KEY_TAG_BLOB : KEY_TAG_TEXT;

	*out = jose_keycache_get(&c->cache, tag, p, len);
	if (*out == NULL)
	{
		st = tag == KEY_TAG_BLOB
			? jose_keyset_from_bytes((const unsigned char *) p, len, out, err)
			: jose_keyset_from_text(p, len, out, err);
		if (st != JOSE_OK)
			return st;
		jose_keycache_put(&c->cache, tag, p, len, *out);
		c->cache_gen++;
	}

	/* remember it for the next row (SQLite drops it unless the argument is constant) */
	if ((ref = sqlite3_malloc(sizeof(key_ref))) != NULL)
	{
		ref->set = *out;
		ref->gen = c->cache_gen;
		sqlite3_set_auxdata(ctx, argno, ref, sqlite3_free);
	}
	return JOSE_OK;
}

/* The one key of a JWK argument (TEXT): a JWKS or any other key form is refused. */
jose_status
sq_jwk_argument(sqlite3_context *ctx, sqlite3_value **argv, int argno,
				jose_key **out, jose_err *err)
{
	jose_keyset *set;
	jose_status st;

	if (sqlite3_value_type(argv[argno]) != SQLITE_TEXT ||
		!jose_text_looks_like_jwk((const char *) sqlite3_value_text(argv[argno]),
								  (size_t) sqlite3_value_bytes(argv[argno])))
		return jose_fail(err, JOSE_E_ARGUMENT, "Pass one JWK, as JSON text.");
	if ((st = sq_key_argument(ctx, argv, argno, &set, err)) != JOSE_OK)
		return st;
	if (set->is_set)
		return jose_fail(err, JOSE_E_ARGUMENT, "Pass one JWK, not a JWKS.");
	*out = set->keys[0];
	return JOSE_OK;
}

/* SQL function: jwt_clear_key_cache() drops this connection's parsed keys */
void
sq_jwt_clear_key_cache(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);

	jose_keycache_clear(&c->cache);
	c->cache_gen++;
	sqlite3_result_null(ctx);
}

/* SQL function: jwt_key_cache_stats() returns {"entries","bytes","hits","misses"} */
void
sq_jwt_key_cache_stats(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sq_conn    *c = sq_conn_of(ctx);
	char		json[160];

	snprintf(json, sizeof(json), "{\"entries\":%zu,\"bytes\":%zu,\"hits\":%llu,\"misses\":%llu}",
			 c->cache.entries, c->cache.bytes, (unsigned long long) c->cache.hits,
			 (unsigned long long) c->cache.misses);
	sqlite3_result_text(ctx, json, -1, SQLITE_TRANSIENT);
	sqlite3_result_subtype(ctx, SQ_JSON_SUBTYPE);
}
