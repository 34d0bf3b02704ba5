/*-------------------------------------------------------------------------
 *
 * tokencache.c
 *		A bounded LRU cache of verified tokens.
 *
 * src/core/tokencache.c
 *
 *-------------------------------------------------------------------------
 */
#include "tokencache.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* One cached token: the entry, then the token's bytes, then the host's data. */
struct jose_tokencache_entry
{
	jose_lru_node node;			/* first: the entry's place in the recency list */
	jose_tokencache_entry *chain;	/* next in the bucket */
	uint64_t	hash;
	size_t		size;			/* of the whole allocation */
	size_t		token_len;
	jose_cached_token value;	/* value.data points after the token */
	unsigned char bytes[];		/* token, then data */
};

#define ROTL(x, b) (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND \
	do { \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

/* Read 8 bytes as a little-endian 64-bit number. */
static uint64_t
load_le64(const unsigned char *p)
{
	uint64_t	v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* SipHash-2-4 (Aumasson and Bernstein) of len bytes at p under key. */
uint64_t
jose_siphash(const unsigned char key[16], const void *p, size_t len)
{
	const unsigned char *in = p;
	uint64_t	k0 = load_le64(key);
	uint64_t	k1 = load_le64(key + 8);
	uint64_t	v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t	v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t	v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t	v3 = 0x7465646279746573ULL ^ k1;
	uint64_t	b = ((uint64_t) len) << 56;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8)
	{
		uint64_t	m = load_le64(in + i);

		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= ((uint64_t) in[i + j]) << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Prepare an empty cache with the given bounds. */
void
jose_tokencache_init(jose_tokencache *cache, size_t max_entries, size_t max_bytes)
{
	memset(cache, 0, sizeof(*cache));
	cache->max_entries = max_entries;
	cache->max_bytes = max_bytes;
}

/* Remove e from its bucket and the LRU list, wipe and free it. */
static void
remove_entry(jose_tokencache *cache, jose_tokencache_entry *e)
{
	jose_tokencache_entry **link = &cache->buckets[e->hash & (cache->n_buckets - 1)];

	while (*link != e)
		link = &(*link)->chain;
	*link = e->chain;
	jose_lru_unlink(&cache->lru, &e->node);
	cache->entries--;
	cache->bytes -= e->size;
	OPENSSL_cleanse(e, e->size);
	free(e);
}

/* Evict least recently used entries until the bounds hold. */
static void
evict(jose_tokencache *cache)
{
	while (cache->lru.tail != NULL &&
		   (cache->entries > cache->max_entries || cache->bytes > cache->max_bytes))
	{
		remove_entry(cache, (jose_tokencache_entry *) cache->lru.tail);
		cache->evictions++;
	}
}

/* Change the bounds, evicting as needed. */
void
jose_tokencache_set_bounds(jose_tokencache *cache, size_t max_entries, size_t max_bytes)
{
	cache->max_entries = max_entries;
	cache->max_bytes = max_bytes;
	evict(cache);
}

/* Empty the cache unless its entries were verified under generation. */
bool
jose_tokencache_sync(jose_tokencache *cache, uint64_t generation)
{
	if (cache->generation == generation)
		return false;
	jose_tokencache_clear(cache);
	cache->generation = generation;
	return true;
}

/* The entry of token in the cache, or NULL. */
static jose_tokencache_entry *
find(const jose_tokencache *cache, const char *token, size_t len, uint64_t hash)
{
	for (jose_tokencache_entry *e = cache->buckets[hash & (cache->n_buckets - 1)]; e; e = e->chain)
		if (e->hash == hash && e->token_len == len && CRYPTO_memcmp(e->bytes, token, len) == 0)
			return e;
	return NULL;
}

/* True when the cached token is still valid at now. */
static bool
still_valid(const jose_cached_token *v, double now)
{
	/* the same comparisons as jose_claims_check makes */
	if (v->times.has_exp && now >= v->times.exp + v->leeway)
		return false;
	if (v->times.has_nbf && now + v->leeway < v->times.nbf)
		return false;
	return v->valid_from <= now && now < v->valid_until;
}

/* The entry for token if cached and still valid at now; counts a hit or a miss. */
const jose_cached_token *
jose_tokencache_get(jose_tokencache *cache, const char *token, size_t len, double now)
{
	jose_tokencache_entry *e = NULL;

	if (cache->entries > 0)
		e = find(cache, token, len, jose_siphash(cache->hash_key, token, len));
	if (e != NULL && !still_valid(&e->value, now))
	{
		/* the host verifies it again, and says why it fails */
		remove_entry(cache, e);
		e = NULL;
	}
	if (e == NULL)
	{
		cache->misses++;
		return NULL;
	}
	jose_lru_touch(&cache->lru, &e->node);
	cache->hits++;
	return &e->value;
}

/* Double the buckets (rehashing the entries); false when out of memory. */
static bool
grow(jose_tokencache *cache)
{
	size_t		n = cache->n_buckets ? cache->n_buckets * 2 : 64;
	jose_tokencache_entry **buckets = calloc(n, sizeof(*buckets));

	if (buckets == NULL)
		return cache->n_buckets > 0;
	for (jose_lru_node *node = cache->lru.head; node; node = node->next)
	{
		jose_tokencache_entry *e = (jose_tokencache_entry *) node;

		e->chain = buckets[e->hash & (n - 1)];
		buckets[e->hash & (n - 1)] = e;
	}
	free(cache->buckets);
	cache->buckets = buckets;
	cache->n_buckets = n;
	return true;
}

/* Cache token with a copy of v; nothing happens when it cannot be kept. */
void
jose_tokencache_put(jose_tokencache *cache, const char *token, size_t len,
					const jose_cached_token *v)
{
	size_t		size = sizeof(jose_tokencache_entry) + len + v->data_len;
	jose_tokencache_entry *e;
	uint64_t	hash;

	if (cache->max_entries == 0 || size > cache->max_bytes)
		return;
	if (!cache->keyed)
	{
		if (RAND_bytes(cache->hash_key, sizeof(cache->hash_key)) != 1)
			return;
		cache->keyed = true;
	}
	if ((cache->n_buckets == 0 || cache->entries >= cache->n_buckets) && !grow(cache))
		return;
	hash = jose_siphash(cache->hash_key, token, len);
	e = find(cache, token, len, hash);
	if (e != NULL)
		remove_entry(cache, e);

	e = malloc(size);
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	e->size = size;
	e->token_len = len;
	memcpy(e->bytes, token, len);
	e->value = *v;
	if (v->data_len > 0)
		memcpy(e->bytes + len, v->data, v->data_len);
	e->value.data = e->bytes + len;
	e->chain = cache->buckets[hash & (cache->n_buckets - 1)];
	cache->buckets[hash & (cache->n_buckets - 1)] = e;
	jose_lru_push_front(&cache->lru, &e->node);
	cache->entries++;
	cache->bytes += size;
	evict(cache);
}

/* Drop every entry. */
void
jose_tokencache_clear(jose_tokencache *cache)
{
	while (cache->lru.tail != NULL)
		remove_entry(cache, (jose_tokencache_entry *) cache->lru.tail);
}

/* Drop every entry and release the cache's storage. */
void
jose_tokencache_free(jose_tokencache *cache)
{
	jose_tokencache_clear(cache);
	free(cache->buckets);
	cache->buckets = NULL;
	cache->n_buckets = 0;
}
