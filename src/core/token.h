/*-------------------------------------------------------------------------
 *
 * token.h
 *		Verifying a compact token under a policy: a JWS, a JWE, or a JWS
 *		nested in a JWE.  The one entry point every host calls to turn a
 *		token into verified claims.
 *
 * The host chooses the keys (for signatures and for decryption, each a key
 * set already narrowed to keys valid for that purpose now) and the policy
 * (which forms it reads, the allowed algorithms, the claim checks).  The
 * token only ever selects among what the policy and keys allow.  Everything
 * is plain C: no host types, no callbacks; the result and every buffer
 * live in the caller's workspace, so a warm call allocates nothing.
 *
 * src/core/token.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_TOKEN_H
#define JOSE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "alg.h"
#include "bounds.h"
#include "claims.h"
#include "compact.h"
#include "issuer.h"
#include "jwe.h"
#include "jws.h"
#include "keyobj.h"
#include "status.h"

/* What a token must satisfy; zero-initialise, then set what applies. */
typedef struct jose_token_policy
{
	/*
	 * The forms the caller reads (JOSE_FORM_* of compact.h; 0: all).  A
	 * token of a form left out is refused: as JOSE_E_IS_JWE/IS_JWS when its
	 * segment count is wrong, as JOSE_E_HEADER when its "cty" says nested
	 * (or not nested) and the caller reads only the other kind of JWE.
	 */
	unsigned	forms;
	jose_alg_set jws_algs;		/* allowed JWS algorithms; 0: the key's */
	jose_jwe_alg_set jwe_algs;	/* allowed key management; 0: the key's */
	jose_jwe_enc_set jwe_encs;	/* allowed content encryptions; 0: any */

	/*
	 * Non-NULL: the three sets are a whitelist with this name (used in
	 * messages, e.g. "token_ext.algorithms"), and an empty JWS or key
	 * management set means "none", not "the key's": a JWS (also one nested
	 * in a JWE) is refused unless the list names a JWS algorithm, a JWE
	 * unless it names a key management algorithm.
	 */
	const char *alg_list;

	/*
	 * True: the token must prove who made it.  A signature does, and so
	 * does encryption with a secret the host shares (dir, AES key wrap,
	 * PBES2); encryption to a public key (RSA-OAEP, ECDH-ES) does not,
	 * since anyone can encrypt to a public key, so such a JWE must hold a
	 * signed token (be nested).
	 */
	bool		require_origin;

	/* True: leave the payload as bytes (no claims parse, no claim checks). */
	bool		raw;

	/*
	 * The expected "typ" (NULL: not checked), compared as a media type
	 * (see jose_media_type_eq) with the header of the token that carries the
	 * payload: the JWS's (the inner one, when nested), or a plain JWE's.
	 */
	const char *typ;
	size_t		typ_len;

	/*
	 * Claim checks (ignored when raw).  For a token verified by a key bound
	 * to an issuer (see issuer.h), the key's issuer and audience replace
	 * claims.issuer and claims.audience.
	 */
	jose_claims_opts claims;

	/*
	 * Issuers the host binds keys to, besides those of the keys given (all
	 * its keys' issuers, whatever their purpose or validity window), so that
	 * a token naming one is never verified by an unbound key; NULL: only
	 * the issuers of the keys given.
	 */
	const jose_issuers *bound_issuers;
} jose_token_policy;

/* What jose_token_verify found; pointers refer to the token and the workspace. */
typedef struct jose_token
{
	unsigned	form;			/* JOSE_FORM_JWS, _JWE or _NESTED; 0 before the split */
	jose_jws	jws;			/* JWS and NESTED (the inner token); jws.key once verified */
	jose_jwe	jwe;			/* JWE and NESTED (the outer token); jwe.key once decrypted */
	const unsigned char *payload;	/* once verified: the JWS payload or JWE plaintext */
	size_t		payload_len;
} jose_token;

/*
 * Verify token (len bytes) under policy.  verify_keys check signatures and
 * decrypt_keys decrypt; either may be NULL when the policy cannot need it
 * (a token needing it is then refused as having no matching key).
 *
 * On JOSE_OK the claims (unless raw) are in ws->claims and the payload in
 * out->payload.  ws->header holds the header of the token that carries the
 * payload (the inner JWS when nested) and, for a nested token, ws->outer
 * the JWE's header.  On failure the status and err say why; out->form and
 * the headers parsed so far are still set (jws.key is set only when a
 * signature verified), for hosts that show a failed token's header.
 */
extern jose_status jose_token_verify(jose_workspace *ws, const char *token, size_t len,
									 const jose_keyset *verify_keys,
									 const jose_keyset *decrypt_keys,
									 const jose_token_policy *policy,
									 const jose_limits *limits, jose_token *out,
									 jose_err *err);

/*
 * jose_token_verify for a token already split by jose_compact_split (with
 * the policy's forms), for a host that looks at the form before it fetches
 * keys; the token is then split only once.
 */
extern jose_status jose_token_verify_compact(jose_workspace *ws, const jose_compact *c,
											 const jose_keyset *verify_keys,
											 const jose_keyset *decrypt_keys,
											 const jose_token_policy *policy,
											 const jose_limits *limits, jose_token *out,
											 jose_err *err);

/* True when a JWE header's "cty" (node cty_node, or NONE) says it holds a JWT. */
extern bool jose_cty_is_jwt(const jose_json *header, uint32_t cty_node);

#endif							/* JOSE_TOKEN_H */
