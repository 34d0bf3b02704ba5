/*-------------------------------------------------------------------------
 *
 * fuzz_sqlite.c
 *		libFuzzer entry point for token_ext_sqlite: the glue's functions
 *		called through SQL on an in-memory database.
 *
 * The glue (src/sqlite) and the core are compiled into the fuzzer with
 * SQLITE_CORE, so the extension's init function registers its functions
 * on a database of libsqlite3 directly.  Every input goes through SQL as a
 * token (jwt_try_verify with a secret and an EC key, jwt_decrypt,
 * jwt_decrypt_and_verify, jwt_decode, jwt_authenticate with a keyring), as
 * a key (TEXT and BLOB), as options, as claims and as a header, as a JWK
 * and as a key set, and as the purposes, alg, key, issuer and audience of a keyring row (whose keys
 * are the app's own and a provider's, bound to its issuer).  Built with AddressSanitizer and
 * UndefinedBehaviorSanitizer: any crash, memory error, leak or undefined
 * behaviour fails the run.  And nothing may verify, decrypt or
 * authenticate unless it is one of the seed tokens made at setup.
 *
 * test/fuzz/fuzz_sqlite.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* built with SQLITE_CORE: the extension calls libsqlite3 directly */
#include <sqlite3ext.h>

#include "seeds.h"

extern int	sqlite3_tokenextsqlite_init(sqlite3 *db, char **pzErrMsg,
										const sqlite3_api_routines *pApi);

static sqlite3 *db;

/* Statements run for every input; ?1 is the input.  A true "accepts" must hold only for seeds. */
static const struct
{
	const char *sql;
	int			accepts;		/* a non-NULL result means the input was accepted */
}			probes[] = {
	{"SELECT jwt_try_verify(?1, (SELECT hs FROM k))", 1},
	{"SELECT jwt_try_verify(?1, (SELECT jwt_public_jwk(es) FROM k), '{\"alg\":[\"ES256\",\"ES384\"]}')", 1},
	{"SELECT jwt_decrypt(?1, (SELECT dir FROM k))", 1},
	{"SELECT jwt_decrypt_and_verify(?1, (SELECT dir FROM k), (SELECT hs FROM k))", 1},
	{"SELECT jwt_authenticate(?1)", 1},
	{"SELECT jwt_verify_raw(?1, (SELECT hs FROM k), '{\"typ\":\"JWT\"}')", 1},
	{"SELECT jwt_decode(?1)", 0},
	{"SELECT jwt_verify((SELECT t FROM seed), ?1)", 0},
	{"SELECT jwt_verify((SELECT t FROM seed), CAST(?1 AS BLOB))", 0},
	{"SELECT jwt_verify((SELECT t FROM seed), (SELECT hs FROM k), ?1)", 0},
	{"SELECT jwt_decrypt((SELECT e FROM seed), (SELECT dir FROM k), ?1)", 0},
	{"SELECT jwt_sign(?1, (SELECT hs FROM k))", 0},
	{"SELECT jwt_sign('{}', (SELECT hs FROM k), NULL, ?1)", 0},
	{"SELECT jwt_encrypt('{}', (SELECT dir FROM k), NULL, NULL, ?1)", 0},
	{"SELECT jwt_public_jwk(?1)", 0},
	{"SELECT jwt_jwks(?1)", 0},
	{"SELECT jwt_jwk_from_pem(?1)", 0},
	{"SELECT jwt_authenticate((SELECT t FROM seed), ?1)", 0},
	{"SELECT jwt_keyring_check('k', ?1, NULL, (SELECT es FROM k), 0, NULL)", 0},
	{"SELECT jwt_keyring_check('k', '[\"verify\"]', ?1, ?1, 0, NULL)", 0},
	{"SELECT jwt_keyring_check('k', '[\"verify\"]', NULL, (SELECT jwt_public_jwk(es) FROM k), 0, NULL, ?1, ?1)", 0},
};

#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

static sqlite3_stmt *stmts[N_PROBES];

/* Run SQL or abort: the harness itself is broken. */
static void
must_exec(const char *sql)
{
	char	   *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
	{
		fprintf(stderr, "fuzz setup: %s\n  in: %s\n", msg, sql);
		abort();
	}
}

