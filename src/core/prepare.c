/*-------------------------------------------------------------------------
 *
 * prepare.c
 *		Filling every lazily filled table of the core at once.
 *
 * src/core/prepare.c
 *
 *-------------------------------------------------------------------------
 */
#include "prepare.h"
#include "hmac.h"
#include "jwe_crypto.h"
#include "pkey_sig.h"

#include <openssl/err.h>

/* Fetch every OpenSSL object and fill every table the core uses. */
jose_status
jose_prepare(jose_err *err)
{
	jose_status st = jose_crypto_init(err);

	if (st != JOSE_OK)
		return st;
	jose_pkey_sig_prepare();
	jose_jwe_crypto_prepare();

	/* a cipher or curve this OpenSSL lacks is reported when a token needs it */
	ERR_clear_error();
	return JOSE_OK;
}
