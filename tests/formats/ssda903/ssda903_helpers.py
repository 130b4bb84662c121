"""Helpers for the SSDA903 tests: a fixed 'today', and issue summaries that are easy to pin."""

import datetime as dt
from collections import Counter

# The reader never lets a date after today decide the collection year; the tests fix today.
TODAY = dt.date(2026, 6, 30)


def summary(issues):
    """Issue counts by (severity, 903 table, column, problem); repeats are counted under one problem."""
    return Counter(
        (
            i.severity,
            i.table,
            i.column,
            "repeats an earlier row" if i.problem.startswith("repeats") else i.problem,
        )
        for i in issues
    )


def counts(result):
    """Rows per canonical table of a reader's result."""
    return {name: table.num_rows for name, table in result.tables.items()}


def write(path, text, encoding="utf-8"):
    """Write a small test file and return its path."""
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path
