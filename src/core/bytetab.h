/*-------------------------------------------------------------------------
 *
 * bytetab.h
 *		Lookup tables over the 256 byte values, written at compile time.
 *
 * JOSE_BYTE_TABLE(f) expands to the 256 initialisers f(0), f(1), ...,
 * f(255), so that a table of byte classes is stated once as a rule (a
 * constant expression of the byte) instead of as 256 literals that could
 * be mistyped.  The tables live in read-only data: no start-up code, and
 * nothing shared is written, whichever thread calls first.
 *
 * src/core/bytetab.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_BYTETAB_H
#define JOSE_BYTETAB_H

#define JOSE_BYTES_4_(f, b) f((b)), f((b) + 1), f((b) + 2), f((b) + 3)
#define JOSE_BYTES_16_(f, b) \
	JOSE_BYTES_4_(f, (b)), JOSE_BYTES_4_(f, (b) + 4), \
	JOSE_BYTES_4_(f, (b) + 8), JOSE_BYTES_4_(f, (b) + 12)
#define JOSE_BYTES_64_(f, b) \
	JOSE_BYTES_16_(f, (b)), JOSE_BYTES_16_(f, (b) + 16), \
	JOSE_BYTES_16_(f, (b) + 32), JOSE_BYTES_16_(f, (b) + 48)

/* The initialisers f(0) .. f(255) of a 256-entry table. */
#define JOSE_BYTE_TABLE(f) \
	JOSE_BYTES_64_(f, 0), JOSE_BYTES_64_(f, 64), \
	JOSE_BYTES_64_(f, 128), JOSE_BYTES_64_(f, 192)

#endif							/* JOSE_BYTETAB_H */
