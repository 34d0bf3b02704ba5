#!/usr/bin/python3
"""The sqlite3-shell suite of token_ext_sqlite: test/sqlite/sql/*.sql run
through the `sqlite3` command-line shell, one statement a line, each line
one assertion; its output (results, and errors as the shell prints them)
must equal the block of test/sqlite/expected/<name>.out that follows the
same statement.

The shell echoes every statement (.echo on), so a transcript is a list of
blocks, one per statement: the statement, then what it printed.  The shell
writes results to stdout and errors to stderr; stdbuf makes stdout
unbuffered so the two interleave in order.  "Runtime error near line N: "
becomes "ERROR: " so that adding a line does not change every later
expected error; the shell appends " (N)" to errors whose code is not
SQLITE_ERROR (23 is SQLITE_AUTH, 18 SQLITE_TOOBIG), which pins the code.

    shell_suite.py [--accept]     (--accept rewrites expected/ from this run)

Prints TAP lines and, last, "RESULT passed failed skipped".  Run from the
top of the repository (the .sql files load ./token_ext_sqlite).
"""
import difflib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
ERROR_PREFIX = re.compile(r'^(Runtime|Parse) error near line \d+: ')


def statements(sql_text):
    """The statement lines of a test file (not comments, not blank)."""
    return [line for line in sql_text.split('\n')
            if line.strip() and not line.startswith('--')]


def transcript(sql_path):
    """Run one file through the shell; its output, errors normalised."""
    with open(sql_path) as f:
        script = '.echo on\n' + f.read()
    run = subprocess.run(['stdbuf', '-o0', '-e0', 'sqlite3', '-batch', ':memory:'],
                         input=script, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, cwd=TOP, timeout=600)
    lines = [ERROR_PREFIX.sub(lambda m: 'ERROR: ' if m.group(1) == 'Runtime'
                              else 'PARSE ERROR: ', line)
             for line in run.stdout.split('\n')]
    if run.returncode < 0:
        lines.append('sqlite3 died with signal %d' % -run.returncode)
    return '\n'.join(lines).rstrip('\n') + '\n'


def blocks(text, stmts):
    """Split a transcript into (statement, output lines) in statement order."""
    out = []
    want = 0
    for line in text.split('\n'):
        if want < len(stmts) and line == stmts[want]:
            out.append((line, []))
            want += 1
        elif out and not line.startswith('--'):
            out[-1][1].append(line)
    return out


def main():
    accept = '--accept' in sys.argv[1:]
    sql_dir = os.path.join(HERE, 'sql')
    exp_dir = os.path.join(HERE, 'expected')
    passed = failed = 0
    n = 0
    for name in sorted(os.listdir(sql_dir)):
        if not name.endswith('.sql'):
            continue
        base = name[:-4]
        with open(os.path.join(sql_dir, name)) as f:
            stmts = statements(f.read())
        actual = transcript(os.path.join(sql_dir, name))
        exp_path = os.path.join(exp_dir, base + '.out')
        if accept:
            with open(exp_path, 'w') as f:
                f.write(actual)
        try:
            with open(exp_path) as f:
                expected = f.read()
        except FileNotFoundError:
            expected = ''
        got = blocks(actual, stmts)
        want = blocks(expected, stmts)
        for i, stmt in enumerate(stmts):
            n += 1
            g = got[i][1] if i < len(got) else ['(not run: the shell stopped earlier)']
            w = want[i][1] if i < len(want) else ['(no expected output)']
            while g and g[-1] == '':
                g = g[:-1]
            while w and w[-1] == '':
                w = w[:-1]
            title = '%s: %s' % (base, stmt if len(stmt) <= 110 else stmt[:107] + '...')
            if g == w:
                passed += 1
                print('ok %d - %s' % (n, title))
            else:
                failed += 1
                print('not ok %d - %s' % (n, title))
                for d in difflib.unified_diff(w, g, 'expected', 'actual', lineterm=''):
                    print('#   ' + d)
    print('1..%d' % n)
    print('RESULT %d %d 0' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
