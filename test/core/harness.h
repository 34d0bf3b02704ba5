/*
 * harness.h
 *		A tiny TAP test harness for the C unit tests of src/core.
 *
 * Each TEST is one TAP point ("ok N - name" / "not ok N - name").  CHECK
 * records a failed expectation with its file, line and expression, and the
 * test goes on so that one run shows every failure.  main() (compiled once,
 * in main.c, which defines HARNESS_MAIN) runs every suite, prints the plan,
 * then exactly "RESULT <passed> <failed> <skipped>" and exits non-zero when
 * anything failed.
 *
 * No PostgreSQL here: only libc, OpenSSL and the src/core headers.
 */
#ifndef TEST_CORE_HARNESS_H
#define TEST_CORE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../../src/core/status.h"

/* Record a failed expectation of the running test. */
extern void harness_fail(const char *file, int line, const char *expr, const char *fmt, ...)
			__attribute__((format(printf, 4, 5)));

/* Run fn as the TAP point name. */
extern void harness_run(const char *name, void (*fn) (void));

/* Report the TAP point name as skipped for reason (never counted as passed). */
extern void harness_skip(const char *name, const char *reason);

/*
 * The path of a file under the shared JOSE vectors ($TOKEN_EXT_SHARED when
 * set, else /work/shared relative to the repository, i.e. ../../../shared
 * from test/core), or NULL when absent.
 */
extern const char *harness_shared_path(const char *rel, char *buf, size_t buflen);

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
extern char *harness_read_file(const char *path, size_t *len);

#define CHECK(expr) \
	do { if (!(expr)) harness_fail(__FILE__, __LINE__, #expr, NULL); } while (0)

/* CHECK with a printf-style note (the input under test, usually). */
#define CHECKF(expr, ...) \
	do { if (!(expr)) harness_fail(__FILE__, __LINE__, #expr, __VA_ARGS__); } while (0)

/* A status expectation that names both statuses when it fails. */
#define CHECK_STATUS(got, want) \
	do { jose_status g_ = (got), w_ = (want); \
		 if (g_ != w_) harness_fail(__FILE__, __LINE__, #got " == " #want, \
			 "got %d (%s), want %d (%s)", (int) g_, jose_status_message(g_), \
			 (int) w_, jose_status_message(w_)); } while (0)

/* String equality (both NUL-terminated), showing both on failure. */
#define CHECK_STR(got, want) \
	do { const char *g_ = (got), *w_ = (want); \
		 if (g_ == NULL || strcmp(g_, w_) != 0) harness_fail(__FILE__, __LINE__, \
			 #got " == " #want, "got \"%s\", want \"%s\"", g_ ? g_ : "(null)", w_); } while (0)

#define RUN(fn) harness_run(#fn, fn)

/* The suites, one per core module. */
extern void suite_b64url(void);
extern void suite_json(void);
extern void suite_jws(void);
extern void suite_claims(void);
extern void suite_keycache(void);
extern void suite_jwk(void);
extern void suite_jwe(void);
extern void suite_token(void);
extern void suite_security(void);
extern void suite_forward(void);
extern void suite_shared(void);
extern void suite_idp(void);
extern void suite_differential(void);

#endif
