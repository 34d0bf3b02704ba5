/*-------------------------------------------------------------------------
 *
 * interrupt.h
 *		Letting the host cancel long core work (key generation, key checks).
 *
 * The core never raises, so it cannot honour a cancel request itself.  A
 * host registers a check; long loops in the core ask it between steps and,
 * when it says stop, free what they hold and return JOSE_E_INTERRUPTED.
 * The host then reports its own cancellation error (PostgreSQL: the
 * statement_timeout or pg_cancel_backend error, raised by
 * CHECK_FOR_INTERRUPTS once the core has returned).
 *
 * src/core/interrupt.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_INTERRUPT_H
#define JOSE_INTERRUPT_H

#include <stdbool.h>

#include "status.h"

/* A host's check: true when the current work should stop now. */
typedef bool (*jose_interrupt_check) (void);

/* Register the host's check (NULL: never interrupted).  Process-wide. */
extern void jose_set_interrupt_check(jose_interrupt_check check);

/* True when the host asks the current work to stop. */
extern bool jose_interrupted(void);

/* JOSE_E_INTERRUPTED with a detail naming what stopped, or JOSE_OK. */
extern jose_status jose_check_interrupt(jose_err *err, const char *what);

#endif							/* JOSE_INTERRUPT_H */
