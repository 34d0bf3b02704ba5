#!/usr/bin/env bash
# META.json (PGXN) agrees with the tree: valid JSON, the release version is
# every extension's default_version, and each extension it provides has its
# control file and install script.  Ends with "RESULT passed failed skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
"$PY" - <<'PY'
import json, re, os, sys
ok = bad = 0
def check(cond, what):
    global ok, bad
    print(("ok" if cond else "not ok") + " - " + what)
    if cond: ok += 1
    else: bad += 1
try:
    meta = json.load(open("META.json"))
    check(True, "META.json is valid JSON")
except Exception as e:
    check(False, "META.json is valid JSON (%s)" % e)
    print("RESULT %d %d 0" % (ok, bad)); sys.exit(0)
for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
    check(key in meta, "META.json has %s" % key)
for ext, info in meta.get("provides", {}).items():
    control = ext + ".control"
    text = open(control).read() if os.path.exists(control) else ""
    m = re.search(r"default_version\s*=\s*'([^']+)'", text)
    check(m is not None and m.group(1) == info.get("version") == meta.get("version"),
          "%s: default_version %s, META %s, release %s" % (ext, m.group(1) if m else None,
                                                          info.get("version"), meta.get("version")))
    check(os.path.exists(info.get("file", "")), "%s: install script %s exists" % (ext, info.get("file")))
controls = sorted(f[:-8] for f in os.listdir(".") if f.endswith(".control"))
check(controls == sorted(meta.get("provides", {})), "META.json provides every extension of the tree: %s" % controls)
print("RESULT %d %d 0" % (ok, bad))
PY
