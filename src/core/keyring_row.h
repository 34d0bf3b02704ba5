/*-------------------------------------------------------------------------
 *
 * keyring_row.h
 *		The rules of a keyring row, shared by every host's keyring table.
 *
 * A keyring row binds a JWK to a kid, the purposes it may serve, an
 * optional algorithm and a validity window.  Hosts read their table
 * (PostgreSQL's jwt.keyring, SQLite's jwt_keyring) into a jose_keyring_row
 * and let these functions judge it, so both apply one set of rules with
 * one set of messages.  Messages name the column at fault and never hold
 * key material: a refused row must not leak its key into a client error
 * or a server log.
 *
 * src/core/keyring_row.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_KEYRING_ROW_H
#define JOSE_KEYRING_ROW_H

#include <stdbool.h>
#include <stddef.h>

#include "keyobj.h"
#include "status.h"

/* Purposes a keyring key may serve. */
#define JOSE_PURPOSE_SIGN 0x01
#define JOSE_PURPOSE_VERIFY 0x02
#define JOSE_PURPOSE_ENCRYPT 0x04
#define JOSE_PURPOSE_DECRYPT 0x08

/* A keyring row as a host read it; a NULL pointer or a false has_* is SQL NULL. */
typedef struct jose_keyring_row
{
	const char *kid;
	size_t		kid_len;
	bool		has_purposes;
	unsigned	purposes;		/* JOSE_PURPOSE_* named */
	bool		purposes_bad;	/* a NULL element or a name that is not a purpose */
	const char *alg;			/* NUL-terminated, NULL when none */
	const char *jwk;			/* the JWK's JSON text */
	size_t		jwk_len;
	bool		has_not_before;
	double		not_before;		/* Unix seconds */
	bool		has_not_after;
	double		not_after;
	bool		has_created_at; /* hosts without the column pass true */
	const char *issuer;			/* NULL: bound to no issuer (see issuer.h) */
	size_t		issuer_len;
	const char *audience;		/* NULL: "aud" not compared for the issuer's tokens */
	size_t		audience_len;
} jose_keyring_row;

/* Longest issuer or audience a keyring row may hold, in bytes. */
#define JOSE_MAX_ISSUER_LEN 1024

/* The purpose bit of a purpose name (sign, verify, encrypt, decrypt), or 0. */
extern unsigned jose_purpose_bit(const char *name, size_t len);

/*
 * Check a row's columns (everything but whether its JWK is a usable key):
 * JOSE_E_ROW_NULL for a missing required column, JOSE_E_ROW for a column
 * that breaks a rule, JOSE_E_ALG_UNSUPPORTED for an unknown alg.
 */
extern jose_status jose_keyring_row_check(const jose_keyring_row *row, jose_err *err);

/*
 * Load the row's key after jose_keyring_row_check passed: its JWK, bound
 * to the row's kid, alg, issuer and audience, able to do what its purposes need (a private
 * half for sign and decrypt, a secret strong enough for its HMAC).
 */
extern jose_status jose_keyring_row_key(const jose_keyring_row *row, jose_key **out,
										jose_err *err);

#endif							/* JOSE_KEYRING_ROW_H */
