/*-------------------------------------------------------------------------
 *
 * jws.c
 *		JWS compact serialization: parse, verify, sign.
 *
 * The order of checks matters.  Size limits come before any decoding; the
 * header is decoded and checked before the payload is touched; the
 * algorithm is taken from the caller's allowed set (the header only picks
 * among those) and must fit the key; the payload is parsed as JSON only
 * after the signature verified.
 *
 * src/core/jws.c
 *
 *-------------------------------------------------------------------------
 */
#include "jws.h"
#include "b64url.h"
#include "compact.h"
#include "issuer.h"
#include "key.h"
#include "sig.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

/* Prepare an empty workspace. */
void
jose_workspace_init(jose_workspace *ws)
{
	memset(ws, 0, sizeof(*ws));
	jose_json_init(&ws->header);
	jose_json_init(&ws->claims);
	jose_json_init(&ws->outer);
	jose_json_init(&ws->header_memo.tree);
}

/* Release a workspace's storage. */
void
jose_workspace_free(jose_workspace *ws)
{
	jose_json_free(&ws->header);
	jose_json_free(&ws->claims);
	jose_json_free(&ws->outer);
	jose_buf_free(&ws->payload);
	jose_buf_free(&ws->inner);
	jose_buf_free(&ws->scratch);
	jose_buf_free(&ws->out);
	jose_buf_free(&ws->aux);
	jose_buf_free(&ws->picked);
	jose_buf_free(&ws->header_memo.segment);
	jose_json_free(&ws->header_memo.tree);
}

/*
 * Bytes of storage a workspace holds, and in *parts how many of its
 * buffers and documents hold any.  Buffers keep their storage between
 * calls, so this grows to the largest input seen (bounded by the limits)
 * and then stays.
 */
size_t
jose_workspace_capacity(const jose_workspace *ws, size_t *parts)
{
	const jose_json *docs[] = {&ws->header, &ws->claims, &ws->outer, &ws->header_memo.tree};
	const jose_buf *bufs[] = {&ws->payload, &ws->inner, &ws->scratch, &ws->out, &ws->aux,
	&ws->picked, &ws->header_memo.segment};
	size_t		bytes = 0;

	*parts = 0;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
	{
		size_t		n = jose_json_capacity(docs[i]);

		bytes += n;
		*parts += n > 0;
	}
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
	{
		bytes += bufs[i]->cap;
		*parts += bufs[i]->cap > 0;
	}
	return bytes;
}

/* Wipe a buffer's whole storage and empty it. */
static void
wipe_buf(jose_buf *buf)
{
	if (buf->data != NULL)
		OPENSSL_cleanse(buf->data, buf->cap);
	buf->len = 0;
}

/* Wipe the text storage of a parse tree and empty it. */
static void
wipe_json(jose_json *doc)
{
	if (doc->text != NULL)
		OPENSSL_cleanse(doc->text, doc->text_cap);
	doc->text_len = 0;
	doc->n_nodes = 0;
}

/*
 * Wipe what earlier calls left in the workspace: decrypted plaintext and
 * claims, an inner token, staged key text.  Buffers keep their storage,
 * wiped whole: a shorter later use leaves an earlier one's tail behind.
 * The header memo stays: it only ever holds the header of a JWS that was
 * given in the clear (never one that came out of a decryption, see
 * header_memo_keep), and hosts wipe after every decryption and every
 * error, which would otherwise empty it for every token.
 */
void
jose_workspace_wipe(jose_workspace *ws)
{
	wipe_json(&ws->header);
	wipe_json(&ws->claims);
	wipe_json(&ws->outer);
	wipe_buf(&ws->payload);
	wipe_buf(&ws->inner);
	wipe_buf(&ws->scratch);
	wipe_buf(&ws->out);
	wipe_buf(&ws->aux);
}

/*
 * Release (wiped) the buffers of the workspace whose storage exceeds keep
 * bytes.  A refused oversized input (claims of megabytes to sign) grows
 * a buffer before the size limit can refuse it; without this the backend
 * would hold that storage until it ends.
 */
