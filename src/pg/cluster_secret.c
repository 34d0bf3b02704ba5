/*-------------------------------------------------------------------------
 *
 * cluster_secret.c
 *		The cluster secret of a Citus cluster (table jwt.cluster_secret),
 *		and the superuser functions that make it and carry it to the nodes.
 *
 * Forwarded claims (citus.c) are sealed with an HMAC under a secret that
 * every node of the cluster holds and that only this C code reads: one
 * row of jwt.cluster_secret, a table of the extension with no grants and
 * row-level security on, read here directly (a heap scan, not SQL).  Like
 * the keyring, it is found by the extension's membership records, never by
 * a name alone.  It is cached per backend; a statement trigger on the
 * table sends a relcache invalidation at every change, which empties the
 * cache here and in every other backend when the change commits.
 *
 * Carrying the secret to a worker must not put it in any statement text:
 * Citus sends commands as text, and a worker logs a failing statement (and
 * with log_statement = 'all' every statement), and shows it in
 * pg_stat_activity.  So the secret travels only encrypted to the worker:
 * the worker makes a fresh X25519 key pair and keeps its private half in
 * its own jwt.cluster_secret row (jwt.cluster_secret_offer()), the
 * coordinator encrypts the secret to the public half as a JWE (ECDH-ES,
 * A256GCM; jwt.cluster_secret_wrap()), and the worker decrypts it and
 * forgets the private half (jwt.cluster_secret_accept()).  The texts that
 * travel are a public key and ciphertext that only that private half,
 * gone once used, could open.  jwt.citus_setup() (SQL) runs the three
 * steps on every node.
 *
 * src/pg/cluster_secret.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/tableam.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "../core/forward.h"
#include "../core/jwe.h"
#include "../core/jwk.h"
#include "../core/keygen.h"

PG_FUNCTION_INFO_V1(jwt_cluster_secret_create);
PG_FUNCTION_INFO_V1(jwt_cluster_secret_offer);
PG_FUNCTION_INFO_V1(jwt_cluster_secret_wrap);
PG_FUNCTION_INFO_V1(jwt_cluster_secret_accept);
PG_FUNCTION_INFO_V1(jwt_cluster_secret_fingerprint);
PG_FUNCTION_INFO_V1(jwt_cluster_secret_trigger);

/*
 * The secret as last read: valid until an invalidation of its table, or
 * (when read in a parallel operation, with an older snapshot) for the
 * transaction that read it only.
 */
static struct
{
	bool		valid;			/* good until the table's next invalidation */
	LocalTransactionId lxid;	/* good in this transaction (InvalidLocalTransactionId: none) */
	Oid			relid;			/* the table it was read from */
	bool		present;
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
}			cached;

/* Forget the cached secret (after a write, so the next read sees it). */
static void
forget_secret(void)
{
	OPENSSL_cleanse(cached.secret, sizeof(cached.secret));
	cached.present = false;
	cached.valid = false;
	cached.lxid = InvalidLocalTransactionId;
}

/* Relcache callback: a change of jwt.cluster_secret (or of everything) empties the cache. */
void
glue_cluster_secret_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == cached.relid)
		forget_secret();
}

