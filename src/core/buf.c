/*-------------------------------------------------------------------------
 *
 * buf.c
 *		A growable byte buffer.
 *
 * src/core/buf.c
 *
 *-------------------------------------------------------------------------
 */
#include "buf.h"
#include "b64url.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Make buf empty, keeping its storage. */
void
jose_buf_reset(jose_buf *buf)
{
	buf->len = 0;
	buf->failed = false;
}

/* Release buf's storage, wiping it first. */
void
jose_buf_free(jose_buf *buf)
{
	if (buf->data != NULL)
	{
		OPENSSL_cleanse(buf->data, buf->cap);
		free(buf->data);
	}
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->failed = false;
}

/* Ensure room for extra more bytes plus a terminator. */
bool
jose_buf_reserve(jose_buf *buf, size_t extra)
{
	size_t		need;
	size_t		cap;
	char	   *data;

	if (buf->failed)
		return false;
	if (extra > ((size_t) 1 << 30) || buf->len + extra + 1 > ((size_t) 1 << 30))
	{
		buf->failed = true;
		return false;
	}
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;

	/*
	 * Grow by copying rather than realloc, so that a buffer that held secret
	 * bytes is wiped before its old block goes back to the allocator.
	 */
	data = malloc(cap);
	if (data == NULL)
	{
		buf->failed = true;
		return false;
	}
	if (buf->data != NULL)
	{
		memcpy(data, buf->data, buf->len);
		OPENSSL_cleanse(buf->data, buf->cap);
		free(buf->data);
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}

/* Append len bytes, keeping a NUL after the contents. */
void
jose_buf_append(jose_buf *buf, const void *data, size_t len)
{
	if (!jose_buf_reserve(buf, len))
		return;
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

/* Append a NUL-terminated string. */
void
jose_buf_puts(jose_buf *buf, const char *s)
{
	jose_buf_append(buf, s, strlen(s));
}

/* Append one byte. */
void
jose_buf_putc(jose_buf *buf, char c)
{
	jose_buf_append(buf, &c, 1);
}

/* Append bytes as base64url. */
void
jose_buf_append_b64url(jose_buf *buf, const void *data, size_t len)
{
	size_t		n = JOSE_B64URL_ENCODED_LEN(len);

	if (!jose_buf_reserve(buf, n))
		return;
	jose_b64url_encode(data, len, buf->data + buf->len);
	buf->len += n;
	buf->data[buf->len] = '\0';
}
