"""The README test's one rule for errors, shared by its sql and sqlite runners.

A statement that is meant to fail announces it at the end of its last line,
"-- ERROR: <text>"; the error it raises must start with that text.  Any other
error, and an announced error that does not happen, is a problem.
"""
import re

ANNOUNCED = re.compile(r"--\s*ERROR:\s*(.+?)\s*$")


def announcement(line):
    """The error text a line announces, or None."""
    m = ANNOUNCED.search(line)
    return m.group(1) if m else None


def problem(readme_line, error, announced):
    """What is wrong with a statement's outcome (error or None), or None when nothing is."""
    if error is not None and announced is None:
        return "README line %d: unexpected ERROR: %s" % (readme_line, error)
    if error is not None and not error.startswith(announced):
        return "README line %d: ERROR: %s (announced: %s)" % (readme_line, error, announced)
    if error is None and announced is not None:
        return "README line %d: the announced error did not happen (%s)" % (readme_line, announced)
    return None
