/*-------------------------------------------------------------------------
 *
 * extension.c
 *		Entry point of token_ext_sqlite: registers the jwt_* functions on a
 *		connection, and owns the connection's state.
 *
 * SQLite finds the entry point by its rule for a library loaded without
 * one named: "sqlite3_" + the letters of the file name (token_ext_sqlite)
 * in lower case + "_init", so `.load ./token_ext_sqlite` needs nothing
 * more.  The init function runs once per connection it is loaded into:
 * it allocates that connection's sq_conn and passes it as the user data
 * of every function it registers, with a destructor.  SQLite calls the
 * destructor once per registration when the function is replaced or the
 * connection closes, so the state counts its registrations and is freed,
 * keys wiped, with the last one.
 *
 * Flags: DETERMINISTIC only where the result depends on nothing but the
 * arguments (verification reads the clock, ES and PS signatures and every
 * encryption are random); INNOCUOUS for everything without side effects,
 * so views and triggers may use it under trusted_schema=OFF; DIRECTONLY
 * for the functions that change the connection's state.
 *
 * Cancelling: the core asks a host's check between the steps of long work
 * (RSA key generation, a large JWKS).  SQLite 3.41 and later tell whether
 * sqlite3_interrupt() was called on a connection (sqlite3_is_interrupted);
 * the check asks that of the connection whose function runs on this
 * thread.  Older SQLite has no such call, so there the core's long work
 * runs to its end (bounded by the core's limits) and sqlite3_interrupt()
 * stops the statement at its next row.
 *
 * src/sqlite/extension.c
 *
 *-------------------------------------------------------------------------
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "glue.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "../core/interrupt.h"
#include "../core/prepare.h"

#ifndef TOKEN_EXT_VERSION
#define TOKEN_EXT_VERSION "unknown"
#endif

/*
 * Functions that call sqlite3_result_subtype say so from SQLite 3.45 on;
 * older versions ignore flag bits they do not know.
 */
#ifndef SQLITE_RESULT_SUBTYPE
#define SQLITE_RESULT_SUBTYPE 0x001000000
#endif

#define F_DET SQLITE_DETERMINISTIC
#define F_SAFE SQLITE_INNOCUOUS
#define F_DIRECT SQLITE_DIRECTONLY
#define F_JSON SQLITE_RESULT_SUBTYPE

typedef void (*sq_fn) (sqlite3_context *, int, sqlite3_value **);

/* One SQL function: its name, its arities, its flags. */
typedef struct sq_function
{
	const char *name;
	int			min_args;
	int			max_args;
	int			flags;
	sq_fn		fn;
} sq_function;

static void sq_jwt_version(sqlite3_context *ctx, int argc, sqlite3_value **argv);

static const sq_function functions[] = {
	{"jwt_sign", 2, 4, F_SAFE, sq_jwt_sign},
	{"jwt_sign_raw", 2, 4, F_SAFE, sq_jwt_sign_raw},
	{"jwt_verify", 2, 3, F_SAFE | F_JSON, sq_jwt_verify},
	{"jwt_try_verify", 2, 3, F_SAFE | F_JSON, sq_jwt_try_verify},
	{"jwt_verify_raw", 2, 3, F_DET | F_SAFE, sq_jwt_verify_raw},
	{"jwt_decode", 1, 1, F_DET | F_SAFE | F_JSON, sq_jwt_decode},
	{"jwt_encrypt", 2, 5, F_SAFE, sq_jwt_encrypt},
	{"jwt_decrypt", 2, 3, F_SAFE | F_JSON, sq_jwt_decrypt},
	{"jwt_decrypt_raw", 2, 3, F_DET | F_SAFE, sq_jwt_decrypt_raw},
	{"jwt_sign_and_encrypt", 3, 6, F_SAFE, sq_jwt_sign_and_encrypt},
	{"jwt_decrypt_and_verify", 3, 4, F_SAFE | F_JSON, sq_jwt_decrypt_and_verify},
	{"jwt_generate_key", 1, 2, F_SAFE | F_JSON, sq_jwt_generate_key},
	{"jwt_public_jwk", 1, 1, F_DET | F_SAFE | F_JSON, sq_jwt_public_jwk},
	{"jwt_jwk_thumbprint", 1, 1, F_DET | F_SAFE, sq_jwt_jwk_thumbprint},
	{"jwt_jwk_from_pem", 1, 1, F_DET | F_SAFE | F_JSON, sq_jwt_jwk_from_pem},
	{"jwt_pem_from_jwk", 1, 1, F_DET | F_SAFE, sq_jwt_pem_from_jwk},
	{"jwt_jwks", 1, 1, F_DET | F_SAFE | F_JSON, sq_jwt_jwks},
	{"jwt_clear_key_cache", 0, 0, F_DIRECT, sq_jwt_clear_key_cache},
	{"jwt_key_cache_stats", 0, 0, F_SAFE | F_JSON, sq_jwt_key_cache_stats},
	{"jwt_keyring_check", 6, 8, F_DET | F_SAFE, sq_jwt_keyring_check},
	{"jwt_authenticate", 1, 2, F_DIRECT | F_JSON, sq_jwt_authenticate},
	{"jwt_clear", 0, 0, F_DIRECT, sq_jwt_clear},
	{"jwt_claims", 0, 0, F_SAFE | F_JSON, sq_jwt_claims},
	{"jwt_claim", 1, 1, F_SAFE, sq_jwt_claim},
	{"jwt_sub", 0, 0, F_SAFE, sq_jwt_sub},
	{"jwt_role", 0, 0, F_SAFE, sq_jwt_role},
	{"jwt_version", 0, 0, F_DET | F_SAFE, sq_jwt_version},
};

