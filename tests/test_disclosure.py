"""Tests for clearsight.disclosure against indicators.md §5: primary, derived and secondary suppression."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearsight.disclosure import Line, breakdown, count, figure, is_small, suppress

c, x, z = "c", "x", "z"


def test_the_specification_fixture() -> None:
    """§5: Team A 30, Team B 7, Team C 3, total 40 gives A 30, B c, C c, total 40."""
    table = suppress([[30], [7], [3]], row_totals=False, column_totals=True)
    assert table.cells == [[30], [c], [c]]
    assert table.column_totals == [40]
    assert table.row_totals is None and table.total is None


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, c), (5, c), (6, 6), (40, 40), (None, x)])
def test_a_count_from_1_to_5_is_c_and_zero_is_shown(n: int | None, shown: object) -> None:
    assert count(n) == shown


@pytest.mark.parametrize(
    ("unit", "value", "numerator", "denominator", "shown"),
    [
        ("percent", 7.5, 3, 40, c),  # small numerator
        ("percent", 0.0, 0, 3, c),  # small denominator, even with none counted
        ("percent", 100.0, 5, 5, c),
        ("percent", 95.0, 38, 40, 95.0),
        ("percent", 0.0, 0, 40, 0.0),
        ("percent", None, 0, 0, x),  # no denominator: not available
        ("count", 4, 4, 90, c),
        ("count", 0, 0, 90, 0),
        ("rate_10k", 2.7, 4, 14_856, c),  # the count is small; the population never is
        ("rate_10k", 29.6, 44, 14_856, 29.6),
        ("average_days", 405.0, 2_835, 5, c),  # rests on 5 records
        ("average_days", 405.0, 2_835, 7, 405.0),
        ("average", 13.3, 559, 4.5, c),  # a caseload average over 4.5 FTE
        ("average", 13.3, 559, 42, 13.3),
    ],
)
def test_a_derived_value_is_c_when_what_it_rests_on_is_small(
    unit: str, value: float | None, numerator: float, denominator: float, shown: object
) -> None:
    assert figure(unit, value, numerator, denominator) == shown


def test_is_small_covers_fractions_of_a_worker() -> None:
    assert [is_small(n) for n in (0, 0.5, 1, 5, 5.5, 6, None)] == [
        False,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_a_two_way_table_hides_a_second_cell_in_each_row_and_column() -> None:
    """3 is hidden; row 1 then hides 15 (its smallest other), columns 2 and 3 hide 9 and 30; the totals
    all stay, and the four hidden cells cannot be solved from them."""
    table = suppress([[20, 3, 15], [12, 9, 30]])
    assert table.cells == [[20, c, c], [12, c, c]]
    assert table.row_totals == [38, 51]
    assert table.column_totals == [32, 12, 45]
    assert table.total == 89
    assert table.hidden == {(0, 1), (0, 2), (1, 1), (1, 2)}


def test_ties_go_to_the_first_in_display_order_and_zeros_are_never_hidden() -> None:
    assert suppress([[3], [8], [8]], row_totals=False).cells == [[c], [c], [8]]
    table = suppress([[0], [4], [9]], row_totals=False)
    assert table.cells == [[0], [c], [c]] and table.column_totals == [13]


def test_a_total_is_hidden_when_it_is_itself_small() -> None:
    table = suppress([[2], [0], [1]], row_totals=False)
    assert table.cells == [[c], [0], [c]] and table.column_totals == [c]


def test_a_total_is_hidden_when_nothing_else_would_protect_a_hidden_one() -> None:
    """Column 1's total is 3, hidden; the totals row (3, 37, 40) would give it back by subtraction and
    has no cell of its own to hide, so 37 goes too. Row 1 hides 7 for the 3 within it."""
    table = suppress([[3, 7], [0, 30]])
    assert table.cells == [[c, c], [0, 30]]
    assert table.row_totals == [10, 30] and table.column_totals == [c, c]
    assert table.total == 40


def test_a_missing_cell_is_x_and_counts_as_none() -> None:
    table = suppress([[10], [None], [12]], row_totals=False)
    assert table.cells == [[10], [x], [12]] and table.column_totals == [22]


def test_a_percentage_breakdown_hides_the_value_of_every_hidden_count() -> None:
    """Team C's 3 assessments hide its numerator and denominator; Team B's are the secondary cells; Team B's
    percentage goes with them. The total line is the indicator's own figure."""
    lines, total = breakdown(
        "percent",
        [("Team A", 28, 30, 93.3), ("Team B", 6, 7, 85.7), ("Team C", 2, 3, 66.7)],
        (36, 40, 90.0),
    )
    assert lines == [Line("Team A", 28, 30, 93.3), Line("Team B", c, c, c), Line("Team C", c, c, c)]
    assert total == Line("Total", 36, 40, 90.0)


