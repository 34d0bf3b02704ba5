/*-------------------------------------------------------------------------
 *
 * glue.h
 *		Shared state and helpers of token_ext's PostgreSQL glue.
 *
 * The glue turns SQL arguments into calls of the JOSE core (src/core), and
 * core statuses into ereports.  The core never raises, so the glue only
 * reports after the core has returned and released what it held; the
 * per-backend workspace and key cache are plain malloc'd state that stays
 * consistent across errors.
 *
 * src/pg/glue.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TOKEN_EXT_GLUE_H
#define TOKEN_EXT_GLUE_H

#include "postgres.h"

#include "access/attnum.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/timestamp.h"
#include "utils/jsonb.h"

#include "../core/claims.h"
#include "../core/jwk.h"
#include "../core/jwk_export.h"
#include "../core/jws.h"
#include "../core/key.h"
#include "../core/keycache.h"
#include "../core/keyring_row.h"
#include "../core/status.h"
#include "../core/revocation.h"
#include "../core/token.h"
#include "../core/tokencache.h"

/* Settings (defined in token_ext.c). */
extern int	token_ext_max_token_size;
extern int	token_ext_max_json_depth;
extern int	token_ext_key_cache_entries;
extern int	token_ext_key_cache_memory_kb;
extern int	token_ext_max_pbes2_count;
extern char *token_ext_claims;
extern char *token_ext_algorithms;
extern char *token_ext_audience;
extern char *token_ext_issuer;
extern int	token_ext_leeway;
extern char *token_ext_role_claim;
extern int	token_ext_claims_scope;
extern bool token_ext_trust_request_claims;
extern char *token_ext_token_header;
extern char *token_ext_token_cookie;
extern int	token_ext_token_cache_entries;
extern int	token_ext_token_cache_memory_kb;
extern bool token_ext_verify_revocation;

/* Values of token_ext.claims_scope. */
#define GLUE_SCOPE_TRANSACTION 0
#define GLUE_SCOPE_SESSION 1

/* Purposes of keyring keys (the core's). */
#define GLUE_PURPOSE_SIGN JOSE_PURPOSE_SIGN
#define GLUE_PURPOSE_VERIFY JOSE_PURPOSE_VERIFY
#define GLUE_PURPOSE_ENCRYPT JOSE_PURPOSE_ENCRYPT
#define GLUE_PURPOSE_DECRYPT JOSE_PURPOSE_DECRYPT

/* The backend's workspace for core calls. */
extern jose_workspace *glue_workspace(void);

/* Wipe the workspace: after every decryption, and before raising. */
extern void glue_workspace_wipe(void);

/* Release the workspace, empty the key cache and the verified-token cache (DISCARD ALL). */
extern void glue_discard(void);

/* The backend's key cache. */
extern jose_keycache *glue_keycache(void);

/* The core's cancel check (registered in _PG_init). */
extern bool glue_interrupt_pending(void);

/* The limits in force, from the settings. */
extern jose_limits glue_limits(void);

/* Raise the error recorded in err (never returns). */
extern void glue_raise(const jose_err *err) pg_attribute_noreturn();

/* Raise the error recorded in err with hint (NULL: the status's own). */
extern void glue_raise_hint(const jose_err *err, const char *hint) pg_attribute_noreturn();

/* Raise the error recorded in err under sqlstate instead of the map's. */
extern void glue_raise_as(const jose_err *err, int sqlstate) pg_attribute_noreturn();

/* Raise status with a detail sentence made from fmt (never returns). */
extern void glue_raise_status(jose_status status, const char *fmt,...)
			pg_attribute_printf(2, 3) pg_attribute_noreturn();

/* The SQLSTATE a status maps to. */
extern int	glue_sqlstate(jose_status status);

/*
 * The key set for the key argument argno of the current function (bytea
 * secret, text secret/JWK/PEM, or jsonb JWK/JWKS), from the cache when the
 * same material was seen before.  Raises on an invalid key.
 */
extern jose_keyset *glue_key_argument(FunctionCallInfo fcinfo, int argno);

/*
 * Key cache tags of readings other than keyarg.c's (which uses 1 to 3):
 * the same bytes read another way are another entry.
 */
#define GLUE_KEY_TAG_PGJWT_SECRET 16	/* pgjwt.c: raw bytes, any length */

