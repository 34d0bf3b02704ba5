/*-------------------------------------------------------------------------
 *
 * interrupt.c
 *		The host's cancel check, asked by long loops of the core.
 *
 * src/core/interrupt.c
 *
 *-------------------------------------------------------------------------
 */
#include "interrupt.h"

#include <stddef.h>

static jose_interrupt_check host_check = NULL;

/* Register the host's check (NULL: never interrupted). */
void
jose_set_interrupt_check(jose_interrupt_check check)
{
	host_check = check;
}

/* True when the host asks the current work to stop. */
bool
jose_interrupted(void)
{
	return host_check != NULL && host_check();
}

/* JOSE_E_INTERRUPTED with a detail naming what stopped, or JOSE_OK. */
jose_status
jose_check_interrupt(jose_err *err, const char *what)
{
	if (!jose_interrupted())
		return JOSE_OK;
	return jose_fail(err, JOSE_E_INTERRUPTED, "%s was interrupted.", what);
}