def test_a_percentage_is_hidden_when_its_numerator_is_a_secondary_cell() -> None:
    """Neither 7 nor 30 is small, but 7 is hidden to protect the 3, so 7 / 30 would give it away."""
    lines, _ = breakdown(
        "percent",
        [("Team A", 20, 25, 80.0), ("Team B", 7, 30, 23.3), ("Team C", 3, 35, 8.6)],
        (30, 90, 33.3),
    )
    assert lines == [Line("Team A", 20, 25, 80.0), Line("Team B", c, 30, c), Line("Team C", c, 35, c)]


def test_a_rate_breakdown_shows_the_population_and_z_where_there_is_none() -> None:
    by_age, total = breakdown(
        "rate_10k",
        [("unborn", 2, None, None), ("under 1", 30, 1_000, 300.0), ("1-4", 12, 4_000, 30.0)],
        (44, 14_856, 29.6),
    )
    assert by_age == [
        Line("unborn", c, z, z),
        Line("under 1", 30, 1_000, 300.0),
        Line("1-4", c, 4_000, c),  # the secondary cell
    ]
    assert total == Line("Total", 44, 14_856, 29.6)
    by_team, _ = breakdown(
        "rate_10k", [("Team A", 40, None, None), ("Team B", 4, None, None)], (44, 14_856, 29.6)
    )
    assert by_team == [Line("Team A", c, z, z), Line("Team B", c, z, z)]


def test_an_average_breakdown_counts_its_records() -> None:
    lines, total = breakdown(
        "average_days", [("Team A", 2_000, 5, 400.0), ("Team B", 3_200, 8, 400.0)], (5_200, 13, 400.0)
    )
    assert lines == [Line("Team A", z, c, c), Line("Team B", z, c, c)]
    assert total == Line("Total", z, 13, 400.0)


# --- Properties ------------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 8), st.integers(0, 200))
tables = st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=1, max_size=6)
)
margins = st.sampled_from([(True, True), (False, True), (True, False)])


def columns_of(cells: list[list[object]]) -> list[list[object]]:
    return [list(column) for column in zip(*cells, strict=True)]


def shown_figures(table) -> list[object]:
    return [
        *(v for row in table.cells for v in row),
        *(table.row_totals or []),
        *(table.column_totals or []),
        *([] if table.total is None else [table.total]),
    ]


@given(tables, margins)
def test_no_displayed_count_is_from_1_to_5(cells: list[list[int]], margin: tuple[bool, bool]) -> None:
    table = suppress(cells, row_totals=margin[0], column_totals=margin[1])
    assert not [v for v in shown_figures(table) if v != c and is_small(v)]


@given(tables, margins)
def test_no_line_with_a_displayed_total_has_exactly_one_hidden_cell(
    cells: list[list[int]], margin: tuple[bool, bool]
) -> None:
    row_totals, column_totals = margin
    table = suppress(cells, row_totals=row_totals, column_totals=column_totals)
    lines = []
    if row_totals:
        lines += [(row, total) for row, total in zip(table.cells, table.row_totals, strict=True)]
    if column_totals:
        lines += [
            (column, total)
            for column, total in zip(columns_of(table.cells), table.column_totals, strict=True)
        ]
    for figures, total in lines:
        if total != c:
            assert figures.count(c) != 1, (cells, table)


@given(tables, margins)
def test_zeros_are_shown_and_shown_totals_add_up(cells: list[list[int]], margin: tuple[bool, bool]) -> None:
    table = suppress(cells, row_totals=margin[0], column_totals=margin[1])
    for row, shown in zip(cells, table.cells, strict=True):
        assert all(s == 0 for n, s in zip(row, shown, strict=True) if n == 0)
    for total, expected in zip(
        table.column_totals or [], [sum(column) for column in columns_of(cells)], strict=False
    ):
        assert total in (c, expected)
    for total, expected in zip(table.row_totals or [], [sum(row) for row in cells], strict=False):
        assert total in (c, expected)


@given(tables)
def test_a_table_of_columns_hides_a_total_only_when_it_is_small(cells: list[list[int]]) -> None:
    table = suppress(cells, row_totals=False, column_totals=True)
    sums = [sum(column) for column in columns_of(cells)]
    assert [t == c for t in table.column_totals] == [is_small(s) for s in sums]


unsuppressed = st.one_of(st.just(0), st.integers(6, 200))


@given(
    st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(unsuppressed, min_size=columns, max_size=columns), min_size=1, max_size=6
        )
    ),
    margins,
)
def test_a_table_with_nothing_from_1_to_5_is_unchanged(
    cells: list[list[int]], margin: tuple[bool, bool]
) -> None:
    table = suppress(cells, row_totals=margin[0], column_totals=margin[1])
    assert table.cells == cells and not table.hidden
    if table.row_totals is not None:
        assert table.row_totals == [sum(row) for row in cells]
    if table.column_totals is not None:
        assert table.column_totals == [sum(column) for column in columns_of(cells)]
