/*-------------------------------------------------------------------------
 *
 * glue.h
 *		Shared state and helpers of token_ext's SQLite glue.
 *
 * The glue turns SQLite values into calls of the JOSE core (src/core), and
 * core statuses into sqlite3_result_error.  Every rule (key classification,
 * token verification, keyring rows, claim paths, limits) is the core's, so
 * SQLite and PostgreSQL accept and refuse the same inputs with the same
 * texts.  Everything the glue keeps lives in one struct per database
 * connection (sq_conn), allocated when the extension is loaded into the
 * connection, handed to every function as its user data, and freed when
 * the connection closes: the core workspace, the key cache, the keyring's
 * parsed keys and the session claims.  A connection's functions never run
 * concurrently (SQLite serialises calls on one connection), so the state
 * needs no lock.
 *
 * src/sqlite/glue.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TOKEN_EXT_SQLITE_GLUE_H
#define TOKEN_EXT_SQLITE_GLUE_H

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/claims.h"
#include "../core/jwe.h"
#include "../core/jws.h"
#include "../core/keycache.h"
#include "../core/keyring_row.h"
#include "../core/status.h"
#include "../core/token.h"

/* Bounds of the per-connection key cache (PostgreSQL's defaults). */
#define SQ_KEY_CACHE_ENTRIES 256
#define SQ_KEY_CACHE_BYTES (16 * 1024 * 1024)

/* The JSON subtype SQLite's JSON functions recognise ('J'). */
#define SQ_JSON_SUBTYPE 74

/* Most names in an options "required" list. */
#define SQ_MAX_REQUIRED 64

/* Most rows jwt_authenticate reads from jwt_keyring. */
#define SQ_MAX_KEYRING_ROWS 1000

/* The options a function takes, as bits (see sq_read_options). */
#define SQ_OPT_AUDIENCE		0x0001
#define SQ_OPT_ISSUER		0x0002
#define SQ_OPT_LEEWAY		0x0004
#define SQ_OPT_REQUIRED		0x0008
#define SQ_OPT_AT			0x0010
#define SQ_OPT_TYP			0x0020
#define SQ_OPT_ALG_JWS		0x0040	/* "alg": JWS algorithms */
#define SQ_OPT_ALG_JWE		0x0080	/* "alg": JWE key management algorithms */
#define SQ_OPT_ALG_POLICY	0x0100	/* "alg": JWS and JWE names, a whitelist */
#define SQ_OPT_ENC			0x0200
#define SQ_OPT_SIGN_ALG		0x0400
#define SQ_OPT_ROLE_CLAIM	0x0800
#define SQ_OPT_CLAIMS (SQ_OPT_AUDIENCE | SQ_OPT_ISSUER | SQ_OPT_LEEWAY | SQ_OPT_REQUIRED | SQ_OPT_AT)

/* The options of one call, read from its JSON options argument. */
typedef struct sq_options
{
	jose_claims_opts claims;	/* audience, issuer, leeway, required, at */
	jose_alg_set jws_algs;		/* "alg" (JWS) or "sign_alg"; 0: the key's */
	jose_jwe_alg_set jwe_algs;	/* "alg" (JWE); 0: the key's */
	jose_jwe_enc_set jwe_encs;	/* "enc"; 0: any */
	bool		has_alg;		/* "alg" was given (a policy whitelist) */
	const char *typ;			/* expected header typ, or NULL */
	size_t		typ_len;
	const char *role_claim;		/* role-claim path (PostgREST's) */
} sq_options;

/* One usable row of jwt_keyring, kept while the row's key columns are unchanged. */
typedef struct sq_keyring_entry
{
	char	   *material;		/* kid, purposes, alg, issuer, audience and key, as read */
	size_t		material_len;
	jose_key   *key;			/* the JWK bound to the row's kid, alg, issuer and audience */
	unsigned	purposes;		/* JOSE_PURPOSE_* */
	double		not_before;		/* unix seconds */
	double		not_after;		/* unix seconds; +infinity when open-ended */
} sq_keyring_entry;

/* The session claims kept by jwt_authenticate until jwt_clear. */
typedef struct sq_claims
{
	char	   *json;			/* compact JSON text, NULL when none */
	size_t		json_len;
	jose_json	doc;			/* its parse tree, for jwt_claim */
	uint32_t	sub;			/* "sub" when a string, else NONE */
	uint32_t	role;			/* the role claim when a string, else NONE */
} sq_claims;

/* A read options object: its parse tree, what it says, and its required names. */
typedef struct sq_option_set
{
	jose_json	doc;
	sq_options	o;				/* strings point into doc */
	bool		has_at;			/* "at" given: the check time is fixed */
	const char *required[SQ_MAX_REQUIRED];
	size_t		required_len[SQ_MAX_REQUIRED];
} sq_option_set;

