#!/usr/bin/python3
"""Run every ```sql block of README.md, in order, as a new user would paste them.

The blocks run one after another in one psql session (so a value set with
\\gset in one block is there for the next), against a fresh database, as a
superuser.  A statement that is meant to fail says so on the line that ends
it, with a trailing comment "-- ERROR: <message>" (the start of the message
PostgreSQL prints); any other error, and any announced error that does not
happen, fails the block.

Two directives, in an HTML comment on the line just above a block's fence,
say what a block needs that a real database already has:

    <!-- readme-test: new database -->       run it (and what follows) in a fresh database
    <!-- readme-test: setup <SQL> -->         run <SQL> first, unseen (e.g. PostgREST's role)
    <!-- readme-test: setup-file <path> -->   run the SQL file <path> first, unseen
    <!-- readme-test: skip <why> -->          do not run it (say why; only for other products' SQL)

SQLite examples are ```sqlite blocks, which sqlite_blocks.py runs; this
script runs only ```sql ones, so a SQLite example in a ```sql block fails here.

Prints TAP lines ("ok - ..." / "not ok - ...") and, last, "RESULT passed failed skipped".
Usage: readme_blocks.py README.md   (PGHOST, PGPORT, PGUSER name the server)
"""
import os
import re
import subprocess
import sys
import tempfile

from announced import announcement, problem

PSQL = os.environ.get("PSQL", "psql")
DB_PREFIX = "token_ext_readme"


def blocks(path):
    """The sql blocks: (readme line of the fence, lines, directives)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sql":
            directives = []
            j = i - 1
            while j >= 0 and lines[j].strip().startswith("<!--") and lines[j].strip().endswith("-->"):
                m = re.match(r"<!--\s*readme-test:\s*(.*?)\s*-->$", lines[j].strip())
                if m:
                    directives.insert(0, m.group(1))
                j -= 1
            k = i + 1
            while k < len(lines) and not lines[k].strip().startswith("```"):
                k += 1
            out.append((i + 1, lines[i + 1:k], directives))
            i = k
        i += 1
    return out


def psql(*args, db="postgres", stdin=None):
    return subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-d", db, *args], input=stdin,
                          capture_output=True, text=True)


def main():
    readme = sys.argv[1] if len(sys.argv) > 1 else "README.md"
    found = blocks(readme)
    roles_before = set(psql("-c", "SELECT rolname FROM pg_roles").stdout.split())
    dbs = []

    script = []          # the psql script
    origin = {}          # script line -> (block index, README line)
    announced = {}       # script line -> expected message
    block_of_line = []   # per block: (first script line, last script line)

    def emit(text, block=None, readme_line=None):
        script.append(text)
        n = len(script)
        if block is not None:
            origin[n] = (block, readme_line)
        return n

    emit("\\set ON_ERROR_STOP 0")
    emit("\\set VERBOSITY terse")
    skipped = []
    for b, (fence_line, lines, directives) in enumerate(found):
        skip = [d for d in directives if d.startswith("skip")]
        if skip:
            skipped.append((b, fence_line, skip[0][4:].strip()))
            block_of_line.append(None)
            continue
        if b == 0 or "new database" in directives:
            db = "%s_%d" % (DB_PREFIX, len(dbs))
            dbs.append(db)
            emit("\\c postgres")
            emit("SET client_min_messages = warning;")
            emit("DROP DATABASE IF EXISTS %s;" % db)
            emit("CREATE DATABASE %s;" % db)
            emit("\\c %s" % db)
        for d in directives:
            if d.startswith("setup "):
                emit(d[len("setup "):])
            elif d.startswith("setup-file "):
                for text in open(d[len("setup-file "):].strip(), encoding="utf-8").read().split("\n"):
                    emit(text)
        first = len(script) + 1
        for offset, text in enumerate(lines):
            n = emit(text, b, fence_line + 1 + offset)
            if announcement(text) is not None:
                announced[n] = announcement(text)
        block_of_line.append((first, len(script)))

    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write("\n".join(script) + "\n")
        path = f.name
    run = subprocess.run([PSQL, "-X", "-d", "postgres", "-f", path], capture_output=True, text=True)
    os.unlink(path)

    errors = {}          # script line -> message
    for line in run.stderr.splitlines():
        m = re.match(r"psql:.*?:(\d+): (ERROR|FATAL|PANIC):\s+(.*)$", line)
        if m:
            errors.setdefault(int(m.group(1)), m.group(3))
        elif re.match(r"psql:.*?:(\d+): ", line) is None and line.strip():
            m2 = re.match(r"(ERROR|FATAL):\s+(.*)$", line)
            if m2:
                errors.setdefault(-1, m2.group(2))

    passed = failed = 0
    for b, (fence_line, lines, directives) in enumerate(found):
        span = block_of_line[b]
        if span is None:
            continue
        first, last = span
        problems = []
        for n in range(first, last + 1):
            p = problem(origin[n][1], errors.get(n), announced.get(n))
            if p is not None:
                problems.append(p)
        title = "README block at line %d (%d lines) runs as written" % (fence_line, len(lines))
        if problems:
            failed += 1
            print("not ok - " + title)
            for p in problems:
                print("#   " + p)
        else:
            passed += 1
            print("ok - " + title)
    for n, msg in errors.items():
        if n not in origin:
            failed += 1
            print("not ok - the test's own setup ran (line %d: %s)" % (n, msg))
    for b, fence_line, why in skipped:
        print("ok - README block at line %d # SKIP %s" % (fence_line, why))

    # leave the server as it was: the databases and the roles the blocks made
    for db in dbs:
        psql("-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
    for role in set(psql("-c", "SELECT rolname FROM pg_roles").stdout.split()) - roles_before:
        psql("-c", 'DROP ROLE IF EXISTS "%s"' % role)
    print("RESULT %d %d %d" % (passed, failed, len(skipped)))


if __name__ == "__main__":
    main()
