/*
 * test_keycache.c
 *		The LRU cache of parsed keys (src/core/keycache.c).
 *
 * A cache keyed by key material must never serve a stale or foreign key:
 * lookups compare the full bytes and the form tag, so a changed key or the
 * same bytes in another form is a miss.  The bounds (entries and bytes)
 * hold after every put, evicting least recently used entries first.
 */
#include "harness.h"
#include "../../src/core/key.h"
#include "../../src/core/keycache.h"

#include <stdlib.h>

static jose_keyset *
mk(const char *secret)
{
	jose_keyset *ks = NULL;
	jose_err	err;

	jose_keyset_from_secret((const unsigned char *) secret, strlen(secret), &ks, &err);
	return ks;
}

static jose_keyset *
get(jose_keycache *c, int tag, const char *m)
{
	return jose_keycache_get(c, tag, m, strlen(m));
}

static void
put(jose_keycache *c, int tag, const char *m)
{
	jose_keycache_put(c, tag, m, strlen(m), mk(m));
}

static void
hits_and_misses(void)
{
	jose_keycache c;
	jose_keyset *a;

	jose_keycache_init(&c, 10, 1000);
	CHECK(get(&c, 1, "secret-one") == NULL);
	CHECK(c.misses == 1 && c.hits == 0);
	a = mk("secret-one");
	jose_keycache_put(&c, 1, "secret-one", 10, a);
	CHECK(c.entries == 1 && c.bytes == 10);
	CHECK(get(&c, 1, "secret-one") == a);
	CHECK(get(&c, 1, "secret-one") == a);
	CHECK(c.hits == 2 && c.misses == 1);
	/* changed key: one byte, longer, shorter, other tag */
	CHECK(get(&c, 1, "secret-onE") == NULL);
	CHECK(get(&c, 1, "secret-one2") == NULL);
	CHECK(get(&c, 1, "secret-on") == NULL);
	CHECK(get(&c, 2, "secret-one") == NULL);
	CHECK(jose_keycache_get(&c, 1, "secret-one\0", 11) == NULL);
	CHECK(c.hits == 2 && c.misses == 6);
	CHECK(a->keys[0]->secret_len == 10 && memcmp(a->keys[0]->secret, "secret-one", 10) == 0);
	jose_keycache_clear(&c);
}

static void
lru_eviction_order(void)
{
	jose_keycache c;

	jose_keycache_init(&c, 3, 1000);
	put(&c, 1, "A");
	put(&c, 1, "B");
	put(&c, 1, "C");
	CHECK(c.entries == 3);
	CHECK(get(&c, 1, "A") != NULL);	/* A is now the most recent; B the least */
	put(&c, 1, "D");
	CHECK(c.entries == 3);
	CHECK(get(&c, 1, "B") == NULL);
	CHECK(get(&c, 1, "C") != NULL);	/* order now: C D A (most recent first) */
	put(&c, 1, "E");				/* evicts A */
	CHECK(get(&c, 1, "A") == NULL);
	CHECK(get(&c, 1, "D") != NULL);
	CHECK(get(&c, 1, "E") != NULL);
	CHECK(get(&c, 1, "C") != NULL);
	CHECK(c.entries == 3);
	/* list ends agree with use order: C most recent, D least */
	put(&c, 1, "F");
	CHECK(get(&c, 1, "D") == NULL);
	CHECK(get(&c, 1, "E") != NULL && get(&c, 1, "C") != NULL && get(&c, 1, "F") != NULL);
	jose_keycache_clear(&c);
}

