/*-------------------------------------------------------------------------
 *
 * jwk_member.h
 *		Reading the base64url members of a JWK.
 *
 * src/core/jwk_member.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_JWK_MEMBER_H
#define JOSE_JWK_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "status.h"

/*
 * Decode the base64url member name of JWK object obj into a fresh malloc'd
 * buffer (the caller wipes and frees it); *out NULL when absent and not
 * required.
 */
extern jose_status jose_jwk_member_bytes(const jose_json *doc, uint32_t obj,
										 const char *name, bool required,
										 unsigned char **out, size_t *outlen,
										 jose_err *err);

#endif							/* JOSE_JWK_MEMBER_H */
