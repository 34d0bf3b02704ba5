/*-------------------------------------------------------------------------
 *
 * seeds.h
 *		The seed tokens of the fuzz harnesses: the only inputs that may
 *		verify or decrypt, written to the corpus (FUZZ_SEED_DIR) too.
 *
 * test/fuzz/seeds.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef FUZZ_SEEDS_H
#define FUZZ_SEEDS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *seeds[8];
static size_t n_seeds;

/* Keep a copy of a token the keys do accept, and put it in the corpus if asked. */
static void
add_seed(const char *tok, size_t len)
{
	const char *dir = getenv("FUZZ_SEED_DIR");

	if (n_seeds < sizeof(seeds) / sizeof(seeds[0]))
	{
		seeds[n_seeds] = malloc(len + 1);
		memcpy(seeds[n_seeds], tok, len);
		seeds[n_seeds][len] = '\0';
		n_seeds++;
	}
	if (dir != NULL)
	{
		char		path[4096];
		FILE	   *f;

		snprintf(path, sizeof(path), "%s/seed%zu", dir, n_seeds);
		if ((f = fopen(path, "w")) != NULL)
		{
			fwrite(tok, 1, len, f);
			fclose(f);
		}
	}
}

/* True when the input is one of the tokens made at setup. */
static int
is_seed(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < n_seeds; i++)
		if (strlen(seeds[i]) == len && memcmp(seeds[i], data, len) == 0)
			return 1;
	return 0;
}

#endif							/* FUZZ_SEEDS_H */
