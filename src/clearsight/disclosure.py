"""Small-number suppression for aggregate outputs to elected Members and the public (indicators.md §5).

What may be shown, never what is stored: the results keep their figures, and this module only decides
which of them an audience outside the service may see.

- Primary suppression: a count from 1 to 5 is shown as `c`; zero is shown.
- Derived values: a percentage is `c` when its numerator or denominator is 1 to 5, a rate per 10,000
  when its count is, an average when it rests on 1 to 5 records.
- Secondary suppression: in a table showing totals, more cells are hidden until no row or column
  leaves exactly one hidden figure, which subtraction from its total would reveal.
- Symbols: `c` suppressed, `x` not available, `z` not applicable.

Must not import Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
SYMBOLS = {
    SUPPRESSED: "suppressed: a small number (1 to 5), or a figure from which one could be worked out",
    NOT_AVAILABLE: "not available",
    NOT_APPLICABLE: "not applicable",
}
SMALL = 5  # the largest count suppressed (§5 rule 1)

Shown = float | str  # a figure as it may be shown: the number, or one of the symbols

# The counts each unit's value rests on (§5 rule 2): a percentage on both, a count and a rate on the
# count, an average on its records (the denominator; for the caseload average, FTE, which is never more
# than the number of workers, so suppressing 1 to 5 FTE covers every average of 1 to 5 workers).
BASES = {
    "percent": ("numerator", "denominator"),
    "count": ("numerator",),
    "rate_10k": ("numerator",),
    "average_days": ("denominator",),
    "average": ("denominator",),
}
# The counts a breakdown table shows for each unit, which secondary suppression protects. A rate's
# denominator is the resident population (published estimates, not a count of children known to the
# service) and an average's numerator a sum of days or children, neither shown as a count.
COUNTED = {
    "percent": ("numerator", "denominator"),
    "count": ("numerator", "denominator"),
    "rate_10k": ("numerator",),
    "average_days": ("denominator",),
    "average": ("denominator",),
}


def is_small(n: float | None) -> bool:
    """Whether a count (or an FTE) is from 1 to 5: above zero and at most 5."""
    return n is not None and 0 < n <= SMALL


def count(n: float | None) -> Shown:
    """A count as it may be shown (§5 rules 1 and 4): `x` when there is none, `c` when 1 to 5."""
    if n is None:
        return NOT_AVAILABLE
    return SUPPRESSED if is_small(n) else n


def figure(unit: str, value: float | None, numerator: float | None, denominator: float | None) -> Shown:
    """An indicator's value as it may be shown (§5 rule 2): `x` when there is none, `c` when a count it
    rests on is from 1 to 5."""
    if value is None:
        return NOT_AVAILABLE
    based_on = {"numerator": numerator, "denominator": denominator}
    if any(is_small(based_on[name]) for name in BASES[unit]):
        return SUPPRESSED
    return value


@dataclass(frozen=True)
class Table:
    """A table of counts as it may be shown: each cell, and the row and column totals it displays (None
    where it displays none), with `hidden` the positions of the suppressed cells."""

    cells: list[list[Shown]]
    row_totals: list[Shown] | None
    column_totals: list[Shown] | None
    total: Shown | None
    hidden: frozenset[tuple[int, int]]


def suppress(
    cells: Sequence[Sequence[float | None]], *, row_totals: bool = True, column_totals: bool = True
) -> Table:
    """The table with primary and secondary suppression applied (§5 rules 1, 3 and 4); its totals are
    the sums of its cells (a missing cell, shown `x`, counting as none).

    Every row with a total and every column with a total (the totals row and column too, when the grand
    total is shown) is a line whose figures add up. Passing over the rows, then the columns, a line with
    exactly one hidden figure has its smallest non-zero shown cell hidden too, the first in display order
    on a tie (zeros never are); passes repeat until no line has exactly one. A total is hidden when it is
    itself 1 to 5, or when a line has no other non-zero cell left to hide (the totals row, whose figures
    are all totals; a row whose other cells are zeros), since subtraction would otherwise reveal the one
    hidden figure: §5 rule 3 outranks rule 4.
    """
    rows, columns = len(cells), max((len(row) for row in cells), default=0)
    grid = {(i, j): cells[i][j] for i in range(rows) for j in range(columns)}
    totals: dict[tuple[int, int], float] = {}
    if row_totals:
        totals |= {(i, columns): sum(v or 0 for v in cells[i]) for i in range(rows)}
    if column_totals:
        totals |= {(rows, j): sum(grid[i, j] or 0 for i in range(rows)) for j in range(columns)}
    if row_totals and column_totals:
        totals[rows, columns] = sum(v or 0 for v in grid.values())
    every = grid | totals
    lines = _lines(rows, columns, row_totals, column_totals)
    hidden = {position for position, value in every.items() if is_small(value)}
    changed = True
    while changed:  # passes over the rows, then the columns, until one hides nothing more
        changed = False
        for line in lines:
            if sum(p in hidden for p in line) == 1:
                shown = [p for p in line if p not in hidden and (every[p] or 0) > 0]
                inner = [p for p in shown if p in grid]
                # Never empty: the hidden figure is non-zero and the line adds up, so another one is.
                hidden.add(min(inner or shown, key=lambda p: every[p]))  # min keeps the first of equals
                changed = True

    def shown(position: tuple[int, int]) -> Shown:
        return SUPPRESSED if position in hidden else count(every[position])

    return Table(
        cells=[[shown((i, j)) for j in range(columns)] for i in range(rows)],
        row_totals=[shown((i, columns)) for i in range(rows)] if row_totals else None,
        column_totals=[shown((rows, j)) for j in range(columns)] if column_totals else None,
        total=shown((rows, columns)) if row_totals and column_totals else None,
        hidden=frozenset(p for p in hidden if p in grid),
    )


def _lines(rows: int, columns: int, row_totals: bool, column_totals: bool) -> list[list[tuple[int, int]]]:
    """Each line whose figures add up, in display order, its total last."""
    # The totals row adds up to the grand total only when both are shown; so does the totals column.
    both = int(row_totals and column_totals)
    lines = []
    if row_totals:
        lines += [[(i, j) for j in range(columns + 1)] for i in range(rows + both)]
    if column_totals:
        lines += [[(i, j) for i in range(rows + 1)] for j in range(columns + both)]
    return lines


@dataclass(frozen=True)
class Line:
    """One line of a breakdown as it may be shown: its cell's label and figures."""

    label: str
    numerator: Shown
    denominator: Shown
    value: Shown


