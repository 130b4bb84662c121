"""Shared fixtures: the synthetic county and its indicator results, computed once per test session."""

from __future__ import annotations

import datetime as dt

import pytest

from clearsight import synth
from clearsight.indicators.engine import compute


@pytest.fixture(scope="session")
def county():
    return synth.generate("county", seed=0)


@pytest.fixture(scope="session")
def county_results(county):
    return compute(county.tables, county.as_at, keep_items=True)


@pytest.fixture(scope="session")
def later_days() -> int:
    """Days between the county's as-at date and the later run."""
    return 14


@pytest.fixture(scope="session")
def county_later(county, later_days):
    return compute(county.tables, county.as_at + dt.timedelta(days=later_days))
