/*-------------------------------------------------------------------------
 *
 * jwk.h
 *		Loading keys from JWK (RFC 7517) and JWKS text.
 *
 * src/core/jwk.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWK_H
#define JOSE_JWK_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "keyobj.h"
#include "status.h"

/* A key_ops name and its bit; the table ends with a NULL name. */
typedef struct jose_key_op_name
{
	const char *name;
	unsigned	bit;
} jose_key_op_name;

extern const jose_key_op_name jose_key_op_names[];

/*
 * A key set from JWK or JWKS text.  A single JWK with an unknown kty or a
 * missing member fails; inside a JWKS such keys are skipped (RFC 7517 5),
 * but a set left with no usable key fails.
 */
extern jose_status jose_keyset_from_jwk_text(const char *text, size_t len,
											 jose_keyset **out, jose_err *err);

/* Load the JWK object at node obj of doc into a new key. */
extern jose_status jose_jwk_load(const jose_json *doc, uint32_t obj, jose_key **out,
								 jose_err *err);

#endif							/* JOSE_JWK_H */
