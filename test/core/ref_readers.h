/*
 * ref_readers.h
 *		The JSON reader and writer and the base64url decoder of token_ext
 *		0.1.0, frozen (ref_readers.c): the oracles of the differential tests.
 */
#ifndef TEST_CORE_REF_READERS_H
#define TEST_CORE_REF_READERS_H

#include <stdbool.h>
#include <stddef.h>

#include "../../src/core/json.h"

/* jose_json_parse as released in 0.1.0. */
extern jose_status ref_json_parse(jose_json *doc, const char *src, size_t len,
								  const jose_json_limits *limits, const char *what,
								  jose_err *err);

/* jose_json_write_string and jose_json_write_node as released in 0.1.0. */
extern void ref_json_write_string(jose_buf *out, const char *s, size_t len);
extern void ref_json_write_node(jose_buf *out, const jose_json *doc, uint32_t i);

/* jose_b64url_decode as released in 0.1.0. */
extern bool ref_b64url_decode(const char *src, size_t len, unsigned char *dst, size_t *outlen);

#endif
