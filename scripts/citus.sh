#!/usr/bin/env bash
# Citus 13.2.2 for token_ext's scale-out tests and benchmark: builds Citus
# from the source tarball in ../shared/citus when the PostgreSQL tree in use
# (TOKEN_EXT_PG_ROOT, see scripts/lib.sh) does not have it, and runs a
# three-node cluster on this machine (a coordinator and two workers, Unix
# sockets only, data under .pgrun/citus/).
#
# Sourced (test/citus/run.sh, bench/citus.sh):
#   source scripts/citus.sh
#   citus_available          0 when the tarball is there (else prints why not)
#   citus_ensure_installed   build and install Citus unless 13.2.2 is installed
#   citus_start DB           fresh cluster, database DB with citus and token_ext
#                            on every node, workers registered; exports
#                            CITUS_COORD/CITUS_WORKER1/CITUS_WORKER2 (libpq
#                            "host=... port=..." of each node) and
#                            PGSERVICEFILE with the services coord, worker1
#                            and worker2 (psql 'service=worker1 user=...')
#   citus_stop               stop the three servers (put it in a trap)
# Run:
#   scripts/citus.sh build              build and install Citus if needed
#   scripts/citus.sh run DB CMD [ARG..] start, run CMD (with PGHOST/PGPORT of
#                                        the coordinator), stop
#   scripts/citus.sh start DB | stop    for interactive use
#
# Environment: TOKEN_EXT_PG_ROOT (the PostgreSQL copy to use), TOKEN_EXT_CITUS_PORT
# (the coordinator's port, default 54341; the workers take the next two),
# TOKEN_EXT_CITUS_NAME (the cluster's folder under .pgrun, default citus),
# TOKEN_EXT_CITUS_TARBALL (default ../shared/citus/citus-13.2.2.tar.gz).
# token_ext itself must already be installed in the tree (build_and_install).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CITUS_VERSION=13.2.2
CITUS_SHA256=dd2453caec20a830e5e63f1def5c5a98cb6f57ae510407cdcd800916fcdab430
CITUS_TARBALL=${TOKEN_EXT_CITUS_TARBALL:-$(cd "$TOP/.." && pwd)/shared/citus/citus-$CITUS_VERSION.tar.gz}
CITUS_BUILD=$TOP/.pgrun/citus-build
CITUS_PORT=${TOKEN_EXT_CITUS_PORT:-54341}
CITUS_NODES=(coord worker1 worker2)
# Debian packages Citus needs to build (besides the PostgreSQL server headers)
CITUS_DEB_PACKAGES=(build-essential postgresql-server-dev-$PG_MAJOR liblz4-dev libzstd-dev
  libkrb5-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev)

# 0 when the Citus source tarball is there; else prints the reason.
citus_available() {
  [ -f "$CITUS_TARBALL" ] && return 0
  echo "the Citus source tarball $CITUS_TARBALL is absent"
  return 1
}

# 0 when citus.so of Citus $CITUS_VERSION is installed in the tree in use.
citus_installed() {
  local so
  so="$("$PG_CONFIG" --pkglibdir)/citus.so"
  [ -f "$so" ] && [ -f "$("$PG_CONFIG" --sharedir)/extension/citus.control" ] &&
    grep -aq "Citus $CITUS_VERSION " "$so"
}

