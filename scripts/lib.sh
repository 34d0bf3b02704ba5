#!/usr/bin/env bash
# Shared helpers of run.sh, test.sh and the benchmark: dependencies, build,
# and a throwaway PostgreSQL 15 cluster on a Unix socket (no TCP).

PG_MAJOR=15
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# TOKEN_EXT_PG_ROOT (optional, for developers): a private copy of the
# PostgreSQL installation (its usr/lib/postgresql and usr/share/postgresql),
# made on first use.  PostgreSQL finds its share and lib directories relative
# to its binaries, so builds install into the copy and servers run from it:
# two checkouts can then build, install and test at the same time.
PG_ROOT=${TOKEN_EXT_PG_ROOT:-}
PG_BIN=$PG_ROOT/usr/lib/postgresql/$PG_MAJOR/bin
export PG_CONFIG=$PG_BIN/pg_config
export PATH="$PG_BIN:$PATH"

# Debian packages the project needs: build, server, headers, OpenSSL, pgTAP,
# clang's libFuzzer runtime for the fuzz test, the openssl and ssh-keygen
# tools that make the key-file corpus of the key shapes test, and SQLite
# (headers, shell, Debian's Python with its sqlite3 module, PyJWT and the
# cryptography package its RSA, EC and EdDSA algorithms need, for the SQLite
# suite and benchmark: apt installs no recommended packages here).
DEB_PACKAGES=(build-essential postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
  libssl-dev postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl
  clang-14 libclang-rt-14-dev openssl openssh-client libsqlite3-dev sqlite3
  python3 python3-jwt python3-cryptography)

say() { printf '\n== %s\n' "$*"; }

# Run a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt knows an installable version of every named package.  A fresh image
# (debian:12) ships with empty package lists: apt-get install would then
# print "E: Unable to locate package" for each, so look before installing.
apt_knows() {
  local known
  known=$(apt-cache policy "$@" 2>/dev/null | grep -c '^  Candidate: [^(]')
  [ "$known" -eq $# ]
}

# Install the named Debian packages that are missing (idempotent).  The
# package lists are updated first when they lack one of them, and again
# (once) if the install fails on lists gone stale.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local updated=0
  if ! apt_knows "${missing[@]}"; then
    say "updating apt's package lists"
    as_root apt-get update -qq || return 1
    updated=1
  fi
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    && return 0
  [ "$updated" = 1 ] && return 1
  say "updating apt's package lists, then installing again"
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Node.js and npm, for the interop tests and the benchmark's jose baseline.
ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then return 0; fi
  ensure_packages nodejs npm
}

# Make the private copy of the PostgreSQL installation named by TOKEN_EXT_PG_ROOT:
# binaries and libraries, share files, and the headers (pg_config reports
# the include directories relative to itself, so PGXS builds look there).
ensure_pg_root() {
  [ -n "$PG_ROOT" ] || return 0
  # pg_config of the copy names the copy's include directory too, so the
  # server headers (of postgresql-server-dev) are copied with the rest
  [ -x "$PG_BIN/postgres" ] && [ -f "$PG_ROOT/usr/include/postgresql/$PG_MAJOR/server/postgres.h" ] &&
    return 0
  say "copying PostgreSQL $PG_MAJOR into $PG_ROOT"
  mkdir -p "$PG_ROOT/usr/lib/postgresql" "$PG_ROOT/usr/share/postgresql" "$PG_ROOT/usr/include/postgresql"
  [ -x "$PG_BIN/postgres" ] || cp -a /usr/lib/postgresql/$PG_MAJOR "$PG_ROOT/usr/lib/postgresql/"
  [ -d "$PG_ROOT/usr/share/postgresql/$PG_MAJOR" ] || cp -a /usr/share/postgresql/$PG_MAJOR "$PG_ROOT/usr/share/postgresql/"
  cp -a /usr/include/postgresql/. "$PG_ROOT/usr/include/postgresql/"
  chmod 755 "$PG_ROOT" "$PG_ROOT/usr" "$PG_ROOT/usr/lib" "$PG_ROOT/usr/share" "$PG_ROOT/usr/include"
}

# Build with warnings as errors and install into the PostgreSQL 15 tree.
build_and_install() {
  ensure_pg_root
  say "building token_ext"
  make -C "$TOP" -s PG_CONFIG="$PG_CONFIG"
  say "installing token_ext"
  as_root make -C "$TOP" -s PG_CONFIG="$PG_CONFIG" install
}

# The user the server runs as: ourselves, or postgres when we are root.
server_user() {
  if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

# Run a command as the server user.  As root, run it from /, a directory
# postgres can enter (initdb and pg_ctl complain "could not change directory"
# when started in one it cannot, such as a checkout under /root); every
# path given to it is absolute.
as_server_user() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Pick a cluster directory: $1 inside the project if the server user can
# reach it, else a private folder under /tmp.
cluster_dir() {
  local want=$1
  mkdir -p "$(dirname "$want")"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$want")" 2>/dev/null; then
    echo "/tmp/token_ext-$(basename "$want")-$(echo "$TOP" | md5sum | cut -c1-8)"
  else
    echo "$want"
  fi
}

# Start (creating if needed) a cluster in $1 listening on socket port $2;
# CLUSTER_EXTRA_CONF holds more postgresql.conf lines for a new cluster.
cluster_start() {
  local dir=$1 port=$2
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_server_user $PG_BIN/initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
shared_buffers = 256MB
max_parallel_workers_per_gather = 2
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
${CLUSTER_EXTRA_CONF:-}
CONF
  fi
  if ! as_server_user $PG_BIN/pg_ctl -D "$dir/data" status >/dev/null 2>&1; then
    as_server_user $PG_BIN/pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log"; return 1; }
  fi
  export PGHOST=$dir PGPORT=$port PGUSER=postgres
}

# Stop the cluster in $1 if it runs.
cluster_stop() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_server_user $PG_BIN/pg_ctl -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
