/*
 * interrupt_test.c
 *		sqlite3_interrupt() stops the core's long work inside one call, on
 *		an SQLite with sqlite3_is_interrupted (3.41 and later).
 *
 * Linked with a newer SQLite's amalgamation (see interrupt.sh); loads the
 * token_ext_sqlite built against that SQLite's headers (argv[1]), starts
 * an 8192-bit RSA key generation (seconds to a minute of work), calls
 * sqlite3_interrupt() from another thread after 300 ms, and checks that
 * the call stops at once with SQLITE_INTERRUPT and the core's message, and
 * that the connection works afterwards.  Prints TAP lines and, last,
 * "RESULT passed failed skipped".
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqlite3.h"

static sqlite3 *db;
static int	passed,
			failed;

/* Record one TAP point. */
static void
check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (ok)
		passed++;
	else
		failed++;
}

/* Interrupt the connection after 300 ms. */
static void *
interrupter(void *arg)
{
	(void) arg;
	usleep(300000);
	sqlite3_interrupt(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	char	   *err = NULL;
	sqlite3_stmt *st;
	pthread_t	t;
	struct timespec a,
				b;
	double		seconds;
	int			rc;

	if (argc < 2 || sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 2;
	printf("# SQLite %s\n", sqlite3_libversion());
	check(sqlite3_libversion_number() >= 3041000, "this SQLite has sqlite3_is_interrupted (3.41 or later)");
	sqlite3_enable_load_extension(db, 1);
	rc = sqlite3_load_extension(db, argv[1], NULL, &err);
	check(rc == SQLITE_OK, "token_ext_sqlite built against its headers loads");
	if (rc != SQLITE_OK)
	{
		printf("# %s\n", err ? err : "");
		printf("RESULT %d %d 0\n", passed, failed);
		return 1;
	}

	sqlite3_prepare_v2(db, "SELECT jwt_generate_key('RSA', 8192)", -1, &st, NULL);
	clock_gettime(CLOCK_MONOTONIC, &a);
	pthread_create(&t, NULL, interrupter, NULL);
	rc = sqlite3_step(st);
	clock_gettime(CLOCK_MONOTONIC, &b);
	pthread_join(t, NULL);
	seconds = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# %s after %.2f s: %s\n", sqlite3_errstr(rc), seconds, sqlite3_errmsg(db));
	check(rc == SQLITE_INTERRUPT, "an interrupted RSA key generation fails with SQLITE_INTERRUPT");
	check(strcmp(sqlite3_errmsg(db), "canceled: Generating the RSA key was interrupted.") == 0,
		  "with PostgreSQL's message and the core's detail");
	check(seconds < 3.0, "within moments of sqlite3_interrupt(), not at the end of the work");
	sqlite3_finalize(st);

	sqlite3_prepare_v2(db, "SELECT jwt_verify(jwt_sign('{\"n\":1}', k), jwt_public_jwk(k)) FROM (SELECT jwt_generate_key('ES256') AS k)", -1, &st, NULL);
	rc = sqlite3_step(st);
	check(rc == SQLITE_ROW && strcmp((const char *) sqlite3_column_text(st, 0), "{\"n\":1}") == 0,
		  "the connection works afterwards");
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("RESULT %d %d 0\n", passed, failed);
	return failed != 0;
}