void
jose_workspace_trim(jose_workspace *ws, size_t keep)
{
	jose_json  *docs[] = {&ws->header, &ws->claims, &ws->outer};
	jose_buf   *bufs[] = {&ws->payload, &ws->inner, &ws->scratch, &ws->out, &ws->aux};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (jose_json_capacity(docs[i]) > keep)
		{
			jose_json_free(docs[i]);
			jose_json_init(docs[i]);
		}
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		if (bufs[i]->cap > keep)
			jose_buf_free(bufs[i]);
}

/* JSON limits for a header or claims set from the per-call limits. */
static jose_json_limits
json_limits(const jose_limits *limits)
{
	jose_json_limits l = {limits->max_json_depth, limits->max_json_values};

	return l;
}

/* Decode one base64url segment, appending to buf; false if not strict base64url. */
static bool
decode_segment(jose_buf *buf, const char *seg, size_t len, size_t *outlen)
{
	if (!jose_buf_reserve(buf, JOSE_B64URL_DECODED_MAX(len)))
		return false;
	if (!jose_b64url_decode(seg, len, (unsigned char *) buf->data + buf->len, outlen))
		return false;
	buf->len += *outlen;
	return true;
}

/* The registered JWS header members, found in one pass over the header. */
enum
{
	HDR_ALG, HDR_KID, HDR_TYP, HDR_CTY, HDR_CRIT, HDR_B64, HDR_ZIP, N_HDR
};
static const jose_json_name header_names[N_HDR] = {
	{"alg", 3}, {"kid", 3}, {"typ", 3}, {"cty", 3}, {"crit", 4}, {"b64", 3}, {"zip", 3}
};

/*
 * Check a header's "crit" (node crit, or NONE): a non-empty array of
 * distinct names of members the header has.  Any such name is refused as
 * unsupported, since token_ext implements no extension (RFC 7797 "b64"
 * included).
 */
static jose_status
check_crit(const jose_json *h, uint32_t crit, jose_err *err)
{
	if (crit != JOSE_JSON_NONE)
	{
		const jose_jnode *c = &h->nodes[crit];
		uint32_t	e = crit + 1;

		if (c->type != JOSE_JSON_ARRAY || c->count == 0)
			return jose_fail(err, JOSE_E_HEADER,
							 "The header member \"crit\" must be a non-empty array of names.");
		for (uint32_t k = 0; k < c->count; k++, e = h->nodes[e].next)
		{
			if (h->nodes[e].type != JOSE_JSON_STRING)
				return jose_fail(err, JOSE_E_HEADER,
								 "The header member \"crit\" must hold only strings.");
			if (jose_json_member(h, 0, jose_json_text(h, e)) == JOSE_JSON_NONE)
				return jose_fail(err, JOSE_E_HEADER,
								 "The header lists a critical parameter it does not contain.");
			for (uint32_t p = crit + 1; p < e; p = h->nodes[p].next)
				if (jose_json_string_eq(h, p, jose_json_text(h, e), h->nodes[e].len))
					return jose_fail(err, JOSE_E_HEADER,
									 "The header member \"crit\" lists a name twice.");
		}

		if (h->nodes[crit + 1].len <= 64)
			return jose_fail(err, JOSE_E_CRIT,
							 "The header marks \"%s\" as critical, and token_ext does not support it.",
							 jose_json_text(h, crit + 1));
		return jose_fail(err, JOSE_E_CRIT,
						 "The header marks a parameter as critical that token_ext does not support.");
	}
	return JOSE_OK;
}

/* Check a header's "crit" (see check_crit). */
jose_status
jose_header_check_crit(const jose_json *h, jose_err *err)
{
	return check_crit(h, jose_json_member(h, 0, "crit"), err);
}

/*
 * Check the registered header members other than alg, found[] being the
 * header_names of the header: kid, typ and cty are strings (kid bounded),
 * crit is as check_crit wants, and there is no b64 (outside crit) or zip.
 * Records kid and typ in jws when given.
 */