/* Everything one database connection keeps (the functions' user data). */
typedef struct sq_conn
{
	int			refs;			/* function registrations pointing here */
	sqlite3    *db;
	jose_workspace ws;
	jose_keycache cache;
	uint64_t	cache_gen;		/* bumped whenever the cache may free a set */
	jose_json	opts;			/* the JSON argument being read (claims, header, keys) */
	sq_option_set options;		/* the options argument of the current call */
	jose_buf	list;			/* an option's algorithm list, joined */
	jose_buf	inner;			/* jwt_sign_and_encrypt's inner token */
	sq_keyring_entry *keyring;
	size_t		n_keyring;
	const char **issuer_names;	/* the issuers of the keyring's keys (in the keys) */
	size_t	   *issuer_lens;
	size_t		n_issuers;
	sq_claims	claims;
} sq_conn;

/* extension.c */
extern sq_conn *sq_conn_of(sqlite3_context *ctx);
extern jose_limits sq_limits(void);
extern double sq_now(void);

/* errors.c */
extern void sq_error(sqlite3_context *ctx, const jose_err *err);
extern void sq_error_hint(sqlite3_context *ctx, const jose_err *err, const char *hint);
extern void sq_error_nomem(sqlite3_context *ctx);

/* keyarg.c */
extern jose_status sq_key_argument(sqlite3_context *ctx, sqlite3_value **argv, int argno,
								   jose_keyset **out, jose_err *err);
extern jose_status sq_jwk_argument(sqlite3_context *ctx, sqlite3_value **argv, int argno,
								   jose_key **out, jose_err *err);

/* args.c */
extern bool sq_value_bytes(sqlite3_value *v, const char **p, size_t *len);
extern jose_status sq_text_argument(sqlite3_value *v, const char *what, const char **p,
									size_t *len, jose_err *err);
extern jose_status sq_optional_text(sqlite3_value *v, const char *what, const char **p,
									size_t *len, jose_err *err);
extern jose_status sq_json_argument(sq_conn *c, sqlite3_value *v, const char *what,
									jose_json *doc, jose_err *err);
extern jose_status sq_header_argument(sq_conn *c, sqlite3_value *v, const char **header,
									  size_t *len, jose_err *err);
extern jose_status sq_token_arguments(sqlite3_context *ctx, int argc, sqlite3_value **argv,
									  int opts_argno, unsigned allowed, const char *fn,
									  jose_keyset **keys, sq_options *o, const char **token,
									  size_t *len, jose_err *err);
extern jose_status sq_sign_alg_argument(sqlite3_value *v, jose_alg *alg, jose_err *err);

/* options.c */
extern jose_status sq_read_options(sqlite3_context *ctx, int argc, sqlite3_value **argv,
								   int argno, unsigned allowed, const char *fn, sq_options *o,
								   jose_err *err);
extern void sq_token_policy(const sq_options *o, unsigned forms, jose_token_policy *p);

/* results.c */
extern void sq_result_bytes(sqlite3_context *ctx, const unsigned char *p, size_t len);
extern void sq_result_json(sqlite3_context *ctx, const jose_buf *buf);
extern void sq_result_tree(sqlite3_context *ctx, jose_buf *buf, const jose_json *doc);
extern void sq_result_claims(sqlite3_context *ctx, sq_conn *c, const jose_token *tok);

/* keyring.c */
extern jose_status sq_keyring_load(sq_conn *c, jose_err *err);
extern jose_status sq_keyring_keys(sq_conn *c, unsigned purposes, double at,
								   jose_keyset *set, jose_err *err);
extern void sq_keyring_issuers(const sq_conn *c, jose_issuers *out);
extern void sq_keyring_free(sq_conn *c);

/* session.c */
extern void sq_claims_clear(sq_claims *claims);

/* SQL functions, by file. */
extern void sq_jwt_sign(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_sign_raw(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_verify(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_try_verify(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_verify_raw(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_decode(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_encrypt(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_decrypt(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_decrypt_raw(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_sign_and_encrypt(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_decrypt_and_verify(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_generate_key(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_public_jwk(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_jwk_thumbprint(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_jwk_from_pem(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_pem_from_jwk(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_jwks(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_clear_key_cache(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_key_cache_stats(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_keyring_check(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_authenticate(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_clear(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_claims(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_claim(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_sub(sqlite3_context *, int, sqlite3_value **);
extern void sq_jwt_role(sqlite3_context *, int, sqlite3_value **);

#endif							/* TOKEN_EXT_SQLITE_GLUE_H */
