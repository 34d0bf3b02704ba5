/*
 * main.c
 *		The harness itself and main(): runs every suite of the core tests.
 *
 * Output is TAP; the last line is "RESULT <passed> <failed> <skipped>",
 * which test.sh reads.  Exit status is non-zero when any test failed.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

static int	n_tests = 0;
static int	n_passed = 0;
static int	n_failed = 0;
static int	n_skipped = 0;
static int	current_failures = 0;

void
harness_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
	current_failures++;
	/* cap the noise of one broken loop, keep the count exact */
	if (current_failures > 20)
		return;
	printf("#   %s:%d: CHECK(%s) failed", file, line, expr);
	if (fmt != NULL)
	{
		va_list		ap;

		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
}

void
harness_run(const char *name, void (*fn) (void))
{
	current_failures = 0;
	fn();
	n_tests++;
	if (current_failures == 0)
	{
		n_passed++;
		printf("ok %d - %s\n", n_tests, name);
	}
	else
	{
		n_failed++;
		if (current_failures > 20)
			printf("#   (%d failed checks in all)\n", current_failures);
		printf("not ok %d - %s\n", n_tests, name);
	}
	fflush(stdout);
}

void
harness_skip(const char *name, const char *reason)
{
	n_tests++;
	n_skipped++;
	printf("ok %d - %s # SKIP %s\n", n_tests, name, reason);
}

const char *
harness_shared_path(const char *rel, char *buf, size_t buflen)
{
	struct stat st;
	const char *dir = getenv("TOKEN_EXT_SHARED");

	if (dir != NULL && dir[0] != '\0')
		snprintf(buf, buflen, "%s/%s", dir, rel);
	else
		snprintf(buf, buflen, "../../../shared/%s", rel);
	if (stat(buf, &st) != 0)
		return NULL;
	return buf;
}

char *
harness_read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *data = NULL;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
	{
		data = malloc((size_t) n + 1);
		if (data != NULL && fread(data, 1, (size_t) n, f) == (size_t) n)
		{
			data[n] = '\0';
			*len = (size_t) n;
		}
		else
		{
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

int
main(void)
{
	suite_b64url();
	suite_json();
	suite_jws();
	suite_claims();
	suite_keycache();
	suite_jwk();
	suite_jwe();
	suite_token();
	suite_security();
	suite_forward();
	suite_shared();
	suite_idp();
	suite_differential();
	printf("1..%d\n", n_tests);
	printf("RESULT %d %d %d\n", n_passed, n_failed, n_skipped);
	return n_failed == 0 ? 0 : 1;
}
