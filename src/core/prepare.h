/*-------------------------------------------------------------------------
 *
 * prepare.h
 *		Filling every lazily filled table of the core at once, for hosts
 *		whose callers run in several threads.
 *
 * The core fetches OpenSSL algorithm objects (HMAC, digests, ciphers) and
 * curve orders the first time it needs them, into process-wide tables.
 * One thread at a time (a PostgreSQL backend) may fill them lazily; a
 * host with threads (SQLite: connections in several threads) calls
 * jose_prepare once, before any other core call, and from then on the
 * core only reads process-wide state.
 *
 * src/core/prepare.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_PREPARE_H
#define JOSE_PREPARE_H

#include "status.h"

/* Fetch every OpenSSL object and fill every table the core uses; once, before threads share it. */
extern jose_status jose_prepare(jose_err *err);

#endif							/* JOSE_PREPARE_H */
