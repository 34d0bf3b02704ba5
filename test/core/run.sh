#!/usr/bin/env bash
# C unit tests of the database-independent core (src/core), no server needed.
set -uo pipefail
cd "$(dirname "$0")/../.."
make -s check-core PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
