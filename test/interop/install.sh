#!/usr/bin/env bash
# Installs the npm packages pinned in test/interop/package.json (jose, pg)
# into test/interop/node_modules, unless those exact versions are there.
# Used by the interop suite and by the SQLite suite; prints "# ..." lines
# only, and exits non-zero when node/npm are missing or the install fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The versions pinned in package.json are installed (only then skip npm).
deps_installed() {
  node -e '
    const pkg = require("./package.json");
    for (const [name, want] of Object.entries(pkg.dependencies)) {
      const got = require(`./node_modules/${name}/package.json`).version;
      if (got !== want) process.exit(1);
    }' 2>/dev/null
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "# node and npm are needed"
  exit 1
fi
deps_installed && exit 0
echo "# installing npm packages into $(pwd)/node_modules"
npm_log=$(mktemp)
trap 'rm -f "$npm_log"' EXIT
# npm's own output, warnings included (EBADENGINE: this Node is older than
# a package asks for), is shown as TAP diagnostics, never hidden.
npm install --no-audit --no-fund --loglevel=warn >"$npm_log" 2>&1
npm_status=$?
sed -e '/^[[:space:]]*$/d' -e 's/^/# /' "$npm_log"
[ "$npm_status" -eq 0 ] && deps_installed