/* The OID and schema of extension token_ext in this database; false when absent. */
static bool
token_ext_extension(Oid *extoid, Oid *nsp)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("token_ext"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (tuple != NULL)
	{
		Form_pg_extension ext = (Form_pg_extension) GETSTRUCT(tuple);

		*extoid = ext->oid;
		*nsp = ext->extnamespace;
		found = true;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * The table cluster_secret of the extension's schema, if it belongs to
 * the extension (a table of that name planted anywhere else, or not a
 * member, is never it), else InvalidOid.
 */
static Oid
secret_table(void)
{
	Oid			extoid;
	Oid			nsp;
	Oid			relid;

	if (!token_ext_extension(&extoid, &nsp))
		return InvalidOid;
	relid = get_relname_relid("cluster_secret", nsp);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
		getExtensionOfObject(RelationRelationId, relid) != extoid)
		return InvalidOid;
	return relid;
}

/* The bytea (or jsonb as text) of column name in the table's first row, palloc'd; NULL when none. */
static char *
read_column(Oid relid, const char *name, Oid type, size_t *len)
{
	AttrNumber	att = get_attnum(relid, name);
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;
	Snapshot	snapshot;
	char	   *result = NULL;

	if (att == InvalidAttrNumber || get_atttype(relid, att) != type)
		return NULL;
	rel = table_open(relid, AccessShareLock);

	/*
	 * A fresh snapshot taken after the lock (which processed any pending
	 * invalidation), since the value outlives this transaction; in a
	 * parallel operation, where none may be taken, the statement's.
	 */
	snapshot = IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot();
	snapshot = RegisterSnapshot(snapshot);
	scan = table_beginscan(rel, snapshot, 0, NULL);
	tuple = heap_getnext(scan, ForwardScanDirection);
	if (tuple != NULL)
	{
		bool		isnull;
		Datum		v = heap_getattr(tuple, att, RelationGetDescr(rel), &isnull);

		if (!isnull && type == BYTEAOID)
		{
			bytea	   *b = DatumGetByteaPP(v);

			*len = VARSIZE_ANY_EXHDR(b);
			result = palloc(*len + 1);
			memcpy(result, VARDATA_ANY(b), *len);
			result[*len] = '\0';
			if ((Pointer) b != DatumGetPointer(v))
			{
				OPENSSL_cleanse(VARDATA_ANY(b), *len);
				pfree(b);
			}
		}
		else if (!isnull)
		{
			jose_buf	buf = {0};

			glue_jsonb_to_text(DatumGetJsonbP(v), &buf);
			if (!buf.failed)
			{
				*len = buf.len;
				result = pnstrdup(buf.data, buf.len);
			}
			jose_buf_free(&buf);
		}
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * The cluster secret of this node, into out: true when there is one (a
 * row whose secret has the right length), false otherwise.  Never raises
 * for a missing table or row: readers in policies call it.
 */
bool
glue_cluster_secret(unsigned char *out)
{
	if (!cached.valid && (cached.lxid != MyProc->lxid || cached.lxid == InvalidLocalTransactionId))
	{
		Oid			relid = secret_table();
		char	   *value = NULL;
		size_t		len = 0;

		forget_secret();
		if (OidIsValid(relid))
			value = read_column(relid, "secret", BYTEAOID, &len);
		if (value != NULL && len == JOSE_FORWARD_SECRET_LEN)
		{
			memcpy(cached.secret, value, len);
			cached.present = true;
		}
		if (value != NULL)
		{
			OPENSSL_cleanse(value, len);
			pfree(value);
		}
		/* a missing table is looked for again next time; a read in a parallel operation holds for its transaction */
		cached.relid = relid;
		cached.valid = OidIsValid(relid) && !IsInParallelMode();
		cached.lxid = MyProc->lxid;
	}
	if (cached.present)
		memcpy(out, cached.secret, JOSE_FORWARD_SECRET_LEN);
	return cached.present;
}

/* Raise unless the caller is a superuser: the secret lets its holder forge claims. */
static void
require_superuser(const char *what)
{
	if (!superuser())
	{
		jose_err	err;

		jose_fail(&err, JOSE_E_CLUSTER_PERMISSION, "Only a superuser may call %s.", what);
		glue_raise(&err);
	}
}

/* The table, or raise JOSE_E_CLUSTER. */
static Oid
secret_table_or_raise(void)
{
	Oid			relid = secret_table();

	if (!OidIsValid(relid))
		glue_raise_status(JOSE_E_CLUSTER, "No table cluster_secret belongs to the extension token_ext in this database.");
	return relid;
}

/*
 * Write the row: column (secret or offer) set to value, of type type.  A
 * new secret also drops the offer (its private key is of no more use); a
 * new offer leaves the secret, which stays in force until one is
 * accepted.  The value is a query parameter, so it is in no statement text.
 */
static void
write_row(const char *column, Oid type, Datum value)
{
	Oid			relid = secret_table_or_raise();
	char	   *table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid));
	bool		secret = strcmp(column, "secret") == 0;
	char	   *sql = psprintf("INSERT INTO %s AS s (id, %s) VALUES (true, $1) "
							   "ON CONFLICT (id) DO UPDATE SET %s = EXCLUDED.%s%s, changed_at = now()",
							   table, column, column, column, secret ? ", offer = NULL" : "");
	int			rc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args(sql, 1, &type, &value, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not write the cluster secret's row: SPI code %d", rc);
	SPI_finish();
	forget_secret();
}

/* Store a secret of JOSE_FORWARD_SECRET_LEN bytes as this node's. */
static void
store_secret(const unsigned char *secret)
{
	bytea	   *b = palloc(VARHDRSZ + JOSE_FORWARD_SECRET_LEN);

	SET_VARSIZE(b, VARHDRSZ + JOSE_FORWARD_SECRET_LEN);
	memcpy(VARDATA(b), secret, JOSE_FORWARD_SECRET_LEN);
	write_row("secret", BYTEAOID, PointerGetDatum(b));
	OPENSSL_cleanse(VARDATA(b), JOSE_FORWARD_SECRET_LEN);
	pfree(b);
}

/* SQL function: jwt.cluster_secret_create(replace boolean) returns boolean */
Datum
jwt_cluster_secret_create(PG_FUNCTION_ARGS)
{
	bool		replace = !PG_ARGISNULL(0) && PG_GETARG_BOOL(0);
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];

	require_superuser("jwt.cluster_secret_create()");
	(void) secret_table_or_raise();
	if (!replace && glue_cluster_secret(secret))
	{
		OPENSSL_cleanse(secret, sizeof(secret));
		PG_RETURN_BOOL(false);
	}
	if (RAND_priv_bytes(secret, sizeof(secret)) != 1)
	{
		ERR_clear_error();
		glue_raise_status(JOSE_E_CRYPTO, "Could not generate random bytes.");
	}
	store_secret(secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	PG_RETURN_BOOL(true);
}

/* Raise err after freeing key, set and buf (each may be NULL). */
static void raise_freeing(jose_err *err, jose_key *key, jose_keyset *set, jose_buf *buf) pg_attribute_noreturn();

static void
raise_freeing(jose_err *err, jose_key *key, jose_keyset *set, jose_buf *buf)
{
	jose_key_free(key);
	jose_keyset_free(set);
	if (buf != NULL)
		jose_buf_free(buf);
	glue_raise(err);
}

/* SQL function: jwt.cluster_secret_offer() returns jsonb -- a new public key to wrap the secret to */
Datum
jwt_cluster_secret_offer(PG_FUNCTION_ARGS)
{
	jose_key   *key = NULL;
	jose_buf	buf = {0};
	jose_err	err;
	char	   *text;
	Datum		private_jwk;
	Datum		public_jwk;

	require_superuser("jwt.cluster_secret_offer()");
	(void) secret_table_or_raise();
	jose_err_clear(&err);
	if (jose_key_generate("X25519", 6, 0, &key, &err) != JOSE_OK ||
		jose_key_to_jwk(key, true, &buf, &err) != JOSE_OK)
		raise_freeing(&err, key, NULL, &buf);
	text = pnstrdup(buf.data, buf.len);
	private_jwk = DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
	OPENSSL_cleanse(text, buf.len);
	OPENSSL_cleanse(buf.data, buf.len);
	jose_buf_reset(&buf);
	if (jose_key_to_jwk(key, false, &buf, &err) != JOSE_OK)
		raise_freeing(&err, key, NULL, &buf);
	public_jwk = DirectFunctionCall1(jsonb_in, CStringGetDatum(pnstrdup(buf.data, buf.len)));
	jose_buf_free(&buf);
	jose_key_free(key);
	write_row("offer", JSONBOID, private_jwk);
	PG_RETURN_DATUM(public_jwk);
}

/* A key set from JWK text (jsonb), or raise. */
static jose_keyset *
keyset_of(Jsonb *jwk)
{
	jose_buf	text = {0};
	jose_keyset *set = NULL;
	jose_err	err;

	jose_err_clear(&err);
	glue_jsonb_to_text(jwk, &text);
	if (text.failed)
	{
		jose_buf_free(&text);
		glue_raise_status(JOSE_E_NOMEM, "Could not read the key.");
	}
	if (jose_keyset_from_jwk_text(text.data, text.len, &set, &err) != JOSE_OK)
	{
		jose_buf_free(&text);
		raise_freeing(&err, NULL, set, NULL);
	}
	jose_buf_free(&text);
	if (set->count != 1 || (set->keys[0]->kty != JOSE_KTY_OKP && set->keys[0]->kty != JOSE_KTY_EC))
	{
		jose_keyset_free(set);
		glue_raise_status(JOSE_E_KEY, "The offer is one X25519 or EC public key (a JWK made by jwt.cluster_secret_offer()).");
	}
	return set;
}

/* SQL function: jwt.cluster_secret_wrap(offer jsonb) returns text -- the secret encrypted to an offer */
Datum
jwt_cluster_secret_wrap(PG_FUNCTION_ARGS)
{
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	jose_jwe_encrypt_opts opts;
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
	jose_keyset *set;
	jose_err	err;
	text	   *result;

	require_superuser("jwt.cluster_secret_wrap()");
	set = keyset_of(PG_GETARG_JSONB_P(0));
	if (!glue_cluster_secret(secret))
	{
		jose_keyset_free(set);
		glue_raise_status(JOSE_E_CLUSTER, "This node has no cluster secret to wrap.");
	}
	memset(&opts, 0, sizeof(opts));
	opts.alg = JOSE_JWE_ECDH_ES;
	opts.enc = JOSE_JWE_A256GCM;
	jose_err_clear(&err);
	if (jose_jwe_encrypt(ws, set, &opts, secret, sizeof(secret), &limits, &err) != JOSE_OK)
	{
		OPENSSL_cleanse(secret, sizeof(secret));
		raise_freeing(&err, NULL, set, NULL);
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	jose_keyset_free(set);
	result = cstring_to_text_with_len(ws->out.data, (int) ws->out.len);
	glue_workspace_wipe();
	PG_RETURN_TEXT_P(result);
}

/* SQL function: jwt.cluster_secret_accept(wrapped text[]) returns text -- install the secret wrapped to this node's offer */
Datum
jwt_cluster_secret_accept(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	jose_workspace *ws = glue_workspace();
	jose_limits limits = glue_limits();
	unsigned char before[JOSE_FORWARD_SECRET_LEN];
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
	bool		had;
	bool		found = false;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	char	   *offer;
	size_t		offer_len = 0;
	jose_keyset *set = NULL;
	jose_err	err;
	Oid			relid;

	require_superuser("jwt.cluster_secret_accept()");
	relid = secret_table_or_raise();
	offer = read_column(relid, "offer", JSONBOID, &offer_len);
	if (offer == NULL)
		glue_raise_status(JOSE_E_CLUSTER, "This node has no pending offer; jwt.cluster_secret_offer() makes one.");
	jose_err_clear(&err);
	if (jose_keyset_from_jwk_text(offer, offer_len, &set, &err) != JOSE_OK)
	{
		OPENSSL_cleanse(offer, offer_len);
		raise_freeing(&err, NULL, set, NULL);
	}
	OPENSSL_cleanse(offer, offer_len);

	/* each wrapped secret is for one node's offer: this node's is the one its key opens */
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (int i = 0; i < n && !found; i++)
	{
		text	   *t;
		jose_jwe	jwe;

		if (nulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		jose_err_clear(&err);
		if (jose_jwe_decrypt(ws, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), set,
							 JOSE_JWE_BIT(JOSE_JWE_ECDH_ES), JOSE_JWE_BIT(JOSE_JWE_A256GCM),
							 &limits, &jwe, &err) == JOSE_OK &&
			jwe.plaintext_len == JOSE_FORWARD_SECRET_LEN)
		{
			memcpy(secret, jwe.plaintext, JOSE_FORWARD_SECRET_LEN);
			found = true;
		}
		glue_workspace_wipe();
	}
	jose_keyset_free(set);
	if (!found)
		glue_raise_status(JOSE_E_CLUSTER, "None of the %d wrapped secrets was made for this node's offer.", n);

	had = glue_cluster_secret(before);
	had = had && CRYPTO_memcmp(before, secret, sizeof(secret)) == 0;
	OPENSSL_cleanse(before, sizeof(before));
	/* the secret, and the offer's private key gone */
	store_secret(secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	PG_RETURN_TEXT_P(cstring_to_text(had ? "unchanged" : "installed"));
}

/* SQL function: jwt.cluster_secret_fingerprint() returns text -- names the secret without revealing it */
Datum
jwt_cluster_secret_fingerprint(PG_FUNCTION_ARGS)
{
	unsigned char secret[JOSE_FORWARD_SECRET_LEN];
	char		fp[33];
	jose_err	err;
	jose_status st;

	require_superuser("jwt.cluster_secret_fingerprint()");
	if (!glue_cluster_secret(secret))
		PG_RETURN_NULL();
	jose_err_clear(&err);
	st = jose_forward_fingerprint(secret, fp, &err);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (st != JOSE_OK)
		glue_raise(&err);
	PG_RETURN_TEXT_P(cstring_to_text(fp));
}

/*
 * Trigger of jwt.cluster_secret (after each statement): tell every backend
 * that the secret may have changed.
 */
Datum
jwt_cluster_secret_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.cluster_secret_trigger() must be called as a statement trigger")));
	if (RelationGetRelid(trigdata->tg_relation) != secret_table())
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("jwt.cluster_secret_trigger() fires only on jwt.cluster_secret")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
