/*-------------------------------------------------------------------------
 *
 * buf.h
 *		A growable byte buffer for building tokens and JSON texts.
 *
 * Appends never fail loudly: an allocation failure sets `failed`, later
 * appends do nothing, and the caller checks once at the end.
 *
 * src/core/buf.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_BUF_H
#define JOSE_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct jose_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;
} jose_buf;

/* Make buf empty, keeping its storage. */
extern void jose_buf_reset(jose_buf *buf);

/* Release buf's storage, wiping it first (it may have held secrets). */
extern void jose_buf_free(jose_buf *buf);

/* Ensure room for extra more bytes; false (and failed) if impossible. */
extern bool jose_buf_reserve(jose_buf *buf, size_t extra);

/* Append len bytes. */
extern void jose_buf_append(jose_buf *buf, const void *data, size_t len);

/* Append a NUL-terminated string. */
extern void jose_buf_puts(jose_buf *buf, const char *s);

/* Append one byte. */
extern void jose_buf_putc(jose_buf *buf, char c);

/* Append bytes as base64url. */
extern void jose_buf_append_b64url(jose_buf *buf, const void *data, size_t len);

#endif							/* JOSE_BUF_H */