/* The result of the one-time set-up of this process. */
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static jose_status setup_status = JOSE_E_CRYPTO;
static jose_err setup_err;

#if SQLITE_VERSION_NUMBER >= 3041000
#define SQ_HAS_IS_INTERRUPTED 1

/* The connection whose function runs on this thread (set by sq_conn_of). */
static _Thread_local sqlite3 *running_db = NULL;

/* The core's cancel check: sqlite3_interrupt() was called on the running connection. */
static bool
running_db_interrupted(void)
{
	return running_db != NULL && sqlite3_is_interrupted(running_db);
}
#endif

/*
 * Set up the core once per process: fetch every OpenSSL object and fill
 * every table it would fill lazily (connections in several threads may
 * load the extension, and call it, at the same moment), and register the
 * cancel check where this SQLite has one.
 */
static void
setup(void)
{
	jose_err_clear(&setup_err);
	setup_status = jose_prepare(&setup_err);
#ifdef SQ_HAS_IS_INTERRUPTED
	/* the headers were 3.41 or later; the library loading us must be too */
	if (sqlite3_libversion_number() >= 3041000)
		jose_set_interrupt_check(running_db_interrupted);
#endif
}

/* The state of the connection a function was called on (its user data). */
sq_conn *
sq_conn_of(sqlite3_context *ctx)
{
	sq_conn    *c = sqlite3_user_data(ctx);

#ifdef SQ_HAS_IS_INTERRUPTED
	running_db = c->db;
#endif
	return c;
}

/* The limits of every call: the defaults of the PostgreSQL settings. */
jose_limits
sq_limits(void)
{
	jose_limits l;

	l.max_token_size = JOSE_DEFAULT_MAX_TOKEN_SIZE;
	l.max_json_depth = JOSE_DEFAULT_MAX_JSON_DEPTH;
	l.max_json_values = JOSE_DEFAULT_MAX_JSON_VALUES;
	l.max_pbes2_count = JOSE_DEFAULT_MAX_PBES2_COUNT;
	return l;
}

/*
 * The wall clock, in seconds since 1970 UTC.  The precise clock, not the
 * coarse one: a time SQLite wrote a moment ago (unixepoch() in a keyring
 * row's not_before, a token's nbf) is never later than it, which a clock
 * a few milliseconds behind could not promise.
 */
double
sq_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A new connection state, or NULL when out of memory. */
static sq_conn *
conn_new(sqlite3 *db)
{
	sq_conn    *c = calloc(1, sizeof(sq_conn));

	if (c == NULL)
		return NULL;
	c->refs = 1;
	c->db = db;
	jose_workspace_init(&c->ws);
	jose_keycache_init(&c->cache, SQ_KEY_CACHE_ENTRIES, SQ_KEY_CACHE_BYTES);
	jose_json_init(&c->opts);
	jose_json_init(&c->options.doc);
	jose_json_init(&c->claims.doc);
	c->claims.sub = c->claims.role = JOSE_JSON_NONE;
	return c;
}

/* Drop one reference to a connection state; the last one frees it, wiping keys. */
static void
conn_release(void *p)
{
	sq_conn    *c = p;

	if (--c->refs > 0)
		return;
#ifdef SQ_HAS_IS_INTERRUPTED
	if (running_db == c->db)
		running_db = NULL;
#endif
	sq_claims_clear(&c->claims);
	jose_json_free(&c->claims.doc);
	sq_keyring_free(c);
	jose_keycache_free(&c->cache);
	jose_workspace_free(&c->ws);
	jose_json_free(&c->opts);
	jose_json_free(&c->options.doc);
	jose_buf_free(&c->list);
	jose_buf_free(&c->inner);
	free(c);
}

/* SQL function: jwt_version() returns text */
static void
sq_jwt_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sqlite3_result_text(ctx, TOKEN_EXT_VERSION, -1, SQLITE_STATIC);
}

/* Entry point: register every function on db with a fresh connection state. */
__attribute__((visibility("default")))
int			sqlite3_tokenextsqlite_init(sqlite3 *db, char **pzErrMsg,
										const sqlite3_api_routines *pApi);

int
sqlite3_tokenextsqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
	sq_conn    *c;
	int			rc = SQLITE_OK;

	SQLITE_EXTENSION_INIT2(pApi);
	pthread_once(&setup_once, setup);
	if (setup_status != JOSE_OK)
	{
		if (pzErrMsg)
			*pzErrMsg = sqlite3_mprintf("token_ext could not initialise OpenSSL: %s",
										setup_err.detail);
		return SQLITE_ERROR;
	}
	if ((c = conn_new(db)) == NULL)
		return SQLITE_NOMEM;

	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]) && rc == SQLITE_OK; i++)
	{
		const sq_function *f = &functions[i];

		for (int n = f->min_args; n <= f->max_args && rc == SQLITE_OK; n++)
		{
			/* SQLite calls conn_release on failure too, so count first */
			c->refs++;
			rc = sqlite3_create_function_v2(db, f->name, n, SQLITE_UTF8 | f->flags, c,
											f->fn, NULL, NULL, conn_release);
		}
	}
	conn_release(c);
	if (rc != SQLITE_OK && pzErrMsg)
		*pzErrMsg = sqlite3_mprintf("token_ext could not register its functions: %s",
									sqlite3_errmsg(db));
	return rc;
}