/* Keep each column of the one row of sql as a seed. */
static void
add_seeds(const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		abort();
	for (int i = 0; i < sqlite3_column_count(st); i++)
		add_seed((const char *) sqlite3_column_text(st, i), (size_t) sqlite3_column_bytes(st, i));
	sqlite3_finalize(st);
}

/* Run an input through every probe; true if a verifying probe accepted it. */
static int
run_probes(const uint8_t *data, size_t len)
{
	int			accepted = 0;

	for (size_t i = 0; i < N_PROBES; i++)
	{
		sqlite3_stmt *st = stmts[i];

		sqlite3_bind_text(st, 1, (const char *) data, (int) len, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW && probes[i].accepts &&
			sqlite3_column_type(st, 0) != SQLITE_NULL)
			accepted = 1;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	must_exec("SELECT jwt_clear()");
	return accepted;
}

/* Open the database, load the extension, make keys, keyring and seeds. */
int			LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	   *msg = NULL;

	(void) argc;
	(void) argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
		sqlite3_tokenextsqlite_init(db, &msg, NULL) != SQLITE_OK)
	{
		fprintf(stderr, "fuzz setup: %s\n", msg ? msg : sqlite3_errmsg(db));
		abort();
	}
	must_exec("CREATE TABLE k AS SELECT 'a-secret-of-at-least-32-bytes!!!' AS hs,"
			  " jwt_generate_key('ES256') AS es, jwt_generate_key('A256GCM') AS dir");
	must_exec("CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after, issuer, audience)");
	must_exec("INSERT INTO jwt_keyring SELECT 'hs', '[\"verify\"]', 'HS256',"
			  " json_object('kty', 'oct', 'k', 'YS1zZWNyZXQtb2YtYXQtbGVhc3QtMzItYnl0ZXMhISE'), 0, NULL, NULL, NULL");
	must_exec("INSERT INTO jwt_keyring SELECT 'dir', '[\"decrypt\"]', NULL, dir, 0, NULL, NULL, NULL FROM k");
	must_exec("INSERT INTO jwt_keyring SELECT 'idp', '[\"verify\"]', NULL, jwt_public_jwk(es), 0, NULL,"
			  " 'https://idp.example', 'api' FROM k");
	must_exec("CREATE TABLE seed AS SELECT"
			  " jwt_sign('{\"sub\":\"a\",\"exp\":4000000000}', hs, NULL, '{\"kid\":\"hs\"}') AS t,"
			  " jwt_encrypt('{\"sub\":\"b\"}', dir, NULL, NULL, '{\"kid\":\"dir\"}') AS e,"
			  " jwt_sign('{\"sub\":\"c\"}', es) AS s,"
			  " jwt_sign_and_encrypt('{\"sub\":\"d\"}', hs, dir) AS n,"
			  " jwt_sign('{\"iss\":\"https://idp.example\",\"aud\":\"api\",\"sub\":\"e\"}', es, NULL,"
			  " '{\"kid\":\"idp\"}') AS i FROM k");
	add_seeds("SELECT t, e, s, n, i FROM seed");
	for (size_t i = 0; i < N_PROBES; i++)
		if (sqlite3_prepare_v2(db, probes[i].sql, -1, &stmts[i], NULL) != SQLITE_OK)
		{
			fprintf(stderr, "fuzz setup: %s\n  in: %s\n", sqlite3_errmsg(db), probes[i].sql);
			abort();
		}

	/* the invariant means something only if every seed is accepted somewhere */
	for (size_t s = 0; s < n_seeds; s++)
		if (!run_probes((const uint8_t *) seeds[s], strlen(seeds[s])))
		{
			fprintf(stderr, "fuzz setup: seed %zu is accepted by no probe\n", s + 1);
			abort();
		}
	return 0;
}

/* One input through every probe. */
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (run_probes(data, len) && !is_seed(data, len))
	{
		fprintf(stderr, "an input that is not a seed token was accepted: %.*s\n", (int) len,
				(const char *) data);
		abort();
	}
	return 0;
}