static void
byte_bound(void)
{
	jose_keycache c;

	jose_keycache_init(&c, 100, 10);
	put(&c, 1, "aaaa");
	put(&c, 1, "bbbb");
	CHECK(c.bytes == 8 && c.entries == 2);
	put(&c, 1, "cccc");				/* 12 > 10: evict aaaa */
	CHECK(c.bytes == 8 && c.entries == 2);
	CHECK(get(&c, 1, "aaaa") == NULL);
	CHECK(get(&c, 1, "bbbb") != NULL);
	put(&c, 1, "dddddddddd");		/* exactly the bound: everything else goes */
	CHECK(c.bytes == 10 && c.entries == 1);
	CHECK(get(&c, 1, "dddddddddd") != NULL);
	/* larger than the whole cache: not stored, but usable until the next put */
	{
		jose_keyset *big = mk("eeeeeeeeeee");

		jose_keycache_put(&c, 1, "eeeeeeeeeee", 11, big);
		CHECK(c.entries == 1 && c.bytes == 10);
		CHECK(get(&c, 1, "eeeeeeeeeee") == NULL);
		CHECK(big->keys[0]->secret_len == 11);	/* still alive (valgrind would see otherwise) */
	}
	/* shrinking the bounds evicts at once, least recent first */
	jose_keycache_set_bounds(&c, 100, 1000);
	put(&c, 1, "x1");
	put(&c, 1, "x2");
	put(&c, 1, "x3");
	CHECK(c.entries == 4);
	jose_keycache_set_bounds(&c, 2, 1000);
	CHECK(c.entries == 2);
	CHECK(get(&c, 1, "dddddddddd") == NULL && get(&c, 1, "x1") == NULL);
	CHECK(get(&c, 1, "x2") != NULL && get(&c, 1, "x3") != NULL);
	jose_keycache_set_bounds(&c, 2, 3);
	CHECK(c.entries == 1 && c.bytes == 2);
	CHECK(get(&c, 1, "x3") != NULL);
	jose_keycache_clear(&c);
}

static void
zero_entries_disables(void)
{
	jose_keycache c;
	jose_keyset *a = mk("k");

	jose_keycache_init(&c, 0, 1000);
	jose_keycache_put(&c, 1, "k", 1, a);
	CHECK(c.entries == 0 && c.bytes == 0);
	CHECK(get(&c, 1, "k") == NULL);
	CHECK(a->keys[0]->secret_len == 1);
	jose_keycache_clear(&c);
}

static void
clear_drops_everything(void)
{
	jose_keycache c;

	jose_keycache_init(&c, 10, 1000);
	put(&c, 1, "one");
	put(&c, 2, "one");
	put(&c, 3, "two");
	CHECK(c.entries == 3 && c.bytes == 9);
	CHECK(get(&c, 2, "one") != NULL && get(&c, 1, "one") != get(&c, 2, "one"));
	jose_keycache_clear(&c);
	CHECK(c.entries == 0 && c.bytes == 0 && c.lru.head == NULL && c.lru.tail == NULL);
	CHECK(get(&c, 1, "one") == NULL && get(&c, 3, "two") == NULL);
	/* usable after a clear */
	put(&c, 1, "one");
	CHECK(get(&c, 1, "one") != NULL);
	jose_keycache_clear(&c);
}

/* More entries than buckets: chains work, every entry is found, no false hits. */
static void
many_entries_and_chains(void)
{
	jose_keycache c;
	char		m[32];
	size_t		found = 0;

	jose_keycache_init(&c, 1000, 1 << 20);
	for (int i = 0; i < 600; i++)
	{
		snprintf(m, sizeof(m), "key-%d", i);
		put(&c, 1, m);
	}
	CHECK(c.entries == 600);
	for (int i = 0; i < 600; i++)
	{
		jose_keyset *ks;

		snprintf(m, sizeof(m), "key-%d", i);
		ks = get(&c, 1, m);
		if (ks != NULL && ks->keys[0]->secret_len == strlen(m) &&
			memcmp(ks->keys[0]->secret, m, strlen(m)) == 0)
			found++;
		snprintf(m, sizeof(m), "key-%d!", i);
		CHECK(get(&c, 1, m) == NULL);
	}
	CHECK(found == 600);
	jose_keycache_set_bounds(&c, 10, 1 << 20);
	CHECK(c.entries == 10);
	CHECK(get(&c, 1, "key-599") != NULL && get(&c, 1, "key-589") == NULL);
	jose_keycache_clear(&c);
}

void
suite_keycache(void)
{
	RUN(hits_and_misses);
	RUN(lru_eviction_order);
	RUN(byte_bound);
	RUN(zero_entries_disables);
	RUN(clear_drops_everything);
	RUN(many_entries_and_chains);
}
