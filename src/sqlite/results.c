/*-------------------------------------------------------------------------
 *
 * results.c
 *		Returning results: BLOBs, and JSON text marked as JSON.
 *
 * JSON results carry SQLite's JSON subtype, so that the JSON functions
 * nest them as values (json_object('claims', jwt_verify(...)) holds an
 * object, not a string).
 *
 * src/sqlite/results.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <string.h>

/* Return bytes as a BLOB. */
void
sq_result_bytes(sqlite3_context *ctx, const unsigned char *p, size_t len)
{
	sqlite3_result_blob(ctx, len ? (const void *) p : "", (int) len, SQLITE_TRANSIENT);
}

/* Return buf as JSON text (marked as JSON for SQLite's JSON functions). */
void
sq_result_json(sqlite3_context *ctx, const jose_buf *buf)
{
	if (buf->failed)
	{
		sq_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, buf->data ? buf->data : "", (int) buf->len, SQLITE_TRANSIENT);
	sqlite3_result_subtype(ctx, SQ_JSON_SUBTYPE);
}

/*
 * Return the verified claims (c->ws.claims) as compact JSON text: the
 * payload they were parsed from (tok->payload) when it is compact already
 * (most tokens), else the tree written out.
 */
void
sq_result_claims(sqlite3_context *ctx, sq_conn *c, const jose_token *tok)
{
	const char *src = (const char *) tok->payload;

	if (src != NULL && c->ws.claims.compact)
	{
		sqlite3_result_text(ctx, src, (int) tok->payload_len, SQLITE_TRANSIENT);
		sqlite3_result_subtype(ctx, SQ_JSON_SUBTYPE);
	}
	else
		sq_result_tree(ctx, &c->ws.aux, &c->ws.claims);
}

/* Return the tree doc as compact JSON text, written in buf. */
void
sq_result_tree(sqlite3_context *ctx, jose_buf *buf, const jose_json *doc)
{
	jose_buf_reset(buf);
	jose_json_write_node(buf, doc, 0);
	sq_result_json(ctx, buf);
}
