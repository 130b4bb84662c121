"""RAG status and direction of travel as indicators.md §3 and §4 define them."""

from __future__ import annotations

import datetime as dt

import pytest

from clearsight.indicators import rag


@pytest.mark.parametrize(
    ("value", "expected"),
    [(90.0, "GREEN"), (95.0, "GREEN"), (89.9, "AMBER"), (80.0, "AMBER"), (79.99, "RED")],
)
def test_higher_is_better_boundaries(value, expected):
    """§3 rule 4: on the target is GREEN; on the edge of the band is AMBER."""
    assert rag.status(value, polarity="higher", target=90, tolerance=10) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(22.0, "GREEN"), (10.0, "GREEN"), (22.5, "AMBER"), (25.0, "AMBER"), (25.01, "RED")],
)
def test_lower_is_better_boundaries(value, expected):
    assert rag.status(value, polarity="lower", target=22, tolerance=3) == expected


def test_a_count_with_target_zero_is_green_only_at_zero():
    assert rag.status(0, polarity="lower", target=0, tolerance=0) == "GREEN"
    assert rag.status(1, polarity="lower", target=0, tolerance=0) == "RED"


def test_statuses_before_colour():
    assert rag.status(50.0, polarity="higher", target=90, available=False) == "NO_SOURCE_DATA"
    assert rag.status(None, polarity="higher", target=90) == "NO_DATA"
    assert rag.status(50.0, polarity="higher", target=90, denominator=4, min_denominator=5) == "LOW_N"
    assert rag.status(0.75, polarity="none", target=None) == "GREY"


def test_target_in_force_follows_the_trajectory():
    schedule = [{"from": "2025-04-01", "target": 80.0}, {"from": dt.date(2025, 10, 1), "target": 90.0}]
    assert rag.target_in_force(70.0, schedule, dt.date(2025, 3, 31)) == 70.0
    assert rag.target_in_force(70.0, schedule, dt.date(2025, 4, 1)) == 80.0
    assert rag.target_in_force(70.0, schedule, dt.date(2026, 1, 1)) == 90.0


@pytest.mark.parametrize(
    ("value", "previous", "polarity", "unit", "expected"),
    [
        (51.0, 50.0, "higher", "percent", "improving"),  # exactly the 1-point threshold
        (50.9, 50.0, "higher", "percent", "stable"),
        (49.0, 50.0, "higher", "percent", "deteriorating"),
        (49.0, 50.0, "lower", "percent", "improving"),
        (11, 10, "lower", "count", "deteriorating"),  # max(1, 5% of 10) = 1
        (104, 100, "lower", "count", "stable"),  # 5% of 100 = 5
        (0.8, 0.75, "none", "rate_10k", "up"),
        (None, 50.0, "higher", "percent", "n/a"),
    ],
)
def test_direction_of_travel(value, previous, polarity, unit, expected):
    assert rag.direction(value, previous, polarity=polarity, unit=unit) == expected


def test_direction_mode_colours():
    assert rag.status_by_direction("improving") == "GREEN"
    assert rag.status_by_direction("stable") == "AMBER"
    assert rag.status_by_direction("deteriorating") == "RED"
    assert rag.status_by_direction("n/a") == "GREY"