/* The key set for a key value of type bytea, text or jsonb (see above). */
extern jose_keyset *glue_key_value(Oid type, Datum value);

/* A signing algorithm argument: NULL means the key's own; "none" and unknown names raise. */
extern jose_alg glue_sign_alg_argument(FunctionCallInfo fcinfo, int argno);

/* Parse an optional algorithm-list argument (NULL: 0, "the key's"). */
extern jose_alg_set glue_alg_argument(FunctionCallInfo fcinfo, int argno);

/* A text argument as pointer and length, or NULL when it is NULL. */
extern const char *glue_text_arg(FunctionCallInfo fcinfo, int argno, size_t *len);

/*
 * 1970-01-01 00:00:00 UTC as a TimestampTz: what SetEpochTimestamp()
 * returns, as a constant (SetEpochTimestamp computes it through
 * tm2timestamp on every call, a tenth of an HS256 verification).
 */
#define GLUE_UNIX_EPOCH ((TimestampTz) -((POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY))

/* Unix seconds of a timestamptz; -infinity and infinity are -HUGE_VAL and HUGE_VAL. */
extern double glue_unix_seconds(TimestampTz t);

/*
 * Read the claim options audience, issuer, leeway, required and at from
 * arguments first .. first + 4 (NULL: the default).
 */
extern void glue_claims_args(FunctionCallInfo fcinfo, int first, jose_claims_opts *o);

/*
 * Build a jsonb from a core JSON tree.  Returns JOSE_OK, or a status in err
 * (numbers out of numeric's range, non-ASCII text in a database that is not
 * UTF-8) without raising.
 */
extern jose_status glue_tree_to_jsonb(const jose_json *doc, Jsonb **out, jose_err *err);

/* Append jsonb as compact UTF-8 JSON text to buf. */
extern void glue_jsonb_to_text(Jsonb *jb, jose_buf *buf);

/* Raise unless the claims argument is a JSON object (hint: where other payloads go, or NULL). */
extern void glue_check_claims_object(Jsonb *claims, const char *hint);

/* Assign hook of token_ext.claims (session.c). */
extern void glue_claims_assign(const char *newval, void *extra);

/* Make claims JSON text the verified claims, for the transaction or the session. */
extern void glue_set_claims(const char *json, bool session);

/* The role claim of the current claims, or NULL. */
extern const char *glue_claims_role(void);

/*
 * A column of one of the extension's tables: name, type, and the version
 * of the extension that added it (NULL: every version has it).  A column
 * added after the installed version may be missing: a database not yet
 * updated with ALTER EXTENSION ... UPDATE keeps working as it did, and the
 * column reads as NULL there.
 */
typedef struct glue_column
{
	const char *name;
	Oid			type;
	const char *type_name;
	const char *since;
} glue_column;

#define GLUE_MAX_COLUMNS 16

/* One of the extension's tables, found by membership (members.c). */
typedef struct glue_member_table
{
	const char *name;			/* the table's name in the extension */
	const char *what;			/* what messages call it ("keyring") */
	const char *since;			/* the version that added it (NULL: every version) */
	jose_status status;			/* raised when it is missing or altered */
	const glue_column *columns;
	int			n_columns;
	Oid			extoid;
	Oid			relid;			/* InvalidOid: not located */
	AttrNumber	attnum[GLUE_MAX_COLUMNS];
	uint64		confirmed;		/* membership confirmed at this count of extension changes */
} glue_member_table;

/*
 * The OID of the extension's table t, its columns mapped; raises t->status
 * when the extension, the table or a column is missing.  *again is set
 * when it was looked up anew.  InvalidOid when the installed version of the
 * extension predates the table (t->since): there is none to read yet.
 */
extern Oid	glue_member_oid(glue_member_table *t, bool *again);

/* Syscache callback of pg_extension: memberships are confirmed again (members.c). */
extern void glue_extensions_changed(Datum arg, int cacheid, uint32 hashvalue);

/* Text column col (of t's columns) of tuple as pointer and length, or NULL when NULL. */
extern const char *glue_member_text(const glue_member_table *t, HeapTuple tuple,
									TupleDesc desc, int col, size_t *len);

/* Relcache callback: a change of jwt.keyring empties the keyring cache. */
extern void glue_keyring_invalidate(Datum arg, Oid relid);

