/*-------------------------------------------------------------------------
 *
 * keycache.h
 *		A bounded LRU cache of parsed key sets, keyed by key material.
 *
 * Parsing a key (JSON, base64url, OpenSSL import and checks, HMAC keying)
 * costs more than using it.  The cache maps the exact bytes a caller gave
 * (plus a tag for their form) to the parsed key set.  Lookups compare the
 * full bytes, so a changed key can never be served a stale entry.  Entries
 * and their copies of the material are wiped when evicted.
 *
 * src/core/keycache.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEYCACHE_H
#define JOSE_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "keyobj.h"
#include "lru.h"

typedef struct jose_keycache_entry jose_keycache_entry;

/*
 * How many puts a set outlives its eviction by.  A caller may hold the sets
 * of the last few lookups (one SQL call uses at most three keys), so an
 * evicted set is retired rather than freed at once.
 */
#define JOSE_KEYCACHE_RETIRED 8

typedef struct jose_keycache
{
	jose_keycache_entry **buckets;
	size_t		n_buckets;
	jose_lru	lru;			/* recency of the entries */
	size_t		entries;
	size_t		bytes;			/* material bytes held */
	size_t		max_entries;
	size_t		max_bytes;
	uint64_t	hits;
	uint64_t	misses;
	/* sets evicted or never stored, freed only JOSE_KEYCACHE_RETIRED puts later */
	jose_keyset *retired[JOSE_KEYCACHE_RETIRED];
	size_t		n_retired;
} jose_keycache;

/* Prepare an empty cache with the given bounds. */
extern void jose_keycache_init(jose_keycache *cache, size_t max_entries, size_t max_bytes);

/* Change the bounds, evicting as needed. */
extern void jose_keycache_set_bounds(jose_keycache *cache, size_t max_entries,
									 size_t max_bytes);

/* The key set cached for (tag, material), or NULL. */
extern jose_keyset *jose_keycache_get(jose_keycache *cache, int tag,
									  const void *material, size_t len);

/*
 * Cache set under (tag, material); the cache owns set from now on.  If the
 * entry cannot be stored (no memory, or larger than the cache), set is
 * still owned by the cache and retired at once.  Either way the sets
 * returned by the last JOSE_KEYCACHE_RETIRED - 1 gets and puts stay valid.
 */
extern void jose_keycache_put(jose_keycache *cache, int tag, const void *material,
							  size_t len, jose_keyset *set);

/* Drop every entry. */
extern void jose_keycache_clear(jose_keycache *cache);

/* Drop every entry and release the cache's own storage. */
extern void jose_keycache_free(jose_keycache *cache);

#endif							/* JOSE_KEYCACHE_H */
