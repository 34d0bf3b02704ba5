/*-------------------------------------------------------------------------
 *
 * lru.h
 *		The recency list of the core's caches (keycache.c, tokencache.c).
 *
 * A cache entry begins with a jose_lru_node, so a pointer to the node is a
 * pointer to the entry; the list runs from the most recently used entry
 * (head) to the least (tail), which eviction takes first.
 *
 * src/core/lru.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_LRU_H
#define JOSE_LRU_H

#include <stddef.h>

typedef struct jose_lru_node
{
	struct jose_lru_node *prev;
	struct jose_lru_node *next;
} jose_lru_node;

typedef struct jose_lru
{
	jose_lru_node *head;		/* most recently used */
	jose_lru_node *tail;		/* least recently used */
} jose_lru;

/* Take n out of the list. */
static inline void
jose_lru_unlink(jose_lru *l, jose_lru_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = n->next = NULL;
}

/* Put n (not in the list) at its head. */
static inline void
jose_lru_push_front(jose_lru *l, jose_lru_node *n)
{
	n->prev = NULL;
	n->next = l->head;
	if (l->head)
		l->head->prev = n;
	l->head = n;
	if (l->tail == NULL)
		l->tail = n;
}

/* Mark n (in the list) as the most recently used. */
static inline void
jose_lru_touch(jose_lru *l, jose_lru_node *n)
{
	if (l->head != n)
	{
		jose_lru_unlink(l, n);
		jose_lru_push_front(l, n);
	}
}

#endif							/* JOSE_LRU_H */
