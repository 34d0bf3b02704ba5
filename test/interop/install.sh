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
if ! npm install --no-audit --no-fund --loglevel=error >npm-install.log 2>&1 || ! deps_installed; then
  sed 's/^/# /' npm-install.log
  rm -f npm-install.log
  exit 1
fi
rm -f npm-install.log
