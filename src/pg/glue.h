/*-------------------------------------------------------------------------
 *
 * glue.h
 *		Shared state and helpers of token_ext's PostgreSQL glue.
 *
 * The glue turns SQL arguments into calls of the JOSE core (src/core), and
 * core statuses into ereports.  The core never raises, so the glue only
 * reports after the core has returned and released what it held; the
 * per-backend workspace and key cache are plain malloc'd state that stays
 * consistent across errors.
 *
 * src/pg/glue.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TOKEN_EXT_GLUE_H
#define TOKEN_EXT_GLUE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

#include "../core/claims.h"
#include "../core/jws.h"
#include "../core/keycache.h"
#include "../core/status.h"

/* Settings (defined in token_ext.c). */
extern int	token_ext_max_token_size;
extern int	token_ext_max_json_depth;
extern int	token_ext_key_cache_entries;
extern int	token_ext_key_cache_memory_kb;
extern int	token_ext_max_pbes2_count;

/* The backend's workspace for core calls. */
extern jose_workspace *glue_workspace(void);

/* The backend's key cache. */
extern jose_keycache *glue_keycache(void);

/* The limits in force, from the settings. */
extern jose_limits glue_limits(void);

/* Raise the error recorded in err (never returns). */
extern void glue_raise(const jose_err *err) pg_attribute_noreturn();

/* The SQLSTATE a status maps to. */
extern int	glue_sqlstate(jose_status status);

/*
 * The key set for the key argument argno of the current function (bytea
 * secret, text secret/JWK/PEM, or jsonb JWK/JWKS), from the cache when the
 * same material was seen before.  Raises on an invalid key.
 */
extern jose_keyset *glue_key_argument(FunctionCallInfo fcinfo, int argno);

/* The key set for a key value of type bytea, text or jsonb (see above). */
extern jose_keyset *glue_key_value(Oid type, Datum value);

/* Parse an optional algorithm-list argument (NULL: 0, "the key's"). */
extern jose_alg_set glue_alg_argument(FunctionCallInfo fcinfo, int argno);

/* A text argument as pointer and length, or NULL when it is NULL. */
extern const char *glue_text_arg(FunctionCallInfo fcinfo, int argno, size_t *len);

/*
 * Read the claim options audience, issuer, leeway, required and at from
 * arguments first .. first + 4 (NULL: the default).
 */
extern void glue_claims_args(FunctionCallInfo fcinfo, int first, jose_claims_opts *o);

/*
 * Build a jsonb from a core JSON tree.  Returns JOSE_OK, or a status in err
 * (numbers out of numeric's range, non-ASCII text in a database that is not
 * UTF-8) without raising.
 */
extern jose_status glue_tree_to_jsonb(const jose_json *doc, Jsonb **out, jose_err *err);

/* Append jsonb as compact UTF-8 JSON text to buf. */
extern void glue_jsonb_to_text(Jsonb *jb, jose_buf *buf);

#endif							/* TOKEN_EXT_GLUE_H */