# Remove Citus's own static inline have_createdb_privilege() for PostgreSQL
# 15 from pg_version_compat.h (in $1) when the server headers declare one:
# PostgreSQL 15.20 exports a function of that name, so the definition
# collides with it ("static declaration follows non-static declaration");
# 15.18 and earlier (Debian 12's main archive) do not, and need Citus's own.
# The edit removes exactly that one function and fails loudly when its text
# is not found once.
citus_patch_compat() {
  local file=$1/src/include/pg_version_compat.h
  local header
  header="$("$PG_CONFIG" --includedir-server)/commands/dbcommands.h"
  if ! grep -q 'have_createdb_privilege' "$header"; then
    echo "$header does not declare have_createdb_privilege(): Citus keeps its own"
    return 0
  fi
  perl -0 -e '
    my $src = do { local $/; <STDIN> };
    my $re = qr/static inline bool\nhave_createdb_privilege\(void\)\n\{\n.*?\n\}\n/s;
    my $n = () = $src =~ /$re/g;
    die "citus compat fix: expected one have_createdb_privilege() definition, found $n\n" if $n != 1;
    $src =~ s/$re/\/* have_createdb_privilege(): the server headers declare it (token_ext test build) *\/\n/;
    print $src;' <"$file" >"$file.new" && mv "$file.new" "$file" || { rm -f "$file.new"; return 1; }
}

# Build Citus from the tarball and install it into the tree in use, unless installed.
citus_ensure_installed() {
  local src=$CITUS_BUILD/citus-$CITUS_VERSION sum
  ensure_pg_root
  if citus_installed; then
    echo "Citus $CITUS_VERSION is installed in $("$PG_CONFIG" --pkglibdir)"
    return 0
  fi
  citus_available || return 1
  sum=$(sha256sum "$CITUS_TARBALL" | cut -d' ' -f1)
  if [ "$sum" != "$CITUS_SHA256" ]; then
    echo "$CITUS_TARBALL: sha256 $sum, expected $CITUS_SHA256" >&2
    return 1
  fi
  ensure_packages "${CITUS_DEB_PACKAGES[@]}" || return 1
  say "building Citus $CITUS_VERSION in $CITUS_BUILD (a few minutes)"
  rm -rf "$CITUS_BUILD" && mkdir -p "$CITUS_BUILD" || return 1
  tar -xzf "$CITUS_TARBALL" -C "$CITUS_BUILD" || return 1
  citus_patch_compat "$src" || return 1
  (cd "$src" && ./configure --without-libcurl PG_CONFIG="$PG_CONFIG" >"$CITUS_BUILD/configure.log" 2>&1) \
    || { tail -n 30 "$CITUS_BUILD/configure.log"; return 1; }
  # with_llvm=no: no bitcode for JIT inlining (it doubles the build time; JIT works without it)
  make -C "$src" -j2 with_llvm=no >"$CITUS_BUILD/make.log" 2>&1 || { tail -n 30 "$CITUS_BUILD/make.log"; return 1; }
  say "installing Citus $CITUS_VERSION into $("$PG_CONFIG" --pkglibdir)"
  as_root make -C "$src" with_llvm=no install >"$CITUS_BUILD/install.log" 2>&1 \
    || { tail -n 30 "$CITUS_BUILD/install.log"; return 1; }
  citus_installed || { echo "Citus $CITUS_VERSION is still not installed after the build" >&2; return 1; }
}

# The folder of the cluster (inside the project if the server user can enter it).
CITUS_DIR=$(cluster_dir "$TOP/.pgrun/${TOKEN_EXT_CITUS_NAME:-citus}")

# libpq connection string of node $1 (index into CITUS_NODES).
citus_conninfo() {
  echo "host=$CITUS_DIR/${CITUS_NODES[$1]} port=$((CITUS_PORT + $1))"
}

# psql as postgres on node $1 (index), database $2, then psql arguments.
citus_psql() {
  local n=$1 db=$2; shift 2
  psql -X -q -v ON_ERROR_STOP=1 -h "$CITUS_DIR/${CITUS_NODES[$n]}" -p $((CITUS_PORT + n)) -U postgres \
    -d "$db" "$@"
}

# Stop the three servers (if they run).
citus_stop() {
  local node
  for node in "${CITUS_NODES[@]}"; do
    (cd "$CITUS_DIR" 2>/dev/null || cd /; cluster_stop "$CITUS_DIR/$node")
  done
}

# Create and start node $1 (index) with database $2 holding the citus extension.
citus_node_up() {
  local i=$1 db=$2 dir=$CITUS_DIR/${CITUS_NODES[$1]}
  # Citus first in the preload list; token_ext preloaded as its README
  # recommends for the strongest setup.  Two-phase commit needs prepared
  # transactions.  Each node reaches itself through its own socket folder.
  (cd "$CITUS_DIR" && CLUSTER_EXTRA_CONF="shared_buffers = 64MB
max_connections = 200
max_prepared_transactions = 200
shared_preload_libraries = 'citus,token_ext'
citus.local_hostname = '$dir'
citus.shard_count = 8
log_min_messages = warning" \
    cluster_start "$dir" $((CITUS_PORT + i))) || return 1
  citus_psql "$i" postgres -c "CREATE DATABASE $db" >/dev/null || return 1
  citus_psql "$i" "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION citus" >/dev/null
}

# Start a fresh three-node cluster with database $1 (see the header).
citus_start() {
  local db=$1 i have pids=() failed=0
  citus_stop
  rm -rf "$CITUS_DIR" && mkdir -p "$CITUS_DIR" && chmod 755 "$CITUS_DIR" || return 1
  # the three nodes come up side by side
  for i in 0 1 2; do
    citus_node_up "$i" "$db" & pids+=($!)
  done
  for i in 0 1 2; do
    wait "${pids[$i]}" || { echo "node ${CITUS_NODES[$i]} did not come up" >&2; failed=1; }
  done
  [ "$failed" = 0 ] || return 1
  citus_psql 0 "$db" -c "SET client_min_messages = warning" \
    -c "SELECT citus_set_coordinator_host('$CITUS_DIR/coord', $CITUS_PORT)" \
    -c "SELECT citus_add_node('$CITUS_DIR/worker1', $((CITUS_PORT + 1)))" \
    -c "SELECT citus_add_node('$CITUS_DIR/worker2', $((CITUS_PORT + 2)))" \
    -c "CREATE EXTENSION token_ext" >/dev/null || return 1
  # Citus propagates CREATE EXTENSION to the workers; make sure it did
  for i in 1 2; do
    have=$(citus_psql $i "$db" -At -c "SELECT count(*) FROM pg_extension WHERE extname = 'token_ext'") \
      || return 1
    if [ "$have" != 1 ]; then
      echo "Citus did not create token_ext on ${CITUS_NODES[$i]}; creating it there" >&2
      citus_psql $i "$db" -c "CREATE EXTENSION token_ext" >/dev/null || return 1
    fi
  done
  export CITUS_COORD CITUS_WORKER1 CITUS_WORKER2 PGSERVICEFILE=$CITUS_DIR/pg_service.conf
  CITUS_COORD=$(citus_conninfo 0) CITUS_WORKER1=$(citus_conninfo 1) CITUS_WORKER2=$(citus_conninfo 2)
  # services coord, worker1, worker2 (host, port, database): psql 'service=worker1 user=...'
  for i in 0 1 2; do
    printf '[%s]\nhost=%s\nport=%s\ndbname=%s\n\n' "${CITUS_NODES[$i]}" "$CITUS_DIR/${CITUS_NODES[$i]}" \
      $((CITUS_PORT + i)) "$db"
  done >"$PGSERVICEFILE"
}

# scripts/citus.sh as a command
citus_main() {
  local cmd=${1:-}; shift || true
  case $cmd in
    build) citus_ensure_installed ;;
    start) [ $# = 1 ] || { echo "usage: $0 start DB" >&2; return 2; }
           citus_ensure_installed && citus_start "$1" &&
             echo "coordinator: psql -h $CITUS_DIR/coord -p $CITUS_PORT -U postgres -d $1" ;;
    stop) citus_stop ;;
    run) [ $# -ge 2 ] || { echo "usage: $0 run DB CMD [ARG...]" >&2; return 2; }
         local db=$1; shift
         citus_ensure_installed || return 1
         trap citus_stop EXIT
         citus_start "$db" || return 1
         PGHOST=$CITUS_DIR/coord PGPORT=$CITUS_PORT PGUSER=postgres PGDATABASE=$db "$@" ;;
    *) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [ "$cmd" = -h ] || [ "$cmd" = --help ] ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  citus_main "$@"
fi
