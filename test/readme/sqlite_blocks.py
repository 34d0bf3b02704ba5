#!/usr/bin/python3
"""Run every ```sqlite block of README.md in the sqlite3 shell, as a reader would.

The blocks of one README section (a ## or ### heading) run one after
another in one sqlite3 session on an in-memory database, started from the
top of the source tree with ./token_ext_sqlite loaded (so ".load
./token_ext_sqlite" and ".read src/sqlite/jwt_keyring.sql" work as written).
The conventions are those of the ```sql blocks (readme_blocks.py):

  - a statement that is meant to fail says so at the end of its last line,
    "-- ERROR: <text>", the start of the error text the shell prints
    (message, ": ", detail); any other error, and an announced error that
    does not happen, fails the block;
  - a block whose last lines are "-- output:" and then commented lines must
    print exactly those lines ("-- " dropped), no more, no fewer.

Prints TAP lines ("ok - ..." / "not ok - ...") and, last, "RESULT passed failed skipped".
Usage: sqlite_blocks.py README.md   (run from anywhere; needs token_ext_sqlite.so built)
"""
import os
import re
import sqlite3
import subprocess
import sys

from announced import announcement, problem

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
SHELL = os.environ.get('SQLITE3', 'sqlite3')
MARKER = '@@readme-block %d@@'
ERROR_LINE = re.compile(r'^(?:Runtime|Parse) error near line (\d+): (.*)$')


def sections(path):
    """The sqlite blocks, grouped by section: [(heading, [(fence line, lines)])]."""
    lines = open(path, encoding='utf-8').read().split('\n')
    out = []
    heading = None
    i = 0
    while i < len(lines):
        if re.match(r'#{2,3} ', lines[i]):
            heading = lines[i].lstrip('#').strip()
        elif lines[i].strip() == '```sqlite':
            k = i + 1
            while k < len(lines) and not lines[k].strip().startswith('```'):
                k += 1
            if not out or out[-1][0] != heading:
                out.append((heading, []))
            out[-1][1].append((i + 1, lines[i + 1:k]))
            i = k
        i += 1
    return out


def statements(lines, first):
    """The statements of block lines as the shell reads them: (first, last) script lines."""
    out = []
    buf, start = '', None
    for n, text in enumerate(lines, first):
        if start is None:
            stripped = text.strip()
            if stripped == '' or stripped.startswith('--'):
                continue			# the shell skips lines of only space and comments
            if stripped.startswith('.'):
                out.append((n, n))	# a dot-command is one line
                continue
            start = n
        buf += text + '\n'
        if sqlite3.complete_statement(buf):
            out.append((start, n))
            buf, start = '', None
    if start is not None:
        out.append((start, first + len(lines) - 1))
    return out


def expected_output(lines):
    """The lines a block says it prints, or None when it says nothing."""
    for i, text in enumerate(lines):
        if text.strip() == '-- output:':
            return [re.sub(r'^-- ?', '', t) for t in lines[i + 1:]]
    return None


def run_section(blocks):
    """Run one section's blocks in one session; a list of problems per block."""
    script = ['.load ./token_ext_sqlite']
    spans = []
    for b, (fence, lines) in enumerate(blocks):
        script.append('.print ' + MARKER % b)
        first = len(script) + 1
        script.extend(lines)
        spans.append((first, statements(lines, first)))
    script.append('.print ' + MARKER % len(blocks))
    run = subprocess.run([SHELL, '-batch', ':memory:'], input='\n'.join(script) + '\n',
                         capture_output=True, text=True, cwd=TOP, timeout=600)

    errors = {}			# script line where a statement starts -> error text
    stray = []
    for line in run.stderr.split('\n'):
        m = ERROR_LINE.match(line)
        if m:
            errors.setdefault(int(m.group(1)), m.group(2))
        elif line.strip() and not line.startswith('  '):
            stray.append(line)	# an error the shell did not place (a failed .load)

    out = run.stdout.split('\n')
    problems = []
    for b, (fence, lines) in enumerate(blocks):
        first, stmts = spans[b]
        found = []
        for start, last in stmts:
            p = problem(fence + 1 + (start - first), errors.get(start),
                        announcement(script[last - 1]))
            if p is not None:
                found.append(p)
        want = expected_output(lines)
        if want is not None:
            try:
                got = out[out.index(MARKER % b) + 1:out.index(MARKER % (b + 1))]
            except ValueError:
                got = ['(the session stopped: %s)' % run.returncode]
            if got != want:
                found.append('output:\n#     got:  %r\n#     want: %r' % (got, want))
        problems.append(found)
    if stray or run.returncode < 0:
        problems[0].extend(['the shell said: %s' % s for s in stray])
        if run.returncode < 0:
            problems[-1].append('sqlite3 died with signal %d' % -run.returncode)
    return problems


def main():
    readme = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, 'README.md')
    passed = failed = 0
    for heading, blocks in sections(readme):
        for (fence, lines), found in zip(blocks, run_section(blocks)):
            title = 'README sqlite block at line %d (%d lines, section "%s") runs as written' % (
                fence, len(lines), heading)
            if found:
                failed += 1
                print('not ok - ' + title)
                for p in found:
                    print('#   ' + p)
            else:
                passed += 1
                print('ok - ' + title)
    print('RESULT %d %d 0' % (passed, failed))


if __name__ == '__main__':
    main()
