/*-------------------------------------------------------------------------
 *
 * claimpath.c
 *		Finding a claim by a role-claim path.
 *
 * src/core/claimpath.c
 *
 *-------------------------------------------------------------------------
 */
#include "claimpath.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The element index of array node arr in doc, or NONE. */
static uint32_t
array_element(const jose_json *doc, uint32_t arr, unsigned long index)
{
	uint32_t	child = arr + 1;

	if (doc->nodes[arr].type != JOSE_JSON_ARRAY || index >= doc->nodes[arr].count)
		return JOSE_JSON_NONE;
	while (index-- > 0)
		child = doc->nodes[child].next;
	return child;
}

/* The node at a role-claim path in the claims tree, or NONE. */
uint32_t
jose_claim_at_path(const jose_json *doc, const char *path)
{
	uint32_t	node = 0;
	char		name[256];
	bool		first = true;

	if (doc->n_nodes == 0)
		return JOSE_JSON_NONE;
	if (*path == '$')
		path++;
	while (*path != '\0')
	{
		if (*path == '[')
		{
			char	   *end;
			unsigned long index;

			if (path[1] < '0' || path[1] > '9')
				return JOSE_JSON_NONE;
			index = strtoul(path + 1, &end, 10);
			if (*end != ']')
				return JOSE_JSON_NONE;
			node = array_element(doc, node, index);
			path = end + 1;
		}
		else
		{
			size_t		n = 0;

			if (*path == '.')
				path++;
			else if (!first)
				return JOSE_JSON_NONE;
			if (*path == '"')
			{
				/* a quoted name: up to the closing quote, \x standing for x */
				for (path++; *path != '"'; path++)
				{
					if (*path == '\\' && path[1] != '\0')
						path++;
					if (*path == '\0' || n + 1 >= sizeof(name))
						return JOSE_JSON_NONE;
					name[n++] = *path;
				}
				path++;
			}
			else
			{
				n = strcspn(path, ".[");
				if (n == 0 || n >= sizeof(name))
					return JOSE_JSON_NONE;
				memcpy(name, path, n);
				path += n;
			}
			name[n] = '\0';
			node = jose_json_member(doc, node, name);
		}
		if (node == JOSE_JSON_NONE)
			return JOSE_JSON_NONE;
		first = false;
	}
	return node;
}
