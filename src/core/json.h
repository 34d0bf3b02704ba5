/*-------------------------------------------------------------------------
 *
 * json.h
 *		A strict, bounded JSON reader that builds a flat tree of nodes.
 *
 * Strict means RFC 8259 and nothing more, plus the JOSE safety rules:
 * duplicate member names, "\u0000", lone surrogates, invalid UTF-8 and a
 * byte-order mark are refused, so that the bytes we verify and the values
 * the database stores can never disagree.  Bounded means a maximum nesting
 * depth and node count, checked while parsing.
 *
 * The tree is an array of nodes in document order.  A container's children
 * follow it; node.next is the index just past a node's subtree, so siblings
 * are reached by jumping.  An object's children alternate name, value.
 * Strings are stored decoded (UTF-8, NUL-terminated, no embedded NUL);
 * numbers keep their source text.
 *
 * src/core/json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JSON_H
#define JOSE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

typedef enum jose_jtype
{
	JOSE_JSON_NULL,
	JOSE_JSON_FALSE,
	JOSE_JSON_TRUE,
	JOSE_JSON_NUMBER,
	JOSE_JSON_STRING,
	JOSE_JSON_ARRAY,
	JOSE_JSON_OBJECT
} jose_jtype;

typedef struct jose_jnode
{
	uint8_t		type;			/* a jose_jtype */
	uint32_t	count;			/* array elements, or object members */
	uint32_t	next;			/* index just past this node's subtree */
	uint32_t	off;			/* string or number: offset in text */
	uint32_t	len;			/* string or number: length in bytes */
} jose_jnode;

/* Limits a parse enforces. */
typedef struct jose_json_limits
{
	uint32_t	max_depth;		/* containers nested deeper are refused */
	uint32_t	max_nodes;		/* documents with more values are refused */
} jose_json_limits;

/* A parsed document; its storage is reused by the next parse. */
typedef struct jose_json
{
	jose_jnode *nodes;
	uint32_t	n_nodes;
	uint32_t	cap_nodes;
	char	   *text;			/* decoded strings and number texts */
	size_t		text_len;
	size_t		text_cap;

	/*
	 * The last parse's text had no whitespace between tokens and no escape:
	 * it is already the compact form jose_json_write_node would write.
	 */
	bool		compact;
} jose_json;

/* Index meaning "no such node". */
#define JOSE_JSON_NONE UINT32_MAX

/* Prepare an empty document. */
extern void jose_json_init(jose_json *doc);

/* Release a document's storage. */
extern void jose_json_free(jose_json *doc);

/* Bytes of storage a document holds (its node and text capacities). */
extern size_t jose_json_capacity(const jose_json *doc);

/*
 * Parse src (len bytes) into doc, replacing what it held.  `what` names the
 * input in error details ("header", "payload").  JOSE_E_JSON for bad syntax,
 * JOSE_E_LIMIT for depth or node count over the limits.
 */
extern jose_status jose_json_parse(jose_json *doc, const char *src, size_t len,
								   const jose_json_limits *limits,
								   const char *what, jose_err *err);

/* Make dst a copy of src (nodes and text); false if out of memory (dst then empty). */
extern bool jose_json_copy(jose_json *dst, const jose_json *src);

/* The value of member `name` of object node obj, or JOSE_JSON_NONE. */
extern uint32_t jose_json_member(const jose_json *doc, uint32_t obj, const char *name);

/* A member name to look up with jose_json_find_members (len: strlen(name)). */
typedef struct jose_json_name
{
	const char *name;
	size_t		len;
} jose_json_name;

/*
 * Look up n distinct member names of object node obj in one pass over its
 * members: found[k] is what jose_json_member(doc, obj, names[k].name)
 * returns.  The
 * header and claims checks ask for half a dozen names each; one pass costs
 * about what one jose_json_member call does.
 */
extern void jose_json_find_members(const jose_json *doc, uint32_t obj,
								   const jose_json_name *names, size_t n,
								   uint32_t *found);

/* The text of a string or number node. */
static inline const char *
jose_json_text(const jose_json *doc, uint32_t i)
{
	return doc->text + doc->nodes[i].off;
}

/* True if node i is a string equal to s (exact bytes). */
extern bool jose_json_string_eq(const jose_json *doc, uint32_t i, const char *s, size_t len);

/* True when node i of a and node j of b hold the same JSON (numbers by text). */
extern bool jose_json_equal(const jose_json *a, uint32_t i, const jose_json *b, uint32_t j);

/* Append JSON string syntax for s (len bytes, valid UTF-8) to out. */
extern void jose_json_write_string(jose_buf *out, const char *s, size_t len);

/* Append node i and its subtree to out as compact JSON. */
extern void jose_json_write_node(jose_buf *out, const jose_json *doc, uint32_t i);

#endif							/* JOSE_JSON_H */
