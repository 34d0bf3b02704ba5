#!/usr/bin/env bash
# Checks the README's promise that ./run.sh and ./test.sh work on a fresh
# Debian 12 machine: bootstraps a minimal Debian 12 root (debootstrap,
# bookworm, variant minbase: nothing preinstalled), clones this checkout's
# committed HEAD into it as /root/token_ext (with ../shared beside it when
# the checkout has one), runs ./run.sh and then ./test.sh inside it as root,
# prints both results and durations, and removes the root again.  Exits
# non-zero if either command fails.  Too slow for every CI run (tens of
# minutes): run it before each release (README, "Contributing").
#
# Usage: sudo scripts/check-fresh-debian.sh [--keep] [--dir DIR]
#   --keep     keep the bootstrapped root afterwards (for a look inside)
#   --dir DIR  bootstrap into DIR (new or empty); default: a new folder
#              under /var/tmp
# The logs of both commands stay in .pgrun/fresh-debian/ of this checkout.
#
# What the root gets from this machine, and why: /etc/resolv.conf (DNS), the
# Debian mirrors this machine's apt uses (bookworm, bookworm-updates and
# bookworm-security, as a Debian installation has them), apt's proxy and
# release-date settings and the local CA certificates
# (/usr/local/share/ca-certificates): a machine on this network needs them
# to reach the mirror and the npm registry.  Nothing else.
#
# One difference from a real machine: on a real Debian machine installing
# postgresql-15 also starts its packaged cluster 15/main on port 5432.  Here
# a policy-rc.d keeps packages from starting services, because the root
# shares this machine's network (the cluster is still created).  The
# servers run.sh and test.sh start listen on Unix sockets inside the root
# only, so they meet nothing outside it.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SUITE=bookworm
KEEP=0
ROOT=
while [ $# -gt 0 ]; do
  case $1 in
    --keep) KEEP=1 ;;
    --dir) ROOT=${2:?--dir needs a folder}; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$(id -u)" != 0 ]; then
  echo "debootstrap, mount and chroot need root: run it with sudo" >&2; exit 2
fi
if ! git -C "$TOP" rev-parse --verify -q HEAD >/dev/null; then
  echo "$TOP has no commit to clone" >&2; exit 2
fi
if [ -n "$(git -C "$TOP" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes in $TOP are not checked: the root gets the committed HEAD only"
fi
LOGS=$TOP/.pgrun/fresh-debian
mkdir -p "$LOGS"

# The first URI of this machine's apt sources that serves the suite $1
# (one-line sources.list files and deb822 .sources files), else $2.
host_mirror() {
  local suite=$1 fallback=$2 uri
  uri=$(
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] && sed -E 's/#.*//; s/\[[^]]*\]//' "$f"
    done | awk -v s="$suite" '$1 == "deb" { for (i = 3; i <= NF; i++) if ($i == s) { print $2; exit } }'
  )
  if [ -z "$uri" ]; then
    uri=$(
      for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && { grep -v '^#' "$f"; echo; }
      done | awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
        { types = ""; uris = ""; suites = ""; enabled = "yes"
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^Types:/) types = " " substr($i, 7) " "
            else if ($i ~ /^URIs:/) uris = substr($i, 6)
            else if ($i ~ /^Suites:/) suites = " " substr($i, 8) " "
            else if ($i ~ /^Enabled:/) enabled = substr($i, 9)
          }
          gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites)
          if (enabled ~ /no/ || types !~ / deb / || suites !~ (" " s " ")) next
          split(uris, u, /[ \t]+/); for (j in u) if (u[j] != "") { print u[j]; exit } }'
    )
  fi
  echo "${uri:-$fallback}"
}

