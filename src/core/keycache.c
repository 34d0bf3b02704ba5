/*-------------------------------------------------------------------------
 *
 * keycache.c
 *		A bounded LRU cache of parsed key sets.
 *
 * src/core/keycache.c
 *
 *-------------------------------------------------------------------------
 */
#include "keycache.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

struct jose_keycache_entry
{
	jose_lru_node node;			/* first: the entry's place in the recency list */
	jose_keycache_entry *chain;	/* next in the bucket */
	uint64_t	hash;
	int			tag;
	size_t		len;
	unsigned char *material;
	jose_keyset *set;
};

/* A fast 64-bit hash of the material (word-at-a-time multiply-mix). */
static uint64_t
hash_material(int tag, const unsigned char *p, size_t len)
{
	uint64_t	h = 0x9E3779B97F4A7C15ULL ^ ((uint64_t) len * 0xFF51AFD7ED558CCDULL) ^ (uint64_t) tag;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8)
	{
		uint64_t	w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001B3ULL;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	return h;
}

/* Prepare an empty cache with the given bounds. */
void
jose_keycache_init(jose_keycache *cache, size_t max_entries, size_t max_bytes)
{
	memset(cache, 0, sizeof(*cache));
	cache->max_entries = max_entries;
	cache->max_bytes = max_bytes;
}

/* Keep set alive for a few more puts; free the oldest retired set if full. */
static void
retire(jose_keycache *cache, jose_keyset *set)
{
	if (set == NULL)
		return;
	if (cache->n_retired == JOSE_KEYCACHE_RETIRED)
	{
		jose_keyset_free(cache->retired[0]);
		memmove(cache->retired, cache->retired + 1,
				sizeof(cache->retired[0]) * (JOSE_KEYCACHE_RETIRED - 1));
		cache->n_retired--;
	}
	cache->retired[cache->n_retired++] = set;
}

/* Remove e from the cache; its set is retired, not freed at once. */
static void
remove_entry(jose_keycache *cache, jose_keycache_entry *e)
{
	jose_keycache_entry **link = &cache->buckets[e->hash % cache->n_buckets];

	while (*link != e)
		link = &(*link)->chain;
	*link = e->chain;
	jose_lru_unlink(&cache->lru, &e->node);
	cache->entries--;
	cache->bytes -= e->len;
	OPENSSL_cleanse(e->material, e->len);
	free(e->material);
	retire(cache, e->set);
	free(e);
}

/* Evict least recently used entries until the bounds hold. */
static void
evict(jose_keycache *cache)
{
	while (cache->lru.tail != NULL &&
		   (cache->entries > cache->max_entries || cache->bytes > cache->max_bytes))
		remove_entry(cache, (jose_keycache_entry *) cache->lru.tail);
}

/* Change the bounds, evicting as needed. */
void
jose_keycache_set_bounds(jose_keycache *cache, size_t max_entries, size_t max_bytes)
{
	cache->max_entries = max_entries;
	cache->max_bytes = max_bytes;
	evict(cache);
}

/* The key set cached for (tag, material), or NULL. */
jose_keyset *
jose_keycache_get(jose_keycache *cache, int tag, const void *material, size_t len)
{
	uint64_t	h;
	jose_keycache_entry *e;

	if (cache->n_buckets == 0)
	{
		cache->misses++;
		return NULL;
	}

	/* the most recent key again (the common case): no hashing needed */
	e = (jose_keycache_entry *) cache->lru.head;
	if (e != NULL && e->tag == tag && e->len == len && memcmp(e->material, material, len) == 0)
	{
		cache->hits++;
		return e->set;
	}
	h = hash_material(tag, material, len);
	for (e = cache->buckets[h % cache->n_buckets]; e != NULL; e = e->chain)
	{
		if (e->hash == h && e->tag == tag && e->len == len &&
			memcmp(e->material, material, len) == 0)
		{
			jose_lru_touch(&cache->lru, &e->node);
			cache->hits++;
			return e->set;
		}
	}
	cache->misses++;
	return NULL;
}

/* Cache set under (tag, material); the cache owns set from now on. */
void
jose_keycache_put(jose_keycache *cache, int tag, const void *material, size_t len,
				  jose_keyset *set)
{
	jose_keycache_entry *e;

	if (cache->max_entries == 0 || len > cache->max_bytes)
		goto uncached;
	if (cache->n_buckets == 0)
	{
		cache->n_buckets = 251;
		cache->buckets = calloc(cache->n_buckets, sizeof(jose_keycache_entry *));
		if (cache->buckets == NULL)
		{
			cache->n_buckets = 0;
			goto uncached;
		}
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		goto uncached;
	e->material = malloc(len ? len : 1);
	if (e->material == NULL)
	{
		free(e);
		goto uncached;
	}
	memcpy(e->material, material, len);
	e->len = len;
	e->tag = tag;
	e->hash = hash_material(tag, material, len);
	e->set = set;
	e->chain = cache->buckets[e->hash % cache->n_buckets];
	cache->buckets[e->hash % cache->n_buckets] = e;
	jose_lru_push_front(&cache->lru, &e->node);
	cache->entries++;
	cache->bytes += len;
	evict(cache);
	return;

uncached:
	retire(cache, set);
}

/* Drop every entry. */
void
jose_keycache_clear(jose_keycache *cache)
{
	while (cache->lru.tail != NULL)
		remove_entry(cache, (jose_keycache_entry *) cache->lru.tail);
	for (size_t i = 0; i < cache->n_retired; i++)
		jose_keyset_free(cache->retired[i]);
	cache->n_retired = 0;
}

/* Drop every entry and release the cache's own storage. */
void
jose_keycache_free(jose_keycache *cache)
{
	jose_keycache_clear(cache);
	free(cache->buckets);
	cache->buckets = NULL;
	cache->n_buckets = 0;
}
