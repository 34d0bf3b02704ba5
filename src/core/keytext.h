/*-------------------------------------------------------------------------
 *
 * keytext.h
 *		Reading a key argument given as text or as bytes.
 *
 * A key a user pastes can be a PEM file, a JWK, or a shared secret, and
 * the form decides how the bytes are used.  The one mistake that must
 * never happen is public key material becoming an HMAC secret: anyone who
 * holds the public key could then forge tokens (algorithm confusion).  So
 * text is a secret only when it holds nothing that looks like key material
 * in any shape real files come in: PEM armour anywhere (after "Bag
 * Attributes" of a PKCS#12 export, a comment, a blank line), a byte-order
 * mark, a JWK with or without surrounding text, an OpenSSH line, or the
 * base64 body of a DER key without its armour.
 *
 * src/core/keytext.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEYTEXT_H
#define JOSE_KEYTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "keyobj.h"
#include "status.h"

/* True when text holds PEM armour ("-----BEGIN ") or RFC 4716 SSH armour anywhere. */
extern bool jose_text_has_pem_armour(const char *text, size_t len);

/*
 * A key set from text (UTF-8): a PEM key or certificate when the text
 * holds PEM armour anywhere, a JWK or JWKS when its first character after
 * whitespace (and a byte-order mark) is "{", else the bytes of an HMAC
 * secret, unless they look like key material of another shape, which is
 * refused.
 */
extern jose_status jose_keyset_from_text(const char *text, size_t len,
										 jose_keyset **out, jose_err *err);

/*
 * A key set from bytes meant as an HMAC secret; refused when they are
 * really a PEM block, a JWK, a DER or OpenSSH key, or base64 of DER.
 */
extern jose_status jose_keyset_from_bytes(const unsigned char *bytes, size_t len,
										  jose_keyset **out, jose_err *err);

#endif							/* JOSE_KEYTEXT_H */
