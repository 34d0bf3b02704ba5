/*-------------------------------------------------------------------------
 *
 * claimpath.h
 *		Finding a claim by a role-claim path (PostgREST's
 *		jwt-role-claim-key), as token_ext.role_claim and SQLite's
 *		role_claim option name it.
 *
 * src/core/claimpath.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef JOSE_CLAIMPATH_H
#define JOSE_CLAIMPATH_H

#include <stdint.h>

#include "json.h"

/*
 * The node at path in the claims tree doc (an object at node 0), or
 * JOSE_JSON_NONE when the path names nothing there or is malformed.  The
 * path is PostgREST's: members as .name, or ."name" when the name holds
 * other characters (\" and \\ inside the quotes), array elements as [n],
 * optionally after a $ (newer PostgREST's JSONPath spelling, $.role).  The
 * first dot may be left out (app_metadata.role).
 */
extern uint32_t jose_claim_at_path(const jose_json *doc, const char *path);

#endif							/* JOSE_CLAIMPATH_H */
