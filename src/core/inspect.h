/*-------------------------------------------------------------------------
 *
 * inspect.h
 *		Looking at a token without verifying anything.
 *
 * Decoding is for looking: a JWS whose payload is not JSON (a webhook, a
 * sign_raw token) and a JWE (whose payload is ciphertext) must still show
 * what can be shown.  Only the token's shape and its header are required
 * to be well formed.
 *
 * src/core/inspect.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_INSPECT_H
#define JOSE_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"
#include "jws.h"
#include "status.h"

/* What inspecting a token found; pointers refer to the token and the workspace. */
typedef struct jose_inspection
{
	unsigned	form;			/* JOSE_FORM_JWS or JOSE_FORM_JWE */
	bool		payload_is_json;	/* JWS: the payload is strict JSON, tree in ws->claims */
	const char *payload_b64;	/* JWS: the payload segment (base64url) */
	size_t		payload_b64_len;
	const unsigned char *signature; /* JWS: the decoded signature */
	size_t		signature_len;
} jose_inspection;

/*
 * Split a compact JWS or JWE and decode its (protected) header into
 * ws->header; for a JWS also decode the payload and signature, and parse
 * the payload as JSON when it is.  Checks nothing else.
 */
extern jose_status jose_inspect(jose_workspace *ws, const char *token, size_t len,
								const jose_limits *limits, jose_inspection *out, jose_err *err);

#endif							/* JOSE_INSPECT_H */