/* Keyring keys with a purpose among purposes, valid at the time at (palloc'd set). */
extern jose_keyset *glue_keyring_keys(unsigned purposes, TimestampTz at);

/* The keyring key kid for purpose, valid at the time at; raises if none. */
extern jose_key *glue_keyring_key(const char *kid, unsigned purpose, TimestampTz at);

/*
 * Memory accessors of jwt.memory_stats() (memory.c): how many entries an
 * area holds and how many bytes, without changing anything.
 */
extern void glue_keycache_usage(int64 *entries, int64 *bytes);
extern void glue_workspace_usage(int64 *entries, int64 *bytes);
extern void glue_keyring_cache_usage(int64 *entries, int64 *bytes);
extern void glue_claims_cache_usage(int64 *entries, int64 *bytes);

/*
 * Scale-out on Citus (citus.c, cluster_secret.c): claims forwarded to the
 * workers, sealed under the cluster secret.
 */
extern char *token_ext_forwarded_claims;
extern int	token_ext_forward_max_age;

/* Define the Citus settings and hooks (from _PG_init, before the prefix is reserved). */
extern void glue_citus_init(void);

/* Forward claims ("" for none) to the Citus workers when Citus is in use here. */
extern void glue_citus_forward(const char *claims);

/* The claims and role path of token_ext.forwarded_claims when it opens; false (reported once) if refused. */
extern bool glue_forwarded_claims(jose_buf *claims, jose_buf *role);

/* Whether this backend serves a Citus coordinator's shard queries (application_name says so). */
extern bool glue_citus_internal_backend(void);

/* This node's cluster secret (JOSE_FORWARD_SECRET_LEN bytes) into out; false when it has none. */
extern bool glue_cluster_secret(unsigned char *out);

/* Relcache callback: a change of jwt.cluster_secret empties the secret's cache. */
extern void glue_cluster_secret_invalidate(Datum arg, Oid relid);

/* Report the condition recorded in err as a WARNING (message, detail and hint of the map). */
extern void glue_warn(const jose_err *err);

/* The issuers keyring rows bind keys to (any purpose, any window). */
extern void glue_keyring_issuers(jose_issuers *out);

/* The validity window of a key glue_keyring_keys returned; false if unknown. */
extern bool glue_keyring_window(const jose_key *key, TimestampTz *not_before,
								TimestampTz *not_after);

/* A count that changes whenever the keyring may have changed. */
extern uint64 glue_keyring_generation(void);

/* Confirm (again after an extension changed) that the keyring is the extension's; raises if not. */
extern void glue_keyring_confirm(void);

/* Confirm (again after an extension changed) that the revocation store is the extension's. */
extern void glue_revocation_confirm(void);

/* Relcache callback: a change of jwt.revocation empties the revocation cache. */
extern void glue_revocation_invalidate(Datum arg, Oid relid);

/* JOSE_E_REVOKED (in err) when verified claims are revoked at now (Unix seconds), else JOSE_OK. */
extern jose_status glue_revocation_check(const jose_json *claims, double now, jose_err *err);

/* A count that changes whenever the revocation store may have changed. */
extern uint64 glue_revocation_generation(void);

/* Note that a setting the checks of jwt.authenticate depend on changed. */
extern void glue_policy_changed(void);

/* What the verified-token cache gives back: pointers into the cache. */
typedef struct glue_verified
{
	const char *claims;			/* compact JSON text, NUL-terminated */
	size_t		claims_len;
	const void *jsonb;			/* the claims as a Jsonb (not aligned: copy it) */
	size_t		jsonb_len;
} glue_verified;

/*
 * The verified-token cache (tokencache.c): true, with out filled, when
 * token verified under the current keyring, revocation store and policy
 * and still passes its time checks at at.
 */
extern bool glue_token_cache_get(const char *token, size_t len, TimestampTz at,
								 glue_verified *out);

/* Remember a token that passed every check (see tokencache.c). */
extern void glue_token_cache_put(const char *token, size_t len, const jose_claim_times *times,
								 TimestampTz valid_from, TimestampTz valid_until,
								 const char *claims, size_t claims_len, const Jsonb *jsonb);

/* Empty the verified-token cache. */
extern void glue_token_cache_clear(void);

#endif							/* TOKEN_EXT_GLUE_H */