static jose_status
check_found_members(const jose_json *h, const uint32_t *found, jose_jws *jws, jose_err *err)
{
	uint32_t	v;
	jose_status st;

	v = found[HDR_KID];
	if (v != JOSE_JSON_NONE)
	{
		if (h->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_HEADER, "The header member \"kid\" is not a string.");
		if (h->nodes[v].len > JOSE_MAX_KID_LEN)
			return jose_fail(err, JOSE_E_LIMIT,
							 "A \"kid\" is limited to %d bytes.", JOSE_MAX_KID_LEN);
		if (jws)
			jws->kid_node = v;
	}
	v = found[HDR_TYP];
	if (v != JOSE_JSON_NONE)
	{
		if (h->nodes[v].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_HEADER, "The header member \"typ\" is not a string.");
		if (jws)
			jws->typ_node = v;
	}
	v = found[HDR_CTY];
	if (v != JOSE_JSON_NONE && h->nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"cty\" is not a string.");
	st = check_crit(h, found[HDR_CRIT], err);
	if (st != JOSE_OK)
		return st;
	if (found[HDR_B64] != JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER,
						 "The header member \"b64\" is only valid when listed in \"crit\".");
	if (found[HDR_ZIP] != JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER,
						 "The header member \"zip\" is not allowed in a JWS.");
	return JOSE_OK;
}

/* check_found_members for a header not yet looked at (a signer's extra header). */
static jose_status
check_header_members(const jose_json *h, jose_jws *jws, jose_err *err)
{
	uint32_t	found[N_HDR];

	jose_json_find_members(h, 0, header_names, N_HDR, found);
	return check_found_members(h, found, jws, err);
}

/* Forget what an earlier call left: nothing of it may pass for this token's. */
static void
jws_reset(jose_workspace *ws, jose_jws *jws)
{
	memset(jws, 0, sizeof(*jws));
	jws->kid_node = jws->typ_node = JOSE_JSON_NONE;
	ws->header.n_nodes = 0;
	ws->claims.n_nodes = 0;
}

/* True when the header memo holds this header segment, read under these limits. */
static bool
header_memo_matches(const jose_workspace *ws, const char *segment, size_t len,
					const jose_json_limits *jl)
{
	const jose_header_memo *m = &ws->header_memo;

	return m->segment.len == len && len > 0 && m->limits.max_depth == jl->max_depth &&
		m->limits.max_nodes == jl->max_nodes && memcmp(m->segment.data, segment, len) == 0;
}

/* True when p points into one of the workspace's buffers. */
static bool
in_workspace(const jose_workspace *ws, const char *p)
{
	const jose_buf *bufs[] = {&ws->payload, &ws->inner, &ws->scratch, &ws->out, &ws->aux};
	uintptr_t	at = (uintptr_t) p;

	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		if (bufs[i]->data != NULL && at >= (uintptr_t) bufs[i]->data &&
			at < (uintptr_t) bufs[i]->data + bufs[i]->cap)
			return true;
	return false;
}

/*
 * Keep the header just checked (in ws->header, results in jws) in the memo,
 * unless the token lives in the workspace: then it came out of a decryption
 * (a nested token's inner JWS), and its header is plaintext that the host's
 * wipe must be able to remove.
 */
static void
header_memo_keep(jose_workspace *ws, const jose_jws *jws, const jose_json_limits *jl)
{
	jose_header_memo *m = &ws->header_memo;

	if (in_workspace(ws, jws->segment[0]))
		return;
	jose_buf_reset(&m->segment);
	jose_buf_append(&m->segment, jws->segment[0], jws->segment_len[0]);
	if (m->segment.failed || !jose_json_copy(&m->tree, &ws->header))
	{
		/* nothing kept: the next token is read the long way */
		jose_buf_reset(&m->segment);
		return;
	}
	m->limits = *jl;
	m->alg = jws->alg;
	m->kid_node = jws->kid_node;
	m->typ_node = jws->typ_node;
}

