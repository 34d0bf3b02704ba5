/*-------------------------------------------------------------------------
 *
 * tokencache.h
 *		A bounded LRU cache of verified tokens, keyed by the whole token.
 *
 * Clients send the same token with every request.  Verifying it again
 * costs a signature check (an ECDSA or RSA verification is tens of
 * microseconds); remembering that these exact bytes verified costs a hash
 * and a comparison.  The cache holds what the host keeps of a verified
 * token (its claims, in whatever form the host wants them back) with the
 * times that bound its validity: exp and nbf, and the validity window of
 * the keys that verified it.  A lookup gives an entry back only while
 * those still hold at the time asked about; otherwise the entry is dropped
 * and the host verifies again, which reports why the token fails.
 *
 * The cache never decides what is valid.  The host caches only tokens
 * that passed every check, and empties the cache (jose_tokencache_sync)
 * whenever anything the checks depend on changes: its keys, its
 * revocation store, its policy.  Failures are never cached.
 *
 * Keys are the token's bytes.  Buckets are chosen by SipHash-2-4 under a
 * random per-process key, so nobody can aim tokens at one bucket or learn
 * from timings which bucket a token falls in, and a lookup compares the
 * whole token (length, then CRYPTO_memcmp) with entries of the same hash
 * only: a hash collision never makes another token hit.  Entries are
 * wiped when dropped (the claims of an encrypted token are plaintext).
 *
 * src/core/tokencache.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_TOKENCACHE_H
#define JOSE_TOKENCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claims.h"
#include "lru.h"

/* What a host keeps of one verified token. */
typedef struct jose_cached_token
{
	jose_claim_times times;		/* exp and nbf are checked again on every hit */
	double		leeway;			/* seconds of skew tolerated for them */
	double		valid_from;		/* the verifying keys' window, Unix seconds; */
	double		valid_until;	/* -HUGE_VAL / HUGE_VAL when open */
	const unsigned char *data;	/* the host's bytes (the claims, ...) */
	size_t		data_len;
} jose_cached_token;

typedef struct jose_tokencache_entry jose_tokencache_entry;

typedef struct jose_tokencache
{
	jose_tokencache_entry **buckets;
	size_t		n_buckets;		/* a power of two, or 0 before the first put */
	jose_lru	lru;			/* recency of the entries */
	size_t		entries;
	size_t		bytes;			/* memory the entries take */
	size_t		max_entries;	/* 0: the cache keeps nothing */
	size_t		max_bytes;
	uint64_t	generation;		/* the host's state the entries were verified under */
	uint64_t	hits;
	uint64_t	misses;
	uint64_t	evictions;		/* entries dropped to stay within the bounds */
	unsigned char hash_key[16];
	bool		keyed;			/* hash_key holds random bytes */
} jose_tokencache;

/* Prepare an empty cache with the given bounds. */
extern void jose_tokencache_init(jose_tokencache *cache, size_t max_entries, size_t max_bytes);

/* Change the bounds, evicting least recently used entries as needed. */
extern void jose_tokencache_set_bounds(jose_tokencache *cache, size_t max_entries,
									   size_t max_bytes);

/*
 * Empty the cache unless its entries were verified under generation (the
 * host's count of changes to its keys, revocations and policy); returns
 * true when it was emptied.
 */
extern bool jose_tokencache_sync(jose_tokencache *cache, uint64_t generation);

/*
 * The entry for token (len bytes) if it is cached and still valid at now
 * (Unix seconds): exp and nbf with the entry's leeway, and the keys'
 * window.  An entry no longer valid is dropped.  Counts a hit or a miss.
 */
extern const jose_cached_token *jose_tokencache_get(jose_tokencache *cache, const char *token,
													size_t len, double now);

/*
 * Cache token (len bytes) with a copy of v (and of its data), replacing an
 * entry of the same token; nothing happens when the cache is off, the
 * entry is larger than the memory bound, or memory runs out.
 */
extern void jose_tokencache_put(jose_tokencache *cache, const char *token, size_t len,
								const jose_cached_token *v);

/* Drop every entry (counters are kept). */
extern void jose_tokencache_clear(jose_tokencache *cache);

/* Drop every entry and release the cache's storage. */
extern void jose_tokencache_free(jose_tokencache *cache);

/* SipHash-2-4 of len bytes at p under a 16-byte key. */
extern uint64_t jose_siphash(const unsigned char key[16], const void *p, size_t len);

#endif							/* JOSE_TOKENCACHE_H */
