/*-------------------------------------------------------------------------
 *
 * b64url.h
 *		Strict base64url (RFC 4648 section 5, no padding) as JOSE uses it.
 *
 * src/core/b64url.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_B64URL_H
#define JOSE_B64URL_H

#include <stddef.h>
#include <stdbool.h>

/* Bytes needed to encode len bytes (no terminator). */
#define JOSE_B64URL_ENCODED_LEN(len) (((len) / 3) * 4 + (((len) % 3) ? ((len) % 3) + 1 : 0))

/* Upper bound of the bytes decoded from len characters. */
#define JOSE_B64URL_DECODED_MAX(len) ((((len) + 3) / 4) * 3)

/* Encode src into dst (JOSE_B64URL_ENCODED_LEN(len) bytes); returns that length. */
extern size_t jose_b64url_encode(const unsigned char *src, size_t len, char *dst);

/*
 * Decode src into dst (JOSE_B64URL_DECODED_MAX(len) bytes).  Refuses padding,
 * characters outside the URL alphabet, impossible lengths and non-zero unused
 * bits.  Returns false on any of them; *outlen is set on success.
 */
extern bool jose_b64url_decode(const char *src, size_t len,
							   unsigned char *dst, size_t *outlen);

/*
 * Decode strict standard base64 with padding (RFC 4648 section 4), as JWK
 * "x5c" certificates use: the + / alphabet, length a multiple of four, at
 * most two "=" and only at the end, canonical unused bits.
 */
extern bool jose_b64std_decode(const char *src, size_t len,
							   unsigned char *dst, size_t *outlen);

#endif							/* JOSE_B64URL_H */
