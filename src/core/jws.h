/*-------------------------------------------------------------------------
 *
 * jws.h
 *		JWS compact serialization (RFC 7515): parse, verify, sign.
 *
 * All work happens in a caller-owned workspace whose buffers are reused
 * from call to call, so a verification allocates nothing once warm.  The
 * results (header tree, payload bytes) live in the workspace until the
 * next call that uses it.
 *
 * src/core/jws.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWS_H
#define JOSE_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include "alg.h"
#include "buf.h"
#include "compact.h"
#include "json.h"
#include "keyobj.h"
#include "bounds.h"
#include "status.h"

/*
 * The last JWS header that passed every header check, by the exact
 * base64url text of its segment.  Tokens from one issuer share their
 * header, so the next token whose header segment has the same bytes (read
 * under the same JSON limits) takes the parse tree and the checks' results
 * from here instead of decoding, parsing and checking the same bytes
 * again: the outcome is a function of those bytes and limits alone.  A
 * header that fails a check is never kept, so every refusal is reached the
 * long way, with its own error; nor is the header of a token that came out
 * of a decryption (it is plaintext, which jose_workspace_wipe must reach).
 */
typedef struct jose_header_memo
{
	jose_buf	segment;		/* base64url text of the header; empty: nothing kept */
	jose_json	tree;			/* what it parsed to */
	jose_json_limits limits;	/* the limits it was read under */
	jose_alg	alg;			/* the checks' results, as parse_segments sets them */
	uint32_t	kid_node;
	uint32_t	typ_node;
} jose_header_memo;

/* Reusable buffers for one operation at a time. */
typedef struct jose_workspace
{
	jose_json	header;			/* the token's header */
	jose_json	claims;			/* the claims, once parsed */
	jose_json	outer;			/* a nested token's outer (JWE) header */
	jose_buf	payload;		/* the decoded payload */
	jose_buf	inner;			/* a nested token's inner token (its JWE plaintext) */
	jose_buf	scratch;		/* decoded header, signature */
	jose_buf	out;			/* a token being built */
	jose_buf	aux;			/* the host's staging area (JSON texts) */
	jose_buf	picked;			/* the keys of a set narrowed by issuer (pointers) */
	jose_header_memo header_memo;	/* the last JWS header that passed its checks */
} jose_workspace;

/* A parsed compact JWS; pointers refer to the token and the workspace. */
typedef struct jose_jws
{
	const char *segment[3];		/* header, payload, signature (base64url) */
	size_t		segment_len[3];
	uint32_t	kid_node;		/* "kid" in the header tree, or NONE */
	uint32_t	typ_node;		/* "typ" in the header tree, or NONE */
	jose_alg	alg;			/* the header's algorithm */
	const unsigned char *payload;	/* decoded payload */
	size_t		payload_len;
	const unsigned char *signature; /* decoded signature */
	size_t		signature_len;
	const jose_key *key;		/* after verification: the key that verified */
} jose_jws;

/* Prepare an empty workspace. */
extern void jose_workspace_init(jose_workspace *ws);

/*
 * Wipe what the last call left in the workspace (plaintext, claims); keeps
 * its storage, and the header memo (a header given in the clear).
 */
extern void jose_workspace_wipe(jose_workspace *ws);

/* Release (wiped) the workspace buffers whose storage exceeds keep bytes. */
extern void jose_workspace_trim(jose_workspace *ws, size_t keep);

/* Release a workspace's storage. */
extern void jose_workspace_free(jose_workspace *ws);

/*
 * Bytes of storage a workspace holds (the capacities of its buffers and
 * documents), and in *parts how many of them hold any.
 */
extern size_t jose_workspace_capacity(const jose_workspace *ws, size_t *parts);

/*
 * Split and decode a compact JWS and check its header (alg present and
 * supported, crit, kid, typ, b64, zip).  Verifies nothing.  With inspect,
 * the header only has to be a JSON object (for showing any token).
 */
extern jose_status jose_jws_parse(jose_workspace *ws, const char *token, size_t len,
								  const jose_limits *limits, bool inspect,
								  jose_jws *jws, jose_err *err);

/*
 * Parse and verify a compact JWS with keys.  allowed is the set of
 * acceptable algorithms; 0 means "the algorithm the key is bound to".
 * The header's alg only ever selects among allowed algorithms.
 */
extern jose_status jose_jws_verify(jose_workspace *ws, const char *token, size_t len,
								   const jose_keyset *keys, jose_alg_set allowed,
								   const jose_limits *limits, jose_jws *jws,
								   jose_err *err);

/*
 * jose_jws_verify for a token already split by jose_compact_split (three
 * segments), so that a caller who had to split it first splits it once.
 */
extern jose_status jose_jws_verify_compact(jose_workspace *ws, const jose_compact *c,
										   const jose_keyset *keys, jose_alg_set allowed,
										   const jose_limits *limits, jose_jws *jws,
										   jose_err *err);

/*
 * The two halves of jose_jws_verify_compact, for a caller that reads the
 * decoded header or payload before it picks the keys: decode the split
 * token and check its header (the payload is decoded, not parsed), then
 * verify its signature with keys.
 */
extern jose_status jose_jws_parse_compact(jose_workspace *ws, const jose_compact *c,
										  const jose_limits *limits, jose_jws *jws,
										  jose_err *err);
extern jose_status jose_jws_verify_parsed(jose_workspace *ws, jose_jws *jws,
										  const jose_keyset *keys, jose_alg_set allowed,
										  jose_err *err);

/*
 * Build a compact JWS in ws->out.  alg UNKNOWN means the key's algorithm.
 * extra_header (JSON object text, may be NULL) adds header members; "typ":
 * "JWT" is added when jwt is true and extra_header has no typ, and the
 * key's kid when extra_header has no kid.
 */
extern jose_status jose_jws_sign(jose_workspace *ws, const jose_keyset *keys,
								 jose_alg alg, const char *extra_header,
								 size_t extra_header_len, const unsigned char *payload,
								 size_t payload_len, bool jwt, const jose_limits *limits,
								 jose_err *err);

/* Check a header's "crit" (any listed extension is unsupported). */
extern jose_status jose_header_check_crit(const jose_json *h, jose_err *err);

/* Parse bytes as a JWT claims set into ws->claims (a JSON object). */
extern jose_status jose_parse_claims(jose_workspace *ws, const unsigned char *bytes,
									 size_t len, const jose_limits *limits, jose_err *err);

/* Parse ws->payload as a JWT claims set into ws->claims (an object). */
extern jose_status jose_jws_parse_claims(jose_workspace *ws, const jose_jws *jws,
										 const jose_limits *limits, jose_err *err);

#endif							/* JOSE_JWS_H */