def breakdown(
    unit: str,
    cells: Sequence[tuple[str, float | None, float | None, float | None]],
    overall: tuple[float | None, float | None, float | None],
) -> tuple[list[Line], Line]:
    """A breakdown's cells (label, numerator, denominator, value), in display order, and its total line
    from the overall figures, as they may be shown (§5, §6).

    The counts `COUNTED` for the unit form the columns of a table with column totals, suppressed as
    `suppress` does; a cell's value is `c` when a count it rests on is hidden. A rate's population is
    shown as given, and a rate with no population for its cell (breakdowns other than age band) is `z`.
    """
    counted = COUNTED[unit]
    table = suppress(
        [[{"numerator": n, "denominator": d}[name] for name in counted] for _, n, d, _ in cells],
        row_totals=False,
        column_totals=True,
    )
    assert table.column_totals is not None
    lines = []
    for i, (label, numerator, denominator, value) in enumerate(cells):
        shown = dict(zip(counted, table.cells[i], strict=True))
        shown_value = _value(unit, value, numerator, denominator)
        if shown_value != NOT_APPLICABLE and any((i, counted.index(n)) in table.hidden for n in BASES[unit]):
            shown_value = SUPPRESSED
        lines.append(
            Line(
                label,
                shown.get("numerator", NOT_APPLICABLE),
                shown.get("denominator", _population(denominator)),
                shown_value,
            )
        )
    totals = dict(zip(counted, table.column_totals, strict=True))
    numerator, denominator, value = overall
    total = Line(
        "Total",
        totals.get("numerator", NOT_APPLICABLE),
        totals.get("denominator", _population(denominator)),
        _value(unit, value, numerator, denominator),
    )
    return lines, total


def _population(population: float | None) -> Shown:
    return NOT_APPLICABLE if population is None else population


def _value(unit: str, value: float | None, numerator: float | None, denominator: float | None) -> Shown:
    if unit == "rate_10k" and denominator is None:
        return NOT_APPLICABLE
    return figure(unit, value, numerator, denominator)