/* Decode the segments of a split JWS and check its header (see jose_jws_parse). */
static jose_status
parse_segments(jose_workspace *ws, const jose_compact *c, const jose_limits *limits,
			   bool inspect, jose_jws *jws, jose_err *err)
{
	size_t		header_len = 0;
	size_t		n;
	jose_json_limits jl = json_limits(limits);
	jose_status st;
	uint32_t	v;
	uint32_t	found[N_HDR];
	const char *seg_names[3] = {"header", "payload", "signature"};
	bool		memo;

	for (int s = 0; s < 3; s++)
	{
		jws->segment[s] = c->seg[s];
		jws->segment_len[s] = c->len[s];
	}

	/*
	 * A header segment that passed every check before needs no decoding:
	 * its bytes decoded then, and the checks below do not depend on the
	 * other segments, so no error can come from it now.
	 */
	memo = !inspect && header_memo_matches(ws, jws->segment[0], jws->segment_len[0], &jl);

	/* decode all three segments into the workspace before parsing anything */
	jose_buf_reset(&ws->scratch);
	jose_buf_reset(&ws->payload);
	if (!jose_buf_reserve(&ws->scratch, JOSE_B64URL_DECODED_MAX(jws->segment_len[0]) +
						  JOSE_B64URL_DECODED_MAX(jws->segment_len[2])))
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate token buffers.");
	for (int s = memo ? 1 : 0; s < 3; s++)
	{
		jose_buf   *into = (s == 1) ? &ws->payload : &ws->scratch;

		if (!decode_segment(into, jws->segment[s], jws->segment_len[s], &n))
		{
			if (into->failed)
				return jose_fail(err, JOSE_E_NOMEM, "Could not allocate token buffers.");
			return jose_fail(err, JOSE_E_BASE64,
							 "The %s segment is not strict unpadded base64url.", seg_names[s]);
		}
		if (s == 0)
			header_len = n;
		else if (s == 1)
			jws->payload_len = n;
		else
			jws->signature_len = n;
	}
	jws->payload = (const unsigned char *) ws->payload.data;
	jws->signature = (const unsigned char *) ws->scratch.data + header_len;

	if (memo)
	{
		if (!jose_json_copy(&ws->header, &ws->header_memo.tree))
			return jose_fail(err, JOSE_E_NOMEM, "Could not allocate token buffers.");
		jws->alg = ws->header_memo.alg;
		jws->kid_node = ws->header_memo.kid_node;
		jws->typ_node = ws->header_memo.typ_node;
		return JOSE_OK;
	}

	st = jose_json_parse(&ws->header, ws->scratch.data, header_len, &jl, "header", err);
	if (st != JOSE_OK)
		return st;
	if (ws->header.nodes[0].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_HEADER, "The header is not a JSON object.");
	if (inspect)
		return JOSE_OK;

	/* every member the checks need, in one pass; the checks keep their order */
	jose_json_find_members(&ws->header, 0, header_names, N_HDR, found);
	v = found[HDR_ALG];
	if (v == JOSE_JSON_NONE)
		return jose_fail(err, JOSE_E_HEADER, "The header has no \"alg\" member.");
	if (ws->header.nodes[v].type != JOSE_JSON_STRING)
		return jose_fail(err, JOSE_E_HEADER, "The header member \"alg\" is not a string.");
	if (ws->header.nodes[v].len == 4 && strncasecmp(jose_json_text(&ws->header, v), "none", 4) == 0)
		return jose_fail(err, JOSE_E_ALG_NONE,
						 "Unsecured JWS (\"alg\": \"none\") is never accepted.");
	jws->alg = jose_alg_lookup(jose_json_text(&ws->header, v), ws->header.nodes[v].len);
	if (jws->alg == JOSE_ALG_UNKNOWN)
		return jose_fail(err, JOSE_E_ALG_UNSUPPORTED,
						 "The header names an algorithm token_ext does not support.");

	st = check_found_members(&ws->header, found, jws, err);
	if (st == JOSE_OK)
		header_memo_keep(ws, jws, &jl);
	return st;
}

/* Forget the last token, then split token (len bytes) as a JWS into c. */
static jose_status
split_jws(jose_workspace *ws, const char *token, size_t len, const jose_limits *limits,
		  jose_jws *jws, jose_compact *c, jose_err *err)
{
	jws_reset(ws, jws);
	return jose_compact_split(token, len, limits, JOSE_FORM_JWS, c, err);
}