MIRROR=$(host_mirror "$SUITE" http://deb.debian.org/debian)
SECURITY=$(host_mirror "$SUITE-security" http://deb.debian.org/debian-security)

if [ -z "$ROOT" ]; then
  ROOT=$(mktemp -d /var/tmp/token_ext-debian12.XXXXXX)
elif [ -e "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
  echo "$ROOT is not empty" >&2; exit 2
fi
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd -P)
# The root's "/": every user inside (postgres among them) must cross it.
chmod 755 "$ROOT"
MOUNTED=()

# The processes whose root directory is the bootstrapped root (ours: only
# this script starts anything there).
chroot_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && echo "${p#/proc/}"
  done
}

# Stop what still runs inside the root (the demo server run.sh leaves
# running): TERM (a fast shutdown for postgres), then KILL after 30 s.
stop_chroot_processes() {
  local pids i
  pids=$(chroot_pids)
  [ -z "$pids" ] && return 0
  echo "stopping what still runs in the root: pids" $pids
  kill -TERM $pids 2>/dev/null
  for i in $(seq 30); do
    pids=$(chroot_pids); [ -z "$pids" ] && return 0
    sleep 1
  done
  kill -KILL $pids 2>/dev/null
  sleep 1
}

# Mount one file system inside the root, private (nothing propagates back to
# this machine's mounts), and remember it for cleanup.
mount_in_root() {
  local target=$ROOT$1; shift
  mkdir -p "$target"
  mount "$@" "$target" || return 1
  MOUNTED+=("$target")
  mount --make-private "$target"
}

# Unmount everything, stop processes first; remove the root unless --keep.
# Never removes a root that still has something mounted in it.
cleanup() {
  local i status=$?
  stop_chroot_processes
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTED[i]}" 2>/dev/null || umount -l "${MOUNTED[i]}" \
      || echo "could not unmount ${MOUNTED[i]}" >&2
  done
  MOUNTED=()
  if grep -qF " $ROOT/" /proc/self/mountinfo; then
    echo "something is still mounted under $ROOT: not removing it" >&2
  elif [ "$KEEP" = 1 ]; then
    echo "kept the Debian 12 root in $ROOT"
  else
    rm -rf --one-file-system "$ROOT" && echo "removed $ROOT"
  fi
  return $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_packages debootstrap || exit 1

say "bootstrapping Debian 12 ($SUITE, minbase) from $MIRROR into $ROOT"
start=$(date +%s)
if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
  tail -n 20 "$LOGS/debootstrap.log"
  echo "debootstrap failed (log: $LOGS/debootstrap.log)"; exit 1
fi
echo "done in $(( $(date +%s) - start )) s"

# apt: the mirrors of a Debian 12 installation; this machine's network settings.
cat >"$ROOT/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
SOURCES
apt-config dump | grep -E '^Acquire::((https?|ftp)::Proxy|Check-Valid-Until|Check-Date) ' \
  >"$ROOT/etc/apt/apt.conf.d/99host-network" || rm -f "$ROOT/etc/apt/apt.conf.d/99host-network"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$ROOT/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
fi
# no service starts inside the root (see above: 15/main and port 5432)
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"

# the project, as a user's clone of the committed HEAD, and ../shared beside it
commit=$(git -C "$TOP" rev-parse HEAD)
say "cloning $TOP (HEAD, ${commit:0:12}) into /root/token_ext"
git init -q "$ROOT/root/token_ext" && git -C "$ROOT/root/token_ext" fetch -q "$TOP" HEAD \
  && git -C "$ROOT/root/token_ext" checkout -q --detach FETCH_HEAD || { echo "clone failed"; exit 1; }
if [ -d "$TOP/../shared" ]; then
  cp -a "$TOP/../shared" "$ROOT/root/shared"
  echo "copied $(cd "$TOP/../shared" && pwd -P) to /root/shared"
else
  echo "no ../shared beside the checkout: its vector tests will SKIP"
fi

mount_in_root /proc -t proc proc || exit 1
mount_in_root /sys -t sysfs sysfs || exit 1
mount_in_root /dev --bind /dev || exit 1
mount_in_root /dev/pts --bind /dev/pts || exit 1
mount_in_root /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs || exit 1

# Run one README command inside the root as root, in a clean environment;
# its output goes to $LOGS/<name>.log, its "== " section lines to the screen.
# Sets STATUS and SECONDS_TAKEN.
run_in_root() {
  local name=$1 cmd=$2 start env=()
  local v
  for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [ -n "${!v:-}" ] && env+=("$v=${!v}")
  done
  say "$cmd (log: $LOGS/$name.log)"
  start=$(date +%s)
  # in the background, so that a TERM or INT reaches the trap at once
  # (cleanup then stops what runs inside the root)
  (
    chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${env[@]}" \
      /bin/bash -c "cd /root/token_ext && $cmd" </dev/null 2>&1 \
      | tee "$LOGS/$name.log" | grep --line-buffered '^== ' | sed -u 's/^/   /'
    exit "${PIPESTATUS[0]}"
  ) &
  wait $!
  STATUS=$?
  SECONDS_TAKEN=$(( $(date +%s) - start ))
}

run_in_root run ./run.sh
run_status=$STATUS run_seconds=$SECONDS_TAKEN
# What the README says installing postgresql-15 does: Debian's cluster
# 15/main, on port 5432 (created here, not started: see above).
main_conf=$ROOT/etc/postgresql/15/main/postgresql.conf
if grep -qE '^port = 5432\b' "$main_conf" 2>/dev/null; then
  main_status=0; main_note="created, port 5432 (not started inside the root)"
else
  main_status=1; main_note="not found as the README describes it ($main_conf, port = 5432)"
fi
run_in_root test ./test.sh
test_status=$STATUS test_seconds=$SECONDS_TAKEN

say "fresh Debian 12: results"
echo "./run.sh  (exit $run_status, $run_seconds s), last lines:"
tail -n 4 "$LOGS/run.log" | sed 's/^/    /'
echo "./test.sh (exit $test_status, $test_seconds s), last lines:"
tail -n 9 "$LOGS/test.log" | sed 's/^/    /'
echo "Debian's cluster 15/main: $main_note"
if [ "$run_status" = 0 ] && [ "$test_status" = 0 ] && [ "$main_status" = 0 ]; then
  echo "fresh Debian 12 check passed (commit ${commit:0:12})"
  exit 0
fi
echo "fresh Debian 12 check FAILED (commit ${commit:0:12}; logs in $LOGS)"
exit 1