/* Split and decode a compact JWS and check its header. */
jose_status
jose_jws_parse(jose_workspace *ws, const char *token, size_t len,
			   const jose_limits *limits, bool inspect, jose_jws *jws, jose_err *err)
{
	jose_compact c;
	jose_status st = split_jws(ws, token, len, limits, jws, &c, err);

	return st != JOSE_OK ? st : parse_segments(ws, &c, limits, inspect, jws, err);
}

/* Verify the parsed jws with one key, after checking the key fits alg. */
static jose_status
verify_with_key(const jose_jws *jws, jose_key *key, jose_err *err)
{
	jose_status st = jose_key_check_jws(key, jws->alg, JOSE_OP_VERIFY, err);
	size_t		input_len = jws->segment_len[0] + 1 + jws->segment_len[1];

	if (st != JOSE_OK)
		return st;
	return jose_sig_verify(key, jws->alg, (const unsigned char *) jws->segment[0],
						   input_len, jws->signature, jws->signature_len, err);
}

/* Check that the header's algorithm is one the caller (or the key) allows. */
static jose_status
check_allowed(const jose_jws *jws, const jose_key *key, jose_alg_set allowed, jose_err *err)
{
	char		names[128];

	if (allowed == 0)
	{
		jose_alg	def = jose_key_default_alg(key);

		if (def == JOSE_ALG_UNKNOWN)
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "The key implies no JWS algorithm; name the allowed algorithms.");
		allowed = JOSE_ALG_BIT(def);
	}
	if (allowed & JOSE_ALG_BIT(jws->alg))
		return JOSE_OK;
	jose_alg_set_describe(allowed, names, sizeof(names));
	return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
					 "The token is signed with %s; the allowed algorithms are %s.",
					 jose_alg_get(jws->alg)->name, names);
}

/* Parse and verify a compact JWS with keys. */
jose_status
jose_jws_verify(jose_workspace *ws, const char *token, size_t len,
				const jose_keyset *keys, jose_alg_set allowed,
				const jose_limits *limits, jose_jws *jws, jose_err *err)
{
	jose_compact c;
	jose_status st = split_jws(ws, token, len, limits, jws, &c, err);

	return st != JOSE_OK ? st : jose_jws_verify_compact(ws, &c, keys, allowed, limits, jws, err);
}

/* Decode a JWS already split (by jose_compact_split) and check its header. */
jose_status
jose_jws_parse_compact(jose_workspace *ws, const jose_compact *c, const jose_limits *limits,
					   jose_jws *jws, jose_err *err)
{
	/*
	 * Start with OpenSSL's error queue empty.  Looking costs less than
	 * clearing (which walks all of the queue's slots), and it is almost
	 * always empty already: the core clears it after every failure.
	 */
	if (ERR_peek_error() != 0)
		ERR_clear_error();
	jws_reset(ws, jws);
	if (c->count != 3)
		return jose_fail(err, JOSE_E_ARGUMENT, "The token was not split as a JWS.");
	return parse_segments(ws, c, limits, false, jws, err);
}

/* Verify a JWS already split (by jose_compact_split) with keys. */
jose_status
jose_jws_verify_compact(jose_workspace *ws, const jose_compact *c,
						const jose_keyset *keys, jose_alg_set allowed,
						const jose_limits *limits, jose_jws *jws, jose_err *err)
{
	jose_status st = jose_jws_parse_compact(ws, c, limits, jws, err);

	return st != JOSE_OK ? st : jose_jws_verify_parsed(ws, jws, keys, allowed, err);
}

/* Verify the signature of a JWS parsed by jose_jws_parse_compact with keys. */
jose_status
jose_jws_verify_parsed(jose_workspace *ws, jose_jws *jws, const jose_keyset *keys,
					   jose_alg_set allowed, jose_err *err)
{
	jose_status st;
	jose_key   *chosen = NULL;
	size_t		tried = 0;
	const char *kid = NULL;
	size_t		kid_len = 0;

	if (jws->kid_node != JOSE_JSON_NONE)
	{
		kid = jose_json_text(&ws->header, jws->kid_node);
		kid_len = ws->header.nodes[jws->kid_node].len;
	}
	if (keys->count == 0)
		return jose_keyset_no_key(keys, kid, kid_len, "verify", jose_alg_get(jws->alg)->name, err);

	if (!keys->is_set)
		chosen = keys->keys[0];
	else if (kid != NULL)
	{
		/* the token names its key: exactly one key of the set must carry it */
		for (size_t i = 0; i < keys->count; i++)
		{
			jose_key   *k = keys->keys[i];

			if (k->kid != NULL && k->kid_len == kid_len && memcmp(k->kid, kid, kid_len) == 0)
			{
				if (chosen != NULL)
					return jose_fail(err, JOSE_E_KEY,
									 "Two keys of the key set have the token's \"kid\".");
				chosen = k;
			}
		}
		if (chosen == NULL)
			return jose_keyset_no_key(keys, kid, kid_len, "verify", NULL, err);
	}

	if (chosen != NULL)
	{
		st = check_allowed(jws, chosen, allowed, err);
		if (st != JOSE_OK)
			return st;
		st = verify_with_key(jws, chosen, err);
		if (st == JOSE_OK)
			jws->key = chosen;
		return st;
	}

	/*
	 * A set and no kid: try, in order, each key that could have produced
	 * this algorithm.  The set's size is bounded, so the work is too.
	 */
	for (size_t i = 0; i < keys->count; i++)
	{
		jose_key   *k = keys->keys[i];
		jose_err	skip;

		if (check_allowed(jws, k, allowed, &skip) != JOSE_OK ||
			jose_key_check_jws(k, jws->alg, JOSE_OP_VERIFY, &skip) != JOSE_OK)
			continue;
		tried++;
		st = jose_sig_verify(k, jws->alg, (const unsigned char *) jws->segment[0],
							 jws->segment_len[0] + 1 + jws->segment_len[1],
							 jws->signature, jws->signature_len, err);
		if (st == JOSE_OK)
		{
			jws->key = k;
			return JOSE_OK;
		}
		if (st != JOSE_E_SIGNATURE)
			return st;
	}
	if (tried == 0)
	{
		if (allowed != 0 && !(allowed & JOSE_ALG_BIT(jws->alg)))
			return check_allowed(jws, keys->keys[0], allowed, err);
		return jose_keyset_no_key(keys, NULL, 0, "verify", jose_alg_get(jws->alg)->name, err);
	}
	return jose_fail(err, JOSE_E_SIGNATURE,
					 "The signature matches none of the %zu candidate keys.", tried);
}

/* Append the members of the extra header other than those already written. */
static jose_status
append_extra_header(jose_buf *out, const jose_json *h, const char *alg_name, jose_err *err)
{
	uint32_t	i = 1;

	for (uint32_t k = 0; k < h->nodes[0].count; k++, i = h->nodes[i + 1].next)
	{
		const char *name = jose_json_text(h, i);

		if (strcmp(name, "alg") == 0)
		{
			/* a header may repeat the algorithm, never contradict it */
			if (!jose_json_string_eq(h, i + 1, alg_name, strlen(alg_name)))
				return jose_fail(err, JOSE_E_ARGUMENT,
								 "The header's \"alg\" differs from the signing algorithm %s.",
								 alg_name);
			continue;
		}
		jose_buf_putc(out, ',');
		jose_json_write_node(out, h, i);
		jose_buf_putc(out, ':');
		jose_json_write_node(out, h, i + 1);
	}
	return JOSE_OK;
}

/* Build a compact JWS in ws->out. */
jose_status
jose_jws_sign(jose_workspace *ws, const jose_keyset *keys, jose_alg alg,
			  const char *extra_header, size_t extra_header_len,
			  const unsigned char *payload, size_t payload_len, bool jwt,
			  const jose_limits *limits, jose_err *err)
{
	jose_key   *key;
	jose_status st;
	bool		has_typ = false;
	bool		has_kid = false;
	const char *alg_name;

	ERR_clear_error();
	if (keys->is_set)
		return jose_fail(err, JOSE_E_ARGUMENT,
						 "A key set cannot sign; pass the one JWK to sign with.");
	key = keys->keys[0];
	if (alg == JOSE_ALG_UNKNOWN)
	{
		alg = jose_key_default_alg(key);
		if (alg == JOSE_ALG_UNKNOWN)
			return jose_fail(err, JOSE_E_ALG_NOT_ALLOWED,
							 "The key implies no JWS algorithm; name one.");
	}
	st = jose_key_check_jws(key, alg, JOSE_OP_SIGN, err);
	if (st != JOSE_OK)
		return st;
	alg_name = jose_alg_get(alg)->name;

	if (extra_header != NULL)
	{
		jose_json_limits jl = json_limits(limits);

		st = jose_json_parse(&ws->header, extra_header, extra_header_len, &jl,
							 "header", err);
		if (st != JOSE_OK)
			return st;
		if (ws->header.nodes[0].type != JOSE_JSON_OBJECT)
			return jose_fail(err, JOSE_E_ARGUMENT, "The header must be a JSON object.");

		/* never produce a token our own verifier (or an RFC 7797 peer) would refuse or misread */
		st = check_header_members(&ws->header, NULL, err);
		if (st != JOSE_OK)
			return st;
		has_typ = jose_json_member(&ws->header, 0, "typ") != JOSE_JSON_NONE;
		has_kid = jose_json_member(&ws->header, 0, "kid") != JOSE_JSON_NONE;
	}

	jose_buf_reset(&ws->scratch);
	jose_buf_puts(&ws->scratch, "{\"alg\":\"");
	jose_buf_puts(&ws->scratch, alg_name);
	jose_buf_putc(&ws->scratch, '"');
	if (jwt && !has_typ)
		jose_buf_puts(&ws->scratch, ",\"typ\":\"JWT\"");
	if (key->kid != NULL && !has_kid)
	{
		jose_buf_puts(&ws->scratch, ",\"kid\":");
		jose_json_write_string(&ws->scratch, key->kid, key->kid_len);
	}
	if (extra_header != NULL)
	{
		st = append_extra_header(&ws->scratch, &ws->header, alg_name, err);
		if (st != JOSE_OK)
			return st;
	}
	jose_buf_putc(&ws->scratch, '}');

	jose_buf_reset(&ws->out);
	jose_buf_append_b64url(&ws->out, ws->scratch.data, ws->scratch.len);
	jose_buf_putc(&ws->out, '.');
	jose_buf_append_b64url(&ws->out, payload, payload_len);
	if (ws->scratch.failed || ws->out.failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
	if (ws->out.len > limits->max_token_size)
		return jose_fail(err, JOSE_E_LIMIT,
						 "The token would exceed %zu bytes (token_ext.max_token_size).",
						 limits->max_token_size);

	/* sign "header.payload", then append ".signature" */
	jose_buf_reset(&ws->scratch);
	st = jose_sig_sign(key, alg, (const unsigned char *) ws->out.data, ws->out.len,
					   &ws->scratch, err);
	if (st != JOSE_OK)
		return st;
	jose_buf_putc(&ws->out, '.');
	jose_buf_append_b64url(&ws->out, ws->scratch.data, ws->scratch.len);
	if (ws->out.failed || ws->scratch.failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the token.");
	if (ws->out.len > limits->max_token_size)
		return jose_fail(err, JOSE_E_LIMIT,
						 "The token would exceed %zu bytes (token_ext.max_token_size).",
						 limits->max_token_size);
	return JOSE_OK;
}

/* Parse bytes as a JWT claims set into ws->claims (a JSON object). */
jose_status
jose_parse_claims(jose_workspace *ws, const unsigned char *bytes, size_t len,
				  const jose_limits *limits, jose_err *err)
{
	jose_json_limits jl = json_limits(limits);
	jose_status st;

	st = jose_json_parse(&ws->claims, (const char *) bytes, len, &jl, "payload", err);
	if (st != JOSE_OK)
		return st;
	if (ws->claims.nodes[0].type != JOSE_JSON_OBJECT)
	{
		ws->claims.n_nodes = 0;
		return jose_fail(err, JOSE_E_JSON, "The payload is not a JSON object (a claims set).");
	}
	return JOSE_OK;
}

/* Parse the decoded payload as a JWT claims set. */
jose_status
jose_jws_parse_claims(jose_workspace *ws, const jose_jws *jws,
					  const jose_limits *limits, jose_err *err)
{
	return jose_parse_claims(ws, jws->payload, jws->payload_len, limits, err);
}
